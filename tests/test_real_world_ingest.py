"""End to end: documents of municipalities outside the corpus, in real-world formats, without sidecars.

A PDF and a CVDR page of other municipalities go through the whole chain (load → metadata inference →
extraction → graph → reasoning) and come out under the right municipality with the instruments they
name; a broken file in the same folder is reported and changes nothing already stored.
"""

from __future__ import annotations

import gc
from pathlib import Path

from graph.build import ingest_paths
from graph.queries import which
from graph.store import GraphStore
from tests.ingest.conftest import CVDR_HTML, make_pdf

PDF_PAGES = [
    [
        "Integraal Veiligheidsplan Deventer 2023-2026",
        "Gemeente Deventer",
        "Ondermijning",
        "Wat doen we op dit moment al?",
        "- Er vinden integrale controles op risicolocaties plaats.",
        "- De gemeente Deventer past de Wet Bibob toe bij vergunningen.",
    ],
    [
        "Jeugd en veiligheid",
        "Wat gaan we doen?",
        "- Werken met het 7-stappenmodel bij de aanpak van jeugdgroepen.",
        "Burgemeester van Deventer",
    ],
]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "plan.pdf").write_bytes(make_pdf(PDF_PAGES))
    (folder / "regeling.html").write_text(CVDR_HTML, encoding="utf-8")
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")  # truncated
    (folder / "leeg.txt").write_text("   \n", encoding="utf-8")
    return folder


def _municipalities(answer: dict) -> set[str]:
    return {m["name"] for m in answer["municipalities"]}


def test_pdf_and_cvdr_page_of_other_municipalities(tmp_path: Path) -> None:
    home = tmp_path / "home"
    report = ingest_paths([_folder(tmp_path)], home, progress=False)

    ingested = {Path(d.file).name for d in report.documents}
    assert ingested == {"plan.pdf", "regeling.html"}
    reasons = {Path(f).name: r for f, r in report.failures}
    assert set(reasons) == {"kapot.pdf", "leeg.txt"}
    assert all(reasons.values())

    with GraphStore.open(home, read_only=True) as store:
        assert _municipalities(which(store, instrument="integrale controles")) == {"Deventer"}
        assert _municipalities(which(store, instrument="Wet Bibob")) == {"Deventer"}
        assert "Zwolle" in _municipalities(which(store, instrument="artikel 13b Opiumwet"))
        codes = {m["name"]: m["code"] for m in which(store, instrument="Damocles")["municipalities"]}
        assert codes.get("Zwolle") == "GM0193"


def test_a_failing_file_leaves_what_is_stored_intact(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = _folder(tmp_path)
    ingest_paths([folder], home, progress=False)
    with GraphStore.open(home, read_only=True) as store:
        before = store.triple_counts()

    broken = tmp_path / "plan.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")  # same doc_id as the stored PDF, but unreadable
    report = ingest_paths([broken], home, progress=False)
    assert report.failures and not report.documents
    with GraphStore.open(home, read_only=True) as store:
        assert store.triple_counts() == before
    assert gc.get_freeze_count() == 0  # ingest froze its survivors per document and unfroze them at the end
