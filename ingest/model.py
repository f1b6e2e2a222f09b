"""Plain data objects that flow out of ingest/ and into graph/.

Everything ingest produces is one of these dataclasses, so graph/ never has to
know how a fact was found and ingest/ never has to know about RDF.

Offsets (``start``/``end``) are always character offsets into
``IngestedDocument.text`` — the decoded source text *before* cleaning — so that
``document.text[start:end]`` is the evidence a reader can check. Cleaned text
(de-hyphenated, re-joined lines) is only used for matching and embedding.

Concept ids are the vocabulary's CURIE-like ids: ``theme:ondermijning``,
``instrument:damocles_13b``, ``partner:politie``, ``law:opiumwet``,
``doctype:integraal_veiligheidsplan``, ``status:toegepast``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXTRACTOR_VERSION = "beleidsgraaf-extract/0.1"

# Instrument statuses, strongest claim of use first.  "Mention is not use":
# only ``toegepast`` (and, for plans, ``voornemen``) says the municipality acts.
STATUSES = (
    "toegepast",  # in use
    "voornemen",  # planned
    "overweging",  # being considered
    "onderzoek",  # to be investigated
    "volgen",  # only following developments
    "beeindigd",  # stopped
    "geen_deelname",  # not taking part
    "genoemd",  # mentioned or explained only
)
# Statuses that say the municipality acts: the only ones behind bg:usesInstrument and "in use" answers.
USE_STATUSES = ("toegepast", "voornemen")


@dataclass(frozen=True)
class Municipality:
    name: str  # CBS short name, e.g. "Hengelo"
    code: str  # CBS code, e.g. "GM0164"


@dataclass(frozen=True)
class FieldSource:
    """How a metadata field was obtained: ``method`` is e.g. ``sidecar``,
    ``cvdr:Organisatie``, ``text:gemeente-x``, ``letterhead``; ``confidence`` in [0, 1]."""

    method: str
    confidence: float


@dataclass
class Evidence:
    passage_id: str
    start: int
    end: int
    quote: str  # the words that say it (source text, whitespace may be normalised)


@dataclass
class ValidityStatement:
    """One statement about the document's own validity and where it was read.

    ``kind`` is ``in_force``, ``in_force_until``, ``lapsed_on`` or ``withdrawn``; ``value`` an ISO date
    (None for ``withdrawn``).  ``evidence`` is None when the value comes from format metadata that is
    not part of the text (CVDR XML fields)."""

    kind: str
    value: str | None
    source: FieldSource
    evidence: Evidence | None = None


@dataclass
class ReplacedRegulation:
    """An earlier regulation the document replaces or withdraws, as the text names it."""

    title: str
    year: int | None = None  # the year its name or its adoption date gives
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Validity:
    """In force until, lapsed or withdrawn, and what the document replaces (in force from stays in
    ``DocumentMeta.dates["in_force"]``).  ``lapsed_on`` is the date a text says it lapses or is
    withdrawn (possibly in the future); ``withdrawn`` is set when it says so without a date."""

    in_force_until: str | None = None
    lapsed_on: str | None = None
    withdrawn: bool = False
    replaces: list[ReplacedRegulation] = field(default_factory=list)
    statements: list[ValidityStatement] = field(default_factory=list)


@dataclass
class DocumentMeta:
    doc_id: str  # stable slug, e.g. "hengelo_integraal-veiligheidsbeleid_2024-2026"
    file: str  # file name as ingested
    title: str | None = None
    subtitle: str | None = None
    doc_type: str | None = None  # "doctype:..." concept id
    municipality: Municipality | None = None
    period_start: int | None = None
    period_end: int | None = None
    # ISO dates by kind: "document", "signed", "in_force", "adopted", "letter"
    dates: dict[str, str] = field(default_factory=dict)
    reference: str | None = None  # zaaknummer / bekendmaking
    sha256: str | None = None
    media_type: str | None = None  # text/plain, application/pdf, ...
    sources: dict[str, FieldSource] = field(default_factory=dict)  # field name -> how inferred
    validity: Validity = field(default_factory=Validity)


@dataclass
class Section:
    title: str
    level: int
    path: tuple[str, ...]  # titles from the top down, including this one
    start: int
    end: int
    theme_ids: tuple[str, ...] = ()  # themes the heading names (used to attribute passages)


@dataclass
class Passage:
    id: str  # f"{doc_id}/p{index:04d}"
    index: int
    text: str  # cleaned text of the chunk (what is embedded and shown)
    start: int
    end: int
    section_path: tuple[str, ...] = ()
    page: int | None = None
    theme_ids: tuple[str, ...] = ()  # themes attributed from the section path
    block: str | None = None  # block kind, e.g. "ambitie", "doelstellingen", "huidige_inzet"


@dataclass
class Mention:
    concept_id: str
    concept_type: str  # theme | instrument | partner | law
    passage_id: str
    start: int
    end: int
    text: str  # surface form as found
    status: str | None = None  # one of STATUSES, for instruments
    cue: str | None = None  # what decided its status: "group: pattern", "(block kind)" or "(default ...)"
    extractor: str = EXTRACTOR_VERSION


@dataclass
class ThemeFact:
    concept_id: str
    priority: bool = False
    rank: int | None = None
    declared_new: bool = False  # the document itself calls it a new priority ("als nieuwe prioriteit")
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class InstrumentUse:
    """An instrument in a document, with its status and the themes it is used against."""

    concept_id: str
    status: str
    theme_ids: tuple[str, ...] = ()
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class PartnerFact:
    concept_id: str
    role: str | None = None  # e.g. "databron"
    evidence: list[Evidence] = field(default_factory=list)
    # For a regional kind of partner (veiligheidsregio, RIEC, politie, GGD, Veilig Thuis): the concrete
    # body, and how it was found: "named" (the text names it) or "municipality-region" (the text names
    # only the generic concept; the body is the one serving the document's municipality).
    body_id: str | None = None
    resolution: str | None = None


@dataclass
class Goal:
    id: str  # f"{doc_id}/goal/{n}"
    text: str
    goal_type: str  # ambitie | doelstelling | resultaat | streefcijfer | toezegging | voornemen
    theme_id: str | None
    evidence: Evidence
    group: str | None = None


@dataclass
class Target:
    id: str
    metric: str
    value: float
    unit: str  # "%", "rapportcijfer", "rangpositie", "aantal", ...
    evidence: Evidence
    comparator: str | None = None  # "<=", ">=", "=", "<", ">"
    year: int | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    goal_id: str | None = None
    theme_id: str | None = None


@dataclass
class Indicator:
    id: str
    label: str
    evidence: Evidence
    data_source: str | None = None
    source_partner_id: str | None = None
    theme_id: str | None = None


@dataclass
class Figure:
    id: str
    label: str
    value: float
    unit: str
    evidence: Evidence
    year: int | None = None


@dataclass
class IngestedDocument:
    meta: DocumentMeta
    text: str  # decoded source text; all offsets point into it
    sections: list[Section] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    themes: list[ThemeFact] = field(default_factory=list)
    instruments: list[InstrumentUse] = field(default_factory=list)
    partners: list[PartnerFact] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
