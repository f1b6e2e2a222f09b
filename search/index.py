"""The search index on disk: build, swap in, and keep it in step with the graph store.

``refresh`` reads every passage from the graph store together with the store's generation stamps
(one read-only snapshot), embeds the new passages (cache), writes the faiss index, the BM25 index and
the passage table into a build folder private to this writer, and swaps it in by replacing the
``<home>/search`` symlink in one rename, so a reader sees the old or the new index, whole. It runs
under the data folder's write lock (graph.writelock), which also makes the build folder private:
build folders left by a writer that died are removed by the next one.

The index records the generation it was built from (``meta.json``: ``graph_generation`` and the
generation of every document). ``sync_state`` compares that with the store; ``repair`` rebuilds the
index when they differ (after an ingest was killed between its graph commit and the index swap).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from graph import pause
from graph.errors import StoreBusy
from graph.writelock import describe, holder, write_lock
from search import update

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: passages.json a row per line, rows.json, documents.json, token counts (search.update)
LIVE = "search"
BUILD_PREFIX = "search.tmp-"  # unfinished builds
VERSION_PREFIX = "search.v"  # finished builds; the live one is the target of the ``search`` link


def search_dir(home: Path) -> Path:
    """The live index folder (a symlink to the current build; a plain folder in older data folders)."""
    return Path(home) / LIVE


def index_meta(home: Path) -> dict | None:
    """``meta.json`` of the live index, or None when there is no index."""
    try:
        return json.loads((search_dir(home) / "meta.json").read_text())
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None


# --------------------------------------------------------------------------- building


def build_index(
    passages: list[dict],
    dest: Path,
    *,
    model: str | None = None,
    cache: Path | None = None,
    progress: bool = False,
    index_kind: str | None = None,
    vectors: np.ndarray | None = None,
    stamps: dict | None = None,
) -> dict:
    """Write the index files for ``passages`` into ``dest`` (a fresh folder); returns build statistics.

    ``stamps`` (graph_generation, doc_generations) says which state of the graph the passages are from.
    """
    from search import vector_index  # heavy imports only where an index is built (stats stays quick)
    from search.embed import embed_passages_with_stats, passage_text
    from search.lexical import LexicalIndex
    from search.model import configured_model, configured_runtime
    from search.update import facts_of_rows, row_line, write_row_files, write_table

    started = time.perf_counter()
    name = configured_model(model)
    runtime = configured_runtime()
    dest.mkdir(parents=True, exist_ok=True)
    texts = [passage_text(p) for p in passages]
    if vectors is None:
        vectors, computed = embed_passages_with_stats(
            texts, name, cache=cache, progress=progress, runtime=runtime
        )
    else:  # precomputed (benchmarks)
        vectors, computed = np.asarray(vectors, dtype=np.float32), 0
    pause.stage("embedding")
    t_embed = time.perf_counter() - started
    index = vector_index.build(vectors, kind=index_kind)
    vector_index.save_dense(vector_index.Dense(index), dest)
    np.save(dest / "vectors.npy", vectors)
    from search.lemma_index import LemmaIndex
    from search.lexical import tokenize

    lemmas = LemmaIndex.build([tokenize(t) for t in texts])  # what each passage states, for the answer
    lemmas.save(dest / "lemmas")
    LexicalIndex.from_lemmas(lemmas).save(dest / "bm25")
    write_table([row_line(p) for p in passages], dest / "passages.json")
    write_row_files(
        dest, [p["passage"] for p in passages], [p["doc_id"] for p in passages], facts_of_rows(passages)
    )
    stats = index_meta_for(
        passages=len(passages),
        documents=len({p["doc_id"] for p in passages}),
        embedded=computed,
        model=name,
        runtime=runtime,
        kind=vector_index.kind_of(index),
        dimension=int(vectors.shape[1]) if vectors.ndim == 2 else 0,
        embed_seconds=t_embed,
        started=started,
        stamps=stamps,
    )
    (dest / "meta.json").write_text(json.dumps(stats, indent=2))
    return stats


def index_meta_for(
    *,
    passages: int,
    documents: int,
    embedded: int,
    model: str,
    runtime: str,
    kind: str,
    dimension: int,
    embed_seconds: float,
    started: float,
    stamps: dict | None,
) -> dict:
    """``meta.json`` of a finished build or update: what it holds, how it was made, and which state of
    the graph it is from (``stamps``: graph_generation, doc_generations)."""
    from search.model import model_key

    return {
        "passages": passages,
        "embedded": embedded,
        "cached": passages - embedded,
        "model": model,
        "runtime": runtime,
        "model_key": model_key(model, runtime),
        "index": kind,
        "dimension": dimension,
        "documents": documents,
        "format": FORMAT_VERSION,
        "embed_seconds": round(embed_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "graph_generation": (stamps or {}).get("graph_generation"),
        "doc_generations": (stamps or {}).get("doc_generations", {}),
    }


def swap_in(built: Path, live: Path) -> None:
    """Make ``live`` point at ``built`` with one rename of a symlink (readers see old or new, whole).

    ``built`` must be a sibling of ``live``. The folder ``live`` pointed at before is removed; an
    older data folder whose ``live`` is a plain folder is converted (one short moment without index).
    """
    link = live.with_name(f".{live.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(built.name, link)
    previous: Path | None = None
    if live.is_symlink():
        previous = live.resolve()
    elif live.exists():
        previous = live.with_name(f"{live.name}.legacy-{os.getpid()}")
        live.rename(previous)
    os.replace(link, live)
    if previous is not None and previous.resolve() != built.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def _clean_stale(home: Path) -> None:
    """Remove build folders and links no live index uses (called under the write lock only)."""
    live = search_dir(home)
    current = live.resolve() if live.is_symlink() else None
    for entry in home.iterdir():
        name = entry.name
        stale = name.startswith((BUILD_PREFIX, f".{LIVE}.link-", f"{LIVE}.legacy-")) or name in (
            "search.tmp",
            "search.old",
        )
        stale = stale or (name.startswith(VERSION_PREFIX) and entry.resolve() != current)
        if not stale:
            continue
        log.info("removing %s left by an interrupted index build", entry)
        if entry.is_symlink() or entry.is_file():
            entry.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _document_facts(store) -> dict[str, dict]:
    """doc_id → the document facts the answer decides on (search/decide.py), kept with each passage."""
    from graph.priorities import priority_themes
    from graph.validity import document_validity

    validity, priorities = document_validity(store), priority_themes(store)
    return {
        d: {"validity": validity.get(d), "priority_themes": priorities.get(d, [])}
        for d in store.document_ids()
    }


def _read_graph(
    home: Path, model: str | None, full: bool
) -> tuple[list[dict], dict, update.Plan | None, dict]:
    """From one read-only snapshot of the store: the generation stamps, the plan of an update of the
    live index (None: build anew, then every passage is read) and the passages to index."""
    from graph import queries
    from graph.store import GraphStore

    live = search_dir(home)
    with GraphStore.open(home, read_only=True) as store:
        stamps = {
            "graph_generation": store.generation_number(),
            "doc_generations": store.document_generations(),
        }
        folder = live.resolve() if live.exists() else None
        todo, why = (
            (None, "asked for")
            if full
            else update.plan(folder, index_meta(home), stamps, store.shared_generation(), model)
        )
        if todo is None:
            log.info("search index: building it anew (%s)", why)
        facts = _document_facts(store)
        if todo is not None:
            rows = [row for doc_id in todo.changed for row in queries.passages(store, doc_id)]
        else:
            rows = queries.passages(store)
            for row in rows:
                row.update(facts.get(row["doc_id"]) or update.no_facts())
        return rows, stamps, todo, facts


def refresh(
    home: Path,
    progress: bool = True,
    *,
    passages: list[dict] | None = None,
    model: str | None = None,
    wait: bool = True,
    purpose: str = "reindex",
    full: bool = False,
) -> dict:
    """Bring ``<home>/search`` in step with the graph store (or build it from ``passages``), embedding
    only new text: an update of the changed documents when the live index allows one (search.update),
    else (or with ``full``) a build from every passage.

    Holds the write lock of ``home`` throughout (``wait=False``: StoreBusy when another writer has it).
    """
    from search.embed import cache_path

    home = Path(home)
    with write_lock(home, purpose, wait=wait):
        _clean_stale(home)
        todo = None
        if passages is None:
            rows, stamps, todo, facts = _read_graph(home, model, full)
        else:
            rows, stamps = passages, None
        build = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=home))
        build.chmod(0o755)  # private by its name and the lock; readable like the rest of the folder
        try:
            if todo is not None:
                try:
                    stats = update.update_index(
                        search_dir(home).resolve(),
                        build,
                        rows,
                        facts,
                        todo,
                        cache=cache_path(home),
                        progress=progress,
                        stamps=stamps,
                        model=model,
                    )
                except update.UNREADABLE as exc:  # the live index's files: build anew from the graph
                    log.warning("search index: cannot update the live index (%s); building it anew", exc)
                    shutil.rmtree(build, ignore_errors=True)
                    build.mkdir(mode=0o755)
                    rows, stamps, todo, facts = _read_graph(home, model, True)
            if todo is None:
                rows = sorted(rows, key=lambda p: p["passage"])
                stats = build_index(
                    rows, build, model=model, cache=cache_path(home), progress=progress, stamps=stamps
                )
            pause.stage("index-build")
            generation = (stamps or {}).get("graph_generation")
            final = Path(tempfile.mkdtemp(prefix=f"{VERSION_PREFIX}{generation or 0}-", dir=home))
            final.rmdir()
            build.rename(final)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        swap_in(final, search_dir(home))
        pause.stage("swapped")
    if todo is not None:
        step = stats["update"]
        log.info(
            "search index: %d passages, %s, updated for %s (%d passages new, %d of them embedded; "
            "%d carried over)",
            stats["passages"],
            stats["index"],
            _plural(len(todo.changed) + len(todo.gone), "document"),
            step["passages_added"],
            stats["embedded"],
            step["passages_kept"],
        )
    else:
        log.info(
            "search index: %d passages (%d embedded, %d cached), %s",
            stats["passages"],
            stats["embedded"],
            stats["cached"],
            stats["index"],
        )
    return stats


# --------------------------------------------------------------------------- graph and index in step


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _outdated_runtime(meta: dict | None) -> str | None:
    """The index's model key when its runtime now makes different vectors (queries would not match)."""
    from search.model import RUNTIMES, model_key

    if not meta or not meta.get("model_key") or meta.get("runtime") not in RUNTIMES:
        return None
    try:
        current = model_key(meta.get("model"), meta["runtime"])
    except ValueError:  # the index's model is no longer available here; searching will say so
        return None
    return None if current == meta["model_key"] else meta["model_key"]


