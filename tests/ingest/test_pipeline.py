"""analyse() and ingest_file(): every stage runs, is timed, and unknown documents still get passages."""

from __future__ import annotations

from pathlib import Path

from ingest.load import LoadedText
from ingest.model import DocumentMeta
from ingest.pipeline import PIPELINE, analyse, ingest_file, slug

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
STAGES = PIPELINE


def _meta(doc_id: str = "test") -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, file=f"{doc_id}.txt")


def test_unknown_document_still_gets_passages():
    text = "Een verhaal\n\n" + " ".join(["De kat zat op de mat en keek naar de vogels."] * 30)
    doc = analyse(LoadedText(text=text, media_type="text/plain"), _meta())
    assert doc.passages and not doc.mentions
    assert doc.warnings


def test_stages_are_timed_and_offsets_point_into_the_source():
    text = (
        "Ondermijning\n\nDe gemeente is aangesloten bij Meld Misdaad Anoniem "
        "en werkt samen met de politie.\n\n"
        "Wat doen we op dit moment al?\n\n- Er vinden integrale controles plaats\n"
    )
    doc = analyse(LoadedText(text=text, media_type="text/plain"), _meta())
    assert set(STAGES) <= set(doc.timings)
    for m in doc.mentions:
        assert doc.text[m.start : m.end] == m.text
    uses = {u.concept_id: u for u in doc.instruments}
    assert uses["instrument:meld_misdaad_anoniem"].status == "toegepast"
    assert uses["instrument:integrale_controles"].status == "toegepast"
    assert "theme:ondermijning" in uses["instrument:integrale_controles"].theme_ids
    assert {p.concept_id for p in doc.partners} >= {"partner:politie"}
    for use in doc.instruments:
        for ev in use.evidence:
            assert " ".join(doc.text[ev.start : ev.end].split()).startswith(ev.quote[:30])


def test_ingest_file_uses_slug_of_file_stem():
    path = CORPUS / "hengelo_beantwoording-raadsvragen-drugsoverlast_2024.txt"
    doc = ingest_file(path)
    assert doc.meta.doc_id == slug(path.stem) == "hengelo_beantwoording-raadsvragen-drugsoverlast_2024"
    assert all(p.id.startswith(doc.meta.doc_id + "/p") for p in doc.passages)
    assert "load" in doc.timings


def test_slug():
    assert (
        slug("Hengelo Integraal Veiligheidsbeleid 2024–2026")
        == "hengelo-integraal-veiligheidsbeleid-2024-2026"
    )


def test_steps_are_named_components_in_one_ordered_list():
    import pytest

    from ingest.pipeline import STEPS

    assert set(PIPELINE) == set(STEPS)
    text = "Ondermijning\n\nDe gemeente werkt samen met de politie aan integrale controles.\n"
    loaded = LoadedText(text=text, media_type="text/plain")
    with pytest.raises(ValueError, match="unknown pipeline step"):
        analyse(loaded, _meta(), steps=("clean", "no-such-step"))
    doc = analyse(loaded, _meta(), steps=PIPELINE[:4])  # up to passages
    assert doc.passages and not doc.mentions and not doc.instruments
    assert set(doc.timings) == set(PIPELINE[:4])
