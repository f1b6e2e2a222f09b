"""The ingested corpus: shapes conform, counts are consistent, and which() answers the dev questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import queries
from graph.validate import validate_store
from ontology.vocabulary import UnknownLabel

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _which_questions() -> list[dict]:
    path = EVAL_DIR / "questions.json"
    if not path.exists():
        return []
    items = json.loads(path.read_text(encoding="utf-8"))["questions"]
    return [q for q in items if q["kind"] == "which_municipalities" and "instrument" in q["answer"]]


def test_every_corpus_file_is_a_document(store):
    from ingest.load import iter_documents

    files = {d["file"] for d in queries.documents(store)}
    assert files == {p.name for p in iter_documents([CORPUS])}


def test_corpus_conforms_to_the_shapes(store):
    conforms, text, results = validate_store(store)
    violations = [r for r in results if r["severity"] == "Violation"]
    assert conforms or not violations, text[:3000]


def test_stats_add_up(store):
    result = queries.stats(store)
    assert result["documents"] == len(store.document_ids())
    assert result["passages"] == len(queries.passages(store))
    assert result["triples"]["inferred"] > 0 and result["triples"]["ontology"] > 0
    assert result["municipalities_with_documents"] == len(queries.municipalities(store))


@pytest.mark.parametrize("question", _which_questions(), ids=lambda q: q["id"])
def test_which_instrument_matches_the_gold_municipalities(store, question):
    answer = question["answer"]
    gold = set(answer.get("municipalities") or answer.get("started") or [])
    result = queries.which(store, instrument=answer["instrument"])
    found = {m["name"] for m in result["municipalities"]}
    assert not found & set(answer.get("must_not_include", []))
    assert found == gold
    for muni in result["municipalities"]:
        assert muni["evidence"], f"{muni['name']} has no evidence"
        for item in muni["evidence"]:
            assert item["status"] in ("toegepast", "voornemen")


def test_which_evidence_quotes_the_source(store):
    result = queries.which(store, instrument="artikel 13b Opiumwet")
    texts = {d["file"]: (CORPUS / d["file"]).read_text(encoding="utf-8") for d in queries.documents(store)}
    for muni in result["municipalities"]:
        for item in muni["evidence"]:
            assert texts[item["file"]][item["start"] : item["end"]] == item["text"]


def test_which_accepts_english_labels_and_categories(store):
    dutch = queries.which(store, instrument="Damoclesbeleid")
    english = queries.which(store, instrument="closure of drug premises")
    assert dutch["municipalities"] == english["municipalities"]
    category = queries.which(store, instrument="instrument:cat/bestuurlijk")
    assert {m["code"] for m in dutch["municipalities"]} <= {m["code"] for m in category["municipalities"]}


def test_unknown_label_lists_suggestions(store):
    with pytest.raises(UnknownLabel) as caught:
        queries.which(store, instrument="damokles beleid")
    assert caught.value.suggestions


def test_facts_of_a_document(store):
    doc = queries.documents(store)[0]
    result = queries.facts(store, doc["file"])
    assert result["document"]["doc_id"] == doc["doc_id"]
    assert result["themes"] and result["instruments"]
    for instrument in result["instruments"]:
        assert instrument["status"] and instrument["label"]


def test_passages_carry_search_fields(store):
    rows = queries.passages(store)
    keys = {
        "passage",
        "doc_id",
        "file",
        "title",
        "doc_type",
        "municipality",
        "code",
        "period_start",
        "period_end",
        "year",
        "section",
        "text",
        "start",
        "end",
        "page",
        "themes",
        "concepts",
    }
    assert rows and all(keys <= set(r) for r in rows)
    assert len({r["passage"] for r in rows}) == len(rows)
    assert any(c["type"] == "instrument" and c["status"] for r in rows for c in r["concepts"])
