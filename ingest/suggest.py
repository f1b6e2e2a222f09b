"""Names that documents use but the vocabulary lacks: candidates for a curator to add to ontology/.

Shapes of such names are language data (``ontology/vocab_suggest.json``): words ending in an
instrument, theme or partner head ("samenscholingsverbod", "woningsluiting", "straatintimidatie"),
optionally with one modifier ("persoonsgerichte aanpak"); law names ("Wet aanpak woonoverlast",
"Opiumwet"); legal powers ("artikel 151d Gemeentewet"); organisation names ("Stichting Veilig Wonen",
"Landelijk Bureau Bibob"). A candidate the concept matcher already recognises is left out, so what
remains is what the vocabulary does not cover yet.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ingest.extract import match_tokens
from ingest.matcher import get_matcher
from ingest.nlp import get_nlp
from ontology import ONTOLOGY_DIR

PATTERNS_FILE = ONTOLOGY_DIR / "vocab_suggest.json"
MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 300
_NUMBER = re.compile(r"^\d+[a-z]{0,2}$")


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """The name shapes of ontology/vocab_suggest.json."""
    return json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))


@dataclass
class _Found:
    kind: str
    forms: Counter = field(default_factory=Counter)
    documents: list[str] = field(default_factory=list)
    examples: list[dict[str, str]] = field(default_factory=list)
    count: int = 0


def _capitalised(token) -> bool:  # spaCy Token
    return token.text[:1].isupper() and token.text.replace("-", "").isalpha()


def _modifier(tokens, i: int, p: dict[str, Any]) -> int | None:
    """Index of the modifier before token i ("persoonsgerichte" aanpak), if there is one."""
    if i == 0:
        return None
    prev = tokens[i - 1].text
    low = prev.lower()
    if not prev.isalpha() or not prev.islower() or low in p["not_modifiers"]:
        return None
    return i - 1 if low.endswith(tuple(p["modifier_endings"])) else None


def _head_candidate(tokens, i: int, p: dict[str, Any]) -> tuple[str, int, int] | None:
    low = tokens[i].text.lower()
    if not low.isalpha():
        return None
    for kind, spec in p["kinds"].items():
        for head in spec["heads"]:
            if not low.endswith(head):
                continue
            compound = len(low) >= len(head) + 3
            if not compound and low != head:  # "draad" ends in "raad" but is no compound of it
                continue
            if any(low.endswith(w) for w in p["ignore"] if len(w) > len(head)):  # "gemeenteraad"
                continue
            first = _modifier(tokens, i, p)
            if first is None and (not compound or low in p["ignore"]):
                continue
            return kind, first if first is not None else i, i + 1
    return None


def _law_candidate(tokens, i: int, p: dict[str, Any]) -> tuple[str, int, int] | None:
    token, low = tokens[i], tokens[i].text.lower()
    if low in p["law_words"] and token.text[:1].isupper():
        j = i + 1
        while j < len(tokens) and j - i <= 2 and tokens[j].text.isalpha():
            if tokens[j].text.lower() in p["article_stop"] and j > i + 1:
                break
            j += 1
        return ("law", i, j) if j > i + 1 else None
    if _capitalised(token) and low.endswith(tuple(p["law_endings"])) and len(low) >= 6:
        return "law", i, i + 1
    return None


def _article_candidate(tokens, i: int, p: dict[str, Any]) -> tuple[str, int, int] | None:
    if tokens[i].text.lower() not in p["article_words"] or i + 1 >= len(tokens):
        return None
    if not _NUMBER.match(tokens[i + 1].text.lower()):
        return None
    j = i + 2
    if j + 1 < len(tokens) and tokens[j].text.lower() == "lid" and tokens[j + 1].text.isdigit():
        j += 2
    if (
        j + 1 < len(tokens)
        and tokens[j].text.lower() == "van"
        and tokens[j + 1].text.lower() in ("de", "het")
    ):
        j += 2
    if j < len(tokens) and _capitalised(tokens[j]):
        return "instrument", i, j + 1
    return None


def _org_candidate(tokens, i: int, p: dict[str, Any]) -> tuple[str, int, int] | None:
    if tokens[i].text.lower() not in p["org_words"] or not _capitalised(tokens[i]):
        return None
    j = i + 1
    while j < len(tokens) and j - i <= 5 and (_capitalised(tokens[j]) or tokens[j].text.isupper()):
        j += 1
    return ("partner", i, j) if j > i + 1 else None


def _candidates(tokens, p: dict[str, Any]) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        hit = (
            _article_candidate(tokens, i, p)
            or _org_candidate(tokens, i, p)
            or _law_candidate(tokens, i, p)
            or _head_candidate(tokens, i, p)
        )
        if hit:
            found.append(hit)
            i = hit[2]
        else:
            i += 1
    return found


def _covered(kind: str, span, hits) -> bool:  # span: spaCy Span
    """The matcher already names this candidate: for a word with a known head, a concept on that
    word; for a law, power or organisation name, a concept of its kind anywhere in the name."""
    if kind in ("law", "partner") or span[0].text.lower() in patterns()["article_words"]:
        start, end = span.start_char, span.end_char
        kinds = ("law", "instrument") if kind != "partner" else ("partner",)
        return any(h.start < end and start < h.end and h.concept_type in kinds for h in hits)
    head = span[-1]
    return any(h.start < head.idx + len(head.text) and head.idx < h.end for h in hits)


def suggest(passages: list[dict[str, Any]], min_count: int = 2) -> dict[str, Any]:
    """Candidate names with counts, documents and example sentences, most frequent first.

    ``passages``: dicts with ``text`` and ``file`` (or ``doc_id``), e.g. graph.queries.passages().
    A candidate is kept when it occurs at least ``min_count`` times in all passages together.
    """
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}")
    p = patterns()
    nlp = get_nlp()
    get_matcher()  # build (or load) the concept matcher once before the loop
    found: dict[tuple[str, str], _Found] = {}
    texts = [str(row.get("text") or "") for row in passages]
    for row, doc in zip(passages, nlp.pipe(texts), strict=True):
        document = str(row.get("file") or row.get("doc_id") or "")
        tokens = list(doc)
        hits = match_tokens(doc)
        for kind, first, last in _candidates(tokens, p):
            span = doc[first:last]
            if _covered(kind, span, hits):
                continue
            key = " ".join((t.lemma_ or t.text).lower() for t in span)
            entry = found.setdefault((kind, key), _Found(kind))
            entry.count += 1
            entry.forms[span.text] += 1
            if document and document not in entry.documents:
                entry.documents.append(document)
            if len(entry.examples) < MAX_EXAMPLES:
                sentence = " ".join(span.sent.text.split())[:MAX_EXAMPLE_CHARS]
                if not any(e["text"] == sentence for e in entry.examples):
                    entry.examples.append({"document": document, "text": sentence})
    rows = [
        {
            "text": entry.forms.most_common(1)[0][0],
            "kind": entry.kind,
            "count": entry.count,
            "documents": sorted(entry.documents),
            "examples": entry.examples,
        }
        for entry in found.values()
        if entry.count >= min_count
    ]
    rows.sort(key=lambda r: (-r["count"], -len(r["documents"]), r["kind"], r["text"].lower()))
    by_kind: dict[str, int] = defaultdict(int)
    for row in rows:
        by_kind[row["kind"]] += 1
    return {"min_count": min_count, "passages": len(passages), "by_kind": dict(by_kind), "candidates": rows}
