"""Stores for evaluation: the dev-set stores and their scale variant with synthetic distractor municipalities.

A distractor municipality is a real municipality (``ontology/gemeenten.csv``) that no dev store holds. Its
one document is built from real passages of the stored documents whose topic no dev question asks about:
passages that carry a concept named in any question's answer, or that overlap a gold evidence quote, are
left out. The names of the source municipalities are swapped for the distractor's name, so the text is real
policy language that names the distractor. The documents are written to a cache folder (never committed)
and ingested like any other file; a store is rebuilt only when its inputs change (a stamp file records them).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

STAMP = "eval-stamp.json"
DISTRACTORS = 300
SEED = 8


def _stamp(parts: list) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _fresh(home: Path, stamp: str) -> bool:
    f = home / STAMP
    return f.exists() and json.loads(f.read_text()).get("stamp") == stamp and (home / "search").exists()


def ingest_store(home: Path, paths: list[Path], stamp_parts: list, base: Path | None = None) -> Path:
    """``home`` holding ``paths`` (on top of a copy of ``base``), rebuilt when its inputs changed."""
    from graph.build import ingest_paths
    from search.index import refresh

    stamp = _stamp([*stamp_parts, [str(p) for p in paths], str(base)])
    if _fresh(home, stamp):
        return home
    shutil.rmtree(home, ignore_errors=True)
    if base is not None:
        shutil.copytree(base, home)
    home.mkdir(parents=True, exist_ok=True)
    log.info("building evaluation store %s from %d path(s)", home, len(paths))
    ingest_paths(paths, home, progress=True)
    refresh(home, progress=True)
    (home / STAMP).write_text(json.dumps({"stamp": stamp}))
    return home


def _excluded_concepts(questions: list[dict]) -> set[str]:
    """Concept ids (and everything narrower and broader, categories aside) that any question asks about:
    its gold concepts and the concepts its text names (Dutch and English)."""
    from ontology.vocabulary import broader_closure, load_concepts, narrower_closure
    from search.concepts import recognise

    known = load_concepts()
    asked: set[str] = set()
    for q in questions:
        answer = q.get("answer") or {}
        for key in ("instrument", "theme", "partner", "law", "instruments"):
            value = answer.get(key)
            asked.update([value] if isinstance(value, str) else value or [])
        for key in ("question_nl", "question_en"):
            if q.get(key):
                asked.update(c.id for c in recognise(q[key]) if c.type != "category")
    out: set[str] = set()
    for cid in asked & set(known):
        out |= {cid, *narrower_closure(cid)}
        out |= {b for b in broader_closure(cid) if known[b].type != "category"}
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def eligible_passages(passages: list[dict], questions: list[dict]) -> list[dict]:
    """Passages about topics no question asks about (no asked concept, no gold quote, enough text)."""
    from ontology.vocabulary import labels, load_concepts

    asked = _excluded_concepts(questions)
    known = load_concepts()
    words = sorted(
        {_norm(label) for cid in asked for label in labels(known[cid]) if len(label) >= 5}, key=len
    )
    quotes = [_norm(e["quote"]) for q in questions for e in q.get("evidence") or [] if e.get("quote")]
    out = []
    for p in passages:
        text = _norm(p.get("text"))
        if len(text) < 200:
            continue
        ids = {c.get("id") for c in p.get("concepts") or []} | set(p.get("themes") or [])
        if ids & asked or any(w in text for w in words):
            continue
        if any(q[:60] in text or text[:60] in q for q in quotes):
            continue
        out.append(p)
    return out


def distractor_documents(
    passages: list[dict], questions: list[dict], folder: Path, n: int = DISTRACTORS, seed: int = SEED
) -> list[Path]:
    """Write ``n`` synthetic documents (text + sidecar) of distractor municipalities into ``folder``."""
    from ontology.municipalities import load_municipalities

    pool = eligible_passages(passages, questions)
    if not pool:
        raise ValueError("no passages left to build distractors from")
    taken = {p.get("code") for p in passages}
    names = sorted({p["municipality"] for p in passages if p.get("municipality")}, key=len, reverse=True)
    candidates = [m for m in load_municipalities() if m.current and m.code not in taken]
    rng = random.Random(seed)
    chosen = rng.sample(candidates, min(n, len(candidates)))
    doc_types = sorted({p["doc_type"] for p in pool if p.get("doc_type")})
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    swap = re.compile(r"\b(" + "|".join(re.escape(x) for x in names) + r")") if names else None
    paths = []
    for muni in chosen:
        picked = rng.sample(pool, min(len(pool), rng.randint(4, 9)))
        start = rng.choice(range(2016, 2025))
        doc_type = rng.choice(doc_types)
        title = f"Veiligheid in {muni.name} {start}-{start + 3}"
        blocks = [title, ""]
        for i, p in enumerate(picked, start=1):
            text = swap.sub(muni.name, p["text"]) if swap else p["text"]
            heading = (p.get("section") or "").split(" > ")[-1].strip() or f"Onderdeel {i}"
            blocks += [f"{i}. {swap.sub(muni.name, heading) if swap else heading}", "", text, ""]
        stem = f"synthetic_{muni.code.lower()}_{start}"
        path = folder / f"{stem}.txt"
        path.write_text("\n".join(blocks), encoding="utf-8")
        meta = {
            "municipality": {"name": muni.name, "code": muni.code},
            "document_type": doc_type,
            "title": title,
            "period": {"start": start, "end": start + 3},
        }
        (folder / f"{stem}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def scale_store(
    base: Path,
    pool: Path,
    questions_files: list[Path],
    cache: Path,
    n: int = DISTRACTORS,
    seed: int = SEED,
) -> Path:
    """``base`` joined by ``n`` distractor municipalities built from the passages of the store ``pool``.

    The distractor documents are written once into ``cache`` and reused by every scale store.
    """
    questions = [
        q for f in questions_files for q in json.loads(Path(f).read_text(encoding="utf-8"))["questions"]
    ]
    source = (pool / STAMP).read_text() if (pool / STAMP).exists() else str(pool)
    docs = cache / f"distractors-{_stamp([n, seed, source, [str(f) for f in questions_files]])}"
    if not any(docs.glob("*.txt")):
        passages = json.loads((pool / "search" / "passages.json").read_text(encoding="utf-8"))
        distractor_documents(passages, questions, docs, n, seed)
    return ingest_store(cache / f"{base.name}+{n}", [docs], ["scale", docs.name], base=base)
