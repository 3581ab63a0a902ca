"""BioC readers (XML and JSON, e.g. the BioRED release): text, given entities and relations.

BioC passage offsets are document-level: the text is built by placing each passage at
its offset (gaps padded with ``\\n``), so the given annotation offsets hold unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional
from xml.etree.ElementTree import Element

from axis_nlp.errors import EncodingError, InputFormatError
from axis_nlp.schema import Document, Entity, Section

from .annotations import id_lookup, make_entity, make_relation, map_label
from .detect import BIOC_ROOTS, EXPECTED
from .source import Source, check_not_empty, corpus_doc_id, display_name, open_binary, \
    read_all, read_head, source_path
from .xmlsafe import children, iter_elements

_ID_KEYS = ("identifier", "Identifier", "MESH", "NCBI Gene", "NCBIGene", "normalized_id")
_SECTION_TYPES = {
    "title": "title", "abstract": "abstract", "intro": "introduction", "methods": "methods",
    "results": "results", "discuss": "discussion", "concl": "conclusions", "ref": "references",
    "table": "table", "fig": "figure", "suppl": "supplementary", "ack": "acknowledgements",
    "abbr": "abbreviations", "comp_int": "competing interests", "auth_cont": "author contributions",
    "case": "case report", "review_info": "review info", "appendix": "appendix",
}


@dataclass
class _Annotation:
    id: Optional[str]
    infons: dict[str, Any]
    locations: list[tuple[int, int]]
    text: Optional[str]


@dataclass
class _Passage:
    offset: int
    text: Optional[str]
    infons: dict[str, Any]
    sentences: list[tuple[int, str]] = field(default_factory=list)
    annotations: list[_Annotation] = field(default_factory=list)


@dataclass
class _Relation:
    id: Optional[str]
    infons: dict[str, Any]
    nodes: list[tuple[str, str]]


@dataclass
class _BiocDoc:
    id: str
    infons: dict[str, Any]
    passages: list[_Passage]
    relations: list[_Relation]


# ---------------------------------------------------------------- building Documents

def _section_name(infons: dict[str, Any], index: int) -> str:
    section_type = str(infons.get("section_type") or "").strip().lower()
    if section_type:
        return _SECTION_TYPES.get(section_type, section_type)
    kind = str(infons.get("type") or "").strip().lower()
    if kind:
        return "title" if kind in ("title", "front") else kind
    # BioRED passages carry no infons: title first, then the abstract.
    return "title" if index == 0 else "abstract"


def _build(raw: _BiocDoc, label: str, src: Optional[str], fmt: str) -> Document:
    where = f"document {raw.id}"
    pieces: list[tuple[int, str, str]] = []  # (offset, text, section)
    for index, passage in enumerate(raw.passages):
        name = _section_name(passage.infons, index)
        if passage.text:
            pieces.append((passage.offset, passage.text, name))
        for offset, sentence in passage.sentences:
            if sentence:
                pieces.append((offset, sentence, name))
    pieces.sort(key=lambda piece: piece[0])

    parts: list[str] = []
    sections: list[Section] = []
    length = 0
    for offset, text, name in pieces:
        if offset < length:
            raise InputFormatError(f"{where}: passage at offset {offset} overlaps the previous "
                                   f"passage (which ends at {length})", path=label)
        gap = offset - length
        if gap:
            parts.append("\n" * gap)
        if sections and sections[-1].name == name:
            sections[-1].end = offset + len(text)
        else:
            sections.append(Section(name, offset, offset + len(text)))
        parts.append(text)
        length = offset + len(text)
    text = "".join(parts)

    entities: list[Entity] = []
    pairs: list[tuple[Optional[str], str]] = []
    by_annotation_id: dict[str, str] = {}
    for passage in raw.passages:
        for ann in passage.annotations:
            corpus_type = str(ann.infons.get("type") or ann.infons.get("Type") or "")
            identifier = next((str(ann.infons[k]) for k in _ID_KEYS
                               if ann.infons.get(k) not in (None, "")), None)
            pairs.append((identifier, map_label(corpus_type)))
            if not ann.locations:
                raise InputFormatError(f"{where}: annotation {ann.id} has no location", path=label)
            single = len(ann.locations) == 1
            for start, span_length in ann.locations:
                entity = make_entity(text, start, start + span_length,
                                     ann.text if single else None, corpus_type, identifier,
                                     label, f"{where}, annotation {ann.id}")
                entities.append(entity)
                if ann.id is not None and entity.id:
                    by_annotation_id.setdefault(ann.id, entity.id)
    entities.sort(key=lambda e: (e.start, e.end))
    lookup = id_lookup(pairs)

    relations: list[dict[str, Any]] = []
    for rel in raw.relations:
        infons = dict(rel.infons)
        rel_type = infons.pop("type", None) or infons.pop("relation", None) or infons.pop("Type", None)
        entity1 = infons.pop("entity1", None) or infons.pop("Entity1", None)
        entity2 = infons.pop("entity2", None) or infons.pop("Entity2", None)
        if entity1 is None and entity2 is None and rel.nodes:
            refs = [by_annotation_id.get(refid, refid) for refid, _ in rel.nodes]
            entity1 = refs[0]
            entity2 = refs[1] if len(refs) > 1 else None
        novel = infons.pop("novel", None)
        extra: dict[str, Any] = {"id": rel.id} if rel.id is not None else {}
        extra.update(infons)
        relations.append(make_relation(rel_type, entity1, entity2, novel, lookup, extra))

    metadata: dict[str, Any] = {"format": fmt}
    if raw.id.isdigit():
        metadata["pmid"] = raw.id
    if raw.infons:
        metadata["infons"] = raw.infons
    return Document(id=corpus_doc_id(raw.id), text=text, sections=sections, entities=entities,
                    relations=relations, source=src, metadata=metadata)


# ---------------------------------------------------------------- BioC XML

def _infons(elem: Element) -> dict[str, Any]:
    return {(i.get("key") or ""): (i.text or "") for i in children(elem, "infon")}


def _int(value: Any, what: str, label: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InputFormatError(f"{what}: expected an integer offset, found {value!r}",
                               path=label) from None


def _child_text(elem: Element, name: str) -> Optional[str]:
    node = next(iter(children(elem, name)), None)
    return None if node is None else (node.text or "")


def _xml_annotation(elem: Element, where: str, label: str) -> _Annotation:
    locations = [(_int(loc.get("offset"), where, label), _int(loc.get("length"), where, label))
                 for loc in children(elem, "location")]
    return _Annotation(elem.get("id"), _infons(elem), locations, _child_text(elem, "text"))


def _xml_relations(elem: Element) -> list[_Relation]:
    return [_Relation(rel.get("id"), _infons(rel),
                      [(node.get("refid") or "", node.get("role") or "")
                       for node in children(rel, "node")])
            for rel in children(elem, "relation")]


def _xml_document(elem: Element, label: str) -> _BiocDoc:
    doc_id = (_child_text(elem, "id") or "").strip()
    where = f"document {doc_id or '?'}"
    if not doc_id:
        raise InputFormatError(f"{where}: BioC document without <id>", path=label)
    passages: list[_Passage] = []
    relations = _xml_relations(elem)
    for pas in children(elem, "passage"):
        offset = _int(_child_text(pas, "offset"), where, label)
        passage = _Passage(offset, _child_text(pas, "text"), _infons(pas))
        passage.annotations = [_xml_annotation(a, where, label) for a in children(pas, "annotation")]
        relations.extend(_xml_relations(pas))
        for sentence in children(pas, "sentence"):
            passage.sentences.append((_int(_child_text(sentence, "offset"), where, label),
                                      _child_text(sentence, "text") or ""))
            passage.annotations.extend(_xml_annotation(a, where, label)
                                       for a in children(sentence, "annotation"))
            relations.extend(_xml_relations(sentence))
        passages.append(passage)
    return _BiocDoc(doc_id, _infons(elem), passages, relations)


def read_bioc_xml(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per BioC ``<document>`` (streamed), with given entities and relations."""
    label = display_name(source, name)
    check_not_empty(read_head(source, name, 4096), label)

    def check_root(root: str) -> None:
        if root not in BIOC_ROOTS:
            raise InputFormatError(f"expected {EXPECTED['bioc']}, found <{root}>", path=label)

    src = source_path(source, name)
    with open_binary(source, name) as stream:
        for elem in iter_elements(stream, label, lambda p: p == ["collection", "document"],
                                  check_root):
            yield _build(_xml_document(elem, label), label, src, "bioc")


