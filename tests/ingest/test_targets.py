"""ingest.targets: quantitative targets, effect indicators and figures, scored against the gold set."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from ingest.model import DocumentMeta, Goal, IngestedDocument, Passage
from ingest.targets import extract_targets, quantities, source_partner, table_cells, to_number

from .conftest import CORPUS, EVAL

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------ unit behaviour


def _doc(text: str, goals: list[Goal] | None = None) -> IngestedDocument:
    passages = []
    for m in re.finditer(r"\S.*?(?=\n\s*\n|\Z)", text, re.S):
        passages.append(
            Passage(
                id=f"t/p{len(passages):04d}",
                index=len(passages),
                text=m.group(0),
                start=m.start(),
                end=m.end(),
                theme_ids=("theme:veiligheidsbeleving",),
            )
        )
    return IngestedDocument(
        meta=DocumentMeta(doc_id="t", file="t.txt"), text=text, passages=passages, goals=goals or []
    )


@pytest.mark.parametrize(
    ("token", "value"), [("14,4", 14.4), ("7.5", 7.5), ("2.500", 2500), ("1.000.000", 1e6)]
)
def test_dutch_numbers(token, value):
    assert to_number(token) == value


def test_percentage_target_with_year_and_direction():
    text = "Als streefcijfer voor 2024 stellen wij dat het percentage onveilige inwoners daalt naar 14,4%."
    targets, _, _ = extract_targets(_doc(text))
    assert [(t.value, t.unit, t.comparator, t.year) for t in targets] == [(14.4, "%", "<=", 2024)]
    assert text[targets[0].evidence.start : targets[0].evidence.end] == text
    assert targets[0].theme_id == "theme:veiligheidsbeleving"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Voor de samenwerking willen we minimaal een rapportcijfer 7.5 realiseren.",
            (7.5, "rapportcijfer", ">="),
        ),
        ("Ondernemers waarderen de samenwerking met tenminste een 7,5.", (7.5, "rapportcijfer", ">=")),
        ("Het streven is om buiten de top 100 te geraken.", (100.0, "rangpositie", ">")),
        ("Meldingen worden binnen 7 dagen opgepakt.", (7.0, "dagen", "<=")),
        ("Wij voeren tenminste drie nieuwe instrumenten in.", (3.0, "nieuwe instrumenten", ">=")),
        ("We streven naar een percentage van 7 procent.", (7.0, "%", None)),
        ("Minimaal twee keer per jaar op de weekmarkt.", (2.0, "keer per jaar", ">=")),
        ("Tweejaarlijks uitvoeren van de monitor.", (1.0, "keer per twee jaar", "=")),
        ("Medewerkers volgen minimaal eens per twee jaar een training.", (1.0, "keer per twee jaar", ">=")),
    ],
)
def test_target_sentences(sentence, expected):
    targets, _, _ = extract_targets(_doc(sentence))
    assert targets, sentence
    t = targets[0]
    assert t.value == expected[0] and t.unit == expected[1]
    if expected[2]:
        assert t.comparator == expected[2]


def test_relative_target_keeps_baseline_year():
    targets, _, _ = extract_targets(
        _doc("Als streefcijfer voor 2024 hanteren wij de cijfers van 2019 minus 10%.")
    )
    assert len(targets) == 1
    t = targets[0]
    assert (t.value, t.baseline_year, t.year, t.comparator) == (-10.0, 2019, 2024, "<=")
    assert "2019" in t.unit


def test_descriptive_numbers_are_figures_not_targets():
    text = "We hebben 10 coffeeshops in Enschede. We hebben 19 vaste camera's en 1 mobiele camera unit."
    targets, _, figures = extract_targets(_doc(text))
    assert targets == []
    assert [(f.value, f.unit) for f in figures] == [
        (10, "coffeeshops"),
        (19, "vaste camera's"),
        (1, "mobiele camera"),
    ]


def test_number_words_and_years_in_figures():
    text = "Hengelo kent een drietal coffeeshops. In 2019 zijn 31 kwekerijen opgerold."
    _, _, figures = extract_targets(_doc(text))
    assert (3, "coffeeshops", None) in [(f.value, f.unit, f.year) for f in figures]
    assert (31, "kwekerijen", 2019) in [(f.value, f.unit, f.year) for f in figures]
    assert all(f.value != 2019 for f in figures)  # a year is not a figure


def test_year_table_gives_one_figure_per_cell():
    text = (
        "2014  2017  2018\n\nVERMOGENSDELICTEN\n\nWoninginbraken   389  273  192\n"
        "Illegale handel\n(drugs/wapens)   90  55  96\nVoelt u zich onveilig? 13%  18%  20%\n\n"
        "Dit is een gewone zin met het getal 12 erin.\n"
    )
    cells = list(table_cells(text))
    assert [(c[0], c[1], c[3]) for c in cells[:3]] == [
        ("Woninginbraken", 389, 2014),
        ("Woninginbraken", 273, 2017),
        ("Woninginbraken", 192, 2018),
    ]
    assert cells[3][0] == "Illegale handel (drugs/wapens)"
    assert cells[-1][:4] == ("Voelt u zich onveilig?", 20, "%", 2018)
    assert len(cells) == 9


def test_effect_indicators_with_bracketed_data_source():
    text = (
        "Effectindicatoren\n\n- Aantal casussen op de ondermijningstafel [data gemeente en RIEC-ON]\n"
        "- Aantal E33 meldingen bij politie (data politie)\n"
        "- Overlast van buurtbewoners (data uit burgerpeiling)\n\n"
        "Wat gaan we doen?\n"
    )
    _, indicators, _ = extract_targets(_doc(text))
    got = [(i.label, i.data_source, i.source_partner_id) for i in indicators]
    assert got[0] == ("Aantal casussen op de ondermijningstafel", "gemeente en RIEC-ON", "partner:riec")
    assert got[1] == ("Aantal E33 meldingen bij politie", "politie", "partner:politie")
    assert got[2][:2] == ("Overlast van buurtbewoners", "burgerpeiling")
    assert len(got) == 3


def test_source_partner_skips_the_municipality_itself():
    assert source_partner("gemeente en politie") == "partner:politie"
    assert source_partner("onbekende bron") is None


def test_targets_link_to_the_goal_that_contains_them():
    from ingest.model import Evidence

    text = "Doelen\n\nWij willen dat in 2026 minimaal 80% van de inwoners zich veilig voelt.\n"
    start = text.index("Wij")
    goal = Goal(
        id="t/goal/1",
        text=text[start:].strip(),
        goal_type="doelstelling",
        theme_id="theme:ondermijning",
        evidence=Evidence("t/p0001", start, len(text) - 1, text[start:].strip()),
    )
    targets, _, _ = extract_targets(_doc(text, [goal]))
    assert [(t.value, t.year, t.goal_id, t.theme_id) for t in targets] == [
        (80, 2026, "t/goal/1", "theme:ondermijning")
    ]


def test_quantities_ignore_articles_codes_and_section_numbers():
    assert (
        quantities("Op grond van artikel 13 van de Opiumwet en E33 meldingen in paragraaf 4 zijn regels.")
        == []
    )


# ---------------------------------------------------------------------------------------- gold set


def _unit_class(unit: object) -> str:
    u = str(unit).lower()
    if "%" in u or "procent" in u:
        return "%"
    if "rapportcijfer" in u or "score" in u:
        return "grade"
    if "rang" in u:
        return "rank"
    if "per twee jaar" in u:
        return "per2y"
    if "per jaar" in u:
        return "per_year"
    if re.search(r"\b(dag|dagen|werkdagen|weken|maanden|jaar)\b", u):
        return "duration"
    return "count"


def _quote_spans(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Where gold quotes occur in the text, comparing with runs of whitespace collapsed."""
    index, chars = [], []
    prev_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            chars.append(" ")
            prev_space = True
        else:
            chars.append(ch)
            prev_space = False
        index.append(i)
    flat = "".join(chars)
    spans = []
    for q in quotes:
        qn = " ".join(q.split())
        k = flat.find(qn)
        while k >= 0:
            spans.append((index[k], index[k + len(qn) - 1] + 1))
            k = flat.find(qn, k + 1)
    return spans


