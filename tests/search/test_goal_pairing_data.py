"""The development pairing (benchmarks/goal_pairing) names its gold partners by text, so a label can
never silently point at another goal: a source that names no goal, or more than one, stops the loader."""

from __future__ import annotations

import json

import pytest

from benchmarks.goal_pairing import select_thresholds as pairing

GOALS = [
    {"id": "d/goal/1", "text": "Het voorkomen en bestrijden van ondermijnende criminaliteit, door:"},
    {"id": "d/goal/2", "text": "We willen ondermijnende criminaliteit voorkomen en bestrijden."},
    {"id": "d/goal/3", "text": "Actualiseren van het Damoclesbeleid"},
]


def test_a_source_is_named_by_a_unique_piece_of_its_text_or_by_its_number():
    assert pairing._sources(GOALS, "actualiseren van het damoclesbeleid", "t") == [2]
    assert pairing._sources(GOALS, "Actualiseren van het Damocles", "t") == [2]  # normalised like the goals
    assert pairing._sources(GOALS, 2, "t") == [1]


def test_a_merge_lists_every_goal_it_joins():
    merged = ["het voorkomen en bestrijden", "we willen ondermijnende"]
    assert pairing._sources(GOALS, merged, "t") == [0, 1]


@pytest.mark.parametrize("source", ["ondermijnende criminaliteit", "drugspanden sluiten"])
def test_a_source_that_names_several_goals_or_none_stops_the_loader(source):
    with pytest.raises(SystemExit, match="names"):
        pairing._sources(GOALS, source, "t")


def test_every_quoted_label_of_the_committed_pairing_names_exactly_its_statements():
    """The quoted sides need no store: their labels are checked here, on every run."""
    generated = json.loads(pairing.GENERATED_FILE.read_text(encoding="utf-8"))["documents"]
    quoted = {name: e for name, e in generated.items() if "a_quoted" in e}
    assert quoted
    for name, entry in quoted.items():
        for item in entry["rewordings"]:
            assert pairing._sources(entry["a_quoted"], item["source"], name)
    real = json.loads(pairing.REAL_FILE.read_text(encoding="utf-8"))["pairs"]
    with_quoted_a = [p for p in real if "quoted" in p["a"]]
    assert with_quoted_a
    for pair in with_quoted_a:
        statements = [pairing.normalise_text(q["text"]) for q in pair["a"]["quoted"]]
        for item in pair["b"]["quoted"]:
            for cont in item.get("continues", []):
                key = pairing.normalise_text(cont["a"])
                assert sum(key in s for s in statements) == 1, (pair["name"], cont["a"])


def _document_text(doc_id: str) -> str:
    """A written plan of the pairing, or a corpus document, as one normalised string."""
    from pathlib import Path

    written = pairing.PLANS_DIR / f"{doc_id}.txt"
    path = written if written.exists() else Path(__file__).resolve().parents[2] / "corpus" / f"{doc_id}.txt"
    return pairing.normalise_text(path.read_text(encoding="utf-8"))


def test_every_plan_label_quotes_its_plans_verbatim():
    """Labels of the plans part name statements of the newer plan and goals of the older one by their
    words; a statement or partner that no longer occurs in its plan would score as a silent miss."""
    specs = [
        json.loads(f.read_text(encoding="utf-8")) for f in sorted(pairing.PLANS_DIR.glob("*.labels.json"))
    ]
    assert len(specs) >= 2
    for spec in specs:
        assert any((pairing.PLANS_DIR / f"{spec[side]}.txt").exists() for side in ("older", "newer"))
        older, newer = _document_text(spec["older"]), _document_text(spec["newer"])
        continuing = 0
        for item in spec["statements"]:
            assert pairing.normalise_text(item["text"]) in newer, item["text"]
            for cont in item.get("continues", []):
                assert pairing.normalise_text(cont["a"]) in older, cont["a"]
                assert cont["relation"] in ("same", "reworded", "sharpened", "weakened")
            continuing += bool(item.get("continues"))
        assert 0 < continuing < len(spec["statements"])  # both continuing and new goals
