"""Dutch municipalities (CBS codes) with their history, for metadata inference and reference data.

Names in documents rarely match the CBS list exactly ("Gemeente Hengelo", "Hengelo (O.)", "Den Haag",
"Sudwest Fryslan"), so lookup is by a normalised key plus the alias list in gemeente_aliases.csv.
Merged municipalities point at their successor, so old documents can be attached to today's municipality.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ontology import MUNICIPALITIES_CSV, ONTOLOGY_DIR
from ontology.errors import UnknownMunicipality

ALIASES_CSV = ONTOLOGY_DIR / "gemeente_aliases.csv"
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")  # "Bergen (NH.)" → province hint in brackets
_PREFIX = re.compile(r"^(gemeente|gem\.)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class MunicipalityRecord:
    code: str  # "GM0164"
    name: str  # CBS short name
    province: str
    valid_from: int | None  # first year; None when it existed before 1970
    valid_to: int | None  # last full year; None for current municipalities
    successor_code: str | None  # direct successor after a merger or rename

    @property
    def current(self) -> bool:
        return self.valid_to is None


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def name_key(name: str) -> str:
    """Case-, accent-, punctuation- and prefix-insensitive key ("'s-Gravenhage" → "s gravenhage")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _PREFIX.sub("", text.strip())
    text = re.sub(r"[\u2018\u2019'`.]", "", text)
    text = re.sub(r"[\s\-\u2010-\u2015(),/]+", " ", text)
    return text.strip()


def base_key(name: str) -> str:
    """Key without a trailing bracketed province hint ("Hengelo (O.)" → "hengelo")."""
    return name_key(_SUFFIX.sub("", _PREFIX.sub("", name.strip())))


def parse_municipalities(path: Path) -> list[MunicipalityRecord]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            MunicipalityRecord(
                code=row["code"].strip().upper(),
                name=row["name"].strip(),
                province=row["province"].strip(),
                valid_from=_int(row["valid_from"]),
                valid_to=_int(row["valid_to"]),
                successor_code=row["successor_code"].strip().upper() or None,
            )
            for row in csv.DictReader(fh)
        ]


@lru_cache(maxsize=1)
def _records() -> tuple[MunicipalityRecord, ...]:
    return tuple(parse_municipalities(MUNICIPALITIES_CSV))


def load_municipalities() -> list[MunicipalityRecord]:
    """All municipalities in gemeenten.csv (current and dissolved), sorted by code."""
    return list(_records())


@lru_cache(maxsize=1)
def _by_code() -> dict[str, MunicipalityRecord]:
    return {r.code: r for r in _records()}


@lru_cache(maxsize=1)
def load_aliases() -> tuple[tuple[str, str], ...]:
    """(code, alias) for every extra name in gemeente_aliases.csv ("GM0518", "Den Haag")."""
    if not ALIASES_CSV.exists():
        return ()
    with ALIASES_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple((row["code"].strip().upper(), row["alias"].strip()) for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    full: dict[str, list[str]] = defaultdict(list)
    base: dict[str, list[str]] = defaultdict(list)
    names = [(r.code, r.name) for r in _records()] + list(load_aliases())
    for code, name in names:
        for index, key in ((full, name_key(name)), (base, base_key(name))):
            if code not in index[key]:
                index[key].append(code)
    return dict(full), dict(base)


def find_by_code(code: str) -> MunicipalityRecord | None:
    """Record for a CBS code; accepts ``GM0164``, ``gm0164``, ``0164`` and ``164``."""
    text = code.strip().upper()
    if text.startswith("GM"):
        text = text[2:]
    if not text.isdigit():
        return None
    return _by_code().get(f"GM{int(text):04d}")


def _pick(codes: list[str]) -> MunicipalityRecord | None:
    """One municipality for a name: prefer current ones; ambiguity gives None rather than a guess."""
    records = [_by_code()[c] for c in codes if c in _by_code()]
    current = [r for r in records if r.current]
    chosen = current or records
    return chosen[0] if len(chosen) == 1 else None


def find_by_name(name: str) -> MunicipalityRecord | None:
    """Municipality by (official, short, alias or suffixed) name, case-insensitively; None if unknown
    or ambiguous (plain "Bergen" is both Bergen (NH.) and Bergen (L.))."""
    full, base = _name_index()
    key = name_key(name)
    if not key:
        return None
    if key in full:
        return _pick(full[key])
    bkey = base_key(name)
    if bkey in full:  # "Hengelo (O.)" where the file says "Hengelo"
        return _pick(full[bkey])
    if bkey in base:  # "Bergen" style: only when the base name is unique
        return _pick(base[bkey])
    return None


def current_successor(code: str) -> MunicipalityRecord | None:
    """Follow successor links to the municipality that exists today (itself if current).

    None when the code is unknown or the chain ends in a split without a single successor.
    """
    record = find_by_code(code)
    seen: set[str] = set()
    while record is not None and not record.current:
        if record.code in seen or record.successor_code is None:
            return None
        seen.add(record.code)
        record = find_by_code(record.successor_code)
    return record


def resolve_municipality(ref: str) -> MunicipalityRecord:
    """The municipality a user names by CBS code (``GM0164``, ``0164``), TOOI IRI or name.

    The one lookup behind every municipality parameter (search filters, municipality pages, comparisons);
    raises ``UnknownMunicipality`` for a name that is unknown or ambiguous.
    """
    text = (ref or "").strip()
    record = find_by_code(text.rsplit("/", 1)[-1]) or find_by_name(text)
    if record is None:
        raise UnknownMunicipality(f"unknown municipality {ref!r}", municipality=ref)
    return record
