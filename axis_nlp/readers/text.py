"""Plain text reader."""

from __future__ import annotations

from typing import Iterator, Optional

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Document, Section

from .source import (Source, check_not_empty, decode_text, default_doc_id, display_name,
                     looks_binary, read_all, source_path)


def read_text(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per text file: UTF-8 (BOM stripped) or a confidently detected encoding.

    Line endings are normalised to ``\\n``; the id is the file stem; one ``text`` section.
    """
    label = display_name(source, name)
    data = read_all(source, name)
    check_not_empty(data, label)
    if looks_binary(data[:65536]):
        raise InputFormatError("binary file (not text)", path=label)
    text = decode_text(data, label).replace("\r\n", "\n").replace("\r", "\n")
    yield Document(
        id=default_doc_id(source, name),
        text=text,
        sections=[Section("text", 0, len(text))],
        source=source_path(source, name),
        metadata={"format": "text"},
    )
