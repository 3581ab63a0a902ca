"""Corpus batch processing: streaming, sharded, resumable (``axis-nlp batch``).

Layout of an output folder::

    manifest.json          model, inputs, settings, running counts (rewritten atomically)
    ledger.jsonl           one line per finished shard: its file name and the keys of its documents
    errors.jsonl           documents or files that failed, with the error
    shards/triples-00000.jsonl[.parquet]

A shard is written to a temporary file and renamed; only then is its ledger line appended
(and fsynced). On ``--resume`` the ledger says which documents are done; a shard file that
the ledger does not list (a kill between rename and ledger) is removed and its documents are
processed again, so every document ends up in exactly one shard.
"""

from __future__ import annotations

import glob
import itertools
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from .errors import AxisError, ConfigError
from .schema import Document

logger = logging.getLogger(__name__)

LEDGER = "ledger.jsonl"
MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"


def document_key(document: Document) -> str:
    """Identity of a document across runs: its source file and its id."""
    return f"{document.source or ''}::{document.id}"


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files, directories and glob patterns -> a sorted list of paths (directories kept as is)."""
    out: list[str] = []
    for item in inputs:
        if any(ch in item for ch in "*?[") and not Path(item).exists():
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise ConfigError(f"the pattern {item!r} matches no file")
            out.extend(matches)
        else:
            if item != "-" and not Path(item).exists():
                raise ConfigError(f"input not found: {item}")
            out.append(item)
    return out


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _append_line(path: Path, record: dict[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


@dataclass
class BatchState:
    """What an output folder says is done."""

    done: set[str] = field(default_factory=set)
    shards: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, outdir: Path) -> "BatchState":
        state = cls()
        ledger = outdir / LEDGER
        if ledger.exists():
            with ledger.open(encoding="utf-8") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a torn last line from a kill: that shard is not done
                    state.shards.append(entry["shard"])
                    state.done.update(entry["documents"])
                    for k, v in entry.get("counts", {}).items():
                        state.counts[k] = state.counts.get(k, 0) + v
        return state


def _remove_orphans(outdir: Path, state: BatchState) -> list[str]:
    """Delete shard files (and temp files) that the ledger does not list."""
    removed = []
    known = set(state.shards)
    for file in (outdir / "shards").glob("*"):
        base = file.name.split(".")[0]
        if file.name.startswith(".") or base not in known:
            file.unlink()
            removed.append(file.name)
    return removed


def _write_shard(outdir: Path, name: str, records: list[dict[str, Any]], formats: tuple[str, ...]) -> None:
    shard_dir = outdir / "shards"
    if "parquet" in formats:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = _parquet_schema()
        rows = [
            {name: (json.dumps(r.get(name), ensure_ascii=False) if name in _JSON_COLUMNS and r.get(name) is not None
                    else r.get(name)) for name in schema.names}
            for r in records
        ]
        table = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        _atomic_write(shard_dir / f"{name}.parquet", sink.getvalue().to_pybytes())
    if "jsonl" in formats:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        _atomic_write(shard_dir / f"{name}.jsonl", data)


#: nested fields stored as JSON text in Parquet (one flat, stable schema for every shard)
_JSON_COLUMNS = {"sentence", "factor", "effect", "trigger_span", "evidence", "context", "negation"}


def _parquet_schema() -> Any:
    import pyarrow as pa

    return pa.schema([
        ("doc_id", pa.string()), ("section", pa.string()), ("sentence", pa.string()), ("factor", pa.string()),
        ("effect", pa.string()), ("direction", pa.string()), ("score", pa.float64()), ("trigger", pa.string()),
        ("trigger_span", pa.string()), ("hedged", pa.bool_()), ("negated", pa.bool_()), ("certainty", pa.string()),
        ("evidence", pa.string()), ("causal", pa.bool_()), ("context", pa.string()), ("negation", pa.string()),
        ("truncated", pa.bool_()), ("model", pa.string()),
    ])


def _stream_documents(inputs: list[str], input_format: str, on_error: Callable[[Path, Exception], None]) -> Iterator[Document]:
    from .readers import read_inputs

    yield from read_inputs(inputs, input_format, on_error=on_error)


@dataclass
class ShardResult:
    """One shard's worth of processed documents."""

    keys: list[str]
    records: list[dict[str, Any]]
    counts: dict[str, int]
    errors: list[dict[str, Any]] = field(default_factory=list)
    n_documents: int = 0


def _chunks(stream: Iterator[Document], size: int) -> Iterator[list[Document]]:
    while True:
        chunk = list(itertools.islice(stream, size))
        if not chunk:
            return
        yield chunk


def _extract_shard(extractor: Any, docs: list[Document], gold_entities: bool) -> ShardResult:
    """Run the extractor over one shard; a failing document is isolated and recorded, never lost."""
    before = dict(extractor.stats)
    keys: list[str] = []
    records: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    try:
        results = list(extractor.extract_annotated(docs, gold_entities=gold_entities))
    except (AxisError, ValueError, RuntimeError) as exc:
        logger.warning("a shard failed as a whole (%s); its documents are retried one by one", exc)
        results = []
        for document in docs:
            try:
                results += list(extractor.extract_annotated([document], gold_entities=gold_entities))
            except (AxisError, ValueError, RuntimeError) as doc_exc:
                errors.append({"source": document.source, "doc_id": document.id,
                               "error": f"{type(doc_exc).__name__}: {doc_exc}"})
                keys.append(document_key(document))  # done, with its error recorded: not retried
    for annotated, triples in results:
        keys.append(document_key(annotated.document))
        records.extend(t.to_dict() for t in triples)
    counts = {k: extractor.stats[k] - before.get(k, 0) for k in ("documents", "sentences", "pairs", "triples")}
    return ShardResult(keys, records, counts, errors, n_documents=len(docs))


