"""Format detection from the content of a file (the extension only breaks ties)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from axis_nlp.errors import InputFormatError, UnknownFormatError

from .source import Source, bom_encoding, check_not_empty, display_name, looks_binary, read_head

INPUT_FORMATS: tuple[str, ...] = ("auto", "text", "pubmed", "jats", "bioc", "pubtator", "jsonl", "pdf")

#: What each forced format expects, for error messages.
EXPECTED: dict[str, str] = {
    "text": "a text file",
    "pubmed": "PubMed/MEDLINE XML (<PubmedArticleSet>, <PubmedArticle> or <MedlineCitation>)",
    "jats": "JATS XML (<article> with <front>, or <pmc-articleset>)",
    "bioc": "BioC XML (<collection>) or BioC JSON ({\"documents\": [{\"passages\": ...}]})",
    "pubtator": "PubTator text (lines 'ID|t|title', 'ID|a|abstract')",
    "jsonl": "JSON Lines with \"id\" and \"text\" on each line",
    "pdf": "a PDF file (%PDF header)",
}

PUBMED_ROOTS = {"PubmedArticleSet", "PubmedArticle", "MedlineCitationSet", "MedlineCitation",
                "PubmedBookArticle"}
JATS_ROOTS = {"article", "pmc-articleset"}
BIOC_ROOTS = {"collection"}

HEAD_SIZE = 65536

_XML_PROLOG = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.DOTALL | re.IGNORECASE)
_ROOT_TAG = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_PUBTATOR_LINE = re.compile(r"^[^\s|]+\|[ta]\|")


def xml_root(text: str) -> Optional[str]:
    """Local name of the root element of XML text (None when it does not start like XML)."""
    rest = text[_XML_PROLOG.match(text).end():]  # type: ignore[union-attr]
    match = _ROOT_TAG.match(rest)
    return match.group(2) if match else None


def _head_text(head: bytes) -> str:
    encoding = bom_encoding(head)
    if encoding:
        return head.decode(encoding, errors="ignore").lstrip("\ufeff")
    return head.decode("utf-8", errors="replace")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _is_jsonl(text: str) -> bool:
    line = _first_line(text)
    if not line.startswith("{"):
        return False
    try:
        record = json.loads(line)
    except ValueError:
        # The first line may be cut by the head size: look at its keys only.
        return bool(re.search(r'"id"\s*:', line) and re.search(r'"text"\s*:', line))
    return isinstance(record, dict) and "id" in record and "text" in record


def _is_bioc_json(text: str) -> bool:
    return ('"passages"' in text
            and any(key in text for key in ('"documents"', '"PubTator3"')))


def sniff(head: bytes, name: Optional[str] = None) -> str:
    """The format of content starting with ``head`` (already gunzipped).

    Raises InputFormatError for binary content and UnknownFormatError for XML/JSON
    of an unsupported kind.
    """
    label = name or "<bytes>"
    check_not_empty(head, label)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if looks_binary(head):
        raise InputFormatError("binary file (not text, XML, JSON or PDF)", path=label)
    text = _head_text(head).lstrip("\ufeff").lstrip()
    ext = Path(name).suffixes if name else []
    exts = {e.lower() for e in ext}
    if text.startswith("<"):
        root = xml_root(text)
        if root in PUBMED_ROOTS:
            return "pubmed"
        if root in JATS_ROOTS:
            return "jats"
        if root in BIOC_ROOTS:
            return "bioc"
        if text.startswith("<?xml") or exts & {".xml", ".nxml"}:
            raise UnknownFormatError(
                f"unsupported XML document (root element <{root}>); expected "
                "<PubmedArticleSet>, <article> (JATS) or <collection> (BioC)", path=label)
        return "text"
    if text.startswith("{") or text.startswith("["):
        if _is_bioc_json(text):
            return "bioc"
        if _is_jsonl(text):
            return "jsonl"
        if exts & {".json", ".jsonl", ".ndjson"} or _parses_as_json_object(_first_line(text)):
            raise UnknownFormatError(
                "unsupported JSON: expected BioC JSON (\"documents\" with \"passages\") or "
                "JSON Lines with \"id\" and \"text\" on each line", path=label)
        return "text"
    if _PUBTATOR_LINE.match(text):
        return "pubtator"
    return "text"


def _parses_as_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), (dict, list))
    except ValueError:
        return False


def detect_format(path_or_bytes: Source, name: Optional[str] = None) -> str:
    """Detect the format of a file (path) or of raw bytes from its content.

    Returns one of ``text``, ``pubmed``, ``jats``, ``bioc``, ``pubtator``, ``jsonl``,
    ``pdf``. Gzipped content is looked into. Raises InputFormatError for empty or binary
    files and UnknownFormatError for unsupported XML/JSON.
    """
    label = display_name(path_or_bytes, name)
    head = read_head(path_or_bytes, label, HEAD_SIZE)
    return sniff(head, label)


def check_forced(head: bytes, fmt: str, label: str) -> None:
    """Raise InputFormatError when content does not match an explicitly forced format."""
    check_not_empty(head, label)
    if fmt == "pdf":
        if b"%PDF-" not in head[:1024]:
            raise InputFormatError(f"expected {EXPECTED['pdf']}, found no %PDF header", path=label)
        return
    try:
        found = sniff(head, label)
    except UnknownFormatError:
        found = "unknown"
    if found == fmt or (fmt == "text" and found != "pdf"):
        return
    if fmt == "jsonl" and found == "unknown" and head.lstrip().startswith(b"{"):
        return  # let the JSONL reader name the bad line
    raise InputFormatError(f"expected {EXPECTED.get(fmt, fmt)}, but the content looks like "
                           f"{_describe(found)}", path=label)


def _describe(found: str) -> str:
    return {
        "unknown": "an unsupported XML/JSON document",
        "text": "plain text",
        "pubmed": "PubMed XML",
        "jats": "JATS XML",
        "bioc": "BioC",
        "pubtator": "PubTator",
        "jsonl": "JSON Lines",
        "pdf": "a PDF",
    }.get(found, found)
