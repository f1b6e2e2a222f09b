"""Comparison commands: ``compare`` (two documents or a municipality's successive plans), ``matrix``,
``timeline`` and ``unique``. Each calls the search.compare / graph.overview function the HTTP API
calls; ``--json`` prints that function's result unchanged, otherwise a short Dutch summary with evidence.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from api.cli.common import print_json, user_errors

STATE_SIGNS = {"added": "+", "removed": "-", "kept": "="}
EVIDENCE_CHARS = 110


def _run(ctx: click.Context, work: Callable[[Any], Any]) -> Any:
    """Open the store read-only and run ``work(store)`` (commands wear ``user_errors`` for the errors)."""
    from graph.store import GraphStore

    with GraphStore.open(ctx.obj["home"], read_only=True) as store:
        return work(store)


def _short(text: str | None, limit: int = EVIDENCE_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(evidence: list[dict]) -> str:
    if not evidence:
        return ""
    ev = evidence[0]
    more = f" (+{len(evidence) - 1})" if len(evidence) > 1 else ""
    where = ev.get("section") or ev.get("passage") or ""
    return f"  “{_short(ev.get('text'))}”{more}" + (f"  [{_short(where, 50)}]" if where else "")


def _doc_line(doc: dict) -> str:
    period = f" ({doc['period']})" if doc.get("period") else ""
    return f"{doc.get('title') or doc['file']}{period} — {doc['file']}"


def _side_line(side: dict) -> str:
    """A document, or a municipality with the documents that stand for it."""
    if "documents" in side:
        return f"{side['name']} — " + "; ".join(_doc_line(d) for d in side["documents"])
    return _doc_line(side)


def format_comparison(result: dict) -> str:
    """A readable Dutch summary of a comparison: the headline, the aligned goals, then every category."""
    # here: the comparison (numpy, model) loads on use only
    from search.compare import CATEGORY_LABELS
    from search.headline import RELATION_LABELS

    lines = [f"A: {_side_line(result['a'])}", f"B: {_side_line(result['b'])}", ""]
    words = result["summary"]["labels"]  # "nieuw" / "vervallen", or "alleen <gemeente>" side by side
    width = max(len(words[state]) for state in STATE_SIGNS)
    lines += [result["summary"]["text"], "", f"{words['goals_kept']}:"]
    for item in result["goals"]["kept"]:
        lines.append(f"  = {RELATION_LABELS[item['relation']]:<15} A: {_short(item['text_a'], 90)}")
        lines.append(f"    {'':<15} B: {_short(item['text_b'], 90)}")
        if item["changes"]:
            lines.append(f"    {'':<15} ({'; '.join(item['changes'])})")
    lines.append("")
    for category, title in CATEGORY_LABELS.items():
        block = result[category]
        counts = ", ".join(f"{len(block[s])} {words[s]}" for s in STATE_SIGNS)
        lines.append(f"{title}: {counts}")
        for state, sign in STATE_SIGNS.items():
            word = words[state]
            for item in block[state]:
                label = _short(item["label"], 90)
                extra = ""
                if category == "instruments" and item.get("status_changed"):
                    extra = f"  (status {item['status_a']} → {item['status_b']})"
                elif category == "instruments":
                    extra = f"  ({item.get('status_b') or item.get('status_a') or '?'})"
                if category == "priority_themes" and state == "kept" and item.get("declared_new_in_b"):
                    extra = "  (B noemt dit een nieuwe prioriteit)"
                if category == "goals" and state == "kept":
                    extra = f"  ({RELATION_LABELS[item['relation']]}; was “{_short(item['text_a'], 70)}”)"
                if category == "targets" and item.get("changed"):
                    changes = "; ".join(f"{k}: {v['from']} → {v['to']}" for k, v in item["changed"].items())
                    extra = f"  ({changes})"
                evidence = item["evidence_b"] if state != "removed" else item["evidence_a"]
                lines.append(f"  {sign} {word:<{width}} {label}{extra}")
                quote = _quote(evidence)
                if quote:
                    lines.append(f"    {quote.strip()}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


@click.command("compare")
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option("--municipality", "-m", help="Vergelijk de opeenvolgende beleidsperioden van een gemeente.")
@click.option("--versus", help="Met --municipality: vergelijk die gemeente met deze gemeente.")
@click.option("--threshold", type=float, default=None, help="Drempel (score) voor doelen die doorlopen.")
@click.option("--json", "as_json", is_flag=True, help="JSON op stdout.")
@click.pass_context
@user_errors
def compare_cmd(
    ctx: click.Context,
    a: str | None,
    b: str | None,
    municipality: str | None,
    versus: str | None,
    threshold: float | None,
    as_json: bool,
) -> None:
    """Vergelijk twee documenten (A → B, op bestandsnaam of doc_id), de beleidsperioden van een gemeente,
    of twee gemeenten (--municipality A --versus B)."""
    from search.compare import comparison

    result = _run(ctx, lambda store: comparison(store, a, b, municipality, versus, goal_threshold=threshold))
    if as_json:
        print_json(result)
        return
    if not municipality or versus:
        click.echo(format_comparison(result), nl=False)
        return
    if not result["comparisons"]:
        click.echo(f"{result['municipality']['name']}: minder dan twee documenten met een beleidsperiode.")
    for item in result["comparisons"]:
        click.echo(format_comparison(item))


@click.command("matrix")
@click.option(
    "--kind", type=click.Choice(["instrument", "partner", "theme"]), default="instrument", show_default=True
)
@click.option("--theme", help="Alleen voor dit thema (id of label), bv. ondermijning.")
@click.option("--period", type=int, help="Alleen documenten waarvan de periode dit jaar bevat.")
@click.option("--used-only", is_flag=True, help="Alleen instrumenten die worden toegepast of voorgenomen.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV op stdout.")
@click.option("--json", "as_json", is_flag=True, help="JSON op stdout.")
@click.option("--no-quotes", is_flag=True, help="Zonder citaten per cel (sneller; de CSV heeft ze nooit).")
@click.pass_context
@user_errors
def matrix_cmd(
    ctx: click.Context,
    kind: str,
    theme: str | None,
    period: int | None,
    used_only: bool,
    as_csv: bool,
    as_json: bool,
    no_quotes: bool,
) -> None:
    """Gemeente × instrument (of partner): wie noemt of gebruikt wat, met bewijs."""
    from graph import overview

    quotes = not (no_quotes or as_csv)
    result = _run(
        ctx, lambda store: overview.matrix(store, kind, theme, period, used_only=used_only, quotes=quotes)
    )
    if as_json:
        print_json(result)
    elif as_csv:
        sys.stdout.write(overview.matrix_csv(result))
    else:
        click.echo(format_matrix(result), nl=False)


def format_matrix(m: dict) -> str:
    """Per municipality the concepts it has (document count and status)."""
    title = f"Matrix {m['kind']}"
    if m.get("theme"):
        title += f" — thema {m['theme']['label']}"
    if m.get("period"):
        title += f" — {m['period']}"
    lines = [title, ""]
    labels = {c["id"]: c["label"] for c in m["columns"]}
    for row in m["rows"]:
        cells = m["cells"].get(row["id"], {})
        lines.append(f"{row['label']} ({len(cells)}):")
        for cid in (c["id"] for c in m["columns"] if c["id"] in cells):
            cell = cells[cid]
            status = f", {cell['status']}" if cell.get("status") else ""
            lines.append(f"  {labels[cid]} — {cell['count']} doc.{status}{_quote(cell['evidence'])}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


@click.command("timeline")
@click.option("--municipality", "-m", required=True, help="Gemeente (naam of CBS-code).")
@click.option("--concept", "-c", help="Eén begrip (id of label); ook nauwere begrippen tellen mee.")
@click.option("--kind", type=click.Choice(["theme", "instrument", "partner"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="JSON op stdout.")
@click.pass_context
@user_errors
def timeline_cmd(
    ctx: click.Context, municipality: str, concept: str | None, kind: str | None, as_json: bool
) -> None:
    """Per begrip: in welke documenten en perioden van een gemeente het voorkomt."""
    from graph.overview import timeline

    result = _run(ctx, lambda store: timeline(store, municipality, concept, kind=kind))
    if as_json:
        print_json(result)
        return
    docs = result["documents"]
    click.echo(f"{result['municipality']['name']}: {len(docs)} documenten")
    for doc in docs:
        click.echo(f"  {doc['period'] or doc['date'] or '—':<10} {doc['file']}")
    click.echo("")
    for entry in result["concepts"]:
        stamps = []
        for app in entry["appearances"]:
            mark = app["period"] or app["date"] or app["file"]
            if app.get("status"):
                mark += f" ({app['status']})"
            elif app.get("priority"):
                mark += " (prioriteit)"
            stamps.append(mark)
        click.echo(f"{entry['kind']:<10} {entry['label']}: {', '.join(stamps)}")


@click.command("unique")
@click.option("--municipality", "-m", required=True, help="Gemeente (naam of CBS-code).")
@click.option(
    "--kind", type=click.Choice(["theme", "instrument", "partner"]), default="instrument", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="JSON op stdout.")
@click.pass_context
@user_errors
def unique_cmd(ctx: click.Context, municipality: str, kind: str, as_json: bool) -> None:
    """Begrippen die alleen deze gemeente noemt (de andere gemeenten in de graaf niet)."""
    from graph.overview import unique_concepts

    result = _run(ctx, lambda store: unique_concepts(store, municipality, kind))
    if as_json:
        print_json(result)
        return
    others = ", ".join(result["compared_with"]) or "geen andere gemeenten"
    click.echo(f"{result['municipality']['name']} — alleen hier ({kind}), vergeleken met {others}:")
    for item in result["concepts"]:
        click.echo(f"  {item['label']} ({item['id']}){_quote(item['evidence'])}")


COMMANDS: list = [compare_cmd, matrix_cmd, timeline_cmd, unique_cmd]
