"""Matching goals and targets of two documents by meaning: identical text first, then embeddings.

Built on search.embed (the project's model and its on-disk embedding cache), so comparing the same
documents again costs no model time.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

Embedder = Callable[[list[str]], np.ndarray]


def normalise_text(text: str) -> str:
    """Lower case, no accents, punctuation, bullets or numbering, single spaces: identical goals compare
    equal."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()
    text = re.sub(r"^\s*(?:[-•*·–]|\(?\w{1,3}[.)])\s+", "", text)
    text = re.sub(r"[^\w%]+", " ", text)
    return " ".join(text.split())


def default_embedder(home: Path | None = None, prompt_kind: str = "passage") -> Embedder:
    """Texts → L2-normalised vectors with the project's model, cached in ``home``'s embedding cache.

    Both sides get the same prompt, so the similarity is symmetric. Goals use the query prompt
    (``AlignSettings.prompt``; e5's advice for symmetric similarity, and better on the development
    pairing), target metrics the passage prompt. Each text is encoded on its own
    (``search.embed.embed_each``), so a pair's score never depends on what else was embedded first.
    """
    from search.embed import cache_path, embed_each

    cache = cache_path(home) if home is not None else None

    def embed(texts: list[str]) -> np.ndarray:
        return embed_each(texts, cache=cache, prompt_kind=prompt_kind)

    return embed


def shared_words(texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
    """Shared content words of every pair (a, b): cosine of IDF-weighted sets of lemmas.

    The IDF is taken over the goals of both sides, so the words every goal of the two plans uses
    ("veiligheid", "inwoners") weigh little and the words that name an ambition ("meldingsbereidheid",
    "jeugdgroepen") much. Embeddings of this model rank a plan's goals by their sentence shape as
    much as by their subject; the words they share bring the subject back.
    """
    from search.lexical import tokenize

    sets_a = [set(tokenize(t)) for t in texts_a]
    sets_b = [set(tokenize(t)) for t in texts_b]
    counts: dict[str, int] = defaultdict(int)
    for words in sets_a + sets_b:
        for w in words:
            counts[w] += 1
    n = len(sets_a) + len(sets_b)
    weight = {w: float(np.log((n + 1) / (c + 0.5))) ** 2 for w, c in counts.items()}
    norm_a = [np.sqrt(sum(weight[w] for w in s)) or 1.0 for s in sets_a]
    norm_b = [np.sqrt(sum(weight[w] for w in s)) or 1.0 for s in sets_b]
    out = np.zeros((len(sets_a), len(sets_b)), dtype=np.float32)
    for i, wa in enumerate(sets_a):
        for j, wb in enumerate(sets_b):
            common = wa & wb
            if common:
                out[i, j] = sum(weight[w] for w in common) / (norm_a[i] * norm_b[j])
    return out


@lru_cache(maxsize=1)
def _municipality_names() -> re.Pattern[str]:
    """Every municipality name (current, dissolved, aliases) as written, capitalised: one pattern."""
    from ontology.municipalities import load_aliases, load_municipalities

    names = [re.sub(r"\s*\([^)]*\)$", "", r.name) for r in load_municipalities()]
    names += [alias for _, alias in load_aliases()]
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True) if n)
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])")


_DOUBLE = re.compile(r"\b([Dd]e\s+)?gemeente\s+de gemeente\b")


def without_places(text: str) -> str:
    """The goal with every municipality name it writes (capitalised, as a name is) read as "de gemeente".

    A name says where, not what: two goals of one municipality share it whatever they pursue, and the
    goals of two municipalities differ in it whatever they share. Both the embeddings and the shared
    words see it (on the development pairing the name joined "Wassenaar werkt aan … restafval" to
    "De gemeente Wassenaar zet zich in om wijkgericht … te versterken")."""
    out = _municipality_names().sub(lambda m: "De gemeente" if m.start() == 0 else "de gemeente", text)
    return _DOUBLE.sub(lambda m: f"{m.group(1) or ''}gemeente", out)


