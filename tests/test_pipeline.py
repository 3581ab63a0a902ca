"""Lexicon matching, sentence segmentation, abbreviations and entity offsets."""

from __future__ import annotations

import json

import pytest
import spacy

from axis_nlp.entities import drop_axis_compound_organs
from axis_nlp.lexicon import Lexicon, load_lexicon
from axis_nlp.pipeline import annotate, build_pipeline
from axis_nlp.readers import read_path
from axis_nlp.schema import Document, ENTITY_LABELS

from .conftest import FIXTURES

MINI = [
    {"canonical": "osteocalcin", "label": "GENE_OR_PROTEIN", "id": "HGNC:1043", "synonyms": ["bone Gla protein"], "abbreviations": ["OCN"]},
    {"canonical": "tumor necrosis factor alpha", "label": "GENE_OR_PROTEIN", "id": "HGNC:11892", "synonyms": [], "abbreviations": ["TNF-α"]},
    {"canonical": "blood-brain barrier", "label": "ANATOMY", "synonyms": [], "abbreviations": ["BBB"]},
    {"canonical": "anxiety-like behaviour", "label": "PHENOTYPE_OR_PROCESS", "synonyms": [], "abbreviations": []},
    {"canonical": "osteoclast", "label": "CELL_TYPE", "synonyms": [], "abbreviations": []},
    {"canonical": "Alzheimer's disease", "label": "DISEASE", "synonyms": [], "abbreviations": ["AD"]},
]


@pytest.fixture(scope="module")
def mini_lexicon(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("lex") / "mini.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in MINI) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def nlp(mini_lexicon: str):
    return build_pipeline(lexicon_path=mini_lexicon)


def _found(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.concept.canonical) for m in lexicon.find(text)]


@pytest.mark.parametrize("variant", ["TNF-α", "TNF-alpha", "TNFα", "TNF alpha", "tumour necrosis factor-alpha"])
def test_greek_spelling_and_separator_variants(mini_lexicon: str, variant: str) -> None:
    lexicon = Lexicon.from_jsonl(mini_lexicon)
    assert _found(lexicon, f"Serum {variant} rose.") == [(variant, "tumor necrosis factor alpha")]


def test_plurals_british_american_hyphen_compounds_and_case(mini_lexicon: str) -> None:
    lexicon = Lexicon.from_jsonl(mini_lexicon)
    text = ("Osteocalcin-deficient mice had more osteoclasts, anxiety-like behavior and a leaky blood–brain barrier; "
            "the word ad hoc is not AD.")
    assert _found(lexicon, text) == [
        ("Osteocalcin", "osteocalcin"), ("osteoclasts", "osteoclast"), ("anxiety-like behavior", "anxiety-like behaviour"),
        ("blood–brain barrier", "blood-brain barrier"), ("AD", "Alzheimer's disease"),
    ]


def test_bundled_lexicon_is_large_and_valid() -> None:
    lexicon = load_lexicon()
    assert len(lexicon) >= 300
    assert {c.label for c in lexicon.concepts} <= set(ENTITY_LABELS)
    for surface in ("osteocalcin", "OCN", "sclerostin", "FGF23", "lipocalin-2", "IL-6", "TNF-α", "RANKL",
                    "cortisol", "bone mineral density", "neuroinflammation", "Alzheimer's disease", "microglia"):
        assert lexicon.lookup(surface) is not None, surface


def test_sentences_survive_abbreviations_citations_and_decimals(nlp) -> None:
    text = ("Osteocalcin rose by 1.5 ng/mL in mice (Oury et al., 2013). Levels fell, e.g. in aged rats [12]. "
            "Serum OCN (Fig. 2A) was lower vs. controls.[3] A new sentence starts here.")
    sents = [s.text for s in nlp(text).sents]
    assert sents == [
        "Osteocalcin rose by 1.5 ng/mL in mice (Oury et al., 2013).",
        "Levels fell, e.g. in aged rats [12].",
        "Serum OCN (Fig. 2A) was lower vs. controls.[3]",
        "A new sentence starts here.",
    ]


