"""The curation loop: export pre-annotations, edit them as an annotator would, import, retrain, compare.

Formats are checked against hand-written fixtures shaped like real exports of Label Studio
1.x (JSON export), brat (standoff + annotation.conf) and doccano (JSONL relation export).
Everything that needs a relation model uses the tiny model of ``conftest.py``.
"""

from __future__ import annotations

import copy
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

import pytest
from typer.testing import CliRunner

from axis_nlp import curate
from axis_nlp.cli import app
from axis_nlp.corpus import axis_pairs, read_axis_records, sentence_to_pairs
from axis_nlp.errors import CorpusError, ModelLoadError
from axis_nlp.schema import DIRECTIONS, ENTITY_LABELS

from .conftest import FIXTURES

CURATION = FIXTURES / "curation"
runner = CliRunner()

#: three sentences; "Dkk1" is not in the lexicon: the annotator adds it
DOCUMENT = (
    "Osteocalcin promotes memory in mice. Cortisol impairs memory and the hippocampus.\n"
    "IL-6 increases bone loss, and sclerostin is associated with cognition. "
    "Serum Dkk1 was linked to bone loss in older adults.\n"
)
NEW_ENTITY = "Dkk1"


# ---------------------------------------------------------------- shared pieces

@pytest.fixture(scope="module")
def extractor(tiny_model_dir: Path) -> Any:
    from axis_nlp.extract import Extractor

    return Extractor(tiny_model_dir, device="cpu", ner_model="none")


@pytest.fixture(scope="module")
def pre(extractor: Any) -> curate.PreAnnotated:
    from axis_nlp.schema import Document, Section

    doc = Document(id="PMID:424242", text=DOCUMENT, sections=[Section("abstract", 0, len(DOCUMENT))])
    (item,) = list(curate.pre_annotate(extractor, [doc]))
    assert len(item.triples) >= 2, "the round trip needs two predicted triples to edit"
    assert all(e.text != NEW_ENTITY for e in item.entities), "the lexicon must miss the entity the annotator adds"
    return item


def view(records: list[dict[str, Any]]) -> tuple[set, set]:
    """Entities and relations of sentence records in document offsets, order-free."""
    entities, relations = set(), set()
    for r in records:
        base = r["provenance"]["sentence_start"]
        ents = [(r["provenance"]["doc_id"], e["start"] + base, e["end"] + base, e["label"], e["text"]) for e in r["entities"]]
        entities.update(ents)
        for rel in r["relations"]:
            relations.add((ents[rel["factor"]][1:3], ents[rel["effect"]][1:3], rel["direction"]))
    return entities, relations


def triple_view(item: curate.PreAnnotated) -> tuple[set, set]:
    entities = {(item.doc_id, e.start, e.end, e.label, e.text) for e in item.entities}
    relations = {((t.factor.start, t.factor.end), (t.effect.start, t.effect.end), t.direction) for t in item.triples}
    return entities, relations


class Edit:
    """What the annotator does: fix one direction, delete one triple, add one entity and one triple."""

    def __init__(self, item: curate.PreAnnotated) -> None:
        self.item = item
        self.fix = item.triples[0]
        self.new_direction = "decreases" if self.fix.direction != "decreases" else "increases"
        self.delete = item.triples[-1]
        start = DOCUMENT.index(NEW_ENTITY)
        self.new_entity = (start, start + len(NEW_ENTITY), "GENE_OR_PROTEIN")
        # the new triple goes to the other entity of the last sentence ("bone loss")
        sentence = next(s for s in item.sentences if s[0] <= start < s[1])
        self.partner = next(e for e in item.entities if sentence[0] <= e.start < sentence[1])
        self.partner_index = item.entities.index(self.partner)

    def index(self, entity: Any) -> int:
        return next(i for i, e in enumerate(self.item.entities) if (e.start, e.end) == (entity.start, entity.end))

    def expected(self, base: tuple[set, set]) -> tuple[set, set]:
        entities, relations = set(base[0]), set(base[1])
        entities.add((self.item.doc_id, *self.new_entity, NEW_ENTITY))
        f = lambda t: ((t.factor.start, t.factor.end), (t.effect.start, t.effect.end))  # noqa: E731
        relations.remove((*f(self.fix), self.fix.direction))
        relations.add((*f(self.fix), self.new_direction))
        relations.remove((*f(self.delete), self.delete.direction))
        relations.add((self.new_entity[:2], (self.partner.start, self.partner.end), "associated"))
        return entities, relations


# ---------------------------------------------------------------- per-tool editors (as an annotator would)

