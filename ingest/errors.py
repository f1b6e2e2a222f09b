"""The one exception ingest raises for input a user can fix (bad, empty or unsupported files)."""

from __future__ import annotations

from pathlib import Path

from ontology.errors import BadInput


class IngestError(BadInput):
    """A file could not be turned into text; ``reason`` says why in words a user understands."""

    code = "ingest_error"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}", file=self.path.name, reason=reason)
