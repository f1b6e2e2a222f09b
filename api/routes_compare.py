"""Comparison routes: JSON (/api/compare, /api/matrix, /api/timeline, /api/unique) and the Dutch pages
/vergelijken and /matrix. Every route returns or renders the dict of the search.compare or graph.overview
function the CLI prints, so the page, the JSON and the command line always agree.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.errors import dutch_message, http_status
from api.openapi import error_responses
from api.pages import TEMPLATES
from api.routes_graph import store_of
from graph import overview
from graph.read import documents
from ontology.errors import BeleidsgraafError
from ontology.vocabulary import concepts_of_type
from search import compare
from search.compare import CATEGORY_LABELS
from search.headline import RELATION_LABELS, STATE_WORDS

log = logging.getLogger(__name__)

KIND_LABELS = {"instrument": "Instrumenten", "partner": "Partners", "theme": "Thema's"}

router = APIRouter()


# ------------------------------------------------------------------------------------------------ JSON


@router.get(
    "/api/compare",
    tags=["vergelijken"],
    description="Give either both `a` and `b`, or `municipality` (optionally with `versus`); 422 otherwise.",
    responses=error_responses(404, 422, 503),
)
def api_compare(
    request: Request,
    a: str | None = Query(None, min_length=1, description="Eerste document (bestandsnaam of doc_id)"),
    b: str | None = Query(None, min_length=1, description="Tweede document (bestandsnaam of doc_id)"),
    municipality: str | None = Query(
        None, min_length=1, description="Gemeente: vergelijk opeenvolgende perioden"
    ),
    versus: str | None = Query(
        None, min_length=1, description="Met municipality: vergelijk met deze gemeente"
    ),
    threshold: float | None = Query(
        None, ge=-1.0, le=2.0, description="Drempel (cosinus plus gedeelde woorden) voor doelen"
    ),
) -> dict:
    """What changed between two documents, between a municipality's successive policy periods, or
    between two municipalities (``municipality`` and ``versus``); ``summary`` is the Dutch headline."""
    return compare.comparison(
        store_of(request),
        a or None,
        b or None,
        municipality or None,
        versus or None,
        goal_threshold=threshold,
    )


@router.get(
    "/api/matrix",
    tags=["vergelijken"],
    response_model=None,
    responses={
        200: {
            "description": "JSON, or with `format=csv` a CSV download",
            "content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}},
        },
        **error_responses(404, 422, 503),
    },
)
def api_matrix(
    request: Request,
    kind: Literal["instrument", "partner"] = Query("instrument", description="instrument | partner"),
    theme: str | None = Query(None, min_length=1, description="Thema (id of label)"),
    period: int | None = Query(None, ge=1800, le=2200, description="Jaar binnen de beleidsperiode"),
    used_only: bool = Query(False, description="Alleen toegepaste of voorgenomen instrumenten"),
    quotes: bool = Query(
        True, description="Citaten per cel (false: alleen tellingen; /api/matrix/cell per cel)"
    ),
    format: Literal["json", "csv"] = Query("json"),
) -> Response | dict:
    """Municipality × concept matrix with documents and evidence per cell; ``format=csv`` for a download."""
    result = overview.matrix(
        store_of(request),
        kind,
        theme or None,
        period or None,
        used_only=used_only,
        quotes=quotes and format == "json",
    )
    if format == "csv":
        name = f"matrix_{result['kind']}"
        if result.get("theme"):
            name += "_" + result["theme"]["id"].partition(":")[2]
        if result.get("period"):
            name += f"_{result['period']}"
        return Response(
            overview.matrix_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return result


@router.get("/api/matrix/cell", tags=["vergelijken"], responses=error_responses(404, 422, 503))
def api_matrix_cell(
    request: Request,
    concept: str = Query(..., min_length=1, description="Begrip van de kolom (id of label)"),
    municipality: str = Query(..., min_length=1, description="Gemeente van de rij (naam of CBS-code)"),
    kind: Literal["instrument", "partner", "theme"] = Query("instrument", description="soort begrip"),
    theme: str | None = Query(None, min_length=1, description="Thema (id of label)"),
    period: int | None = Query(None, ge=1800, le=2200, description="Jaar binnen de beleidsperiode"),
    used_only: bool = Query(False, description="Alleen toegepaste of voorgenomen instrumenten"),
) -> dict:
    """One cell of the matrix (same filters) with its documents and quotes; the matrix page asks for it
    when a cell is opened."""
    return overview.matrix_cell(
        store_of(request), kind, concept, municipality, theme or None, period or None, used_only=used_only
    )


@router.get("/api/timeline", tags=["vergelijken"], responses=error_responses(404, 422, 503))
def api_timeline(
    request: Request,
    municipality: str = Query(..., min_length=1, description="Gemeente (naam of CBS-code)"),
    concept: str | None = Query(None, min_length=1, description="Eén begrip (id of label)"),
    kind: Literal["theme", "instrument", "partner"] | None = Query(None, description="soort begrip"),
) -> dict:
    """Per concept, the periods and documents of one municipality in which it appears."""
    return overview.timeline(store_of(request), municipality, concept or None, kind=kind or None)


@router.get("/api/unique", tags=["vergelijken"], responses=error_responses(404, 422, 503))
def api_unique(
    request: Request,
    municipality: str = Query(..., min_length=1, description="Gemeente (naam of CBS-code)"),
    kind: Literal["theme", "instrument", "partner"] = Query("instrument", description="soort begrip"),
) -> dict:
    """Concepts this municipality's documents name and no other municipality's documents do."""
    return overview.unique_concepts(store_of(request), municipality, kind)


# ------------------------------------------------------------------------------------------------ HTML


def _render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    context = {
        "active": request.url.path,
        "state_labels": STATE_WORDS["documents"],  # a comparison's own words: its summary.labels
        "category_labels": CATEGORY_LABELS,
        "kind_labels": KIND_LABELS,
        "relation_labels": RELATION_LABELS,
        **context,
    }
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


@router.get("/vergelijken", response_class=HTMLResponse, include_in_schema=False)
def page_compare(
    request: Request,
    a: str | None = None,
    b: str | None = None,
    municipality: str | None = None,
    versus: str | None = None,
) -> HTMLResponse:
    """Choose two documents or a municipality; shows nieuw / vervallen / behouden with evidence."""
    store = store_of(request)
    docs = documents(store)
    municipalities = sorted({d.municipality.name for d in docs if d.municipality and d.municipality.name})
    context: dict[str, Any] = {
        "documents": [d.brief() for d in docs],
        "municipalities": municipalities,
        "a": a or "",
        "b": b or "",
        "municipality": municipality or "",
        "versus": versus or "",
        "comparisons": [],
        "error": None,
    }
    status = 200
    if a or b or municipality:
        try:
            result = compare.comparison(store, a or None, b or None, municipality or None, versus or None)
            periods = municipality and not versus
            context["comparisons"] = result["comparisons"] if periods else [result]
            if periods and not result["comparisons"]:
                context["error"] = (
                    f"{result['municipality']['name']}: minder dan twee documenten met een periode."
                )
        except BeleidsgraafError as exc:
            context["error"], status = dutch_message(exc), http_status(exc)
    return _render(request, "compare.html", context, status)


@router.get("/matrix", response_class=HTMLResponse, include_in_schema=False)
def page_matrix(
    request: Request,
    kind: str = "instrument",
    theme: str | None = None,
    period: str | None = None,
    used_only: bool = False,
) -> HTMLResponse:
    """Heatmap of the matrix (counts); a cell's quotes are fetched when it is opened (/api/matrix/cell);
    filters and a CSV download link."""
    store = store_of(request)
    themes = sorted(((c.id, c.pref_label) for c in concepts_of_type("theme")), key=lambda t: t[1].casefold())
    context: dict[str, Any] = {
        "kind": kind,
        "theme": theme or "",
        "period": period or "",
        "used_only": used_only,
        "themes": themes,
        "matrix": None,
        "error": None,
        "max_count": 1,
    }
    status = 200
    try:
        result = overview.matrix(
            store, kind, theme or None, period or None, used_only=used_only, quotes=False
        )
        context["matrix"] = result
        if result.get("theme"):  # preselect the resolved theme, whatever label the user typed
            context["theme"] = result["theme"]["id"]
        counts = [c["count"] for row in result["cells"].values() for c in row.values()]
        context["max_count"] = max(counts, default=1)
        query = request.url.query
        context["csv_url"] = "/api/matrix?" + (query + "&" if query else "") + "format=csv"
    except BeleidsgraafError as exc:
        context["error"], status = dutch_message(exc), http_status(exc)
    return _render(request, "matrix.html", context, status)
