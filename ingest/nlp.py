"""Dutch NLP resources: the spaCy pipeline (sentences + lemmas).

No trained Dutch spaCy model installs here, so the pipeline is ``spacy.blank("nl")`` with a
rule-based sentencizer and the lookup lemmatizer from spacy-lookups-data.  Words the lookup table
lacks fall back to simplemma; a small exceptions table (``lemma_exceptions`` in ``ontology/cues.json``)
comes first.
Everything is built once per process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ontology import language

if TYPE_CHECKING:
    from spacy.language import Language


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """spaCy Dutch pipeline: tokenizer, sentencizer, lookup lemmatizer + simplemma fallback."""
    import spacy
    from spacy.language import Language

    nlp = spacy.blank("nl")
    # split "media/Burgernet" and "drugs/wapens" so each word can match on its own
    infixes = [*nlp.Defaults.infixes, r"(?<=[^\W\d_])/(?=[^\W\d_])"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})  # tables from spacy-lookups-data
    nlp.initialize()

    if not Language.has_factory("beleidsgraaf_lemma_fallback"):

        @Language.component("beleidsgraaf_lemma_fallback")
        def _fallback(doc):  # type: ignore[no-untyped-def]
            for token in doc:
                token.lemma_ = lemma_for(token.text, token.lemma_)
            return doc

    nlp.add_pipe("beleidsgraaf_lemma_fallback", last=True)
    return nlp


def lemma_for(word: str, lookup_lemma: str | None = None) -> str:
    """Lower-case lemma: exceptions table, else the lookup table's lemma, else simplemma."""
    lower = word.lower()
    exceptions = language.cues().get("lemma_exceptions", {})
    if lower in exceptions:
        return exceptions[lower]
    if lookup_lemma and lookup_lemma.lower() != lower:
        return lookup_lemma.lower()
    if not any(ch.isalpha() for ch in lower) or len(lower) < 4:
        return lower
    return _simplemma(lower)


@lru_cache(maxsize=200_000)
def _simplemma(lower: str) -> str:
    import simplemma

    try:
        return simplemma.lemmatize(lower, lang="nl").lower()
    except Exception:  # pragma: no cover - simplemma raises only on odd input
        return lower
