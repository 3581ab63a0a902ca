"""The command line through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from axis_nlp.cli import app

from .conftest import FIXTURES, REPO

runner = CliRunner()
TRIPLE_KEYS = {"doc_id", "section", "sentence", "factor", "effect", "direction", "score", "trigger", "hedged",
               "negated", "model"}


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("extract", "entities", "evaluate", "train", "corpus"):
        assert command in result.output
    for sub in (["extract", "--help"], ["entities", "--help"], ["evaluate", "relations", "--help"],
                ["train", "relations", "--help"]):
        assert runner.invoke(app, sub).exit_code == 0


def test_entities_prints_one_json_object_per_entity(tmp_path) -> None:
    path = tmp_path / "a.txt"
    text = "Osteocalcin (OCN) improves memory. Serum OCN fell with ageing."
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["entities", str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"doc_id", "sentence", "text", "start", "end", "label", "canonical", "id"} <= set(records[0])
    for r in records:
        assert text[r["start"]:r["end"]] == r["text"]
        assert r["sentence"]["start"] <= r["start"] < r["end"] <= r["sentence"]["end"]
    ocn = [r for r in records if r["text"] == "OCN"]
    assert len(ocn) == 2 and all(r["canonical"] == "osteocalcin" for r in ocn)


def test_entities_reads_stdin() -> None:
    result = runner.invoke(app, ["entities", "-"], input="Cortisol suppresses bone formation.\n")
    assert result.exit_code == 0, result.output
    assert any(json.loads(line)["text"] == "Cortisol" for line in result.stdout.splitlines())


def test_extract_writes_the_triple_contract(tiny_model_dir, tmp_path) -> None:
    out = tmp_path / "triples.jsonl"
    result = runner.invoke(app, ["extract", str(REPO / "examples" / "axis_review.txt"), "--model", str(tiny_model_dir),
                                 "-o", str(out), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    text = (REPO / "examples" / "axis_review.txt").read_text(encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines, "the example review yields triples"
    for line in lines:
        record = json.loads(line)
        assert TRIPLE_KEYS <= set(record)
        assert record["direction"] in {"increases", "decreases", "associated", "no_effect"}
        s = record["sentence"]
        assert text[s["start"]:s["end"]] == s["text"]
        for side in ("factor", "effect"):
            e = record[side]
            assert text[e["start"]:e["end"]] == e["text"]
            assert {"label", "canonical", "id"} <= set(e)


def test_extract_tsv_has_a_header_and_rows(tiny_model_dir) -> None:
    result = runner.invoke(app, ["extract", str(REPO / "examples" / "axis_review.txt"), "--model", str(tiny_model_dir),
                                 "--format", "tsv", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].startswith("doc_id\tsection")
    assert len(rows) > 1 and all(len(r.split("\t")) == len(rows[0].split("\t")) for r in rows)


def test_extract_with_gold_entities_uses_the_annotation_ids(tiny_model_dir) -> None:
    result = runner.invoke(app, ["extract", str(FIXTURES / "pubtator_example.txt"), "--gold-entities",
                                 "--model", str(tiny_model_dir), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        record = json.loads(line)
        assert record["factor"]["id"] is None or ":" in record["factor"]["id"]


@pytest.mark.parametrize(
    "name,content,problem",
    [
        ("empty.txt", b"", "empty"),
        ("binary.bin", bytes(range(256)) * 8, "binary"),
        ("broken.xml", b"<?xml version='1.0'?><PubmedArticleSet><PubmedArticle>", "XML"),
    ],
)
def test_bad_single_file_gives_one_clear_line_and_nonzero_exit(tmp_path, name, content, problem) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["entities", str(path)])
    assert result.exit_code != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("axis-nlp: error:")]
    assert len(errors) == 1 and str(path) in errors[0] and problem.lower() in errors[0].lower()


def test_directory_goes_on_after_a_bad_file(tmp_path) -> None:
    (tmp_path / "a_bad.txt").write_bytes(b"")
    (tmp_path / "b_good.txt").write_text("Exercise increases bone mineral density.", encoding="utf-8")
    result = runner.invoke(app, ["entities", str(tmp_path)])
    assert result.exit_code == 1
    assert "a_bad.txt" in result.stderr
    assert any(json.loads(line)["doc_id"] == "b_good" for line in result.stdout.splitlines())


def test_unknown_input_format_is_refused(tmp_path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Osteocalcin.", encoding="utf-8")
    result = runner.invoke(app, ["entities", str(path), "--input-format", "docx"])
    assert result.exit_code != 0


def test_evaluate_relations_baseline_on_the_axis_dev_set() -> None:
    result = runner.invoke(app, ["evaluate", "relations", "--corpus", str(REPO / "corpora" / "axis" / "axis_dev.jsonl"),
                                 "--baseline", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores["per_direction"]) == {"increases", "decreases", "associated", "no_effect"}
    assert 0.0 < scores["micro"]["f1"] < 1.0
    assert scores["confusion"]["increases"]["increases"] > 0


def test_missing_model_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Osteocalcin improves memory.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--model", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "nope" in result.stderr and "model" in result.stderr
