"""Document metadata: a ``<stem>.meta.json`` sidecar wins field by field; the rest is inferred from the text.

Inference never looks at the file name.  Every field records how it was found (``FieldSource``) so a
reader can tell a sidecar value from a guess.  Cue phrases live in ``ontology/metadata_cues.json``;
municipality names come from ``ontology.municipalities`` and document-type labels from the
``doctype`` concepts of ``ontology.vocabulary``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.load import SIDECAR_SUFFIX, LoadedText
from ingest.model import DocumentMeta, FieldSource, Municipality
from ontology import language
from ontology import municipalities as mun
from ontology.vocabulary import load_concepts

log = logging.getLogger(__name__)

SIDECAR = FieldSource("sidecar", 1.0)


@lru_cache(maxsize=1)
def _year_span_rx() -> re.Pattern[str]:
    """A span of years ("2024-2027", "2021 t/m 2024"): groups 1 and 2 are the years."""
    sep = language.metadata_cues()["year_range_separators"]
    return re.compile(r"\b((?:19|20)\d\d)\s*(?:" + sep + r")\s*((?:19|20)\d\d)\b", re.IGNORECASE)


# ------------------------------------------------------------------------------------ reference data


@dataclass(frozen=True)
class _Muni:
    code: str
    name: str
    province: str | None
    current: bool
    successor: str | None  # current successor code for a dissolved municipality


@lru_cache(maxsize=1)
def _municipalities() -> tuple[_Muni, ...]:
    """All municipalities (current and dissolved), each dissolved one with today's successor."""
    out = []
    for r in mun.load_municipalities():
        successor = None if r.current else mun.current_successor(r.code)
        out.append(_Muni(r.code, r.name, r.province, r.current, successor.code if successor else None))
    return tuple(out)


def _doctype_concepts() -> dict[str, list[str]]:
    """doctype id -> Dutch labels (pref, alt, hidden) from the vocabulary."""
    return {
        cid: [lab for lab in (c.pref_label, *c.alt_labels, *c.hidden_labels) if lab]
        for cid, c in load_concepts().items()
        if c.type == "doctype"
    }


def _labels(concept: Any) -> list[str]:
    labels = [concept.pref_label, *concept.alt_labels, *concept.hidden_labels]
    return [lab for lab in labels if lab]


def _instrument_labels(concept_id: str) -> list[str]:
    """Dutch labels of an instrument concept (the pref label may hold "A / B": both count)."""
    concept = load_concepts().get(concept_id)
    if concept is None:
        return []
    return [part.strip() for lab in _labels(concept) for part in lab.split(" / ") if part.strip()]


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, ...]]:
    """code -> alias names ("Den Haag") from the ontology's alias list."""
    out: dict[str, list[str]] = defaultdict(list)
    for code, alias in mun.load_aliases():
        out[code].append(alias)
    return {k: tuple(v) for k, v in out.items()}


APOSTROPHES = ("\u2019", "\u2018", "`")  # typographic forms of the "'" in "'s-Hertogenbosch"


def _surface_forms(m: _Muni) -> list[str]:
    base = re.sub(r"\s*\(.*?\)\s*$", "", m.name).strip()
    forms = {m.name, base, *_aliases().get(m.code, ())}
    forms |= {f.replace("'", a) for f in forms if "'" in f for a in APOSTROPHES}
    return [f for f in forms if f]


@lru_cache(maxsize=1)
def _name_index() -> tuple[re.Pattern[str], dict[str, list[_Muni]]]:
    """One regex over every municipality surface form (as written and in capitals) -> candidates."""
    by_form: dict[str, list[_Muni]] = defaultdict(list)
    for m in _municipalities():
        for form in _surface_forms(m):
            by_form[form.lower()].append(m)
    forms = sorted(
        {f for ms in by_form.values() for m in ms for f in _surface_forms(m)}, key=len, reverse=True
    )
    alternatives = []
    for f in forms:
        alternatives.append(re.escape(f))
        if f.upper() != f:
            alternatives.append(re.escape(f.upper()))
    pattern = re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])")
    return pattern, dict(by_form)


# ------------------------------------------------------------------------------------------- entry


