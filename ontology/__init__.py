"""The beleidsgraaf model as data: OWL core, SKOS concept schemes, SHACL shapes, municipality list.

This module holds the IRI conventions every layer shares, so that a concept id such as
``instrument:damocles_13b`` maps to exactly one IRI everywhere (ingest, graph, search, api).
"""

from __future__ import annotations

from pathlib import Path

DEF = "https://w3id.org/beleidsgraaf/def#"
ONTOLOGY_IRI = "https://w3id.org/beleidsgraaf/def"
ID = "https://w3id.org/beleidsgraaf/id/"
GRAPH = "https://w3id.org/beleidsgraaf/graph/"
SCHEME = ID + "scheme/"
TOOI_GEMEENTE = "https://identifier.overheid.nl/tooi/id/gemeente/"

ONTOLOGY_DIR = Path(__file__).resolve().parent
CORE_FILE = ONTOLOGY_DIR / "core.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
SCHEME_FILES: list[Path] = [
    ONTOLOGY_DIR / name
    for name in (
        "themes.ttl",
        "instruments.ttl",
        "partners.ttl",
        "laws.ttl",
        "doctypes.ttl",
        "statuses.ttl",
        "regions.ttl",
    )
]
# Everything that forms the ontology graph (shapes.ttl is validation input, not part of the model).
ONTOLOGY_FILES: list[Path] = [CORE_FILE, *SCHEME_FILES]
MUNICIPALITIES_CSV = ONTOLOGY_DIR / "gemeenten.csv"


def concept_iri(concept_id: str) -> str:
    """``instrument:damocles_13b`` → ``https://w3id.org/beleidsgraaf/id/instrument/damocles_13b``."""
    prefix, sep, local = concept_id.partition(":")
    if not sep or not prefix or not local:
        raise ValueError(f"not a concept id (expected 'prefix:local'): {concept_id!r}")
    return f"{ID}{prefix}/{local}"


def concept_id(iri: str) -> str:
    """Inverse of :func:`concept_iri`; raises ValueError for IRIs outside the concept space."""
    if not iri.startswith(ID):
        raise ValueError(f"not a beleidsgraaf concept IRI: {iri!r}")
    prefix, sep, local = iri[len(ID) :].partition("/")
    if not sep or not local or prefix in ("doc", "scheme"):
        raise ValueError(f"not a beleidsgraaf concept IRI: {iri!r}")
    return f"{prefix}:{local}"


def municipality_iri(code: str) -> str:
    """CBS code (``GM0164`` or ``gm0164``) → TOOI IRI with the lower-case code."""
    code = code.strip().lower()
    if not (len(code) == 6 and code.startswith("gm") and code[2:].isdigit()):
        raise ValueError(f"not a CBS municipality code: {code!r}")
    return TOOI_GEMEENTE + code


def doc_iri(doc_id: str) -> str:
    """Document IRI for a doc_id slug."""
    if not doc_id or "/" in doc_id or " " in doc_id:
        raise ValueError(f"not a document id slug: {doc_id!r}")
    return f"{ID}doc/{doc_id}"


def scheme_iri(name: str) -> str:
    """Concept scheme IRI, e.g. ``themes`` → ``.../id/scheme/themes``."""
    return SCHEME + name
