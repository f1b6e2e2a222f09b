"""Specification of the comparison URLs: /api/compare, /api/matrix, /api/timeline, /api/unique and the
Dutch pages /vergelijken and /matrix, on the real corpus."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

OLD = "hengelo_integraal-veiligheidsbeleid_2021-2024.txt"
NEW = "hengelo_integraal-veiligheidsbeleid_2024-2026"


@pytest.fixture(scope="module")
def client(corpus_home):
    from api.app import create_app

    with TestClient(create_app(corpus_home)) as test_client:
        yield test_client


def test_compare_two_documents_returns_added_removed_kept_per_category(client):
    response = client.get("/api/compare", params={"a": OLD, "b": NEW})
    assert response.status_code == 200
    body = response.json()
    assert body["a"]["file"] == OLD and body["b"]["doc_id"] == NEW
    for category in ("priority_themes", "themes", "instruments", "partners", "goals", "targets"):
        assert set(body[category]) == {"added", "removed", "kept"}
        assert body["counts"][category]["added"] == len(body[category]["added"])
    assert body["instruments"]["added"][0]["evidence_b"][0]["file"] == NEW + ".txt"


def test_compare_a_municipality_gives_its_consecutive_periods(client):
    body = client.get("/api/compare", params={"municipality": "Hengelo"}).json()
    assert body["municipality"]["code"] == "GM0164"
    assert [(c["a"]["file"], c["b"]["doc_id"]) for c in body["comparisons"]] == [(OLD, NEW)]


def test_unknown_document_is_a_404_with_the_error_shape(client):
    response = client.get("/api/compare", params={"a": OLD, "b": "hengelo_bestaat_niet"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "unknown_document" and "hengelo_bestaat_niet" in error["message"]


@pytest.mark.parametrize(
    "params",
    [{"a": OLD}, {"a": OLD, "b": NEW, "municipality": "Hengelo"}],
)
def test_incomplete_or_conflicting_compare_parameters_are_422(client, params):
    response = client.get("/api/compare", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_parameter"


def test_matrix_json_for_a_theme_has_evidence_per_cell(client):
    body = client.get("/api/matrix", params={"kind": "instrument", "theme": "ondermijning"}).json()
    row = next(r for r in body["rows"] if r["label"] == "Haaksbergen")
    cell = body["cells"][row["id"]]["instrument:integrale_controles"]
    assert cell["evidence"][0]["text"]


def test_matrix_bad_kind_and_bad_period_are_422_unknown_theme_404(client):
    assert client.get("/api/matrix", params={"kind": "wet"}).status_code == 422
    assert client.get("/api/matrix", params={"period": "ooit"}).status_code == 422
    response = client.get("/api/matrix", params={"theme": "theme:bestaat_niet"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_label"


def test_matrix_csv_download(client):
    response = client.get("/api/matrix", params={"kind": "partner", "period": 2025, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="matrix_partner_2025.csv"' == response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    municipalities = {r[0] for r in rows[1:]}
    # 2025 lies inside Hengelo 2024-2026 and Haaksbergen 2024-2027, not inside Enschede 2020-2023
    assert municipalities == {"Hengelo", "Haaksbergen"}


def test_timeline_of_one_concept(client):
    body = client.get(
        "/api/timeline", params={"municipality": "Hengelo", "concept": "theme:ondermijning"}
    ).json()
    (entry,) = body["concepts"]
    assert entry["id"] == "theme:ondermijning"
    assert OLD in entry["documents"] and NEW + ".txt" in entry["documents"]
    assert client.get("/api/timeline", params={"municipality": "Nergenshuizen"}).status_code == 404


def test_unique_concepts_endpoint(client):
    body = client.get("/api/unique", params={"municipality": "Enschede", "kind": "partner"}).json()
    assert body["municipality"]["name"] == "Enschede"
    assert all(item["documents"] for item in body["concepts"])


def test_compare_page_labels_changes_in_dutch_with_evidence_on_both_sides(client):
    response = client.get("/vergelijken", params={"a": OLD, "b": NEW})
    assert response.status_code == 200
    html = response.text
    for label in ("nieuw", "vervallen", "behouden", "Bewijs A", "Bewijs B", "Prioritaire thema"):
        assert label in html
    assert "tag-added" in html and "tag-removed" in html


def test_compare_page_leads_with_the_headline_and_the_aligned_goals(client):
    body = client.get("/api/compare", params={"a": OLD, "b": NEW}).json()
    html = client.get("/vergelijken", params={"a": OLD, "b": NEW}).text
    headline, aligned, counts = (
        html.index(marker) for marker in ('class="headline"', 'class="aligned-goals"', 'class="summary"')
    )
    assert headline < aligned < counts
    first_sentence = body["summary"]["sentences"][0]["text"]
    assert first_sentence.split()[0] in html[headline:aligned]
    assert f"Doelen die doorlopen ({len(body['goals']['kept'])})" in html


def test_two_municipalities_compare_the_same_in_json_and_on_the_page(client):
    body = client.get("/api/compare", params={"municipality": "Hengelo", "versus": "Haaksbergen"}).json()
    assert (body["a"]["name"], body["b"]["name"]) == ("Hengelo", "Haaksbergen")
    assert body["summary"]["text"] and body["instruments"]["kept"]
    page = client.get("/vergelijken", params={"municipality": "Hengelo", "versus": "Haaksbergen"})
    assert page.status_code == 200 and body["summary"]["sentences"][0]["text"] in page.text.replace(
        "&#39;", "'"
    )
    html = page.text
    for state in ("added", "removed", "kept"):
        assert f'<span class="tag tag-{state}">{body["summary"]["labels"][state]}</span>' in html
    assert ">vervallen<" not in html and ">nieuw<" not in html and "cmp-legend" not in html
    assert f"Doelen die beide hebben ({len(body['goals']['kept'])})" in html
    only_versus = client.get("/api/compare", params={"versus": "Haaksbergen"})
    assert only_versus.status_code == 422 and only_versus.json()["error"]["code"] == "bad_parameter"


def test_compare_page_without_choice_shows_the_form_and_unknown_is_404(client):
    assert '<select name="a">' in client.get("/vergelijken").text
    assert client.get("/vergelijken", params={"a": "x", "b": "y"}).status_code == 404


def test_matrix_page_is_a_heatmap_with_csv_link(client):
    response = client.get("/matrix", params={"theme": "theme:ondermijning"})
    assert response.status_code == 200
    html = response.text
    assert "Haaksbergen" in html and "heat-" in html
    assert "/api/matrix?theme=theme%3Aondermijning&amp;format=csv" in html or "format=csv" in html


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "instrument"},
        {"kind": "instrument", "theme": "ondermijning"},
        {"kind": "partner", "theme": "zorg en veiligheid"},
        {"kind": "instrument", "used_only": "true", "period": 2023},
    ],
)
def test_a_matrix_cell_asked_alone_is_the_cell_of_the_whole_matrix(client, params):
    whole = client.get("/api/matrix", params=params).json()
    cells = [(code, concept, cell) for code, row in whole["cells"].items() for concept, cell in row.items()]
    assert cells
    for code, concept, cell in cells[:: max(1, len(cells) // 8)]:
        response = client.get("/api/matrix/cell", params={**params, "municipality": code, "concept": concept})
        assert response.status_code == 200
        body = response.json()
        assert body["cell"] == cell
        assert body["municipality"]["code"] == code and body["concept"]["id"] == concept


def test_a_matrix_cell_names_what_it_does_not_know(client):
    base = {"concept": "cameratoezicht", "municipality": "Hengelo"}
    assert client.get("/api/matrix/cell", params={**base, "municipality": "Atlantis"}).status_code == 404
    assert client.get("/api/matrix/cell", params={**base, "concept": "bestaat niet"}).status_code == 404
    response = client.get(
        "/api/matrix/cell",
        params={**base, "kind": "theme", "concept": "ondermijning", "theme": "ondermijning"},
    )
    assert response.status_code == 422
    empty = client.get("/api/matrix/cell", params={**base, "concept": "artikel 13b Opiumwet", "period": 1900})
    assert empty.status_code == 200 and empty.json()["cell"]["count"] == 0


def test_the_matrix_page_carries_counts_not_quotes(client):
    html = client.get("/matrix", params={"theme": "theme:ondermijning"}).text
    assert (
        '<th scope="col" class="col" data-concept="instrument:' in html
        and '<tr data-municipality="GM' in html
    )
    assert "<q>" not in html  # quotes come from /api/matrix/cell when a cell is opened


def test_the_matrix_without_quotes_has_the_same_counts(client):
    params = {"kind": "instrument", "theme": "ondermijning"}
    full = client.get("/api/matrix", params=params).json()
    bare = client.get("/api/matrix", params={**params, "quotes": "false"}).json()
    assert bare["columns"] == full["columns"] and bare["rows"] == full["rows"]
    for code, row in full["cells"].items():
        for concept, cell in row.items():
            other = bare["cells"][code][concept]
            assert other["evidence"] == [] and other["evidence_count"] is None
            assert {k: v for k, v in other.items() if not k.startswith("evidence")} == {
                k: v for k, v in cell.items() if not k.startswith("evidence")
            }
