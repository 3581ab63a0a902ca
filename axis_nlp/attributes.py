"""Relation attributes: trigger, hedging and certainty, negation, evidence, causality, context.

The one entry point is :func:`relation_attributes`. The rules (cue lexicons with clause scoping)
were developed on ``corpora/axis/axis_train.jsonl`` only; ``evaluation/attributes_eval.py``
measures them on the dev split. Everything is deterministic.

Scope
    A sentence is cut into clauses at ``;``, ``: ``, contrastive and concessive conjunctions
    (whereas, while, but, yet, although, however, in contrast...), relative clauses (", which",
    "where", "the RANKL that drives..."), trailing comments (", suggesting", ", possibly",
    ", a finding that...") and a fronted subordinate clause ("Because X..., "). A relation's
    scope is the clause that holds both entities or, when they sit in different clauses, the
    clause of the later one, which carries the predicate ("X did not alter Y, whereas it
    raised W"). Cues outside the scope never mark the relation; neither do cues inside other
    entity mentions (pass them as ``entities``).

Hedging and certainty
    A hedge cue in scope counts when it bears on the relation's own predicate: between the
    entities unless a new clause with its own subject starts in between ("may dampen X, and it
    clearly promotes Y"); before the first entity unless it hedges another predicate there
    ("may promote bone loss after ovariectomy"; a mediator phrase, "may X through Y", takes the
    hedge of its predicate); after both entities only when no predicate stands between them
    ("X and Y may share...", "falls ... are thought to contribute"). A relation stated inside one
    noun phrase ("RANKL-induced osteoclastogenesis") is presupposed, neither hedged nor negated.
    ``certainty`` grades the cues that count:

    - ``asserted``: none;
    - ``hedged``: one moderate cue (may, could, suggests, indicates, is thought to, appears to,
      likely, probably, proposed, potential, tended to...);
    - ``speculative``: a weak cue (might, possibly, perhaps, conceivably, speculate, tempting,
      hypothesised, whether, in principle, unknown, cannot be excluded, "has not been tested")
      or two or more stacked cues ("may possibly", "suggest that X may").

    ``hedged`` is ``certainty != "asserted"``.

Negation
    Negators (not, no, never, neither/nor, none, cannot, fail to, no longer, without + -ing,
    unaffected, unchanged, unrelated, unlikely to, little effect, normal, did not reach
    significance...) next to each other, with only auxiliaries and adverbs between them, form
    one chain; a chain with an even number of negators is a double negation and asserts ("did
    not fail to increase", "no longer unaffected", "not unaffected"). "Neither ... nor" counts
    once. "not only", "not merely", "whether or not", "cannot be excluded" and "has not been
    tested" are no negators (the last two hedge). The relation is negated when the chain
    nearest the later entity, in scope, reaches it (no coordination to a new predicate between:
    "did not alter A and increased B"; before both entities only as "No/Nor/Neither..." at the
    start of the clause or "found no effect of X on Y"), or when a chain right after the later
    entity states its lack of change ("bone formation was unaffected", "IL-4 and IL-10 do not
    differ", "..., whereas propranolol did not"). "Mice lacking X fail to form Y" is the
    phenotype of a loss, not a negation (polarity convention). ``negated`` is true for a
    ``no_effect`` direction and for any relation the text negates (so a predicted direction
    that disagrees with the text stays visible). "did not significantly alter" is negated like
    "did not alter"; its ``negation`` is marked ``non_significant`` (a statistical null, not a
    stated absence).

Evidence and causality
    Rules first: the study type named in the relation's clause, its ", and" conjunct first (in
    vitro > animal > human when several are named: "cultured human osteoblasts" is in vitro;
    between animal and human the one with a named design, else the later), else in the nearest
    clause that names one, else epidemiological language (risk, incidence, "was associated
    with", "in multiple sclerosis") for ``human``, else ``review``. ``model`` is the most
    specific design named: a strain or disease model (5xFAD, APP/PS1, EAE, MCAO...),
    ovariectomy, knockout, transgenic; Mendelian randomisation, randomised trial, meta-analysis,
    case-control, cohort...; cell line, co-culture, cell culture. ``stated`` says whether the
    sentence names the study type (``species`` is added when it names one).
    Causality rules: ``no_effect``/``associated`` relations claim no cause; association words
    (associated, correlated, linked, predicts, risk...) or a state observed in a condition
    ("IL-6 is elevated after menopause") make an ``increases``/``decreases`` relation
    associative; otherwise it is causal, except in people, where it needs an intervention
    (treatment, trial, knockout...) or a causal verb.
    Two small logistic-regression heads, fitted on axis_train by
    ``python evaluation/attributes_eval.py --fit`` (C=0.3, chosen by 5-fold cross-validation
    on train), take these rule outputs and a few cue features and give the final ``evidence``
    type and ``causal`` value; they beat the rules in cross-validation on train and on dev
    (see ``evaluation/reports/attributes_axis_dev.md``). The weights are the constants
    ``EVIDENCE_WEIGHTS`` and ``CAUSAL_WEIGHTS`` below; ``use_classifier=False`` gives the rules.

Context
    Tissues and compartments (serum, plasma, CSF, hippocampus, bone marrow, hip...) named in
    the relation's clause before the later entity, right before an entity ("serum
    osteocalcin") or in a phrase right after the later entity ("IL-1β in the hippocampus").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional, Sequence

Span = tuple[int, int]


@dataclass(frozen=True)
class Cue:
    """Words of the sentence that signal something; offsets relative to the sentence."""

    text: str
    start: int
    end: int
    kind: str


def _cue_regex(cues: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(re.escape(c) for c in sorted(set(cues), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.I)


def _suffix_regex(cues: tuple[str, ...]) -> re.Pattern[str]:
    """Cues that start with a hyphen ("-induced") match right after a word."""
    body = "|".join(re.escape(c) for c in sorted(set(cues), key=len, reverse=True))
    return re.compile(rf"(?:{body})(?![\w])", re.I)


def _inside(pos: int, spans: tuple[Span, ...]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _blank(text: str, spans: tuple[Span, ...]) -> str:
    """``text`` with the characters of ``spans`` replaced by spaces (offsets kept)."""
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(text), e)):
            chars[i] = " "
    return "".join(chars)


def _distance(cue: Cue, left: Span, right: Span) -> int:
    if cue.end <= left[0]:
        return left[0] - cue.end
    if cue.start >= right[1]:
        return cue.start - right[1]
    return 0


# ---------------------------------------------------------------------------------------------
# Direction lexicons. The first four tuples (with ``_CLAUSE_BREAK`` and ``pattern_direction``) are
# the pattern baseline's (``axis_nlp.baseline``) and stay as they are; the trigger finder adds the
# ``EXTRA_*_CUES`` on top.
# ---------------------------------------------------------------------------------------------
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

EXTRA_INCREASE_CUES = (
    "rise", "rises", "rose", "rising", "higher", "high", "more", "greater", "excess", "elevation", "doubled",
    "doubles", "doubling", "tripled", "triple", "twice", "fold higher", "more often", "more likely", "faster",
    "develop", "develops", "developed", "display", "displays", "show", "shows", "showed", "produce", "produces",
    "produced", "producing", "cause", "causing", "result in", "results in", "resulted in", "predispose",
    "predisposes", "required", "requires", "essential for", "indispensable for", "critical for", "sustain",
    "sustains", "sustaining", "maintain", "maintains", "expand", "expands", "expanded", "expanding", "mobilise",
    "mobilises", "mobilised", "mobilize", "mobilized", "recruit", "recruits", "recruited", "amplify", "amplifies",
    "prolong", "prolongs", "prolonged", "prolonging", "up-regulate", "upregulation", "activation", "activating",
    "enhancing", "stimulating", "stimulation", "promotion", "boosting", "accelerating", "aggravating", "worsening",
    "triggering", "confer", "confers", "conferred", "underlie", "underlies", "provoke", "provokes", "provoked",
    "commits", "favoured", "favouring", "gains", "gain", "gained", "exaggerated", "pro-inflammatory",
    "-induced", "-driven", "-dependent", "accumulate", "accumulates", "accumulation", "precipitate", "harm",
    "damage", "damages", "increment", "preserve", "preserves", "preserved", "preserving", "restore", "restores",
    "restored", "better", "improvement", "improvements", "benefit", "pro-cognitive", "resistant", "resist",
    "resisted", "resists", "protected from", "shielded", "shielded from", "escape", "escaped", "spared",
)
EXTRA_DECREASE_CUES = (
    "lowering", "low", "less", "fewer", "smaller", "milder", "poorer", "worse", "decline", "declines",
    "declined", "declining", "fall", "falls", "fell", "falling", "loss", "lose", "loses", "lost", "deficit",
    "deficits", "deficiency", "impairment", "impairing", "inhibition", "inhibitor", "suppression", "suppressing",
    "blockade", "blocking", "depletes", "depleted", "depleting", "depletion", "eliminates", "eliminated", "halt",
    "halts", "halted", "slow", "slows", "slowed", "slowing", "slower", "curtailed", "neutralise", "neutralises",
    "neutralising", "neutralize", "neutralizes", "antagonised", "antagonise", "brake", "brakes", "compromise",
    "compromises", "erode", "eroding", "thin", "weaken", "weakens", "shorten", "shortened", "cut", "cuts",
    "relieve", "relieves", "relieved", "protect", "protective against", "inversely", "inverse", "lower odds",
    "lower incidence", "reduction", "down-regulate", "downregulation", "deplete", "shed", "clear", "cleared",
    "abolishing", "attenuating", "alleviating", "restraining", "dampening", "blunting", "countered", "counter",
)
EXTRA_ASSOCIATION_CUES = (
    "associated", "associations", "linked", "link", "links", "tied to", "tied", "correlated", "correlate",
    "correlates", "correlating", "related", "relate", "relates", "unrelated", "relation", "predicting",
    "predictive", "predictors", "marker", "markers", "track", "tracks", "tracked", "tracking", "coexist",
    "co-occurs with", "co-localises", "colocalise", "colocalises", "accompanied by", "accompanies",
    "accompanied", "went along with", "coincides with", "implicate", "implicated", "implicating", "involve",
    "involves", "involved", "engage", "engages", "engaged", "bound", "binding", "acts on", "act on", "acting on",
    "acts through", "acted through", "act through", "signals through", "signal through", "through", "via",
    "interacts with", "interact with", "pairs with", "upstream of", "downstream of", "reach", "reaches", "reached", "entered", "enter",
    "enters", "affect", "affects", "affected", "alter", "alters", "altered", "altering", "change", "changed",
    "changes", "influence", "influences", "influenced", "differ", "differed", "differs", "modify", "modified",
    "impact", "impacts", "reflect", "reflects", "reflecting", "explain", "explains", "account for",
    "accounts for", "underlying", "derived", "-derived", "expressed", "express", "expresses", "secreted",
    "released", "producing", "mediator", "mediators", "determinant", "determinants", "dysregulated",
    "dysregulates", "precede", "precedes", "follows", "after", "in response to", "risk", "odds", "incidence",
)

# the pattern baseline's regexes (unchanged)
_INC, _DEC, _ASSOC, _NO = (_cue_regex(c) for c in (INCREASE_CUES, DECREASE_CUES, ASSOCIATION_CUES, NO_EFFECT_CUES))
_DIRECTION_REGEX = {"increases": _INC, "decreases": _DEC, "associated": _ASSOC, "no_effect": _NO}
_CLAUSE_BREAK = re.compile(r";|, whereas|, while|, but|\bwhereas\b|\bin contrast\b|\bconversely\b|\bhowever\b", re.I)


def _kind_regex(base: tuple[str, ...], extra: tuple[str, ...]) -> tuple[re.Pattern[str], Optional[re.Pattern[str]]]:
    words = tuple(c for c in base + extra if not c.startswith("-"))
    suffixes = tuple(c for c in extra if c.startswith("-"))
    return _cue_regex(words), (_suffix_regex(suffixes) if suffixes else None)


_TRIGGER_REGEX = {
    "increases": _kind_regex(INCREASE_CUES, EXTRA_INCREASE_CUES),
    "decreases": _kind_regex(DECREASE_CUES, EXTRA_DECREASE_CUES),
    "associated": _kind_regex(ASSOCIATION_CUES, EXTRA_ASSOCIATION_CUES),
}
#: direction cues that speak of association only (correlation, risk, prediction, co-occurrence)
ASSOCIATIVE_TRIGGERS = (
    "associated", "association", "associations", "linked", "link", "links", "link between", "tied", "tied to",
    "correlated", "correlate", "correlates", "correlation", "correlating", "related", "relate", "relates",
    "relation", "relationship", "predict", "predicts", "predicted", "predicting", "predictive", "predictor",
    "predictors", "marker", "markers", "marker of", "biomarker", "track", "tracks", "tracked", "tracking",
    "coexist", "co-occur", "co-occurs", "co-occurs with", "comorbid", "co-localises", "colocalise",
    "colocalises", "accompanied", "accompanied by", "accompanies", "went along with", "coincides with",
    "risk", "odds", "incidence", "higher risk", "increased risk", "lower risk", "reduced risk", "risk factor",
    "lower odds", "lower incidence", "inversely", "inverse", "positively correlated", "negatively correlated",
    "inversely correlated", "inversely associated", "positively associated", "positive correlation",
    "negative correlation", "more often", "more likely", "twice", "doubled", "tripled", "triple", "fold higher",
    "implicated", "implicated in", "implicate", "implicating", "connection", "interplay", "precede", "precedes",
    "reflect", "reflects", "reflecting", "differ", "differed", "differs",
)
_ASSOCIATIVE_RE = _cue_regex(ASSOCIATIVE_TRIGGERS)

#: nouns that, negated, state an absence although they are no direction cue ("no effect", "no overt deficits")
_NEUTRAL_PREDICATES = (
    "effect", "effects", "association", "relation", "relationship", "correlation", "difference", "change",
    "changes", "influence", "impact", "benefit", "advantage", "abnormality", "abnormalities", "phenotype",
    "requirement", "reduction", "excess", "deficits", "deficit", "role", "evidence", "sign", "signs",
)
_NEUTRAL_RE = _cue_regex(_NEUTRAL_PREDICATES)
#: light verbs ("showed"): a trigger only when nothing better is there
_LIGHT_CUES = frozenset("show shows showed display displays displayed develop develops developed exhibit exhibits "
                        "exhibited have has had".split())
#: adjectives in front of an entity that modify it rather than state the relation ("low hip BMD")
_PREMODIFIERS = frozenset("low high lower higher poor poorer greater elevated excess more less fewer better worse".split())
#: cues that attach an adjunct to a predicate rather than state one ("through X", "after Y", "risk of")
_ADJUNCT_CUES = frozenset(("through", "via", "by", "after", "in response to", "risk", "odds", "incidence"))
#: a relation stated by a mediator phrase takes the hedge of the predicate it hangs on ("may X through Y")
_MEDIATOR_CUES = frozenset(("through", "via", "by", "risk", "odds", "incidence"))
_FLIP = {"increases": "decreases", "decreases": "increases"}

# ---------------------------------------------------------------------------------------------
# Clauses
# ---------------------------------------------------------------------------------------------
_COMMENT_HEADS = (
    "suggesting", "indicating", "implying", "hinting", "arguing", "raising the possibility", "raising",
    "consistent with", "in line with", "possibly", "probably", "perhaps", "presumably", "apparently", "likely",
    "thereby", "thus", "so", "because", "since", "as", "leaving", "illustrating", "prompting", "placing",
    "making", "implicating", "supporting", "pointing to", "a finding", "a possibility", "a hypothesis",
    "an observation", "effects that", "changes that", "both of which", "which", "who", "whom", "whose",
    "where", "when",
)
_BREAK_RE = re.compile(
    r";|:(?=\s)|\b(?:whereas|while)\b(?!\s+\w+ing\b)|\bbut\b|(?<!\bnot )(?<!\bhas )(?<!\bhave )\byet\b|"
    r"\balthough\b|\b(?:even\s+)?though\b|\balbeit\b|\bhowever\b|\b(?:in|by)\s+contrast\b|\bconversely\b|"
    r"\bnonetheless\b|\bnevertheless\b|\bwhere\b|\bso\s+that\b|"
    r"\band\s+(?:(?:was|were|is|are)\s+)?(?:instead|only)\b|"
    r",\s(?=(?:" + "|".join(re.escape(h) for h in sorted(_COMMENT_HEADS, key=len, reverse=True)) + r")\b)|"
    # an appositive that comments on what precedes: ", a change thought to...", ", a signal that..."
    r",\s(?=an?\s+(?:[\w-]+\s+){0,3}?(?:that|which|thought|seen|whose|by\s+which|in\s+which)\b)",
    re.I,
)
_THAT_VERB_RE = re.compile(r"\b(?:that|which)\s+(?:\w+ly\s+)?(\w+(?:s|ed))\b", re.I)
_FRONTED_RE = re.compile(
    r"^\s*(?:Because|Since|As|Although|Though|Whereas|While|If|When|Unlike|Like|Given\s+that|Despite|Once)\b[^,;]*,",
    re.I,
)
_COORDINATION_RE = re.compile(r"\band\b|\bor\b|,|\bbut\b|\bthen\b", re.I)
_WORD_RE = re.compile(r"[\w’'-]+")
_RELATIVE_RE = re.compile(r"\b(?:that|which|who|whom|whose)\b", re.I)
_SUBJECT_WORDS = frozenset("it they their its this these those the a an we he she both each such our his her".split())
# words allowed between the members of one negation chain, and between a chain and its predicate
_GAP_WORDS = frozenset(
    "did do does was were is are be been being has have had could would should may might can will shall "
    "appear appears appeared seem seems seemed expected thought to the a an any its their his her this these "
    "that those overall itself themselves alone by itself further also even still yet all at levels level "
    "concentrations concentration with on in of for found showed show shows had has have reported displayed display "
    "bore bears saw observed".split()
)


def clause_spans(text: str, protect: tuple[Span, ...] = ()) -> list[Span]:
    """The sentence cut into clauses (see the module docstring); no cut falls inside ``protect``."""
    return list(_clause_spans(text, tuple(protect)))


@lru_cache(maxsize=1024)
def _clause_spans(text: str, protect: tuple[Span, ...]) -> tuple[Span, ...]:
    cuts = {0, len(text)}
    for m in _BREAK_RE.finditer(text):
        cuts.add(m.start())
    fronted = _FRONTED_RE.match(text)
    if fronted:
        cuts.add(fronted.end())
    # a relative clause without a comma: "the RANKL that drives bone resorption"
    for m in _THAT_VERB_RE.finditer(text):
        if any(_TRIGGER_REGEX[k][0].fullmatch(m.group(1)) for k in ("increases", "decreases")):
            cuts.add(m.start())
    kept = sorted(c for c in cuts if not any(s < c < e for s, e in protect))
    return tuple((a, b) for a, b in zip(kept, kept[1:]) if b > a)


def relation_scope(text: str, a: Span, b: Span, others: tuple[Span, ...] = ()) -> Span:
    """The clause holding both entities, else the clause of the later one."""
    left, right = sorted((a, b))
    spans = clause_spans(text, (a, b) + tuple(others))
    if not spans:
        return 0, len(text)

    def index(pos: int) -> int:
        for i, (s, e) in enumerate(spans):
            if s <= pos < e:
                return i
        return len(spans) - 1

    i, j = index(left[0]), index(right[0])
    return spans[j] if i != j else spans[i]


def clause_window(text: str, a: Span, b: Span, *, margin: int = 60) -> Span:
    """The relation's scope, narrowed to ``margin`` characters around the two entities."""
    lo, hi = relation_scope(text, a, b)
    left, right = min(a[0], b[0]), max(a[1], b[1])
    return max(lo, left - margin), min(hi, right + margin)


