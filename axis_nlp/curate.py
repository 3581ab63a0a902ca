"""The curation loop: pre-annotations out to annotation tools, corrected labels back in.

Export (``axis-nlp curate export``): the extractor's entities and triples of each document
become pre-annotations for Label Studio (tasks with ``predictions`` plus a labeling config),
brat (standoff ``.txt``/``.ann`` pairs with ``annotation.conf``), BioC XML (annotations and
relations), Prodigy (relation tasks, one per sentence) or doccano (relation JSONL).

Import (``axis-nlp curate import``): a Label Studio JSON export, a brat folder or ``.ann``
file, BioC XML/JSON, doccano relation JSONL or Prodigy JSONL is read into
:class:`AnnotatedText`, validated (offsets inside the text and matching the span text,
known labels, relation ends that exist, one sentence per relation) and split into
sentence records of the axis corpus format (offsets relative to the sentence), so that
:func:`axis_nlp.corpus.axis_pairs` reads them. Every problem is reported with the task it
comes from and its item is kept out; a sentence whose relations cannot all be trusted is
kept out whole, so that a dropped relation never turns into a ``none`` training pair.

Offsets: the brat, BioC, doccano and Prodigy files carry offsets in Unicode code points
(Python string indices). Label Studio measures text in UTF-16 code units (JavaScript); the
two differ only for characters outside the Basic Multilingual Plane (e.g. mathematical
letters), and both export and import convert.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union
from xml.etree import ElementTree as ET

from .errors import CorpusError, InputFormatError
from .schema import DIRECTIONS, ENTITY_LABELS, Document, Entity, Triple

EXPORT_FORMATS: tuple[str, ...] = ("labelstudio", "brat", "bioc", "prodigy", "doccano")
IMPORT_FORMATS: tuple[str, ...] = ("auto", "labelstudio", "brat", "bioc", "doccano", "prodigy")
#: relation flags an annotator may set next to the direction
RELATION_FLAGS: tuple[str, ...] = ("hedged", "negated")
#: Label Studio control names used by the exported tasks and the labeling config
LS_LABELS_NAME = "label"
LS_TEXT_NAME = "text"
LABEL_CONFIG_NAME = "label_config.xml"
BRAT_DOCS_NAME = "axis_documents.json"

_COLOURS = {
    "GENE_OR_PROTEIN": "#e6194b", "CHEMICAL": "#3cb44b", "CELL_TYPE": "#4363d8", "DISEASE": "#f58231",
    "PHENOTYPE_OR_PROCESS": "#911eb4", "ANATOMY": "#42d4f4", "EXPOSURE": "#bfef45",
    "increases": "#2e7d32", "decreases": "#c62828", "associated": "#1565c0", "no_effect": "#757575",
}


# ---------------------------------------------------------------- labels and offsets

def normalise_entity_label(raw: Any) -> Optional[str]:
    """``"gene or protein"`` -> ``GENE_OR_PROTEIN``; None when not one of :data:`ENTITY_LABELS`."""
    label = re.sub(r"[\s\-]+", "_", str(raw or "").strip()).upper()
    return label if label in ENTITY_LABELS else None


def normalise_direction(raw: Any) -> Optional[str]:
    """``"No effect"`` -> ``no_effect``; None when not one of :data:`DIRECTIONS`."""
    label = re.sub(r"[\s\-]+", "_", str(raw or "").strip()).lower()
    return label if label in DIRECTIONS else None


def _utf16_units(text: str) -> Optional[list[int]]:
    """UTF-16 offset of every code point position (None when the two agree everywhere)."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    units, pos = [], 0
    for c in text:
        units.append(pos)
        pos += 2 if ord(c) >= 0x10000 else 1
    units.append(pos)
    return units


def to_utf16(text: str, offset: int) -> int:
    """A code point offset of ``text`` as a UTF-16 (JavaScript) offset."""
    units = _utf16_units(text)
    return offset if units is None else units[offset]


def from_utf16(text: str, offset: int) -> Optional[int]:
    """A UTF-16 offset of ``text`` as a code point offset (None inside a surrogate pair)."""
    units = _utf16_units(text)
    if units is None:
        return offset
    try:
        return units.index(offset)
    except ValueError:
        return None


# ---------------------------------------------------------------- sentences

@functools.lru_cache(maxsize=1)
def _sentence_pipeline() -> Any:
    from .pipeline import build_pipeline

    return build_pipeline(entities=False)


def split_sentences(text: str, *, nlp: Any = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, by the pipeline's own segmenter (stripped)."""
    from .pipeline import annotate

    annotated = next(annotate(nlp or _sentence_pipeline(), [Document(id="_", text=text)]))
    return [(s.start, s.end) for s in annotated.sentences]


# ---------------------------------------------------------------- export

@dataclass
class PreAnnotated:
    """One document with the extractor's sentences, entities and triples (document offsets)."""

    doc_id: str
    text: str
    sentences: list[tuple[int, int]]
    entities: list[Entity]
    triples: list[Triple]
    model: str
    sections: list[tuple[str, int, int]] = field(default_factory=list)
    source: Optional[str] = None


def pre_annotate(extractor: Any, documents: Iterable[Document], *, gold_entities: bool = False) -> Iterator[PreAnnotated]:
    """Run an :class:`~axis_nlp.extract.Extractor` and keep what the annotator must see."""
    for annotated, triples in extractor.extract_annotated(documents, gold_entities=gold_entities):
        doc = annotated.document
        entities = sorted({(e.start, e.end): e for e in annotated.entities}.values(), key=lambda e: (e.start, e.end))
        yield PreAnnotated(
            doc_id=doc.id, text=doc.text, sentences=[(s.start, s.end) for s in annotated.sentences],
            entities=entities, triples=list(triples), model=extractor.model_name,
            sections=[(s.name, s.start, s.end) for s in doc.sections], source=doc.source,
        )


def _entity_index(item: PreAnnotated) -> dict[tuple[int, int], int]:
    return {(e.start, e.end): i for i, e in enumerate(item.entities)}


def _triple_ends(item: PreAnnotated, triple: Triple, index: dict[tuple[int, int], int]) -> tuple[int, int]:
    return index[(triple.factor.start, triple.factor.end)], index[(triple.effect.start, triple.effect.end)]


def _flags(triple: Triple) -> list[str]:
    return [flag for flag in RELATION_FLAGS if getattr(triple, flag)]


def labelstudio_config() -> str:
    """Label Studio labeling config (XML): our entity types as labels, directions and flags as relations."""
    labels = "\n".join(f'    <Label value="{label}" background="{_COLOURS[label]}"/>' for label in ENTITY_LABELS)
    relations = "\n".join(f'    <Relation value="{d}" background="{_COLOURS[d]}"/>' for d in DIRECTIONS)
    flags = "\n".join(f'    <Relation value="{flag}"/>' for flag in RELATION_FLAGS)
    return f"""<View>
  <Header value="Correct the entities, then the relations: draw each arrow from the factor to the effect and give it one direction (hedged / negated are optional extra labels)."/>
  <Relations choice="multiple">
{relations}
{flags}
  </Relations>
  <Labels name="{LS_LABELS_NAME}" toName="{LS_TEXT_NAME}">
{labels}
  </Labels>
  <Text name="{LS_TEXT_NAME}" value="$text"/>
</View>
"""


def labelstudio_tasks(items: Iterable[PreAnnotated]) -> list[dict[str, Any]]:
    """Label Studio import tasks: ``data`` (text, doc id, sentence bounds) and ``predictions``."""
    tasks = []
    for item in items:
        index = _entity_index(item)
        result: list[dict[str, Any]] = []
        for i, e in enumerate(item.entities):
            result.append({
                "id": f"e{i}", "from_name": LS_LABELS_NAME, "to_name": LS_TEXT_NAME, "type": "labels",
                "value": {"start": to_utf16(item.text, e.start), "end": to_utf16(item.text, e.end),
                          "text": e.text, "labels": [e.label]},
            })
        scores = []
        for t in item.triples:
            fi, ei = _triple_ends(item, t, index)
            result.append({"from_id": f"e{fi}", "to_id": f"e{ei}", "type": "relation", "direction": "right",
                           "labels": [t.direction, *_flags(t)], "score": round(float(t.score), 4)})
            scores.append(float(t.score))
        tasks.append({
            "data": {"text": item.text, "doc_id": item.doc_id, "sentences": [list(s) for s in item.sentences],
                     "source": item.source},
            "predictions": [{"model_version": item.model, "score": round(min(scores), 4) if scores else 1.0,
                             "result": result}],
        })
    return tasks


def _safe_stem(doc_id: str, taken: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id).strip("._") or "document"
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate)
    return candidate


