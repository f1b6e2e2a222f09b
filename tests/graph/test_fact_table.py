"""The fact table says what the store says, and is never behind the snapshot it answers for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import fact_table, queries
from graph.build import ingest_paths, remove
from graph.namespaces import BG
from graph.read import local_id, run, run_values
from graph.store import GraphStore

INSTRUMENT = "https://w3id.org/beleidsgraaf/id/instrument/"
THEME = "https://w3id.org/beleidsgraaf/id/theme/"


def _about(store: GraphStore, kind: str, concepts: list[str]) -> list[fact_table.Fact]:
    return [fact_table.Fact._make(f) for f in fact_table.table(store).about(kind, concepts)]


def _quotes(fact: fact_table.Fact) -> list[dict]:
    return fact_table.evidence_rows(fact.doc, fact.quotes)


def _narrower(store: GraphStore, iri: str) -> list[str]:
    return [r["concept"] for r in run(store, "broader", top=iri)]


@pytest.mark.parametrize(
    "instrument", ["integrale_controles", "cat/bestuurlijk", "cameratoezicht", "cat/preventief"]
)
def test_instrument_uses_equal_the_sparql_form(store, instrument):
    """which_instrument.rq and fact_evidence.rq are the SPARQL a researcher runs for the same answer."""
    concepts = _narrower(store, INSTRUMENT + instrument)
    rows = run_values(store, "which_instrument", "concept", concepts)
    expected = {(r["doc"], r["fact"], r["status"], r["against"]) for r in rows}
    uses = _about(store, str(BG.InstrumentUse), concepts)
    got = {(f.doc, f.iri, f.status, a) for f in uses if f.status for a in (f.against or {None})}
    assert got == expected
    spans = {
        (r["fact"], r["exact"], r["begin"], r["end"], local_id(r["passage"]))
        for r in run_values(store, "fact_evidence", "fact", {f.iri for f in uses if f.status})
    }
    quoted = {
        (f.iri, e["exact"], e["begin"], e["end"], e["passage"]) for f in uses if f.status for e in _quotes(f)
    }
    assert spans
    assert quoted == spans


@pytest.mark.parametrize(
    ("kind", "concept"), [("ThemeFact", "theme/ondermijning"), ("PartnerFact", "partner/politie")]
)
def test_theme_and_partner_facts_equal_the_sparql_form(store, kind, concept):
    concepts = _narrower(store, f"https://w3id.org/beleidsgraaf/id/{concept}")
    rows = run_values(store, "which_concept", "concept", concepts, kind=str(BG[kind]))
    found = _about(store, str(BG[kind]), concepts)
    assert rows
    assert {(r["doc"], r["fact"]) for r in rows} == {(f.doc, f.iri) for f in found}


def test_documents_with_a_theme_fact_are_the_documents_with_the_theme(store):
    """Reasoning's document-level bg:hasTheme (which_theme_docs.rq) and the theme facts agree."""
    for theme in ("ondermijning", "zorg_en_veiligheid", "jeugd_en_veiligheid"):
        concepts = _narrower(store, THEME + theme)
        shortcut = {r["doc"] for r in run_values(store, "which_theme_docs", "concept", concepts)}
        facts = {f.doc for f in _about(store, str(BG.ThemeFact), concepts)}
        assert facts
        assert facts == {d for d in shortcut if "/id/doc/" in d}


def test_facts_come_in_reading_order(store):
    uses = _about(store, str(BG.InstrumentUse), _narrower(store, INSTRUMENT + "cat/bestuurlijk"))
    assert len(uses) > 20
    by_doc: dict[str, list[int]] = {}
    for fact in uses:
        begins = [e["begin"] for e in _quotes(fact)]
        if begins:
            by_doc.setdefault(fact.doc, []).append(min(begins))
    assert all(starts == sorted(starts) for starts in by_doc.values())


def test_a_file_per_document_version(store, corpus_home):
    names = {p.name for p in fact_table.folder(corpus_home).glob("*.json")}
    shared = store.shared_generation()
    expected = {fact_table.file_name(d, g, shared) for d, g in store.document_generations().items()}
    assert names == expected


# -- a data folder of its own: writes, damage, a folder that cannot be written --------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


PLAN = "Gemeente Duiven\n\nIntegraal veiligheidsplan 2024\n\nWe passen cameratoezicht toe in het centrum.\n"
CHANGED = "Gemeente Duiven\n\nIntegraal veiligheidsplan 2024\n\nWe zetten een gebiedsverbod in.\n"


def _municipalities(home: Path, instrument: str) -> list[str]:
    with GraphStore.open(home, read_only=True) as store:
        return [m["name"] for m in queries.which(store, instrument=instrument)["municipalities"]]


