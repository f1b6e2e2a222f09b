"""The graph commands of the `beleidsgraaf` CLI: output formats, exit codes, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(home: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(home), *args], catch_exceptions=False)


def test_stats_json(corpus_home):
    result = run(corpus_home, "stats", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["documents"] >= 5 and data["triples"]["inferred"] > 0


def test_which_readable_and_json(corpus_home):
    result = run(corpus_home, "which", "--instrument", "artikel 13b Opiumwet")
    assert result.exit_code == 0 and "Haaksbergen" in result.stdout and "“" in result.stdout
    data = json.loads(run(corpus_home, "which", "--instrument", "wet Damocles", "--json").stdout)
    assert [m["name"] for m in data["municipalities"]] == ["Haaksbergen"]


def test_unknown_label_is_a_clear_error(corpus_home):
    result = run(corpus_home, "which", "--instrument", "damokles beleid")
    assert result.exit_code == 2
    assert "unknown instrument label 'damokles beleid'; did you mean:" in result.stderr
    assert "Traceback" not in result.output


def test_facts_and_unknown_document(corpus_home):
    ok = run(corpus_home, "facts", "haaksbergen_integraal-veiligheidsplan_2024-2027.txt", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["document"]["municipality"]["name"] == "Haaksbergen"
    missing = run(corpus_home, "facts", "nope.txt")
    assert missing.exit_code == 2 and "no document 'nope.txt'" in missing.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_sparql_formats(corpus_home, fmt):
    query = "SELECT ?file WHERE { ?d a bg:PolicyDocument ; bg:sourceFile ?file } ORDER BY ?file"
    result = run(corpus_home, "sparql", query, "--format", fmt)
    assert result.exit_code == 0
    assert "haaksbergen_integraal-veiligheidsplan_2024-2027.txt" in result.stdout
    if fmt == "json":
        assert len(json.loads(result.stdout)) >= 5


def test_sparql_syntax_error(corpus_home):
    result = run(corpus_home, "sparql", "SELECT WHERE {")
    assert result.exit_code == 2 and "invalid SPARQL" in result.stderr


def test_export_nt_to_file(corpus_home, tmp_path):
    out = tmp_path / "graph.nt"
    result = run(corpus_home, "export", "--format", "nt", "--graph", "inferred", "-o", str(out))
    assert result.exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and any("#usesInstrument>" in line for line in lines)


def test_ingest_remove_and_search_refresh(tmp_path, monkeypatch):
    """ingest and remove update the graph and then ask search/ to refresh its index."""
    import search.index

    calls = []
    monkeypatch.setattr(search.index, "refresh", lambda home, **kw: calls.append(Path(home)))
    source = REPO / "corpus" / "hengelo_beantwoording-raadsvragen-drugsoverlast_2024.txt"
    shutil.copy(source, tmp_path / source.name)
    home = tmp_path / "home"
    result = run(home, "ingest", str(tmp_path / source.name), str(tmp_path / "missing.txt"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["documents"]) == 1 and report["documents"][0]["inferred"] > 0
    assert [f["file"] for f in report["failures"]] == [str(tmp_path / "missing.txt")]
    assert calls == [home]
    assert run(home, "remove", source.name).exit_code == 0
    assert calls == [home, home]
    assert json.loads(run(home, "stats", "--json").stdout)["documents"] == 0
    only_bad = run(home, "ingest", str(tmp_path / "missing.txt"), "--no-search")
    assert only_bad.exit_code == 1 and "missing.txt" in only_bad.stderr


def test_validate_exits_1_on_a_violation(tmp_path):
    from collections import defaultdict

    from graph.build import ingest_document
    from graph.store import GraphStore
    from tests.graph.sample import sample_document

    with GraphStore.open(tmp_path) as store:
        store.ensure_ontology()
        ingest_document(store, sample_document(), defaultdict(float))
    ok = run(tmp_path, "validate", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["conforms"] is True
    with GraphStore.open(tmp_path) as store:  # a passage without text breaks PassageShape
        doc_id = store.document_ids()[0]
        store.update(
            f"INSERT DATA {{ GRAPH <https://w3id.org/beleidsgraaf/graph/asserted/{doc_id}> {{"
            f" <https://w3id.org/beleidsgraaf/id/doc/{doc_id}/p9999>"
            " a <https://w3id.org/beleidsgraaf/def#Passage> } }"
        )
    bad = run(tmp_path, "validate")
    assert bad.exit_code == 1 and "p9999" in bad.stdout


def test_installed_command_runs(corpus_home):
    exe = REPO / ".venv" / "bin" / "beleidsgraaf"
    if not exe.exists():
        pytest.skip("beleidsgraaf is not installed in .venv (pip install -e .)")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [str(exe), "--store", str(corpus_home), "which", "--instrument", "AVE-methodiek", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert {m["name"] for m in json.loads(proc.stdout)["municipalities"]} == {"Hengelo", "Haaksbergen"}
