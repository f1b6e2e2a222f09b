"""Which themes a document presents as its priorities, and in what order.

Signals, all driven by cue phrases in ontology/cues.json:
* a sentence that speaks of priorities ("de volgende prioriteiten", "speerpunt", "focus",
  "geprioriteerde thema's") names themes itself or introduces a list of them on the next lines
  (the list order gives the rank);
* the headings below a heading that announces the priorities part ("Prioriteiten",
  "De thema's binnen het veiligheidsbeleid", "De veiligheidsagenda met vijf thema's");
* themes that have their own chapter: table-of-contents entries and top-level headings.
Sentences with a negative cue ("overige", "regulier", "landelijk") never make priorities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.blocks import block_kind
from ingest.extract import AnalysedChunk, evidence_span, themes_in
from ingest.model import Evidence, ThemeFact
from ingest.segment import Segmentation
from ontology import language


@dataclass
class PrioritySignal:
    theme_id: str
    rank: int | None
    evidence: Evidence
    new: bool = False  # the sentence calls it a new priority


@lru_cache(maxsize=1)
def _cues() -> dict[str, list[re.Pattern[str]]]:
    priority = language.cues()["priority"]
    return {k: [re.compile(p, re.I) for p in v] for k, v in priority.items() if isinstance(v, list)}


def _any(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def is_priority_sentence(text: str) -> bool:
    """A sentence that announces priorities and is not about other/regular/national work."""
    lower = " ".join(text.lower().split())
    cues = _cues()
    return _any(cues["sentence"], lower) and not _any(cues["negative"], lower)


def _window() -> int:
    return int(language.cues()["priority"].get("list_window_lines", 16))


def _names_priority(text: str, start: int, end: int, introduces_list: bool) -> bool:
    """Whether a theme named at [start, end) of a priority sentence is itself called a priority.

    A sentence that introduces a list ("de volgende prioriteiten:") names its priorities in the list,
    so only themes after a colon inside it count; otherwise the theme must stand near the priority
    word ("een speerpunt van ons beleid", "de focus op jeugd"), not in a purpose clause further on."""
    if introduces_list:
        colon = text.find(":")
        return 0 <= colon < start and colon < len(text.rstrip()) - 1
    window = _priority_window()
    lower = text.lower()
    for pattern in _cues()["sentence"]:
        for m in pattern.finditer(lower):
            if m.start() - window <= end and start <= m.end() + window:
                return True
    return False


def _priority_window() -> int:
    return int(language.cues()["priority"].get("sentence_theme_window_chars", 60))


def priority_signals(
    analysed: list[AnalysedChunk], seg: Segmentation, source: str, clean_offsets: list[int]
) -> list[PrioritySignal]:
    """All priority signals in document order."""
    signals: list[PrioritySignal] = []
    cues = _cues()

    def evidence(ac: AnalysedChunk, s: int, e: int) -> Evidence:
        return evidence_span(ac, s, e, clean_offsets, source)

    # 1. priority sentences and the short lines that follow them
    flat = [(ac, sent) for ac in analysed for sent in ac.sentences]
    for i, (ac, sent) in enumerate(flat):
        if sent.line_kind == "heading" or not is_priority_sentence(sent.text):
            continue
        rank = 0
        introduces_list = sent.text.rstrip().endswith(
            tuple(language.cues()["priority_list_endings"])
        ) or bool(re.search(language.cues()["priority_list_words"], sent.text, re.I))
        for hit in ac.hits:
            if hit.concept_type == "theme" and sent.start <= hit.start < sent.end:
                if _names_priority(sent.text, hit.start - sent.start, hit.end - sent.start, introduces_list):
                    new = _any(cues.get("new", []), " ".join(sent.text.lower().split()))
                    signals.append(
                        PrioritySignal(hit.concept_id, None, evidence(ac, sent.start, sent.end), new=new)
                    )
        if not introduces_list:
            continue
        for ac2, nxt in flat[i + 1 : i + 1 + _window()]:
            words = len(nxt.text.split())
            if _any(cues["negative"], nxt.text.lower()) or (words > 12 and nxt.line_kind != "bullet"):
                if rank:
                    break
                continue
            named = [h for h in ac2.hits if h.concept_type == "theme" and nxt.start <= h.start < nxt.end]
            if named:
                rank += 1
            for hit in named[:1]:
                signals.append(PrioritySignal(hit.concept_id, rank, evidence(ac2, nxt.start, nxt.end)))
    # 2. headings below a heading that announces the priorities part
    for idx, section in enumerate(seg.sections):
        if not _any(cues["heading"], section.title.lower()):
            continue
        rank = 0
        for later in seg.sections[idx + 1 :]:
            if later.path[: len(section.path)] != section.path:
                break
            if block_kind(later.title):
                continue
            for theme in later.theme_ids[:1]:
                rank += 1
                span = Evidence("", later.start, later.start + len(later.title), later.title)
                signals.append(PrioritySignal(theme, None, span))
    # 3. chapters: table-of-contents entries and top-level headings naming a theme
    toc = [line for line in seg.lines if line.kind == "toc"]
    rank = 0
    for line in toc:
        title = re.sub(r"[\s.…]*\d{1,3}$", "", line.text).strip()
        title = re.sub(r"^\d{1,2}(\.\d{1,2})*\.?\s+", "", title)
        for theme in themes_in(title)[:1]:
            rank += 1
            start, end = clean_offsets[line.start], clean_offsets[line.end - 1] + 1
            signals.append(PrioritySignal(theme, rank, Evidence("", start, end, title)))
    top = [s for s in seg.sections if s.level == 1]
    if len(top) >= 3:
        for section in top:
            for theme in section.theme_ids[:1]:
                span = Evidence("", section.start, section.start + len(section.title), section.title)
                signals.append(PrioritySignal(theme, None, span))
    return signals


def _passage_at(analysed: list[AnalysedChunk], offset: int) -> str | None:
    """The id of the passage whose source span holds ``offset`` (None between passages)."""
    for ac in analysed:
        passage = ac.chunk.passage
        if passage.start <= offset < passage.end:
            return passage.id
    return None


def theme_facts(
    analysed: list[AnalysedChunk],
    seg: Segmentation,
    source: str,
    clean_offsets: list[int],
    max_evidence: int = 5,
) -> list[ThemeFact]:
    """One ThemeFact per theme mentioned; priority and rank from the signals."""
    facts: dict[str, ThemeFact] = {}
    for ac in analysed:
        for hit in ac.hits:
            if hit.concept_type != "theme":
                continue
            fact = facts.setdefault(hit.concept_id, ThemeFact(hit.concept_id))
            if len(fact.evidence) < max_evidence:
                cs, ce = ac.chunk.clean_start + hit.start, ac.chunk.clean_start + hit.end
                sent = ac.sentence_at(hit.start)
                qs, qe = (sent.start, sent.end) if sent else (hit.start, hit.end)
                q_start = clean_offsets[ac.chunk.clean_start + qs]
                q_end = clean_offsets[ac.chunk.clean_start + qe - 1] + 1
                fact.evidence.append(
                    Evidence(
                        ac.chunk.passage.id,
                        clean_offsets[cs],
                        clean_offsets[ce - 1] + 1,
                        " ".join(source[q_start:q_end].split())[:200],
                    )
                )
    for signal in priority_signals(analysed, seg, source, clean_offsets):
        fact = facts.setdefault(signal.theme_id, ThemeFact(signal.theme_id))
        fact.priority = True
        fact.declared_new = fact.declared_new or signal.new
        if signal.rank is not None and fact.rank is None:  # the first ranked list wins
            fact.rank = signal.rank
        evidence = signal.evidence
        if not evidence.passage_id:  # a heading or contents line: cite the passage it stands in
            passage_id = _passage_at(analysed, evidence.start)
            found = Evidence(passage_id, evidence.start, evidence.end, evidence.quote)
            evidence = found if passage_id else None
        if evidence is not None and len(fact.evidence) < max_evidence + 3:
            fact.evidence.insert(0, evidence)
    return sorted(facts.values(), key=lambda f: (not f.priority, f.rank or 999, f.concept_id))