def sync_state(home: Path, store) -> dict:
    """Whether the search index matches the graph ``store`` (a GraphStore of ``home``).

    ``state`` is ``in_sync``, ``behind`` (``documents_behind`` documents differ; 0 when only reference
    data or a SPARQL update changed the graph), ``writing`` (another process holds the write lock, so
    a difference is expected) or ``repairing`` (that process is rebuilding the index).
    """
    graph_gen = store.generation_number()
    docs = store.document_generations()
    meta = index_meta(home)
    indexed = dict((meta or {}).get("doc_generations") or {})
    differ = sorted(d for d, g in docs.items() if indexed.get(d) != g)
    gone = sorted(d for d in indexed if d not in docs)
    outdated = _outdated_runtime(meta)
    if meta is None:
        in_sync = not docs
    else:
        in_sync = meta.get("graph_generation") == graph_gen and not differ and not gone and not outdated
    writer = holder(home)
    if writer is not None and writer.get("self"):
        writer = None  # this process: its own write is in progress, not someone else's
    n = len(differ) + len(gone)
    if in_sync:
        state, message = "in_sync", "search index matches the graph"
    elif writer is not None and writer.get("purpose") in ("repair", "reindex"):
        state = "repairing"
        message = f"the search index is being rebuilt from the graph ({describe(writer)})"
    elif writer is not None:
        state = "writing"
        message = f"another process is writing ({describe(writer)}); the search index follows when it ends"
    elif outdated:
        state = "behind"
        message = (
            f"the search index was built by an older embedding runtime ({outdated}); the next ingest, "
            "remove, search or server start rebuilds it, or run `beleidsgraaf reindex`"
        )
    else:
        state = "behind"
        what = (
            f"by {_plural(n, 'document')}"
            if n
            else "(reference data or a SPARQL update changed the graph since it was built)"
        )
        message = (
            f"the search index is behind the graph {what}; the next ingest, remove, search or server "
            "start repairs it, or run `beleidsgraaf reindex`"
        )
    return {
        "state": state,
        "in_sync": in_sync,
        "graph_generation": graph_gen,
        "search_generation": (meta or {}).get("graph_generation"),
        "documents_behind": n,
        "documents": {"graph": len(docs), "search": len(indexed) if meta else 0},
        "differing": (differ + gone)[:20],
        "writer": {k: v for k, v in writer.items() if k in ("pid", "purpose", "since")} if writer else None,
        "message": message,
    }


