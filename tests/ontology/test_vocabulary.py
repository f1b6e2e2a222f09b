"""The concept schemes and their loader: ids, labels, hierarchy and forgiving label lookup."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from rdflib import Graph
from rdflib.namespace import SKOS

from ontology import ONTOLOGY_DIR, SCHEME_FILES, concept_id, concept_iri
from ontology.vocabulary import (
    UnknownLabel,
    broader_closure,
    concepts_of_type,
    labels,
    load_concepts,
    narrower_closure,
    normalize_label,
    resolve_label,
)

STATUSES = (
    "toegepast",
    "voornemen",
    "overweging",
    "onderzoek",
    "volgen",
    "beeindigd",
    "geen_deelname",
    "genoemd",
)


def test_every_turtle_file_parses():
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        assert len(Graph().parse(path, format="turtle")) > 0, path.name


def test_scheme_files_are_the_six_schemes_and_the_regions():
    expected = {"themes", "instruments", "partners", "laws", "doctypes", "statuses", "regions"}
    assert {p.stem for p in SCHEME_FILES} == expected
    assert all(p.exists() for p in SCHEME_FILES)


def test_iri_helpers_round_trip():
    iri = concept_iri("instrument:damocles_13b")
    assert iri == "https://w3id.org/beleidsgraaf/id/instrument/damocles_13b"
    assert concept_id(iri) == "instrument:damocles_13b"
    assert concept_id(concept_iri("instrument:cat/bestuurlijk")) == "instrument:cat/bestuurlijk"
    with pytest.raises(ValueError):
        concept_iri("damocles")
    with pytest.raises(ValueError):
        concept_id("https://example.org/x")


def test_every_seed_id_still_exists_or_is_retired_with_a_reason(seed_vocabulary):
    """Concept ids are stable: each id of the shared seed is a concept, or listed as retired in
    concepts.json with why and (where one exists) the concept that replaces it."""
    concepts = load_concepts()
    retired = json.loads((ONTOLOGY_DIR / "concepts.json").read_text(encoding="utf-8"))["retired"]
    for cid, entry in seed_vocabulary.items():
        if cid in retired:
            assert cid not in concepts and retired[cid]["reason"], cid
            replacement = retired[cid].get("replaced_by")
            assert replacement is None or replacement in concepts, cid
            continue
        assert cid in concepts, cid
        assert concepts[cid].type == entry["type"], cid


def test_seed_categories_become_category_concepts(seed_vocabulary, ontology_graph):
    concepts = load_concepts()
    assert concepts["instrument:damocles_13b"].category == "instrument:cat/bestuurlijk"
    assert concepts["partner:politie"].category == "partner:cat/justitie"
    notation = {concept_id(str(c)): str(n) for c, n in ontology_graph.subject_objects(SKOS.notation)}
    for cid, entry in seed_vocabulary.items():
        if entry["type"] in ("instrument", "partner") and cid in concepts:
            category = concepts[concepts[cid].category]
            assert category.type == "category", cid
            assert notation[category.id] == entry["category"], cid


def test_no_label_names_two_concepts_of_the_same_type():
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for concept in load_concepts().values():
        for label in labels(concept):
            seen[(concept.type, normalize_label(label))].add(concept.id)
    clashes = {key: ids for key, ids in seen.items() if len(ids) > 1}
    assert not clashes


@pytest.mark.parametrize(
    ("label", "types"),
    [
        ("burgerparticipatie", {"theme", "instrument"}),
        ("horeca", {"theme", "partner"}),
        ("jongerenwerk", {"instrument", "partner"}),
        ("Wet Bibob", {"instrument", "law"}),
    ],
)
def test_known_cross_type_aliases_are_kept_in_both_types(label, types):
    assert {resolve_label(label, kind).type for kind in types} == types


def test_acronyms_are_kept_apart_from_alt_labels():
    om = load_concepts()["partner:om"]
    assert "OM" in om.acronyms and "OM" not in om.alt_labels
    mia = load_concepts()["instrument:mia"]
    assert "MIA" in mia.acronyms
    assert "Halt" in load_concepts()["partner:halt"].acronyms


def test_english_labels_for_every_theme():
    missing = [c.id for c in concepts_of_type("theme") if not c.en_labels]
    assert not missing


def test_statuses_and_doctypes():
    statuses = {c.id for c in concepts_of_type("status")}
    assert statuses == {f"status:{s}" for s in STATUSES}
    ivp = load_concepts()["doctype:integraal_veiligheidsplan"]
    assert {"integraal veiligheidsbeleid", "IVP", "IVB"} <= set(labels(ivp))
    assert ivp.document_class == "https://w3id.org/beleidsgraaf/def#IntegralSafetyPlan"
    assert all(c.document_class for c in concepts_of_type("doctype"))
    assert resolve_label("beantwoording raadsvragen", "doctype").id == "doctype:raadsbrief"
    assert resolve_label("veiligheidsanalyse", "doctype").id == "doctype:veiligheidsbeeld"


def test_damocles_is_an_administrative_instrument_with_its_legal_basis():
    assert "instrument:cat/bestuurlijk" in broader_closure("instrument:damocles_13b")
    damocles = load_concepts()["instrument:damocles_13b"]
    assert "law:opiumwet" in damocles.legal_basis
    assert {"artikel 13b Opiumwet", "Damocles", "wet Damocles"} <= set(labels(damocles))


def test_mia_counts_for_integral_inspections():
    assert "instrument:integrale_controles" in broader_closure("instrument:mia")
    assert "instrument:mia" in narrower_closure("instrument:integrale_controles")
    assert "instrument:mia" in narrower_closure("instrument:cat/toezicht_handhaving")
    assert "instrument:mia" not in broader_closure("instrument:mia")


def test_every_instrument_partner_and_law_reaches_its_category():
    for kind in ("instrument", "partner", "law"):
        for concept in concepts_of_type(kind):
            reached = {b for b in broader_closure(concept.id) if load_concepts()[b].type == "category"}
            assert reached, concept.id


def test_every_theme_reaches_a_kernbeleid_field():
    fields = {c.id for c in concepts_of_type("theme") if c.is_field}
    assert "theme:veld/integriteit_en_veiligheid" in fields and len(fields) >= 5
    for concept in concepts_of_type("theme"):
        if concept.is_field or concept.id == "theme:algemeen":
            continue
        assert broader_closure(concept.id) & fields, concept.id
    assert "theme:veld/integriteit_en_veiligheid" in broader_closure("theme:zorgfraude")


@pytest.mark.parametrize(
    ("label", "kind", "expected"),
    [
        ("instrument:damocles_13b", None, "instrument:damocles_13b"),
        ("damocles_13b", "instrument", "instrument:damocles_13b"),
        ("https://w3id.org/beleidsgraaf/id/partner/om", None, "partner:om"),
        ("Damocles", None, "instrument:damocles_13b"),
        ("  ARTIKEL 13B   opiumwet ", None, "instrument:damocles_13b"),
        ("integrated inspections", None, "instrument:integrale_controles"),
        ("Undermining", None, "theme:ondermijning"),
        ("domestic violence", None, "theme:huiselijk_geweld"),
        ("AVE methodiek", None, "instrument:ave_methodiek"),
        ("ave–methodiek", None, "instrument:ave_methodiek"),
        ("Bewustwordingsprogramma's", None, "instrument:bewustwording_digitale_veiligheid"),
        ("horeca", "partner", "partner:horeca"),
        ("horeca", "theme", "theme:horeca"),
        ("housing associations", "partner", "partner:woningcorporaties"),
        ("Wet Bibob", "instrument", "instrument:bibob"),
        ("Wet Bibob", "law", "law:wet_bibob"),
    ],
)
def test_resolve_label(label, kind, expected):
    assert resolve_label(label, kind).id == expected


def test_unknown_label_suggests_close_labels():
    with pytest.raises(UnknownLabel) as info:
        resolve_label("damokles")
    assert any("Damocles" in s for s in info.value.suggestions)
    assert "damokles" in str(info.value) and "Damocles" in str(info.value)


def test_type_filter_excludes_other_types():
    with pytest.raises(UnknownLabel):
        resolve_label("politie", "instrument")
    with pytest.raises(ValueError):
        resolve_label("politie", "organisation")


def test_turtle_schemes_are_in_sync_with_their_generator(tmp_path):
    from ontology.tools import build_schemes

    vocabulary = json.loads(build_schemes.CONCEPTS.read_text(encoding="utf-8"))
    records = build_schemes.build_records(vocabulary)
    errors, _ = build_schemes.check(records)
    assert not errors
    build_schemes.write_schemes(records, vocabulary, tmp_path)
    for path in SCHEME_FILES:
        generated = (tmp_path / path.name).read_text(encoding="utf-8")
        assert generated == path.read_text(encoding="utf-8"), path.name


def test_generator_check_catches_a_label_shared_within_a_type():
    from ontology.tools import build_schemes

    vocabulary = json.loads(build_schemes.CONCEPTS.read_text(encoding="utf-8"))
    vocabulary["concepts"]["partner:ggd"]["aliases"] = ["politie"]
    errors, _ = build_schemes.check(build_schemes.build_records(vocabulary))
    assert any("politie" in e for e in errors)


def test_concepts_iterate_in_id_order_in_every_process():
    """rdflib's triple order follows the hash seed; ties broken by vocabulary order must not."""
    from ontology.vocabulary import load_concepts

    ids = list(load_concepts())
    assert ids and ids == sorted(ids)


