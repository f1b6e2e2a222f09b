"""Cut sections into sentence-aligned passages for search and evidence.

A passage stays inside one section (and so inside one block), aims at roughly 60-150 words, keeps a
short lead-in ("... door:") together with its bullets, and starts with the section heading so a
heading-only section (a chart title, a list of priorities) still yields a passage.  Every passage
carries source offsets, the section path and the page.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.clean import CleanText
from ingest.model import Passage
from ingest.segment import Line, Segmentation

MIN_WORDS = 60
MAX_WORDS = 150
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'(\d])")


@dataclass
class Chunk:
    """A passage plus what later stages need: its section index, block and cleaned span."""

    passage: Passage
    section: int
    block: str | None
    clean_start: int
    clean_end: int
    lines: list[Line] = field(default_factory=list)


@dataclass
class _Piece:
    start: int  # cleaned offsets
    end: int
    words: int
    lines: list[Line]
    glue_next: bool = False  # a lead-in that wants its bullets


def _words(text: str) -> int:
    return len(text.split())


def _split_long(line: Line, text: str) -> list[_Piece]:
    """Split an over-long paragraph at sentence boundaries."""
    body = text[line.start : line.end]
    if _words(body) <= MAX_WORDS:
        return [_Piece(line.start, line.end, _words(body), [line])]
    pieces: list[_Piece] = []
    cur_start, cur_words, last_end = line.start, 0, line.start
    pos = 0
    for m in [*SENTENCE_SPLIT_RE.finditer(body), None]:
        sent_end = line.start + (m.start() if m else len(body))
        next_start = line.start + (m.end() if m else len(body))
        n = _words(text[line.start + pos : sent_end])
        if cur_words and cur_words + n > MAX_WORDS and cur_words >= MIN_WORDS // 2:
            pieces.append(_Piece(cur_start, last_end, cur_words, [line]))
            cur_start, cur_words = line.start + pos, 0
        cur_words += n
        last_end = sent_end
        pos = next_start - line.start
    if cur_words:
        pieces.append(_Piece(cur_start, last_end, cur_words, [line]))
    return pieces


def _pieces(lines: list[Line], text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for i, line in enumerate(lines):
        if line.kind == "toc":
            continue
        for piece in _split_long(line, text):
            pieces.append(piece)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if line.text.rstrip().endswith(":") and nxt is not None and nxt.kind == "bullet":
            pieces[-1].glue_next = True
        if line.kind == "heading":
            pieces[-1].glue_next = True
    return pieces


def _group(pieces: list[_Piece]) -> list[list[_Piece]]:
    groups: list[list[_Piece]] = []
    cur: list[_Piece] = []
    words = 0
    for i, piece in enumerate(pieces):
        prev = pieces[i - 1] if i else None
        keep_with_prev = prev is not None and prev.glue_next and words + piece.words <= MAX_WORDS * 1.3
        in_list = prev is not None and piece.lines[0].kind == "bullet" and prev.lines[-1].kind == "bullet"
        if cur and not keep_with_prev and words + piece.words > MAX_WORDS:
            groups.append(cur)
            cur, words = [], 0
        elif (
            cur
            and not keep_with_prev
            and not in_list
            and words >= MIN_WORDS
            and piece.words >= MIN_WORDS // 2
        ):
            groups.append(cur)
            cur, words = [], 0
        cur.append(piece)
        words += piece.words
    if cur:
        groups.append(cur)
    return groups


def page_of(offset: int, page_starts: list[int] | None) -> int | None:
    """1-based page number of a source offset, when page starts are known."""
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))


def build_passages(
    doc_id: str, clean_text: CleanText, seg: Segmentation, page_starts: list[int] | None = None
) -> list[Chunk]:
    """Passages in document order, each within one section."""
    by_section: dict[int, list[Line]] = {}
    order: list[int] = []
    for line in seg.lines:
        if line.section not in by_section:
            by_section[line.section] = []
            order.append(line.section)
        by_section[line.section].append(line)
    chunks: list[Chunk] = []
    text = clean_text.text
    for section in order:
        for group in _group(_pieces(by_section[section], text)):
            start, end = group[0].start, group[-1].end
            src_start, src_end = clean_text.source_span(start, end)
            index = len(chunks) + 1
            passage = Passage(
                id=f"{doc_id}/p{index:04d}",
                index=index,
                text=text[start:end],
                start=src_start,
                end=src_end,
                section_path=seg.path_of(section),
                page=page_of(src_start, page_starts),
                block=seg.block_of(section),
            )
            lines = [line for piece in group for line in piece.lines]
            unique = list({id(x): x for x in lines}.values())
            chunks.append(Chunk(passage, section, seg.block_of(section), start, end, unique))
    return chunks


def attribute_themes(chunks: list[Chunk], seg: Segmentation) -> None:
    """Give each passage the themes of the deepest heading on its path that names one."""
    for chunk in chunks:
        themes: tuple[str, ...] = ()
        idx = chunk.section
        path = seg.path_of(idx)
        # walk the ancestors from the section itself upwards
        candidates = [i for i, s in enumerate(seg.sections) if s.path == path[: len(s.path)] and s.path]
        for i in sorted(candidates, key=lambda i: -len(seg.sections[i].path)):
            if i <= idx and seg.sections[i].theme_ids:
                themes = seg.sections[i].theme_ids
                break
        chunk.passage.theme_ids = themes
