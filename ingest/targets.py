"""Numbers in a policy text: quantitative targets, effect indicators and notable figures.

Works on the decoded text and the passages/goals the pipeline already found.  All cue words
(comparators, units, number words, frequency phrases) live in ``ontology/number_cues.json``.
Evidence offsets point into ``doc.text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.model import Evidence, Figure, Goal, Indicator, IngestedDocument, Passage, Target
from ontology import language
from ontology.regions import generic_of
from ontology.vocabulary import load_concepts

YEAR = r"(?:19[5-9]\d|20\d\d)"
NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
MAX_QUOTE = 200


def _unit(kind: str) -> str:
    """Display name of a unit the code itself assigns (percent, grade, rank, count) from the cue data."""
    return language.number_cues()["unit_labels"][kind]


def to_number(token: str) -> float:
    """Dutch number text to float: "14,4" -> 14.4, "7.5" -> 7.5, "2.500" -> 2500, "1.000.000" -> 1e6."""
    t = token.strip().replace("−", "-").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", t):
        return float(t.replace(".", "").replace(",", "."))
    return float(t.replace(",", "."))


# ---------------------------------------------------------------------------------------- sentences


@dataclass
class Sentence:
    start: int
    end: int
    text: str  # raw slice of doc.text
    passage: Passage | None


def split_sentences(text: str, start: int, end: int, passage: Passage | None) -> list[Sentence]:
    """Sentences and list items of ``text[start:end]``; single line breaks inside a sentence are kept."""
    out: list[Sentence] = []
    chunk = text[start:end]
    # a blank line ends a sentence unless the sentence obviously continues ("met een\n\n7,5.")
    boundary = re.compile(
        r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z(\"'„‘“-])|(?<![\w,])[ \t]*\n\s*\n|\n\s*\n(?![ \t]*[a-z\d(])"
        r"|\n(?=\s*(?:[-•*▪●–]\s|\d+[.)]\s))"
    )
    pos = 0
    for m in boundary.finditer(chunk):
        _add(out, text, start + pos, start + m.start(), passage)
        pos = m.end()
    _add(out, text, start + pos, end, passage)
    return out


def _add(out: list[Sentence], text: str, a: int, b: int, passage: Passage | None) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append(Sentence(a, b, text[a:b], passage))


def _quote(s: str) -> str:
    q = " ".join(s.split())
    return q if len(q) <= MAX_QUOTE else q[: MAX_QUOTE - 1] + "…"


def _units(doc: IngestedDocument) -> list[Sentence]:
    """Sentences of the whole text (a PDF line break or blank line inside a sentence does not cut it)."""
    passages = sorted(doc.passages, key=lambda p: p.start)
    starts = [p.start for p in passages]
    out = split_sentences(doc.text, 0, len(doc.text), None)
    for sent in out:
        i = bisect.bisect_right(starts, sent.start) - 1
        sent.passage = passages[i] if i >= 0 else (passages[0] if passages else None)
    return out


def _evidence(sent: Sentence, a: int | None = None, b: int | None = None) -> Evidence:
    """Evidence for a sentence, narrowed to ``[a, b)`` (offsets into doc.text) when the sentence is long."""
    start, end = sent.start, sent.end
    if a is not None and b is not None and end - start > MAX_QUOTE:
        start = max(sent.start, a - 80)
        end = min(sent.end, max(b, start) + 100)
    pid = sent.passage.id if sent.passage else ""
    return Evidence(
        passage_id=pid, start=start, end=end, quote=_quote(sent.text[start - sent.start : end - sent.start])
    )


# ------------------------------------------------------------------------------------------- entry


def extract_targets(doc: IngestedDocument) -> tuple[list[Target], list[Indicator], list[Figure]]:
    """Targets (linked to goals and themes), effect indicators and notable figures of one document."""
    sentences = _units(doc)
    targets = find_targets(doc, sentences)
    indicators = find_indicators(doc, sentences)
    figures = find_figures(doc, sentences)
    return targets, indicators, figures


# ---------------------------------------------------------------------------------------------- goals


def _goal_spans(goals: list[Goal]) -> list[tuple[int, int, Goal]]:
    return sorted(((g.evidence.start, g.evidence.end, g) for g in goals), key=lambda t: t[0])


def _goal_for(spans: list[tuple[int, int, Goal]], a: int, b: int, passage: Passage | None) -> Goal | None:
    """The goal whose evidence contains the span, else the nearest goal before it in the same section."""
    best = None
    for s, e, g in spans:
        if s <= a and b <= e + 1 or (a <= s < b):
            return g
        if e <= a and a - e < 1500:
            best = g
    if best is not None and passage is not None:
        return best
    return None


def _theme(goal: Goal | None, passage: Passage | None) -> str | None:
    if goal is not None and goal.theme_id:
        return goal.theme_id
    if passage is not None and passage.theme_ids:
        return passage.theme_ids[0]
    return None


# -------------------------------------------------------------------------------------------- targets


@dataclass
class _Quantity:
    value: float
    unit: str
    start: int  # offsets relative to the sentence
    end: int
    comparator: str | None = None


def _comparator_before(s: str, pos: int) -> str | None:
    window = s[max(0, pos - 45) : pos].lower()
    found = None
    best = -1
    for c in language.number_cues()["comparators"]:
        for m in re.finditer(r"\b(?:" + c["pattern"] + r")\b", window):
            if m.end() > best:
                best, found = m.end(), c["op"]
    return found


def direction(s: str) -> str | None:
    """Which way the text aims: '<=' downwards ("terugdringen", "daalt"), '>=' upwards, else None
    (number_cues.json direction words)."""
    cues = language.number_cues()
    if re.search(r"\b(?:" + cues["direction_down"] + r")", s, re.I):
        return "<="
    if re.search(r"\b(?:" + cues["direction_up"] + r")", s, re.I):
        return ">="
    return None


def quantities(s: str) -> list[_Quantity]:
    """Quantities in one sentence: percentages, report marks, ranks, durations and counted nouns."""
    cues = language.number_cues()
    out: list[_Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(q: _Quantity) -> None:
        if free(q.start, q.end):
            out.append(q)
            taken.append((q.start, q.end))

    pct = "|".join(map(re.escape, cues["percent_units"]))
    for m in re.finditer(r"(?<![\w.,])(" + NUM + r")\s*(?:" + pct + r")(?!\w)", s):
        add(
            _Quantity(
                to_number(m.group(1)), _unit("percent"), m.start(), m.end(), _comparator_before(s, m.start())
            )
        )
    grade = _unit("grade")
    for m in re.finditer(cues["grade_before_number"] + r"(\d+(?:[.,]\d)?)\b", s, re.I):
        add(_Quantity(to_number(m.group(1)), grade, m.start(1), m.end(1), _comparator_before(s, m.start())))
    for m in re.finditer(cues["grade_bare_before_number"] + r"(\d(?:[.,]\d)|10)(?![\d%])", s, re.I):
        grade_ctx = re.search("|".join(cues["grade_cues"]), s, re.I)
        if grade_ctx:
            add(
                _Quantity(
                    to_number(m.group(1)),
                    grade,
                    m.start(1),
                    m.end(1),
                    _comparator_before(s, m.end(1) - len(m.group(1))),
                )
            )
    rank = _unit("rank")
    for m in re.finditer(r"(?<![\w.,])(\d{1,3})(?:" + cues["ordinal_suffixes"] + r")\b", s):
        add(_Quantity(float(m.group(1)), rank, m.start(1), m.end(), None))
    for m in re.finditer(cues["times_quantity"], s):
        add(_Quantity(float(m.group(1)), m.group(2), m.start(1), m.end(), None))
    for word, value in cues["factor_words"].items():
        for m in re.finditer(r"\b" + word + r"\b", s, re.I):
            add(_Quantity(float(value), f"factor ({word})", m.start(), m.end(), None))
    for m in re.finditer(cues["top_rank"], s, re.I):
        op = cues["top_rank_comparators"][m.group(1).lower()]
        add(_Quantity(float(m.group(2)), rank, m.start(2), m.end(2), op))
    durations = "|".join(sorted(map(re.escape, cues["duration_units"]), key=len, reverse=True))
    words = "|".join(sorted(cues["number_words"], key=len, reverse=True))
    for m in re.finditer(r"(?<![\w.,])(" + NUM + r"|" + words + r")\s+(" + durations + r")\b", s, re.I):
        value = _word_or_number(m.group(1))
        if value is not None:
            add(
                _Quantity(
                    value,
                    cues["duration_units"][m.group(2).lower()],
                    m.start(1),
                    m.end(2),
                    _comparator_before(s, m.start()),
                )
            )
    for m in re.finditer(
        r"(?<![\w.,/-])(" + NUM + r"|" + words + r")\s+(?:\(?[a-zé]+\)?\s+)?([a-zé][\w'’-]+)", s, re.I
    ):
        if not free(m.start(1), m.end(1)):
            continue
        value = _word_or_number(m.group(1))
        if value is None or _is_year(m.group(1)) or _skip_context(s, m.start(1)):
            continue
        unit = _noun_after(s, m.end(1))
        if unit:
            add(_Quantity(value, unit, m.start(1), m.end(1), _comparator_before(s, m.start(1))))
    # "bedroeg het aantal 382": the noun came before the number
    if re.search(r"\b(?:" + cues["count_noun_before_number"] + r")\b", s, re.I):
        for m in re.finditer(r"(?<![\w.,/-])(" + NUM + r")(?![\w%]|[.,]\d)", s):
            if free(m.start(1), m.end(1)) and not _is_year(m.group(1)) and not _skip_context(s, m.start(1)):
                add(_Quantity(to_number(m.group(1)), _unit("count"), m.start(1), m.end(1), None))
    return sorted(out, key=lambda q: q.start)


def _word_or_number(tok: str) -> float | None:
    cues = language.number_cues()
    low = tok.lower()
    if low in cues["number_words"]:
        return float(cues["number_words"][low])
    try:
        return to_number(tok)
    except ValueError:
        return None


def _is_year(tok: str) -> bool:
    return bool(re.fullmatch(YEAR, tok))


def _skip_context(s: str, pos: int) -> bool:
    before = s[max(0, pos - 20) : pos]
    if re.search(r"(?:" + language.number_cues()["skip_before"] + r")\s*$", before, re.I):
        return True
    return bool(re.search(r"[\w/-]$", before))  # glued to a word: E33, art13, 2024/5


def _noun_after(s: str, pos: int) -> str | None:
    """The counted noun after a number ("10 coffeeshops", "19 vaste camera's"), None if there is none."""
    stop = set(language.number_cues()["noun_stopwords"])
    words = re.findall(r"\(?[A-Za-zÀ-ÿ][\w'’-]*\)?", s[pos : pos + 60])
    tail = s[pos : pos + 60]
    if not words or not tail[:1].isspace():
        return None
    w1 = words[0].strip("()")
    if w1.lower() in stop or not w1.islower() and not w1.isupper():
        return None
    if len(words) > 1:
        w2 = words[1].strip("()")
        if w1.endswith("e") and w2.lower() not in stop and w2.islower():
            return f"{w1} {w2}"
    return w1


def find_targets(doc: IngestedDocument, sentences: list[Sentence]) -> list[Target]:
    cues = language.number_cues()
    target_rx = re.compile(r"\b(?:" + cues["target_cues"] + r")", re.I)
    rel_rx = re.compile(cues["relative_target"], re.I)
    any_comparator = set(cues["target_units_any_comparator"])
    spans = _goal_spans(doc.goals)
    out: list[Target] = []
    prev = ""
    for sent in sentences:
        s = sent.text
        in_goal = any(a <= sent.start < b or sent.start <= a < sent.end for a, b, _ in spans)
        cue = target_rx.search(s) or (
            re.search(cues["target_previous_sentence"], prev, re.I) and re.search(YEAR, s)
        )
        found: list[tuple[float, str, str | None, int | None, float | None, int | None, int, int]] = []
        rel = rel_rx.search(s)
        if rel:
            base = int(rel.group("base") or rel.group("base2"))
            val = to_number((rel.group("val") or rel.group("val2")).replace("−", "-").replace(" ", ""))
            value = -abs(val)
            found.append(
                (
                    value,
                    _unit("relative").format(base=base),
                    "<=",
                    _target_year(s),
                    None,
                    base,
                    rel.start(),
                    rel.end(),
                )
            )
        freq = _frequency(s) if (in_goal or _is_list_item(s) or cue) else None
        if freq:
            found.append(freq)
        if cue or in_goal:
            for q in quantities(s):
                if rel and rel.start() <= q.start < rel.end():
                    continue
                if freq and freq[6] <= q.start < freq[7]:
                    continue
                if q.unit not in any_comparator and not (q.comparator in (">=", "<=") or in_goal):
                    continue
                comparator = (
                    q.comparator
                    or (direction(s) if q.unit == _unit("percent") else None)
                    or (">=" if q.unit == _unit("grade") else "=")
                )
                found.append((q.value, q.unit, comparator, _target_year(s), None, None, q.start, q.end))
        for value, unit, comp, year, bval, byear, a, b in found:
            goal = _goal_for(spans, sent.start + a, sent.start + b, sent.passage)
            out.append(
                Target(
                    id=f"{doc.meta.doc_id}/target/{len(out) + 1}",
                    metric=_metric(s),
                    value=value,
                    unit=unit,
                    evidence=_evidence(sent, sent.start + a, sent.start + b),
                    comparator=comp,
                    year=year,
                    baseline_value=bval,
                    baseline_year=byear,
                    goal_id=goal.id if goal else None,
                    theme_id=_theme(goal, sent.passage),
                )
            )
        prev = s
    return out


def _is_list_item(s: str) -> bool:
    return bool(re.match(r"\s*(?:[-•*▪●–]\s|\d+[.)]\s)", s)) or len(s) < 160


def _frequency(s: str):
    cues = language.number_cues()
    for f in cues["frequency_phrases"]:
        m = re.search(r"\b(?:" + f["pattern"] + r")\b", s, re.I)
        if m:
            value = f["value"]
            if value is None:
                n = m.groupdict().get("n")
                value = _word_or_number(n) if n else None
            if value is None:
                continue
            comp = _comparator_before(s, m.start()) or (
                ">=" if re.match(cues["frequency_at_least"], m.group(0), re.I) else "="
            )
            return (float(value), f["unit"], comp, _target_year(s), None, None, m.start(), m.end())
    return None


def _target_year(s: str) -> int | None:
    cues = language.number_cues()
    m = re.search(r"\b(?:" + cues["target_year_before"] + r")\s+(" + YEAR + r")\b", s, re.I)
    if m and cues["target_year_not_followed_by"] not in s[m.end() : m.end() + 8]:
        return int(m.group(1))
    return None


def _metric(s: str) -> str:
    q = " ".join(s.split()).lstrip("-•*▪●– ")
    return q[:120]


# ----------------------------------------------------------------------------------------- indicators


@lru_cache(maxsize=1)
def _partner_matcher() -> list[tuple[re.Pattern[str], str]]:
    own = set(language.number_cues()["own_organisation_partners"])
    out = []
    for body_id, c in load_concepts().items():
        cid = generic_of(body_id) or body_id  # a regional body counts as its generic partner, as in facts
        if c.type != "partner" or cid in own:
            continue
        for lab in (c.pref_label, *c.alt_labels, *c.hidden_labels):
            if lab and len(lab) >= 2:
                out.append((re.compile(r"(?<!\w)" + re.escape(lab) + r"(?!\w)", re.I), cid))
                head = lab.split()[0]
                if head != lab and len(head) >= 3 and head.isupper():  # "RIEC Oost-Nederland" -> "RIEC"
                    out.append((re.compile(r"(?<!\w)" + re.escape(head) + r"(?!\w)"), cid))
    return out


def source_partner(source: str) -> str | None:
    """The first named partner in a data-source text ("data gemeente en RIEC-ON" -> partner:riec)."""
    best: tuple[int, int, str] | None = None
    for rx, cid in _partner_matcher():
        m = rx.search(source)
        if m and (best is None or (m.start(), -len(m.group(0))) < (best[0], best[1])):
            best = (m.start(), -len(m.group(0)), cid)
    return best[2] if best else None


def _indicator(
    doc_id: str, n: int, sent, label: str, a: int, b: int, quote: str, source: str | None
) -> Indicator:
    """An effect indicator at source span [a, b), in the passage and theme of the sentence there."""
    passage = sent.passage if sent else None
    return Indicator(
        id=f"{doc_id}/indicator/{n}",
        label=label,
        evidence=Evidence(passage.id if passage else "", a, b, quote),
        data_source=source,
        source_partner_id=source_partner(source) if source else None,
        theme_id=passage.theme_ids[0] if passage and passage.theme_ids else None,
    )


def find_indicators(doc: IngestedDocument, sentences: list[Sentence]) -> list[Indicator]:
    """Effect-indicator list items (with their ``[data ...]`` source) and ``Bron:`` captions of charts."""
    cues = language.number_cues()
    heading = re.compile(r"^\s*(?:" + cues["indicator_headings"] + r")\s*:?\s*$", re.I | re.M)
    src_rx = re.compile(r"[\[(]\s*(" + cues["data_source_prefix"] + r"\s*[^\])]+)[\])]\s*$", re.I)
    out: list[Indicator] = []
    text = doc.text
    by_start = [s.start for s in sentences]
    for m in heading.finditer(text):
        pos = m.end()
        for line_m in re.finditer(r"[^\n]*\n?", text[pos : pos + 3000]):
            line = line_m.group(0)
            stripped = line.strip()
            if not stripped:
                if out and out[-1].evidence.start > m.end():  # a blank line after items ends the list
                    nxt = text[pos + line_m.end() : pos + line_m.end() + 200].lstrip()
                    if not re.match(r"[-•*▪●–]\s", nxt):
                        break
                continue
            if not re.match(r"[-•*▪●–]\s", stripped):
                break
            a = pos + line_m.start() + line.index(stripped)
            b = a + len(stripped)
            label = stripped.lstrip("-•*▪●– ").strip()
            source = None
            sm = src_rx.search(label)
            if sm:
                source = re.sub(r"^" + cues["data_source_prefix"], "", sm.group(1), flags=re.I).strip()
                label = label[: sm.start()].strip()
            sent = _sentence_at(sentences, by_start, a)
            out.append(_indicator(doc.meta.doc_id, len(out) + 1, sent, label, a, b, _quote(stripped), source))
    cap = re.compile(cues["caption_source"], re.I | re.M)
    for m in cap.finditer(text):
        source = m.group("src").strip().rstrip(".")
        title = _previous_line(text, m.start())
        if not title:
            continue
        a, b = title
        label = " ".join(text[a:b].split())
        if len(label) > 150 or label.endswith("."):
            label = source  # no chart title above: the source itself names what is measured
            a, b = m.start(), m.end()
        sent = _sentence_at(sentences, by_start, a)
        out.append(_indicator(doc.meta.doc_id, len(out) + 1, sent, label, a, b, _quote(text[a:b]), source))
    covered = [(i.evidence.start, i.evidence.end) for i in out]

    def add(label: str, a: int, b: int, source: str | None) -> None:
        if any(x < b and a < y for x, y in covered):
            return
        covered.append((a, b))
        sent = _sentence_at(sentences, by_start, a)
        out.append(_indicator(doc.meta.doc_id, len(out) + 1, sent, label, a, b, _quote(text[a:b]), source))

    # rows of year-column tables are time series: each row label is a measured indicator
    seen_rows: set[int] = set()
    for label, _v, _u, _y, a, b, _ea, _eb in table_cells(text):
        if a not in seen_rows:
            seen_rows.add(a)
            add(label, a, b, None)
    # sentences that call something an indicator, or report a measurement "uit de veiligheidsmonitor"
    ind_rx = re.compile(cues["indicator_sentence"], re.I)
    src_phrase = re.compile(cues["source_phrase"], re.I)
    for sent in sentences:
        if len(sent.text) > 400:
            continue
        sm = src_phrase.search(sent.text)
        if ind_rx.search(sent.text) or (
            sm and re.search(r"\d|\b(?:" + cues["measurement_words"] + r")\b", sent.text)
        ):
            add(_metric(sent.text), sent.start, sent.end, " ".join(sm.group("src").split()) if sm else None)
    # chart titles: a short stand-alone line followed by an empty chart area (two or more blank lines)
    for m in re.finditer(r"(?:^|\n)[ \t]*\n([ \t]*([^\n]{3,100}?)[ \t]*)\n(?:[ \t]*\n){2,}", text):
        title = m.group(2).strip()
        if (
            title.endswith((".", ":", ";", ",", "?"))
            or title.isupper()
            or not title[:1].isupper()
            or "http" in title
            or "www." in title
            or len(re.findall(re.escape(title), text)) > 1
        ):
            continue  # sentences, headings in capitals, numbered headings, links and recurring headings
        if re.match(r"(?:" + cues["source_label"] + r")\s*:", title, re.I) or re.search(r"\t\d+$", title):
            continue
        a = m.start(2)
        add(title, a, a + len(title), None)
    return sorted(out, key=lambda i: i.evidence.start)


def _previous_line(text: str, pos: int) -> tuple[int, int] | None:
    end = pos
    while end > 0:
        line_end = text.rfind("\n", 0, end - 1) if end > 0 else -1
        start = line_end + 1
        seg = text[start:end].strip()
        if seg:
            a = start + text[start:end].index(seg)
            return a, a + len(seg)
        if line_end < 0:
            return None
        end = line_end
    return None


def _sentence_at(sentences: list[Sentence], starts: list[int], pos: int) -> Sentence | None:
    i = bisect.bisect_right(starts, pos) - 1
    return sentences[i] if i >= 0 else None


# -------------------------------------------------------------------------------------------- figures


def find_figures(doc: IngestedDocument, sentences: list[Sentence]) -> list[Figure]:
    """Year-column tables (one figure per cell) and counted quantities in running text."""
    out: list[Figure] = []
    table_spans: list[tuple[int, int]] = []
    by_start = [s.start for s in sentences]
    for label, value, unit, year, a, _b, ev_a, ev_b in table_cells(doc.text):
        sent = _sentence_at(sentences, by_start, a)
        out.append(
            Figure(
                id=f"{doc.meta.doc_id}/figure/{len(out) + 1}",
                label=label,
                value=value,
                unit=unit,
                evidence=Evidence(
                    sent.passage.id if sent and sent.passage else "", ev_a, ev_b, _quote(doc.text[ev_a:ev_b])
                ),
                year=year,
            )
        )
        table_spans.append((ev_a, ev_b))
    for sent in sentences:
        if any(a <= sent.start < b or sent.start <= a < sent.end for a, b in table_spans):
            continue
        if re.search(r"\t\d+\s*$", sent.text):  # table-of-contents line
            continue
        for q in quantities(sent.text) + _fraction_quantities(sent.text):
            year = _figure_year(sent.text, q.start)
            out.append(
                Figure(
                    id=f"{doc.meta.doc_id}/figure/{len(out) + 1}",
                    label=_metric(sent.text),
                    value=q.value,
                    unit=q.unit,
                    evidence=_evidence(sent, sent.start + q.start, sent.start + q.end),
                    year=year,
                )
            )
    return out


def _fraction_quantities(s: str) -> list[_Quantity]:
    cues = language.number_cues()
    out = []
    for phrase, value in cues["fraction_phrases"].items():
        for m in re.finditer(
            r"\b" + re.escape(phrase) + r"\s+" + cues["fraction_followers"] + r"\b", s, re.I
        ):
            out.append(_Quantity(float(value), _unit("percent"), m.start(), m.end()))
    for word, value in cues["collective_number_words"].items():
        for m in re.finditer(r"\b" + word + r"\s+([a-zé][\w'’-]+)", s, re.I):
            out.append(_Quantity(float(value), m.group(1), m.start(), m.end()))
    scale = "|".join(cues["scale_words"])
    for m in re.finditer(r"(?<![\w.,])(" + NUM + r")\s+(" + scale + r")\b", s, re.I):
        out.append(
            _Quantity(
                to_number(m.group(1)) * cues["scale_words"][m.group(2).lower()],
                _noun_after(s, m.end()) or _unit("count"),
                m.start(),
                m.end(),
            )
        )
    return out


def _figure_year(s: str, pos: int) -> int | None:
    years = [
        (abs(m.start() - pos), int(m.group(0))) for m in re.finditer(r"(?<![\d-])" + YEAR + r"(?![\d-])", s)
    ]
    return min(years)[1] if years else None


def table_cells(text: str):
    """Cells of tables whose header line is only years ("2014 2017 2018 2019 2020").

    Yields (label, value, unit, year, row_start, row_end, evidence_start, evidence_end).  A label may
    wrap onto the line before its numbers ("Illegale handel" / "(drugs/wapens) 90 55 ...").  Upper-case
    lines without numbers are category headings and are skipped.
    """
    header_rx = re.compile(r"^[ \t]*(" + YEAR + r"(?:[ \t]+" + YEAR + r"){1,9})[ \t]*$", re.M)
    cell = r"(-?\d+(?:[.,]\d+)?\s*%?)"
    for hm in header_rx.finditer(text):
        years = [int(y) for y in hm.group(1).split()]
        n = len(years)
        row_rx = re.compile(r"^(?P<label>.*?[A-Za-zÀ-ÿ?.)].*?)\s+" + r"\s+".join([cell] * n) + r"\s*$")
        pending: tuple[int, str] | None = None
        pos = hm.end() + 1
        misses = 0
        while pos < len(text) and misses < 4:
            nl = text.find("\n", pos)
            line_end = nl if nl >= 0 else len(text)
            line = text[pos:line_end]
            stripped = line.strip()
            pos = line_end + 1
            if not stripped:
                continue
            if header_rx.fullmatch(line):
                break
            m = row_rx.match(stripped)
            if m:
                misses = 0
                label = " ".join(m.group("label").split())
                if pending and (label.startswith("(") or label[:1].islower()):
                    label = f"{pending[1]} {label}"
                pending = None
                row_a = line_end - len(line) + line.index(stripped)
                for k in range(n):
                    raw = m.group(k + 2).strip()
                    value = to_number(raw.rstrip("% "))
                    if raw.endswith("%"):
                        unit = _unit("percent")
                    else:
                        unit = (
                            _unit("grade") if ("," in raw or "." in raw) and value <= 10 else _unit("count")
                        )
                    yield (
                        label,
                        value,
                        unit,
                        years[k],
                        row_a,
                        row_a + len(stripped),
                        row_a,
                        row_a + len(stripped),
                    )
                continue
            if len(stripped) > 90 or stripped.endswith("."):
                break
            misses += 1
            if not stripped.isupper():
                pending = (pos, " ".join(stripped.split()))
