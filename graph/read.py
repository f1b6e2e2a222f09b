"""The read side of the graph: stored queries, ids, and the one resolver each for documents,
municipalities and concepts, plus the one evidence shape every answer carries.

Every view over the store (which, facts, compare, matrix, timeline, the pages and the API) reads documents
through ``documents()`` and resolves what a user names through the ``resolve_*`` functions here, so a
document, municipality or concept is found (or refused, with the same error) the same way everywhere.
User input never reaches SPARQL text: IRIs are bound with pyoxigraph's variable substitution.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from graph.namespaces import INFERRED_ONTOLOGY_GRAPH, ONTOLOGY_GRAPH, asserted_graph, inferred_graph
from graph.store import GraphStore
from ontology import ID, TOOI_GEMEENTE
from ontology import concept_id as _concept_id
from ontology.errors import UnknownDocument, UnknownMunicipality
from ontology.municipalities import resolve_municipality as _known_municipality
from ontology.vocabulary import Concept, load_concepts, resolve_all, resolve_label

QUERY_DIR = Path(__file__).resolve().parent / "queries"
T = TypeVar("T")
_DOC_PREFIX = ID + "doc/"


# -- stored queries ---------------------------------------------------------------------------------


@cache
def load_query(name: str) -> str:
    """The text of ``graph/queries/<name>.rq``."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run(
    store: GraphStore, name: str, *, graphs: Sequence[str] | None = None, **bind: str
) -> list[dict[str, Any]]:
    """Run a stored query with IRIs bound to variables (NamedNode rejects anything that is not an IRI);
    ``graphs`` limits the default graph to those named graphs (``document_graphs``)."""
    subs = {var: ox.NamedNode(iri) for var, iri in bind.items()}
    return store.select(load_query(name), substitutions=subs, graphs=graphs)


def document_graphs(doc_id: str, ontology: bool = False) -> list[str]:
    """The named graphs that hold one document's triples: what it states and what reasoning added
    (with ``ontology`` also the ontology's, for labels and the concept hierarchy).

    Queries about one document read these instead of the whole store; at country size that is the
    difference between tens of milliseconds and minutes for the facts of one document. A question
    about several documents asks each in turn: pyoxigraph reads a default graph of many named graphs
    far slower than the same graphs one document at a time (13 s against 2.4 s for ten)."""
    graphs = [asserted_graph(doc_id), inferred_graph(doc_id)]
    return graphs + [ONTOLOGY_GRAPH, INFERRED_ONTOLOGY_GRAPH] if ontology else graphs


def run_values(
    store: GraphStore, name: str, var: str, iris: Iterable[str], chunk: int = 2000, **bind: str
) -> list[dict[str, Any]]:
    """Run a stored query whose ``VALUES ?var { }`` block is filled with ``iris`` (in chunks), other
    variables bound as in ``run``.

    For queries that start from a set of known nodes (a concept and its narrower concepts, the facts
    an answer keeps): a VALUES block binds them before anything else is matched, which pyoxigraph's
    planner does not do for a property path or a type pattern. Each IRI goes through NamedNode, so
    only IRIs (from the vocabulary or the store, never user text) reach the query text.
    """
    subs = {v: ox.NamedNode(iri) for v, iri in bind.items()}
    unique = list(dict.fromkeys(iris))
    values_query(name, var, [])  # a query without the block fails even when there is nothing to ask
    rows: list[dict[str, Any]] = []
    for start in range(0, len(unique), chunk):
        rows += store.select(values_query(name, var, unique[start : start + chunk]), substitutions=subs)
    return rows


def values_query(name: str, var: str, iris: Iterable[str]) -> str:
    """The stored query ``name`` with its empty ``VALUES ?var { }`` block filled with ``iris``."""
    text = load_query(name)
    empty = f"VALUES ?{var} {{ }}"
    if empty not in text:
        raise ValueError(f"{name}.rq has no empty '{empty}' block to fill")
    block = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    return text.replace(empty, f"VALUES ?{var} {{ {block} }}")


# -- ids and labels ---------------------------------------------------------------------------------


def cid(iri: str | None) -> str | None:
    """Concept id for a concept IRI (other IRIs unchanged, None stays None)."""
    if iri is None:
        return None
    try:
        return _concept_id(iri)
    except ValueError:
        return iri


def local_id(iri: str | None) -> str | None:
    """``.../id/doc/<doc_id>/p0001`` → ``<doc_id>/p0001`` (the id ingest and search use)."""
    if iri is None:
        return None
    return iri[len(_DOC_PREFIX) :] if iri.startswith(_DOC_PREFIX) else iri


def label(concept: str | None) -> str | None:
    """Dutch preferred label of a concept id (the id itself when the vocabulary does not know it)."""
    if concept is None:
        return None
    found = load_concepts().get(concept)
    return found.pref_label if found else concept