# ---------------------------------------------------------------- BioC JSON

def _as_list(value: Any, what: str, label: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputFormatError(f"{what}: expected a list", path=label)
    return value


def _as_dict(value: Any, what: str, label: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputFormatError(f"{what}: expected an object", path=label)
    return value


def _json_annotation(ann: Any, where: str, label: str) -> _Annotation:
    ann = _as_dict(ann, f"{where}, annotation", label)
    locations = []
    for loc in _as_list(ann.get("locations"), f"{where}, annotation locations", label):
        loc = _as_dict(loc, f"{where}, annotation location", label)
        locations.append((_int(loc.get("offset"), where, label), _int(loc.get("length"), where, label)))
    ann_id = ann.get("id")
    return _Annotation(None if ann_id is None else str(ann_id),
                       _as_dict(ann.get("infons"), f"{where}, annotation infons", label),
                       locations, ann.get("text"))


def _json_relations(owner: dict, where: str, label: str) -> list[_Relation]:
    relations = []
    for rel in _as_list(owner.get("relations"), f"{where}, relations", label):
        rel = _as_dict(rel, f"{where}, relation", label)
        nodes = [(str(_as_dict(n, where, label).get("refid", "")),
                  str(_as_dict(n, where, label).get("role", "")))
                 for n in _as_list(rel.get("nodes"), f"{where}, relation nodes", label)]
        rel_id = rel.get("id")
        relations.append(_Relation(None if rel_id is None else str(rel_id),
                                   _as_dict(rel.get("infons"), f"{where}, relation infons", label),
                                   nodes))
    return relations


def _json_document(doc: Any, index: int, label: str) -> _BiocDoc:
    doc = _as_dict(doc, f"document #{index + 1}", label)
    raw_id = doc.get("id", doc.get("pmid"))
    if raw_id in (None, ""):
        raise InputFormatError(f"document #{index + 1}: no \"id\"", path=label)
    doc_id = str(raw_id)
    where = f"document {doc_id}"
    if "passages" not in doc:
        raise InputFormatError(f"{where}: no \"passages\"", path=label)
    passages = []
    relations = _json_relations(doc, where, label)
    for pas in _as_list(doc.get("passages"), f"{where}, passages", label):
        pas = _as_dict(pas, f"{where}, passage", label)
        text = pas.get("text")
        if text is not None and not isinstance(text, str):
            raise InputFormatError(f"{where}: passage text is not a string", path=label)
        passage = _Passage(_int(pas.get("offset"), where, label), text,
                           _as_dict(pas.get("infons"), f"{where}, passage infons", label))
        passage.annotations = [_json_annotation(a, where, label)
                               for a in _as_list(pas.get("annotations"), f"{where}, annotations", label)]
        relations.extend(_json_relations(pas, where, label))
        for sentence in _as_list(pas.get("sentences"), f"{where}, sentences", label):
            sentence = _as_dict(sentence, f"{where}, sentence", label)
            passage.sentences.append((_int(sentence.get("offset"), where, label),
                                      str(sentence.get("text") or "")))
            passage.annotations.extend(
                _json_annotation(a, where, label)
                for a in _as_list(sentence.get("annotations"), f"{where}, annotations", label))
            relations.extend(_json_relations(sentence, where, label))
        passages.append(passage)
    return _BiocDoc(doc_id, _as_dict(doc.get("infons"), f"{where}, infons", label), passages, relations)


def _json_documents(data: Any, label: str) -> Iterable[Any]:
    if isinstance(data, dict):
        for key in ("documents", "PubTator3"):
            if key in data:
                return _as_list(data[key], f"\"{key}\"", label)
        if "passages" in data:
            return [data]
    elif isinstance(data, list):
        return data
    raise InputFormatError(f"expected {EXPECTED['bioc']}", path=label)


def read_bioc_json(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per BioC JSON document (the BioRED release format)."""
    label = display_name(source, name)
    data = read_all(source, name)
    check_not_empty(data, label)
    try:
        parsed = json.loads(data)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"BioC JSON is not valid UTF-8 ({exc.reason})", path=label) from None
    except json.JSONDecodeError as exc:
        raise InputFormatError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                               path=label) from None
    src = source_path(source, name)
    for index, doc in enumerate(_json_documents(parsed, label)):
        yield _build(_json_document(doc, index, label), label, src, "bioc")


def read_bioc(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """BioC in either serialisation (XML or JSON), chosen from the content."""
    head = read_head(source, name, 1024)
    check_not_empty(head, display_name(source, name))
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_bioc_xml(source, name)
    return read_bioc_json(source, name)
