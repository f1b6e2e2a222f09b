"""Turn a file (txt, md, pdf, html, xml, docx) into decoded text plus whatever metadata the format carries.

Every loader returns a ``LoadedText``; every problem a user can fix is an ``IngestError`` with a
readable reason.  Offsets used downstream point into ``LoadedText.text``, so loaders keep the text
as close to the source as possible (only line endings are normalised).
"""

from __future__ import annotations

import io
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ingest.errors import IngestError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 2**20
SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".html", ".htm", ".xml", ".docx")
SIDECAR_SUFFIX = ".meta.json"

# Labels of the CVDR (lokaleregelgeving.overheid.nl) "Gegevens van de regeling" block and the
# "Overzicht van in de tekst verwerkte wijzigingen" table: the format's own field names.
CVDR_LABELS = (
    "Organisatie",
    "Organisatietype",
    "Officiële naam regeling",
    "Citeertitel",
    "Vastgesteld door",
    "Onderwerp",
    "Eigen onderwerp",
    "Datum inwerkingtreding",
    "Terugwerkende kracht tot en met",
    "Datum uitwerkingtreding",
    "Betreft",
    "Datum ondertekening",
    "Bron bekendmaking",
    "Kenmerk voorstel",
)
# CVDR XML metadata elements (owmskern / owmsmantel / cvdripm, any namespace) -> the page's labels.
CVDR_XML_FIELDS = {
    "creator": "Organisatie",
    "title": "Officiële naam regeling",
    "alternative": "Citeertitel",
    "isRatifiedBy": "Vastgesteld door",
    "subject": "Onderwerp",
    "inwerkingtredingDatum": "Datum inwerkingtreding",
    "uitwerkingtredingDatum": "Datum uitwerkingtreding",
    "issued": "Datum ondertekening",
    "isFormatOf": "Bron bekendmaking",
    "identifier": "Identificatie",
    "redactioneleToevoeging": "Redactionele toevoeging",  # editorial note: succession, withdrawal
}


