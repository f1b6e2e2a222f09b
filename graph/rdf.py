"""IngestedDocument → RDF triples, following the vocabulary contract in ARCHITECTURE.md.

One function, no I/O: the result is the document's asserted named graph. Document-local nodes get
IRIs under the document (``.../id/doc/<doc_id>/<kind>/<n>``) so that replacing a document never
touches another document's nodes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph.namespaces import BG, NIF
from graph.schema import add_municipality, document_class, municipalities_graph  # noqa: F401
from ingest.model import EXTRACTOR_VERSION, USE_STATUSES, Evidence, IngestedDocument
from ontology import ID, concept_iri, doc_iri, municipality_iri

# Which DocumentMeta.dates kind goes to which property.
DATE_PROPERTIES = {
    "document": DCTERMS.date,
    "letter": DCTERMS.date,
    "signed": DCTERMS.issued,
    "adopted": DCTERMS.issued,
    "in_force": BG.inForce,
}
# Which ValidityStatement kind supports which document property (see ingest.model.Validity).
VALIDITY_PROPERTIES = {
    "in_force": BG.inForce,
    "in_force_until": BG.inForceUntil,
    "lapsed_on": BG.lapsedOn,
    "withdrawn": BG.withdrawn,
}


def local_iri(doc_id: str, local: str) -> URIRef:
    """IRI of a document-local thing; ``local`` is e.g. ``p0001`` or ``goal/3``."""
    return URIRef(f"{doc_iri(doc_id)}/{local}")


def passage_iri(passage_id: str) -> URIRef:
    """Passage ids are ``<doc_id>/p0001``; their IRI lives under the document IRI."""
    return URIRef(f"{ID}doc/{passage_id}")


def status_iri(status: str) -> URIRef:
    return URIRef(concept_iri(f"status:{status}"))


def _date_literal(value: str) -> Literal:
    if len(value) == 10:
        return Literal(value, datatype=XSD.date)
    if len(value) == 4 and value.isdigit():
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def _year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


def _decimal(value: float) -> Literal:
    return Literal(repr(float(value)) if value != int(value) else str(int(value)), datatype=XSD.decimal)


class _Builder:
    """Accumulates triples and numbers spans so every evidence quote becomes one bg:Span node."""

    def __init__(self, doc: IngestedDocument) -> None:
        self.doc = doc
        self.doc_id = doc.meta.doc_id
        self.graph = Graph()
        self.doc_node = URIRef(doc_iri(self.doc_id))
        self.activity = local_iri(self.doc_id, "extraction")
        self.spans = 0

    def add(self, s, p, o) -> None:
        self.graph.add((s, p, o))

    def span(self, evidence: Evidence) -> URIRef:
        self.spans += 1
        node = local_iri(self.doc_id, f"span/{self.spans}")
        self.add(node, RDF.type, BG.Span)
        self.add(node, BG.inPassage, passage_iri(evidence.passage_id))
        self.add(node, BG.exact, Literal(evidence.quote))
        self.add(node, NIF.beginIndex, Literal(evidence.start))
        self.add(node, NIF.endIndex, Literal(evidence.end))
        return node

    def evidence(self, node: URIRef, items: list[Evidence]) -> None:
        for item in items:
            self.add(node, BG.evidence, self.span(item))

    def part(self, node: URIRef, cls: URIRef) -> None:
        self.add(node, RDF.type, cls)
        self.add(node, BG.inDocument, self.doc_node)

    def generated(self, node: URIRef) -> None:
        self.add(node, PROV.wasGeneratedBy, self.activity)


def _document(b: _Builder) -> None:
    meta, doc = b.doc.meta, b.doc_node
    b.add(doc, RDF.type, BG.PolicyDocument)
    b.add(doc, DCTERMS.identifier, Literal(meta.doc_id))
    if meta.doc_type:
        doctype = URIRef(concept_iri(meta.doc_type))
        b.add(doc, BG.documentType, doctype)
        cls = document_class(str(doctype))
        b.add(doc, RDF.type, URIRef(cls) if cls else BG.OtherPolicyDocument)
    if meta.municipality:
        node = URIRef(municipality_iri(meta.municipality.code))
        b.add(doc, BG.municipality, node)
        add_municipality(b.graph, node, meta.municipality.name, meta.municipality.code)
    if meta.title:
        b.add(doc, DCTERMS.title, Literal(meta.title))
    if meta.subtitle:
        b.add(doc, DCTERMS.alternative, Literal(meta.subtitle))
    for kind, value in sorted(meta.dates.items()):
        prop = DATE_PROPERTIES.get(kind)
        if prop is not None and value:
            b.add(doc, prop, _date_literal(value))
    if meta.period_start is not None:
        b.add(doc, BG.periodStart, _year(meta.period_start))
    if meta.period_end is not None:
        b.add(doc, BG.periodEnd, _year(meta.period_end))
    b.add(doc, BG.sourceFile, Literal(meta.file))
    if meta.sha256:
        b.add(doc, BG.sha256, Literal(meta.sha256))
    if meta.media_type:
        b.add(doc, DCTERMS.format, Literal(meta.media_type))
    if meta.reference:
        b.add(doc, DCTERMS.bibliographicCitation, Literal(meta.reference))
    b.add(doc, BG.sourceText, Literal(b.doc.text))
    b.add(b.activity, RDF.type, BG.Extraction)
    b.add(b.activity, BG.extractorVersion, Literal(EXTRACTOR_VERSION))
    ended = datetime.now(UTC).replace(microsecond=0)
    b.add(b.activity, PROV.endedAtTime, Literal(ended, datatype=XSD.dateTime))


def _validity(b: _Builder) -> None:
    """In force until / lapsed / withdrawn on the document, one bg:ValidityStatement per statement (its
    evidence), and one bg:ReplacedRegulation per regulation the document replaces."""
    validity, doc = b.doc.meta.validity, b.doc_node
    if validity.in_force_until:
        b.add(doc, BG.inForceUntil, _date_literal(validity.in_force_until))
    if validity.lapsed_on:
        b.add(doc, BG.lapsedOn, _date_literal(validity.lapsed_on))
    if validity.withdrawn:
        b.add(doc, BG.withdrawn, Literal(True))
    for n, statement in enumerate(validity.statements, start=1):
        node = local_iri(b.doc_id, f"validity/{n}")
        b.part(node, BG.ValidityStatement)
        b.add(node, BG.validityProperty, VALIDITY_PROPERTIES[statement.kind])
        value = _date_literal(statement.value) if statement.value else Literal(True)
        b.add(node, BG.statedValue, value)
        b.evidence(node, [statement.evidence] if statement.evidence else [])
    for n, replaced in enumerate(validity.replaces, start=1):
        node = local_iri(b.doc_id, f"replaces/{n}")
        b.part(node, BG.ReplacedRegulation)
        b.add(doc, DCTERMS.replaces, node)
        b.add(node, DCTERMS.title, Literal(replaced.title))
        if replaced.year is not None:
            b.add(node, BG.year, _year(replaced.year))
        b.evidence(node, replaced.evidence)


def _passages(b: _Builder) -> None:
    for passage in b.doc.passages:
        node = passage_iri(passage.id)
        b.part(node, BG.Passage)
        b.add(node, BG.text, Literal(passage.text))
        b.add(node, NIF.beginIndex, Literal(passage.start))
        b.add(node, NIF.endIndex, Literal(passage.end))
        b.add(node, BG["index"], Literal(passage.index))
        if passage.section_path:
            b.add(node, BG.sectionPath, Literal(" > ".join(passage.section_path)))
            b.add(node, BG.sectionTitle, Literal(passage.section_path[-1]))
        if passage.page is not None:
            b.add(node, BG.page, Literal(passage.page))
        for theme in passage.theme_ids:
            b.add(node, BG.theme, URIRef(concept_iri(theme)))


def _mentions(b: _Builder) -> None:
    for n, mention in enumerate(b.doc.mentions, start=1):
        node = local_iri(b.doc_id, f"mention/{n}")
        b.add(node, RDF.type, BG.Mention)
        b.add(node, BG.inPassage, passage_iri(mention.passage_id))
        b.add(node, BG.mentionOf, URIRef(concept_iri(mention.concept_id)))
        b.add(node, BG.exact, Literal(mention.text))
        b.add(node, NIF.beginIndex, Literal(mention.start))
        b.add(node, NIF.endIndex, Literal(mention.end))
        if mention.status:
            b.add(node, BG.status, status_iri(mention.status))
        b.generated(node)
        if mention.concept_type == "law":
            b.add(b.doc_node, BG.citesLaw, URIRef(concept_iri(mention.concept_id)))


def _facts(b: _Builder) -> None:
    n = 0
    doc = b.doc_node

    def fact(cls: URIRef, concept_id: str, evidence: list[Evidence]) -> tuple[URIRef, URIRef]:
        nonlocal n
        n += 1
        node = local_iri(b.doc_id, f"fact/{n}")
        concept = URIRef(concept_iri(concept_id))
        b.part(node, cls)
        b.add(node, BG.concept, concept)
        b.evidence(node, evidence)
        b.generated(node)
        return node, concept

    for theme in b.doc.themes:
        node, concept = fact(BG.ThemeFact, theme.concept_id, theme.evidence)
        b.add(node, BG.priority, Literal(bool(theme.priority)))
        if theme.rank is not None:
            b.add(node, BG.rank, Literal(theme.rank))
        if theme.declared_new:
            b.add(node, BG.declaredNew, Literal(True))
        b.add(doc, BG.hasTheme, concept)
        if theme.priority:
            b.add(doc, BG.priorityTheme, concept)
    for use in b.doc.instruments:
        node, concept = fact(BG.InstrumentUse, use.concept_id, use.evidence)
        b.add(node, BG.status, status_iri(use.status))
        for theme in use.theme_ids:
            b.add(node, BG.againstTheme, URIRef(concept_iri(theme)))
        b.add(doc, BG.hasInstrument, concept)
        if use.status in USE_STATUSES:
            b.add(doc, BG.usesInstrument, concept)
    for partner in b.doc.partners:
        node, concept = fact(BG.PartnerFact, partner.concept_id, partner.evidence)
        if partner.role:
            b.add(node, BG.role, Literal(partner.role))
        b.add(doc, BG.hasPartner, concept)
        if partner.body_id:
            body = URIRef(concept_iri(partner.body_id))
            b.add(node, BG.resolvedTo, body)
            b.add(node, BG.resolution, Literal(partner.resolution))
            b.add(doc, BG.hasPartner, body)


def _local(b: _Builder, item_id: str, kind: str, n: int) -> URIRef:
    """Goal/target ids are ``<doc_id>/goal/<n>``; anything else is numbered here."""
    prefix = b.doc_id + "/"
    if item_id.startswith(prefix) and " " not in item_id:
        return URIRef(f"{ID}doc/{item_id}")
    return local_iri(b.doc_id, f"{kind}/{n}")


def _goals_and_numbers(b: _Builder) -> None:
    goal_nodes: dict[str, URIRef] = {}
    for n, goal in enumerate(b.doc.goals, start=1):
        node = _local(b, goal.id, "goal", n)
        goal_nodes[goal.id] = node
        b.part(node, BG.Goal)
        b.add(node, BG.goalText, Literal(goal.text))
        b.add(node, BG.goalType, Literal(goal.goal_type))
        if goal.theme_id:
            b.add(node, BG.theme, URIRef(concept_iri(goal.theme_id)))
        b.evidence(node, [goal.evidence])
        b.generated(node)
    for n, target in enumerate(b.doc.targets, start=1):
        node = _local(b, target.id, "target", n)
        b.part(node, BG.Target)
        b.add(node, BG.metric, Literal(target.metric))
        b.add(node, BG.value, _decimal(target.value))
        b.add(node, BG.unit, Literal(target.unit))
        if target.comparator:
            b.add(node, BG.comparator, Literal(target.comparator))
        if target.year is not None:
            b.add(node, BG.year, _year(target.year))
        if target.baseline_value is not None:
            b.add(node, BG.baselineValue, _decimal(target.baseline_value))
        if target.baseline_year is not None:
            b.add(node, BG.baselineYear, _year(target.baseline_year))
        if target.goal_id and target.goal_id in goal_nodes:
            b.add(node, BG.forGoal, goal_nodes[target.goal_id])
        if target.theme_id:
            b.add(node, BG.theme, URIRef(concept_iri(target.theme_id)))
        b.evidence(node, [target.evidence])
        b.generated(node)
    for n, indicator in enumerate(b.doc.indicators, start=1):
        node = _local(b, indicator.id, "indicator", n)
        b.part(node, BG.Indicator)
        b.add(node, RDFS.label, Literal(indicator.label))
        if indicator.data_source:
            b.add(node, BG.dataSource, Literal(indicator.data_source))
        if indicator.source_partner_id:
            b.add(node, BG.sourcePartner, URIRef(concept_iri(indicator.source_partner_id)))
        if indicator.theme_id:
            b.add(node, BG.theme, URIRef(concept_iri(indicator.theme_id)))
        b.evidence(node, [indicator.evidence])
        b.generated(node)
    for n, figure in enumerate(b.doc.figures, start=1):
        node = _local(b, figure.id, "figure", n)
        b.part(node, BG.Figure)
        b.add(node, RDFS.label, Literal(figure.label))
        b.add(node, BG.value, _decimal(figure.value))
        b.add(node, BG.unit, Literal(figure.unit))
        if figure.year is not None:
            b.add(node, BG.year, _year(figure.year))
        b.evidence(node, [figure.evidence])
        b.generated(node)


def document_graph(doc: IngestedDocument) -> Graph:
    """The asserted triples of one ingested document."""
    builder = _Builder(doc)
    _document(builder)
    _validity(builder)
    _passages(builder)
    _mentions(builder)
    _facts(builder)
    _goals_and_numbers(builder)
    return builder.graph


__all__ = ["document_graph", "municipalities_graph", "passage_iri", "local_iri", "USE_STATUSES"]
