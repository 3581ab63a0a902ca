"""End to end: documents -> sentences and entities -> candidate pairs -> relation model -> triples."""

from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence, Union

from .attributes import relation_attributes
from .pipeline import AnnotatedDocument, Sentence, annotate, build_pipeline
from .relation.decode import decode_pairs
from .schema import Document, Entity, Triple

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = Path(os.environ.get("AXIS_NLP_MODEL", REPO_ROOT / "models" / "axis-relation"))
#: more candidate pairs than this in one sentence are cut (with a warning)
MAX_PAIRS_PER_SENTENCE = 400


@dataclass
class Candidate:
    index: int  # position of the document in its chunk
    document: Document
    sentence: Sentence
    factor: Entity
    effect: Entity


def candidate_pairs(sentence: Sentence, *, max_pairs: int = MAX_PAIRS_PER_SENTENCE) -> list[tuple[Entity, Entity]]:
    """Ordered pairs (both orders) of distinct, non-overlapping entities of one sentence.

    A short form in parentheses right after its long form ("osteocalcin (OCN)") takes no part:
    the long form carries the relation.
    """
    from .corpus import parenthetical_short_forms

    skip = parenthetical_short_forms(sentence.text, [(e.start - sentence.start, e.end - sentence.start) for e in sentence.entities])
    entities = [e for i, e in enumerate(sentence.entities) if i not in skip]
    pairs = []
    for a, b in itertools.permutations(entities, 2):
        if a.start < b.end and b.start < a.end:
            continue
        same = (a.id and a.id == b.id) or ((a.canonical or a.text).lower() == (b.canonical or b.text).lower())
        if same:
            continue
        pairs.append((a, b))
    if len(pairs) > max_pairs:
        logger.warning(
            "sentence at %d-%d has %d candidate pairs; keeping the %d closest (max_pairs_per_sentence)",
            sentence.start, sentence.end, len(pairs), max_pairs,
        )
        pairs.sort(key=lambda p: abs(p[0].start - p[1].start))
        pairs = pairs[:max_pairs]
    return pairs


def sentence_groups(
    chunk: Sequence[AnnotatedDocument], *, max_pairs: int = MAX_PAIRS_PER_SENTENCE
) -> tuple[list[Candidate], list[Any]]:
    """The candidate pairs of annotated documents, and one model input group per sentence.

    ``candidates[i]`` is row ``i`` of the probabilities that
    :meth:`~axis_nlp.relation.engine.InferenceEngine.predict_groups` returns for ``groups``.
    """
    from .relation.engine import SentenceGroup

    candidates: list[Candidate] = []
    groups: list[SentenceGroup] = []
    for index, annotated in enumerate(chunk):
        for sentence in annotated.sentences:
            pairs = candidate_pairs(sentence, max_pairs=max_pairs)
            if not pairs:
                continue
            position: dict[int, int] = {}
            spans: list[tuple[int, int, str]] = []
            index_pairs: list[tuple[int, int]] = []
            s = sentence.start
            for factor, effect in pairs:
                for entity in (factor, effect):
                    if id(entity) not in position:
                        position[id(entity)] = len(spans)
                        spans.append((entity.start - s, entity.end - s, entity.label))
                index_pairs.append((position[id(factor)], position[id(effect)]))
                candidates.append(Candidate(index, annotated.document, sentence, factor, effect))
            groups.append(SentenceGroup(sentence.text, spans, index_pairs))
    return candidates, groups


