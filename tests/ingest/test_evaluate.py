"""The dev-set scorer: municipalities-set conventions (accept_ids, acceptable, must_not), the majority
baseline of status agreement, and a clean skip without the shared eval folder."""

from __future__ import annotations

import json

from ingest import evaluate
from ingest.evaluate import score_municipalities, score_status

GOLD = {
    "documents": {
        "x.txt": {
            "municipality": "Duiven",
            "cbs_code": "GM0226",
            "document_type": "damoclesbeleid",
            "period": {"start": None, "end": None},
            "valid_from": "2021-09-28",
            "replaces": "Beleidsregels artikel 13b Opiumwet gemeente Duiven 2019",
            "instruments": [
                {"id": "instrument:damocles_13b", "key": True},
                {"id": "instrument:pandsluiting", "accept_ids": ["instrument:woningsluiting"]},
            ],
            "themes": [{"id": "theme:drugscriminaliteit", "key": True}],
            "partners": [{"id": "partner:politie"}],
            "legal_frameworks": [{"id": "law:opiumwet"}],
            "acceptable": ["theme:ondermijning"],
            "must_not": ["instrument:bibob"],
        }
    }
}


def _record(**overrides):
    rec = {
        "municipality": {"name": "Duiven", "code": "GM0226"},
        "doc_type": "doctype:damoclesbeleid",
        "period": [None, None],
        "dates": {"in_force": "2021-09-28"},
        "validity": {
            "in_force_until": None,
            "lapsed_on": None,
            "withdrawn": False,
            "replaces": [{"title": "Beleidsregels artikel 13b", "year": 2019}],
        },
        "priority_themes": [],
        "themes": ["theme:drugscriminaliteit", "theme:ondermijning"],
        "instruments": {"instrument:damocles_13b": "toegepast", "instrument:woningsluiting": "toegepast"},
        "partners": [],
        "laws": ["law:opiumwet"],
        "goals": [],
    }
    rec.update(overrides)
    return rec


def test_accept_ids_count_and_acceptable_extras_are_neutral():
    scores = score_municipalities({"x.txt": _record()}, GOLD)
    doc = scores["documents"]["x.txt"]
    assert doc["municipality"] is True
    assert doc["doc_type"]["ok"] is True
    assert doc["key"] == {"found": 2, "total": 2, "missed": []}
    everything = doc["concepts"]["all"]
    assert everything["found"] == 3 and everything["gold"] == 4  # the partner is missed
    assert everything["precision"] == 1.0  # ondermijning is acceptable: neither right nor wrong
    assert everything["missed"] == ["partner:politie"]
    assert scores["overall"]["must_not"] == 0
    assert doc["validity"] == {"in_force": True, "not_lapsed": True, "replaces": True}


def test_must_not_wrong_code_and_wrong_replaced_year_are_counted():
    rec = _record(
        municipality={"name": "Duiven", "code": "GM9999"},
        instruments={"instrument:bibob": "toegepast"},
        validity={
            "in_force_until": None,
            "lapsed_on": None,
            "withdrawn": False,
            "replaces": [{"title": "x", "year": 2021}],
        },
    )
    scores = score_municipalities({"x.txt": rec}, GOLD)
    doc = scores["documents"]["x.txt"]
    assert doc["municipality"] is False
    assert doc["must_not"] == ["instrument:bibob"]
    assert scores["must_not"] == [{"document": "x.txt", "id": "instrument:bibob"}]
    assert doc["concepts"]["instruments"]["precision"] == 0.0
    assert doc["validity"]["replaces"] is False


def test_status_agreement_reports_the_majority_baseline_on_the_same_instruments():
    gold = {
        "documents": {
            "x.txt": {
                "instruments": [
                    {"id": "instrument:a", "status": "toegepast"},
                    {"id": "instrument:b", "status": "voornemen"},
                    {"id": "instrument:c", "status": "genoemd"},
                    {"id": "instrument:not_found", "status": "toegepast"},
                ]
            }
        }
    }
    rec = _record(
        instruments={"instrument:a": "toegepast", "instrument:b": "voornemen", "instrument:c": "toegepast"}
    )
    overall = score_status({"x.txt": rec}, gold)["overall"]
    assert overall == {"agree": 2, "total": 3, "majority": 1}


def test_missing_eval_folder_is_skipped_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(evaluate, "SHARED_EVAL", tmp_path / "absent")
    assert evaluate.main(["--json"]) == 0
    assert capsys.readouterr().out == ""


def test_json_output_has_both_sets_when_gold_is_present(one_document_eval_set, capsys):
    """A one-file corpus gold and no municipalities folder: the JSON names the set and its scores."""
    corpus = one_document_eval_set
    assert evaluate.main(["--json", "--corpus", str(corpus)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sets"] == {"corpus": ["a.txt"]}
    current = result["runs"]["current"]["corpus"]
    assert current["extraction"]["overall"]["instruments"]["tp"] == 1
    assert current["status"]["overall"] == {"agree": 1, "total": 1, "majority": 1}


def test_cue_precision_is_measured_against_the_gold_status_per_document():
    from ingest.evaluate import score_cues

    gold = {"documents": {"x.txt": {"instruments": [{"id": "instrument:a", "status": "voornemen"}]}}}
    hits = [
        {"id": "instrument:a", "status": "voornemen", "cue": "voornemen: zal", "passage": "x/p1"},
        {"id": "instrument:a", "status": "toegepast", "cue": "toegepast: hebben we", "passage": "x/p2"},
        {"id": "instrument:unknown", "status": "voornemen", "cue": "voornemen: zal", "passage": "x/p3"},
    ]
    munis = [{"id": "instrument:a", "status": "voornemen", "cue": "voornemen: zal", "passage": "y/p1"}]
    rows = {
        r["cue"]: r
        for r in score_cues(
            {
                "corpus": {"x.txt": _record(status_cues=hits)},
                "municipalities": {"y.txt": _record(status_cues=munis)},
            },
            gold,
        )
    }
    assert rows["voornemen: zal"]["precision"] == 1.0 and rows["voornemen: zal"]["judged"] == 1
    assert rows["voornemen: zal"]["fired"]["municipalities"] == {"mentions": 1, "passages": 1, "documents": 1}
    assert rows["voornemen: zal"]["passages"] == 3
    assert rows["toegepast: hebben we"]["precision"] == 0.0
