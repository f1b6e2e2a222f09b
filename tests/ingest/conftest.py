"""Small generated input files (PDF, HTML, XML, DOCX, legacy-encoded and broken files) for ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
EVAL = ROOT.parent / "shared" / "eval"


def _pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one Helvetica text stream per page (an empty list gives an image-like page)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [3 + 2 * i for i in range(n_pages)]
    font_id = 3 + 2 * n_pages
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        if lines:
            ops = ["BT", "/F1 12 Tf", "14 TL", "72 760 Td"]
            for line in lines:
                ops.append(f"({_pdf_escape(line)}) Tj T*")
            ops.append("ET")
        else:  # a filled rectangle stands in for a scanned image: drawing, but no text
            ops = ["0.5 g", "72 72 400 600 re f"]
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {page_ids[i] + 1} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PDF_PAGES = [
    [
        "Integraal Veiligheidsplan Deventer 2023-2026",
        "Gemeente Deventer",
        "Als gemeente Deventer werken wij samen met de politie.",
    ],
    ["Doelstellingen", "In 2026 voelt minimaal 80% van de inwoners zich veilig."],
]

CVDR_HTML = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Damoclesbeleid Zwolle 2022</title>
<script>var tracking = "Hengelo";</script><style>.x{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/zoeken">Zoeken in Enschede en Hengelo</a></nav>
<main>
<h1>Beleidsregel Damocles gemeente Zwolle 2022</h1>
<h2>Wetstechnische informatie</h2>
<h3>Gegevens van de regeling</h3>
<table>
<tr><th>Organisatie</th><td>Zwolle</td></tr>
<tr><th>Organisatietype</th><td>Gemeente</td></tr>
<tr><th>Officiële naam regeling</th><td>Beleidsregel Damocles gemeente Zwolle 2022</td></tr>
<tr><th>Citeertitel</th><td>Damoclesbeleid Zwolle 2022</td></tr>
<tr><th>Vastgesteld door</th><td>burgemeester</td></tr>
<tr><th>Onderwerp</th><td>openbare orde en veiligheid</td></tr>
</table>
<h3>Overzicht van in de tekst verwerkte wijzigingen</h3>
<table>
<tr><th>Datum inwerkingtreding</th><th>Terugwerkende kracht tot en met</th><th>Datum uitwerkingtreding</th>
<th>Betreft</th><th>Datum ondertekening</th><th>Bron bekendmaking</th><th>Kenmerk voorstel</th></tr>
<tr><td>01-07-2022</td><td></td><td></td><td>nieuwe regeling</td><td>14-06-2022</td>
<td>gmb-2022-123456</td><td></td></tr>
</table>
<h2>Tekst van de regeling</h2>
<p>De burgemeester van Zwolle,</p>
<p>gelet op artikel 13b van de Opiumwet;</p>
<h4>Artikel 1 Begripsbepalingen</h4>
<p>In deze beleidsregel wordt verstaan onder <b>woning</b>: een voor bewoning bestemde ruimte.</p>
</main>
<footer>Contact | Privacy</footer>
</body></html>
"""

CVDR_XML = """<?xml version="1.0" encoding="UTF-8"?>
<cvdr xmlns:dcterms="http://purl.org/dc/terms/" xmlns:overheidrg="http://standaarden.overheid.nl/cvdr/terms/">
<meta>
 <owmskern>
  <dcterms:identifier>CVDR700001_1</dcterms:identifier>
  <dcterms:title>Bibob-beleidsregel gemeente Zwolle 2023</dcterms:title>
  <dcterms:creator scheme="overheid:Gemeente">Zwolle</dcterms:creator>
  <dcterms:modified>2023-05-02</dcterms:modified>
 </owmskern>
 <owmsmantel>
  <dcterms:alternative>Bibob-beleidsregel Zwolle 2023</dcterms:alternative>
  <dcterms:subject>openbare orde en veiligheid</dcterms:subject>
  <dcterms:issued>2023-04-18</dcterms:issued>
  <dcterms:isRatifiedBy scheme="overheid:BestuursorgaanGemeente">burgemeester</dcterms:isRatifiedBy>
  <dcterms:isFormatOf resourceIdentifier="https://zoek.officielebekendmakingen.nl/gmb-2023-200001">gmb-2023-200001</dcterms:isFormatOf>
 </owmsmantel>
 <cvdripm>
  <overheidrg:inwerkingtredingDatum>2023-05-01</overheidrg:inwerkingtredingDatum>
 </cvdripm>
</meta>
<body>
 <regeling>
  <aanhef><al>De burgemeester van Zwolle,</al><al>gelet op de Wet Bibob;</al></aanhef>
  <regeling-tekst>
   <artikel>
    <kop><label>Artikel</label><nr>1</nr><titel>Reikwijdte</titel></kop>
    <meta-data><sub>intern</sub></meta-data>
    <al>Deze beleidsregel geldt voor exploitatievergunningen in de gemeente Zwolle.</al>
   </artikel>
  </regeling-tekst>
 </regeling>
</body>
</cvdr>
"""