@dataclass
class LoadedText:
    text: str
    media_type: str
    page_starts: list[int] | None = None  # offset of each page's first character (PDF only)
    fields: dict[str, str] = field(default_factory=dict)  # format metadata, e.g. CVDR "Organisatie"
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- entry


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedText:
    """Load one file; raises IngestError for missing, empty, binary, oversized, corrupt or unknown files."""
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "file not found")
    if path.is_dir():
        raise IngestError(path, "is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise IngestError(path, f"unsupported format {suffix or '(no extension)'} (supported: {supported})")
    size = path.stat().st_size
    if size > max_bytes:  # checked before reading: a huge file is never read into memory
        raise IngestError(path, f"file too large ({_human(size)} > {_human(max_bytes)} limit)")
    if size == 0:
        raise IngestError(path, "empty file")
    data = path.read_bytes()
    loader = _LOADERS[suffix]
    loaded = loader(path, data)
    if not loaded.text.strip():
        raise IngestError(path, "no text found (empty or whitespace only)")
    for warning in loaded.warnings:
        log.warning("%s: %s", path.name, warning)
    return loaded


def iter_documents(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders into files, skipping sidecars and hidden files.

    Unsupported or missing files are *kept* so that ``load_file`` reports them to the caller as an
    IngestError instead of them silently disappearing.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not _skipped(rel):
                    found.append(child)
        elif not _skipped(Path(path.name)):
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _skipped(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts) or rel.name.lower().endswith(SIDECAR_SUFFIX)


def _human(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------------------- plain text


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes as UTF-8 (with or without BOM), else guess the legacy encoding; warn when not UTF-8."""
    warnings: list[str] = []
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            if enc == "utf-16":
                warnings.append("not UTF-8: decoded as UTF-16")
            return text.lstrip("\ufeff"), warnings
    if b"\x00" in data:
        raise ValueError("binary content (NUL bytes)")
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        # A cut inside the last multi-byte character: the file is UTF-8 but truncated.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            warnings.append("text appears truncated (ends inside a UTF-8 character)")
            return data[: exc.start].decode("utf-8"), warnings
    encoding = _guess_encoding(data)
    warnings.append(f"not UTF-8: decoded as {encoding}")
    return data.decode(encoding, errors="replace"), warnings


def _guess_encoding(data: bytes) -> str:
    """charset-normalizer's guess, falling back to cp1252 (the usual Dutch Windows encoding)."""
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - any detector failure falls back to cp1252
        best = None
    if best is None or best.encoding in ("ascii", "utf_8"):
        return "cp1252"
    # Western-European single-byte guesses all decode Dutch letters alike; prefer cp1252 among them.
    if best.encoding in ("latin_1", "iso8859_15", "cp1250", "cp1252", "mac_roman", "iso8859_2"):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return best.encoding
    return best.encoding


def _looks_truncated(text: str) -> bool:
    """True when the text seems to stop mid-word.

    The text has no final newline and no closing punctuation, and its last word occurs nowhere else in
    the text and is not a Dutch word form simplemma knows ("veiligh", "duidelijkhei").
    """
    if not text or text.endswith("\n") or not text[-1].isalpha():
        return False
    words = re.findall(r"\w+", text.lower())
    if len(words) < 20 or words[-1] in set(words[:-1]):
        return False
    import simplemma

    return not simplemma.is_known(words[-1], lang="nl")


def _load_text(path: Path, data: bytes) -> LoadedText:
    try:
        text, warnings = decode_text(data)
    except ValueError as exc:
        raise IngestError(path, str(exc)) from exc
    text = _normalise_newlines(text)
    if not text.strip():
        raise IngestError(path, "empty file (whitespace only)")
    if _looks_truncated(text):
        warnings.append(f"text may be truncated (ends mid-word: '…{text[-30:]}')")
    media = "text/markdown" if path.suffix.lower() == ".md" else "text/plain"
    fields = cvdr_fields_from_text(text)  # a CVDR page saved as text keeps its metadata block
    return LoadedText(text=text, media_type=media, page_starts=None, fields=fields, warnings=warnings)


# ----------------------------------------------------------------------------------------------- PDF


def _load_pdf(path: Path, data: bytes) -> LoadedText:
    from pypdf import PdfReader

    if not data.lstrip()[:5] == b"%PDF-":
        raise IngestError(path, "corrupt PDF: no %PDF header")
    if b"%%EOF" not in data[-2048:]:
        truncated_warning = "PDF has no end-of-file marker (truncated download?)"
    else:
        truncated_warning = None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "encrypted PDF (password required)")
        page_texts = [(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata or {}
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise IngestError(path, f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    if not page_texts:
        raise IngestError(path, "corrupt PDF: no pages")
    if not any(t.strip() for t in page_texts):
        raise IngestError(
            path,
            f"scanned PDF without a text layer ({len(page_texts)} page(s), no extractable text; run OCR)",
        )
    warnings = [truncated_warning] if truncated_warning else []
    empty = [str(i + 1) for i, t in enumerate(page_texts) if not t.strip()]
    if empty:
        warnings.append(f"pages without text (images?): {', '.join(empty)}")
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for i, page_text in enumerate(page_texts):
        if i:
            parts.append("\n\n")
            offset += 2
        starts.append(offset)
        clean = _normalise_newlines(page_text)
        parts.append(clean)
        offset += len(clean)
    fields = {}
    for key in ("/Title", "/Author", "/Subject", "/CreationDate"):
        value = info.get(key) if hasattr(info, "get") else None
        if value:
            fields[f"pdf:{key[1:]}"] = str(value)
    return LoadedText("".join(parts), "application/pdf", starts, fields, warnings)


# ---------------------------------------------------------------------------------------------- HTML

_DROP_TAGS = {
    "script",
    "style",
    "nav",
    "noscript",
    "svg",
    "form",
    "button",
    "header",
    "footer",
    "aside",
    "template",
    "iframe",
    "select",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "thead",
    "tbody",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "hr",
    "caption",
    "figure",
    "figcaption",
    "body",
    "title",
}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _HtmlText(HTMLParser):
    """Collects visible text with block boundaries as newlines and table rows as ``a | b | c`` lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.drop_depth = 0
        self.stack: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_main = 0
        self.main_out: list[str] = []
        self.dl_pairs: list[tuple[str, str]] = []
        self._dt: str | None = None
        self._dl_buf: list[str] | None = None

    def _emit(self, s: str) -> None:
        self.out.append(s)
        if self.in_main:
            self.main_out.append(s)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if tag == "br" and not self.drop_depth:
                self._text("\n") if self.cell is not None else self._emit("\n")
            return
        self.stack.append(tag)
        if self.drop_depth or tag in _DROP_TAGS:
            self.drop_depth += 1
            return
        if tag == "main" or ("role", "main") in attrs:
            self.in_main += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in ("dt", "dd"):
            self._dl_buf = []
        if tag in _BLOCK_TAGS and self.cell is None:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or tag not in self.stack:
            return
        while self.stack:  # close unclosed children too (tag soup)
            open_tag = self.stack.pop()
            if self.drop_depth:
                self.drop_depth -= 1
                if open_tag == tag:
                    return
                continue
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag == "main" and self.in_main:
            self.in_main -= 1
        if tag in ("td", "th") and self.cell is not None:
            value = " ".join("".join(self.cell).split())
            if self.row is not None:
                self.row.append(value)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.tables:
                self.tables[-1].append(self.row)
            if any(self.row):
                self._emit("\n" + " | ".join(self.row) + "\n")
            self.row = None
        elif tag in ("dt", "dd") and self._dl_buf is not None:
            value = " ".join("".join(self._dl_buf).split())
            if tag == "dt":
                self._dt = value
            elif self._dt is not None:
                self.dl_pairs.append((self._dt, value))
                self._dt = None
            self._dl_buf = None
        if tag in _BLOCK_TAGS and self.cell is None:
            self._emit("\n")

    def _text(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_data(self, data: str) -> None:
        if self.drop_depth:
            return
        if self._dl_buf is not None:
            self._dl_buf.append(data)
        if self.cell is not None:
            self.cell.append(data)
            return
        self._emit(data)


def _tidy_lines(raw: str) -> str:
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def cvdr_fields_from_tables(tables: list[list[list[str]]], pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Read CVDR label/value rows and the header-row table of changes into a field dict."""
    labels = {label.lower(): label for label in CVDR_LABELS}
    fields: dict[str, str] = {}
    for dt, dd in pairs:
        if dt.lower() in labels and dd:
            fields.setdefault(labels[dt.lower()], dd)
    for table in tables:
        rows = [r for r in table if any(c for c in r)]
        if not rows:
            continue
        header = [c.lower() for c in rows[0]]
        if sum(1 for c in header if c in labels) >= 2 and len(rows) > 1:
            # header-row table: the first data row is the current version
            for i, name in enumerate(header):
                value = rows[1][i] if i < len(rows[1]) else ""
                if name in labels and value:
                    fields.setdefault(labels[name], value)
            continue
        for row in rows:
            cells = [c for c in row if c]
            if len(cells) >= 2 and cells[0].lower() in labels:
                fields.setdefault(labels[cells[0].lower()], " ".join(cells[1:]))
    return fields


def _load_html(path: Path, data: bytes) -> LoadedText:
    raw, warnings = _decode_markup(path, data)
    parser = _HtmlText()
    try:
        parser.feed(raw)
        parser.close()
    except Exception as exc:  # noqa: BLE001 - html.parser is lenient; anything raised means garbage
        raise IngestError(path, f"unreadable HTML: {exc}") from exc
    body = "".join(parser.main_out) if "".join(parser.main_out).strip() else "".join(parser.out)
    text = _tidy_lines(body)
    fields = cvdr_fields_from_tables(parser.tables, parser.dl_pairs)
    fields.update({k: v for k, v in cvdr_fields_from_text(text).items() if k not in fields})
    return LoadedText(text, "text/html", None, fields, warnings)


def _decode_markup(path: Path, data: bytes) -> tuple[str, list[str]]:
    head = data[:2048].decode("ascii", errors="ignore")
    declared = re.search(r"""charset\s*=\s*["']?([\w-]+)""", head, re.I) or re.search(
        r"""encoding\s*=\s*["']([\w-]+)""", head, re.I
    )
    if declared:
        try:
            return data.decode(declared.group(1)), []
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_text(data)
    except ValueError as exc:
        raise IngestError(path, str(exc)) from exc


def cvdr_fields_from_text(text: str) -> dict[str, str]:
    """CVDR fields from a page copied as plain text.

    Label/value rows come out glued ("OrganisatieHengelo"); the table of changes comes out as its
    header labels on separate lines followed by the non-empty cells of the current version in column
    order (dates, "nieuwe regeling", the publication id).
    """
    fields: dict[str, str] = {}
    lines = [line.strip() for line in text.split("\n")[:300]]
    ordered = sorted(CVDR_LABELS, key=len, reverse=True)
    run: list[str] = []  # consecutive label-only lines: the header of the table of changes
    header: list[str] = []
    header_end = -1
    for i, line in enumerate(lines):
        if not line or len(line) > 150:
            continue
        label = next((lab for lab in ordered if line.lower().startswith(lab.lower())), None)
        value = line[len(label) :].strip(" :|\t") if label else ""
        if label and value:
            fields.setdefault(label, value)
        if label and not value:
            run.append(label)
            continue
        if len(run) >= 3 and not header:
            header, header_end = run, i
        run = []
    if len(fields) + len(header) < 3:  # a stray word like "Organisaties" in prose is no CVDR block
        return {}
    if header:
        fields.update(
            {
                k: v
                for k, v in _changes_row(lines[header_end : header_end + 20], header).items()
                if k not in fields
            }
        )
    return fields


_DATE_CELL = re.compile(r"^(\d{1,2}-\d{1,2}-\d{4}|\d{4}-\d{2}-\d{2})(.*)$")
_PUBLICATION_ID = re.compile(r"^[a-z]{2,5}-\d{4}-\d+$")


def _changes_row(cells: list[str], header: list[str]) -> dict[str, str]:
    """Assign the flattened cells of the first row of the CVDR change table to their columns."""
    dates: list[str] = []
    out: dict[str, str] = {}
    for cell in cells:
        if not cell:
            continue
        m = _DATE_CELL.match(cell)
        if m:
            dates.append(m.group(1))
            if m.group(2).strip():
                out["Betreft"] = m.group(2).strip()
        elif _PUBLICATION_ID.match(cell):
            out["Bron bekendmaking"] = cell
        elif len(cell) > 60:
            break
    # The first date is the entry into force; the sign date is the last date before the publication id
    # (retroactivity and expiry are normally empty, and empty cells vanish when flattened).
    if dates and "Datum inwerkingtreding" in header:
        out["Datum inwerkingtreding"] = dates[0]
    if len(dates) >= 2 and "Datum ondertekening" in header:
        out["Datum ondertekening"] = dates[-1]
    return out


# ----------------------------------------------------------------------------------------------- XML

_XML_DROP = {"meta-data", "meta", "metadata", "script", "style"}
_XML_INLINE_ROW = {"kop", "row", "tr"}
_XML_CELL = {"entry", "td", "th"}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_text(elem: ET.Element, out: list[str]) -> None:
    name = _local(elem.tag)
    if name in _XML_DROP:
        if elem.tail:
            out.append(elem.tail)
        return
    if name in _XML_INLINE_ROW:
        sep = " | " if name != "kop" else " "
        parts = []
        for child in elem:
            if _local(child.tag) in _XML_DROP:
                continue
            piece = " ".join("".join(child.itertext()).split())
            if piece:
                parts.append(piece)
        lead = " ".join((elem.text or "").split())
        out.append("\n" + " ".join(p for p in [lead, sep.join(parts)] if p) + "\n")
    else:
        if elem.text:
            out.append(elem.text)
        for child in elem:
            _xml_text(child, out)
        if len(elem) or elem.text:
            out.append("\n")
    if elem.tail:
        out.append(elem.tail)


def _load_xml(path: Path, data: bytes) -> LoadedText:
    if b"<!ENTITY" in data[:4096]:
        raise IngestError(path, "XML with entity declarations is not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise IngestError(path, f"malformed XML: {exc}") from exc
    fields: dict[str, str] = {}
    for elem in root.iter():
        name = _local(elem.tag)
        label = CVDR_XML_FIELDS.get(name)
        # a note of several paragraphs (<al>) keeps one line per paragraph
        value = "\n".join(" ".join(t.split()) for t in elem.itertext() if t.strip())
        if label and value and label not in fields:
            fields[label] = value
            if name == "creator":
                scheme = next((v for k, v in elem.attrib.items() if _local(k) == "scheme"), "")
                if scheme:
                    fields.setdefault("Organisatietype", scheme.split(":")[-1])
    body = next((e for e in root.iter() if _local(e.tag) == "body"), root)
    out: list[str] = []
    _xml_text(body, out)
    text = _tidy_lines("".join(out))
    title = fields.get("Officiële naam regeling") or fields.get("Citeertitel")
    if title and title not in text[:500]:
        text = f"{title}\n\n{text}"  # the title lives only in the metadata: put it on top as a heading
    return LoadedText(text, "application/xml", None, fields, [])


# ---------------------------------------------------------------------------------------------- DOCX


def _load_docx(path: Path, data: bytes) -> LoadedText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises zip/xml/key errors for broken files
        raise IngestError(path, f"corrupt DOCX: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = _local(child.tag)
        if tag == "p":
            para = Paragraph(child, document)
            text = para.text.strip()
            style = (para.style.name if para.style is not None else "") or ""
            if text and style.lower().startswith(("heading", "kop", "title", "titel")):
                lines.extend(["", text, ""])  # headings stay lines of their own
            else:
                lines.append(text)
        elif tag == "tbl":
            table = Table(child, document)
            lines.append("")
            for row in table.rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:
                        cells.append(value)
                if any(cells):
                    lines.append(" | ".join(cells))
            lines.append("")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    props = document.core_properties
    fields = {f"docx:{k}": v for k, v in (("title", props.title), ("author", props.author)) if v}
    return LoadedText(
        text, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", None, fields, []
    )


_LOADERS = {
    ".txt": _load_text,
    ".md": _load_text,
    ".pdf": _load_pdf,
    ".html": _load_html,
    ".htm": _load_html,
    ".xml": _load_xml,
    ".docx": _load_docx,
}
