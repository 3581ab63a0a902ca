"""The spaCy pipeline, built in one place, and its plain-data output per document."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

import spacy
from spacy.language import Language

from .entities import install_extensions
from .schema import Document, Entity

logger = logging.getLogger(__name__)
# scispaCy's abbreviation detector warns on every doc that its global matcher is empty
warnings.filterwarnings("ignore", message=r".*\[W036\].*matcher")

REPO_ROOT = Path(__file__).resolve().parent.parent
#: the bundled statistical NER (trained by ``axis-nlp train ner``), used when present
DEFAULT_NER = REPO_ROOT / "models" / "axis-ner"

#: documents longer than this are processed in chunks cut at line breaks
MAX_CHUNK_CHARS = 200_000


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    entities: list[Entity] = field(default_factory=list)


@dataclass
class AnnotatedDocument:
    """A document with its sentences and entities (offsets into ``document.text``)."""

    document: Document
    sentences: list[Sentence]

    @property
    def entities(self) -> list[Entity]:
        return [e for s in self.sentences for e in s.entities]


def build_pipeline(
    *,
    lexicon_path: Optional[str] = None,
    ner_model: Optional[str] = "auto",
    abbreviations: bool = True,
    entities: bool = True,
) -> Language:
    """scispaCy tokenizer -> axis_sentences -> abbreviation_detector -> axis_entities.

    ``ner_model``: ``"auto"`` (the bundled ``models/axis-ner`` when present), ``None`` or
    ``"none"`` (lexicon only), an installed scispaCy model name (``en_ner_bc5cdr_md``,
    ``en_core_sci_sm``) or the path of a trained spaCy NER pipeline; its entities are merged
    with the lexicon's matches (the lexicon wins where they overlap).
    """
    if ner_model == "auto":
        ner_model = str(DEFAULT_NER) if (DEFAULT_NER / "meta.json").exists() else None
    elif ner_model == "none":
        ner_model = None
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    install_extensions()
    nlp = spacy.blank("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.max_length = MAX_CHUNK_CHARS + 10_000
    nlp.add_pipe("axis_sentences")
    if entities:
        if abbreviations:
            import scispacy.abbreviation  # noqa: F401  (registers "abbreviation_detector")

            # serializable: plain dicts in doc._.abbreviations, so n_process > 1 can ship docs back
            nlp.add_pipe("abbreviation_detector", config={"make_serializable": True})
        nlp.add_pipe(
            "axis_entities",
            config={"lexicon_path": lexicon_path, "ner_model": ner_model, "propagate_abbreviations": abbreviations},
        )
    return nlp


def _chunks(text: str) -> list[tuple[int, str]]:
    """Cut a very long text at line breaks (or spaces) into pieces spaCy can take."""
    if len(text) <= MAX_CHUNK_CHARS:
        return [(0, text)]
    pieces = []
    start = 0
    while start < len(text):
        end = min(start + MAX_CHUNK_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n", start + MAX_CHUNK_CHARS // 2, end)
            if cut == -1:
                cut = text.rfind(" ", start + MAX_CHUNK_CHARS // 2, end)
            if cut != -1:
                end = cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def _entity_from(record: dict, offset: int) -> Entity:
    return Entity(
        text=record["text"],
        start=record["start"] + offset,
        end=record["end"] + offset,
        label=record["label"],
        canonical=record.get("canonical"),
        id=record.get("id"),
        source=record.get("source", "lexicon"),
    )


def annotate(
    nlp: Language,
    documents: Iterable[Document],
    *,
    gold_entities: bool = False,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[AnnotatedDocument]:
    """Run the pipeline over documents, streaming; yields sentences with their entities.

    With ``gold_entities`` the entities given by the input (BioC, PubTator) are used
    instead of the recogniser's.
    """
    def units() -> Iterator[tuple[str, tuple[Document, int, int]]]:
        for document in documents:
            pieces = _chunks(document.text)
            for index, (offset, piece) in enumerate(pieces):
                yield piece, (document, offset, len(pieces) - index - 1)

    disable = ["axis_entities", "abbreviation_detector"] if gold_entities else []
    sentences: list[Sentence] = []
    with nlp.select_pipes(disable=[p for p in disable if p in nlp.pipe_names]):
        for doc, (document, offset, remaining) in nlp.pipe(units(), as_tuples=True, batch_size=batch_size, n_process=n_process):
            found = [] if gold_entities else [_entity_from(e, offset) for e in (doc._.axis_entities or [])]
            chunk_sentences = []
            for sent in doc.sents:
                span_text = sent.text
                stripped = span_text.strip()
                if not stripped:
                    continue
                lead = len(span_text) - len(span_text.lstrip())
                start = offset + sent.start_char + lead
                chunk_sentences.append(Sentence(start=start, end=start + len(stripped), text=stripped))
            if not gold_entities:
                _attach(chunk_sentences, found)
            sentences.extend(chunk_sentences)
            if remaining == 0:
                if gold_entities:
                    _attach(sentences, document.entities)
                yield AnnotatedDocument(document=document, sentences=sentences)
                sentences = []


def _attach(sentences: list[Sentence], entities: list[Entity]) -> None:
    """Put each entity into the sentence that contains it (cross-sentence ones are dropped).

    One sweep over both lists sorted by offset: linear, whatever the number of sentences.
    """
    ordered = sorted(entities, key=lambda e: (e.start, e.end))
    i = 0
    for sentence in sorted(sentences, key=lambda s: s.start):
        while i < len(ordered) and ordered[i].start < sentence.start:
            i += 1
        inside = []
        j = i
        while j < len(ordered) and ordered[j].start < sentence.end:
            if ordered[j].end <= sentence.end:
                inside.append(ordered[j])
            j += 1
        sentence.entities = inside
        i = j

