"""OWL 2 RL closure: the ontology's once, then per document only what the document's triples add.

The ontology's own closure is computed once per ontology hash with the Rust reasoner `reasonable`
plus a generic property-chain pass (`reasonable` skips prp-spo2, owl:propertyChainAxiom, which the
ontology relies on: "a municipality has what its documents have", "narrower counts for broader").

A document is then reasoned incrementally (`graph.increment`): the OWL 2 RL instance rules are
instantiated once from the closed ontology (sub-classes, sub-properties, domains, ranges, inverses,
symmetric and transitive properties, chains, hasValue / someValuesFrom / allValuesFrom restrictions,
intersections and unions), and only the document's triples and what follows from them are pushed
through them, joined against the ontology closure. Documents do not entail things about each other,
so a document's inferences can be replaced with it. Ontologies or documents with constructs the
rules do not cover (equality, functional properties, keys, schema triples in a document) fall back to
the full closure of ontology ∪ document, so the result is the same either way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import reasonable
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from graph.increment import InstanceRules, compile_rules, forward, needs_full_closure
from graph.schema import ontology_graph, ontology_hash

log = logging.getLogger(__name__)

Triple = tuple  # (subject, predicate, object) rdflib terms
Chain = tuple[tuple[URIRef, ...], URIRef]  # (p1 … pn, super property)

# Entailments that say nothing (every resource is an owl:Thing, everything is the same as itself ...).
_REFLEXIVE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
_MAX_ROUNDS = 20


def property_chains(ontology: Graph) -> list[Chain]:
    """Every ``P owl:propertyChainAxiom (p1 … pn)`` in the ontology, with named properties only."""
    chains: list[Chain] = []
    for prop, _, head in ontology.triples((None, OWL.propertyChainAxiom, None)):
        steps = tuple(Collection(ontology, head))
        if isinstance(prop, URIRef) and steps and all(isinstance(s, URIRef) for s in steps):
            chains.append((steps, prop))
    return chains


def apply_chains(triples: set[Triple], chains: list[Chain]) -> set[Triple]:
    """prp-spo2 to fixpoint: the triples the chains add (not including ``triples`` themselves)."""
    if not chains:
        return set()
    by_pred: dict[URIRef, dict] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        by_pred[p][s].add(o)
    added: set[Triple] = set()
    frontier_changed = True
    while frontier_changed:
        frontier_changed = False
        for steps, sup in chains:
            first = by_pred.get(steps[0])
            if not first:
                continue
            for start, objs in list(first.items()):
                reach = set(objs)
                for step in steps[1:]:
                    index = by_pred.get(step)
                    if not index:
                        reach = set()
                        break
                    reach = {o for node in reach for o in index.get(node, ())}
                    if not reach:
                        break
                for end in reach:
                    if end not in by_pred[sup][start]:
                        by_pred[sup][start].add(end)
                        added.add((start, sup, end))
                        frontier_changed = True
    return added


def _is_trivial(triple: Triple) -> bool:
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p == RDF.type and o in (OWL.Thing, RDFS.Resource):
        return True
    return p in _REFLEXIVE and s == o


def _normalise(triples: Iterable[Triple]) -> set[Triple]:
    """reasonable returns plain literals as xsd:string-typed ones; rdflib treats those as different."""
    out = set()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def closure(base: Iterable[Triple], chains: list[Chain]) -> set[Triple]:
    """Full OWL 2 RL closure of ``base`` (reasonable + property chains to a common fixpoint)."""
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(base))
    result = _normalise(reasoner.reason())
    for _ in range(_MAX_ROUNDS):
        new = apply_chains(result, chains)
        if not new:
            return result
        reasoner.from_graph(list(new))
        result = _normalise(reasoner.reason())
    log.warning("property-chain reasoning did not reach a fixpoint in %d rounds", _MAX_ROUNDS)
    return result


@dataclass(frozen=True)
class OntologyClosure:
    digest: str
    triples: frozenset  # full closure of the ontology alone
    inferred: frozenset  # closure minus the asserted ontology, without trivial triples
    chains: tuple
    rules: InstanceRules  # the instance rules, instantiated from the closure


@lru_cache(maxsize=2)
def _ontology_closure(digest: str) -> OntologyClosure:
    ontology = ontology_graph()
    chains = property_chains(ontology)
    full = closure(ontology, chains)
    asserted = set(ontology)
    inferred = frozenset(t for t in full - asserted if not _is_trivial(t) and not _has_bnode(t))
    rules = compile_rules(full, ontology, chains)
    return OntologyClosure(digest, frozenset(full), inferred, tuple(chains), rules)


def ontology_closure() -> OntologyClosure:
    """The ontology's own closure, computed once per process (and again only if the files change)."""
    return _ontology_closure(ontology_hash())


def _has_bnode(triple: Triple) -> bool:
    return any(isinstance(term, BNode) for term in triple)


def infer_document(asserted: Graph) -> Graph:
    """Entailments of (ontology ∪ document) that are neither asserted nor entailed by the ontology alone."""
    onto = ontology_closure()
    document = set(asserted)
    if not onto.rules.complete or needs_full_closure(document):
        return infer_document_full(asserted)
    inferred = Graph(store="SimpleMemory")  # the plain store: adding is twice as fast, nothing else needed
    add = inferred.add
    for triple in forward(onto.rules, document):
        if not _is_trivial(triple) and not _has_bnode(triple):
            add(triple)
    return inferred


def infer_document_full(asserted: Graph) -> Graph:
    """The same entailments by the full closure of ontology ∪ document (reference and fallback path)."""
    onto = ontology_closure()
    base = set(onto.triples)
    base.update(asserted)
    full = closure(base, list(onto.chains))
    inferred = Graph()
    for triple in full:
        if triple in onto.triples or _is_trivial(triple) or _has_bnode(triple):
            continue
        if triple in asserted:
            continue
        inferred.add(triple)
    return inferred


def ontology_inferred_graph() -> Graph:
    """The entailments of the ontology alone (stored in the inferred/ontology named graph)."""
    graph = Graph()
    for triple in ontology_closure().inferred:
        graph.add(triple)
    return graph
