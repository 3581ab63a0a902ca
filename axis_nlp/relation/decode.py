"""From per-ordered-pair probabilities to at most one triple per unordered entity pair."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Optional, Sequence

import numpy as np


@dataclass(frozen=True)
class Decision:
    key: tuple[Hashable, Hashable]  # (factor, effect) as chosen
    label: str
    score: float


def decode_pairs(
    keys: Sequence[tuple[Hashable, Hashable]],
    probs: np.ndarray,
    labels: Sequence[str],
    *,
    threshold: float = 0.0,
) -> dict[frozenset, Decision]:
    """For each unordered pair, the best non-``none`` label over both orders, else ``none``.

    A relation is kept when its probability beats ``none`` in that order (and ``threshold``).
    ``keys[i]`` is the (factor, effect) of row ``i`` of ``probs``.
    """
    none_id = list(labels).index("none")
    best: dict[frozenset, Decision] = {}
    for key, row in zip(keys, probs):
        pair = frozenset(key)
        masked = row.copy()
        masked[none_id] = -1.0
        label_id = int(masked.argmax())
        score = float(row[label_id])
        related = score > float(row[none_id]) and score >= threshold
        current = best.get(pair)
        if related:
            if current is None or current.label == "none" or score > current.score:
                best[pair] = Decision(key, labels[label_id], score)
        elif current is None:
            best[pair] = Decision(key, "none", float(row[none_id]))
    return best


def decide(decisions: dict[frozenset, Decision], pair: frozenset) -> Optional[Decision]:
    decision = decisions.get(pair)
    if decision is None or decision.label == "none":
        return None
    return decision
