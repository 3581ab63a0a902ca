"""Entity recognition for the axis: lexicon matches, abbreviations, optional statistical NER.

The component writes plain data to ``doc._.axis_entities`` (a list of dicts with character
offsets into ``doc.text``) and mirrors the token-aligned ones to ``doc.ents``.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .errors import ConfigError
from .lexicon import Lexicon, keep_non_overlapping, load_lexicon

logger = logging.getLogger(__name__)

#: a statistical NER span that starts or ends with one of these is a boundary error: dropped
_EDGE_WORDS = {"and", "or", "of", "the", "a", "an", "in", "on", "with", "by", "to", "for", "from", "as", "at", "via"}

#: the name of an axis or a crosstalk ("bone–brain axis", "gut–bone–brain axis", "brain–bone
#: crosstalk", "leptin–melanocortin axis"): group 1 holds the dash-joined members
_AXIS_JOINER = r"\s?[-‐‑–—/]\s?"
AXIS_COMPOUND = re.compile(
    rf"\b((?:[^\W\d_]+{_AXIS_JOINER})+[^\W\d_]+)\s+"
    r"(?:axis|axes|crosstalk|cross-talk|interplay|communication|connection|connections)\b",
    re.IGNORECASE,
)

#: members that make an axis an axis between organs, besides the lexicon's ANATOMY words
ORGAN_WORDS = frozenset({"bone", "bones", "fat", "adipose", "osteoimmune", "immune", "microbiota", "microbiome"})
#: members that make an axis a named hormonal axis ("hypothalamic–pituitary–gonadal axis"), an
#: entity in its own right even though the pituitary is an organ
ENDOCRINE_WORDS = frozenset({"hypothalamic", "hypothalamus", "pituitary", "adrenal", "gonadal", "thyroid",
                             "parathyroid", "somatotropic"})

#: labels of external NER models mapped to ours (unknown labels are dropped)
EXTERNAL_LABELS = {
    "DISEASE": "DISEASE",
    "CHEMICAL": "CHEMICAL",
    "GENE_OR_GENE_PRODUCT": "GENE_OR_PROTEIN",
    "GENE_OR_PROTEIN": "GENE_OR_PROTEIN",
    "CELL_TYPE": "CELL_TYPE",
    "CELL": "CELL_TYPE",
    "SIMPLE_CHEMICAL": "CHEMICAL",
    "ORGAN": "ANATOMY",
    "TISSUE": "ANATOMY",
    "ANATOMICAL_SYSTEM": "ANATOMY",
    "PHENOTYPE_OR_PROCESS": "PHENOTYPE_OR_PROCESS",
    "ANATOMY": "ANATOMY",
    "EXPOSURE": "EXPOSURE",
}


def install_extensions() -> None:
    """Install the ``Doc._`` extensions once (idempotent)."""
    if not Doc.has_extension("axis_entities"):
        Doc.set_extension("axis_entities", default=None)
    if not Doc.has_extension("axis_doc_id"):
        Doc.set_extension("axis_doc_id", default=None)


def _entity(start: int, end: int, text: str, label: str, canonical: Optional[str], id_: Optional[str], source: str) -> dict:
    return {"start": start, "end": end, "text": text, "label": label, "canonical": canonical, "id": id_, "source": source}


class AxisEntityRecognizer:
    """Finds axis entities: lexicon, document abbreviations, and an optional spaCy NER model."""

    def __init__(
        self,
        nlp: Language,
        name: str = "axis_entities",
        *,
        lexicon_path: Optional[str] = None,
        ner_model: Optional[str] = None,
        propagate_abbreviations: bool = True,
    ) -> None:
        install_extensions()
        self.name = name
        self.lexicon_path = lexicon_path
        self.lexicon: Lexicon = load_lexicon(lexicon_path)
        self._is_organ = organ_test(self.lexicon)
        self.propagate_abbreviations = propagate_abbreviations
        self.ner_model = ner_model
        self._ner: Optional[Language] = None
        if ner_model:
            try:
                self._ner = spacy.load(ner_model, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
            except OSError as exc:
                raise ConfigError(
                    f"NER model {ner_model!r} could not be loaded: install it (e.g. a scispaCy en_ner_* "
                    f"or en_core_sci_* package) or give the path of a trained spaCy pipeline"
                ) from exc

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        found: list[dict] = []
        for m in self.lexicon.find(text):
            c = m.concept
            found.append(_entity(m.start, m.end, m.text, c.label, c.canonical, c.id, "lexicon"))

        if self._ner is not None:
            for ent in self._ner(text).ents:
                label = EXTERNAL_LABELS.get(ent.label_)
                words = ent.text.lower().split()
                if label is None or not words or words[0] in _EDGE_WORDS or words[-1] in _EDGE_WORDS:
                    continue
                concept = self.lexicon.lookup(ent.text)
                found.append(
                    _entity(ent.start_char, ent.end_char, ent.text, concept.label if concept else label,
                            concept.canonical if concept else ent.text.lower(), concept.id if concept else None, "ner")
                )

        if self.propagate_abbreviations and Doc.has_extension("abbreviations"):
            found = self._apply_abbreviations(doc, found)

        entities = _resolve_overlaps(drop_axis_compound_organs(text, found, self._is_organ))
        doc._.axis_entities = entities
        spans = []
        for e in entities:
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="contract")
            if span is not None and len(span) > 0:
                spans.append(span)
        try:
            doc.ents = spacy.util.filter_spans(spans)
        except ValueError:  # token alignment clash: the plain data above stays authoritative
            pass
        return doc

    def _apply_abbreviations(self, doc: Doc, found: list[dict]) -> list[dict]:
        """Give every use of a defined short form the concept of its long form.

        A short form defined in the document overrides the lexicon's reading of it
        ("AD (atopic dermatitis)" is not Alzheimer's disease there).
        """
        by_span = {(e["start"], e["end"]): e for e in found}
        definitions: dict[str, Optional[dict]] = {}
        pairs = _abbreviation_pairs(doc)
        for short, long_form in pairs:
            key = short.text
            if key in definitions:
                continue
            # the entity covering the long form, if any
            match = by_span.get((long_form.start_char, long_form.end_char))
            if match is None:
                inside = [e for e in found if e["start"] >= long_form.start_char and e["end"] <= long_form.end_char]
                if len(inside) == 1 and (inside[0]["end"] - inside[0]["start"]) >= 0.6 * len(long_form.text):
                    match = inside[0]
            if match is None:
                concept = self.lexicon.lookup(long_form.text)
                if concept is not None:
                    match = _entity(long_form.start_char, long_form.end_char, long_form.text, concept.label,
                                    concept.canonical, concept.id, "abbreviation")
                    found.append(match)
            definitions[key] = match

        if not definitions:
            return found
        out = [e for e in found if not (e["text"] in definitions and definitions[e["text"]] is None)]
        by_span: dict[tuple[int, int], list[dict]] = {}
        for e in out:
            by_span.setdefault((e["start"], e["end"]), []).append(e)
        for short, _ in pairs:
            definition = definitions.get(short.text)
            if definition is None:
                continue
            span = (short.start_char, short.end_char)
            existing = by_span.get(span)
            if existing:
                for e in existing:
                    e.update(label=definition["label"], canonical=definition["canonical"], id=definition["id"])
            else:
                new = _entity(span[0], span[1], short.text, definition["label"], definition["canonical"],
                              definition["id"], "abbreviation")
                out.append(new)
                by_span[span] = [new]
        return out


def _abbreviation_pairs(doc: Doc) -> list[tuple[Span, Span]]:
    """(short form, long form) spans from scispaCy's ``doc._.abbreviations``, in either form.

    The detector stores Spans with ``._.long_form``, or, built with ``make_serializable``
    (as :func:`axis_nlp.pipeline.build_pipeline` does, so docs can cross process
    boundaries in ``nlp.pipe(n_process=...)``), dicts of token offsets.
    """
    pairs = []
    for short in doc._.abbreviations or []:
        if isinstance(short, dict):
            pairs.append((doc[short["short_start"]:short["short_end"]], doc[short["long_start"]:short["long_end"]]))
        elif isinstance(short._.long_form, Span):
            pairs.append((short, short._.long_form))
    return pairs


def organ_test(lexicon: Lexicon) -> Callable[[str], bool]:
    """Whether a word names an organ: one of :data:`ORGAN_WORDS` or an ANATOMY word of ``lexicon``."""

    def is_organ(word: str) -> bool:
        concept = lexicon.lookup(word)
        return word.lower() in ORGAN_WORDS or (concept is not None and concept.label == "ANATOMY")

    return is_organ


def organ_axis_spans(text: str, is_organ: Callable[[str], bool]) -> list[tuple[int, int, int]]:
    """(start, end of the members, end of the name) of each axis between organs in ``text``:
    "bone–brain axis", "gut–bone–brain crosstalk" (a member is an organ), not "Wnt–catenin axis"
    nor a named hormonal axis ("hypothalamic–pituitary–gonadal axis")."""
    spans = []
    for m in AXIS_COMPOUND.finditer(text):
        members = [word.lower() for word in re.split(_AXIS_JOINER, m.group(1))]
        if any(is_organ(word) for word in members) and not ENDOCRINE_WORDS.intersection(members):
            spans.append((m.start(1), m.end(1), m.end()))
    return spans


def drop_axis_compound_organs(text: str, found: list[dict], is_organ: Callable[[str], bool]) -> list[dict]:
    """Drop the entities that only name the members of an axis between organs.

    In "the bone–brain axis" or "gut–bone–brain crosstalk" the organs name a field of study, not
    an organ the sentence speaks of (corpora/axis/GUIDELINES.md), so neither they nor a
    statistical span over the compound are entities. Kept: entities given by the caller, lexicon
    entities of other types ("leptin" in "leptin–brain axis") and lexicon names of the whole axis
    ("hypothalamic–pituitary–adrenal axis").
    """
    spans = organ_axis_spans(text, is_organ)
    if not spans:
        return found

    def names_a_member(e: dict) -> bool:
        for start, members_end, end in spans:
            if start <= e["start"] and e["end"] <= end:
                covers_head = e["end"] > members_end
                curated = e["source"] in ("lexicon", "abbreviation")
                return not (covers_head and curated) and (e["label"] == "ANATOMY" or not curated)
        return False

    return [e for e in found if e["source"] == "given" or not names_a_member(e)]


def _resolve_overlaps(found: list[dict]) -> list[dict]:
    """Resolve overlaps: curated sources (lexicon, abbreviations) before NER, then the longest."""
    priority = {"given": 0, "lexicon": 1, "abbreviation": 1, "ner": 2}
    ordered = sorted(found, key=lambda e: (priority.get(e["source"], 9), -(e["end"] - e["start"]), e["start"]))
    kept = keep_non_overlapping(ordered, lambda e: (e["start"], e["end"]))
    kept.sort(key=lambda e: (e["start"], e["end"]))
    return kept


@Language.factory(
    "axis_entities",
    default_config={"lexicon_path": None, "ner_model": None, "propagate_abbreviations": True},
)
def make_axis_entities(
    nlp: Language,
    name: str,
    lexicon_path: Optional[str],
    ner_model: Optional[str],
    propagate_abbreviations: bool,
) -> AxisEntityRecognizer:
    return AxisEntityRecognizer(
        nlp, name, lexicon_path=lexicon_path, ner_model=ner_model, propagate_abbreviations=propagate_abbreviations
    )


def entities_of(doc: Doc) -> list[dict[str, Any]]:
    """The plain entity records of a processed doc."""
    return list(doc._.axis_entities or [])
