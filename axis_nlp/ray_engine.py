"""The Ray engine of ``axis-nlp batch``: the same extraction in a Ray Data actor pool.

The driver streams documents (memory stays flat), cuts them into shards, and sends windows of
shards through ``Dataset.map_batches`` with a pool of :class:`ExtractActor` (one model per
actor; one GPU per actor when GPUs exist, a fraction of a CPU otherwise, so that on a small
machine the read tasks are not starved). Results come back in order and are written, shard by
shard, by the same code as the local engine (atomic shards + ledger), so ``--resume`` works the
same way.
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path
from typing import Any, Iterator, Optional

from .batch import ShardResult, document_key
from .schema import Document, Entity, Section

logger = logging.getLogger(__name__)


def model_name_of(model: Optional[str]) -> str:
    from .extract import DEFAULT_MODEL
    from .relation.model import CONFIG_NAME

    path = Path(model) if model else DEFAULT_MODEL
    try:
        config = json.loads((path / CONFIG_NAME).read_text(encoding="utf-8"))
        return f"{config.get('name')}@{config.get('version')}"
    except (OSError, json.JSONDecodeError):
        return str(path)


def _to_row(document: Document, shard: int) -> dict[str, Any]:
    return {
        "shard": shard,
        "key": document_key(document),
        "document": json.dumps({
            "id": document.id, "text": document.text, "source": document.source,
            "sections": [vars(s) for s in document.sections],
            "entities": [{**e.to_dict(), "source": e.source} for e in document.entities],
        }, ensure_ascii=False),
    }


def _from_row(payload: str) -> Document:
    data = json.loads(payload)
    return Document(
        id=data["id"], text=data["text"], source=data.get("source"),
        sections=[Section(**s) for s in data.get("sections", [])],
        entities=[Entity(**e) for e in data.get("entities", [])],
    )


class ExtractActor:
    """A Ray Data actor: loads the extractor once, turns batches of documents into triples."""

    def __init__(self, model: Optional[str], device: str, gold_entities: bool) -> None:
        from .extract import Extractor

        self.extractor = Extractor(model, device=device)
        self.gold_entities = gold_entities

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from .batch import _extract_shard

        documents = [_from_row(p) for p in batch["document"]]
        before = dict(self.extractor.stats)
        out: dict[str, list] = {"shard": [], "key": [], "records": [], "counts": [], "errors": []}
        try:
            results = list(self.extractor.extract_annotated(documents, gold_entities=self.gold_entities))
            per_doc = [([t.to_dict() for t in triples], [], {"documents": 1, "sentences": len(a.sentences),
                                                              "triples": len(triples)})
                       for a, triples in results]
            pairs = self.extractor.stats["pairs"] - before.get("pairs", 0)
            per_doc[0][2]["pairs"] = pairs  # pairs are counted per batch
        except Exception:  # isolate the failing document(s), as the local engine does
            per_doc = []
            for document in documents:
                r = _extract_shard(self.extractor, [document], self.gold_entities)
                per_doc.append((r.records, r.errors, r.counts))
        for shard, key, (records, errors, counts) in zip(batch["shard"], batch["key"], per_doc):
            out["shard"].append(int(shard))
            out["key"].append(str(key))
            out["records"].append(json.dumps(records, ensure_ascii=False))
            out["counts"].append(json.dumps(counts))
            out["errors"].append(json.dumps(errors, ensure_ascii=False))
        return out


def ray_shards(
    documents: Iterator[Document],
    *,
    shard_size: int,
    model: Optional[str],
    device: str = "auto",
    gold_entities: bool = False,
    actors: int = 2,
    address: Optional[str] = None,
    shards_per_window: int = 8,
    batch_size: int = 16,
) -> Iterator[ShardResult]:
    """Shards processed by a Ray Data actor pool, yielded in input order."""
    try:
        import ray
        import ray.data
    except ImportError as exc:  # pragma: no cover - depends on the extra
        from .errors import ConfigError

        raise ConfigError("--engine ray needs Ray Data: pip install 'axis-nlp[ray]'") from exc
    import torch

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
                 configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    use_gpu = device != "cpu" and (torch.cuda.is_available() or bool(ray.cluster_resources().get("GPU")))
    resources = {"num_gpus": 1} if use_gpu else {"num_cpus": 0.5}
    model_arg = str(Path(model).resolve()) if model else None
    actor_device = "cuda" if use_gpu else "cpu"

    shard_index = itertools.count()
    while True:
        window: list[tuple[int, list[Document]]] = []
        for _ in range(shards_per_window):
            docs = list(itertools.islice(documents, shard_size))
            if not docs:
                break
            window.append((next(shard_index), docs))
        if not window:
            return
        rows = [_to_row(d, shard) for shard, docs in window for d in docs]
        dataset = ray.data.from_items(rows).map_batches(
            ExtractActor,
            fn_constructor_kwargs={"model": model_arg, "device": actor_device, "gold_entities": gold_entities},
            compute=ray.data.ActorPoolStrategy(size=max(1, actors)),
            batch_size=batch_size,
            **resources,
        )
        results: dict[int, ShardResult] = {shard: ShardResult([], [], {}, [], len(docs)) for shard, docs in window}
        for row in dataset.iter_rows():
            result = results[int(row["shard"])]
            result.keys.append(row["key"])
            result.records.extend(json.loads(row["records"]))
            result.errors.extend(json.loads(row["errors"]))
            for k, v in json.loads(row["counts"]).items():
                result.counts[k] = result.counts.get(k, 0) + v
        for shard, _ in window:
            yield results[shard]
