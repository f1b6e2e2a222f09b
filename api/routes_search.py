"""JSON search route: the same parameters as ``beleidsgraaf search``, the engine's dict unchanged."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.openapi import error_responses
from search.engine import search

router = APIRouter(prefix="/api", tags=["search"])

Filter = Annotated[str | None, Query(max_length=200)]


def run_search(request: Request, q: str, **options: Any) -> dict:
    """search.engine.search over the server's data folder (shared by the JSON route and the web page)."""
    return search(request.app.state.settings.home, q, **options)


@router.get(
    "/search",
    summary="Semantic search: ranked passages and the municipalities they support",
    responses=error_responses(400, 404, 422, 503),
)
def search_route(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=1000,
            pattern=r"[^\W_]",  # as search.engine.validate_query: at least one letter or digit
            description="question or keywords (Dutch or English), with at least one letter or digit",
        ),
    ],
    municipality: Filter = None,
    year: Annotated[int | None, Query(ge=1000, le=9999)] = None,
    type: Annotated[str | None, Query(max_length=200, description="document type label or id")] = None,
    theme: Filter = None,
    instrument: Filter = None,
    partner: Filter = None,
    top_k: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid",
) -> dict:
    return run_search(
        request,
        q,
        municipality=municipality,
        year=year,
        doc_type=type,
        theme=theme,
        instrument=instrument,
        partner=partner,
        top_k=top_k,
        mode=mode,
    )
