"""One paper as a self-contained HTML report: entities highlighted by type, relation arcs, triples.

>>> build_report("paper.xml", "report.html")                     # runs the pipeline and the relation model
>>> html = render_report([{"id": "p1", "text": "...", "entities": [...], "triples": [...]}])   # plain data

The rendering takes plain data (:func:`document_data` makes it from the pipeline's output), so
it can be tested and reused without a model. Offsets are document offsets, as in the triple contract.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from .errors import ConfigError, InputFormatError
from .graph import (
    DIRECTION_COLOURS, ENTITY_COLOURS, UNKNOWN_COLOUR, write_text_atomic, fill_template, read_triples, script_json,
)
from .schema import DIRECTIONS, ENTITY_LABELS, Entity, Triple

PathLike = Union[str, Path]

LABEL_ABBREVIATIONS = {
    "GENE_OR_PROTEIN": "GENE", "CHEMICAL": "CHEM", "CELL_TYPE": "CELL", "DISEASE": "DISEASE",
    "PHENOTYPE_OR_PROCESS": "PHENO", "ANATOMY": "ANAT", "EXPOSURE": "EXPO",
}
SIGNS = {"increases": "+", "decreases": "−", "associated": "~", "no_effect": "0"}
WORDS = {"increases": "increases", "decreases": "decreases", "associated": "is associated with", "no_effect": "has no effect on"}


def _entity_dict(entity: Union[Entity, Mapping[str, Any]]) -> dict[str, Any]:
    if isinstance(entity, Entity):
        return entity.to_dict()
    return {k: entity.get(k) for k in ("text", "start", "end", "label", "canonical", "id")}


def document_data(document: Any, triples: Iterable[Union[Triple, Mapping[str, Any]]],
                  entities: Optional[Iterable[Union[Entity, Mapping[str, Any]]]] = None) -> dict[str, Any]:
    """Plain data of one document for :func:`render_report`.

    ``document``: an :class:`~axis_nlp.pipeline.AnnotatedDocument` (its entities are used) or a
    :class:`~axis_nlp.schema.Document`; ``entities`` adds or replaces the recognised entities.
    """
    annotated = getattr(document, "sentences", None) is not None and hasattr(document, "document")
    doc = document.document if annotated else document
    found = list(entities) if entities is not None else (document.entities if annotated else list(doc.entities))
    return {
        "id": doc.id, "text": doc.text,
        "sections": [{"name": s.name, "start": s.start, "end": s.end} for s in doc.sections],
        "sentences": [{"start": s.start, "end": s.end} for s in document.sentences] if annotated else [],
        "entities": [_entity_dict(e) for e in found],
        "triples": [t.to_dict() if isinstance(t, Triple) else dict(t) for t in triples],
    }


# --------------------------------------------------------------------------- rendering helpers

def _colour(label: Optional[str]) -> str:
    return ENTITY_COLOURS.get(label or "", UNKNOWN_COLOUR)


def _valid_span(entity: Mapping[str, Any], text: str) -> bool:
    start, end = entity.get("start"), entity.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


def _span_key(entity: Mapping[str, Any]) -> str:
    return f"{entity['start']}-{entity['end']}"


def _resolve_entities(text: str, entities: Sequence[Mapping[str, Any]], triples: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Non-overlapping entity spans to highlight: those of triples first, then the longest."""
    in_triples = {(t[r]["start"], t[r]["end"]) for t in triples for r in ("factor", "effect") if _valid_span(t[r], text)}
    candidates: dict[tuple[int, int], dict] = {}
    for entity in [*(t[r] for t in triples for r in ("factor", "effect")), *entities]:
        if _valid_span(entity, text):
            candidates.setdefault((entity["start"], entity["end"]), _entity_dict(entity))
    ranked = sorted(candidates.values(), key=lambda e: ((e["start"], e["end"]) not in in_triples,
                                                         -(e["end"] - e["start"]), e["start"]))
    kept: list[dict] = []
    for entity in ranked:
        if all(entity["end"] <= k["start"] or entity["start"] >= k["end"] for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e["start"])


def _entity_title(entity: Mapping[str, Any]) -> str:
    parts = [str(entity.get("label") or "entity").lower().replace("_", " ")]
    if entity.get("canonical") and str(entity["canonical"]).lower() != str(entity["text"]).lower():
        parts.append(str(entity["canonical"]))
    if entity.get("id"):
        parts.append(str(entity["id"]))
    return " · ".join(parts)


