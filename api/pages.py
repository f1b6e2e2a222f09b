"""The Dutch web UI: server-rendered pages over the same functions as the JSON API.

Each page calls graph.queries / search.engine exactly as the /api routes do and renders the dict; the
only logic here is presentation (highlighting, grouping facet options, Dutch error messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from api.errors import dutch_message, http_status
from api.routes_graph import concepts_payload, store_of
from api.routes_search import run_search
from graph import queries
from graph.read import label
from ontology.errors import BeleidsgraafError
from ontology.language import status_labels

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
EXAMPLES_DIR = Path(__file__).resolve().parent / "static" / "examples"

router = APIRouter(include_in_schema=False)

SEARCH_FIELDS = ("q", "municipality", "year", "type", "theme", "instrument", "partner", "mode")
MODES = {"hybrid": "Hybride (aanbevolen)", "dense": "Semantisch", "bm25": "Trefwoorden (BM25)"}


# --------------------------------------------------------------------------- presentation helpers


def anchor(passage_id: str | None) -> str:
    """HTML id of a passage on its document page: the last segment of its id (``p0001``)."""
    return (passage_id or "").rstrip("/").rsplit("/", 1)[-1]


def _label_of(concept_id: str | None) -> str:
    if not concept_id:
        return ""
    return label(concept_id) or concept_id


def highlight_terms(text: str, terms: Iterable[str]) -> Markup:
    """Escape ``text`` and wrap every case-insensitive whole-word occurrence of a term in <mark>."""
    words = sorted({t.strip() for t in terms if t and len(t.strip()) >= 3}, key=len, reverse=True)
    if not text or not words:
        return escape(text or "")
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def mark_spans(text: str, offset: int, spans: list[dict[str, Any]]) -> Markup:
    """Escape a passage and wrap fact evidence spans in <span class="fact fact-KIND" title=...>.

    Span offsets point into the document's source text; the passage starts at ``offset``. When the
    passage text does not line up with the offsets (cleaned text), the quote is looked up in the passage.
    Overlapping spans are skipped after the first, so the markup always nests correctly.
    """
    placed: list[tuple[int, int, dict[str, Any]]] = []
    for span in spans:
        quote = span.get("text") or ""
        start = end = None
        if span.get("start") is not None and span.get("end") is not None:
            s, e = int(span["start"]) - offset, int(span["end"]) - offset
            if 0 <= s < e <= len(text) and " ".join(text[s:e].split()) == " ".join(quote.split()):
                start, end = s, e
        if start is None and quote:
            found = text.find(quote)
            if found >= 0:
                start, end = found, found + len(quote)
        if start is None or any(start < pe and ps < end for ps, pe, _ in placed):
            continue
        placed.append((start, end, span))
    placed.sort(key=lambda p: p[0])
    out, last = [], 0
    for start, end, span in placed:
        out.append(escape(text[last:start]))
        kind = re.sub(r"[^a-z]", "", str(span.get("kind", "fact")))
        out.append(
            Markup('<span class="fact fact-{}" title="{}">').format(kind, span.get("title", ""))
            + escape(text[start:end])
            + Markup("</span>")
        )
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def query_terms(result: dict[str, Any]) -> list[str]:
    """Words to highlight for a search answer.

    When the query names concepts, their labels (and those of narrower concepts) are what the answer is
    about; otherwise the query's content words (not stop words) are highlighted.
    """
    from ontology.vocabulary import labels, load_concepts, narrower_closure

    terms: list[str] = []
    concepts = load_concepts()
    for found in result.get("concepts") or []:
        terms.append(found.get("matched") or "")
        if found.get("id") not in concepts:
            continue
        for cid in {found["id"], *narrower_closure(found["id"])}:
            terms.extend(labels(concepts[cid]))
    if any(terms):
        return terms
    from spacy.lang.nl.stop_words import STOP_WORDS

    words = re.findall(r"\w[\w-]*", (result.get("query") or {}).get("text") or "")
    return [w for w in words if len(w) >= 4 and w.lower() not in STOP_WORDS]


def document_spans(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Evidence spans of a document's facts, grouped by passage id, with a kind and a Dutch tooltip."""
    statuses = status_labels()
    grouped: dict[str, list[dict[str, Any]]] = {}

    def add(kind: str, title: str, evidence: list[dict[str, Any]]) -> None:
        for ev in evidence or []:
            grouped.setdefault(ev.get("passage") or "", []).append({**ev, "kind": kind, "title": title})

    for theme in doc.get("themes", []):
        prefix = "Prioritair thema" if theme.get("priority") else "Thema"
        add("theme", f"{prefix}: {theme.get('label')}", theme.get("evidence"))
    for inst in doc.get("instruments", []):
        status = statuses.get(inst.get("status") or "", inst.get("status") or "")
        add("instrument", f"Instrument: {inst.get('label')} ({status})", inst.get("evidence"))
    for partner in doc.get("partners", []):
        add("partner", f"Partner: {partner.get('label')}", partner.get("evidence"))
    for goal in doc.get("goals", []):
        add("goal", f"Doel ({goal.get('type') or 'doel'})", goal.get("evidence"))
    for target in doc.get("targets", []):
        add("target", f"Streefcijfer: {target.get('metric') or ''}", target.get("evidence"))
    for indicator in doc.get("indicators", []):
        add("indicator", f"Indicator: {indicator.get('label') or ''}", indicator.get("evidence"))
    return grouped


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, exc: BeleidsgraafError, title: str) -> HTMLResponse:
    """The HTML edge of the error model: the Dutch message for the error's code, with its HTTP status."""
    return render(
        request,
        "error.html",
        status_code=http_status(exc),
        title=title,
        message=dutch_message(exc),
        suggestions=exc.fields.get("suggestions") or [],
        retry_url=lambda s: "/?" + urlencode({"q": s}),
    )


