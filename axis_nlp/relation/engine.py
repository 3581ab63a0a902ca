"""Batched inference: marked pairs -> label probabilities.

Pairs are tokenised in bulk (fast tokenizer), sorted by length, cut into batches by a
token budget (padded length x rows), run under ``torch.inference_mode`` (bf16 autocast on
CUDA), and put back in input order. A CUDA out-of-memory error halves the batch and
retries; no pair is ever dropped.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
import torch

from .markers import MarkedPair, mark_entities, mark_pair

Span = tuple[int, int, str]  # (start, end, label), relative to the sentence text

logger = logging.getLogger(__name__)


@dataclass
class EncodedPair:
    input_ids: list[int]
    factor_index: int
    effect_index: int
    truncated: bool = False


@dataclass
class SentenceGroup:
    """One sentence, its entities and the ordered pairs (indices into ``entities``) to classify."""

    text: str
    entities: Sequence[Span]
    pairs: Sequence[tuple[int, int]]


@dataclass
class EncodedSentence:
    """One forward-pass input of the one-pass model: token ids and, per pair, its marker tokens."""

    input_ids: list[int]
    pair_tokens: list[tuple[int, int, int, int]]  # (factor @, factor #, effect @, effect #)
    rows: list[int]  # the global pair row of each entry of pair_tokens
    truncated: bool = False


def _special_ids(tokenizer: Any) -> tuple[int, int]:
    cls_id = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
    sep_id = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    return cls_id, sep_id


def _window(ids: list[int], needed: Sequence[int], max_length: int, cls_id: int, sep_id: int) -> tuple[list[int], int]:
    """Cut ``[CLS] ... [SEP]`` to ``max_length`` tokens around the token positions in ``needed``.

    Returns the new ids and the shift to subtract from old positions; positions that cannot fit
    are the caller's to clamp.
    """
    inner = ids[1:-1]
    budget = max_length - 2
    lo, hi = min(needed) - 1, max(needed) - 1
    if hi - lo + 1 > budget:
        start = max(0, lo - 2)
    else:
        spare = budget - (hi - lo + 1)
        start = max(0, min(lo - spare // 2, len(inner) - budget))
    window = inner[start: start + budget]
    return [cls_id, *window, sep_id], start


def encode_sentences(tokenizer: Any, groups: Sequence[SentenceGroup], max_length: int) -> list[EncodedSentence]:
    """Tokenise every group once with all its entities marked.

    A sentence longer than ``max_length`` tokens is not cut blindly: each of its pairs becomes
    its own input with only its two entities marked, windowed around them (``truncated``).
    Rows are numbered over all pairs of all groups, in order.
    """
    marked = [mark_entities(g.text, list(g.entities)) for g in groups]
    out: list[EncodedSentence] = []
    if not groups:
        return out
    cls_id, sep_id = _special_ids(tokenizer)
    enc = tokenizer([m.text for m in marked], add_special_tokens=True, truncation=False, return_attention_mask=False)
    row = 0
    overflow: list[tuple[SentenceGroup, int, int, int]] = []  # (group, factor, effect, row)
    for g_index, (group, m) in enumerate(zip(groups, marked)):
        if not group.pairs:
            continue
        ids = enc["input_ids"][g_index]
        if len(ids) > max_length:
            for f, e in group.pairs:
                overflow.append((group, f, e, row))
                row += 1
            continue
        opens = [enc.char_to_token(g_index, c) for c in m.opens]
        closes = [enc.char_to_token(g_index, c) for c in m.closes]
        if any(t is None for t in opens + closes):  # markers are plain characters: should not happen
            raise ValueError(f"entity marker not found in the tokenised text: {m.text[:80]!r}")
        tokens = [(opens[f], closes[f], opens[e], closes[e]) for f, e in group.pairs]
        out.append(EncodedSentence(ids, tokens, list(range(row, row + len(tokens)))))
        row += len(tokens)
    if overflow:
        pair_marked = [mark_entities(g.text, [g.entities[f], g.entities[e]]) for g, f, e, _ in overflow]
        penc = tokenizer([m.text for m in pair_marked], add_special_tokens=True, truncation=False,
                         return_attention_mask=False)
        for k, ((_g, _f, _e, pair_row), m) in enumerate(zip(overflow, pair_marked)):
            ids = penc["input_ids"][k]
            positions = [penc.char_to_token(k, c) for c in (m.opens[0], m.closes[0], m.opens[1], m.closes[1])]
            truncated = len(ids) > max_length
            if truncated:
                ids, shift = _window(ids, positions, max_length, cls_id, sep_id)
                positions = [min(max(p - shift, 1), len(ids) - 2) for p in positions]
            out.append(EncodedSentence(ids, [tuple(positions)], [pair_row], truncated=truncated))  # type: ignore[list-item]
    return out


def resolve_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available; use --device cpu or auto")
    return torch.device(device)


def encode_pairs(tokenizer: Any, pairs: Sequence[MarkedPair], max_length: int) -> list[EncodedPair]:
    """Tokenise marked pairs; find the marker tokens; window long inputs around the pair."""
    if not pairs:
        return []
    enc = tokenizer([p.text for p in pairs], add_special_tokens=True, truncation=False, return_attention_mask=False)
    cls_id, sep_id = _special_ids(tokenizer)
    out: list[EncodedPair] = []
    for i, pair in enumerate(pairs):
        ids = enc["input_ids"][i]
        fi = enc.char_to_token(i, pair.factor_char)
        ei = enc.char_to_token(i, pair.effect_char)
        if fi is None or ei is None:  # should not happen: markers are plain characters
            raise ValueError(f"entity marker not found in the tokenised text: {pair.text[:80]!r}")
        if len(ids) <= max_length:
            out.append(EncodedPair(ids, fi, ei))
            continue
        window, shift = _window(ids, (fi, ei), max_length, cls_id, sep_id)
        # entities further apart than the model can see are clamped into the window
        new_f, new_e = (min(max(p - shift, 1), len(window) - 2) for p in (fi, ei))
        out.append(EncodedPair(window, new_f, new_e, truncated=True))
    return out


CUDA_MAX_TOKENS = 16384
CPU_MAX_TOKENS = 2048


def token_budget_batches(lengths: Sequence[int], max_tokens: int, max_batch: int) -> list[list[int]]:
    """Indices sorted by length, grouped so that padded_length x rows <= max_tokens."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for idx in order:
        new_longest = max(longest, lengths[idx])
        if current and (new_longest * (len(current) + 1) > max_tokens or len(current) >= max_batch):
            batches.append(current)
            current, new_longest = [], lengths[idx]
        current.append(idx)
        longest = new_longest
    if current:
        batches.append(current)
    return batches


