"""Commands of this capability; each one calls a function shared with the HTTP API."""

from __future__ import annotations

import click  # noqa: F401

COMMANDS: list = []