def _between_has_break(text: str, a: Span, b: Span) -> bool:
    lo, hi = min(a[1], b[1]), max(a[0], b[0])
    return bool(_CLAUSE_BREAK.search(text, lo, hi)) if hi > lo else False


# ---------------------------------------------------------------------------------------------
# Predicates and the trigger
# ---------------------------------------------------------------------------------------------
def _predicates(text: str, lo: int, hi: int, skip: tuple[Span, ...],
                kinds: tuple[str, ...] = ("increases", "decreases", "associated")) -> list[Cue]:
    """Direction cues between ``lo`` and ``hi``, outside the entity spans ``skip``."""
    out: list[Cue] = []
    for kind in kinds:
        for regex in _TRIGGER_REGEX[kind]:
            if regex is None:
                continue
            for m in regex.finditer(text, lo, hi):
                if not _inside(m.start(), skip) and not _inside(m.end() - 1, skip):
                    out.append(Cue(m.group(0), m.start(), m.end(), kind))
    return sorted(out, key=lambda c: (c.start, -(c.end - c.start)))


def _real_predicates(text: str, lo: int, hi: int, skip: tuple[Span, ...], before: Optional[int] = None) -> list[Cue]:
    """Direction cues that head a clause: no compound ("-induced"), no adjective right before ``before``."""
    if hi <= lo:
        return []
    out = []
    for c in _predicates(text, lo, hi, skip):
        if c.text.startswith("-"):
            continue
        if before is not None and c.text.lower() in _PREMODIFIERS and len(_WORD_RE.findall(text[c.end:before])) <= 1:
            continue
        out.append(c)
    return out


