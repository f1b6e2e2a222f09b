"""Goals: ambitions, objectives, results and commitments, verbatim from the text.

Two sources, both cue-driven (ontology/cues.json):
* lines under goal blocks ("Ambitie(s)", "Doelstellingen", "Wat willen we bereiken?", "Wat gaan we
  doen?", "Wat hebben we over 4 jaar bereikt?"): list items are goals of the block's type, the
  statement right under an "Ambitie" heading is the ambition itself;
* sentences elsewhere, and running text inside non-ambition goal blocks, with a goal cue ("ons doel
  is", "streven naar", "we willen ... verminderen", "als streefcijfer", a dated "zal").
Each goal is linked to the theme of its section path.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.blocks import goal_types
from ingest.clean import BULLET_RE
from ingest.extract import AnalysedChunk, evidence_span
from ingest.model import Goal
from ontology import language

MIN_GOAL_WORDS = 3
_MARKER_RE = re.compile(r"^(?:[•·▪●◦■□➢►✓\-–—*!]\s*)?(?:\(?\d{1,2}[.)]\s*|\(?[a-z][.)]\s+)?")


@lru_cache(maxsize=1)
def _sentence_cues() -> list[tuple[str, re.Pattern[str]]]:
    cues = language.cues().get("goal_sentences", {})
    return [(kind, re.compile(p, re.I)) for kind, patterns in cues.items() for p in patterns]


@lru_cache(maxsize=1)
def _lead_ins() -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in language.cues().get("goal_lead_ins", [])]


def is_lead_in(text: str) -> bool:
    """A line that only announces the goals below it ("Deze ambitie willen we bereiken door:")."""
    lower = _norm(text)
    return any(p.search(lower) for p in _lead_ins())


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def goal_type_of_sentence(text: str) -> str | None:
    """Goal type a free-standing sentence expresses, if any."""
    lower = _norm(text)
    for kind, pattern in _sentence_cues():
        if pattern.search(lower):
            return kind
    return None


def extract_goals(
    doc_id: str, analysed: list[AnalysedChunk], source: str, clean_offsets: list[int]
) -> list[Goal]:
    """Goals in document order, de-duplicated on their text."""
    block_types = goal_types()
    goals: list[Goal] = []
    seen: set[str] = set()

    def add(ac: AnalysedChunk, s: int, e: int, goal_type: str, group: str | None) -> None:
        raw = ac.chunk.passage.text[s:e]
        marker = _MARKER_RE.match(raw)
        s += marker.end() if marker else 0
        text = " ".join(ac.chunk.passage.text[s:e].split())
        if len(text.split()) < MIN_GOAL_WORDS or _norm(text) in seen or is_lead_in(text):
            return
        seen.add(_norm(text))
        themes = ac.chunk.passage.theme_ids
        goals.append(
            Goal(
                id=f"{doc_id}/goal/{len(goals) + 1}",
                text=text,
                goal_type=goal_type,
                theme_id=themes[0] if themes else None,
                evidence=evidence_span(ac, s, e, clean_offsets, source),
                group=group,
            )
        )

    for ac in analysed:
        block = ac.chunk.block
        path = ac.chunk.passage.section_path
        group = path[-1] if path else None
        text = ac.chunk.passage.text
        if block in block_types:
            goal_type = block_types[block]
            for line in ac.chunk.lines:
                s, e = line.start - ac.chunk.clean_start, line.end - ac.chunk.clean_start
                if line.kind == "heading" or s < 0 or e > len(text):
                    continue
                body = text[s:e].strip()
                if line.kind == "bullet" or BULLET_RE.match(body):
                    add(ac, s, e, goal_type, group)
                elif block == "ambitie" and not body.endswith(":"):
                    # the ambition statement itself (one line under the heading)
                    add(ac, s, e, "ambitie", group)
                elif body.endswith(":") and block == "ambitie":
                    add(ac, s, e, "ambitie", group)
            if block == "ambitie":
                continue
        for sent in ac.sentences:
            # in other goal blocks, running text is read like text elsewhere: by its goal cues
            if sent.line_kind == "heading" or (block in block_types and sent.line_kind != "text"):
                continue
            goal_type = goal_type_of_sentence(sent.text)
            if goal_type:
                add(ac, sent.start, sent.end, goal_type, group)
    return goals
