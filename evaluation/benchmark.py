"""Side-by-side speed benchmark of the relation extraction paths (see ../shared/docs/BENCHMARK.md).

    python evaluation/benchmark.py --docs 2000 --out evaluation/reports/benchmark_cpu.md

Variants, all on the same documents and candidate pairs, after a warm-up:
  B1  one marked pair per call: tokenise + forward at batch size 1 (what a plain HF
      ``pipeline("text-classification")`` does; our head is custom, so the loop is written out)
  B2  plain batches: fixed batch size, padded to the longest, input order
  B3  the engine end to end: read -> spaCy -> pairs -> model -> JSONL
  B4  the model alone on pre-tokenised, length-bucketed, token-budget batches (the ceiling of B3)
  B4q B4 with dynamic int8 quantisation of the Linear layers (CPU only)
  spaCy-only: the pipeline without the relation model
Medians of ``--repeats`` runs; label agreement of every path with B2.
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
from typing import Any, Callable

import numpy as np
import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from axis_nlp.converters import read_biored, read_drugprot, shared_corpus  # noqa: E402
from axis_nlp.extract import Extractor, _mark, candidate_pairs  # noqa: E402
from axis_nlp.relation.engine import EncodedPair, InferenceEngine, encode_pairs  # noqa: E402
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


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def forward_batch(model: torch.nn.Module, encoded: list[EncodedPair], pad_id: int, device: torch.device) -> np.ndarray:
    width = max(len(e.input_ids) for e in encoded)
    ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for r, e in enumerate(encoded):
        ids[r, : len(e.input_ids)] = torch.tensor(e.input_ids)
        mask[r, : len(e.input_ids)] = 1
    f = torch.tensor([e.factor_index for e in encoded])
    g = torch.tensor([e.effect_index for e in encoded])
    with torch.inference_mode(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda"):
        logits = model(ids.to(device), mask.to(device), f.to(device), g.to(device))
    return torch.softmax(logits.float(), -1).cpu().numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--model", default=None)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--b1-pairs", type=int, default=600, help="B1 is slow: time it on this many pairs")
    parser.add_argument("--b2-batch", type=int, default=32)
    parser.add_argument("--max-pairs", type=int, default=0, help="time B2/B4/B4q on the first N candidate pairs (0: all)")
    parser.add_argument("--out", default=str(REPO / "evaluation" / "reports" / "benchmark_cpu.md"))
    args = parser.parse_args()

    extractor = Extractor(args.model, device=args.device)
    device = extractor.engine.device
    model, tokenizer = extractor.model, extractor.tokenizer
    pad_id = tokenizer.pad_token_id or 0
    docs = load_documents(args.docs)
    words = sum(len(d.text.split()) for d in docs)
    print(f"{len(docs)} documents, {words} words, device {device}", file=sys.stderr)

    # spaCy-only (also gives the candidate pairs every model path uses)
    extractor.annotate(docs[:20]).__next__()  # warm-up
    t_spacy, annotated = timed(lambda: list(extractor.annotate(docs)), 1)
    all_marked = [_mark(s, f, e) for a in annotated for s in a.sentences for f, e in candidate_pairs(s)]
    marked = all_marked[: args.max_pairs] if args.max_pairs else all_marked
    print(f"spaCy: {t_spacy:.1f}s, {len(all_marked)} candidate pairs ({len(marked)} timed for B2/B4)", file=sys.stderr)

    encoded = encode_pairs(tokenizer, marked, model.config.max_length)
    real_tokens = sum(len(e.input_ids) for e in encoded)
    engine = InferenceEngine(model, tokenizer, device=str(device))
    engine.predict_encoded(encoded[:256])  # warm-up

    results: dict[str, dict[str, Any]] = {}

    # B1: one pair per call
    sample = marked[: args.b1_pairs]

    def b1() -> np.ndarray:
        out = []
        for pair in sample:
            (enc,) = encode_pairs(tokenizer, [pair], model.config.max_length)
            out.append(forward_batch(model, [enc], pad_id, device)[0])
        return np.stack(out)

    t, p_b1 = timed(b1, 1)
    results["B1 one pair per call"] = {"seconds": t, "pairs": len(sample), "pairs_s": len(sample) / t,
                                       "real_tokens": sum(len(e.input_ids) for e in encoded[: len(sample)])}

    # B2: plain fixed-size batches, input order, tokenisation included
    def b2() -> np.ndarray:
        out = []
        for i in range(0, len(marked), args.b2_batch):
            enc = encode_pairs(tokenizer, marked[i: i + args.b2_batch], model.config.max_length)
            out.append(forward_batch(model, enc, pad_id, device))
        return np.concatenate(out)

    t, p_b2 = timed(b2, args.repeats)
    padded_b2 = sum(args.b2_batch * max(len(e.input_ids) for e in encoded[i: i + args.b2_batch]) for i in range(0, len(encoded), args.b2_batch))
    results["B2 plain padded batches"] = {"seconds": t, "pairs": len(marked), "pairs_s": len(marked) / t,
                                         "real_tokens": real_tokens, "padding": 1 - real_tokens / padded_b2}

    # B4: model alone, pre-tokenised and bucketed
    def b4() -> np.ndarray:
        return engine.predict_encoded(encoded)

    engine.stats.update(real_tokens=0, padded_tokens=0)
    t, p_b4 = timed(b4, args.repeats)
    padding = engine.stats["padded_tokens"] / max(1, engine.stats["real_tokens"] + engine.stats["padded_tokens"])
    results["B4 model alone, bucketed"] = {"seconds": t, "pairs": len(marked), "pairs_s": len(marked) / t,
                                          "real_tokens": real_tokens, "padding": padding}

    # B4q: dynamic int8 quantisation (CPU)
    p_b4q = None
    if device.type == "cpu":
        qmodel = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        qengine = InferenceEngine(qmodel, tokenizer, device="cpu")
        qengine.model.config = model.config
        t, p_b4q = timed(lambda: qengine.predict_encoded(encoded), args.repeats)
        results["B4q model alone, int8 dynamic"] = {"seconds": t, "pairs": len(marked), "pairs_s": len(marked) / t,
                                                   "real_tokens": real_tokens}

    # B3: the engine end to end, JSONL written to memory
    def b3() -> int:
        sink = io.StringIO()
        writer = TripleWriter(sink)
        for triples in (t for _, t in extractor.extract_annotated(docs)):
            writer.write(triples)
        return writer.count

    t, n_triples = timed(b3, max(1, args.repeats - 1))
    all_tokens = sum(len(e.input_ids) for e in encode_pairs(tokenizer, all_marked, model.config.max_length))
    results["B3 engine end to end"] = {"seconds": t, "pairs": len(all_marked), "pairs_s": len(all_marked) / t,
                                      "docs_s": len(docs) / t, "real_tokens": all_tokens, "triples": n_triples}
    results["spaCy only"] = {"seconds": t_spacy, "docs_s": len(docs) / t_spacy, "words_s": words / t_spacy}

    base = results["B1 one pair per call"]["pairs_s"]
    agree = {
        "B1 vs B2": float((p_b1.argmax(1) == p_b2[: len(sample)].argmax(1)).mean()),
        "B4 vs B2": float((p_b4.argmax(1) == p_b2.argmax(1)).mean()),
        "max |B4 - B2| prob": float(np.abs(p_b4 - p_b2).max()),
    }
    if p_b4q is not None:
        agree["B4q vs B2"] = float((p_b4q.argmax(1) == p_b2.argmax(1)).mean())

    lines = [
        "# Benchmark: relation extraction paths",
        "",
        f"- command: `python evaluation/benchmark.py --docs {args.docs} --repeats {args.repeats} --max-pairs {args.max_pairs} --b1-pairs {args.b1_pairs}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, "
        f"threads {torch.get_num_threads()}, device {device}"
        + (f" ({torch.cuda.get_device_name()})" if device.type == "cuda" else ""),
        f"- corpus: {len(docs)} real abstracts (BioRED train+dev, then DrugProt training), {words} words, "
        f"{len(all_marked)} candidate pairs (axis lexicon + NER; B2/B4 timed on {len(marked)} of them), "
        f"{real_tokens} real tokens in those",
        f"- model: {extractor.model_name}; medians of {args.repeats} runs after a warm-up",
        "",
        "| variant | seconds | pairs/s | docs/s | real tokens/s | padding | x B1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        pairs_s = r.get("pairs_s")
        tok_s = r["real_tokens"] / r["seconds"] if "real_tokens" in r else None
        lines.append(
            f"| {name} | {r['seconds']:.2f} | {pairs_s:.0f} | {r.get('docs_s', 0):.1f} | "
            f"{tok_s:.0f} | {r.get('padding', float('nan')):.1%} | {pairs_s / base:.1f} |"
            if pairs_s else
            f"| {name} | {r['seconds']:.2f} | - | {r['docs_s']:.1f} | - | - | - |"
        )
    lines += [
        "",
        f"spaCy only: {results['spaCy only']['words_s']:.0f} words/s.",
        f"Peak RSS: {peak_rss_mb():.0f} MB" + (f"; peak GPU memory {torch.cuda.max_memory_allocated() / 2**20:.0f} MB" if device.type == "cuda" else ""),
        "",
        "Label agreement: " + ", ".join(f"{k}: {v:.4f}" for k, v in agree.items()),
        "",
        f"B3 / B1 = {results['B3 engine end to end']['pairs_s'] / base:.1f}x; "
        f"B3 / B2 = {results['B3 engine end to end']['pairs_s'] / results['B2 plain padded batches']['pairs_s']:.2f}x; "
        f"B4 / B3 = {results['B4 model alone, bucketed']['pairs_s'] / results['B3 engine end to end']['pairs_s']:.2f}x (pipeline overhead).",
    ]
    report = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report, encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(json.dumps({"results": results, "agreement": agree}, indent=2))
    print(report)


if __name__ == "__main__":
    main()
