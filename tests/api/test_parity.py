"""The CLI's ``--json`` and the HTTP API give the same answer to the same question.

Both edges call one function per capability; these tests hold them to it on the real corpus, for
search, which, facts and compare (and for a user error: same code path, exit 2 versus 404).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main

HENGELO_OLD = "hengelo_integraal-veiligheidsbeleid_2021-2024.txt"
HENGELO_NEW = "hengelo_integraal-veiligheidsbeleid_2024-2026.txt"


def cli_json(home, *args: str):
    result = CliRunner().invoke(main, ["--store", str(home), *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def api_json(client, path: str, **params):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_search_parity(indexed_home, client):
    question = "Welke gemeenten passen de Wet Bibob toe?"
    from_cli = cli_json(indexed_home, "search", question, "--municipality", "Hengelo", "--top-k", "5")
    from_api = api_json(client, "/api/search", q=question, municipality="Hengelo", top_k=5)
    assert from_cli["passages"], "the question must find something for the comparison to mean anything"
    assert from_cli == from_api


@pytest.mark.parametrize(
    "criteria",
    [{"instrument": "Damocles"}, {"instrument": "integrale controles", "theme": "ondermijning"}],
    ids=["instrument", "instrument+theme"],
)
def test_which_parity(indexed_home, client, criteria):
    args = [x for key, value in criteria.items() for x in (f"--{key}", value)]
    from_cli = cli_json(indexed_home, "which", *args)
    from_api = api_json(client, "/api/which", **criteria)
    assert from_cli["municipalities"], "the question must have an answer for the comparison to mean anything"
    assert from_cli == from_api


def test_facts_parity(indexed_home, client):
    from_cli = cli_json(indexed_home, "facts", HENGELO_NEW)
    doc_id = from_cli["document"]["doc_id"]
    from_api = api_json(client, f"/api/documents/{doc_id}/facts")
    assert from_cli["instruments"] and from_cli["goals"]
    assert from_cli == from_api


def test_compare_parity(indexed_home, client):
    from_cli = cli_json(indexed_home, "compare", HENGELO_OLD, HENGELO_NEW)
    from_api = api_json(client, "/api/compare", a=HENGELO_OLD, b=HENGELO_NEW)
    assert from_cli["instruments"]["kept"] and from_cli["goals"]["added"]
    assert from_cli == from_api


def test_municipalities_compare_parity(indexed_home, client):
    from_cli = cli_json(indexed_home, "compare", "--municipality", "Hengelo", "--versus", "Haaksbergen")
    from_api = api_json(client, "/api/compare", municipality="Hengelo", versus="Haaksbergen")
    assert from_cli["summary"]["sentences"]
    assert from_cli == from_api
    readable = CliRunner().invoke(
        main, ["--store", str(indexed_home), "compare", "-m", "Hengelo", "--versus", "Haaksbergen"]
    )
    assert readable.exit_code == 0
    counts = {line.split(":")[0]: line for line in readable.stdout.splitlines() if ": " in line}
    assert "alleen Haaksbergen" in counts["Partners"] and "bij beide" in counts["Partners"]
    assert "vervallen" not in counts["Partners"] and "Doelen die beide hebben:" in readable.stdout


def test_an_unknown_document_is_the_same_user_error_on_both_edges(indexed_home, client):
    result = CliRunner().invoke(main, ["--store", str(indexed_home), "facts", "nope.txt", "--json"])
    response = client.get("/api/documents/nope.txt/facts")
    assert result.exit_code == 2 and response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown_document"
    assert error["message"] in " ".join(result.stderr.split())