def score(gold: list[dict], predicted: list, text: str, with_value: bool) -> tuple[int, int, int]:
    """(true positives, gold count, predicted count): a hit overlaps a gold quote and, for targets and
    figures, has the exact value and the same kind of unit."""
    used: set[int] = set()
    for g in gold:
        spans = _quote_spans(text, g["evidence"])
        for i, p in enumerate(predicted):
            if i in used or not any(p.evidence.start < b and a < p.evidence.end for a, b in spans):
                continue
            if with_value:
                try:
                    value = float(g["value"])
                except (TypeError, ValueError):
                    continue  # ranges and derived values ("1-2", ">100") are not hard gold
                if abs(p.value - value) > 1e-9 or _unit_class(p.unit) != _unit_class(g["unit"]):
                    continue
            used.add(i)
            break
    return len(used), len(gold), len(predicted)


def _corpus_document(path: Path) -> IngestedDocument:
    """The pipeline's document when the pipeline is there (with its goals), else blank-line passages."""
    try:
        from ingest.pipeline import ingest_file
    except ImportError:
        return _doc(path.read_text(encoding="utf-8"))
    return ingest_file(path)


@pytest.fixture(scope="module")
def gold_scores() -> dict[str, dict[str, tuple[int, int, int]]]:
    gold_path = EVAL / "gold_facts.json"
    if not gold_path.exists():
        pytest.skip("shared eval set not available")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["documents"]
    out: dict[str, dict[str, tuple[int, int, int]]] = {}
    for name, facts in sorted(gold.items()):
        doc = _corpus_document(CORPUS / name)
        targets, indicators, figures = extract_targets(doc)
        out[name] = {
            "targets": score(facts["targets"], targets, doc.text, True),
            "indicators": score(facts["indicators"], indicators, doc.text, False),
            "figures": score(facts["figures"], figures, doc.text, True),
        }
        for kind, (tp, n_gold, n_pred) in out[name].items():
            log.warning(
                "%-55s %-10s gold=%3d pred=%3d P=%.2f R=%.2f",
                name,
                kind,
                n_gold,
                n_pred,
                tp / n_pred if n_pred else 1.0,
                tp / n_gold if n_gold else 1.0,
            )
    return out


def _micro(scores: dict, kind: str) -> tuple[float, float]:
    tp = sum(s[kind][0] for s in scores.values())
    n_gold = sum(s[kind][1] for s in scores.values())
    n_pred = sum(s[kind][2] for s in scores.values())
    return tp / max(n_pred, 1), tp / max(n_gold, 1)


def test_target_recall_on_gold(gold_scores):
    precision, recall = _micro(gold_scores, "targets")
    assert recall >= 0.7, (precision, recall)
    assert precision >= 0.3, (precision, recall)


def test_figure_recall_on_gold(gold_scores):
    precision, recall = _micro(gold_scores, "figures")
    assert recall >= 0.7 and precision >= 0.4, (precision, recall)


def test_effect_indicator_blocks_are_found(gold_scores):
    tp, n_gold, _ = gold_scores["haaksbergen_integraal-veiligheidsplan_2024-2027.txt"]["indicators"]
    assert tp / n_gold >= 0.8
    precision, recall = _micro(gold_scores, "indicators")
    assert recall >= 0.4, (precision, recall)