def match_by_meaning(
    texts_a: Sequence[str], texts_b: Sequence[str], embed: Embedder | None, threshold: float
) -> list[tuple[int, int, float, str]]:
    """One-to-one pairs (i, j, similarity, "text" | "meaning") between two lists of texts.

    Identical normalised texts pair first (similarity 1.0); the rest pair greedily by descending cosine
    of their embeddings while it is at least ``threshold``. Without ``embed`` only identical texts pair.
    """
    pairs: list[tuple[int, int, float, str]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    index_b: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(texts_b):
        index_b[normalise_text(t)].append(j)
    for i, t in enumerate(texts_a):
        for j in index_b.get(normalise_text(t), []):
            if j not in used_b:
                pairs.append((i, j, 1.0, "text"))
                used_a.add(i)
                used_b.add(j)
                break
    if embed is None or len(used_a) == len(texts_a) or len(used_b) == len(texts_b):
        return pairs
    sims = _cosines(embed, texts_a, texts_b)
    for i, j in _greedy(sims, threshold, used_a, used_b):
        pairs.append((i, j, float(sims[i, j]), "meaning"))
    return sorted(pairs)


# -- goal alignment: pairs with a relation ------------------------------------------------------------

RELATIONS = ("same", "reworded", "sharpened", "weakened")


@dataclass(frozen=True)
class AlignSettings:
    """Thresholds of goal alignment, chosen on the development pairing by
    ``benchmarks/goal_pairing/select_thresholds.py`` (see its docstring and the README)."""

    same_theme: float = 1.0  # score at which two goals under the same theme continue each other
    other_theme: float = 1.04  # score for goals under different (or unknown) themes
    target_bonus: float = 0.0  # added to the score when both goals carry a target of the same unit
    scale: str = "cosine"  # "cosine"; or "csls": cosine rescaled by each goal's nearest neighbours
    neighbours: int = 3  # k of the csls scale
    lexical_weight: float = 0.2  # weight of shared content words (``shared_words``) added to the cosine
    concept_weight: float = 0.1  # weight of shared vocabulary concepts (``shared_concepts``) added too
    prompt: str = "query"  # the model prompt goals are embedded with (search.embed prompt kinds)
    mutual_floor: float | None = 0.92  # score from which two goals that are each other's best match pair
    same_text: float = 0.985  # cosine from which two wordings count as the same goal
    split_floor: float | None = 0.94  # score from which a second goal of B continues an ambition of A
    split_margin: float = 0.1  # ... when it scores at most this much below the ambition's first pair
    theme_match: str = "field"  # "theme": same theme concept; "field": themes share a Kernbeleid field
    scope_floor: float = 0.94  # cosine from which a changed group or area decides sharpened / weakened
    concept_types: tuple[str, ...] = ("theme", "instrument")  # concepts the shared-concepts score counts


@dataclass(frozen=True)
class Alignment:
    """Goal ``a`` (older document) continues as goal ``b`` (newer), and how."""

    a: int
    b: int
    similarity: float
    match: str  # "text" (identical normalised text) or "meaning"
    relation: str  # same | reworded | sharpened | weakened
    changes: tuple[str, ...] = ()  # what changed, in Dutch for the advisor ("streefwaarde vervallen")


def _shares_target(ga: dict, gb: dict) -> bool:
    units_a = {(t.get("unit") or "") for t in ga.get("targets") or []}
    return any((t.get("unit") or "") in units_a for t in gb.get("targets") or [])


def _stricter(comparator_a: str | None, comparator_b: str | None) -> int:
    """+1 when a higher value is the stricter target, -1 when a lower one is, 0 when unknown."""
    for comparator in (comparator_b, comparator_a):
        if comparator in (">=", ">"):
            return 1
        if comparator in ("<=", "<"):
            return -1
    return 0


def target_relation(
    targets_a: list[dict], targets_b: list[dict], texts: tuple[str, str] = ("", "")
) -> tuple[str | None, tuple[str, ...]]:
    """sharpened / weakened (or None) from the targets of two paired goals, with what changed.

    Every target of A is compared with B's target of the same unit (a goal often carries two: "elk jaar
    minimaal zes integrale controles"). Which way is stricter comes from the comparator ("minimaal",
    "maximaal"), else from the unit (a frequency: more often is stricter), else from the goals' own
    words ("terugdringen tot 120" — a lower value is stricter). Values decide before deadlines; when two
    targets point different ways the relation is left open."""
    if targets_a and not targets_b:
        return "weakened", ("streefwaarde vervallen",)
    if targets_b and not targets_a:
        return "sharpened", ("streefwaarde toegevoegd",)
    if not targets_a:
        return None, ()
    targets_a, targets_b = _per_year(targets_a), _per_year(targets_b)
    first_b: dict[str, dict] = {}
    for t in targets_b:
        first_b.setdefault(t.get("unit") or "", t)
    pairs, units = [], set()
    for ta in targets_a:
        unit = ta.get("unit") or ""
        if unit in first_b and unit not in units:
            units.add(unit)
            pairs.append((ta, first_b[unit]))
    pairs = pairs or [(targets_a[0], targets_b[0])]
    changes: list[str] = []
    by_value: set[int] = set()
    by_year: set[int] = set()
    for ta, tb in pairs:
        va, vb = ta.get("value"), tb.get("value")
        if va is not None and vb is not None and va != vb:
            changes.append(f"streefwaarde {va:g} → {vb:g}")
            way = _stricter(ta.get("comparator"), tb.get("comparator")) or _unit_way(ta.get("unit"))
            by_value.add((way or _text_way(texts)) * (1 if vb > va else -1))
        ya, yb = ta.get("year"), tb.get("year")
        if ya and yb and ya != yb:
            changes.append(f"jaar {ya} → {yb}")
            by_year.add(1 if yb < ya else -1)  # an earlier deadline is stricter
        if ya and not yb:
            changes.append("einddatum vervallen")
            by_year.add(-1)
    decided = (by_value - {0}) or by_year
    verdict = next(iter(decided)) if len(decided) == 1 else 0
    return {1: "sharpened", -1: "weakened"}.get(verdict), tuple(changes)


@lru_cache(maxsize=1)
def _frequency_units() -> dict[str, float]:
    """Units of how often something happens, with how many times a year each means (number_cues.json):
    more often is stricter."""
    from ontology.language import number_cues

    return {unit: float(n) for unit, n in number_cues().get("frequency_units", {}).items()}


def _per_year(targets: list[dict]) -> list[dict]:
    """Frequencies on one scale ("eens per twee jaar" = 0.5 keer per jaar), so they compare."""
    units = _frequency_units()
    out = []
    for t in targets:
        factor = units.get(t.get("unit") or "")
        if factor is not None and factor != 1 and t.get("value") is not None:
            t = {**t, "value": t["value"] * factor, "unit": "keer per jaar"}
        out.append(t)
    return out


def _unit_way(unit: str | None) -> int:
    return 1 if unit in _frequency_units() else 0


def _text_way(texts: tuple[str, str]) -> int:
    """+1 when the goals aim upwards, -1 when downwards (ingest's reading of direction words), else 0."""
    from ingest.targets import direction

    for text in texts:
        way = direction(text or "")
        if way:
            return -1 if way == "<=" else 1
    return 0


def shared_concepts(concepts_a: Sequence[Iterable[str]], concepts_b: Sequence[Iterable[str]]) -> np.ndarray:
    """Shared vocabulary concepts of every pair (a, b): |A ∩ B| / sqrt(|A| |B|) of their concept sets.

    A goal's concepts are the themes, instruments and partners ingest found in its text (the one
    concept matcher; ``graph.compare.goal_concepts``). The vocabulary gathers different wordings under
    one concept ("veiligheidsgevoel" and "veiligheidsbeleving"; "jeugdgroepen" and "overlast door
    jongeren"), which neither the embeddings of this small model nor the shared words see."""
    sets_a = [frozenset(c) for c in concepts_a]
    sets_b = [frozenset(c) for c in concepts_b]
    out = np.zeros((len(sets_a), len(sets_b)), dtype=np.float32)
    for i, ca in enumerate(sets_a):
        for j, cb in enumerate(sets_b):
            if ca and cb:
                out[i, j] = len(ca & cb) / np.sqrt(len(ca) * len(cb))
    return out


@lru_cache(maxsize=1)
def _scope_words() -> dict[str, str]:
    """Lemma or word → scope name (groups and areas of ontology/goal_scope.json)."""
    from ontology.language import goal_scope
    from search.lexical import tokenize

    out: dict[str, str] = {}
    for names in goal_scope().values():
        for name, words in names.items():
            for word in words:
                for token in {word.casefold(), *tokenize(word)}:
                    out.setdefault(token, name)
    return out


MIN_COMPOUND_PART = 5  # a scope word this long also counts as the first part of a compound


@lru_cache(maxsize=4096)
def goal_scope(text: str) -> frozenset[str]:
    """The groups and areas a goal names (scope names of goal_scope.json); a scope word also counts
    at the start of a compound ("ondernemersvereniging" names ondernemers, "jeugdgroepenoverleg" jeugd)."""
    from search.lexical import tokenize

    words = _scope_words()
    long_words = sorted((w for w in words if len(w) >= MIN_COMPOUND_PART), key=len, reverse=True)
    found = set()
    for token in tokenize(text):
        if token in words:
            found.add(words[token])
            continue
        part = next((w for w in long_words if token.startswith(w)), None)
        if part:
            found.add(words[part])
    return frozenset(found)


def scope_relation(text_a: str, text_b: str) -> tuple[str | None, tuple[str, ...]]:
    """sharpened when B names a group or area A does not and drops none (wider scope); weakened when B
    drops one and adds none (narrower scope); None otherwise."""
    scope_a, scope_b = goal_scope(text_a), goal_scope(text_b)
    added, dropped = sorted(scope_b - scope_a), sorted(scope_a - scope_b)
    if added and not dropped:
        return "sharpened", (f"reikwijdte verbreed: {', '.join(added)}",)
    if dropped and not added:
        return "weakened", (f"reikwijdte versmald: {', '.join(dropped)}",)
    return None, ()


def goal_relation(ga: dict, gb: dict, similarity: float, match: str, settings: AlignSettings):
    """The relation of two paired goals: targets decide sharpened / weakened first, then the scope the
    texts name (groups, areas), then the wording same / reworded.

    The scope decides only when the rest of the wording stays close (``scope_floor``): "inwoners,
    ondernemers en bezoekers" after "inwoners en ondernemers" in the same sentence widens the goal,
    while a goal restated in other words names other groups in passing. On the development pairing the
    labels agreed with a scope reading in 5 of 26 pairs below that cosine."""
    texts = (ga.get("text") or "", gb.get("text") or "")
    by_target, changes = target_relation(ga.get("targets") or [], gb.get("targets") or [], texts)
    if by_target:
        return by_target, changes
    if match == "text":
        return "same", changes
    by_scope, scope_changes = scope_relation(ga["text"], gb["text"])
    if by_scope and similarity >= settings.scope_floor:
        return by_scope, changes + scope_changes
    if similarity >= settings.same_text and not changes:
        return "same", changes
    return "reworded", changes


def align_goals(
    goals_a: Sequence[dict],
    goals_b: Sequence[dict],
    embed: Embedder | None,
    settings: AlignSettings | None = None,
) -> list[Alignment]:
    """Pair each goal of the newer document with the goal of the older one it continues, if any.

    Goals are dicts with ``text``, ``theme``, ``targets`` and (optionally) ``concepts`` and ``type``.
    Identical normalised texts pair first; then, best pair first and one-to-one, goals under the same theme
    whose score (the embeddings' cosine plus ``lexical_weight`` × shared content words plus
    ``concept_weight`` × shared vocabulary concepts, rescaled by ``csls`` if asked, plus
    ``target_bonus`` when both carry a target of the same unit) reaches ``same_theme``; then the
    remaining goals across themes at ``other_theme``; then (with ``mutual_floor``) goals that are
    each other's best match, within a theme first; then (with ``split_floor``) a second goal of B that
    restates an ambition of A already paired (``_split_ambitions``): a goal of A may continue in two
    goals of B, a goal of B continues at most one of A. Each pair gets its relation (``goal_relation``).
    ``embed`` should embed with ``settings.prompt`` (``default_embedder(home, settings.prompt)``).
    """
    settings = settings or AlignSettings()
    texts_a = [g["text"] for g in goals_a]
    texts_b = [g["text"] for g in goals_b]
    identical = match_by_meaning(texts_a, texts_b, None, 1.0)
    texts_a = [without_places(t) for t in texts_a]  # what a goal pursues, not where
    texts_b = [without_places(t) for t in texts_b]
    used_a = {i for i, *_ in identical}
    used_b = {j for _, j, *_ in identical}
    pairs = [(i, j, 1.0, "text") for i, j, _, _ in identical]
    if embed is not None and len(used_a) < len(goals_a) and len(used_b) < len(goals_b):
        sims = _cosines(embed, texts_a, texts_b)
        combined = sims
        if settings.lexical_weight:
            combined = combined + settings.lexical_weight * shared_words(texts_a, texts_b)
        if settings.concept_weight:
            combined = combined + settings.concept_weight * shared_concepts(
                [_typed(g, settings.concept_types) for g in goals_a],
                [_typed(g, settings.concept_types) for g in goals_b],
            )
        scores = csls(combined, settings.neighbours) if settings.scale == "csls" else combined.copy()
        for i, ga in enumerate(goals_a):
            for j, gb in enumerate(goals_b):
                if _shares_target(ga, gb):
                    scores[i, j] += settings.target_bonus
        same = same_theme(goals_a, goals_b, settings.theme_match)
        for i, j in _greedy(np.where(same, scores, -1.0), settings.same_theme, used_a, used_b):
            pairs.append((i, j, float(sims[i, j]), "meaning"))
        for i, j in _greedy(scores, settings.other_theme, used_a, used_b):
            pairs.append((i, j, float(sims[i, j]), "meaning"))
        if settings.mutual_floor is not None:
            within = np.where(same, scores, -np.inf)
            for matrix in (within, scores):  # the same theme first, here too
                for i, j in _mutual(matrix, settings.mutual_floor, used_a, used_b):
                    pairs.append((i, j, float(sims[i, j]), "meaning"))
        if settings.split_floor is not None:
            ambitions = [g.get("type") == AMBITION_TYPE for g in goals_a]
            for i, j in _split_ambitions(
                pairs, scores, ambitions, settings.split_floor, settings.split_margin
            ):
                pairs.append((i, j, float(sims[i, j]), "meaning"))
    out = []
    for i, j, sim, match in sorted(pairs):
        relation, changes = goal_relation(goals_a[i], goals_b[j], sim, match, settings)
        out.append(Alignment(i, j, round(sim, 4), match, relation, changes))
    return out


def _typed(goal: dict, types: tuple[str, ...]) -> list[str]:
    """The goal's concepts of the given types ("theme:…", "instrument:…"). Partners are left out by
    default: two goals pursue the same ambition whatever partners they name, and the partners every
    goal names (politie, gemeente) joined goals that share nothing else on the development pairing."""
    return [c for c in goal.get("concepts") or () if c.split(":", 1)[0] in types]


def same_theme(goals_a: Sequence[dict], goals_b: Sequence[dict], match: str = "theme") -> np.ndarray:
    """Which pairs of goals sit under the same theme: the same theme concept, or (``match="field"``)
    themes that share a safety field of Kernbeleid Veiligheid (theme:veld/...). A successor plan
    regroups its chapters ("Jeugdoverlast" and "Alcohol en drugs" become "Jeugd, middelen en
    veiligheid"), and the field is what stays."""
    keys_a = [_theme_keys(g.get("theme"), match) for g in goals_a]
    keys_b = [_theme_keys(g.get("theme"), match) for g in goals_b]
    return np.array([[bool(ka & kb) for kb in keys_b] for ka in keys_a], dtype=bool).reshape(
        len(keys_a), len(keys_b)
    )


@lru_cache(maxsize=1024)
def _theme_keys(theme: str | None, match: str) -> frozenset[str]:
    if not theme:
        return frozenset()
    if match == "theme":
        return frozenset({theme})
    from ontology.vocabulary import broader_closure, load_concepts

    concepts = load_concepts()
    if theme not in concepts:
        return frozenset({theme})
    fields = {c for c in {theme} | broader_closure(theme) if concepts[c].is_field}
    return frozenset(fields or {theme})


AMBITION_TYPE = "ambitie"  # ingest's goal type of a chapter's ambition (ontology/cues.json goal blocks)


def _split_ambitions(
    pairs: list[tuple[int, int, float, str]],
    scores: np.ndarray,
    ambitions: Sequence[bool],
    floor: float,
    margin: float,
) -> list[tuple[int, int]]:
    """Second pairs of an ambition: a goal of B still unpaired whose best match is an ambition of A
    that is already paired, scoring at least ``floor`` and at most ``margin`` below that first pair.

    A plan states a chapter's ambition once ("De veiligheidsbeleving is hoog en inwoners en ondernemers
    voelen zich veilig"); its successor, or another municipality, often restates it in two sentences (a
    mission and a measure of feeling safe). One-to-one pairing leaves the second one "new". Objectives
    (list items) stay one-to-one: there a second candidate is far more often another objective."""
    first: dict[int, float] = {}
    paired_b = set()
    for i, j, _, match in pairs:
        first.setdefault(i, 2.0 if match == "text" else float(scores[i, j]))
        paired_b.add(j)
    out = []
    for j in range(scores.shape[1]):
        if j in paired_b:
            continue
        i = int(scores[:, j].argmax())
        if ambitions[i] and i in first and scores[i, j] >= max(floor, first[i] - margin):
            out.append((i, j))
    return out


def csls(sims: np.ndarray, k: int) -> np.ndarray:
    """Cross-domain similarity local scaling: ``2 cos(a, b) - r(a) - r(b)``, r = mean cosine of a goal to
    its k nearest goals on the other side. The model's cosines are compressed and their level differs
    between pairs of documents (a plan's goals all resemble each other); this asks instead whether two
    goals are closer to each other than to their other neighbours, which needs no absolute level."""
    k_a, k_b = min(k, sims.shape[1]), min(k, sims.shape[0])
    r_a = np.sort(sims, axis=1)[:, -k_a:].mean(axis=1)
    r_b = np.sort(sims, axis=0)[-k_b:, :].mean(axis=0)
    return 2 * sims - r_a[:, None] - r_b[None, :]


def _cosines(embed: Embedder, texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
    vectors = np.asarray(embed(list(texts_a) + list(texts_b)), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors[: len(texts_a)] @ vectors[len(texts_a) :].T


def _mutual(scores: np.ndarray, floor: float, used_a: set[int], used_b: set[int]) -> list[tuple[int, int]]:
    """Still unpaired goals that are each other's best match (over all goals of the other side that
    ``scores`` allows) with a score of at least ``floor``: two plans that each have one goal on a
    subject, worded apart."""
    best_b, best_a = scores.argmax(axis=1), scores.argmax(axis=0)
    found = []
    for i, j in enumerate(best_b):
        i, j = int(i), int(j)
        if best_a[j] == i and scores[i, j] >= floor and i not in used_a and j not in used_b:
            found.append((i, j))
            used_a.add(i)
            used_b.add(j)
    return found


def _greedy(
    scores: np.ndarray, threshold: float, used_a: set[int], used_b: set[int]
) -> list[tuple[int, int]]:
    """Best-first one-to-one pairs at or above ``threshold``; marks what it pairs as used."""
    found = []
    order = np.dstack(np.unravel_index(np.argsort(-scores, axis=None, kind="stable"), scores.shape))[0]
    for x, y in order:
        if scores[x, y] < threshold:
            break
        i, j = int(x), int(y)
        if i in used_a or j in used_b:
            continue
        found.append((i, j))
        used_a.add(i)
        used_b.add(j)
    return found
