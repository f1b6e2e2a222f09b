"""Analyse passages: sentences (with their line kind and lemmas) and the concept mentions in them.

Concepts are found by the shared matcher (``ingest.matcher``: every ontology label, lemma and
hyphen/space variants, one case rule), restricted here to themes, instruments, partners and laws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import CleanText
from ingest.matcher import Hit, get_matcher, match
from ingest.model import Evidence, Mention
from ingest.nlp import get_nlp
from ingest.passages import Chunk

MATCH_TYPES = ("theme", "instrument", "partner", "law")
MAX_EVIDENCE = 10  # evidence spans kept per fact
QUOTE_CHARS = 200


def match_tokens(doc) -> list[Hit]:  # doc: spacy Doc
    """Theme, instrument, partner and law hits in a spaCy Doc (Kernbeleid fields are not mentions)."""
    return match(doc, types=MATCH_TYPES, fields=False)


@dataclass
class Sentence:
    """A sentence (never spanning two lines) of a chunk, in chunk-text offsets."""

    start: int
    end: int
    text: str
    lemmas: str
    line_kind: str  # text | bullet | heading


@dataclass
class AnalysedChunk:
    chunk: Chunk
    doc: object  # spacy Doc over chunk.passage.text
    sentences: list[Sentence]
    hits: list[Hit]

    def sentence_at(self, offset: int) -> Sentence | None:
        for sent in self.sentences:
            if sent.start <= offset < sent.end:
                return sent
        return None


def _cue_lemma(token) -> str:  # token: spacy Token
    """Lower-case lemma for status cues; a present participle ("overwegende", "toenemend") keeps its
    own form: it is an adjective or adverb ("in overwegende mate" = mostly), never the finite verb a
    cue such as "overwegen" means."""
    word = token.text.lower()
    lemma = (token.lemma_ or token.text).lower()
    if lemma.endswith("en") and word in (lemma + "d", lemma + "de"):
        return word
    return lemma


def _sentences(doc, chunk: Chunk, clean_text: CleanText) -> list[Sentence]:
    text = doc.text
    line_kinds: list[tuple[int, int, str]] = []
    for line in chunk.lines:
        ls, le = line.start - chunk.clean_start, line.end - chunk.clean_start
        line_kinds.append((ls, le, line.kind))
    out: list[Sentence] = []
    for sent in doc.sents:
        pos = sent.start_char
        for piece in re.split(r"(\n+)", text[sent.start_char : sent.end_char]):
            if piece and not piece.startswith("\n") and piece.strip():
                s, e = pos, pos + len(piece)
                kind = next((k for ls, le, k in line_kinds if ls <= s < le + 1), "text")
                span = doc.char_span(s, e, alignment_mode="expand")
                lemmas = " ".join(_cue_lemma(t) for t in span) if span is not None else ""
                out.append(Sentence(s, e, piece, lemmas, kind))
            pos += len(piece)
    return out


def analyse_chunks(chunks: list[Chunk], clean_text: CleanText) -> list[AnalysedChunk]:
    """Run the Dutch pipeline over every passage and find concept hits."""
    nlp = get_nlp()
    get_matcher()
    out: list[AnalysedChunk] = []
    for chunk, doc in zip(chunks, nlp.pipe(c.passage.text for c in chunks), strict=True):
        out.append(AnalysedChunk(chunk, doc, _sentences(doc, chunk, clean_text), match_tokens(doc)))
    return out


def mentions_of(analysed: list[AnalysedChunk], clean_text: CleanText, source: str) -> list[Mention]:
    """Mentions with source offsets (status is filled in later by status.py)."""
    mentions: list[Mention] = []
    for ac in analysed:
        for hit in ac.hits:
            cs = ac.chunk.clean_start + hit.start
            ce = ac.chunk.clean_start + hit.end
            start, end = clean_text.source_span(cs, ce)
            mentions.append(
                Mention(
                    concept_id=hit.concept_id,
                    concept_type=hit.concept_type,
                    passage_id=ac.chunk.passage.id,
                    start=start,
                    end=end,
                    text=source[start:end],
                )
            )
    return mentions


def themes_in(text: str) -> tuple[str, ...]:
    """Theme ids named in a short text such as a heading."""
    doc = get_nlp()(text)
    seen: list[str] = []
    for hit in match_tokens(doc):
        if hit.concept_type == "theme" and hit.concept_id not in seen:
            seen.append(hit.concept_id)
    return tuple(seen)


def evidence_span(ac: AnalysedChunk, start: int, end: int, offsets: list[int], source: str) -> Evidence:
    """Evidence for chunk-text offsets [start, end): source offsets and a one-line quote."""
    a = offsets[ac.chunk.clean_start + start]
    b = offsets[ac.chunk.clean_start + end - 1] + 1
    return Evidence(ac.chunk.passage.id, a, b, " ".join(source[a:b].split())[:QUOTE_CHARS])
