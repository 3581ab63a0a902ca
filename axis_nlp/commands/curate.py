"""``axis-nlp curate export|import`` and ``axis-nlp models list|register|adopt``: thin wrappers over
:mod:`axis_nlp.curate` and :mod:`axis_nlp.registry`. (``axis-nlp evaluate compare`` lives in
:mod:`axis_nlp.cli` next to ``evaluate relations`` and calls :func:`compare_command`.)"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import AxisError

curate_app = typer.Typer(help="Pre-annotate for annotation tools and import the corrected labels as training data.",
                         no_args_is_help=True)
models_app = typer.Typer(help="Model versions: list, register (data, config, metrics) and adopt.", no_args_is_help=True)


class ExportFormat(str, Enum):
    labelstudio = "labelstudio"
    brat = "brat"
    bioc = "bioc"
    prodigy = "prodigy"
    doccano = "doccano"


class ImportFormat(str, Enum):
    auto = "auto"
    labelstudio = "labelstudio"
    brat = "brat"
    bioc = "bioc"
    doccano = "doccano"
    prodigy = "prodigy"


from .common import fail as _fail


@curate_app.command("export")
def export_cmd(
    inputs: List[str] = typer.Argument(..., help="Documents: files, directories, or - for standard input."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file (labelstudio: tasks .json; bioc: .xml; "
                                "prodigy/doccano: .jsonl) or folder (brat)."),
    to: ExportFormat = typer.Option(..., "--to", help="Annotation tool to pre-annotate for."),
    input_format: str = typer.Option("auto", "--input-format", help="auto, text, pubmed, jats, bioc, pubtator, jsonl, pdf."),
    model: Optional[str] = typer.Option(None, "--model", help="Relation model: a registered name or a folder "
                                        "(default: the registry's default, else the bundled model)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or cuda:N."),
    gold_entities: bool = typer.Option(False, "--gold-entities", help="Use the entities given by BioC/PubTator input."),
    ner_model: str = typer.Option("auto", "--ner-model", help="auto, none, or a scispaCy/spaCy NER model name or path."),
) -> None:
    """Write the extractor's entities and triples as pre-annotations an annotator can correct."""
    from ..curate import export_pre_annotations, pre_annotate
    from ..extract import Extractor
    from ..readers import read_inputs
    from ..registry import resolve_model

    errors = []

    def on_error(path: Path, exc: Exception) -> None:
        errors.append(path)
        typer.echo(f"axis-nlp: error: {exc}", err=True)

    try:
        extractor = Extractor(resolve_model(model), device=device, ner_model=ner_model)
        documents = read_inputs(inputs, input_format, on_error=on_error)
        summary = export_pre_annotations(pre_annotate(extractor, documents, gold_entities=gold_entities), to.value,
                                         output, nlp=extractor.nlp)
    except AxisError as exc:
        _fail(str(exc))
    typer.echo(json.dumps(summary.__dict__))
    if to is ExportFormat.labelstudio:
        typer.echo(f"Label Studio: create a project with the labeling config {summary.files[1]}, then import "
                   f"{summary.files[0]} (the predictions appear as pre-annotations).", err=True)
    if errors:
        raise typer.Exit(1)


