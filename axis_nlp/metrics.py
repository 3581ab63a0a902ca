"""Scores: per-direction precision/recall/F1, micro and macro, confusion matrix."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from .schema import DIRECTIONS


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def relation_scores(
    items: Iterable[tuple[str, str]],
    *,
    classes: Sequence[str] = DIRECTIONS,
    signed: Sequence[str] = ("increases", "decreases"),
) -> dict[str, Any]:
    """Scores from (gold, predicted) label pairs, one per candidate; ``none`` is the negative class.

    A pair predicted in the wrong factor/effect order must be passed as predicted ``none``
    plus a separate (``none``, label) item by the caller; see :func:`axis_nlp.evaluate`.
    """
    labels = list(classes) + ["none"]
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for gold, pred in items:
        confusion.setdefault(gold, {p: 0 for p in labels})
        confusion[gold][pred] = confusion[gold].get(pred, 0) + 1
    per_class = {}
    for c in classes:
        tp = confusion.get(c, {}).get(c, 0)
        fp = sum(confusion[g].get(c, 0) for g in confusion if g != c)
        fn = sum(v for p, v in confusion.get(c, {}).items() if p != c)
        per_class[c] = prf(tp, fp, fn)

    def micro(cs: Sequence[str]) -> dict[str, float]:
        return prf(sum(per_class[c]["tp"] for c in cs), sum(per_class[c]["fp"] for c in cs),
                   sum(per_class[c]["fn"] for c in cs))

    present = [c for c in classes if per_class[c]["tp"] + per_class[c]["fn"] > 0]
    macro_f1 = sum(per_class[c]["f1"] for c in present) / len(present) if present else 0.0
    detected = prf(
        sum(confusion[g][p] for g in confusion for p in confusion[g] if g != "none" and p != "none"),
        sum(confusion.get("none", {}).get(p, 0) for p in classes),
        sum(confusion[g].get("none", 0) for g in confusion if g != "none"),
    )
    return {
        "per_direction": per_class,
        "micro": micro(list(classes)),
        "macro_f1": round(macro_f1, 4),
        "signed_micro": micro([c for c in signed if c in per_class]),
        "detection": detected,
        "confusion": confusion,
        "support": {c: per_class[c]["tp"] + per_class[c]["fn"] for c in classes},
    }


def format_scores(scores: dict[str, Any], title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'direction':<12} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for c, s in scores["per_direction"].items():
        lines.append(f"{c:<12} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['tp'] + s['fn']:>8}")
    m = scores["micro"]
    lines.append(f"{'micro':<12} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")
    lines.append(f"{'macro F1':<12} {scores['macro_f1']:>20.3f}")
    s = scores["signed_micro"]
    lines.append(f"{'signed micro':<12} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}")
    d = scores["detection"]
    lines.append(f"{'detection':<12} {d['precision']:>6.3f} {d['recall']:>6.3f} {d['f1']:>6.3f}")
    labels = list(scores["confusion"].keys())
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(" " * 12 + "".join(f"{p[:10]:>11}" for p in labels))
    for g in labels:
        lines.append(f"{g[:12]:<12}" + "".join(f"{scores['confusion'][g].get(p, 0):>11}" for p in labels))
    return "\n".join(lines)