def status_name(iri: str | None) -> str | None:
    """``.../id/status/toegepast`` → ``toegepast``."""
    return cid(iri).split(":", 1)[1] if iri else None


# -- concepts ---------------------------------------------------------------------------------------


def narrower(store: GraphStore, concept: Concept) -> set[str]:
    """IRIs of the concept and everything narrower (skos:broader* in the store's ontology graph)."""
    return {row["concept"] for row in run(store, "broader", top=concept.iri)}


def resolve_concept(text: str, type: str | None = None) -> Concept:
    """A concept (of ``type``, or a category of that type) named by a Dutch/English label or an id.

    Raises ``UnknownLabel`` (with the closest labels) when nothing matches.
    """
    text = (text or "").strip()
    found = resolve_all(text, type)
    if not found and type is not None:
        found = [c for c in resolve_all(text, "category") if c.id.startswith(type + ":")]
    if not found:
        return resolve_label(text, type)  # raises UnknownLabel with the closest labels
    return found[0]


def concept_json(concept: Concept) -> dict[str, str]:
    return {"id": concept.id, "label": concept.pref_label, "type": concept.type}


# -- documents --------------------------------------------------------------------------------------


def _year(value: Any) -> int | None:
    text = str(value) if value is not None else ""
    return int(text[:4]) if text[:4].isdigit() else None


@dataclass(frozen=True)
class Municipality:
    """A municipality as the store names it."""

    name: str | None
    code: str  # CBS code, upper case: GM0164

    @property
    def iri(self) -> str:
        return TOOI_GEMEENTE + self.code.lower()

    def as_json(self, with_iri: bool = False) -> dict[str, Any]:
        return (
            {"id": self.iri, "name": self.name, "code": self.code}
            if with_iri
            else {"name": self.name, "code": self.code}
        )


@dataclass(frozen=True)
class Document:
    """The metadata of one stored document (from ``documents.rq``)."""

    iri: str
    doc_id: str
    file: str
    title: str | None = None
    subtitle: str | None = None
    type: str | None = None  # doctype concept id
    municipality: Municipality | None = None
    start: int | None = None
    end: int | None = None
    dates: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    sha256: str | None = None

    @property
    def year(self) -> int | None:
        """The year of its date, else of its adoption, else of entry into force."""
        for key in ("date", "issued", "in_force"):
            if _year(self.dates.get(key)) is not None:
                return _year(self.dates.get(key))
        return None

    @property
    def date(self) -> str | None:
        return self.dates.get("date") or self.dates.get("issued")

    @property
    def period(self) -> str | None:
        if self.start is None:
            return None
        return str(self.start) if self.end in (None, self.start) else f"{self.start}-{self.end}"

    def covers(self, year: int) -> bool:
        """A year inside the document's period (documents without a period: the year of their date)."""
        if self.start is not None:
            return self.start <= year <= (self.end if self.end is not None else self.start)
        return bool(self.date) and str(self.date)[:4] == str(year)

    def sort_key(self) -> tuple:
        return (self.start if self.start is not None else 10**4, self.end or 0, self.date or "", self.file)

    def as_json(self) -> dict[str, Any]:
        """The document as ``documents`` / ``facts`` answer it."""
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "subtitle": self.subtitle,
            "type": self.type,
            "type_label": label(self.type),
            "municipality": self.municipality.as_json() if self.municipality else None,
            "period": {"start": self.start, "end": self.end},
            "dates": dict(self.dates),
            "format": self.format,
            "sha256": self.sha256,
            "year": self.year,
        }

    def brief(self) -> dict[str, Any]:
        """The document as a comparison or timeline shows it (period as one string)."""
        muni = self.municipality
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "municipality": muni.name if muni else None,
            "municipality_code": muni.code if muni else None,
            "period": self.period,
            "period_start": self.start,
            "period_end": self.end,
            "date": self.date,
            "doc_type": self.type,
        }