def brat_annotation_conf() -> str:
    entities = "\n".join(ENTITY_LABELS)
    relations = "\n".join(f"{d}\tArg1:<ENTITY>, Arg2:<ENTITY>" for d in DIRECTIONS)
    return f"[entities]\n{entities}\n\n[relations]\n{relations}\n\n[events]\n\n[attributes]\n"


def brat_visual_conf() -> str:
    drawing = "\n".join(f"{name}\tbgColor:{colour}" for name, colour in _COLOURS.items() if name in ENTITY_LABELS)
    arcs = "\n".join(f"{d}\tcolor:{_COLOURS[d]}" for d in DIRECTIONS)
    return f"[labels]\n\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n" \
           f"ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n{drawing}\n{arcs}\n"


def brat_ann(item: PreAnnotated) -> str:
    """The ``.ann`` standoff of one document: T lines, R lines, flags as AnnotatorNotes."""
    index = _entity_index(item)
    lines = [f"T{i + 1}\t{e.label} {e.start} {e.end}\t{e.text}" for i, e in enumerate(item.entities)]
    for r, t in enumerate(item.triples, 1):
        f, e = _triple_ends(item, t, index)
        lines.append(f"R{r}\t{t.direction} Arg1:T{f + 1} Arg2:T{e + 1}")
        lines.append(f"#{r}\tAnnotatorNotes R{r}\t" + "; ".join([*_flags(t), f"score={t.score:.3f}"]))
    return "\n".join(lines) + ("\n" if lines else "")


