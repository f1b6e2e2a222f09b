"""A query worker process: ``python -m api.sparql.worker '<json settings>'``, started by ``pool``.

It holds a read-only store handle (reopened when the store's generation changes), reads jobs from
stdin and writes answers to stdout as length-prefixed pickles, one at a time. A query runs on a
thread with a large stack (``stack_mb``), so the depth limits of ``safety`` sit far below a stack
overflow. The data segment is limited (RLIMIT_DATA) as a backstop behind the pool's RSS watch. The
worker exits when its parent process is gone, even in the middle of a query.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import struct
import sys
import threading
import time
from typing import Any, BinaryIO

import pyoxigraph as ox

from api.sparql.description import PREFIXES as DESCRIPTION_PREFIXES
from api.sparql.description import service_description
from api.sparql.results import media_type, negotiate, write_boolean, write_graph, write_solutions

HEADER = struct.Struct("!Q")


def write_frame(stream: BinaryIO, message: Any) -> None:
    """One message: 8-byte length, then the pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    """The next message, or None at end of input."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def _dataset(job: dict[str, Any]) -> dict[str, Any]:
    """pyoxigraph's dataset arguments: request graphs first, else the union of all named graphs."""
    default, named = job.get("default_graphs"), job.get("named_graphs")
    if default is not None or named is not None:
        kwargs: dict[str, Any] = {"default_graph": [ox.NamedNode(g) for g in default or []]}
        if named is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named]
        return kwargs
    return {"use_default_graph_as_union": True} if job.get("union", True) else {}


def _answer(kind: str, key: str, body: bytes, truncated: bool = False) -> dict[str, Any]:
    return {"ok": True, "body": body, "media_type": media_type(kind, key), "truncated": truncated}


def execute(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """Run one job (a query or the service description) and serialise its capped answer."""
    accept, format_param, limit = job.get("accept"), job.get("format"), job.get("row_limit", 10_000)
    if job["op"] == "describe":
        triples = service_description(store, job["endpoint"], update_enabled=job["update_enabled"])
        key = negotiate("graph", accept, format_param)
        return _answer("graph", key, write_graph(triples, key, DESCRIPTION_PREFIXES))
    result = store.query(job["query"], **_dataset(job))
    if isinstance(result, ox.QueryBoolean):
        key = negotiate("ask", accept, format_param)
        return _answer("ask", key, write_boolean(bool(result), key))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows, truncated = [], False
        for solution in result:
            if len(rows) >= limit:
                truncated = True
                break
            rows.append([solution[i] for i in range(len(variables))])
        key = negotiate("select", accept, format_param)
        return _answer("select", key, write_solutions(variables, rows, key), truncated)
    triples, truncated = [], False
    for triple in result:
        if len(triples) >= limit:
            truncated = True
            break
        triples.append(triple)
    key = negotiate("graph", accept, format_param)
    return _answer("graph", key, write_graph(triples, key, job.get("prefixes")), truncated)


def serve(home: str, jobs: BinaryIO, answers: BinaryIO) -> None:
    """Answer jobs until stdin closes; user errors become error answers, never a dead worker."""
    from graph.store import GraphStore

    handle = GraphStore.open(home, read_only=True)
    write_frame(answers, {"ready": os.getpid()})
    while (job := read_frame(jobs)) is not None:
        try:
            if handle.is_stale():
                handle = GraphStore.open(home, read_only=True)
            answer = handle.read(lambda h=handle, j=job: execute(h.store, j))
        except SyntaxError as exc:
            answer = {"ok": False, "code": "syntax", "message": str(exc)}
        except MemoryError:
            write_frame(answers, {"ok": False, "code": "memory", "message": "out of memory"})
            os._exit(3)  # the heap may be in any state: let the pool start a fresh worker
        except (ValueError, TypeError, OSError, RuntimeError) as exc:
            answer = {"ok": False, "code": "error", "message": str(exc)}
        write_frame(answers, answer)


def _exit_with_parent(parent: int) -> None:
    """Stop at once when the server process is gone (a query in progress must not linger)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main(argv: list[str]) -> int:
    settings = json.loads(argv[1])
    answers = os.fdopen(os.dup(1), "wb")  # the protocol channel; stray prints go to stderr instead
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    data_mb = settings.get("data_limit_mb")
    if data_mb:
        limit = int(data_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    threading.Thread(target=_exit_with_parent, args=(settings["parent"],), daemon=True).start()
    threading.stack_size(int(settings.get("stack_mb", 64)) * 1024 * 1024)
    runner = threading.Thread(target=serve, args=(settings["home"], jobs, answers), name="sparql-query")
    runner.start()
    runner.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