def test_line_breaks_end_sentences(nlp) -> None:
    doc = Document(id="d", text="Bone and brain\nOsteocalcin acts on the hippocampus.")
    (annotated,) = annotate(nlp, [doc])
    assert [s.text for s in annotated.sentences] == ["Bone and brain", "Osteocalcin acts on the hippocampus."]


def test_abbreviation_defined_in_document_is_propagated(nlp) -> None:
    text = "Bone gla protein (BGP) is made by osteoblasts. Later, BGP crossed the BBB in mice."
    (annotated,) = annotate(nlp, [Document(id="d", text=text)])
    bgp = [e for e in annotated.entities if e.text == "BGP"]
    assert len(bgp) == 2
    assert all(e.canonical == "osteocalcin" and e.id == "HGNC:1043" for e in bgp)
    bbb = [e for e in annotated.entities if e.text == "BBB"]
    assert bbb and bbb[0].canonical == "blood-brain barrier"


def test_abbreviations_propagate_from_the_detectors_span_form_too(mini_lexicon: str) -> None:
    """A user's own pipeline with scispaCy's default (Span) abbreviations works like ours (dicts)."""
    import scispacy.abbreviation  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("axis_sentences")
    nlp.add_pipe("abbreviation_detector")
    nlp.add_pipe("axis_entities", config={"lexicon_path": mini_lexicon})
    doc = nlp("Bone gla protein (BGP) is made by osteoblasts. Later, BGP crossed the BBB in mice.")
    assert doc._.abbreviations and not isinstance(doc._.abbreviations[0], dict)
    bgp = [e for e in doc._.axis_entities if e["text"] == "BGP"]
    assert len(bgp) == 2 and all(e["canonical"] == "osteocalcin" for e in bgp)


def test_document_definition_overrides_lexicon_abbreviation(nlp) -> None:
    text = "Atopic dermatitis (AD) is common. AD was treated."
    (annotated,) = annotate(nlp, [Document(id="d", text=text)])
    short_forms = [e for e in annotated.entities if e.text == "AD"]
    # never the lexicon's reading (Alzheimer's disease); the document's own, when an entity covers it
    assert all(e.canonical != "Alzheimer's disease" and e.id != "MESH:D000544" for e in short_forms)
    assert all((e.canonical or "").lower() == "atopic dermatitis" for e in short_forms)


def test_components_are_registered_for_spacy() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("axis_sentences")
    assert nlp.pipe_names == ["axis_sentences"]


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir() if p.is_file()))
def test_every_entity_offset_round_trips_on_every_fixture(fixture: str) -> None:
    path = FIXTURES / fixture
    try:
        documents = list(read_path(path))
    except Exception:  # fixtures that are deliberately broken are covered by the reader tests
        pytest.skip("not a readable fixture")
    nlp = build_pipeline()
    for annotated in annotate(nlp, documents):
        text = annotated.document.text
        for sentence in annotated.sentences:
            assert text[sentence.start:sentence.end] == sentence.text
            for e in sentence.entities:
                assert text[e.start:e.end] == e.text
                assert sentence.start <= e.start < e.end <= sentence.end
    for annotated in annotate(nlp, documents, gold_entities=True):
        for e in annotated.entities:
            assert annotated.document.text[e.start:e.end] == e.text


def test_axis_review_text_finds_the_factors_and_effects() -> None:
    text = (FIXTURES.parent.parent / "examples" / "axis_review.txt").read_text(encoding="utf-8")
    nlp = build_pipeline()
    (annotated,) = annotate(nlp, [Document(id="review", text=text)])
    canon = {(e.canonical or "").lower() for e in annotated.entities}
    for expected in ("osteocalcin", "osteopontin", "sclerostin", "cortisol", "exercise"):
        assert any(expected in c for c in canon), expected


