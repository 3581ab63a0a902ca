"""Corpus aggregation: triples -> an evidence graph of factor -> effect edges, and its views.

>>> graph = aggregate(read_triples(["runs/corpus"]))      # .jsonl files, folders, batch output folders
>>> to_html(graph, "graph.html"); to_csv(graph, "tables/"); to_json(graph, "graph.json")

Rules (documented in the ``graph`` command's help as well):

- **Node identity**: the entity ``id`` when present; else the id of the lexicon concept the
  canonical form (or the text) names; else the normalised name (:func:`name_key`: lower case,
  Greek letters spelled out, accents, hyphens and spaces dropped, so ``TNF-α``, ``TNF alpha`` and
  ``tnfalpha`` are one node). Two mentions with different ids are two nodes even with one name.
- **Group** (bone / immune / brain / endocrine / intervention / metabolic / other): the lexicon
  concept's group; else a keyword rule on the name; else from the entity label
  (``EXPOSURE`` -> intervention, anything else -> other).
- **Evidence** is one triple; the same triple read twice (same document, sentence, spans and
  direction) counts once.
- **Consensus**: the direction supported by the most distinct documents (ties: more triples,
  then higher mean score, then the order increases, decreases, associated, no_effect);
  **confidence**: the share of the edge's documents that support it.
- **Contested**: one document says ``increases`` and a *different* document says ``decreases``
  (a sign conflict; one document saying both is not a dispute between documents).
  A signed direction in one document against ``no_effect`` in another is reported as
  ``conflict = "null"`` (listed in the contested table) but does not set ``contested``.
- **Hedged share**: hedged triples / all triples of the edge (a missing ``hedged`` counts as asserted).
- **Evidence types**: distinct documents per study type (``evidence.type`` of the triples: human, animal,
  in_vitro, review; ``unknown`` when a triple has no evidence type). A document with triples of two
  types counts for both.
- **Causal share**: causal triples / triples whose ``causal`` is known (true or false); None when none is.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from .errors import ConfigError, InputFormatError
from .lexicon import Concept, Lexicon, load_lexicon, normalize_term
from .schema import DIRECTIONS, ENTITY_LABELS

PathLike = Union[str, "os.PathLike[str]"]

GRAPH_FORMATS = ("html", "graphml", "json", "csv")
#: left-to-right order of the group columns in the HTML view
GROUP_ORDER = ("intervention", "bone", "immune", "endocrine", "metabolic", "brain", "other")
#: one colour per entity type, shared by the graph and the report views
ENTITY_COLOURS = {
    "GENE_OR_PROTEIN": "#4c78a8",
    "CHEMICAL": "#f58518",
    "CELL_TYPE": "#b279a2",
    "DISEASE": "#9d755d",
    "PHENOTYPE_OR_PROCESS": "#54a3a0",
    "ANATOMY": "#d4a72c",
    "EXPOSURE": "#e377c2",
}
UNKNOWN_COLOUR = "#9a9ca3"
DIRECTION_COLOURS = {"increases": "#2a9d4b", "decreases": "#d62f3c", "associated": "#5b7bb5", "no_effect": "#8a8f98"}
#: study types of ``evidence.type`` (axis_nlp.attributes), in display order; "unknown": none given
EVIDENCE_TYPES = ("human", "animal", "in_vitro", "review")
EVIDENCE_KINDS = (*EVIDENCE_TYPES, "unknown")
GROUP_COLOURS = {
    "bone": "#f3ece0", "immune": "#eaf1ea", "brain": "#ebeef8", "endocrine": "#f6edf3",
    "intervention": "#eef5f6", "metabolic": "#f6f3e6", "other": "#f1f1f1",
}

#: keyword rules for names the lexicon does not know, tried in this order
_GROUP_KEYWORDS = (
    ("bone", r"osteo|\bbones?\b|skelet|fractur|marrow|cartilag|sclerost|rankl|\bopg\b|runx2|\bbmd\b|"
             r"mineral density|chondro|resorption|remodel"),
    ("brain", r"brain|neur|cogni|memory|hippocamp|cortex|dementia|alzheimer|depress|anxi|mood|learning|"
              r"\bglia|astrocyt|synap|hypothalam|cerebr|behavio|parkinson|amyloid|\btau\b|mental|sleep"),
    ("immune", r"immun|inflamm|cytokin|interleukin|\bil-?\d|\btnf|interferon|macrophag|lymph|\b[tb][ -]cells?\b|"
               r"leukocyt|monocyt|neutrophil|microgli|complement|chemokin"),
    ("endocrine", r"hormon|cortisol|corticoster|glucocortic|estrogen|oestrogen|testosteron|insulin|leptin|thyro|"
                  r"parathyroid|\bpth\b|vitamin d|melatonin"),
    ("metabolic", r"metabol|glucose|obes|diabet|lipid|adipo|energy expenditure|appetite"),
)
_LABEL_GROUPS = {"EXPOSURE": "intervention"}

Triple = Mapping[str, Any]
ErrorHandler = Callable[[InputFormatError], None]


def evidence_type_of(record: Mapping[str, Any]) -> Optional[str]:
    """The study type of a triple (``evidence.type``: human, animal, in_vitro, review), or None when it has
    none (older files: no ``evidence``, or null) or an unknown one."""
    evidence = record.get("evidence")
    kind = evidence.get("type") if isinstance(evidence, Mapping) else evidence
    if not isinstance(kind, str):
        return None
    kind = re.sub(r"[\s\-]+", "_", kind.strip().lower())
    return kind if kind in EVIDENCE_TYPES else None


def causal_of(record: Mapping[str, Any]) -> Optional[bool]:
    """``causal`` of a triple: True/False, or None when missing or not a boolean."""
    value = record.get("causal")
    return value if isinstance(value, bool) else None


def evidence_column(kind: str) -> str:
    """Column name of the distinct documents of one evidence type (``human_docs`` ... ``unknown_evidence_docs``)."""
    return "unknown_evidence_docs" if kind == "unknown" else f"{kind}_docs"


# --------------------------------------------------------------------------- identity and groups

def name_key(text: str) -> str:
    """Normalised name of a concept: lower case, Greek spelled out, separators dropped."""
    text = unicodedata.normalize("NFKC", text).replace("ß", "β")  # "IL-1ß" is a common misspelling of IL-1β
    return normalize_term(text.lower()).strip()


def group_for_name(name: str, label: Optional[str] = None) -> str:
    """Group of a name the lexicon does not know: keyword rules, then the entity label."""
    low = name.lower()
    for group, pattern in _GROUP_KEYWORDS:
        if re.search(pattern, low):
            return group
    return _LABEL_GROUPS.get(label or "", "other")


@dataclass
class Node:
    """A concept of the graph: every mention that resolves to one key."""

    key: str
    name: str
    label: str
    group: str
    id: Optional[str] = None
    mentions: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    documents: set = field(default_factory=set)
    triples: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "id": self.id, "label": self.label, "group": self.group,
            "documents": len(self.documents), "triples": self.triples,
            "mentions": [text for text, _ in self.mentions.most_common(8)],
        }


@dataclass
class Evidence:
    """One triple supporting an edge: where it was said and what it said."""

    doc_id: str
    section: Optional[str]
    sentence: str
    sentence_start: int
    sentence_end: int
    factor: dict[str, Any]
    effect: dict[str, Any]
    direction: str
    score: float
    hedged: bool
    negated: bool
    trigger: Optional[str] = None
    model: Optional[str] = None
    evidence_type: Optional[str] = None
    causal: Optional[bool] = None

    @property
    def identity(self) -> tuple:
        return (self.doc_id, self.sentence_start, self.factor.get("start"), self.factor.get("end"),
                self.effect.get("start"), self.effect.get("end"), self.direction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id, "section": self.section,
            "sentence": {"text": self.sentence, "start": self.sentence_start, "end": self.sentence_end},
            "factor": self.factor, "effect": self.effect, "direction": self.direction, "score": round(self.score, 4),
            "hedged": self.hedged, "negated": self.negated, "trigger": self.trigger,
            "evidence_type": self.evidence_type, "causal": self.causal,
        }


@dataclass
class Edge:
    """factor -> effect with its evidence and the statistics derived from it."""

    source: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)
    reverse: bool = False

    @property
    def documents(self) -> set[str]:
        return {ev.doc_id for ev in self.evidence}

    @property
    def counts(self) -> dict[str, int]:
        """Triples per direction."""
        counts = Counter(ev.direction for ev in self.evidence)
        return {d: counts.get(d, 0) for d in DIRECTIONS}

    @property
    def doc_sets(self) -> dict[str, set[str]]:
        sets: dict[str, set[str]] = {d: set() for d in DIRECTIONS}
        for ev in self.evidence:
            sets[ev.direction].add(ev.doc_id)
        return sets

    @property
    def doc_counts(self) -> dict[str, int]:
        """Distinct documents per direction."""
        return {d: len(s) for d, s in self.doc_sets.items()}

    @property
    def hedged_share(self) -> float:
        return sum(ev.hedged for ev in self.evidence) / len(self.evidence) if self.evidence else 0.0

    @property
    def evidence_docs(self) -> dict[str, int]:
        """Distinct documents per evidence type (human, animal, in_vitro, review, unknown)."""
        sets: dict[str, set[str]] = {k: set() for k in EVIDENCE_KINDS}
        for ev in self.evidence:
            sets[ev.evidence_type or "unknown"].add(ev.doc_id)
        return {k: len(s) for k, s in sets.items()}

    @property
    def causal_share(self) -> Optional[float]:
        """Causal triples / triples with a known ``causal`` value; None when no triple has one."""
        known = [ev.causal for ev in self.evidence if ev.causal is not None]
        return sum(known) / len(known) if known else None

    @property
    def consensus(self) -> str:
        docs, counts = self.doc_counts, self.counts
        scores: dict[str, list[float]] = {d: [] for d in DIRECTIONS}
        for ev in self.evidence:
            scores[ev.direction].append(ev.score)

        def rank(d: str) -> tuple:
            mean = sum(scores[d]) / len(scores[d]) if scores[d] else 0.0
            return (docs[d], counts[d], mean, -DIRECTIONS.index(d))

        return max(DIRECTIONS, key=rank)

    @property
    def confidence(self) -> float:
        total = len(self.documents)
        return self.doc_counts[self.consensus] / total if total else 0.0

    @property
    def conflict(self) -> Optional[str]:
        """``"sign"``: increases vs decreases in different documents; ``"null"``: signed vs no_effect; else None."""
        sets = self.doc_sets

        def disagree(a: set[str], b: set[str]) -> bool:
            return bool(a) and bool(b) and len(a | b) > 1

        if disagree(sets["increases"], sets["decreases"]):
            return "sign"
        if disagree(sets["increases"] | sets["decreases"], sets["no_effect"]):
            return "null"
        return None

    @property
    def contested(self) -> bool:
        return self.conflict == "sign"

    def summary(self) -> dict[str, Any]:
        """Statistics of the edge (no evidence), as written to every output format."""
        return {
            "factor": self.source, "effect": self.target, "triples": len(self.evidence),
            "documents": len(self.documents), "counts": self.counts, "doc_counts": self.doc_counts,
            "hedged_share": round(self.hedged_share, 4), "consensus": self.consensus,
            "confidence": round(self.confidence, 4), "contested": self.contested, "conflict": self.conflict,
            "bidirectional": self.reverse, "evidence_docs": self.evidence_docs,
            "causal_share": _round(self.causal_share, 4),
        }


@dataclass
class EvidenceGraph:
    """Nodes by key, edges by (factor key, effect key), sorted by evidence (most documents first)."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)

    @property
    def documents(self) -> set[str]:
        return {doc for edge in self.edges.values() for doc in edge.documents}

    @property
    def triples(self) -> int:
        return sum(len(edge.evidence) for edge in self.edges.values())

    def edge(self, factor: str, effect: str) -> Edge:
        """The edge between two node keys, or names (resolved like mentions without an id)."""
        keys = [k if k in self.nodes else self._find(k) for k in (factor, effect)]
        return self.edges[(keys[0], keys[1])]

    def _find(self, name: str) -> str:
        wanted = name_key(name)
        for node in self.nodes.values():
            if name_key(node.name) == wanted or node.key == f"name:{wanted}":
                return node.key
        raise KeyError(name)

    def filtered(self, *, min_docs: int = 1) -> "EvidenceGraph":
        """The edges supported by at least ``min_docs`` documents and the nodes they join."""
        if min_docs <= 1:
            return self
        edges = {k: e for k, e in self.edges.items() if len(e.documents) >= min_docs}
        used = {key for edge in edges.values() for key in (edge.source, edge.target)}
        graph = EvidenceGraph(nodes={k: n for k, n in self.nodes.items() if k in used}, edges=edges)
        for (source, target), edge in edges.items():
            edge.reverse = source != target and (target, source) in edges
        return graph

    def edge_list(self) -> list[Edge]:
        return list(self.edges.values())

    def stats(self) -> dict[str, Any]:
        edges = self.edge_list()
        return {
            "nodes": len(self.nodes), "edges": len(edges), "triples": self.triples, "documents": len(self.documents),
            "contested": sum(e.contested for e in edges), "bidirectional": sum(e.reverse for e in edges),
        }


