"""The Dutch pipeline's tokenizer, run without spaCy: same rules, same algorithm, same tokens.

Why: a question needs a dozen tokens, but ``spacy.blank("nl")`` costs seconds in a fresh process
(importing spaCy imports thinc and torch; the tokenizer compiles 4,670 special cases). The rules are
read once from the real tokenizer of ``ingest.nlp.get_nlp()`` — prefix, suffix and infix patterns,
URL and token matches, special cases — and cached on disk keyed by the spaCy version and the code
that builds the pipeline (``rules()``). ``Tokenizer`` then repeats spaCy's own algorithm
(``spacy/tokenizer.pyx``: whitespace spans, ``_split_affixes``, ``_attach_tokens``, special cases
matched across tokens, longest first) in plain Python. Tests compare it with spaCy token by token
(text, offset, trailing space) on the dev questions and on every line of the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ontology.disk_cache import cached, content_key

Pattern = tuple[str, int]  # (regex source, flags) of a compiled pattern


@dataclass(frozen=True)
class TokenizerRules:
    """Everything spaCy's tokenizer decides with, as plain data."""

    prefix: Pattern | None
    suffix: Pattern | None
    infix: Pattern | None
    token_match: Pattern | None
    url_match: Pattern | None
    specials: dict[str, tuple[str, ...]]  # string -> the token texts it becomes
    faster_heuristics: bool
    # special cases that affix splitting would cut up, by their affix-only tokens (spaCy's
    # _special_matcher, a PhraseMatcher, finds them across tokens afterwards); derived from the rest
    phrases: dict[tuple[str, ...], str] | None = None


def _pattern(bound) -> Pattern | None:  # a compiled pattern's bound .search / .finditer / .match
    return None if bound is None else (bound.__self__.pattern, bound.__self__.flags)


def read_rules() -> TokenizerRules:
    """The rules of the pipeline's tokenizer (imports spaCy)."""
    from spacy.attrs import ORTH

    from ingest.nlp import get_nlp

    tok = get_nlp().tokenizer
    specials = {
        string: tuple(piece.get(ORTH, piece.get("ORTH")) for piece in pieces)
        for string, pieces in tok.rules.items()
    }
    bare = TokenizerRules(
        prefix=_pattern(tok.prefix_search),
        suffix=_pattern(tok.suffix_search),
        infix=_pattern(tok.infix_finditer),
        token_match=_pattern(tok.token_match),
        url_match=_pattern(tok.url_match),
        specials=specials,
        faster_heuristics=bool(tok.faster_heuristics),
    )
    return replace(bare, phrases=Tokenizer(bare).phrases)


@lru_cache(maxsize=1)
def rules() -> TokenizerRules:
    """The rules, from disk when spaCy and the pipeline code are unchanged."""
    from ingest import nlp

    key = content_key([Path(__file__), Path(nlp.__file__)], f"spacy {metadata.version('spacy')}")
    return cached("nl-tokenizer-rules", key, read_rules)


def _compile(pattern: Pattern | None):
    return None if pattern is None else re.compile(pattern[0], pattern[1])


