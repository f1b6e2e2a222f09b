"""Regional partners: a plain mention names the body of the document's own municipality, a named body
stays itself — checked on small generated documents of municipalities in six different regions."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.namespaces import BG
from graph.rdf import document_graph
from graph.reason import infer_document
from ingest.load import LoadedText
from ingest.model import DocumentMeta, Municipality
from ingest.pipeline import analyse
from ontology import concept_iri, doc_iri
from ontology.regions import bodies, bodies_of, body_for, generic_of

TEXT = (
    "Integraal veiligheidsplan\n\n"
    "Wij werken samen met de veiligheidsregio, het RIEC, Veilig Thuis, de GGD en de politie. "
    "Bij crisisbeheersing volgen wij de plannen van de veiligheidsregio.\n"
)

# municipality (name, code) → the bodies a plain mention must resolve to
CASES = [
    ("Ridderkerk", "GM0597", "rotterdam_rijnmond", "rotterdam", "rotterdam"),
    ("Bernheze", "GM1721", "brabant_noord", "oost_brabant", "oost_brabant"),
    ("Hengelo", "GM0164", "twente", "oost_nederland", "oost_nederland"),
    ("Velsen", "GM0453", "kennemerland", "noord_holland", "noord_holland"),
    ("Wassenaar", "GM0629", "haaglanden", "den_haag", "den_haag"),
    ("Leeuwarden", "GM0080", "fryslan", "noord_nederland", "noord_nederland"),
    ("Amsterdam", "GM0363", "amsterdam_amstelland", "amsterdam", "amsterdam_amstelland"),
]


def _ingest(text: str, name: str, code: str):
    meta = DocumentMeta(doc_id=f"test-{code.lower()}", file="test.txt", municipality=Municipality(name, code))
    return analyse(LoadedText(text=text, media_type="text/plain"), meta)


def test_reference_data_covers_every_current_municipality():
    vr = [b for b in bodies().values() if b.kind == "veiligheidsregio"]
    assert len(vr) == 25
    assert sum(len(b.members) for b in vr) == 342
    assert len([b for b in bodies().values() if b.kind == "riec"]) == 10
    assert bodies_of("GM0164")["veiligheidsregio"] == "partner:veiligheidsregio_twente"
    assert body_for("partner:riec", "GM0518") == "partner:riec_den_haag"
    assert body_for("partner:riec", None) is None
    assert body_for("partner:om", "GM0164") is None
    assert generic_of("partner:ggd_zuid_limburg") == "partner:ggd"
    assert body_for("partner:provincie", "GM0629") == "partner:provincie_zuid_holland"
    assert len([b for b in bodies().values() if b.kind == "provincie"]) == 12


@pytest.mark.parametrize(("name", "code", "vr", "unit", "riec"), CASES)
def test_plain_mentions_resolve_to_the_municipalitys_own_bodies(name, code, vr, unit, riec):
    doc = _ingest(TEXT, name, code)
    facts = {f.concept_id: f for f in doc.partners}
    expected = {
        "partner:veiligheidsregio": f"partner:veiligheidsregio_{vr}",
        "partner:riec": f"partner:riec_{riec}",
        "partner:politie": f"partner:politie_{unit}",
        "partner:ggd": f"partner:ggd_{vr}",
        "partner:veilig_thuis": f"partner:veilig_thuis_{vr}",
    }
    for generic, body in expected.items():
        assert generic in facts, (name, generic)
        assert facts[generic].body_id == body, (name, generic, facts[generic].body_id)
        assert facts[generic].resolution == "municipality-region"
        assert body in bodies()
    assert not any("twente" in (f.body_id or "") for f in doc.partners if code != "GM0164")


def test_a_named_body_stays_itself_in_another_region():
    text = "Veiligheid\n\nHet RIEC Rotterdam en Veiligheidsregio Twente adviseren; het RIEC coördineert.\n"
    doc = _ingest(text, "Bernheze", "GM1721")
    pairs = {(f.concept_id, f.body_id, f.resolution) for f in doc.partners}
    assert ("partner:riec", "partner:riec_rotterdam", "named") in pairs
    assert ("partner:riec", "partner:riec_oost_brabant", "municipality-region") in pairs
    assert ("partner:veiligheidsregio", "partner:veiligheidsregio_twente", "named") in pairs


def test_without_a_municipality_a_plain_mention_stays_generic():
    meta = DocumentMeta(doc_id="test-anon", file="test.txt")
    doc = analyse(LoadedText(text=TEXT, media_type="text/plain"), meta)
    riec = [f for f in doc.partners if f.concept_id == "partner:riec"]
    assert len(riec) == 1 and riec[0].body_id is None and riec[0].resolution is None


def test_graph_records_the_resolution_and_reasoning_gives_the_documents_region():
    doc = _ingest(TEXT, "Ridderkerk", "GM0597")
    asserted = document_graph(doc)
    inferred = infer_document(asserted)
    node = URIRef(doc_iri(doc.meta.doc_id))
    body = URIRef(concept_iri("partner:riec_rotterdam"))
    facts = list(asserted.subjects(BG.resolvedTo, body))
    assert len(facts) == 1
    assert str(asserted.value(facts[0], BG.resolution)) == "municipality-region"
    assert (facts[0], BG.concept, URIRef(concept_iri("partner:riec"))) in asserted
    region = URIRef(concept_iri("partner:veiligheidsregio_rotterdam_rijnmond"))
    assert (node, BG.inVeiligheidsregio, region) in inferred
    assert (node, BG.inRiecRegio, body) in inferred
    assert (node, BG.regionalBody, region) in inferred


def test_example_query_restricted_to_one_region_answers_from_reasoning(tmp_path):
    """The shipped example query, restricted to Rotterdam-Rijnmond with the VALUES line its comment
    gives, finds the Ridderkerk document and not Hengelo's (no document names its region)."""
    from graph.store import GraphStore
    from tests.ingest.conftest import ROOT

    damocles = "Damocles\n\nDe burgemeester past artikel 13b Opiumwet toe bij drugspanden.\n"
    example = (ROOT / "api" / "static" / "examples" / "11_damocles_per_veiligheidsregio.rq").read_text()
    values = next(line for line in example.splitlines() if "VALUES ?regio" in line)
    clause = values[values.index("VALUES") :].split("  bovenaan")[0]
    query = example.replace("WHERE {", "WHERE {\n  " + clause, 1)
    with GraphStore.open(tmp_path) as store:
        store.ensure_ontology()
        for name, code in (("Ridderkerk", "GM0597"), ("Hengelo", "GM0164")):
            doc = _ingest(damocles, name, code)
            asserted = document_graph(doc)
            store.replace_document(doc.meta.doc_id, asserted, infer_document(asserted))
        everywhere = store.select(example)
        rows = store.select(query)
    assert {r["naam"] for r in everywhere} == {"Ridderkerk", "Hengelo"}
    found = [(r["naam"], r["regioNaam"]) for r in rows]
    assert found == [("Ridderkerk", "Veiligheidsregio Rotterdam-Rijnmond")]
