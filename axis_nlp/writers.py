"""Writers for triples and entities: JSONL and TSV."""

from __future__ import annotations

import json
from typing import IO, Any, Iterable

from .schema import Triple

TSV_COLUMNS = (
    "doc_id", "section", "sentence_start", "sentence_end", "factor", "factor_start", "factor_end", "factor_label",
    "factor_canonical", "factor_id", "direction", "effect", "effect_start", "effect_end", "effect_label",
    "effect_canonical", "effect_id", "score", "trigger", "hedged", "negated", "model", "sentence",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def triple_row(record: dict[str, Any]) -> list[str]:
    f, e, s = record["factor"], record["effect"], record["sentence"]
    values = [
        record["doc_id"], record.get("section"), s["start"], s["end"], f["text"], f["start"], f["end"], f["label"],
        f.get("canonical"), f.get("id"), record["direction"], e["text"], e["start"], e["end"], e["label"],
        e.get("canonical"), e.get("id"), record["score"], record.get("trigger"), record.get("hedged"),
        record.get("negated"), record.get("model"), s["text"],
    ]
    return [_cell(v) for v in values]


class TripleWriter:
    """Streams triples to a text handle as JSONL or TSV."""

    def __init__(self, handle: IO[str], fmt: str = "jsonl") -> None:
        if fmt not in {"jsonl", "tsv"}:
            raise ValueError(f"unknown output format {fmt!r}; valid: jsonl, tsv")
        self.handle = handle
        self.fmt = fmt
        self.count = 0
        if fmt == "tsv":
            handle.write("\t".join(TSV_COLUMNS) + "\n")

    def write(self, triples: Iterable[Triple]) -> None:
        for triple in triples:
            record = triple.to_dict()
            if self.fmt == "jsonl":
                self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                self.handle.write("\t".join(triple_row(record)) + "\n")
            self.count += 1
