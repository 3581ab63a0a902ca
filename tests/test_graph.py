"""Evidence graph and views: aggregation on constructed triples, writers, the CLI, and the HTML views
in a real headless chromium (driven over the DevTools protocol on a pipe, standard library only).

Screenshots go to ``evaluation/screenshots/{graph,report}.png`` when ``AXIS_NLP_SCREENSHOTS=1``,
else to the test's tmp folder.
"""

from __future__ import annotations

import base64
import csv
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
from typer.testing import CliRunner

from axis_nlp.cli import app
from axis_nlp.errors import InputFormatError
from axis_nlp.graph import (
    aggregate, graph_html, group_for_name, html_data, name_key, read_triples, summary_tables, to_csv, to_graphml,
    to_json,
)
from axis_nlp.lexicon import Lexicon
from axis_nlp.report import document_data, render_report

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "axis_review.txt"
NO_LEXICON = Lexicon([])
runner = CliRunner()


def triple(doc: str, factor: str, effect: str, direction: str = "increases", *, hedged: bool = False,
           fid: Optional[str] = None, eid: Optional[str] = None, fcanon: Optional[str] = None,
           ecanon: Optional[str] = None, flabel: str = "GENE_OR_PROTEIN", elabel: str = "PHENOTYPE_OR_PROCESS",
           sentence: Optional[str] = None, offset: int = 0, score: float = 0.9, evidence: Optional[str] = None,
           causal: Optional[bool] = None) -> dict[str, Any]:
    """A triple as in the contract, offsets consistent with the sentence; ``evidence`` (a type) and ``causal``
    add those attributes as ``axis-nlp extract`` writes them (left out when None, as in older files)."""
    sentence = sentence or f"{factor} {direction.replace('_', ' ')} {effect} in this study."
    fs, es = sentence.index(factor), sentence.index(effect)
    record = {
        "doc_id": doc, "section": "abstract", "sentence": {"text": sentence, "start": offset, "end": offset + len(sentence)},
        "factor": {"text": factor, "start": offset + fs, "end": offset + fs + len(factor), "label": flabel,
                   "canonical": fcanon, "id": fid},
        "effect": {"text": effect, "start": offset + es, "end": offset + es + len(effect), "label": elabel,
                   "canonical": ecanon, "id": eid},
        "direction": direction, "score": score, "trigger": None, "hedged": hedged,
        "negated": direction == "no_effect", "model": "test",
    }
    if evidence is not None:
        record["evidence"] = {"type": evidence, "model": None, "stated": True}
    if causal is not None:
        record["causal"] = causal
    return record


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- aggregation

def test_counts_documents_and_hedged_share() -> None:
    graph = aggregate([
        triple("d1", "osteocalcin", "memory", hedged=True),
        triple("d1", "osteocalcin", "memory", sentence="In mice osteocalcin raised memory.", offset=200),
        triple("d2", "osteocalcin", "memory"),
        triple("d3", "osteocalcin", "memory", "decreases"),
    ], lexicon=NO_LEXICON)
    edge = graph.edge("osteocalcin", "memory")
    assert edge.counts == {"increases": 3, "decreases": 1, "associated": 0, "no_effect": 0}
    assert edge.doc_counts == {"increases": 2, "decreases": 1, "associated": 0, "no_effect": 0}
    assert len(edge.documents) == 3
    assert edge.hedged_share == pytest.approx(0.25)
    assert graph.stats() == {"nodes": 2, "edges": 1, "triples": 4, "documents": 3, "contested": 1, "bidirectional": 0}


def test_consensus_counts_documents_not_sentences() -> None:
    graph = aggregate([
        triple("d1", "IL-6", "bone loss", sentence="IL-6 drives bone loss."),
        triple("d1", "IL-6", "bone loss", sentence="Again IL-6 drives bone loss.", offset=50),
        triple("d1", "IL-6", "bone loss", sentence="IL-6 surely drives bone loss.", offset=90),
        triple("d2", "IL-6", "bone loss", "decreases"),
        triple("d3", "IL-6", "bone loss", "decreases"),
    ], lexicon=NO_LEXICON)
    edge = graph.edge("IL-6", "bone loss")
    assert edge.consensus == "decreases"            # 2 documents beat 3 sentences of one document
    assert edge.confidence == pytest.approx(2 / 3)
    assert edge.contested


