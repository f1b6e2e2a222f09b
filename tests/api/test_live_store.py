"""The server reads the store without locking it: an ingest can run beside it and shows up at once."""

from __future__ import annotations

from collections import defaultdict

from fastapi.testclient import TestClient

from api.app import create_app
from graph.build import ingest_document
from graph.store import GraphStore
from tests.graph.sample import DOC_ID, sample_document


def test_documents_ingested_while_the_server_runs_appear_without_a_restart(tmp_path):
    with GraphStore.open(tmp_path) as writer:
        writer.ensure_ontology()
    with TestClient(create_app(tmp_path)) as client:
        assert client.get("/api/documents").json() == []
        assert client.get(f"/api/documents/{DOC_ID}").status_code == 404
        with GraphStore.open(tmp_path) as writer:  # the server holds its read-only handle meanwhile
            ingest_document(writer, sample_document(), defaultdict(float))
        assert [d["doc_id"] for d in client.get("/api/documents").json()] == [DOC_ID]
        assert client.get(f"/api/documents/{DOC_ID}").json()["instruments"]
        page = client.get(f"/documenten/{DOC_ID}")
        assert page.status_code == 200 and 'class="fact fact-' in page.text


def test_an_empty_data_folder_serves_pages_and_explains_the_missing_index(tmp_path):
    with TestClient(create_app(tmp_path / "fresh"), raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/documents").json() == []
        missing = client.get("/api/search", params={"q": "veiligheid"})
        assert missing.status_code == 503 and missing.json()["error"]["code"] == "index_missing"
        page = client.get("/", params={"q": "veiligheid"})
        assert page.status_code == 200 and "nog geen zoekindex" in page.text
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is False


def test_updates_with_the_configured_token_change_the_store_and_are_seen_at_once(tmp_path):
    with GraphStore.open(tmp_path) as writer:
        writer.ensure_ontology()
    insert = 'INSERT DATA { GRAPH <urn:test:graph> { <urn:test:a> <urn:test:b> "c" } }'
    ask = {"query": "ASK { <urn:test:a> <urn:test:b> ?o }"}
    with TestClient(create_app(tmp_path, update_token="geheim")) as client:
        assert client.post("/sparql", data={"update": insert}).status_code == 403
        assert client.get("/sparql", params=ask).json()["boolean"] is False
        done = client.post(
            "/sparql",
            content=insert,
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer geheim"},
        )
        assert done.status_code == 204
        assert client.get("/sparql", params=ask).json()["boolean"] is True
