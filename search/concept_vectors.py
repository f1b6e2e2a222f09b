"""Concepts found by meaning: question phrases no label covers, compared with the ontology's concepts.

Each theme, instrument, partner and law is embedded once with the search model as its labels (Dutch and
English) and, where the ontology gives one, its definition; the matrix is cached on disk keyed by that text
and the model. A phrase of the question that no label, document type or status word took ("fraude met
zorggeld") is embedded as a query and names a concept when its cosine reaches ``MIN_COSINE`` and leads the
runner-up by ``MIN_MARGIN`` (both chosen on the dev questions, see benchmarks/answers_tune.py).
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache

import numpy as np

TYPES = ("theme", "instrument", "partner", "law")
MIN_COSINE = 0.88  # defaults chosen by benchmarks/answers_tune.py; the environment overrides (per call)
MIN_MARGIN = 0.01


def thresholds() -> tuple[float, float]:
    """(minimum cosine, minimum lead over the runner-up) for a meaning match."""
    return (
        float(os.environ.get("BELEIDSGRAAF_MEANING_MIN", MIN_COSINE)),
        float(os.environ.get("BELEIDSGRAAF_MEANING_MARGIN", MIN_MARGIN)),
    )


MAX_PHRASE_WORDS = 5


def concept_text(concept) -> str:
    """What is embedded for a concept: its labels, then its definition."""
    names = [concept.pref_label, *sorted(concept.alt_labels), *sorted(concept.en_labels)]
    text = "; ".join(dict.fromkeys(n for n in names if n))
    definition = getattr(concept, "definition", None)
    return f"{text}. {definition}" if definition else text


@lru_cache(maxsize=4)
def concept_matrix(model: str | None = None, runtime: str | None = None) -> tuple[list[str], np.ndarray]:
    """(concept ids, L2-normalised vectors), embedded once per vocabulary, model and runtime.

    Cached on disk (ontology/disk_cache.py) under a key of the embedded texts (labels and definitions:
    the vocabulary as it is read here) and the model key, which names the runtime: a changed vocabulary,
    model or runtime never reads stale vectors, and a question never embeds a concept.
    """
    from ontology.disk_cache import cached, content_key
    from ontology.vocabulary import load_concepts
    from search.embed import embed_passages
    from search.model import configured_model, configured_runtime, model_key

    name, chosen = configured_model(model), configured_runtime(runtime)
    concepts = sorted((c for c in load_concepts().values() if c.type in TYPES), key=lambda c: c.id)
    texts = [concept_text(c) for c in concepts]
    key = content_key([], model_key(name, chosen), json.dumps(texts, ensure_ascii=False))
    ids = [c.id for c in concepts]
    vectors = cached("concept-vectors", key, lambda: embed_passages(texts, name, runtime=chosen))
    return ids, vectors


def phrases(
    words: list[tuple[str, str, int, int]],
    used: set[int],
    text: str,
    in_qualifier: frozenset[int] = frozenset(),
) -> list[str]:
    """Runs of words no other reading took, trimmed of function words (at most MAX_PHRASE_WORDS).

    A run must hold a content word outside the question's qualifiers: "bij vastgoedtransacties" stays a
    qualifier of what is asked, "fraude met zorggeld" names the thing asked about.
    """
    from search.question import _verb, _verb_like, language

    data = language()
    edge = set(data["qualifier_prepositions"]) | set(data["clause_breaks"]) | set(data["question_words"])
    generic = set(data["generic_words"])
    runs: list[list[int]] = [[]]
    for k, w in enumerate(words):
        if k in used or not w[1][0].isalnum() or re.match(r"^\d+$", w[1]):
            runs.append([])
        else:
            runs[-1].append(k)

    def trimmed(word: str) -> bool:  # function words and verbs at the edges name nothing
        return word in edge or word in generic or _verb(word)

    out = []
    for run in runs:
        while run and trimmed(words[run[0]][1]):
            run = run[1:]
        while run and trimmed(words[run[-1]][1]):
            run = run[:-1]
        if not run or len(run) > MAX_PHRASE_WORDS:
            continue
        content = [
            k
            for k in run
            if len(words[k][1]) > 3 and words[k][1] not in generic and not _verb_like(words[k][1])
        ]
        # two content words at least (one word alone is too little to name a concept by meaning), and one
        # of them outside the qualifiers
        if len(content) < 2 or all(k in in_qualifier for k in content):
            continue
        out.append(text[words[run[0]][2] : words[run[-1]][3]])
    return out


def by_meaning(
    understood,
    words,
    used: set[int],
    in_qualifier: set[int] = frozenset(),
    model: str | None = None,
    runtime: str | None = None,
) -> list[dict]:
    """Concepts named by meaning in the phrases of the question no label took (one embedding call)."""
    from ontology.vocabulary import load_concepts
    from search.embed import embed_queries

    candidates = phrases(words, used, understood.text, frozenset(in_qualifier))
    if not candidates:
        return []
    ids, matrix = concept_matrix(model, runtime)
    known = {c["id"] for c in understood.concepts}
    concepts = load_concepts()
    min_cosine, min_margin = thresholds()
    out = []
    for phrase, vector in zip(candidates, embed_queries(candidates, model, runtime), strict=True):
        sims = matrix @ vector
        order = np.argsort(-sims)[:2]
        best = float(sims[order[0]])
        margin = best - float(sims[order[1]]) if len(order) > 1 else best
        cid = ids[order[0]]
        if best >= min_cosine and margin >= min_margin and cid not in known:
            known.add(cid)
            c = concepts[cid]
            out.append(
                {
                    "id": cid,
                    "label": c.pref_label,
                    "type": c.type,
                    "matched": phrase,
                    "by": "meaning",
                    "similarity": round(best, 3),
                    "margin": round(margin, 3),
                }
            )
    return out
