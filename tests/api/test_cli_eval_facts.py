"""``beleidsgraaf eval --facts`` is ``python -m ingest.evaluate`` behind the CLI: same run, same report."""

from __future__ import annotations

import json

from click.testing import CliRunner

from api.cli import main
from ingest import evaluate


def test_eval_facts_json_equals_the_module(one_document_eval_set, capsys):
    corpus = one_document_eval_set
    result = CliRunner().invoke(main, ["eval", "--facts", "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    assert evaluate.main(["--json", "--corpus", str(corpus)]) == 0
    module = json.loads(capsys.readouterr().out)
    assert cli == module
    assert cli["runs"]["current"]["corpus"]["status"]["overall"] == {"agree": 1, "total": 1, "majority": 1}


def test_eval_facts_text_report_has_status_beside_the_majority_baseline(one_document_eval_set):
    corpus = one_document_eval_set
    result = CliRunner().invoke(main, ["eval", "--facts", "--corpus", str(corpus), "--cues"])
    assert result.exit_code == 0, result.output
    assert "corpus status majority baseline" in result.stdout
    assert "== status cues (current)" in result.stdout


def test_eval_needs_questions_or_facts_and_a_real_checkout(tmp_path):
    result = CliRunner().invoke(main, ["eval", "--shared", str(tmp_path)])
    assert result.exit_code == 2 and "no dev sets" in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["eval", "--facts", "--code", str(tmp_path)])
    assert result.exit_code == 2 and "ingest/pipeline.py there" in " ".join(result.output.split())
