"""The ``axis-nlp`` command line: thin typer wrappers over the library."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import IO, Iterator, List, Optional

import typer

from .errors import AxisError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

app = typer.Typer(
    help="Extract factor-effect-direction triples about the osteoimmune-brain axis from biomedical text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Score a model (or the pattern baseline) on an annotated corpus.", no_args_is_help=True)
train_app = typer.Typer(help="Train models.", no_args_is_help=True)
corpus_app = typer.Typer(help="Build and inspect the axis corpus.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(train_app, name="train")
app.add_typer(corpus_app, name="corpus")


class InputFormat(str, Enum):
    auto = "auto"
    text = "text"
    pubmed = "pubmed"
    jats = "jats"
    bioc = "bioc"
    pubtator = "pubtator"
    jsonl = "jsonl"
    pdf = "pdf"


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    tsv = "tsv"


class CorpusFormat(str, Enum):
    axis = "axis"
    bioc = "bioc"
    pubtator = "pubtator"
    drugprot = "drugprot"


from .commands.common import fail as _fail


class _Errors:
    """Collects per-file input errors: one clear line each, the run goes on."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, path: Path, exc: Exception) -> None:
        self.count += 1
        message = str(exc)
        if str(path) not in message:
            message = f"{path}: {message}"
        typer.echo(f"axis-nlp: error: {message}", err=True)


@contextlib.contextmanager
def _output(path: Optional[Path]) -> Iterator[IO[str]]:
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8") as handle:
        yield handle
    tmp.replace(path)


def _documents(inputs: List[str], input_format: InputFormat, errors: _Errors) -> Iterator:
    from .readers import read_inputs

    return read_inputs(inputs, input_format.value, on_error=errors)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="axis-nlp: %(levelname)s: %(message)s")
    if not verbose:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()


