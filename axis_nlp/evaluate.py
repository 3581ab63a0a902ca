"""Evaluate a relation predictor on pair records (axis, BioRED, DrugProt, curated)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Optional, Sequence

import numpy as np

from .attributes import _overlaps
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


# -- end to end: raw text -> recognised entities -> triples, against gold triples -----------------

MATCH_MODES = ("overlap", "exact")


def _same_span(a: tuple[int, int], b: tuple[int, int], match: str) -> bool:
    return a == b if match == "exact" else _overlaps(a, b)


def score_triples(
    records: Sequence[dict[str, Any]],
    predicted: dict[str, Sequence[dict[str, Any]]],
    *,
    entities: Optional[dict[str, Sequence[tuple[int, int]]]] = None,
    match: str = "overlap",
) -> dict[str, Any]:
    """Per-direction scores of predicted triples against the gold relations of sentence records.

    ``records`` are axis corpus records (text, entities with offsets, relations by entity
    index); ``predicted[record id]`` are triples as ``axis-nlp extract`` writes them (offsets
    into the record's text). A prediction matches a gold relation when its factor and effect
    spans match the gold ones (``overlap``: share a character; ``exact``: same offsets) in
    the same order. Same pair, other direction: a confusion; reversed order or a pair the gold
    leaves unrelated: a false positive (and the gold relation, if any, a miss). Each gold
    relation and each prediction is used once. ``entities[record id]``, the recognised entity
    spans, splits the misses into those whose arguments were not both recognised and the rest.
    """
    if match not in MATCH_MODES:
        raise ValueError(f"match must be one of {', '.join(MATCH_MODES)}, got {match!r}")
    items: list[tuple[str, str]] = []
    args_found = args_total = 0
    attribute_agree = {"hedged": [0, 0], "negated": [0, 0]}
    for record in records:
        ents = record["entities"]
        gold = [((ents[r["factor"]]["start"], ents[r["factor"]]["end"]), (ents[r["effect"]]["start"], ents[r["effect"]]["end"]), r)
                for r in record.get("relations", [])]
        preds = [((t["factor"]["start"], t["factor"]["end"]), (t["effect"]["start"], t["effect"]["end"]), t)
                 for t in predicted.get(record["id"], [])]
        used_gold: set[int] = set()
        used_pred: set[int] = set()
        # same direction first, then the same pair with another direction (a confusion)
        for same_direction in (True, False):
            for gi, (gf, ge, g) in enumerate(gold):
                if gi in used_gold:
                    continue
                for pi, (pf, pe, p) in enumerate(preds):
                    if pi in used_pred or not (_same_span(gf, pf, match) and _same_span(ge, pe, match)):
                        continue
                    if same_direction != (p["direction"] == g["direction"]):
                        continue
                    used_gold.add(gi)
                    used_pred.add(pi)
                    items.append((g["direction"], p["direction"]))
                    for key in attribute_agree:
                        if p.get(key) is not None and key in g:
                            attribute_agree[key][0] += bool(p[key]) == bool(g[key])
                            attribute_agree[key][1] += 1
                    break
        found = entities.get(record["id"], []) if entities is not None else None
        for gi, (gf, ge, g) in enumerate(gold):
            if found is not None:
                args_total += 1
                args_found += any(_same_span(gf, s, match) for s in found) and any(_same_span(ge, s, match) for s in found)
            if gi not in used_gold:
                items.append((g["direction"], "none"))
        items.extend(("none", p["direction"]) for pi, (_, _, p) in enumerate(preds) if pi not in used_pred)
    scores = relation_scores(items)
    scores["sentences"] = len(records)
    scores["gold_relations"] = sum(len(r.get("relations", [])) for r in records)
    scores["predicted_triples"] = sum(len(predicted.get(r["id"], [])) for r in records)
    scores["match"] = match
    if entities is not None:
        scores["arguments_recognised"] = {"relations": args_total, "both_found": args_found,
                                          "share": round(args_found / args_total, 4) if args_total else 0.0}
    scores["attributes_on_matches"] = {k: {"agree": a, "of": n, "accuracy": round(a / n, 4) if n else None}
                                       for k, (a, n) in attribute_agree.items()}
    return scores


def check_records(records: Sequence[dict[str, Any]], path: Any = None) -> None:
    """Raise a :class:`~axis_nlp.errors.CorpusError` naming the first record that cannot be scored."""
    from .errors import CorpusError

    seen: set[str] = set()
    for n, record in enumerate(records, 1):
        rid = record.get("id") if isinstance(record, dict) else None
        where = f"record {n} ({rid})" if rid is not None else f"record {n}"
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or rid is None:
            raise CorpusError(f"{where}: needs an id and a text", path=path)
        if rid in seen:
            raise CorpusError(f"{where}: duplicate id", path=path)
        seen.add(rid)
        entities = record.get("entities")
        if not isinstance(entities, list) or any(not {"start", "end"} <= set(e) for e in entities):
            raise CorpusError(f"{where}: needs entities with start and end offsets (a built axis corpus file)", path=path)
        for r in record.get("relations") or []:
            for end in ("factor", "effect"):
                if not isinstance(r.get(end), int) or not 0 <= r[end] < len(entities):
                    raise CorpusError(f"{where}: relation {end} {r.get(end)!r} is not an entity index", path=path)
            if "direction" not in r:
                raise CorpusError(f"{where}: relation without a direction", path=path)


def evaluate_end_to_end(extractor: Any, records: Sequence[dict[str, Any]], *, match: str = "overlap") -> dict[str, Any]:
    """Run the whole extractor (entity recognition included) on each record's text and score it.

    This is what a user of ``axis-nlp extract`` gets on new text; the ``relations``
    evaluation gives the model the gold entities instead.
    """
    from .corpus import record_document

    documents = [record_document(r, given_entities=False) for r in records]
    predicted: dict[str, list[dict[str, Any]]] = {}
    entities: dict[str, list[tuple[int, int]]] = {}
    for annotated, triples in extractor.extract_annotated(documents):
        doc_id = annotated.document.id
        predicted[doc_id] = [t.to_dict() for t in triples]
        entities[doc_id] = [(e.start, e.end) for e in annotated.entities]
    return score_triples(records, predicted, entities=entities, match=match)
