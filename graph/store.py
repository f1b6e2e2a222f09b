"""The persisted graph: a pyoxigraph (RocksDB) store on disk at ``<home>/store`` with named graphs.

Concurrency (pyoxigraph 0.5 has no secondary instances): a read-write open first takes the data
folder's write lock (graph.writelock: one writer for graph and search index together; a second
writer waits or, with ``wait=False``, gets :class:`StoreBusy`), then RocksDB's own lock.

Readers (the HTTP server, query commands) never open the live store beside a writer: RocksDB opens
table files lazily and the writer's compactions delete files, so a reader meets "IO error: No such
file" and, inside a SPARQL evaluation, pyoxigraph 0.5.13 can keep yielding that error until the
process runs out of memory (measured: 2 GiB allocations failing in ``spareval`` under a 6 GB
limit). Every committed write therefore publishes a RocksDB checkpoint (``Store.backup``: hard links
of the immutable table files, a few milliseconds) as ``<home>/snapshots/<stamp>`` and then writes
``<stamp>`` to ``<home>/store.generation``. A read-only open takes the snapshot the marker names;
nothing ever writes into it. A long-running reader compares :func:`store_generation` with the value
it opened at and reopens when it changed. Superseded snapshots are deleted once they have been
superseded for :data:`SNAPSHOT_GRACE_SECONDS` (readers reopen long before that).

Writes are atomic per document: both named graphs of a document are replaced by one SPARQL
update, which pyoxigraph applies as a single transaction. The same update advances the store's
generation number and records it for the document: bookkeeping triples ``<…/store#store>`` /
``<graph IRI> <…/store#generation> n`` in the store's default graph, in no named graph (so exports and
``GRAPH ?g`` queries skip them; a query over the union default graph sees them). The search index records
the generation it was built from, so a write that was interrupted before the index caught up is
visible as a difference (search.index.sync_state) and repaired from the graph.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCTERMS

from graph.errors import QueryError, StoreBusy
from graph.namespaces import (
    ASSERTED_PREFIX,
    INFERRED_ONTOLOGY_GRAPH,
    INFERRED_PREFIX,
    MUNICIPALITIES_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    asserted_graph,
    inferred_graph,
)
from graph.writelock import WriteLock

log = logging.getLogger(__name__)
T = TypeVar("T")

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
        "gYear",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_VERSION = str(DCTERMS.hasVersion)
# Bookkeeping in the store's default graph (in no named graph), advanced by every write.
_STATE = "https://w3id.org/beleidsgraaf/store#"
STORE_NODE = _STATE + "store"
GENERATION = _STATE + "generation"
# The generation of the last write that was not one document's (ontology, reference data, a SPARQL
# update): a search index built at or after it can be brought up to date document by document.
SHARED = _STATE + "shared"


def resolve_home(home: Path | None = None) -> Path:
    """The data folder: explicit argument, else $BELEIDSGRAAF_HOME, else ./.beleidsgraaf."""
    if home is not None:
        return Path(home)
    env = os.environ.get("BELEIDSGRAAF_HOME")
    return Path(env) if env else Path.cwd() / ".beleidsgraaf"


def store_path(home: Path) -> Path:
    return Path(home) / "store"


def store_generation(home: Path) -> str:
    """Changes after every committed write; readers reopen when it differs from what they saw."""
    marker = Path(home) / "store.generation"
    return marker.read_text().strip() if marker.exists() else ""


SNAPSHOT_GRACE_SECONDS = 60.0  # beyond the SPARQL time limit (30 s); bounds the disk old snapshots pin


def snapshots_path(home: Path) -> Path:
    return Path(home) / "snapshots"


def snapshot_path(home: Path, generation: str) -> Path | None:
    """The published snapshot of ``generation``, or None (a data folder from before snapshots)."""
    if not generation.isdigit():
        return None
    path = snapshots_path(home) / generation
    return path if path.is_dir() else None


def to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain JSON-ready value (IRIs and strings as str, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        value = term.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(value)
            if datatype in _FLOAT_TYPES:
                return float(value)
            if datatype == XSD + "boolean":
                return value in ("true", "1")
        except ValueError:
            return value
        return value
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def graph_to_ntriples(graph: Graph) -> str:
    """N-Triples text, which is also valid inside SPARQL INSERT DATA."""
    return graph.serialize(format="nt")


class GraphStore:
    """Named-graph store of ontology, municipalities and per-document asserted/inferred triples."""

    def __init__(self, store: ox.Store, home: Path, read_only: bool, lock: WriteLock | None = None) -> None:
        self.store = store
        self.home = Path(home)
        self.read_only = read_only
        self.generation = store_generation(home)
        self._lock = lock
        self._opened = time.monotonic()

    @classmethod
    def open(
        cls, home: Path, read_only: bool = False, *, wait: bool = True, purpose: str = "write"
    ) -> GraphStore:
        """Open (creating it when writing) the store under ``home``.

        A writable open holds the data folder's write lock until :meth:`close` (re-entrant: a caller
        that already holds it, like ``ingest`` around graph and index, keeps it). A read-only open of
        a store that does not exist yet creates an empty one first, so queries on a fresh data folder
        answer "nothing" rather than failing.
        """
        path = store_path(home)
        if read_only and not path.exists():
            path.mkdir(parents=True, exist_ok=True)
            try:
                ox.Store(str(path)).flush()
            except OSError:
                pass  # someone else is creating it right now
        if read_only:
            store, generation = _open_read_only(Path(home))
            opened = cls(store, home, True)
            opened.generation = generation
            return opened
        lock = WriteLock(home, purpose, wait=wait)
        lock.acquire()
        try:
            path.mkdir(parents=True, exist_ok=True)
            try:
                store = ox.Store(str(path))
            except OSError as exc:
                if "lock" in str(exc).lower():
                    raise StoreBusy(
                        f"the graph store at {path} is open for writing elsewhere; "
                        "try again when that has finished"
                    ) from exc
                raise
        except BaseException:
            lock.release()
            raise
        opened = cls(store, home, False, lock)
        opened._bump()  # a writer killed after its commit may not have told readers
        return opened

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.store is None:
            return
        try:
            if not self.read_only:
                self.store.flush()
        finally:
            self.store = None  # RocksDB closes when the object is dropped
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def is_stale(self) -> bool:
        """True when another process has written since this (read-only) handle was opened."""
        return store_generation(self.home) != self.generation

    def _bump(self) -> None:
        """Publish the committed state as a new snapshot, then point readers at it (new, then swap)."""
        stamp = str(time.time_ns())
        folder = snapshots_path(self.home)
        folder.mkdir(exist_ok=True)
        self.store.backup(str(folder / stamp))  # flushes, then hard-links the table files
        marker = self.home / "store.generation"
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(f"{stamp}\n")
        tmp.replace(marker)
        self.generation = stamp
        _drop_superseded(folder, stamp, time.time_ns())

    # -- generations -----------------------------------------------------------------------------

    def generation_number(self) -> int:
        """How many writes the store has committed (0 for a store written before stamps existed).

        The highest stamp counts: a new document's write adds the next number before the older one
        is deleted (see :meth:`_insert_new_document`), and a process killed in between leaves both.
        """
        pattern = (ox.NamedNode(STORE_NODE), ox.NamedNode(GENERATION), None, ox.DefaultGraph())
        numbers = self.read(lambda: [int(q.object.value) for q in self.store.quads_for_pattern(*pattern)])
        return max(numbers, default=0)

    def document_generations(self) -> dict[str, int]:
        """doc_id → generation of the write that last replaced it, for every document in the store.

        A document stored before stamps existed gets 0.
        """
        pattern = (None, ox.NamedNode(GENERATION), None, ox.DefaultGraph())
        quads = self.read(lambda: list(self.store.quads_for_pattern(*pattern)))
        stamps = {
            quad.subject.value[len(ASSERTED_PREFIX) :]: int(quad.object.value)
            for quad in quads
            if quad.subject.value.startswith(ASSERTED_PREFIX)
        }
        return {doc_id: stamps.get(doc_id, 0) for doc_id in self.document_ids()}

    def shared_generation(self) -> int | None:
        """The generation of the last write that changed more than documents (ontology, reference
        data, a SPARQL update), or at or after it; None in a store written before this was recorded.

        Every such write records its own number. A document write in a store without the record adds
        the number before it, which is true then: anything shared was written before it."""
        pattern = (ox.NamedNode(STORE_NODE), ox.NamedNode(SHARED), None, ox.DefaultGraph())
        numbers = self.read(lambda: [int(q.object.value) for q in self.store.quads_for_pattern(*pattern)])
        return max(numbers, default=None)

    def _stamp(self, doc_graphs: tuple[str, ...] = (), dropped: tuple[str, ...] = ()) -> str:
        """SPARQL update operations that advance the generation (and stamp or unstamp documents)."""
        number = self.generation_number() + 1
        gen, shared = f"<{GENERATION}>", f"<{SHARED}>"
        ops = [f"DELETE WHERE {{ <{STORE_NODE}> {gen} ?g }}"]
        ops += [f"DELETE WHERE {{ <{iri}> {gen} ?g }}" for iri in (*doc_graphs, *dropped)]
        data = "".join(f"<{iri}> {gen} {number} .\n" for iri in (STORE_NODE, *doc_graphs))
        if not doc_graphs and not dropped:  # not one document's write: ontology, reference data, SPARQL
            ops.append(f"DELETE WHERE {{ <{STORE_NODE}> {shared} ?s }}")
            data += f"<{STORE_NODE}> {shared} {number} .\n"
        elif self.shared_generation() is None:
            data += f"<{STORE_NODE}> {shared} {number - 1} .\n"
        ops.append(f"INSERT DATA {{\n{data}}}")
        return " ;\n".join(ops)

    # -- writing ---------------------------------------------------------------------------------

    def _replace_graphs(self, graphs: dict[str, Graph], stamp_docs: tuple[str, ...] = ()) -> None:
        drops = "".join(f"DROP SILENT GRAPH <{iri}> ;\n" for iri in graphs)
        inserts = "".join(f"GRAPH <{iri}> {{\n{graph_to_ntriples(g)}}}\n" for iri, g in graphs.items())
        self.store.update(f"{drops}INSERT DATA {{\n{inserts}}} ;\n{self._stamp(stamp_docs)}")
        self._bump()

    def replace_document(self, doc_id: str, asserted: Graph, inferred: Graph) -> None:
        """Replace both named graphs of a document in one transaction (old triples never linger)."""
        graphs = {asserted_graph(doc_id): asserted, inferred_graph(doc_id): inferred}
        if any(self.store.contains_named_graph(ox.NamedNode(iri)) for iri in graphs):
            self._replace_graphs(graphs, stamp_docs=(asserted_graph(doc_id),))
        else:
            self._insert_new_document(graphs, asserted_graph(doc_id))

    def _insert_new_document(self, graphs: dict[str, Graph], stamp_graph: str) -> None:
        """Add a document that is not in the store yet: its quads and stamps in one transaction.

        Why not the SPARQL update: there is nothing to drop, and ``Store.extend`` of ready-made
        quads skips writing N-Triples text and parsing it again (the store step of a country-size
        ingest). The document's quads, its stamp and the next store generation are one
        ``extend``, so a reader sees all of them or none; the previous generation stamp is deleted
        afterwards (until then :meth:`generation_number` takes the highest).
        """
        from graph.convert import graph_to_quads

        number = self.generation_number() + 1
        gen, stamp = ox.NamedNode(GENERATION), ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
        quads = [quad for iri, graph in graphs.items() for quad in graph_to_quads(graph, iri)]
        quads += [
            ox.Quad(ox.NamedNode(iri), gen, stamp, ox.DefaultGraph()) for iri in (STORE_NODE, stamp_graph)
        ]
        if self.shared_generation() is None:
            before = ox.Literal(str(number - 1), datatype=ox.NamedNode(XSD + "integer"))
            quads.append(ox.Quad(ox.NamedNode(STORE_NODE), ox.NamedNode(SHARED), before, ox.DefaultGraph()))
        self.store.extend(quads)
        old = f"<{STORE_NODE}> <{GENERATION}> ?g"
        self.store.update(f"DELETE {{ {old} }} WHERE {{ {old} FILTER(?g < {number}) }}")
        self._bump()

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (one transaction) and mark the store as changed for readers."""
        self.store.update(f"{sparql.rstrip().rstrip(';')}\n;\n{self._stamp()}")
        self._bump()

    def remove_document(self, doc_id: str) -> bool:
        """Drop a document's graphs; False when it was not in the store."""
        present = doc_id in self.document_ids()
        self.store.update(
            f"DROP SILENT GRAPH <{asserted_graph(doc_id)}> ; DROP SILENT GRAPH <{inferred_graph(doc_id)}> ;\n"
            + self._stamp(dropped=(asserted_graph(doc_id),))
        )
        self._bump()
        return present

    def _stored_version(self, graph_iri: str) -> str | None:
        rows = self.store.query(
            f"SELECT ?v WHERE {{ GRAPH <{graph_iri}> {{ <{graph_iri}> <{_VERSION}> ?v }} }}"
        )
        for row in rows:
            return row["v"].value
        return None

    def ensure_ontology(self) -> bool:
        """Load ontology (+ its closure) and municipalities when their source files changed.

        The content hash of the source files is stored as ``<graph> dcterms:hasVersion "<sha256>"``
        inside each graph. Returns True when the ontology itself changed (document inferences are
        then stale and should be recomputed, see graph.build.refresh_inferences).
        """
        from graph.reason import ontology_inferred_graph
        from graph.schema import municipalities_graph, municipalities_hash, ontology_graph, ontology_hash

        changed = False
        digest = ontology_hash()
        if self._stored_version(ONTOLOGY_GRAPH) != digest:
            log.info("loading the ontology into the store (hash %s)", digest[:12])
            onto = _with_version(ontology_graph(), ONTOLOGY_GRAPH, digest)
            self._replace_graphs({ONTOLOGY_GRAPH: onto, INFERRED_ONTOLOGY_GRAPH: ontology_inferred_graph()})
            changed = True
        digest = municipalities_hash()
        if self._stored_version(MUNICIPALITIES_GRAPH) != digest:
            log.info("loading municipality reference data into the store")
            reference = _with_version(municipalities_graph(), MUNICIPALITIES_GRAPH, digest)
            self._replace_graphs({MUNICIPALITIES_GRAPH: reference})
        return changed

    # -- reading ---------------------------------------------------------------------------------

    def query(self, sparql: str, **kwargs: Any) -> Any:
        """Raw pyoxigraph result; the default graph is the union of all named graphs."""
        kwargs.setdefault("use_default_graph_as_union", True)
        return self.store.query(sparql, **kwargs)

    def select(
        self,
        sparql: str,
        timeout: float | None = None,
        limit: int | None = None,
        substitutions: dict[str, Any] | None = None,
        graphs: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of plain Python values (unbound variables are None).

        ``substitutions`` binds variables to pyoxigraph terms (safe parameter binding, SEP-0007);
        bound variables must appear in the SELECT clause. The prefixes of graph.namespaces.PREFIXES
        are predeclared (a query's own PREFIX lines take precedence).
        ``graphs``: the named graphs that form the default graph (else the union of all). A question
        about one document names its graphs: pyoxigraph then reads those graphs only, where over the
        union some patterns (a type, an OPTIONAL) are matched across the whole store first.
        ``timeout`` is checked between solutions: a query that streams results is stopped, one
        that computes a large aggregate before its first row cannot be interrupted.
        """
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()} or None
        try:
            return self.read(lambda: self._select(sparql, subs, timeout, limit, graphs))
        except RuntimeError as exc:
            raise QueryError(str(exc)) from exc

    def _select(
        self,
        sparql: str,
        subs: Any,
        timeout: float | None,
        limit: int | None,
        graphs: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        started = time.monotonic()
        scope: dict[str, Any] = {}
        if graphs is not None:
            scope = {"default_graph": [ox.NamedNode(g) for g in graphs], "use_default_graph_as_union": False}
        try:
            solutions = self.query(sparql, substitutions=subs, prefixes=PREFIXES, **scope)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in solutions.variables]
        rows: list[dict[str, Any]] = []
        for solution in solutions:
            rows.append({name: to_python(solution[name]) for name in names})
            if limit is not None and len(rows) >= limit:
                break
            if timeout is not None and time.monotonic() - started > timeout:
                raise QueryError(f"query took longer than {timeout:g} s")
        return rows

    def reopen(self) -> None:
        """Re-open a read-only handle on the current state of the store."""
        if self.read_only:
            self.store, self.generation = _open_read_only(self.home)
            self._opened = time.monotonic()

    def _ageing(self) -> bool:
        """A read-only handle whose snapshot a newer one superseded and that was opened more than half
        the grace period ago: its snapshot may be deleted during the next query. Reopened first,
        because a query that meets vanished files does not always fail (measured at country size: a
        document query on a deleted snapshot ran for minutes instead of raising an IO error)."""
        if time.monotonic() - self._opened < SNAPSHOT_GRACE_SECONDS / 2:
            return False
        return self.is_stale()

    def read(self, fn: Callable[[], T], attempts: int = 4) -> T:
        """``fn()``, run again on a reopened handle when files vanished under it; a read-only handle on
        a snapshot that was superseded a while ago is reopened before (see ``_ageing``).

        The fallback behind snapshots: a data folder from before snapshots is read live beside a
        writer, and a reader stuck past the grace period can see its snapshot deleted ("IO error: No
        such file", "Corruption"). Reopening takes the newest snapshot. ``fn`` must consume its
        results before returning (no lazy iterator may escape), so a retry starts afresh. A writable
        handle never retries: its own files do not move under it.
        """
        if self.read_only and self._ageing():
            self.reopen()
        for attempt in range(attempts):
            try:
                return fn()
            except (OSError, RuntimeError) as exc:
                if not (self.read_only and _is_io_error(exc)) or attempt == attempts - 1:
                    raise
                log.info("store files changed under a read-only handle (%s); reopening", exc)
                time.sleep(0.02 * 2**attempt)
                self.reopen()
        raise AssertionError("unreachable")

    def document_ids(self) -> list[str]:
        """doc_ids with an asserted graph in the store, sorted."""
        iris = self.read(lambda: [graph.value for graph in self.store.named_graphs()])
        return sorted(iri[len(ASSERTED_PREFIX) :] for iri in iris if iri.startswith(ASSERTED_PREFIX))

    def graph_triples(self, graph_iri: str) -> list[ox.Quad]:
        return self.read(
            lambda: list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))
        )

    def triple_counts(self) -> dict[str, int]:
        """Quads per kind of graph: asserted (documents), inferred (documents), ontology (+ closure)."""
        sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        rows = self.read(lambda: list(self.store.query(sparql)))
        counts = {"asserted": 0, "inferred": 0, "ontology": 0, "municipalities": 0}
        for row in rows:
            iri, n = row["g"].value, int(row["n"].value)
            if iri in (ONTOLOGY_GRAPH, INFERRED_ONTOLOGY_GRAPH):
                counts["ontology"] += n
            elif iri == MUNICIPALITIES_GRAPH:
                counts["municipalities"] += n
            elif iri.startswith(ASSERTED_PREFIX):
                counts["asserted"] += n
            elif iri.startswith(INFERRED_PREFIX):
                counts["inferred"] += n
        return counts

    def export_graph(self, graph_iri: str) -> Graph:
        """One named graph as an rdflib Graph (for reasoning again, export and validation)."""
        from graph.convert import quads_to_graph

        return quads_to_graph(self.graph_triples(graph_iri))


def _is_io_error(exc: Exception) -> bool:
    text = str(exc)
    return "IO error" in text or "Corruption" in text or "No such file" in text


def _open_read_only(home: Path, attempts: int = 6) -> tuple[ox.Store, str]:
    """Open the published snapshot the marker names, with the generation it belongs to.

    A data folder written before snapshots existed has none: its live store is opened instead,
    retrying while a concurrent writer compacts files away (pyoxigraph documents reading beside a
    writer as undefined; RocksDB can report "Corruption ... No such file"). A snapshot deleted
    between reading the marker and opening it is retried the same way with the new marker.
    """
    for attempt in range(attempts):
        generation = store_generation(home)
        path = snapshot_path(home, generation) or store_path(home)
        try:
            opened = ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if attempt == attempts - 1:
                raise
            log.debug("read-only open of %s failed (%s); retrying", path, exc)
            time.sleep(0.05 * 2**attempt)
            continue
        # Readers clean up too: a writer only drops what its next publish has superseded for the grace
        # period, so after a long ingest the last minute's snapshots would stay until the next write.
        try:
            _drop_superseded(snapshots_path(home), generation, time.time_ns())
        except OSError as exc:  # a read-only data folder, or no snapshots: nothing to clean
            log.debug("could not drop superseded snapshots in %s: %s", home, exc)
        return opened, generation
    raise AssertionError("unreachable")


def _drop_superseded(folder: Path, current: str, now_ns: int) -> None:
    """Delete snapshots superseded for longer than the grace period; never the current one.

    A snapshot's supersession time is the stamp of the next newer one (stamps are time_ns). Readers
    reopen on every request once the marker changed, so only a reader stuck in one request for the
    whole grace period can meet a vanished file, and that read reopens (see :meth:`GraphStore.read`).
    """
    stamps = sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())
    grace_ns = int(SNAPSHOT_GRACE_SECONDS * 1e9)
    for older, newer in zip(stamps, stamps[1:], strict=False):
        if str(older) != current and now_ns - newer > grace_ns:
            shutil.rmtree(folder / str(older), ignore_errors=True)


def _with_version(graph: Graph, graph_iri: str, digest: str) -> Graph:
    from rdflib import Literal, URIRef

    out = Graph()
    out += graph
    out.add((URIRef(graph_iri), DCTERMS.hasVersion, Literal(digest)))
    return out
