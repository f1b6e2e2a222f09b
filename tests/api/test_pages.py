"""Presentation helpers of the web pages: highlighting must escape HTML and never break the markup."""

from __future__ import annotations

from api.pages import anchor, example_queries, highlight_terms, mark_spans


def test_highlight_marks_whole_words_case_insensitively_and_escapes_html():
    html = str(highlight_terms("Cameratoezicht <b>en</b> camera's; cameratoezicht.", ["cameratoezicht"]))
    assert html.count("<mark>") == 2
    assert "<mark>Cameratoezicht</mark>" in html and "&lt;b&gt;" in html
    assert "<mark>camera" not in html.replace("<mark>Cameratoezicht", "").replace("<mark>cameratoezicht", "")


def test_highlight_prefers_the_longest_term():
    html = str(highlight_terms("wet Damocles toegepast", ["Damocles", "wet Damocles"]))
    assert html == "<mark>wet Damocles</mark> toegepast"


def test_highlight_without_terms_only_escapes():
    assert str(highlight_terms("a < b", [])) == "a &lt; b"


def test_spans_use_document_offsets_and_skip_overlaps():
    text = "De gemeente past Damocles toe & sluit panden."
    offset = 1000
    start = text.index("Damocles")
    spans = [
        {
            "start": offset + start,
            "end": offset + start + 8,
            "text": "Damocles",
            "kind": "instrument",
            "title": "I",
        },
        {"start": offset + start + 2, "end": offset + start + 12, "text": "mocles toe", "kind": "theme"},
        {"text": "sluit panden", "kind": "instrument", "title": 'x"y'},  # no offsets: found by quote
    ]
    html = str(mark_spans(text, offset, spans))
    assert '<span class="fact fact-instrument" title="I">Damocles</span>' in html
    assert "fact-theme" not in html  # overlapping span skipped
    assert 'title="x&#34;y">sluit panden</span>' in html
    assert "&amp;" in html


def test_spans_whose_offsets_do_not_match_fall_back_to_the_quote():
    html = str(
        mark_spans("abc Bibob-toets def", 0, [{"start": 0, "end": 3, "text": "Bibob-toets", "kind": "x"}])
    )
    assert ">Bibob-toets</span>" in html


def test_anchor_is_the_last_segment_of_a_passage_id():
    assert anchor("hengelo_ivp_2024-2026/p0047") == "p0047"


def test_every_example_query_has_a_short_title_and_a_description():
    examples = example_queries()
    assert len(examples) >= 5
    for example in examples:
        assert 0 < len(example["title"]) <= 45 and example["description"]
        assert "SELECT" in example["query"] or "ASK" in example["query"] or "CONSTRUCT" in example["query"]