def test_generator_refuses_a_retired_id_and_unknown_fields():
    from ontology.tools import build_schemes

    vocabulary = json.loads(build_schemes.CONCEPTS.read_text(encoding="utf-8"))
    vocabulary["concepts"]["partner:ggd"]["synonyms"] = ["x"]
    with pytest.raises(ValueError, match="synonyms"):
        build_schemes.build_records(vocabulary)
    del vocabulary["concepts"]["partner:ggd"]["synonyms"]
    vocabulary["retired"]["partner:ggd"] = {"reason": "test"}
    with pytest.raises(ValueError, match="retired"):
        build_schemes.build_records(vocabulary)


def test_national_powers_carry_their_article_law_and_definition():
    concepts = json.loads((ONTOLOGY_DIR / "concepts.json").read_text(encoding="utf-8"))["concepts"]
    powers = {
        "instrument:damocles_13b": "13b Opiumwet",
        "instrument:cameratoezicht": "151c Gemeentewet",
        "instrument:gedragsaanwijzing_151d": "151d Gemeentewet",
        "instrument:woningsluiting_174a": "174a Gemeentewet",
        "instrument:noodbevel": "175 Gemeentewet",
        "instrument:noodverordening": "176 Gemeentewet",
        "instrument:preventief_fouilleren": "151b",
        "instrument:gebiedsverbod": "172a Gemeentewet",
        "instrument:samenscholingsverbod": "APV",
        "instrument:bibob": "Wet Bibob",
    }
    for cid, article in powers.items():
        entry = concepts[cid]
        assert article in entry["article"], cid
        assert entry["legal_basis"] and entry["definition"], cid
    for cid in ("instrument:top_x", "instrument:nuloptie_coffeeshops", "instrument:mbveo_maatregelen"):
        assert concepts[cid]["definition"], cid


def test_labels_are_names_not_sentences_or_document_references():
    """No label of more than eight words, none naming how one document cites something."""
    for concept in load_concepts().values():
        for label in labels(concept):
            assert len(label.split()) <= 8, (concept.id, label)
            assert "geciteerd" not in label.lower(), (concept.id, label)


def test_canonical_ids_follow_retirement_and_regional_bodies():
    from ontology.canonical import canonical_id

    assert canonical_id("law:gemeentewet_127") == "law:gemeentewet"
    assert canonical_id("instrument:flexibele_boa_inzet") == "instrument:boa_inzet"
    assert canonical_id("partner:veiligheidsregio_twente") == "partner:veiligheidsregio"
    assert canonical_id("partner:provincie_overijssel") == "partner:provincie"
    assert canonical_id("partner:om") == "partner:om"
