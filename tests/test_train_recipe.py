"""``train()`` end to end on a tiny random encoder: both architectures, and warm starts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from axis_nlp.relation.engine import InferenceEngine, SentenceGroup
from axis_nlp.relation.model import RelationClassifier
from axis_nlp.relation.train import TrainConfig, train

from .conftest import TOY


def _axis_file(path: Path) -> Path:
    """:data:`TOY` as a built axis corpus file (entities with offsets, relations by index)."""
    with path.open("w", encoding="utf-8") as handle:
        for n, (text, f, e, label) in enumerate(TOY):
            fs, es = text.index(f), text.index(e)
            record = {
                "id": f"toy-{n}", "text": text,
                "entities": [{"text": f, "start": fs, "end": fs + len(f), "label": "GENE_OR_PROTEIN"},
                             {"text": e, "start": es, "end": es + len(e), "label": "PHENOTYPE_OR_PROCESS"}],
                "relations": [{"factor": 0, "effect": 1, "direction": label, "hedged": False,
                               "negated": label == "no_effect"}],
            }
            handle.write(json.dumps(record) + "\n")
    return path


def _config(tiny_base: str, corpus: Path, **settings: object) -> TrainConfig:
    values: dict[str, object] = dict(
        base_model=tiny_base, adapter="lora", lora_r=4, lora_alpha=8, max_length=64, axis_train=str(corpus),
        axis_dev=str(corpus), axis_repeat=1, biored_train="", drugprot_train="", epochs=2.0, batch_size=3,
        lr=1e-3, head_lr=1e-3, seed=0, name="toy-relation", version="0.0.1",
    )
    values.update(settings)
    return TrainConfig(**values)  # type: ignore[arg-type]


def _probabilities(folder: Path) -> np.ndarray:
    model = RelationClassifier.from_pretrained(folder)
    engine = InferenceEngine(model, model.tokenizer())
    groups = []
    for text, f, e, _ in TOY:
        fs, es = text.index(f), text.index(e)
        groups.append(SentenceGroup(text, [(fs, fs + len(f), "GENE_OR_PROTEIN"), (es, es + len(e), "PHENOTYPE_OR_PROCESS")],
                                    [(0, 1), (1, 0)]))
    probabilities, _ = engine.predict_groups(groups)
    return probabilities


@pytest.mark.parametrize("architecture", ["sentence", "pair"])
def test_train_writes_a_loadable_model_with_card_and_metrics(tiny_base: str, tmp_path: Path, architecture: str) -> None:
    corpus = _axis_file(tmp_path / "toy.jsonl")
    out = tmp_path / "model"
    metrics = train(_config(tiny_base, corpus, architecture=architecture), out, device="cpu", log=lambda _: None)
    # 6 sentences or 12 ordered pairs, in batches of 3, for 2 epochs
    assert metrics["steps"] == (4 if architecture == "sentence" else 8) and metrics["train_counts"]["axis"]["increases"] == 2
    assert "micro" in metrics["axis_dev"]
    saved = json.loads((out / "config.json").read_text())
    assert saved["architecture"] == architecture and saved["name"] == "toy-relation"
    assert (out / "adapter" / "adapter_model.safetensors").exists() and (out / "README.md").exists()
    assert len(metrics["lineage"]) == 1 and "Trained in" not in (out / "README.md").read_text()
    assert _probabilities(out).shape == (12, 5)


def test_warm_start_continues_from_the_given_model(tiny_base: str, tmp_path: Path) -> None:
    corpus = _axis_file(tmp_path / "toy.jsonl")
    first = tmp_path / "first"
    train(_config(tiny_base, corpus, architecture="sentence", epochs=3.0), first, device="cpu", log=lambda _: None)
    # no learning at all: a warm start must reproduce the model it started from exactly ...
    frozen = tmp_path / "frozen"
    metrics = train(_config(tiny_base, corpus, init_from=str(first), lr=0.0, head_lr=0.0, version="0.0.2",
                            architecture="pair", lora_r=16),
                    frozen, device="cpu", log=lambda _: None)
    np.testing.assert_allclose(_probabilities(frozen), _probabilities(first), atol=1e-5)
    # ... taking the architecture and adapter of that model, and the new name and version
    saved = json.loads((frozen / "config.json").read_text())
    assert saved["architecture"] == "sentence" and saved["lora_r"] == 4 and saved["version"] == "0.0.2"
    assert metrics["config"]["init_from"] == str(first)
    # the card and metrics say which stages made the model
    assert [stage["model"] for stage in metrics["lineage"]] == ["toy-relation@0.0.1", "toy-relation@0.0.2"]
    assert metrics["lineage"][1]["init_from"] == "toy-relation@0.0.1" and metrics["lineage"][0]["steps"] == 6
    assert "Trained in 2 stages" in (frozen / "README.md").read_text()
    # while a fresh start from the base with the same settings is a different model
    fresh = tmp_path / "fresh"
    train(_config(tiny_base, corpus, architecture="sentence", lr=0.0, head_lr=0.0), fresh, device="cpu", log=lambda _: None)
    assert not np.allclose(_probabilities(fresh), _probabilities(first), atol=1e-3)
    # and a warm start that learns moves away from it
    moved = tmp_path / "moved"
    train(_config(tiny_base, corpus, init_from=str(first), lr=5e-3, head_lr=5e-3), moved, device="cpu", log=lambda _: None)
    assert not np.allclose(_probabilities(moved), _probabilities(first), atol=1e-4)
