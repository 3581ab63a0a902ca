"""JATS (PMC) XML reader: title, abstract and body sections; no tables, figures, references."""

from __future__ import annotations

import re
from typing import Iterator, Optional
from xml.etree.ElementTree import Element

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Document

from .builder import TextBuilder
from .detect import EXPECTED, JATS_ROOTS
from .source import Source, check_not_empty, default_doc_id, display_name, normalize_space, \
    open_binary, read_head, source_path
from .xmlsafe import child, children, iter_elements, local_name, text_of

#: Subtrees never read into the text (captions included).
DROP = frozenset({
    "ref-list", "table-wrap", "table-wrap-group", "table", "fig", "fig-group", "graphic",
    "inline-graphic", "media", "supplementary-material", "disp-formula", "disp-formula-group",
    "tex-math", "chem-struct-wrap", "fn-group", "ack", "app-group", "glossary", "label",
    "object-id", "alt-text", "long-desc", "attrib", "permissions", "processing-meta",
})
#: Block containers whose children are walked as paragraphs of the current section.
_CONTAINERS = frozenset({"boxed-text", "disp-quote", "statement", "list", "list-item",
                         "def-list", "def-item", "def", "caption", "speech", "verse-group"})
_TITLE_DROP = frozenset({"xref", "fn"}) | DROP
_SEC_TYPES = {"intro": "introduction", "materials|methods": "methods",
              "methods": "methods", "results": "results", "discussion": "discussion",
              "conclusions": "conclusions", "cases": "cases"}
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")
_SKIP_ABSTRACTS = {"graphical", "teaser", "toc", "precis", "web-summary"}


def _wanted(path: list[str]) -> bool:
    return path[-1] == "article" and (len(path) == 1 or path[-2] == "pmc-articleset")


def read_jats_xml(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per ``<article>`` (a ``<pmc-articleset>`` may hold several).

    Id ``PMCID:PMC<n>`` (else ``PMID:<n>``, else the file stem); sections ``title``,
    ``abstract`` (``abstract:<label>`` for structured ones) and one per body ``<sec>``
    named after its title, lower-cased. Tables, figures, formulas and references are left out.
    """
    label = display_name(source, name)
    check_not_empty(read_head(source, name, 4096), label)

    def check_root(root: str) -> None:
        if root not in JATS_ROOTS:
            raise InputFormatError(f"expected {EXPECTED['jats']}, found <{root}>", path=label)

    fallback = default_doc_id(source, name)
    count = 0
    with open_binary(source, name) as stream:
        for elem in iter_elements(stream, label, _wanted, check_root):
            count += 1
            doc_id = fallback if count == 1 else f"{fallback}:{count}"
            yield _article(elem, doc_id, source_path(source, name), label)


def _section_name(sec: Element) -> str:
    title = child(sec, "title")
    if title is not None:
        name = normalize_space(text_of(title, _TITLE_DROP))
        name = _NUMBERING.sub("", name).rstrip(".:").strip().lower()
        if name:
            return name
    sec_type = (sec.get("sec-type") or "").strip().lower()
    if sec_type:
        return _SEC_TYPES.get(sec_type, sec_type)
    return "body"


def _add(builder: TextBuilder, text: str, section: str) -> None:
    text = normalize_space(text)
    same = bool(builder.sections) and builder.sections[-1].name == section
    builder.add(text, section, sep="\n" if same else "\n\n")


def _walk(container: Element, builder: TextBuilder, section: str, nested: bool) -> None:
    """Add the paragraphs of ``container`` to ``section``; nested section titles become lines."""
    for elem in container:
        tag = local_name(elem.tag)
        if not tag or tag in DROP:
            continue
        if tag == "title":
            if nested:
                _add(builder, text_of(elem, _TITLE_DROP), section)
        elif tag == "sec":
            _walk(elem, builder, section, True)
        elif tag in _CONTAINERS:
            _walk(elem, builder, section, nested)
        else:
            _add(builder, text_of(elem, DROP), section)


def _article(article: Element, fallback_id: str, src: Optional[str], label: str) -> Document:
    meta = child(article, "front", "article-meta")
    ids: dict[str, str] = {}
    if meta is not None:
        for article_id in children(meta, "article-id"):
            kind = (article_id.get("pub-id-type") or "").lower()
            value = normalize_space(text_of(article_id))
            if value:
                ids.setdefault(kind, value)
    pmc = ids.get("pmc") or ids.get("pmcid")
    pmid = ids.get("pmid")
    if pmc:
        pmc = pmc if pmc.upper().startswith("PMC") else f"PMC{pmc}"
        doc_id = f"PMCID:{pmc}"
    elif pmid:
        doc_id = f"PMID:{pmid}"
    else:
        doc_id = fallback_id

    builder = TextBuilder()
    title = child(meta, "title-group", "article-title")
    if title is not None:
        _add(builder, text_of(title, _TITLE_DROP), "title")
    abstract = _pick_abstract(meta)
    if abstract is not None:
        for elem in abstract:
            tag = local_name(elem.tag)
            if not tag or tag in DROP or tag == "title":
                continue
            if tag == "sec":
                name = _section_name(elem)
                _walk(elem, builder, "abstract" if name == "body" else f"abstract:{name}", False)
            else:
                _add(builder, text_of(elem, DROP), "abstract")
    body = child(article, "body")
    if body is not None:
        for elem in body:
            tag = local_name(elem.tag)
            if not tag or tag in DROP:
                continue
            if tag == "sec":
                _walk(elem, builder, _section_name(elem), False)
            elif tag in _CONTAINERS:
                _walk(elem, builder, "body", False)
            else:
                _add(builder, text_of(elem, DROP), "body")
    if not builder.length:
        raise InputFormatError(f"JATS article {doc_id} has no title, abstract or body text",
                               path=label)

    metadata: dict = {"format": "jats"}
    for key in ("pmid", "doi"):
        if key in ids:
            metadata[key] = ids[key]
    if pmc:
        metadata["pmcid"] = pmc
    journal = child(article, "front", "journal-meta", "journal-title-group", "journal-title")
    if journal is not None:
        metadata["journal"] = normalize_space(text_of(journal))
    if meta is not None:
        for pub_date in children(meta, "pub-date"):
            year = child(pub_date, "year")
            if year is not None and year.text:
                metadata["year"] = year.text.strip()
                break
    return Document(id=doc_id, text=builder.text, sections=builder.sections, source=src,
                    metadata=metadata)


def _pick_abstract(meta: Optional[Element]) -> Optional[Element]:
    if meta is None:
        return None
    candidates = [a for a in children(meta, "abstract")
                  if (a.get("abstract-type") or "").lower() not in _SKIP_ABSTRACTS]
    for abstract in candidates:
        if not abstract.get("abstract-type"):
            return abstract
    return candidates[0] if candidates else None
