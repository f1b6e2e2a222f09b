"""One writer for the whole store, and a store that never disagrees with itself.

Real `beleidsgraaf` processes on a real data folder with tiny generated documents: two staggered
writers (the second waits, or fails clearly with --no-wait), kill -9 at each named stage of an ingest
(graph.pause) followed by the next command repairing the search index, and ``stats`` reporting the
state all along. Embeddings come from the shared test cache, so no passage is embedded twice.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.store import GraphStore
from search.index import search_dir

REPO = Path(__file__).resolve().parents[1]
SHARED_CACHE = Path.home() / ".cache" / "beleidsgraaf" / "test-embeddings.sqlite"
PAUSE_TIMEOUT = 240.0

DOCS = {
    "veiligheidsplan-deventer-2025.txt": (
        "Integraal Veiligheidsplan Deventer 2025-2028\n\nGemeente Deventer\n\nOndermijning\n"
        "De gemeente Deventer past de Wet Bibob toe bij vergunningen. Er vinden integrale controles "
        "op risicolocaties plaats.\n\nJeugd en veiligheid\nWe werken met het 7-stappenmodel bij de "
        "aanpak van jeugdgroepen.\n"
    ),
    "veiligheidsplan-zwolle-2025.txt": (
        "Integraal Veiligheidsplan Zwolle 2025-2028\n\nGemeente Zwolle\n\nOndermijning\n"
        "De burgemeester van Zwolle past artikel 13b Opiumwet toe bij drugshandel in woningen.\n\n"
        "Woninginbraak\nWe zetten in op preventie van woninginbraak samen met de politie.\n"
    ),
    "veiligheidsplan-kampen-2025.txt": (
        "Integraal Veiligheidsplan Kampen 2025-2028\n\nGemeente Kampen\n\nOndermijning\n"
        "Kampen zet cameratoezicht in op het stationsplein en voert integrale controles uit.\n\n"
        "Zorg en veiligheid\nPersonen met verward gedrag krijgen hulp van het zorg- en veiligheidshuis.\n"
    ),
}
FIRST, SECOND, THIRD = DOCS


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env["COLUMNS"] = "1000"  # messages on one line
    env.setdefault("BELEIDSGRAAF_EMBED_CACHE", str(SHARED_CACHE))
    env.pop("BELEIDSGRAAF_PAUSE_AT", None)
    env.update(extra)
    return env


def _command(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from api.cli import main; main()", "--store", str(home), *args]


def run(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        _command(home, *args), capture_output=True, text=True, timeout=timeout, env=_env(), cwd=REPO
    )


def start(home: Path, *args: str, pause_at: str | None = None) -> subprocess.Popen:
    env = _env(**({"BELEIDSGRAAF_PAUSE_AT": pause_at} if pause_at else {}))
    return subprocess.Popen(
        _command(home, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def wait_for_line(proc: subprocess.Popen, needle: str, timeout: float = PAUSE_TIMEOUT) -> list[str]:
    """Read stderr of ``proc`` until a line contains ``needle``; the lines read so far."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            pytest.fail(f"process ended (rc {proc.wait()}) before {needle!r}:\n{''.join(lines)}")
        lines.append(line)
        if needle in line:
            return lines
    proc.kill()
    pytest.fail(f"no {needle!r} within {timeout:.0f} s:\n{''.join(lines)}")


