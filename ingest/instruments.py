"""Instrument facts: what a document says about each instrument it names ("mention is not use").

Every instrument mention gets a status from its sentence, block and line (``ingest.status``); the
document-level fact takes the strongest claim of the mentions decided by a cue or block
(``status.document_status``), the themes the instrument is named with, and evidence
that says what the status says first.
"""

from __future__ import annotations

from collections import defaultdict

from ingest.extract import MAX_EVIDENCE, AnalysedChunk, evidence_span
from ingest.model import Evidence, InstrumentUse, Mention
from ingest.status import Decision, document_status, mention_decision

SECTION_BODY_SENTENCES = 3


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


def instrument_facts(
    analysed: list[AnalysedChunk], offsets: list[int], source: str, mentions: list[Mention]
) -> list[InstrumentUse]:
    """One InstrumentUse per instrument named: the document status over its mentions (each mention's
    status and deciding cue are set on it too), the themes of its passages and sentences, and its evidence."""
    statuses: dict[str, list[Decision]] = defaultdict(list)
    themes: dict[str, list[str]] = defaultdict(list)
    evidence: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
    mention_iter = iter(mentions)  # same order as the hits below
    for ac in analysed:
        for hit in ac.hits:
            mention = next(mention_iter)
            if hit.concept_type != "instrument":
                continue
            sent = ac.sentence_at(hit.start)
            if sent is None:
                continue
            body = _section_body(analysed, ac.chunk.section) if sent.line_kind == "heading" else None
            decision = mention_decision(
                sent.text,
                sent.lemmas,
                sent.line_kind,
                ac.chunk.block,
                body,
                span=(hit.start - sent.start, hit.end - sent.start),
            )
            status = mention.status = decision.status
            mention.cue = decision.cue
            cid = hit.concept_id
            statuses[cid].append(decision)
            for theme in ac.chunk.passage.theme_ids:
                if theme not in themes[cid]:
                    themes[cid].append(theme)
            for other in ac.hits:
                if other.concept_type == "theme" and sent.start <= other.start < sent.end:
                    if other.concept_id not in themes[cid]:
                        themes[cid].append(other.concept_id)
            evidence[cid].append((status, evidence_span(ac, sent.start, sent.end, offsets, source)))
    return [
        InstrumentUse(cid, status, tuple(themes[cid]), _evidence_for(status, evidence[cid]))
        for cid, status in ((cid, document_status(statuses[cid])) for cid in statuses)
    ]


def _evidence_for(status: str, found: list[tuple[str, Evidence]]) -> list[Evidence]:
    """The evidence shown for an instrument: the sentences that say what its status says first (a
    sentence that only mentions it must not stand as proof of use), in document order, at most
    MAX_EVIDENCE."""
    ranked = sorted(enumerate(found), key=lambda item: (item[1][0] != status, item[0]))
    return [ev for _, (_, ev) in ranked[:MAX_EVIDENCE]]
