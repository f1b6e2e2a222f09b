"""Passages stay inside one section and their source spans point at their own text (real corpus)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.clean import clean
from ingest.passages import MAX_WORDS, build_passages, page_of
from ingest.segment import segment

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FILES = sorted(CORPUS.glob("*.txt"))


def _alnum(text: str) -> str:
    return re.sub(r"\W", "", text)


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.stem)
def built(request):
    source = request.param.read_text(encoding="utf-8")
    cleaned = clean(source)
    seg = segment(cleaned)
    return source, seg, build_passages("doc", cleaned, seg), cleaned


def test_corpus_is_present():
    assert len(FILES) >= 5


def test_passages_never_cross_a_section(built):
    _, seg, chunks, _ = built
    for chunk in chunks:
        assert {line.section for line in chunk.lines} == {chunk.section}
        if chunk.section >= 0:
            section = seg.sections[chunk.section]
            assert section.start <= chunk.passage.start and chunk.passage.end <= section.end
            assert chunk.passage.section_path == section.path


def test_passage_spans_point_at_their_text(built):
    source, _, chunks, cleaned = built
    mapped = set(cleaned.offsets)
    for chunk in chunks:
        p = chunk.passage
        span = source[p.start : p.end]
        # every passage character is found, in order, inside its source span
        it = iter(span)
        assert all(ch in it for ch in p.text if not ch.isspace()), p.id
        if _alnum(span) == _alnum(p.text):
            continue
        # otherwise the span bridges lines that cleaning removed as a whole (a footer), nothing else
        pos = p.start
        for line in span.split("\n"):
            used = [pos + i in mapped for i, ch in enumerate(line) if not ch.isspace()]
            assert all(used) or not any(used) or line.rstrip().endswith("-"), (p.id, line)
            pos += len(line) + 1


def test_passage_sizes_are_bounded_and_ids_sequential(built):
    _, _, chunks, _ = built
    assert chunks
    assert [c.passage.index for c in chunks] == list(range(1, len(chunks) + 1))
    assert all(c.passage.id == f"doc/p{c.passage.index:04d}" for c in chunks)
    assert max(len(c.passage.text.split()) for c in chunks) <= MAX_WORDS * 1.5
    words = sorted(len(c.passage.text.split()) for c in chunks)
    assert words[len(words) // 2] >= 40  # typical passages are real chunks, not single lines


def test_page_of_uses_page_starts():
    assert page_of(0, [0, 100, 200]) == 1
    assert page_of(150, [0, 100, 200]) == 2
    assert page_of(150, None) is None