def stats(home: Path) -> dict:
    result = run(home, "stats", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["search"]


def graph_documents(home: Path) -> set[str]:
    with GraphStore.open(home, read_only=True) as store:
        return set(store.document_ids())


def indexed_documents(home: Path) -> set[str]:
    passages = json.loads((search_dir(home) / "passages.json").read_text(encoding="utf-8"))
    return {p["doc_id"] for p in passages}


def assert_consistent(home: Path, expected: int) -> None:
    graph = graph_documents(home)
    assert len(graph) == expected
    assert indexed_documents(home) == graph
    state = stats(home)
    assert state["state"] == "in_sync" and state["documents"] == {"graph": expected, "search": expected}
    leftovers = [p.name for p in home.iterdir() if p.name.startswith("search.tmp")]
    assert leftovers == []


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base_home(tmp_path_factory, docs) -> Path:
    """A data folder with the first document in graph and search (built once, copied per test)."""
    home = tmp_path_factory.mktemp("base") / "home"
    result = run(home, "ingest", str(docs / FIRST))
    assert result.returncode == 0, result.stderr
    assert_consistent(home, 1)
    return home


@pytest.fixture
def home(base_home, tmp_path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(base_home, copy, symlinks=True)
    return copy


def test_second_writer_waits_and_no_wait_fails_clearly(home, docs):
    slow = start(home, "ingest", str(docs / SECOND), pause_at="graph-commit:6")
    try:
        wait_for_line(slow, "paused at graph-commit")
        during = stats(home)
        assert during["state"] == "writing" and during["writer"]["pid"] == slow.pid
        assert during["writer"]["purpose"] == "ingest"

        refused = run(home, "ingest", str(docs / THIRD), "--no-wait")
        assert refused.returncode == 2
        message = " ".join(refused.stderr.split())
        assert f"another beleidsgraaf process is writing to {home} (pid {slow.pid}, ingest" in message
        assert "Traceback" not in refused.stderr + refused.stdout

        second = start(home, "ingest", str(docs / THIRD))
        waited = wait_for_line(second, "waiting")
        assert f"(pid {slow.pid}, ingest, since" in "".join(waited)
        assert slow.wait(timeout=PAUSE_TIMEOUT) == 0
        assert second.wait(timeout=PAUSE_TIMEOUT) == 0, second.stderr.read()
    finally:
        for proc in (slow,):
            if proc.poll() is None:
                proc.kill()
    assert_consistent(home, 3)


# graph-commit is the interruption that used to leave graph and search silently apart; the later
# stages take as long again each and run with the slow tests (-m slow).
STAGES = [
    "graph-commit",
    pytest.param("embedding", marks=pytest.mark.slow),
    pytest.param("index-build", marks=pytest.mark.slow),
    pytest.param("swapped", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("stage", STAGES)
def test_kill_during_ingest_then_next_command_repairs(home, docs, stage):
    proc = start(home, "ingest", str(docs / SECOND), pause_at=stage)
    try:
        wait_for_line(proc, f"paused at {stage}")
        during = stats(home)
        assert during["writer"]["pid"] == proc.pid and during["writer"]["purpose"] == "ingest"
        # the index differs from the graph while the writer works, until it has swapped the new one in
        assert during["state"] == ("in_sync" if stage == "swapped" else "writing")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert graph_documents(home) == {Path(FIRST).stem, Path(SECOND).stem}  # committed before the kill

    after = stats(home)
    assert after["writer"] is None  # the kernel released the dead writer's lock
    if stage == "swapped":  # the index was swapped in before the kill: nothing to repair
        assert after["state"] == "in_sync"
    else:
        assert after["state"] == "behind" and after["documents_behind"] == 1
        assert after["documents"] == {"graph": 2, "search": 1}
        assert "beleidsgraaf reindex" in after["message"]

    nxt = run(home, "search", "drugshandel in woningen", "--json")
    assert nxt.returncode == 0, nxt.stderr
    if stage != "swapped":
        assert "rebuilding it from the graph" in nxt.stderr
    answer = json.loads(nxt.stdout)
    assert "Zwolle" in {m["name"] for m in answer["municipalities"]}
    assert_consistent(home, 2)


@pytest.mark.slow  # four more processes that load spaCy or the model
def test_interrupted_repair_is_reported_and_finished_by_the_next_command(home, docs):
    assert run(home, "ingest", str(docs / SECOND), "--no-search").returncode == 0
    assert stats(home)["state"] == "behind"
    repair = start(home, "reindex", pause_at="index-build")
    try:
        wait_for_line(repair, "paused at index-build")
        during = stats(home)
        assert during["state"] == "repairing" and during["writer"]["pid"] == repair.pid
    finally:
        repair.send_signal(signal.SIGKILL)
        repair.wait(timeout=30)
    assert any(p.name.startswith("search.tmp") for p in home.iterdir())  # the dead build folder
    assert stats(home)["state"] == "behind"
    again = run(home, "ingest", str(docs / THIRD))
    assert again.returncode == 0, again.stderr
    assert_consistent(home, 3)
