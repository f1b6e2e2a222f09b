"""One concept matcher for documents (ingest) and questions (search).

Built from every label of every concept in the ontology (preferred, alternative, hidden, acronyms,
English) — no vocabulary lives here — and applied to token sequences of the one Dutch pipeline
(``ingest.nlp.get_nlp``), so a label matches the same way in a policy text and in a question:

* **lowercase and lemma**: a label matches on its *surface key* (folded text: lower case, no accents,
  letters and digits only) or its *lemma key* (the same over lemmas), so plural and inflection meet
  ("Integrale Controles" = "integrale controle");
* **hyphen and space variants**: keys ignore spacing and punctuation ("7- stappen model" =
  "7-stappenmodel", "AVE methodiek" = "AVE-methodiek", "street triage" = "streettriage"), and the
  parts of a hyphenated compound match on their own ("Bibob-beleidsregel" names Bibob) unless the
  compound is a name ("Binnenstad-Oost");
* **one case rule**: a declared acronym (``bg:acronym``: OM, MIA, Halt) and a short label with two or
  more capitals (≤ 5 characters: "OvJ") match only as written; in a longer label, every all-caps word
  of 2-5 letters must stand as written ("RIEC-casus", "het OM"), the rest matches as above. So the
  Dutch word "om" is never the Openbaar Ministerie, in a document or in a question;
* **English**: with ``english=True`` (questions), English labels also match on English lemmas
  ("integrated inspections" = "integrated inspection").

Overlapping matches resolve longest-first (within each type for documents, over all types for
questions); in documents a hit inside a longer hit of a type that names it is dropped too
(``matcher_enclosing_types`` in ``ontology/cues.json``: a theme inside the name of a partner or of a
meeting structure, "risicojongeren" in "Justitieel Overleg Risicojongeren"). A label shared by
concepts of several types (horeca, jongerenwerk, Wet Bibob) yields a hit for each.
``build_matcher()`` is the one construction
(it lemmatises every label, seconds of work); its result is plain data keyed by ``vocabulary_hash()``,
so it can be cached on disk.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ingest.nlp import get_nlp
from ontology import SCHEME_FILES, language
from ontology.disk_cache import cached, content_key

MATCHER_VERSION = "1"
EXCLUDED_TYPES = ("status", "doctype")  # named by filters and metadata, not matched in running text
MAX_WINDOW = 14  # tokens, punctuation included
MIN_KEY = 3  # shorter case-free keys are ordinary words ("om", "en")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_WORD_SPLIT = re.compile(r"[\s\-/]+")

Entry = tuple[str, tuple[str, ...]]  # (concept id, words that must stand as written)


def fold(text: str) -> str:
    """Lower case without diacritics ("Beëindigd" → "beeindigd")."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def loose(text: str) -> str:
    """Matching key of a word or label: folded, letters and digits only."""
    return _NOT_ALNUM.sub("", fold(text))


