"""Concept matching: by lemma and case, acronyms case-sensitively, hyphen/space variants alike."""

from __future__ import annotations

import pytest

from ingest.extract import match_tokens
from ingest.nlp import get_nlp


def _found(text: str) -> set[str]:
    return {h.concept_id for h in match_tokens(get_nlp()(text))}


@pytest.mark.parametrize(
    "text",
    [
        "Er vinden integrale controles plaats.",
        "Integrale Controles op bedrijventerreinen.",
        "Een integrale controle in het buitengebied.",
    ],
)
def test_label_matches_regardless_of_case_and_number(text):
    assert "instrument:integrale_controles" in _found(text)


@pytest.mark.parametrize("text", ["Werken met het 7- stappen model.", "Training over het 7-stappenmodel."])
def test_hyphen_and_space_variants_match_the_same_concept(text):
    assert "instrument:zevenstappenmodel" in _found(text)


def test_hyphen_variant_of_a_method():
    assert "instrument:ave_methodiek" in _found("Werken met de AVE- methodiek.")
    assert "instrument:ave_methodiek" in _found("Werken met de AVE-methodiek.")


def test_acronyms_are_case_sensitive_whole_tokens():
    assert "partner:om" in _found("Samen met politie en OM pakken we dit aan.")
    assert "partner:om" not in _found("Daarbij gaat het om sociale samenhang in de buurt.")
    assert "instrument:mia" in _found("Multidisciplinaire acties (MIA) in de wijk.")
    assert "instrument:mia" not in _found("Mia woont in de wijk.")


def test_acronym_followed_by_a_hyphen_still_matches():
    assert "instrument:meld_misdaad_anoniem" in _found("Opvolgen van MMA- meldingen.")


def test_cross_type_alias_yields_both_types():
    found = _found("Op grond van de Wet Bibob kan een vergunning worden geweigerd.")
    assert {"instrument:bibob", "law:wet_bibob"} <= found


def test_longest_match_wins_within_a_type():
    hits = match_tokens(get_nlp()("Wij werken samen met het Keurmerk Veilig Ondernemen."))
    instruments = [h for h in hits if h.concept_type == "instrument"]
    assert len(instruments) == 1 and instruments[0].concept_id == "instrument:kvo"


def test_unknown_text_has_no_hits():
    assert _found("De kat zat op de mat en keek naar de vogels in de tuin.") == set()
