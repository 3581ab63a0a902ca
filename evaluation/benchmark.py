"""Side-by-side speed benchmark of the relation extraction paths (see ../shared/docs/BENCHMARK.md).

    python evaluation/benchmark.py --docs 2000 --out evaluation/reports/benchmark_cpu.md

All variants run on the same documents and the same candidate pairs, after a warm-up:
  spaCy-only  the pipeline without the relation model (gives the candidate pairs)
  B1   one pair per call: tokenise + forward at batch size 1 (what a plain HF
       ``pipeline("text-classification")`` does; the head is custom, so the loop is written out)
  B2   plain batches: one input per pair, fixed batch size, padded to the longest, input order
  B4   the engine's model path alone on pre-tokenised, length-sorted, token-budget batches; for a
       one-pass (sentence) model one input per *sentence*, all its pairs classified at once
  B4q  B4 with dynamic int8 quantisation of the Linear layers (CPU only)
  B3   the engine end to end: read -> spaCy -> pairs -> model -> attributes -> JSONL
B1/B2/B4 run for every model given with ``--models`` (the first is the one B3 uses), so the
one-pass model and the one-pair-per-pass model are compared on the same pairs. Medians of
``--repeats`` runs; label agreement of every fast path with that model's B2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from axis_nlp.converters import read_biored, read_drugprot, shared_corpus  # noqa: E402
from axis_nlp.extract import Extractor, sentence_groups  # noqa: E402
from axis_nlp.relation.engine import InferenceEngine, SentenceGroup, encode_pairs, encode_sentences  # noqa: E402
from axis_nlp.relation.markers import mark_pair  # noqa: E402
from axis_nlp.relation.model import RelationClassifier, tokenizer_for  # noqa: E402
from axis_nlp.registry import resolve_model  # noqa: E402
from axis_nlp.schema import Document  # noqa: E402
from axis_nlp.writers import TripleWriter  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_documents(n: int) -> list[Document]:
    docs: list[Document] = []
    for split in ("Train.BioC.JSON", "Dev.BioC.JSON"):
        path = shared_corpus("biored", split)
        if path.exists():
            docs += [Document(id=d.id, text=d.text, sections=d.sections) for d in read_biored(path)]
    if len(docs) < n:
        path = shared_corpus("drugprot", "training")
        if path.exists():
            docs += [Document(id=d.id, text=d.text) for d in read_drugprot(path, limit=n - len(docs), seed=0)]
    return docs[:n]


def flops_per_token(model: torch.nn.Module, avg_seq: float) -> float:
    """BENCHMARK.md's estimate: 2 x non-embedding parameters + 4 x layers x hidden x sequence length."""
    encoder = getattr(model, "encoder", model)
    cfg = encoder.config
    params = sum(p.numel() for n, p in encoder.named_parameters() if "embeddings" not in n)
    return 2 * params + 4 * cfg.num_hidden_layers * cfg.hidden_size * avg_seq


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def single_pair_groups(groups: Sequence[SentenceGroup]) -> list[SentenceGroup]:
    """Every pair as its own group (same sentence, same marked entities): the plain way to call a model."""
    return [SentenceGroup(g.text, g.entities, [p]) for g in groups for p in g.pairs]


def encode_units(engine: InferenceEngine, groups: Sequence[SentenceGroup]) -> list[Any]:
    """Model inputs of ``groups`` (one per pair for a pair model, one per sentence for a one-pass model)."""
    if engine.architecture == "sentence":
        return encode_sentences(engine.tokenizer, groups, engine.max_length)
    marked = [mark_pair(g.text, g.entities[f], g.entities[e]) for g in groups for f, e in g.pairs]
    return encode_pairs(engine.tokenizer, marked, engine.max_length)


def forward(engine: InferenceEngine, units: Sequence[Any], batch: list[int]) -> np.ndarray:
    if engine.architecture == "sentence":
        return engine._forward_sentences(units, batch)
    return engine._forward(units, batch)