class Extractor:
    """Loads the pipeline and the relation model once; turns documents into triples.

    >>> extractor = Extractor()                      # bundled model, CPU or GPU
    >>> for triple in extractor.extract(documents): print(triple.to_dict())
    """

    def __init__(
        self,
        model: Union[str, Path, None] = None,
        *,
        device: str = "auto",
        batch_size: int = 256,
        max_tokens: Optional[int] = None,
        nlp: Any = None,
        lexicon_path: Optional[str] = None,
        ner_model: Optional[str] = "auto",
        threshold: float = 0.0,
        docs_per_chunk: int = 64,
        max_pairs_per_sentence: int = MAX_PAIRS_PER_SENTENCE,
        overlap: Optional[bool] = None,
        spacy_processes: int = 1,
    ) -> None:
        from .relation.engine import InferenceEngine
        from .relation.model import RelationClassifier, tokenizer_for

        from .registry import resolve_model

        model_path = resolve_model(model)
        self.model = RelationClassifier.from_pretrained(model_path)
        self.tokenizer = tokenizer_for(self.model.config, model_path)
        self.engine = InferenceEngine(self.model, self.tokenizer, device=device, max_tokens=max_tokens, max_batch=batch_size)
        self.nlp = nlp or build_pipeline(lexicon_path=lexicon_path, ner_model=ner_model)
        self.labels = list(self.model.config.labels)
        self.threshold = threshold
        self.docs_per_chunk = docs_per_chunk
        self.max_pairs_per_sentence = max_pairs_per_sentence
        #: run spaCy for the next chunk while the model works on this one (default: on CUDA)
        self.overlap = self.engine.device.type == "cuda" if overlap is None else overlap
        #: spaCy worker processes (``nlp.pipe(n_process=...)``); output is the same for any number
        self.spacy_processes = max(1, int(spacy_processes))
        self.stats = {"documents": 0, "sentences": 0, "pairs": 0, "triples": 0, "truncated": 0}

    @property
    def model_name(self) -> str:
        return self.model.name

    def annotate(self, documents: Iterable[Document], *, gold_entities: bool = False) -> Iterator[AnnotatedDocument]:
        return annotate(self.nlp, documents, gold_entities=gold_entities, n_process=self.spacy_processes)

    def extract(self, documents: Iterable[Document], *, gold_entities: bool = False) -> Iterator[Triple]:
        """Triples of every document, in document and sentence order."""
        for annotated in self.extract_annotated(documents, gold_entities=gold_entities):
            yield from annotated[1]

    def extract_annotated(
        self, documents: Iterable[Document], *, gold_entities: bool = False
    ) -> Iterator[tuple[AnnotatedDocument, list[Triple]]]:
        """(annotated document, its triples), streaming in chunks of documents."""
        stream = self.annotate(documents, gold_entities=gold_entities)

        def next_chunk() -> list[AnnotatedDocument]:
            return list(itertools.islice(stream, self.docs_per_chunk))

        if not self.overlap:
            while chunk := next_chunk():
                yield from zip(chunk, self._triples_for(chunk))
            return
        # producer/consumer: spaCy prepares the next chunk in a thread while the model runs
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="axis-spacy") as pool:
            pending = pool.submit(next_chunk)
            while chunk := pending.result():
                pending = pool.submit(next_chunk)
                yield from zip(chunk, self._triples_for(chunk))

    def _triples_for(self, chunk: Sequence[AnnotatedDocument]) -> list[list[Triple]]:
        self.stats["documents"] += len(chunk)
        self.stats["sentences"] += sum(len(a.sentences) for a in chunk)
        candidates, groups = sentence_groups(chunk, max_pairs=self.max_pairs_per_sentence)
        self.stats["pairs"] += len(candidates)
        probs, truncated = self.engine.predict_groups(groups)
        results: list[list[Triple]] = [[] for _ in chunk]
        # decode per sentence: at most one triple per unordered pair
        by_sentence: dict[tuple[int, int], list[int]] = {}
        for i, c in enumerate(candidates):
            by_sentence.setdefault((c.index, c.sentence.start), []).append(i)
        for rows in by_sentence.values():
            keys = [(candidates[i].factor.start, candidates[i].effect.start) for i in rows]
            decisions = decode_pairs(keys, probs[rows], self.labels, threshold=self.threshold)
            row_of = {keys[k]: rows[k] for k in range(len(rows))}
            for decision in decisions.values():
                if decision.label == "none":
                    continue
                i = row_of[decision.key]
                triple = self._triple(candidates[i], decision.label, decision.score, truncated[i])
                results[candidates[i].index].append(triple)
        out = []
        for triples in results:
            triples = sorted(triples, key=lambda t: (t.sentence["start"], t.factor.start, t.effect.start))
            self.stats["triples"] += len(triples)
            out.append(triples)
        return out

    def _triple(self, c: Candidate, direction: str, score: float, truncated: bool) -> Triple:
        s = c.sentence

        def in_sentence(start: int, end: int) -> tuple[int, int]:
            return start - s.start, end - s.start

        def in_document(span: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
            return None if span is None else {**span, "start": span["start"] + s.start, "end": span["end"] + s.start}

        attributes = relation_attributes(
            s.text, in_sentence(c.factor.start, c.factor.end), in_sentence(c.effect.start, c.effect.end), direction,
            entities=[in_sentence(x.start, x.end) for x in s.entities],
        )
        trigger = attributes["trigger"]
        extra: dict[str, Any] = {
            "trigger_span": in_document(trigger),
            "certainty": attributes["certainty"],
            "evidence": attributes["evidence"],
            "causal": attributes["causal"],
            "context": attributes["context"],
            "negation": in_document(attributes["negation"]),
        }
        if truncated:
            self.stats["truncated"] += 1
            extra["truncated"] = True
        return Triple(
            doc_id=c.document.id,
            section=c.document.section_at(s.start),
            sentence={"text": s.text, "start": s.start, "end": s.end},
            factor=c.factor,
            effect=c.effect,
            direction=direction,
            score=score,
            trigger=trigger["text"] if trigger else None,
            hedged=attributes["hedged"],
            negated=attributes["negated"],
            model=self.model_name,
            extra=extra,
        )
