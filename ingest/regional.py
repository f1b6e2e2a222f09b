"""Regional partners: a plain "de veiligheidsregio" or "het RIEC" names the body of the document's own
municipality; a named body ("RIEC Rotterdam") stays itself.

Partner facts are kept per generic concept (partner:riec, partner:veiligheidsregio ...) so that
documents compare on the same concept, and each carries the concrete body and how it was found.
Which body serves which municipality is reference data (ontology.regions).
"""

from __future__ import annotations

from ingest.model import PartnerFact
from ontology.regions import body_for, generic_concepts, generic_of

NAMED = "named"
BY_REGION = "municipality-region"
MAX_EVIDENCE = 10


def resolve_partners(facts: list[PartnerFact], municipality_code: str | None) -> list[PartnerFact]:
    """Fold named bodies into their generic concept and resolve generic mentions by region.

    One fact per (generic concept, body): a named body and a plain mention that resolves to the same
    body become one fact, marked "named" (the text says which body). Facts of other partners pass
    through unchanged, in their original order.
    """
    generics = generic_concepts()
    merged: dict[tuple[str, str | None], PartnerFact] = {}
    out: list[PartnerFact] = []
    for fact in facts:
        generic = generic_of(fact.concept_id)
        if generic is not None:
            key, resolution = (generic, fact.concept_id), NAMED
        elif fact.concept_id in generics:
            body = body_for(fact.concept_id, municipality_code)
            key, resolution = (fact.concept_id, body), (BY_REGION if body else None)
        else:
            out.append(fact)
            continue
        existing = merged.get(key)
        if existing is None:
            merged[key] = PartnerFact(key[0], fact.role, list(fact.evidence), key[1], resolution)
            out.append(merged[key])
            continue
        if resolution == NAMED:
            existing.resolution = NAMED
        if existing.role != fact.role:
            existing.role = None
        evidence = {(ev.start, ev.end): ev for ev in [*existing.evidence, *fact.evidence]}
        existing.evidence = [evidence[k] for k in sorted(evidence)][:MAX_EVIDENCE]
    return out
