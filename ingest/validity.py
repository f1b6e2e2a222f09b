"""Validity of a document: in force from / until, lapsed or withdrawn, and which regulations it replaces.

Read from format metadata (CVDR "Datum uitwerkingtreding", an editorial note in CVDR XML) and from the
text ("Geldend van 07-07-2015 t/m 22-10-2024", "Regeling vervallen per 23-10-2024", "Deze regeling
vervangt de beleidsregels … 2019", "onder gelijktijdige intrekking van …", "Het … is ingetrokken").
Each value keeps the span that says it, so a reader can check why a policy counts as lapsed.  The
cue phrases are the ``validity`` section of ``ontology/metadata_cues.json``; a statement about another
regulation ("De beleidsregels 2019 worden ingetrokken") is a replaced regulation, never this
document's own lapse, because the lapse cues need the document as subject ("deze regeling …").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ingest.metadata import date_pattern, parse_dutch_date
from ingest.model import (
    DocumentMeta,
    Evidence,
    FieldSource,
    Passage,
    ReplacedRegulation,
    Validity,
    ValidityStatement,
)
from ontology import language

YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# CVDR fields whose value is a free note that may state withdrawal or succession (not in the text)
NOTE_FIELDS = ("Redactionele toevoeging",)


@lru_cache(maxsize=1)
def _cues() -> dict[str, Any]:
    """The validity cue regexes with their placeholders filled in."""
    raw = language.metadata_cues()["validity"]

    def fill(pattern: str) -> re.Pattern[str]:
        for key, value in (
            ("{self}", raw["self_subject"]),
            ("{date}", date_pattern()),
            ("{title}", raw["title"]),
            ("{end}", raw["end"]),
        ):
            pattern = pattern.replace(key, value)
        return re.compile(pattern, re.IGNORECASE)

    return {
        "range": fill(raw["in_force_range"]),
        "dated": [fill(p) for p in raw["lapsed_dated"]],
        "undated": [fill(p) for p in raw["lapsed_undated"]],
        "replaces": [fill(p) for p in raw["replaces"]],
        "regulation": re.compile(raw["regulation_words"], re.IGNORECASE),
        "cuts": re.compile("|".join(raw["title_cuts"]), re.IGNORECASE),
        "article": re.compile(raw["title_leading_articles"], re.IGNORECASE),
    }


def _flat(text: str) -> str:
    """Single line breaks read as spaces (same length, so offsets still point into ``text``)."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)


def _evidence(text: str, start: int, end: int, passages: list[Passage]) -> Evidence | None:
    """The span with the passage that holds it; None when no passage does (e.g. dropped front matter)."""
    passage = next((p for p in passages if p.start <= start < p.end), None)
    if passage is None:
        return None
    return Evidence(passage.id, start, end, " ".join(text[start:end].split())[:200])


