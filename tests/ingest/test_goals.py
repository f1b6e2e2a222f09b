"""Goals come from goal blocks and goal sentences, verbatim, linked to their section's theme."""

from __future__ import annotations

from ingest.load import LoadedText
from ingest.model import DocumentMeta
from ingest.pipeline import analyse

BODY = (
    "Dit is een gewone alinea met genoeg woorden om als lopende tekst te gelden in het plan van de gemeente."
)

DOC = f"""Ondermijnende criminaliteit

{BODY}

Ambities

Het voorkomen en bestrijden van ondermijnende criminaliteit in de gemeente, door:

- Het versterken van de informatiepositie, zodat we beschikken over een actueel beeld

De doelstellingen voor 2024 – 2027

We willen ondermijnende criminaliteit in de gemeente voorkomen en bestrijden.

{BODY}

Versterken informatiepositie

- Inrichten van een intern meldpunt ondermijning
- Structureel uitvoeren van integrale controles op risicoplekken

Uitdagingen

Ondermijning komt overal voor en is lastig uit de cijfers te halen voor de gemeente en haar partners.
"""


def _goals():
    doc = analyse(LoadedText(text=DOC, media_type="text/plain"), DocumentMeta(doc_id="g", file="g.txt"))
    return doc.goals


def test_goal_block_items_are_goals_with_block_type():
    goals = {g.text: g for g in _goals()}
    assert goals["Inrichten van een intern meldpunt ondermijning"].goal_type == "doelstelling"
    assert goals[
        "Het versterken van de informatiepositie, zodat we beschikken over een actueel beeld"
    ].goal_type == ("ambitie")


def test_goal_text_is_verbatim_without_list_marker_and_linked_to_theme():
    for goal in _goals():
        assert not goal.text.startswith("-")
        assert goal.text in " ".join(DOC.split())
        assert goal.theme_id == "theme:ondermijning"
        assert goal.evidence.quote.startswith(goal.text[:40])


def test_challenges_are_not_goals():
    assert not any(g.text.startswith("Ondermijning komt overal voor") for g in _goals())


def test_goal_sentences_in_running_text():
    from ingest.goals import goal_type_of_sentence

    assert goal_type_of_sentence(
        "Als streefcijfer voor 2024 hanteren wij de cijfers van 2019 minus 10%."
    ) == ("streefcijfer")
    assert goal_type_of_sentence("Het streven is om buiten de top 100 te geraken.") == "streefcijfer"
    assert goal_type_of_sentence(
        "De doelstelling voor de periode 2021-2024 is dat alle meldingen tijdig zijn."
    ) == ("doelstelling")
    # a dated commitment is a toezegging
    assert (
        goal_type_of_sentence("Daarnaast zal in 2025 verder ingezet worden op bewustwording.") == "toezegging"
    )
    assert goal_type_of_sentence("We willen het aantal woninginbraken verder verminderen.") == "voornemen"
    # the aim may come late in a long sentence, and be said with other verbs
    long_aim = (
        "We willen het aantal inwoners en ondernemers dat slachtoffer wordt van online oplichting, "
        "phishing en hacking verminderen."
    )
    assert goal_type_of_sentence(long_aim) == "voornemen"
    assert (
        goal_type_of_sentence("Het aandeel onveilige inwoners willen we in 2027 terugbrengen naar 15%.")
        == "voornemen"
    )
    assert goal_type_of_sentence("We willen ernstige woonoverlast sneller stoppen.") == "voornemen"
    # a target with its year first and a bound, not a figure of the past
    assert goal_type_of_sentence("In 2026 voelt hooguit 14% van de inwoners zich onveilig.") == "streefcijfer"
    assert goal_type_of_sentence("In 2021 voelde 18% van de inwoners zich onveilig.") is None
    assert goal_type_of_sentence("Het aantal fietsdiefstallen daalt in 2026 met 20%.") == "streefcijfer"
    assert goal_type_of_sentence("Het aantal fietsdiefstallen daalde in 2022 met 20%.") is None
    assert goal_type_of_sentence("Het aantal woninginbraken blijft onder de 100 per jaar.") == "streefcijfer"