@curate_app.command("import")
def import_cmd(
    files: List[Path] = typer.Argument(..., help="Corrected exports: Label Studio JSON, brat folder/.ann, BioC, "
                                       "doccano JSONL, Prodigy JSONL."),
    output: Path = typer.Option(..., "-o", "--output", help="Curated corpus file (.jsonl), e.g. corpora/curated/NAME.jsonl; "
                                "a folder gets <first input>.jsonl."),
    from_format: ImportFormat = typer.Option(ImportFormat.auto, "--from", help="Tool that wrote the files (auto: from the content)."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Annotator to record where the file names none (brat, doccano)."),
    merge: bool = typer.Option(False, "--merge", help="Replace re-imported sentences in an existing file, keep the others."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing file."),
    strict: bool = typer.Option(False, "--strict", help="Write nothing when any error is found."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report only."),
) -> None:
    """Validate corrected annotations and write them as sentence records of the axis corpus format."""
    from ..curate import import_annotations, problems_path, write_curated

    if merge and overwrite:
        _fail("choose one of --merge and --overwrite")
    target = output
    if output.is_dir() or (not output.suffix and not output.exists()):
        target = output / f"{files[0].stem if files[0].suffix else files[0].name}.jsonl"
    try:
        result = import_annotations(files, from_format.value, annotator=annotator)
    except AxisError as exc:
        _fail(str(exc))
    for problem in result.problems:
        typer.echo(f"axis-nlp: {problem}", err=True)
    summary = result.summary()
    if strict and result.errors:
        typer.echo(json.dumps({**summary, "written": 0}))
        _fail(f"{len(result.errors)} errors (--strict): nothing written")
    if not dry_run:
        try:
            written = write_curated(result.records, target, mode="merge" if merge else "overwrite" if overwrite else "new")
        except AxisError as exc:
            _fail(str(exc))
        report = problems_path(target)
        if result.problems:
            report.write_text(json.dumps([p.to_dict() for p in result.problems], indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
        elif report.exists():
            report.unlink()
        summary.update(output=str(target), **written, problems_file=str(report) if result.problems else None)
    typer.echo(json.dumps(summary))


@models_app.command("list")
def models_list(
    registry: Optional[Path] = typer.Option(None, "--registry", help="Registry file (default models/registry.json)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Known models: registered names and model folders under models/."""
    from ..registry import list_models

    try:
        rows = list_models(registry)
    except AxisError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        f1 = "-" if row["axis_dev_micro_f1"] is None else f"{row['axis_dev_micro_f1']:.3f}"
        flags = ("*" if row["default"] else " ") + ("R" if row["registered"] else " ")
        typer.echo(f"{flags} {row['name']:<32} dev micro F1 {f1:>6}  base {row['base'] or '-':<20} {row['path']}")


@models_app.command("register")
def models_register(
    name: str = typer.Argument(..., help="Name to use with --model."),
    path: Path = typer.Argument(..., help="Trained model folder (from axis-nlp train relations -o)."),
    base: Optional[str] = typer.Option(None, "--base", help="The model this one was retrained from / compared with."),
    note: Optional[str] = typer.Option(None, "--note", help="Free text: why this version exists."),
    compare: Optional[Path] = typer.Option(None, "--compare", help="JSON of 'evaluate compare --json' to keep with it."),
    replace: bool = typer.Option(False, "--replace", help="Replace an entry of the same name."),
    registry: Optional[Path] = typer.Option(None, "--registry", help="Registry file (default models/registry.json)."),
) -> None:
    """Record a model version: which data, which config, which metrics."""
    from ..registry import register_model

    extra = None
    try:
        if compare is not None:
            report = json.loads(compare.read_text(encoding="utf-8"))
            extra = {"compare": {"corpus": report.get("corpus"), "old": report["old"].get("path"),
                                 "old_micro_f1": report["old"]["micro"]["f1"], "new_micro_f1": report["new"]["micro"]["f1"],
                                 "fixed": sum(c["change"] == "fixed" for c in report.get("changes", [])),
                                 "broke": sum(c["change"] == "broke" for c in report.get("changes", []))}}
        entry = register_model(name, path, base=base, note=note, metrics=extra, registry=registry, replace=replace)
    except (OSError, KeyError, json.JSONDecodeError) as exc:
        _fail(f"{compare}: not an 'evaluate compare --json' report ({exc})")
    except AxisError as exc:
        _fail(str(exc))
    typer.echo(json.dumps({name: entry["metrics"]}, indent=2))


@models_app.command("adopt")
def models_adopt(
    name: str = typer.Argument(..., help="Registered (or models/ folder) name to use when no --model is given."),
    registry: Optional[Path] = typer.Option(None, "--registry", help="Registry file (default models/registry.json)."),
) -> None:
    """Make a model version the default."""
    from ..registry import set_default

    try:
        path = set_default(name, registry=registry)
    except AxisError as exc:
        _fail(str(exc))
    typer.echo(f"default model: {name} ({path})")


def compare_command(old: str, new: str, corpus: Path, corpus_format: str, *, device: str = "auto",
                    limit: Optional[int] = None, as_json: bool = False, max_changes: int = 50) -> None:
    """Body of ``axis-nlp evaluate compare`` (declared in :mod:`axis_nlp.cli`)."""
    from ..curate import compare_models, format_comparison
    from ..evaluate import load_eval_records
    from ..registry import resolve_model

    try:
        old_path, new_path = resolve_model(old), resolve_model(new)
        records = load_eval_records(str(corpus), corpus_format, limit=limit)
        result = compare_models(old_path, new_path, records, device=device)
    except AxisError as exc:
        _fail(str(exc))
    result["corpus"] = str(corpus)
    if as_json:
        for role in ("old", "new"):
            result[role].pop("predictions", None)
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"corpus: {corpus} ({result['new']['sentences']} sentences, {result['new']['pairs']} pairs)")
    typer.echo(format_comparison(f"{old} ({result['old']['model']})", f"{new} ({result['new']['model']})",
                                 result["old"], result["new"], result["changes"], max_changes=max_changes))


def register(app: typer.Typer) -> None:
    """Add the ``curate`` and ``models`` groups to the ``axis-nlp`` app."""
    app.add_typer(curate_app, name="curate")
    app.add_typer(models_app, name="models")
