"""Words of one family: a paraphrase often states a question's word in another form.

"informatielekken" for "datalekken" (another compound with the same head), "technisch" for "techniek",
"menselijk" for "mens" (one stem, another derivational suffix). The answer's lexical coverage
(search/engine.py) counts such a passage as stating the word in part. Two rules, both on lemmas:
- compound head: a word that is a known modifier + a known head ("data" + "lekken") is related to every
  other word that is a known modifier + the same head, and to the head itself (Dutch compounds are
  head-final: an informatielek is a kind of lek, a werkplek is not: "werkp" is no word);
- derivation: two words with the same stem once one derivational suffix is taken off
  (``derivation_suffixes`` in ``ontology/question_language.json``; the stem keeps ``STEM_MIN`` letters).
"Known" means a word of the lemmatisers' dictionaries (ingest/lemma_tables.py), so the rules hold for
any municipality's text, not only the words of the given documents.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

HEAD_MIN = 4  # a compound head has at least this many letters ("lek" alone is too short to trust)
MODIFIER_MIN = 3  # so is the modifier before it ("p" + "lekken" is no compound)
STEM_MIN = 4  # a stem keeps at least this many letters once a suffix is taken off
LINKING = ("s", "e", "en")  # linking sounds between modifier and head (veiligheid-s-beleid)


@lru_cache(maxsize=1)
def _suffixes() -> tuple[str, ...]:
    from search.question import language

    return tuple(sorted(language()["derivation_suffixes"], key=len, reverse=True))


@lru_cache(maxsize=100_000)
def known(word: str) -> bool:
    """A word of the Dutch lemma dictionaries (as a form or key)."""
    from ingest.lemma_tables import lookup

    return lookup("simplemma_nl", word) is not None or lookup("spacy_nl", word) is not None


def _known_modifier(modifier: str) -> bool:
    if len(modifier) < MODIFIER_MIN:
        return False
    if known(modifier):
        return True
    bare = [modifier[: -len(link)] for link in LINKING if modifier.endswith(link)]
    return any(len(b) >= MODIFIER_MIN and known(b) for b in bare)


@lru_cache(maxsize=100_000)
def compound_head(word: str) -> str | None:
    """The head of a compound lemma (its longest known tail after a known modifier), or None.

    Only a word the dictionaries do not know is split: they list the lexicalised words ("veroorzaken",
    "onderzoek" are no ver+oorzaken, onder+zoek), and Dutch writes new compounds as one word, so an
    unknown long word is most often one ("datalekken", "informatielekken").
    """
    if known(word):
        return None
    for cut in range(MODIFIER_MIN, len(word) - HEAD_MIN + 1):
        head = word[cut:]
        if known(head) and _known_modifier(word[:cut]):
            return head
    return None


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The word without its longest derivational suffix (when the stem keeps ``STEM_MIN`` letters)."""
    for suffix in _suffixes():
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN:
            return word[: -len(suffix)]
    return word


class FamilyIndex:
    """The family look-up over one vocabulary (an index's lemmas): stems grouped once, heads by suffix."""

    def __init__(self, vocab: list[str]):
        self.vocab = vocab
        self._where = {w: i for i, w in enumerate(vocab)}
        self._array = np.array(vocab, dtype=str) if vocab else np.zeros(0, dtype=str)
        self._stems: dict[str, list[int]] | None = None

    def _by_stem(self) -> dict[str, list[int]]:
        if self._stems is None:
            stems: dict[str, list[int]] = {}
            for i, v in enumerate(self.vocab):
                stems.setdefault(stem(v), []).append(i)
            self._stems = stems
        return self._stems

    def related(self, word: str) -> list[int]:
        """Indexes of the vocabulary's words of ``word``'s family, the word itself left out."""
        from search.lexical import lemma

        stems = self._by_stem()
        root = stem(word)
        found = set(stems.get(root, ())) | set(stems.get(word, ()))
        if root in self._where:
            found.add(self._where[root])
        head = compound_head(word)
        for h in {head, lemma(head)} if head else ():
            if len(h) < HEAD_MIN:
                continue
            if h in self._where:
                found.add(self._where[h])
            if len(self._array):
                tails = np.nonzero(np.char.endswith(self._array, h))[0]
                found |= {int(i) for i in tails if compound_head(self.vocab[i]) == h}
        found.discard(self._where.get(word, -1))
        return sorted(found)