def _highlight(text: str, start: int, end: int, entities: Sequence[Mapping[str, Any]], *, tags: bool) -> str:
    """HTML of ``text[start:end]`` with entity <mark>s (entities must not overlap)."""
    out, pos = [], start
    for entity in entities:
        if entity["start"] < start or entity["end"] > end:
            continue
        out.append(html.escape(text[pos:entity["start"]]))
        label = entity.get("label") or ""
        tag = f'<span class="tag">{html.escape(LABEL_ABBREVIATIONS.get(label, label[:5] or "?"))}</span>' if tags else ""
        out.append(f'<mark class="ent" style="--c:{_colour(label)}" data-span="{_span_key(entity)}" '
                   f'data-label="{html.escape(label)}" title="{html.escape(_entity_title(entity))}">'
                   f'{html.escape(text[entity["start"]:entity["end"]])}{tag}</mark>')
        pos = entity["end"]
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _title_of(document: Mapping[str, Any]) -> str:
    text = document["text"]
    for section in document.get("sections") or []:
        if section.get("name") == "title":
            return text[section["start"]:section["end"]].strip() or document["id"]
    first = text.lstrip().split("\n", 1)[0].strip()
    return first if 0 < len(first) <= 200 and "\n" in text.strip() else str(document["id"])


def _sentence_of(triple: Mapping[str, Any]) -> tuple[int, int, str]:
    sentence = triple.get("sentence") or {}
    return int(sentence.get("start") or 0), int(sentence.get("end") or 0), str(sentence.get("text") or "")


def _mark(entity: Mapping[str, Any]) -> str:
    """A standalone entity chip (table cells, legend)."""
    return f'<mark class="ent" style="--c:{_colour(entity.get("label"))}">{html.escape(str(entity["text"]))}</mark>'


def _summary_html(document: Mapping[str, Any], entities: Sequence[Mapping[str, Any]],
                  triples: Sequence[Mapping[str, Any]], *, with_title: bool = True) -> str:
    """Title, counts per direction and the entity-type legend of one document."""
    counts = Counter(t["direction"] for t in triples)
    labels = Counter(e.get("label") or "" for e in entities)
    model = next((t.get("model") for t in triples if t.get("model")), None)
    sub = html.escape(str(document["id"])) + (f" · relation model {html.escape(str(model))}" if model else "")
    chips = [f'<span class="chip"><b>{len(entities)}</b> entities</span>',
             f'<span class="chip"><b>{len(triples)}</b> triples</span>']
    for d in DIRECTIONS:
        if counts[d]:
            dashed = " dashed" if d == "no_effect" else ""
            chips.append(f'<span class="chip"><span class="swatch{dashed}" style="background:{DIRECTION_COLOURS[d]}">'
                         f'</span><b>{counts[d]}</b> {d.replace("_", " ")}</span>')
    hedged = sum(bool(t.get("hedged")) for t in triples)
    if hedged:
        chips.append(f'<span class="chip"><b>{hedged}</b> hedged</span>')
    order = [*ENTITY_LABELS, *sorted(set(labels) - set(ENTITY_LABELS))]
    legend = "".join(f'<span class="legend-item">{_mark({"label": label, "text": label.lower().replace("_", " ") or "entity"})}'
                     f" {labels[label]}</span>" for label in order if labels.get(label))
    heading = f"<h2>{html.escape(_title_of(document))}</h2>" if with_title else ""
    return (f'<div class="doc-title">{heading}<div class="sub">{sub}</div></div>'
            f'<div class="chips">{"".join(chips)}</div>' + (f'<div class="legend">{legend}</div>' if legend else ""))


