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