def test_consensus_ties_break_on_sentences_then_order() -> None:
    graph = aggregate([
        triple("d1", "A factor", "an effect", "associated"),
        triple("d1", "A factor", "an effect", "associated", sentence="Also A factor with an effect.", offset=60),
        triple("d2", "A factor", "an effect", "no_effect"),
        triple("d3", "B factor", "an effect", "no_effect"),
        triple("d4", "B factor", "an effect", "associated"),
    ], lexicon=NO_LEXICON)
    assert graph.edge("A factor", "an effect").consensus == "associated"   # 1 doc each; 2 sentences vs 1
    assert graph.edge("B factor", "an effect").consensus == "associated"   # full tie: the fixed order
    assert graph.edge("B factor", "an effect").confidence == pytest.approx(0.5)


def test_contested_needs_different_documents_and_opposite_signs() -> None:
    graph = aggregate([
        triple("d1", "sclerostin", "cognition", "increases"), triple("d2", "sclerostin", "cognition", "decreases"),
        triple("d1", "cortisol", "memory", "increases"),
        triple("d1", "cortisol", "memory", "decreases", sentence="Later cortisol lowered memory.", offset=80),
        triple("d1", "FGF23", "dementia", "increases"), triple("d2", "FGF23", "dementia", "no_effect"),
        triple("d1", "OPG", "resorption", "increases"), triple("d2", "OPG", "resorption", "associated"),
    ], lexicon=NO_LEXICON)
    sign = graph.edge("sclerostin", "cognition")
    assert (sign.contested, sign.conflict) == (True, "sign")
    within = graph.edge("cortisol", "memory")       # one document saying both is not a dispute between documents
    assert (within.contested, within.conflict) == (False, None)
    null = graph.edge("FGF23", "dementia")          # signed vs no_effect: reported, not contested
    assert (null.contested, null.conflict) == (False, "null")
    assert graph.edge("OPG", "resorption").conflict is None
    rows = summary_tables(graph)["contested"]
    assert [(r["factor"], r["conflict"]) for r in rows] == [("sclerostin", "sign"), ("FGF23", "null")]


def test_identity_by_id_then_by_normalised_name() -> None:
    graph = aggregate([
        triple("d1", "OCN", "memory", fid="HGNC:1043"),
        triple("d2", "osteocalcin", "memory", fid="HGNC:1043"),
        triple("d3", "BGP", "memory", fid="MESH:D000001"),          # same target, another id: another node
        triple("d1", "TNF-α", "bone loss"), triple("d2", "TNF alpha", "Bone-loss"), triple("d3", "tnfalpha", "bone  loss"),
        triple("d4", "IL-1ß", "bone loss"),                            # German sharp s for beta
        triple("d4", "IL-1β", "bone loss", sentence="IL-1β drives bone loss.", offset=70),
        triple("d5", "the OCN form", "memory", fcanon="osteocalcin"),  # no id: canonical name decides
    ], lexicon=NO_LEXICON)
    keys = set(graph.nodes)
    assert {"HGNC:1043", "MESH:D000001", "name:tnfalpha", "name:boneloss", "name:il1beta", "name:osteocalcin",
            "name:memory"} == keys
    assert len(graph.edge("HGNC:1043", "name:memory").documents) == 2
    assert len(graph.edges[("name:tnfalpha", "name:boneloss")].documents) == 3
    assert graph.edges[("name:il1beta", "name:boneloss")].counts["increases"] == 2
    assert graph.nodes["HGNC:1043"].id == "HGNC:1043" and graph.nodes["name:memory"].id is None
    assert name_key("TNF-α") == name_key("TNF alpha") == name_key("tnf–alpha") == "tnfalpha"


def test_lexicon_gives_ids_names_and_groups() -> None:
    graph = aggregate([
        triple("d1", "OCN", "memory"),                                  # no ids: the lexicon resolves both
        triple("d2", "osteocalcin", "memory", fid="HGNC:1043"),
        triple("d3", "IL-6", "microglial zorbing", elabel="PHENOTYPE_OR_PROCESS"),
        triple("d3", "a novel exposure xq", "a bone zorb", flabel="EXPOSURE"),
    ])
    assert "HGNC:1043" in graph.nodes and graph.nodes["HGNC:1043"].name == "osteocalcin"
    assert graph.nodes["HGNC:1043"].group == "bone"
    memory = [n for n in graph.nodes.values() if n.name == "memory"]
    assert memory and memory[0].group == "brain"
    assert len(graph.edge("HGNC:1043", memory[0].key).documents) == 2
    assert graph.nodes[graph._find("microglial zorbing")].group == "immune"      # keyword rule
    assert graph.nodes[graph._find("a novel exposure xq")].group == "intervention"  # label rule
    assert graph.nodes[graph._find("a bone zorb")].group == "bone"
    assert group_for_name("unheard of", "DISEASE") == "other"


