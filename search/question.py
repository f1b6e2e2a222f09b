"""What a question asks: concepts, document types, status and validity, relations, places, number, qualifiers.

``understand(question)`` is the one analysis behind the CLI, the API and the web page; its ``to_dict()`` is
returned as ``query.understood`` with every answer, so a user sees how the question was read. Words come
from data: concept and document-type labels from the ontology's SKOS schemes, everything else (question
words, status and validity words, prepositions that open a qualifier, words too general to qualify
anything) from ``ontology/question_language.json``. A concept can also be found by meaning: phrases of
the question that no label covers are compared with the concepts' labels and definitions embedded with
the search model (``search/concept_vectors.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.matcher import fold  # the one folding of the concept matcher (beëindigd = beeindigd)
from search.concepts import QueryConcept, recognise
from search.lexical import _stop_words, lemma

LANGUAGE_FILE = Path(__file__).resolve().parents[1] / "ontology" / "question_language.json"
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[?.!,;:]", re.UNICODE)
_YEAR = re.compile(r"^(19|20)\d\d$")
ENGLISH_HINTS = frozenset(
    {"which", "what", "the", "of", "and", "municipalities", "municipality", "does", "do"}
)


@lru_cache(maxsize=1)
def language() -> dict:
    """The question language data (loaded once)."""
    return json.loads(LANGUAGE_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=100_000)
def content_lemma(word: str) -> str:
    return lemma(fold(word))


@dataclass
class Qualifier:
    text: str  # as written: "bij vastgoedtransacties"
    alternatives: list[list[str]]  # lemmas; a passage stating one alternative in full meets the qualifier
    span: tuple[int, int] = (0, 0)  # character offsets in the question


@dataclass
class Understood:
    text: str
    language: str = "nl"
    number: str = "unknown"  # singular | plural | unknown
    concepts: list[dict] = field(default_factory=list)  # {id, label, type, matched, by, group}
    doc_types: list[dict] = field(default_factory=list)  # {id, label, matched}
    statuses: list[str] | None = None  # accepted use statuses when the question names some
    status_label: str | None = None
    validity: str | None = None  # in_force | lapsed
    relation: dict | None = None  # {"relation": "replaces", "year": 2019, "matched": ...}
    period: int | None = None  # the year the asked policy must cover ("beleid uit 2019", "in 2023")
    priority: bool = False  # the question asks for priorities ("als prioriteit of speerpunt")
    years: list[int] = field(default_factory=list)
    municipalities: list[dict] = field(default_factory=list)
    qualifiers: list[Qualifier] = field(default_factory=list)
    expanded: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def groups(self) -> list[list[dict]]:
        """Concepts by group: concepts named by one phrase (or joined by "of") are alternatives."""
        out: dict[int, list[dict]] = {}
        for c in self.concepts:
            out.setdefault(c["group"], []).append(c)
        return list(out.values())

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("expanded", None)
        return data


def _words(text: str) -> list[tuple[str, str, int, int]]:
    """(original, folded, start, end) per token; punctuation are tokens too."""
    return [(m.group(0), fold(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _phrase_spans(folded: list[str], phrases: list[str]) -> list[tuple[int, int, str]]:
    """(i, j, phrase) for every occurrence of a phrase (whole words), longest first."""
    out = []
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        parts = [fold(p) for p in phrase.split()]
        n = len(parts)
        for i in range(len(folded) - n + 1):
            if folded[i : i + n] == parts:
                out.append((i, i + n, phrase))
    return out


def _detect_language(folded: list[str]) -> str:
    hits = sum(1 for w in folded if w in ENGLISH_HINTS)
    return "en" if hits >= 2 or (folded and folded[0] in ("which", "what", "where", "how", "list")) else "nl"


def _number(folded: list[str]) -> str:
    data = language()
    singular, plural = set(data["answer_nouns"]["singular"]), set(data["answer_nouns"]["plural"])
    which = set(data["which_words"])
    for i, w in enumerate(folded[:-1]):
        if w in which:
            nxt = folded[i + 1]
            if nxt in plural or any(nxt.endswith(w) for w in plural if len(w) > 5):
                return "plural"
            if nxt in singular or any(nxt.endswith(w) for w in singular if len(w) > 4):
                return "singular"
    return "unknown"


def _doc_type_matches(folded: list[str]) -> list[tuple[set[int], dict]]:
    """Document types whose every label word occurs in the question (most words first, no overlaps)."""

    lemmas = [content_lemma(w) for w in folded]
    found: list[tuple[int, set[int], dict]] = []
    for concept, concept_labels in _doc_type_labels():
        best: tuple[int, set[int], str] | None = None
        for label, parts in concept_labels:
            where: set[int] = set()
            for part in parts:
                hit = next(
                    (i for i, x in enumerate(lemmas) if (x == part or (len(part) > 4 and x.endswith(part)))),
                    None,
                )
                if hit is None:
                    break
                where.add(hit)
            else:
                span = max(where) - min(where)
                if span <= 8 and (best is None or len(parts) > best[0]):
                    best = (len(parts), where, label)
        if best:
            found.append(
                (best[0], best[1], {"id": concept.id, "label": concept.pref_label, "matched": best[2]})
            )
    found.sort(key=lambda f: -f[0])
    chosen: list[tuple[set[int], dict]] = []
    for (
        _,
        where,
        info,
    ) in found:  # a type named by words of a longer one ("beleidsregels" in "beleidsregels Bibob") yields
        if not any(where < w for w, _ in chosen):
            chosen.append((where, info))
    return chosen


@lru_cache(maxsize=1)
def _doc_type_labels() -> tuple[tuple[object, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
    """Each document type with its labels and their content lemmas (articles and "van"/"voor" left
    out; labels without any dropped), lemmatised once per process instead of once per question."""
    from ontology.vocabulary import labels, load_concepts

    out = []
    for concept in load_concepts().values():
        if concept.type != "doctype":
            continue
        found = []
        for label in labels(concept):
            parts = [content_lemma(p) for p in re.findall(r"[^\W_]+", fold(label))]
            parts = tuple(p for p in parts if p not in ("de", "het", "van", "voor"))
            if parts:
                found.append((label, parts))
        out.append((concept, tuple(found)))
    return tuple(out)


def _concept_positions(
    words: list[tuple[str, str, int, int]], concepts: list[QueryConcept]
) -> dict[str, set]:
    """Token positions covered by each recognised concept (by its matched words)."""
    folded = [w[1] for w in words]
    out: dict[str, set[int]] = {}
    for c in concepts:
        parts = [fold(p) for p in re.findall(r"[^\W_]+(?:['’][^\W_]+)?", c.matched)]
        for i, j, _ in _phrase_spans(folded, [" ".join(parts)]):
            out.setdefault(c.id, set()).update(range(i, j))
            break
    return out


def _groups(positions: dict[str, set[int]], folded: list[str], alternatives: set[str]) -> dict[str, int]:
    """Group number per concept: same words → same group; spans joined only by "of"/"or" → same group."""
    spans = sorted(((min(p), max(p), cid) for cid, p in positions.items() if p), key=lambda s: (s[0], s[1]))
    group: dict[str, int] = {}
    current = -1
    last_end = None
    last_span = None
    for start, end, cid in spans:
        joined = last_end is not None and (
            (start, end) == last_span
            or start <= last_end
            or all(folded[k] in alternatives for k in range(last_end + 1, start))
            and start > last_end + 1
        )
        if not joined:
            current += 1
        group[cid] = current
        last_end = max(end, last_end if joined and last_end is not None else end)
        last_span = (start, end)
    return group


def _qualifiers(words: list[tuple[str, str, int, int]], used: set[int], text: str) -> list[Qualifier]:
    """Prepositional phrases whose content words no concept, type or status word took.

    A phrase runs from a preposition over its noun phrase (words another reading took, a concept, are
    skipped): it ends at a clause break, punctuation, a year or a question word; a preposition right
    after the noun phrase continues it ("voor op- en afschaling bij zorg- en veiligheidscasuïstiek" is
    one qualifier), and an elliptic compound ("zorg- en veiligheids…") stays inside it; a verb ends it
    ("in het sociaal domein inzetten"). Comparatives name no thing ("voor inwoners makkelijker maken"
    qualifies nothing).
    Each content word is an alternative: a passage that states one of them meets the qualifier.
    """
    data = language()
    preps = set(data["qualifier_prepositions"])
    breaks = set(data["clause_breaks"])
    which = set(data["which_words"])
    generic = {fold(w) for w in data["generic_words"]} | set(data["question_words"]) | _stop_words()
    out: list[Qualifier] = []
    i = 0
    n = len(words)
    while i < n:
        if words[i][1] not in preps or i in used:
            i += 1
            continue
        j = i + 1
        content: list[str] = []
        last = i
        asks = False
        while j < n:
            w = words[j][1]
            if w in which:
                asks = True
                break
            if j in used:  # a concept inside the phrase ("met de andere gemeenten van het basisteam X")
                j += 1
                continue
            if not w[0].isalnum() or _YEAR.match(w):
                break
            elliptic = text[words[j - 1][3] : words[j - 1][3] + 1] == "-"
            if w in breaks and not (elliptic and w in ("en", "of", "and", "or")):
                break
            if w in preps and not content:  # "zetten … in bij X": the phrase opens at the last one
                i = j
            if w in preps or w in breaks or len(w) <= 2 or w in generic:
                j += 1
                continue
            if _verb(w):
                break
            if not _comparative(w):
                content.append(content_lemma(w))
            last = j
            j += 1
        if content and not asks:
            start, end = words[i][2], words[last][3]
            alternatives = [[w] for w in dict.fromkeys(content)]
            out.append(Qualifier(text[start:end], alternatives, (start, end)))
        i = max(j, i + 1)
    return out


def _verb(word: str) -> bool:
    """A Dutch verb form: a separable verb ("inzetten" → in_zetten), a form whose lemma is an infinitive
    ("vergelijkt"), or an infinitive / verb plural (its own lemma, in -en) that does not end in a noun
    plural (a compound the lemma table lacks, "ijmondgemeenten", ends in "gemeenten" = gemeente + n)."""
    lem = content_lemma(word)
    if "_" in lem:
        return True
    if not _verb_like(word):
        return False
    if lem != word:
        return True
    for k in range(1, len(word) - 5):
        tail = word[k:]
        base = content_lemma(tail)
        if base != tail and tail in (base + "n", base + "en"):
            return False
    return True


def _comparative(word: str) -> bool:
    """A comparative adjective ("makkelijker", "sneller"): its lemma plus -er."""
    return len(word) > 5 and word.endswith("er") and content_lemma(word) == word[:-2]


def _verb_like(word: str) -> bool:
    """Dutch infinitives and verb plurals are their own lemma and end in -en (noun plurals are not)."""
    lem = content_lemma(word)
    if word.endswith("en"):
        return lem == word or lem.endswith("en")
    return lem != word and lem.endswith("en")


def understand(
    question: str, *, meaning: bool = True, model: str | None = None, runtime: str | None = None
) -> Understood:
    """Read a question (Dutch or English) into what it asks; see the module doc."""
    from search.engine import named_municipalities

    text = " ".join(question.split())
    words = _words(text)
    folded = [w[1] for w in words]
    data = language()
    out = Understood(text=text, language=_detect_language(folded), number=_number(folded))
    used: set[int] = set()

    found = recognise(text)
    specific = [c for c in found if c.type != "category"]
    concepts = specific or found
    positions = _concept_positions(words, concepts)
    for p in positions.values():
        used |= p

    which = set(data["which_words"])
    for where, info in _doc_type_matches(folded):
        info["answer_noun"] = any(k > 0 and folded[k - 1] in which for k in where)
        out.doc_types.append(info)
        used |= where
    # a document type that only repeats a concept's words ("Damoclesbeleid") keeps the concept

    for entry in data["use_status_words"]:
        spans = _phrase_spans(folded, entry["phrases"])
        if spans:
            out.statuses = sorted(set(out.statuses or []) | set(entry["statuses"]))
            out.status_label = entry["label"]
            for i, j, _ in spans:
                used.update(range(i, j))
    for entry in data["validity_words"]:
        spans = [s for s in _phrase_spans(folded, entry["phrases"]) if used.isdisjoint(range(s[0], s[1]))]
        if spans and out.validity is None:
            out.validity = entry["validity"]
            for i, j, _ in spans:
                used.update(range(i, j))
    years = [(k, int(w)) for k, w in enumerate(folded) if _YEAR.match(w)]
    out.years = [y for _, y in years]
    for entry in data["relation_words"]:
        spans = _phrase_spans(folded, entry["phrases"])
        if spans:
            i = spans[0][0]
            after = [y for k, y in years if k > i] or [y for _, y in years]
            out.relation = {
                "relation": entry["relation"],
                "label": entry["label"],
                "year": after[0] if after else None,
            }
            for a, b, _ in spans:
                used.update(range(a, b))
            used.update(k for k, _ in years)

    out.period = _period(folded, used, years)
    if out.period is not None:
        used.update(k for k, y in years if y == out.period)

    spans = _phrase_spans(folded, data["priority_words"]["phrases"])
    if spans:
        out.priority = True
        for i, j, _ in spans:
            used.update(range(i, j))

    out.municipalities = named_municipalities(text)
    for m in out.municipalities:
        parts = [fold(p) for p in re.findall(r"[^\W_]+", m["name"])]
        for i, j, _ in _phrase_spans(folded, [" ".join(parts)]):
            used.update(range(i, j))
    used |= {k for k, w in enumerate(folded) if w in set(data["question_words"])}

    group = _groups(positions, folded, set(data["alternative_words"]))
    next_group = max(group.values(), default=-1) + 1
    for c in concepts:
        g = group.get(c.id)
        if g is None:
            g, next_group = next_group, next_group + 1
        out.concepts.append(
            {"id": c.id, "label": c.label, "type": c.type, "matched": c.matched, "by": "label", "group": g}
        )
        out.expanded[c.id] = c.expanded

    out.qualifiers = _qualifiers(words, used, text)
    if out.language != "nl":
        for q in out.qualifiers:
            q.alternatives += _dutch_alternatives(q, out.concepts)
    if meaning:
        from search.concept_vectors import by_meaning

        in_qualifier = {
            k for k, w in enumerate(words) for q in out.qualifiers if q.span[0] <= w[2] < q.span[1]
        }
        for hit in by_meaning(out, words, used, in_qualifier, model, runtime):
            hit["group"] = next_group
            next_group += 1
            out.concepts.append(hit)
            out.expanded[hit["id"]] = _expand(hit["id"])
            # the phrase is now a concept, not a qualifier
            out.qualifiers = [
                q for q in out.qualifiers if q.text not in hit["matched"] and hit["matched"] not in q.text
            ]
    return out


@lru_cache(maxsize=20_000)
def _label_lemmas(label: str) -> frozenset[str]:
    """Content lemmas of a label (hyphen parts apart: "real-estate" → real, estate); once per label."""
    return frozenset(content_lemma(w) for w in re.findall(r"[^\W_]+", fold(label)))


def _dutch_alternatives(q: Qualifier, concepts: list[dict]) -> list[list[str]]:
    """Dutch words for a qualifier written in English, from the ontology's bilingual labels.

    The documents are Dutch, so an English qualifier ("to real-estate transactions") is stated by no
    passage. A concept whose English label holds every content word of the qualifier ("Bibob screening
    of real-estate transactions") says the same thing in its Dutch labels ("Bibob-toets bij
    vastgoedtransacties"); the words of a Dutch label that name none of the question's concepts
    ("vastgoedtransacties") are an alternative of the qualifier.
    """
    from ontology.vocabulary import labels, load_concepts

    words = {w for alt in q.alternatives for w in alt}
    if not words:
        return []
    known = load_concepts()
    named: set[str] = set()
    for c in concepts:
        if c["id"] in known:
            for label in labels(known[c["id"]]):
                named |= _label_lemmas(label)
    data = language()
    skip = named | _stop_words() | {fold(w) for w in data["generic_words"]}
    skip |= {content_lemma(w) for w in data["qualifier_prepositions"]}
    out: list[list[str]] = []
    for concept in known.values():
        if not any(words <= _label_lemmas(en) for en in concept.en_labels):
            continue
        for label in (concept.pref_label, *concept.alt_labels):
            rest = sorted(w for w in _label_lemmas(label) if w not in skip and len(w) > 2)
            if rest and rest not in out:
                out.append(rest)
    return out


def _period(folded: list[str], used: set[int], years: list[tuple[int, int]]) -> int | None:
    """The one year a question scopes its policy to: a year after a period word ("uit 2019", "in
    2023") that no relation took and that is no end of a range ("van 2014 tot 2019", "sinds 2022")."""
    words = language()["period_words"]
    before, ranges = set(words["before_year"]), set(words["range_words"])
    found = []
    for k, year in years:
        if k in used or k == 0 or folded[k - 1] not in before:
            continue
        after = folded[k + 1] if k + 1 < len(folded) else ""
        if after in ranges or (k >= 2 and folded[k - 2] in ranges) or folded[k - 1] in ranges:
            continue
        found.append(year)
    return found[0] if len(found) == 1 else None


def _expand(cid: str) -> frozenset[str]:
    from ontology.vocabulary import narrower_closure

    return frozenset({cid, *narrower_closure(cid)})