def build_meta(path: Path, loaded: LoadedText, doc_id: str) -> DocumentMeta:
    """Metadata for one loaded file: sidecar values where given, inferred values elsewhere."""
    path = Path(path)
    meta = DocumentMeta(doc_id=doc_id, file=path.name, media_type=loaded.media_type)
    if path.is_file():
        meta.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    infer_into(meta, loaded.text, loaded.fields)
    sidecar = read_sidecar(path)
    if sidecar:
        apply_sidecar(meta, sidecar, path)
    return meta


def sidecar_path(path: Path) -> Path:
    return (
        path.with_name(path.stem + SIDECAR_SUFFIX)
        if path.suffix
        else path.with_name(path.name + SIDECAR_SUFFIX)
    )


def read_sidecar(path: Path) -> dict[str, Any] | None:
    side = sidecar_path(Path(path))
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(side, f"invalid sidecar JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise IngestError(side, "invalid sidecar: expected a JSON object")
    return data


def apply_sidecar(meta: DocumentMeta, data: dict[str, Any], path: Path) -> None:
    """Overwrite each field the sidecar names (an explicit null clears the inferred value)."""
    if "municipality" in data:
        meta.municipality = _sidecar_municipality(data["municipality"], path)
        meta.sources["municipality"] = SIDECAR
    if "document_type" in data:
        meta.doc_type = data["document_type"]
        meta.sources["doc_type"] = SIDECAR
    for key in ("title", "subtitle", "reference"):
        if key in data:
            setattr(meta, key, data[key])
            meta.sources[key] = SIDECAR
    if "period" in data:
        period = data["period"] or {}
        meta.period_start, meta.period_end = period.get("start"), period.get("end")
        meta.sources["period"] = SIDECAR
    if "dates" in data:
        for kind, value in (data["dates"] or {}).items():
            if value:
                meta.dates[kind] = value
                meta.sources[f"date:{kind}"] = SIDECAR


def _sidecar_municipality(value: Any, path: Path) -> Municipality | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"name": value}
    code, name = value.get("code"), value.get("name")
    if code and name:
        return Municipality(name=name, code=code)
    found = _lookup(code=code, name=name)
    if found is None:
        raise IngestError(sidecar_path(path), f"unknown municipality in sidecar: {value}")
    return found


def _lookup(code: str | None = None, name: str | None = None) -> Municipality | None:
    for m in _municipalities():
        if (code and m.code.lower() == code.lower()) or (name and m.name.lower() == name.lower()):
            return Municipality(m.name, m.code)
    return None


# --------------------------------------------------------------------------------------- inference


def infer_into(meta: DocumentMeta, text: str, fields: dict[str, str]) -> None:
    """Fill ``meta`` from the text and format fields, recording a FieldSource for each field."""
    front = text[: language.metadata_cues()["front_matter_chars"] * 2]
    title, subtitle, title_src = infer_title(text, fields)
    if title:
        meta.title, meta.sources["title"] = title, title_src
    if subtitle:
        meta.subtitle, meta.sources["subtitle"] = (
            subtitle,
            FieldSource(title_src.method, title_src.confidence * 0.8),
        )
    found = infer_municipality(text, fields, title)
    if found:
        meta.municipality, meta.sources["municipality"] = found
    doc_type = infer_doc_type(text, title, fields)
    if doc_type:
        meta.doc_type, meta.sources["doc_type"] = doc_type
    period = infer_period(front, title, subtitle, meta.doc_type)
    if period:
        (meta.period_start, meta.period_end), meta.sources["period"] = period
    for kind, (iso, src) in infer_dates(text, fields).items():
        meta.dates[kind] = iso
        meta.sources[f"date:{kind}"] = src
    ref = infer_reference(front, fields)
    if ref:
        meta.reference, meta.sources["reference"] = ref


# ---- municipality


