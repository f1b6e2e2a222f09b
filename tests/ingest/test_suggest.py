"""`vocab suggest`: names documents use that the vocabulary lacks, with counts, documents and
examples; what the matcher already knows is left out."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from ingest.suggest import suggest

TEXT_A = (
    "De burgemeester kan een fietsverbod opleggen in het centrum. Het fietsverbod geldt 's nachts.\n"
    "Wij werken samen met Stichting Buurtkracht Noord en de politie.\n"
    "Op grond van de Wet open overheid maken wij besluiten openbaar. Er is cameratoezicht.\n"
)
TEXT_B = "Ook Stichting Buurtkracht Noord helpt bij het fietsverbod. Wij volgen de Wet open overheid.\n"


def _by_text(result: dict) -> dict[str, dict]:
    return {row["text"].lower(): row for row in result["candidates"]}


def test_unknown_names_surface_with_counts_documents_and_examples():
    passages = [{"text": TEXT_A, "file": "a.txt"}, {"text": TEXT_B, "file": "b.txt"}]
    rows = _by_text(suggest(passages, min_count=2))
    assert rows["fietsverbod"]["kind"] == "instrument"
    assert rows["fietsverbod"]["count"] == 3
    assert rows["fietsverbod"]["documents"] == ["a.txt", "b.txt"]
    assert any("fietsverbod opleggen" in e["text"] for e in rows["fietsverbod"]["examples"])
    assert rows["stichting buurtkracht noord"]["kind"] == "partner"
    assert rows["wet open overheid"]["kind"] == "law"
    assert "cameratoezicht" not in rows  # known to the vocabulary
    assert not any("politie" in text for text in rows)


def test_min_count_filters_and_bad_input_is_refused():
    passages = [{"text": TEXT_A, "file": "a.txt"}]
    once = _by_text(suggest(passages, min_count=1))
    assert "stichting buurtkracht noord" in once
    assert "stichting buurtkracht noord" not in _by_text(suggest(passages, min_count=2))
    with pytest.raises(ValueError, match="min_count"):
        suggest(passages, min_count=0)


def test_cli_reads_the_store(tmp_path):
    doc = tmp_path / "docs" / "testgem_veiligheidsplan_2025.txt"
    doc.parent.mkdir()
    doc.write_text("Veiligheidsplan\n\n" + TEXT_A + "\n" + TEXT_B, encoding="utf-8")
    runner = CliRunner()
    store = str(tmp_path / "store")
    ingested = runner.invoke(main, ["--store", store, "ingest", str(doc), "--no-search"])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(main, ["--store", store, "vocab", "suggest", "--min-count", "2", "--json"])
    assert result.exit_code == 0, result.output
    rows = _by_text(json.loads(result.stdout))
    assert rows["fietsverbod"]["documents"] == ["testgem_veiligheidsplan_2025.txt"]
    bad = runner.invoke(main, ["--store", store, "vocab", "suggest", "--min-count", "0"])
    assert bad.exit_code == 2