def write_brat(items: Iterable[PreAnnotated], folder: Union[str, Path]) -> int:
    """``<doc>.txt`` + ``<doc>.ann`` per document, ``annotation.conf``, ``visual.conf``; returns the count."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    mapping: dict[str, dict[str, Any]] = {}
    for item in items:
        stem = _safe_stem(item.doc_id, taken)
        # newline="" keeps "\r\n" as two characters, so the offsets hold
        with (out / f"{stem}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(item.text)
        (out / f"{stem}.ann").write_text(brat_ann(item), encoding="utf-8")
        mapping[stem] = {"doc_id": item.doc_id, "sentences": [list(s) for s in item.sentences], "model": item.model,
                         "source": item.source}
    (out / "annotation.conf").write_text(brat_annotation_conf(), encoding="utf-8")
    (out / "visual.conf").write_text(brat_visual_conf(), encoding="utf-8")
    previous = _read_json_file(out / BRAT_DOCS_NAME) if (out / BRAT_DOCS_NAME).exists() else {}
    (out / BRAT_DOCS_NAME).write_text(json.dumps({**previous, **mapping}, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return len(mapping)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    # same length, so offsets hold; a parser would turn "\r" into "\n" anyway
    return _XML_INVALID.sub(" ", text).replace("\r", "\n")


def _passages(item: PreAnnotated) -> list[tuple[str, int, int]]:
    """Sections as passages that cover the whole text, in order (a gap goes to the passage before)."""
    sections = sorted((s for s in item.sections if 0 <= s[1] < s[2] <= len(item.text)), key=lambda s: s[1])
    cover: list[list[Any]] = []
    for name, start, _ in sections:
        if not cover:
            cover.append([name, 0, len(item.text)])
        elif start > cover[-1][1]:
            cover[-1][2] = start
            cover.append([name, start, len(item.text)])
    return [(n, s, e) for n, s, e in cover] or [("text", 0, len(item.text))]


def bioc_collection(items: Iterable[PreAnnotated]) -> ET.ElementTree:
    """A BioC XML collection: passages per section, annotations, relations with factor/effect nodes."""
    root = ET.Element("collection")
    ET.SubElement(root, "source").text = "axis_nlp"
    ET.SubElement(root, "date").text = _dt.date.today().strftime("%Y%m%d")
    ET.SubElement(root, "key").text = "axis_nlp.key"
    for item in items:
        doc = ET.SubElement(root, "document")
        ET.SubElement(doc, "id").text = item.doc_id
        _infon(doc, "model", item.model)
        index = _entity_index(item)
        by_passage: dict[int, list[int]] = {}
        passages = _passages(item)
        for i, e in enumerate(item.entities):
            p = next(k for k, (_, s, end) in enumerate(passages) if s <= e.start < end or k == len(passages) - 1)
            by_passage.setdefault(p, []).append(i)
        for k, (name, start, end) in enumerate(passages):
            passage = ET.SubElement(doc, "passage")
            _infon(passage, "type", name)
            ET.SubElement(passage, "offset").text = str(start)
            ET.SubElement(passage, "text").text = _xml_safe(item.text[start:end])
            for i in by_passage.get(k, []):
                e = item.entities[i]
                ann = ET.SubElement(passage, "annotation", id=f"T{i + 1}")
                _infon(ann, "type", e.label)
                if e.id:
                    _infon(ann, "identifier", e.id)
                ET.SubElement(ann, "location", offset=str(e.start), length=str(e.end - e.start))
                ET.SubElement(ann, "text").text = _xml_safe(e.text)
        for r, t in enumerate(item.triples, 1):
            fi, ei = _triple_ends(item, t, index)
            rel = ET.SubElement(doc, "relation", id=f"R{r}")
            _infon(rel, "type", t.direction)
            _infon(rel, "score", f"{t.score:.4f}")
            _infon(rel, "hedged", str(bool(t.hedged)).lower())
            _infon(rel, "negated", str(bool(t.negated)).lower())
            ET.SubElement(rel, "node", refid=f"T{fi + 1}", role="factor")
            ET.SubElement(rel, "node", refid=f"T{ei + 1}", role="effect")
    ET.indent(root, space=" ")
    return ET.ElementTree(root)


def _infon(parent: ET.Element, key: str, value: str) -> None:
    ET.SubElement(parent, "infon", key=key).text = value


def prodigy_tasks(items: Iterable[PreAnnotated], *, nlp: Any = None) -> Iterator[dict[str, Any]]:
    """Prodigy ``rel.manual``-style tasks, one per sentence with entities: tokens, spans, relations."""
    nlp = nlp or _sentence_pipeline()
    for item in items:
        index = _entity_index(item)
        for s_start, s_end in item.sentences:
            ents = [i for i, e in enumerate(item.entities) if s_start <= e.start and e.end <= s_end]
            if not ents:
                continue
            text = item.text[s_start:s_end]
            doc = nlp.make_doc(text)
            tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
                      for t in doc]
            spans: dict[int, dict[str, Any]] = {}
            for i in ents:
                entity = item.entities[i]
                start, end = entity.start - s_start, entity.end - s_start
                covered = [t["id"] for t in tokens if t["start"] < end and start < t["end"]] or [0]
                spans[i] = {"start": start, "end": end, "text": entity.text, "token_start": covered[0],
                            "token_end": covered[-1], "label": entity.label}
            relations = []
            for t in item.triples:
                if not s_start <= t.sentence["start"] < s_end:
                    continue
                f, e = _triple_ends(item, t, index)
                relations.append({"head": spans[f]["token_end"], "child": spans[e]["token_end"],
                                  "head_span": spans[f], "child_span": spans[e], "label": t.direction,
                                  **{flag: True for flag in _flags(t)}})
            yield {"text": text, "tokens": tokens, "spans": [spans[i] for i in ents], "relations": relations,
                   "meta": {"doc_id": item.doc_id, "sentence_start": s_start, "model": item.model}}


def doccano_records(items: Iterable[PreAnnotated]) -> Iterator[dict[str, Any]]:
    """doccano relation JSONL (``entities`` with ``start_offset``/``end_offset``, ``relations`` with ``from_id``/``to_id``)."""
    next_entity, next_relation = 1, 1
    for n, item in enumerate(items, 1):
        index = _entity_index(item)
        ids = list(range(next_entity, next_entity + len(item.entities)))
        next_entity += len(item.entities)
        entities = [{"id": ids[i], "label": e.label, "start_offset": e.start, "end_offset": e.end}
                    for i, e in enumerate(item.entities)]
        relations = []
        for t in item.triples:
            f, e = _triple_ends(item, t, index)
            relations.append({"id": next_relation, "from_id": ids[f], "to_id": ids[e], "type": t.direction})
            next_relation += 1
        yield {"id": n, "text": item.text, "entities": entities, "relations": relations, "doc_id": item.doc_id,
               "sentences": [list(s) for s in item.sentences]}


@dataclass
class ExportSummary:
    format: str
    documents: int
    entities: int
    triples: int
    files: list[str]


def export_pre_annotations(items: Iterable[PreAnnotated], fmt: str, output: Union[str, Path], *, nlp: Any = None) -> ExportSummary:
    """Write pre-annotations in ``fmt`` (see :data:`EXPORT_FORMATS`) to ``output``.

    ``labelstudio``: a JSON task file plus ``label_config.xml`` next to it; ``brat``: a
    folder; ``bioc``: an XML file; ``prodigy`` and ``doccano``: a JSONL file.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputFormatError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORT_FORMATS)}")
    out = Path(output)
    items = list(items)
    summary = ExportSummary(fmt, len(items), sum(len(i.entities) for i in items), sum(len(i.triples) for i in items), [])
    if fmt == "brat":
        write_brat(items, out)
        summary.files = [str(out)]
        return summary
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if fmt == "labelstudio":
        tmp.write_text(json.dumps(labelstudio_tasks(items), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        config = out.parent / LABEL_CONFIG_NAME
        config.write_text(labelstudio_config(), encoding="utf-8")
        summary.files = [str(out), str(config)]
    elif fmt == "bioc":
        tree = bioc_collection(items)
        with tmp.open("wb") as handle:
            handle.write(b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE collection SYSTEM 'BioC.dtd'>\n")
            tree.write(handle, encoding="utf-8", xml_declaration=False)
        summary.files = [str(out)]
    else:
        records = prodigy_tasks(items, nlp=nlp) if fmt == "prodigy" else doccano_records(items)
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        summary.files = [str(out)]
    tmp.replace(out)
    return summary


# ---------------------------------------------------------------- import: the neutral form

@dataclass
class Span:
    """An entity as annotated in a tool; offsets into :attr:`AnnotatedText.text`."""

    id: str
    start: Any
    end: Any
    label: Any
    text: Optional[str] = None  # the span text as the tool recorded it, when it does
    #: why the tool's span cannot be used (it is then kept out)
    problem: Optional[str] = None


@dataclass
class Link:
    """A relation as annotated in a tool: factor span id -> effect span id."""

    id: str
    factor: str
    effect: str
    labels: list[str]
    flags: dict[str, bool] = field(default_factory=dict)
    #: why the tool's relation cannot be read (its sentence is then kept out)
    problem: Optional[str] = None


@dataclass
class AnnotatedText:
    """One task of an annotation tool, as read (nothing validated yet)."""

    source: str  # file it came from
    task: str  # task id in that file, for messages
    doc_id: str
    text: str
    spans: list[Span]
    links: list[Link]
    provenance: dict[str, Any] = field(default_factory=dict)
    sentences: Optional[list[tuple[int, int]]] = None  # given bounds; else the segmenter's
    utf16: bool = False  # span offsets may be UTF-16 units (Label Studio)
    #: whether hedged/negated came from the annotator (else they are set by the attribute rules)
    flags_annotated: bool = True


@dataclass
class Problem:
    """Something in an imported file that was kept out (``error``) or fixed (``notice``)."""

    source: str
    task: str
    message: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.source}: task {self.task}: {self.level}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "task": self.task, "level": self.level, "message": self.message}


@dataclass
class ImportResult:
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    tasks: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def summary(self) -> dict[str, Any]:
        return {"tasks": self.tasks, "sentences": len(self.records),
                "entities": sum(len(r["entities"]) for r in self.records),
                "relations": sum(len(r["relations"]) for r in self.records),
                "errors": len(self.errors), "notices": len(self.problems) - len(self.errors)}


def _read_json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"not UTF-8 ({exc.reason})", path=path) from None
    except json.JSONDecodeError as exc:
        raise InputFormatError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", path=path) from None


def _read_jsonl_file(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8-sig") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"line {lineno}: invalid JSON ({exc.msg})", path=path) from None


def _mtime(path: Path) -> str:
    return _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.timezone.utc).isoformat(timespec="seconds")


def _sentences_field(value: Any) -> Optional[list[tuple[int, int]]]:
    if not isinstance(value, list) or not value:
        return None
    try:
        return [(int(s), int(e)) for s, e in value]
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- import: Label Studio

def _ls_annotator(annotation: dict[str, Any]) -> Optional[str]:
    who = annotation.get("created_username") or annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    if who is None:
        return None
    return str(who) if isinstance(who, str) else f"labelstudio-user:{who}"


