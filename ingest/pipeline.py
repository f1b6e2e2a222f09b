"""From a file (or loaded text plus metadata) to an IngestedDocument.

clean → segment → passages → nlp + matching → facts (status, themes, partners) → goals → targets.
Each stage's wall time is recorded in ``IngestedDocument.timings``.  A document that names no known
concept still yields its passages, so it is searchable.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from pathlib import Path

from ingest.clean import clean
from ingest.extract import AnalysedChunk, analyse_chunks, get_matchers, mentions_of, themes_in
from ingest.goals import extract_goals
from ingest.model import DocumentMeta, Evidence, IngestedDocument, InstrumentUse, PartnerFact
from ingest.nlp import get_nlp
from ingest.passages import attribute_themes, build_passages
from ingest.segment import Segmentation, segment
from ingest.status import mention_status, strongest
from ingest.themes import theme_facts
from ontology import language

log = logging.getLogger(__name__)

MAX_EVIDENCE = 10
SECTION_BODY_SENTENCES = 3


def slug(stem: str) -> str:
    """doc_id from a file stem: lower case, [a-z0-9._-] only."""
    text = stem.lower().strip()
    text = re.sub(r"[^a-z0-9._-]+", "-", text)
    return text.strip("-") or "document"


class _Timer:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(self.timings.get(stage, 0.0) + now - self.last, 4)
        self.last = now


def analyse(loaded, meta: DocumentMeta) -> IngestedDocument:  # loaded: ingest.load.LoadedText
    """Analyse decoded text into sections, passages, mentions and facts."""
    source = loaded.text
    page_starts = getattr(loaded, "page_starts", None)
    doc = IngestedDocument(meta=meta, text=source)
    doc.warnings.extend(getattr(loaded, "warnings", []) or [])
    timer = _Timer(doc.timings)
    get_nlp()
    get_matchers()
    timer.lap("setup")

    clean_text = clean(source, page_starts)
    timer.lap("clean")
    seg = segment(clean_text)
    doc.sections = seg.sections
    timer.lap("segment")
    chunks = build_passages(meta.doc_id, clean_text, seg, page_starts)
    doc.passages = [c.passage for c in chunks]
    timer.lap("passages")

    analysed = analyse_chunks(chunks, clean_text)
    for section in seg.sections:
        section.theme_ids = themes_in(section.title)
    attribute_themes(chunks, seg)
    timer.lap("nlp")

    doc.mentions = mentions_of(analysed, clean_text, source)
    timer.lap("extract")
    doc.instruments = _instrument_facts(analysed, seg, clean_text.offsets, source, doc)
    timer.lap("status")
    doc.themes = theme_facts(analysed, seg, source, clean_text.offsets)
    doc.partners = _partner_facts(analysed, clean_text.offsets, source)
    timer.lap("themes")
    doc.goals = extract_goals(meta.doc_id, analysed, source, clean_text.offsets)
    timer.lap("goals")

    from ingest.targets import extract_targets

    doc.targets, doc.indicators, doc.figures = extract_targets(doc)
    timer.lap("targets")
    if not doc.mentions:
        doc.warnings.append("no vocabulary concept found in the text")
    return doc


def ingest_file(path: Path) -> IngestedDocument:
    """Load, describe and analyse one file."""
    from ingest.load import load_file
    from ingest.metadata import build_meta

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


def _evidence(ac: AnalysedChunk, s: int, e: int, offsets: list[int], source: str) -> Evidence:
    start = offsets[ac.chunk.clean_start + s]
    end = offsets[ac.chunk.clean_start + e - 1] + 1
    return Evidence(ac.chunk.passage.id, start, end, " ".join(source[start:end].split())[:200])


def _section_body(analysed: list[AnalysedChunk], section: int) -> list[tuple[str, str]]:
    body: list[tuple[str, str]] = []
    for ac in analysed:
        if ac.chunk.section != section:
            continue
        for sent in ac.sentences:
            if sent.line_kind != "heading":
                body.append((sent.text, sent.lemmas))
            if len(body) >= SECTION_BODY_SENTENCES:
                return body
    return body


def _instrument_facts(
    analysed: list[AnalysedChunk], seg: Segmentation, offsets: list[int], source: str, doc: IngestedDocument
) -> list[InstrumentUse]:
    statuses: dict[str, list[str]] = defaultdict(list)
    themes: dict[str, list[str]] = defaultdict(list)
    evidence: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
    mention_iter = iter(doc.mentions)  # same order as the hits below
    for ac in analysed:
        for hit in ac.hits:
            mention = next(mention_iter)
            if hit.concept_type != "instrument":
                continue
            sent = ac.sentence_at(hit.start)
            if sent is None:
                continue
            body = _section_body(analysed, ac.chunk.section) if sent.line_kind == "heading" else None
            status = mention_status(
                sent.text,
                sent.lemmas,
                sent.line_kind,
                ac.chunk.block,
                body,
                span=(hit.start - sent.start, hit.end - sent.start),
            )
            mention.status = status
            cid = hit.concept_id
            statuses[cid].append(status)
            for theme in ac.chunk.passage.theme_ids:
                if theme not in themes[cid]:
                    themes[cid].append(theme)
            for other in ac.hits:
                if other.concept_type == "theme" and sent.start <= other.start < sent.end:
                    if other.concept_id not in themes[cid]:
                        themes[cid].append(other.concept_id)
            evidence[cid].append((status, _evidence(ac, sent.start, sent.end, offsets, source)))
    return [
        InstrumentUse(cid, status, tuple(themes[cid]), _evidence_for(status, evidence[cid]))
        for cid, status in ((cid, strongest(statuses[cid])) for cid in statuses)
    ]


def _evidence_for(status: str, found: list[tuple[str, Evidence]]) -> list[Evidence]:
    """The evidence shown for an instrument: the sentences that say what its status says first (a
    sentence that only mentions it must not stand as proof of use), in document order, at most
    MAX_EVIDENCE."""
    ranked = sorted(enumerate(found), key=lambda item: (item[1][0] != status, item[0]))
    return [ev for _, (_, ev) in ranked[:MAX_EVIDENCE]]


def _partner_facts(analysed: list[AnalysedChunk], offsets: list[int], source: str) -> list[PartnerFact]:
    role_cues = {
        role: [re.compile(p, re.I) for p in patterns]
        for role, patterns in language.cues().get("partner_roles", {}).items()
    }
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    roles: dict[str, set[str | None]] = defaultdict(set)
    for ac in analysed:
        for hit in ac.hits:
            if hit.concept_type != "partner":
                continue
            sent = ac.sentence_at(hit.start)
            s, e = (sent.start, sent.end) if sent else (hit.start, hit.end)
            context = ac.chunk.passage.text[max(s, hit.start - 60) : min(e, hit.end + 30)].lower()
            role = next((r for r, pats in role_cues.items() if any(p.search(context) for p in pats)), None)
            roles[hit.concept_id].add(role)
            if len(evidence[hit.concept_id]) < MAX_EVIDENCE:
                evidence[hit.concept_id].append(_evidence(ac, s, e, offsets, source))
    return [
        PartnerFact(cid, next(iter(roles[cid])) if len(roles[cid]) == 1 else None, ev)
        for cid, ev in evidence.items()
    ]
