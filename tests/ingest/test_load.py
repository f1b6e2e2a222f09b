"""ingest.load: every supported format becomes text; every bad file an IngestError with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.load import SUPPORTED_SUFFIXES, iter_documents, load_file

from .conftest import CORPUS


def test_pdf_pages_are_joined_and_their_starts_recorded(sample_files):
    loaded = load_file(sample_files["pdf"])
    assert loaded.media_type == "application/pdf"
    assert loaded.page_starts is not None and len(loaded.page_starts) == 2
    second = loaded.text[loaded.page_starts[1] :]
    assert second.startswith("Doelstellingen")
    assert "Gemeente Deventer" in loaded.text[: loaded.page_starts[1]]
    assert loaded.text[loaded.page_starts[1] - 2 : loaded.page_starts[1]] == "\n\n"


def test_cvdr_html_gives_body_text_and_regulation_fields(sample_files):
    loaded = load_file(sample_files["html"])
    assert loaded.fields["Organisatie"] == "Zwolle"
    assert loaded.fields["Officiële naam regeling"] == "Beleidsregel Damocles gemeente Zwolle 2022"
    assert loaded.fields["Datum inwerkingtreding"] == "01-07-2022"
    assert loaded.fields["Datum ondertekening"] == "14-06-2022"
    assert loaded.fields["Bron bekendmaking"] == "gmb-2022-123456"
    assert "gelet op artikel 13b van de Opiumwet" in loaded.text
    # scripts, navigation and footers are not document text
    assert "tracking" not in loaded.text and "Zoeken in" not in loaded.text and "Privacy" not in loaded.text


def test_cvdr_xml_gives_metadata_fields_and_article_text(sample_files):
    loaded = load_file(sample_files["xml"])
    assert loaded.fields["Organisatie"] == "Zwolle"
    assert loaded.fields["Organisatietype"] == "Gemeente"
    assert loaded.fields["Citeertitel"] == "Bibob-beleidsregel Zwolle 2023"
    assert loaded.fields["Datum inwerkingtreding"] == "2023-05-01"
    assert loaded.text.startswith("Bibob-beleidsregel gemeente Zwolle 2023")
    assert "Artikel 1 Reikwijdte" in loaded.text
    assert "intern" not in loaded.text  # per-article meta-data is dropped


def test_docx_keeps_headings_paragraphs_and_table_cells_in_order(sample_files):
    text = load_file(sample_files["docx"]).text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "Uitvoeringsplan veiligheid Amersfoort 2024"
    assert "Woninginbraken | 120 | 98" in lines
    assert lines.index("Woninginbraken | 120 | 98") < lines.index("Doelen")


def test_legacy_encoding_is_decoded_with_a_warning(sample_files):
    loaded = load_file(sample_files["cp1252"])
    assert "café" in loaded.text and "coördinatie" in loaded.text
    assert any("not UTF-8" in w for w in loaded.warnings)


def test_utf8_bom_is_removed_without_warning(sample_files):
    loaded = load_file(sample_files["utf8bom"])
    assert loaded.text.startswith("# Kadernota")
    assert loaded.warnings == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty", "empty file"),
        ("blank", "empty file"),
        ("binary", "binary content (NUL bytes)"),
        ("truncated_pdf", "corrupt PDF"),
        ("not_pdf", "corrupt PDF"),
        ("scanned_pdf", "scanned PDF without a text layer"),
        ("xlsx", "unsupported format .xlsx"),
        ("bad_xml", "malformed XML"),
        ("bad_docx", "corrupt DOCX"),
    ],
)
def test_broken_files_raise_a_clear_reason(broken_files, name, reason):
    with pytest.raises(IngestError) as info:
        load_file(broken_files[name])
    assert reason in info.value.reason
    assert info.value.path == broken_files[name]


def test_files_over_the_limit_are_refused_before_reading(broken_files):
    with pytest.raises(IngestError) as info:
        load_file(broken_files["big"], max_bytes=1024)
    assert info.value.reason.startswith("file too large (") and "> 1 KB limit" in info.value.reason
    assert load_file(broken_files["big"]).text  # the default 50 MB limit accepts it


def test_text_cut_off_mid_word_loads_with_a_warning(broken_files):
    loaded = load_file(broken_files["truncated_txt"])
    assert any("truncated" in w for w in loaded.warnings)


def test_missing_file_is_an_ingest_error(tmp_path):
    with pytest.raises(IngestError, match="file not found"):
        load_file(tmp_path / "bestaat-niet.txt")


def test_corpus_files_load_without_warnings():
    for path in sorted(CORPUS.glob("*.txt")):
        loaded = load_file(path)
        assert len(loaded.text) > 10_000, path.name
        assert loaded.warnings == [], path.name


def test_cvdr_page_saved_as_text_keeps_its_fields():
    fields = load_file(CORPUS / "hengelo_integraal-veiligheidsbeleid_2024-2026.txt").fields
    assert fields["Organisatie"] == "Hengelo"
    assert fields["Datum inwerkingtreding"] == "06-03-2024"
    assert fields["Datum ondertekening"] == "31-01-2024"
    assert fields["Bron bekendmaking"] == "gmb-2024-94270"


def test_iter_documents_expands_folders_and_skips_sidecars_and_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a.txt", "a.meta.json", ".verborgen.txt", "sub/b.pdf", ".git/c.txt", "tabel.xlsx"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_documents([tmp_path])]
    # unsupported files stay in the list so load_file can report them instead of dropping them silently
    assert found == ["a.txt", "sub/b.pdf", "tabel.xlsx"]
    assert iter_documents([tmp_path / "a.txt", tmp_path / "a.txt"]) == [tmp_path / "a.txt"]


def test_supported_suffixes_cover_the_issue_formats():
    assert set(SUPPORTED_SUFFIXES) >= {".txt", ".md", ".pdf", ".html", ".htm", ".xml", ".docx"}
    assert Path("x.XLSX").suffix.lower() not in SUPPORTED_SUFFIXES