def infer_municipality(
    text: str, fields: dict[str, str], title: str | None = None
) -> tuple[Municipality, FieldSource] | None:
    """The municipality that issued the document.

    A CVDR "Organisatie" field settles it.  Otherwise every mention of a municipality name is scored by
    the phrase before it (``de raad van de gemeente X`` counts far more than a bare ``X``), doubled in
    the front matter, and ignored after organisation prefixes (``Veiligheidsregio Twente``) and in
    postal addresses.  Names shared by several municipalities are resolved by a province named in the
    text.
    """
    cues = language.metadata_cues()
    org = fields.get("Organisatie")
    if org and fields.get("Organisatietype", "Gemeente").lower() == "gemeente":
        cands = _candidates(org)
        if cands:
            m, note = _resolve(cands, text)
            return m, FieldSource("cvdr:Organisatie" + note, 1.0)
    pattern, _ = _name_index()
    prefix_cues = [
        (re.compile(r"(?:" + c["pattern"] + r")\s*$", re.I), c["weight"], c["method"])
        for c in cues["municipality_prefix_cues"]
    ]
    ignore_pre = re.compile(r"(?:^|\W)(?:" + "|".join(cues["municipality_ignore_prefixes"]) + r")\s*$", re.I)
    ignore_suf = re.compile(r"^\s*(?:" + "|".join(cues["municipality_ignore_suffixes"]) + r")", re.I)
    front_chars, front_factor = cues["front_matter_chars"], cues["front_matter_factor"]
    scores: dict[str, float] = defaultdict(float)
    methods: dict[str, tuple[float, str]] = {}
    forms: dict[str, str] = {}
    for match in pattern.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 80) : match.start()]
        after = text[match.end() : match.end() + 30]
        if ignore_pre.search(before) or ignore_suf.search(after):
            continue
        weight, method = cues["bare_mention_weight"], "text:mention"
        for rx, w, meth in prefix_cues:
            if rx.search(before):
                weight, method = w, meth
                break
        line_end = text.find("\n", match.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
        if match.start() < front_chars and _is_letterhead(line, match.group(1)):
            weight, method = max(weight, cues["letterhead_weight"]), "letterhead"
        if match.start() < front_chars:
            weight *= front_factor
        key = match.group(1).lower()
        forms[key] = match.group(1)
        scores[key] += weight
        if weight > methods.get(key, (0.0, ""))[0]:
            methods[key] = (weight, method)
    if title:
        for match in pattern.finditer(title):
            key = match.group(1).lower()
            forms[key] = match.group(1)
            scores[key] += cues["title_mention_weight"]
            methods[key] = (99.0, "title")
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best_key, best = ranked[0]
    total = sum(scores.values())
    share = best / total if total else 0.0
    strength = min(1.0, methods[best_key][0] / 8)
    confidence = round(min(0.95, 0.4 + 0.35 * share + 0.2 * strength), 2)
    m, note = _resolve(_candidates(forms[best_key]), text)
    return m, FieldSource(methods[best_key][1] + note, confidence)


def _is_letterhead(line: str, name: str) -> bool:
    """A line that is just "Gemeente X" or "X" (a letterhead or cover), not a sentence."""
    rest = line.replace(name, "", 1).strip(" ,.:|-").lower()
    return rest in ("", "gemeente")


def _candidates(name: str) -> list[_Muni]:
    _, by_form = _name_index()
    cands = by_form.get(name.strip().lower(), [])
    if not cands:
        base = re.sub(r"\s*\(.*?\)\s*$", "", name).strip().lower()
        cands = by_form.get(base, [])
    return cands


def _resolve(cands: list[_Muni], text: str) -> tuple[Municipality, str]:
    """Pick one of the municipalities sharing a name, then map a dissolved one to its successor."""
    current = [c for c in cands if c.current] or cands
    chosen = current[0]
    if len(current) > 1:
        counts = {c.code: len(re.findall(re.escape(c.province or "\0"), text, re.I)) for c in current}
        chosen = max(current, key=lambda c: counts[c.code])
    note = ""
    if not chosen.current and chosen.successor:
        succ = next((m for m in _municipalities() if m.code == chosen.successor), None)
        if succ is not None:
            note = f";dissolved:{chosen.code}({chosen.name})->{succ.code}"
            chosen = succ
    return Municipality(chosen.name, chosen.code), note


# ---- title


def infer_title(text: str, fields: dict[str, str]) -> tuple[str | None, str | None, FieldSource]:
    """Title and subtitle: CVDR name, else an "Onderwerp" header field, else the first heading block."""
    front = text[:6000]
    for label in ("Officiële naam regeling", "Citeertitel"):
        if fields.get(label):
            title = fields[label].strip()
            return title, _line_after(front, title), FieldSource(f"cvdr:{label}", 1.0)
    above = _line_before_version(front)
    if above:
        return above, None, FieldSource("cvdr:title-above-geldend", 0.95)
    subject = _header_field(front, language.metadata_cues()["title_field_labels"])
    if subject:
        value = re.sub(r"^\d{4,}\s*[-–:]\s*", "", subject).strip()
        if value:
            return value, None, FieldSource("text:onderwerp", 0.85)
    for key in ("docx:title", "pdf:Title"):
        if fields.get(key) and len(fields[key]) > 3:
            return fields[key], None, FieldSource(key, 0.6)
    title, subtitle = _heading_block(front)
    return title, subtitle, FieldSource("text:first-heading", 0.7)


def _line_before_version(front: str) -> str | None:
    """On a CVDR page the regulation's name is the heading right above "Geldend van … t/m …"."""
    lines = [line.strip() for line in front.split("\n")]
    version = re.compile(language.metadata_cues()["title_before_line"], re.I)
    for i, line in enumerate(lines):
        if version.match(line):
            above = next((x for x in reversed(lines[:i]) if x), "")
            return above if _heading_like(above, 200) else None
    return None


def _line_after(front: str, title: str) -> str | None:
    """The short line after the title's last appearance in the front matter (a subtitle)."""
    pos = front.rfind(title)
    if pos < 0:
        return None
    for line in front[pos + len(title) :].split("\n")[:6]:
        line = line.strip()
        if line:
            return line if _heading_like(line, 120) and not _is_front_word(line) else None
    return None


def _header_field(front: str, labels: list[str]) -> str | None:
    """A labelled header value: a ``| Onderwerp |`` table, ``Onderwerp: x`` or a label line + value line."""
    lines = [line.strip() for line in front.split("\n")]
    label_rx = re.compile(r"^(?:" + "|".join(map(re.escape, labels)) + r")\b", re.I)
    for i, line in enumerate(lines):
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            idx = next((k for k, c in enumerate(cells) if label_rx.match(c) and len(c) < 20), None)
            if idx is None:
                continue
            for nxt in lines[i + 1 : i + 4]:
                if nxt.startswith("|") and not set(nxt) <= set("|-: "):
                    vals = [c.strip() for c in nxt.strip("|").split("|")]
                    if idx < len(vals) and vals[idx]:
                        return vals[idx]
                    break
            continue
        m = label_rx.match(line)
        if not m:
            continue
        rest = line[m.end() :].strip()
        if rest.startswith(":") and len(rest) > 2:
            return rest[1:].strip()
        if not rest:
            nxt = next((x for x in lines[i + 1 : i + 4] if x), "")
            if nxt and len(nxt) < 150:
                return nxt
    return None


def _heading_like(line: str, max_len: int = 90) -> bool:
    """A short line without closing punctuation, no table-of-contents entry and no bullet (a breadcrumb
    "• Bestuur" above a web page's title is no title)."""
    return (
        0 < len(line) <= max_len
        and not line.endswith((".", ",", ";"))
        and not re.search(r"\t\d+$", line)
        and not line.startswith(("•", "·", "- ", "* "))
    )


def _is_front_word(line: str) -> bool:
    words = language.metadata_cues()["front_section_words"]
    return line.strip().lower().rstrip(":") in words


def _heading_block(front: str) -> tuple[str | None, str | None]:
    lines = [line.strip() for line in front.split("\n") if line.strip()][:40]
    title_lines: list[str] = []
    i = 0
    while i < len(lines) and not _heading_like(lines[i]):
        i += 1
    while (
        i < len(lines) and len(title_lines) < 5 and _heading_like(lines[i]) and not _is_front_word(lines[i])
    ):
        line = lines[i]
        if title_lines and not (
            line.isupper() or _year_span_rx().search(line) or re.fullmatch(r"[\d\s–-]+", line)
        ):
            break
        title_lines.append(line)
        i += 1
        if _year_span_rx().search(" ".join(title_lines)) or not line.isupper():
            break
    if not title_lines:
        return None, None
    title = _tidy_title(" ".join(title_lines))
    subtitle = None
    if i < len(lines) and _heading_like(lines[i], 120) and not _is_front_word(lines[i]):
        subtitle = _tidy_title(lines[i])
    return title, subtitle


def _tidy_title(s: str) -> str:
    s = " ".join(s.split())
    s = _year_span_rx().sub(lambda m: f"{m.group(1)}-{m.group(2)}", s)
    if s.isupper():
        s = s.lower().capitalize()
        pattern, by_form = _name_index()
        s = re.sub(pattern.pattern, lambda m: _proper(m.group(1), by_form), s, flags=re.I)
    return s


def _proper(form: str, by_form: dict[str, list[_Muni]]) -> str:
    cands = by_form.get(form.lower())
    if not cands:
        return form
    base = re.sub(r"\s*\(.*?\)\s*$", "", cands[0].name)
    return base if base.lower() == form.lower() else form


# ---- document type


def infer_doc_type(text: str, title: str | None, fields: dict[str, str]) -> tuple[str, FieldSource] | None:
    """Match doctype labels in the title (strongest), the header, then the opening text.

    An "envelope" type (raadsvoorstel, raadsbrief) only wins when no content type is named in the title:
    a raadsvoorstel about an integraal veiligheidsplan is filed as the plan.
    """
    cues = language.metadata_cues()
    concepts = _doctype_concepts()
    envelopes = set(cues["doctype_envelopes"])
    zones = [(title or "", 10.0), (text[:600], 3.0), (text[:4000], 1.0)]
    scores: dict[str, float] = defaultdict(float)
    in_title: set[str] = set()
    for cid, labels in concepts.items():
        if cid == cues["doctype_default"]:
            continue  # "overige" is an ordinary word; the catch-all type is only a fallback
        rx = _label_regex(labels)
        if rx is None:
            continue
        for zone, weight in zones:
            hits = len(rx.findall(zone))
            if hits:
                scores[cid] += weight * min(hits, 3)
                if weight >= 10:
                    in_title.add(cid)
    if title:
        _instrument_types(title, scores, in_title)
    if not scores:
        if re.search(cues["letter_salutation"], text[:5000], re.I | re.M) and re.search(
            cues["letter_closing"], text, re.I
        ):
            return cues["doctype_envelopes"][-1], FieldSource("text:letter-form", 0.5)
        return (cues["doctype_default"], FieldSource("default", 0.2)) if concepts else None
    titled = [c for c in scores if c in in_title]  # vocabulary order, so a tie always ends the same way
    pool = [c for c in titled if c not in envelopes] or titled or list(scores)
    best = max(pool, key=lambda c: scores[c])
    method = "title" if best in in_title else "text:front-matter"
    confidence = 0.9 if best in in_title else round(min(0.7, 0.3 + 0.05 * scores[best]), 2)
    return best, FieldSource(f"{method}:doctype-label", confidence)


def _instrument_types(title: str, scores: dict[str, float], in_title: set[str]) -> None:
    """Types about one instrument (Damocles, Bibob) need the title: their own label there, or the
    instrument's label beside a generic type ("Beleidsregels toepassing Wet Bibob").  Named only in the
    text they are dropped: a coffeeshop policy that cites artikel 13b is no Damocles policy."""
    cues = language.metadata_cues()
    generic = [c for c in cues["doctype_generic"] if c in in_title]
    for doctype, instrument in cues["doctype_instruments"].items():
        if doctype.startswith("_") or doctype in in_title:
            continue
        rx = _label_regex(_instrument_labels(instrument))
        if generic and rx is not None and rx.search(title):
            scores[doctype] += scores[generic[0]] + 1.0
            in_title.add(doctype)
            for g in generic:
                in_title.discard(g)
        else:
            scores.pop(doctype, None)


def _label_regex(labels: list[str]) -> re.Pattern[str] | None:
    parts = []
    for lab in sorted(dict.fromkeys(labels), key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s-]+", lab.strip()) if w]
        if words:
            parts.append(r"[\s-]+".join(words))
    if not parts:
        return None
    # a hyphen binds: "beleidsregel" inside "Bibob-beleidsregel" is not a match of its own
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.I)


