"""Entity-level evaluation with seqeval (BIO over the pipeline's tokens)."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from spacy.language import Language

from .pipeline import annotate
from .schema import Document, ENTITY_LABELS

#: gold labels of annotated corpora that have a counterpart among ours; others are left out
COMPARABLE = set(ENTITY_LABELS)


def _bio(doc: Any, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * len(doc)
    for start, end, label in sorted(spans):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        if any(tags[i] != "O" for i in range(span.start, span.end)):
            continue
        tags[span.start] = f"B-{label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{label}"
    return tags


def evaluate_entities(nlp: Language, documents: Sequence[Document], *, labels: Iterable[str] = ()) -> dict[str, Any]:
    """Entity-level P/R/F1 per type of the pipeline's entities against the documents' given ones.

    Only types that exist in both are scored (gold types mapped by the reader: BioRED's
    GeneOrGeneProduct -> GENE_OR_PROTEIN, DiseaseOrPhenotypicFeature -> DISEASE,
    ChemicalEntity -> CHEMICAL, CellLine -> CELL_TYPE).
    """
    from seqeval.metrics import classification_report

    gold_types = {e.label for d in documents for e in d.entities} & COMPARABLE
    scored = set(labels) or gold_types
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    tokenizer = nlp.tokenizer
    for annotated in annotate(nlp, documents):
        doc = tokenizer(annotated.document.text)
        gold = [(e.start, e.end, e.label) for e in annotated.document.entities if e.label in scored]
        pred = [(e.start, e.end, e.label) for e in annotated.entities if e.label in scored]
        y_true.append(_bio(doc, gold))
        y_pred.append(_bio(doc, pred))
    report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    per_type = {
        k: {m: round(float(v[m]), 4) for m in ("precision", "recall", "f1-score", "support")}
        for k, v in report.items()
        if k in scored
    }
    micro = report.get("micro avg", {})
    return {
        "documents": len(documents),
        "types": sorted(scored),
        "per_type": per_type,
        "micro": {m: round(float(micro.get(m, 0.0)), 4) for m in ("precision", "recall", "f1-score", "support")},
    }


def format_entity_scores(scores: dict[str, Any]) -> str:
    lines = [f"{'type':<22} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}"]
    for label, s in scores["per_type"].items():
        lines.append(f"{label:<22} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1-score']:>6.3f} {int(s['support']):>8}")
    m = scores["micro"]
    lines.append(f"{'micro':<22} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1-score']:>6.3f} {int(m['support']):>8}")
    return "\n".join(lines)