def test_bidirectional_edges_and_duplicates() -> None:
    graph = aggregate([
        triple("d1", "osteocalcin", "hippocampus"), triple("d1", "osteocalcin", "hippocampus"),  # read twice
        triple("d2", "hippocampus", "osteocalcin", "decreases"),
        triple("d2", "osteocalcin", "anxiety", "decreases"),
    ], lexicon=NO_LEXICON)
    assert graph.edge("osteocalcin", "hippocampus").counts["increases"] == 1
    assert graph.edge("osteocalcin", "hippocampus").reverse and graph.edge("hippocampus", "osteocalcin").reverse
    assert not graph.edge("osteocalcin", "anxiety").reverse
    data = html_data(graph)
    by_pair = {(data["nodes"][e["s"]]["name"], data["nodes"][e["t"]]["name"]): e for e in data["edges"]}
    forward, back = by_pair[("osteocalcin", "hippocampus")], by_pair[("hippocampus", "osteocalcin")]
    assert forward["reverse"] == back["i"] and back["reverse"] == forward["i"]
    assert by_pair[("osteocalcin", "anxiety")]["reverse"] is None


def test_evidence_types_and_causal_share() -> None:
    graph = aggregate([
        triple("d1", "osteocalcin", "memory", evidence="human", causal=True),
        triple("d1", "osteocalcin", "memory", evidence="human", causal=True, sentence="In people osteocalcin raised memory.",
               offset=100),                                          # same document: one human document
        triple("d2", "osteocalcin", "memory", evidence="animal", causal=False),
        triple("d3", "osteocalcin", "memory", evidence="in_vitro"),  # causal unknown: not in the share
        triple("d4", "osteocalcin", "memory"),                       # no evidence, no causal (older files)
        {**triple("d5", "osteocalcin", "memory"), "evidence": None, "causal": None},
        triple("d6", "osteocalcin", "memory", evidence="review", causal=True),
        triple("d1", "IL-6", "bone loss"),
    ], lexicon=NO_LEXICON)
    edge = graph.edge("osteocalcin", "memory")
    assert edge.evidence_docs == {"human": 1, "animal": 1, "in_vitro": 1, "review": 1, "unknown": 2}
    assert edge.causal_share == pytest.approx(3 / 4)
    assert [ev.evidence_type for ev in edge.evidence][:4] == ["human", "human", "animal", "in_vitro"]
    assert edge.evidence[3].causal is None and edge.evidence[4].evidence_type is None
    bare = graph.edge("IL-6", "bone loss")
    assert bare.evidence_docs["unknown"] == 1 and bare.causal_share is None
    summary = edge.summary()
    assert summary["evidence_docs"]["human"] == 1 and summary["causal_share"] == 0.75
    assert bare.summary()["causal_share"] is None
    row = summary_tables(graph)["edges"][0]
    assert (row["human_docs"], row["animal_docs"], row["in_vitro_docs"], row["review_docs"],
            row["unknown_evidence_docs"], row["causal_share"]) == (1, 1, 1, 1, 2, 0.75)
    data = html_data(graph)
    assert data["edges"][0]["ev_docs"]["review"] == 1 and data["edges"][0]["causal"] == 0.75
    assert data["edges"][1]["causal"] is None
    only_human = aggregate([triple("d1", "a factor", "an effect", evidence="human"),
                            triple("d2", "a factor", "an effect", evidence="animal"),
                            triple("d3", "b factor", "an effect")], lexicon=NO_LEXICON, evidence_types=["human"])
    assert len(only_human.edges) == 1 and len(only_human.nodes) == 2
    assert only_human.edge("a factor", "an effect").documents == {"d1"}


def test_invalid_records_are_errors() -> None:
    with pytest.raises(InputFormatError, match="unknown direction 'maybe'"):
        aggregate([{**triple("d1", "a thing", "b thing"), "direction": "maybe"}], lexicon=NO_LEXICON)
    with pytest.raises(InputFormatError, match="missing field"):
        aggregate([{"doc_id": "d1"}], lexicon=NO_LEXICON)


def test_summary_tables() -> None:
    graph = aggregate([
        triple("d1", "osteocalcin", "memory"), triple("d2", "osteocalcin", "memory"),
        triple("d2", "osteocalcin", "anxiety", "decreases", hedged=True),
        triple("d3", "IL-6", "bone loss"),
    ], lexicon=NO_LEXICON)
    tables = summary_tables(graph)
    top = tables["top_factors"]
    assert [(r["rank"], r["factor"], r["documents"], r["triples"], r["effects"]) for r in top] == [
        (1, "osteocalcin", 2, 3, 2), (2, "IL-6", 1, 1, 1)]
    assert top[0]["top_effects"].startswith("memory (+, 2 docs)")
    papers = {r["doc_id"]: r for r in tables["papers"]}
    assert papers["d2"]["triples"] == 2 and papers["d2"]["hedged"] == 1 and papers["d2"]["decreases"] == 1
    assert tables["edges"][0]["factor"] == "osteocalcin" and tables["edges"][0]["doc_ids"] == "d1;d2"


