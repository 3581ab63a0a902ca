"""Quality checks of the authored axis corpus beyond validity (``axis-nlp corpus check``).

``corpus build`` refuses records that cannot be resolved. These checks find records that resolve
but would mislead training or evaluation:

- ``near_duplicate``: two sentences (in any part files) whose word sets overlap by more than a
  Jaccard threshold. One finding stated twice in close paraphrase can land on both sides of the
  hash split and inflate the dev score; keep one.
- ``signed_associated``: an ``associated`` relation whose trigger, or the words just around it,
  states a sign ("higher", "lower", "poorer", "deficient", ...). The guidelines make such
  relations ``increases``/``decreases``; a hint to read, not always an error (the sign word may
  belong to another clause).
- ``no_effect_not_negated``: a ``no_effect`` relation without ``negated: true``.
- ``axis_member_entity``: an entity inside the name of an axis between organs ("brain" in "the
  bone–brain axis"), which the guidelines leave unannotated; usually a later, standalone mention
  was meant and its ``occurrence`` is missing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union

from .corpus import AXIS_DIR, read_source_records
from .entities import organ_axis_spans, organ_test
from .lexicon import load_lexicon

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
SIGN_WORDS = re.compile(
    r"\b(higher|lower|elevated|raised|reduced|increased|decreased|poorer|worse|better|greater|smaller|"
    r"larger|fewer|more|less|low|high|excess|deficien\w*|inversely|positively|negatively)\b",
    re.IGNORECASE,
)
#: characters either side of the trigger searched for a sign word
SIGN_WINDOW = 40
#: finding kinds that fail the check; the others are hints to read
ERROR_KINDS = frozenset({"near_duplicate", "no_effect_not_negated", "axis_member_entity"})


@dataclass
class Finding:
    """One problem found in the corpus: which check, which record (and its ``file:line``)."""

    kind: str
    id: str
    where: str
    message: str
    other: Optional[str] = None
    score: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def near_duplicates(
    records: list[tuple[str, dict[str, Any]]], *, threshold: float = 0.55, common: float = 0.05
) -> list[Finding]:
    """Pairs of sentences whose word sets have Jaccard similarity above ``threshold``; the later
    record of each pair is reported. Candidates come from an index of the words that occur in
    at most ``common`` of the sentences, so the check is fast on thousands of sentences."""
    words = [_words(r["text"]) for _, r in records]
    df = Counter(w for ws in words for w in ws)
    limit = max(2, int(common * len(records)))
    index: dict[str, list[int]] = {}
    findings: list[Finding] = []
    for i, ws in enumerate(words):
        rare = [w for w in ws if df[w] <= limit]
        candidates = {j for w in rare for j in index.get(w, ())}
        best: Optional[tuple[float, int]] = None
        for j in candidates:
            score = len(ws & words[j]) / len(ws | words[j])
            if score > threshold and (best is None or score > best[0]):
                best = (score, j)
        if best is not None:
            where, record = records[i]
            other = records[best[1]][1]
            findings.append(Finding("near_duplicate", record["id"], where,
                                    f"close to {other['id']} ({records[best[1]][0]}): {other['text'][:90]}",
                                    other=other["id"], score=round(best[0], 3)))
        for w in rare:
            index.setdefault(w, []).append(i)
    return findings


def relation_findings(records: list[tuple[str, dict[str, Any]]]) -> list[Finding]:
    """``signed_associated`` hints and ``no_effect_not_negated`` errors of every relation."""
    findings: list[Finding] = []
    for where, record in records:
        text, entities = record["text"], record["entities"]
        for rel in record.get("relations", []):
            pair = f"{entities[rel['factor']]['text']} -> {entities[rel['effect']]['text']}"
            if rel["direction"] == "no_effect" and not rel.get("negated"):
                findings.append(Finding("no_effect_not_negated", record["id"], where,
                                        f"{pair}: no_effect needs negated: true"))
            if rel["direction"] != "associated":
                continue
            start, end = rel.get("trigger_start"), rel.get("trigger_end")
            if start is None or end is None:
                continue
            window = text[max(0, start - SIGN_WINDOW): end + SIGN_WINDOW]
            match = SIGN_WORDS.search(window)
            if match:
                findings.append(Finding("signed_associated", record["id"], where,
                                        f"{pair} is associated, but {match.group(0)!r} near its trigger "
                                        f"{rel.get('trigger')!r} may state a sign"))
    return findings


def axis_member_findings(records: list[tuple[str, dict[str, Any]]], is_organ: Callable[[str], bool]) -> list[Finding]:
    """``axis_member_entity`` errors: entities inside the members of an axis between organs."""
    findings: list[Finding] = []
    for where, record in records:
        spans = organ_axis_spans(record["text"], is_organ)
        for e in record["entities"]:
            for start, members_end, end in spans:
                if start <= e["start"] and e["end"] <= members_end:
                    findings.append(Finding(
                        "axis_member_entity", record["id"], where,
                        f"{e['text']!r} only names the axis {record['text'][start:end]!r}, which is not annotated "
                        f"(GUIDELINES); if a later mention was meant, give its occurrence"))
    return findings


def check_axis_corpus(corpus_dir: Union[str, Path] = AXIS_DIR, *, similarity: float = 0.55) -> list[Finding]:
    """Every finding of the authored corpus under ``corpus_dir/src`` (see the module doc)."""
    records = read_source_records(corpus_dir)
    return (near_duplicates(records, threshold=similarity) + relation_findings(records)
            + axis_member_findings(records, organ_test(load_lexicon())))
