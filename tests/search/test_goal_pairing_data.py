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


@pytest.mark.parametrize("folder", [pairing.PLANS_DIR, pairing.HELDOUT_DIR], ids=["plans", "heldout"])
def test_every_plan_label_quotes_its_plans_verbatim(folder):
    """Labels of the plans part (and of the held-out plans) name statements of the newer plan and goals
    of the older one by their words; a statement or partner that no longer occurs in its plan would
    score as a silent miss."""
    specs = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.labels.json"))]
    assert len(specs) >= 2
    for spec in specs:
        assert any((folder / f"{spec[side]}.txt").exists() for side in ("older", "newer"))
        older = pairing.normalise_text(pairing._plan_text(spec["older"], folder))
        newer = pairing.normalise_text(pairing._plan_text(spec["newer"], folder))
        for goal in spec.get("older_goals", []):
            assert pairing.normalise_text(goal) in older, goal
        continuing = 0
        for item in spec["statements"]:
            assert pairing.normalise_text(item["text"]) in newer, item["text"]
            for cont in item.get("continues", []):
                assert pairing.normalise_text(cont["a"]) in older, cont["a"]
                assert cont["relation"] in ("same", "reworded", "sharpened", "weakened")
            continuing += bool(item.get("continues"))
        assert 0 < continuing < len(spec["statements"])  # both continuing and new goals


def test_statements_under_an_activities_heading_are_activities_not_goals():
    text = (
        "Jeugd\n\nWat willen we bereiken?\n\n1. Jongeren groeien veilig op in de gemeente.\n\n"
        "Wat gaan we daarvoor doen?\n\n- Jeugdgroepen bespreken we maandelijks in het JGO.\n"
    )
    lines = pairing._activity_lines(text)
    assert pairing._within(pairing.normalise_text("Jeugdgroepen bespreken we maandelijks in het JGO."), lines)
    assert not pairing._within(pairing.normalise_text("Jongeren groeien veilig op in de gemeente."), lines)
