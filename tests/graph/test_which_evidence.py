"""which() binds concepts and facts with VALUES and asks evidence per fact: nothing is lost."""

from __future__ import annotations

import pytest

from graph import queries
from graph.read import load_query, run, run_values

# the evidence join as which_instrument.rq had it (one query, spans in an OPTIONAL): the reference
ONE_QUERY = """
SELECT DISTINCT ?instrument ?fact ?span ?exact ?begin ?end ?passage ?section WHERE {
  ?concept skos:broader* ?instrument .
  ?fact a bg:InstrumentUse ; bg:concept ?concept ; bg:status ?status ; bg:inDocument ?doc .
  OPTIONAL {
    ?fact bg:evidence ?span .
    ?span bg:exact ?exact ; nif:beginIndex ?begin ; nif:endIndex ?end ; bg:inPassage ?passage .
    OPTIONAL { ?passage bg:sectionPath ?section }
  }
}"""
FIELDS = ("fact", "span", "exact", "begin", "end", "passage", "section")


@pytest.mark.parametrize("instrument", ["integrale_controles", "cat/bestuurlijk", "cameratoezicht"])
def test_facts_then_their_evidence_equal_the_one_query_join(store, instrument):
    import pyoxigraph as ox

    iri = f"https://w3id.org/beleidsgraaf/id/instrument/{instrument}"
    reference = {
        tuple(r[f] for f in FIELDS)
        for r in store.select(ONE_QUERY, substitutions={"instrument": ox.NamedNode(iri)})
        if r["span"] is not None
    }
    narrower = [r["concept"] for r in run(store, "broader", top=iri)]
    facts = {r["fact"] for r in run_values(store, "which_instrument", "concept", narrower)}
    split = {tuple(r[f] for f in FIELDS) for r in run_values(store, "fact_evidence", "fact", facts, chunk=7)}
    assert reference, "the instrument has evidence in the corpus"
    assert split == reference


def test_which_evidence_is_in_reading_order(store):
    result = queries.which(store, theme="ondermijning")
    evidence = [e for m in result["municipalities"] for e in m["evidence"]]
    assert len(evidence) > 10
    for m in result["municipalities"]:
        keys = [(e["file"], e["start"]) for e in m["evidence"]]
        assert keys == sorted(keys)


def test_run_values_needs_an_empty_values_block(store):
    assert "VALUES ?fact { }" in load_query("fact_evidence")
    assert run_values(store, "fact_evidence", "fact", []) == []
    with pytest.raises(ValueError, match="VALUES"):
        run_values(store, "which_instrument", "fact", ["https://w3id.org/beleidsgraaf/id/doc/x/fact/1"])


def test_which_instrument_facts_equal_the_property_path_form(store):
    """VALUES over broader.rq's concepts + FILTER EXISTS type = the skos:broader* join it replaced."""
    import pyoxigraph as ox

    path_form = """SELECT DISTINCT ?instrument ?doc ?fact ?concept ?status ?against WHERE {
      ?concept skos:broader* ?instrument .
      ?fact a bg:InstrumentUse ; bg:concept ?concept ; bg:status ?status ; bg:inDocument ?doc .
      OPTIONAL { ?fact bg:againstTheme ?against } }"""
    fields = ("doc", "fact", "concept", "status", "against")
    iri = "https://w3id.org/beleidsgraaf/id/instrument/cat/bestuurlijk"
    expected = {
        tuple(r[f] for f in fields)
        for r in store.select(path_form, substitutions={"instrument": ox.NamedNode(iri)})
    }
    narrower = [r["concept"] for r in run(store, "broader", top=iri)]
    got = {
        tuple(r[f] for f in fields)
        for r in run_values(store, "which_instrument", "concept", narrower, chunk=3)
    }
    assert len(expected) > 5
    assert got == expected


@pytest.mark.parametrize(
    "criteria",
    [
        {"theme": "ondermijning"},
        {"instrument": "integrale controles", "theme": "ondermijning"},
        {"instrument": "cameratoezicht"},
        {"partner": "politie"},
    ],
)
def test_a_capped_answer_names_the_same_municipalities_and_quotes_a_subset(store, criteria):
    everything = queries.which(store, evidence_limit=0, **criteria)
    capped = queries.which(store, evidence_limit=1, **criteria)
    assert everything["municipalities"], "the corpus answers this"
    full = {m["code"]: m for m in everything["municipalities"]}
    assert [m["code"] for m in capped["municipalities"]] == list(full)
    for m in capped["municipalities"]:
        assert m["facts"] == full[m["code"]]["facts"] >= 1
        assert all(e in full[m["code"]]["evidence"] for e in m["evidence"])
        assert m["evidence_complete"] == (m["facts"] == 1)
        assert full[m["code"]]["evidence_complete"]
        quoted_facts = {(e["document"], e["passage"]) for e in m["evidence"]}
        assert 1 <= len(quoted_facts) <= len(m["evidence"])


def test_a_use_against_the_theme_is_quoted_before_one_that_only_shares_the_document():
    from graph.queries import _Fact, _to_quote

    facts = [
        _Fact("f1", "d1", strong=False),
        _Fact("f2", "d1"),
        _Fact("f3", "d2", strong=False),
        _Fact("f4", "d2"),
    ]
    assert _to_quote(facts, 1) == ([facts[1]], False)
    assert _to_quote(facts, 3) == ([facts[1], facts[3], facts[0]], False)
    assert _to_quote(facts, 4) == ([facts[1], facts[3], facts[0], facts[2]], True)
    assert _to_quote(facts, 0) == ([facts[1], facts[3], facts[0], facts[2]], True)


def test_a_negative_evidence_limit_is_refused(store):
    from ontology.errors import BadParameter

    with pytest.raises(BadParameter, match="evidence_limit"):
        queries.which(store, theme="ondermijning", evidence_limit=-1)
