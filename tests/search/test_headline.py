"""The headline of a comparison is built from the comparison's facts: what it names, in what order, and
which quotes back each sentence on both sides (a pure function of the comparison dict)."""

from __future__ import annotations

from search.headline import headline


def _quote(text: str, side: str) -> dict:
    return {
        "text": text,
        "document": side,
        "file": f"{side}.txt",
        "passage": f"{side}/p1",
        "start": 0,
        "end": 1,
    }


def _item(cid: str, label: str, a: int = 0, b: int = 0, **extra) -> dict:
    return {
        "id": cid,
        "label": label,
        "evidence_a": [_quote(f"{label} A{n}", "a") for n in range(a)],
        "evidence_b": [_quote(f"{label} B{n}", "b") for n in range(b)],
        **extra,
    }


def _empty() -> dict:
    return {"added": [], "removed": [], "kept": []}


def _comparison() -> dict:
    result = {k: _empty() for k in ("priority_themes", "themes", "instruments", "partners", "goals")}
    result["priority_themes"]["added"] = [_item("theme:cyber", "digitale veiligheid", b=1)]
    result["priority_themes"]["removed"] = [_item("theme:jeugd", "jeugd", a=1)]
    # the themes category: A names digitale veiligheid without making it a priority; B never names jeugd
    result["themes"]["kept"] = [_item("theme:cyber", "digitale veiligheid", a=2, b=3)]
    result["themes"]["removed"] = [_item("theme:jeugd", "jeugd", a=4)]
    result["instruments"]["added"] = [
        _item("instrument:a", "alcoholtesters", b=1, status_b="toegepast"),
        _item("instrument:b", "bibob", b=5, status_b="toegepast"),
        _item("instrument:c", "cameratoezicht", b=2, status_b="voornemen"),
        _item("instrument:d", "damocles", b=3, status_b="toegepast"),
    ]
    result["instruments"]["removed"] = [
        _item("instrument:p", "(tijdelijke) pandsluiting", a=1, status_a="toegepast")
    ]
    result["partners"]["added"] = [_item("partner:om", "Openbaar Ministerie", b=1)]
    result["goals"]["removed"] = [_item("goal:1", "Minder inbraken", a=1)]
    return result


def test_a_sentence_names_the_most_quoted_things_first():
    summary = headline(_comparison(), "Plan 2021", "Plan 2024")
    started = next(s for s in summary["sentences"] if s["kind"] == "instrument_started")
    assert started["text"] == "Plan 2024 zet nieuw in op bibob, damocles, cameratoezicht en 1 andere."
    assert started["items"][:3] == ["instrument:b", "instrument:d", "instrument:c"]


def test_a_priority_only_one_side_gives_is_quoted_on_the_other_side_where_that_side_names_the_theme():
    summary = headline(_comparison(), "Plan 2021", "Plan 2024")
    by_kind = {s["kind"]: s for s in summary["sentences"]}
    added = by_kind["priority_added"]
    assert [q["text"] for q in added["evidence_b"]] == ["digitale veiligheid B0"]
    assert [q["text"] for q in added["evidence_a"]] == ["digitale veiligheid A0"]  # named, not a priority
    assert by_kind["priority_removed"]["evidence_b"] == []  # the newer plan never names it


def test_every_kind_of_shift_fits_in_six_sentences_and_the_goals_come_last():
    summary = headline(_comparison(), "Plan 2021", "Plan 2024")
    kinds = [s["kind"] for s in summary["sentences"]]
    assert kinds == [
        "priority_added",
        "priority_removed",
        "instrument_started",
        "instrument_stopped",
        "partner_added",
        "goals",
    ]
    assert summary["text"] == " ".join(s["text"] for s in summary["sentences"])


def test_a_sentence_that_opens_with_a_bracket_still_starts_with_a_capital():
    stopped = next(
        s for s in headline(_comparison(), "A", "B")["sentences"] if s["kind"] == "instrument_stopped"
    )
    assert stopped["text"].startswith("(Tijdelijke) pandsluiting is in B niet meer ingezet.")


def test_a_sentence_that_opens_with_a_number_is_left_as_it_is():
    result = _comparison()
    result["goals"]["kept"] = [
        _item("goal:2", "Veilig uitgaan", a=1, b=1, id_a="goal:1", relation="reworded")
    ]
    goals = headline(result, "Hengelo", "Haaksbergen", "municipalities")["sentences"][-1]
    assert goals["text"].startswith("1 van de 2 doelen van Hengelo komen terug bij Haaksbergen")


def test_an_ambition_continued_in_two_goals_counts_once_among_the_older_goals():
    result = _comparison()
    result["goals"]["kept"] = [
        _item("goal:b1", "Inwoners voelen zich veilig", a=1, b=1, id_a="goal:a1", relation="reworded"),
        _item("goal:b2", "Onze missie: een veilige gemeente", a=1, b=1, id_a="goal:a1", relation="reworded"),
        _item("goal:b3", "Meer meldingen", a=1, b=1, id_a="goal:a2", relation="sharpened"),
    ]
    goals = next(s for s in headline(result, "Plan 2021", "Plan 2024")["sentences"] if s["kind"] == "goals")
    # 2 goals of A continue (in 3 goals of B); 1 dropped: 3 goals of A in all
    assert goals["text"] == (
        "Van de 3 doelen van Plan 2021 lopen er 2 door in Plan 2024 als 3 doelen (1 aangescherpt,"
        " 2 anders verwoord); 0 doelen zijn nieuw en 1 vervallen."
    )


def test_new_partners_in_the_work_come_before_a_research_bureau_whose_figures_are_cited():
    result = _comparison()
    result["partners"]["added"] = [
        _item("partner:bureau_broekhuizen", "Bureau Broekhuizen", b=1),  # kennis- en datapartner
        _item("partner:halt", "Halt", b=1),
        _item("partner:politie", "politie", b=1),
    ]
    sentence = next(
        s for s in headline(result, "Plan 2021", "Plan 2024")["sentences"] if s["kind"] == "partner_added"
    )
    assert sentence["text"] == "Nieuw als partner in Plan 2024: Halt, politie en Bureau Broekhuizen."