# --------------------------------------------------------------------------- reading and writing

def test_read_triples_files_folders_batch_output_and_bad_lines(tmp_path: Path) -> None:
    good = [triple("d1", "osteocalcin", "memory"), triple("d2", "IL-6", "bone loss")]
    write_jsonl(tmp_path / "a" / "one.jsonl", [good[0], "{not json", {"doc_id": "x"}, good[1]])
    write_jsonl(tmp_path / "a" / "sub" / "two.jsonl", [triple("d3", "OPG", "resorption")])
    batch = tmp_path / "batch"
    write_jsonl(batch / "shards" / "triples-00000.jsonl", [triple("d4", "RANKL", "resorption")])
    write_jsonl(batch / "shards" / "triples-00001.jsonl", [triple("d5", "orphan", "shard")])  # not in the ledger
    write_jsonl(batch / "ledger.jsonl", [{"shard": "triples-00000", "documents": ["::d4"], "counts": {}}])
    errors: list[InputFormatError] = []
    records = list(read_triples([tmp_path / "a", batch, tmp_path / "a" / "one.jsonl", tmp_path / "missing.jsonl"],
                                on_error=errors.append))
    assert sorted(r["doc_id"] for r in records) == ["d1", "d2", "d3", "d4"]   # one.jsonl read once
    messages = [str(e) for e in errors]
    assert any("one.jsonl: line 2: not JSON" in m for m in messages)
    assert any("one.jsonl: line 3: missing field" in m for m in messages)
    assert any("missing.jsonl: no such file" in m for m in messages)
    with pytest.raises(InputFormatError, match="line 2"):
        list(read_triples([tmp_path / "a" / "one.jsonl"]))


@pytest.fixture()
def small_graph():
    return aggregate([
        triple("PMID:1", "osteocalcin", "memory", fid="HGNC:1043", evidence="human", causal=True),
        triple("PMID:2", "osteocalcin", "memory", fid="HGNC:1043", hedged=True, evidence="animal", causal=False),
        triple("PMID:3", "osteocalcin", "memory", "decreases", fid="HGNC:1043"),
        triple("PMID:3", "memory", "osteocalcin", "associated", eid="HGNC:1043"),
        triple("PMID:2", "IL-6", "bone loss", fid="HGNC:6018", elabel="DISEASE", evidence="human"),
        triple("PMID:4", "exercise", "bone mineral density", flabel="EXPOSURE",
               sentence='Exercise </script><script>alert("x")</script> helps: exercise raises bone mineral density.'),
    ])


