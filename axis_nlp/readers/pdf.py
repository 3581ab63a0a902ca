"""PDF reader (optional dependency: pypdf)."""

from __future__ import annotations

import io
from typing import Iterator, Optional

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Document, Section

from .source import Source, check_not_empty, default_doc_id, display_name, read_all, source_path


def read_pdf(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per PDF: the text of each page, pages joined with ``\\n\\n``.

    Needs pypdf (``pip install axis-nlp[pdf]``). Page spans go to ``metadata["pages"]``.
    """
    label = display_name(source, name)
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise InputFormatError("reading PDF needs the optional dependency pypdf: "
                               "install axis-nlp[pdf]", path=label) from None
    data = read_all(source, name)
    check_not_empty(data, label)
    if b"%PDF-" not in data[:1024]:
        raise InputFormatError("not a PDF file (no %PDF header)", path=label)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputFormatError("encrypted PDF", path=label)
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except InputFormatError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise InputFormatError(f"unreadable PDF ({type(exc).__name__}: {exc})", path=label) from None
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for page in pages:
        if parts:
            parts.append("\n\n")
            length += 2
        parts.append(page)
        spans.append((length, length + len(page)))
        length += len(page)
    text = "".join(parts)
    if not text.strip():
        raise InputFormatError("the PDF has no extractable text (scanned images?)", path=label)
    yield Document(
        id=default_doc_id(source, name),
        text=text,
        sections=[Section("text", 0, len(text))],
        source=source_path(source, name),
        metadata={"format": "pdf", "pages": [list(span) for span in spans]},
    )