def check(home: Path) -> dict:
    """:func:`sync_state` of ``home`` through a short-lived read-only handle."""
    from graph.store import GraphStore

    with GraphStore.open(home, read_only=True) as store:
        return sync_state(home, store)


def repair(home: Path, progress: bool = True, *, wait: bool = False) -> dict | None:
    """Rebuild the search index when it does not match the graph; None when nothing was to do.

    Without ``wait``, a store another process is writing is left alone (that writer rebuilds the
    index when it finishes; a repair would only wait for it).
    """
    home = Path(home)
    state = check(home)
    if state["in_sync"]:
        return None
    if state["state"] in ("writing", "repairing") and not wait:
        log.info("%s", state["message"])
        return None
    try:
        with write_lock(home, "repair", wait=wait):
            state = check(home)  # another process may have repaired it while we waited
            if state["in_sync"]:
                return None
            log.warning(
                "the search index is behind the graph (%s); rebuilding it from the graph",
                _plural(state["documents_behind"], "document"),
            )
            return refresh(home, progress=progress, purpose="repair")
    except StoreBusy as exc:  # a writer started in between; it rebuilds the index when it ends
        log.info("%s", exc)
        return None


def store_stats(home: Path, store) -> dict:
    """What the store holds (graph.queries.stats) and whether the search index is in step with it."""
    from graph.queries import stats

    return {**stats(store), "search": sync_state(home, store)}