def snapshot_memo(store: GraphStore, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per snapshot of a read-only handle (the server's shared handle is reopened
    when another process writes, and on I/O errors: a new ``store.store``); a writable handle, whose
    content changes under it, computes every time. Treat the result as read-only.

    Why: what every document has (metadata, validity) grows with the store and is read by every
    ``which``, comparison and overview; at 3,420 documents its query alone takes seconds.
    """
    if not store.read_only or store.store is None:
        return compute()
    memo = store.__dict__.setdefault("_snapshot_memo", {})
    hit = memo.get(key)
    if hit is not None and hit[0] is store.store:
        return hit[1]
    value = compute()
    memo[key] = (store.store, value)
    return value


def documents(store: GraphStore, doc: str | None = None) -> list[Document]:
    """Every stored document (or the one with IRI ``doc``), ordered by municipality, period and file."""
    if doc:
        return _read_documents(store, doc)
    return list(snapshot_memo(store, "documents", lambda: tuple(_read_documents(store, None))))


def _read_documents(store: GraphStore, doc: str | None) -> list[Document]:
    rows = run(store, "documents", doc=doc) if doc else run(store, "documents")
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = found.get(row["doc"])
        if entry is None:
            muni = Municipality(row["name"], row["code"]) if row["code"] else None
            entry = found[row["doc"]] = {
                "iri": row["doc"],
                "doc_id": row["doc_id"],
                "file": row["file"],
                "title": row["title"],
                "subtitle": row["subtitle"],
                "type": cid(row["doctype"]),
                "municipality": muni,
                "start": _year(row["period_start"]),
                "end": _year(row["period_end"]),
                "dates": {},
                "format": row["format"],
                "sha256": row["sha256"],
            }
        for key in ("date", "issued", "in_force"):
            if row[key] is not None:
                entry["dates"].setdefault(key, str(row[key]))
    docs = [Document(**entry) for entry in found.values()]
    return sorted(docs, key=lambda d: ((d.municipality and d.municipality.name or "").lower(), d.sort_key()))


def by_iri(docs: Iterable[Document]) -> dict[str, Document]:
    return {d.iri: d for d in docs}


def resolve_document(docs: Sequence[Document], ref: str) -> Document:
    """A document by doc_id, file name, path, file stem (any case) or IRI; ``UnknownDocument`` otherwise."""
    ref = (ref or "").strip()
    name = Path(ref).name
    for doc in docs:
        if ref in (doc.iri, doc.doc_id, doc.file) or name == doc.file:
            return doc
    stem = Path(name).stem.lower()
    for doc in docs:
        if stem in (doc.doc_id.lower(), Path(doc.file).stem.lower()):
            return doc
    ids = sorted(d.doc_id for d in docs)
    close = difflib.get_close_matches(stem, ids, n=3, cutoff=0.5)
    raise UnknownDocument(
        f"no document {ref!r} in the store; known documents: {', '.join(ids) or '(none)'}",
        document=ref,
        suggestions=close,
    )


# -- municipalities ---------------------------------------------------------------------------------


def resolve_municipality(docs: Sequence[Document], ref: str) -> tuple[Municipality, list[Document]]:
    """A municipality that has stored documents (by name, CBS code or IRI) and those documents in period
    order; ``UnknownMunicipality`` (naming the municipalities that do have documents) otherwise."""
    record = _known_municipality(ref)
    own = sorted(
        (d for d in docs if d.municipality and d.municipality.code == record.code), key=Document.sort_key
    )
    if not own:
        with_docs = sorted({d.municipality.name or d.municipality.code for d in docs if d.municipality})
        raise UnknownMunicipality(
            f"no documents of municipality {record.name} in the store (there are: {', '.join(with_docs)})",
            municipality=ref,
            suggestions=with_docs,
        )
    return own[0].municipality, own


# -- evidence ---------------------------------------------------------------------------------------


def evidence(row: dict[str, Any], docs: dict[str, Document], status: str | None = None) -> dict | None:
    """The one evidence shape: a verbatim quote with where it stands (None for a row without a span).

    Rows come from the stored queries, which all name the span's variables ``?exact ?begin ?end
    ?passage ?section`` and the document ``?doc``.
    """
    if row.get("exact") is None:
        return None
    doc = docs.get(row.get("doc") or "")
    item = {
        "text": row["exact"],
        "document": doc.doc_id if doc else None,
        "file": doc.file if doc else None,
        "passage": local_id(row.get("passage")),
        "start": row.get("begin"),
        "end": row.get("end"),
        "section": row.get("section"),
    }
    if status is not None:
        item["status"] = status
    return item


def add_evidence(items: list[dict[str, Any]], item: dict[str, Any] | None) -> None:
    """Append an evidence item unless it is None or the same span is already there."""
    if item is None:
        return
    key = (item["document"], item["passage"], item["start"], item["end"])
    if all((i["document"], i["passage"], i["start"], i["end"]) != key for i in items):
        items.append(item)


def reading_order(item: dict[str, Any]) -> tuple:
    """Evidence by file and position, then the rest, so quotes at one position keep one order
    whatever order the facts were read in."""
    start, end = item.get("start"), item.get("end")
    return (
        item.get("file") or "",
        start if start is not None else -1,
        end if end is not None else -1,
        item.get("passage") or "",
        item.get("text") or "",
        item.get("status") or "",
    )


def sorted_evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence in reading order (``reading_order``)."""
    return sorted(items, key=reading_order)
