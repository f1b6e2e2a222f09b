"""The FastAPI application: JSON API (/api), SPARQL 1.1 endpoint (/sparql) and the Dutch web UI.

Every route calls the same graph/ and search/ functions the CLI calls and returns their dicts
unchanged (JSON) or renders them (HTML), so there is no second implementation of any answer.
The graph store is opened read-only (no lock: an ingest can run beside the server); the handle is
reopened when the store's generation marker shows another process has written.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.openapi import SecurityHeaders
from api.sparql.pool import PoolSettings, QueryPool
from api.sparql.protocol import SparqlSettings, create_sparql_router
from api.sparql.safety import Limits
from graph.store import GraphStore, resolve_home

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Settings:
    """Server settings; the SPARQL limits can also come from BELEIDSGRAAF_SPARQL_* variables."""

    home: Path
    sparql_timeout: float = 30.0
    sparql_row_limit: int = 10_000
    update_token: str | None = None
    sparql_workers: int = 2
    sparql_memory_mb: int = 1024
    sparql_max_depth: int = Limits.max_depth
    sparql_max_tokens: int = Limits.max_tokens


class StoreHolder:
    """One shared read-only GraphStore handle, reopened when another process has written."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._lock = threading.Lock()
        self._store: GraphStore | None = None

    def get(self) -> GraphStore:
        with self._lock:
            if self._store is None or self._store.is_stale():
                # the old handle is dropped, not closed: queries still running on it keep it alive
                self._store = GraphStore.open(self.home, read_only=True)
            return self._store

    def run_update(self, update: str) -> None:
        """Apply a SPARQL update through a short-lived writable handle (only with an update token).

        Never waits for another writer (an ingest can take minutes): StoreBusy answers 503 instead.
        """
        with GraphStore.open(self.home, read_only=False, wait=False, purpose="sparql update") as store:
            store.update(update)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        log.warning("ignoring %s=%r: not a number", name, value)
        return default


def settings_from_env(
    home: Path | None, sparql_timeout: float | None, sparql_row_limit: int | None, update_token: str | None
) -> Settings:
    """Explicit arguments win over environment variables, which win over the defaults."""
    return Settings(
        home=resolve_home(home),
        sparql_timeout=sparql_timeout
        if sparql_timeout is not None
        else _env_float("BELEIDSGRAAF_SPARQL_TIMEOUT", 30.0),
        sparql_row_limit=sparql_row_limit
        if sparql_row_limit is not None
        else int(_env_float("BELEIDSGRAAF_SPARQL_ROW_LIMIT", 10_000)),
        update_token=update_token or os.environ.get("BELEIDSGRAAF_UPDATE_TOKEN") or None,
        sparql_workers=max(1, int(_env_float("BELEIDSGRAAF_SPARQL_WORKERS", 2))),
        sparql_memory_mb=max(64, int(_env_float("BELEIDSGRAAF_SPARQL_MEMORY_MB", 1024))),
        sparql_max_depth=int(_env_float("BELEIDSGRAAF_SPARQL_MAX_DEPTH", Limits.max_depth)),
        sparql_max_tokens=int(_env_float("BELEIDSGRAAF_SPARQL_MAX_TOKENS", Limits.max_tokens)),
    )


NAV = [
    ("/", "Zoeken"),
    ("/gemeenten", "Gemeenten"),
    ("/documenten", "Documenten"),
    ("/vergelijken", "Vergelijken"),
    ("/matrix", "Matrix"),
    ("/sparql-editor", "SPARQL"),
    ("/over", "Over"),
]


def _routers() -> list[APIRouter]:
    """The feature routers, in order; a new capability adds its module here."""
    from api import pages, routes_compare, routes_graph, routes_search

    return [routes_search.router, routes_graph.router, routes_compare.router, pages.router]


def create_app(
    home: Path | None = None,
    *,
    sparql_timeout: float | None = None,
    sparql_row_limit: int | None = None,
    update_token: str | None = None,
    **overrides: object,
) -> FastAPI:
    """The application over the data folder ``home`` (default $BELEIDSGRAAF_HOME or ./.beleidsgraaf).

    ``overrides`` set other ``Settings`` fields (``sparql_workers``, ``sparql_memory_mb`` ...).
    """
    from graph.namespaces import PREFIXES

    settings = settings_from_env(home, sparql_timeout, sparql_row_limit, update_token)
    if overrides:
        settings = replace(settings, **overrides)
    pool = QueryPool(
        settings.home, PoolSettings(size=settings.sparql_workers, memory_mb=settings.sparql_memory_mb)
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()  # the workers start with the first query and end with the server

    app = FastAPI(
        lifespan=lifespan,
        title="beleidsgraaf",
        summary="Knowledge graph and semantic search over Dutch municipal safety policy",
        description=(
            "JSON API under `/api`, a SPARQL 1.1 endpoint at `/sparql` (read-only, "
            f"{settings.sparql_timeout:g} s time limit, results capped at {settings.sparql_row_limit} rows "
            "with `X-Result-Truncated: true`), Dutch web pages at `/`. Errors are JSON "
            '`{"error": {"code": ..., "message": ...}}`.'
        ),
        version="0.1.0",
        docs_url=None,  # served below from the vendored Swagger UI, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.stores = StoreHolder(settings.home)
    app.state.sparql_pool = pool
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["X-Result-Truncated", "X-Result-Limit"],
    )
    app.add_middleware(SecurityHeaders)
    sparql_settings = SparqlSettings(
        timeout=settings.sparql_timeout,
        row_limit=settings.sparql_row_limit,
        update_token=settings.update_token,
        limits=Limits(max_depth=settings.sparql_max_depth, max_tokens=settings.sparql_max_tokens),
        prefixes=dict(PREFIXES),
    )
    app.include_router(create_sparql_router(pool, sparql_settings, app.state.stores.run_update))
    for router in _routers():
        app.include_router(router)
    app.state.nav = NAV
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """OpenAPI documentation from the Swagger UI vendored at install (the server needs no network)."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="beleidsgraaf — JSON-API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    return app
