"""Robustness: hostile and odd inputs, caps, unwritable outputs, fuzzing (each fixture generated here)."""

from __future__ import annotations

import errno
import json
import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axis_nlp.errors import AxisError, ConfigError, InputFormatError
from axis_nlp.pipeline import Sentence, annotate, build_pipeline
from axis_nlp.readers import read_path, read_source
from axis_nlp.schema import Document, Entity


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(ner_model="none")


@pytest.fixture(scope="module")
def extractor(tiny_model_dir):
    from axis_nlp.extract import Extractor

    return Extractor(tiny_model_dir, device="cpu", ner_model="none")


ODD_TEXTS = [
    "",
    "   \n\t  ",
    "\x00\x01\x02 osteocalcin \x07\x1b[31m promotes memory",
    "Остеокальцин 骨钙素 osteocalcin العظم promotes memory 🦴🧠.",
    "osteocalcin " * 5000,  # one enormous sentence
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=["empty", "whitespace", "control", "scripts", "long-sentence"])
def test_odd_texts_never_crash_the_extractor(extractor, text: str) -> None:
    triples = list(extractor.extract([Document(id="odd", text=text)]))
    for t in triples:
        assert text[t.factor.start:t.factor.end] == t.factor.text


def test_a_ten_megabyte_single_line_is_processed_in_chunks(nlp) -> None:
    unit = "Cortisol suppresses bone formation and osteocalcin improves memory, "
    text = unit * (10_000_000 // len(unit))
    (annotated,) = annotate(nlp, [Document(id="big", text=text)])
    assert annotated.sentences and annotated.sentences[-1].end <= len(text)
    for s in annotated.sentences[:50] + annotated.sentences[-50:]:
        assert text[s.start:s.end] == s.text
        for e in s.entities:
            assert text[e.start:e.end] == e.text


def test_truncated_sentences_are_flagged_in_the_output(extractor) -> None:
    filler = "and the of " * 300
    text = f"Osteocalcin promotes {filler} memory in mice."
    triples = [t.to_dict() for t in extractor.extract([Document(id="long", text=text)])]
    # any triple that spans the far-apart pair was made from a windowed input, and says so
    for t in triples:
        if abs(t["factor"]["start"] - t["effect"]["start"]) > 1000:
            assert t.get("truncated") is True


def test_thousands_of_entities_in_one_sentence_are_capped_with_a_warning(caplog) -> None:
    from axis_nlp.extract import candidate_pairs

    entities = [Entity(text=f"e{i}", start=i * 4, end=i * 4 + 3, label="GENE_OR_PROTEIN", canonical=f"e{i}") for i in range(2000)]
    sentence = Sentence(start=0, end=8000, text="x" * 8000, entities=entities)
    with caplog.at_level(logging.WARNING):
        pairs = candidate_pairs(sentence, max_pairs=400)
    assert len(pairs) == 400
    assert "candidate pairs" in caplog.text


def test_invalid_utf8_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("Osteocalcin promotes memory. ".encode() * 20 + b"\xff\xfe\xfa broken \xc3\x28")
    try:
        docs = list(read_path(path))
    except InputFormatError as exc:
        assert str(path) in str(exc)
    else:  # decoded by a detected encoding: the text must be usable
        assert docs and docs[0].text


def test_xxe_file_reads_no_local_file(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&s;</ArticleTitle>"
        "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    with pytest.raises(InputFormatError) as info:
        list(read_path(path))
    assert "TOP-SECRET-VALUE" not in str(info.value)


def test_billion_laughs_is_refused(tmp_path) -> None:
    lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ) + ']><collection><document><id>1</id><passage><offset>0</offset><text>&lol9;</text></passage></document></collection>'
    path = tmp_path / "lol.xml"
    path.write_text(lol)
    with pytest.raises(InputFormatError, match="(?i)entit|DTD"):
        list(read_path(path))


def test_read_only_output_folder_is_a_clear_error(tmp_path, extractor) -> None:
    from axis_nlp.batch import run_batch

    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(ConfigError, match="cannot write"):
            run_batch([str(tmp_path)], out, extractor=extractor, progress=False)
    finally:
        out.chmod(0o700)


def test_full_disk_stops_with_a_resumable_state(tmp_path, extractor, monkeypatch) -> None:
    from axis_nlp import batch

    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": "Osteocalcin promotes memory."}) + "\n" for i in range(9)))
    real = batch._write_shard
    calls = {"n": 0}

    def failing(outdir, name, records, formats):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(outdir, name, records, formats)

    monkeypatch.setattr(batch, "_write_shard", failing)
    with pytest.raises(OSError):
        batch.run_batch([str(corpus)], tmp_path / "out", extractor=extractor, shard_size=3, progress=False)
    monkeypatch.setattr(batch, "_write_shard", real)
    batch.run_batch([str(corpus)], tmp_path / "out", extractor=extractor, shard_size=3, progress=False, resume=True)
    state = batch.BatchState.load(tmp_path / "out")
    assert len(state.done) == 9


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_fuzz_readers_raise_only_documented_errors(data: bytes) -> None:
    try:
        for doc in read_source(data, "auto", name="fuzz"):
            assert isinstance(doc.text, str)
    except AxisError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_fuzz_pipeline_entry_point(text: str) -> None:
    nlp = _shared_nlp()
    for annotated in annotate(nlp, [Document(id="f", text=text)]):
        for s in annotated.sentences:
            assert text[s.start:s.end] == s.text
            for e in s.entities:
                assert text[e.start:e.end] == e.text


_NLP = []


def _shared_nlp():
    if not _NLP:
        _NLP.append(build_pipeline(ner_model="none"))
    return _NLP[0]
