"""Derived data cached on disk between processes, keyed by the content it was derived from.

Why: a CLI call is a new process; re-deriving the same structures from unchanged files (parsing the
SKOS schemes, lemmatising every label for the concept matcher) costs more than the command itself.
A value is stored as a pickle under ``$BELEIDSGRAAF_CACHE`` (default ``~/.cache/beleidsgraaf/derived``),
named by a key that hashes its source files *and* the code that derives it, so a changed vocabulary or
a changed loader never reads a stale value. Writes are atomic (temp file + rename); an unreadable or
unwritable cache only costs the rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    env = os.environ.get("BELEIDSGRAAF_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "beleidsgraaf" / "derived"


def content_key(paths: Iterable[Path], *extra: str) -> str:
    """sha256 over the bytes of ``paths`` (in order) and ``extra`` strings."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(Path(path).name).encode())
        digest.update(Path(path).read_bytes())
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``, or its earlier result for the same ``name`` and ``key`` read from disk."""
    path = cache_dir() / f"{name}-{key[:24]}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
        log.debug("cache %s unreadable (%s); rebuilding", path, exc)
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{name}.", delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as exc:
        log.debug("cache %s not written (%s)", path, exc)
    return value
