"""The lexicon/pattern baseline relation predictor (trigger words between the entities)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .attributes import pattern_direction
from .evaluate import PairInput
from .schema import RELATION_LABELS


def pattern_predictor(inputs: Sequence[PairInput]) -> np.ndarray:
    """One-hot "probabilities": the cue's direction for (factor, effect) in text order, else ``none``."""
    index = {label: i for i, label in enumerate(RELATION_LABELS)}
    probs = np.zeros((len(inputs), len(RELATION_LABELS)), dtype=np.float32)
    for row, (text, factor, effect) in enumerate(inputs):
        cue = pattern_direction(text, factor[:2], effect[:2])
        probs[row, index[cue.kind if cue else "none"]] = 1.0
    return probs
