"""Safe XML parsing: no entities, no external DTDs or resources, no network.

Everything goes through defusedxml with ``forbid_entities`` and ``forbid_external``:
entity declarations (XXE, billion laughs) are refused before any expansion. A plain
``<!DOCTYPE ... SYSTEM "...dtd">`` line (as PubMed, PMC and BioC files have) is allowed
but never fetched.
"""

from __future__ import annotations

from typing import BinaryIO, Callable, Container, Iterable, Iterator, Optional
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as _safe_iterparse

from axis_nlp.errors import InputFormatError

ENTITIES_MESSAGE = "XML entities/DTD are not allowed"


def local_name(tag: object) -> str:
    """Tag name without its ``{namespace}`` (comments and PIs give '')."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def iter_elements(
    stream: BinaryIO,
    label: str,
    wanted: Callable[[list[str]], bool],
    check_root: Optional[Callable[[str], None]] = None,
) -> Iterator[Element]:
    """Stream the complete elements for which ``wanted(path)`` is true.

    ``path`` is the list of local tag names from the root to the element. Each yielded
    element is cleared after the consumer resumes, and finished top-level children are
    dropped from the root, so memory stays flat on large files (PubMed baselines).
    ``check_root(name)`` may raise to refuse an unexpected root element early.
    """
    path: list[str] = []
    parents: list[Element] = []
    try:
        for event, elem in _safe_iterparse(stream, events=("start", "end"),
                                           forbid_dtd=False, forbid_entities=True,
                                           forbid_external=True):
            if event == "start":
                name = local_name(elem.tag)
                if not path and check_root is not None:
                    check_root(name)
                path.append(name)
                parents.append(elem)
                continue
            taken = wanted(path)
            path.pop()
            parents.pop()
            if taken:
                yield elem
                elem.clear()
                if parents:
                    # Drop finished children so the tree does not grow with the file.
                    parent = parents[-1]
                    if len(parent) and parent[-1] is elem:
                        parent.remove(elem)
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":", 1)[0]
        raise InputFormatError(f"malformed XML at line {line}, column {column}: {reason}",
                               path=label) from None
    except DefusedXmlException as exc:
        raise InputFormatError(f"{ENTITIES_MESSAGE} ({type(exc).__name__}: {exc})",
                               path=label) from None


def text_of(elem: Element, drop: Container[str] = (), keep_tail: bool = False) -> str:
    """Concatenated text of ``elem`` without the subtrees whose local tag is in ``drop``.

    The tail text that follows a dropped element is kept.
    """
    parts: list[str] = []
    _collect(elem, drop, parts)
    if keep_tail and elem.tail:
        parts.append(elem.tail)
    return "".join(parts)


def _collect(elem: Element, drop: Container[str], parts: list[str]) -> None:
    if elem.text:
        parts.append(elem.text)
    for child in elem:
        if local_name(child.tag) not in drop and isinstance(child.tag, str):
            _collect(child, drop, parts)
        if child.tail:
            parts.append(child.tail)


def children(elem: Element, name: str) -> Iterable[Element]:
    """Direct children of ``elem`` with local tag ``name``."""
    return (child for child in elem if local_name(child.tag) == name)


def child(elem: Optional[Element], *names: str) -> Optional[Element]:
    """Follow a path of local tag names through first matching children."""
    node = elem
    for name in names:
        if node is None:
            return None
        node = next(iter(children(node, name)), None)
    return node
