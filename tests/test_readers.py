"""Tests of axis_nlp.readers: every format on its fixture, detection, gzip, errors, hostile XML."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axis_nlp.errors import AxisError, EncodingError, InputFormatError, UnknownFormatError
from axis_nlp.readers import (
    INPUT_FORMATS, detect_format, iter_input_files, read_bioc_json, read_bioc_xml, read_inputs,
    read_jats_xml, read_jsonl, read_path, read_pdf, read_pubmed_xml, read_pubtator, read_stdin,
    read_text,
)
from axis_nlp.schema import Document

FIXTURES = Path(__file__).parent / "fixtures"
BIORED = Path("/work/shared/corpora/biored")

FIXTURE_FORMATS = {
    "pubmed_two_articles.xml": "pubmed",
    "jats_article.xml": "jats",
    "bioc_example.xml": "bioc",
    "bioc_example.json": "bioc",
    "pubtator_example.txt": "pubtator",
    "docs.jsonl": "jsonl",
    "plain_latin1.txt": "text",
}


def check_offsets(doc: Document) -> None:
    """Sections and given entities index into doc.text."""
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(doc.text), section
    for entity in doc.entities:
        assert entity.text == doc.text[entity.start:entity.end], entity
        assert entity.source == "given"


def names(doc: Document) -> list[str]:
    return [section.name for section in doc.sections]


# ------------------------------------------------------------------ every fixture

@pytest.mark.parametrize("fixture", sorted(FIXTURE_FORMATS))
def test_every_fixture_reads_with_consistent_offsets(fixture: str) -> None:
    docs = list(read_path(FIXTURES / fixture))
    assert docs
    for doc in docs:
        assert doc.text.strip()
        assert doc.sections
        check_offsets(doc)
        assert doc.source == str(FIXTURES / fixture)


@pytest.mark.parametrize("fixture,expected", sorted(FIXTURE_FORMATS.items()))
def test_detect_format_ignores_the_extension(fixture: str, expected: str, tmp_path: Path) -> None:
    assert detect_format(FIXTURES / fixture) == expected
    renamed = tmp_path / "input.dat"
    shutil.copy(FIXTURES / fixture, renamed)
    assert detect_format(renamed) == expected
    assert detect_format(renamed.read_bytes()) == expected
    zipped = tmp_path / "input.bin"
    zipped.write_bytes(gzip.compress(renamed.read_bytes()))
    assert detect_format(zipped) == expected
    # Reading under the wrong extension gives the same documents.
    def key(docs: list[Document]) -> list:
        return [(d.text, d.sections, d.entities, d.relations) for d in docs]

    assert key(list(read_path(renamed))) == key(list(read_path(FIXTURES / fixture)))


@pytest.mark.parametrize("fixture", sorted(FIXTURE_FORMATS))
def test_gzipped_fixture_reads_the_same(fixture: str, tmp_path: Path) -> None:
    original = list(read_path(FIXTURES / fixture))
    zipped = tmp_path / (fixture + ".gz")
    zipped.write_bytes(gzip.compress((FIXTURES / fixture).read_bytes()))
    again = list(read_path(zipped))
    assert [(d.id, d.text, d.sections, d.entities, d.relations) for d in again] == \
        [(d.id, d.text, d.sections, d.entities, d.relations) for d in original]


# ------------------------------------------------------------------ PubMed

def test_pubmed_two_articles() -> None:
    docs = list(read_pubmed_xml(FIXTURES / "pubmed_two_articles.xml"))
    assert [d.id for d in docs] == ["PMID:90000011", "PMID:90000012"]
    first, second = docs
    assert names(first) == ["title", "abstract:background", "abstract:methods",
                            "abstract:results", "abstract:conclusions"]
    assert names(second) == ["title", "abstract"]
    title = first.sections[0]
    assert first.text[title.start:title.end].startswith("Serum osteocalcin and cognitive")
    assert first.text[title.end] == "\n"
    methods = first.sections[2]
    assert first.text[methods.start:methods.end].startswith("We measured serum")
    assert "Bone-derived osteocalcin acts" in first.text  # inline <i> kept as text
    assert "p < 0.01" in first.text  # entity reference decoded
    assert "BACKGROUND" not in first.text
    assert "© 2023" not in first.text  # copyright is not abstract text
    assert "Moreau" not in first.text
    assert first.metadata["doi"] == "10.9999/jbms.2023.0201"
    assert first.metadata["pmid"] == "90000011"  # not the PMID of a cited article
    assert first.metadata["year"] == "2023"
    assert first.section_at(methods.start + 3) == "abstract:methods"
    assert second.text.startswith("Hippocampal neurogenesis after bone loss")


def _baseline_xml(count: int) -> bytes:
    article = (
        "<PubmedArticle><MedlineCitation Status=\"MEDLINE\" Owner=\"NLM\"><PMID Version=\"1\">{n}</PMID>"
        "<Article><Journal><Title>Bone</Title></Journal><ArticleTitle>Bone mass and memory "
        "study {n}.</ArticleTitle><Abstract><AbstractText>Osteocalcin levels were measured in "
        "cohort {n}. " + "Memory scores were recorded. " * 20 + "</AbstractText></Abstract>"
        "</Article></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType=\"pubmed\">{n}"
        "</ArticleId></ArticleIdList></PubmedData></PubmedArticle>\n"
    )
    body = "".join(article.format(n=1000 + i) for i in range(count))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "
            "\"-//NLM//DTD PubMedArticle, 1st January 2024//EN\" "
            "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd\">\n<PubmedArticleSet>\n"
            + body + "</PubmedArticleSet>\n").encode()


def test_pubmed_baseline_gz_streams_in_flat_memory(tmp_path: Path) -> None:
    small = tmp_path / "pubmed24n0001.xml.gz"
    small.write_bytes(gzip.compress(_baseline_xml(200)))
    large = tmp_path / "pubmed24n0002.xml.gz"
    large.write_bytes(gzip.compress(_baseline_xml(4000)))
    assert detect_format(large) == "pubmed"

    def peak(path: Path) -> tuple[int, int]:
        tracemalloc.start()
        count = 0
        for doc in read_path(path):
            count += 1
            assert doc.id == f"PMID:{999 + count}"
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return count, top

    n_small, peak_small = peak(small)
    n_large, peak_large = peak(large)
    assert (n_small, n_large) == (200, 4000)
    # 20 times the articles, about the same peak memory (the tree is cleared as we go).
    assert peak_large < 2 * peak_small + 1_000_000


def test_single_medline_citation_and_book_article() -> None:
    citation = (b"<MedlineCitation><PMID>77</PMID><Article><ArticleTitle>Title only."
                b"</ArticleTitle></Article></MedlineCitation>")
    (doc,) = read_pubmed_xml(citation, name="one.xml")
    assert doc.id == "PMID:77" and doc.text == "Title only." and names(doc) == ["title"]
    book = (b"<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>88</PMID><Book>"
            b"<BookTitle>Bone biology</BookTitle></Book><Abstract><AbstractText>Chapter on "
            b"osteoblasts.</AbstractText></Abstract></BookDocument></PubmedBookArticle>"
            b"</PubmedArticleSet>")
    (doc,) = read_pubmed_xml(book, name="book.xml")
    assert doc.id == "PMID:88" and doc.text == "Bone biology\nChapter on osteoblasts."


# ------------------------------------------------------------------ JATS

def test_jats_article() -> None:
    (doc,) = list(read_jats_xml(FIXTURES / "jats_article.xml"))
    assert doc.id == "PMCID:PMC9000021"
    assert names(doc) == ["title", "abstract", "introduction", "results"]
    assert doc.text.startswith("Osteocalcin deficiency impairs spatial memory in mice\n\n")
    title = doc.sections[0]
    assert doc.text[title.start:title.end] == "Osteocalcin deficiency impairs spatial memory in mice"
    intro = doc.sections[2]
    assert doc.text[intro.start:intro.end].startswith("The skeleton is increasingly recognised")
    assert "endocrine organ [1]." in doc.text  # citation markers may stay
    assert "Memory is impaired in osteocalcin-deficient mice" in doc.text  # nested heading
    assert "Injection of recombinant osteocalcin" in doc.text  # text after the float
    results = doc.sections[3]
    assert doc.section_at(doc.text.index("Injection of recombinant")) == "results"
    assert results.end == len(doc.text)
    for absent in ("Escape latency", "Wild type", "52.1", "Knockout", "Golgi staining",
                   "Spine density was lower", "Table 1\n", "References", "Karlsson",
                   "Endocrine functions of the skeleton", "A receptor for osteocalcin",
                   "animal facility", "Lindqvist", "Bone and Brain Research", "© 2022", "*"):
        assert absent not in doc.text, absent
    assert doc.metadata["pmid"] == "90000021"
    assert doc.metadata["doi"] == "10.9999/bbr.2022.17"


def test_jats_ids_structured_abstract_and_loose_body(tmp_path: Path) -> None:
    xml = (b'<?xml version="1.0"?><article><front><article-meta>'
           b'<article-id pub-id-type="pmid">555</article-id>'
           b'<title-group><article-title>Bone and brain</article-title></title-group>'
           b'<abstract><sec><title>Background</title><p>Bone talks to brain.</p></sec>'
           b'<sec><title>Results:</title><p>Mice remembered better.</p></sec></abstract>'
           b'<abstract abstract-type="graphical"><p>Graphical summary.</p></abstract>'
           b'</article-meta></front><body><p>A loose paragraph.</p>'
           b'<sec sec-type="methods"><p>No title here.</p></sec>'
           b'<sec><title>2. Discussion</title><p>Osteocalcin <disp-formula><tex-math>x^2</tex-math>'
           b'</disp-formula> matters.</p></sec></body></article>')
    (doc,) = read_jats_xml(xml, name="x.xml")
    assert doc.id == "PMID:555"
    assert names(doc) == ["title", "abstract:background", "abstract:results", "body", "methods",
                          "discussion"]
    assert "Graphical summary" not in doc.text and "x^2" not in doc.text
    assert "Osteocalcin matters." in doc.text
    no_ids = tmp_path / "PMC_like_article.nxml"
    no_ids.write_bytes(xml.replace(b'<article-id pub-id-type="pmid">555</article-id>', b""))
    (doc,) = read_path(no_ids)
    assert doc.id == "PMC_like_article"
    numeric_pmc = xml.replace(b'pub-id-type="pmid">555', b'pub-id-type="pmc">12345')
    (doc,) = read_jats_xml(numeric_pmc, name="y.xml")
    assert doc.id == "PMCID:PMC12345"


def test_pmc_articleset_yields_each_article() -> None:
    article = ('<article><front><article-meta><article-id pub-id-type="pmc">PMC{n}</article-id>'
               '<title-group><article-title>Article {n}</article-title></title-group>'
               '</article-meta></front></article>')
    xml = ("<pmc-articleset>" + article.format(n=1) + article.format(n=2) + "</pmc-articleset>")
    docs = list(read_path_bytes(xml.encode(), "set.xml"))
    assert [d.id for d in docs] == ["PMCID:PMC1", "PMCID:PMC2"]


def read_path_bytes(data: bytes, name: str) -> list[Document]:
    from axis_nlp.readers import read_source
    return list(read_source(data, "auto", name))


# ------------------------------------------------------------------ BioC and PubTator

def _strip_relation_ids(doc: Document) -> list[dict]:
    return [{k: v for k, v in rel.items() if k != "id"} for rel in doc.relations]


def test_bioc_xml_and_json_agree_and_map_labels_and_ids() -> None:
    from_xml = list(read_bioc_xml(FIXTURES / "bioc_example.xml"))
    from_json = list(read_bioc_json(FIXTURES / "bioc_example.json"))
    assert [d.id for d in from_xml] == ["PMID:90000001", "PMID:90000002"]
    for a, b in zip(from_xml, from_json):
        assert (a.id, a.text, a.sections, a.entities, a.relations) == \
            (b.id, b.text, b.sections, b.entities, b.relations)
        check_offsets(a)
    first, second = from_json
    assert names(first) == ["title", "abstract"]
    assert first.text[first.sections[0].end] == "\n"
    by_text = {e.text: e for e in first.entities}
    assert (by_text["Gpr158"].label, by_text["Gpr158"].id) == ("GENE_OR_PROTEIN", "NCBIGene:241263")
    assert (by_text["alendronate"].label, by_text["alendronate"].id) == ("CHEMICAL", "MESH:D019386")
    assert (by_text["anxiety"].label, by_text["anxiety"].id) == ("DISEASE", "MESH:D001007")
    assert (by_text["mice"].label, by_text["mice"].id) == ("ORGANISM", "NCBITaxon:10090")
    assert (by_text["CA3 neurons"].label, by_text["CA3 neurons"].id) == ("CELL_TYPE", None)
    assert all(e.canonical is None for e in first.entities)
    assert [e.start for e in first.entities] == sorted(e.start for e in first.entities)
    assert len(first.entities) == 17 and len(second.entities) == 10
    assert first.relations[0] == {"type": "Bind", "entity1": "NCBIGene:12096",
                                  "entity2": "NCBIGene:241263", "novel": "Novel", "id": "R0"}
    variant = next(e for e in second.entities if e.label == "VARIANT")
    assert (variant.text, variant.id) == ("rs429358", "dbSNP:rs429358")
    assert second.relations[1]["entity1"] == "dbSNP:rs429358"
    assert second.relations[1]["entity2"] == "MESH:D003704"


def test_pubtator_matches_bioc_and_handles_crlf(tmp_path: Path) -> None:
    docs = list(read_pubtator(FIXTURES / "pubtator_example.txt"))
    bioc = list(read_bioc_json(FIXTURES / "bioc_example.json"))
    assert [d.id for d in docs] == ["PMID:90000001", "PMID:90000002"]
    for a, b in zip(docs, bioc):
        assert (a.text, a.sections, a.entities) == (b.text, b.sections, b.entities)
        assert a.relations == _strip_relation_ids(b)
        check_offsets(a)
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes((FIXTURES / "pubtator_example.txt").read_bytes().replace(b"\n", b"\r\n"))
    assert list(read_pubtator(crlf)) == [
        Document(**{**d.to_dict(), "source": str(crlf), "sections": d.sections,
                    "entities": d.entities}) for d in docs]


def test_bioc_json_without_passage_infons_uses_positions() -> None:
    data = json.loads((FIXTURES / "bioc_example.json").read_text())
    for doc in data["documents"]:
        for passage in doc["passages"]:
            del passage["infons"]
    docs = list(read_bioc_json(json.dumps(data).encode(), name="noinfons.json"))
    assert [names(d) for d in docs] == [["title", "abstract"]] * 2


def test_bioc_identifier_mapping_edge_cases() -> None:
    from axis_nlp.readers.annotations import map_identifier, map_label
    assert map_identifier("D003924", "DISEASE") == "MESH:D003924"
    assert map_identifier("D017180|D014693", "DISEASE") == "MESH:D017180,MESH:D014693"
    assert map_identifier("1234,5678", "GENE_OR_PROTEIN") == "NCBIGene:1234,NCBIGene:5678"
    assert map_identifier("OMIM:601665", "DISEASE") == "OMIM:601665"
    assert map_identifier("-", "CHEMICAL") is None and map_identifier("", "CHEMICAL") is None
    assert map_identifier("c|DEL|1314_1328|", "VARIANT") == "c|DEL|1314_1328|"
    assert map_identifier("CVCL_0023", "CELL_TYPE") == "Cellosaurus:CVCL_0023"
    assert map_label("GeneOrGeneProduct") == "GENE_OR_PROTEIN"
    assert map_label("CellLine") == "CELL_TYPE"
    assert map_label("Brain_region") == "BRAIN_REGION"


def test_bioc_wrong_offsets_and_overlaps_are_errors() -> None:
    data = json.loads((FIXTURES / "bioc_example.json").read_text())
    data["documents"][0]["passages"][1]["annotations"][0]["locations"][0]["offset"] += 1
    with pytest.raises(InputFormatError, match="does not match the document text"):
        list(read_bioc_json(json.dumps(data).encode(), name="shifted.json"))
    data = json.loads((FIXTURES / "bioc_example.json").read_text())
    data["documents"][0]["passages"][1]["offset"] = 10
    with pytest.raises(InputFormatError, match="overlaps"):
        list(read_bioc_json(json.dumps(data).encode(), name="overlap.json"))
    with pytest.raises(InputFormatError, match="line 1, column"):
        list(read_bioc_json(b'{"documents": [', name="cut.json"))


def test_bioc_passage_gaps_are_padded_and_discontinuous_annotations_split() -> None:
    xml = (b'<collection><source>x</source><document><id>PMC42</id>'
           b'<passage><infon key="type">front</infon><infon key="section_type">TITLE</infon>'
           b'<offset>0</offset><text>Bone and brain</text></passage>'
           b'<passage><infon key="section_type">INTRO</infon><offset>20</offset>'
           b'<text>Osteocalcin reaches the hippocampus.</text>'
           b'<annotation id="a1"><infon key="type">Gene</infon><infon key="identifier">12096</infon>'
           b'<location offset="20" length="5"/><location offset="44" length="11"/>'
           b'<text>Osteo hippocampus</text></annotation></passage>'
           b'<relation id="r1"><infon key="type">Located_in</infon>'
           b'<node refid="a1" role="entity"/></relation></document></collection>')
    (doc,) = read_bioc_xml(xml, name="pmc.xml")
    assert doc.id == "PMCID:PMC42"
    assert doc.text == "Bone and brain" + "\n" * 6 + "Osteocalcin reaches the hippocampus."
    assert names(doc) == ["title", "introduction"]
    assert [e.text for e in doc.entities] == ["Osteo", "hippocampus"]
    check_offsets(doc)
    assert doc.relations[0]["entity1"] == "NCBIGene:12096"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
    max_size=30)), min_size=1, max_size=5))
def test_bioc_json_places_passages_at_their_offsets(passages: list[tuple[int, str]]) -> None:
    offset = 0
    built = []
    for gap, text in passages:
        offset += gap
        built.append({"offset": offset, "text": text, "annotations": [
            {"id": str(len(built)), "infons": {"type": "ChemicalEntity", "identifier": "D1"},
             "text": text, "locations": [{"offset": offset, "length": len(text)}]}]})
        offset += len(text)
    data = {"documents": [{"id": "1", "passages": built, "relations": []}]}
    (doc,) = read_bioc_json(json.dumps(data).encode(), name="h.json")
    assert len(doc.text) == offset
    check_offsets(doc)
    assert [e.text for e in doc.entities] == [text for _, text in passages]


def test_pubtator_errors_name_the_line() -> None:
    good = (FIXTURES / "pubtator_example.txt").read_bytes()
    broken = good.replace(b"90000001\t31\t37\tGpr158", b"90000001\t31\t38\tGpr158")
    with pytest.raises(InputFormatError, match="line 4"):
        list(read_pubtator(broken, name="broken.txt"))
    with pytest.raises(InputFormatError, match="line 3: not a PubTator"):
        list(read_pubtator(b"1|t|Title\n1|a|Abstract\n1\tfoo\n", name="odd.txt"))
    with pytest.raises(InputFormatError, match="line 3: an annotation line needs"):
        list(read_pubtator(b"1|t|Title\n1|a|Abstract\n1\t0\t5\tTitle\n", name="odd.txt"))
    with pytest.raises(EncodingError, match="line 2: invalid UTF-8"):
        list(read_pubtator(b"1|t|Title\n1|a|Abstr\xe9ct\n", name="latin.txt"))
    # A document without abstract and blocks that are not blank-line separated.
    docs = list(read_pubtator(b"1|t|Bone only\n1\t0\t4\tBone\tAnatomy\t-\n2|t|Brain\n"
                              b"2|a|Memory.\n", name="tight.txt"))
    assert [(d.id, d.text, names(d)) for d in docs] == [
        ("PMID:1", "Bone only", ["title"]), ("PMID:2", "Brain\nMemory.", ["title", "abstract"])]
    assert (docs[0].entities[0].label, docs[0].entities[0].id) == ("ANATOMY", None)


# ------------------------------------------------------------------ BioRED release files

@pytest.mark.skipif(not (BIORED / "Dev.BioC.JSON").exists(), reason="BioRED corpus not present")
def test_real_biored_dev_files() -> None:
    bioc = list(read_path(BIORED / "Dev.BioC.JSON"))
    pubtator = list(read_path(BIORED / "Dev.PubTator.txt"))
    assert detect_format(BIORED / "Dev.BioC.JSON") == "bioc"
    assert detect_format(BIORED / "Dev.PubTator.txt") == "pubtator"
    assert len(bioc) == len(pubtator) == 100
    raw = json.loads((BIORED / "Dev.BioC.JSON").read_text(encoding="utf-8"))
    for doc, source in zip(bioc, raw["documents"]):
        assert doc.id == f"PMID:{source['id']}"
        assert names(doc) == ["title", "abstract"]
        annotations = [a for p in source["passages"] for a in p["annotations"]]
        assert len(doc.entities) == len(annotations)
        for ann in annotations:
            (loc,) = ann["locations"]
            assert doc.text[loc["offset"]:loc["offset"] + loc["length"]] == ann["text"]
        check_offsets(doc)
        assert len(doc.relations) == len(source["relations"])
        assert all(r["type"] and r["entity1"] and r["entity2"] for r in doc.relations)
    for a, b in zip(bioc, pubtator):
        assert (a.id, a.text, a.sections, a.entities) == (b.id, b.text, b.sections, b.entities)
        assert _strip_relation_ids(a) == b.relations
        check_offsets(b)
    labels = {e.label for d in bioc for e in d.entities}
    assert labels == {"GENE_OR_PROTEIN", "DISEASE", "CHEMICAL", "ORGANISM", "VARIANT", "CELL_TYPE"}


# ------------------------------------------------------------------ JSONL

def test_jsonl_documents() -> None:
    docs = list(read_jsonl(FIXTURES / "docs.jsonl"))
    assert [d.id for d in docs] == ["note-1", "note-2", "3"]
    assert names(docs[0]) == ["text"]
    assert names(docs[1]) == ["title", "text"]
    assert docs[1].text.startswith("Exercise, bone and mood\nRegular exercise")
    assert docs[1].metadata["origin"] == "lab notebook"
    assert names(docs[2]) == ["finding:lcn2", "finding:ocn"]
    assert docs[2].text[docs[2].sections[1].start:docs[2].sections[1].end] == \
        "Osteocalcin improves memory."


def test_jsonl_bad_line_raises_after_the_good_ones() -> None:
    data = (FIXTURES / "docs.jsonl").read_bytes() + b'{"id": "x", "txt": "typo"}\n'
    reader = read_jsonl(data, name="notes.jsonl")
    assert [d.id for d in (next(reader), next(reader), next(reader))] == ["note-1", "note-2", "3"]
    with pytest.raises(InputFormatError, match=r"notes\.jsonl: line 4: .*\"text\""):
        next(reader)
    with pytest.raises(InputFormatError, match="line 2: invalid JSON"):
        list(read_jsonl(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": \n', name="cut.jsonl"))


# ------------------------------------------------------------------ plain text

def test_plain_text_latin1_is_decoded() -> None:
    (doc,) = list(read_text(FIXTURES / "plain_latin1.txt"))
    assert doc.id == "plain_latin1"
    assert names(doc) == ["text"] and doc.sections[0].end == len(doc.text)
    assert "Étude préliminaire" in doc.text and "ostéocalcine" in doc.text and "âgées" in doc.text


def test_plain_text_utf8_bom_crlf_and_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"\xef\xbb\xbfOsteocalcin \xce\xb2-cells\r\nline two\r\n")
    (doc,) = read_path(path)
    assert doc.text == "Osteocalcin β-cells\nline two\n" and doc.id == "note"
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes("Osteocalcin β-cells\nBone and brain in M\u00fcnster\n".encode()
                      .replace("ü".encode(), b"\xfc"))
    with pytest.raises(EncodingError, match=r"mixed.txt: invalid UTF-8 at byte \d+ \(line 2\)"):
        list(read_path(mixed))
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(InputFormatError, match="garbage.txt: binary file"):
        list(read_path(garbage))
    utf16 = tmp_path / "wide.txt"
    utf16.write_bytes("Knochen und Gehirn\n".encode("utf-16"))
    assert detect_format(utf16) == "text"
    assert next(read_path(utf16)).text == "Knochen und Gehirn\n"


# ------------------------------------------------------------------ PDF

def _minimal_pdf(pages: list[str]) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for text in pages:
        page_no = len(objects) + 1
        kids.append(f"{page_no} 0 R")
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "
                       f"{page_no + 1} 0 R /Resources << /Font << /F1 {{font}} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    font_no = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    objects = [o.replace(b"{font}", str(font_no).encode()) for o in objects]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_pages_are_joined(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(_minimal_pdf(["Osteocalcin improves memory.", "Bone talks to brain."]))
    assert detect_format(path) == "pdf"
    (doc,) = read_path(path)
    assert doc.id == "paper"
    assert doc.text == "Osteocalcin improves memory.\n\nBone talks to brain."
    assert doc.metadata["pages"] == [[0, 28], [30, 50]]


def test_pdf_without_pypdf_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(InputFormatError, match=r"axis-nlp\[pdf\]"):
        list(read_pdf(_minimal_pdf(["x"]), name="a.pdf"))


def test_broken_pdf_is_an_input_error() -> None:
    with pytest.raises(InputFormatError, match="broken.pdf"):
        list(read_pdf(b"%PDF-1.4\n1 0 obj garbage", name="broken.pdf"))


# ------------------------------------------------------------------ inputs, directories, stdin

def test_directory_read_continues_after_a_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    shutil.copy(FIXTURES / "pubmed_two_articles.xml", folder / "a_pubmed.xml")
    (folder / "b_broken.xml").write_bytes(b"<?xml version='1.0'?><PubmedArticleSet><PubmedArticle>")
    shutil.copy(FIXTURES / "docs.jsonl", folder / "sub" / "c.jsonl")
    (folder / "d_empty.txt").write_bytes(b"  \n")
    (folder / ".secret.txt").write_text("hidden file")
    (folder / ".hidden" / "x.txt").write_text("hidden folder")
    files = list(iter_input_files([folder]))
    assert [p.relative_to(folder).as_posix() for p in files] == \
        ["a_pubmed.xml", "b_broken.xml", "d_empty.txt", "sub/c.jsonl"]
    errors: list[tuple[Path, Exception]] = []
    docs = list(read_inputs([folder], on_error=lambda p, e: errors.append((p, e))))
    assert [d.id for d in docs] == ["PMID:90000011", "PMID:90000012", "note-1", "note-2", "3"]
    assert [p.name for p, _ in errors] == ["b_broken.xml", "d_empty.txt"]
    assert all(isinstance(e, InputFormatError) for _, e in errors)
    assert "malformed XML" in str(errors[0][1]) and "b_broken.xml" in str(errors[0][1])
    assert "empty file" in str(errors[1][1])
    with pytest.raises(InputFormatError, match="b_broken.xml"):
        list(read_inputs([folder]))


def test_missing_input_and_unknown_format_name(tmp_path: Path) -> None:
    errors: list = []
    docs = list(read_inputs([tmp_path / "nope.txt", FIXTURES / "docs.jsonl"],
                            on_error=lambda p, e: errors.append((p, e))))
    assert len(docs) == 3 and "no such file" in str(errors[0][1])
    with pytest.raises(UnknownFormatError, match="medline"):
        list(read_inputs([FIXTURES / "docs.jsonl"], input_format="medline"))
    assert "auto" in INPUT_FORMATS and "pdf" in INPUT_FORMATS


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(b"Osteocalcin improves memory in mice.\n")

    monkeypatch.setattr(sys, "stdin", FakeStdin())
    assert list(iter_input_files(["-"])) == [Path("-")]
    (doc,) = list(read_inputs(["-"]))
    assert doc.id == "stdin" and doc.text.startswith("Osteocalcin") and doc.source is None
    FakeStdin.buffer = io.BytesIO((FIXTURES / "pubtator_example.txt").read_bytes())
    assert [d.id for d in read_stdin("pubtator")] == ["PMID:90000001", "PMID:90000002"]


def test_forced_format_must_match_the_content(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"expected PubMed.*looks like JATS"):
        list(read_path(FIXTURES / "jats_article.xml", input_format="pubmed"))
    with pytest.raises(InputFormatError, match="expected BioC"):
        list(read_path(FIXTURES / "pubtator_example.txt", input_format="bioc"))
    with pytest.raises(InputFormatError, match="expected a PDF"):
        list(read_path(FIXTURES / "docs.jsonl", input_format="pdf"))
    # Anything textual may be read as text on request.
    (doc,) = read_path(FIXTURES / "pubtator_example.txt", input_format="text")
    assert doc.text.startswith("90000001|t|")
    # A forced reader also refuses a foreign XML root by itself.
    with pytest.raises(InputFormatError, match="found <collection>"):
        list(read_pubmed_xml(FIXTURES / "bioc_example.xml"))


def test_unknown_xml_and_json_are_refused(tmp_path: Path) -> None:
    svg = tmp_path / "figure.svg"
    svg.write_bytes(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')
    with pytest.raises(UnknownFormatError, match="<svg>"):
        detect_format(svg)
    other = tmp_path / "config.json"
    other.write_text('{"model": "x", "layers": 3}\n')
    with pytest.raises(UnknownFormatError, match="BioC JSON"):
        list(read_path(other))
    assert isinstance(UnknownFormatError("x"), InputFormatError)


# ------------------------------------------------------------------ hostile and broken inputs

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE PubmedArticleSet [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE collection [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<collection><document><id>1</id><passage><offset>0</offset><text>&lol9;</text></passage>
</document></collection>
"""

