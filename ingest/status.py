"""Mention is not use: decide what a document says about an instrument.

Each instrument mention gets a status from the words around it (cue phrases in ontology/cues.json,
tested on the sentence text and on its lemmas), else from the block it stands in ("Wat doen we op
dit moment al?" → toegepast, "Doelstellingen" → voornemen).  A heading naming an instrument takes
the status its section body gives; a title with no body (a chart title) is only "genoemd".  The
document-level status is the strongest claim over all mentions, with all evidence kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.model import STATUSES
from ingest.nlp import load_cues

DEFAULT_STATUS = "genoemd"
GOAL_BLOCKS = ("doelstellingen", "aanpak", "bereiken", "ambitie")


@lru_cache(maxsize=1)
def _status_patterns() -> list[tuple[str, re.Pattern[str]]]:
    cues = load_cues()["status"]
    return [(status, re.compile(p, re.I)) for status in STATUSES for p in cues.get(status, [])]


@lru_cache(maxsize=1)
def _infinitive_bullet() -> re.Pattern[str]:
    return re.compile(load_cues()["status_infinitive_bullet"], re.I)


def sentence_status(text: str, lemmas: str = "") -> str | None:
    """Status a sentence's own words express, or None when it has no cue."""
    lower = " ".join(text.lower().split())
    for status, pattern in _status_patterns():
        if pattern.search(lower) or (lemmas and pattern.search(lemmas)):
            return status
    return None


def is_lone_title(text: str, line_kind: str) -> bool:
    """A short line without sentence punctuation that is not a list item: a title or chart caption."""
    stripped = text.strip()
    return (
        line_kind != "bullet" and len(stripped.split()) <= 10 and not stripped.endswith((".", "!", "?", ":"))
    )


def mention_status(
    text: str,
    lemmas: str,
    line_kind: str,
    block: str | None,
    section_body: list[tuple[str, str]] | None = None,
) -> str:
    """Status of one instrument mention.

    ``text``/``lemmas`` are the sentence that names the instrument, ``line_kind`` the kind of line it
    stands on, ``block`` the block kind of its section; ``section_body`` the (text, lemmas) of the first
    body sentences when the mention is in a heading.
    """
    if line_kind == "heading":
        for body_text, body_lemmas in section_body or []:
            found = sentence_status(body_text, body_lemmas)
            if found:
                return found
        return DEFAULT_STATUS if not section_body else _block_status(block) or "toegepast"
    found = sentence_status(text, lemmas)
    if found:
        return found
    if block in GOAL_BLOCKS and (line_kind == "bullet" or _infinitive_bullet().match(text.strip())):
        return "voornemen"
    block_status = _block_status(block)
    if block_status:
        return block_status
    if is_lone_title(text, line_kind):
        return DEFAULT_STATUS
    return DEFAULT_STATUS


def _block_status(block: str | None) -> str | None:
    return load_cues().get("status_blocks", {}).get(block or "")


def strongest(statuses: list[str]) -> str:
    """Document-level status: the strongest claim among the mentions (toegepast first)."""
    known = [s for s in statuses if s in STATUSES]
    if not known:
        return DEFAULT_STATUS
    return min(known, key=STATUSES.index)