class InferenceEngine:
    """Runs a :class:`RelationClassifier` over many encoded pairs efficiently."""

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: Any,
        *,
        device: str = "auto",
        max_tokens: Optional[int] = None,
        max_batch: int = 256,
        pad_id: Optional[int] = None,
    ) -> None:
        self.device = resolve_device(device)
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        #: padded tokens per forward pass: large on a GPU (throughput), small on a CPU, where
        #: 2k-token batches ran 1.45x faster than 16k ones (less padding, cache-sized
        #: activations; measured in evaluation/README.md)
        self.max_tokens = max_tokens or (CUDA_MAX_TOKENS if self.device.type == "cuda" else CPU_MAX_TOKENS)
        self.max_batch = max_batch
        self.max_length = int(getattr(model.config, "max_length", 192))
        self.pad_id = pad_id if pad_id is not None else (tokenizer.pad_token_id or 0)
        labels = list(getattr(model.config, "labels", []))
        self.none_index = labels.index("none") if "none" in labels else 0
        bias = float(getattr(model.config, "none_bias", 1.0) or 1.0)
        self.none_offset = math.log(bias) if "none" in labels and bias != 1.0 else 0.0
        self.stats = {"pairs": 0, "sequences": 0, "batches": 0, "real_tokens": 0, "padded_tokens": 0, "oom_retries": 0}

    @property
    def architecture(self) -> str:
        return str(getattr(self.model.config, "architecture", "pair"))

    def predict_groups(self, groups: Sequence[SentenceGroup]) -> tuple[np.ndarray, list[bool]]:
        """Probabilities for every pair of every group (rows in group, then pair order).

        The one entry point for both architectures: the pair model marks each pair separately,
        the sentence model encodes each sentence once.
        """
        if self.architecture != "sentence":
            marked = [mark_pair(g.text, g.entities[f], g.entities[e]) for g in groups for f, e in g.pairs]
            return self.predict(marked)
        encoded = encode_sentences(self.tokenizer, groups, self.max_length)
        n_rows = sum(len(g.pairs) for g in groups)
        truncated = [False] * n_rows
        for unit in encoded:
            if unit.truncated:
                for r in unit.rows:
                    truncated[r] = True
        return self.predict_encoded_sentences(encoded, n_rows), truncated

    def predict_encoded_sentences(self, encoded: Sequence[EncodedSentence], n_rows: Optional[int] = None) -> np.ndarray:
        n_labels = len(self.model.config.labels)
        if n_rows is None:
            n_rows = sum(len(u.rows) for u in encoded)
        probs = np.zeros((n_rows, n_labels), dtype=np.float32)
        if not encoded:
            return probs
        lengths = [len(u.input_ids) for u in encoded]
        for batch in token_budget_batches(lengths, self.max_tokens, self.max_batch):
            self._run_with_backoff(encoded, batch, probs)
        return probs

    def encode(self, pairs: Sequence[MarkedPair]) -> list[EncodedPair]:
        return encode_pairs(self.tokenizer, pairs, self.max_length)

    def predict(self, pairs: Sequence[MarkedPair]) -> tuple[np.ndarray, list[bool]]:
        """Probabilities (n_pairs, n_labels) in input order, and which inputs were truncated."""
        encoded = self.encode(pairs)
        return self.predict_encoded(encoded), [e.truncated for e in encoded]

    def predict_encoded(self, encoded: Sequence[EncodedPair]) -> np.ndarray:
        n_labels = len(self.model.config.labels)
        probs = np.zeros((len(encoded), n_labels), dtype=np.float32)
        if not encoded:
            return probs
        lengths = [len(e.input_ids) for e in encoded]
        for batch in token_budget_batches(lengths, self.max_tokens, self.max_batch):
            self._run_with_backoff(encoded, batch, probs)
        return probs

    def _run_with_backoff(self, encoded: Sequence[Any], batch: list[int], probs: np.ndarray) -> None:
        try:
            if encoded and isinstance(encoded[0], EncodedSentence):
                rows = [r for i in batch for r in encoded[i].rows]
                probs[rows] = self._forward_sentences(encoded, batch)
            else:
                probs[batch] = self._forward(encoded, batch)
        except torch.cuda.OutOfMemoryError:
            if len(batch) == 1:
                raise
            self.stats["oom_retries"] += 1
            torch.cuda.empty_cache()
            half = len(batch) // 2
            logger.warning("CUDA out of memory on a batch of %d pairs; retrying as two of %d", len(batch), half)
            self._run_with_backoff(encoded, batch[:half], probs)
            self._run_with_backoff(encoded, batch[half:], probs)

    def _padded(self, encoded: Sequence[Any], batch: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(encoded[i].input_ids) for i in batch)
        ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            seq = encoded[i].input_ids
            ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
            mask[row, : len(seq)] = 1
        return ids, mask

    def _logits_to_probs(self, logits: torch.Tensor) -> np.ndarray:
        """Softmax with the prior correction of ``none``; called inside ``inference_mode``."""
        if self.none_offset:
            logits[:, self.none_index] += self.none_offset
        return torch.softmax(logits, dim=-1).cpu().numpy()

    def _count(self, n_pairs: int, ids: torch.Tensor, mask: torch.Tensor) -> None:
        self.stats["pairs"] += n_pairs
        self.stats["batches"] += 1
        self.stats["sequences"] += ids.size(0)
        real = int(mask.sum())
        self.stats["real_tokens"] += real
        self.stats["padded_tokens"] += ids.numel() - real

    def _forward_sentences(self, encoded: Sequence[EncodedSentence], batch: list[int]) -> np.ndarray:
        ids, mask = self._padded(encoded, batch)
        pair_rows = torch.tensor([row for row, i in enumerate(batch) for _ in encoded[i].pair_tokens], dtype=torch.long)
        pair_tokens = torch.tensor([t for i in batch for t in encoded[i].pair_tokens], dtype=torch.long)
        cuda = self.device.type == "cuda"
        if cuda:
            ids, mask = ids.pin_memory().to(self.device, non_blocking=True), mask.pin_memory().to(self.device, non_blocking=True)
            pair_rows = pair_rows.pin_memory().to(self.device, non_blocking=True)
            pair_tokens = pair_tokens.pin_memory().to(self.device, non_blocking=True)
        with torch.inference_mode(), torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=cuda):
            probs = self._logits_to_probs(self.model(ids, mask, pair_rows, pair_tokens).float())
        self._count(len(pair_rows), ids, mask)
        return probs

    def _forward(self, encoded: Sequence[EncodedPair], batch: list[int]) -> np.ndarray:
        ids, mask = self._padded(encoded, batch)
        f_idx = torch.tensor([encoded[i].factor_index for i in batch], dtype=torch.long)
        e_idx = torch.tensor([encoded[i].effect_index for i in batch], dtype=torch.long)
        cuda = self.device.type == "cuda"
        if cuda:
            ids, mask = ids.pin_memory().to(self.device, non_blocking=True), mask.pin_memory().to(self.device, non_blocking=True)
            f_idx, e_idx = f_idx.to(self.device, non_blocking=True), e_idx.to(self.device, non_blocking=True)
        with torch.inference_mode(), torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=cuda):
            probs = self._logits_to_probs(self.model(ids, mask, f_idx, e_idx).float())
        self._count(len(batch), ids, mask)
        return probs
