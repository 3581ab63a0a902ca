"""JSON Lines reader: one ``{"id": ..., "text": ...}`` object per line."""

from __future__ import annotations

import json
from typing import Any, Iterator, Optional

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Document, Section

from .source import Source, check_not_empty, decode_utf8_line, display_name, open_binary, \
    read_head, source_path


def read_jsonl(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per non-blank line.

    Required: ``id`` (string or integer) and ``text`` (string). Optional: ``title`` (placed
    before the text, joined with ``\\n``; sections ``title`` and ``text``), ``sections``
    (a list of ``{"name", "start", "end"}`` into ``text``) and ``metadata`` (an object).
    The first bad line raises InputFormatError naming the line, after the documents of
    the lines before it have been yielded.
    """
    label = display_name(source, name)
    check_not_empty(read_head(source, name, 4096), label)
    src = source_path(source, name)
    with open_binary(source, name) as stream:
        for lineno, raw in enumerate(stream, start=1):
            line = decode_utf8_line(raw, label, lineno)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"line {lineno}: invalid JSON ({exc.msg}, column "
                                       f"{exc.colno})", path=label) from None
            yield _document(record, lineno, label, src)


def _bad(lineno: int, problem: str, label: str) -> InputFormatError:
    return InputFormatError(f"line {lineno}: {problem}", path=label)


def _document(record: Any, lineno: int, label: str, src: Optional[str]) -> Document:
    if not isinstance(record, dict):
        raise _bad(lineno, "expected a JSON object with \"id\" and \"text\"", label)
    doc_id = record.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or str(doc_id).strip() == "":
        raise _bad(lineno, "missing or invalid \"id\" (a non-empty string or an integer)", label)
    body = record.get("text")
    if not isinstance(body, str):
        raise _bad(lineno, "missing or invalid \"text\" (a string)", label)
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise _bad(lineno, "\"title\" must be a string", label)
    metadata = record.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise _bad(lineno, "\"metadata\" must be an object", label)

    shift = len(title) + 1 if title else 0
    text = f"{title}\n{body}" if title else body
    sections: list[Section] = []
    given = record.get("sections")
    if given is not None:
        if not isinstance(given, list):
            raise _bad(lineno, "\"sections\" must be a list", label)
        if title:
            sections.append(Section("title", 0, len(title)))
        for item in given:
            try:
                section = Section(str(item["name"]), int(item["start"]) + shift,
                                  int(item["end"]) + shift)
            except (KeyError, TypeError, ValueError):
                raise _bad(lineno, "each section needs \"name\", \"start\" and \"end\"",
                           label) from None
            if not (shift <= section.start <= section.end <= len(text)):
                raise _bad(lineno, f"section {section.name!r} offsets are outside the text", label)
            sections.append(section)
    else:
        if title:
            sections.append(Section("title", 0, len(title)))
        if body:
            sections.append(Section("text", shift, len(text)))
    return Document(id=str(doc_id), text=text, sections=sections, source=src,
                    metadata={"format": "jsonl", **metadata})
