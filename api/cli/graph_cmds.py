"""Graph commands: ingest, remove, sparql, which, facts, stats, export, validate.

Each command calls the same graph/ function the HTTP API serves; readable output uses rich tables
on stdout, ``--json`` prints the function's dict unchanged. Errors a user can cause end with a
message on stderr and exit code 2 (no traceback).
"""

from __future__ import annotations

import csv
import io
import logging
import sys
from pathlib import Path

import click
from rich.table import Table

from api.cli.common import err, fail, out, print_json, user_errors
from api.cli.writing import no_wait_option, refresh_search

log = logging.getLogger(__name__)


def _open_read(home: Path):
    from graph.store import GraphStore

    return GraphStore.open(home, read_only=True)


# -- ingest / remove --------------------------------------------------------------------------------


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the ingest report as JSON.")
@click.option("--no-search", is_flag=True, help="Only update the graph, not the search index.")
@click.option(
    "--serial",
    is_flag=True,
    help="Embed passages after the graph side instead of in a second process beside it "
    "(also: BELEIDSGRAAF_INGEST_OVERLAP=off).",
)
@no_wait_option
@click.pass_context
@user_errors
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    as_json: bool,
    no_search: bool,
    serial: bool,
    no_wait: bool,
) -> None:
    """Ingest files or folders (txt, pdf, html, xml, docx) into the graph and the search index."""
    from search.embed_worker import EmbeddingFailed
    from search.ingest_index import ingest_and_index

    home = ctx.obj["home"]
    try:
        result = ingest_and_index(
            list(paths),
            home,
            progress=not as_json and sys.stderr.isatty(),
            wait=not no_wait,
            search=not no_search,
            overlap=False if serial else None,
        )
    except EmbeddingFailed as exc:
        err.print(
            f"[red]ingest stopped:[/] {exc}\nDocuments ingested before it stay in the graph; the search "
            "index was not updated (`beleidsgraaf reindex` rebuilds it).",
            highlight=False,
        )
        sys.exit(1)
    report = result.report
    if as_json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    if report.failures and not report.documents:
        sys.exit(1)


def _print_report(report) -> None:
    table = Table(title="Ingested documents", show_lines=False)
    for column in ("file", "passages", "facts", "asserted", "inferred", "seconds"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for doc in report.documents:
        table.add_row(
            doc.file,
            str(doc.passages),
            str(doc.facts),
            str(doc.asserted),
            str(doc.inferred),
            f"{doc.seconds:.2f}",
        )
    totals = report.totals
    table.add_row(
        "[bold]total[/]",
        str(totals["passages"]),
        str(totals["facts"]),
        str(totals["asserted"]),
        str(totals["inferred"]),
        f"{totals['seconds']:.2f}",
    )
    out.print(table)
    if report.stage_seconds:
        stages = ", ".join(
            f"{k} {v:.2f}s" for k, v in sorted(report.stage_seconds.items(), key=lambda kv: -kv[1])
        )
        out.print(f"time per stage: {stages}")
    for file, reason in report.failures:
        err.print(f"[red]failed[/] {file}: {reason}", highlight=False)


@click.command()
@click.argument("document")
@click.option("--no-search", is_flag=True, help="Only update the graph, not the search index.")
@no_wait_option
@click.pass_context
@user_errors
def remove(ctx: click.Context, document: str, no_search: bool, no_wait: bool) -> None:
    """Remove a document (file name or doc_id) from the graph and the search index."""
    from graph.build import remove as remove_document
    from graph.writelock import write_lock

    home = ctx.obj["home"]
    with write_lock(home, "remove", wait=not no_wait):
        doc_id = remove_document(home, document)
        if not no_search:
            refresh_search(home, purpose="remove")
    err.print(f"removed {doc_id}")


# -- sparql -----------------------------------------------------------------------------------------


@click.command()
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds before giving up.")
@click.pass_context
@user_errors
def sparql(ctx: click.Context, query: str | None, query_file: Path | None, fmt: str, timeout: float) -> None:
    """Run a SPARQL SELECT (default graph = union of all graphs; bg:, skos:, dcterms: ... predeclared)."""
    if bool(query) == bool(query_file):
        fail("give a QUERY or --file (not both)")
    text = query_file.read_text(encoding="utf-8") if query_file else query
    with _open_read(ctx.obj["home"]) as store:
        rows = store.select(text, timeout=timeout)
    columns = list(rows[0]) if rows else []
    if fmt == "json":
        print_json(rows)
    elif fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, delimiter="," if fmt == "csv" else "\t")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if row[c] is None else _short(str(row[c])) for c in columns))
        out.print(table)
        err.print(f"{len(rows)} rows")