# --------------------------------------------------------------------------- validation and aggregation

def _round(value: Optional[float], digits: int) -> Optional[float]:
    return None if value is None else round(value, digits)


def _check_entity(value: Any, role: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InputFormatError(f"{role!r} must be an object with text/start/end/label")
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputFormatError(f"{role}.text must be a non-empty string")
    for key in ("start", "end"):
        if value.get(key) is not None and (not isinstance(value[key], int) or isinstance(value[key], bool)):
            raise InputFormatError(f"{role}.{key} must be an integer, got {value[key]!r}")
    return dict(value)


def check_triple(record: Any) -> dict[str, Any]:
    """A triple dict as in the contract, or InputFormatError saying what is wrong."""
    if not isinstance(record, Mapping):
        raise InputFormatError(f"a triple must be a JSON object, got {type(record).__name__}")
    missing = [k for k in ("doc_id", "factor", "effect", "direction") if k not in record]
    if missing:
        raise InputFormatError(f"missing field(s) {', '.join(missing)} (see the triple contract)")
    if record["direction"] not in DIRECTIONS:
        raise InputFormatError(f"unknown direction {record['direction']!r}; valid: {', '.join(DIRECTIONS)}")
    _check_entity(record["factor"], "factor")
    _check_entity(record["effect"], "effect")
    sentence = record.get("sentence")
    if sentence is not None and not isinstance(sentence, Mapping):
        raise InputFormatError("'sentence' must be an object with text/start/end")
    score = record.get("score", 1.0)
    if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)):
        raise InputFormatError(f"'score' must be a number, got {score!r}")
    return dict(record)


