"""Concepts named in a query, recognised through the ontology's labels (Dutch and English).

Every label (preferred, alternative, hidden, English, acronyms) becomes lookup keys: its lemma sequence
(controles = controle), its squashed surface form (street triage = streettriage, "AVE- methodiek" =
AVE-methodiek) and, for English labels, its English lemmas (inspections = inspection). Query word windows
are looked up leftmost-longest. Short labels (acronyms such as MIA or OM) only match with the same case, so
the Dutch word "om" is not the Openbaar Ministerie. Each hit is expanded with its narrower concepts, so a
query for integrale controles also matches passages about MIA.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from search.lexical import lemma

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WINDOW = 10  # longest label, in words
CASE_SENSITIVE_MAX = 4  # labels this short (squashed) must match case-sensitively


@dataclass(frozen=True)
class QueryConcept:
    id: str
    type: str
    label: str
    matched: str  # the query words that named it
    expanded: frozenset[str]  # the concept and everything narrower


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in word if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def _en_lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="en").lower()


def _words(text: str) -> list[tuple[str, str]]:
    """(original, folded) words of ``text``; hyphens and punctuation separate words."""
    return [(m.group(0), _fold(m.group(0))) for m in _TOKEN.finditer(text)]


def _keys(words: list[tuple[str, str]], english: bool) -> set[str]:
    folded = [f for _, f in words]
    keys = {
        "s:" + "".join(folded),
        "l:" + " ".join(lemma(f) for f in folded),
        "j:" + "".join(lemma(f) for f in folded),
    }
    if english:
        keys.add("e:" + " ".join(_en_lemma(f) for f in folded))
    return keys


def _labels(concept) -> list[tuple[str, bool]]:
    """(label, is_english) for every label the ontology gives a concept."""
    out = [(concept.pref_label, False)] if getattr(concept, "pref_label", None) else []
    for attr in ("alt_labels", "hidden_labels", "acronyms"):
        out += [(label, False) for label in getattr(concept, attr, ()) or ()]
    out += [(label, True) for label in getattr(concept, "en_labels", ()) or ()]
    return out


@dataclass(frozen=True)
class _Matcher:
    keys: dict[str, frozenset[str]]  # lookup key → concept ids
    exact: dict[str, frozenset[str]]  # case-sensitive squashed surface → concept ids (short labels)


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    from ontology.vocabulary import load_concepts

    keys: dict[str, set[str]] = {}
    exact: dict[str, set[str]] = {}
    for concept in load_concepts().values():
        if concept.type in ("status", "doctype"):
            continue
        for label, english in _labels(concept):
            words = _words(label)
            if not words or len(words) > MAX_WINDOW:
                continue
            squashed = "".join(o for o, _ in words)
            if len(squashed) <= CASE_SENSITIVE_MAX:
                exact.setdefault(squashed, set()).add(concept.id)
                continue
            for key in _keys(words, english):
                keys.setdefault(key, set()).add(concept.id)
    return _Matcher({k: frozenset(v) for k, v in keys.items()}, {k: frozenset(v) for k, v in exact.items()})


def _expand(concept_id: str) -> frozenset[str]:
    from ontology.vocabulary import narrower_closure

    return frozenset({concept_id, *narrower_closure(concept_id)})


def recognise(query: str) -> list[QueryConcept]:
    """Concepts the query names, in query order; overlapping matches resolve to the longest."""
    from ontology.vocabulary import load_concepts

    matcher = _matcher()
    words = _words(query)
    spans: list[tuple[int, int, frozenset[str]]] = []
    for i in range(len(words)):
        for j in range(min(len(words), i + MAX_WINDOW), i, -1):
            window = words[i:j]
            squashed = "".join(o for o, _ in window)
            ids: set[str] = set()
            if len(squashed) <= CASE_SENSITIVE_MAX:
                ids |= matcher.exact.get(squashed, frozenset())
            else:
                for key in _keys(window, english=True):
                    ids |= matcher.keys.get(key, frozenset())
            if ids:
                spans.append((i, j, frozenset(ids)))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken: set[int] = set()
    chosen: list[tuple[int, int, frozenset[str]]] = []
    for i, j, ids in spans:
        if taken.isdisjoint(range(i, j)):
            taken.update(range(i, j))
            chosen.append((i, j, ids))
    concepts = load_concepts()
    out: list[QueryConcept] = []
    seen: set[str] = set()
    for i, j, ids in sorted(chosen):
        matched = " ".join(o for o, _ in words[i:j])
        for cid in sorted(ids - seen):
            seen.add(cid)
            c = concepts[cid]
            out.append(QueryConcept(cid, c.type, c.pref_label, matched, _expand(cid)))
    return out