_COMPOUND_RE = re.compile(
    r"\s*[-–]\s*[\w-]*?(?:induced|derived|driven|producing|depleting|associated|dependent|mediated|related|"
    r"neutrali[sz]ing|secreting|expressing|inducing|raising|lowering|sparing|targeted|rich)\b", re.I)


def _presupposed(text: str, left: Span, right: Span) -> bool:
    """The relation is stated inside one noun phrase ("RANKL-induced osteoclastogenesis", "B-cell-derived OPG")."""
    between = text[left[1]:right[0]]
    m = _COMPOUND_RE.match(between)
    return bool(m) and len(_WORD_RE.findall(between)) <= 6 and not re.search(r"[,;:]", between)


def _loss_of_function(text: str, factor: Span, lo: int, hi: int) -> bool:
    """The factor is reported lost: "mice lacking X", "X-knockout", "X−/−", "X-deficient", "loss of X"."""
    before = text[max(lo, factor[0] - 30):factor[0]]
    after = text[factor[1]:min(hi, factor[1] + 25)]
    return bool(re.search(r"(?:lacking|lack|without|deleting|deletion\s+of|loss\s+of|knock(?:out|down)\s+of)\s+"
                          r"(?:\w+\s+)?(?:[\w-]+\s+(?:or|and)\s+)?$", before, re.I)
                or re.match(r"\s*(?:[−–-]/[−–-]|-?(?:deficient|knock-?out|null|knock-?down|deleted)\b|\s+(?:deficiency|"
                            r"deletion|knock-?out|knock-?down)\b)", after, re.I))


_CHAIN_LEFT_RE = re.compile(
    r"(?:\b(?:may|might|could|can|would|will|is|are|was|were|be|been|has|have|had|did|does|do|not|no|never|also|"
    r"further|significantly|consistently|appreciably|markedly|thereby|thus|directly|itself|partly|largely|"
    r"possibly|probably|likely|appears?|appeared|seems?|seemed|thought|believed|proposed|expected|reported|"
    r"found|showed|failed|fails?|neither|nor|to|longer|in\s+turn|in\s+principle|even|still)\s+)+$",
    re.I,
)
_NO_EFFECT_TRIGGER_RE = re.compile(
    r"\b(?:did|does|do|was|were|is|are|has|have|had|could|would|may|might|appears?|appeared|seems?|seemed)?\s*"
    r"(?:not|never)\s+(?:\w+ly\s+|yet\s+|to\s+|be\s+|been\s+){0,3}[\w-]+|"
    r"\bfail(?:s|ed|ing)?\s+to\s+[\w-]+|\bno\s+longer\s+[\w-]+|\bwithout\s+[\w-]+|"
    r"\b(?:had|has|have|showed|shows|show|found|reported|displayed?|bore|bears)\s+no\s+(?:\w+\s+){0,2}?[\w-]+|"
    r"\bno\s+(?:\w+\s+){0,2}?(?:effect|association|correlation|difference|change|relation|benefit|advantage|"
    r"reduction|excess|requirement|deficits?|abnormality)\b|"
    r"\bneither\s+(?:\w+\s+){0,2}?[\w-]+|\bnor\s+(?:did\s+)?[\w-]+|"
    r"\b(?:was|were|is|are|remained|appears?|appeared|seems?)?\s*(?:\w+ly\s+)?"
    r"un(?:affected|changed|altered|related|correlated|associated)\b|"
    r"\bdid\s+not\s+reach\s+(?:statistical\s+)?significance\b|\blittle\s+(?:effect|change|influence|impact)\b|"
    r"\bchanges?\s+little\b|\b(?:are|is|was|were)\s+(?:\w+ly\s+)?normal\b|\blargely\s+spared\b",
    re.I,
)


def _extend_left(text: str, cue: Cue, lo: int) -> Cue:
    """Take in the auxiliaries, modals, hedges and negators right before a cue ("may impair", "did not alter")."""
    m = _CHAIN_LEFT_RE.search(text, lo, cue.start)
    if not m or m.end() != cue.start:
        return cue
    return Cue(text[m.start():cue.end], m.start(), cue.end, cue.kind)


def _no_effect_cues(text: str, lo: int, hi: int, skip: tuple[Span, ...]) -> list[Cue]:
    """Phrases that state an absence ("did not alter", "had no effect on", "was unaffected")."""
    out = []
    masked = _not_negator_spans(text, lo, hi)
    for m in _NO_EFFECT_TRIGGER_RE.finditer(text, lo, hi):
        s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        if _inside(s, skip) or _inside(s, masked):
            continue
        end = m.end()
        for es, _ in skip:  # never run into an entity
            if s < es < end:
                end = es
        piece = text[s:end].rstrip()
        if piece:
            out.append(Cue(piece, s, s + len(piece), "no_effect"))
    return out


def find_trigger(text: str, factor: Span, effect: Span, direction: Optional[str], *,
                 others: tuple[Span, ...] = ()) -> Optional[Cue]:
    """The words that carry the relation: a direction cue in scope, best placed for the pair.

    Cues between the entities win over cues outside them; verbs over light verbs ("showed"),
    adjuncts ("after") and adjectives of the entity ("high amyloid load"); cues of
    ``direction`` over others (of the opposite direction first when the factor is reported
    lost: "Lcn2-deficient mice ate more" -> decreases, trigger "more"); the cue nearest the
    later entity over farther ones ("did not alter A and increased B"). The cue takes in the
    modal, hedge or negation chain right before it ("may impair", "did not significantly alter").
    Without a direction, a negated relation gets its negation phrase.
    """
    lo, hi = relation_scope(text, factor, effect, others)
    left, right = sorted((factor, effect))
    skip = (factor, effect) + tuple(others)
    inner_lo = max(lo, left[1])
    wanted: list[str] = []
    if direction == "no_effect" or (direction is None and negation_of(text, factor, effect, others=others).negated):
        wanted = ["no_effect"]
    elif direction in _FLIP:
        lost = _loss_of_function(text, factor, lo, hi)
        wanted = [_FLIP[direction], direction] if lost else [direction]
    elif direction == "associated":
        wanted = ["associated"]
    candidates = _predicates(text, lo, hi, skip)
    if "no_effect" in wanted:
        candidates += _no_effect_cues(text, lo, hi, skip)
    if not candidates:
        return None
    adjective_of_entity = re.compile(r"[\s,]*(?:[\w-]+\s+){0,1}$")

    def score(c: Cue) -> tuple[int, int, int, int]:
        between = inner_lo <= c.start and c.end <= right[0]
        region = 0 if between else 1
        if c.text.startswith("-") and not (c.start == left[1] or c.start == right[1]):
            region = 2  # a compound of another noun ("CCR2-dependent infiltration")
        word = c.text.lower()
        light = int(word in _LIGHT_CUES or word in _ADJUNCT_CUES or (
            word in _PREMODIFIERS and bool(adjective_of_entity.fullmatch(text[c.end:right[0]]))))
        kind = wanted.index(c.kind) if c.kind in wanted else len(wanted) + (0 if c.kind == "associated" else 1)
        distance = (right[0] - c.end) if between else _distance(c, left, right)
        return (region, light, kind, distance)

    best = min(candidates, key=lambda c: (score(c), -(c.end - c.start)))
    if score(best)[0] >= 1 and _distance(best, left, right) > 60:
        return None
    return best if best.kind == "no_effect" else _extend_left(text, best, lo)