EXTERNAL_PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE article [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
<article><front><article-meta><title-group><article-title>x</article-title></title-group>
</article-meta></front></article>
"""


@pytest.mark.parametrize("payload,fmt", [(XXE, "pubmed"), (BILLION_LAUGHS, "bioc"),
                                         (EXTERNAL_PARAMETER_ENTITY, "jats")])
def test_hostile_xml_is_refused(payload: bytes, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"hostile_{fmt}.xml"
    path.write_bytes(payload)
    assert detect_format(path) == fmt
    for input_format in ("auto", fmt):
        with pytest.raises(InputFormatError, match="XML entities/DTD are not allowed") as info:
            list(read_path(path, input_format=input_format))
        assert path.name in str(info.value)
    errors: list = []
    assert list(read_inputs([path], on_error=lambda p, e: errors.append(e))) == []
    assert "root:" not in str(errors[0])  # nothing of /etc/passwd leaks into messages


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>\n'
                     b'<MedlineCitation><PMID>1</PMID></Medline>\n</PubmedArticleSet>\n')
    with pytest.raises(InputFormatError, match=r"bad\.xml: malformed XML at line 4, column \d+"):
        list(read_path(path))
    truncated = tmp_path / "cut.xml.gz"
    truncated.write_bytes(gzip.compress((FIXTURES / "jats_article.xml").read_bytes())[:400])
    with pytest.raises(InputFormatError, match="cut.xml.gz"):
        list(read_path(truncated))


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf\n"])
def test_empty_files(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(content)
    with pytest.raises(InputFormatError, match="empty file"):
        detect_format(path)
    for fmt in INPUT_FORMATS:
        with pytest.raises(InputFormatError, match="empty file"):
            list(read_path(path, input_format=fmt))


def test_binary_files(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(InputFormatError, match="binary file"):
        detect_format(path)
    with pytest.raises(InputFormatError, match="binary file"):
        list(read_path(path))
    with pytest.raises(InputFormatError, match="binary"):
        list(read_path(path, input_format="text"))
    zipped = tmp_path / "image.gz"
    zipped.write_bytes(gzip.compress(path.read_bytes()))
    with pytest.raises(InputFormatError, match="binary file"):
        detect_format(zipped)


def test_errors_are_axis_errors_with_codes(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(AxisError) as info:
        list(read_path(path))
    assert info.value.code == "E001" and info.value.path == str(path)


def test_external_dtd_reference_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "doctype.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet SYSTEM "file:///etc/passwd">\n'
                     b'<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID><Article>'
                     b'<ArticleTitle>Bone and brain.</ArticleTitle></Article></MedlineCitation>'
                     b'</PubmedArticle></PubmedArticleSet>')
    (doc,) = read_path(path)
    assert doc.text == "Bone and brain."


_FIXTURE_BYTES = [(FIXTURES / name).read_bytes() for name in sorted(FIXTURE_FORMATS)]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_FIXTURE_BYTES), st.integers(0, 10**6), st.binary(max_size=8),
       st.sampled_from(INPUT_FORMATS))
def test_damaged_inputs_fail_only_with_input_errors(original: bytes, position: int, junk: bytes,
                                                    input_format: str) -> None:
    from axis_nlp.readers import read_source
    cut = position % (len(original) + 1)
    damaged = original[:cut] + junk + original[cut + len(junk):]
    try:
        for doc in read_source(damaged, input_format, "damaged.dat"):
            check_offsets(doc)
    except AxisError:
        pass
