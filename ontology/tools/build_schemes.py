"""Generate the SKOS concept schemes (ontology/*.ttl) from the seed vocabulary plus enrichment.json.

The seed (``../shared/eval/vocabulary.json``) fixes the concept ids and the surface forms found in the
corpus; ``enrichment.json`` adds hierarchy (categories, Kernbeleid Veiligheid fields), English labels,
general Dutch variants, legal bases, statuses, document types and concepts the seed lacks. The Turtle
files are the runtime source of truth; re-run this script after editing either input:

    .venv/bin/python -m ontology.tools.build_schemes [--seed PATH]
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
from rdflib.namespace import DCTERMS, SKOS

from ontology import DEF, ONTOLOGY_DIR, concept_iri, scheme_iri

log = logging.getLogger("build_schemes")

BG = Namespace(DEF)
TOOLS_DIR = Path(__file__).resolve().parent
ENRICHMENT = TOOLS_DIR / "enrichment.json"
DEFAULT_SEED = ONTOLOGY_DIR.parent.parent / "shared" / "eval" / "vocabulary.json"

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
SEED_KEYS = {"label", "aliases", "category", "type", "broader", "note", "documents", "municipalities"}


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
    category: str | None = None
    notation: str | None = None
    note: str | None = None
    top: bool = False
    is_field: bool = False
    doc_class: str | None = None
    legal_basis: list[str] = field(default_factory=list)
    matches: dict[str, list[str]] = field(default_factory=dict)


def _add(items: list[str], new: list[str]) -> None:
    for item in new:
        if item not in items:
            items.append(item)


def build_records(seed: dict, enrichment: dict) -> dict[str, Record]:
    """Merge seed and enrichment into one record per concept id (pure function)."""
    schemes = enrichment["schemes"]
    cat_ids = enrichment["category_names"]
    records: dict[str, Record] = {}
    for cid, entry in seed.items():
        unknown = set(entry) - SEED_KEYS
        if unknown:
            log.warning("seed %s has unexpected keys %s", cid, sorted(unknown))
        prefix = cid.split(":", 1)[0]
        scheme = SCHEME_OF_PREFIX[prefix]
        broader = entry.get("broader") or []
        rec = Record(
            id=cid,
            type=entry["type"],
            label=entry["label"],
            scheme=scheme,
            cls=schemes[scheme]["class"],
            alt=list(entry.get("aliases", [])),
            broader=[broader] if isinstance(broader, str) else list(broader),
            category=cat_ids.get(entry.get("category", "")),
            note=entry.get("note"),
        )
        records[cid] = rec
    for cid, extra in enrichment["concepts"].items():
        rec = records.get(cid)
        if rec is None:
            prefix = cid.split(":", 1)[0]
            scheme = extra.get("scheme") or SCHEME_OF_PREFIX[prefix]
            rec = Record(
                id=cid,
                type=extra["type"],
                label=extra["label"],
                scheme=scheme,
                cls=extra.get("class") or schemes[scheme]["class"],
                category=cat_ids.get(extra.get("category", "")),
                notation=extra.get("notation"),
            )
            if rec.type == "doctype":
                rec.cls, rec.doc_class = "DocumentType", extra["class"]
            records[cid] = rec
        _add(rec.alt, extra.get("aliases", []))
        _add(rec.en, extra.get("en", []))
        _add(rec.acronyms, extra.get("acronyms", []))
        _add(rec.hidden, extra.get("hidden", []))
        _add(rec.broader, extra.get("broader", []))
        _add(rec.legal_basis, extra.get("legal_basis", []))
        rec.note = extra.get("note", rec.note)
        rec.top = rec.top or bool(extra.get("top"))
        rec.is_field = rec.is_field or bool(extra.get("field"))
        for fld in extra.get("fields", []):
            _add(rec.broader, [f"theme:veld/{fld}"])
            rec.category = rec.category or f"theme:veld/{fld}"
        for rel in ("broadMatch", "closeMatch", "relatedMatch", "exactMatch", "narrowMatch"):
            if extra.get(rel):
                rec.matches.setdefault(rel, []).extend(extra[rel])
    for rec in records.values():
        _finish(rec)
    return records


def _finish(rec: Record) -> None:
    """Hierarchy and label hygiene: category as broader, acronyms and misspellings out of altLabel."""
    if rec.category and rec.category not in rec.broader and rec.type in ("instrument", "partner", "law"):
        rec.broader.append(rec.category)
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
    for prefix, ns in (("bg", BG), ("skos", SKOS), ("dcterms", DCTERMS), ("xsd", XSD)):
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
        if rec.doc_class:
            g.add((c, BG.documentClass, BG[rec.doc_class]))
        for rel, targets in rec.matches.items():
            for t in targets:
                g.add((c, SKOS[rel], URIRef(t)))
    return g


HEADER = (
    "# {scheme}: SKOS concept scheme of beleidsgraaf ({n} concepts).\n"
    "# Generated by ontology/tools/build_schemes.py from the seed vocabulary\n"
    "# and ontology/tools/enrichment.json.\n"
    "# Edit those inputs and re-run rather than editing this file by hand.\n"
)


def write_schemes(records: dict[str, Record], enrichment: dict, out_dir: Path) -> dict[str, int]:
    per_scheme: dict[str, list[Record]] = defaultdict(list)
    for rec in sorted(records.values(), key=lambda r: r.id):
        per_scheme[rec.scheme].append(rec)
    counts = {}
    for scheme, recs in per_scheme.items():
        g = to_graph(scheme, recs, enrichment["schemes"][scheme])
        text = g.serialize(format="turtle")
        path = out_dir / f"{scheme}.ttl"
        path.write_text(HEADER.format(scheme=path.name, n=len(recs)) + text, encoding="utf-8")
        counts[scheme] = len(recs)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=ONTOLOGY_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    seed = json.loads(args.seed.read_text(encoding="utf-8"))
    enrichment = json.loads(ENRICHMENT.read_text(encoding="utf-8"))
    records = build_records(seed, enrichment)
    errors, shared = check(records)
    for label, ids in sorted(shared.items()):
        log.info("label shared across types: %r -> %s", label, ids)
    if errors:
        for err in errors:
            log.error(err)
        return 1
    counts = write_schemes(records, enrichment, args.out)
    log.info("wrote %s", counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