def as_labelstudio_export(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Label Studio 1.x exports after the annotator opened each task, started from the prediction and submitted."""
    exported = []
    for n, task in enumerate(tasks, 1):
        result = copy.deepcopy(task["predictions"][0]["result"])
        for r in result:
            if r["type"] == "labels":
                r["origin"] = "prediction"
        exported.append({
            "id": n, "data": task["data"], "meta": {}, "drafts": [], "predictions": [100 + n], "project": 1,
            "created_at": "2024-05-01T10:00:00.000000Z", "updated_at": "2024-05-01T10:06:00.000000Z", "inner_id": n,
            "total_annotations": 1, "cancelled_annotations": 0, "total_predictions": 1, "file_upload": "tasks.json",
            "annotations": [{
                "id": 10 + n, "completed_by": 1, "result": result, "was_cancelled": False, "ground_truth": False,
                "created_at": "2024-05-01T10:05:00.000000Z", "updated_at": "2024-05-01T10:06:00.000000Z",
                "lead_time": 61.2, "prediction": task["predictions"][0], "result_count": 0, "task": n, "project": 1,
                "parent_prediction": 100 + n, "parent_annotation": None, "last_action": None,
            }],
        })
    return exported


def edit_labelstudio(path: Path, edit: Edit) -> Path:
    tasks = json.loads(path.read_text(encoding="utf-8"))
    exported = as_labelstudio_export(tasks)
    result = exported[0]["annotations"][0]["result"]

    def rel_of(t: Any) -> dict[str, Any]:
        return next(r for r in result if r["type"] == "relation" and r["from_id"] == f"e{edit.index(t.factor)}"
                    and r["to_id"] == f"e{edit.index(t.effect)}")

    rel_of(edit.fix)["labels"][0] = edit.new_direction
    result.remove(rel_of(edit.delete))
    start, end, label = edit.new_entity
    result.append({"value": {"start": start, "end": end, "text": NEW_ENTITY, "labels": [label]}, "id": "Qm3x_a7Bz1",
                   "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"})
    result.append({"from_id": "Qm3x_a7Bz1", "to_id": f"e{edit.partner_index}", "type": "relation", "direction": "right",
                   "labels": ["associated"]})
    out = path.with_name("project-1-at-2024-05-01-10-07-export.json")
    out.write_text(json.dumps(exported, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


def edit_brat(folder: Path, edit: Edit) -> Path:
    (ann,) = folder.glob("*.ann")
    lines = ann.read_text(encoding="utf-8").splitlines()

    def r_line(t: Any) -> int:
        args = f"Arg1:T{edit.index(t.factor) + 1} Arg2:T{edit.index(t.effect) + 1}"
        return next(i for i, line in enumerate(lines) if line.startswith("R") and line.split("\t")[1].endswith(args))

    i = r_line(edit.fix)
    rid, body = lines[i].split("\t")[:2]
    lines[i] = f"{rid}\t{edit.new_direction} {body.split(' ', 1)[1]}"
    deleted = lines[r_line(edit.delete)].split("\t")[0]
    lines = [line for line in lines if line.split("\t")[0] != deleted and not line.endswith(f"AnnotatorNotes {deleted}")
             and f"\tAnnotatorNotes {deleted}\t" not in line]
    start, end, label = edit.new_entity
    lines.append(f"T99\t{label} {start} {end}\t{NEW_ENTITY}")
    lines.append(f"R99\tassociated Arg1:T99 Arg2:T{edit.partner_index + 1}\t")
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def edit_bioc(path: Path, edit: Edit) -> Path:
    tree = ET.parse(path)
    doc = tree.getroot().find("document")
    assert doc is not None

    def rel_of(t: Any) -> ET.Element:
        want = [f"T{edit.index(t.factor) + 1}", f"T{edit.index(t.effect) + 1}"]
        return next(r for r in doc.findall("relation") if [n.get("refid") for n in r.findall("node")] == want)

    next(i for i in rel_of(edit.fix).findall("infon") if i.get("key") == "type").text = edit.new_direction
    doc.remove(rel_of(edit.delete))
    passage = doc.find("passage")
    assert passage is not None
    start, end, label = edit.new_entity
    ann = ET.SubElement(passage, "annotation", id="A1")
    ET.SubElement(ann, "infon", key="type").text = label
    ET.SubElement(ann, "location", offset=str(start), length=str(end - start))
    ET.SubElement(ann, "text").text = NEW_ENTITY
    rel = ET.SubElement(doc, "relation", id="R99")
    ET.SubElement(rel, "infon", key="type").text = "associated"
    ET.SubElement(rel, "node", refid="A1", role="factor")
    ET.SubElement(rel, "node", refid=f"T{edit.partner_index + 1}", role="effect")
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def edit_doccano(path: Path, edit: Edit) -> Path:
    (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    ids = [e["id"] for e in record["entities"]]

    def rel_of(t: Any) -> dict[str, Any]:
        return next(r for r in record["relations"] if (r["from_id"], r["to_id"]) == (ids[edit.index(t.factor)], ids[edit.index(t.effect)]))

    rel_of(edit.fix)["type"] = edit.new_direction
    record["relations"].remove(rel_of(edit.delete))
    start, end, label = edit.new_entity
    record["entities"].append({"id": 9001, "label": label, "start_offset": start, "end_offset": end})
    record["relations"].append({"id": 9002, "from_id": 9001, "to_id": ids[edit.partner_index], "type": "associated"})
    record["Comments"] = []
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def edit_prodigy(path: Path, edit: Edit) -> Path:
    tasks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def task_of(entity: Any) -> dict[str, Any]:
        return next(t for t in tasks if t["meta"]["sentence_start"] <= entity.start < t["meta"]["sentence_start"] + len(t["text"]))

    def rel_of(t: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        task = task_of(t.factor)
        base = task["meta"]["sentence_start"]
        rel = next(r for r in task["relations"] if (r["head_span"]["start"], r["child_span"]["start"])
                   == (t.factor.start - base, t.effect.start - base))
        return task, rel

    task, rel = rel_of(edit.fix)
    rel["label"] = edit.new_direction
    task, rel = rel_of(edit.delete)
    task["relations"].remove(rel)
    start, end, label = edit.new_entity
    task = task_of(edit.partner)
    base = task["meta"]["sentence_start"]
    token = next(t["id"] for t in task["tokens"] if t["start"] == start - base)
    span = {"start": start - base, "end": end - base, "token_start": token, "token_end": token, "label": label}
    task["spans"].append(span)
    partner = next(s for s in task["spans"] if s["start"] == edit.partner.start - base)
    task["relations"].append({"head": token, "child": partner["token_end"], "head_span": span, "child_span": partner,
                              "label": "associated"})
    with path.open("w", encoding="utf-8") as handle:
        for t in tasks:
            handle.write(json.dumps({**t, "answer": "accept", "_timestamp": 1714557600, "_annotator_id": "axis-ann-1",
                                     "_view_id": "relations"}, ensure_ascii=False) + "\n")
    return path


EDITORS: dict[str, tuple[str, Callable[[Path, Edit], Path]]] = {
    "labelstudio": ("tasks.json", edit_labelstudio),
    "brat": ("brat", edit_brat),
    "bioc": ("pre.bioc.xml", edit_bioc),
    "doccano": ("pre.doccano.jsonl", edit_doccano),
    "prodigy": ("pre.prodigy.jsonl", edit_prodigy),
}


# ---------------------------------------------------------------- the round trip

@pytest.mark.parametrize("fmt", list(EDITORS))
def test_round_trip_carries_exactly_the_annotators_changes(fmt: str, pre: curate.PreAnnotated, extractor: Any,
                                                           tmp_path: Path) -> None:
    name, editor = EDITORS[fmt]
    out = tmp_path / name
    curate.export_pre_annotations([pre], fmt, out, nlp=extractor.nlp)
    exported = out
    if fmt == "labelstudio":  # what comes back from Label Studio is its export, not our task file
        exported = tmp_path / "unedited-export.json"
        exported.write_text(json.dumps(as_labelstudio_export(json.loads(out.read_text(encoding="utf-8")))), encoding="utf-8")
    unedited = curate.import_annotations([exported])
    assert unedited.errors == []
    assert view(unedited.records) == triple_view(pre), "an untouched export imports as exactly the extractor's output"

    edit = Edit(pre)
    edited = curate.import_annotations([editor(out, edit)])
    assert edited.errors == [], [str(p) for p in edited.errors]
    assert view(edited.records) == edit.expected(triple_view(pre))
    for record in edited.records:
        assert record["source"] == "curated"
        for e in record["entities"]:
            assert record["text"][e["start"]:e["end"]] == e["text"]
        prov = record["provenance"]
        assert prov["tool"] == fmt and prov["doc_id"] == "PMID:424242" and prov["source_file"] and prov["imported_at"]
        assert DOCUMENT[prov["sentence_start"]:prov["sentence_end"]] == record["text"]


def test_round_trip_records_feed_training_pairs(pre: curate.PreAnnotated, tmp_path: Path) -> None:
    curate.export_pre_annotations([pre], "brat", tmp_path / "b")
    records = curate.import_annotations([edit_brat(tmp_path / "b", Edit(pre))]).records
    out = tmp_path / "curated" / "dkk1.jsonl"
    curate.write_curated(records, out)
    pairs = axis_pairs(out, source="curated", weight=2.0)
    dkk1 = [p for p in pairs if p["factor"]["text"] == NEW_ENTITY and p["label"] != "none"]
    assert len(dkk1) == 1 and dkk1[0]["label"] == "associated" and dkk1[0]["weight"] == 2.0

    from axis_nlp.relation.train import TrainConfig, collect_training_records

    cfg = TrainConfig(axis_train="", biored_train="", drugprot_train="", curated=[str(out.parent)], curated_weight=3.0)
    collected = collect_training_records(cfg, log=lambda _: None)
    assert len(collected) == len(pairs) and {r["source"] for r in collected} == {"curated"}
    assert {r["weight"] for r in collected} == {3.0}


# ---------------------------------------------------------------- exports

def test_labelstudio_config_and_tasks_describe_our_labels(pre: curate.PreAnnotated, tmp_path: Path) -> None:
    summary = curate.export_pre_annotations([pre], "labelstudio", tmp_path / "ls" / "tasks.json")
    config = ET.fromstring((tmp_path / "ls" / "label_config.xml").read_text(encoding="utf-8"))
    assert [x.get("value") for x in config.iter("Label")] == list(ENTITY_LABELS)
    relation_values = [x.get("value") for x in config.iter("Relation")]
    assert relation_values[:4] == list(DIRECTIONS) and set(relation_values[4:]) == {"hedged", "negated"}
    labels = config.find("Labels")
    text = config.find("Text")
    assert labels is not None and text is not None
    assert labels.get("toName") == text.get("name") == curate.LS_TEXT_NAME and text.get("value") == "$text"
    (task,) = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))
    assert summary.triples == len(pre.triples)
    prediction = task["predictions"][0]
    assert prediction["model_version"] == pre.model
    regions = {r["id"]: r for r in prediction["result"] if r["type"] == "labels"}
    for r in regions.values():
        assert r["from_name"] == labels.get("name") and r["to_name"] == text.get("name")
        assert task["data"]["text"][r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
    for r in prediction["result"]:
        if r["type"] == "relation":
            assert r["from_id"] in regions and r["to_id"] in regions and r["direction"] == "right"
            assert r["labels"][0] in DIRECTIONS


def test_brat_export_writes_standoff_and_conf(pre: curate.PreAnnotated, tmp_path: Path) -> None:
    curate.export_pre_annotations([pre], "brat", tmp_path / "brat")
    assert (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8").startswith("[entities]\nGENE_OR_PROTEIN")
    txt = (tmp_path / "brat" / "PMID_424242.txt").read_text(encoding="utf-8")
    assert txt == DOCUMENT
    for line in (tmp_path / "brat" / "PMID_424242.ann").read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            _, where, surface = line.split("\t")
            label, start, end = where.split()
            assert label in ENTITY_LABELS and txt[int(start):int(end)] == surface
        elif line.startswith("R"):
            assert line.split("\t")[1].split()[0] in DIRECTIONS


def test_label_studio_offsets_are_utf16(tmp_path: Path) -> None:
    from axis_nlp.schema import Entity, Triple

    text = "In 𝑛 = 12 mice, osteocalcin raised memory."
    ocn, mem = (Entity(w, text.index(w), text.index(w) + len(w), lab) for w, lab in
                (("osteocalcin", "GENE_OR_PROTEIN"), ("memory", "PHENOTYPE_OR_PROCESS")))
    triple = Triple("d", None, {"text": text, "start": 0, "end": len(text)}, ocn, mem, "increases", 0.9)
    item = curate.PreAnnotated("d", text, [(0, len(text))], [ocn, mem], [triple], "m")
    (task,) = curate.labelstudio_tasks([item])
    region = task["predictions"][0]["result"][0]["value"]
    assert region["start"] == ocn.start + 1  # the mathematical n is two UTF-16 units
    (back,) = as_labelstudio_export([task])
    problems: list[curate.Problem] = []
    (annotated,) = curate.read_labelstudio(_write(tmp_path / "e.json", [back]), problems)
    (record,) = curate.annotated_to_records(annotated, problems)
    assert [e["text"] for e in record["entities"]] == ["osteocalcin", "memory"] and not problems


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- fixtures shaped like real exports

def _by_text(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["text"]: r for r in records}


def _relations(record: dict[str, Any]) -> list[tuple]:
    ents = record["entities"]
    return [(ents[r["factor"]]["text"], ents[r["effect"]]["text"], r["direction"], r.get("hedged"), r.get("negated"))
            for r in record["relations"]]


def test_labelstudio_1x_export() -> None:
    result = curate.import_annotations([CURATION / "labelstudio_export.json"])
    records = _by_text(result.records)
    assert set(records) == {
        "Sclerostin secreted by osteocytes crosses the blood–brain barrier.",
        "In aged mice, sclerostin may impair spatial memory.",
        "Chronic stress raised cortisol and reduced bone formation in rats.",
    }
    first = records["Sclerostin secreted by osteocytes crosses the blood–brain barrier."]
    assert [e["text"] for e in first["entities"]] == ["Sclerostin", "osteocytes", "blood–brain barrier"]
    assert _relations(first) == [("Sclerostin", "blood–brain barrier", "associated", False, False)]
    # drawn from the effect to the factor with direction "left"; "hedged" as an extra relation label
    assert _relations(records["In aged mice, sclerostin may impair spatial memory."]) == [
        ("sclerostin", "spatial memory", "decreases", True, False)]
    stress = records["Chronic stress raised cortisol and reduced bone formation in rats."]
    assert _relations(stress) == [("Chronic stress", "cortisol", "increases", False, False),
                                  ("Chronic stress", "bone formation", "decreases", False, False)]
    prov = stress["provenance"]
    assert prov["annotation"] == 22 and prov["annotator"] == "labelstudio-user:2"  # the latest, not the cancelled one
    assert prov["annotated_at"] == "2024-05-04T08:22:45.000000Z" and prov["task"] == "102"
    assert first["provenance"]["pre_annotation_model"] == "axis-relation@0.1.0"
    assert first["id"] == "PMID:31000001:0-66" and first["provenance"]["source_file"].endswith("labelstudio_export.json")
    assert result.errors == [ProblemLike("103", "not annotated yet")]
    assert any(p.task == "102" and p.level == "notice" and "used 22" in p.message for p in result.problems)


class ProblemLike:
    """Matches a Problem by task id and a piece of its message."""

    def __init__(self, task: str, text: str) -> None:
        self.task, self.text = task, text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, curate.Problem) and other.task == self.task and self.text in other.message

    def __repr__(self) -> str:
        return f"<problem in task {self.task}: ...{self.text}...>"


def test_labelstudio_problems_are_reported_with_task_ids_and_kept_out() -> None:
    result = curate.import_annotations([CURATION / "labelstudio_export_problems.json"])
    assert sorted(r["text"] for r in result.records) == [
        "FGF23 rose in patients with chronic kidney disease.", "Propranolol reversed the bone loss."]
    fgf = _by_text(result.records)["FGF23 rose in patients with chronic kidney disease."]
    assert _relations(fgf) == [("chronic kidney disease", "FGF23", "increases", False, False)]
    errors = result.errors
    for expected in (ProblemLike("201", "does not match the text"), ProblemLike("201", "unknown label 'Disease_X'"),
                     ProblemLike("201", "entity c2 was kept out"), ProblemLike("201", "sentence 0-50 kept out"),
                     ProblemLike("202", "outside the text"), ProblemLike("202", "direction 'bi'"),
                     ProblemLike("202", "sentence 0-59 kept out")):
        assert expected in errors, expected
    assert all(p.source.endswith("labelstudio_export_problems.json") for p in errors)
    assert len(errors) == 7


def test_brat_standoff_folder() -> None:
    result = curate.import_annotations([CURATION / "brat"])
    assert [r["text"] for r in result.records] == [
        "Hip fracture was followed by a decline in cognition among older women.",
        "Denosumab did not alter serum sclerostin levels."]
    hip, deno = result.records
    assert _relations(hip) == [("Hip fracture", "cognition", "decreases", False, False)]
    assert _relations(deno) == [("Denosumab", "sclerostin", "no_effect", False, True)]
    assert deno["provenance"]["tool"] == "brat" and deno["provenance"]["doc_id"] == "34567"
    assert deno["provenance"]["sentence_start"] == 71
    bad = [p for p in result.errors if p.task == "34568"]
    for expected in ("does not match the text", "discontinuous", "unknown label 'Protein'", "events",
                     "entity T9 does not exist", "sentence 0-29 kept out", "sentence 30-64 kept out"):
        assert any(expected in p.message for p in bad), expected
    assert not [p for p in result.errors if p.task == "34567"]


def test_brat_single_ann_file_is_read_with_its_txt() -> None:
    result = curate.import_annotations([CURATION / "brat" / "34567.ann"])
    assert len(result.records) == 2 and not result.errors


def test_doccano_relation_export() -> None:
    result = curate.import_annotations([CURATION / "doccano_relations.jsonl"])
    (record,) = result.records
    assert record["text"] == "Exercise increased circulating irisin, which improved memory in mice."
    assert [(f, e, d) for f, e, d, *_ in _relations(record)] == [("Exercise", "irisin", "increases"),
                                                                ("irisin", "memory", "increases")]
    assert record["provenance"]["flags"] == "rules" and record["provenance"]["doc_id"] == "doccano-7"
    assert result.errors == [ProblemLike("8", "entity 999 does not exist")] + [ProblemLike("8", "sentence 0-50 kept out")]


def test_format_detection() -> None:
    assert curate.detect_annotation_format(CURATION / "labelstudio_export.json") == "labelstudio"
    assert curate.detect_annotation_format(CURATION / "doccano_relations.jsonl") == "doccano"
    assert curate.detect_annotation_format(CURATION / "brat") == "brat"
    assert curate.detect_annotation_format(CURATION / "brat" / "34567.ann") == "brat"


def test_labelstudio_json_min_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "min.json", [{"id": 1, "text": "x", "label": [{"start": 0, "end": 1, "labels": ["CHEMICAL"]}]}])
    with pytest.raises(Exception, match="JSON-MIN"):
        curate.import_annotations([path], "labelstudio")


# ---------------------------------------------------------------- validation rules

def _one(text: str, spans: list[curate.Span], links: list[curate.Link], sentences: Any = None
         ) -> tuple[list[dict[str, Any]], list[curate.Problem]]:
    item = curate.AnnotatedText("f.json", "7", "doc", text, spans, links, sentences=sentences)
    problems: list[curate.Problem] = []
    return curate.annotated_to_records(item, problems), problems


def _span(sid: str, text: str, word: str, label: str = "GENE_OR_PROTEIN", occurrence: int = 1) -> curate.Span:
    start = -1
    for _ in range(occurrence):
        start = text.index(word, start + 1)
    return curate.Span(sid, start, start + len(word), label, word)


def test_whitespace_around_a_span_is_trimmed_with_a_notice() -> None:
    text = "Leptin lowers bone mass."
    span = curate.Span("a", 0, 7, "GENE_OR_PROTEIN", "Leptin ")
    records, problems = _one(text, [span, _span("b", text, "bone mass", "PHENOTYPE_OR_PROCESS")],
                             [curate.Link("r", "a", "b", ["decreases"])])
    assert records[0]["entities"][0] == {"text": "Leptin", "start": 0, "end": 6, "label": "GENE_OR_PROTEIN"}
    assert [p.level for p in problems] == ["notice"]


def test_overlapping_and_cross_sentence_annotations_are_kept_out() -> None:
    text = "IL-6 receptor signalling raises bone loss. Osteocalcin improves memory."
    spans = [_span("a", text, "IL-6 receptor"), _span("b", text, "IL-6"), _span("c", text, "bone loss", "PHENOTYPE_OR_PROCESS"),
             curate.Span("d", text.index("loss"), text.index("Osteocalcin") + 11, "PHENOTYPE_OR_PROCESS"),
             _span("e", text, "Osteocalcin"), _span("f", text, "memory", "PHENOTYPE_OR_PROCESS")]
    links = [curate.Link("r1", "a", "c", ["increases"]), curate.Link("r2", "a", "f", ["increases"]),
             curate.Link("r3", "e", "f", ["Increases"])]
    records, problems = _one(text, spans, links)
    assert [_relations(r) for r in records] == [[("IL-6 receptor", "bone loss", "increases", False, False)],
                                                [("Osteocalcin", "memory", "increases", False, False)]]
    messages = " | ".join(p.message for p in problems)
    assert "entity b 'IL-6'" in messages and "overlaps entity a" in messages
    assert "entity d" in messages and "different sentences" in messages


def test_conflicting_relations_keep_the_sentence_out() -> None:
    text = "Cortisol suppresses bone formation. Exercise improves memory."
    spans = [_span("a", text, "Cortisol", "CHEMICAL"), _span("b", text, "bone formation", "PHENOTYPE_OR_PROCESS"),
             _span("c", text, "Exercise", "EXPOSURE"), _span("d", text, "memory", "PHENOTYPE_OR_PROCESS")]
    links = [curate.Link("r1", "a", "b", ["decreases"]), curate.Link("r2", "b", "a", ["increases"]),
             curate.Link("r3", "c", "d", ["increases"], {"hedged": True})]
    records, problems = _one(text, spans, links)
    assert [r["text"] for r in records] == ["Exercise improves memory."]
    assert any("the pair already has decreases in the other order" in p.message for p in problems)


def test_relation_without_a_direction_keeps_its_sentence_out() -> None:
    # otherwise the pair would silently become a "none" training example
    text = "Sclerostin impairs cognition."
    records, problems = _one(text, [_span("a", text, "Sclerostin"), _span("b", text, "cognition", "PHENOTYPE_OR_PROCESS")],
                             [curate.Link("r", "a", "b", [])])
    assert records == [] and any("no direction" in p.message and p.task == "7" for p in problems)


def test_given_sentence_bounds_are_used_when_they_fit() -> None:
    text = "Osteocalcin improves memory; sclerostin impairs it."
    spans = [_span("a", text, "Osteocalcin"), _span("b", text, "memory", "PHENOTYPE_OR_PROCESS"), _span("c", text, "sclerostin")]
    records, problems = _one(text, spans, [curate.Link("r", "a", "b", ["increases"])], sentences=[(0, 28), (29, len(text))])
    assert [r["text"] for r in records] == ["Osteocalcin improves memory;", "sclerostin impairs it."] and not problems


# ---------------------------------------------------------------- writing the curated corpus

def test_write_curated_never_overwrites_silently(tmp_path: Path) -> None:
    records = curate.import_annotations([CURATION / "brat"]).records
    out = tmp_path / "curated.jsonl"
    curate.write_curated(records, out)
    with pytest.raises(CorpusError, match="--merge"):
        curate.write_curated(records, out)
    changed = copy.deepcopy(records[:1])
    changed[0]["relations"][0]["direction"] = "associated"
    assert curate.write_curated(changed, out, mode="merge") == {"kept": 1, "replaced": 1, "written": 1}
    stored = {r["id"]: r for r in read_axis_records(out)}
    assert len(stored) == 2 and stored[records[0]["id"]]["relations"][0]["direction"] == "associated"
    assert all(sentence_to_pairs(r) for r in stored.values())


def test_cli_import_writes_records_and_a_problems_file(tmp_path: Path) -> None:
    out = tmp_path / "corpora" / "curated" / "batch1.jsonl"
    result = runner.invoke(app, ["curate", "import", str(CURATION / "labelstudio_export_problems.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["sentences"] == 2 and summary["errors"] == 7
    assert "task 201" in result.stderr and "task 202" in result.stderr
    problems = json.loads((out.parent / "batch1.problems.json").read_text(encoding="utf-8"))
    assert len([p for p in problems if p["level"] == "error"]) == 7
    assert len(list(read_axis_records(out))) == 2
    again = runner.invoke(app, ["curate", "import", str(CURATION / "doccano_relations.jsonl"), "-o", str(out)])
    assert again.exit_code == 1 and "--merge" in again.stderr
    merged = runner.invoke(app, ["curate", "import", str(CURATION / "doccano_relations.jsonl"), "-o", str(out), "--merge"])
    assert merged.exit_code == 0 and len(list(read_axis_records(out))) == 3
    strict = runner.invoke(app, ["curate", "import", str(CURATION / "doccano_relations.jsonl"), "-o", str(tmp_path / "s.jsonl"),
                                 "--strict"])
    assert strict.exit_code == 1 and not (tmp_path / "s.jsonl").exists()


def test_cli_export_labelstudio(tiny_model_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "paper.txt"
    doc.write_text(DOCUMENT, encoding="utf-8")
    out = tmp_path / "ls" / "tasks.json"
    result = runner.invoke(app, ["curate", "export", str(doc), "-o", str(out), "--to", "labelstudio", "--model",
                                 str(tiny_model_dir), "--device", "cpu", "--ner-model", "none"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["documents"] == 1
    assert (out.parent / "label_config.xml").exists() and json.loads(out.read_text(encoding="utf-8"))[0]["predictions"]


# ---------------------------------------------------------------- model registry and comparison

@pytest.fixture()
def registry(tmp_path: Path) -> Path:
    (tmp_path / "models").mkdir()
    return tmp_path / "models" / "registry.json"


def _model_copy(tiny_model_dir: Path, target: Path, curated: str = "") -> Path:
    shutil.copytree(tiny_model_dir, target)
    config = {"curated": [curated] if curated else [], "axis_train": "corpora/axis/axis_train.jsonl", "epochs": 1.0}
    (target / "metrics.json").write_text(json.dumps({"config": config, "train_pairs": 12, "axis_dev": {
        "micro": {"f1": 0.5}, "macro_f1": 0.4, "per_direction": {"increases": {"f1": 0.6}}}}), encoding="utf-8")
    return target


def test_resolve_model_prefers_paths_then_registered_names(tiny_model_dir: Path, registry: Path, tmp_path: Path) -> None:
    from axis_nlp import registry as reg

    folder = _model_copy(tiny_model_dir, registry.parent / "axis-relation")
    elsewhere = _model_copy(tiny_model_dir, tmp_path / "runs" / "v2")
    assert reg.resolve_model(str(elsewhere), registry=registry) == elsewhere
    assert reg.resolve_model("axis-relation", registry=registry) == folder  # a model folder under models/
    reg.register_model("v2", elsewhere, base="axis-relation", registry=registry)
    assert reg.resolve_model("v2", registry=registry).resolve() == elsewhere.resolve()
    with pytest.raises(ModelLoadError, match="known models: axis-relation, v2"):
        reg.resolve_model("v3", registry=registry)
    assert reg.resolve_model(None, registry=registry) == folder
    reg.set_default("v2", registry=registry)
    assert reg.resolve_model(None, registry=registry).resolve() == elsewhere.resolve()


def test_register_records_data_config_and_metrics(tiny_model_dir: Path, registry: Path, tmp_path: Path) -> None:
    from axis_nlp import registry as reg

    curated = tmp_path / "c.jsonl"
    curate.write_curated(curate.import_annotations([CURATION / "brat"]).records, curated)
    model = _model_copy(tiny_model_dir, tmp_path / "runs" / "lcn2", curated=str(curated))
    entry = reg.register_model("lcn2", model, base=None, note="curated sclerostin", registry=registry)
    stored = json.loads(registry.read_text(encoding="utf-8"))["models"]["lcn2"]
    assert stored == entry and stored["path"] == "../runs/lcn2"
    assert stored["data"]["curated"] == [{"path": str(curated), "sentences": 2, "sha256": stored["data"]["curated"][0]["sha256"]}]
    assert stored["config"]["epochs"] == 1.0 and stored["metrics"]["axis_dev"]["micro_f1"] == 0.5
    assert stored["created"] and stored["note"] == "curated sclerostin"
    with pytest.raises(ModelLoadError, match="already registered"):
        reg.register_model("lcn2", model, registry=registry)


def test_compare_predictions_names_fixed_and_broken_pairs() -> None:
    f, e = [0, 11, "GENE_OR_PROTEIN"], [21, 27, "PHENOTYPE_OR_PROCESS"]
    text = "Osteocalcin promotes memory."

    def run(label: str, reverse: bool = False) -> dict[str, Any]:
        pred = [e, f, label] if reverse else [f, e, label]
        return {"predictions": [{"group": "s1", "text": text, "gold": [f, e, "increases"], "predicted": pred, "score": 0.9}]}

    assert curate.compare_predictions(run("increases"), run("increases")) == []
    (fixed,) = curate.compare_predictions(run("none"), run("increases"))
    assert fixed["change"] == "fixed" and fixed["new"] == "Osteocalcin -> memory: increases" and fixed["old"] == "none"
    (broke,) = curate.compare_predictions(run("increases"), run("increases", reverse=True))
    assert broke["change"] == "broke"


def test_cli_evaluate_compare_and_models(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from axis_nlp import registry as reg
    from axis_nlp.relation.model import RelationClassifier

    models = tmp_path / "models"
    monkeypatch.setattr(reg, "DEFAULT_REGISTRY", models / "registry.json")
    old = _model_copy(tiny_model_dir, models / "old")
    model = RelationClassifier.from_pretrained(old)
    model.head[-1].bias.data[-1] += 50.0  # the new version says "none" to everything
    model.save_pretrained(models / "new", card="# new\n")
    corpus = tmp_path / "heldout.jsonl"
    corpus.write_text(json.dumps({"id": "s1", "text": "Osteocalcin promotes memory in mice.", "entities": [
        {"text": "Osteocalcin", "start": 0, "end": 11, "label": "GENE_OR_PROTEIN"},
        {"text": "memory", "start": 21, "end": 27, "label": "PHENOTYPE_OR_PROCESS"}],
        "relations": [{"factor": 0, "effect": 1, "direction": "increases"}]}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "compare", "old", "new", "--corpus", str(corpus), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "increases" in result.stdout and "[broke] s1" in result.stdout and "1 fixed" not in result.stdout
    as_json = runner.invoke(app, ["evaluate", "compare", "old", "new", "--corpus", str(corpus), "--device", "cpu", "--json"])
    report = json.loads(as_json.stdout)
    assert report["old"]["per_direction"]["increases"]["f1"] == 1.0 and report["new"]["per_direction"]["increases"]["f1"] == 0.0
    (tmp_path / "cmp.json").write_text(as_json.stdout, encoding="utf-8")
    registered = runner.invoke(app, ["models", "register", "new-v1", str(models / "new"), "--base", "old",
                                     "--compare", str(tmp_path / "cmp.json")])
    assert registered.exit_code == 0, registered.output
    assert json.loads(registered.stdout)["new-v1"]["compare"]["broke"] == 1
    listing = runner.invoke(app, ["models", "list"])
    assert "new-v1" in listing.stdout and "old" in listing.stdout
    unknown = runner.invoke(app, ["evaluate", "compare", "old", "nope", "--corpus", str(corpus)])
    assert unknown.exit_code == 1 and "known models:" in unknown.stderr
    adopt = runner.invoke(app, ["models", "adopt", "new-v1"])
    assert adopt.exit_code == 0 and reg.resolve_model(None).name == "new"
