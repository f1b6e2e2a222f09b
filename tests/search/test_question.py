"""Question analysis: what a question asks, read from ontology data (no store needed)."""

from __future__ import annotations

import pytest

from search.question import understand


def ids(u) -> set[str]:
    return {c["id"] for c in u.concepts}


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("Welke gemeenten passen de Wet Bibob toe?", "plural"),
        ("Welke gemeente past de Wet Bibob toe?", "singular"),
        ("Which municipalities apply the Bibob Act?", "plural"),
        ("Which municipality applies the Bibob Act?", "singular"),
        ("In welk veiligheidsbeleid staat cameratoezicht?", "singular"),
        ("Waar staat iets over cameratoezicht?", "unknown"),
    ],
)
def test_singular_and_plural(question, number):
    assert understand(question, meaning=False).number == number


def test_concepts_and_the_qualifier_that_is_no_concept():
    u = understand("Welke gemeenten passen de Wet Bibob toe bij vastgoedtransacties?", meaning=False)
    assert "instrument:bibob" in ids(u)
    assert [q.text for q in u.qualifiers] == ["bij vastgoedtransacties"]
    assert u.qualifiers[0].alternatives == [["vastgoedtransactie"]]


def test_an_english_qualifier_gets_the_dutch_words_of_the_concept_whose_english_label_holds_it():
    # "Bibob screening of real-estate transactions" = "Bibob-toets bij vastgoedtransacties" / "… vastgoed";
    # the words naming the question's own concept (Bibob, toets) are no part of the qualifier
    u = understand("Which municipalities apply the Bibob Act to real-estate transactions?", meaning=False)
    assert [q.text for q in u.qualifiers] == ["to real-estate transactions"]
    dutch = u.qualifiers[0].alternatives[3:]
    assert ["vastgoedtransactie"] in dutch and ["vastgoed"] in dutch
    assert not any("bibob" in alt or "toets" in alt for alt in dutch)


def test_an_english_qualifier_no_english_label_holds_gets_no_dutch_words():
    u = understand("Which municipalities apply the Bibob Act to space companies?", meaning=False)
    assert u.qualifiers[0].alternatives == [["space"], ["companies"]]


def test_document_type_status_relation_and_year():
    u = understand(
        "Welke gemeenten vervangen met hun huidige Damoclesbeleid een versie uit 2019?", meaning=False
    )
    assert [d["id"] for d in u.doc_types] == ["doctype:damoclesbeleid"]
    assert u.validity == "in_force"
    assert u.relation["relation"] == "replaces" and u.relation["year"] == 2019
    assert not u.qualifiers, "the year belongs to the relation, not to a qualifier"


def test_lapsed_and_use_status_words():
    assert understand("Welke Bibob-beleidsregel is inmiddels vervallen?", meaning=False).validity == "lapsed"
    u = understand("Welke gemeenten zijn van plan cameratoezicht in te zetten?", meaning=False)
    assert u.statuses == ["voornemen"]
    assert understand("Welke gemeente volgt alleen de ontwikkelingen?", meaning=False).statuses == ["volgen"]


def test_a_general_type_plus_a_concept_is_the_specific_type():
    u = understand("Welke gemeenten hebben beleidsregels voor de toepassing van de Wet Bibob?", meaning=False)
    assert [d["id"] for d in u.doc_types] == ["doctype:bibob_beleidsregel"]


def test_named_municipality_and_alternatives():
    u = understand("Noemt Hengelo digitale veiligheid als prioriteit of speerpunt?", meaning=False)
    assert [m["name"] for m in u.municipalities] == ["Hengelo"]
    assert u.priority and "theme:digitale_veiligheid" in ids(u)


def test_asked_thing_is_no_qualifier():
    u = understand(
        "Welke gemeente liet als pilot een weerbaarheidsscan uitvoeren, en met welk doel?", meaning=False
    )
    assert [q.alternatives for q in u.qualifiers] == [[["pilot"]]]


def test_paraphrase_found_by_meaning():
    u = understand("Welke gemeenten pakken fraude met zorggeld aan?")
    found = [c for c in u.concepts if c["by"] == "meaning"]
    assert [c["id"] for c in found] == ["theme:zorgfraude"]
    assert understand("Welke gemeenten pakken fraude met zorggeld aan?", meaning=False).concepts == []