def case_words(label: str, acronyms: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The words of ``label`` that must match with their case (empty: the label is case-free)."""
    words = tuple(w for w in _WORD_SPLIT.split(label.strip()) if w)
    if label in acronyms or (len(label) <= 5 and sum(c.isupper() for c in label) >= 2):
        return words
    return tuple(w for w in words if 2 <= len(w) <= 5 and w.isupper() and w.isalpha())


@dataclass(frozen=True)
class ConceptMatcher:
    """Label keys → (concept id, case words); plain data, so it pickles."""

    surface: dict[str, tuple[Entry, ...]]
    lemma: dict[str, tuple[Entry, ...]]
    english: dict[str, tuple[Entry, ...]]  # English labels by English-lemma key
    types: dict[str, str]  # concept id -> type
    fields: frozenset[str]  # Kernbeleid Veiligheid fields (theme:veld/...)
    window: int
    vocabulary: str  # vocabulary_hash() it was built from


@dataclass(frozen=True)
class _Piece:
    """A token of the pipeline, or one part of a hyphenated one ("Bibob", "-", "beleidsregel")."""

    text: str
    lemma: str
    start: int  # character offset in the matched text
    breaks_before: bool  # a line break lies between this piece and the previous one


_HYPHEN = re.compile(r"(?<=[^\W_])(-)(?=[^\W_])")


def _pieces(doc) -> list[_Piece]:
    """Tokens of a spaCy Doc with hyphenated compounds split into their parts (lemma parts from the
    token's lemma when it has as many parts, else the lower-cased parts). A compound whose later
    parts are capitalised is a name ("Binnenstad-Oost", "Oost-Nederland") and stays whole."""
    out: list[_Piece] = []
    newline = False
    for t in doc:
        lemma = t.lemma_ or t.text
        parts = _HYPHEN.split(t.text)
        if len(parts) == 1 or any(part[:1].isupper() for part in parts[2::2]):  # a name: Binnenstad-Oost
            out.append(_Piece(t.text, lemma, t.idx, newline))
        else:
            lemmas = _HYPHEN.split(lemma)
            if len(lemmas) != len(parts):
                lemmas = [p.lower() for p in parts]
            pos = t.idx
            for k, (part, part_lemma) in enumerate(zip(parts, lemmas, strict=True)):
                out.append(_Piece(part, part_lemma, pos, newline and k == 0))
                pos += len(part)
        newline = "\n" in t.whitespace_
    return out


@dataclass(frozen=True)
class Hit:
    """One concept found at character offsets [start, end) of the matched text."""

    concept_id: str
    concept_type: str
    start: int
    end: int


def vocabulary_hash() -> str:
    """Hash of everything a matcher is built from: scheme files, lemma exceptions, lemmatiser versions."""
    h = hashlib.sha256(f"matcher {MATCHER_VERSION}\n".encode())
    for path in SCHEME_FILES:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(repr(sorted(language.cues().get("lemma_exceptions", {}).items())).encode())
    for package in ("spacy", "spacy-lookups-data", "simplemma"):
        h.update(f"{package} {metadata.version(package)}\n".encode())
    return h.hexdigest()


@lru_cache(maxsize=100_000)
def _en_lemma(word: str) -> str:
    from ingest.lemma_tables import lemmatizer

    return lemmatizer().lemmatize(word, "en").lower()


def build_matcher() -> ConceptMatcher:
    """Index every label of every matchable concept (one pass of the Dutch pipeline over the labels)."""
    from ontology.vocabulary import labels as concept_labels
    from ontology.vocabulary import load_concepts

    nlp = get_nlp()
    labels: list[tuple[str, str, tuple[str, ...], bool]] = []  # (label, concept id, case words, english)
    types: dict[str, str] = {}
    fields: set[str] = set()
    for concept in load_concepts().values():
        if concept.type in EXCLUDED_TYPES:
            continue
        types[concept.id] = concept.type
        if concept.is_field:
            fields.add(concept.id)
        english = set(concept.en_labels)
        for label in concept_labels(concept):
            if label.strip():
                labels.append((label, concept.id, case_words(label, concept.acronyms), label in english))
    surface: dict[str, set[Entry]] = defaultdict(set)
    lemma: dict[str, set[Entry]] = defaultdict(set)
    english_keys: dict[str, set[Entry]] = defaultdict(set)
    window = 1
    for doc, (_label, cid, case, is_english) in zip(nlp.pipe(lb[0] for lb in labels), labels, strict=True):
        pieces = _pieces(doc)
        window = max(window, len(pieces) + 2)
        entry = (cid, case)
        keys = (
            (surface, "".join(loose(p.text) for p in pieces)),
            (lemma, "".join(loose(p.lemma) for p in pieces)),
            (english_keys, "".join(loose(_en_lemma(p.text.lower())) for p in pieces) if is_english else ""),
        )
        for index, key in keys:
            if len(key) >= MIN_KEY or (case and key):
                index[key].add(entry)
    return ConceptMatcher(
        surface=_freeze(surface),
        lemma=_freeze(lemma),
        english=_freeze(english_keys),
        types=types,
        fields=frozenset(fields),
        window=min(window, MAX_WINDOW),
        vocabulary=vocabulary_hash(),
    )


def _freeze(index: dict[str, set[Entry]]) -> dict[str, tuple[Entry, ...]]:
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=1)
def get_matcher() -> ConceptMatcher:
    """The matcher of the current vocabulary: built once, then read from disk in later processes.

    Keyed by ``vocabulary_hash()`` and the source of the code that builds it (this module, the Dutch
    pipeline, the label loader), so a changed label, lemma exception, lemmatiser version or builder
    code builds a new one.
    """
    from ingest import nlp
    from ontology import vocabulary

    key = content_key([Path(__file__), Path(nlp.__file__), Path(vocabulary.__file__)], vocabulary_hash())
    return cached("concept-matcher", key, build_matcher)


def _stands_as_written(words: tuple[str, ...], text: str) -> bool:
    return all(re.search(r"(?<![^\W_])" + re.escape(w) + r"(?![^\W_])", text) for w in words)


def match(
    doc,  # a spacy Doc from ingest.nlp.get_nlp(), or ingest.nlp.question_doc() (the same tokens)
    types: tuple[str, ...] | None = None,
    fields: bool = True,
    english: bool = False,
    across_types: bool = False,
    matcher: ConceptMatcher | None = None,
) -> list[Hit]:
    """Concept hits in a tokenised text (only ``types`` when given; Kernbeleid fields only with
    ``fields``), in text order. Overlaps resolve longest-first within each type, or with
    ``across_types`` over all types: a document that names "artikel 13b van de Opiumwet" both cites
    the law and names the instrument, while a question with those words asks about the instrument."""
    m = matcher or get_matcher()
    tokens = _pieces(doc)
    surf = [loose(t.text) for t in tokens]
    lem = [loose(t.lemma) for t in tokens]
    eng = (
        [loose(_en_lemma(t.text.lower())) if s else "" for t, s in zip(tokens, surf, strict=True)]
        if english
        else []
    )
    text = doc.text
    candidates: list[tuple[int, int, str]] = []  # (token start, token end, concept id)
    n = len(tokens)
    for i in range(n):
        if not surf[i]:
            continue
        s_key, l_key, e_key = "", "", ""
        for j in range(i, min(n, i + m.window)):
            if "\n" in tokens[j].text or (j > i and tokens[j].breaks_before):
                break
            if not surf[j]:
                continue
            s_key += surf[j]
            l_key += lem[j]
            entries = [*m.surface.get(s_key, ()), *m.lemma.get(l_key, ())]
            if english:
                e_key += eng[j]
                entries += m.english.get(e_key, ())
            if not entries:
                continue
            span = text[tokens[i].start : tokens[j].start + len(tokens[j].text)]
            for cid, case in entries:
                ctype = m.types[cid]
                if (types is not None and ctype not in types) or (not fields and cid in m.fields):
                    continue
                if case and not _stands_as_written(case, span):
                    continue
                candidates.append((i, j + 1, cid))
    return _resolve(candidates, tokens, m, across_types)


def _resolve(
    candidates: list[tuple[int, int, str]], tokens: list[_Piece], m: ConceptMatcher, across_types: bool
) -> list[Hit]:
    """Longest match first; a span shared by several concepts yields a hit for each."""
    hits: list[Hit] = []
    groups: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for cand in set(candidates):
        groups["" if across_types else m.types[cand[2]]].append(cand)
    for cands in groups.values():
        taken: list[tuple[int, int]] = []
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
        accepted: dict[tuple[int, int], set[str]] = defaultdict(set)
        for s, e, cid in cands:
            if (s, e) in accepted:
                accepted[(s, e)].add(cid)
                continue
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            accepted[(s, e)].add(cid)
        for (s, e), cids in accepted.items():
            last = tokens[e - 1]
            end = last.start + len(last.text.rstrip("-"))
            hits.extend(Hit(cid, m.types[cid], tokens[s].start, end) for cid in sorted(cids))
    if not across_types:
        hits = _drop_enclosed(hits)
    hits.sort(key=lambda h: (h.start, h.end, h.concept_id))
    return hits


@lru_cache(maxsize=1)
def _enclosing() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Hit type → (types, concept ids) whose longer hits enclose it as part of a name
    (``matcher_enclosing_types``: a type, or a concept id standing for itself and every narrower one)."""
    from ontology.vocabulary import narrower_closure

    out = {}
    for kind, outer in language.cues().get("matcher_enclosing_types", {}).items():
        if kind.startswith("_"):
            continue
        types = frozenset(o for o in outer if ":" not in o)
        ids = frozenset(c for o in outer if ":" in o for c in (o, *narrower_closure(o)))
        out[kind] = (types, ids)
    return out


def _drop_enclosed(hits: list[Hit]) -> list[Hit]:
    """Drop a hit that lies inside a longer hit that names a body: "Justitieel Overleg Risicojongeren"
    names a meeting, not the theme risicojongeren (a project title such as "Tegengaan
    Straatintimidatie" still names its theme)."""
    enclosing = _enclosing()
    out = []
    for h in hits:
        types, ids = enclosing.get(h.concept_type, (frozenset(), frozenset()))
        inside = any(
            (o.concept_type in types or o.concept_id in ids)
            and o.start <= h.start
            and h.end <= o.end
            and o.end - o.start > h.end - h.start
            for o in hits
        )
        if not inside:
            out.append(h)
    return out
