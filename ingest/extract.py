"""Find concept mentions (themes, instruments, partners, laws) in passages.

Matchers are built from every label of every concept in the ontology (preferred, alternative,
hidden, English) — no vocabulary lives here.  Matching is token-based on two normalised forms:

* the *surface key*: lower-cased token text with all punctuation and spacing removed, so hyphen and
  space variants meet ("7- stappen model" = "7-stappenmodel", "AVE- methodiek" = "AVE-methodiek");
* the *lemma key*: the same over lemmas, so plural/singular and inflection meet
  ("Integrale Controles" = "integrale controle").

Short all-caps labels and declared acronyms (MIA, OM, RIEC) match case-sensitively on whole tokens.
Overlapping matches of one type are resolved longest-first; a label shared by concepts of several
types (horeca, jongerenwerk, Wet Bibob) yields a mention for each.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ingest.clean import CleanText
from ingest.model import Mention
from ingest.nlp import get_nlp
from ingest.passages import Chunk

MATCH_TYPES = ("theme", "instrument", "partner", "law")
_LOOSE_RE = re.compile(r"[^0-9a-zà-ÿ]")
_MAX_WINDOW = 14


def loose(text: str) -> str:
    """Matching key: lower case, letters and digits only."""
    return _LOOSE_RE.sub("", text.lower())


def _case_sensitive(label: str, acronyms: tuple[str, ...]) -> bool:
    """Acronyms, and labels containing an all-caps short word ("het OM"), must match case and all."""
    if label in acronyms or (len(label) <= 5 and sum(c.isupper() for c in label) >= 2):
        return True
    return any(2 <= len(w) <= 5 and w.isupper() and w.isalpha() for w in re.split(r"[\s\-/]+", label))


@dataclass(frozen=True)
class Matchers:
    surface: dict[str, frozenset[str]]  # surface key -> concept ids
    lemma: dict[str, frozenset[str]]  # lemma key -> concept ids
    exact: dict[str, frozenset[str]]  # case-sensitive key (spaces removed) -> concept ids
    types: dict[str, str]  # concept id -> type
    window: int


@lru_cache(maxsize=1)
def get_matchers() -> Matchers:
    """Build the label index once from ontology.vocabulary.load_concepts()."""
    from ontology.vocabulary import labels, load_concepts

    nlp = get_nlp()
    surface: dict[str, set[str]] = defaultdict(set)
    lemma: dict[str, set[str]] = defaultdict(set)
    exact: dict[str, set[str]] = defaultdict(set)
    types: dict[str, str] = {}
    insensitive: list[tuple[str, str]] = []
    window = 1
    for concept in load_concepts().values():
        if concept.type not in MATCH_TYPES or concept.is_field:
            continue
        types[concept.id] = concept.type
        for label in labels(concept):
            if not label.strip():
                continue
            if _case_sensitive(label, concept.acronyms):
                exact[re.sub(r"\s+", "", label).rstrip("-")].add(concept.id)
                continue
            key = loose(label)
            if len(key) < 3:
                continue
            surface[key].add(concept.id)
            insensitive.append((label, concept.id))
    for doc, (_, cid) in zip(nlp.pipe(label for label, _ in insensitive), insensitive, strict=True):
        window = max(window, len(doc) + 2)
        key = "".join(loose(t.lemma_ or t.text) for t in doc)
        if len(key) >= 3:
            lemma[key].add(cid)
    return Matchers(
        surface={k: frozenset(v) for k, v in surface.items()},
        lemma={k: frozenset(v) for k, v in lemma.items()},
        exact={k: frozenset(v) for k, v in exact.items()},
        types=types,
        window=min(window, _MAX_WINDOW),
    )


@dataclass
class Hit:
    """One concept found at tokens [tok_start, tok_end) of an analysed text."""

    concept_id: str
    concept_type: str
    start: int  # character offsets in the analysed text
    end: int


def match_tokens(doc, matchers: Matchers | None = None) -> list[Hit]:  # doc: spacy Doc
    """All concept hits in a spaCy Doc, overlaps resolved longest-first within each type."""
    m = matchers or get_matchers()
    tokens = list(doc)
    surf = [loose(t.text) for t in tokens]
    lem = [loose(t.lemma_ or t.text) for t in tokens]
    orth = [t.text for t in tokens]
    candidates: list[tuple[int, int, str]] = []  # (tok_start, tok_end, concept id)
    n = len(tokens)
    for i in range(n):
        if not surf[i] and not orth[i].strip("-"):
            continue
        s_key, l_key, o_key = "", "", ""
        for j in range(i, min(n, i + m.window)):
            if "\n" in tokens[j].text or (j > i and "\n" in tokens[j - 1].whitespace_):
                break
            s_key += surf[j]
            l_key += lem[j]
            o_key += orth[j]
            if not surf[j] and j == i:
                break
            found: set[str] = set()
            found |= m.surface.get(s_key, frozenset())
            found |= m.lemma.get(l_key, frozenset())
            found |= m.exact.get(o_key.rstrip("-"), frozenset())
            if found and surf[j]:
                candidates.extend((i, j + 1, cid) for cid in found)
    return _resolve(candidates, tokens, m)


def _resolve(candidates: list[tuple[int, int, str]], tokens, m: Matchers) -> list[Hit]:
    hits: list[Hit] = []
    by_type: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for cand in candidates:
        by_type[m.types[cand[2]]].append(cand)
    for ctype, cands in by_type.items():
        taken: list[tuple[int, int]] = []
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
        accepted_spans: dict[tuple[int, int], set[str]] = defaultdict(set)
        for s, e, cid in cands:
            if (s, e) in accepted_spans:
                accepted_spans[(s, e)].add(cid)
                continue
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            accepted_spans[(s, e)].add(cid)
        for (s, e), cids in accepted_spans.items():
            start = tokens[s].idx
            last = tokens[e - 1]
            end = last.idx + len(last.text.rstrip("-"))
            hits.extend(Hit(cid, ctype, start, end) for cid in sorted(cids))
    hits.sort(key=lambda h: (h.start, h.end, h.concept_id))
    return hits


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
                lemmas = " ".join((t.lemma_ or t.text).lower() for t in span) if span is not None else ""
                out.append(Sentence(s, e, piece, lemmas, kind))
            pos += len(piece)
    return out


def analyse_chunks(chunks: list[Chunk], clean_text: CleanText) -> list[AnalysedChunk]:
    """Run the Dutch pipeline over every passage and find concept hits."""
    nlp = get_nlp()
    matchers = get_matchers()
    out: list[AnalysedChunk] = []
    for chunk, doc in zip(chunks, nlp.pipe(c.passage.text for c in chunks), strict=True):
        out.append(AnalysedChunk(chunk, doc, _sentences(doc, chunk, clean_text), match_tokens(doc, matchers)))
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