class Tokenizer:
    """spaCy's ``Tokenizer.__call__`` over ``TokenizerRules``: (token text, followed by a space) pairs."""

    def __init__(self, rules: TokenizerRules):
        self.prefix = _compile(rules.prefix)
        self.suffix = _compile(rules.suffix)
        self.infix = _compile(rules.infix)
        self.token_match = _compile(rules.token_match)
        self.url_match = _compile(rules.url_match)
        self.specials = rules.specials
        self.phrases = rules.phrases if rules.phrases is not None else self._phrases(rules)
        self.longest = max((len(p) for p in self.phrases), default=0)

    def _phrases(self, rules: TokenizerRules) -> dict[tuple[str, ...], str]:
        """Special cases spaCy adds to its special matcher, keyed by their affix-only tokens."""
        phrases: dict[tuple[str, ...], str] = {}
        for string in self.specials:
            if (
                not rules.faster_heuristics
                or self._find_prefix(string)
                or self._find_infix(string)
                or self._find_suffix(string)
                or " " in string
            ):
                pattern = tuple(text for text, _ in self._tokenize_affixes(string, False))
                phrases.setdefault(pattern, string)
        return phrases

    def _find_prefix(self, string: str) -> int:
        m = self.prefix.search(string) if self.prefix else None
        return m.end() - m.start() if m else 0

    def _find_suffix(self, string: str) -> int:
        m = self.suffix.search(string) if self.suffix else None
        return m.end() - m.start() if m else 0

    def _find_infix(self, string: str) -> list:
        return list(self.infix.finditer(string)) if self.infix else []

    def __call__(self, text: str) -> list[tuple[str, bool]]:
        return self._apply_special_cases(self._tokenize_affixes(text, True))

    def _tokenize_affixes(self, string: str, with_specials: bool) -> list[tuple[str, bool]]:
        """Whitespace spans as spaCy cuts them: a single space after a token is its trailing space."""
        tokens: list[list] = []  # [text, space]
        if not string:
            return []
        start = 0
        in_ws = string[0].isspace()
        for i, ch in enumerate(string):
            if ch.isspace() != in_ws:
                if start < i:
                    self._tokenize(tokens, string[start:i], with_specials)
                if ch == " ":
                    tokens[-1][1] = True
                    start = i + 1
                else:
                    start = i
                in_ws = not in_ws
        if start < len(string):
            self._tokenize(tokens, string[start:], with_specials)
            tokens[-1][1] = string[-1] == " " and not in_ws
        return [(t, s) for t, s in tokens]

    def _tokenize(self, tokens: list[list], span: str, with_specials: bool) -> None:
        if with_specials and span in self.specials:
            tokens.extend([t, False] for t in self.specials[span])
            return
        prefixes: list[str] = []
        suffixes: list[str] = []
        rest = self._split_affixes(span, prefixes, suffixes, with_specials)
        tokens.extend([p, False] for p in prefixes)
        if rest:
            if with_specials and rest in self.specials:
                tokens.extend([t, False] for t in self.specials[rest])
            elif (self.token_match and self.token_match.match(rest)) or (
                self.url_match and self.url_match.match(rest)
            ):
                tokens.append([rest, False])
            else:
                matches = self._find_infix(rest)
                if not matches:
                    tokens.append([rest, False])
                else:
                    start = 0
                    for m in matches:
                        if m.start() == 0:  # spaCy skips an infix at the very start
                            continue
                        if m.start() != start:
                            tokens.append([rest[start : m.start()], False])
                        if m.start() != m.end():
                            tokens.append([rest[m.start() : m.end()], False])
                        start = m.end()
                    if rest[start:]:
                        tokens.append([rest[start:], False])
        tokens.extend([s, False] for s in reversed(suffixes))

    def _split_affixes(
        self, string: str, prefixes: list[str], suffixes: list[str], with_specials: bool
    ) -> str:
        last_size = -1
        while string and len(string) != last_size:
            if self.token_match and self.token_match.match(string):
                break
            if with_specials and string in self.specials:
                break
            last_size = len(string)
            pre_len = self._find_prefix(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and with_specials and minus_pre in self.specials:
                    prefixes.append(prefix)
                    return minus_pre
            suf_len = self._find_suffix(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and with_specials and minus_suf in self.specials:
                    suffixes.append(suffix)
                    return minus_suf
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        return string

    def _apply_special_cases(self, tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        """Special cases spread over several tokens, longest first, replaced when the text is the rule's."""
        if not self.phrases or not tokens:
            return tokens
        texts = [t for t, _ in tokens]
        found: list[tuple[int, int]] = []
        for i in range(len(texts)):
            for size in range(1, min(self.longest, len(texts) - i) + 1):
                if tuple(texts[i : i + size]) in self.phrases:
                    found.append((i, i + size))
        if not found:
            return tokens
        seen: set[int] = set()
        chosen: list[tuple[int, int]] = []
        for start, end in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
            if start not in seen and end - 1 not in seen:  # spaCy checks only the span's two ends
                chosen.append((start, end))
            seen.update(range(start, end))
        out: list[tuple[str, bool]] = []
        spans = {start: end for start, end in chosen}
        i = 0
        while i < len(tokens):
            end = spans.get(i)
            if end is None:
                out.append(tokens[i])
                i += 1
                continue
            text = "".join(
                t + (" " if s and k < end - 1 else "") for k, (t, s) in enumerate(tokens[i:end], start=i)
            )
            pieces = self.specials.get(text)
            if pieces is None:
                out.extend(tokens[i:end])
            else:
                out.extend((p, False) for p in pieces[:-1])
                out.append((pieces[-1], tokens[end - 1][1]))
            i = end
        return out


@lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    return Tokenizer(rules())


def tokenize(text: str) -> list[tuple[str, int, str]]:
    """(text, character offset, trailing whitespace) of each token, as the Dutch pipeline has them."""
    out: list[tuple[str, int, str]] = []
    pos = 0
    for word, space in tokenizer()(text):
        out.append((word, pos, " " if space else ""))
        pos += len(word) + space
    return out
