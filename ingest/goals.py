"""Goals: ambitions, objectives, results and commitments, verbatim from the text.

Two sources, both cue-driven (ontology/cues.json):
* lines under goal blocks ("Ambitie(s)", "Doelstellingen", "Wat willen we bereiken?", "Wat gaan we
  doen?", "Wat hebben we over 4 jaar bereikt?"): list items are goals of the block's type, the
  statement right under an "Ambitie" heading is the ambition itself, and so is a one-sentence answer
  right under "Wat willen we bereiken?";
* sentences elsewhere, and running text inside non-ambition goal blocks, with a goal cue ("ons doel
  is", "streven naar", "we willen ... verminderen", "als streefcijfer", a dated "zal").
Each goal is linked to the theme of its section path.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from ingest.blocks import goal_types
from ingest.clean import BULLET_RE
from ingest.extract import AnalysedChunk, evidence_span
from ingest.model import Goal
from ontology import language

MIN_GOAL_WORDS = 3
RESTATED_SHARE = 0.8  # share of a sentence's content lemmas found in a listed goal: it restates it
MIN_RESTATED_LEMMAS = 3  # fewer content lemmas say too little to call two goals the same
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
    """Goals in document order, de-duplicated on their text; a sentence that restates a goal listed
    under a goal heading of the same theme is that goal (``drop_restated``)."""
    block_types = goal_types()
    goals: list[Goal] = []
    seen: set[str] = set()
    lemmas: dict[str, frozenset[str]] = {}
    from_sentence: set[str] = set()

    def add(
        ac: AnalysedChunk, s: int, e: int, goal_type: str, group: str | None, sentence: bool = False
    ) -> None:
        raw = ac.chunk.passage.text[s:e]
        marker = _MARKER_RE.match(raw)
        s += marker.end() if marker else 0
        text = " ".join(ac.chunk.passage.text[s:e].split())
        if len(text.split()) < MIN_GOAL_WORDS or _norm(text) in seen or is_lead_in(text):
            return
        seen.add(_norm(text))
        themes = ac.chunk.passage.theme_ids
        goal_id = f"{doc_id}/goal/{len(goals) + 1}"
        lemmas[goal_id] = _content_lemmas(ac, s, e)
        if sentence:
            from_sentence.add(goal_id)
        goals.append(
            Goal(
                id=goal_id,
                text=text,
                goal_type=goal_type,
                theme_id=themes[0] if themes else None,
                evidence=evidence_span(ac, s, e, clean_offsets, source),
                group=group,
            )
        )

    opened: set[tuple[str, ...]] = set()  # goal blocks whose first body line has been read
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
                first = path not in opened
                opened.add(path)
                if line.kind == "bullet" or BULLET_RE.match(body):
                    add(ac, s, e, goal_type, group)
                elif (
                    block in STATEMENT_BLOCKS and first and _one_sentence(ac, s, e) and not body.endswith(":")
                ):
                    # "Wat willen we bereiken?" answered in one sentence: that sentence is the ambition
                    add(ac, s, e, "ambitie", group)
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
                add(ac, sent.start, sent.end, goal_type, group, sentence=True)
    return drop_restated(doc_id, goals, lemmas, from_sentence)


STATEMENT_BLOCKS = frozenset({"bereiken"})  # blocks that ask for the intended outcome itself


def _one_sentence(ac: AnalysedChunk, s: int, e: int) -> bool:
    """The line [s, e) of the chunk is a single sentence."""
    return sum(1 for sent in ac.sentences if sent.start < e and sent.end > s) == 1


def _content_lemmas(ac: AnalysedChunk, s: int, e: int) -> frozenset[str]:
    """Lower-case lemmas of the content words and the numbers (as written) of a goal's span."""
    span = ac.doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return frozenset()
    return frozenset(
        t.text if _NUMBER_RE.search(t.text) else (t.lemma_ or t.text).lower()
        for t in span
        if _NUMBER_RE.search(t.text) or (t.is_alpha and not t.is_stop and len(t.text) > 1)
    )


_NUMBER_RE = re.compile(r"\d")


def restates(sentence: frozenset[str], listed: frozenset[str]) -> bool:
    """A sentence says again what a listed goal says: nearly all its content lemmas are in the listed
    goal and it names no number the listed goal lacks (a value or year makes it a target of its own).
    "We willen ondermijnende criminaliteit voorkomen en bestrijden." restates the ambition "Het
    voorkomen en bestrijden van ondermijnende criminaliteit, door:"; the other way round it need not."""
    numbers = {w for w in sentence if _NUMBER_RE.search(w)}
    return (
        len(sentence) >= MIN_RESTATED_LEMMAS
        and len(sentence & listed) >= RESTATED_SHARE * len(sentence)
        and numbers <= listed
    )


def drop_restated(
    doc_id: str, goals: list[Goal], lemmas: dict[str, frozenset[str]], from_sentence: set[str]
) -> list[Goal]:
    """Goals without the sentences that restate a goal listed under a goal heading of the same theme
    (a plan that states a chapter's ambition as a heading's statement and again in its running text
    has one ambition, not two); renumbered in document order."""
    listed = [g for g in goals if g.id not in from_sentence]
    kept = [
        g
        for g in goals
        if g.id not in from_sentence
        or not any(h.theme_id == g.theme_id and restates(lemmas[g.id], lemmas[h.id]) for h in listed)
    ]
    return [replace(g, id=f"{doc_id}/goal/{n}") for n, g in enumerate(kept, 1)]
