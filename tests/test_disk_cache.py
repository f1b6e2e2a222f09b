"""Derived data cached on disk: built once per key, read back in a new process, rebuilt when the key moves."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

from ingest.matcher import build_matcher, vocabulary_hash
from ontology.disk_cache import cached, content_key


def test_cached_builds_once_per_key(tmp_path, monkeypatch):
    monkeypatch.setenv("BELEIDSGRAAF_CACHE", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"value": len(calls)}

    assert cached("thing", "k1", build) == {"value": 1}
    assert cached("thing", "k1", build) == {"value": 1}  # from disk
    assert cached("thing", "k2", build) == {"value": 2}  # another key, another build
    assert len(calls) == 2


def test_unreadable_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("BELEIDSGRAAF_CACHE", str(tmp_path))
    (tmp_path / f"thing-{'k' * 24}.pickle").write_bytes(b"not a pickle")
    assert cached("thing", "k" * 24, lambda: 42) == 42


def test_content_key_follows_file_content(tmp_path):
    f = tmp_path / "labels.ttl"
    f.write_text("a")
    first = content_key([f], "v1")
    f.write_text("b")
    assert content_key([f], "v1") != first
    assert content_key([f], "v2") != content_key([f], "v1")


def test_a_new_process_reads_the_same_matcher_from_disk(tmp_path):
    env = {"BELEIDSGRAAF_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = (
        "import pickle, sys; from ingest.matcher import get_matcher; "
        "m = get_matcher(); sys.stdout.buffer.write(pickle.dumps((m.vocabulary, len(m.surface))))"
    )
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "") or os.getcwd()
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
    assert list(tmp_path.glob("concept-matcher-*.pickle")), "the matcher was written to the cache"
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
    assert pickle.loads(first) == pickle.loads(second) == (vocabulary_hash(), len(build_matcher().surface))