def test_a_wish_without_an_aim_is_not_a_goal():
    from ingest.goals import goal_type_of_sentence

    assert goal_type_of_sentence("We willen daarbij bewoners uitdrukkelijk betrekken.") is None
    assert goal_type_of_sentence("Ondermijning komt overal voor in de gemeente.") is None


def test_a_priority_the_document_calls_new_is_flagged_and_others_are_not():
    from ingest.themes import _any, _cues

    new = _cues()["new"]
    assert _any(new, "we nemen digitale veiligheid daarom op als nieuwe prioriteit.")
    assert _any(new, "ondermijning is een nieuw speerpunt van het college.")
    assert not _any(new, "ondermijning blijft een prioriteit.")
    assert not _any(new, "de nieuwe wet geeft de burgemeester een prioriteit.")


def test_a_line_that_only_announces_the_goals_is_not_a_goal():
    text = f"""Jeugd en veiligheid

{BODY}

Ambities

Een veilige omgeving waarin jongeren zich kunnen ontwikkelen.

Deze ambitie willen we bereiken door:

- Het versterken van het zicht op de lokale jeugd en jeugdgroepen
"""
    doc = analyse(LoadedText(text=text, media_type="text/plain"), DocumentMeta(doc_id="g", file="g.txt"))
    texts = [g.text for g in doc.goals]
    assert "Het versterken van het zicht op de lokale jeugd en jeugdgroepen" in texts
    assert not any(t.startswith("Deze ambitie willen we bereiken") for t in texts)


def test_a_sentence_restating_the_ambition_of_its_chapter_is_not_a_second_goal():
    texts = [g.text for g in _goals()]
    assert "Het voorkomen en bestrijden van ondermijnende criminaliteit in de gemeente, door:" in texts
    assert not any(t.startswith("We willen ondermijnende criminaliteit") for t in texts)
    assert [g.id for g in _goals()] == [f"g/goal/{n}" for n in range(1, len(texts) + 1)]


def test_restating_means_nearly_all_content_words_of_the_sentence_recur_and_no_new_number():
    from ingest.goals import restates

    ambition = frozenset({"voorkomen", "bestrijden", "ondermijnend", "criminaliteit", "gemeente"})
    assert restates(frozenset({"ondermijnend", "criminaliteit", "voorkomen", "bestrijden"}), ambition)
    assert not restates(frozenset({"ondermijnend", "criminaliteit", "meldpunt", "inrichten"}), ambition)
    assert not restates(frozenset({"criminaliteit", "voorkomen"}), ambition)  # too short to tell
    listed = frozenset({"verminderen", "aantal", "woninginbraak"})
    assert not restates(listed | {"100", "2026"}, listed)  # a value and a year: a target of its own
    assert restates(listed, listed | {"100", "2026"})


def test_a_one_sentence_answer_to_wat_willen_we_bereiken_is_the_ambition_and_a_paragraph_is_not():
    text = f"""Zorg en veiligheid

{BODY}

Wat willen we bereiken?

Kwetsbare inwoners krijgen op tijd de zorg die zij nodig hebben, zodat problemen niet escaleren.

Daarvoor stellen we ons de volgende doelen:

1. Elke melding over verward gedrag krijgt binnen vijf werkdagen opvolging.

Jeugd en veiligheid

{BODY}

Wat willen we bereiken?

Jongeren groeien veilig op in onze gemeente. Daar werken we met scholen en ouders aan samen.
"""
    doc = analyse(LoadedText(text=text, media_type="text/plain"), DocumentMeta(doc_id="g", file="g.txt"))
    goals = {g.text: g.goal_type for g in doc.goals}
    statement = (
        "Kwetsbare inwoners krijgen op tijd de zorg die zij nodig hebben, zodat problemen niet escaleren."
    )
    assert goals[statement] == "ambitie"
    assert "Elke melding over verward gedrag krijgt binnen vijf werkdagen opvolging." in goals
    assert not any(t.startswith(("Daarvoor stellen", "Jongeren groeien")) for t in goals)
