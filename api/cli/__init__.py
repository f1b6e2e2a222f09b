"""The `beleidsgraaf` command: a thin layer over the same functions the HTTP API uses.

Each capability registers its commands from its own module so the CLI stays small:
graph commands (ingest, sparql, which, facts, stats, export, validate, remove),
search commands (search, eval), comparison commands (compare, matrix, timeline), vocabulary
curation (vocab suggest) and serve.
Logs go to stderr; ``--json`` output goes to stdout.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from graph.store import resolve_home


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder (graph store, search index, caches). Default: $BELEIDSGRAAF_HOME or ./.beleidsgraaf",
)
@click.option("-v", "--verbose", is_flag=True, help="More log output on stderr.")
@click.pass_context
def main(ctx: click.Context, home: Path | None, verbose: bool) -> None:
    """beleidsgraaf — knowledge graph and semantic search over Dutch municipal safety policy."""
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = {"home": resolve_home(home)}


def _register() -> None:
    from api.cli import compare_cmds, graph_cmds, search_cmds, serve_cmds, vocab_cmds

    for module in (graph_cmds, search_cmds, compare_cmds, serve_cmds, vocab_cmds):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