# ---- period


def infer_period(
    front: str, title: str | None, subtitle: str | None, doc_type: str | None
) -> tuple[tuple[int, int], FieldSource] | None:
    """A year range from the title, else one introduced by a period cue ("periode 2021-2024") up front."""
    for source, conf, s in (("title", 0.95, title), ("subtitle", 0.8, subtitle)):
        rng = _year_range(s or "")
        if rng:
            return rng, FieldSource(source, conf)
    if doc_type in set(language.metadata_cues()["doctype_envelopes"]):
        return None  # a letter or proposal that mentions a plan's period does not have one itself
    cue = "|".join(map(re.escape, language.metadata_cues()["period_cues"]))
    gap = language.metadata_cues()["period_cue_gap"]
    m = re.search(r"(?:" + cue + r")" + gap + _year_span_rx().pattern, front, re.I)
    if m:
        rng = _year_range(m.group(0))
        if rng:
            return rng, FieldSource("text:period-cue", 0.6)
    return None


def _year_range(s: str) -> tuple[int, int] | None:
    for m in _year_span_rx().finditer(s):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 12:
            return a, b
    return None


# ---- dates


def parse_dutch_date(s: str) -> str | None:
    """ISO date for "17 september 2024", "06-03-2024", "6/3/2024" or "2024-03-06"; None otherwise."""
    months = language.metadata_cues()["months"]
    s = s.strip().lower()
    m = re.search(r"\b(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})\b", s)
    if m and m.group(2) in months:
        return _iso(int(m.group(3)), months[m.group(2)], int(m.group(1)))
    m = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", s)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b", s)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def _iso(y: int, mo: int, d: int) -> str | None:
    import datetime as dt

    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def date_pattern() -> str:
    months = "|".join(sorted(language.metadata_cues()["months"], key=len, reverse=True))
    return r"(?:\d{1,2}\s+(?:" + months + r")\.?\s+\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"


