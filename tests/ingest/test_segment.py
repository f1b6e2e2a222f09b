"""Headings, levels, section paths and block kinds are recognised by form and cue phrases."""

from __future__ import annotations

from ingest.blocks import block_kind
from ingest.clean import clean
from ingest.segment import segment

BODY = "Dit is een gewone alinea met genoeg woorden om als lopende tekst te gelden in het plan."

DOC = f"""INHOUD

1. Inleiding\t3
2. Ondermijning\t5
3. Jeugd en veiligheid\t9

1 Inleiding

{BODY}

1.1 Wettelijk kader

{BODY}

2 Ondermijning

{BODY}

Ambities

Wij werken integraal samen om ondermijning te voorkomen.

De doelstellingen voor 2024 – 2027

{BODY}

Versterken informatiepositie

- Inrichten van een intern meldpunt ondermijning
- Uitvoeren van integrale controles

Wat doen we op dit moment al?

- Er vinden integrale controles plaats

SAMENWERKEN MET INWONERS

{BODY}
"""


def _sections():
    return segment(clean(DOC))


def test_table_of_contents_lines_are_not_headings():
    titles = [s.title for s in _sections().sections]
    assert titles.count("Inleiding") == 1
    assert not any(t.endswith(("3", "5", "9")) for t in titles)


def test_numbered_headings_give_levels_and_paths():
    secs = {s.title: s for s in _sections().sections}
    assert secs["Wettelijk kader"].level == 2
    assert secs["Wettelijk kader"].path == ("Inleiding", "Wettelijk kader")
    assert secs["Ondermijning"].level == 1


def test_block_headings_get_a_block_kind_and_group_headings_inherit_it():
    seg = _sections()
    blocks = {s.title: b for s, b in zip(seg.sections, seg.blocks, strict=True)}
    assert blocks["Ambities"] == "ambitie"
    assert blocks["De doelstellingen voor 2024 – 2027"] == "doelstellingen"
    assert blocks["Versterken informatiepositie"] == "doelstellingen"
    assert blocks["Wat doen we op dit moment al?"] == "huidige_inzet"
    secs = {s.title: s for s in seg.sections}
    assert secs["Versterken informatiepositie"].path[-2] == "De doelstellingen voor 2024 – 2027"


def test_ambition_statement_is_content_not_a_heading():
    titles = [s.title for s in _sections().sections]
    assert "Wij werken integraal samen om ondermijning te voorkomen" not in titles


def test_all_caps_line_is_a_heading():
    assert "SAMENWERKEN MET INWONERS" in [s.title for s in _sections().sections]


def test_numbered_list_going_backwards_is_not_a_heading():
    text = f"3 Ambitie\n\n{BODY}\n\n1 Innovatieve veiligheid\n\n{BODY}\n\n4 Thema's\n\n{BODY}\n"
    secs = segment(clean(text)).sections
    assert [s.level for s in secs if s.title == "Innovatieve veiligheid"] != [1]
    assert [s.title for s in secs if s.level == 1] == ["Ambitie", "Thema's"]


def test_block_kind_reads_cues_case_insensitively():
    assert block_kind("Wat willen we bereiken?") == "bereiken"
    assert block_kind("EFFECTINDICATOREN") == "effectindicatoren"
    assert block_kind("Hoe gaat we dit doen?") == "aanpak"
    assert block_kind("Veilig uitgaan") is None
    assert block_kind("Overkoepelende doelstellingen") == "doelstellingen"
    assert block_kind("Overkoepelende ambitie") == "ambitie"
    # headings that describe the situation: a chapter title above them is a heading too
    assert block_kind("Waar staan we?") == block_kind("Wat zien we?") == "situatie"
    assert block_kind("Waarom dit belangrijk is") == "situatie"


def test_a_chapter_title_above_a_situation_heading_is_a_chapter():
    body = "De meeste jongeren doen het goed, maar de overlast door groepen nam toe in de afgelopen jaren."
    text = (
        f"Jeugd en middelen\n\nWaar staan we?\n\n{body}\n\nWat willen we bereiken?\n\n1. Minder overlast.\n"
    )
    secs = segment(clean(text)).sections
    assert [s.path for s in secs] == [
        ("Jeugd en middelen",),
        ("Jeugd en middelen", "Waar staan we?"),
        ("Jeugd en middelen", "Wat willen we bereiken?"),
    ]


