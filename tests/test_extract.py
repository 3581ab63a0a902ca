"""End-to-end extraction invariants on the tiny model."""

from __future__ import annotations

import numpy as np

from axis_nlp.extract import Extractor, candidate_pairs
from axis_nlp.pipeline import Sentence
from axis_nlp.relation.decode import decode_pairs
from axis_nlp.schema import Document, Entity

from .conftest import REPO


def _docs() -> list[Document]:
    text = (REPO / "examples" / "axis_review.txt").read_text(encoding="utf-8")
    return [Document(id=f"d{i}", text=text) for i in range(3)]


def _keys(triples) -> list[tuple]:
    return [(t.doc_id, t.factor.start, t.effect.start, t.direction, round(t.score, 3)) for t in triples]


def test_overlap_batch_size_and_chunking_do_not_change_the_output(tiny_model_dir) -> None:
    plain = Extractor(tiny_model_dir, device="cpu", overlap=False, batch_size=256)
    reference = _keys(plain.extract(_docs()))
    assert reference
    variants = [
        Extractor(tiny_model_dir, device="cpu", overlap=True, nlp=plain.nlp),
        Extractor(tiny_model_dir, device="cpu", batch_size=1, docs_per_chunk=1, nlp=plain.nlp),
        Extractor(tiny_model_dir, device="cpu", max_tokens=256, nlp=plain.nlp),
    ]
    for extractor in variants:
        assert _keys(extractor.extract(_docs())) == reference


def test_parenthetical_short_form_takes_no_part_in_pairs() -> None:
    text = "Osteocalcin (OCN) improves memory."
    ents = [Entity("Osteocalcin", 0, 11, "GENE_OR_PROTEIN"), Entity("OCN", 13, 16, "GENE_OR_PROTEIN", canonical="ocn"),
            Entity("memory", 27, 33, "PHENOTYPE_OR_PROCESS")]
    pairs = candidate_pairs(Sentence(0, len(text), text, ents))
    assert {(a.text, b.text) for a, b in pairs} == {("Osteocalcin", "memory"), ("memory", "Osteocalcin")}


def test_decode_keeps_one_triple_per_unordered_pair() -> None:
    labels = ["increases", "decreases", "associated", "no_effect", "none"]
    keys = [("a", "b"), ("b", "a"), ("a", "c"), ("c", "a")]
    probs = np.array([
        [0.7, 0.1, 0.1, 0.0, 0.1],   # a -> b increases
        [0.1, 0.1, 0.3, 0.0, 0.5],   # b -> a none
        [0.1, 0.1, 0.1, 0.0, 0.7],   # a -> c none
        [0.1, 0.2, 0.1, 0.0, 0.6],   # c -> a none
    ])
    decisions = decode_pairs(keys, probs, labels)
    assert decisions[frozenset("ab")].key == ("a", "b") and decisions[frozenset("ab")].label == "increases"
    assert decisions[frozenset("ac")].label == "none"
