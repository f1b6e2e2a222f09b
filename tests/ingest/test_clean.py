"""Cleaning keeps a character-exact map back to the source while undoing layout artefacts."""

from __future__ import annotations

import random

from ingest.clean import clean

FOOTER = ["Vermeld altijd het zaaknummer als u contact opneemt met de gemeente.", "Bezoekadres", "Markt 1"]
WORDS = "de gemeente werkt samen met politie aan veiligheid in wijken en buurten voor alle inwoners".split()


def _assert_offsets_exact(source: str, cleaned) -> None:
    assert len(cleaned.offsets) == len(cleaned.text)
    assert all(a <= b for a, b in zip(cleaned.offsets, cleaned.offsets[1:], strict=False))
    for i, ch in enumerate(cleaned.text):
        if not ch.isspace():
            assert source[cleaned.offsets[i]] == ch, (i, ch)


def _generated(seed: int) -> str:
    rng = random.Random(seed)
    parts = []
    for _page in range(4):
        for _ in range(rng.randint(4, 8)):
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 13)))
            if rng.random() < 0.3:
                line += " veilig-"
            parts.append(line + "  ")
        parts.append("heid is belangrijk.")
        parts.append("")
        parts.extend(FOOTER)
        parts.append("")
    return "\n".join(parts)


def test_offsets_map_every_cleaned_character_to_the_same_source_character():
    for seed in range(20):
        source = _generated(seed)
        _assert_offsets_exact(source, clean(source))


def test_repeated_footer_block_is_removed():
    cleaned = clean(_generated(1))
    assert "Vermeld altijd" not in cleaned.text
    assert "Bezoekadres" not in cleaned.text


def test_hyphenated_line_end_is_joined():
    source = (
        "Wij werken hard aan de veilig-\nheid van alle inwoners in de gemeente en de wijken daaromheen.\n"
    )
    cleaned = clean(source)
    assert "veiligheid van alle" in cleaned.text
    _assert_offsets_exact(source, cleaned)


def test_dangling_compound_hyphen_is_kept():
    source = (
        "Het college actualiseert het preventie-\nen handhavingsplan middelengebruik in het komende jaar.\n"
    )
    assert "preventie- en handhavingsplan" in clean(source).text


def test_hard_wrapped_paragraph_becomes_one_line_but_bullets_and_headings_stay():
    source = (
        "4.2 Veilig uitgaan \n\n"
        "De horeca vormt een belangrijke economische motor en zorgt voor een dynamische \n"
        "binnenstad. Een bruisende binnenstad is een speerpunt van ons beleid en daarom \n"
        "werken wij samen.\n\n"
        "- Eerste punt van de lijst\n"
        "- Tweede punt van de lijst\n"
    )
    lines = clean(source).text.split("\n")
    assert lines[0] == "4.2 Veilig uitgaan"
    assert any(line.startswith("De horeca") and line.endswith("werken wij samen.") for line in lines)
    assert "- Eerste punt van de lijst" in lines and "- Tweede punt van de lijst" in lines


def test_page_break_inside_a_sentence_is_bridged():
    source = "Als burgemeester ben en voel ik mij heel erg\n\n\nverantwoordelijk voor de openbare orde.\n"
    assert "mij heel erg verantwoordelijk voor" in clean(source).text


def test_increasing_lone_numbers_are_page_numbers_but_numbered_bullets_are_not():
    body = "Dit is een gewone zin over veiligheid in de gemeente en haar wijken."
    source = "\n".join(f"{body}\n\n{n}\n" for n in range(1, 6))
    assert "\n3\n" not in "\n" + clean(source).text + "\n"
    bullets = "\n".join(f"  • {n}.\n\n    Doel nummer {n} van het beleid\n" for n in (1, 2, 3, 1, 2, 3))
    assert "• 2. Doel nummer 2" in clean(bullets).text


def test_a_sub_numbered_heading_is_never_glued_to_the_long_line_above():
    source = (
        "- Wij borgen dat leerpunten bij complexe persoonsgebonden problematiek worden omgezet in een\n"
        "verbetering van de ketenaanpak bij alle betrokken partners en organisaties in de regio\n"
        " 5.5 Rampenbestrijding \n"
        "De regionale crisisorganisatie is voorbereid.\n"
    )
    lines = [line.strip() for line in clean(source).text.split("\n") if line.strip()]
    assert "5.5 Rampenbestrijding" in lines
    assert lines[0].endswith("in de regio")


def test_the_icon_of_a_text_box_below_a_list_item_is_not_glued_to_it():
    """A PDF text box opens with its icon as a letter ("i" for information): a new block, not the
    next words of the list item above it (a lower-case start across a blank line otherwise is)."""
    text = (
        "- Voortzetten van het signaleren van overmatig gebruik en een individuele aanpak uitvoeren\n\n"
        "i De inwoners, wijkraden en ondernemers hebben verschillende locaties genoemd.\n"
    )
    lines = clean(text).text.split("\n")
    assert (
        lines[0]
        == "- Voortzetten van het signaleren van overmatig gebruik en een individuele aanpak uitvoeren"
    )
    assert any(line.startswith("i De inwoners") for line in lines[1:])
