"""Partner facts: the organisations a document names, with their role ("databron") from cue phrases
near the mention (``partner_roles`` in ontology/cues.json) and evidence sentences."""

from __future__ import annotations

import re
from collections import defaultdict

from ingest.extract import MAX_EVIDENCE, AnalysedChunk, evidence_span
from ingest.model import Evidence, PartnerFact
from ontology import language


def partner_facts(analysed: list[AnalysedChunk], offsets: list[int], source: str) -> list[PartnerFact]:
    """One PartnerFact per partner named, with its role when every mention agrees on one."""
    role_cues = {
        role: [re.compile(p, re.I) for p in patterns]
        for role, patterns in language.cues().get("partner_roles", {}).items()
    }
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    roles: dict[str, set[str | None]] = defaultdict(set)
    for ac in analysed:
        for hit in ac.hits:
            if hit.concept_type != "partner":
                continue
            sent = ac.sentence_at(hit.start)
            s, e = (sent.start, sent.end) if sent else (hit.start, hit.end)
            context = ac.chunk.passage.text[max(s, hit.start - 60) : min(e, hit.end + 30)].lower()
            role = next((r for r, pats in role_cues.items() if any(p.search(context) for p in pats)), None)
            roles[hit.concept_id].add(role)
            if len(evidence[hit.concept_id]) < MAX_EVIDENCE:
                evidence[hit.concept_id].append(evidence_span(ac, s, e, offsets, source))
    return [
        PartnerFact(cid, next(iter(roles[cid])) if len(roles[cid]) == 1 else None, ev)
        for cid, ev in evidence.items()
    ]