def bench_model(name: str, engine: InferenceEngine, groups: list[SentenceGroup], args: argparse.Namespace,
                results: dict[str, dict[str, Any]], agreement: dict[str, float]) -> None:
    singles = single_pair_groups(groups)
    n_pairs = len(singles)
    pair_units = encode_units(engine, singles)  # one input per pair, input order
    pair_tokens = sum(len(u.input_ids) for u in pair_units)
    forward(engine, pair_units, list(range(min(64, len(pair_units)))))  # warm-up

    sample = singles[: args.b1_pairs]

    def b1() -> np.ndarray:
        rows = []
        for g in sample:
            (unit,) = encode_units(engine, [g])
            rows.append(forward(engine, [unit], [0])[0])
        return np.stack(rows)

    t, p_b1 = timed(b1, 1)
    results[f"B1 one pair per call [{name}]"] = {
        "seconds": t, "pairs": len(sample), "pairs_s": len(sample) / t,
        "real_tokens": sum(len(u.input_ids) for u in pair_units[: len(sample)]), "padding": 0.0}

    def b2() -> np.ndarray:
        out = []
        for i in range(0, n_pairs, args.b2_batch):
            chunk = encode_units(engine, singles[i: i + args.b2_batch])
            out.append(forward(engine, chunk, list(range(len(chunk)))))
        return np.concatenate(out)

    t, p_b2 = timed(b2, args.repeats)
    padded = sum(len(pair_units[i: i + args.b2_batch]) * max(len(u.input_ids) for u in pair_units[i: i + args.b2_batch])
                 for i in range(0, n_pairs, args.b2_batch))
    results[f"B2 plain padded batches [{name}]"] = {"seconds": t, "pairs": n_pairs, "pairs_s": n_pairs / t,
                                                    "real_tokens": pair_tokens, "padding": 1 - pair_tokens / padded}

    units = encode_units(engine, groups)
    real = sum(len(u.input_ids) for u in units)

    def b4() -> np.ndarray:
        if engine.architecture == "sentence":
            return engine.predict_encoded_sentences(units, n_pairs)
        return engine.predict_encoded(units)

    engine.stats.update(real_tokens=0, padded_tokens=0)
    t, p_b4 = timed(b4, args.repeats)
    padding = engine.stats["padded_tokens"] / max(1, engine.stats["real_tokens"] + engine.stats["padded_tokens"])
    results[f"B4 model alone, bucketed [{name}]"] = {
        "seconds": t, "pairs": n_pairs, "pairs_s": n_pairs / t, "inputs": len(units), "real_tokens": real,
        "padding": padding, "tflop_s": real * flops_per_token(engine.model, real / max(1, len(units))) / t / 1e12}
    agreement[f"[{name}] B1 vs B2"] = float((p_b1.argmax(1) == p_b2[: len(sample)].argmax(1)).mean())
    agreement[f"[{name}] B4 vs B2"] = float((p_b4.argmax(1) == p_b2.argmax(1)).mean())
    agreement[f"[{name}] max |B4 - B2| prob"] = float(np.abs(p_b4 - p_b2).max())

    if engine.device.type == "cpu" and args.int8:
        qmodel = torch.ao.quantization.quantize_dynamic(engine.model, {torch.nn.Linear}, dtype=torch.qint8)
        qengine = InferenceEngine(qmodel, engine.tokenizer, device="cpu", max_tokens=engine.max_tokens,
                                  max_batch=engine.max_batch)
        qengine.model.config = engine.model.config
        if engine.architecture == "sentence":
            t, p_q = timed(lambda: qengine.predict_encoded_sentences(units, n_pairs), args.repeats)
        else:
            t, p_q = timed(lambda: qengine.predict_encoded(units), args.repeats)
        results[f"B4q model alone, int8 dynamic [{name}]"] = {"seconds": t, "pairs": n_pairs, "pairs_s": n_pairs / t,
                                                              "inputs": len(units), "real_tokens": real}
        agreement[f"[{name}] B4q vs B2"] = float((p_q.argmax(1) == p_b2.argmax(1)).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--models", nargs="+", default=["axis-relation", "axis-relation-pair"],
                        help="registered names or folders; the first runs end to end (B3)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--b1-pairs", type=int, default=400, help="B1 is slow: time it on this many pairs")
    parser.add_argument("--b2-batch", type=int, default=32)
    parser.add_argument("--max-pairs", type=int, default=6000,
                        help="time B2/B4 on the sentences holding the first N candidate pairs (0: all)")
    parser.add_argument("--int8", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--out", default=str(REPO / "evaluation" / "reports" / "benchmark_cpu.md"))
    args = parser.parse_args()

    extractor = Extractor(args.models[0], device=args.device)
    device = extractor.engine.device
    docs = load_documents(args.docs)
    words = sum(len(d.text.split()) for d in docs)
    print(f"{len(docs)} documents, {words} words, device {device}", file=sys.stderr)

    # spaCy-only; it also gives the candidate pairs that every model path uses
    list(extractor.annotate(docs[:20]))  # warm-up
    t_spacy, annotated = timed(lambda: list(extractor.annotate(docs)), 1)
    candidates, all_groups = sentence_groups(annotated)
    groups, total = [], 0
    for g in all_groups:
        if args.max_pairs and total >= args.max_pairs:
            break
        groups.append(g)
        total += len(g.pairs)
    print(f"spaCy: {t_spacy:.1f}s, {len(candidates)} candidate pairs in {len(all_groups)} sentences "
          f"({total} pairs in {len(groups)} sentences timed for B1/B2/B4)", file=sys.stderr)

    results: dict[str, dict[str, Any]] = {}
    agreement: dict[str, float] = {}
    names = []
    for spec in args.models:
        path = resolve_model(spec)
        if spec == args.models[0]:
            engine = extractor.engine
        else:
            clf = RelationClassifier.from_pretrained(path)
            engine = InferenceEngine(clf, tokenizer_for(clf.config, path), device=str(device))
        name = f"{engine.model.name}, {engine.architecture}"
        names.append(name)
        print(f"model {name}", file=sys.stderr)
        bench_model(name, engine, groups, args, results, agreement)

    def b3() -> int:
        sink = io.StringIO()
        writer = TripleWriter(sink)
        for _, triples in extractor.extract_annotated(docs):
            writer.write(triples)
        return writer.count

    extractor.engine.stats.update(real_tokens=0, padded_tokens=0)
    t, n_triples = timed(b3, max(1, args.repeats - 2))
    stats = extractor.engine.stats
    results[f"B3 engine end to end [{names[0]}]"] = {
        "seconds": t, "pairs": len(candidates), "pairs_s": len(candidates) / t, "docs_s": len(docs) / t,
        "real_tokens": stats["real_tokens"] / max(1, args.repeats - 2),
        "padding": stats["padded_tokens"] / max(1, stats["real_tokens"] + stats["padded_tokens"]), "triples": n_triples}
    results["spaCy only"] = {"seconds": t_spacy, "docs_s": len(docs) / t_spacy, "words_s": words / t_spacy}

    first = names[0]
    base = results[f"B1 one pair per call [{first}]"]["pairs_s"]
    lines = [
        "# Benchmark: relation extraction paths",
        "",
        f"- command: `python evaluation/benchmark.py --docs {args.docs} --repeats {args.repeats} --max-pairs {args.max_pairs} "
        f"--b1-pairs {args.b1_pairs} --models {' '.join(args.models)}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores ({platform.processor() or 'unknown CPU'}), "
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {device}"
        + (f" ({torch.cuda.get_device_name()})" if device.type == "cuda" else ""),
        f"- corpus: {len(docs)} real abstracts (BioRED train+dev, then DrugProt training), {words} words, "
        f"{len(candidates)} candidate pairs in {len(all_groups)} sentences (axis lexicon + NER); B1 on the first "
        f"{args.b1_pairs} pairs, B2/B4 on the {len(groups)} sentences holding the first {total} pairs; B3 on everything",
        f"- medians of {args.repeats} runs after a warm-up (B3: {max(1, args.repeats - 2)} run(s)); "
        f"'x B1' is pairs/s over B1 of the first model ({first})",
        "",
        "| variant | seconds | pairs/s | docs/s | real tokens/s | padding | x B1 | model TFLOP/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        pairs_s = r.get("pairs_s")
        tok_s = r["real_tokens"] / r["seconds"] if "real_tokens" in r else None
        pad = r.get("padding")
        lines.append(
            f"| {name} | {r['seconds']:.2f} | {pairs_s:.0f} | {r.get('docs_s', 0):.1f} | "
            f"{tok_s:.0f} | {'-' if pad is None else f'{pad:.1%}'} | {pairs_s / base:.1f} | "
            f"{'-' if 'tflop_s' not in r else format(r['tflop_s'], '.3f')} |"
            if pairs_s else
            f"| {name} | {r['seconds']:.2f} | - | {r['docs_s']:.1f} | - | - | - | - |"
        )
    b3 = results[f"B3 engine end to end [{first}]"]["pairs_s"]
    b2 = results[f"B2 plain padded batches [{first}]"]["pairs_s"]
    b4 = results[f"B4 model alone, bucketed [{first}]"]["pairs_s"]
    lines += [
        "",
        f"spaCy only: {results['spaCy only']['words_s']:.0f} words/s, {results['spaCy only']['docs_s']:.1f} docs/s.",
        f"Peak RSS: {peak_rss_mb():.0f} MB" + (f"; peak GPU memory {torch.cuda.max_memory_allocated() / 2**20:.0f} MB" if device.type == "cuda" else ""),
        "",
        "Label agreement (argmax over the five labels): " + ", ".join(f"{k}: {v:.4f}" for k, v in agreement.items()),
        "",
        f"[{first}] B3 / B1 = {b3 / base:.1f}x; B3 / B2 = {b3 / b2:.2f}x; B4 / B3 = {b4 / b3:.2f}x (pipeline overhead).",
    ]
    if len(names) > 1:
        other = results[f"B4 model alone, bucketed [{names[1]}]"]["pairs_s"]
        lines.append(f"B4 [{first}] / B4 [{names[1]}] = {b4 / other:.2f}x (model path, same pairs).")
    report = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report, encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(json.dumps({"results": results, "agreement": agreement}, indent=2) + "\n")
    print(report)


if __name__ == "__main__":
    main()
