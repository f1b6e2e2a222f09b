"""What every command shares: consoles, JSON output and turning user errors into a message + exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from rich.console import Console

from ontology.errors import BeleidsgraafError

out = Console(soft_wrap=False)
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(code)


def print_json(data: Any) -> None:
    """``--json`` output: stdout only, UTF-8 kept readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def error_message(exc: BeleidsgraafError) -> str:
    """One line for stderr: the English message and, when known, the closest names."""
    suggestions = exc.fields.get("suggestions")
    if suggestions and "did you mean" not in exc.message:
        return f"{exc.message}; closest known: {', '.join(map(str, suggestions))}"
    return exc.message


def user_errors(func: Callable) -> Callable:
    """The CLI edge of the error model: a user error (any ``BeleidsgraafError``, or a file the OS cannot
    read) becomes one clear message on stderr and exit code 2 — never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BeleidsgraafError as exc:
            fail(error_message(exc))
        except OSError as exc:
            fail(str(exc))

    return wrapper