# ---------------------------------------------------------------------------------------------
# Hedging and certainty
# ---------------------------------------------------------------------------------------------
MODERATE_HEDGE_CUES = (
    "may", "could", "would", "suggest", "suggests", "suggested", "suggesting", "suggestive of", "indicate",
    "indicates", "indicating", "implying", "implies", "imply", "implicating", "appear", "appears", "appeared",
    "appearing", "seem", "seems", "seemed", "is thought", "are thought", "was thought", "were thought",
    "thought to", "believed to", "is believed", "considered to", "presumed", "likely", "unlikely", "probably",
    "presumably", "apparently", "reportedly", "supposedly", "suspected", "potential", "potentially", "putative",
    "putatively", "proposed", "propose", "proposes", "tend to", "tends to", "tended to", "candidate",
    "expected to", "fits with", "fit with", "consistent with", "in line with", "hint", "hints", "hinted",
    "hinting", "pointing to", "invoked", "attributed",
)
WEAK_HEDGE_CUES = (
    "might", "possibly", "possible", "possibility", "perhaps", "conceivably", "conceivable", "plausibly",
    "plausible", "speculate", "speculated", "speculative", "speculation", "tempting", "hypothesis",
    "hypothesised", "hypothesized", "hypothesise", "hypothesize", "hypothetical", "postulated", "postulate",
    "whether", "in principle", "tentative", "tentatively", "unclear", "unknown", "uncertain", "unresolved",
    "debated", "untested", "unproven", "open question", "far from clear", "remains to be", "remain to be",
    "cannot be excluded", "could not be excluded", "cannot be ruled out", "could not be ruled out",
    "not be excluded", "not be ruled out", "difficult to rule out",
)
HEDGE_CUES = MODERATE_HEDGE_CUES + WEAK_HEDGE_CUES
_HEDGE_RE = _cue_regex(HEDGE_CUES)
_WEAK_RE = _cue_regex(WEAK_HEDGE_CUES)
#: knowledge gaps ("has not (yet) been tested") hedge (speculative); they do not negate
_GAP_RE = re.compile(
    r"\b(?:has|have|had|is|are|was|were)?\s*(?:not|never)\s+(?:yet\s+)?(?:been\s+)?(?:firmly\s+|fully\s+|directly\s+|"
    r"formally\s+|consistently\s+)?(?:established|tested|examined|studied|investigated|explored|reported|determined|"
    r"clarified|proven|proved|known|confirmed|addressed|resolved)\b", re.I)
#: words that look like hedges but are not ("more likely to show", "whether or not")
_NOT_HEDGE_RE = re.compile(
    r"\b(?:more|less|as|most|least|twice as|times as|times more)\s+likely\b|\bwhether\s+or\s+not\b|"
    r"\bas\s+(?:soon|far|much|early)\s+as\s+possible\b|\bpotential\s+confounders?\b|\baction\s+potentials?\b|"
    r"\bmay\s+not\b(?=\s+have\s+been)", re.I)


def _new_subject_between(text: str, start: int, end: int, skip: tuple[Span, ...], *, strict: bool = False) -> bool:
    """A coordination between ``start`` and ``end`` opens a clause with its own subject ("..., and it promotes")."""
    for m in _COORDINATION_RE.finditer(text, start, end):
        words = _WORD_RE.findall(text[m.end():end])
        if not words:
            continue
        if strict:
            if words[0].lower() in _SUBJECT_WORDS:
                return True
            continue
        preds = _real_predicates(text, m.end(), end, skip)
        if not preds:
            continue
        lead = _WORD_RE.findall(text[m.end():preds[0].start])
        if lead and lead[0].lower() in _SUBJECT_WORDS:
            return True
        if len([w for w in lead if w.lower() not in _GAP_WORDS and not w.lower().endswith("ly")]) >= 4:
            return True
    return False


def hedge_cues(text: str, factor: Span, effect: Span, *, others: tuple[Span, ...] = ()) -> list[Cue]:
    """The hedge cues that bear on the relation (see the module docstring), in text order."""
    lo, hi = relation_scope(text, factor, effect, others)
    left, right = sorted((factor, effect))
    if _presupposed(text, left, right):
        return []
    skip = (factor, effect) + tuple(others)
    not_hedges = tuple(m.span() for m in _NOT_HEDGE_RE.finditer(text, lo, hi))
    inner_lo = max(lo, left[1])
    coordinated = bool(re.match(r"\s*(?:,|and\b|or\b)", text[left[1]:right[0]]))
    predicate_between = bool(_real_predicates(text, inner_lo, right[0], skip, before=right[0] if coordinated else None))
    own_predicate = any(c.text.lower() not in _MEDIATOR_CUES for c in _real_predicates(text, inner_lo, right[0], skip))
    found: list[Cue] = []
    for regex, kind in ((_HEDGE_RE, "hedge"), (_GAP_RE, "gap")):
        for m in regex.finditer(text, lo, hi):
            s = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            if _inside(s, skip) or _inside(s, not_hedges):
                continue
            if s >= right[1]:
                # after both entities: only for a relation without a predicate of its own between them
                if (predicate_between or _RELATIVE_RE.search(text, right[1], s)
                        or _new_subject_between(text, right[1], s, skip, strict=True)
                        or _real_predicates(text, right[1], s, skip)):
                    continue
            else:
                if left[0] >= lo and s < left[0] and own_predicate and any(
                        c.text.lower() not in _ADJUNCT_CUES for c in _real_predicates(text, m.end(), left[0], skip)):
                    continue  # it hedges a predicate before the first entity ("may promote X after Y")
                if _new_subject_between(text, m.end(), right[0], skip):
                    continue
            found.append(Cue(text[s:m.end()], s, m.end(), kind))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Cue] = []
    for c in found:  # a knowledge gap also matches as a hedge word: one cue per position
        if not (out and c.start < out[-1].end):
            out.append(c)
    return out


def certainty_of(cues: Sequence[Cue]) -> str:
    """``asserted`` | ``hedged`` | ``speculative`` from the hedge cues of a relation."""
    if not cues:
        return "asserted"
    if len(cues) >= 2 or any(c.kind == "gap" or _WEAK_RE.fullmatch(c.text) for c in cues):
        return "speculative"
    return "hedged"


# ---------------------------------------------------------------------------------------------
# Negation
# ---------------------------------------------------------------------------------------------
_NEGATOR_RE = re.compile(
    r"\bno\s+longer\b|\bfail(?:s|ed|ing)?\s+to\b|\bdid\s+not\s+reach\s+(?:statistical\s+)?significance\b|"
    r"\bnon-?significant(?:ly)?\b|\binsignificant(?:ly)?\b|"
    r"\black\s+of\s+(?:an?\s+|any\s+)?(?:effect|association|correlation|difference|change|benefit|relation(?:ship)?)\b|"
    r"\blittle\s+(?:or\s+no\s+)?(?:effect|change|influence|impact|difference)\b|\bchanges?\s+little\b|"
    r"\b(?:are|is|was|were|remained|remain|remains|stayed)\s+(?:\w+ly\s+)?normal\b|\blargely\s+spared\b|"
    r"\bindistinguishable\b|\bun(?:affected|changed|altered|related|correlated|associated)\b|\bunlikely\s+to\b|"
    r"\bwithout\s+(?:\w+ly\s+)?\w+ing\b|\bwithout\s+(?:any\s+)?(?:effect|change|influence|impact|difference|alteration)s?\b|"
    r"\bnot\b|n[’']t\b|\bcannot\b|\bno\b|\bnever\b|\bnone\b|\bneither\b|\bnor\b",
    re.I,
)
#: negation words that do not negate: "not only", "whether or not", "cannot be excluded", "not unlike"
_NOT_NEGATOR_RE = re.compile(
    r"\bnot\s+(?:only|merely|just|least|unlike|unexpected(?:ly)?|surprising(?:ly)?|necessarily\s+causal)\b|"
    r"\bno\s+doubt\b|\bwhether\s+or\s+not\b|\bif\s+not\b|\bno\s+(?:less|more|sooner)\s+than\b|"
    r"\b(?:cannot|could\s+not|can\s*not|can[’']t|not)\s+(?:be\s+)?(?:excluded|ruled\s+out|dismissed)\b|"
    r"\bnot\s+(?:yet\s+)?(?:been\s+)?(?:firmly\s+|fully\s+|directly\s+|formally\s+)?(?:established|tested|examined|"
    r"studied|investigated|explored|reported|determined|clarified|proven|proved|known|confirmed|addressed|resolved)\b|"
    r"\bnone\s+(?:has|have)\s+been\s+proven\b|\bno\s+(?:study|studies|trial|trials|data)\b",
    re.I,
)
_SIGNIFICANCE_RE = re.compile(r"significan|statistical", re.I)
#: the state of the later entity, said after it: "bone formation was unaffected", "fracture incidence did not differ"
_STATE_AFTER_RE = re.compile(
    r"\s*(?:\w+ly\s+)?(?:affected|altered|changed?|different|differ(?:ed)?|modified|increased|decreased|reduced|"
    r"elevated|raised|lowered|related|associated|correlated|higher|lower|impaired|improved)\b", re.I)
#: measure nouns allowed between the later entity and a negation of its state ("fracture incidence did not differ")
_STATE_GAP = frozenset("levels level concentrations concentration incidence rates rate risk scores score numbers number "
                       "volume mass density content expression activity counts count values".split())
#: "no effect of X on Y", "no association between X and Y", "found no advantage"
_NEGATED_NOUN_RE = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:effects?|associations?|relation(?:ship)?s?|correlations?|differences?|requirements?|"
    r"links?|roles?|benefits?|advantages?|evidence|changes?|excess|reductions?|influence)\b", re.I)
