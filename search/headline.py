"""The headline of a comparison: 3-6 Dutch sentences on the main shifts, built from the comparison's own
facts (never free text), each sentence carrying the evidence of what it names on both sides.

Sentences, in this order, when there is something to say: new priorities, dropped priorities,
instruments started, instruments stopped, partners added, and always the goals (how many continue and
how, how many are new or dropped) and, to reach three sentences, the counts of themes, instruments and
partners. Two wordings: successive documents ("nieuw", "vervallen") and two municipalities side by side
("alleen …", "beide").

A sentence names the things its documents say most about first (the most quoted), not the first in
the alphabet. A priority one side gives and the other does not still has evidence on both sides when
the other side names the theme without making it a priority: that quote is what an advisor checks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from graph.rdf import USE_STATUSES

MAX_NAMED = 3  # concepts named per sentence; the rest are counted ("en 4 andere")
MAX_SENTENCES = 6

# Dutch sentence templates per mode; {a} and {b} are the names of the two sides, {items} a Dutch list.
TEMPLATES = {
    "documents": {
        "priority_added": "{b} maakt {items} tot prioriteit.",
        "priority_removed": "{items} {verb} in {b} geen prioriteit meer.",
        "instrument_started": "{b} zet nieuw in op {items}.",
        "instrument_stopped": "{items} {verb} in {b} niet meer ingezet.",
        "partner_added": "Nieuw als partner in {b}: {items}.",
        "goals": "Van de {n_a} doelen van {a} lopen er {kept} door in {b}{how}; {added} doelen zijn nieuw"
        " en {removed} vervallen.",
        "counts": "{title}: {added} nieuw, {removed} vervallen en {kept} behouden.",
    },
    "municipalities": {
        "priority_added": "Alleen {b} heeft {items} als prioriteit.",
        "priority_removed": "Alleen {a} heeft {items} als prioriteit.",
        "instrument_started": "Alleen {b} zet in op {items}.",
        "instrument_stopped": "Alleen {a} zet in op {items}.",
        "partner_added": "Alleen {b} noemt als partner: {items}.",
        "goals": "{kept} van de {n_a} doelen van {a} komen terug bij {b}{how}; {added} doelen heeft alleen"
        " {b} en {removed} alleen {a}.",
        "counts": "{title}: {added} alleen bij {b}, {removed} alleen bij {a} en {kept} bij beide.",
    },
}
# What the three states and the continuing goals are called on each side of a comparison (CLI, page):
# successive documents of one municipality change ("nieuw", "vervallen"); two municipalities differ.
STATE_WORDS = {
    "documents": {
        "added": "nieuw",
        "removed": "vervallen",
        "kept": "behouden",
        "goals_kept": "Doelen die doorlopen",
    },
    "municipalities": {
        "added": "alleen {b}",
        "removed": "alleen {a}",
        "kept": "bij beide",
        "goals_kept": "Doelen die beide hebben",
    },
}
COUNTED = {"themes": "Thema's", "instruments": "Instrumenten", "partners": "Partners"}  # fallback sentences
RELATION_WORDS = {"sharpened": "aangescherpt", "weakened": "afgezwakt", "reworded": "anders verwoord"}
RELATION_LABELS = {"same": "ongewijzigd", **RELATION_WORDS}  # Dutch label per goal relation (CLI, page)


def _dutch_list(labels: list[str]) -> str:
    named = labels[:MAX_NAMED]
    rest = len(labels) - len(named)
    if rest:
        return f"{', '.join(named)} en {rest} andere"
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} en {named[-1]}"


def _sentence(
    kind: str, text: str, items: list[dict[str, Any]], context: dict[str, dict] | None = None
) -> dict[str, Any]:
    """A sentence with the first evidence quote of each item it names, per side; a side the item has
    no quote on takes it from ``context`` (the same concept in a wider category) when there is one."""
    context = context or {}

    def quotes(side: str) -> list[dict]:
        out = []
        for item in items:
            evidence = item.get(side) or context.get(item["id"], {}).get(side)
            if evidence:
                out.append(evidence[0])
        return out

    return {
        "kind": kind,
        "text": text,
        "items": [item["id"] for item in items],
        "evidence_a": quotes("evidence_a"),
        "evidence_b": quotes("evidence_b"),
    }


def _salience(item: dict[str, Any]) -> tuple[int, str]:
    """Most quoted first (on the side that has it), then by label: what a document says most about."""
    quoted = max(len(item.get("evidence_a") or []), len(item.get("evidence_b") or []))
    return -quoted, item["label"].casefold()


@lru_cache(maxsize=1)
def _source_categories() -> frozenset[str]:
    from ontology import language

    return frozenset(language.cues().get("partner_source_categories", []))


def _partner_salience(item: dict[str, Any]) -> tuple[bool, int, str]:
    """Partners in the work before sources of knowledge and data (a research bureau or statistics
    office whose figures a plan cites is not a shift in who the municipality works with); then as
    ``_salience``. The source categories are data (cues.json ``partner_source_categories``)."""
    from ontology.vocabulary import broader_closure, load_concepts

    source = item["id"] in load_concepts() and bool(broader_closure(item["id"]) & _source_categories())
    return (source, *_salience(item))


def _concepts(
    kind: str,
    items: list[dict],
    template: str,
    names: dict[str, str],
    context: dict[str, dict] | None = None,
    order: Callable[[dict[str, Any]], tuple] = _salience,
) -> dict[str, Any] | None:
    if not items:
        return None
    items = sorted(items, key=order)
    labels = [item["label"] for item in items]
    verb = "is" if len(labels) == 1 else "zijn"
    return _sentence(kind, template.format(items=_dutch_list(labels), verb=verb, **names), items, context)


def _capitalised(sentence: dict[str, Any] | None) -> dict[str, Any] | None:
    """The first letter upper case, also after an opening bracket ("(Tijdelijke) pandsluiting ...")."""
    if sentence is not None:
        text = sentence["text"]
        first = len(text) - len(text.lstrip("(\"'‘“"))  # skip opening brackets and quotes only
        if first < len(text):
            sentence["text"] = text[:first] + text[first].upper() + text[first + 1 :]
    return sentence


def headline(result: dict[str, Any], name_a: str, name_b: str, mode: str = "documents") -> dict[str, Any]:
    """``{"text", "sentences", "mode", "labels"}`` for a comparison result (see search.compare); ``labels``
    are the words CLI and page use for its states (``state_labels``)."""
    templates = TEMPLATES[mode]
    names = {"a": name_a, "b": name_b}
    instruments = result["instruments"]
    started = [i for i in instruments["added"] if i.get("status_b") in USE_STATUSES] + [
        i for i in instruments["kept"] if i["status_b"] in USE_STATUSES and i["status_a"] not in USE_STATUSES
    ]
    stopped = [i for i in instruments["removed"] if i.get("status_a") in USE_STATUSES] + [
        i for i in instruments["kept"] if i["status_a"] in USE_STATUSES and i["status_b"] not in USE_STATUSES
    ]
    # a priority only one side has: the other side's quote of the same theme, if it names it at all
    themes = {item["id"]: item for state in ("added", "removed", "kept") for item in result["themes"][state]}
    priorities = result["priority_themes"]
    sentences = [
        _concepts("priority_added", priorities["added"], templates["priority_added"], names, themes),
        _concepts("priority_removed", priorities["removed"], templates["priority_removed"], names, themes),
        _concepts("instrument_started", started, templates["instrument_started"], names),
        _concepts("instrument_stopped", stopped, templates["instrument_stopped"], names),
        _concepts(
            "partner_added",
            result["partners"]["added"],
            templates["partner_added"],
            names,
            order=_partner_salience,
        ),
    ]
    sentences = [_capitalised(s) for s in sentences if s is not None][: MAX_SENTENCES - 1]
    sentences.append(_goals(result["goals"], templates["goals"], names))
    for category, title in COUNTED.items():  # at least three sentences: add plain counts
        if len(sentences) >= 3:
            break
        counts = {state: len(result[category][state]) for state in ("added", "removed", "kept")}
        text = templates["counts"].format(title=title, **counts, **names)
        sentences.append(_sentence(category, text, []))
    return {
        "text": " ".join(s["text"] for s in sentences),
        "sentences": sentences,
        "mode": mode,
        "labels": state_labels(name_a, name_b, mode),
    }


def state_labels(name_a: str, name_b: str, mode: str = "documents") -> dict[str, str]:
    """The Dutch words for added / removed / kept (and the continuing goals) in this comparison: two
    municipalities do not gain or drop what only one of them has."""
    return {key: word.format(a=name_a, b=name_b) for key, word in STATE_WORDS[mode].items()}


def _goals(goals: dict[str, list[dict]], template: str, names: dict[str, str]) -> dict[str, Any]:
    kept = goals["kept"]
    by_relation = {rel: [g for g in kept if g["relation"] == rel] for rel in RELATION_WORDS}
    parts = [f"{len(items)} {RELATION_WORDS[rel]}" for rel, items in by_relation.items() if items]
    continued = len({g["id_a"] for g in kept})  # an ambition of A may continue in two goals of B
    how = f" ({', '.join(parts)})" if parts else ""
    if continued != len(kept):
        how = f" als {len(kept)} doelen{how}"
    text = template.format(
        n_a=continued + len(goals["removed"]),
        kept=continued,
        added=len(goals["added"]),
        removed=len(goals["removed"]),
        how=how,
        **names,
    )
    shifted = by_relation["sharpened"] + by_relation["weakened"]
    return _capitalised(_sentence("goals", text, shifted or kept[:MAX_NAMED]))
