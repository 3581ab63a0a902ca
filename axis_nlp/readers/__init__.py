"""Input readers: every supported format becomes :class:`axis_nlp.schema.Document` objects.

Formats: plain text, PubMed/MEDLINE XML, JATS (PMC) XML, BioC XML and JSON, PubTator,
JSON Lines and PDF; any of them may be gzipped. ``detect_format`` tells them apart
by content. XML is parsed without entities, external DTDs or network access.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from axis_nlp.errors import AxisError, InputFormatError, UnknownFormatError
from axis_nlp.schema import Document

from .bioc import read_bioc, read_bioc_json, read_bioc_xml
from .detect import INPUT_FORMATS, check_forced, detect_format, sniff
from .jats import read_jats_xml
from .jsonl import read_jsonl
from .pdf import read_pdf
from .pubmed import read_pubmed_xml
from .pubtator import read_pubtator
from .source import Source, display_name, read_head
from .text import read_text

__all__ = [
    "INPUT_FORMATS", "READERS", "detect_format", "read_path", "read_stdin", "read_source",
    "iter_input_files", "read_inputs", "read_text", "read_pubmed_xml", "read_jats_xml",
    "read_bioc", "read_bioc_xml", "read_bioc_json", "read_pubtator", "read_jsonl", "read_pdf",
]

Reader = Callable[[Source, Optional[str]], Iterator[Document]]

#: Reader of each concrete format (BioC picks XML or JSON from the content).
READERS: dict[str, Reader] = {
    "text": read_text,
    "pubmed": read_pubmed_xml,
    "jats": read_jats_xml,
    "bioc": read_bioc,
    "pubtator": read_pubtator,
    "jsonl": read_jsonl,
    "pdf": read_pdf,
}

ErrorHandler = Callable[[Path, AxisError], None]


def _check_format(input_format: str) -> None:
    if input_format not in INPUT_FORMATS:
        raise UnknownFormatError(f"unknown input format {input_format!r}; choose one of "
                                 + ", ".join(INPUT_FORMATS))


def read_source(source: Source, input_format: str = "auto",
                name: Optional[str] = None) -> Iterator[Document]:
    """Read a path or bytes in ``input_format`` (``auto``: detected from the content).

    A forced format is checked against the content first (InputFormatError saying what
    was expected). OS errors while reading become InputFormatError.
    """
    _check_format(input_format)
    label = display_name(source, name)
    try:
        head = read_head(source, name)
        if input_format == "auto":
            fmt = sniff(head, label)
        else:
            check_forced(head, input_format, label)
            fmt = input_format
        yield from READERS[fmt](source, name)
    except OSError as exc:
        raise InputFormatError(f"cannot read file: {exc.strerror or exc}", path=label) from None
    except RecursionError:
        raise InputFormatError("input nested too deeply", path=label) from None


def read_path(path: Union[str, os.PathLike], input_format: str = "auto") -> Iterator[Document]:
    """Read one file (gzipped or not; ``-`` is standard input); yields one or more Documents."""
    if str(path) == "-":
        return read_stdin(input_format)
    return read_source(path, input_format, str(path))


def read_stdin(input_format: str = "auto") -> Iterator[Document]:
    """Read standard input (all of it, as bytes); documents without an id get ``stdin``."""
    _check_format(input_format)
    data = sys.stdin.buffer.read()
    return read_source(data, input_format, "<stdin>")


def _hidden(name: str) -> bool:
    return name.startswith(".")


def iter_input_files(inputs: Iterable[Union[str, os.PathLike]]) -> Iterator[Path]:
    """Files named by ``inputs``: files as given, directories expanded recursively in
    sorted order without hidden files or folders, ``-`` for standard input (``Path("-")``).

    A path that does not exist is passed through; reading it raises InputFormatError.
    """
    for item in inputs:
        if str(item) == "-":
            yield Path("-")
            continue
        path = Path(item)
        if not path.is_dir():
            yield path
            continue
        found: list[Path] = []
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not _hidden(d)]
            for file_name in files:
                candidate = Path(folder) / file_name
                if not _hidden(file_name) and candidate.is_file():
                    found.append(candidate)
        yield from sorted(found)


def read_inputs(inputs: Iterable[Union[str, os.PathLike]], input_format: str = "auto",
                on_error: Optional[ErrorHandler] = None) -> Iterator[Document]:
    """Documents of every input (see :func:`iter_input_files`).

    When a file fails, ``on_error(path, exc)`` is called and reading goes on with the next
    file (documents yielded before the failure stay yielded); without ``on_error`` the
    error is raised.
    """
    _check_format(input_format)
    for path in iter_input_files(inputs):
        try:
            if str(path) == "-":
                yield from read_stdin(input_format)
            else:
                yield from read_path(path, input_format)
        except AxisError as exc:
            if on_error is None:
                raise
            on_error(path, exc)