class _Resolver:
    """Mention -> (node key, lexicon concept); cached per distinct mention."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cache: dict[tuple, tuple[str, Optional[Concept]]] = {}

    def __call__(self, entity: Mapping[str, Any]) -> tuple[str, Optional[Concept]]:
        ident = (entity.get("id") or "").strip() or None
        canonical = (entity.get("canonical") or "").strip() or None
        text = entity["text"].strip()
        cache_key = (ident, canonical, text)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve(ident, canonical, text)
        return self._cache[cache_key]

    def _resolve(self, ident: Optional[str], canonical: Optional[str], text: str) -> tuple[str, Optional[Concept]]:
        if ident:
            return ident, self.lexicon.by_key(ident)
        concept = None
        for surface in (canonical, text):
            if surface and concept is None:
                concept = self.lexicon.lookup(surface)
        if concept is not None:
            return concept.id or f"name:{name_key(concept.canonical)}", concept
        return f"name:{name_key(canonical or text) or text.lower()}", None


def _score(value: Any) -> float:
    return 1.0 if value is None else float(value)


def _span(entity: Mapping[str, Any]) -> dict[str, Any]:
    return {"text": entity["text"], "start": entity.get("start"), "end": entity.get("end"),
            "label": entity.get("label"), "canonical": entity.get("canonical"), "id": entity.get("id")}


def aggregate(triples: Iterable[Mapping[str, Any]], *, lexicon: Optional[Lexicon] = None,
              evidence_types: Optional[Iterable[str]] = None) -> EvidenceGraph:
    """Aggregate triple dicts (the contract of ``axis-nlp extract``) into an :class:`EvidenceGraph`.

    ``lexicon``: resolves names to concepts (ids, groups); default the bundled axis lexicon,
    ``Lexicon([])`` for none. ``evidence_types``: keep only triples of these study types
    (:data:`EVIDENCE_KINDS`; ``"unknown"`` keeps those without one); default all.
    Raises InputFormatError on a record that is not a triple.
    """
    triples = select_evidence(triples, evidence_types) if evidence_types is not None else triples
    lexicon = load_lexicon() if lexicon is None else lexicon
    resolve = _Resolver(lexicon)
    graph = EvidenceGraph()
    seen: set[tuple] = set()
    concepts: dict[str, Optional[Concept]] = {}
    for raw in triples:
        record = check_triple(raw)
        keys = []
        for role in ("factor", "effect"):
            entity = record[role]
            key, concept = resolve(entity)
            node = graph.nodes.get(key)
            if node is None:
                node = graph.nodes[key] = Node(key=key, name="", label="", group="", id=None)
                concepts[key] = concept
            keys.append(key)
        sentence = record.get("sentence") or {}
        evidence = Evidence(
            doc_id=str(record["doc_id"]), section=record.get("section"),
            sentence=str(sentence.get("text") or ""), sentence_start=int(sentence.get("start") or 0),
            sentence_end=int(sentence.get("end") or 0), factor=_span(record["factor"]), effect=_span(record["effect"]),
            direction=record["direction"], score=_score(record.get("score")),
            hedged=bool(record.get("hedged")), negated=bool(record.get("negated")), trigger=record.get("trigger"),
            model=record.get("model"), evidence_type=evidence_type_of(record), causal=causal_of(record),
        )
        if evidence.identity in seen:
            continue
        seen.add(evidence.identity)
        for role, key in zip(("factor", "effect"), keys, strict=True):
            node = graph.nodes[key]
            entity = record[role]
            node.mentions[entity.get("canonical") or entity["text"]] += 1
            node.labels[entity.get("label") or ""] += 1
            node.documents.add(evidence.doc_id)
            node.triples += 1
        edge_key = (keys[0], keys[1])
        if edge_key not in graph.edges:
            graph.edges[edge_key] = Edge(source=keys[0], target=keys[1])
        graph.edges[edge_key].evidence.append(evidence)
    for key, node in graph.nodes.items():
        _finish_node(node, concepts.get(key))
    for (source, target), edge in graph.edges.items():
        edge.reverse = source != target and (target, source) in graph.edges
    order = sorted(graph.edges.values(), key=lambda e: (-len(e.documents), -len(e.evidence),
                                                        graph.nodes[e.source].name, graph.nodes[e.target].name))
    graph.edges = {(e.source, e.target): e for e in order}
    return graph


def select_evidence(triples: Iterable[Mapping[str, Any]], kinds: Iterable[str],
                    dropped: Optional[Counter] = None) -> Iterator[Mapping[str, Any]]:
    """The triples whose evidence type (:func:`evidence_type_of`, ``"unknown"`` for none) is one of ``kinds``;
    ``dropped`` (a Counter) counts the others by type."""
    wanted = set(kinds)
    unknown = wanted - set(EVIDENCE_KINDS)
    if unknown:
        raise ConfigError(f"unknown evidence type(s) {', '.join(sorted(unknown))}; valid: {', '.join(EVIDENCE_KINDS)}")
    for record in triples:
        if not isinstance(record, Mapping):   # not a triple: aggregate() reports it
            yield record
            continue
        kind = evidence_type_of(record) or "unknown"
        if kind in wanted:
            yield record
        elif dropped is not None:
            dropped[kind] += 1


def _finish_node(node: Node, concept: Optional[Concept]) -> None:
    labels = [label for label, _ in node.labels.most_common() if label]
    if concept is not None:
        node.name, node.label, node.group, node.id = concept.canonical, concept.label, concept.group, concept.id
        if not node.key.startswith("name:"):
            node.id = node.key
        return
    node.name = node.mentions.most_common(1)[0][0] if node.mentions else node.key
    node.label = labels[0] if labels else ""
    node.id = None if node.key.startswith("name:") else node.key
    node.group = group_for_name(node.name, node.label)


# --------------------------------------------------------------------------- reading triples

def _triple_files(path: Path) -> list[Path]:
    """The JSONL files of a path: the file itself, a batch output folder's ledger shards, or a folder's *.jsonl."""
    if path.is_file():
        return [path]
    ledger = path / "ledger.jsonl"
    if ledger.is_file() and (path / "shards").is_dir():
        from .batch import BatchState

        state = BatchState.load(path)
        return [path / "shards" / f"{name}.jsonl" for name in state.shards]
    files = sorted(p for p in path.rglob("*.jsonl") if p.is_file() and not any(part.startswith(".") for part in p.parts)
                   and p.name not in {"ledger.jsonl", "errors.jsonl"})
    return files


def read_triples(paths: Iterable[PathLike], *, on_error: Optional[ErrorHandler] = None) -> Iterator[dict[str, Any]]:
    """Triple dicts from .jsonl files, folders of .jsonl (recursive) and ``axis-nlp batch`` output folders.

    A bad line (not JSON, not a triple) or a missing file raises InputFormatError naming the file
    and line, or, with ``on_error``, is handed to it and reading goes on with the next line.
    A batch folder contributes only the shards its ledger lists (finished shards).
    """

    def fail(exc: InputFormatError) -> None:
        if on_error is None:
            raise exc
        on_error(exc)

    done: set[Path] = set()
    for item in paths:
        path = Path(item)
        if not path.exists():
            fail(InputFormatError("no such file or directory", path=path))
            continue
        files = _triple_files(path)
        if path.is_dir() and not files:
            fail(InputFormatError("no .jsonl triple files in this folder", path=path))
        for file in files:
            resolved = file.resolve()
            if resolved in done:
                continue
            done.add(resolved)
            if not file.is_file():
                fail(InputFormatError("shard listed in the ledger is missing", path=file))
                continue
            yield from _read_jsonl(file, fail)


def _read_jsonl(file: Path, fail: Callable[[InputFormatError], None]) -> Iterator[dict[str, Any]]:
    import gzip

    opener = gzip.open if file.suffix == ".gz" else open
    try:
        with opener(file, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
            for line_no, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    fail(InputFormatError(f"line {line_no}: not JSON ({exc.msg} at column {exc.colno})", path=file))
                    continue
                try:
                    yield check_triple(record)
                except InputFormatError as exc:
                    fail(InputFormatError(f"line {line_no}: {exc.message}", path=file))
    except UnicodeDecodeError as exc:
        fail(InputFormatError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=file))
    except OSError as exc:
        fail(InputFormatError(f"cannot read ({exc.strerror or exc})", path=file))


# --------------------------------------------------------------------------- summary tables

TableRows = list[dict[str, Any]]


def _direction_sign(direction: str) -> str:
    return {"increases": "+", "decreases": "−", "associated": "~", "no_effect": "0"}[direction]


def edge_rows(graph: EvidenceGraph) -> TableRows:
    """One row per edge: names, ids, groups, counts per direction (triples and documents), consensus."""
    rows = []
    for index, edge in enumerate(graph.edge_list()):
        f, e = graph.nodes[edge.source], graph.nodes[edge.target]
        counts, docs = edge.counts, edge.doc_counts
        row: dict[str, Any] = {
            "edge": index, "factor": f.name, "factor_key": f.key, "factor_group": f.group, "factor_label": f.label,
            "effect": e.name, "effect_key": e.key, "effect_group": e.group, "effect_label": e.label,
            "consensus": edge.consensus, "confidence": round(edge.confidence, 3), "documents": len(edge.documents),
            "triples": len(edge.evidence),
        }
        for d in DIRECTIONS:
            row[f"{d}_docs"] = docs[d]
        for d in DIRECTIONS:
            row[f"{d}_triples"] = counts[d]
        row.update({
            "hedged_share": round(edge.hedged_share, 3), "contested": edge.contested, "conflict": edge.conflict or "",
            "bidirectional": edge.reverse,
        })
        row.update({evidence_column(k): n for k, n in edge.evidence_docs.items()})
        row.update({"causal_share": _round(edge.causal_share, 3), "doc_ids": ";".join(sorted(edge.documents))})
        rows.append(row)
    return rows


def top_factor_rows(graph: EvidenceGraph) -> TableRows:
    """Factors ranked by evidence: documents in which they act on something, then triples."""
    by_factor: dict[str, list[Edge]] = {}
    for edge in graph.edge_list():
        by_factor.setdefault(edge.source, []).append(edge)
    rows: TableRows = []
    for key, edges in by_factor.items():
        node = graph.nodes[key]
        docs = {d for e in edges for d in e.documents}
        counts: Counter[str] = Counter()
        for e in edges:
            counts.update(e.counts)
        strongest = sorted(edges, key=lambda e: (-len(e.documents), -len(e.evidence)))[:4]
        rows.append({
            "factor": node.name, "key": key, "id": node.id or "", "group": node.group, "label": node.label,
            "documents": len(docs), "triples": sum(len(e.evidence) for e in edges), "effects": len(edges),
            **{d: counts.get(d, 0) for d in DIRECTIONS},
            "contested_edges": sum(e.contested for e in edges),
            "top_effects": "; ".join(f"{graph.nodes[e.target].name} ({_direction_sign(e.consensus)}, "
                                     f"{len(e.documents)} doc{'s' if len(e.documents) != 1 else ''})"
                                     for e in strongest),
        })
    rows.sort(key=lambda r: (-int(r["documents"]), -int(r["triples"]), str(r["factor"]).lower()))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return [{"rank": r.pop("rank"), **r} for r in rows]


def contested_rows(graph: EvidenceGraph) -> TableRows:
    """Edges on which documents disagree: sign conflicts first, then signed vs no_effect."""
    rows: TableRows = []
    for index, edge in enumerate(graph.edge_list()):
        if edge.conflict is None:
            continue
        sets = edge.doc_sets
        rows.append({
            "edge": index, "factor": graph.nodes[edge.source].name, "effect": graph.nodes[edge.target].name,
            "conflict": edge.conflict, "documents": len(edge.documents),
            **{f"{d}_docs": len(sets[d]) for d in DIRECTIONS},
            "consensus": edge.consensus, "confidence": round(edge.confidence, 3),
            "increases_doc_ids": ";".join(sorted(sets["increases"])),
            "decreases_doc_ids": ";".join(sorted(sets["decreases"])),
            "no_effect_doc_ids": ";".join(sorted(sets["no_effect"])),
        })
    rows.sort(key=lambda r: (r["conflict"] != "sign", -int(r["documents"]), str(r["factor"]).lower(),
                             str(r["effect"]).lower()))
    return rows


def paper_rows(graph: EvidenceGraph) -> TableRows:
    """Per document: triples, edges, directions, hedged claims, contested edges it takes part in."""
    papers: dict[str, dict[str, Any]] = {}
    for edge in graph.edge_list():
        for ev in edge.evidence:
            paper = papers.setdefault(ev.doc_id, {"doc_id": ev.doc_id, "triples": 0, "edges": set(), "factors": set(),
                                                  "effects": set(), **{d: 0 for d in DIRECTIONS}, "hedged": 0,
                                                  "contested_edges": set()})
            paper["triples"] += 1
            paper["edges"].add((edge.source, edge.target))
            paper["factors"].add(edge.source)
            paper["effects"].add(edge.target)
            paper[ev.direction] += 1
            paper["hedged"] += ev.hedged
            if edge.contested:
                paper["contested_edges"].add((edge.source, edge.target))
    rows = []
    for paper in papers.values():
        rows.append({**paper, **{k: len(paper[k]) for k in ("edges", "factors", "effects", "contested_edges")}})
    rows.sort(key=lambda r: (-r["triples"], r["doc_id"]))
    return rows


def node_rows(graph: EvidenceGraph) -> TableRows:
    return [{"key": n.key, "name": n.name, "id": n.id or "", "label": n.label, "group": n.group,
             "documents": len(n.documents), "triples": n.triples, "mentions": "; ".join(n.to_dict()["mentions"])}
            for n in graph.nodes.values()]


def evidence_rows(graph: EvidenceGraph) -> TableRows:
    rows = []
    for index, edge in enumerate(graph.edge_list()):
        f, e = graph.nodes[edge.source], graph.nodes[edge.target]
        for ev in edge.evidence:
            rows.append({
                "edge": index, "factor": f.name, "effect": e.name, "doc_id": ev.doc_id, "section": ev.section or "",
                "direction": ev.direction, "score": round(ev.score, 4), "hedged": ev.hedged, "negated": ev.negated,
                "sentence_start": ev.sentence_start, "sentence_end": ev.sentence_end,
                "factor_text": ev.factor["text"], "factor_start": ev.factor.get("start"), "factor_end": ev.factor.get("end"),
                "effect_text": ev.effect["text"], "effect_start": ev.effect.get("start"), "effect_end": ev.effect.get("end"),
                "trigger": ev.trigger or "", "evidence_type": ev.evidence_type or "",
                "causal": "" if ev.causal is None else ev.causal, "sentence": ev.sentence,
            })
    return rows


def summary_tables(graph: EvidenceGraph) -> dict[str, TableRows]:
    """The summary tables shared by the CSV files and the HTML view."""
    return {"top_factors": top_factor_rows(graph), "contested": contested_rows(graph), "papers": paper_rows(graph),
            "edges": edge_rows(graph)}


# --------------------------------------------------------------------------- writers

def write_text_atomic(path: Path, text: str) -> Path:
    """Write through a temporary file and rename: an interrupted run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)
    return path


