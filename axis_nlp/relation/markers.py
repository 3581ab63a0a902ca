"""Typed entity markers (punctuation style) inserted around a candidate pair.

``@ * gene or protein * osteocalcin @ ... # ^ phenotype or process ^ memory #``: the factor is
always wrapped in ``@``, the effect in ``#``, whatever their order in the sentence. Markers are
plain characters and words, so any Hugging Face encoder and vocabulary works unchanged
(Zhou & Chen, 2022, "An Improved Baseline for Sentence-level Relation Extraction").
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_WORDS = {
    "GENE_OR_PROTEIN": "gene or protein",
    "CHEMICAL": "chemical",
    "CELL_TYPE": "cell type",
    "DISEASE": "disease",
    "PHENOTYPE_OR_PROCESS": "phenotype or process",
    "ANATOMY": "anatomy",
    "EXPOSURE": "exposure",
    "ORGANISM": "organism",
    "VARIANT": "sequence variant",
}


@dataclass(frozen=True)
class MarkedPair:
    text: str
    factor_char: int  # offset of the factor's opening marker in ``text``
    effect_char: int  # offset of the effect's opening marker in ``text``


def type_word(label: str) -> str:
    return TYPE_WORDS.get(label, label.replace("_", " ").lower())


def mark_pair(
    text: str,
    factor: tuple[int, int, str],
    effect: tuple[int, int, str],
) -> MarkedPair:
    """Insert typed markers; ``factor``/``effect`` are (start, end, label) relative to ``text``."""
    fs, fe, fl = factor
    es, ee, el = effect
    if not (0 <= fs < fe <= len(text) and 0 <= es < ee <= len(text)):
        raise ValueError(f"entity offsets out of range for a text of {len(text)} characters: {factor}, {effect}")
    if fs < ee and es < fe:
        raise ValueError(f"factor and effect overlap: {factor}, {effect}")
    f_open, f_close = f"@ * {type_word(fl)} * ", " @"
    e_open, e_close = f"# ^ {type_word(el)} ^ ", " #"
    if fs < es:
        first = (fs, fe, f_open, f_close)
        second = (es, ee, e_open, e_close)
    else:
        first = (es, ee, e_open, e_close)
        second = (fs, fe, f_open, f_close)
    parts = [
        text[: first[0]], first[2], text[first[0]: first[1]], first[3],
        text[first[1]: second[0]], second[2], text[second[0]: second[1]], second[3], text[second[1]:],
    ]
    first_at = len(parts[0])
    second_at = first_at + sum(len(p) for p in parts[1:5])
    marked = "".join(parts)
    if fs < es:
        return MarkedPair(marked, first_at, second_at)
    return MarkedPair(marked, second_at, first_at)


@dataclass(frozen=True)
class MarkedSentence:
    """A sentence with every entity marked once: ``@ type * mention #``.

    Used by the one-pass (``architecture = "sentence"``) model: the sentence is encoded once
    and each ordered pair is classified from the marker states of its two entities.
    """

    text: str
    opens: tuple[int, ...]  # offset of each entity's ``@`` in ``text`` (input entity order)
    closes: tuple[int, ...]  # offset of each entity's ``#`` in ``text``


def mark_entities(text: str, entities: "list[tuple[int, int, str]] | tuple[tuple[int, int, str], ...]") -> MarkedSentence:
    """Insert one ``@ type * ... #`` marker pair per entity (nested or overlapping spans allowed)."""
    inserts: list[tuple[int, int, int, int, str]] = []  # (offset, kind, tie, entity, string)
    for k, (start, end, label) in enumerate(entities):
        if not (0 <= start < end <= len(text)):
            raise ValueError(f"entity offsets out of range for a text of {len(text)} characters: {(start, end, label)}")
        # at one offset: closes first (shorter spans first), then opens (longer spans first)
        inserts.append((end, 0, end - start, k, " #"))
        inserts.append((start, 1, -(end - start), k, f"@ {type_word(label)} * "))
    inserts.sort(key=lambda x: (x[0], x[1], x[2], x[3]))
    opens = [0] * len(entities)
    closes = [0] * len(entities)
    parts: list[str] = []
    cursor = 0
    length = 0
    for offset, kind, _tie, k, string in inserts:
        chunk = text[cursor:offset]
        parts.append(chunk)
        length += len(chunk)
        cursor = offset
        if kind == 1:
            opens[k] = length
        else:
            closes[k] = length + 1  # the '#' after the space
        parts.append(string)
        length += len(string)
    parts.append(text[cursor:])
    return MarkedSentence("".join(parts), tuple(opens), tuple(closes))
