"""Split cleaned text into sections (headings, levels, paths) and block kinds.

Headings are recognised by form, not by a list of titles: numbered headings ("4.2.1 Veilig uitgaan",
"Paragraaf 2. ..."), ALL-CAPS lines, and short lines without a final period that introduce body
text.  Table-of-contents lines are skipped.  Block headings ("Ambities", "Wat willen we bereiken?",
"Wat doen we op dit moment al?", ...) are recognised from cue phrases in ontology/cues.json and
give every line under them a block kind, which status and goal extraction use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.blocks import MAX_HEADING_WORDS, block_kind
from ingest.clean import BULLET_RE, CleanText
from ingest.matcher import loose
from ingest.model import Section
from ontology import language

TOC_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?\D.{1,90}?(?:\s|\.{2,}|…)\d{1,3}$")


@dataclass
class Line:
    """One line of cleaned text; offsets are into the cleaned text."""

    start: int
    end: int
    text: str
    kind: str = "text"  # text | bullet | heading | toc
    blank_before: bool = False
    section: int = -1  # index into Segmentation.sections, -1 before the first heading


@dataclass
class Segmentation:
    sections: list[Section] = field(default_factory=list)  # offsets into the source text
    blocks: list[str | None] = field(default_factory=list)  # block kind per section
    lines: list[Line] = field(default_factory=list)

    def block_of(self, section: int) -> str | None:
        return self.blocks[section] if 0 <= section < len(self.blocks) else None

    def path_of(self, section: int) -> tuple[str, ...]:
        return self.sections[section].path if 0 <= section < len(self.sections) else ()


@lru_cache(maxsize=1)
def _numbered_rx() -> re.Pattern[str]:
    """A numbered heading ("2.1 Ondermijning", "Hoofdstuk 3 Jeugd"): its number and title."""
    words = language.cues()["numbered_heading_words"]
    return re.compile(rf"^(?:(?:{words})\s+)?(\d{{1,2}}(?:\.\d{{1,2}})*)\.?\s+(\S.*)$", re.I)


def _split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    pos, blank = 0, False
    for raw in text.split("\n"):
        if raw.strip():
            kind = "bullet" if BULLET_RE.match(raw) else "text"
            lines.append(Line(pos, pos + len(raw), raw, kind, blank_before=blank or not lines))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return lines


def _mark_toc(lines: list[Line]) -> None:
    """Runs of three or more "title  page-number" lines are a table of contents."""
    run: list[Line] = []
    for line in lines + [Line(0, 0, "")]:
        text = line.text.strip()
        if text and TOC_RE.match(text) and not text.endswith((".", ",")) and len(text.split()) <= 14:
            run.append(line)
            continue
        if len(run) >= 3:
            for toc_line in run:
                toc_line.kind = "toc"
        run = []


def _toc_key(title: str) -> str:
    """Matching key of a heading against table-of-contents entries: folded letters and digits, '&' read
    as 'en' ("Zorg & veiligheid" = "Zorg en veiligheid", "VEILIGHEIDS- BELEVING" = "Veiligheidsbeleving")."""
    return loose(title.replace("&", " en "))


def _toc_listed(lines: list[Line], numbers: dict[str, tuple[int, ...]]) -> dict[int, tuple[int, ...]]:
    """Line index → number, for the lines that are a chapter the table of contents numbers while the
    body leaves it unnumbered ("4. Ondermijnende criminaliteit  10" above, "ondermijnende criminaliteit"
    in the text). Such a document still says in its table of contents how deep each heading sits.

    A line counts when its title is a numbered entry, it does not sit in a run of listed titles (a
    cover page or overview that names the chapters one below the other), and it keeps the order of the
    table of contents (the longest run in increasing order is taken; of equally long runs the one whose
    headings come latest, since a summary that names the chapters precedes the chapters themselves).
    """
    if not numbers:
        return {}
    body = [i for i, line in enumerate(lines) if line.kind != "toc"]
    keys = {i: _toc_key(lines[i].text) for i in body}
    candidates = []
    for pos, i in enumerate(body):
        if keys[i] not in numbers:
            continue
        after = body[pos + 1] if pos + 1 < len(body) else None
        if after is not None and keys[after] in numbers:
            continue  # a list of chapter titles, not a heading over its text
        candidates.append((i, numbers[keys[i]]))
    # longest strictly increasing run of numbers, in document order
    best: list[list[tuple[int, tuple[int, ...]]]] = []
    for k, (i, number) in enumerate(candidates):
        prior = [best[m] for m in range(k) if candidates[m][1] < number]
        best.append(max(prior, key=_run_key, default=[]) + [(i, number)])
    return dict(max(best, key=_run_key, default=[]))


def _run_key(run: list[tuple[int, tuple[int, ...]]]) -> tuple[int, int]:
    """Longer runs first, then the run that ends latest in the document."""
    return len(run), run[-1][0] if run else -1


_TOC_ENTRY_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(.+?)(?:\s|\.{2,}|…)+\d{1,3}$")


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _word_count(text: str) -> int:
    return len(text.split())


def _is_body(line: Line | None) -> bool:
    if line is None:
        return False
    if line.kind == "bullet":
        return True
    return _word_count(line.text) >= 8 or (_word_count(line.text) >= 4 and line.text.rstrip().endswith(":"))


def _numbered(text: str, last: tuple[int, ...]) -> tuple[tuple[int, ...], str] | None:
    m = _numbered_rx().match(text)
    if not m:
        return None
    number = tuple(int(x) for x in m.group(1).split("."))
    title = m.group(2).strip()
    if any(n > 30 for n in number) or not title[0].isalpha() or _word_count(title) > MAX_HEADING_WORDS:
        return None
    if not (title[0].isupper() or _is_caps(title)):
        return None
    if title.endswith((",", ";", ":")) or (len(number) == 1 and title.endswith(".") and not _is_caps(title)):
        return None
    if last and number <= last:
        return None  # numbering goes backwards: a numbered list, not a heading
    return number, title.rstrip(". ")


def _toc_numbers(lines: list[Line]) -> dict[str, tuple[int, ...]]:
    """Heading key → the number the table of contents gives it."""
    numbers: dict[str, tuple[int, ...]] = {}
    for line in lines:
        m = _TOC_ENTRY_RE.match(line.text.strip()) if line.kind == "toc" else None
        if m:
            numbers.setdefault(_toc_key(m.group(2)), tuple(int(x) for x in m.group(1).split(".")))
    return numbers


def _numbered_chapter(
    line: Line, nxt: Line | None, last: tuple[int, ...], toc: dict[str, tuple[int, ...]]
) -> tuple[tuple[int, ...], str] | None:
    """A chapter heading written like a list item ("4. Ondermijning"): the table of contents lists it
    under that number, or it stands alone (blank line before, running text after, not one of a list)
    and its number follows the last heading's. A numbered list of goals or priorities has sentences, or
    items one below the other, and stays a list."""
    text = line.text.strip()
    numbered = _numbered(text, last)
    if numbered is None or len(numbered[0]) != 1:
        return None
    in_list = not line.blank_before or (nxt is not None and nxt.kind == "bullet" and not nxt.blank_before)
    if in_list:
        return None
    if toc.get(_toc_key(numbered[1])) == numbered[0]:
        return numbered
    alone = nxt is not None and nxt.kind == "text" and nxt.blank_before
    return numbered if alone and _is_body(nxt) else None


def _plain_heading(line: Line, nxt: Line | None, prev: Line | None) -> bool:
    text = line.text.strip()
    if line.kind != "text" or not text[0].isalpha() or _word_count(text) > 10 or len(text) > 90:
        return False
    if sum(c.isalpha() for c in text) < 3:
        return False
    if (
        prev is not None
        and prev.kind == "heading"
        and block_kind(prev.text)
        and not (nxt and nxt.kind == "bullet")
    ):
        return False  # the first line under "Ambitie" is its content, not a heading
    if text.endswith((".", ",", ";", ":", "!", "?", ")")) or sum(c.isdigit() for c in text) > 4:
        return False
    if ": " in text:
        return False  # captions such as "Bron: Politie"
    after_sentence = (
        prev is not None and prev.text.rstrip().endswith((".", "!", "?")) and _word_count(text) <= 5
    )
    if not (line.blank_before or prev is None or prev.kind == "heading" or after_sentence):
        return False
    return _is_body(nxt) or (nxt is not None and block_kind(nxt.text) is not None)


def segment(clean_text: CleanText) -> Segmentation:
    """Find headings, assign levels, section paths and block kinds."""
    lines = _split_lines(clean_text.text)
    _mark_toc(lines)
    seg = Segmentation(lines=lines)
    stack: list[tuple[int, int]] = []  # (level, section index)
    anchor = 0  # level of the last structural (numbered/caps) heading
    last_number: tuple[int, ...] = ()
    seen_numbered = False
    current = -1
    toc_numbers = _toc_numbers(lines)  # heading key → its number in the table of contents
    toc_listed = _toc_listed(lines, toc_numbers)
    for i, line in enumerate(lines):
        if line.kind == "toc":
            line.section = current
            continue
        text = line.text.strip()
        nxt = next((x for x in lines[i + 1 :] if x.kind != "toc"), None)
        prev = lines[i - 1] if i else None
        level = None
        block = None
        title = text
        if line.kind == "text":
            numbered = _numbered(text, last_number)
        elif line.kind == "bullet":
            numbered = _numbered_chapter(line, nxt, last_number, toc_numbers)
        else:
            numbered = None
        kind = block_kind(text) if line.kind == "text" and _word_count(text) <= MAX_HEADING_WORDS else None
        if numbered:
            last_number, title = numbered
            level = len(last_number)
            anchor, seen_numbered = level, True
            block = block_kind(title)
        elif kind:
            # a block heading belongs to the nearest topical (non-block) heading above it
            topical = [lv for lv, idx in stack if seg.blocks[idx] is None]
            level = max(anchor, topical[-1] if topical else 0) + 1
            block = kind
        elif (
            line.kind == "text"
            and _word_count(text) <= MAX_HEADING_WORDS
            and not text.endswith((".", ",", ";"))
            and (_is_caps(text) or (text.islower() and _plain_heading(line, nxt, prev)))
            and sum(c.isdigit() for c in text) <= 4
        ):
            level = anchor + 1 if seen_numbered else 1
            if not seen_numbered:
                anchor = level
        elif _plain_heading(line, nxt, prev):
            parent_block = seg.block_of(current)
            if parent_block and nxt is not None and nxt.kind == "bullet" and stack:
                # a group heading in a block ("Versterken informatiepositie") nests under the block heading
                block = parent_block
                heads = [lv for lv, idx in stack if block_kind(seg.sections[idx].title) == parent_block]
                level = heads[-1] + 1 if heads else anchor + 1
            else:
                level = anchor + 1
        if level is None:
            line.section = current
            continue
        listed = None if numbered or block else toc_listed.get(i)
        if listed:
            # an unnumbered heading the table of contents numbers: it sits at the depth listed there
            last_number, level = listed, len(listed)
            anchor, seen_numbered = level, True
        line.kind = "heading"
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent_path = seg.sections[stack[-1][1]].path if stack else ()
        title = " ".join(title.split())
        start, end = clean_text.source_span(line.start, line.end)
        seg.sections.append(
            Section(title=title, level=level, path=(*parent_path, title), start=start, end=end)
        )
        seg.blocks.append(block)
        current = len(seg.sections) - 1
        stack.append((level, current))
        line.section = current
    _close_sections(seg, clean_text)
    return seg


def _close_sections(seg: Segmentation, clean_text: CleanText) -> None:
    """A section ends where the next heading of the same or a higher level starts."""
    source_end = (clean_text.offsets[-1] + 1) if clean_text.offsets else 0
    for i, section in enumerate(seg.sections):
        end = source_end
        for later in seg.sections[i + 1 :]:
            if later.level <= section.level:
                end = later.start
                break
        section.end = end