def read_labelstudio(path: Union[str, Path], problems: list[Problem]) -> Iterator[AnnotatedText]:
    """Tasks of a Label Studio JSON export (a list of tasks with ``data`` and ``annotations``).

    One annotation per task is used: the ``ground_truth`` one, else the most recently
    updated one that was not cancelled; predictions are never read as labels.
    """
    path = Path(path)
    data = _read_json_file(path)
    tasks = data if isinstance(data, list) else [data]
    src = str(path)
    for n, task in enumerate(tasks, 1):
        if not isinstance(task, dict):
            problems.append(Problem(src, f"#{n}", "not a task object; kept out"))
            continue
        tid = str(task.get("id", f"#{n}"))
        if "data" not in task:
            shape = "a Label Studio JSON-MIN export" if "label" in task or "text" in task else "not a Label Studio task"
            raise InputFormatError(f"task {tid}: {shape}; export the project as \"JSON\" (the full format)", path=path)
        task_data = task["data"] if isinstance(task["data"], dict) else {}
        text = task_data.get(LS_TEXT_NAME)
        if not isinstance(text, str):
            problems.append(Problem(src, tid, f"task data has no {LS_TEXT_NAME!r}; kept out"))
            continue
        annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
        live = [a for a in annotations if not a.get("was_cancelled")]
        cancelled = len(annotations) - len(live)
        if not live:
            why = "every annotation was cancelled (skipped)" if cancelled else "not annotated yet (predictions are not labels)"
            problems.append(Problem(src, tid, f"{why}; kept out"))
            continue
        live.sort(key=lambda a: (bool(a.get("ground_truth")), str(a.get("updated_at") or a.get("created_at") or "")))
        chosen = live[-1]
        if len(live) > 1:
            others = ", ".join(str(a.get("id")) for a in live[:-1])
            problems.append(Problem(src, tid, f"{len(live)} annotations; used {chosen.get('id')} "
                                    f"({'ground truth' if chosen.get('ground_truth') else 'latest'}), not {others}",
                                    "notice"))
        spans, links = [], []
        for k, r in enumerate(chosen.get("result") or []):
            if not isinstance(r, dict):
                continue
            kind = r.get("type")
            if kind == "labels":
                value = r.get("value") or {}
                labels = value.get("labels") or []
                spans.append(Span(str(r.get("id", f"r{k}")), value.get("start"), value.get("end"), labels[0] if labels else None,
                                  value.get("text"), None if len(labels) == 1 else f"{len(labels)} labels {labels}; one is needed"))
            elif kind == "relation":
                direction = r.get("direction", "right")
                a, b = str(r.get("from_id")), str(r.get("to_id"))
                if direction == "left":
                    a, b = b, a
                elif direction != "right":
                    links.append(Link(f"{a}-{b}", a, b, [], problem=f"direction {direction!r}: draw the arrow "
                                      "from the factor to the effect"))
                    continue
                labels = [str(x) for x in r.get("labels") or []]
                flags = {f: f in labels for f in RELATION_FLAGS}
                links.append(Link(f"{a}->{b}", a, b, [x for x in labels if x not in RELATION_FLAGS], flags))
            else:
                problems.append(Problem(src, tid, f"result of type {kind!r} ({r.get('from_name')}) is not used", "notice"))
        yield AnnotatedText(
            source=src, task=tid, doc_id=str(task_data.get("doc_id") or f"labelstudio-{tid}"), text=text,
            spans=spans, links=links, sentences=_sentences_field(task_data.get("sentences")), utf16=True,
            provenance={"tool": "labelstudio", "source_file": src, "task": tid, "annotation": chosen.get("id"),
                        "annotator": _ls_annotator(chosen),
                        "annotated_at": chosen.get("updated_at") or chosen.get("created_at"),
                        "lead_time": chosen.get("lead_time"),
                        "pre_annotation_model": (chosen.get("prediction") or {}).get("model_version")
                        if isinstance(chosen.get("prediction"), dict) else None},
        )


# ---------------------------------------------------------------- import: brat

_BRAT_SPAN = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")


def _brat_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.ann") if not any(part.startswith(".") for part in p.parts))
    return [path.with_suffix(".ann")]


def read_brat(path: Union[str, Path], problems: list[Problem]) -> Iterator[AnnotatedText]:
    """Documents of a brat folder (every ``.ann`` with its ``.txt``) or of one ``.ann``/``.txt`` file.

    T lines are entities, R lines relations (``Arg1`` the factor, ``Arg2`` the effect);
    ``AnnotatorNotes`` or attributes naming ``hedged``/``negated`` set the relation flags.
    """
    path = Path(path)
    for ann_path in _brat_files(path):
        txt_path = ann_path.with_suffix(".txt")
        src, tid = str(ann_path), ann_path.stem
        if not ann_path.exists() or not txt_path.exists():
            missing = ann_path if not ann_path.exists() else txt_path
            raise InputFormatError(f"brat document without its {missing.suffix} file", path=missing)
        with txt_path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        docs_file = ann_path.parent / BRAT_DOCS_NAME
        meta = (_read_json_file(docs_file).get(ann_path.stem, {}) if docs_file.exists() else {})
        spans: list[Span] = []
        links: list[Link] = []
        flags: dict[str, set[str]] = {}
        for lineno, raw_line in enumerate(ann_path.read_text(encoding="utf-8-sig").splitlines(), 1):
            line = raw_line.rstrip("\r")
            if not line.strip():
                continue
            fields = line.split("\t")
            ident = fields[0]
            where = f"line {lineno} ({ident})"
            if ident.startswith("T") and len(fields) >= 2:
                match = _BRAT_SPAN.match(fields[1])
                surface = fields[2] if len(fields) > 2 else None
                if not match:
                    spans.append(Span(ident, None, None, None, surface, f"{where}: cannot read {fields[1]!r}"))
                    continue
                label, where_spans = match.groups()
                if ";" in where_spans:
                    spans.append(Span(ident, None, None, label, surface,
                                      f"{where}: a discontinuous entity cannot be a training span"))
                    continue
                start, end = (int(x) for x in where_spans.split())
                spans.append(Span(ident, start, end, label, surface))
            elif ident.startswith("R") and len(fields) >= 2:
                parts = fields[1].split()
                args = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
                if "Arg1" not in args or "Arg2" not in args:
                    problems.append(Problem(src, tid, f"{where}: relation without Arg1/Arg2; its sentence is kept out"))
                    continue
                links.append(Link(ident, args["Arg1"], args["Arg2"], parts[:1]))
            elif ident.startswith("#") and len(fields) >= 3:
                target = fields[1].split()[-1]
                words = {w.strip().lower() for w in re.split(r"[;,\s]+", fields[2])}
                flags.setdefault(target, set()).update(w for w in words if w in RELATION_FLAGS)
            elif ident.startswith(("A", "M")) and len(fields) >= 2:
                parts = fields[1].split()
                name = parts[0].lower()
                if name in RELATION_FLAGS and len(parts) >= 2 and (len(parts) == 2 or parts[2].lower() in {"true", "yes"}):
                    flags.setdefault(parts[1], set()).add(name)
                else:
                    problems.append(Problem(src, tid, f"{where}: attribute {fields[1]!r} is not used", "notice"))
            elif ident.startswith("*"):
                problems.append(Problem(src, tid, f"{where}: equivalence {fields[1] if len(fields) > 1 else ''!r} is not used",
                                        "notice"))
            elif ident.startswith("N"):
                continue  # normalisations (database ids) do not change the training labels
            else:
                problems.append(Problem(src, tid, f"{where}: {ident[:1]!r} annotations (events...) are not supported; kept out"))
        for link in links:
            link.flags = {f: f in flags.get(link.id, set()) for f in RELATION_FLAGS}
        yield AnnotatedText(
            source=src, task=tid, doc_id=str(meta.get("doc_id") or ann_path.stem), text=text, spans=spans, links=links,
            sentences=_sentences_field(meta.get("sentences")),
            provenance={"tool": "brat", "source_file": src, "task": tid, "annotator": None,
                        "annotated_at": _mtime(ann_path), "pre_annotation_model": meta.get("model")},
        )