def _short(value: str) -> str:
    from graph.namespaces import PREFIXES

    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if value.startswith(iri) and len(value) > len(iri):
            return f"{prefix}:{value[len(iri) :]}"
    return value


# -- which / facts / stats --------------------------------------------------------------------------


@click.command()
@click.option("--instrument", help="Instrument label or id (Dutch or English), e.g. 'artikel 13b Opiumwet'.")
@click.option("--theme", help="Theme label or id, e.g. ondermijning.")
@click.option("--partner", help="Partner label or id, e.g. politie.")
@click.option(
    "--validity",
    type=click.Choice(["in_force", "lapsed", "any"]),
    default="in_force",
    show_default=True,
    help="Documents in force (those stating no end count as in force), lapsed ones only, or all.",
)
@click.option(
    "--evidence",
    "evidence_limit",
    type=click.IntRange(min=0),
    default=None,
    help="Quote at most this many facts per municipality and criterion (0: all; default: 5).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def which(
    ctx: click.Context,
    instrument: str | None,
    theme: str | None,
    partner: str | None,
    validity: str,
    evidence_limit: int | None,
    as_json: bool,
) -> None:
    """Which municipalities use an instrument (against a theme), have a theme or work with a partner."""
    from graph.queries import which as which_query

    if not (instrument or theme or partner):
        fail("give at least one of --instrument, --theme, --partner")
    with _open_read(ctx.obj["home"]) as store:
        limit = {} if evidence_limit is None else {"evidence_limit": evidence_limit}
        result = which_query(
            store, instrument=instrument, theme=theme, partner=partner, validity=validity, **limit
        )
    if as_json:
        print_json(result)
        return
    asked = ", ".join(
        f"{k} = {v['label']} ({v['id']})" for k, v in result["query"].items() if isinstance(v, dict)
    )
    asked += f" [validity: {result['query'].get('validity', validity)}]"
    out.print(f"[bold]{asked}[/]", highlight=False)
    if not result["municipalities"]:
        out.print("no municipality in the store matches")
    for muni in result["municipalities"]:
        out.print(f"\n[bold]{muni['name']}[/] ({muni['code']})", highlight=False)
        for doc in muni["documents"]:
            out.print(f"  document: {doc['title'] or doc['file']} [{doc['file']}]", highlight=False)
        for item in muni["evidence"][:5]:
            status = f" ({item['status']})" if item.get("status") else ""
            out.print(f"  “{item['text']}”{status} — {item['file']}, {item['passage']}", highlight=False)
        if len(muni["evidence"]) > 5:
            out.print(f"  … {len(muni['evidence']) - 5} more quotes (--json shows them)")
        if not muni.get("evidence_complete", True):
            out.print(f"  ({muni['facts']} matching facts in all; --evidence 0 quotes every one)")
    for other in result.get("not_in_use", []):
        name = (other["municipality"] or {}).get("name", "?")
        out.print(f"\nnamed but not in use: {name}, {other['file']} ({', '.join(other['statuses'])})")


