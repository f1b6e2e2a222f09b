"""Clean decoded text for analysis while keeping a map back to the source.

PDF and web extractions carry running headers/footers, page numbers, hyphenated line ends and hard
line wraps.  Matching and chunking need running prose, but evidence must point into the *source*, so
every cleaned character remembers the source index it came from (``CleanText.offsets``).

Boilerplate is found by repetition (and position on a page when page starts are known), never by a
list of known strings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ingest.blocks import block_kind
from ontology import language

BULLET_RE = re.compile(r"^(?:[•·▪●◦■□➢►✓\-–—*]|\(?\d{1,2}[.)]|\(?[a-z][.)])(?:\s|$)")
MARKER_ONLY_RE = re.compile(r"^(?:[•·▪●◦■□➢►✓\-–—*]\s*)?(?:\(?\d{1,2}[.)]?|\(?[a-z][.)])?$")
SENTENCE_END = ".!?:;"
NUMERIC_END_RE = re.compile(r"\d[\d.,]*\s*%?$")
# a lone lower-case letter before a capitalised word ("i De inwoners …"): the icon of a text box in a
# PDF ("i" for information), not the next words of the sentence above
ICON_START_RE = re.compile(r"^[a-z]\s+[A-Z]")
# a sub-numbered heading ("5.5 Rampenbestrijding", "4.2.1 Veilig uitgaan"): never glued to the line above
SUBNUMBERED_HEADING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+[^\W\d_]")
INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, for each cleaned character, its index in the source text."""

    text: str
    offsets: list[int]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned span [start, end) to the smallest source span covering it."""
        if end <= start:
            pos = (
                self.offsets[start]
                if start < len(self.offsets)
                else (self.offsets[-1] + 1 if self.offsets else 0)
            )
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass
class _Line:
    start: int  # source offset of the first character of the line
    raw: str  # line content without the newline


def _split_lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(pos, raw))
        pos += len(raw) + 1
    return lines


def _key(raw: str) -> str:
    return re.sub(r"\d+", "#", " ".join(raw.split())).lower()


def _is_question_or_heading_like(norm: str) -> bool:
    return norm.endswith(("?", ":"))


def _boilerplate(lines: list[_Line], page_starts: list[int] | None) -> set[int]:
    """Indices of lines that are running headers/footers or page numbers."""
    keys = [_key(line.raw) for line in lines]
    counts = Counter(k for k in keys if k)
    min_repeat = 3
    if page_starts and len(page_starts) > 6:
        min_repeat = max(3, len(page_starts) // 3)
    repeated = {i for i, k in enumerate(keys) if counts.get(k, 0) >= min_repeat}
    lettered = {i for i in repeated if re.search(r"[a-z]{2}", keys[i])}
    drop: set[int] = set()
    nonblank = [i for i, line in enumerate(lines) if line.raw.strip()]
    # consecutive repeated lines (at least two with words) are a letterhead or footer block
    run: list[int] = []
    for i in nonblank + [-1]:
        contiguous = not run or _next_nonblank(nonblank, run[-1]) == i
        # a footer block never contains the same line twice: a repeat starts a new block
        if i in repeated and contiguous and keys[i] not in {keys[j] for j in run}:
            run.append(i)
            continue
        if sum(1 for j in run if j in lettered) >= 2:
            drop.update(run)
        run = [i] if i in repeated else []
    repeated = lettered

    exact = Counter(" ".join(line.raw.split()) for line in lines)
    for i in repeated:
        words = lines[i].raw.split()
        norm = " ".join(words)
        if (
            len(words) >= 6
            and exact[norm] >= min_repeat
            and not _is_question_or_heading_like(norm)
            and block_kind(norm) is None
        ):
            drop.add(i)
    if page_starts:
        drop.update(_page_edge_repeats(lines, keys, page_starts))
    drop.update(_page_numbers(lines))
    return drop


def _next_nonblank(nonblank: list[int], i: int) -> int | None:
    # nonblank is sorted; find the element after i
    lo, hi = 0, len(nonblank)
    while lo < hi:
        mid = (lo + hi) // 2
        if nonblank[mid] <= i:
            lo = mid + 1
        else:
            hi = mid
    return nonblank[lo] if lo < len(nonblank) else None


def _page_edge_repeats(lines: list[_Line], keys: list[str], page_starts: list[int]) -> set[int]:
    """Lines among the first/last two of a page whose (digit-normalised) form recurs on many pages."""
    bounds = sorted(set(page_starts))
    page_of: list[int] = []
    p = 0
    for line in lines:
        while p + 1 < len(bounds) and line.start >= bounds[p + 1]:
            p += 1
        page_of.append(p)
    edges: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.raw.strip():
            edges.setdefault(page_of[i], []).append(i)
    candidates = []
    for idxs in edges.values():
        candidates.extend(idxs[:2] + idxs[-2:])
    edge_counts = Counter(keys[i] for i in set(candidates))
    need = max(3, len(edges) // 3)
    return {i for i in set(candidates) if edge_counts[keys[i]] >= need}


def _page_numbers(lines: list[_Line]) -> set[int]:
    """Lone numbers that mostly increase through the document are page numbers."""
    hits = []
    for i, line in enumerate(lines):
        m = _page_number_rx().match(line.raw.strip())
        if m and line.raw.strip():
            hits.append((i, int(m.group(1))))
    if len(hits) < 3:
        return set()
    increasing = sum(1 for a, b in zip(hits, hits[1:], strict=False) if b[1] > a[1])
    if increasing < 0.9 * (len(hits) - 1):
        return set()
    return {i for i, _ in hits}


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.chars: list[str] = []
        self.offsets: list[int] = []

    def add_source(self, start: int, end: int) -> None:
        """Append source[start:end], collapsing whitespace runs to one space."""
        prev_space = bool(self.chars) and self.chars[-1] in " \n"
        for i in range(start, end):
            ch = self.source[i]
            if ch in INVISIBLE:
                continue
            if ch.isspace():
                if prev_space:
                    continue
                ch, prev_space = " ", True
            else:
                prev_space = False
            self.chars.append(ch)
            self.offsets.append(i)

    def add_sep(self, sep: str, at: int) -> None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.offsets.pop()
        if not self.chars:
            return
        for ch in sep:
            self.chars.append(ch)
            self.offsets.append(at)

    def ends_with(self, suffix: str) -> bool:
        return "".join(self.chars[-len(suffix) :]) == suffix


@lru_cache(maxsize=1)
def _page_number_rx() -> re.Pattern[str]:
    """A line that is only a page number ("12", "- 12 -", "pagina 3 van 10")."""
    cues = language.cues()
    words, of = cues["page_number_words"], cues["page_number_of"]
    return re.compile(rf"^[-–]?\s*(?:{words})?\s*(\d{{1,3}})(?:\s*(?:{of})\s*\d{{1,3}})?\s*[-–]?$", re.I)


@lru_cache(maxsize=1)
def _keep_hyphen_before() -> frozenset[str]:
    return frozenset(w.lower() for w in language.cues().get("hyphen_keep_before", []))


def _strip_span(line: _Line) -> tuple[int, int, str]:
    raw = line.raw
    left = len(raw) - len(raw.lstrip())
    body = raw.strip()
    return line.start + left, line.start + left + len(body), body


def clean(text: str, page_starts: list[int] | None = None) -> CleanText:
    """Return cleaned text: boilerplate dropped, hyphenation undone, wrapped lines re-joined.

    Paragraphs are separated by a blank line, headings and bullets stay on their own line.
    """
    lines = _split_lines(text.replace("\r", " ").replace("\f", " ").replace("\u00a0", " "))
    drop = _boilerplate(lines, page_starts)
    kept = [(i, line) for i, line in enumerate(lines) if i not in drop]
    widths = sorted(len(line.raw.rstrip()) for _, line in kept if line.raw.strip())
    wrap_width = widths[int(len(widths) * 0.9)] if widths else 80
    long_line = max(40, int(wrap_width * 0.6))
    hard_wrapped = wrap_width <= 140

    out = _Builder(text)
    prev_body = ""  # stripped text of the last emitted line
    prev_end = -1
    prev_marker_only = False
    blank_since = 0
    for pos, (_, line) in enumerate(kept):
        start, end, body = _strip_span(line)
        if not body:
            blank_since += 1
            continue
        if prev_body:
            next_blank = pos + 1 >= len(kept) or not kept[pos + 1][1].raw.strip()
            join = _should_join(
                prev_body,
                body,
                blank_since,
                long_line if hard_wrapped else 10**6,
                prev_marker_only,
                next_blank,
            )
            if join == "hyphen":
                # drop the trailing hyphen: "veilig-" + "heid"
                while out.chars and out.chars[-1] == " ":
                    out.chars.pop()
                    out.offsets.pop()
                out.chars.pop()
                out.offsets.pop()
            elif join == "glue":
                out.add_sep("", prev_end)
            elif join == "space":
                out.add_sep(" ", prev_end)
            else:
                out.add_sep("\n\n" if blank_since else "\n", prev_end)
        out.add_source(start, end)
        prev_body, prev_end = body, end
        prev_marker_only = bool(MARKER_ONLY_RE.match(body))
        blank_since = 0
    while out.chars and out.chars[-1] in " \n":
        out.chars.pop()
        out.offsets.pop()
    return CleanText("".join(out.chars), out.offsets)


def _should_join(
    prev: str, cur: str, blanks: int, long_line: int, prev_marker_only: bool, next_blank: bool
) -> str | None:
    """How the current line continues the previous one: hyphen | glue | space | None (new line)."""
    if prev_marker_only:
        return "space"
    if BULLET_RE.match(cur) or ICON_START_RE.match(cur):
        return None
    if NUMERIC_END_RE.search(prev) and NUMERIC_END_RE.search(cur):
        return None  # table rows
    heading_like = len(" ".join(cur.split())) < 80 and cur[-1] not in ".!?;," and cur[0].isupper()
    if heading_like and next_blank and prev[-1] in ".!?:":
        return None
    if SUBNUMBERED_HEADING_RE.match(cur) and len(cur.split()) <= 8 and cur[-1] not in ".!?;,":
        return None
    first = cur[0]
    starts_lower = first.islower()
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and starts_lower:
        next_word = re.match(r"[^\s,.;:]+", cur)
        if next_word and next_word.group(0).lower() in _keep_hyphen_before():
            return "space"
        return "hyphen"
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isdigit() and first.isdigit() and not blanks:
        return "glue"
    if blanks:
        # a page break or removed footer inside a sentence
        fragment = first.isdigit() and len(cur.split()) <= 3 and cur[-1] in ".;,"
        if (starts_lower or fragment) and prev[-1] not in SENTENCE_END and len(prev) >= 30:
            return "space"
        return None
    if len(" ".join(prev.split())) >= long_line and prev[-1] != ":":
        return "space"
    if starts_lower and prev[-1] not in SENTENCE_END and len(prev.split()) > 3:
        return "space"
    return None
