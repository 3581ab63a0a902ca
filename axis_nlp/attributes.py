"""Rule-based triple attributes: trigger, hedged, negated (cue lexicons, clause-scoped).

A cue only counts when it sits in the clause that holds the pair: the text between the two
entities plus a short window around them, cut at clause breaks ("; ", ", whereas", ", but",
", while", "In contrast"), so "X did not alter Y, whereas Z increased W" marks only (X, Y)
as negated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

INCREASE_CUES = (
    "increase", "increased", "increases", "increasing", "promote", "promotes", "promoted", "promoting", "induce",
    "induces", "induced", "inducing", "enhance", "enhances", "enhanced", "stimulate", "stimulates", "stimulated",
    "elevate", "elevates", "elevated", "raise", "raises", "raised", "upregulate", "upregulates", "upregulated",
    "up-regulates", "up-regulated", "boost", "boosts", "boosted", "augment", "augments", "augmented", "drive",
    "drives", "drove", "driven", "trigger", "triggers", "triggered", "exacerbate", "exacerbates", "exacerbated",
    "aggravate", "aggravates", "aggravated", "accelerate", "accelerates", "accelerated", "potentiate",
    "potentiates", "potentiated", "activate", "activates", "activated", "required for", "necessary for",
    "contributes to", "contribute to", "contributed to", "leads to", "lead to", "led to", "causes", "caused",
    "positively correlated", "positive correlation", "positively associated", "higher risk", "increased risk",
    "risk factor", "facilitate", "facilitates", "facilitated", "improve", "improves", "improved", "fuel", "fuels",
    "worsen", "worsens", "worsened", "support", "supports", "supported", "favour", "favours", "favors",
)
DECREASE_CUES = (
    "decrease", "decreased", "decreases", "decreasing", "reduce", "reduces", "reduced", "reducing", "inhibit",
    "inhibits", "inhibited", "inhibiting", "suppress", "suppresses", "suppressed", "attenuate", "attenuates",
    "attenuated", "lower", "lowers", "lowered", "downregulate", "downregulates", "downregulated",
    "down-regulates", "down-regulated", "impair", "impairs", "impaired", "diminish", "diminishes", "diminished",
    "block", "blocks", "blocked", "prevent", "prevents", "prevented", "protect against", "protects against",
    "protected against", "protective", "protects", "protected", "blunt", "blunts", "blunted", "dampen",
    "dampens", "dampened", "restrain", "restrains", "restrained", "counteract", "counteracts", "counteracted",
    "alleviate", "alleviates", "alleviated", "ameliorate", "ameliorates", "ameliorated", "abolish", "abolishes",
    "abolished", "abrogate", "abrogates", "abrogated", "limit", "limits", "limited", "mitigate", "mitigates",
    "mitigated", "negatively correlated", "inversely correlated", "inversely associated", "negative correlation",
    "lower risk", "reduced risk", "loss of", "anti-inflammatory", "curb", "curbs", "curbed", "offset", "offsets",
    "rescue", "rescues", "rescued", "reverse", "reverses", "reversed", "antagonize", "antagonizes",
)
ASSOCIATION_CUES = (
    "associated with", "association", "linked to", "link between", "linked with", "correlated with",
    "correlates with", "correlation", "implicated in", "involved in", "related to", "relationship",
    "predict", "predicts", "predicted", "predictor", "marker of", "biomarker", "crosses", "cross",
    "crossed", "binds", "bind", "modulate", "modulates", "modulated", "regulate", "regulates", "regulated",
    "mediate", "mediates", "mediated", "co-occur", "co-occurs", "comorbid", "connection", "interplay",
)
NO_EFFECT_CUES = (
    "did not", "does not", "do not", "had no", "has no", "have no", "no effect", "no significant",
    "not associated", "not correlated", "not linked", "not related", "failed to", "was not", "were not",
    "unaffected", "unchanged", "no association", "no correlation", "no difference", "independent of",
    "irrespective of", "not alter", "neither", "nor",
)
HEDGE_CUES = (
    "may", "might", "could", "possibly", "possible", "potential", "potentially", "suggest", "suggests",
    "suggested", "suggesting", "is thought to", "are thought to", "thought to", "hypothesized", "hypothesised",
    "hypothesis", "likely", "unlikely", "putative", "presumably", "appear to", "appears to", "seem to",
    "seems to", "perhaps", "speculate", "speculated", "proposed", "propose", "indicate", "indicates",
    "whether", "raises the possibility", "conceivably", "plausibly", "plausible", "tentative", "remains unclear",
)
_CLAUSE_BREAK = re.compile(r";|, whereas|, while|, but|\bwhereas\b|\bin contrast\b|\bconversely\b|\bhowever\b", re.I)


def _cue_regex(cues: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.I)


_INC, _DEC, _ASSOC, _NO, _HEDGE = (_cue_regex(c) for c in (INCREASE_CUES, DECREASE_CUES, ASSOCIATION_CUES,
                                                           NO_EFFECT_CUES, HEDGE_CUES))
_DIRECTION_REGEX = {"increases": _INC, "decreases": _DEC, "associated": _ASSOC, "no_effect": _NO}


@dataclass(frozen=True)
class Cue:
    text: str
    start: int
    end: int
    kind: str


def clause_window(text: str, a: tuple[int, int], b: tuple[int, int], *, margin: int = 60) -> tuple[int, int]:
    """The span around two entities, widened by ``margin`` but not across a clause break."""
    left, right = min(a[0], b[0]), max(a[1], b[1])
    lo = max(0, left - margin)
    hi = min(len(text), right + margin)
    for m in _CLAUSE_BREAK.finditer(text, lo, left):
        lo = m.end()
    m = _CLAUSE_BREAK.search(text, right, hi)
    if m:
        hi = m.start()
    return lo, hi


def _between_has_break(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    lo, hi = min(a[1], b[1]), max(a[0], b[0])
    return bool(_CLAUSE_BREAK.search(text, lo, hi)) if hi > lo else False


def find_cues(text: str, a: tuple[int, int], b: tuple[int, int], kind: str) -> list[Cue]:
    regex = {"hedge": _HEDGE, **_DIRECTION_REGEX}[kind]
    lo, hi = clause_window(text, a, b)
    spans = (a, b)
    return [
        Cue(m.group(0), m.start(), m.end(), kind)
        for m in regex.finditer(text, lo, hi)
        if not any(s[0] <= m.start() < s[1] for s in spans)
    ]


def find_trigger(text: str, factor: tuple[int, int], effect: tuple[int, int], direction: Optional[str]) -> Optional[Cue]:
    """The cue nearest to the pair that expresses ``direction`` (any direction cue if none fits)."""
    middle = ((factor[0] + effect[0]) / 2)
    kinds = [direction] if direction in _DIRECTION_REGEX else []
    kinds += [k for k in _DIRECTION_REGEX if k not in kinds]
    for kind in kinds:
        cues = find_cues(text, factor, effect, kind)
        if cues:
            return min(cues, key=lambda c: abs(c.start - middle))
    return None


def is_hedged(text: str, factor: tuple[int, int], effect: tuple[int, int]) -> bool:
    return bool(find_cues(text, factor, effect, "hedge"))


def is_negated(text: str, factor: tuple[int, int], effect: tuple[int, int], direction: Optional[str] = None) -> bool:
    if direction == "no_effect":
        return True
    if _between_has_break(text, factor, effect):
        return False
    lo, hi = min(factor[0], effect[0]), max(factor[1], effect[1])
    return any(lo <= c.start <= hi for c in find_cues(text, factor, effect, "no_effect"))


def pattern_direction(text: str, factor: tuple[int, int], effect: tuple[int, int]) -> Optional[Cue]:
    """The lexicon/pattern baseline: a trigger word between the factor and the effect.

    The factor must come first (active voice); negation cues between them give ``no_effect``.
    """
    if factor[0] > effect[0] or _between_has_break(text, factor, effect):
        return None
    lo, hi = factor[1], effect[0]
    # "anti-inflammatory" style: the effect itself carries the sign
    if text[max(0, effect[0] - 5): effect[0]].lower().endswith("anti-"):
        return Cue("anti-", effect[0] - 5, effect[0], "decreases")
    for kind in ("no_effect", "decreases", "increases", "associated"):
        for m in _DIRECTION_REGEX[kind].finditer(text, lo, hi):
            return Cue(m.group(0), m.start(), m.end(), kind)
    return None
