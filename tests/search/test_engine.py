"""Search over the ingested corpus: filters, errors, language, relevance, index/store consistency."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ontology.errors import UnknownMunicipality
from ontology.vocabulary import UnknownLabel
from search.engine import load_index, search
from search.errors import BadFilter, BadQuery
from search.index import refresh

REPO = Path(__file__).resolve().parents[2]


def names(result: dict) -> set[str]:
    return {m["name"] for m in result["municipalities"]}


def test_a_result_has_the_documented_shape(search_home):
    result = search(search_home, "integrale controles tegen ondermijning", top_k=5)
    assert set(result) >= {"query", "mode", "filters", "concepts", "municipalities", "passages", "message"}
    assert len(result["passages"]) == 5
    p = result["passages"][0]
    assert set(p) >= {
        "text",
        "municipality",
        "code",
        "document",
        "file",
        "title",
        "section",
        "score",
        "start",
        "end",
        "page",
        "concepts",
        "period",
    }
    assert result["municipalities"][0]["evidence"] and result["municipalities"][0]["documents"]


def test_municipality_filter_excludes_everything_else(search_home):
    result = search(search_home, "ondermijning", municipality="Haaksbergen", top_k=20)
    assert result["passages"] and {p["municipality"] for p in result["passages"]} == {"Haaksbergen"}
    assert names(result) <= {"Haaksbergen"}
    by_code = search(search_home, "ondermijning", municipality="GM0158", top_k=20)
    assert [p["document"] for p in by_code["passages"]] == [p["document"] for p in result["passages"]]


def test_year_filter_keeps_documents_whose_period_covers_it(search_home):
    result = search(search_home, "veiligheid in de wijk", year=2021, top_k=30)
    assert result["passages"]
    for p in result["passages"]:
        start, end = (int(x) for x in p["period"].split("-"))
        assert start <= 2021 <= end


def test_theme_filter_includes_narrower_and_excludes_the_rest(search_home):
    from ontology.vocabulary import narrower_closure

    allowed = {"theme:ondermijning", *narrower_closure("theme:ondermijning")}
    result = search(search_home, "aanpak", theme="ondermijning", top_k=30)
    assert result["passages"]
    for p in result["passages"]:
        carried = {c["id"] for c in p["concepts"]} | set(p["themes"])
        assert carried & allowed


def test_instrument_filter(search_home):
    result = search(search_home, "sluiting van drugspanden", instrument="Damocles", top_k=30)
    assert result["passages"]
    for p in result["passages"]:
        assert any(c["id"].startswith("instrument:damocles") for c in p["concepts"])


def test_unknown_filters_are_clear_errors(search_home):
    with pytest.raises(UnknownMunicipality):
        search(search_home, "ondermijning", municipality="Atlantis")
    with pytest.raises(UnknownLabel):
        search(search_home, "ondermijning", theme="geen bestaand thema xyz")
    with pytest.raises(BadFilter):
        search(search_home, "ondermijning", year="twintig")


@pytest.mark.parametrize("query", ["", "   ", "x" * 1001, "?!? ... ---", "%%%"])
def test_unsearchable_queries_say_why(search_home, query):
    with pytest.raises(BadQuery) as err:
        search(search_home, query)
    assert str(err.value)


def test_english_query_finds_the_same_municipalities_as_dutch(search_home):
    dutch = search(search_home, "Welke gemeenten werken met het 7-stappenmodel bij jeugdgroepen?")
    english = search(search_home, "Which municipalities work with the seven-step model for youth groups?")
    assert names(dutch) and names(english) == names(dutch)


def test_following_developments_is_not_using(search_home):
    """A municipality whose documents name an instrument without using it (Hengelo follows Preventie met
    gezag) is no answer to "who started with it". The premise is read from the graph, so this test fails
    rather than passes silently when extraction changes it."""
    from graph.queries import which
    from graph.store import GraphStore

    with GraphStore.open(search_home, read_only=True) as store:
        found = which(store, instrument="instrument:preventie_met_gezag")
    using = {m["name"] for m in found["municipalities"]}
    only_named = {d["municipality"]["name"] for d in found["not_in_use"]} - using
    assert "Hengelo" in only_named
    result = search(search_home, "Welke gemeenten zijn gestart met Preventie met gezag?")
    assert not names(result) & only_named


def test_off_topic_query_says_nothing_relevant(search_home):
    result = search(search_home, "recept voor appeltaart met slagroom")
    assert result["municipalities"] == [] and result["passages"] == []
    assert "Nothing relevant" in result["message"]


def test_modes_are_distinct(search_home):
    """Each mode ranks by its own signal: dense and BM25 order the passages differently, and hybrid (their
    fusion) is not a copy of either."""
    q = "drankketen op het erf"
    results = {m: search(search_home, q, mode=m, top_k=10) for m in ("dense", "bm25", "hybrid")}
    modes = {m: [p["document"] + str(p["start"]) for p in r["passages"]] for m, r in results.items()}
    assert all(modes.values())
    assert {m: r["mode"] for m, r in results.items()} == {m: m for m in results}
    assert modes["dense"] != modes["bm25"]
    assert modes["hybrid"] not in (modes["dense"], modes["bm25"])
    with pytest.raises(BadQuery):
        search(search_home, q, mode="magic")


def test_index_follows_the_store_after_reingest_and_removal(tmp_path, embed_cache):
    """A small corpus of two documents: remove one, the index loses its passages; add it back, they return."""
    from graph.build import ingest_paths, remove
    from graph.store import GraphStore

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in (
        "hengelo_beantwoording-raadsvragen-drugsoverlast_2024.txt",
        "haaksbergen_integraal-veiligheidsplan_2024-2027.txt",
    ):
        shutil.copy(REPO / "corpus" / name, docs / name)
    home = tmp_path / "home"

    def indexed_docs() -> set[str]:
        searched = {p["document"] for p in search(home, "drugsoverlast", mode="dense", top_k=100)["passages"]}
        assert searched <= {p["doc_id"] for p in load_index(home).passages}
        return {p["doc_id"] for p in load_index(home).passages}

    def stored_docs() -> set[str]:
        with GraphStore.open(home, read_only=True) as store:
            return set(store.document_ids())

    ingest_paths([docs], home, progress=False)
    refresh(home, progress=False)
    assert indexed_docs() == stored_docs() and len(stored_docs()) == 2
    removed = remove(home, "hengelo_beantwoording-raadsvragen-drugsoverlast_2024.txt")
    refresh(home, progress=False)
    assert removed not in indexed_docs() and indexed_docs() == stored_docs()
    ingest_paths([docs], home, progress=False)
    stats = refresh(home, progress=False)
    assert indexed_docs() == stored_docs() and len(stored_docs()) == 2
    assert stats["embedded"] == 0  # the re-ingested text was embedded before: all from the cache
    assert not (home / "search.tmp").exists()


def test_second_refresh_embeds_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("BELEIDSGRAAF_EMBED_CACHE", raising=False)
    passages = [
        {
            "passage": f"doc/p{i:04d}",
            "doc_id": "doc",
            "file": "doc.txt",
            "municipality": "Hengelo",
            "code": "GM0164",
            "section": "Toezicht",
            "text": text,
            "concepts": [],
            "themes": [],
        }
        for i, text in enumerate(["Integrale controles in de horeca.", "Cameratoezicht in het centrum."])
    ]
    first = refresh(tmp_path, progress=False, passages=passages)
    second = refresh(tmp_path, progress=False, passages=passages)
    assert first["embedded"] == 2 and second["embedded"] == 0 and second["cached"] == 2
    assert (tmp_path / "cache" / "embeddings.sqlite").exists()
    changed = refresh(
        tmp_path, progress=False, passages=[{**passages[0], "text": "Iets nieuws."}, passages[1]]
    )
    assert changed["embedded"] == 1
