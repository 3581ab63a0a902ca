"""Evaluate a relation predictor on pair records (axis, BioRED, DrugProt, curated)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

from .metrics import relation_scores
from .relation.decode import decode_pairs
from .schema import RELATION_LABELS

#: a predictor takes (text, factor, effect) triples, factor/effect as (start, end, label), and
#: returns probabilities over RELATION_LABELS, one row per input
PairInput = tuple[str, tuple[int, int, str], tuple[int, int, str]]
Predictor = Callable[[Sequence[PairInput]], np.ndarray]


def _span(e: dict[str, Any]) -> tuple[int, int, str]:
    return (e["start"], e["end"], e["label"])


def evaluate_records(
    predictor: Predictor,
    records: Iterable[dict[str, Any]],
    *,
    labels: Sequence[str] = RELATION_LABELS,
    return_predictions: bool = False,
) -> dict[str, Any]:
    """Per-direction scores with one decision per unordered entity pair of each sentence.

    A directed gold relation predicted in the reverse order counts as a miss and a false
    positive; records marked ``undirected`` (BioRED) are compared on the label alone.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[(r.get("group", r["id"]), r["text"])].append(r)

    inputs: list[PairInput] = []
    keys: list[tuple[Any, Any]] = []
    owners: list[tuple[str, str]] = []
    gold: dict[tuple[tuple[str, str], frozenset], tuple[tuple, str, bool]] = {}
    for gkey, items in groups.items():
        text = gkey[1]
        pairs_seen: set[frozenset] = set()
        for r in items:
            f, e = _span(r["factor"]), _span(r["effect"])
            pair = frozenset((f, e))
            current = gold.get((gkey, pair))
            if current is None or (current[1] == "none" and r["label"] != "none"):
                gold[(gkey, pair)] = ((f, e), r["label"], bool(r.get("undirected")))
            if pair in pairs_seen:
                continue
            pairs_seen.add(pair)
            for a, b in ((f, e), (e, f)):
                inputs.append((text, a, b))
                keys.append((a, b))
                owners.append(gkey)
    probs = predictor(inputs) if inputs else np.zeros((0, len(labels)))

    by_group: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, g in enumerate(owners):
        by_group[g].append(i)
    items_out: list[tuple[str, str]] = []
    predictions = []
    for gkey, rows in by_group.items():
        decisions = decode_pairs([keys[i] for i in rows], probs[rows], labels)
        for pair, decision in decisions.items():
            g_key, g_label, undirected = gold[(gkey, pair)]
            p_label = decision.label
            if g_label != "none" and p_label != "none" and not undirected and decision.key != g_key:
                items_out.append((g_label, "none"))
                items_out.append(("none", p_label))
            else:
                items_out.append((g_label, p_label))
            if return_predictions:
                predictions.append({"group": gkey[0], "text": gkey[1], "gold": [list(g_key[0]), list(g_key[1]), g_label],
                                    "predicted": [list(decision.key[0]), list(decision.key[1]), p_label],
                                    "score": round(decision.score, 4)})
    scores = relation_scores(items_out)
    scores["pairs"] = len(gold)
    scores["sentences"] = len(groups)
    if return_predictions:
        scores["predictions"] = predictions
    return scores


def model_predictor(engine: Any) -> Predictor:
    """Wrap an :class:`~axis_nlp.relation.engine.InferenceEngine` as a :data:`Predictor`."""
    from .relation.engine import SentenceGroup

    def predict(inputs: Sequence[PairInput]) -> np.ndarray:
        # one group per sentence text, so a one-pass model sees each sentence once
        groups: dict[str, tuple[dict[tuple, int], list[tuple[int, int]], list[int]]] = {}
        for row, (text, f, e) in enumerate(inputs):
            spans, pairs, rows = groups.setdefault(text, ({}, [], []))
            for span in (f, e):
                spans.setdefault(span, len(spans))
            pairs.append((spans[f], spans[e]))
            rows.append(row)
        batch = [SentenceGroup(text, list(spans), pairs) for text, (spans, pairs, _) in groups.items()]
        probs, _ = engine.predict_groups(batch)
        order = [row for _, _, rows in groups.values() for row in rows]
        out = np.empty_like(probs)
        out[order] = probs
        return out

    return predict


def load_eval_records(path: str, corpus_format: str = "axis", *, limit: Optional[int] = None) -> list[dict[str, Any]]:
    """Pair records of a corpus in one of the supported formats."""
    from . import converters
    from .corpus import axis_pairs
    from .errors import ConfigError

    if corpus_format == "axis":
        return axis_pairs(path)
    if corpus_format in {"bioc", "pubtator", "biored"}:
        return converters.biored_pairs(converters.read_biored(path))
    if corpus_format == "drugprot":
        return converters.drugprot_pairs(converters.read_drugprot(path, limit=limit))
    raise ConfigError(f"unknown corpus format {corpus_format!r}; valid: axis, bioc, pubtator, drugprot")
