"""Mention is not use: each status follows from the words of the sentence or from its block."""

from __future__ import annotations

import pytest

from ingest.status import mention_status, sentence_status, strongest


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("We onderzoeken of cameratoezicht in de wijk mogelijk is.", "onderzoek"),
        ("Volgen van de ontwikkelingen van het landelijke programma Preventie met gezag.", "volgen"),
        ("Hengelo heeft besloten niet meer deel te nemen aan de veiligheidsmonitor.", "geen_deelname"),
        (
            "Op grond van artikel 13b van de Opiumwet heeft de burgemeester de bevoegdheid om te sluiten.",
            "genoemd",
        ),
        ("We gaan de komende jaren de AVE-methodiek inzetten.", "voornemen"),
        ("Cameratoezicht wordt ingezet in de binnenstad.", "toegepast"),
        ("De gemeente is aangesloten bij Meld Misdaad Anoniem.", "toegepast"),
        ("Wij overwegen een gebiedsverbod.", "overweging"),
        ("Het buurtpreventieproject is in 2022 gestopt.", "beeindigd"),
    ],
)
def test_sentence_cues(sentence, expected):
    assert mention_status(sentence, "", "text", None) == expected


def test_block_decides_when_the_sentence_has_no_cue():
    assert mention_status("Inzet van streettriage", "", "bullet", "huidige_inzet") == "toegepast"
    assert (
        mention_status("Inrichten van een intern meldpunt ondermijning", "", "bullet", "doelstellingen")
        == "voornemen"
    )


def test_a_cue_beats_the_block():
    text = "Volgen van de ontwikkelingen rond Preventie met gezag"
    assert mention_status(text, "", "bullet", "aanpak") == "volgen"


def test_lone_title_is_only_mentioned():
    assert (
        mention_status("Druggerelateerde meldingen bij Meld Misdaad Anoniem", "", "text", None) == "genoemd"
    )
    assert mention_status("Meldingen MMA", "", "heading", None, section_body=[]) == "genoemd"


def test_heading_takes_the_status_of_its_body():
    body = [("We hebben 19 vaste camera's in de binnenstad.", "")]
    assert mention_status("Cameratoezicht", "", "heading", None, section_body=body) == "toegepast"


def test_plain_sentence_without_cue_is_no_claim_of_use():
    assert sentence_status("Cameratoezicht is een middel tegen overlast in winkelgebieden.") is None


def test_document_status_is_the_strongest_claim():
    assert strongest(["genoemd", "voornemen", "volgen"]) == "voornemen"
    assert strongest(["genoemd", "toegepast"]) == "toegepast"
    assert strongest([]) == "genoemd"