_NOUN_TO_ENTITY_RE = re.compile(_NEGATED_NOUN_RE.pattern + r"\s+(?:of|between|for|with|on|in)\b", re.I)


@dataclass(frozen=True)
class Negation:
    """The negation of a relation: whether it is negated, the chain of negators, how many."""

    negated: bool
    cue: Optional[Cue] = None
    count: int = 0
    non_significant: bool = False

    @property
    def double(self) -> bool:
        """An even chain ("did not fail to"): a double negation, which asserts."""
        return self.count >= 2 and self.count % 2 == 0


def _not_negator_spans(text: str, lo: int, hi: int) -> tuple[Span, ...]:
    return tuple(m.span() for m in _NOT_NEGATOR_RE.finditer(text, lo, hi))


def _negators(text: str, lo: int, hi: int, skip: tuple[Span, ...]) -> list[Cue]:
    masked = _not_negator_spans(text, lo, hi)
    return [Cue(m.group(0), m.start(), m.end(), "negator") for m in _NEGATOR_RE.finditer(text, lo, hi)
            if not _inside(m.start(), skip) and not _inside(m.start(), masked)]


def _only_gap_words(text: str, start: int, end: int, limit: int = 3) -> bool:
    words = _WORD_RE.findall(text[start:end])
    if re.search(r"[,;:()]", text[start:end]):
        return False
    extra = [w for w in words if w.lower() not in _GAP_WORDS and not w.lower().endswith("ly")]
    return not extra and len(words) <= limit + 2


def _chains(text: str, negators: list[Cue]) -> list[list[Cue]]:
    """Negators next to each other (only auxiliaries and adverbs between) form one chain."""
    chains: list[list[Cue]] = []
    for n in negators:
        if chains and _only_gap_words(text, chains[-1][-1].end, n.start):
            # "neither ... nor" is one negation, not two
            if not (chains[-1][-1].text.lower() == "neither" and n.text.lower() == "nor"):
                chains[-1].append(n)
                continue
        chains.append([n])
    return chains


def _reaches(text: str, start: int, end: int, skip: tuple[Span, ...]) -> bool:
    """No coordination to a new predicate between a negation and the entity it should negate."""
    for m in _COORDINATION_RE.finditer(text, start, end):
        window_end = min(end, m.end() + 40)
        following = _predicates(text, m.end(), window_end, skip) + [
            Cue(x.group(0), x.start(), x.end(), "neutral") for x in _NEUTRAL_RE.finditer(text, m.end(), window_end)]
        if any(len(_WORD_RE.findall(text[m.end():c.start])) <= 3 for c in following):
            return False
    return True


def _gap_to_chain(text: str, start: int, end: int, skip: tuple[Span, ...]) -> bool:
    """Only auxiliaries, coordinated entities and measure nouns between an entity and a negation of its state."""
    piece = _blank(text, skip)[start:end]
    if re.search(r"[;:()]", piece):
        return False
    words = _WORD_RE.findall(piece)
    extra = [w for w in words if w.lower() not in _GAP_WORDS and w.lower() not in _STATE_GAP
             and w.lower() not in ("and", "or") and not w.lower().endswith("ly")]
    return not extra and len(words) <= 8


def _state_negation(text: str, chain: list[Cue], hi: int) -> bool:
    """A chain after the later entity that says the entity did not change (not a failure to act on another)."""
    words = " ".join(n.text.lower() for n in chain)
    if re.search(r"\bun\w+|normal|little|spared|indistinguishable|significance|significant", words):
        return True
    if any(n.text.lower() in ("nor", "neither") or n.text.lower().startswith("without") for n in chain):
        return False
    rest = text[chain[-1].end:hi]
    if re.fullmatch(r"[\s.,;:]*(?:\([^)]*\))?[\s.]*", rest):
        return True  # an elided predicate: "atenolol reduced CTX, whereas propranolol did not"
    return bool(_STATE_AFTER_RE.match(rest) or _NEGATED_NOUN_RE.match(rest))


def negation_of(text: str, factor: Span, effect: Span, *, others: tuple[Span, ...] = ()) -> Negation:
    """Whether the sentence negates the relation itself, from the text alone (see the module docstring)."""
    lo, hi = relation_scope(text, factor, effect, others)
    left, right = sorted((factor, effect))
    skip = (factor, effect) + tuple(others)
    if _presupposed(text, left, right):
        return Negation(False)
    negators = _negators(text, lo, hi, skip)
    if _loss_of_function(text, factor, lo, hi):
        # "mice lacking X fail to form Y": the failure is the phenotype of the loss (polarity convention)
        negators = [n for n in negators if not n.text.lower().startswith("fail")]
    if not negators:
        return Negation(False)
    chains = _chains(text, negators)

    def usable_before(chain: list[Cue]) -> bool:
        if chain[-1].end > right[0] or not _reaches(text, chain[-1].end, right[0], skip):
            return False
        if chain[-1].end <= left[0]:
            # before both entities: "No/Nor/Neither ..." opening the clause, or "found no effect of X on Y"
            if len(_WORD_RE.findall(text[lo:chain[0].start])) <= 3:
                return True
            m = _NOUN_TO_ENTITY_RE.match(text, chain[-1].end)
            return bool(m) and len(_WORD_RE.findall(text[m.end():left[0]])) <= 4
        return True

    before = [ch for ch in chains if usable_before(ch)]
    after = [ch for ch in chains if ch[0].start >= right[1] and _gap_to_chain(text, right[1], ch[0].start, skip)
             and _state_negation(text, ch, hi)]
    chosen = before[-1] if before else (after[0] if after else None)
    if chosen is None:
        return Negation(False)
    start, end = chosen[0].start, chosen[-1].end
    tail = text[end:min(hi, end + 25)]
    non_significant = bool(_SIGNIFICANCE_RE.search(text[start:end])) or bool(
        re.match(r"\s*(?:\w+\s+)?(?:statistically\s+)?significant", tail, re.I))
    return Negation(len(chosen) % 2 == 1, Cue(text[start:end], start, end, "negation"), len(chosen), non_significant)


# ---------------------------------------------------------------------------------------------
# Evidence (rules)
# ---------------------------------------------------------------------------------------------
#: (regex, design); within each list the first that matches is the most specific design
_ANIMAL_MODELS: tuple[tuple[str, str], ...] = (
    (r"5x\s?FAD", "5xFAD"), (r"APP/PS1|APPswe/PS1", "APP/PS1"), (r"3x\s?Tg(?:-AD)?", "3xTg-AD"), (r"Tg2576", "Tg2576"),
    (r"P301S|P301L|PS19", "tauopathy (P301S/L)"), (r"SAMP8", "SAMP8"), (r"ob/ob", "ob/ob"), (r"db/db", "db/db"),
    (r"(?:AD|Alzheimer)[’'s]*[- ]model", "Alzheimer model"), (r"mouse models? of Alzheimer", "Alzheimer model"),
    (r"experimental autoimmune encephalomyelitis|\bEAE\b", "EAE"), (r"MPTP", "MPTP"),
    (r"6-OHDA|6-hydroxydopamine", "6-OHDA"), (r"middle cerebral artery occlusion|\bMCAO\b", "MCAO"),
    (r"collagen-induced arthritis", "collagen-induced arthritis"), (r"social defeat", "social defeat"),
    (r"learned helplessness", "learned helplessness"), (r"parabio\w+", "parabiosis"), (r"germ-free", "germ-free"),
    (r"hindlimb unloading|tail suspension", "unloading"), (r"spinal cord transection", "spinal cord transection"),
    (r"ovariectomi[sz]ed|ovariectomy|\bOVX\b", "ovariectomy"),
    (r"knock-?out|[−–-]/[−–-]|-null\b|\bnull\s+(?:mice|rats|animals|brains)|-deficient\s+(?:mice|rats|animals)|"
     r"(?:mice|rats|animals)\s+lacking|\bconditional\s+deletion|\bdeletion\b|\bdeleting\b|haploinsufficien\w+", "knockout"),
    (r"knock-?down", "knockdown"), (r"transgenic|overexpress\w*", "transgenic"),
)
_HUMAN_MODELS: tuple[tuple[str, str], ...] = (
    (r"Mendelian\s+randomi[sz]ation", "Mendelian randomisation"),
    (r"randomi[sz]ed(?:\s+\w+)?\s+trials?|placebo|\bRCT\b", "randomised trial"),
    (r"meta-analys[ie]s|pooled\s+analysis|pooling\s+\d+\s+studies", "meta-analysis"),
    (r"case[-–]control", "case-control"), (r"cross-sectional", "cross-sectional"),
    (r"post-?mortem|autopsy|decedents", "post-mortem"),
    (r"\b[Tt]rials?\b|\bFREEDOM\b|\bHORIZON\b|\bFRAME\b|\bARCH\b|\bKEEPS\b|\bASPREE\b|\bLIFTMOR\b|\bMORE\s+trial", "trial"),
    (r"cohorts?|Framingham|Biobank|prospective|longitudinal|follow-up|followed\s+for|registry|registers|claims\s+data|"
     r"population-based|nationwide|Health\s+ABC|Study\s+of\s+Osteoporotic\s+Fractures|Women[’']s\s+Health\s+Initiative",
     "cohort"),
    (r"genetically\s+predicted|GWAS|genome-wide|variants?|carriers", "genetic association"),
)
_IN_VITRO_MODELS: tuple[tuple[str, str], ...] = (
    (r"co-?cultures?", "co-culture"), (r"cell\s+lines?|RAW\s?264\.7|MC3T3|SH-SY5Y|HEK\s?293|BV-?2\b|PC12", "cell line"),
    (r"organoids?", "organoid"), (r"(?:brain|hippocampal)\s+slices?|explants?", "explant"),
    (r"in\s+vitro|cultured|cultures?\b|in\s+culture|supernatants?|primary\s+\w+\s+(?:cells|neurons|microglia|"
     r"osteoclasts|osteoblasts|astrocytes)", "cell culture"),
)
_HUMAN_WORDS = re.compile(
    r"\b(?:patients?|participants?|volunteers?|adults?|women|men|woman|man|children|adolescents?|individuals|people|"
    r"persons?|subjects|humans?|decedents|nurses|astronauts|users|non-users|carriers|veterans|elderly|"
    r"postmenopausal|premenopausal|older\s+\w+|community-dwelling|clinical|epidemiological|observational|"
    r"hazard\s+ratio|odds\s+ratio|\bHR\b|\bOR\b|\bRR\b|\bIRR\b|95%\s*CI|controls|cases)\b", re.I)
