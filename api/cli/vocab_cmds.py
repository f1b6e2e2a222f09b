"""`beleidsgraaf vocab suggest`: names in ingested documents that the vocabulary lacks.

The curator loop: suggest → add the concept (or an alias) to ontology/concepts.json → run
``python -m ontology.tools.build_schemes`` → re-ingest the documents.
"""

from __future__ import annotations

import click
from rich.table import Table

from api.cli.common import out, print_json, user_errors


@click.group()
def vocab() -> None:
    """Vocabulary curation."""


@vocab.command()
@click.option(
    "--min-count", default=2, show_default=True, type=click.IntRange(min=1), help="Minimum occurrences."
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Rows in the table.")
@click.option("--json", "as_json", is_flag=True, help="All candidates as JSON.")
@click.pass_context
@user_errors
def suggest(ctx: click.Context, min_count: int, limit: int, as_json: bool) -> None:
    """Candidate instruments, themes, partners and laws that documents name but the vocabulary lacks."""
    from graph.queries import passages
    from graph.store import GraphStore
    from ingest.suggest import suggest as suggest_names

    with GraphStore.open(ctx.obj["home"], read_only=True) as store:
        result = suggest_names(passages(store), min_count)
    if as_json:
        print_json(result)
        return
    table = Table(
        title=f"{len(result['candidates'])} kandidaten (min. {min_count}×, {result['passages']} passages)"
    )
    for column in ("n", "soort", "naam", "documenten", "voorbeeld"):
        table.add_column(column, overflow="fold")
    for row in result["candidates"][:limit]:
        example = row["examples"][0]["text"] if row["examples"] else ""
        table.add_row(str(row["count"]), row["kind"], row["text"], str(len(row["documents"])), example[:120])
    out.print(table)


COMMANDS: list = [vocab]
