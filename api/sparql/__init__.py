"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only by default, isolated from the server.

Split by concern (this package imports nothing itself, so a query worker starts without FastAPI):

* ``protocol`` — FastAPI routes: GET/POST decoding, content negotiation headers, errors, updates.
* ``safety`` — a lexer-level check that runs in the server before anything reaches the engine:
  SERVICE/LOAD refused, nesting depth and token count bounded (400 ``sparql_too_complex``).
* ``pool`` — a pool of worker processes; each query runs in one, with a deadline and a memory
  ceiling. A crash, a timeout or a memory overrun costs one worker, which is replaced.
* ``worker`` — the worker process: a read-only store handle (reopened when the store's generation
  changes), the query, the row cap, the serialised answer.
* ``results`` — content negotiation and result writers (pyoxigraph's serialisers).
* ``description`` — the SPARQL Service Description of the endpoint.
"""
