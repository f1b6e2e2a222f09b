"""Block kinds: the recurring headings of policy documents ("Wat willen we bereiken?", "Wat doen we al?").

Which heading announces which block, and what a block says about the lines under it (the goal type
of its list items, the status of an instrument named there), is cue data in ``ontology/cues.json``
(``blocks``, ``goal_blocks``, ``status_blocks``, ``status_intention_blocks``); this module reads it
for cleaning, segmentation, status, themes and goals alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ontology import language

MAX_HEADING_WORDS = 12


@lru_cache(maxsize=1)
def _block_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (kind, re.compile(p, re.I))
        for kind, patterns in language.cues().get("blocks", {}).items()
        for p in patterns
    ]


def block_kind(title: str) -> str | None:
    """Block kind a heading announces ("ambitie", "doelstellingen", ...), or None."""
    norm = " ".join(title.strip().strip("•-–:").split()).lower()
    if len(norm.split()) > MAX_HEADING_WORDS:
        return None
    for kind, pattern in _block_patterns():
        if pattern.search(norm):
            return kind
    return None


def goal_types() -> dict[str, str]:
    """Block kind → goal type of its list items (``goal_blocks``)."""
    return language.cues().get("goal_blocks", {})


def block_status(block: str | None) -> str | None:
    """Status an instrument named in this block has when its sentence has no cue of its own."""
    return language.cues().get("status_blocks", {}).get(block or "")


def is_intention_block(block: str | None) -> bool:
    """Whether list items under this block state intentions (goals, plans) rather than practice."""
    return block in language.cues().get("status_intention_blocks", ())
