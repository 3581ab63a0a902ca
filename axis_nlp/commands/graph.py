"""``axis-nlp graph`` (corpus evidence graph) and ``axis-nlp report`` (one paper): thin typer wrappers."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import AxisError


class GraphFormat(str, Enum):
    html = "html"
    graphml = "graphml"
    json = "json"
    csv = "csv"


class EvidenceKind(str, Enum):
    human = "human"
    animal = "animal"
    in_vitro = "in_vitro"
    review = "review"
    unknown = "unknown"


GRAPH_HELP = "\n\n".join([
    "Aggregate triples into a factor -> effect evidence graph: an HTML view, GraphML, JSON or CSV tables.",
    "Concepts are joined by entity id when known, else by normalised name. Each edge carries its counts per "
    "direction, distinct documents, hedged share, a consensus direction with its confidence (the share of "
    "documents that support it), a contested flag (one document says increases, another decreases), "
    "distinct documents per evidence type (human, animal, in vitro, review, unknown), the causal share (causal "
    "triples / triples whose causality is known) and its evidence sentences.",
    "--evidence human (repeatable) keeps only triples whose evidence type is one of those given, before "
    "aggregation (unknown: triples without an evidence type).",
    "CSV: an OUT ending in .csv gets the edges table alone; otherwise OUT is a folder with edges.csv, "
    "top_factors.csv, contested.csv, papers.csv, nodes.csv and evidence.csv.",
    "A bad line in a triples file is reported (file and line) and skipped; the exit code is then 1.",
])
REPORT_HELP = ("Render one paper as HTML: entities highlighted by type, factor -> effect arcs, and each triple "
               "with its sentence, direction, score and hedging.")


def _error(message: str) -> None:
    typer.echo(f"axis-nlp: error: {message}", err=True)


def graph_cli(
    triples: List[Path] = typer.Argument(..., help="Triples: .jsonl files (axis-nlp extract), folders of them, or axis-nlp batch output folders."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file, or folder for --format csv."),
    fmt: Optional[GraphFormat] = typer.Option(None, "--format", help="html, graphml, json or csv (default: from the output name; a name without a suffix is a CSV folder)."),
    title: str = typer.Option("Evidence graph", "--title", help="Title of the HTML view."),
    min_docs: int = typer.Option(1, "--min-docs", min=1, help="Keep only edges supported by at least this many documents."),
    max_edges: int = typer.Option(1500, "--max-edges", min=1, help="HTML: draw at most this many edges (the best supported)."),
    max_evidence: int = typer.Option(50, "--max-evidence", min=1, help="HTML: evidence sentences embedded per edge."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Lexicon JSONL for ids and groups (default: the bundled axis lexicon)."),
    evidence: Optional[List[EvidenceKind]] = typer.Option(
        None, "--evidence", case_sensitive=False,
        help="Keep only triples whose evidence type is this one (human, animal, in_vitro, review, or unknown: none "
             "given), before aggregation. Repeat for several: --evidence human --evidence animal."),
) -> None:
    """Aggregate triples into a factor -> effect evidence graph (see GRAPH_HELP)."""
    from collections import Counter

    from ..graph import aggregate, format_for, read_triples, select_evidence, write_graph
    from ..lexicon import load_lexicon

    failures = 0
    try:
        format_for(output, fmt.value if fmt else None)
    except AxisError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None

    def on_error(exc: AxisError) -> None:
        nonlocal failures
        failures += 1
        _error(str(exc))

    try:
        lex = load_lexicon(str(lexicon) if lexicon else None)
        records = read_triples(triples, on_error=on_error)
        kinds = list(dict.fromkeys(k.value for k in evidence or []))
        dropped: Counter = Counter()
        if kinds:
            records = select_evidence(records, kinds, dropped)
        graph = aggregate(records, lexicon=lex).filtered(min_docs=min_docs)
        written = write_graph(graph, output, fmt.value if fmt else None, title=title, max_edges=max_edges,
                              max_evidence=max_evidence, sources=[str(t) for t in triples])
    except AxisError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    except OSError as exc:
        _error(f"{getattr(exc, 'filename', None) or output}: {exc.strerror or exc}")
        raise typer.Exit(1) from None
    stats = graph.stats()
    target = written[0] if len(written) == 1 else written[0].parent
    kept = ""
    if kinds:
        kept = (f" (evidence: {' or '.join(kinds)} only; {sum(dropped.values())} other triples left out)")
    typer.echo(f"axis-nlp: graph: {stats['nodes']} concepts, {stats['edges']} edges ({stats['contested']} contested, "
               f"{stats['bidirectional']} two-way) from {stats['triples']} triples in {stats['documents']} documents"
               f"{kept} -> {target}", err=True)
    if failures:
        raise typer.Exit(1)


def report_cli(
    paper: Path = typer.Argument(..., help="One paper: text, PubMed XML, JATS, BioC, PubTator, JSONL or PDF."),
    output: Path = typer.Option(..., "-o", "--output", help="Report HTML file."),
    model: Optional[Path] = typer.Option(None, "--model", help="Relation model folder (default: the bundled model)."),
    device: str = typer.Option("cpu", "--device", help="cpu, auto, cuda or cuda:N."),
    input_format: str = typer.Option("auto", "--input-format", help="Input format (auto: from the content)."),
    doc_id: Optional[str] = typer.Option(None, "--doc", help="Only the document with this id (files that hold several)."),
    triples: Optional[Path] = typer.Option(None, "--triples", help="Show these triples (JSONL from axis-nlp extract) instead of running the model."),
    threshold: float = typer.Option(0.0, "--threshold", help="Minimum score of a triple."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Lexicon JSONL (default: the bundled axis lexicon)."),
    ner_model: str = typer.Option("auto", "--ner-model", help="auto, none, or a scispaCy/spaCy NER model name or path."),
    title: Optional[str] = typer.Option(None, "--title", help="Title (default: the paper's title)."),
) -> None:
    """Render one paper as HTML (see REPORT_HELP)."""
    from ..report import build_report

    if not paper.exists():
        _error(f"{paper}: no such file")
        raise typer.Exit(1)
    try:
        summary = build_report(paper, output, model=model, device=device, input_format=input_format, doc_id=doc_id,
                               threshold=threshold, lexicon_path=str(lexicon) if lexicon else None,
                               ner_model=ner_model, triples=triples, title=title)
    except AxisError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    except (OSError, ValueError) as exc:
        _error(f"{paper}: {exc}")
        raise typer.Exit(1) from None
    typer.echo(f"axis-nlp: report: {summary.documents} document(s), {summary.entities} entities, "
               f"{summary.triples} triples -> {summary.path}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``graph`` and ``report`` to the ``axis-nlp`` app."""
    app.command("graph", help=GRAPH_HELP)(graph_cli)
    app.command("report", help=REPORT_HELP)(report_cli)
