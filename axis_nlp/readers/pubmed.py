"""PubMed / MEDLINE XML reader (efetch output, baseline and update files, gzipped or not)."""

from __future__ import annotations

from typing import Iterator, Optional
from xml.etree.ElementTree import Element

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Document

from .builder import TextBuilder
from .detect import EXPECTED, PUBMED_ROOTS
from .source import Source, check_not_empty, default_doc_id, display_name, normalize_space, \
    open_binary, read_head, source_path
from .xmlsafe import child, children, iter_elements, local_name, text_of

_ARTICLES = {"PubmedArticle", "PubmedBookArticle"}


def _wanted(path: list[str]) -> bool:
    name = path[-1]
    if name in _ARTICLES:
        return True
    return name == "MedlineCitation" and (len(path) == 1 or path[-2] == "MedlineCitationSet")


def read_pubmed_xml(source: Source, name: Optional[str] = None) -> Iterator[Document]:
    """One Document per PubmedArticle (id ``PMID:<pmid>``): title + abstract.

    Streams with iterparse and clears finished articles, so a baseline file of
    30,000 articles (``.xml.gz``) is read in flat memory.
    """
    label = display_name(source, name)
    check_not_empty(read_head(source, name, 4096), label)

    def check_root(root: str) -> None:
        if root not in PUBMED_ROOTS:
            raise InputFormatError(f"expected {EXPECTED['pubmed']}, found <{root}>", path=label)

    fallback = default_doc_id(source, name)
    with open_binary(source, name) as stream:
        for index, elem in enumerate(iter_elements(stream, label, _wanted, check_root)):
            yield _article(elem, f"{fallback}:{index + 1}", source_path(source, name))


def _article(elem: Element, fallback_id: str, src: Optional[str]) -> Document:
    kind = local_name(elem.tag)
    if kind == "PubmedBookArticle":
        citation = child(elem, "BookDocument")
        article = citation
        title_elem = child(citation, "ArticleTitle")
        if title_elem is None:
            title_elem = child(citation, "Book", "BookTitle")
    else:
        citation = elem if kind == "MedlineCitation" else child(elem, "MedlineCitation")
        article = child(citation, "Article")
        title_elem = child(article, "ArticleTitle")
    pmid_elem = child(citation, "PMID")
    pmid = normalize_space(text_of(pmid_elem)) if pmid_elem is not None else ""

    builder = TextBuilder()
    if title_elem is not None:
        builder.add(normalize_space(text_of(title_elem)), "title")
    abstract = child(article, "Abstract")
    if abstract is not None:
        for part in children(abstract, "AbstractText"):
            section = "abstract"
            tag = (part.get("Label") or "").strip().rstrip(":").strip().lower()
            if tag and tag != "unlabelled":
                section = f"abstract:{tag}"
            builder.add(normalize_space(text_of(part)), section)

    metadata: dict = {"format": "pubmed"}
    if pmid:
        metadata["pmid"] = pmid
    journal = child(article, "Journal", "Title")
    if journal is not None and journal.text:
        metadata["journal"] = normalize_space(journal.text)
    year = child(article, "Journal", "JournalIssue", "PubDate", "Year")
    if year is not None and year.text:
        metadata["year"] = year.text.strip()
    id_list = child(elem, "PubmedData", "ArticleIdList")
    if id_list is not None:
        for article_id in children(id_list, "ArticleId"):
            if article_id.get("IdType") == "doi" and article_id.text:
                metadata["doi"] = article_id.text.strip()
    return Document(
        id=f"PMID:{pmid}" if pmid else fallback_id,
        text=builder.text,
        sections=builder.sections,
        source=src,
        metadata=metadata,
    )