UNNUMBERED_CHAPTERS = """Inhoud

1. Inleiding\t2
2. Ondermijnende criminaliteit\t4
3. Zorg en veiligheid\t8

ONDERMIJNENDE CRIMINALITEIT

ZORG EN VEILIGHEID

Inleiding

Dit plan beschrijft de koers van de gemeente op het terrein van veiligheid in de komende vier jaar.

ondermijnende criminaliteit

Ondermijning is de vermenging van de onderwereld met de bovenwereld, die de samenleving aantast.

Uitdagingen

Signalen van ondermijning komen nog weinig binnen bij de gemeente en haar partners in de regio.

Zorg & veiligheid

Het thema zorg en veiligheid raakt een kleine groep kwetsbare mensen met complexe problemen.

Samen aan een veilige gemeente

Een integrale aanpak met passende zorg en veiligheidsinterventies is nodig voor deze groep.

Ambities

Wij helpen kwetsbare inwoners en voorkomen escalatie van problemen.
"""


def test_unnumbered_chapters_take_their_depth_from_the_table_of_contents():
    """A chapter the table of contents numbers but the text does not ("Zorg & veiligheid" after
    "ondermijnende criminaliteit") is a sibling chapter, not a subsection of the chapter before it."""
    secs = segment(clean(UNNUMBERED_CHAPTERS)).sections
    paths = [s.path for s in secs]
    assert ("Zorg & veiligheid",) in paths
    assert ("Zorg & veiligheid", "Samen aan een veilige gemeente", "Ambities") in paths
    assert ("ondermijnende criminaliteit", "Uitdagingen") in paths
    assert not any(p[0] == "ondermijnende criminaliteit" and "Zorg & veiligheid" in p for p in paths)


def test_a_list_of_chapter_titles_is_not_taken_for_the_chapters():
    """Chapter names listed one below the other (a cover or overview page) keep their own level; the
    chapters in the text still get the depth the table of contents gives them."""
    secs = segment(clean(UNNUMBERED_CHAPTERS)).sections
    chapters = [s.path for s in secs if s.level == 1]
    assert ("ondermijnende criminaliteit",) in chapters
    assert ("Zorg & veiligheid",) in chapters


def test_of_two_headings_named_like_a_chapter_the_later_one_is_the_chapter():
    """A summary that names each chapter in a short heading comes before the chapters: the chapters are
    the later headings."""
    summary = (
        "Samenvatting\n\nIn het kort wat dit plan de komende vier jaar voor de gemeente wil bereiken.\n\n"
        "Ondermijnende criminaliteit\n\nWe houden criminelen buiten de gemeente met een stevige aanpak.\n\n"
        "Zorg en veiligheid\n\nKwetsbare inwoners krijgen eerder hulp, samen met de zorgpartners.\n\n"
    )
    text = UNNUMBERED_CHAPTERS.replace(
        "ondermijnende criminaliteit\n", summary + "ondermijnende criminaliteit\n", 1
    )
    secs = segment(clean(text)).sections
    chapters = [s.title for s in secs if s.level == 1]
    assert "ondermijnende criminaliteit" in chapters and "Zorg & veiligheid" in chapters
    assert ("Zorg & veiligheid", "Samen aan een veilige gemeente", "Ambities") in [s.path for s in secs]


def test_chapters_numbered_like_list_items_are_headings_and_a_numbered_list_stays_a_list():
    body = [
        f"Alinea {n} van dit hoofdstuk met genoeg woorden om als lopende tekst te gelden." for n in range(4)
    ]
    goals = (
        "1. Elke melding krijgt binnen vijf werkdagen opvolging door zorg en veiligheid.\n2. Zorg\n3. Jeugd"
    )
    text = (
        "Inhoud\n\n1. Inleiding\t3\n2. Zorg en veiligheid\t5\n3. Jeugd\t8\n\n"
        f"1. Inleiding\n\n{body[0]}\n\n2. Zorg en veiligheid\n\n{body[1]}\n\nDoelen\n\n{goals}\n\n"
        f"3. Jeugd\n\n{body[2]}\n\n4. Organisatie\n\n{body[3]}\n"
    )
    secs = segment(clean(text)).sections
    chapters = [s.title for s in secs if s.level == 1 and s.title != "Inhoud"]
    assert chapters == ["Inleiding", "Zorg en veiligheid", "Jeugd", "Organisatie"]  # listed or standing alone
    assert [s.path for s in secs if s.title == "Doelen"] == [("Zorg en veiligheid", "Doelen")]
