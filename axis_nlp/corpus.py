"""The project's axis corpus: build from authored sources, load, and turn into pair records.

A *pair record* is the one training/evaluation unit shared by every corpus converter::

    {"id": "...", "text": "<sentence>", "source": "axis|biored|drugprot|curated",
     "factor": {"start": 0, "end": 11, "label": "GENE_OR_PROTEIN", "text": "..."},
     "effect": {...}, "label": "increases|decreases|associated|no_effect|none",
     "weight": 1.0, "hedged": false, "negated": false, "group": "<sentence id>"}

Offsets are relative to ``text``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from .errors import CorpusError
from .schema import DIRECTIONS, ENTITY_LABELS

AXIS_DIR = Path(__file__).resolve().parent.parent / "corpora" / "axis"
ATTRIBUTE_KEYS = ("hedged", "negated", "trigger", "evidence", "causal")


def _stable_fraction(key: str) -> float:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


def _find_occurrence(text: str, needle: str, occurrence: int) -> int:
    """Offset of ``needle``: the first whole-word occurrence, or the n-th substring occurrence.

    ``occurrence`` > 1 counts plain substring occurrences (as the guidelines say); the first
    occurrence prefers a whole word ("gingiva" is not the one inside "gingivalis").
    """
    import re

    anywhere = [m.start() for m in re.finditer(re.escape(needle), text)]
    if occurrence == 1:
        bounded = [m.start() for m in re.finditer(r"(?<![^\W_])" + re.escape(needle) + r"(?![^\W_])", text)]
        found = bounded or anywhere
        return found[0] if found else -1
    return anywhere[occurrence - 1] if len(anywhere) >= occurrence else -1


def resolve_source_record(record: dict[str, Any], where: str) -> dict[str, Any]:
    """Turn an authored record (entities named by text) into one with offsets; validate it."""
    try:
        text = record["text"]
        rid = record["id"]
    except KeyError as exc:
        raise CorpusError(f"{where}: record lacks {exc}") from exc
    entities = []
    by_name: dict[str, int] = {}
    for e in record.get("entities", []):
        occurrence = int(e.get("occurrence", 1))
        start = _find_occurrence(text, e["text"], occurrence)
        if start == -1:
            raise CorpusError(f"{where} ({rid}): entity {e['text']!r} (occurrence {occurrence}) not in the text")
        if e["label"] not in ENTITY_LABELS:
            raise CorpusError(f"{where} ({rid}): unknown entity label {e['label']!r}; valid: {', '.join(ENTITY_LABELS)}")
        name = e["text"] if occurrence == 1 else f"{e['text']}#{occurrence}"
        if name in by_name:
            raise CorpusError(f"{where} ({rid}): entity {name!r} annotated twice")
        by_name[name] = len(entities)
        entities.append({"text": e["text"], "start": start, "end": start + len(e["text"]), "label": e["label"]})
    spans = sorted((e["start"], e["end"], e["text"]) for e in entities)
    for (s1, e1, t1), (s2, e2, t2) in zip(spans, spans[1:]):
        if s2 < e1:
            raise CorpusError(f"{where} ({rid}): entities {t1!r} and {t2!r} overlap")
    relations = []
    for r in record.get("relations", []):
        for end in ("factor", "effect"):
            if r.get(end) not in by_name:
                raise CorpusError(f"{where} ({rid}): relation {end} {r.get(end)!r} is not an annotated entity")
        if r.get("direction") not in DIRECTIONS:
            raise CorpusError(f"{where} ({rid}): direction {r.get('direction')!r}; valid: {', '.join(DIRECTIONS)}")
        if r["factor"] == r["effect"]:
            raise CorpusError(f"{where} ({rid}): relation from an entity to itself")
        rel = {"factor": by_name[r["factor"]], "effect": by_name[r["effect"]], "direction": r["direction"]}
        for key in ATTRIBUTE_KEYS:
            if key in r:
                rel[key] = r[key]
        trigger = r.get("trigger")
        if trigger:
            t_start = text.find(trigger)
            if t_start == -1:
                raise CorpusError(f"{where} ({rid}): trigger {trigger!r} not in the text")
            rel["trigger_start"], rel["trigger_end"] = t_start, t_start + len(trigger)
        relations.append(rel)
    out = {"id": rid, "text": text, "entities": entities, "relations": relations}
    for key in ("theme", "source", "annotator", "provenance"):
        if key in record:
            out[key] = record[key]
    return out


def read_source_records(corpus_dir: Union[str, Path] = AXIS_DIR) -> list[tuple[str, dict[str, Any]]]:
    """Every authored record of ``corpus_dir/src/*.jsonl``, resolved and validated, with its
    ``file:line``; a bad record or a duplicate id is a :class:`CorpusError` naming the line."""
    corpus_dir = Path(corpus_dir)
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for src in sorted((corpus_dir / "src").glob("*.jsonl")):
        with src.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{src}:{line_no}"
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{where}: invalid JSON ({exc})") from exc
                record = resolve_source_record(raw, where)
                if record["id"] in seen:
                    raise CorpusError(f"{where}: duplicate id {record['id']!r}")
                seen.add(record["id"])
                out.append((where, record))
    return out


def build_axis_corpus(
    corpus_dir: Union[str, Path] = AXIS_DIR, *, dev_fraction: float = 0.2
) -> dict[str, int]:
    """Resolve ``src/*.jsonl`` into ``axis_train.jsonl`` and ``axis_dev.jsonl`` (stable hash split)."""
    corpus_dir = Path(corpus_dir)
    splits: dict[str, list] = {"train": [], "dev": []}
    for _, record in read_source_records(corpus_dir):
        splits["dev" if _stable_fraction(record["id"]) < dev_fraction else "train"].append(record)
    for name, items in splits.items():
        with (corpus_dir / f"axis_{name}.jsonl").open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    return {name: len(items) for name, items in splits.items()}


def read_axis_records(path: Union[str, Path]) -> Iterator[dict[str, Any]]:
    """Sentence records (with offsets) of a built axis corpus file."""
    path = Path(path)
    if not path.exists():
        raise CorpusError("corpus file not found", path=path)
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"line {line_no}: invalid JSON ({exc})", path=path) from exc


def record_document(record: dict[str, Any], *, given_entities: bool = True) -> Any:
    """One sentence record as a Document: its text, and its entities when ``given_entities``."""
    from .schema import Document, Entity, Section

    entities = ([Entity(e["text"], e["start"], e["end"], e["label"], source="given") for e in record["entities"]]
                if given_entities else [])
    return Document(id=record["id"], text=record["text"], entities=entities,
                    sections=[Section("text", 0, len(record["text"]))])


def axis_documents(path: Union[str, Path]) -> list[Any]:
    """Sentence records of an axis corpus file as Documents with their entities given."""
    return [record_document(record) for record in read_axis_records(path)]


def _ent(entity: dict[str, Any]) -> dict[str, Any]:
    return {"start": entity["start"], "end": entity["end"], "label": entity["label"], "text": entity["text"]}


def parenthetical_short_forms(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Indices of spans that are a short form in parentheses right after another span: "osteocalcin (OCN)".

    Such a short form repeats its long form; pairs with it are neither trained nor predicted,
    so a relation is stated once, on the long form.
    """
    out = set()
    ordered = sorted(range(len(spans)), key=lambda i: spans[i][0])
    for prev, cur in zip(ordered, ordered[1:]):
        between = text[spans[prev][1]: spans[cur][0]]
        after = text[spans[cur][1]: spans[cur][1] + 1]
        if between.strip() == "(" and after in {")", ";", ","}:
            out.add(cur)
    return out


def sentence_to_pairs(record: dict[str, Any], *, source: str = "axis", weight: float = 1.0) -> list[dict[str, Any]]:
    """Every ordered pair of distinct entities of a sentence record, labelled (``none`` if unrelated)."""
    entities = record["entities"]
    labelled = {(r["factor"], r["effect"]): r for r in record.get("relations", [])}
    skip = parenthetical_short_forms(record["text"], [(e["start"], e["end"]) for e in entities])
    pairs = []
    for i, j in itertools.permutations(range(len(entities)), 2):
        if i in skip or j in skip:
            continue
        a, b = entities[i], entities[j]
        if a["text"].lower() == b["text"].lower():
            continue
        rel = labelled.get((i, j))
        pairs.append(
            {
                "id": f"{record['id']}:{i}-{j}",
                "group": record["id"],
                "text": record["text"],
                "source": source,
                "factor": _ent(a),
                "effect": _ent(b),
                "label": rel["direction"] if rel else "none",
                "weight": weight,
                "hedged": bool(rel.get("hedged")) if rel else False,
                "negated": bool(rel.get("negated")) if rel else False,
            }
        )
    return pairs


def axis_pairs(path: Union[str, Path], *, source: str = "axis", weight: float = 1.0) -> list[dict[str, Any]]:
    return [p for record in read_axis_records(path) for p in sentence_to_pairs(record, source=source, weight=weight)]


def corpus_stats(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    stats: dict[str, Any] = {"sentences": 0, "entities": 0, "relations": 0, "no_relation_sentences": 0}
    directions: dict[str, int] = {d: 0 for d in DIRECTIONS}
    hedged = negated = 0
    for record in records:
        stats["sentences"] += 1
        stats["entities"] += len(record["entities"])
        stats["relations"] += len(record["relations"])
        if not record["relations"]:
            stats["no_relation_sentences"] += 1
        for r in record["relations"]:
            directions[r["direction"]] += 1
            hedged += bool(r.get("hedged"))
            negated += bool(r.get("negated"))
    stats.update(directions=directions, hedged=hedged, negated=negated)
    return stats


def main(argv: Optional[list[str]] = None) -> None:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 1 or args[0] != "build":
        print("usage: python -m axis_nlp.corpus build [CORPUS_DIR]")
        raise SystemExit(2)
    target = Path(args[1]) if len(args) > 1 else AXIS_DIR
    counts = build_axis_corpus(target)
    for split in ("train", "dev"):
        print(split, json.dumps(corpus_stats(read_axis_records(target / f"axis_{split}.jsonl"))))
    print(counts)


if __name__ == "__main__":
    main()
