"""ingest.metadata: sidecars win field by field; without them the text names municipality, type and period."""

from __future__ import annotations

import json
import shutil

import pytest

from ingest.errors import IngestError
from ingest.load import load_file
from ingest.metadata import build_meta, infer_municipality, parse_dutch_date

from .conftest import CORPUS

CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


def _sidecar(name: str) -> dict:
    return json.loads((CORPUS / name.replace(".txt", ".meta.json")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_inference_without_sidecar_matches_the_sidecar(tmp_path, name):
    # a neutral file name: inference must never read municipality or type from it
    copy = tmp_path / "document.txt"
    shutil.copy(CORPUS / name, copy)
    meta = build_meta(copy, load_file(copy), "document")
    side = _sidecar(name)
    assert meta.municipality is not None and meta.municipality.code == side["municipality"]["code"]
    assert meta.doc_type == side["document_type"]
    period = side["period"] or {}
    assert (meta.period_start, meta.period_end) == (period.get("start"), period.get("end"))
    for key in ("municipality", "doc_type"):
        assert meta.sources[key].method != "sidecar" and 0 < meta.sources[key].confidence <= 1


def test_inferred_titles_dates_and_references_of_the_corpus(tmp_path):
    found = {}
    for name in CORPUS_FILES:
        copy = tmp_path / f"{len(found)}.txt"
        shutil.copy(CORPUS / name, copy)
        found[name] = build_meta(copy, load_file(copy), copy.stem)
    for name, meta in found.items():
        side = _sidecar(name)
        assert meta.title == side["title"], name
        assert meta.dates == side["dates"], name  # and no invented dates where the text has none
        assert meta.reference == side["reference"], name


def test_sidecar_wins_field_by_field(tmp_path):
    doc = tmp_path / "plan.txt"
    shutil.copy(CORPUS / "haaksbergen_integraal-veiligheidsplan_2024-2027.txt", doc)
    (tmp_path / "plan.meta.json").write_text(
        json.dumps({"municipality": {"name": "Zwolle", "code": "GM0193"}, "period": None}), encoding="utf-8"
    )
    meta = build_meta(doc, load_file(doc), "plan")
    assert meta.municipality.code == "GM0193" and meta.sources["municipality"].method == "sidecar"
    assert meta.period_start is None and meta.sources["period"].confidence == 1.0
    # fields the sidecar leaves out are still inferred
    assert (
        meta.doc_type == "doctype:integraal_veiligheidsplan" and meta.sources["doc_type"].method != "sidecar"
    )


def test_invalid_sidecar_is_an_ingest_error(tmp_path):
    doc = tmp_path / "x.txt"
    doc.write_text("Gemeente Zwolle\n\nVeiligheidsplan 2024-2027\n", encoding="utf-8")
    (tmp_path / "x.meta.json").write_text("{niet: json", encoding="utf-8")
    with pytest.raises(IngestError, match="invalid sidecar"):
        build_meta(doc, load_file(doc), "x")


def test_corpus_sidecars_are_used(tmp_path):
    name = "hengelo_integraal-veiligheidsbeleid_2021-2024.txt"
    meta = build_meta(CORPUS / name, load_file(CORPUS / name), "h")
    assert meta.sources["title"].method == "sidecar"
    assert meta.subtitle == "Samen uitvoering geven aan veiligheid"
    assert meta.sha256 and len(meta.sha256) == 64


def test_cvdr_html_and_xml_of_another_municipality(sample_files):
    html = build_meta(sample_files["html"], load_file(sample_files["html"]), "d")
    assert (html.municipality.name, html.doc_type) == ("Zwolle", "doctype:damoclesbeleid")
    assert html.sources["municipality"].method.startswith("cvdr:")
    assert html.dates == {"in_force": "2022-07-01", "signed": "2022-06-14"}
    xml = build_meta(sample_files["xml"], load_file(sample_files["xml"]), "b")
    assert (xml.municipality.code, xml.doc_type) == ("GM0193", "doctype:bibob_beleidsregel")
    assert xml.reference == "gmb-2023-200001"


def test_pdf_and_docx_metadata(sample_files):
    pdf = build_meta(sample_files["pdf"], load_file(sample_files["pdf"]), "p")
    assert pdf.municipality.name == "Deventer"
    assert (pdf.period_start, pdf.period_end) == (2023, 2026)
    assert pdf.doc_type == "doctype:integraal_veiligheidsplan"
    docx = build_meta(sample_files["docx"], load_file(sample_files["docx"]), "u")
    assert (docx.municipality.name, docx.doc_type) == ("Amersfoort", "doctype:uitvoeringsplan")


def test_dissolved_municipality_maps_to_its_successor():
    text = (
        "Integraal veiligheidsplan 2019-2022\n\nGemeente Boxmeer\n\n"
        "De raad van de gemeente Boxmeer heeft dit plan vastgesteld. Als gemeente Boxmeer werken wij samen.\n"
    )
    municipality, source = infer_municipality(text, {})
    assert municipality.name == "Land van Cuijk" and municipality.code == "GM1982"
    assert "dissolved:GM0756" in source.method


def test_own_municipality_beats_partners_and_neighbours():
    text = (
        "Veiligheidsplan 2024-2027\n\n"
        "Samen met Veiligheidsregio Twente, politie Enschede en de buurgemeenten Enschede, Hengelo en Borne "
        "werken wij aan veiligheid. In Enschede en Hengelo lopen vergelijkbare projecten; Enschede deelt "
        "kennis via de Veiligheidsregio Twente.\n\n"
        "Als gemeente Losser kiezen wij voor een eigen aanpak.\n\n"
        "Burgemeester en wethouders van Losser,\n"
    )
    municipality, _ = infer_municipality(text, {})
    assert municipality.name == "Losser"


def test_ambiguous_name_is_resolved_by_province():
    text = "Gemeente Bergen\n\nIn onze gemeente Bergen aan de Maas, provincie Limburg, werken wij samen.\n"
    municipality, _ = infer_municipality(text, {})
    assert municipality.name == "Bergen (L.)"
    text = "Gemeente Bergen\n\nDe gemeente Bergen in Noord-Holland ligt aan zee.\n"
    assert infer_municipality(text, {})[0].name == "Bergen (NH.)"


def test_no_municipality_named_gives_none():
    assert infer_municipality("Een tekst over veiligheid zonder plaatsnaam.\n", {}) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("17 september 2024", "2024-09-17"),
        ("06-03-2024", "2024-03-06"),
        ("2024-03-06", "2024-03-06"),
        ("1 mrt. 2023", "2023-03-01"),
        ("31 februari 2024", None),
        ("geen datum", None),
    ],
)
def test_dutch_dates(text, iso):
    assert parse_dutch_date(text) == iso


