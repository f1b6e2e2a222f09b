"""Validity of a document: in force from/until, lapsed or withdrawn, and what it replaces, each with the
span that says it; statements about other regulations never make the document itself lapsed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from graph.namespaces import BG
from graph.rdf import document_graph
from graph.schema import ontology_graph
from graph.validate import validate_graph
from ingest.model import Passage
from ingest.pipeline import ingest_file
from ingest.validity import infer_validity
from ontology import doc_iri


def _validity(text: str, fields: dict[str, str] | None = None):
    passages = [Passage("doc/p0001", 1, text, 0, len(text))]
    return infer_validity(text, fields or {}, passages)


def test_cvdr_banner_and_range_give_lapse_until_and_start_with_evidence():
    text = (
        "Regeling vervallen per 23-10-2024\n\nBeleidsregel horeca gemeente Zuidstad 2015\n\n"
        "Geldend van 07-07-2015 t/m 22-10-2024\n\nIntitulé\n"
    )
    validity, in_force = _validity(text)
    assert validity.lapsed_on == "2024-10-23"
    assert validity.in_force_until == "2024-10-22"
    assert validity.withdrawn is False
    assert in_force is not None and in_force[0] == "2015-07-07"
    quotes = {s.kind: s.evidence.quote for s in validity.statements}
    assert quotes["lapsed_on"] == "Regeling vervallen per 23-10-2024"
    assert quotes["in_force_until"] == "Geldend van 07-07-2015 t/m 22-10-2024"
    for s in validity.statements:
        assert text[s.evidence.start : s.evidence.end] == s.evidence.quote


def test_current_version_has_no_end_date():
    validity, in_force = _validity("Geldend van 01-11-2024 t/m heden\n")
    assert in_force is not None and in_force[0] == "2024-11-01"
    assert validity.in_force_until is None and validity.lapsed_on is None


@pytest.mark.parametrize(
    ("text", "lapsed_on", "withdrawn"),
    [
        ("Deze beleidsregel vervalt met ingang van 1 januari 2030.", "2030-01-01", False),
        ("Dit besluit wordt per 1 juli 2022 ingetrokken.", "2022-07-01", False),
        ("Deze regeling is ingetrokken.", None, True),
        # another regulation's lapse or a permit's withdrawal is not this document's
        ("De beleidsregels 2019 vervallen per 1 januari 2021.", None, False),
        ("De vergunning wordt ingetrokken als de aanvrager onjuiste gegevens verstrekt.", None, False),
    ],
)
def test_lapse_needs_the_document_as_subject(text, lapsed_on, withdrawn):
    validity, _ = _validity(text)
    assert validity.lapsed_on == lapsed_on
    assert validity.withdrawn is withdrawn


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        (
            "Deze regeling vervangt de Beleidsregels coffeeshops gemeente Zuidstad 2018.",
            "Beleidsregels coffeeshops gemeente Zuidstad 2018",
            2018,
        ),
        (
            "vast te stellen het Coffeeshopbeleid onder gelijktijdige intrekking van het Coffeeshopbeleid "
            "gemeente Zuidstad, zoals vastgesteld op 4 maart 2020.",
            "Coffeeshopbeleid gemeente Zuidstad",
            2020,
        ),
        (
            "Het Horecabeleid vastgesteld d.d. 12 mei 2017, in werking getreden d.d. 1 juni 2017, is bij "
            "vaststelling van dit beleid ingetrokken.",
            "Horecabeleid",
            2017,
        ),
        (
            "Dit plan treedt in de plaats van de Nota Integrale Veiligheid 2016-2019.",
            "Nota Integrale Veiligheid 2016-2019",
            2019,
        ),
        (
            "Deze regeling vervangt de Beleidsregels voor de toepassing van de Wet Bibob.",
            "Beleidsregels voor de toepassing van de Wet Bibob",
            None,
        ),
    ],
)
def test_replaced_regulations_with_name_and_year(text, title, year):
    validity, _ = _validity(text)
    assert len(validity.replaces) == 1
    replaced = validity.replaces[0]
    assert replaced.title == title
    assert replaced.year == year
    evidence = replaced.evidence[0]
    assert text[evidence.start : evidence.end] == evidence.quote
    assert validity.lapsed_on is None and validity.withdrawn is False


def test_a_regulation_named_twice_is_one_replaced_regulation():
    text = (
        "Deze regeling vervangt de beleidsregels artikel 13b Opiumwet gemeente Zuidstad 2019.\n\n"
        "vast te stellen het Damoclesbeleid onder gelijktijdige intrekking van de Beleidsregels artikel 13b "
        "Opiumwet gemeente Zuidstad 2019, zoals vastgesteld op 3 juni 2019.\n"
    )
    validity, _ = _validity(text)
    assert [(r.year, len(r.evidence)) for r in validity.replaces] == [(2019, 2)]


@pytest.mark.parametrize(
    "text",
    ["De vergunning wordt ingetrokken.", "Het besluit wordt ingetrokken.", "Hij vervangt de sloten."],
)
def test_no_replaced_regulation_without_a_regulation_name(text):
    validity, _ = _validity(text)
    assert validity.replaces == []


CVDR_XML = """<?xml version="1.0" encoding="utf-8"?>
<cvdr xmlns="http://standaarden.overheid.nl/cvdr/terms/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:overheidrg="http://standaarden.overheid.nl/cvdr/meta/"><meta><owmskern>
<dcterms:title>Beleidsregels Bibob gemeente Kampen 2012</dcterms:title>
<dcterms:creator scheme="overheid:Gemeente">Kampen</dcterms:creator></owmskern><cvdripm>
<overheidrg:inwerkingtredingDatum>2012-03-01</overheidrg:inwerkingtredingDatum>
<overheidrg:uitwerkingtredingDatum>2018-01-01</overheidrg:uitwerkingtredingDatum>
<overheidrg:redactioneleToevoeging>
<al>1. Deze regeling volgt op de Beleidsregels Bibob gemeente Kampen 2008.</al>
<al>2. Deze regeling wordt ingetrokken door het besluit van 12-12-2017.</al>
</overheidrg:redactioneleToevoeging></cvdripm></meta>
<body><regeling><al>De burgemeester van Kampen past de Wet Bibob toe.</al></regeling></body></cvdr>
"""


def test_cvdr_xml_metadata_gives_lapse_and_predecessor(tmp_path: Path):
    path = tmp_path / "kampen_bibob.xml"
    path.write_text(CVDR_XML, encoding="utf-8")
    doc = ingest_file(path)
    validity = doc.meta.validity
    assert doc.meta.dates["in_force"] == "2012-03-01"
    assert validity.lapsed_on == "2018-01-01"
    assert [(r.title, r.year, r.evidence) for r in validity.replaces] == [
        ("Beleidsregels Bibob gemeente Kampen 2008", 2008, [])
    ]


def test_validity_becomes_graph_facts_that_conform_to_the_shapes(tmp_path: Path):
    path = tmp_path / "zuidstad_damocles.txt"
    path.write_text(
        "Regeling vervallen per 01-05-2023\n\nDamoclesbeleid gemeente Kampen 2020\n\n"
        "Geldend van 01-02-2020 t/m 30-04-2023\n\n"
        "De burgemeester van Kampen besluit vast te stellen het Damoclesbeleid gemeente Kampen 2020.\n\n"
        "Deze regeling vervangt de Beleidsregels artikel 13b Opiumwet gemeente Kampen 2016.\n\n"
        "Op grond van artikel 13b Opiumwet kan de burgemeester een woning sluiten.\n",
        encoding="utf-8",
    )
    doc = ingest_file(path)
    g = document_graph(doc)
    node = URIRef(doc_iri(doc.meta.doc_id))
    assert (node, BG.inForce, Literal("2020-02-01", datatype=XSD.date)) in g
    assert (node, BG.inForceUntil, Literal("2023-04-30", datatype=XSD.date)) in g
    assert (node, BG.lapsedOn, Literal("2023-05-01", datatype=XSD.date)) in g
    replaced = list(g.objects(node, DCTERMS.replaces))
    assert len(replaced) == 1
    assert (replaced[0], RDF.type, BG.ReplacedRegulation) in g
    assert g.value(replaced[0], BG.year) == Literal("2016", datatype=XSD.gYear)
    assert g.value(replaced[0], BG.evidence) is not None
    statements = {g.value(s, BG.validityProperty): s for s in g.subjects(RDF.type, BG.ValidityStatement)}
    assert set(statements) == {BG.inForce, BG.inForceUntil, BG.lapsedOn}
    span = g.value(statements[BG.lapsedOn], BG.evidence)
    assert str(g.value(span, BG.exact)) == "Regeling vervallen per 01-05-2023"
    conforms, report, _ = validate_graph(g, ontology_graph())
    assert conforms, report
