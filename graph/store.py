"""The persisted graph store (placeholder: the graph issue implements it)."""

from __future__ import annotations

import os
from pathlib import Path


def resolve_home(home: Path | None = None) -> Path:
    """The data folder: explicit argument, else $BELEIDSGRAAF_HOME, else ./.beleidsgraaf."""
    if home is not None:
        return Path(home)
    env = os.environ.get("BELEIDSGRAAF_HOME")
    return Path(env) if env else Path.cwd() / ".beleidsgraaf"