def graph_dict(graph: EvidenceGraph) -> dict[str, Any]:
    """The whole graph as plain data: nodes, edges with statistics and every evidence sentence, tables."""
    edges = []
    for index, edge in enumerate(graph.edge_list()):
        edges.append({"index": index, **edge.summary(), "doc_ids": sorted(edge.documents),
                      "evidence": [ev.to_dict() for ev in edge.evidence]})
    tables = summary_tables(graph)
    return {"format": "axis-nlp evidence graph v1", "stats": graph.stats(),
            "nodes": [node.to_dict() for node in graph.nodes.values()], "edges": edges,
            "tables": {k: v for k, v in tables.items() if k != "edges"}}


def to_json(graph: EvidenceGraph, path: PathLike) -> Path:
    """The graph as one JSON document (:func:`graph_dict`)."""
    return write_text_atomic(Path(path), json.dumps(graph_dict(graph), ensure_ascii=False, indent=1) + "\n")


_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def graphml_string(graph: EvidenceGraph) -> str:
    """GraphML for Cytoscape, Gephi, networkx (directed; statistics as attributes, evidence as JSON)."""
    ET.register_namespace("", _GRAPHML_NS)
    root = ET.Element(f"{{{_GRAPHML_NS}}}graphml")
    node_keys = [("name", "string"), ("entity_id", "string"), ("label", "string"), ("group", "string"),
                 ("documents", "int"), ("triples", "int")]
    edge_keys = [("triples", "int"), ("documents", "int"), *((f"{d}_triples", "int") for d in DIRECTIONS),
                 *((f"{d}_docs", "int") for d in DIRECTIONS), ("hedged_share", "double"), ("consensus", "string"),
                 ("confidence", "double"), ("contested", "boolean"), ("conflict", "string"),
                 ("bidirectional", "boolean"), *((evidence_column(k), "int") for k in EVIDENCE_KINDS),
                 ("causal_share", "double"), ("doc_ids", "string"), ("evidence", "string")]
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, kind in keys:
            ET.SubElement(root, f"{{{_GRAPHML_NS}}}key", {"id": f"{domain[0]}_{name}", "for": domain,
                                                          "attr.name": name, "attr.type": kind})
    g = ET.SubElement(root, f"{{{_GRAPHML_NS}}}graph", {"id": "axis", "edgedefault": "directed"})

    def data(parent: ET.Element, key: str, value: Any) -> None:
        item = ET.SubElement(parent, f"{{{_GRAPHML_NS}}}data", {"key": key})
        item.text = str(value).lower() if isinstance(value, bool) else str(value)

    for node in graph.nodes.values():
        n = ET.SubElement(g, f"{{{_GRAPHML_NS}}}node", {"id": node.key})
        for name, value in (("name", node.name), ("entity_id", node.id or ""), ("label", node.label),
                            ("group", node.group), ("documents", len(node.documents)), ("triples", node.triples)):
            data(n, f"n_{name}", value)
    for index, edge in enumerate(graph.edge_list()):
        e = ET.SubElement(g, f"{{{_GRAPHML_NS}}}edge", {"id": f"e{index}", "source": edge.source, "target": edge.target})
        counts, docs = edge.counts, edge.doc_counts
        values: dict[str, Any] = {"triples": len(edge.evidence), "documents": len(edge.documents)}
        values.update({f"{d}_triples": counts[d] for d in DIRECTIONS})
        values.update({f"{d}_docs": docs[d] for d in DIRECTIONS})
        values.update({"hedged_share": round(edge.hedged_share, 4), "consensus": edge.consensus,
                       "confidence": round(edge.confidence, 4), "contested": edge.contested,
                       "conflict": edge.conflict or "", "bidirectional": edge.reverse})
        values.update({evidence_column(k): n for k, n in edge.evidence_docs.items()})
        values.update({"causal_share": _round(edge.causal_share, 4),  # left out when unknown
                       "doc_ids": ";".join(sorted(edge.documents)),
                       "evidence": json.dumps([ev.to_dict() for ev in edge.evidence], ensure_ascii=False)})
        for name, value in values.items():
            if value is not None:
                data(e, f"e_{name}", value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_graphml(graph: EvidenceGraph, path: PathLike) -> Path:
    return write_text_atomic(Path(path), graphml_string(graph))


def _csv_text(rows: TableRows, columns: Optional[list[str]] = None) -> str:
    buffer = io.StringIO()
    columns = columns or (list(rows[0]) if rows else [])
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()})
    return buffer.getvalue()


