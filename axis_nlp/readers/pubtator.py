"""PubTator reader: ``ID|t|title``, ``ID|a|abstract``, annotation and relation lines.

PubTator offsets index into ``title + one character + abstract``. The character is
``\\n`` here (as in BioC, where the abstract passage starts one past the title), so a
document reads to the same text from PubTator and from BioC.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Document, Entity, Section

from .annotations import id_lookup, make_entity, make_relation, map_label
from .detect import EXPECTED
from .source import Source, check_not_empty, corpus_doc_id, decode_utf8_line, display_name, \
    open_binary, read_head, source_path

_TEXT_LINE = re.compile(r"^([^|\t]+)\|([a-z])\|(.*)$", re.DOTALL)
SEPARATOR = "\n"


class _Pending:
    def __init__(self, pmid: str, lineno: int) -> None:
        self.pmid = pmid
        self.lineno = lineno
        self.title: Optional[str] = None
        self.abstract: Optional[str] = None
        self.annotations: list[tuple[int, int, int, str, str, Optional[str]]] = []
        self.relations: list[tuple[str, str, str, Optional[str], list[str]]] = []


def read_pubtator(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per PubTator block (blank-line separated), with given entities/relations."""
    label = display_name(source, name)
    check_not_empty(read_head(source, name, 4096), label)
    src = source_path(source, name)
    pending: Optional[_Pending] = None
    seen_text = False
    with open_binary(source, name) as stream:
        for lineno, raw in enumerate(stream, start=1):
            line = decode_utf8_line(raw, label, lineno).rstrip("\r\n")
            if not line.strip():
                if pending is not None:
                    yield _finish(pending, label, src)
                    pending = None
                continue
            match = _TEXT_LINE.match(line)
            if match:
                pmid, kind, content = match.groups()
                if pending is not None and (pending.pmid != pmid or kind == "t"
                                            and pending.title is not None):
                    yield _finish(pending, label, src)
                    pending = None
                if pending is None:
                    pending = _Pending(pmid, lineno)
                seen_text = True
                if kind == "t":
                    pending.title = content
                elif kind == "a":
                    pending.abstract = content
                continue
            fields = line.split("\t")
            if pending is None:
                if not seen_text:
                    raise InputFormatError(f"expected {EXPECTED['pubtator']}; line {lineno} is "
                                           f"not a title line", path=label)
                raise InputFormatError(f"line {lineno}: annotation line outside a document",
                                       path=label)
            if fields[0] != pending.pmid:
                raise InputFormatError(f"line {lineno}: id {fields[0]!r} does not match the "
                                       f"document {pending.pmid!r}", path=label)
            if fields[1:3] and all(f.strip().isdigit() for f in fields[1:3]) and len(fields) > 2:
                if len(fields) < 5:
                    raise InputFormatError(f"line {lineno}: an annotation line needs the columns "
                                           "id, start, end, mention, type[, identifier]",
                                           path=label)
                identifier = fields[5] if len(fields) > 5 else None
                pending.annotations.append((lineno, int(fields[1]), int(fields[2]), fields[3],
                                            fields[4], identifier))
            elif len(fields) >= 4:
                novel = fields[4] if len(fields) > 4 else None
                pending.relations.append((fields[1], fields[2], fields[3], novel, fields[5:]))
            else:
                raise InputFormatError(f"line {lineno}: not a PubTator title, abstract, "
                                       f"annotation or relation line", path=label)
    if pending is not None:
        yield _finish(pending, label, src)


def _finish(pending: _Pending, label: str, src: Optional[str]) -> Document:
    title = pending.title or ""
    abstract = pending.abstract or ""
    text = title + SEPARATOR + abstract if abstract else title
    sections: list[Section] = []
    if title:
        sections.append(Section("title", 0, len(title)))
    if abstract:
        sections.append(Section("abstract", len(title) + 1, len(text)))
    entities: list[Entity] = []
    pairs: list[tuple[Optional[str], str]] = []
    for lineno, start, end, mention, corpus_type, identifier in pending.annotations:
        entities.append(make_entity(text, start, end, mention, corpus_type, identifier, label,
                                    f"line {lineno}"))
        pairs.append((identifier, map_label(corpus_type)))
    entities.sort(key=lambda e: (e.start, e.end))
    lookup = id_lookup(pairs)
    relations: list[dict[str, Any]] = []
    for rel_type, entity1, entity2, novel, rest in pending.relations:
        extra = {"extra": rest} if rest else None
        relations.append(make_relation(rel_type, entity1, entity2, novel, lookup, extra))
    metadata: dict[str, Any] = {"format": "pubtator"}
    if pending.pmid.isdigit():
        metadata["pmid"] = pending.pmid
    return Document(id=corpus_doc_id(pending.pmid), text=text, sections=sections,
                    entities=entities, relations=relations, source=src, metadata=metadata)