def _triple_row(row_id: str, index: int, triple: Mapping[str, Any]) -> str:
    direction, score = triple["direction"], triple.get("score")
    colour = DIRECTION_COLOURS.get(direction, UNKNOWN_COLOUR)
    hedging = '<span class="badge hedged">hedged</span>' if triple.get("hedged") else "asserted"
    if triple.get("negated"):
        hedging += ' <span class="badge plain">negated</span>'
    return (f'<tr id="{row_id}" data-triple="{index}">'
            f'<td class="ent-cell">{_mark(triple["factor"])}</td>'
            f'<td class="dir-cell"><span class="arrow" style="color:{colour}">{SIGNS.get(direction, "?")}→</span> '
            f'<span class="badge {html.escape(direction)}">{html.escape(direction.replace("_", " "))}</span></td>'
            f'<td class="ent-cell">{_mark(triple["effect"])}</td>'
            f'<td class="num">{"" if score is None else f"{float(score):.2f}"}</td>'
            f"<td>{hedging}</td>"
            f'<td class="muted">{html.escape(str(triple.get("trigger") or ""))}</td></tr>')


def _relation_card(card_id: str, number: int, text: str, span: tuple[int, int], indices: list[int],
                   triples: Sequence[Mapping[str, Any]], entities: Sequence[Mapping[str, Any]],
                   arcs: list[dict]) -> str:
    """One sentence with its relation arcs (data appended to ``arcs``) and its triples."""
    s_start, s_end = span
    shown = {_span_key(e) for e in entities}
    in_text = 0 <= s_start < s_end <= len(text) and text[s_start:s_end] == _sentence_of(triples[indices[0]])[2]
    if in_text:
        inside = [e for e in entities if s_start <= e["start"] and e["end"] <= s_end]
        body = _highlight(text, s_start, s_end, inside, tags=False)
    else:  # offsets that do not point into this text: the sentence as the triple gives it
        body = html.escape(_sentence_of(triples[indices[0]])[2])
    rows = []
    for i in sorted(indices, key=lambda i: (triples[i]["factor"].get("start") or 0, triples[i]["effect"].get("start") or 0)):
        t, row_id = triples[i], f"{card_id}-t{i}"
        f, e = t["factor"], t["effect"]
        if in_text and _valid_span(f, text) and _valid_span(e, text) and {_span_key(f), _span_key(e)} <= shown:
            arcs.append({"card": card_id, "row": row_id, "f": _span_key(f), "e": _span_key(e), "dir": t["direction"],
                         "hedged": bool(t.get("hedged")), "score": t.get("score"),
                         "title": f'{f["text"]} {WORDS.get(t["direction"], t["direction"])} {e["text"]}'})
        rows.append(_triple_row(row_id, i, t))
    section = html.escape(str(triples[indices[0]].get("section") or ""))
    return (f'<article class="rel-card" id="{card_id}" data-start="{s_start}" data-end="{s_end}">'
            f'<div class="card-head"><span>sentence {number}</span><span>{section} · chars {s_start}–{s_end}</span></div>'
            f'<div class="rel-text"><svg class="arcs" aria-hidden="true"></svg><p class="sentence">{body}</p></div>'
            '<table class="triples"><thead><tr><th>Factor</th><th>Direction</th><th>Effect</th>'
            '<th class="num">Score</th><th>Hedging</th><th>Trigger</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></article>')


def _fulltext_html(anchor: str, text: str, sentences: list[tuple[int, int]], entities: Sequence[Mapping[str, Any]]) -> str:
    """The whole text, entities tagged like displaCy; sentences with relations link to their card."""
    parts, pos = [], 0
    for n, (s_start, s_end) in enumerate(sentences):
        if s_start < pos or not (0 <= s_start < s_end <= len(text)):
            continue
        parts.append(_highlight(text, pos, s_start, entities, tags=True))
        parts.append(f'<a class="rel-sentence" href="#{anchor}-s{n}">'
                     f"{_highlight(text, s_start, s_end, entities, tags=True)}</a>")
        pos = s_end
    parts.append(_highlight(text, pos, len(text), entities, tags=True))
    return f'<div class="fulltext">{"".join(parts)}</div>'


