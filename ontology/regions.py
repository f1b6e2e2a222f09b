"""Regional bodies (veiligheidsregio, politie-eenheid, RIEC, GGD, Veilig Thuis, provincie) per municipality.

``regio.csv`` maps every current municipality to its veiligheidsregio, politie-eenheid and RIEC
(``gemeenten.csv`` to its province); ``regions.json`` says which bodies follow from those areas and
how they are named. A plain mention in a document ("de veiligheidsregio", "het RIEC") names the
body of the document's own municipality: :func:`body_for` answers which one. The same records
generate ``regions.ttl`` (bodies as SKOS partner concepts, municipalities linked to them), so graph
and ingest agree.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ontology import ONTOLOGY_DIR

REGIO_CSV = ONTOLOGY_DIR / "regio.csv"
REGIONS_JSON = ONTOLOGY_DIR / "regions.json"


@dataclass(frozen=True)
class Body:
    """One regional body: a partner concept narrower than its generic concept."""

    id: str  # "partner:veiligheidsregio_twente"
    kind: str  # veiligheidsregio | politie_eenheid | riec | ggd | veilig_thuis
    generic: str  # "partner:veiligheidsregio"
    label: str  # "Veiligheidsregio Twente"
    aliases: tuple[str, ...]
    en_label: str
    note: str
    notation: str | None  # "VR05" for safety regions
    property: str  # bg: local name linking a municipality to it, e.g. "inVeiligheidsregio"
    members: tuple[str, ...]  # CBS codes, e.g. ("GM0153", ...)


def slug(name: str) -> str:
    """Id form of an area name: "Fryslân" → "fryslan", "Zuid-Holland Zuid" → "zuid_holland_zuid"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


@lru_cache(maxsize=1)
def kinds() -> tuple[dict, ...]:
    """The body kinds of regions.json, in file order."""
    return tuple(json.loads(REGIONS_JSON.read_text(encoding="utf-8"))["kinds"])


@lru_cache(maxsize=4)
def _rows(table: str = REGIO_CSV.name) -> tuple[dict[str, str], ...]:
    """Rows of a reference table in ontology/; only current municipalities (no ``valid_to``)."""
    with (ONTOLOGY_DIR / table).open(encoding="utf-8") as handle:
        return tuple(row for row in csv.DictReader(handle) if not row.get("valid_to"))


@lru_cache(maxsize=1)
def bodies() -> dict[str, Body]:
    """Every regional body by id, with its member municipalities."""
    found: dict[str, dict] = {}
    for kind in kinds():
        for row in _rows(kind.get("table", REGIO_CSV.name)):
            name = row[kind["column"]]
            prefix = kind.get("strip_prefix")
            if prefix and name.startswith(prefix):
                name = name[len(prefix) :]
            bid = kind["id"].format(slug=slug(name))
            entry = found.setdefault(bid, {"kind": kind, "name": name, "members": [], "row": row})
            entry["members"].append(row["code"].upper())
    out: dict[str, Body] = {}
    for bid, entry in found.items():
        kind, name = entry["kind"], entry["name"]
        label = kind["label"].format(name=name)
        aliases = tuple(a.format(name=name) for a in kind.get("aliases", []))
        out[bid] = Body(
            id=bid,
            kind=kind["kind"],
            generic=kind["generic"],
            label=label,
            aliases=tuple(a for a in aliases if a != label),
            en_label=kind["en"].format(name=name),
            note=kind["note"].format(name=name),
            notation=entry["row"].get(kind["notation_column"]) if kind.get("notation_column") else None,
            property=kind["property"],
            members=tuple(sorted(entry["members"])),
        )
    return out


@lru_cache(maxsize=1)
def _by_municipality() -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for body in bodies().values():
        for code in body.members:
            index[(code, body.generic)] = body.id
    return index


def generic_concepts() -> set[str]:
    """Generic partner concepts that a plain mention resolves from (partner:riec, partner:ggd ...)."""
    return {kind["generic"] for kind in kinds()}


def body_for(generic_id: str, municipality_code: str | None) -> str | None:
    """The body of ``generic_id``'s kind that serves the municipality, or None (unknown or not regional)."""
    if not municipality_code:
        return None
    return _by_municipality().get((municipality_code.upper(), generic_id))


def generic_of(concept_id: str) -> str | None:
    """The generic concept of a regional body id (``partner:riec_oost_brabant`` → ``partner:riec``)."""
    body = bodies().get(concept_id)
    return body.generic if body else None


def bodies_of(municipality_code: str) -> dict[str, str]:
    """kind → body id for one municipality (empty for unknown or dissolved municipalities)."""
    code = municipality_code.upper()
    return {b.kind: b.id for b in bodies().values() if code in b.members}