def test_organs_that_only_name_an_axis_are_not_entities() -> None:
    """"brain" in "the bone–brain axis" names a field of study; "brain" on its own is the organ."""
    nlp = build_pipeline()
    text = (
        "The bone–brain axis offers new targets for the prevention of dementia and osteoporosis. "
        "Along the gut-bone-brain axis, dysbiosis may cause bone loss. "
        "Osteocalcin acts on the brain, and the hypothalamic–pituitary–adrenal axis controls cortisol."
    )
    (annotated,) = annotate(nlp, [Document(id="axis", text=text)])
    found = [(e.text, e.start) for e in annotated.entities]
    axis_words = {"bone", "brain", "gut"}
    first, second = text.index("bone–brain axis"), text.index("gut-bone-brain axis")
    assert not [t for t, start in found if t.lower() in axis_words and start in range(first, first + 11)]
    assert not [t for t, start in found if t.lower() in axis_words and start in range(second, second + 14)]
    assert ("brain", text.index("brain, and")) in found
    assert ("hypothalamic–pituitary–adrenal axis", text.index("hypothalamic")) in found
    assert {"dementia", "osteoporosis", "dysbiosis", "bone loss", "Osteocalcin"} <= {t for t, _ in found}


def test_axis_compound_rule_keeps_other_types_named_axes_and_given_entities() -> None:
    text = "Signalling along the leptin-brain axis, the bone-brain axis and the Wnt-catenin axis"
    organs = {"brain", "bone"}.__contains__

    def ent(word: str, label: str, source: str, nth: int = 0) -> dict:
        start = [i for i in range(len(text)) if text.startswith(word, i)][nth]
        return {"start": start, "end": start + len(word), "label": label, "source": source}

    found = [
        ent("leptin", "GENE_OR_PROTEIN", "lexicon"),       # kept: not an organ, curated
        ent("brain", "ANATOMY", "lexicon"),                # dropped: an organ naming the axis
        ent("bone", "ANATOMY", "given"),                   # kept: the caller's annotation
        ent("brain", "ANATOMY", "ner", 1),                 # dropped
        ent("bone-brain axis", "PHENOTYPE_OR_PROCESS", "ner"),  # dropped: a statistical span over the name
        ent("Wnt", "GENE_OR_PROTEIN", "ner"),              # kept: no organ among the members
    ]
    kept = drop_axis_compound_organs(text, found, organs)
    assert [(text[e["start"]:e["end"]], e["source"]) for e in kept] == [("leptin", "lexicon"), ("bone", "given"), ("Wnt", "ner")]
    named = [ent("leptin-brain axis", "ANATOMY", "lexicon")]
    assert drop_axis_compound_organs(text, named, organs) == named
    hormonal = "Ageing disrupts the hypothalamic-pituitary-gonadal axis"
    hpg = [{"start": 19, "end": len(hormonal), "label": "ANATOMY", "source": "ner"}]
    assert drop_axis_compound_organs(hormonal, hpg, {"pituitary"}.__contains__) == hpg
    assert drop_axis_compound_organs("the brain and the bone", found, organs) == found


def test_spacy_worker_processes_give_the_same_annotations() -> None:
    """``n_process`` > 1 (the batch command's --spacy-processes) changes speed, not output."""
    text = (FIXTURES.parent.parent / "examples" / "axis_review.txt").read_text(encoding="utf-8")
    docs = [Document(id=f"d{i}", text=text if i % 2 else text[: len(text) // 2]) for i in range(6)]
    nlp = build_pipeline()

    def flat(n_process: int) -> list[tuple]:
        return [
            (a.document.id, s.start, s.end, tuple((e.start, e.end, e.label, e.canonical, e.id) for e in s.entities))
            for a in annotate(nlp, docs, n_process=n_process, batch_size=2)
            for s in a.sentences
        ]

    single = flat(1)
    assert single and any(ents for *_, ents in single)
    assert flat(2) == single