#: columns of each CSV (also written, header only, when a table is empty)
CSV_COLUMNS: dict[str, list[str]] = {
    "edges": ["edge", "factor", "factor_key", "factor_group", "factor_label", "effect", "effect_key", "effect_group",
              "effect_label", "consensus", "confidence", "documents", "triples", *(f"{d}_docs" for d in DIRECTIONS),
              *(f"{d}_triples" for d in DIRECTIONS), "hedged_share", "contested", "conflict", "bidirectional",
              *(evidence_column(k) for k in EVIDENCE_KINDS), "causal_share", "doc_ids"],
    "top_factors": ["rank", "factor", "key", "id", "group", "label", "documents", "triples", "effects", *DIRECTIONS,
                    "contested_edges", "top_effects"],
    "contested": ["edge", "factor", "effect", "conflict", "documents", *(f"{d}_docs" for d in DIRECTIONS), "consensus",
                  "confidence", "increases_doc_ids", "decreases_doc_ids", "no_effect_doc_ids"],
    "papers": ["doc_id", "triples", "edges", "factors", "effects", *DIRECTIONS, "hedged", "contested_edges"],
    "nodes": ["key", "name", "id", "label", "group", "documents", "triples", "mentions"],
    "evidence": ["edge", "factor", "effect", "doc_id", "section", "direction", "score", "hedged", "negated",
                 "sentence_start", "sentence_end", "factor_text", "factor_start", "factor_end", "effect_text",
                 "effect_start", "effect_end", "trigger", "evidence_type", "causal", "sentence"],
}


