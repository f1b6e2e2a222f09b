"""What every command shares: consoles, JSON output and turning user errors into a message + exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from rich.console import Console

out = Console(soft_wrap=False)
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(code)


def print_json(data: Any) -> None:
    """``--json`` output: stdout only, UTF-8 kept readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def user_errors(func: Callable) -> Callable:
    """Turn errors a user can cause (unknown label, document or municipality, bad query, unreadable
    file) into one clear message on stderr and exit code 2 — never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from graph.errors import GraphError
        from ontology.vocabulary import UnknownLabel
        from search.errors import SearchError

        try:
            return func(*args, **kwargs)
        except UnknownLabel as exc:
            kind = f"{exc.type} " if exc.type else ""
            hint = f"; closest known labels: {', '.join(exc.suggestions)}" if exc.suggestions else ""
            fail(f"unknown {kind}{exc.label!r}{hint}")
        except (GraphError, SearchError, ValueError, OSError) as exc:
            fail(str(exc))

    return wrapper
