"""The id a fact about a concept is recorded under, for ids that name the same thing another way.

Two cases, both ontology data: a retired id (``concepts.json`` → ``retired``) is recorded as its
replacement, and a regional body (``partner:riec_oost_brabant``) as its generic concept
(``partner:riec``), because partner facts keep the generic concept and carry the body apart. Gold
sets written with older or more specific ids are compared through this function.
"""

from __future__ import annotations

import json
from functools import lru_cache

from ontology import ONTOLOGY_DIR
from ontology.regions import generic_of


@lru_cache(maxsize=1)
def retired() -> dict[str, dict]:
    """Retired concept ids with their reason and (where one exists) ``replaced_by``."""
    data = json.loads((ONTOLOGY_DIR / "concepts.json").read_text(encoding="utf-8"))
    return data.get("retired", {})


def canonical_id(concept_id: str) -> str:
    """``law:gemeentewet_127`` → ``law:gemeentewet``; ``partner:veiligheidsregio_twente`` →
    ``partner:veiligheidsregio``; any other id unchanged."""
    seen = {concept_id}
    while (entry := retired().get(concept_id)) and entry.get("replaced_by"):
        concept_id = entry["replaced_by"]
        if concept_id in seen:
            break
        seen.add(concept_id)
    return generic_of(concept_id) or concept_id
