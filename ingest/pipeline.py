"""From a file (or loaded text plus metadata) to an IngestedDocument: an ordered list of named steps.

Each step is a function that takes the document state and returns it, registered by name with
``@step``; ``PIPELINE`` gives their order in one place:

    setup → clean → segment → passages → validity → nlp → mentions → instruments → themes → partners
    → goals → targets

A step reads what earlier steps left on the state (cleaned text, sections, passages, analysed chunks)
and adds its part to the document. Each step's wall time is recorded in ``IngestedDocument.timings``
under its name. A document that names no known concept still yields its passages, so it is searchable.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import CleanText, clean
from ingest.extract import AnalysedChunk, analyse_chunks, mentions_of, themes_in
from ingest.goals import extract_goals
from ingest.instruments import instrument_facts
from ingest.load import LoadedText, load_file
from ingest.matcher import get_matcher
from ingest.metadata import build_meta
from ingest.model import DocumentMeta, IngestedDocument
from ingest.nlp import get_nlp
from ingest.partners import partner_facts
from ingest.passages import Chunk, attribute_themes, build_passages
from ingest.regional import resolve_partners
from ingest.segment import Segmentation, segment
from ingest.targets import extract_targets
from ingest.themes import theme_facts
from ingest.validity import apply_validity

log = logging.getLogger(__name__)


@dataclass
class DocState:
    """What the steps share: the document being built and the intermediate analyses."""

    loaded: LoadedText
    doc: IngestedDocument
    clean_text: CleanText | None = None
    seg: Segmentation | None = None
    chunks: list[Chunk] = field(default_factory=list)
    analysed: list[AnalysedChunk] = field(default_factory=list)


Step = Callable[[DocState], DocState]
STEPS: dict[str, Step] = {}


def step(name: str) -> Callable[[Step], Step]:
    """Register a pipeline step under ``name``."""

    def register(fn: Step) -> Step:
        if name in STEPS:
            raise ValueError(f"pipeline step {name!r} registered twice")
        STEPS[name] = fn
        return fn

    return register


def slug(stem: str) -> str:
    """doc_id from a file stem: lower case, [a-z0-9._-] only."""
    text = stem.lower().strip()
    text = re.sub(r"[^a-z0-9._-]+", "-", text)
    return text.strip("-") or "document"


# ------------------------------------------------------------------------------------------------ steps


@step("setup")
def _setup(state: DocState) -> DocState:
    """Build the shared resources first, so their cost is not charged to a step of this document."""
    get_nlp()
    get_matcher()
    return state


@step("clean")
def _clean(state: DocState) -> DocState:
    state.clean_text = clean(state.loaded.text, state.loaded.page_starts)
    return state


@step("segment")
def _segment(state: DocState) -> DocState:
    state.seg = segment(state.clean_text)
    state.doc.sections = state.seg.sections
    return state


@step("passages")
def _passages(state: DocState) -> DocState:
    doc_id, page_starts = state.doc.meta.doc_id, state.loaded.page_starts
    state.chunks = build_passages(doc_id, state.clean_text, state.seg, page_starts)
    state.doc.passages = [c.passage for c in state.chunks]
    return state


@step("validity")
def _validity(state: DocState) -> DocState:
    """In force until, lapsed or withdrawn, and what the document replaces, with spans in passages."""
    doc = state.doc
    apply_validity(doc.meta, doc.text, state.loaded.fields, doc.passages)
    return state


@step("nlp")
def _nlp(state: DocState) -> DocState:
    """Sentences, lemmas and concept hits of every passage; themes of section titles and passages."""
    state.analysed = analyse_chunks(state.chunks, state.clean_text)
    for section in state.seg.sections:
        section.theme_ids = themes_in(section.title)
    attribute_themes(state.chunks, state.seg)
    return state


@step("mentions")
def _mentions(state: DocState) -> DocState:
    state.doc.mentions = mentions_of(state.analysed, state.clean_text, state.doc.text)
    if not state.doc.mentions:
        state.doc.warnings.append("no vocabulary concept found in the text")
    return state


@step("instruments")
def _instruments(state: DocState) -> DocState:
    doc = state.doc
    doc.instruments = instrument_facts(state.analysed, state.clean_text.offsets, doc.text, doc.mentions)
    return state


@step("themes")
def _themes(state: DocState) -> DocState:
    state.doc.themes = theme_facts(state.analysed, state.seg, state.doc.text, state.clean_text.offsets)
    return state


@step("partners")
def _partners(state: DocState) -> DocState:
    doc = state.doc
    code = doc.meta.municipality.code if doc.meta.municipality else None
    doc.partners = resolve_partners(partner_facts(state.analysed, state.clean_text.offsets, doc.text), code)
    return state


@step("goals")
def _goals(state: DocState) -> DocState:
    doc = state.doc
    doc.goals = extract_goals(doc.meta.doc_id, state.analysed, doc.text, state.clean_text.offsets)
    return state


@step("targets")
def _targets(state: DocState) -> DocState:
    state.doc.targets, state.doc.indicators, state.doc.figures = extract_targets(state.doc)
    return state


PIPELINE: tuple[str, ...] = (
    "setup",
    "clean",
    "segment",
    "passages",
    "validity",
    "nlp",
    "mentions",
    "instruments",
    "themes",
    "partners",
    "goals",
    "targets",
)


# ------------------------------------------------------------------------------------------------ entry


def analyse(loaded: LoadedText, meta: DocumentMeta, steps: tuple[str, ...] = PIPELINE) -> IngestedDocument:
    """Run the named steps in order over decoded text; each step's wall time goes to ``doc.timings``."""
    unknown = [name for name in steps if name not in STEPS]
    if unknown:
        raise ValueError(f"unknown pipeline step(s): {', '.join(unknown)}; known: {', '.join(STEPS)}")
    doc = IngestedDocument(meta=meta, text=loaded.text)
    doc.warnings.extend(loaded.warnings)
    state = DocState(loaded, doc)
    for name in steps:
        started = time.perf_counter()
        state = STEPS[name](state)
        doc.timings[name] = round(doc.timings.get(name, 0.0) + time.perf_counter() - started, 4)
    return state.doc


def ingest_file(path: Path) -> IngestedDocument:
    """Load, describe and analyse one file."""
    path = Path(path)
    started = time.perf_counter()
    loaded = load_file(path)
    load_seconds = time.perf_counter() - started
    name = path.name
    if name.endswith(".meta.json"):
        name = name[: -len(".meta.json")]
    meta = build_meta(path, loaded, slug(Path(name).stem))
    meta_seconds = time.perf_counter() - started - load_seconds
    doc = analyse(loaded, meta)
    doc.timings = {"load": round(load_seconds, 4), "metadata": round(meta_seconds, 4), **doc.timings}
    return doc
