"""One concept matcher: documents (ingest) and questions (search) find concepts by the same rules."""

from __future__ import annotations

import pickle

import pytest

from ingest.extract import MATCH_TYPES, match_tokens
from ingest.matcher import build_matcher, case_words, get_matcher, vocabulary_hash
from ingest.nlp import get_nlp
from search.concepts import recognise


def in_document(text: str) -> set[str]:
    return {h.concept_id for h in match_tokens(get_nlp()(text))}


def in_question(text: str) -> set[str]:
    return {c.id for c in recognise(text) if c.type in MATCH_TYPES}


# Phrases chosen to exercise each rule; the document and the question side must agree on every one.
PHRASES = [
    "Het OM en de politie werken samen.",  # acronym as written
    "We gaan om de tafel met de partners.",  # "om" is a Dutch word, not the Openbaar Ministerie
    "Wij zetten integrale controles in.",  # lemma: controles = controle
    "De AVE methodiek en de AVE-methodiek.",  # hyphen and space variants
    "Het BIBOB-onderzoek loopt.",  # a five-letter all-caps acronym inside a compound
    "Welke Bibob-beleidsregel is vervallen?",  # a part of a hyphenated compound
    "De wijken Binnenstad-Oost en Helmond-Noord.",  # a hyphenated name stays whole
    "Een riec-casus over vastgoed.",  # all-caps word inside a longer label keeps its case
    "Het RIEC en de politie.",
]


@pytest.mark.parametrize("text", PHRASES)
def test_documents_and_questions_find_the_same_concepts(text):
    assert in_document(text) == in_question(text)


def test_the_case_rule():
    assert "partner:om" in in_document("Het OM en de politie werken samen.")
    assert "partner:om" not in in_document("We gaan om de tafel met de partners.")
    assert "partner:riec" not in in_document("Een riec-casus over vastgoed.")
    assert "instrument:riec_casus" in in_document("Een RIEC-casus over vastgoed.")
    assert "instrument:riec_casus" not in in_document("Een riec-casus over vastgoed.")
    assert case_words("OM", ("OM",)) == ("OM",)
    assert case_words("RIEC Oost-Nederland") == ("RIEC",)
    assert case_words("integrale controles") == ()


def test_overlaps_resolve_per_type_in_documents_and_over_all_types_in_questions():
    text = "Een RIEC-casus over vastgoed."
    assert in_document(text) == {"instrument:riec_casus", "partner:riec"}  # names the case and the RIEC
    assert in_question(text) == {"instrument:riec_casus"}  # asks about the case


def test_lemmas_hyphens_and_compound_parts():
    assert "instrument:integrale_controles" in in_document("Wij zetten integrale controles in.")
    assert "instrument:ave_methodiek" in in_document("De AVE methodiek wordt gebruikt.")
    assert "instrument:bibob" in in_document("Welke Bibob-beleidsregel is vervallen?")
    assert "theme:binnenstad" not in in_document("De wijken Binnenstad-Oost en Helmond-Noord.")


def test_english_labels_only_for_questions():
    assert "instrument:integrale_controles" in {c.id for c in recognise("integrated inspections")}


def test_the_matcher_is_plain_data_keyed_by_the_vocabulary_hash():
    matcher = get_matcher()
    assert matcher.vocabulary == vocabulary_hash() == vocabulary_hash()
    assert len(matcher.vocabulary) == 64
    assert pickle.loads(pickle.dumps(matcher)) == matcher


def test_build_matcher_is_deterministic():
    assert build_matcher() == get_matcher()


def test_a_theme_inside_the_name_of_a_body_is_no_theme_mention():
    """The meeting "Justitieel Overleg Risicojongeren" is a name; the theme word in it is not a theme
    the document names.  A project title still names its theme."""
    meeting = in_document("Het Justitieel Overleg Risicojongeren bespreekt de casus.")
    assert "instrument:jor" in meeting and "theme:risicojongeren" not in meeting
    assert "theme:risicojongeren" in in_document("De risicojongeren in de wijk krijgen begeleiding.")
    project = in_document("Uitvoering geven aan project Tegengaan Straatintimidatie.")
    assert "theme:straatintimidatie" in project


def test_enclosed_hits_are_dropped_only_for_the_configured_outer_concepts():
    from ingest.matcher import Hit, _drop_enclosed

    theme = Hit("theme:risicojongeren", "theme", 20, 34)
    meeting = Hit("instrument:jor", "instrument", 4, 34)
    plan = Hit("instrument:actieplan_x", "instrument", 4, 34)  # not a meeting structure
    assert _drop_enclosed([meeting, theme]) == [meeting]
    assert _drop_enclosed([plan, theme]) == [plan, theme]
    same_span = Hit("partner:x", "partner", 20, 34)  # equally long: not a longer name
    assert _drop_enclosed([same_span, theme]) == [same_span, theme]