def to_csv(graph: EvidenceGraph, path: PathLike) -> list[Path]:
    """CSV tables. ``path`` ending in ``.csv``: the edges table alone, in that file. Otherwise a folder with
    edges.csv, top_factors.csv, contested.csv, papers.csv, nodes.csv and evidence.csv (one row per sentence)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return [write_text_atomic(path, _csv_text(edge_rows(graph), CSV_COLUMNS["edges"]))]
    if path.exists() and not path.is_dir():
        raise ConfigError("CSV output must be a folder or a file name ending in .csv", path=path)
    tables = summary_tables(graph)
    tables.update({"nodes": node_rows(graph), "evidence": evidence_rows(graph)})
    return [write_text_atomic(path / f"{name}.csv", _csv_text(tables[name], CSV_COLUMNS[name])) for name in CSV_COLUMNS]


# --------------------------------------------------------------------------- HTML

def template(name: str) -> str:
    """A file of ``axis_nlp/templates`` (package data)."""
    return resources.files("axis_nlp").joinpath("templates", name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no comment openers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def fill_template(name: str, **slots: str) -> str:
    """The template with each ``{{ slot }}`` replaced; inline assets are ``{{ include:FILE }}``."""
    text = re.sub(r"\{\{ include:([\w.\-]+) \}\}", lambda m: template(m.group(1)), template(name))
    # one pass: a value that happens to contain "{{ x }}" is never filled in again
    return re.sub(r"\{\{ (\w+) \}\}", lambda m: slots.get(m.group(1), m.group(0)), text)


def _relative_span(ev: Evidence, entity: Mapping[str, Any]) -> Optional[list[int]]:
    """Offsets of a mention inside its sentence: from the document offsets, else by searching the text."""
    text, start = entity.get("text") or "", entity.get("start")
    if isinstance(start, int):
        rel = start - ev.sentence_start
        if 0 <= rel and ev.sentence[rel:rel + len(text)] == text:
            return [rel, rel + len(text)]
    found = ev.sentence.find(text) if text else -1
    return [found, found + len(text)] if found >= 0 else None


def html_data(graph: EvidenceGraph, *, title: str = "Evidence graph", max_edges: int = 1500,
              max_evidence: int = 50, sources: Optional[list[str]] = None) -> dict[str, Any]:
    """What the HTML view embeds: compact nodes/edges (the ``max_edges`` strongest) and the summary tables."""
    all_edges = graph.edge_list()
    kept = all_edges[:max_edges]
    node_index: dict[str, int] = {}
    nodes: list[dict[str, Any]] = []
    for edge in kept:
        for key in (edge.source, edge.target):
            if key not in node_index:
                node_index[key] = len(nodes)
                node = graph.nodes[key]
                nodes.append({"key": key, "name": node.name, "id": node.id, "label": node.label, "group": node.group,
                              "docs": len(node.documents), "triples": node.triples,
                              "mentions": node.to_dict()["mentions"]})
    position = {(e.source, e.target): i for i, e in enumerate(kept)}
    edges = []
    for i, edge in enumerate(kept):
        evidence = sorted(edge.evidence, key=lambda ev: (ev.doc_id, ev.sentence_start, ev.factor.get("start") or 0))
        edges.append({
            "i": i, "s": node_index[edge.source], "t": node_index[edge.target], "docs": len(edge.documents),
            "triples": len(edge.evidence), "counts": edge.counts, "doc_counts": edge.doc_counts,
            "hedged": round(edge.hedged_share, 4), "consensus": edge.consensus,
            "confidence": round(edge.confidence, 4), "contested": edge.contested, "conflict": edge.conflict,
            "reverse": position.get((edge.target, edge.source)), "doc_ids": sorted(edge.documents),
            "ev_docs": edge.evidence_docs, "causal": _round(edge.causal_share, 4),
            "evidence_total": len(evidence),
            "evidence": [{
                "doc": ev.doc_id, "section": ev.section, "text": ev.sentence, "start": ev.sentence_start,
                "end": ev.sentence_end, "f": _relative_span(ev, ev.factor), "e": _relative_span(ev, ev.effect),
                "ftext": ev.factor["text"], "etext": ev.effect["text"],
                "fo": [ev.factor.get("start"), ev.factor.get("end")], "eo": [ev.effect.get("start"), ev.effect.get("end")],
                "dir": ev.direction, "score": round(ev.score, 3), "hedged": ev.hedged, "negated": ev.negated,
                "trigger": ev.trigger, "etype": ev.evidence_type, "causal": ev.causal,
            } for ev in evidence[:max_evidence]],
        })
    tables = summary_tables(graph)
    edge_table = [r for r in tables["edges"] if r["edge"] < len(kept)]
    return {
        "title": title, "stats": graph.stats(), "shown_edges": len(kept), "sources": sources or [],
        "nodes": nodes, "edges": edges,
        "tables": {"top_factors": tables["top_factors"], "contested": tables["contested"],
                   "papers": tables["papers"], "edges": edge_table},
        "palette": {"entities": ENTITY_COLOURS, "unknown": UNKNOWN_COLOUR, "directions": DIRECTION_COLOURS,
                    "groups": GROUP_COLOURS, "group_order": list(GROUP_ORDER), "labels": list(ENTITY_LABELS)},
    }


def graph_html(graph: EvidenceGraph, *, title: str = "Evidence graph", max_edges: int = 1500,
               max_evidence: int = 50, sources: Optional[list[str]] = None) -> str:
    """The self-contained HTML view (inline CSS, JS and data; opens offline)."""
    data = html_data(graph, title=title, max_edges=max_edges, max_evidence=max_evidence, sources=sources)
    return fill_template("graph.html", title=html.escape(title), data=script_json(data))


def to_html(graph: EvidenceGraph, path: PathLike, *, title: str = "Evidence graph", max_edges: int = 1500,
            max_evidence: int = 50, sources: Optional[list[str]] = None) -> Path:
    """Write :func:`graph_html` to ``path``."""
    return write_text_atomic(Path(path), graph_html(graph, title=title, max_edges=max_edges, max_evidence=max_evidence,
                                                sources=sources))


def format_for(path: PathLike, fmt: Optional[str] = None) -> str:
    """The output format: ``fmt`` when given, else from the suffix (a name without one is a CSV folder)."""
    if fmt is not None:
        if fmt not in GRAPH_FORMATS:
            raise ConfigError(f"unknown graph format {fmt!r}; valid: {', '.join(GRAPH_FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower()
    by_suffix = {".html": "html", ".htm": "html", ".graphml": "graphml", ".xml": "graphml", ".json": "json", ".csv": "csv"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix and not Path(path).is_dir():
        raise ConfigError(f"cannot tell the format from {Path(path).name!r}; use --format "
                          f"({', '.join(GRAPH_FORMATS)}) or a name ending in .html, .graphml, .json, .csv")
    return "csv"


def write_graph(graph: EvidenceGraph, path: PathLike, fmt: Optional[str] = None, *, title: str = "Evidence graph",
                max_edges: int = 1500, max_evidence: int = 50, sources: Optional[list[str]] = None) -> list[Path]:
    """Write the graph in ``fmt`` (default: from the suffix of ``path``); returns the files written.
    ``title``, ``max_edges``, ``max_evidence``, ``sources``: options of the HTML view."""
    fmt = format_for(path, fmt)
    if fmt == "html":
        return [to_html(graph, path, title=title, max_edges=max_edges, max_evidence=max_evidence, sources=sources)]
    if fmt == "graphml":
        return [to_graphml(graph, path)]
    if fmt == "json":
        return [to_json(graph, path)]
    return to_csv(graph, path)
