"""A tiny hand-made IngestedDocument: the permanent fixture for rdf, reasoning and store tests.

It is written the way ingest would produce it (offsets into ``text``), for a municipality that is
not in the corpus, so tests cannot pass by accident on corpus data.
"""

from __future__ import annotations

from ingest.model import (
    DocumentMeta,
    Evidence,
    Figure,
    Goal,
    Indicator,
    IngestedDocument,
    InstrumentUse,
    Mention,
    Municipality,
    PartnerFact,
    Passage,
    Target,
    ThemeFact,
)

DOC_ID = "oldenzaal_integraal-veiligheidsplan_2025-2028"

PARAGRAPHS = [
    "Ondermijning heeft prioriteit. Op grond van artikel 13b Opiumwet sluit de burgemeester drugspanden.",
    "Samen met de politie voeren we controles uit. We volgen de ontwikkelingen van Preventie met gezag.",
    "Doel: het aandeel inwoners dat zich onveilig voelt daalt naar 10% in 2028 (was 14% in 2023).",
]


def _evidence(text: str, passage_id: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(passage_id=passage_id, start=start, end=start + len(quote), quote=quote)


def _mention(text: str, passage_id: str, concept: str, ctype: str, surface: str, status=None) -> Mention:
    start = text.index(surface)
    return Mention(concept, ctype, passage_id, start, start + len(surface), surface, status)


def sample_document(doc_id: str = DOC_ID, extra_paragraph: str | None = None) -> IngestedDocument:
    """The sample; ``extra_paragraph`` makes a changed version of the same document."""
    paragraphs = PARAGRAPHS + ([extra_paragraph] if extra_paragraph else [])
    text = "\n\n".join(paragraphs)
    passages = []
    for i, para in enumerate(paragraphs, start=1):
        start = text.index(para)
        passages.append(
            Passage(
                id=f"{doc_id}/p{i:04d}",
                index=i,
                text=para,
                start=start,
                end=start + len(para),
                section_path=("Prioriteiten", "Ondermijning") if i == 1 else ("Aanpak",),
                page=1,
                theme_ids=("theme:ondermijning",) if i == 1 else (),
            )
        )
    p1, p2, p3 = (p.id for p in passages[:3])
    ev13b = _evidence(text, p1, "Op grond van artikel 13b Opiumwet sluit de burgemeester drugspanden")
    ev_pmg = _evidence(text, p2, "We volgen de ontwikkelingen van Preventie met gezag")
    ev_pol = _evidence(text, p2, "Samen met de politie voeren we controles uit")
    ev_goal = _evidence(text, p3, "het aandeel inwoners dat zich onveilig voelt daalt naar 10% in 2028")
    meta = DocumentMeta(
        doc_id=doc_id,
        file=f"{doc_id}.txt",
        title="Integraal Veiligheidsplan Oldenzaal 2025-2028",
        doc_type="doctype:integraal_veiligheidsplan",
        municipality=Municipality("Oldenzaal", "GM0173"),
        period_start=2025,
        period_end=2028,
        dates={"adopted": "2025-01-14"},
        sha256="0" * 64,
        media_type="text/plain",
    )
    return IngestedDocument(
        meta=meta,
        text=text,
        passages=passages,
        mentions=[
            _mention(text, p1, "theme:ondermijning", "theme", "Ondermijning"),
            _mention(text, p1, "instrument:damocles_13b", "instrument", "artikel 13b Opiumwet", "toegepast"),
            _mention(text, p1, "law:opiumwet", "law", "Opiumwet"),
            _mention(text, p2, "partner:politie", "partner", "politie"),
            _mention(
                text, p2, "instrument:preventie_met_gezag", "instrument", "Preventie met gezag", "volgen"
            ),
        ],
        themes=[ThemeFact("theme:ondermijning", priority=True, rank=1, evidence=[ev13b])],
        instruments=[
            InstrumentUse("instrument:damocles_13b", "toegepast", ("theme:drugscriminaliteit",), [ev13b]),
            InstrumentUse("instrument:preventie_met_gezag", "volgen", (), [ev_pmg]),
        ],
        partners=[PartnerFact("partner:politie", None, [ev_pol])],
        goals=[Goal(f"{doc_id}/goal/1", ev_goal.quote, "streefcijfer", "theme:veiligheidsbeleving", ev_goal)],
        targets=[
            Target(
                f"{doc_id}/target/1",
                "aandeel inwoners dat zich onveilig voelt",
                10.0,
                "%",
                ev_goal,
                comparator="<=",
                year=2028,
                baseline_value=14.0,
                baseline_year=2023,
                goal_id=f"{doc_id}/goal/1",
            )
        ],
        indicators=[Indicator(f"{doc_id}/indicator/1", "onveiligheidsgevoel", ev_goal, "veiligheidsmonitor")],
        figures=[Figure(f"{doc_id}/figure/1", "onveilig 2023", 14.0, "%", ev_goal, year=2023)],
    )