CP1252_TEXT = (
    "Veiligheidsplan gemeente Súdwest-Fryslân 2022-2025\n\n"
    "Wij willen dat inwoners zich veilig voelen. Het café en de coördinatie van de aanpak zijn belangrijk.\n"
)


@pytest.fixture
def sample_files(tmp_path: Path) -> dict[str, Path]:
    """Well-formed files of every supported kind."""
    import docx

    files: dict[str, Path] = {}
    files["pdf"] = tmp_path / "plan.pdf"
    files["pdf"].write_bytes(make_pdf(PDF_PAGES))
    files["html"] = tmp_path / "damocles.html"
    files["html"].write_text(CVDR_HTML, encoding="utf-8")
    files["xml"] = tmp_path / "bibob.xml"
    files["xml"].write_text(CVDR_XML, encoding="utf-8")
    files["cp1252"] = tmp_path / "legacy.txt"
    files["cp1252"].write_bytes(CP1252_TEXT.replace("Súdwest-Fryslân", "Súdwest-Fryslân").encode("cp1252"))
    files["utf8bom"] = tmp_path / "bom.md"
    files["utf8bom"].write_bytes("\ufeff# Kadernota veiligheid Zwolle\n\nTekst.\n".encode())

    document = docx.Document()
    document.add_heading("Uitvoeringsplan veiligheid Amersfoort 2024", level=1)
    document.add_paragraph("De gemeente Amersfoort zet in op veilige wijken.")
    table = document.add_table(rows=2, cols=3)
    for i, value in enumerate(["Indicator", "2022", "2023"]):
        table.rows[0].cells[i].text = value
    for i, value in enumerate(["Woninginbraken", "120", "98"]):
        table.rows[1].cells[i].text = value
    document.add_heading("Doelen", level=2)
    document.add_paragraph("Minder overlast.")
    files["docx"] = tmp_path / "uitvoering.docx"
    document.save(files["docx"])
    return files


@pytest.fixture
def broken_files(tmp_path: Path) -> dict[str, Path]:
    """Files a user might feed in by mistake, each with the reason ingest must give."""
    files: dict[str, Path] = {}
    files["empty"] = tmp_path / "leeg.txt"
    files["empty"].write_bytes(b"")
    files["blank"] = tmp_path / "spaties.txt"
    files["blank"].write_text("  \n\n\t \n", encoding="utf-8")
    files["binary"] = tmp_path / "binair.txt"
    files["binary"].write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 20)
    good = make_pdf(PDF_PAGES)
    files["truncated_pdf"] = tmp_path / "afgebroken.pdf"
    files["truncated_pdf"].write_bytes(good[: len(good) // 3])
    files["not_pdf"] = tmp_path / "nep.pdf"
    files["not_pdf"].write_bytes(b"<html>dit is geen pdf</html>")
    files["scanned_pdf"] = tmp_path / "scan.pdf"
    files["scanned_pdf"].write_bytes(make_pdf([[], []]))
    files["xlsx"] = tmp_path / "cijfers.xlsx"
    files["xlsx"].write_bytes(b"PK\x03\x04 spreadsheet")
    files["big"] = tmp_path / "groot.txt"
    files["big"].write_text("veiligheid " * 2000, encoding="utf-8")
    files["bad_xml"] = tmp_path / "kapot.xml"
    files["bad_xml"].write_text("<cvdr><meta><title>Open", encoding="utf-8")
    files["bad_docx"] = tmp_path / "kapot.docx"
    files["bad_docx"].write_bytes(b"PK\x03\x04 not really a docx")
    files["truncated_txt"] = tmp_path / "afgekapt.txt"
    files["truncated_txt"].write_text(
        "De gemeente werkt aan veiligheid in alle wijken en buurten. " * 5
        + "Wij versterken de samenwerking met de politie en de veiligheidsregio om de veiligh",
        encoding="utf-8",
    )
    return files
