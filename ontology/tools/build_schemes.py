"""Generate the SKOS Turtle files of the vocabulary from ontology/concepts.json and the regions.

``ontology/concepts.json`` is the one source of truth for concepts (ids, labels, hierarchy, legal
basis, definitions); ``ontology/regions.json`` + ``ontology/regio.csv`` give the regional bodies and
which municipalities they serve. The Turtle files are what the project loads at run time; re-run
this script after editing any of the inputs:

    .venv/bin/python -m ontology.tools.build_schemes

It refuses to write when a label would name two concepts of one type or a link dangles.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, SKOS

from ontology import DEF, ONTOLOGY_DIR, concept_iri, municipality_iri, scheme_iri
from ontology.regions import Body, bodies

log = logging.getLogger("build_schemes")

BG = Namespace(DEF)
CONCEPTS = ONTOLOGY_DIR / "concepts.json"
REGIONS_FILE = "regions.ttl"

SCHEME_OF_PREFIX = {
    "theme": "themes",
    "instrument": "instruments",
    "partner": "partners",
    "law": "laws",
    "doctype": "doctypes",
    "status": "statuses",
}
# Upper-case short forms (OM, RIEC-ON, E33) are matched case-sensitively: they collide with words.
ACRONYM_RE = re.compile(r"^(?=.*[A-Z])[A-Z0-9][A-Z0-9\-]{1,7}$")
MATCH_RELATIONS = ("broadMatch", "closeMatch", "relatedMatch", "exactMatch", "narrowMatch")
CONCEPT_KEYS = {
    "type",
    "label",
    "scheme",
    "class",
    "aliases",
    "hidden",
    "acronyms",
    "en",
    "broader",
    "legal_basis",
    "article",
    "definition",
    "source",
    "note",
    "notation",
    "top",
    "field",
    "document_class",
    *MATCH_RELATIONS,
}


@dataclass
class Record:
    id: str
    type: str  # theme | instrument | partner | law | doctype | status | category
    label: str
    scheme: str
    cls: str
    alt: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    notation: str | None = None
    note: str | None = None
    top: bool = False
    is_field: bool = False
    doc_class: str | None = None
    legal_basis: list[str] = field(default_factory=list)
    matches: dict[str, list[str]] = field(default_factory=dict)
    definition: str | None = None
    article: str | None = None
    source: str | None = None
    regional: Body | None = None


def _add(items: list[str], new: list[str]) -> None:
    for item in new:
        if item not in items:
            items.append(item)


def build_records(vocabulary: dict) -> dict[str, Record]:
    """One record per concept of concepts.json plus the regional bodies (pure function)."""
    schemes = vocabulary["schemes"]
    records: dict[str, Record] = {}
    retired = vocabulary.get("retired", {})
    for cid, entry in vocabulary["concepts"].items():
        if cid in retired:
            raise ValueError(f"{cid}: listed as retired and as a concept")
        unknown = set(entry) - CONCEPT_KEYS
        if unknown:
            raise ValueError(f"{cid}: unknown keys {sorted(unknown)}")
        prefix = cid.split(":", 1)[0]
        scheme = entry.get("scheme") or SCHEME_OF_PREFIX[prefix]
        rec = Record(
            id=cid,
            type=entry["type"],
            label=entry["label"],
            scheme=scheme,
            cls=entry.get("class") or schemes[scheme]["class"],
            alt=list(entry.get("aliases", [])),
            hidden=list(entry.get("hidden", [])),
            acronyms=list(entry.get("acronyms", [])),
            en=list(entry.get("en", [])),
            broader=list(entry.get("broader", [])),
            legal_basis=list(entry.get("legal_basis", [])),
            notation=entry.get("notation"),
            note=entry.get("note"),
            definition=entry.get("definition"),
            article=entry.get("article"),
            source=entry.get("source"),
            top=bool(entry.get("top")),
            is_field=bool(entry.get("field")),
            doc_class=entry.get("document_class"),
            matches={rel: list(entry[rel]) for rel in MATCH_RELATIONS if entry.get(rel)},
        )
        if rec.type == "doctype":
            rec.cls = "DocumentType"
        records[cid] = rec
    for body in bodies().values():
        if body.id in records:
            raise ValueError(f"{body.id}: regional body also listed in concepts.json")
        generic = records.get(body.generic)
        if generic is None:
            raise ValueError(f"{body.id}: generic concept {body.generic} is not in concepts.json")
        category = [b for b in generic.broader if b.split(":", 1)[1].startswith("cat/")]
        records[body.id] = Record(
            id=body.id,
            type="partner",
            label=body.label,
            scheme="partners",
            cls="Partner",
            alt=list(body.aliases),
            en=[body.en_label],
            broader=[body.generic, *category],
            notation=body.notation,
            note=body.note,
            regional=body,
        )
    for rec in records.values():
        _finish(rec)
    return records


def _finish(rec: Record) -> None:
    """Label hygiene: acronyms and misspellings out of altLabel; categories and fields are top concepts."""
    if rec.type in ("category", "status", "doctype") or rec.is_field:
        rec.top = True
    for alias in list(rec.alt):
        if ACRONYM_RE.match(alias):
            _add(rec.acronyms, [alias])
    if ACRONYM_RE.match(rec.label):
        _add(rec.acronyms, [rec.label])
    rec.alt = [a for a in rec.alt if a != rec.label and a not in rec.acronyms and a not in rec.hidden]
    rec.hidden = [h for h in rec.hidden if h != rec.label]


def _norm(label: str) -> str:
    return " ".join(label.replace("’", "'").casefold().split())


def check(records: dict[str, Record]) -> tuple[list[str], dict[str, list[str]]]:
    """Return (errors, cross-type shared labels). Errors: dangling links, one label two concepts per type."""
    errors: list[str] = []
    by_type: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_label: dict[str, set[str]] = defaultdict(set)
    for rec in records.values():
        kind = "category" if rec.type == "category" else rec.type
        for label in {rec.label, *rec.alt, *rec.hidden, *rec.acronyms, *rec.en}:
            by_type[(kind, _norm(label))].add(rec.id)
            by_label[_norm(label)].add(rec.id)
        for target in [*rec.broader, *rec.legal_basis]:
            if target not in records:
                errors.append(f"{rec.id}: link to unknown concept {target}")
    for (kind, label), ids in sorted(by_type.items()):
        if len(ids) > 1:
            errors.append(f"label {label!r} names several {kind} concepts: {sorted(ids)}")
    shared = {lab: sorted(ids) for lab, ids in by_label.items() if len({i.split(":")[0] for i in ids}) > 1}
    return errors, shared


def to_graph(scheme: str, records: list[Record], meta: dict) -> Graph:
    g = Graph()
    for prefix, ns in (("bg", BG), ("skos", SKOS), ("dcterms", DCTERMS), ("xsd", XSD), ("org", ORG)):
        g.bind(prefix, ns)
    prefix = records[0].id.split(":")[0]
    g.bind(prefix, concept_iri(f"{prefix}:x")[:-1])
    s = URIRef(scheme_iri(scheme))
    g.add((s, RDF.type, SKOS.ConceptScheme))
    g.add((s, SKOS.prefLabel, Literal(meta["label"], lang="nl")))
    g.add((s, SKOS.prefLabel, Literal(meta["en"], lang="en")))
    g.add((s, DCTERMS.title, Literal(meta["label"], lang="nl")))
    for rec in records:
        c = URIRef(concept_iri(rec.id))
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, RDF.type, BG[rec.cls]))
        if rec.type == "category":
            g.add((c, RDF.type, BG.Category))
        if rec.is_field:
            g.add((c, RDF.type, BG.SafetyField))
        g.add((c, SKOS.inScheme, s))
        if rec.top:
            g.add((c, SKOS.topConceptOf, s))
            g.add((s, SKOS.hasTopConcept, c))
        g.add((c, SKOS.prefLabel, Literal(rec.label, lang="nl")))
        for alt in rec.alt:
            g.add((c, SKOS.altLabel, Literal(alt, lang="nl")))
        for hidden in rec.hidden:
            g.add((c, SKOS.hiddenLabel, Literal(hidden, lang="nl")))
        for acr in rec.acronyms:
            g.add((c, BG.acronym, Literal(acr)))
        for i, en in enumerate(rec.en):
            g.add((c, SKOS.prefLabel if i == 0 else SKOS.altLabel, Literal(en, lang="en")))
        for b in rec.broader:
            g.add((c, SKOS.broader, URIRef(concept_iri(b))))
        for law in rec.legal_basis:
            g.add((c, BG.legalBasis, URIRef(concept_iri(law))))
        if rec.notation:
            g.add((c, SKOS.notation, Literal(rec.notation)))
        if rec.note:
            g.add((c, SKOS.scopeNote, Literal(rec.note, lang="nl")))
        if rec.definition:
            g.add((c, SKOS.definition, Literal(rec.definition, lang="nl")))
        if rec.article:
            g.add((c, BG.legalArticle, Literal(rec.article, lang="nl")))
        if rec.source:
            source = URIRef(rec.source) if rec.source.startswith("http") else Literal(rec.source)
            g.add((c, DCTERMS.source, source))
        if rec.regional:
            g.add((c, RDF.type, BG.RegionalBody))
            g.add((c, RDF.type, ORG.Organization))
            prop = BG[rec.regional.property]
            for code in rec.regional.members:
                g.add((URIRef(municipality_iri(code)), prop, c))
        if rec.doc_class:
            g.add((c, BG.documentClass, BG[rec.doc_class]))
        for rel, targets in rec.matches.items():
            for t in targets:
                g.add((c, SKOS[rel], URIRef(t)))
    return g


HEADER = (
    "# {scheme}: SKOS concept scheme of beleidsgraaf ({n} concepts).\n"
    "# Generated by ontology/tools/build_schemes.py from ontology/concepts.json\n"
    "# (regions.ttl: from ontology/regions.json and ontology/regio.csv).\n"
    "# Edit those inputs and re-run rather than editing this file by hand.\n"
)


def write_schemes(records: dict[str, Record], vocabulary: dict, out_dir: Path) -> dict[str, int]:
    """Write one Turtle file per scheme (regional bodies to regions.ttl); returns concepts per file."""
    per_file: dict[str, list[Record]] = defaultdict(list)
    for rec in sorted(records.values(), key=lambda r: r.id):
        per_file[REGIONS_FILE if rec.regional else f"{rec.scheme}.ttl"].append(rec)
    counts = {}
    for name, recs in per_file.items():
        g = to_graph(recs[0].scheme, recs, vocabulary["schemes"][recs[0].scheme])
        text = g.serialize(format="turtle")
        path = out_dir / name
        path.write_text(HEADER.format(scheme=path.name, n=len(recs)) + text, encoding="utf-8")
        counts[name] = len(recs)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ONTOLOGY_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    vocabulary = json.loads(CONCEPTS.read_text(encoding="utf-8"))
    records = build_records(vocabulary)
    errors, shared = check(records)
    for label, ids in sorted(shared.items()):
        log.info("label shared across types: %r -> %s", label, ids)
    if errors:
        for err in errors:
            log.error(err)
        return 1
    counts = write_schemes(records, vocabulary, args.out)
    log.info("wrote %s", counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