def test_json_graphml_and_csv_writers(tmp_path: Path, small_graph) -> None:
    data = json.loads(to_json(small_graph, tmp_path / "g.json").read_text(encoding="utf-8"))
    assert data["stats"]["edges"] == 4 and len(data["nodes"]) == 6
    first = data["edges"][0]
    assert first["counts"]["increases"] == 2 and first["consensus"] == "increases" and first["contested"]
    assert first["evidence"][0]["sentence"]["text"] and "start" in first["evidence"][0]["factor"]
    assert first["evidence_docs"] == {"human": 1, "animal": 1, "in_vitro": 0, "review": 0, "unknown": 1}
    assert first["causal_share"] == 0.5 and data["edges"][-1]["causal_share"] is None

    root = ET.parse(to_graphml(small_graph, tmp_path / "g.graphml")).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 6 and len(root.findall(".//g:edge", ns)) == 4
    edge0 = {d.get("key"): d.text for d in root.find(".//g:edge", ns)}
    assert (edge0["e_human_docs"], edge0["e_animal_docs"], edge0["e_causal_share"]) == ("1", "1", "0.5")
    assert {k.get("attr.name") for k in root.findall("g:key", ns)} >= {"in_vitro_docs", "review_docs",
                                                                      "unknown_evidence_docs", "causal_share"}

    files = to_csv(small_graph, tmp_path / "tables")
    assert sorted(f.name for f in files) == ["contested.csv", "edges.csv", "evidence.csv", "nodes.csv", "papers.csv",
                                             "top_factors.csv"]
    with (tmp_path / "tables" / "evidence.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and "</script>" in "".join(r["sentence"] for r in rows)
    single = to_csv(small_graph, tmp_path / "edges_only.csv")
    assert [f.name for f in single] == ["edges_only.csv"]
    with single[0].open(encoding="utf-8") as handle:
        edge_csv = list(csv.DictReader(handle))
    assert len(edge_csv) == 4 and (edge_csv[0]["human_docs"], edge_csv[0]["causal_share"]) == ("1", "0.5")
    assert edge_csv[-1]["causal_share"] == ""


def test_html_is_self_contained_and_safe(small_graph) -> None:
    page = graph_html(small_graph, title="Bone <&> brain")
    assert "Bone &lt;&amp;&gt; brain" in page
    assert 'alert("x")</script>' not in page                  # the sentence cannot close the data script
    lowered = page.lower()
    for needle in ("<link ", "@import", "src=\"http", "src='http", "href=\"http", "cdn", "fetch(", "xmlhttprequest"):
        assert needle not in lowered, needle
    start = page.index('id="graph-data">') + len('id="graph-data">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert data["stats"]["edges"] == 4 and len(data["edges"][0]["evidence"]) == 3


# --------------------------------------------------------------------------- the command line

def test_graph_cli_formats_and_bad_lines(tmp_path: Path) -> None:
    triples = write_jsonl(tmp_path / "t.jsonl", [triple("d1", "osteocalcin", "memory"), "{oops",
                                                 triple("d2", "osteocalcin", "memory", "decreases")])
    result = runner.invoke(app, ["graph", str(triples), str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 1                            # errors reported, the rest still aggregated
    errors = [line for line in result.stderr.splitlines() if line.startswith("axis-nlp: error:")]
    assert len(errors) == 2 and "t.jsonl: line 2: not JSON" in errors[0] and "nope.jsonl" in errors[1]
    assert "2 concepts, 1 edges (1 contested" in result.stderr
    assert (tmp_path / "g.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    good = write_jsonl(tmp_path / "good.jsonl", [triple("d1", "osteocalcin", "memory")])
    for name, fmt in (("g.json", None), ("g.graphml", None), ("tables", None), ("e.csv", None), ("view", "html")):
        args = ["graph", str(good), "-o", str(tmp_path / name)] + (["--format", fmt] if fmt else [])
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "g.json").read_text())["stats"]["edges"] == 1
    assert (tmp_path / "tables" / "top_factors.csv").exists() and (tmp_path / "e.csv").is_file()
    assert (tmp_path / "view").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(app, ["graph", str(good), "-o", str(tmp_path / "g.txt")])
    assert result.exit_code == 2 and "cannot tell the format" in result.stderr


def test_graph_cli_min_docs(tmp_path: Path) -> None:
    triples = write_jsonl(tmp_path / "t.jsonl", [triple("d1", "osteocalcin", "memory"), triple("d2", "osteocalcin", "memory"),
                                                 triple("d1", "IL-6", "bone loss")])
    result = runner.invoke(app, ["graph", str(triples), "-o", str(tmp_path / "g.json"), "--min-docs", "2"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["stats"]["edges"] == 1 and data["stats"]["nodes"] == 2


def test_graph_cli_evidence_filter(tmp_path: Path) -> None:
    triples = write_jsonl(tmp_path / "t.jsonl", [
        triple("d1", "osteocalcin", "memory", evidence="human"), triple("d2", "osteocalcin", "memory", evidence="animal"),
        triple("d3", "IL-6", "bone loss", evidence="animal"), triple("d4", "OPG", "resorption"),
        triple("d5", "RANKL", "resorption", evidence="in_vitro")])
    result = runner.invoke(app, ["graph", str(triples), "-o", str(tmp_path / "g.json"), "--evidence", "human"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["stats"]["edges"] == 1 and data["stats"]["documents"] == 1
    assert data["edges"][0]["evidence_docs"]["human"] == 1 and data["edges"][0]["evidence_docs"]["animal"] == 0
    assert "evidence: human only; 4 other triples left out" in result.stderr
    result = runner.invoke(app, ["graph", str(triples), "-o", str(tmp_path / "g2.json"), "--evidence", "human",
                                 "--evidence", "unknown"])
    assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "g2.json").read_text())["stats"]["edges"] == 2
    assert "human or unknown only" in result.stderr
    result = runner.invoke(app, ["graph", str(triples), "-o", str(tmp_path / "g3.json"), "--evidence", "mice"])
    assert result.exit_code == 2
    assert "--evidence human" in " ".join(runner.invoke(app, ["graph", "--help"]).output.split())


def test_report_cli_with_given_triples(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    sentence = "Osteopontin exerts anti-inflammatory effects in the brain"
    start = text.index(sentence)
    record = triple("axis_review", "Osteopontin", "inflammatory", "decreases", sentence=sentence, offset=start)
    triples = write_jsonl(tmp_path / "t.jsonl", [record])
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(EXAMPLE), "--triples", str(triples), "--ner-model", "none", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert 'data-span="%d-%d"' % (start, start + len("Osteopontin")) in page and "1 triples" in result.stderr
    result = runner.invoke(app, ["report", str(tmp_path / "missing.txt"), "-o", str(out)])
    assert result.exit_code == 1 and "axis-nlp: error:" in result.stderr


@pytest.fixture(scope="module")
def untrained_model_dir(tiny_base: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny relation model saved like a real one, not trained: the report only needs it to run."""
    from axis_nlp.relation.model import RelationClassifier, RelationModelConfig

    model = RelationClassifier.from_base(RelationModelConfig(base_model=tiny_base, adapter="full", max_length=64), seed=0)
    folder = tmp_path_factory.mktemp("untrained") / "model"
    model.save_pretrained(folder, card="# untrained test model\n")
    return folder


def test_report_cli_runs_the_model(tmp_path: Path, untrained_model_dir: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(EXAMPLE), "--model", str(untrained_model_dir), "--ner-model", "none",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "The skeleton as an endocrine and immune partner of the brain" in page
    assert page.count('class="ent"') > 20                   # the lexicon's entities are highlighted


# --------------------------------------------------------------------------- the report rendering

REPORT_TEXT = ("Bone and brain\n\nIn mice, osteocalcin promotes spatial memory and reduces anxiety-like behaviour. "
               "Sclerostin might aggravate amyloid pathology, whereas exercise did not alter <b>cortisol</b>.")


def report_document() -> dict[str, Any]:
    def ent(surface: str, label: str) -> dict[str, Any]:
        start = REPORT_TEXT.index(surface)
        return {"text": surface, "start": start, "end": start + len(surface), "label": label, "canonical": None, "id": None}

    def rel(f: dict, e: dict, direction: str, hedged: bool = False) -> dict[str, Any]:
        s = REPORT_TEXT.rfind(". ", 0, f["start"])
        s = REPORT_TEXT.index("In mice") if s < 0 else s + 2
        end = REPORT_TEXT.find(".", e["end"]) + 1
        return {"doc_id": "p1", "section": "abstract", "sentence": {"text": REPORT_TEXT[s:end], "start": s, "end": end},
                "factor": f, "effect": e, "direction": direction, "score": 0.93, "hedged": hedged,
                "negated": direction == "no_effect", "trigger": None, "model": "test"}

    ocn, memory = ent("osteocalcin", "GENE_OR_PROTEIN"), ent("spatial memory", "PHENOTYPE_OR_PROCESS")
    anxiety, sost = ent("anxiety-like behaviour", "PHENOTYPE_OR_PROCESS"), ent("Sclerostin", "GENE_OR_PROTEIN")
    amyloid, exercise = ent("amyloid pathology", "DISEASE"), ent("exercise", "EXPOSURE")
    cortisol = ent("<b>cortisol</b>", "CHEMICAL")
    return {"id": "p1", "text": REPORT_TEXT, "sections": [],
            "entities": [ocn, memory, anxiety, sost, amyloid, exercise, cortisol, ent("mice", "ANATOMY")],
            "triples": [rel(ocn, memory, "increases"), rel(ocn, anxiety, "decreases"), rel(sost, amyloid, "increases", True),
                        rel(exercise, cortisol, "no_effect")]}


def test_render_report_from_plain_data() -> None:
    page = render_report([report_document()])
    assert "<title>Bone and brain</title>" in page
    assert "&lt;b&gt;cortisol&lt;/b&gt;" in page and "<b>cortisol</b>" not in page
    assert page.count('<article class="rel-card"') == 2 and page.count("<tr id=") == 4
    assert '<span class="badge hedged">hedged</span>' in page
    data = json.loads(page[page.index('id="report-data">') + 17:page.index("</script>", page.index('id="report-data">'))])
    assert len(data["arcs"]) == 4


def test_document_data_from_the_pipeline_objects() -> None:
    from axis_nlp.pipeline import AnnotatedDocument, Sentence
    from axis_nlp.schema import Document, Entity, Triple

    document = Document(id="x", text="Osteocalcin promotes memory.")
    f, e = Entity("Osteocalcin", 0, 11, "GENE_OR_PROTEIN"), Entity("memory", 21, 27, "PHENOTYPE_OR_PROCESS")
    annotated = AnnotatedDocument(document, [Sentence(0, 28, document.text, [f, e])])
    t = Triple("x", None, {"text": document.text, "start": 0, "end": 28}, f, e, "increases", 0.9)
    data = document_data(annotated, [t])
    assert [x["text"] for x in data["entities"]] == ["Osteocalcin", "memory"] and data["triples"][0]["direction"] == "increases"
    assert 'data-span="0-11"' in render_report([data])


# --------------------------------------------------------------------------- headless chromium

def _find_chromium() -> Optional[str]:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in ("/usr/bin/chromium", "/usr/lib/chromium/chromium") if os.path.exists(p)), None)


def _install_chromium() -> None:
    """apt-get install chromium, only in CI or as root with apt (Debian's package, no other download)."""
    if not shutil.which("apt-get") or not (os.environ.get("CI") or os.geteuid() == 0):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "chromium"]
    for commands in ([install], [["apt-get", "update", "-q"], install]):
        try:
            if all(subprocess.run(c, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=900).returncode == 0 for c in commands):
                return
        except (OSError, subprocess.TimeoutExpired):
            return


class Chromium:
    """Headless chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: fds 3 and 4)."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="axis-chromium-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # move the child's ends out of the way of 3 and 4 before dup2 puts them there
        child = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child_r, from_child_w)]
        os.close(to_child_r)
        os.close(from_child_w)

        def pipes_to_3_and_4() -> None:
            os.dup2(child[0], 3)
            os.dup2(child[1], 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
             "--disable-extensions", "--mute-audio", "--hide-scrollbars", "--no-default-browser-check",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pipes_to_3_and_4, pass_fds=(3, 4))
        for fd in child:
            os.close(fd)
        self.out, self.inp = to_child_w, from_child_r
        self.buffer = b""
        self.last_id = 0
        self.events: list[dict] = []

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self.inp], [], [], left)
            if ready:
                chunk = os.read(self.inp, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: Optional[dict] = None, session: Optional[str] = None) -> dict:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._message(deadline))

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a browser that will not close is killed
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self.out)
        os.close(self.inp)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One tab, 1400x900, recording script errors and console errors."""

    def __init__(self, browser: Chromium, width: int = 1400, height: int = 900) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            browser.send(method, session=self.session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, self.session)

    def open(self, path: Path, fragment: str = "") -> None:
        self.browser.send("Page.navigate", {"url": path.resolve().as_uri() + fragment}, self.session)
        self.browser.wait_for("Page.loadEventFired", self.session)
        deadline = time.monotonic() + 10
        while self.js("document.body && document.body.dataset.ready") != "1":
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never got ready; errors: {self.errors()}")
            time.sleep(0.05)

    def js(self, expression: str) -> Any:
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
                              self.session)

    def errors(self) -> list[str]:
        found = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        recorded = self.js("document.documentElement.getAttribute('data-errors')")
        return found + (json.loads(recorded) if recorded else [])

    def screenshot(self, path: Path) -> Path:
        data = self.browser.send("Page.captureScreenshot", {"format": "png"}, self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    binary = _find_chromium()
    if binary is None:
        _install_chromium()
        binary = _find_chromium()
    if binary is None:
        pytest.skip("no chromium for the browser tests: install Debian's package (apt-get install chromium); "
                    "the tests install it themselves only in CI (CI set) or as root with apt-get")
    browser = Chromium(binary)
    browser.send("Browser.getVersion")
    yield browser
    browser.close()


def screenshot_path(tmp_path: Path, name: str) -> Path:
    if os.environ.get("AXIS_NLP_SCREENSHOTS") == "1":
        return REPO / "evaluation" / "screenshots" / name
    return tmp_path / name


def assert_png(path: Path, width: int, height: int) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert struct.unpack(">II", data[16:24]) == (width, height)


POINT_ON_EDGE = """(function (index) {
  var group = document.querySelector('.edge[data-index="' + index + '"]'), path = group.querySelector('path.hit');
  var length = path.getTotalLength(), m = path.getScreenCTM();
  var ts = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];
  for (var i = 0; i < ts.length; i++) {
    var p = path.getPointAtLength(length * ts[i]);
    var x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
    var hit = document.elementFromPoint(x, y);
    if (hit && hit.closest('.edge') === group) return [x, y];
  }
  return null;
})(%d)"""


def test_graph_view_in_chromium(chromium: Chromium, small_graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(graph_html(small_graph, title="Osteoimmune-brain evidence"), encoding="utf-8")
    page = Page(chromium)
    page.open(path)
    assert page.js("document.querySelectorAll('#nodes .node').length") == len(small_graph.nodes) == 6
    assert page.js("document.querySelectorAll('#edges .edge').length") == len(small_graph.edges) == 4
    assert page.js("document.querySelectorAll('#edges .edge.bidirectional').length") == 2
    assert page.js("document.querySelectorAll('#edges .edge.contested .halo').length") == 1
    assert page.js("document.querySelectorAll('#bands .band').length") >= 3      # bone | immune | brain ...

    # a real mouse click on the most supported edge shows its evidence sentences
    point = page.js(POINT_ON_EDGE % 0)
    assert point, "no clickable point on edge 0"
    page.click(*point)
    assert page.js("document.body.dataset.selectedEdge") == "0"
    assert page.js("document.querySelectorAll('#panel .sentence').length") == 3
    assert page.js("document.querySelectorAll('#panel mark.factor').length") == 3
    assert "contested" in page.js("document.getElementById('panel').textContent")
    assert "osteocalcin → memory" in page.js("document.getElementById('tooltip').textContent")   # the hover tooltip

    # wheel zoom changes the view, Fit restores it
    fitted = page.js("document.getElementById('graph').getAttribute('viewBox')")
    page.browser.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": 400, "y": 400, "deltaX": 0, "deltaY": -300},
                      page.session)
    assert page.js("document.getElementById('graph').getAttribute('viewBox')") != fitted
    page.js("document.getElementById('fit').click()")
    assert page.js("document.getElementById('graph').getAttribute('viewBox')") == fitted

    # the filters work
    page.js("var s = document.getElementById('min-docs'); s.value = 2; s.dispatchEvent(new Event('input'))")
    assert page.js("document.querySelectorAll('#edges .edge').length") == 1
    page.js("var s = document.getElementById('min-docs'); s.value = 1; s.dispatchEvent(new Event('input'))")
    page.js("document.querySelector('#dir-filter input[value=associated]').click()")
    assert page.js("document.querySelectorAll('#edges .edge').length") == 3
    page.js("document.getElementById('contested-only').click()")
    assert page.js("document.body.dataset.edges") == "1"
    page.js("document.getElementById('contested-only').click()")
    page.js("var h = document.getElementById('hedging'); h.value = 'hedged'; h.dispatchEvent(new Event('change'))")
    assert page.js("document.body.dataset.edges") == "1"
    page.js("var h = document.getElementById('hedging'); h.value = 'any'; h.dispatchEvent(new Event('change'))")
    page.js("document.querySelector('#dir-filter input[value=associated]').click()")
    assert page.js("document.body.dataset.edges") == "4"
    page.js("document.getElementById('human-only').click()")          # osteocalcin -> memory, IL-6 -> bone loss
    assert page.js("document.body.dataset.edges") == "2"
    assert page.js("document.querySelectorAll('#edges .edge').length") == 2
    page.js("document.getElementById('human-only').click()")
    assert page.js("document.body.dataset.edges") == "4"
    page.js("document.querySelector('#tabs [data-tab=contested]').click()")
    assert page.js("document.querySelectorAll('#table-host tbody tr').length") == 1
    page.js("document.querySelector('#tabs [data-tab=edges]').click()")
    headers = page.js("Array.from(document.querySelectorAll('#table-host th')).map(function (t) { return t.textContent; })")
    assert {"Human", "Animal", "In vitro", "Review", "Causal"} <= set(headers)

    page.js("axisGraph.selectEdge(0)")
    text = page.js("document.getElementById('panel').textContent")
    assert "human 1 doc · animal 1 · in vitro 0 · review 0" in text and "causal share 50%" in text
    page.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 2, "y": 2}, page.session)  # no tooltip
    time.sleep(0.3)
    assert_png(page.screenshot(screenshot_path(tmp_path, "graph.png")), 1400, 900)
    assert page.errors() == []


def test_graph_view_hash_selects_an_edge(chromium: Chromium, small_graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(graph_html(small_graph), encoding="utf-8")
    page = Page(chromium)
    page.open(path, "#select=1")
    assert page.js("document.body.dataset.selectedEdge") == "1"
    assert page.js("document.querySelectorAll('#panel .sentence').length") >= 1
    assert page.errors() == []


def test_report_view_in_chromium(chromium: Chromium, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_report([report_document()]), encoding="utf-8")
    page = Page(chromium)
    page.open(path)
    assert page.js("document.body.dataset.arcs") == "4"
    assert page.js("document.querySelectorAll('svg.arcs .arc').length") == 4
    assert page.js("document.querySelectorAll('.fulltext mark.ent').length") == 8
    assert page.js("document.querySelectorAll('.arc.no_effect').length") == 1
    assert_png(page.screenshot(screenshot_path(tmp_path, "report.png")), 1400, 900)
    assert page.errors() == []
