"""Query functions on the hand-made sample: which(), facts(), passages(), errors."""

from __future__ import annotations

import pytest

from graph import queries
from ontology.errors import NotFound
from ontology.vocabulary import UnknownLabel
from tests.graph.sample import DOC_ID


def test_which_finds_the_municipality_using_an_instrument(sample_store):
    result = queries.which(sample_store, instrument="13b Opiumwet")
    assert result["query"]["instrument"]["id"] == "instrument:damocles_13b"
    [muni] = result["municipalities"]
    assert (muni["name"], muni["code"]) == ("Oldenzaal", "GM0173")
    assert muni["documents"][0]["doc_id"] == DOC_ID
    assert muni["evidence"][0]["passage"] == f"{DOC_ID}/p0001"
    assert muni["evidence"][0]["status"] == "toegepast"


def test_following_is_not_using(sample_store):
    result = queries.which(sample_store, instrument="Preventie met gezag")
    assert result["municipalities"] == []
    assert result["not_in_use"][0]["statuses"] == ["volgen"]


def test_narrower_counts_for_broader(sample_store):
    # damocles_13b is used against drugscriminaliteit, which is narrower than ondermijning
    result = queries.which(sample_store, instrument="instrument:cat/bestuurlijk", theme="ondermijning")
    assert [m["code"] for m in result["municipalities"]] == ["GM0173"]
    assert result["municipalities"][0]["basis"] == "against_theme"
    assert (
        queries.which(sample_store, instrument="damocles", theme="huiselijk geweld")["municipalities"] == []
    )


def test_partner_and_theme_filters(sample_store):
    assert [m["code"] for m in queries.which(sample_store, partner="police")["municipalities"]] == ["GM0173"]
    assert [m["code"] for m in queries.which(sample_store, theme="ondermijning")["municipalities"]] == [
        "GM0173"
    ]
    assert queries.which(sample_store, partner="Halt")["municipalities"] == []


def test_unknown_labels_and_documents(sample_store):
    with pytest.raises(UnknownLabel) as caught:
        queries.which(sample_store, instrument="cameratoezich")
    assert caught.value.suggestions
    with pytest.raises(NotFound):
        queries.facts(sample_store, "nope.txt")


def test_facts_document_and_passages(sample_store):
    result = queries.facts(sample_store, f"{DOC_ID}.txt")
    assert result["document"]["municipality"] == {"name": "Oldenzaal", "code": "GM0173"}
    assert result["document"]["period"] == {"start": 2025, "end": 2028}
    assert result["document"]["year"] == 2025
    assert [t["id"] for t in result["themes"]] == ["theme:ondermijning"] and result["themes"][0]["priority"]
    assert {i["id"]: i["status"] for i in result["instruments"]} == {
        "instrument:damocles_13b": "toegepast",
        "instrument:preventie_met_gezag": "volgen",
    }
    assert result["laws"] == [{"id": "law:opiumwet", "label": result["laws"][0]["label"]}]
    assert result["targets"][0]["value"] == 10 and result["targets"][0]["goal"] == f"{DOC_ID}/goal/1"
    rows = queries.passages(sample_store)
    assert [r["passage"] for r in rows] == [f"{DOC_ID}/p{i:04d}" for i in (1, 2, 3)]
    assert rows[0]["themes"] == ["theme:ondermijning"]
    assert {"id": "instrument:damocles_13b", "type": "instrument", "status": "toegepast"} in rows[0][
        "concepts"
    ]
    municipality = queries.municipality(sample_store, "GM0173")
    assert municipality["periods"][0]["period"] == "2025-2028"
    assert {i["id"] for i in municipality["periods"][0]["instruments"]} == {"instrument:damocles_13b"}