_ANIMAL_WORDS = re.compile(
    r"\b(?:mice|mouse|murine|rats?|rodents?|rabbits?|primates|monkeys?|macaques?|pigs?|sheep|dogs?|zebrafish|"
    r"animals|littermates|dams|pups|wild-type|in\s+vivo|intracerebroventricular\w*|intraperitoneal\w*|sham-operated)\b",
    re.I)
_SPECIES = (
    (r"\b(?:mice|mouse|murine)\b", "mouse"), (r"\brats?\b", "rat"), (r"\brabbits?\b", "rabbit"),
    (r"\b(?:nonhuman\s+primates|primates|monkeys?|macaques?)\b", "primate"), (r"\bzebrafish\b", "zebrafish"),
    (r"\bpigs?\b", "pig"), (r"\bsheep\b", "sheep"), (r"\bdogs?\b", "dog"),
)
#: epidemiological language: weaker than a named study type, used when no clause names one
_WEAK_HUMAN_RE = re.compile(
    r"\b(?:risk|incidence|rates?|odds|prevalence|diagnos\w+|studies|populations?|survivors|midlife|"
    r"associated|association|linked|tied\s+to|predict\w*|correlat\w*)\b|"
    r"\b(?:in|with|after)\s+(?:early\s+|established\s+|untreated\s+|recent\s+|acute\s+)?(?:multiple\s+sclerosis|"
    r"rheumatoid\s+arthritis|psoriatic\s+arthritis|ankylosing\s+spondylitis|Parkinson[’']s\s+disease|"
    r"Alzheimer[’']s\s+disease|dementia|epilepsy|stroke|spinal\s+cord\s+injury|schizophrenia|depression|MDD|"
    r"anorexia\s+nervosa|hip\s+fracture|MS|RA|AD|PD|SCI|TBI)\b", re.I)


