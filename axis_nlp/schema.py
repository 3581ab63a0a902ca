"""The one typed schema shared by every step: Document, Section, Entity, Triple.

Offsets are always character offsets into ``Document.text`` (the text as read,
after format decoding), never into a re-tokenised string.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional

ENTITY_LABELS: tuple[str, ...] = (
    "GENE_OR_PROTEIN",
    "CHEMICAL",
    "CELL_TYPE",
    "DISEASE",
    "PHENOTYPE_OR_PROCESS",
    "ANATOMY",
    "EXPOSURE",
)

#: Relation labels of the classifier; ``none`` means "no relation stated".
DIRECTIONS: tuple[str, ...] = ("increases", "decreases", "associated", "no_effect")
RELATION_LABELS: tuple[str, ...] = DIRECTIONS + ("none",)

Direction = Literal["increases", "decreases", "associated", "no_effect"]


@dataclass
class Section:
    """A named span of the document text (title, abstract, a body section...)."""

    name: str
    start: int
    end: int


@dataclass
class Entity:
    """An entity mention. ``start``/``end`` index into the document text."""

    text: str
    start: int
    end: int
    label: str
    canonical: Optional[str] = None
    id: Optional[str] = None
    source: str = "lexicon"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "canonical": self.canonical,
            "id": self.id,
        }


@dataclass
class Document:
    """A document as read from any input format."""

    id: str
    text: str
    sections: list[Section] = field(default_factory=list)
    #: entity annotations given by the input (BioC, PubTator), if any
    entities: list[Entity] = field(default_factory=list)
    #: relation annotations given by the input (document level), if any
    relations: list[dict[str, Any]] = field(default_factory=list)
    source: Optional[str] = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def section_at(self, offset: int) -> Optional[str]:
        """Name of the section that contains ``offset``, if any."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section.name
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Triple:
    """A factor-effect-direction triple (the contract of ``axis-nlp extract``)."""

    doc_id: str
    section: Optional[str]
    sentence: dict[str, Any]
    factor: Entity
    effect: Entity
    direction: str
    score: float
    trigger: Optional[str] = None
    hedged: Optional[bool] = None
    negated: Optional[bool] = None
    model: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "doc_id": self.doc_id,
            "section": self.section,
            "sentence": self.sentence,
            "factor": self.factor.to_dict(),
            "effect": self.effect.to_dict(),
            "direction": self.direction,
            "score": round(float(self.score), 4),
            "trigger": self.trigger,
            "hedged": self.hedged,
            "negated": self.negated,
            "model": self.model,
        }
        record.update(self.extra)
        return record
