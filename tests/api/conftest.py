"""Fixtures for the API tests: the corpus with its search index, a TestClient and a real server."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.live import LiveServer, ensure_search_index


@pytest.fixture(scope="session")
def indexed_home(corpus_home):
    """The session's corpus data folder with the search index built in it."""
    return ensure_search_index(corpus_home)


@pytest.fixture(scope="session")
def app(indexed_home):
    from api.app import create_app

    return create_app(indexed_home, sparql_timeout=30.0, sparql_row_limit=10_000)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_url(app):
    """Base URL of a real uvicorn server over the corpus (loopback, free port)."""
    with LiveServer(app) as url:
        yield url