@click.command()
@click.argument("document")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def facts(ctx: click.Context, document: str, as_json: bool) -> None:
    """Everything extracted from one document (file name or doc_id)."""
    from graph.queries import facts as facts_query

    with _open_read(ctx.obj["home"]) as store:
        result = facts_query(store, document)
    if as_json:
        print_json(result)
        return
    doc = result["document"]
    muni = doc.get("municipality") or {}
    period = doc.get("period") or {}
    out.print(f"[bold]{doc.get('title') or doc.get('file')}[/]", highlight=False)
    out.print(
        f"{doc.get('file')} · {muni.get('name', '?')} ({muni.get('code', '?')})"
        f" · {doc.get('type_label') or '?'}"
        f" · period {period.get('start') or '?'}–{period.get('end') or '?'} · dates {doc.get('dates')}",
        highlight=False,
    )
    sections = [
        ("themes", lambda t: f"{t['label']}{' (prioriteit)' if t['priority'] else ''}"),
        (
            "instruments",
            lambda i: (
                f"{i['label']} [{i['status']}]" + (f" tegen {', '.join(i['themes'])}" if i["themes"] else "")
            ),
        ),
        ("partners", lambda p: p["label"] + (f" ({p['role']})" if p.get("role") else "")),
        ("laws", lambda law: law["label"]),
        ("goals", lambda g: f"[{g['type']}] {g['text']}"),
        (
            "targets",
            lambda t: f"{t['metric']}: {t['comparator'] or ''}{t['value']} {t['unit']} ({t['year'] or '?'})",
        ),
        ("indicators", lambda i: i["label"]),
        ("figures", lambda f: f"{f['label']}: {f['value']} {f['unit']} ({f['year'] or '?'})"),
    ]
    for key, render in sections:
        items = result.get(key, [])
        out.print(f"\n[bold]{key}[/] ({len(items)})")
        for item in items:
            out.print(f"  - {render(item)}", highlight=False)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def stats(ctx: click.Context, as_json: bool) -> None:
    """What the graph holds (documents, passages, facts, triples) and whether search is in step with it."""
    from search.index import store_stats

    with _open_read(ctx.obj["home"]) as store:
        result = store_stats(ctx.obj["home"], store)
    if as_json:
        print_json(result)
        return
    table = Table(show_header=False)
    table.add_column("what")
    table.add_column("n", justify="right")
    for key in ("documents", "passages", "mentions", "municipalities_with_documents"):
        table.add_row(key, str(result[key]))
    for key, value in result["facts"].items():
        table.add_row(f"facts: {key}", str(value))
    for key, value in result["triples"].items():
        table.add_row(f"triples: {key}", str(value))
    sync = result["search"]
    table.add_row("search index", f"{sync['state']} ({sync['documents']['search']} documents)")
    out.print(table)
    (out if sync["in_sync"] else err).print(sync["message"], highlight=False)


# -- export / validate ------------------------------------------------------------------------------


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["turtle", "jsonld", "nt"]), default="turtle", show_default=True
)
@click.option("--graph", "selection", type=click.Choice(["asserted", "inferred", "all"]), default="asserted")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
@user_errors
def export(ctx: click.Context, fmt: str, selection: str, output: Path | None) -> None:
    """Export the graph (asserted, inferred or all) as Turtle, JSON-LD or N-Triples."""
    from graph.export import export_to

    with _open_read(ctx.obj["home"]) as store:
        text = export_to(store, fmt, selection, output)
    if text is not None:
        click.echo(text, nl=False)
    else:
        err.print(f"wrote {output}")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def validate(ctx: click.Context, as_json: bool) -> None:
    """Check the asserted data against the SHACL shapes (exit 1 on a violation)."""
    from graph.validate import validate_store

    with _open_read(ctx.obj["home"]) as store:
        conforms, text, results = validate_store(store)
    violations = [r for r in results if r["severity"] == "Violation"]
    if as_json:
        print_json({"conforms": conforms, "results": results})
    else:
        click.echo(text)
    if violations:
        sys.exit(1)


COMMANDS: list = [ingest, remove, sparql, which, facts, stats, export, validate]
