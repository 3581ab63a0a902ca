"""`axis-nlp corpus check`: near-duplicates across part files and doubtful relations."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from axis_nlp.cli import app
from axis_nlp.corpus_check import check_axis_corpus

GENE, PHEN, DIS = "GENE_OR_PROTEIN", "PHENOTYPE_OR_PROCESS", "DISEASE"


def _record(rid: str, text: str, entities: list[tuple[str, str]], relations: list[dict]) -> dict:
    rels = [{"hedged": False, "negated": False, "evidence": "human", "causal": False, **r} for r in relations]
    return {"id": rid, "theme": "bone->brain", "text": text,
            "entities": [{"text": t, "label": label} for t, label in entities], "relations": rels}


def _corpus(tmp_path: Path, parts: dict[str, list[dict]]) -> Path:
    src = tmp_path / "axis" / "src"
    src.mkdir(parents=True)
    for name, records in parts.items():
        (src / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return tmp_path / "axis"


ORIGINAL = _record(
    "a-0001", "Mice lacking osteocalcin show poorer spatial learning and memory in the Morris water maze.",
    [("osteocalcin", GENE), ("spatial learning", PHEN), ("memory", PHEN)],
    [{"factor": "osteocalcin", "effect": "spatial learning", "direction": "increases", "trigger": "poorer"}])
PARAPHRASE = _record(
    "b-0001", "Mice lacking osteocalcin show poorer spatial learning and memory in the water maze test.",
    [("osteocalcin", GENE), ("spatial learning", PHEN), ("memory", PHEN)],
    [{"factor": "osteocalcin", "effect": "memory", "direction": "increases", "trigger": "poorer"}])
SIGNED = _record(
    "b-0002", "In older women, higher serum sclerostin was associated with dementia.",
    [("sclerostin", GENE), ("dementia", DIS)],
    [{"factor": "sclerostin", "effect": "dementia", "direction": "associated", "trigger": "was associated with"}])
UNSIGNED = _record(
    "b-0003", "FGF23 has been linked to cognitive impairment in chronic kidney disease.",
    [("FGF23", GENE), ("cognitive impairment", PHEN), ("chronic kidney disease", DIS)],
    [{"factor": "FGF23", "effect": "cognitive impairment", "direction": "associated", "trigger": "has been linked to"}])
NULL_NOT_NEGATED = _record(
    "b-0004", "Denosumab did not change cognition over three years of treatment.",
    [("Denosumab", "CHEMICAL"), ("cognition", PHEN)],
    [{"factor": "Denosumab", "effect": "cognition", "direction": "no_effect", "trigger": "did not change"}])


def test_check_finds_near_duplicates_across_files_and_doubtful_relations(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, {"part_a.jsonl": [ORIGINAL], "part_b.jsonl": [PARAPHRASE, SIGNED, UNSIGNED, NULL_NOT_NEGATED]})
    findings = check_axis_corpus(corpus)
    by_kind = {(f.kind, f.id) for f in findings}
    assert by_kind == {("near_duplicate", "b-0001"), ("signed_associated", "b-0002"), ("no_effect_not_negated", "b-0004")}
    (dup,) = [f for f in findings if f.kind == "near_duplicate"]
    assert dup.other == "a-0001" and 0.55 < dup.score < 1 and dup.where.endswith("part_b.jsonl:1")
    (hint,) = [f for f in findings if f.kind == "signed_associated"]
    assert "higher" in hint.message and "sclerostin -> dementia" in hint.message
    # a stricter threshold lets the paraphrase pass
    assert not [f for f in check_axis_corpus(corpus, similarity=0.9) if f.kind == "near_duplicate"]


def test_check_finds_organs_annotated_inside_an_axis_name(tmp_path: Path) -> None:
    text = "Along the bone–brain axis, osteocalcin released from bone acts on the brain."
    first = _record("c-0001", text, [("osteocalcin", GENE), ("brain", "ANATOMY")],
                    [{"factor": "osteocalcin", "effect": "brain", "direction": "associated", "trigger": "acts on"}])
    meant = json.loads(json.dumps(first))
    meant["entities"][1]["occurrence"] = 2
    meant["relations"][0]["effect"] = "brain#2"
    meant["id"] = "c-0002"
    meant["text"] = text.replace("Along", "Across")
    hpa = _record("c-0003", "Chronic stress drives the hypothalamic–pituitary–adrenal axis and the Wnt–catenin axis.",
                  [("Chronic stress", "EXPOSURE"), ("hypothalamic–pituitary–adrenal axis", "ANATOMY"), ("Wnt", GENE)],
                  [{"factor": "Chronic stress", "effect": "hypothalamic–pituitary–adrenal axis",
                    "direction": "increases", "trigger": "drives"}])
    findings = check_axis_corpus(_corpus(tmp_path, {"part_c.jsonl": [first, meant, hpa]}), similarity=0.99)
    assert [(f.kind, f.id) for f in findings] == [("axis_member_entity", "c-0001")]
    assert "'bone–brain axis'" in findings[0].message and "occurrence" in findings[0].message


def test_cli_exit_code_json_and_clear_error(tmp_path: Path) -> None:
    runner = CliRunner()
    dirty = _corpus(tmp_path / "dirty", {"part_a.jsonl": [ORIGINAL], "part_b.jsonl": [PARAPHRASE, SIGNED]})
    result = runner.invoke(app, ["corpus", "check", str(dirty), "--json"])
    assert result.exit_code == 1
    kinds = sorted(json.loads(line)["kind"] for line in result.stdout.splitlines())
    assert kinds == ["near_duplicate", "signed_associated"]

    clean = _corpus(tmp_path / "clean", {"part_a.jsonl": [ORIGINAL], "part_b.jsonl": [SIGNED, UNSIGNED]})
    result = runner.invoke(app, ["corpus", "check", str(clean)])
    assert result.exit_code == 0, result.output  # hints alone do not fail the check
    assert "signed_associated\tb-0002" in result.stdout
    result = runner.invoke(app, ["corpus", "check", str(clean), "--no-hints"])
    assert result.exit_code == 0 and "b-0002" not in result.stdout

    broken = _corpus(tmp_path / "broken", {"part_a.jsonl": [ORIGINAL, {**UNSIGNED, "entities": []}]})
    result = runner.invoke(app, ["corpus", "check", str(broken)])
    assert result.exit_code != 0 and "part_a.jsonl:2" in result.output