# ---------------------------------------------------------------- import: BioC

def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"true", "yes", "1"}


def read_bioc_annotations(path: Union[str, Path], problems: list[Problem]) -> Iterator[AnnotatedText]:
    """Documents of BioC XML or JSON with their annotations and relations (unvalidated).

    A relation's nodes name its ends by role (``factor``/``effect``; ``Arg1``/``Arg2`` or
    ``head``/``tail`` are read too; otherwise the first node is the factor); its
    ``type`` infon is the direction.
    """
    from dataclasses import replace

    from .readers import bioc as bioc_reader
    from .readers.source import read_head
    from .readers.xmlsafe import iter_elements

    path = Path(path)
    src = str(path)
    head = read_head(path, src, 1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        def documents() -> Iterator[Any]:
            with path.open("rb") as stream:
                for elem in iter_elements(stream, src, lambda p: p == ["collection", "document"]):
                    yield bioc_reader._xml_document(elem, src)
        raws: Iterable[Any] = documents()
    else:
        parsed = _read_json_file(path)
        raws = [bioc_reader._json_document(d, i, src) for i, d in enumerate(bioc_reader._json_documents(parsed, src))]
    for raw in raws:
        bare = replace(raw, passages=[replace(p, annotations=[]) for p in raw.passages], relations=[])
        text = bioc_reader._build(bare, src, src, "bioc").text
        spans = []
        for passage in raw.passages:
            for k, ann in enumerate(passage.annotations):
                ident = ann.id or f"{passage.offset}:{k}"
                label = ann.infons.get("type") or ann.infons.get("Type")
                if len(ann.locations) != 1:
                    problems.append(Problem(src, raw.id, f"annotation {ident} has {len(ann.locations)} locations; "
                                            "one is needed; kept out"))
                    continue
                offset, length = ann.locations[0]
                spans.append(Span(ident, offset, offset + length, label, ann.text))
        links = []
        for k, rel in enumerate(raw.relations):
            ident = rel.id or f"R#{k + 1}"
            roles = {role.lower(): refid for refid, role in rel.nodes}
            factor = roles.get("factor") or roles.get("arg1") or roles.get("head")
            effect = roles.get("effect") or roles.get("arg2") or roles.get("tail")
            if (factor is None or effect is None) and len(rel.nodes) == 2:
                factor, effect = rel.nodes[0][0], rel.nodes[1][0]
            if factor is None or effect is None:
                links.append(Link(ident, factor or "?", effect or "?", [], problem="it does not name a factor and an effect"))
                continue
            label = rel.infons.get("type") or rel.infons.get("direction") or ""
            links.append(Link(ident, factor, effect, [label], {f: _truthy(rel.infons.get(f)) for f in RELATION_FLAGS}))
        flags_given = any(f in rel.infons for rel in raw.relations for f in RELATION_FLAGS)
        yield AnnotatedText(
            source=src, task=raw.id, doc_id=raw.id, text=text, spans=spans, links=links, flags_annotated=flags_given,
            provenance={"tool": "bioc", "source_file": src, "task": raw.id,
                        "annotator": raw.infons.get("annotator"), "annotated_at": raw.infons.get("date") or _mtime(path),
                        "pre_annotation_model": raw.infons.get("model")},
        )


# ---------------------------------------------------------------- import: doccano

def read_doccano(path: Union[str, Path], problems: list[Problem]) -> Iterator[AnnotatedText]:
    """Records of a doccano sequence-labeling export with relations (``JSONL(relation)``).

    ``entities``: ``{"id", "label", "start_offset", "end_offset"}``; ``relations``:
    ``{"id", "from_id", "to_id", "type"}`` (``from`` is the factor). The older
    ``"label": [[start, end, "LABEL"], ...]`` form (no relations) is read too.
    """
    path = Path(path)
    src = str(path)
    for lineno, record in _read_jsonl_file(path):
        tid = str(record.get("id", f"line {lineno}")) if isinstance(record, dict) else f"line {lineno}"
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            problems.append(Problem(src, tid, "not a doccano record with \"text\"; kept out"))
            continue
        spans = []
        for k, e in enumerate(record.get("entities") or []):
            if isinstance(e, dict):
                spans.append(Span(str(e.get("id", f"e{k}")), e.get("start_offset"), e.get("end_offset"), e.get("label")))
        labels = record.get("label")
        if isinstance(labels, list):
            for k, item in enumerate(labels):
                if isinstance(item, (list, tuple)) and len(item) == 3:
                    spans.append(Span(f"label{k}", item[0], item[1], item[2]))
        links = []
        for k, r in enumerate(record.get("relations") or []):
            if isinstance(r, dict):
                links.append(Link(str(r.get("id", f"r{k}")), str(r.get("from_id")), str(r.get("to_id")),
                                  [str(r.get("type", ""))]))
        meta: dict[str, Any] = record["meta"] if isinstance(record.get("meta"), dict) else {}
        doc_id = record.get("doc_id") or meta.get("doc_id") or f"doccano-{tid}"
        yield AnnotatedText(
            source=src, task=tid, doc_id=str(doc_id), text=record["text"], spans=spans, links=links,
            sentences=_sentences_field(record.get("sentences") or meta.get("sentences")), flags_annotated=False,
            provenance={"tool": "doccano", "source_file": src, "task": tid,
                        "annotator": record.get("annotator") or meta.get("annotator"), "annotated_at": _mtime(path),
                        "pre_annotation_model": None},
        )


# ---------------------------------------------------------------- import: Prodigy

def read_prodigy(path: Union[str, Path], problems: list[Problem]) -> Iterator[AnnotatedText]:
    """Accepted tasks of a Prodigy ``db-out`` JSONL (``spans`` and ``relations`` with ``head_span``/``child_span``)."""
    path = Path(path)
    src = str(path)
    for lineno, task in _read_jsonl_file(path):
        if not isinstance(task, dict) or not isinstance(task.get("text"), str):
            problems.append(Problem(src, f"line {lineno}", "not a Prodigy task with \"text\"; kept out"))
            continue
        meta: dict[str, Any] = task["meta"] if isinstance(task.get("meta"), dict) else {}
        tid = str(task.get("_task_hash", f"line {lineno}"))
        answer = task.get("answer", "accept")
        if answer != "accept":
            problems.append(Problem(src, tid, f"answer is {answer!r}; only accepted tasks are used; kept out"))
            continue
        spans = []
        key_of: dict[tuple[Any, Any], str] = {}
        for k, s in enumerate(task.get("spans") or []):
            if isinstance(s, dict):
                ident = f"s{k}"
                spans.append(Span(ident, s.get("start"), s.get("end"), s.get("label"), s.get("text")))
                key_of.setdefault((s.get("start"), s.get("end")), ident)
        links = []
        for k, r in enumerate(task.get("relations") or []):
            if not isinstance(r, dict):
                continue
            ends = []
            for side in ("head_span", "child_span"):
                span = r.get(side) or {}
                ends.append(key_of.get((span.get("start"), span.get("end")), f"{side}@{span.get('start')}"))
            links.append(Link(f"r{k}", ends[0], ends[1], [str(r.get("label", ""))],
                              {f: bool(r.get(f)) for f in RELATION_FLAGS}))
        sentence_start = meta.get("sentence_start")
        doc_id = meta.get("doc_id") or f"prodigy-{task.get('_input_hash', lineno)}"
        yield AnnotatedText(
            source=src, task=tid, doc_id=str(doc_id), text=task["text"], spans=spans, links=links,
            sentences=[(0, len(task["text"]))], flags_annotated=any(f in r for r in task.get("relations") or []
                                                                    if isinstance(r, dict) for f in RELATION_FLAGS),
            provenance={"tool": "prodigy", "source_file": src, "task": tid, "annotator": task.get("_annotator_id"),
                        "annotated_at": _dt.datetime.fromtimestamp(task["_timestamp"], _dt.timezone.utc).isoformat()
                        if isinstance(task.get("_timestamp"), (int, float)) else _mtime(path),
                        "pre_annotation_model": meta.get("model"),
                        **({"document_offset": sentence_start} if isinstance(sentence_start, int) else {})},
        )


# ---------------------------------------------------------------- import: detection

def detect_annotation_format(path: Union[str, Path]) -> str:
    """Which tool's export ``path`` is, from its content (brat: a folder or an ``.ann`` file)."""
    path = Path(path)
    if path.is_dir() or path.suffix == ".ann" or (path.suffix == ".txt" and path.with_suffix(".ann").exists()):
        return "brat"
    if not path.exists():
        raise InputFormatError("file not found", path=path)
    from .readers.source import read_head

    head = read_head(path, str(path), 65536).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        return "bioc"
    first = head.splitlines()[0] if head else ""
    if head.startswith("["):
        return "labelstudio"
    if head.startswith("{"):
        if '"passages"' in head:
            return "bioc"
        if '"annotations"' in first and '"data"' in first:
            return "labelstudio"
        if '"spans"' in first or '"_task_hash"' in first:
            return "prodigy"
        if '"start_offset"' in first or re.search(r'"label"\s*:\s*\[\s*\[', first) or '"entities"' in first:
            return "doccano"
        if '"data"' in head and '"annotations"' in head:
            return "labelstudio"
    raise InputFormatError("cannot tell which annotation tool wrote this file; pass --from "
                           + "|".join(IMPORT_FORMATS[1:]), path=path)


_READERS = {
    "labelstudio": read_labelstudio,
    "brat": read_brat,
    "bioc": read_bioc_annotations,
    "doccano": read_doccano,
    "prodigy": read_prodigy,
}


def read_annotations(path: Union[str, Path], fmt: str = "auto", problems: Optional[list[Problem]] = None) -> Iterator[AnnotatedText]:
    """The annotated tasks of one export file (or brat folder), unvalidated."""
    if fmt not in IMPORT_FORMATS:
        raise InputFormatError(f"unknown annotation format {fmt!r}; valid: {', '.join(IMPORT_FORMATS)}")
    fmt = detect_annotation_format(path) if fmt == "auto" else fmt
    return _READERS[fmt](path, problems if problems is not None else [])


# ---------------------------------------------------------------- validation -> sentence records

def _as_int(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


@dataclass(eq=False)
class _Mention:
    """A validated entity (document offsets); compared by identity, so two ids may share one."""

    start: int
    end: int
    label: str
    text: str


Report = Callable[..., None]


def _valid_mentions(item: AnnotatedText, report: Report) -> tuple[dict[str, _Mention], set[str]]:
    """Span id -> checked mention (a repeated span maps to the first); ids kept out."""
    mentions: dict[str, _Mention] = {}
    kept_out: set[str] = set()
    by_offsets: dict[tuple[int, int], str] = {}
    for span in item.spans:
        if span.id in mentions or span.id in kept_out:
            report(f"entity id {span.id} is used twice; the second is kept out")
            continue
        mention = _check_span(item, span, report)
        if mention is None:
            kept_out.add(span.id)
            continue
        first_id = by_offsets.get((mention.start, mention.end))
        if first_id is not None:
            first = mentions[first_id]
            if first.label == mention.label:
                report(f"entity {span.id} {mention.text!r} repeats entity {first_id}; merged", "notice")
                mentions[span.id] = first
            else:
                report(f"entity {span.id} {mention.text!r} is labelled {mention.label} and also {first.label} "
                       f"(entity {first_id}); the second is kept out")
                kept_out.add(span.id)
            continue
        by_offsets[(mention.start, mention.end)] = span.id
        mentions[span.id] = mention
    # overlaps: the earlier (then the longer) mention stays
    ordered = sorted(by_offsets.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    last: Optional[tuple[str, _Mention]] = None
    for (start, _), sid in ordered:
        mention = mentions[sid]
        if last is not None and start < last[1].end:
            report(f"entity {sid} {mention.text!r} ({mention.start}-{mention.end}) overlaps entity {last[0]}; "
                   "kept out (entities must not overlap)")
            for other in [k for k, m in mentions.items() if m is mention]:
                del mentions[other]
                kept_out.add(other)
            continue
        last = (sid, mention)
    return mentions, kept_out


def _check_span(item: AnnotatedText, span: Span, report: Report) -> Optional[_Mention]:
    """The mention of a span with offsets checked against the text, or None (reported)."""
    text = item.text
    shown = f"entity {span.id} {span.text!r}" if span.text is not None else f"entity {span.id}"
    if span.problem:
        report(f"{shown}: {span.problem}; kept out")
        return None
    start, end = _as_int(span.start), _as_int(span.end)
    if start is None or end is None:
        report(f"{shown}: offsets {span.start!r}-{span.end!r} are not integers; kept out")
        return None
    if item.utf16 and _utf16_units(text) is not None:
        s16, e16 = from_utf16(text, start), from_utf16(text, end)
        if s16 is not None and e16 is not None and (span.text is None or text[s16:e16] == span.text):
            start, end = s16, e16
    if not 0 <= start < end <= len(text):
        report(f"{shown}: offsets {start}-{end} are outside the text (length {len(text)}) or empty; kept out")
        return None
    if span.text is not None and text[start:end] != span.text:
        report(f"{shown}: span text does not match the text at {start}-{end} ({text[start:end]!r}); kept out")
        return None
    label = normalise_entity_label(span.label)
    if label is None:
        report(f"{shown}: unknown label {span.label!r}; valid: {', '.join(ENTITY_LABELS)}; kept out")
        return None
    surface = text[start:end]
    stripped = surface.strip()
    if not stripped:
        report(f"{shown}: the span is only whitespace; kept out")
        return None
    if stripped != surface:
        report(f"{shown}: surrounding whitespace trimmed from {surface!r}", "notice")
        start += len(surface) - len(surface.lstrip())
        end = start + len(stripped)
    return _Mention(start, end, label, stripped)


def _sentence_bounds(item: AnnotatedText, report: Report, nlp: Any) -> list[tuple[int, int]]:
    given = item.sentences
    if given is not None and all(0 <= s < e <= len(item.text) for s, e in given):
        return given
    if given is not None:
        report("the sentence bounds given with the task do not fit the text; sentences are split again", "notice")
    return split_sentences(item.text, nlp=nlp)


def _relation_problem(link: Link, mentions: dict[str, _Mention], kept_out: set[str]) -> Optional[str]:
    if link.problem:
        return link.problem
    missing = [end for end in (link.factor, link.effect) if end not in mentions]
    return "; ".join(f"entity {m} was kept out" if m in kept_out else f"entity {m} does not exist"
                     for m in missing) or None


def annotated_to_records(item: AnnotatedText, problems: list[Problem], *, nlp: Any = None,
                         imported_at: Optional[str] = None) -> list[dict[str, Any]]:
    """Validate one task and split it into sentence records of the axis corpus format.

    Kept out (each reported): entities with bad offsets, mismatching text, unknown labels,
    overlapping an earlier entity or crossing a sentence boundary; relations that join
    two sentences or an entity to itself. A sentence with a relation that cannot be read
    (a missing or kept-out end, an unknown or missing direction, an undirected arrow, two
    different labels for one pair) is kept out whole: its pair would otherwise be
    trained as ``none``.
    """
    def report(message: str, level: str = "error") -> None:
        problems.append(Problem(item.source, item.task, message, level))

    mentions, kept_out = _valid_mentions(item, report)
    sentences = _sentence_bounds(item, report, nlp)
    sentence_of: dict[str, int] = {}
    members: dict[int, list[_Mention]] = {}
    for sid, mention in list(mentions.items()):
        k = next((k for k, (s, e) in enumerate(sentences) if s <= mention.start and mention.end <= e), None)
        if k is None:
            report(f"entity {sid} {mention.text!r} crosses a sentence boundary; kept out")
            del mentions[sid]
            kept_out.add(sid)
            continue
        sentence_of[sid] = k
        if all(m is not mention for m in members.get(k, [])):
            members.setdefault(k, []).append(mention)

    tainted: dict[int, str] = {}
    relations: dict[int, dict[tuple[_Mention, _Mention], dict[str, Any]]] = {}
    for link in item.links:
        shown = f"relation {link.id}"
        problem = _relation_problem(link, mentions, kept_out)
        if problem:
            ends = [sentence_of[end] for end in (link.factor, link.effect) if end in sentence_of]
            report(f"{shown}: {problem}; kept out" + (", with its sentence" if ends else ""))
            for k in ends:
                tainted.setdefault(k, f"{shown} could not be used")
            continue
        factor, effect = mentions[link.factor], mentions[link.effect]
        k = sentence_of[link.factor]
        if sentence_of[link.effect] != k:
            report(f"{shown}: its ends are in different sentences; only relations within a sentence are used; kept out")
            continue
        if factor is effect:
            report(f"{shown}: from an entity to itself; kept out")
            continue
        directions = [d for d in (normalise_direction(x) for x in link.labels) if d]
        unknown = [x for x in link.labels if normalise_direction(x) is None]
        if len(directions) != 1 or unknown:
            what = (f"unknown label(s) {unknown}" if unknown else
                    "no direction" if not directions else f"several directions {directions}")
            report(f"{shown} ({factor.text!r} -> {effect.text!r}): {what}; valid: {', '.join(DIRECTIONS)}; "
                   "kept out, with its sentence")
            tainted.setdefault(k, f"{shown} has no readable direction")
            continue
        rel: dict[str, Any] = {"direction": directions[0]}
        if item.flags_annotated:
            rel.update({f: bool(link.flags.get(f)) for f in RELATION_FLAGS})
        if rel["direction"] == "no_effect":
            rel["negated"] = True
        table = relations.setdefault(k, {})
        previous = table.get((factor, effect)) or table.get((effect, factor))
        if previous is not None:
            if (factor, effect) in table and previous["direction"] == rel["direction"]:
                report(f"{shown}: repeats a relation between the same entities; merged", "notice")
                continue
            order = "" if (factor, effect) in table else " in the other order"
            report(f"{shown} ({factor.text!r} -> {effect.text!r}, {rel['direction']}): the pair already has "
                   f"{previous['direction']}{order}; kept out, with its sentence")
            tainted.setdefault(k, "two relations for one pair")
            continue
        table[(factor, effect)] = rel

    stamp = imported_at or _now()
    records = []
    for k in sorted(members):
        s_start, s_end = sentences[k]
        if k in tainted:
            report(f"sentence {s_start}-{s_end} kept out ({tainted[k]}): {item.text[s_start:s_end][:80]!r}")
            continue
        records.append(_sentence_record(item, (s_start, s_end), members[k], relations.get(k, {}), report, stamp))
    return records


def _sentence_record(item: AnnotatedText, bounds: tuple[int, int], mentions: list[_Mention],
                     relations: dict[tuple[_Mention, _Mention], dict[str, Any]], report: Report,
                     imported_at: str) -> dict[str, Any]:
    """One axis corpus record: entities sorted, offsets relative to the sentence, provenance."""
    from .attributes import is_hedged, is_negated
    from .corpus import parenthetical_short_forms

    s_start, s_end = bounds
    sentence = item.text[s_start:s_end]
    ordered = sorted(mentions, key=lambda m: m.start)
    position = {id(m): i for i, m in enumerate(ordered)}
    bounds_of = [(m.start - s_start, m.end - s_start) for m in ordered]
    local = [{"text": m.text, "start": b[0], "end": b[1], "label": m.label} for m, b in zip(ordered, bounds_of, strict=True)]
    short_forms = parenthetical_short_forms(sentence, bounds_of)
    rels = []
    for (factor, effect), rel in relations.items():
        fi, ei = position[id(factor)], position[id(effect)]
        if fi in short_forms or ei in short_forms:
            report(f"relation {factor.text!r} -> {effect.text!r}: a short form in parentheses takes no part in "
                   "training pairs (annotate the long form)", "notice")
        if not item.flags_annotated:
            fs, es = bounds_of[fi], bounds_of[ei]
            rel = {**rel, "hedged": is_hedged(sentence, fs, es), "negated": is_negated(sentence, fs, es, rel["direction"])}
        rels.append({"factor": fi, "effect": ei, **rel})
    rels.sort(key=lambda r: (r["factor"], r["effect"]))
    offset = int(item.provenance.get("document_offset") or 0)
    provenance = {key: v for key, v in item.provenance.items() if key != "document_offset" and v is not None}
    provenance.update(doc_id=item.doc_id, sentence_start=s_start + offset, sentence_end=s_end + offset,
                      imported_at=imported_at)
    if not item.flags_annotated:
        provenance["flags"] = "rules"
    return {"id": f"{item.doc_id}:{s_start + offset}-{s_end + offset}", "text": sentence, "entities": local,
            "relations": rels, "source": "curated", "provenance": provenance}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def import_annotations(paths: Sequence[Union[str, Path]], fmt: str = "auto", *, annotator: Optional[str] = None,
                       nlp: Any = None) -> ImportResult:
    """Read, validate and split every task of every file into sentence records (see :func:`annotated_to_records`)."""
    result = ImportResult()
    stamp = _now()
    seen: dict[str, str] = {}
    for path in paths:
        for item in read_annotations(path, fmt, result.problems):
            result.tasks += 1
            if annotator and not item.provenance.get("annotator"):
                item.provenance["annotator"] = annotator
            for record in annotated_to_records(item, result.problems, nlp=nlp, imported_at=stamp):
                if record["id"] in seen:
                    result.problems.append(Problem(item.source, item.task, f"sentence {record['id']} was also imported from "
                                                   f"{seen[record['id']]}; the later one is kept", "notice"))
                    result.records = [r for r in result.records if r["id"] != record["id"]]
                seen[record["id"]] = f"{item.source} task {item.task}"
                result.records.append(record)
    return result


def write_curated(records: Sequence[dict[str, Any]], output: Union[str, Path], *, mode: str = "new") -> dict[str, int]:
    """Write sentence records as JSONL, atomically.

    ``mode``: ``new`` refuses to replace an existing file (so nobody's labels are lost),
    ``merge`` replaces the records with the same ids and keeps the others, ``overwrite``
    replaces the file.
    """
    from .corpus import read_axis_records

    out = Path(output)
    if mode not in {"new", "merge", "overwrite"}:
        raise CorpusError(f"unknown write mode {mode!r}; valid: new, merge, overwrite")
    existing: list[dict[str, Any]] = []
    if out.exists():
        if mode == "new":
            raise CorpusError("the curated file exists; use --merge to replace the re-imported sentences and keep "
                              "the others, or --overwrite", path=out)
        if mode == "merge":
            existing = list(read_axis_records(out))
    new_ids = {r["id"] for r in records}
    kept = [r for r in existing if r["id"] not in new_ids]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in [*kept, *records]:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return {"kept": len(kept), "replaced": len(existing) - len(kept), "written": len(records)}


def problems_path(output: Union[str, Path]) -> Path:
    """Where the problems of an import into ``output`` are listed (not ``*.jsonl``: trainers glob those)."""
    out = Path(output)
    return out.with_name(out.stem + ".problems.json")


# ---------------------------------------------------------------- comparing two model versions

def compare_predictions(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Candidate pairs whose decision differs between two :func:`~axis_nlp.evaluate.evaluate_records` runs.

    Both runs must have ``return_predictions=True`` on the same records. Each change says
    whether the new model ``fixed`` it, ``broke`` it, or ``changed`` one error for another.
    """
    def key(p: dict[str, Any]) -> tuple:
        return (p["group"], p["text"], tuple(map(tuple, p["gold"][:2])))

    def decision(p: dict[str, Any]) -> tuple:
        label = p["predicted"][2]
        return (label,) if label == "none" else (label, tuple(p["predicted"][0]), tuple(p["predicted"][1]))

    def correct(p: dict[str, Any]) -> bool:
        gold = p["gold"][2]
        if gold == "none":
            return p["predicted"][2] == "none"
        return decision(p) == (gold, tuple(p["gold"][0]), tuple(p["gold"][1]))

    before = {key(p): p for p in old.get("predictions", [])}
    changes = []
    for p in new.get("predictions", []):
        q = before.get(key(p))
        if q is None or decision(p) == decision(q):
            continue
        was, now = correct(q), correct(p)
        text = p["text"]
        changes.append({"group": p["group"], "text": text, "gold": _show_decision(text, p["gold"]),
                        "old": _show_decision(text, q["predicted"]), "new": _show_decision(text, p["predicted"]),
                        "change": "fixed" if now and not was else "broke" if was and not now else "changed"})
    order = {"broke": 0, "fixed": 1, "changed": 2}
    changes.sort(key=lambda c: (order[c["change"]], c["group"]))
    return changes


def _show_decision(text: str, decision: list) -> str:
    f, e, label = decision
    return "none" if label == "none" else f"{text[f[0]:f[1]]} -> {text[e[0]:e[1]]}: {label}"


def format_comparison(old_name: str, new_name: str, old: dict[str, Any], new: dict[str, Any],
                      changes: Sequence[dict[str, Any]], *, max_changes: int = 50) -> str:
    """Per-direction P/R/F1 of both models side by side, then the changed predictions."""
    lines = [f"OLD = {old_name}", f"NEW = {new_name}",
             f"{'direction':<13}{'support':>8}  {'OLD P':>6} {'R':>6} {'F1':>6}   {'NEW P':>6} {'R':>6} {'F1':>6}   {'dF1':>6}"]
    for d in DIRECTIONS:
        a, b = old["per_direction"][d], new["per_direction"][d]
        lines.append(f"{d:<13}{a['tp'] + a['fn']:>8}  {a['precision']:>6.3f} {a['recall']:>6.3f} {a['f1']:>6.3f}   "
                     f"{b['precision']:>6.3f} {b['recall']:>6.3f} {b['f1']:>6.3f}   {b['f1'] - a['f1']:>+6.3f}")
    for name, get in (("micro", lambda s: s["micro"]), ("signed micro", lambda s: s["signed_micro"]),
                      ("detection", lambda s: s["detection"])):
        a, b = get(old), get(new)
        lines.append(f"{name:<13}{'':>8}  {a['precision']:>6.3f} {a['recall']:>6.3f} {a['f1']:>6.3f}   "
                     f"{b['precision']:>6.3f} {b['recall']:>6.3f} {b['f1']:>6.3f}   {b['f1'] - a['f1']:>+6.3f}")
    lines.append(f"{'macro F1':<13}{'':>8}  {'':>13} {old['macro_f1']:>6.3f}   {'':>13} {new['macro_f1']:>6.3f}   "
                 f"{new['macro_f1'] - old['macro_f1']:>+6.3f}")
    counts = {c: sum(1 for x in changes if x["change"] == c) for c in ("fixed", "broke", "changed")}
    lines.append("")
    lines.append(f"{len(changes)} pair decisions changed in {len({c['group'] for c in changes})} sentences: "
                 f"{counts['fixed']} fixed, {counts['broke']} broke, {counts['changed']} changed one error for another")
    for c in list(changes)[:max_changes]:
        lines.append(f"[{c['change']}] {c['group']}: {c['text']}")
        lines.append(f"    gold: {c['gold']} | old: {c['old']} | new: {c['new']}")
    if len(changes) > max_changes:
        lines.append(f"... {len(changes) - max_changes} more (--max-changes, or --json for all)")
    return "\n".join(lines)


def compare_models(old_model: Union[str, Path], new_model: Union[str, Path], records: Sequence[dict[str, Any]], *,
                   device: str = "auto") -> dict[str, Any]:
    """Score two relation models on the same pair records; returns both scores and the changes."""
    from .evaluate import evaluate_records, model_predictor
    from .relation.engine import InferenceEngine
    from .relation.model import RelationClassifier, tokenizer_for

    out: dict[str, Any] = {}
    for role, path in (("old", Path(old_model)), ("new", Path(new_model))):
        clf = RelationClassifier.from_pretrained(path)
        engine = InferenceEngine(clf, tokenizer_for(clf.config, path), device=device)
        scores = evaluate_records(model_predictor(engine), records, return_predictions=True)
        scores["model"] = clf.name
        scores["path"] = str(path)
        out[role] = scores
    out["changes"] = compare_predictions(out["old"], out["new"])
    return out
