"""The relation classifier on a tiny random encoder: overfit, save/load, engine invariants."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from axis_nlp.errors import ModelLoadError
from axis_nlp.evaluate import evaluate_records, model_predictor
from axis_nlp.relation.engine import InferenceEngine, encode_pairs, token_budget_batches
from axis_nlp.relation.markers import mark_pair
from axis_nlp.relation.model import RelationClassifier, RelationModelConfig, tokenizer_for
from axis_nlp.relation.train import TrainConfig, build_dataset, fit
from axis_nlp.schema import RELATION_LABELS

from .conftest import toy_records


def _trained(tiny_base: str, adapter: str) -> RelationClassifier:
    cfg = RelationModelConfig(base_model=tiny_base, adapter=adapter, max_length=64, dropout=0.0, lora_r=8)
    model = RelationClassifier.from_base(cfg, seed=0)
    tokenizer = model.tokenizer()
    records = toy_records()
    dataset = build_dataset(records, tokenizer, cfg.max_length)
    train_cfg = TrainConfig(epochs=120, batch_size=4, lr=3e-3, head_lr=3e-3, warmup_ratio=0.0, label_smoothing=0.0, seed=0)
    history, _ = fit(model, tokenizer, dataset, train_cfg, log=lambda _: None)
    assert history[-1]["loss"] < history[0]["loss"]
    return model


def _predict(model: RelationClassifier, **engine_kwargs: int) -> np.ndarray:
    engine = InferenceEngine(model, model.tokenizer(), device="cpu", **engine_kwargs)
    records = toy_records()
    marked = [mark_pair(r["text"], (r["factor"]["start"], r["factor"]["end"], r["factor"]["label"]),
                        (r["effect"]["start"], r["effect"]["end"], r["effect"]["label"])) for r in records]
    probs, _ = engine.predict(marked)
    return probs


@pytest.mark.parametrize("adapter", ["full", "lora"])
def test_overfit_and_roundtrip(tiny_base: str, tmp_path, adapter: str) -> None:
    model = _trained(tiny_base, adapter)
    probs = _predict(model)
    predicted = [RELATION_LABELS[i] for i in probs.argmax(1)]
    assert predicted == [r["label"] for r in toy_records()]

    model.save_pretrained(tmp_path / "m", metrics={"ok": 1}, card="# card\n")
    assert (tmp_path / "m" / "head.safetensors").exists()
    assert (tmp_path / "m" / ("adapter" if adapter == "lora" else "encoder")).is_dir()
    assert not list((tmp_path / "m").rglob("*.bin")), "weights must be safetensors only"
    loaded = RelationClassifier.from_pretrained(tmp_path / "m")
    assert loaded.config.labels == list(RELATION_LABELS)
    np.testing.assert_allclose(_predict(loaded), probs, atol=1e-4)
    # the evaluation path scores the overfitted model perfectly
    engine = InferenceEngine(loaded, tokenizer_for(loaded.config, tmp_path / "m"), device="cpu")
    scores = evaluate_records(model_predictor(engine), toy_records())
    assert scores["micro"]["f1"] == 1.0


def test_corrupted_weights_are_refused(tiny_base: str, tmp_path) -> None:
    cfg = RelationModelConfig(base_model=tiny_base, adapter="full", max_length=64)
    RelationClassifier.from_base(cfg, seed=0).save_pretrained(tmp_path / "m")
    head = tmp_path / "m" / "head.safetensors"
    head.write_bytes(head.read_bytes()[: len(head.read_bytes()) // 2])
    with pytest.raises(ModelLoadError, match="head.safetensors"):
        RelationClassifier.from_pretrained(tmp_path / "m")


def test_missing_model_folder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="config.json"):
        RelationClassifier.from_pretrained(tmp_path / "nothing")


def test_batch_size_invariance_and_order(tiny_base: str) -> None:
    model = RelationClassifier.from_base(RelationModelConfig(base_model=tiny_base, adapter="full", max_length=64), seed=1)
    reference = _predict(model, max_tokens=10_000, max_batch=1)
    for max_batch in (2, 3, 64):
        got = _predict(model, max_tokens=10_000, max_batch=max_batch)
        np.testing.assert_allclose(got, reference, atol=1e-5)
        assert (got.argmax(1) == reference.argmax(1)).all()


def test_oom_backoff_never_drops_pairs(tiny_base: str, monkeypatch) -> None:
    model = RelationClassifier.from_base(RelationModelConfig(base_model=tiny_base, adapter="full", max_length=64), seed=1)
    reference = _predict(model)
    engine = InferenceEngine(model, model.tokenizer(), device="cpu", max_batch=64)
    real_forward = engine._forward

    def flaky(encoded, batch):
        if len(batch) > 2:
            raise torch.cuda.OutOfMemoryError("simulated")
        return real_forward(encoded, batch)

    monkeypatch.setattr(engine, "_forward", flaky)
    records = toy_records()
    marked = [mark_pair(r["text"], (r["factor"]["start"], r["factor"]["end"], r["factor"]["label"]),
                        (r["effect"]["start"], r["effect"]["end"], r["effect"]["label"])) for r in records]
    probs, _ = engine.predict(marked)
    np.testing.assert_allclose(probs, reference, atol=1e-5)
    assert engine.stats["oom_retries"] > 0


def test_long_sentences_are_windowed_and_flagged(tiny_base: str) -> None:
    from axis_nlp.relation.encoder import load_tokenizer

    tokenizer = load_tokenizer(tiny_base)
    text = "osteocalcin " + "and the of " * 200 + "promotes memory ."
    f = (0, 11, "GENE_OR_PROTEIN")
    e_start = text.index("memory")
    marked = mark_pair(text, f, (e_start, e_start + 6, "PHENOTYPE_OR_PROCESS"))
    (enc,) = encode_pairs(tokenizer, [marked], 64)
    assert len(enc.input_ids) <= 64 and enc.truncated
    assert 0 < enc.factor_index < 64 and 0 < enc.effect_index < 64


def test_token_budget_batches_cover_everything_once() -> None:
    lengths = [5, 50, 7, 50, 3, 20, 20, 8]
    batches = token_budget_batches(lengths, max_tokens=100, max_batch=4)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for b in batches:
        assert max(lengths[i] for i in b) * len(b) <= 100 or len(b) == 1


def test_markers_wrap_factor_and_effect_in_either_order() -> None:
    text = "memory is improved by osteocalcin"
    m = mark_pair(text, (22, 33, "GENE_OR_PROTEIN"), (0, 6, "PHENOTYPE_OR_PROCESS"))
    assert m.text.startswith("# ^ phenotype or process ^ memory #")
    assert m.text[m.factor_char] == "@" and m.text[m.effect_char] == "#"
    assert "@ * gene or protein * osteocalcin @" in m.text
    with pytest.raises(ValueError):
        mark_pair(text, (0, 6, "X"), (3, 9, "Y"))


def test_none_prior_correction_is_applied(tiny_base: str) -> None:
    """none_bias multiplies the odds of ``none`` (the pair model's resampling correction)."""
    model = RelationClassifier.from_base(RelationModelConfig(base_model=tiny_base, adapter="full", max_length=64), seed=1)
    plain = _predict(model)
    model.config.none_bias = 4.0
    corrected = _predict(model)
    none = RELATION_LABELS.index("none")
    odds = lambda p: p[:, none] / (1 - p[:, none])  # noqa: E731
    np.testing.assert_allclose(odds(corrected), 4.0 * odds(plain), rtol=1e-3)