def infer_dates(text: str, fields: dict[str, str]) -> dict[str, tuple[str, FieldSource]]:
    """Dates by kind: CVDR fields first, then a date shortly after a cue ("vastgesteld in de vergadering")."""
    out: dict[str, tuple[str, FieldSource]] = {}
    for label, kind in (("Datum inwerkingtreding", "in_force"), ("Datum ondertekening", "signed")):
        iso = parse_dutch_date(fields.get(label, ""))
        if iso:
            out[kind] = (iso, FieldSource(f"cvdr:{label}", 0.9))
    date_rx = date_pattern()
    for cue in language.metadata_cues()["date_kind_cues"]:
        kind = cue["kind"]
        if kind in out:
            continue
        if kind == "letter":
            value = _header_field(text[:5000], ["datum"])
            iso = parse_dutch_date(value) if value else None
            if iso:
                out[kind] = (iso, FieldSource("text:header-datum", 0.85))
            continue
        gap = language.metadata_cues()["date_cue_gap"]
        m = re.search(r"\b(?:" + cue["pattern"] + r")" + gap + r"(" + date_rx + r")", text, re.I)
        if m:
            iso = parse_dutch_date(m.group(1))
            if iso:
                out[kind] = (iso, FieldSource(f"text:{kind}-cue", 0.75))
    return out


# ---- reference


def infer_reference(front: str, fields: dict[str, str]) -> tuple[str, FieldSource] | None:
    """The zaaknummer (or other kenmerk) near its label, else a publication id such as gmb-2024-94270."""
    cues = language.metadata_cues()
    for label in cues["reference_labels"]:
        value = _header_field(front, [label])
        m = re.match(r"\s*(\d{5,})\b", value or "")
        if not m:
            near = re.search(re.escape(label) + r"\b[^\d]{0,120}?(\d{5,})\b", front, re.I | re.S)
            m = near
        if m:
            return f"{label} {m.group(1)}", FieldSource(f"text:{label}", 0.8)
    if fields.get("Bron bekendmaking"):
        return fields["Bron bekendmaking"], FieldSource("cvdr:Bron bekendmaking", 1.0)
    m = re.search(cues["publication_id_pattern"], front)
    if m:
        return m.group(0), FieldSource("text:publication-id", 0.7)
    return None