def local_shards(extractor: Any, documents: Iterator[Document], shard_size: int, gold_entities: bool) -> Iterator[ShardResult]:
    """The local engine: this process, one shard after the other."""
    for docs in _chunks(documents, shard_size):
        yield _extract_shard(extractor, docs, gold_entities)


def run_batch(
    inputs: list[str],
    outdir: Path,
    *,
    extractor: Any = None,
    engine: str = "local",
    model: Optional[str] = None,
    device: str = "auto",
    input_format: str = "auto",
    shard_size: int = 1000,
    resume: bool = False,
    formats: tuple[str, ...] = ("jsonl",),
    progress: bool = True,
    gold_entities: bool = False,
    max_documents: Optional[int] = None,
    ray_actors: int = 2,
    ray_address: Optional[str] = None,
) -> dict[str, Any]:
    """Process every document of ``inputs`` into sharded triples under ``outdir``; returns the summary.

    ``engine="local"`` uses ``extractor`` in this process; ``engine="ray"`` runs the same
    extraction in a Ray Data actor pool (``model``/``device`` say what each actor loads).
    """
    outdir = Path(outdir)
    paths = expand_inputs(inputs)
    if engine not in {"local", "ray"}:
        raise ConfigError(f"unknown engine {engine!r}; valid: local, ray")
    if outdir.exists() and (outdir / LEDGER).exists() and not resume:
        raise ConfigError(f"{outdir} already holds a batch run: use --resume to continue it, or another folder")
    try:
        (outdir / "shards").mkdir(parents=True, exist_ok=True)
        probe = outdir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"cannot write to the output folder: {exc.strerror or exc}", path=outdir) from exc
    if engine == "local" and extractor is None:
        from .extract import Extractor

        extractor = Extractor(model, device=device)

    state = BatchState.load(outdir)
    removed = _remove_orphans(outdir, state)
    if removed:
        logger.warning("removed %d shard file(s) not recorded in the ledger: %s", len(removed), ", ".join(removed))
    errors_path = outdir / ERRORS
    counts = {"documents": 0, "sentences": 0, "pairs": 0, "triples": 0, "errors": 0, "skipped": 0}
    started = time.time()

    def on_error(path: Path, exc: Exception) -> None:
        counts["errors"] += 1
        _append_line(errors_path, {"source": str(path), "error": str(exc), "time": time.time()})
        logger.warning("%s", exc)

    if engine == "local":
        model_name = extractor.model_name
    else:
        from .ray_engine import model_name_of

        model_name = model_name_of(model)
    manifest = {
        "model": model_name,
        "engine": engine,
        "inputs": paths,
        "input_format": input_format,
        "shard_size": shard_size,
        "formats": list(formats),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }

    def pending() -> Iterator[Document]:
        for document in _stream_documents(paths, input_format, on_error):
            if document_key(document) in state.done:
                counts["skipped"] += 1
                continue
            yield document

    stream: Iterator[Document] = pending()
    if max_documents is not None:
        stream = itertools.islice(stream, max_documents)
    if engine == "local":
        shards = local_shards(extractor, stream, shard_size, gold_entities)
    else:
        from .ray_engine import ray_shards

        shards = ray_shards(stream, shard_size=shard_size, model=model, device=device, gold_entities=gold_entities,
                            actors=ray_actors, address=ray_address)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="axis-nlp batch", file=sys.stderr, dynamic_ncols=True)
    next_index = len(state.shards)
    try:
        for shard in shards:
            name = f"triples-{next_index:05d}"
            for error in shard.errors:
                counts["errors"] += 1
                _append_line(errors_path, error)
            _write_shard(outdir, name, shard.records, formats)
            _append_line(outdir / LEDGER, {"shard": name, "documents": shard.keys, "counts": shard.counts})
            state.shards.append(name)
            state.done.update(shard.keys)
            for k, v in shard.counts.items():
                counts[k] += v
                state.counts[k] = state.counts.get(k, 0) + v
            next_index += 1
            if bar is not None:
                bar.update(shard.n_documents)
                bar.set_postfix(triples=counts["triples"])
            _atomic_write(outdir / MANIFEST, json.dumps({**manifest, "totals": state.counts, "shards": len(state.shards),
                                                         "finished": False}, indent=2).encode("utf-8"))
    finally:
        if bar is not None:
            bar.close()
    elapsed = time.time() - started
    summary = {**counts, "seconds": round(elapsed, 2),
               "documents_per_second": round(counts["documents"] / elapsed, 2) if elapsed else 0.0,
               "totals": state.counts, "shards": len(state.shards)}
    _atomic_write(outdir / MANIFEST, json.dumps({**manifest, "totals": state.counts, "shards": len(state.shards),
                                                 "finished": True, "last_run": summary}, indent=2).encode("utf-8"))
    return summary


def read_batch_triples(outdir: Path) -> Iterator[dict[str, Any]]:
    """All triples of a finished (or partial) batch folder, in shard order (JSONL shards)."""
    state = BatchState.load(Path(outdir))
    for shard in state.shards:
        path = Path(outdir) / "shards" / f"{shard}.jsonl"
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    yield json.loads(line)