def _compile_models(models: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    # trial acronyms (ARCH, FRAME, MORE...) only in capitals
    return tuple((re.compile(p, 0 if p.startswith(r"\b[Tt]rials?\b") else re.I), name) for p, name in models)


_ANIMAL_MODEL_RES = _compile_models(_ANIMAL_MODELS)
_HUMAN_MODEL_RES = _compile_models(_HUMAN_MODELS)
_IN_VITRO_MODEL_RES = _compile_models(_IN_VITRO_MODELS)
_SPECIES_RES = tuple((re.compile(p, re.I), name) for p, name in _SPECIES)


def _evidence_in(text: str, lo: int, hi: int, skip: tuple[Span, ...]) -> Optional[dict[str, Any]]:
    """The study type that ``text[lo:hi]`` names (entity mentions blanked out), if any."""
    piece = _blank(text, skip)[lo:hi]

    def first(models: tuple[tuple[re.Pattern[str], str], ...]) -> Optional[str]:
        return next((name for regex, name in models if regex.search(piece)), None)

    in_vitro = first(_IN_VITRO_MODEL_RES)
    if in_vitro:
        return {"type": "in_vitro", "model": in_vitro}
    animal_model = first(_ANIMAL_MODEL_RES)
    animal = animal_model or _ANIMAL_WORDS.search(piece)
    human_model = first(_HUMAN_MODEL_RES)
    human = human_model or _HUMAN_WORDS.search(piece)
    species = next((name for regex, name in _SPECIES_RES if regex.search(piece)), None)
    animal_found = {"type": "animal", "model": animal_model, "species": species}
    human_found = {"type": "human", "model": human_model}
    if animal and human:
        # both named ("in both mice and humans"): the one with a named design, else the later one
        if bool(animal_model) != bool(human_model):
            return animal_found if animal_model else human_found
        a_pos = max((m.start() for m in _ANIMAL_WORDS.finditer(piece)), default=-1)
        h_pos = max((m.start() for m in _HUMAN_WORDS.finditer(piece)), default=-1)
        return human_found if h_pos >= a_pos else animal_found
    if animal:
        return animal_found
    if human:
        return human_found
    return None


_CONJUNCT_RE = re.compile(r",\s+and\b")


def evidence_of(text: str, factor: Span, effect: Span, *, others: tuple[Span, ...] = ()) -> dict[str, Any]:
    """The rules' ``{"type", "model", "stated"[, "species"]}`` for the relation (see the module docstring)."""
    scope = relation_scope(text, factor, effect, others)
    skip = (factor, effect)
    # first the conjunct of the clause that holds the pair ("GPR158 is higher in patients with MDD, and
    # Gpr158 knockout mice resist stress"), then the whole clause
    left, right = sorted((factor, effect))
    joints = [m.start() for m in _CONJUNCT_RE.finditer(text, scope[0], scope[1])]
    lo = max([j for j in joints if j <= left[0]] + [scope[0]])
    hi = min([j for j in joints if j >= right[1]] + [scope[1]])
    found = _evidence_in(text, lo, hi, skip)
    if found is None:
        found = _evidence_in(text, scope[0], scope[1], skip)
    if found is None:
        # the nearest clause that names a study type (the earlier of two equally near)
        spans = clause_spans(text, (factor, effect) + tuple(others))
        here = next((i for i, span in enumerate(spans) if span == scope), 0)
        for j in sorted(range(len(spans)), key=lambda j: (abs(j - here), j > here)):
            found = _evidence_in(text, spans[j][0], spans[j][1], skip)
            if found is not None:
                break
    if found is None:
        kind = "human" if _WEAK_HUMAN_RE.search(_blank(text, skip)) else "review"
        return {"type": kind, "model": None, "stated": False}
    out = {"type": found["type"], "model": found.get("model"), "stated": True}
    if found.get("species"):
        out["species"] = found["species"]
    return out


# ---------------------------------------------------------------------------------------------
# Causality (rules)
# ---------------------------------------------------------------------------------------------
_INTERVENTION_RE = re.compile(
    r"\b(?:treat\w*|administ\w+|inject\w*|infus\w+|supplement\w*|given|giving|dose|doses|dosing|therapy|"
    r"exposure\s+to|exposed|transplant\w*|transfer\w*|deplet\w+|ablat\w+|block\w*|neutrali[sz]\w*|antibod\w+|"
    r"inhibit\w*|antagonis\w+|agonis\w+|knock\w*|delet\w+|lacking|deficien\w+|[−–-]/[−–-]|-null|null|"
    r"overexpress\w*|transgenic|recombinant|stimulat\w+|challenge\w*|induction|randomi[sz]ed|trial|placebo|"
    r"intervention|training|surgery|ovariectom\w+|immunis\w+|immuniz\w+|raising|lowering|suppressing)\b", re.I)
_CAUSAL_VERB_RE = _cue_regex((
    "induce", "induces", "induced", "inducing", "drive", "drives", "drove", "driven", "cause", "causes", "caused",
    "causing", "leads to", "lead to", "led to", "results in", "resulted in", "result in", "triggers", "triggered",
    "promote", "promotes", "promoted", "inhibit", "inhibits", "inhibited", "suppress", "suppresses", "suppressed",
    "required for", "necessary for", "essential for", "indispensable for", "prevent", "prevents", "prevented",
    "rescue", "rescued", "reverses", "reversed", "protects", "protected", "stimulates", "stimulated", "impairs",
    "impaired", "enhances", "enhanced", "blocks", "blocked", "activates", "activated", "raises", "raised",
    "lowers", "lowered", "reduces", "reduced", "increases", "increased", "attenuates", "attenuated", "abolished",
    "produces", "produced", "curbs", "curbed", "restrains", "limits", "sustains", "supports", "favours",
    "contributes to", "contribute to", "underlie", "underlies", "-induced", "-driven",
))
#: words that state a change rather than cause one ("higher in patients", "BMD declines")
_STATE_TRIGGER_RE = _cue_regex((
    "higher", "lower", "high", "low", "more", "less", "fewer", "greater", "elevated", "elevation", "rise", "rises",
    "rose", "rising", "fall", "falls", "fell", "falling", "decline", "declines", "declined", "declining", "excess",
    "faster", "slower", "poorer", "worse", "better", "severe", "up-regulated", "upregulated", "down-regulated",
    "downregulated", "increased", "decreased", "reduced", "raised", "develop", "develops", "developed", "loss",
    "lose", "lost", "deficit", "deficits",
))
_ASSOCIATION_WORDS_RE = re.compile(
    r"\b(?:associated|association|correlat\w+|linked|tied|related|predict\w*|odds|risk|incidence|more\s+often|"
    r"more\s+likely|coexist|went\s+along)\b", re.I)


def _last_word(text: str) -> str:
    words = text.split()
    return words[-1] if words else ""


def is_causal(text: str, factor: Span, effect: Span, direction: Optional[str], trigger: Optional[Cue],
              evidence_type: str, *, others: tuple[Span, ...] = ()) -> bool:
    """The rules: whether the sentence claims that the factor causes the change (see the module docstring)."""
    if direction in ("no_effect", "associated"):
        return False
    lo, hi = relation_scope(text, factor, effect, others)
    left, right = sorted((factor, effect))
    trigger_text = trigger.text if trigger else ""
    if trigger is not None and _ASSOCIATIVE_RE.search(trigger_text):
        return False
    if _ASSOCIATION_WORDS_RE.search(text[max(lo, left[0] - 40):min(hi, right[1] + 40)]):
        return False
    if (trigger is not None and effect[1] <= trigger.start and trigger.end <= factor[0]
            and _STATE_TRIGGER_RE.fullmatch(_last_word(trigger_text))
            and (re.match(r"(?:is|are|was|were|remains?|remained)\b", trigger_text, re.I)
                 or re.fullmatch(r"ris\w*|rose|fall\w*|fell|declin\w*", _last_word(trigger_text), re.I))
            and not re.match(r"\s+by\b", text[trigger.end:])):
        return False  # the effect changes in a condition ("IL-6 is elevated after menopause")
    if evidence_type != "human":
        return True
    # in people: an intervention or a causal verb; a difference between groups is an association
    return bool(_INTERVENTION_RE.search(text[lo:hi]) or (
        trigger is not None and _CAUSAL_VERB_RE.search(trigger_text)
        and not _STATE_TRIGGER_RE.fullmatch(_last_word(trigger_text))))


# ---------------------------------------------------------------------------------------------
# The learned heads: logistic regression over the rule outputs and a few cue features
# ---------------------------------------------------------------------------------------------
EVIDENCE_TYPES = ("animal", "human", "in_vitro", "review")
_CITATION_RE = re.compile(r"\bet\s+al\.|\(\s*[A-Z][\w-]+(?:\s+(?:&|and)\s+[A-Z][\w-]+)?,?\s+\d{4}[a-z]?\s*[;)]")
_PRESENT_RE = re.compile(r"\b(?:is|are)\b", re.I)


def attribute_features(text: str, factor: Span, effect: Span, direction: Optional[str], *,
                       others: tuple[Span, ...] = (), trigger: Optional[Cue] = None,
                       hedged: Optional[bool] = None, rule_evidence: Optional[dict[str, Any]] = None,
                       rule_causal: Optional[bool] = None) -> dict[str, float]:
    """The binary features of the evidence and causality heads (computed from the rules when not given)."""
    lo, hi = relation_scope(text, factor, effect, others)
    if trigger is None:
        trigger = find_trigger(text, factor, effect, direction, others=others)
    if hedged is None:
        hedged = bool(hedge_cues(text, factor, effect, others=others))
    if rule_evidence is None:
        rule_evidence = evidence_of(text, factor, effect, others=others)
    if rule_causal is None:
        rule_causal = is_causal(text, factor, effect, direction, trigger, rule_evidence["type"], others=others)
    skip = (factor, effect)
    blank = _blank(text, skip)
    clause = _evidence_in(text, lo, hi, skip)
    sentence = _evidence_in(text, 0, len(text), skip)
    trigger_text = trigger.text if trigger else ""
    features = {
        f"rule_evidence={rule_evidence['type']}": 1.0,
        f"clause_evidence={clause['type'] if clause else 'none'}": 1.0,
        f"sentence_evidence={sentence['type'] if sentence else 'none'}": 1.0,
        "clause_epidemiology": float(bool(_WEAK_HUMAN_RE.search(blank[lo:hi]))),
        "sentence_epidemiology": float(bool(_WEAK_HUMAN_RE.search(blank))),
        f"direction={direction}": 1.0,
        "hedged": float(bool(hedged)),
        "rule_causal": float(bool(rule_causal)),
        "trigger_associative": float(bool(trigger_text and _ASSOCIATIVE_RE.search(trigger_text))),
        "trigger_causal_verb": float(bool(trigger_text and _CAUSAL_VERB_RE.search(trigger_text))),
        "trigger_state": float(bool(trigger_text and _STATE_TRIGGER_RE.fullmatch(_last_word(trigger_text)))),
        "trigger_past": float(bool(re.search(r"ed$", trigger_text))),
        "citation": float(bool(_CITATION_RE.search(text))),
        "mechanistically": float(bool(re.search(r"\bmechanistically\b", text, re.I))),
        "intervention": float(bool(_INTERVENTION_RE.search(text[lo:hi]))),
        "loss_of_function": float(_loss_of_function(text, factor, lo, hi)),
        "present_tense": float(bool(_PRESENT_RE.search(text[lo:hi]))),
    }
    return {k: v for k, v in features.items() if v}


# fitted by ``python evaluation/attributes_eval.py --fit`` on corpora/axis/axis_train.jsonl (C=0.3)
EVIDENCE_WEIGHTS: dict[str, dict[str, float]] = {
    "animal": {
        "__bias__": 0.1378, "citation": 0.7473, "clause_epidemiology": -0.026, "clause_evidence=animal": 0.577,
        "clause_evidence=human": -0.31, "clause_evidence=in_vitro": -0.3005, "clause_evidence=none": 0.0394,
        "direction=associated": 0.0504, "direction=decreases": -0.1018, "direction=increases": 0.0951,
        "direction=no_effect": -0.0378, "hedged": 0.0156, "intervention": 0.3114, "loss_of_function": 0.7838,
        "mechanistically": 1.1332, "present_tense": -0.4652, "rule_causal": 0.0454, "rule_evidence=animal": 1.2053,
        "rule_evidence=human": -0.7584, "rule_evidence=in_vitro": -0.426, "rule_evidence=review": -0.015,
        "sentence_epidemiology": -0.2994, "sentence_evidence=animal": 0.7482, "sentence_evidence=human": -0.2408,
        "sentence_evidence=in_vitro": -0.4547, "sentence_evidence=none": -0.0468, "trigger_associative": -0.3744,
        "trigger_causal_verb": -0.3243, "trigger_past": 0.2275, "trigger_state": 0.0643,
    },
    "human": {
        "__bias__": -0.0057, "citation": 0.2323, "clause_epidemiology": 0.0292, "clause_evidence=animal": 0.1253,
        "clause_evidence=human": 0.3411, "clause_evidence=in_vitro": -0.1767, "clause_evidence=none": -0.2836,
        "direction=associated": -0.1983, "direction=decreases": 0.0844, "direction=increases": -0.3222,
        "direction=no_effect": 0.4422, "hedged": -0.3938, "intervention": 0.1321, "loss_of_function": -0.1243,
        "mechanistically": -0.2227, "present_tense": 0.2626, "rule_causal": -0.4175, "rule_evidence=animal": -0.9159,
        "rule_evidence=human": 1.1226, "rule_evidence=in_vitro": -0.2218, "rule_evidence=review": 0.0212,
        "sentence_epidemiology": 0.8292, "sentence_evidence=animal": -0.1713, "sentence_evidence=human": 0.7211,
        "sentence_evidence=in_vitro": -0.6079, "sentence_evidence=none": 0.0642, "trigger_associative": 1.2165,
        "trigger_causal_verb": -0.0859, "trigger_past": 0.0563, "trigger_state": 0.9165,
    },
    "in_vitro": {
        "__bias__": -1.0326, "citation": 0.611, "clause_epidemiology": -0.1039, "clause_evidence=animal": -0.4361,
        "clause_evidence=human": -0.2329, "clause_evidence=in_vitro": 0.753, "clause_evidence=none": -0.0982,
        "direction=associated": -0.3036, "direction=decreases": -0.1617, "direction=increases": 0.3431,
        "direction=no_effect": 0.108, "hedged": 0.178, "intervention": -0.1775, "loss_of_function": -0.1444,
        "mechanistically": -0.2371, "present_tense": -0.0474, "rule_causal": 0.5696, "rule_evidence=animal": -0.3119,
        "rule_evidence=human": -0.4164, "rule_evidence=in_vitro": 0.8759, "rule_evidence=review": -0.1617,
        "sentence_epidemiology": -0.2111, "sentence_evidence=animal": -0.3553, "sentence_evidence=human": -0.7546,
        "sentence_evidence=in_vitro": 1.1315, "sentence_evidence=none": -0.0358, "trigger_associative": -0.2792,
        "trigger_causal_verb": 0.3287, "trigger_past": 0.524, "trigger_state": -0.291,
    },
    "review": {
        "__bias__": 0.9005, "citation": -1.5906, "clause_epidemiology": 0.1008, "clause_evidence=animal": -0.2662,
        "clause_evidence=human": 0.2018, "clause_evidence=in_vitro": -0.2757, "clause_evidence=none": 0.3424,
        "direction=associated": 0.4515, "direction=decreases": 0.1792, "direction=increases": -0.116,
        "direction=no_effect": -0.5124, "hedged": 0.2001, "intervention": -0.266, "loss_of_function": -0.5151,
        "mechanistically": -0.6735, "present_tense": 0.25, "rule_causal": -0.1976, "rule_evidence=animal": 0.0226,
        "rule_evidence=human": 0.0523, "rule_evidence=in_vitro": -0.2281, "rule_evidence=review": 0.1556,
        "sentence_epidemiology": -0.3188, "sentence_evidence=animal": -0.2216, "sentence_evidence=human": 0.2744,
        "sentence_evidence=in_vitro": -0.0688, "sentence_evidence=none": 0.0184, "trigger_associative": -0.5628,
        "trigger_causal_verb": 0.0815, "trigger_past": -0.8078, "trigger_state": -0.6898,
    },
}
CAUSAL_WEIGHTS: dict[str, float] = {
    "__bias__": -1.7973, "citation": 0.6014, "clause_epidemiology": -0.2685, "clause_evidence=animal": 0.2214,
    "clause_evidence=human": -0.3046, "clause_evidence=in_vitro": 0.0183, "clause_evidence=none": 0.0541,
    "direction=associated": -1.4111, "direction=decreases": 1.4875, "direction=increases": 1.6185,
    "direction=no_effect": -1.7056, "hedged": 0.7745, "intervention": 0.3419, "loss_of_function": 0.8279,
    "mechanistically": 0.2285, "present_tense": -0.4846, "rule_causal": 1.9, "rule_evidence=animal": 0.4422,
    "rule_evidence=human": 0.0099, "rule_evidence=in_vitro": 0.0651, "rule_evidence=review": -0.5278,
    "sentence_epidemiology": 0.1201, "sentence_evidence=animal": -0.1375, "sentence_evidence=human": -0.1206,
    "sentence_evidence=in_vitro": 0.0494, "sentence_evidence=none": 0.198, "trigger_associative": -1.2512,
    "trigger_causal_verb": 0.8788, "trigger_past": 0.2263, "trigger_state": -0.8255,
}


def _linear(weights: dict[str, float], features: dict[str, float]) -> float:
    return weights.get("__bias__", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())


def classify_evidence(features: dict[str, float]) -> str:
    """The evidence head: the type with the highest score."""
    scores = {label: _linear(EVIDENCE_WEIGHTS[label], features) for label in EVIDENCE_TYPES}
    return max(EVIDENCE_TYPES, key=lambda label: (scores[label], -EVIDENCE_TYPES.index(label)))


def causal_probability(features: dict[str, float]) -> float:
    """The causality head: the probability that the relation is stated as causal."""
    return 1.0 / (1.0 + math.exp(-_linear(CAUSAL_WEIGHTS, features)))


# ---------------------------------------------------------------------------------------------
# Context: tissue or compartment
# ---------------------------------------------------------------------------------------------
_COMPARTMENTS: tuple[tuple[str, str], ...] = (
    (r"cerebrospinal\s+fluid|\bCSF\b", "CSF"), (r"\bserum\b", "serum"), (r"\bplasma\b", "plasma"),
    (r"peripheral\s+blood|whole\s+blood|\bblood\b(?![–-]brain)", "blood"), (r"\bcirculati(?:ng|on)\b", "circulation"),
    (r"\bsaliva(?:ry)?\b", "saliva"), (r"\burine|urinary\b", "urine"), (r"synovial\s+fluid", "synovial fluid"),
    (r"\bsynovi(?:um|al\s+tissue)\b", "synovium"),
    (r"(?:skull|calvarial|femoral|tibial|vertebral)\s+(?:bone\s+)?marrow", "bone marrow"),
    (r"bone[\s-]+marrow|\bmarrow\b", "bone marrow"),
    (r"dentate\s+gyrus", "dentate gyrus"), (r"\bCA[13]\b", "hippocampus"), (r"\bhippocamp(?:us|al|i)\b", "hippocampus"),
    (r"prefrontal\s+cortex", "prefrontal cortex"), (r"cortical\s+bone", "cortical bone"),
    (r"trabecular\s+bone", "trabecular bone"), (r"\b(?:cerebral\s+)?cortex\b", "cortex"),
    (r"\bhypothalam(?:us|ic)\b", "hypothalamus"), (r"\bbrainstem\b", "brainstem"), (r"\bmidbrain\b", "midbrain"),
    (r"\bstriat(?:um|al)\b", "striatum"), (r"substantia\s+nigra", "substantia nigra"), (r"\bamygdala\b", "amygdala"),
    (r"\bcerebell(?:um|ar)\b", "cerebellum"), (r"\bspinal\s+cord\b", "spinal cord"),
    (r"\bmeninges|meningeal\b", "meninges"), (r"\bdura(?:\s+mater)?\b", "dura"), (r"choroid\s+plexus", "choroid plexus"),
    (r"\bperiosteum\b", "periosteum"), (r"(?<![–-])\bbrains?\b(?![–-]derived)", "brain"),
    (r"\bgut\b|\bintestin(?:e|al)\b|\bduodenum\b", "gut"), (r"\bgingiva\b", "gingiva"),
    (r"adipose\s+tissue", "adipose tissue"), (r"\bskeletal\s+muscle\b|\bmuscle\b", "muscle"),
    (r"femoral\s+neck", "femoral neck"), (r"lumbar\s+spine", "lumbar spine"), (r"\bhip\b", "hip"),
    (r"\bspine\b|\bspinal\b(?!\s+cord)", "spine"), (r"\bfemur|femora\b", "femur"), (r"\btibia\b", "tibia"),
    (r"\bskull|calvari(?:a|um|al)\b", "skull"),
)
_COMPARTMENT_RES = tuple((re.compile(p, re.I), name) for p, name in _COMPARTMENTS)
#: a compartment placed right after the later entity: "IL-1β in the hippocampus", "levels in the CSF"
_AFTER_ENTITY_RE = re.compile(
    r"\s*(?:(?:levels?|concentrations?|expression|content|mRNA|activity|density|volume|signalling|signaling)\s+)?"
    r"(?:in|within|from|of|at)\s+(?:the\s+)?", re.I)


def context_of(text: str, factor: Span, effect: Span, *, others: tuple[Span, ...] = ()) -> list[str]:
    """Tissues and compartments stated for the relation, in text order (see the module docstring)."""
    lo, hi = relation_scope(text, factor, effect, others)
    left, right = sorted((factor, effect))
    regions: list[Span] = [(lo, right[0])]
    for s, _ in (factor, effect):
        touching = re.search(r"(?:[\w-]+[\s-]+){1,2}$", text[max(0, s - 30):s])
        if touching:
            regions.append((s - len(touching.group(0)), s))
    after = _AFTER_ENTITY_RE.match(text, right[1])
    if after and after.end() < hi:
        regions.append((after.end(), min(hi, after.end() + 45)))
    matches: list[tuple[int, int, str]] = []
    for a, b in regions:
        for regex, name in _COMPARTMENT_RES:
            matches += [(m.start(), m.end(), name) for m in regex.finditer(text, a, b)
                        if not _inside(m.start(), (factor, effect))]
    kept: list[tuple[int, int, str]] = []
    for m in sorted(set(matches), key=lambda m: (-(m[1] - m[0]), m[0])):  # "lumbar spine" over "spine"
        if not any(m[0] < k[1] and k[0] < m[1] for k in kept):
            kept.append(m)
    out: list[str] = []
    for _, _, name in sorted(kept):
        if name not in out:
            out.append(name)
    return out


# ---------------------------------------------------------------------------------------------
# All attributes of one relation
# ---------------------------------------------------------------------------------------------
def relation_attributes(sentence_text: str, factor_span: Span, effect_span: Span, direction: Optional[str], *,
                        entities: Sequence[Span] = (), use_classifier: bool = True) -> dict[str, Any]:
    """Every attribute of the relation (factor, effect, direction) stated in ``sentence_text``.

    Spans, and the offsets returned, are relative to the sentence. ``direction`` may be ``None``
    (negation then comes from the text alone). ``entities`` may list the spans of the sentence's
    other entity mentions: no cue is read inside them ("falls" the entity is no verb).
    ``use_classifier=False`` gives the rules' evidence type and causality.

    Returns ``trigger`` ({text, start, end} or None), ``hedged``, ``negated``, ``certainty``
    (asserted | hedged | speculative), ``evidence`` ({type, model, stated[, species]}),
    ``causal``, ``context`` (compartments, e.g. ["serum"]) and ``negation`` (the negating words
    with ``non_significant``, or None).
    """
    text = sentence_text
    factor = (int(factor_span[0]), int(factor_span[1]))
    effect = (int(effect_span[0]), int(effect_span[1]))
    others = tuple(span for span in ((int(s[0]), int(s[1])) for s in entities)
                   if not _overlaps(span, factor) and not _overlaps(span, effect))
    trigger = find_trigger(text, factor, effect, direction, others=others)
    certainty = certainty_of(hedge_cues(text, factor, effect, others=others))
    negation = negation_of(text, factor, effect, others=others)
    negated = direction == "no_effect" or negation.negated
    evidence = evidence_of(text, factor, effect, others=others)
    causal = is_causal(text, factor, effect, direction, trigger, evidence["type"], others=others)
    if use_classifier:
        features = attribute_features(text, factor, effect, direction, others=others, trigger=trigger,
                                      hedged=certainty != "asserted", rule_evidence=evidence, rule_causal=causal)
        kind = classify_evidence(features)
        if kind != evidence["type"]:
            # the head overrides the rules: the design the rules found belongs to another type
            evidence = {"type": kind, "model": None, "stated": False}
        causal = causal_probability(features) >= 0.5
    return {
        "trigger": {"text": trigger.text, "start": trigger.start, "end": trigger.end} if trigger else None,
        "hedged": certainty != "asserted",
        "negated": negated,
        "certainty": certainty,
        "evidence": evidence,
        "causal": bool(causal) and not negated,
        "context": context_of(text, factor, effect, others=others),
        "negation": ({"text": negation.cue.text, "start": negation.cue.start, "end": negation.cue.end,
                      "non_significant": negation.non_significant} if negation.negated and negation.cue else None),
    }


# ---------------------------------------------------------------------------------------------
# Single attributes (kept for callers of the earlier API)
# ---------------------------------------------------------------------------------------------
def is_hedged(text: str, factor: Span, effect: Span) -> bool:
    return bool(hedge_cues(text, factor, effect))


def is_negated(text: str, factor: Span, effect: Span, direction: Optional[str] = None) -> bool:
    return direction == "no_effect" or negation_of(text, factor, effect).negated


def pattern_direction(text: str, factor: Span, effect: Span) -> Optional[Cue]:
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