def test_a_rewritten_document_is_answered_from_its_new_facts(tmp_path):
    home, docs = tmp_path / "home", tmp_path / "docs"
    plan = _write(docs, "duiven_ivp_2024.txt", PLAN)
    ingest_paths([plan], home, progress=False)
    assert _municipalities(home, "cameratoezicht") == ["Duiven"]
    first = sorted(p.name for p in fact_table.folder(home).glob("*.json"))
    assert len(first) == 1

    _write(docs, "duiven_ivp_2024.txt", CHANGED)
    ingest_paths([plan], home, progress=False)
    assert _municipalities(home, "cameratoezicht") == []
    assert _municipalities(home, "gebiedsverbod") == ["Duiven"]
    second = sorted(p.name for p in fact_table.folder(home).glob("*.json"))
    assert len(second) == 1 and second != first  # the old version's file is gone

    remove(home, "duiven_ivp_2024.txt")
    assert _municipalities(home, "gebiedsverbod") == []
    assert not list(fact_table.folder(home).glob("*.json"))


def test_missing_or_damaged_files_are_read_again_from_the_store(tmp_path):
    home = tmp_path / "home"
    ingest_paths([_write(tmp_path / "docs", "duiven_ivp_2024.txt", PLAN)], home, progress=False)
    before = _municipalities(home, "cameratoezicht")
    (path,) = fact_table.folder(home).glob("*.json")
    path.write_text("{not json", encoding="utf-8")
    fact_table._LAST.clear()  # a new process
    assert _municipalities(home, "cameratoezicht") == before
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == fact_table.FORMAT  # saved again

    path.unlink()
    fact_table._LAST.clear()
    assert _municipalities(home, "cameratoezicht") == before
    assert path.exists()


def test_a_writer_clears_half_written_files_left_behind(tmp_path):
    import os

    home = tmp_path / "home"
    ingest_paths([_write(tmp_path / "docs", "duiven_ivp_2024.txt", PLAN)], home, progress=False)
    old = _write(fact_table.folder(home), ".duiven_ivp_2024.abc.tmp", "{")
    young = _write(fact_table.folder(home), ".duiven_ivp_2024.def.tmp", "{")
    long_ago = old.stat().st_mtime - fact_table.STALE_TMP_SECONDS - 1
    os.utime(old, (long_ago, long_ago))
    with GraphStore.open(home) as store:
        assert fact_table.sync(store) == 0
    assert not old.exists() and young.exists()  # a living writer's file stays


def test_a_folder_that_cannot_be_written_still_answers(tmp_path, monkeypatch):
    home = tmp_path / "home"
    ingest_paths([_write(tmp_path / "docs", "duiven_ivp_2024.txt", PLAN)], home, progress=False)
    for path in fact_table.folder(home).glob("*.json"):
        path.unlink()
    fact_table._LAST.clear()

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(fact_table, "_save", refuse)
    assert _municipalities(home, "cameratoezicht") == ["Duiven"]
    assert not list(fact_table.folder(home).glob("*.json"))


def test_a_shared_write_makes_every_document_read_again(tmp_path):
    home = tmp_path / "home"
    ingest_paths([_write(tmp_path / "docs", "duiven_ivp_2024.txt", PLAN)], home, progress=False)
    (before,) = fact_table.folder(home).glob("*.json")
    with GraphStore.open(home) as store:
        (fact,) = _about(store, str(BG.InstrumentUse), [INSTRUMENT + "cameratoezicht"])
        store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{fact.iri}> ?p ?o }} }}")  # a researcher's SPARQL update
        assert fact_table.sync(store) == 1
    (after,) = fact_table.folder(home).glob("*.json")
    assert after.name != before.name
    assert _municipalities(home, "cameratoezicht") == []


@pytest.mark.parametrize(
    ("kind", "theme"),
    [("instrument", None), ("partner", None), ("theme", None), ("instrument", "ondermijning")],
)
def test_the_matrix_from_the_table_equals_the_matrix_from_its_sparql(store, kind, theme):
    """matrix.rq and matrix_theme_instrument.rq are the matrix's SPARQL; the code reads the table."""
    from graph.overview import FACT_CLASSES, _cells, _fact_rows
    from graph.read import documents, resolve_concept

    scope = {d.iri: d for d in documents(store) if d.municipality}
    if theme:
        concept = resolve_concept(theme, "theme")
        sparql = run(store, "matrix_theme_instrument", theme=concept.iri)
        rows = _fact_rows(store, kind, set(_narrower(store, concept.iri)))
    else:
        sparql = run(store, "matrix", **{"class": str(FACT_CLASSES[kind])})
        rows = _fact_rows(store, kind, None)
    expected, expected_labels = _cells(sparql, scope, kind, include_categories=True)
    got, labels = _cells(rows, scope, kind, include_categories=True)
    assert expected and got == expected and labels == expected_labels


@pytest.mark.parametrize(
    ("kind", "theme"), [("instrument", None), ("theme", None), ("partner", "ondermijning")]
)
def test_a_matrix_without_quotes_is_the_matrix_with_its_quotes_left_out(store, kind, theme):
    from graph.overview import matrix

    full = matrix(store, kind, theme)
    for row in full["cells"].values():
        for cell in row.values():
            assert cell["evidence"]
            cell["evidence"], cell["evidence_count"] = [], None
    assert matrix(store, kind, theme, quotes=False) == full
