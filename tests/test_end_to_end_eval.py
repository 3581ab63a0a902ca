"""End-to-end triple scoring: recognised entities and predicted triples against gold relations."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from axis_nlp.cli import app
from axis_nlp.errors import CorpusError
from axis_nlp.evaluate import check_records, score_triples

TEXT = "Serum osteocalcin improves memory, whereas IL-6 promotes bone loss in mice."


def _ent(text: str, label: str, occurrence_text: str = TEXT) -> dict:
    start = occurrence_text.index(text)
    return {"text": text, "start": start, "end": start + len(text), "label": label}


RECORD = {
    "id": "s1",
    "text": TEXT,
    "entities": [_ent("osteocalcin", "GENE_OR_PROTEIN"), _ent("memory", "PHENOTYPE_OR_PROCESS"),
                 _ent("IL-6", "GENE_OR_PROTEIN"), _ent("bone loss", "PHENOTYPE_OR_PROCESS")],
    "relations": [{"factor": 0, "effect": 1, "direction": "increases", "hedged": False, "negated": False},
                  {"factor": 2, "effect": 3, "direction": "increases", "hedged": False, "negated": False}],
}


def _triple(factor: str, effect: str, direction: str, **extra) -> dict:
    return {"factor": _ent(factor, "X"), "effect": _ent(effect, "X"), "direction": direction, **extra}


def test_a_perfect_prediction_scores_one_and_a_wider_span_still_matches_by_overlap() -> None:
    predicted = {"s1": [_triple("Serum osteocalcin", "memory", "increases", hedged=False),
                        _triple("IL-6", "bone loss", "increases", hedged=True)]}
    scores = score_triples([RECORD], predicted)
    assert scores["micro"]["f1"] == 1.0
    assert scores["attributes_on_matches"]["hedged"] == {"agree": 1, "of": 2, "accuracy": 0.5}
    exact = score_triples([RECORD], predicted, match="exact")
    assert exact["micro"]["tp"] == 1 and exact["micro"]["fp"] == 1 and exact["micro"]["fn"] == 1


def test_wrong_direction_reversed_order_and_spurious_pairs_are_counted_as_errors() -> None:
    predicted = {"s1": [_triple("osteocalcin", "memory", "decreases"),      # confusion
                        _triple("bone loss", "IL-6", "increases"),          # reversed order
                        _triple("osteocalcin", "bone loss", "associated")]}  # gold leaves it unrelated
    scores = score_triples([RECORD], predicted, entities={"s1": [(6, 17)]})
    assert scores["confusion"]["increases"]["decreases"] == 1
    assert scores["confusion"]["increases"]["none"] == 1
    assert scores["confusion"]["none"]["increases"] == 1
    assert scores["confusion"]["none"]["associated"] == 1
    assert scores["micro"]["tp"] == 0
    # only osteocalcin was recognised: neither gold relation has both arguments
    assert scores["arguments_recognised"] == {"relations": 2, "both_found": 0, "share": 0.0}


def test_a_prediction_is_used_once_and_missing_documents_are_misses() -> None:
    twice = dict(RECORD, relations=RECORD["relations"] + [dict(RECORD["relations"][0])])
    scores = score_triples([twice], {"s1": [_triple("osteocalcin", "memory", "increases")]})
    assert scores["micro"]["tp"] == 1 and scores["micro"]["fn"] == 2
    assert score_triples([RECORD], {})["micro"]["fn"] == 2
    with pytest.raises(ValueError):
        score_triples([RECORD], {}, match="fuzzy")


@pytest.mark.slow
def test_evaluate_triples_runs_the_shipped_extractor_end_to_end(tmp_path) -> None:
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "triples", "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["sentences"] == 1 and scores["gold_relations"] == 2
    assert scores["arguments_recognised"]["both_found"] == 2  # lexicon entities of a plain sentence
    assert scores["micro"]["tp"] >= 1
    missing = CliRunner().invoke(app, ["evaluate", "triples", "--corpus", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code != 0 and "nope.jsonl" in missing.stderr


@pytest.mark.parametrize("record, problem", [
    ({"id": "s1", "text": TEXT, "entities": [{"text": "IL-6", "label": "GENE_OR_PROTEIN"}]}, "start and end"),
    (dict(RECORD, relations=[{"factor": 0, "effect": 9, "direction": "increases"}]), "effect 9"),
    ({"text": TEXT, "entities": []}, "needs an id"),
])
def test_records_that_cannot_be_scored_are_named(record, problem) -> None:
    with pytest.raises(CorpusError, match=problem) as info:
        check_records([RECORD | {"id": "s0"}, record], "mine.jsonl")
    assert "mine.jsonl" in str(info.value) and "record 2" in str(info.value)
    with pytest.raises(CorpusError, match="duplicate"):
        check_records([RECORD, RECORD])


def test_evaluate_triples_names_the_file_and_record_of_a_source_record(tmp_path) -> None:
    corpus = tmp_path / "src.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": TEXT, "entities": [{"text": "IL-6", "label": "GENE_OR_PROTEIN"}]}) + "\n")
    result = CliRunner().invoke(app, ["evaluate", "triples", "--corpus", str(corpus)])
    assert result.exit_code != 0 and "src.jsonl" in result.stderr and "record 1 (a)" in result.stderr