def test_period_variants_and_adoption_date(tmp_path):
    doc = tmp_path / "n.txt"
    doc.write_text(
        "INTEGRAAL VEILIGHEIDSPLAN\n\n2025 tot en met 2028\n\nGemeente Zwolle\n\n"
        "Vastgesteld in de openbare vergadering van de gemeenteraad van 12 november 2024.\n",
        encoding="utf-8",
    )
    meta = build_meta(doc, load_file(doc), "n")
    assert (meta.period_start, meta.period_end) == (2025, 2028)
    assert meta.title == "Integraal veiligheidsplan 2025-2028"
    assert meta.dates.get("adopted") == "2024-11-12"


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        # a policy about another subject that cites the instrument is not that instrument's policy type
        (
            "Coffeeshopbeleid gemeente Zuidstad 2021",
            "Beleidsregels coffeeshops. Bij overtreding kan de burgemeester op grond van artikel 13b "
            "Opiumwet het pand sluiten. Beleidsregel artikel 13b Opiumwet is van toepassing. "
            "Een Bibob-toets maakt deel uit van de aanvraag (Bibob-beleidsregel).",
            "doctype:beleidsregel",
        ),
        (
            "Beleidsregels coffeeshops gemeente Zuidstad",
            "Artikel 13b Opiumwet, Wet Bibob.",
            "doctype:beleidsregel",
        ),
        # a generic policy rule whose title names the instrument is that instrument's policy rule
        ("Beleidsregels toepassing Wet Bibob gemeente Zuidstad 2023", "", "doctype:bibob_beleidsregel"),
        ("Beleidsregel sluiting drugspanden (artikel 13b Opiumwet)", "", "doctype:damoclesbeleid"),
        ("Damoclesbeleid gemeente Zuidstad", "", "doctype:damoclesbeleid"),
    ],
)
def test_document_type_is_told_apart_from_an_instrument_it_cites(title, text, expected):
    from ingest.metadata import infer_doc_type

    found = infer_doc_type(f"{title}\n\n{text}\n", title, {})
    assert found is not None and found[0] == expected


def test_cvdr_page_title_is_the_line_above_the_version_line():
    from ingest.metadata import infer_title

    text = (
        "Regeling vervallen per 23-10-2024\n\nBeleidsregel toepassing Wet Bibob gemeente Zuidstad 2015\n\n"
        "Geldend van 07-07-2015 t/m 22-10-2024\n\nIntitulé\n"
    )
    title, _, source = infer_title(text, {})
    assert title == "Beleidsregel toepassing Wet Bibob gemeente Zuidstad 2015"
    assert source.method == "cvdr:title-above-geldend"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Integraal Veiligheidsplan gemeente 's-Hertogenbosch 2023-2026\n\n"
            "De raad van de gemeente 's-Hertogenbosch",
            "GM0796",
        ),
        (
            "Damoclesbeleid \u2019s-Hertogenbosch\n\n"
            "De burgemeester van de gemeente \u2019s-Hertogenbosch besluit",
            "GM0796",
        ),
        ("Beleidsregels Bibob 's-Gravenhage 2021\n\nDe burgemeester van \u2018s-Gravenhage", "GM0518"),
        ("Veiligheidsplan Den Haag 2024\n\nDe gemeente Den Haag werkt samen met de politie.", "GM0518"),
        ("Veiligheid in 'S-HERTOGENBOSCH\n\nDe gemeente Den Bosch", "GM0796"),
    ],
)
def test_names_with_an_apostrophe_or_prefix(text, code):
    found = infer_municipality(text, {})
    assert found is not None and found[0].code == code