@app.command()
def entities(
    inputs: List[str] = typer.Argument(..., help="Files, directories, or - for standard input."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output JSONL file (default: stdout)."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format", help="Input format (auto: from the content)."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Lexicon JSONL (default: the bundled axis lexicon)."),
    ner_model: str = typer.Option("auto", "--ner-model", help="auto (bundled models/axis-ner if present), none, or an installed scispaCy/spaCy NER model name or path."),
    gold_entities: bool = typer.Option(False, "--gold-entities", help="Print the entities given by BioC/PubTator input."),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
) -> None:
    """Recognise entities; print one JSON object per entity."""
    from .pipeline import annotate, build_pipeline

    _setup_logging(verbose)
    errors = _Errors()
    try:
        nlp = build_pipeline(lexicon_path=str(lexicon) if lexicon else None, ner_model=ner_model)
        with _output(output) as handle:
            for annotated in annotate(nlp, _documents(inputs, input_format, errors), gold_entities=gold_entities):
                doc = annotated.document
                for sentence in annotated.sentences:
                    for e in sentence.entities:
                        record = {"doc_id": doc.id, "section": doc.section_at(e.start),
                                  "sentence": {"start": sentence.start, "end": sentence.end}, **e.to_dict(),
                                  "source": e.source}
                        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    except AxisError as exc:
        _fail(str(exc))
    if errors.count:
        raise typer.Exit(1)


@app.command()
def extract(
    inputs: List[str] = typer.Argument(..., help="Files, directories, or - for standard input."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file (default: stdout)."),
    fmt: OutputFormat = typer.Option(OutputFormat.jsonl, "--format", help="Output format."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format", help="Input format (auto: from the content)."),
    model: Optional[Path] = typer.Option(None, "--model", help="Relation model folder (default: the bundled model)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or cuda:N."),
    batch_size: int = typer.Option(256, "--batch-size", help="Most candidate pairs per forward pass."),
    gold_entities: bool = typer.Option(False, "--gold-entities", help="Use the entities given by BioC/PubTator input."),
    threshold: float = typer.Option(0.0, "--threshold", help="Minimum score of a triple."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon", help="Lexicon JSONL (default: the bundled axis lexicon)."),
    ner_model: str = typer.Option("auto", "--ner-model", help="auto (bundled models/axis-ner if present), none, or an installed scispaCy/spaCy NER model name or path."),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
) -> None:
    """Extract factor-effect-direction triples (JSONL as in the triple contract, or TSV)."""
    from .extract import Extractor
    from .writers import TripleWriter

    _setup_logging(verbose)
    errors = _Errors()
    try:
        extractor = Extractor(model, device=device, batch_size=batch_size, threshold=threshold,
                              lexicon_path=str(lexicon) if lexicon else None, ner_model=ner_model)
        with _output(output) as handle:
            writer = TripleWriter(handle, fmt.value)
            for _, triples in extractor.extract_annotated(_documents(inputs, input_format, errors), gold_entities=gold_entities):
                writer.write(triples)
                handle.flush()
    except AxisError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc))
    if verbose:
        typer.echo(f"axis-nlp: {json.dumps(extractor.stats)}", err=True)
    if errors.count:
        raise typer.Exit(1)


@app.command()
def batch(
    inputs: List[str] = typer.Argument(..., help="Directory tree, glob, JSONL(.gz) of documents, or PubMed .xml.gz."),
    output: Path = typer.Option(..., "-o", "--output", help="Output folder (shards, manifest, ledger)."),
    engine: str = typer.Option("local", "--engine", help="local (this process) or ray (a Ray Data actor pool)."),
    ray_actors: int = typer.Option(2, "--ray-actors", help="Ray engine: number of extraction actors."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="Ray engine: cluster address (default: a local instance)."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format"),
    model: Optional[Path] = typer.Option(None, "--model", help="Relation model folder (default: the bundled model)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or cuda:N."),
    batch_size: int = typer.Option(256, "--batch-size", help="Most candidate pairs per forward pass."),
    shard_size: int = typer.Option(1000, "--shard-size", help="Documents per output shard."),
    spacy_processes: int = typer.Option(1, "--spacy-processes", help="spaCy worker processes feeding the model (local engine)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in the same folder."),
    parquet: bool = typer.Option(True, "--parquet/--no-parquet", help="Also write Parquet shards."),
    gold_entities: bool = typer.Option(False, "--gold-entities"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
) -> None:
    """Process a whole corpus into sharded triples, resumably; prints a summary."""
    from .batch import run_batch
    from .extract import Extractor

    _setup_logging(verbose)
    if engine not in {"local", "ray"}:
        _fail(f"unknown engine {engine!r}; valid: local, ray")
    try:
        extractor = (Extractor(model, device=device, batch_size=batch_size, spacy_processes=spacy_processes)
                     if engine == "local" else None)
        summary = run_batch(inputs, output, extractor=extractor, engine=engine, model=str(model) if model else None,
                            device=device, ray_actors=ray_actors, ray_address=ray_address, input_format=input_format.value,
                            shard_size=shard_size, resume=resume, progress=progress, gold_entities=gold_entities,
                            formats=("jsonl", "parquet") if parquet else ("jsonl",))
    except AxisError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{getattr(exc, 'filename', '') or output}: {exc.strerror or exc}; the run can be continued with --resume")
    typer.echo(json.dumps(summary))


@evaluate_app.command("relations")
def evaluate_relations(
    corpus: Path = typer.Option(..., "--corpus", help="Annotated corpus: axis JSONL, BioC/PubTator file, DrugProt folder."),
    corpus_format: CorpusFormat = typer.Option(CorpusFormat.axis, "--format", help="Corpus format."),
    model: Optional[Path] = typer.Option(None, "--model", help="Relation model folder (default: the bundled model)."),
    baseline: bool = typer.Option(False, "--baseline", help="Score the lexicon/pattern baseline instead of a model."),
    device: str = typer.Option("auto", "--device"),
    limit: Optional[int] = typer.Option(None, "--limit", help="DrugProt: evaluate on this many abstracts."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Per-direction precision, recall and F1, micro and macro, and a confusion matrix."""
    _setup_logging(False)
    from .evaluate import evaluate_records, load_eval_records, model_predictor
    from .metrics import format_scores

    try:
        records = load_eval_records(str(corpus), corpus_format.value, limit=limit)
        if baseline:
            from .baseline import pattern_predictor

            predictor, name = pattern_predictor, "pattern baseline"
        else:
            from .extract import DEFAULT_MODEL
            from .relation.engine import InferenceEngine
            from .relation.model import RelationClassifier, tokenizer_for

            from .registry import resolve_model

            path = resolve_model(model)
            clf = RelationClassifier.from_pretrained(path)
            predictor = model_predictor(InferenceEngine(clf, tokenizer_for(clf.config, Path(path)), device=device))
            name = clf.name
        scores = evaluate_records(predictor, records)
    except AxisError as exc:
        _fail(str(exc))
    scores["model"] = name
    scores["corpus"] = str(corpus)
    if as_json:
        typer.echo(json.dumps(scores, indent=2))
    else:
        typer.echo(format_scores(scores, f"{name} on {corpus} ({scores['sentences']} sentences, {scores['pairs']} pairs)"))


@evaluate_app.command("compare")
def evaluate_compare(
    old: str = typer.Argument(..., help="Model in use: a registered name or a model folder."),
    new: str = typer.Argument(..., help="Candidate model: a registered name or a model folder."),
    corpus: Path = typer.Option(..., "--corpus", help="Annotated corpus: axis JSONL, BioC/PubTator file, DrugProt folder."),
    corpus_format: CorpusFormat = typer.Option(CorpusFormat.axis, "--format", help="Corpus format."),
    device: str = typer.Option("auto", "--device"),
    limit: Optional[int] = typer.Option(None, "--limit", help="DrugProt: evaluate on this many abstracts."),
    max_changes: int = typer.Option(50, "--max-changes", help="Most changed predictions to print."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Per-direction F1 of two model versions and the sentences whose predictions changed."""
    from .commands.curate import compare_command

    compare_command(old, new, corpus, corpus_format.value, device=device, limit=limit, as_json=as_json,
                    max_changes=max_changes)


@evaluate_app.command("entities")
def evaluate_entities(
    corpus: Path = typer.Option(..., "--corpus", help="BioC JSON/XML or PubTator file, or axis corpus JSONL, with entity annotations."),
    corpus_format: str = typer.Option("auto", "--format", help="auto (by content) or axis."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon"),
    ner_model: str = typer.Option("auto", "--ner-model", help="auto, none, or a scispaCy/spaCy NER model name or path."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Entity-level precision/recall/F1 (seqeval) against annotated entities, per type."""
    _setup_logging(False)
    from .entity_eval import evaluate_entities as run, format_entity_scores
    from .pipeline import build_pipeline
    from .readers import read_path

    try:
        nlp = build_pipeline(lexicon_path=str(lexicon) if lexicon else None, ner_model=ner_model)
        if corpus_format == "axis" or (corpus_format == "auto" and corpus.name.startswith("axis_") and corpus.suffix == ".jsonl"):
            from .corpus import axis_documents

            documents = axis_documents(corpus)
        else:
            documents = list(read_path(corpus))
        scores = run(nlp, documents)
    except AxisError as exc:
        _fail(str(exc))
    scores["corpus"] = str(corpus)
    typer.echo(json.dumps(scores, indent=2) if as_json else format_entity_scores(scores))


class MatchMode(str, Enum):
    overlap = "overlap"
    exact = "exact"


@evaluate_app.command("triples")
def evaluate_triples(
    corpus: Path = typer.Option(..., "--corpus", help="Axis corpus JSONL (or a curated file in that format) with gold relations."),
    model: Optional[str] = typer.Option(None, "--model", help="Relation model folder (default: the bundled model)."),
    match: MatchMode = typer.Option(MatchMode.overlap, "--match", help="Entity spans match when they overlap, or only when exactly equal."),
    lexicon: Optional[Path] = typer.Option(None, "--lexicon"),
    ner_model: str = typer.Option("auto", "--ner-model", help="auto, none, or a scispaCy/spaCy NER model name or path."),
    device: str = typer.Option("auto", "--device"),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """End to end, as `axis-nlp extract` runs: recognised entities, then triples, against the gold triples."""
    _setup_logging(False)
    from .corpus import read_axis_records
    from .evaluate import check_records, evaluate_end_to_end
    from .extract import Extractor
    from .metrics import format_scores

    try:
        records = list(read_axis_records(corpus))
        check_records(records, corpus)
        extractor = Extractor(model, device=device, lexicon_path=str(lexicon) if lexicon else None, ner_model=ner_model)
        scores = evaluate_end_to_end(extractor, records, match=match.value)
    except AxisError as exc:
        _fail(str(exc))
    scores["model"] = extractor.model_name
    scores["corpus"] = str(corpus)
    if as_json:
        typer.echo(json.dumps(scores, indent=2))
        return
    title = (f"{scores['model']} end to end on {corpus} ({scores['sentences']} sentences, {scores['gold_relations']} gold "
             f"relations, {scores['predicted_triples']} predicted triples; spans match by {scores['match']})")
    typer.echo(format_scores(scores, title))
    args = scores["arguments_recognised"]
    typer.echo(f"gold relations with both arguments recognised: {args['both_found']} of {args['relations']} ({args['share']:.3f})")
    for key, a in scores["attributes_on_matches"].items():
        if a["of"]:
            typer.echo(f"{key} agrees on matched triples: {a['agree']} of {a['of']} ({a['accuracy']:.3f})")


@train_app.command("relations")
def train_relations(
    config: Optional[Path] = typer.Argument(None, help="Training config (TOML); default training/relations.toml."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder to write the model to."),
    device: str = typer.Option("auto", "--device"),
    add: List[str] = typer.Option([], "--add", help="Curated corpus files or folders to add (weighted by curated_weight)."),
    overrides: List[str] = typer.Option([], "--set", help="Override a setting: --set epochs=1 --set lr=3e-4."),
) -> None:
    """Fine-tune the relation classifier and save it with its metrics and model card."""
    from .relation.train import TrainConfig, train

    _setup_logging(False)
    pairs = {}
    for item in overrides:
        if "=" not in item:
            _fail(f"--set expects key=value, got {item!r}")
        key, value = item.split("=", 1)
        pairs[key] = value
    default = Path(__file__).resolve().parent.parent / "training" / "relations.toml"
    try:
        cfg = TrainConfig.from_file(config or (default if default.exists() else None), pairs)
        if add:
            cfg.curated = list(cfg.curated) + list(add)
        metrics = train(cfg, output, device=device, log=lambda m: typer.echo(m, err=True))
    except AxisError as exc:
        _fail(str(exc))
    typer.echo(json.dumps({k: metrics[k] for k in ("steps", "minutes") if k in metrics}))


@train_app.command("ner")
def train_ner_cmd(
    output: Path = typer.Option(Path(__file__).resolve().parent.parent / "models" / "axis-ner", "-o", "--output",
                                help="Folder to write the spaCy NER pipeline to."),
    axis: Path = typer.Option(Path("corpora/axis/axis_train.jsonl"), "--axis", help="Axis corpus (train split)."),
    biored: Path = typer.Option(Path("../shared/corpora/biored/Train.BioC.JSON"), "--biored", help="BioRED train (BioC JSON or PubTator)."),
    max_steps: int = typer.Option(3000, "--max-steps"),
    seed: int = typer.Option(13, "--seed"),
) -> None:
    """Train the statistical NER (axis corpus + BioRED) that finds entities the lexicon misses."""
    from .ner_train import train_ner

    root = Path(__file__).resolve().parent.parent
    axis, biored = (p if p.is_absolute() or p.exists() else root / p for p in (axis, biored))
    try:
        path = train_ner(output, axis_path=axis, biored_path=biored, seed=seed,
                         overrides={"training.max_steps": max_steps})
    except AxisError as exc:
        _fail(str(exc))
    typer.echo(f"NER written to {path}")


@corpus_app.command("build")
def corpus_build(corpus_dir: Optional[Path] = typer.Argument(None, help="Axis corpus folder (with src/).")) -> None:
    """Resolve the authored axis corpus into train/dev files with offsets (validated)."""
    from .corpus import AXIS_DIR, build_axis_corpus, corpus_stats, read_axis_records

    target = corpus_dir or AXIS_DIR
    try:
        counts = build_axis_corpus(target)
    except AxisError as exc:
        _fail(str(exc))
    for split in ("train", "dev"):
        stats = corpus_stats(read_axis_records(target / f"axis_{split}.jsonl"))
        typer.echo(f"{split}: {json.dumps(stats)}")
    typer.echo(json.dumps(counts))


@corpus_app.command("check")
def corpus_check(
    corpus_dir: Optional[Path] = typer.Argument(None, help="Axis corpus folder (with src/)."),
    similarity: float = typer.Option(0.55, "--similarity", min=0.0, max=1.0,
                                     help="Word-set Jaccard above which two sentences are near-duplicates."),
    hints: bool = typer.Option(True, "--hints/--no-hints", help="Also list 'associated' relations that may state a sign."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per finding."),
) -> None:
    """Check the authored corpus for near-duplicate sentences and doubtful relations.

    Exits 1 when it finds near-duplicates or no_effect relations without negated: true; the
    signed-'associated' hints are for reading and do not fail the check.
    """
    from collections import Counter

    from .corpus import AXIS_DIR
    from .corpus_check import ERROR_KINDS, check_axis_corpus

    try:
        findings = check_axis_corpus(corpus_dir or AXIS_DIR, similarity=similarity)
    except AxisError as exc:
        _fail(str(exc))
    if not hints:
        findings = [f for f in findings if f.kind in ERROR_KINDS]
    for finding in findings:
        typer.echo(json.dumps(finding.to_dict(), ensure_ascii=False) if as_json
                   else f"{finding.kind}\t{finding.id}\t{finding.where}\t{finding.message}")
    counts = Counter(finding.kind for finding in findings)
    if not as_json:
        typer.echo(f"{len(findings)} findings: {json.dumps(counts)}", err=True)
    if any(counts[kind] for kind in ERROR_KINDS):
        raise typer.Exit(1)


def _register_command_modules() -> None:
    import importlib
    import importlib.util

    from .commands import COMMAND_MODULES

    for name in COMMAND_MODULES:
        module_name = f"{__package__}.commands.{name}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(app)


_register_command_modules()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
