"""The project's Dutch language data, loaded in one place.

Every word list and cue phrase the code reads lives in a data file of ontology/ and is loaded here,
so a new document style or a new municipality's wording is a data edit, never a code edit:

* ``cues()`` — ``cues.json``: block headings, instrument-status cue groups, priority and goal cues,
  partner roles, lemma exceptions, hyphenation keepers, the concept types whose names enclose other
  hits (ingest/segment, status, themes, goals, nlp, matcher);
* ``number_cues()`` — ``number_cues.json``: comparators, units, number words, target and indicator
  phrases (ingest/targets);
* ``metadata_cues()`` — ``metadata_cues.json``: months, date and period phrases, title fields,
  municipality prefixes and name particles (ingest/metadata, search/engine);
* ``goal_scope()`` — ``goal_scope.json``: words naming the groups and areas a goal covers
  (search/goal_match: wider or narrower scope of a continuing goal);
* ``status_labels()`` — display labels of the instrument statuses, from the status scheme in
  ``statuses.ttl``.

The files are read once per process and must be treated as read-only.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from typing import Any

from ontology import ONTOLOGY_DIR

CUES_FILE = ONTOLOGY_DIR / "cues.json"
NUMBER_CUES_FILE = ONTOLOGY_DIR / "number_cues.json"
METADATA_CUES_FILE = ONTOLOGY_DIR / "metadata_cues.json"
GOAL_SCOPE_FILE = ONTOLOGY_DIR / "goal_scope.json"


@cache
def _read(name: str) -> dict[str, Any]:
    return json.loads((ONTOLOGY_DIR / name).read_text(encoding="utf-8"))


def cues() -> dict[str, Any]:
    """Cue phrases of the text analysis (blocks, statuses, priorities, goals, partner roles, lemmas)."""
    return _read(CUES_FILE.name)


def number_cues() -> dict[str, Any]:
    """Cue phrases for numbers: comparators, units, number words, target and indicator phrases."""
    return _read(NUMBER_CUES_FILE.name)


def metadata_cues() -> dict[str, Any]:
    """Cue phrases for document metadata: months, dates, periods, titles, municipality names."""
    return _read(METADATA_CUES_FILE.name)


def goal_scope() -> dict[str, dict[str, list[str]]]:
    """Scope words of goals: ``{"groups": {name: [words]}, "areas": {name: [words]}}``."""
    data = _read(GOAL_SCOPE_FILE.name)
    return {kind: data[kind] for kind in ("groups", "areas")}


def name_particles() -> tuple[str, ...]:
    """Lower-case words inside municipality names ("Bergen op Zoom", "Capelle aan den IJssel")."""
    return tuple(metadata_cues()["municipality_name_particles"])


@lru_cache(maxsize=1)
def status_labels() -> dict[str, str]:
    """Status local name ("geen_deelname") → its Dutch preferred label from the status scheme."""
    from ontology.vocabulary import concepts_of_type

    return {c.id.split(":", 1)[1]: c.pref_label for c in concepts_of_type("status")}
