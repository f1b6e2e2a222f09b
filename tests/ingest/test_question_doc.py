"""The question path (no spaCy, lemma dictionaries on disk) gives what the spaCy pipeline gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import lemma_tables
from ingest.matcher import match
from ingest.nlp import get_nlp, question_doc
from search.concepts import recognise

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = REPO.parent / "shared" / "eval"
QUESTION_FILES = [EVAL_DIR / "questions.json", EVAL_DIR / "municipalities" / "questions.json"]

# shapes the tokenizer treats specially: abbreviations, URLs, e-mail, amounts, quotes, names with
# apostrophes, slashes, runs of whitespace, leading/trailing space, line breaks
TRICKY = [
    "Welke gemeenten zetten o.a. integrale controles in, bijv. m.b.t. ondermijning?",
    "Zie https://www.hengelo.nl/veiligheid?x=1 of mail info@voorbeeld.nl (t.a.v. de burgemeester).",
    "Het budget is € 1.000.000,- per jaar (ca. 2,5%) t/m 2026; art. 13b Opiumwet.",
    "’s-Hertogenbosch en 's-Gravenhage: “Top-600”, 'Burgernet/AMBER' en drugs/wapens...",
    "  twee  spaties\tEen tab\n\nen regels \n beginnen hier ",
    "RIEC-casus: het OM en de OvJ; Halt-afdoening; AVE- methodiek; 7- stappen model; street triage.",
    "Which municipalities use integrated inspections against subversive crime, e.g. in 2024-2026?",
    "",
    " ",
]


def _questions() -> list[str]:
    out: list[str] = []
    for path in QUESTION_FILES:
        for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            out += [q[k] for k in ("question_nl", "question_en") if q.get(k)]
    return out


def _corpus_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines += [line for line in text.split("\n") if line.strip()][:150]
        lines.append(text[:4000])  # a stretch with line breaks and headings
    return lines


def _fields(doc) -> list[tuple[str, int, str, str]]:
    return [(t.text, t.idx, t.whitespace_, t.lemma_) for t in doc]


def test_dev_questions_tokenise_and_lemmatise_as_the_pipeline_does():
    questions = _questions()
    assert len(questions) >= 60
    nlp = get_nlp()
    for q in questions:
        assert _fields(question_doc(q)) == _fields(nlp(q)), q


def test_tricky_text_and_corpus_lines_tokenise_as_the_pipeline_does():
    texts = TRICKY + _corpus_lines()
    assert len(texts) > 500
    nlp = get_nlp()
    differ = [t for t in texts if _fields(question_doc(t)) != _fields(nlp(t))]
    assert not differ, differ[:3]


def test_dev_questions_name_the_same_concepts_both_ways():
    nlp = get_nlp()
    named = 0
    for q in _questions():
        fast = match(question_doc(q), english=True, across_types=True)
        full = match(nlp(q), english=True, across_types=True)
        assert fast == full, q
        named += bool(fast)
    assert named >= 50  # most dev questions name a concept: the comparison is not vacuous
    assert {c.id for c in recognise("Welke gemeenten zetten integrale controles in tegen ondermijning?")} >= {
        "instrument:integrale_controles",
        "theme:ondermijning",
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_lemmatiser_on_the_table_file_equals_simplemma(lang, monkeypatch):
    import simplemma

    words = sorted({w.lower() for q in _questions() for w in q.split() if w.isalpha()})
    words += ["gemeenten", "controles", "inspections", "vastgesteld", "jongerenwerkers", "xyzzyq"]
    expected = [simplemma.lemmatize(w, lang=lang) for w in words]
    fresh = lemma_tables.lemmatizer.__wrapped__  # a new lemmatizer (empty caches), not the shared one
    assert [fresh().lemmatize(w, lang) for w in words] == expected
    monkeypatch.setattr(lemma_tables, "BULK_AFTER", 10)  # past it, the whole dictionary is loaded
    bulk = fresh()
    assert [bulk.lemmatize(w, lang) for w in words] == expected
