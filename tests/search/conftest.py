"""Search fixtures: the corpus store with its search index built once per session.

Embeddings are cached in one file shared across sessions ($BELEIDSGRAAF_EMBED_CACHE, default under
~/.cache/beleidsgraaf), so only the first run pays for embedding the corpus (about a minute on 2 cores).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
SHARED_CACHE = Path.home() / ".cache" / "beleidsgraaf" / "test-embeddings.sqlite"


@pytest.fixture(scope="session")
def embed_cache() -> Path:
    path = Path(os.environ.get("BELEIDSGRAAF_EMBED_CACHE", SHARED_CACHE))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def search_home(corpus_home, embed_cache) -> Path:
    """The corpus data folder with a search index consistent with its store."""
    from search.index import refresh

    os.environ["BELEIDSGRAAF_EMBED_CACHE"] = str(embed_cache)
    refresh(corpus_home, progress=False)
    return corpus_home
