"""Incremental OWL 2 RL: push one document's triples through rules instantiated from a closed ontology.

Why: reasoning each document together with the whole ontology closure again costs seconds per
document; what a document adds follows from its own triples joined with the (already closed)
ontology. The rules here are the OWL 2 RL instance rules (cax-sco, prp-spo1, prp-dom, prp-rng,
prp-inv1/2, prp-symp, prp-trp, prp-spo2, cls-hv1/2, cls-svf1/2, cls-avf, cls-int1/2, cls-uni),
each instantiated once from the ontology's closure. Evaluation is a worklist: each new triple is
matched against every rule body position it fits, joined with everything known (ontology closure,
document, derived so far); a rule therefore fires when the last of its premises arrives.
Equality and cardinality rules are not covered: ``complete`` is False for an ontology that uses
them, and ``needs_full_closure`` is True for a document with schema triples; callers then use the
full reasoner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Identifier

Triple = tuple
Chain = tuple[tuple[URIRef, ...], URIRef]

_TYPE = RDF.type  # namespace attribute lookups are slow in the hot loop
_THING = OWL.Thing
_EMPTY: frozenset = frozenset()

# Constructs whose entailments (owl:sameAs and its replacement rules) this module does not derive.
_UNSUPPORTED_TYPES = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty}
_UNSUPPORTED_PREDICATES = {
    OWL.sameAs,
    OWL.hasKey,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.oneOf,
}
# Predicates that make a document triple a schema statement (it would change the rules themselves).
_SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.onProperty,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.intersectionOf,
    OWL.unionOf,
    RDF.first,
    RDF.rest,
} | _UNSUPPORTED_PREDICATES
_SCHEMA_TYPES = {
    OWL.Class,
    RDFS.Class,
    OWL.Restriction,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    RDF.Property,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
} | _UNSUPPORTED_TYPES


_RULE_FIELDS = (
    "base",
    "base_out",
    "base_in",
    "super_classes",
    "super_properties",
    "domains",
    "ranges",
    "inverses",
    "symmetric",
    "transitive",
    "chains_by_step",
    "has_value",
    "has_value_by_pair",
    "some_values",
    "some_values_by_class",
    "all_values",
    "all_values_by_property",
    "intersections",
    "in_intersections",
    "unions",
)


def _multimap() -> defaultdict:
    return defaultdict(set)


@dataclass
class InstanceRules:
    """OWL 2 RL instance rules with their schema premises already bound (one ontology's worth)."""

    base: frozenset = frozenset()  # the ontology closure: facts every document is joined with
    base_out: dict = field(default_factory=dict)  # (s, p) → {o} over base
    base_in: dict = field(default_factory=dict)  # (p, o) → {s} over base
    super_classes: dict = field(default_factory=_multimap)  # C → {D}: C ⊑ D, C ≠ D
    super_properties: dict = field(default_factory=_multimap)  # p → {q}: p ⊑ q, p ≠ q
    domains: dict = field(default_factory=_multimap)  # p → {C}
    ranges: dict = field(default_factory=_multimap)  # p → {C}
    inverses: dict = field(default_factory=_multimap)  # p → {q}: x p y ⇒ y q x
    symmetric: set = field(default_factory=set)
    transitive: set = field(default_factory=set)
    chains_by_step: dict = field(default_factory=_multimap)  # p → {(chain, position)}
    has_value: dict = field(default_factory=_multimap)  # R → {(p, v)}
    has_value_by_pair: dict = field(default_factory=_multimap)  # (p, v) → {R}
    some_values: dict = field(default_factory=_multimap)  # p → {(D, R)}
    some_values_by_class: dict = field(default_factory=_multimap)  # D → {(p, R)}
    all_values: dict = field(default_factory=_multimap)  # R → {(p, D)}
    all_values_by_property: dict = field(default_factory=_multimap)  # p → {(R, D)}
    intersections: dict = field(default_factory=dict)  # I → (C1 … Cn)
    in_intersections: dict = field(default_factory=_multimap)  # Ci → {I}
    unions: dict = field(default_factory=_multimap)  # Ci → {U}
    complete: bool = True  # False: the ontology uses constructs not covered here
    # Every structure above holds integer ids, not rdflib terms (rdflib hashes terms in Python: slow).
    ids: dict = field(default_factory=dict)  # term → id
    terms: list = field(default_factory=list)  # id → term
    type_id: int = -1
    thing_id: int = -1


def _transitive_map(pairs: Iterable[tuple]) -> dict:
    """{a: every b reachable from a} without a itself (a ⊑ b ⊑ c gives a → {b, c})."""
    direct: dict = defaultdict(set)
    for a, b in pairs:
        if a != b:
            direct[a].add(b)
    out: dict = defaultdict(set)
    for start in list(direct):
        seen: set = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node in seen or node == start:
                continue
            seen.add(node)
            stack.extend(direct.get(node, ()))
        out[start] = seen
    return out


def _members(graph: Graph, head) -> tuple:
    return tuple(Collection(graph, head))


def compile_rules(closure: Iterable[Triple], ontology: Graph, chains: Iterable[Chain]) -> InstanceRules:
    """Bind every rule's schema premises to the closed ontology (closure) and its lists (ontology)."""
    facts = frozenset(closure)
    by_pred: dict = defaultdict(set)
    base_out: dict = defaultdict(set)
    base_in: dict = defaultdict(set)
    for s, p, o in facts:
        by_pred[p].add((s, o))
        base_out[(s, p)].add(o)
        base_in[(p, o)].add(s)
    rules = InstanceRules(base=facts, base_out=dict(base_out), base_in=dict(base_in))
    sub_class = set(by_pred[RDFS.subClassOf])
    for a, b in by_pred[OWL.equivalentClass]:
        sub_class |= {(a, b), (b, a)}
    sub_prop = set(by_pred[RDFS.subPropertyOf])
    for a, b in by_pred[OWL.equivalentProperty]:
        sub_prop |= {(a, b), (b, a)}
    rules.super_classes.update(_transitive_map(sub_class))
    rules.super_properties.update(_transitive_map(sub_prop))
    for p, c in by_pred[RDFS.domain]:
        rules.domains[p].add(c)
    for p, c in by_pred[RDFS.range]:
        rules.ranges[p].add(c)
    for p, q in by_pred[OWL.inverseOf]:
        rules.inverses[p].add(q)
        rules.inverses[q].add(p)
    for x, kind in by_pred[_TYPE]:
        if kind == OWL.SymmetricProperty:
            rules.symmetric.add(x)
        elif kind == OWL.TransitiveProperty:
            rules.transitive.add(x)
        elif kind in _UNSUPPORTED_TYPES:
            rules.complete = False
    if any(by_pred[p] for p in _UNSUPPORTED_PREDICATES):
        rules.complete = False
    for steps, sup in chains:
        for position, step in enumerate(steps):
            rules.chains_by_step[step].add(((steps, sup), position))
    on_property = dict(by_pred[OWL.onProperty])
    for r, v in by_pred[OWL.hasValue]:
        if r in on_property:
            rules.has_value[r].add((on_property[r], v))
            rules.has_value_by_pair[(on_property[r], v)].add(r)
    for r, d in by_pred[OWL.someValuesFrom]:
        if r in on_property:
            rules.some_values[on_property[r]].add((d, r))
            rules.some_values_by_class[d].add((on_property[r], r))
    for r, d in by_pred[OWL.allValuesFrom]:
        if r in on_property:
            rules.all_values[r].add((on_property[r], d))
            rules.all_values_by_property[on_property[r]].add((r, d))
    for c, head in ontology.subject_objects(OWL.intersectionOf):
        members = _members(ontology, head)
        rules.intersections[c] = members
        for m in members:
            rules.in_intersections[m].add(c)
    for c, head in ontology.subject_objects(OWL.unionOf):
        for m in _members(ontology, head):
            rules.unions[m].add(c)
    return _to_ids(rules)


def _to_ids(rules: InstanceRules) -> InstanceRules:
    """The same rules over integer ids (every term interned once, in ``rules.ids``)."""
    ids: dict = {RDF.type: 0, OWL.Thing: 1}
    terms: list = [RDF.type, OWL.Thing]

    def enc(value):
        if isinstance(value, Identifier):
            i = ids.get(value)
            if i is None:
                i = ids[value] = len(terms)
                terms.append(value)
            return i
        if isinstance(value, tuple):
            return tuple(enc(v) for v in value)
        if isinstance(value, (set, frozenset)):
            return type(value)(enc(v) for v in value)
        if isinstance(value, dict):
            return {enc(k): enc(v) for k, v in value.items()}
        return value

    out = InstanceRules(complete=rules.complete, ids=ids, terms=terms, type_id=0, thing_id=1)
    for name in _RULE_FIELDS:
        setattr(out, name, enc(getattr(rules, name)))
    return out


def needs_full_closure(document: Iterable[Triple]) -> bool:
    """True when a document states schema (class or property axioms): the rules would change."""
    return any(p in _SCHEMA_PREDICATES or (p == _TYPE and o in _SCHEMA_TYPES) for _, p, o in document)


class _Facts:
    """Triples indexed by subject and by object, on top of a frozen base set."""

    def __init__(self, base: frozenset, base_out: dict, base_in: dict):
        self.base = base
        self.base_out = base_out
        self.base_in = base_in
        self.new: set = set()
        self.out: dict = {}  # (s, p) → {o}, new triples only
        self.inn: dict = {}  # (p, o) → {s}, new triples only

    def __contains__(self, triple: Triple) -> bool:
        return triple in self.new or triple in self.base

    def add(self, triple: Triple) -> bool:
        if triple in self.new or triple in self.base:
            return False
        s, p, o = triple
        self.new.add(triple)
        out = self.out.get((s, p))
        if out is None:
            self.out[(s, p)] = {o}
        else:
            out.add(o)
        inn = self.inn.get((p, o))
        if inn is None:
            self.inn[(p, o)] = {s}
        else:
            inn.add(s)
        return True

    def objects(self, s, p) -> list:
        key = (s, p)
        return [*self.out.get(key, _EMPTY), *self.base_out.get(key, _EMPTY)]

    def subjects(self, p, o) -> list:
        key = (p, o)
        return [*self.inn.get(key, _EMPTY), *self.base_in.get(key, _EMPTY)]


def _chain_paths(facts: _Facts, steps: tuple, position: int, s, o) -> set[tuple]:
    """(start, end) pairs of full chain paths that use the edge s --steps[position]--> o."""
    starts = {s}
    for step in reversed(steps[:position]):
        starts = {x for node in starts for x in facts.subjects(step, node)}
        if not starts:
            return set()
    ends = {o}
    for step in steps[position + 1 :]:
        ends = {y for node in ends for y in facts.objects(node, step)}
        if not ends:
            return set()
    return {(a, b) for a in starts for b in ends}


def _consequences(rules: InstanceRules, facts: _Facts, triple: Triple) -> list[Triple]:
    """Every triple one rule application derives with ``triple`` as one of its premises."""
    s, p, o = triple
    out: list[Triple] = []
    type_id = rules.type_id
    if p == type_id:
        out.extend((s, type_id, d) for d in rules.super_classes.get(o, ()))  # cax-sco
        out.extend((s, q, v) for q, v in rules.has_value.get(o, ()))  # cls-hv1
        for q, d in rules.all_values.get(o, ()):  # cls-avf (type premise)
            out.extend((y, type_id, d) for y in facts.objects(s, q))
        for q, r in rules.some_values_by_class.get(o, ()):  # cls-svf1 (type premise)
            out.extend((x, type_id, r) for x in facts.subjects(q, s))
        for i in rules.intersections.get(o, ()):  # cls-int2
            out.append((s, type_id, i))
        for i in rules.in_intersections.get(o, ()):  # cls-int1
            if all((s, type_id, m) in facts for m in rules.intersections[i]):
                out.append((s, type_id, i))
        out.extend((s, type_id, u) for u in rules.unions.get(o, ()))  # cls-uni
    out.extend((s, q, o) for q in rules.super_properties.get(p, ()))  # prp-spo1
    out.extend((s, type_id, c) for c in rules.domains.get(p, ()))  # prp-dom
    out.extend((o, type_id, c) for c in rules.ranges.get(p, ()))  # prp-rng
    out.extend((o, q, s) for q in rules.inverses.get(p, ()))  # prp-inv1/2
    if p in rules.symmetric:  # prp-symp
        out.append((o, p, s))
    if p in rules.transitive:  # prp-trp
        out.extend((s, p, z) for z in facts.objects(o, p))
        out.extend((w, p, o) for w in facts.subjects(p, s))
    out.extend((s, type_id, r) for r in rules.has_value_by_pair.get((p, o), ()))  # cls-hv2
    for d, r in rules.some_values.get(p, ()):  # cls-svf1 (property premise), cls-svf2
        if d == rules.thing_id or (o, type_id, d) in facts:
            out.append((s, type_id, r))
    for r, d in rules.all_values_by_property.get(p, ()):  # cls-avf (property premise)
        if (s, type_id, r) in facts:
            out.append((o, type_id, d))
    for (steps, sup), position in rules.chains_by_step.get(p, ()):  # prp-spo2
        out.extend((a, sup, b) for a, b in _chain_paths(facts, steps, position, s, o))
    return out


def forward(rules: InstanceRules, document: Iterable[Triple]) -> set[Triple]:
    """Triples entailed by (ontology ∪ document) that are in neither (trivial ones included)."""
    ids, terms = rules.ids, rules.terms
    local: dict = {}
    extra: list = []

    def enc(term) -> int:
        i = ids.get(term)
        if i is None:
            i = local.get(term)
            if i is None:
                i = local[term] = len(terms) + len(extra)
                extra.append(term)
        return i

    facts = _Facts(rules.base, rules.base_out, rules.base_in)
    queue = [t for t in ((enc(s), enc(p), enc(o)) for s, p, o in document) if facts.add(t)]
    asserted = set(queue)
    while queue:
        triple = queue.pop()
        for derived in _consequences(rules, facts, triple):
            if facts.add(derived):
                queue.append(derived)
    n = len(terms)

    def dec(i: int):
        return terms[i] if i < n else extra[i - n]

    return {(dec(s), dec(p), dec(o)) for s, p, o in facts.new - asserted}
