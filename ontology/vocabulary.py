"""Concepts of the SKOS schemes as plain Python objects, for matchers, filters and the CLI.

The Turtle files are parsed once (cached); everything else works on the resulting dict, so callers
never need rdflib. Label lookup is forgiving (case, whitespace, hyphen and quote variants) because
labels come from users and from messy PDF text.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SKOS

from ontology import DEF, SCHEME, SCHEME_FILES, concept_id, concept_iri
from ontology.disk_cache import cached, content_key
from ontology.errors import BadParameter, UnknownLabel

__all__ = [
    "Concept",
    "UnknownLabel",
    "broader_closure",
    "concept_id",
    "concept_iri",
    "concepts_of_type",
    "labels",
    "load_concepts",
    "narrower_closure",
    "normalize_label",
    "resolve_all",
    "resolve_label",
]

TYPES = ("theme", "instrument", "partner", "law", "doctype", "status", "category")
# Class → Concept.type; bg:Category wins over the class it shares with its members.
_CLASS_TYPE = {
    "Category": "category",
    "Theme": "theme",
    "Instrument": "instrument",
    "Partner": "partner",
    "LegalFramework": "law",
    "DocumentType": "doctype",
    "Status": "status",
}
# When a label names concepts of several types and no type is asked for, prefer in this order.
_TYPE_PREFERENCE = {t: i for i, t in enumerate(TYPES)}
_LEGAL_BASIS = URIRef(DEF + "legalBasis")


@dataclass(frozen=True)
class Concept:
    id: str  # "instrument:damocles_13b"
    iri: str
    type: str  # theme | instrument | partner | law | doctype | status | category
    pref_label: str  # Dutch preferred label
    alt_labels: tuple[str, ...]  # Dutch aliases (skos:altLabel @nl)
    en_labels: tuple[str, ...]  # English labels, preferred first
    acronyms: tuple[str, ...]  # case-sensitive short forms (bg:acronym): MIA, OM, RIEC, Halt
    broader: tuple[str, ...]  # direct broader concept ids
    category: str | None  # instrument/partner/law category id, or a theme's Kernbeleid field id
    scheme: str  # scheme name: themes | instruments | partners | laws | doctypes | statuses
    hidden_labels: tuple[str, ...] = ()  # misspellings found in sources (skos:hiddenLabel)
    is_field: bool = False  # a Kernbeleid Veiligheid field (theme:veld/...)
    document_class: str | None = None  # doctypes: the OWL class IRI for documents of this type
    legal_basis: tuple[str, ...] = ()  # law ids an instrument rests on


_DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad]")
_QUOTES = re.compile(r"[\u2018\u2019\u201b\u00b4`]")


def normalize_label(label: str) -> str:
    """Lookup key: case-folded, unified dashes/quotes, single spaces, no spaces around hyphens."""
    text = _QUOTES.sub("'", _DASHES.sub("-", label)).casefold().replace("_", " ")
    text = " ".join(text.split())
    return re.sub(r"\s*-\s*", "-", text)


def _loose_key(label: str) -> str:
    """Second-chance key that ignores all punctuation and spacing ("AVE- methodiek" = "avemethodiek")."""
    return re.sub(r"[^0-9a-zà-ÿ]", "", normalize_label(label))


def _parse(files: tuple[Path, ...]) -> dict[str, Concept]:
    g = Graph()
    for path in files:
        g.parse(path, format="turtle")
    by_id: dict[str, Concept] = {}
    for subject in set(g.subjects(RDF.type, SKOS.Concept)):
        if not isinstance(subject, URIRef):
            continue
        types = {str(o)[len(DEF) :] for o in g.objects(subject, RDF.type) if str(o).startswith(DEF)}
        kind = next((_CLASS_TYPE[c] for c in _CLASS_TYPE if c in types), None)
        if kind is None:
            continue
        cid = concept_id(str(subject))
        nl_pref = [str(o) for o in g.objects(subject, SKOS.prefLabel) if o.language == "nl"]
        en_pref = [str(o) for o in g.objects(subject, SKOS.prefLabel) if o.language == "en"]
        alts = sorted(str(o) for o in g.objects(subject, SKOS.altLabel) if o.language != "en")
        en_alts = sorted(str(o) for o in g.objects(subject, SKOS.altLabel) if o.language == "en")
        broader = tuple(sorted(concept_id(str(o)) for o in g.objects(subject, SKOS.broader)))
        schemes = [str(o)[len(SCHEME) :] for o in g.objects(subject, SKOS.inScheme)]
        category = None
        if kind in ("instrument", "partner", "law"):
            category = next((b for b in broader if b.split(":", 1)[1].startswith("cat/")), None)
        elif kind == "theme":
            category = next((b for b in broader if b.startswith("theme:veld/")), None)
        doc_class = g.value(subject, URIRef(DEF + "documentClass"))
        by_id[cid] = Concept(
            id=cid,
            iri=str(subject),
            type=kind,
            pref_label=nl_pref[0] if nl_pref else cid,
            alt_labels=tuple(alts),
            en_labels=tuple(en_pref + en_alts),
            acronyms=tuple(sorted(str(o) for o in g.objects(subject, URIRef(DEF + "acronym")))),
            broader=broader,
            category=category,
            scheme=schemes[0] if schemes else "",
            hidden_labels=tuple(sorted(str(o) for o in g.objects(subject, SKOS.hiddenLabel))),
            is_field="SafetyField" in types,
            document_class=str(doc_class) if doc_class is not None else None,
            legal_basis=tuple(sorted(concept_id(str(o)) for o in g.objects(subject, _LEGAL_BASIS))),
        )
    return dict(sorted(by_id.items()))  # by id: the same iteration order in every process (rdflib's is not)


@lru_cache(maxsize=4)
def _load(files: tuple[Path, ...]) -> dict[str, Concept]:
    """Parsed once per content of the files and this module (on disk, so a new process skips rdflib)."""
    key = content_key([*files, Path(__file__)])
    return cached("concepts", key, lambda: _parse(files))


def load_concepts(files: list[Path] | None = None) -> dict[str, Concept]:
    """All concepts of the schemes by id (parsed once per file set; treat the result as read-only)."""
    return _load(tuple(files or SCHEME_FILES))


def concepts_of_type(type: str) -> list[Concept]:
    """Concepts of one type, sorted by id."""
    if type not in TYPES:
        raise BadParameter(
            f"unknown concept type {type!r}; expected one of {', '.join(TYPES)}", parameter="type"
        )
    return sorted((c for c in load_concepts().values() if c.type == type), key=lambda c: c.id)


def labels(concept: Concept) -> list[str]:
    """Every surface form of a concept: Dutch preferred, alternative and hidden labels, acronyms, English."""
    out: list[str] = []
    for label in (
        concept.pref_label,
        *concept.alt_labels,
        *concept.hidden_labels,
        *concept.acronyms,
        *concept.en_labels,
    ):
        if label not in out:
            out.append(label)
    return out


@lru_cache(maxsize=1)
def _narrower_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = defaultdict(list)
    for c in load_concepts().values():
        for b in c.broader:
            index[b].append(c.id)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _closure(start: str, step) -> set[str]:
    seen: set[str] = set()
    todo = list(step(start))
    while todo:
        cid = todo.pop()
        if cid in seen or cid == start:
            continue
        seen.add(cid)
        todo.extend(step(cid))
    return seen


def _require(cid: str) -> Concept:
    concept = load_concepts().get(cid)
    if concept is None:
        raise UnknownLabel(cid, _suggest(cid, None))
    return concept


def broader_closure(cid: str) -> set[str]:
    """All transitively broader concept ids (excluding ``cid`` itself)."""
    concepts = load_concepts()
    _require(cid)
    return _closure(cid, lambda x: concepts[x].broader if x in concepts else ())


def narrower_closure(cid: str) -> set[str]:
    """All transitively narrower concept ids (excluding ``cid`` itself)."""
    _require(cid)
    index = _narrower_index()
    return _closure(cid, lambda x: index.get(x, ()))


@lru_cache(maxsize=1)
def _label_index() -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]]:
    """normalized label → [(rank, id)], rank 0 = id, 1 = preferred, 2 = other label; plus loose keys."""
    exact: dict[str, list[tuple[int, str]]] = defaultdict(list)
    loose: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for c in load_concepts().values():
        keys = [(0, c.id), (0, c.id.split(":", 1)[1]), (1, c.pref_label)]
        keys += [(2, label) for label in labels(c)]
        for rank, label in keys:
            for index, key in ((exact, normalize_label(label)), (loose, _loose_key(label))):
                if key and (rank, c.id) not in index[key]:
                    index[key].append((rank, c.id))
    return dict(exact), dict(loose)


def _candidates(label: str, type: str | None) -> list[Concept]:
    concepts = load_concepts()
    text = label.strip()
    if text.startswith("http://") or text.startswith("https://"):
        try:
            cid = concept_id(text)
        except ValueError:
            return []
        return [concepts[cid]] if cid in concepts and type in (None, concepts[cid].type) else []
    exact, loose = _label_index()
    for index, key in ((exact, normalize_label(text)), (loose, _loose_key(text))):
        hits = [(rank, cid) for rank, cid in index.get(key, []) if type in (None, concepts[cid].type)]
        if hits:
            best = min(rank for rank, _ in hits)
            ids = sorted(
                {cid for rank, cid in hits if rank == best},
                key=lambda i: (_TYPE_PREFERENCE[concepts[i].type], i),
            )
            return [concepts[i] for i in ids]
    return []


def resolve_all(label: str, type: str | None = None) -> list[Concept]:
    """Every concept the label names equally well (several only for labels shared across types)."""
    if type is not None and type not in TYPES:
        raise BadParameter(
            f"unknown concept type {type!r}; expected one of {', '.join(TYPES)}", parameter="type"
        )
    return _candidates(label, type)


def resolve_label(label: str, type: str | None = None) -> Concept:
    """The concept a user-given id, IRI, Dutch or English label names.

    Labels shared across types (``horeca``: theme and partner) resolve to the first type in
    ``theme, instrument, partner, law, doctype, status, category`` unless ``type`` is given.
    Raises UnknownLabel with the closest known labels when nothing matches.
    """
    found = resolve_all(label, type)
    if not found:
        raise UnknownLabel(label, _suggest(label, type), type)
    return found[0]


def _suggest(label: str, type: str | None, n: int = 5) -> list[str]:
    pool: dict[str, str] = {}
    for c in load_concepts().values():
        if type in (None, c.type):
            for lab in (c.pref_label, *c.alt_labels, *c.acronyms, *c.en_labels, c.id):
                pool.setdefault(normalize_label(lab), lab)
    keys = difflib.get_close_matches(normalize_label(label), list(pool), n=n, cutoff=0.6)
    return [pool[k] for k in keys]