def _document_html(index: int, document: Mapping[str, Any], *, with_title: bool = True) -> tuple[str, list[dict]]:
    """HTML of one document and its arcs (plain data for the script)."""
    text: str = document["text"]
    triples = list(document.get("triples") or [])
    entities = _resolve_entities(text, document.get("entities") or [], triples)
    sentences: dict[tuple[int, int], list[int]] = {}
    for i, triple in enumerate(triples):
        start, end, _ = _sentence_of(triple)
        sentences.setdefault((start, end), []).append(i)
    anchor = f"d{index}"
    arcs: list[dict] = []
    parts = [f'<section class="document" id="{anchor}" data-doc="{html.escape(str(document["id"]))}">',
             _summary_html(document, entities, triples, with_title=with_title),
             f'<h3>Relations <span class="count">{len(triples)} in {len(sentences)} sentences</span></h3>']
    if not triples:
        parts.append('<p class="hint">No relation was found in this document.</p>')
    for n, (span, indices) in enumerate(sorted(sentences.items())):
        parts.append(_relation_card(f"{anchor}-s{n}", n + 1, text, span, indices, triples, entities, arcs))
    parts.append('<h3>Text <span class="count">entities highlighted by type; sentences with relations underlined'
                 "</span></h3>")
    parts.append(_fulltext_html(anchor, text, sorted(sentences), entities))
    parts.append("</section>")
    return "".join(parts), arcs


def render_report(documents: Sequence[Mapping[str, Any]], *, title: Optional[str] = None,
                  source: Optional[str] = None) -> str:
    """The report HTML of one paper (or each document of a file), self-contained.

    Each document: ``{"id", "text", "entities": [entity dicts], "triples": [triple dicts], "sections": [...]}``;
    entities are optional (the triples' factor and effect spans are highlighted anyway).
    """
    bodies, arcs = [], []
    for index, document in enumerate(documents):
        if "text" not in document or "id" not in document:
            raise ConfigError("a report document needs 'id' and 'text'")
        body, doc_arcs = _document_html(index, document, with_title=len(documents) > 1)  # one: the page title
        bodies.append(body)
        arcs.extend(doc_arcs)
    if not documents:
        bodies.append('<p class="hint">The input held no document.</p>')
    heading = title or (_title_of(documents[0]) if len(documents) == 1 else f"{len(documents)} documents")
    nav = ""
    if len(documents) > 1:
        nav = '<nav class="doc-nav">' + "".join(
            f'<a href="#d{i}">{html.escape(str(d["id"]))} <span class="count">{len(d.get("triples") or [])}</span></a>'
            for i, d in enumerate(documents)) + "</nav>"
    data = {"arcs": arcs, "colours": DIRECTION_COLOURS, "signs": SIGNS}
    return fill_template("report.html", title=html.escape(heading), source=html.escape(f" · {source}" if source else ""),
                         nav=nav, body="".join(bodies), data=script_json(data))


# --------------------------------------------------------------------------- from a paper

@dataclass
class ReportSummary:
    path: Path
    documents: int
    entities: int
    triples: int


def build_report(paper: PathLike, output: PathLike, *, model: Optional[PathLike] = None, device: str = "cpu",
                 input_format: str = "auto", doc_id: Optional[str] = None, threshold: float = 0.0,
                 lexicon_path: Optional[str] = None, ner_model: Optional[str] = "auto",
                 triples: Optional[PathLike] = None, title: Optional[str] = None) -> ReportSummary:
    """Read ``paper``, find entities and triples, write the report to ``output``.

    ``triples``: a JSONL of triples (``axis-nlp extract`` output) to show instead of running the
    relation model; entities then come from the spaCy pipeline alone. ``doc_id``: only that document.
    """
    from .readers import read_path

    documents = [d for d in read_path(paper, input_format) if doc_id is None or d.id == doc_id]
    if not documents:
        raise InputFormatError(f"no document with id {doc_id!r}" if doc_id else "no document in this file", path=paper)
    data = []
    if triples is not None:
        from .pipeline import annotate, build_pipeline

        given: dict[str, list[dict]] = {}
        for record in read_triples([triples]):
            given.setdefault(str(record["doc_id"]), []).append(record)
        nlp = build_pipeline(lexicon_path=lexicon_path, ner_model=ner_model)
        for annotated in annotate(nlp, documents):
            data.append(document_data(annotated, given.get(annotated.document.id, [])))
    else:
        from .extract import Extractor

        extractor = Extractor(model, device=device, threshold=threshold, lexicon_path=lexicon_path, ner_model=ner_model)
        for annotated, found in extractor.extract_annotated(documents):
            data.append(document_data(annotated, found))
    path = write_text_atomic(Path(output), render_report(data, title=title, source=str(paper)))
    return ReportSummary(path=path, documents=len(data), entities=sum(len(d["entities"]) for d in data),
                         triples=sum(len(d["triples"]) for d in data))
