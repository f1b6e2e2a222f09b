"""Concepts named in a query, through the ontology's Dutch and English labels."""

from __future__ import annotations

from search.concepts import recognise


def ids(query: str) -> set[str]:
    return {c.id for c in recognise(query)}


def test_dutch_and_english_labels_name_the_same_concepts():
    assert "instrument:integrale_controles" in ids("Welke gemeenten zetten integrale controles in?")
    assert "instrument:integrale_controles" in ids("integral checks")
    assert "theme:ondermijning" in ids("undermining")
    assert ids("youth workers") & {"instrument:jongerenwerk", "partner:jongerenwerk"}


def test_spelling_variants_and_plurals_match():
    assert "instrument:street_triage" in ids("streettriage")
    assert "instrument:street_triage" in ids("street triage")
    assert "instrument:gebiedsverbod" in ids("Welke gemeenten leggen gebiedsverboden op?")


def test_narrower_concepts_are_included():
    (concept,) = [c for c in recognise("integrale controles") if c.id == "instrument:integrale_controles"]
    assert "instrument:mia" in concept.expanded


def test_short_acronyms_need_their_case():
    assert not ids("om de hoek")  # "om" is a Dutch word, not the Openbaar Ministerie


def test_a_query_without_concepts_names_none():
    assert ids("recept voor appeltaart") == set()
