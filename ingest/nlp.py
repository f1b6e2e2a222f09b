"""Dutch NLP resources: the spaCy pipeline (sentences + lemmas).

No trained Dutch spaCy model installs here, so the pipeline is ``spacy.blank("nl")`` with a
rule-based sentencizer and the lookup lemmatizer from spacy-lookups-data.  Words the lookup table
lacks fall back to simplemma; a small exceptions table (``lemma_exceptions`` in ``ontology/cues.json``)
comes first.
Everything is built once per process.

Questions take a faster road to the same tokens and lemmas: ``question_doc`` runs the pipeline's own
tokenizer rules without spaCy (``ingest.tokenizer``) and reads the lemma dictionaries from one on-disk
table (``ingest.lemma_tables``), so answering a question from the command line never imports spaCy,
thinc or torch, nor loads a whole dictionary. Tests keep it equal to ``get_nlp()`` token by token.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    from ingest.lemma_tables import lemmatizer

    try:
        return lemmatizer().lemmatize(lower, "nl").lower()
    except Exception:  # pragma: no cover - simplemma raises only on odd input
        return lower


@dataclass(frozen=True)
class QuestionToken:
    """The fields of a spaCy token that matching reads."""

    text: str
    idx: int
    whitespace_: str
    lemma_: str


@dataclass(frozen=True)
class QuestionDoc:
    """A tokenised, lemmatised text with the fields of a spaCy ``Doc`` that matching reads."""

    text: str
    tokens: tuple[QuestionToken, ...]

    def __iter__(self):
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def __getitem__(self, i: int) -> QuestionToken:
        return self.tokens[i]


def question_doc(text: str) -> QuestionDoc:
    """``get_nlp()(text)``'s tokens, offsets, spaces and lemmas, without loading spaCy (for questions)."""
    from ingest.lemma_tables import spacy_lookup
    from ingest.tokenizer import tokenize

    return QuestionDoc(
        text,
        tuple(QuestionToken(t, i, ws, lemma_for(t, spacy_lookup(t))) for t, i, ws in tokenize(text)),
    )
