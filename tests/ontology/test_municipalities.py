"""Municipality reference data: the CBS list, name lookup as documents spell it, merger chains."""

from __future__ import annotations

import pytest

from ontology import municipality_iri
from ontology.municipalities import current_successor, find_by_code, find_by_name, load_municipalities


def test_list_holds_all_current_and_recently_dissolved_municipalities():
    records = load_municipalities()
    assert len(records) == 476
    assert sum(r.current for r in records) == 342
    assert len({r.code for r in records}) == 476


def test_find_by_code_accepts_common_spellings():
    assert find_by_code("GM0164").name == "Hengelo"
    assert find_by_code("gm0153").name == "Enschede"
    assert find_by_code("158").name == "Haaksbergen"
    assert find_by_code("GM9999") is None
    assert find_by_code("Hengelo") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("hengelo", "GM0164"),
        ("Hengelo (O.)", "GM0164"),
        ("Gemeente Hengelo", "GM0164"),
        ("ENSCHEDE", "GM0153"),
        ("'s-Gravenhage", "GM0518"),
        ("’s-Gravenhage", "GM0518"),
        ("Den Haag", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("Bergen (NH.)", "GM0373"),
        ("Bergen (NH)", "GM0373"),
        ("Bergen (L.)", "GM0893"),
        ("Sudwest-Fryslan", "GM1900"),
        ("Laren (NH.)", "GM0417"),
    ],
)
def test_find_by_name(name, code):
    record = find_by_name(name)
    assert record is not None and record.code == code


def test_ambiguous_or_unknown_names_give_none():
    assert find_by_name("Bergen") is None  # Bergen (NH.) and Bergen (L.)
    assert find_by_name("Atlantis") is None
    assert find_by_name("") is None


def test_successor_chain_ends_at_a_current_municipality():
    first = find_by_code("GM0083")
    assert first is not None and not first.current
    final = current_successor("GM0083")
    assert final is not None and final.current and final.code == "GM1949"
    assert current_successor("GM0164").code == "GM0164"
    assert current_successor("GM0053") is None  # Winsum was split: no single successor


def test_every_dissolved_chain_terminates():
    for record in load_municipalities():
        final = current_successor(record.code)
        assert final is None or final.current


def test_municipality_iri_uses_lower_case_code():
    assert municipality_iri("GM0164") == "https://identifier.overheid.nl/tooi/id/gemeente/gm0164"
    with pytest.raises(ValueError):
        municipality_iri("Hengelo")
