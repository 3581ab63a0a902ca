"""The one-pass (``architecture = "sentence"``) relation model on a tiny random encoder."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from axis_nlp.evaluate import evaluate_records, model_predictor
from axis_nlp.relation.engine import InferenceEngine, SentenceGroup, encode_sentences
from axis_nlp.relation.markers import mark_entities
from axis_nlp.relation.model import RelationClassifier, RelationModelConfig, SentenceRelationClassifier
import random

from axis_nlp.relation.train import (
    TrainConfig, build_sentence_dataset, entity_names, fit, group_sentences, sentence_examples, swap_entities,
)
from axis_nlp.schema import RELATION_LABELS

from .conftest import toy_records

GENE, PHEN = "GENE_OR_PROTEIN", "PHENOTYPE_OR_PROCESS"


def _groups() -> list[SentenceGroup]:
    """The toy sentences as groups, both orders of each pair (rows match toy_records())."""
    groups = []
    records = toy_records()
    for i in range(0, len(records), 2):
        r = records[i]
        f = (r["factor"]["start"], r["factor"]["end"], r["factor"]["label"])
        e = (r["effect"]["start"], r["effect"]["end"], r["effect"]["label"])
        groups.append(SentenceGroup(r["text"], [f, e], [(0, 1), (1, 0)]))
    return groups


def _sentence_model(tiny_base: str, *, adapter: str = "full", seed: int = 1) -> SentenceRelationClassifier:
    cfg = RelationModelConfig(base_model=tiny_base, adapter=adapter, max_length=64, dropout=0.0, lora_r=8,
                              architecture="sentence")
    model = RelationClassifier.from_base(cfg, seed=seed)
    assert isinstance(model, SentenceRelationClassifier)
    return model


def _trained(tiny_base: str, adapter: str) -> SentenceRelationClassifier:
    model = _sentence_model(tiny_base, adapter=adapter, seed=0)
    tokenizer = model.tokenizer()
    dataset = build_sentence_dataset(group_sentences(toy_records()), tokenizer, 64)
    assert len(dataset) == 6  # one input per sentence, not one per pair
    cfg = TrainConfig(epochs=150, batch_size=3, lr=3e-3, head_lr=3e-3, warmup_ratio=0.0, label_smoothing=0.0, seed=0)
    history, _ = fit(model, tokenizer, dataset, cfg, log=lambda _: None)
    assert history[-1]["loss"] < history[0]["loss"]
    return model


def test_mark_entities_nested_and_adjacent() -> None:
    text = "IL-6 receptor levels rose with osteocalcin."
    spans = [(0, 13, GENE), (0, 4, GENE), (31, 42, GENE)]
    m = mark_entities(text, spans)
    assert m.text == "@ gene or protein * @ gene or protein * IL-6 # receptor # levels rose with @ gene or protein * osteocalcin #."
    assert all(m.text[i] == "@" for i in m.opens) and all(m.text[i] == "#" for i in m.closes)
    # the outer span opens first and closes last
    assert m.opens[0] < m.opens[1] and m.closes[1] < m.closes[0]
    with pytest.raises(ValueError):
        mark_entities(text, [(5, 100, GENE)])


@pytest.mark.parametrize("adapter", ["full", "lora"])
def test_sentence_model_overfits_and_roundtrips(tiny_base: str, tmp_path, adapter: str) -> None:
    model = _trained(tiny_base, adapter)
    engine = InferenceEngine(model, model.tokenizer(), device="cpu")
    probs, truncated = engine.predict_groups(_groups())
    assert [RELATION_LABELS[i] for i in probs.argmax(1)] == [r["label"] for r in toy_records()]
    assert not any(truncated)
    assert engine.stats["sequences"] == 6 and engine.stats["pairs"] == 12

    model.save_pretrained(tmp_path / "m", card="# card\n")
    loaded = RelationClassifier.from_pretrained(tmp_path / "m")
    assert isinstance(loaded, SentenceRelationClassifier) and loaded.config.architecture == "sentence"
    again, _ = InferenceEngine(loaded, loaded.tokenizer(), device="cpu").predict_groups(_groups())
    np.testing.assert_allclose(again, probs, atol=1e-4)
    scores = evaluate_records(model_predictor(InferenceEngine(loaded, loaded.tokenizer(), device="cpu")), toy_records())
    assert scores["micro"]["f1"] == 1.0


def test_pair_order_is_carried_by_the_head(tiny_base: str) -> None:
    """Swapping factor and effect changes the input of the head, so the logits differ."""
    model = _sentence_model(tiny_base)
    probs, _ = InferenceEngine(model, model.tokenizer(), device="cpu").predict_groups(_groups())
    assert not np.allclose(probs[0::2], probs[1::2])


def test_sentence_batches_invariance_and_oom_backoff(tiny_base: str, monkeypatch) -> None:
    model = _sentence_model(tiny_base)
    reference, _ = InferenceEngine(model, model.tokenizer(), device="cpu", max_batch=1).predict_groups(_groups())
    for max_batch in (2, 5, 64):
        got, _ = InferenceEngine(model, model.tokenizer(), device="cpu", max_batch=max_batch).predict_groups(_groups())
        np.testing.assert_allclose(got, reference, atol=1e-5)
    engine = InferenceEngine(model, model.tokenizer(), device="cpu", max_batch=64)
    real = engine._forward_sentences

    def flaky(encoded, batch):
        if len(batch) > 1:
            raise torch.cuda.OutOfMemoryError("simulated")
        return real(encoded, batch)

    monkeypatch.setattr(engine, "_forward_sentences", flaky)
    got, _ = engine.predict_groups(_groups())
    np.testing.assert_allclose(got, reference, atol=1e-5)
    assert engine.stats["oom_retries"] > 0


def test_one_pass_equals_one_pair_per_pass_for_two_entities(tiny_base: str) -> None:
    """With two entities the sentence input is the same whatever the pair: rows come from one pass."""
    model = _sentence_model(tiny_base)
    engine = InferenceEngine(model, model.tokenizer(), device="cpu")
    together, _ = engine.predict_groups(_groups())
    apart = np.concatenate([engine.predict_groups([SentenceGroup(g.text, g.entities, [p])])[0]
                            for g in _groups() for p in g.pairs])
    np.testing.assert_allclose(together, apart, atol=1e-5)


def test_over_long_sentence_falls_back_to_windowed_pairs(tiny_base: str) -> None:
    model = _sentence_model(tiny_base)
    tokenizer = model.tokenizer()
    text = "osteocalcin promotes memory " + "and the of " * 40 + "cortisol impairs cognition ."
    ents = [(0, 11, GENE), (21, 27, PHEN), (text.index("cortisol"), text.index("cortisol") + 8, GENE),
            (text.index("cognition"), text.index("cognition") + 9, PHEN)]
    pairs = [(0, 1), (2, 3), (0, 3), (1, 0)]
    short = SentenceGroup("osteocalcin promotes memory .", [(0, 11, GENE), (21, 27, PHEN)], [(0, 1)])
    units = encode_sentences(tokenizer, [short, SentenceGroup(text, ents, pairs)], 48)
    assert sorted(r for u in units for r in u.rows) == list(range(5))  # every pair kept, once
    long_units = [u for u in units if 0 not in u.rows]
    assert len(long_units) == 4 and all(len(u.input_ids) <= 48 for u in long_units)
    for u in long_units:
        (tokens,) = u.pair_tokens
        assert all(0 < t < len(u.input_ids) - 1 for t in tokens)
    assert any(u.truncated for u in long_units)  # (0, 3) spans the whole sentence
    probs, truncated = InferenceEngine(model, tokenizer, device="cpu").predict_groups([short, SentenceGroup(text, ents, pairs)])
    assert probs.shape == (5, len(RELATION_LABELS)) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert truncated[0] is False and any(truncated[1:])


def test_group_sentences_keeps_undirected_order_and_related_label() -> None:
    text = "aspirin lowers il-6 ."
    a = {"start": 0, "end": 7, "label": "CHEMICAL", "text": "aspirin"}
    b = {"start": 15, "end": 19, "label": GENE, "text": "il-6"}
    records = [
        {"group": "g", "text": text, "source": "biored", "factor": a, "effect": b, "label": "none", "undirected": True},
        {"group": "g", "text": text, "source": "biored", "factor": a, "effect": b, "label": "decreases", "undirected": True},
    ]
    (ex,) = group_sentences(records)
    assert ex["pairs"] == [(0, 1)] and ex["labels"] == [RELATION_LABELS.index("decreases")]


def test_swap_entities_rewrites_mentions_and_offsets_but_keeps_pairs_and_labels() -> None:
    text = "Osteocalcin raises memory, and osteocalcin lowers anxiety."
    example = {"text": text, "source": "axis", "entities": [(0, 11, GENE), (19, 25, "PHENOTYPE_OR_PROCESS"),
                                                            (31, 42, GENE), (50, 57, "PHENOTYPE_OR_PROCESS")],
               "pairs": [(0, 1), (2, 3)], "labels": [0, 1], "weights": [1.0, 1.0]}
    names = {GENE: ["interleukin-6 receptor"], "PHENOTYPE_OR_PROCESS": ["bone loss"]}
    swapped = swap_entities(example, names, random.Random(0))
    assert swapped["text"] == "Interleukin-6 receptor raises bone loss, and interleukin-6 receptor lowers bone loss."
    assert [swapped["text"][s:e] for s, e, _ in swapped["entities"]] == [
        "Interleukin-6 receptor", "bone loss", "interleukin-6 receptor", "bone loss"]
    assert [label for _, _, label in swapped["entities"]] == [label for _, _, label in example["entities"]]
    assert swapped["pairs"] == example["pairs"] and swapped["labels"] == example["labels"]
    assert example["text"] == text  # the original is not modified
    nested = {**example, "entities": [(0, 11, GENE), (0, 25, "PHENOTYPE_OR_PROCESS")], "pairs": [(0, 1)], "labels": [0]}
    assert swap_entities(nested, names, random.Random(0)) is nested


def test_entity_swap_replaces_a_share_of_the_axis_repeats_only() -> None:
    records = toy_records()
    examples = group_sentences(records)
    names = entity_names(examples)
    assert sorted(names) == [GENE, "PHENOTYPE_OR_PROCESS"] and all(names.values())
    plain = sentence_examples(records, TrainConfig(axis_repeat=3), random.Random(0), log=lambda _: None)
    assert len(plain) == 3 * len(examples) and {ex["text"] for ex in plain} == {ex["text"] for ex in examples}
    swapped = sentence_examples(records, TrainConfig(axis_repeat=3, entity_swap=1.0), random.Random(0), log=lambda _: None)
    assert len(swapped) == len(plain)
    assert [ex["text"] for ex in swapped[: len(examples)]] == [ex["text"] for ex in examples]  # the first copy is kept
    changed = [ex for ex in swapped[len(examples):] if ex["text"] not in {e["text"] for e in examples}]
    assert len(changed) > len(examples)  # most of the repeats read differently
    def fold(name: str) -> str:  # a name moved to the start of the sentence is capitalised
        return name[:1].lower() + name[1:]

    for ex in changed:
        for start, end, label in ex["entities"]:
            assert fold(ex["text"][start:end]) in {fold(n) for n in names[label]}


def test_extractor_with_a_one_pass_model_is_invariant_to_batching(tiny_base: str, tmp_path) -> None:
    """End to end on the bundled review: same triples whatever the batch size, chunking or overlap."""
    from axis_nlp.extract import Extractor
    from axis_nlp.schema import Document

    from .conftest import REPO

    _trained(tiny_base, "full").save_pretrained(tmp_path / "m", card="# tiny one-pass model\n")
    text = (REPO / "examples" / "axis_review.txt").read_text(encoding="utf-8")
    docs = [Document(id=f"d{i}", text=text) for i in range(2)]

    def keys(extractor: Extractor) -> list[tuple]:
        return [(t.doc_id, t.factor.start, t.effect.start, t.direction, round(t.score, 3)) for t in extractor.extract(docs)]

    plain = Extractor(tmp_path / "m", device="cpu", overlap=False)
    reference = keys(plain)
    assert reference and plain.engine.stats["sequences"] < plain.engine.stats["pairs"]
    for variant in (Extractor(tmp_path / "m", device="cpu", batch_size=1, docs_per_chunk=1, nlp=plain.nlp),
                    Extractor(tmp_path / "m", device="cpu", overlap=True, max_tokens=300, nlp=plain.nlp)):
        assert keys(variant) == reference
