"""The answer as a decision per municipality, on the corpus store: basis, near misses, number, nothing."""

from __future__ import annotations

from search.engine import search


def names(result: dict) -> list[str]:
    return [m["name"] for m in result["municipalities"]]


def test_following_is_a_near_miss_with_its_reason(search_home):
    result = search(search_home, "Welke gemeenten zijn gestart met Preventie met gezag?")
    assert "Enschede" in names(result)
    assert "Hengelo" not in names(result)
    misses = {m["name"]: m["reason"] for m in result["near_misses"]}
    assert "volgt alleen" in misses["Hengelo"]
    understood = result["query"]["understood"]
    assert understood["statuses"] == ["toegepast"]


def test_every_answer_has_a_basis_and_its_first_evidence_proves_it(search_home):
    result = search(search_home, "Welke gemeenten zetten integrale controles in tegen ondermijning?")
    assert result["municipalities"]
    for m in result["municipalities"]:
        concept = [b for b in m["basis"] if b["constraint"] == "concept"]
        assert concept, m["name"]
        assert m["evidence"][0]["id"] in concept[0]["passages"]


def test_a_singular_question_gets_one_municipality(search_home):
    result = search(search_home, "Welke gemeente is gestart met Preventie met gezag?")
    assert result["query"]["understood"]["number"] == "singular"
    assert names(result) == ["Enschede"]


def test_a_qualifier_no_text_states_means_nothing_found(search_home):
    result = search(search_home, "Welke gemeenten zetten integrale controles in bij ruimtevaartbedrijven?")
    assert result["municipalities"] == []
    assert result["near_misses"], "the municipalities that use the instrument are shown apart"
    assert all("ruimtevaartbedrijven" in m["reason"] for m in result["near_misses"])
    assert result["message"].startswith("Nothing found")


def test_retrieval_baselines_answer_with_their_top_passages(search_home):
    q = "Welke gemeenten werken met het 7-stappenmodel bij de aanpak van jeugdgroepen?"
    plain = search(search_home, q, mode="hybrid", answer=False)
    assert plain["near_misses"] == []
    top = {p["municipality"] for p in plain["passages"][:10]}
    assert set(names(plain)) <= top and names(plain)


def test_a_paraphrase_finds_every_municipality_that_names_the_concept(search_home):
    result = search(search_home, "Welke gemeenten pakken fraude met zorggeld aan?")
    understood = result["query"]["understood"]
    assert [c["id"] for c in understood["concepts"] if c["by"] == "meaning"] == ["theme:zorgfraude"]
    assert set(names(result)) == {"Enschede", "Hengelo", "Haaksbergen"}


def test_a_year_after_a_period_word_scopes_the_documents(search_home):
    result = search(search_home, "Welke gemeenten zetten in 2016 integrale controles in?")
    assert result["query"]["understood"]["period"] == 2016
    assert result["municipalities"] == []
    assert any("2016" in m["reason"] for m in result["near_misses"])
