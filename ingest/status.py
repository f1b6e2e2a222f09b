"""Mention is not use: decide what a document says about an instrument.

A status comes, in this order, from

1. the words of the mention's own clause, then of its sentence: cue phrases in ontology/cues.json,
   tried group by group in the order ``status._order`` gives (non-use first: "niet meer deelnemen",
   "onderzoeken of", "volgen van de ontwikkelingen", definitions and data sources; then past tense and
   continuation; then future and intention; then present-tense use).  A mention governed by a
   framework preposition ("conform het uitvoeringsplan", "op basis van het convenant") is in force;
2. the block it stands in: list items and infinitive lines under a goal block ("Doelstellingen", "Wat
   willen we bereiken?") are intentions, and there only a non-use or continuation cue overrides the
   block (a present-tense sentence in a goal block describes the state aimed for, not practice).
   Under an activity block ("Wat gaan we hiervoor doen?") a use cue of the line also beats the block
   (``status_block_keeps_extra``): a plan's activities include what the municipality already does.
   Lines under "Wat doen we al?" are use, under "Voorbeelden" only mentions; an indicator list
   ("Effectindicatoren") says what will be measured, not what is used, so it gives no status;
3. the kind of line: a title with no body (a chart or table title) only mentions the instrument, while
   any other statement of a policy document is taken as describing the municipality's practice
   (``status_statement_default``) — policy text speaks in the descriptive present.

A heading naming an instrument takes the status its section body gives.  The document-level status
is the strongest claim among the mentions decided by a cue or a block; the default reading of a bare
statement counts only when no mention says more.  Each cue's precision is measured on the dev sets by
``python -m ingest.evaluate --cues`` (cues that decided wrongly more often than right were removed).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ingest.blocks import block_status, is_intention_block
from ingest.model import STATUSES
from ontology import language

DEFAULT_STATUS = "genoemd"


@lru_cache(maxsize=1)
def _status_groups() -> list[tuple[str, str, list[re.Pattern[str]]]]:
    """(group name, status, patterns) in the order the cues file gives."""
    cues = language.cues()["status"]
    order = cues.get("_order") or [k for k in cues if not k.startswith("_")]
    groups = []
    for name in order:
        status = name.split(":", 1)[0]
        if status not in STATUSES:
            raise ValueError(f"cues.json status group {name!r}: unknown status {status!r}")
        groups.append((name, status, [re.compile(p, re.I) for p in cues.get(name, [])]))
    return groups


@lru_cache(maxsize=1)
def _infinitive_bullet() -> re.Pattern[str]:
    return re.compile(language.cues()["status_infinitive_bullet"], re.I)


@lru_cache(maxsize=1)
def _clause_boundary() -> re.Pattern[str]:
    return re.compile(language.cues()["status_clause_boundary"], re.I)


@lru_cache(maxsize=1)
def _framework_before() -> re.Pattern[str]:
    return re.compile(language.cues()["status_framework_before"] + r"\s*$", re.I)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def sentence_cue(
    text: str, lemmas: str = "", span: tuple[int, int] | None = None
) -> tuple[str, str, str] | None:
    """(cue group, status, cue pattern) of the first cue a text matches, or None.

    With ``span`` (the mention's offsets in ``text``), an anchored group ("Uitvoeren van de", "Werken
    met het") counts only when its match stands right before the mention."""
    lower = _norm(text)
    anchored = set(language.cues().get("status_anchored_groups", []))
    for name, status, patterns in _status_groups():
        for p in patterns:
            if name in anchored and span is not None:
                m = p.search(text.lower())
                if m and m.end() <= span[0] and len(text[m.end() : span[0]].split()) <= 1:
                    return name, status, p.pattern
                continue
            if p.search(lower) or (lemmas and p.search(lemmas)):
                return name, status, p.pattern
    return None


def sentence_status(text: str, lemmas: str = "") -> str | None:
    """Status a sentence's own words express, or None when it has no cue."""
    found = sentence_cue(text, lemmas)
    return found[1] if found else None


def clause_of(text: str, start: int, end: int, contrast_only: bool = False) -> str:
    """The clause of ``text`` around [start, end): cut at ", maar", ";", ", zodat" and the like
    (only at contrastive boundaries — ", maar", ", terwijl" — when ``contrast_only``)."""
    boundary = _clause_boundary()
    cuts = [0, len(text)]
    for m in boundary.finditer(text):
        if not contrast_only or re.search(language.cues()["status_contrast_boundary"], m.group(0), re.I):
            cuts.append(m.start())
    cuts = sorted(set(cuts))
    for left, right in zip(cuts, cuts[1:], strict=False):
        if left <= start < right:
            return text[left : max(right, end)]
    return text


def is_lone_title(text: str, line_kind: str) -> bool:
    """A short line without sentence punctuation that is not a list item: a title or chart caption."""
    stripped = text.strip()
    return (
        line_kind != "bullet" and len(stripped.split()) <= 10 and not stripped.endswith((".", "!", "?", ":"))
    )


def _block_keeps(block: str | None) -> set[str]:
    """Cue groups that beat an intention block's reading of its list items: non-use and continuation
    everywhere; in an activity block ("Wat gaan we doen?") also present-tense use, since a plan's
    activities include what the municipality already does (a goal block's present tense describes
    the state aimed for instead)."""
    cues = language.cues()
    extra = cues.get("status_block_keeps_extra", {}).get(block or "", [])
    return set(cues.get("status_goal_block_keeps", [])) | set(extra)


def _cue_for_mention(text: str, lemmas: str, span: tuple[int, int] | None) -> tuple[str, str, str] | None:
    """Cue of the mention's clause, else of its part of a contrast ("..., maar ..."), else of its
    sentence; a framework preposition right before the mention ("conform het plan") says the
    instrument is in force."""
    if span is None:
        return sentence_cue(text, lemmas)
    start = span[0]
    if _framework_before().search(_norm(text[max(0, start - 40) : start]) + " "):
        return "toegepast:kader", "toegepast", language.cues()["status_framework_before"]
    return _cue_of_clause(text, lemmas, span)


def _cue_of_clause(text: str, lemmas: str, span: tuple[int, int]) -> tuple[str, str, str] | None:
    """Cue of the mention's clause, else of its part of a contrast, else of its sentence."""
    start, end = span
    clause = clause_of(text, start, end)
    segment = clause_of(text, start, end, contrast_only=True)
    offset = text.find(clause)
    found = sentence_cue(clause, "", (start - offset, end - offset)) if clause != text else None
    if found:
        return found
    if segment != text:
        offset = text.find(segment)
        return sentence_cue(segment, "", (start - offset, end - offset))
    return sentence_cue(text, lemmas, span)


# How a mention's status was decided: its own words, its block, or only the default reading of a
# statement (``document_status`` lets the mentions with a cue or block decide before the defaults).
BASES = ("cue", "block", "default")


class Decision(NamedTuple):
    status: str
    basis: str  # one of BASES
    # what decided, for measuring precision: "group: pattern" of a cue, "(block <kind>)" of a block,
    # "(default statement)" or "(default title)" of the default readings
    cue: str | None = None


def _by_block(status: str, block: str | None) -> Decision:
    return Decision(status, "block", f"(block {block})")


def _by_default(status: str, kind: str) -> Decision:
    return Decision(status, "default", f"(default {kind})")


def _by_cue(cue: tuple[str, str, str]) -> Decision:
    return Decision(cue[1], "cue", f"{cue[0]}: {cue[2]}")


def mention_decision(
    text: str,
    lemmas: str,
    line_kind: str,
    block: str | None,
    section_body: list[tuple[str, str]] | None = None,
    span: tuple[int, int] | None = None,
) -> Decision:
    """Status of one instrument mention, with how it was decided.

    ``text``/``lemmas`` are the sentence that names the instrument, ``line_kind`` the kind of line it
    stands on, ``block`` the block kind of its section; ``section_body`` the (text, lemmas) of the first
    body sentences when the mention is in a heading; ``span`` the mention's offsets in ``text`` when
    known (its clause then decides before the whole sentence does).
    """
    if line_kind == "heading":
        return _heading_status(block, section_body)
    cue = _cue_for_mention(text, lemmas, span)
    in_goal_list = is_intention_block(block) and (
        line_kind == "bullet" or bool(_infinitive_bullet().match(text.strip()))
    )
    if in_goal_list:
        if cue and cue[0] in _block_keeps(block):
            return _by_cue(cue)
        return _by_block("voornemen", block)
    if cue:
        return _by_cue(cue)
    from_block = block_status(block)
    if from_block:
        return _by_block(from_block, block)
    if is_lone_title(text, line_kind):
        return _by_default(DEFAULT_STATUS, "title")
    return _by_default(_statement_default(), "statement")


def _heading_status(block: str | None, section_body: list[tuple[str, str]] | None) -> Decision:
    """A heading takes the first cue of its body; a heading with no body is a title only.

    Under a goal block the body describes the state aimed for, so only a non-use cue there beats
    the block's intention."""
    if not section_body:
        return _by_default(DEFAULT_STATUS, "title")
    for body_text, body_lemmas in section_body:
        cue = sentence_cue(body_text, body_lemmas)
        if not cue:
            continue
        if is_intention_block(block) and (cue[1] == "toegepast" or cue[0] not in _block_keeps(None)):
            return _by_block("voornemen", block)
        return _by_cue(cue)
    if is_intention_block(block):
        return _by_block("voornemen", block)
    from_block = block_status(block)
    if from_block:
        return _by_block(from_block, block)
    return _by_default(_statement_default(), "statement")


def _statement_default() -> str:
    return language.cues().get("status_statement_default", DEFAULT_STATUS)


def strongest(statuses: list[str]) -> str:
    """The strongest claim among statuses (toegepast first)."""
    known = [s for s in statuses if s in STATUSES]
    if not known:
        return DEFAULT_STATUS
    return min(known, key=STATUSES.index)


def document_status(decisions: list[Decision]) -> str:
    """Document-level status from its mentions' (status, basis): the strongest claim among the mentions
    with the most telling basis.  A sentence that names an instrument without any cue is read as
    practice only when no sentence says more about it ("we gaan X opzetten" beats a bare "X")."""
    told = [d.status for d in decisions if d.basis != "default"]
    return strongest(told or [d.status for d in decisions])
