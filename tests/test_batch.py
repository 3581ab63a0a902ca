"""Batch processing: shards, manifest, resume after a kill, failing documents."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from axis_nlp.batch import BatchState, read_batch_triples, run_batch
from axis_nlp.errors import ConfigError

SENTENCES = [
    "Osteocalcin promotes memory in mice.",
    "IL-6 increases bone loss after ovariectomy.",
    "Cortisol impairs memory and suppresses bone formation.",
    "Exercise did not alter cortisol in older adults.",
    "Sclerostin is associated with cognition in Alzheimer's disease.",
]


def _corpus(path: Path, n: int) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for i in range(n):
            text = f"{SENTENCES[i % len(SENTENCES)]} {SENTENCES[(i * 3 + 1) % len(SENTENCES)]}"
            handle.write(json.dumps({"id": f"doc{i:04d}", "text": text}) + "\n")
    return path


@pytest.fixture(scope="module")
def extractor(tiny_model_dir):
    from axis_nlp.extract import Extractor

    return Extractor(tiny_model_dir, device="cpu")


def _by_doc(outdir: Path) -> dict[str, list]:
    triples: dict[str, list] = {}
    for t in read_batch_triples(outdir):
        triples.setdefault(t["doc_id"], []).append((t["factor"]["start"], t["effect"]["start"], t["direction"]))
    return triples


def test_batch_writes_shards_manifest_and_ledger(tmp_path, extractor) -> None:
    corpus = _corpus(tmp_path / "docs.jsonl.gz", 23)
    out = tmp_path / "out"
    summary = run_batch([str(corpus)], out, extractor=extractor, shard_size=10, progress=False,
                        formats=("jsonl", "parquet"))
    assert summary["documents"] == 23 and summary["errors"] == 0
    state = BatchState.load(out)
    assert len(state.shards) == 3 and len(state.done) == 23
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["finished"] and manifest["totals"]["documents"] == 23 and manifest["model"]
    import pyarrow.parquet as pq

    rows = sum(pq.read_table(out / "shards" / f"{s}.parquet").num_rows for s in state.shards)
    assert rows == sum(1 for _ in read_batch_triples(out)) == summary["triples"] > 0


def test_existing_output_needs_resume(tmp_path, extractor) -> None:
    corpus = _corpus(tmp_path / "docs.jsonl.gz", 3)
    run_batch([str(corpus)], tmp_path / "out", extractor=extractor, progress=False)
    with pytest.raises(ConfigError, match="--resume"):
        run_batch([str(corpus)], tmp_path / "out", extractor=extractor, progress=False)
    again = run_batch([str(corpus)], tmp_path / "out", extractor=extractor, progress=False, resume=True)
    assert again["documents"] == 0 and again["skipped"] == 3


def test_resume_removes_unrecorded_shards(tmp_path, extractor) -> None:
    corpus = _corpus(tmp_path / "docs.jsonl.gz", 12)
    out = tmp_path / "out"
    run_batch([str(corpus)], out, extractor=extractor, shard_size=5, progress=False, max_documents=5)
    # a kill between the rename of a shard and its ledger line leaves an orphan shard
    (out / "shards" / "triples-00001.jsonl").write_text('{"doc_id": "ghost"}\n')
    run_batch([str(corpus)], out, extractor=extractor, shard_size=5, progress=False, resume=True)
    docs = Counter(t["doc_id"] for t in read_batch_triples(out))
    assert "ghost" not in docs
    assert len(BatchState.load(out).done) == 12


def test_bad_file_is_recorded_and_the_run_goes_on(tmp_path, extractor) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SENTENCES[0], encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.txt").write_text(SENTENCES[1], encoding="utf-8")
    summary = run_batch([str(folder)], tmp_path / "out", extractor=extractor, progress=False)
    assert summary["documents"] == 2 and summary["errors"] == 1
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert "b.txt" in errors[0]["source"]


def test_kill_and_resume_loses_and_duplicates_nothing(tmp_path, tiny_model_dir, extractor) -> None:
    corpus = _corpus(tmp_path / "docs.jsonl.gz", 60)
    reference = tmp_path / "reference"
    run_batch([str(corpus)], reference, extractor=extractor, shard_size=4, progress=False)
    expected = _by_doc(reference)

    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "axis_nlp.cli", "batch", str(corpus), "-o", str(out), "--model", str(tiny_model_dir),
           "--device", "cpu", "--shard-size", "4", "--no-progress", "--no-parquet"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for kill_after_shards in (1, 4, 9):
        proc = subprocess.Popen(cmd + (["--resume"] if out.exists() else []), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if len(BatchState.load(out).shards) >= kill_after_shards:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    subprocess.run(cmd + ["--resume"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = BatchState.load(out)
    assert len(state.done) == 60
    keys = [k for line in (out / "ledger.jsonl").read_text().splitlines() for k in json.loads(line)["documents"]]
    assert len(keys) == len(set(keys)) == 60, "every document exactly once"
    assert _by_doc(out) == expected


def test_ray_engine_matches_the_local_engine(tmp_path, tiny_model_dir, extractor) -> None:
    pytest.importorskip("ray.data")
    import ray

    corpus = _corpus(tmp_path / "docs.jsonl.gz", 18)
    run_batch([str(corpus)], tmp_path / "local", extractor=extractor, shard_size=5, progress=False)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        summary = run_batch([str(corpus)], tmp_path / "ray", engine="ray", model=str(tiny_model_dir), device="cpu",
                            shard_size=5, progress=False, ray_actors=1)
    finally:
        ray.shutdown()
    assert summary["documents"] == 18
    assert BatchState.load(tmp_path / "ray").done == BatchState.load(tmp_path / "local").done
    local = [(t["doc_id"], t["factor"]["start"], t["effect"]["start"], t["direction"]) for t in read_batch_triples(tmp_path / "local")]
    remote = [(t["doc_id"], t["factor"]["start"], t["effect"]["start"], t["direction"]) for t in read_batch_triples(tmp_path / "ray")]
    assert remote == local and local