# --------------------------------------------------------------------------- facet options


def _grouped_options(type_: str) -> list[dict[str, Any]]:
    """Concepts of one type as option groups (Kernbeleid field or category → concepts), labels Dutch."""
    payload = concepts_payload(type_)
    labels = {c["id"]: c["label"] for c in concepts_payload(None)["concepts"]}
    groups: dict[str, list[dict[str, str]]] = {}
    for concept in payload["concepts"]:
        if concept.get("is_field"):
            continue
        group = labels.get(concept.get("category") or "", "") or "Overig"
        groups.setdefault(group, []).append({"value": concept["id"], "label": concept["label"]})
    return [
        {"label": name, "options": sorted(opts, key=lambda o: o["label"].lower())}
        for name, opts in sorted(groups.items(), key=lambda kv: (kv[0] == "Overig", kv[0].lower()))
    ]


def _facets(request: Request) -> dict[str, Any]:
    try:
        munis = queries.municipalities(store_of(request))
    except BeleidsgraafError:  # a busy or empty store still shows the page
        munis = []
    return {
        "municipalities": sorted(munis, key=lambda m: m["name"] or ""),
        "themes": _grouped_options("theme"),
        "instruments": _grouped_options("instrument"),
        "partners": _grouped_options("partner"),
        "doctypes": _grouped_options("doctype"),
        "modes": MODES,
    }


# --------------------------------------------------------------------------- pages


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    """Zoekpagina: a plain GET form (works without JavaScript); results when ``q`` is given."""
    form = {k: (request.query_params.get(k) or "").strip() for k in SEARCH_FIELDS}
    result = error = None
    suggestions: list[str] = []
    if form["q"]:
        try:
            result = run_search(
                request,
                form["q"],
                municipality=form["municipality"] or None,
                year=form["year"] or None,
                doc_type=form["type"] or None,
                theme=form["theme"] or None,
                instrument=form["instrument"] or None,
                partner=form["partner"] or None,
                top_k=10,
                mode=form["mode"] or "hybrid",
            )
        except BeleidsgraafError as exc:
            error = dutch_message(exc)
            suggestions = exc.fields.get("suggestions") or []
    terms = query_terms(result) if result else []
    return render(
        request,
        "index.html",
        active="/",
        form=form,
        facets=_facets(request),
        result=result,
        error=error,
        suggestions=suggestions,
        hl=lambda text: highlight_terms(text, terms),
        anchor=anchor,
        label_of=_label_of,
    )


@router.get("/gemeenten", response_class=HTMLResponse)
def municipalities_page(request: Request) -> HTMLResponse:
    munis = queries.municipalities(store_of(request))
    return render(request, "gemeenten.html", active="/gemeenten", municipalities=munis)


@router.get("/gemeenten/{code}", response_class=HTMLResponse)
def municipality_page(request: Request, code: str) -> HTMLResponse:
    try:
        data = queries.municipality(store_of(request), code)
    except BeleidsgraafError as exc:
        return error_page(request, exc, "Gemeente niet gevonden")
    return render(request, "gemeente.html", active="/gemeenten", m=data)


@router.get("/documenten", response_class=HTMLResponse)
def documents_page(request: Request) -> HTMLResponse:
    docs = queries.documents(store_of(request))
    return render(request, "documenten.html", active="/documenten", documents=docs)


@router.get("/documenten/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    try:
        doc = queries.document(store_of(request), doc_id)
    except BeleidsgraafError as exc:
        return error_page(request, exc, "Document niet gevonden")
    spans = document_spans(doc)
    passages = [
        {
            **p,
            "anchor": anchor(p.get("passage")),
            "html": mark_spans(
                p.get("text") or "", int(p.get("start") or 0), spans.get(p.get("passage") or "", [])
            ),
        }
        for p in doc.get("passages", [])
    ]
    return render(
        request,
        "document.html",
        active="/documenten",
        doc=doc,
        meta=doc.get("document", {}),
        passages=passages,
        statuses=status_labels(),
        anchor=anchor,
        label_of=_label_of,
    )


def example_queries() -> list[dict[str, str]]:
    """The example SPARQL queries shipped with the UI: title (first comment line), description, text."""
    out = []
    for path in sorted(EXAMPLES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comments = [line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")]
        title = comments[0] if comments else path.stem
        out.append({"name": path.stem, "title": title, "description": " ".join(comments[1:]), "query": text})
    return out


@router.get("/sparql-editor", response_class=HTMLResponse)
def sparql_editor_page(request: Request) -> HTMLResponse:
    return render(request, "sparql_editor.html", active="/sparql-editor", examples=example_queries())


@router.get("/over", response_class=HTMLResponse)
def about_page(request: Request) -> HTMLResponse:
    try:
        stats = queries.stats(store_of(request))
    except BeleidsgraafError:  # a busy store still shows the page
        stats = None
    return render(request, "over.html", active="/over", stats=stats)