def infer_validity(
    text: str, fields: dict[str, str], passages: list[Passage]
) -> tuple[Validity, tuple[str, ValidityStatement] | None]:
    """The document's validity, plus an in-force-from statement read from "Geldend van …" (or None).

    ``text`` is the decoded source text; offsets of the evidence point into it.
    """
    cues = _cues()
    flat = _flat(text)
    validity = Validity()
    in_force: tuple[str, ValidityStatement] | None = None

    def state(kind: str, value: str | None, method: str, span: tuple[int, int] | None) -> ValidityStatement:
        ev = _evidence(text, *span, passages) if span else None
        statement = ValidityStatement(kind, value, FieldSource(method, 0.9 if span else 1.0), ev)
        validity.statements.append(statement)
        return statement

    m = cues["range"].search(flat)
    if m:
        start_iso = parse_dutch_date(m.group(1))
        if start_iso:
            in_force = (start_iso, state("in_force", start_iso, "text:geldend-van", m.span()))
        until = parse_dutch_date(m.group(2))
        if until:
            validity.in_force_until = until
            state("in_force_until", until, "text:geldend-tot-en-met", m.span())

    lapse_field = parse_dutch_date(fields.get("Datum uitwerkingtreding", ""))
    if lapse_field:
        validity.lapsed_on = lapse_field
        state("lapsed_on", lapse_field, "cvdr:Datum uitwerkingtreding", None)
    dated_spans: list[tuple[int, int]] = []
    for rx in cues["dated"]:
        for m in rx.finditer(flat):
            iso = parse_dutch_date(m.group(1))
            if not iso:
                continue
            dated_spans.append(m.span())
            if validity.lapsed_on is None:
                validity.lapsed_on = iso
                state("lapsed_on", iso, "text:vervalt-per", m.span())
    if validity.lapsed_on is None:
        for rx in cues["undated"]:
            m = next((x for x in rx.finditer(flat) if not _overlaps(x.span(), dated_spans)), None)
            if m:
                validity.withdrawn = True
                state("withdrawn", None, "text:vervallen", m.span())
                break
        notes = " ".join(fields.get(f, "") for f in NOTE_FIELDS)
        if not validity.withdrawn and notes and any(rx.search(notes) for rx in cues["undated"]):
            validity.withdrawn = True
            state("withdrawn", None, "cvdr:" + NOTE_FIELDS[0], None)

    validity.replaces = _replaced(text, flat, passages, fields)
    return validity, in_force


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def _replaced(
    text: str, flat: str, passages: list[Passage], fields: dict[str, str]
) -> list[ReplacedRegulation]:
    """Regulations the document replaces or withdraws, one per regulation (repeated names merge)."""
    cues = _cues()
    found: list[ReplacedRegulation] = []
    sources = [(flat, True)] + [(fields[f], False) for f in NOTE_FIELDS if fields.get(f)]
    for source, in_text in sources:
        for rx in cues["replaces"]:
            for m in rx.finditer(source):
                title = _tidy_title(m.group("title"))
                if not _is_regulation_name(title):
                    continue
                year = _year(title, source[m.start() : _sentence_end(source, m.end())])
                ev = _evidence(text, *m.span(), passages) if in_text else None
                _merge(found, ReplacedRegulation(title, year, [ev] if ev else []))
    return found


def _sentence_end(source: str, pos: int) -> int:
    m = re.compile(language.metadata_cues()["validity"]["end"]).search(source, pos)
    return m.start() if m else len(source)


def _tidy_title(raw: str) -> str:
    cues = _cues()
    title = " ".join(raw.split())
    title = cues["article"].sub("", title)
    m = cues["cuts"].search(title)
    if m and m.start() > 0:
        title = title[: m.start()]
    return title.strip(" “”\"'.,:")


def _is_regulation_name(title: str) -> bool:
    """A regulation's name: a regulation word and a capital or a year ("het besluit" is no name)."""
    if not title or not _cues()["regulation"].search(title):
        return False
    return bool(YEAR.search(title) or any(c.isupper() for c in title))


def _year(title: str, sentence: str) -> int | None:
    years = YEAR.findall(title)
    if years:
        return int(years[-1])
    for m in re.finditer(date_pattern(), sentence, re.IGNORECASE):
        iso = parse_dutch_date(m.group(0))
        if iso:
            return int(iso[:4])
    return None


def _words(title: str) -> set[str]:
    return set(re.findall(r"\w+", title.lower()))


def _merge(found: list[ReplacedRegulation], new: ReplacedRegulation) -> None:
    """Add ``new`` unless it names a regulation already found (same year, mostly the same words)."""
    for old in found:
        a, b = _words(old.title), _words(new.title)
        same_words = len(a & b) / max(1, min(len(a), len(b))) >= 0.5
        if same_words and (old.year == new.year or None in (old.year, new.year)):
            old.year = old.year or new.year
            old.evidence.extend(e for e in new.evidence if e not in old.evidence)
            return
    found.append(new)


def apply_validity(meta: DocumentMeta, text: str, fields: dict[str, str], passages: list[Passage]) -> None:
    """Fill ``meta.validity`` and, when the metadata has none, ``meta.dates["in_force"]``."""
    validity, in_force = infer_validity(text, fields, passages)
    meta.validity = validity
    if in_force and "in_force" not in meta.dates:
        meta.dates["in_force"] = in_force[0]
        meta.sources["date:in_force"] = in_force[1].source
