"""``beleidsgraaf search --server URL`` asks a real running server and prints what local search prints."""

from __future__ import annotations

import json

from click.testing import CliRunner

from api.cli import main


def _cli(*args: str, **env: str):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_search_through_the_server_equals_local_search(live_url, indexed_home):
    question = "Welke gemeenten passen de Damocles-aanpak toe?"
    remote = _cli("search", question, "--json", "--server", live_url)
    local = _cli("--store", str(indexed_home), "search", question, "--json")
    assert remote.exit_code == 0 and local.exit_code == 0
    remote_result, local_result = json.loads(remote.output), json.loads(local.output)
    assert remote_result["municipalities"], "the corpus answers this question"
    assert [m["code"] for m in remote_result["municipalities"]] == [
        m["code"] for m in local_result["municipalities"]
    ]


def test_server_from_the_environment_and_its_errors_reach_the_user(live_url):
    result = _cli("search", "drugs", "--municipality", "Atlantis", BELEIDSGRAAF_SERVER=live_url)
    assert result.exit_code == 2
    assert "Atlantis" in result.output


def test_unreachable_or_malformed_server_is_a_clear_error():
    result = _cli("search", "drugs", "--server", "http://127.0.0.1:9")
    assert result.exit_code == 2 and "cannot be reached" in result.output
    result = _cli("search", "drugs", "--server", "ftp://example.org")
    assert result.exit_code == 2 and "not an http(s) URL" in result.output
