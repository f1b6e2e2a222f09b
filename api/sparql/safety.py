"""What a query may be, decided from its tokens in the server before any engine sees it.

One pass of a small SPARQL lexer (codepoint escapes decoded first, then the four string forms, IRIs,
comments, variables, language tags and prefixed names recognised as in the SPARQL grammar) yields:

* the bare keywords, so ``SERVICE`` (and ``LOAD`` in updates) is refused while ``"SERVICE"`` in a
  string, ``# SERVICE`` in a comment or ``ex:service`` never trip it (the check errs on refusing);
* the nesting depth: open ``{ ( [`` plus a run of prefix operators (``!``, ``^``), each of which
  nests one level in the parse tree. Oxigraph parses and evaluates recursively, so a few thousand
  levels overflow its stack and kill the process (measured: 3,000 nested groups or OPTIONALs,
  10,000 ``!``, 1,000 nested function calls on an 8 MB stack);
* the number of tokens, which bounds long operator chains (10,000 ``&&`` terms crash it too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.errors import ApiError

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
               |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>(?:[\w:.%-]|\\.)+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE, _PREFIX_OPERATORS = set("{(["), set("})]"), set("!^")


@dataclass(frozen=True)
class Limits:
    """Shape limits of one query; defaults are far above hand-written queries, far below a crash."""

    max_depth: int = 128
    max_tokens: int = 10_000


@dataclass(frozen=True)
class Shape:
    """What the lexer saw: upper-cased bare words, deepest nesting, number of tokens."""

    keywords: frozenset[str]
    depth: int
    tokens: int


def _decode_codepoints(text: str) -> str:
    """Apply SPARQL's \\u / \\U escapes (the grammar allows them anywhere, before parsing)."""

    def repl(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _CODEPOINT.sub(repl, text)


def shape(text: str) -> Shape:
    """Scan a SPARQL text once: keywords, nesting depth, token count (never raises)."""
    found: set[str] = set()
    depth = deepest = run = tokens = 0
    for match in _TOKEN.finditer(_decode_codepoints(text)):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        tokens += 1
        value = match.group()
        if kind == "other" and value in _PREFIX_OPERATORS:
            run += 1
            deepest = max(deepest, depth + run)
            continue
        run = 0
        if kind == "other":
            if value in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif value in _CLOSE:
                depth = max(0, depth - 1)
        elif kind == "word" and ":" not in value:  # a prefixed name or blank node label is no keyword
            found.update(part.upper() for part in value.split(".") if part)
    return Shape(frozenset(found), deepest, tokens)


def keywords(query: str) -> set[str]:
    """Upper-cased bare words of a SPARQL text: its keywords, never strings, IRIs, comments or names."""
    return set(shape(query).keywords)


def check_operation(text: str, *, update: bool, limits: Limits = Limits()) -> Shape:
    """Refuse federation and pathological shapes with 400 before anything runs; return the shape."""
    seen = shape(text)
    if "SERVICE" in seen.keywords:
        raise ApiError(
            400, "sparql_service_refused", "SERVICE (federated query) is not allowed on this endpoint"
        )
    if update and "LOAD" in seen.keywords:
        raise ApiError(400, "sparql_load_refused", "LOAD of remote data is not allowed on this endpoint")
    if seen.depth > limits.max_depth:
        raise ApiError(
            400,
            "sparql_too_complex",
            f"the query nests {seen.depth} levels deep (groups, brackets, '!' or '^'); "
            f"the limit is {limits.max_depth}",
            depth=seen.depth,
            limit=limits.max_depth,
        )
    if seen.tokens > limits.max_tokens:
        raise ApiError(
            400,
            "sparql_too_complex",
            f"the query has {seen.tokens} tokens; the limit is {limits.max_tokens}",
            tokens=seen.tokens,
            limit=limits.max_tokens,
        )
    return seen
