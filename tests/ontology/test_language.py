"""The language data lives in ontology/ and is read through ontology.language only."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.model import STATUSES, USE_STATUSES
from ontology import language
from ontology.vocabulary import concepts_of_type

ROOT = Path(__file__).resolve().parents[2]
CUE_FILES = (
    language.CUES_FILE.name,
    language.NUMBER_CUES_FILE.name,
    language.METADATA_CUES_FILE.name,
    language.GOAL_SCOPE_FILE.name,
)


def test_statuses_are_the_status_scheme_and_use_statuses_a_part_of_it():
    scheme = {c.id.split(":", 1)[1] for c in concepts_of_type("status")}
    assert set(STATUSES) == scheme
    assert len(STATUSES) == len(scheme)
    assert set(USE_STATUSES) < set(STATUSES)


def test_status_labels_come_from_the_status_scheme():
    labels = language.status_labels()
    assert set(labels) == set(STATUSES)
    assert labels["beeindigd"] == "beëindigd"
    assert labels["geen_deelname"] == "geen deelname"


def test_block_kinds_named_by_goal_and_status_cues_are_defined_blocks():
    cues = language.cues()
    kinds = set(cues["blocks"])
    named = set(cues["goal_blocks"]) | set(cues["status_blocks"]) | set(cues["status_intention_blocks"])
    assert named, "cue data names no block kinds"
    assert named <= kinds, f"undefined block kinds: {sorted(named - kinds)}"


def test_status_blocks_name_known_statuses():
    assert set(language.cues()["status_blocks"].values()) <= set(STATUSES)


def test_name_particles_are_lower_case_words_of_municipality_names():
    from ontology.municipalities import load_municipalities

    particles = language.name_particles()
    assert particles and all(p.islower() and " " not in p for p in particles)
    words = {w for r in load_municipalities() for w in r.name.split()}
    assert {"aan", "den", "op"} <= words & set(particles)


def test_no_module_reads_the_cue_files_but_the_language_module():
    """No module names a cue file as a path (in a string literal) except ontology/language.py."""
    readers = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or path.parts[len(ROOT.parts)] in ("tests", "benchmarks"):
            continue
        if path == ROOT / "ontology" / "language.py":
            continue
        text = path.read_text(encoding="utf-8")
        if any(re.search(r"[\"'](?:[^\"'\n]*/)?" + re.escape(name) + r"[\"']", text) for name in CUE_FILES):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []
