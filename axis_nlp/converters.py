"""Public corpora (BioRED, DrugProt) -> the project's pair records (see :mod:`axis_nlp.corpus`).

Label mappings (documented in ``corpora/README.md``):

BioRED (document-level relations between concept ids; order is not agent -> target):
  Positive_Correlation -> increases, Negative_Correlation -> decreases,
  Association, Bind, Cotreatment, Comparison, Drug_Interaction, Conversion -> associated.
  A pair is made for two concepts mentioned in one sentence; it takes the document's relation
  between them (or ``none``). Undirected: the factor is chosen by type
  (chemical > gene/protein > variant > disease/other; textual order within a type) and only
  that order is trained, so the model never learns a reversed BioRED pair as ``none``;
  evaluation is order-free (the better of the two orders is compared with the gold sign).

DrugProt (sentence-level, Arg1 is always the chemical, Arg2 the gene/protein):
  ACTIVATOR, INDIRECT-UPREGULATOR, AGONIST, AGONIST-ACTIVATOR -> increases;
  INHIBITOR, INDIRECT-DOWNREGULATOR, ANTAGONIST, AGONIST-INHIBITOR -> decreases;
  DIRECT-REGULATOR, SUBSTRATE, PRODUCT-OF, PART-OF, SUBSTRATE_PRODUCT-OF -> associated;
  factor = chemical, effect = gene. Unrelated chemical-gene pairs in a sentence and the
  reversed (gene -> chemical) order of related pairs are ``none``.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from .errors import CorpusError
from .schema import Document, Entity

SHARED_CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"

BIORED_MAP = {
    "Positive_Correlation": "increases",
    "Negative_Correlation": "decreases",
    "Association": "associated",
    "Bind": "associated",
    "Cotreatment": "associated",
    "Comparison": "associated",
    "Drug_Interaction": "associated",
    "Conversion": "associated",
}
DRUGPROT_MAP = {
    "ACTIVATOR": "increases",
    "INDIRECT-UPREGULATOR": "increases",
    "AGONIST": "increases",
    "AGONIST-ACTIVATOR": "increases",
    "INHIBITOR": "decreases",
    "INDIRECT-DOWNREGULATOR": "decreases",
    "ANTAGONIST": "decreases",
    "AGONIST-INHIBITOR": "decreases",
    "DIRECT-REGULATOR": "associated",
    "SUBSTRATE": "associated",
    "PRODUCT-OF": "associated",
    "PART-OF": "associated",
    "SUBSTRATE_PRODUCT-OF": "associated",
}
_AGENT_RANK = {"CHEMICAL": 0, "GENE_OR_PROTEIN": 1, "VARIANT": 2}


def shared_corpus(*parts: str) -> Path:
    """A path under ``../shared/corpora`` (where the public corpora are read from)."""
    return SHARED_CORPORA.joinpath(*parts)


def _sentence_spans(nlp: Any, texts: Iterable[str]) -> Iterator[list[tuple[int, int]]]:
    for doc in nlp.pipe(texts, batch_size=32):
        spans = []
        for sent in doc.sents:
            raw = sent.text
            stripped = raw.strip()
            if stripped:
                start = sent.start_char + (len(raw) - len(raw.lstrip()))
                spans.append((start, start + len(stripped)))
        yield spans


def _sentence_nlp() -> Any:
    from .pipeline import build_pipeline

    return build_pipeline(entities=False)


def _bare_id(identifier: Optional[str]) -> set[str]:
    if not identifier:
        return set()
    return {part.split(":", 1)[-1].strip() for part in identifier.replace(";", ",").split(",") if part.strip()}


def _rel_ent(e: Entity, offset: int) -> dict[str, Any]:
    return {"start": e.start - offset, "end": e.end - offset, "label": e.label, "text": e.text}


def biored_pairs(documents: Iterable[Document], *, nlp: Any = None, source: str = "biored") -> list[dict[str, Any]]:
    """Sentence-level pair records from BioRED documents read with their given entities and relations."""
    nlp = nlp or _sentence_nlp()
    documents = list(documents)
    records: list[dict[str, Any]] = []
    for document, spans in zip(documents, _sentence_spans(nlp, (d.text for d in documents))):
        relations: dict[frozenset, str] = {}
        for rel in document.relations:
            label = BIORED_MAP.get(str(rel.get("type")))
            if label is None:
                continue
            for a in _bare_id(rel.get("entity1")):
                for b in _bare_id(rel.get("entity2")):
                    relations[frozenset((a, b))] = label
        for s_index, (start, end) in enumerate(spans):
            inside = [e for e in document.entities if e.start >= start and e.end <= end and e.id]
            # one mention per concept: the first in the sentence
            first: dict[str, Entity] = {}
            for e in sorted(inside, key=lambda e: e.start):
                first.setdefault(e.id or "", e)
            concepts = list(first.items())
            text = document.text[start:end]
            for i in range(len(concepts)):
                for j in range(i + 1, len(concepts)):
                    (id_a, a), (id_b, b) = concepts[i], concepts[j]
                    if a.start < b.end and b.start < a.end:
                        continue
                    label = "none"
                    for x in _bare_id(id_a):
                        for y in _bare_id(id_b):
                            label = relations.get(frozenset((x, y)), label)
                    rank_a, rank_b = _AGENT_RANK.get(a.label, 3), _AGENT_RANK.get(b.label, 3)
                    factor, effect = (a, b) if (rank_a, a.start) <= (rank_b, b.start) else (b, a)
                    records.append(
                        {
                            "id": f"{document.id}:s{s_index}:{factor.start}-{effect.start}",
                            "group": f"{document.id}:s{s_index}",
                            "text": text,
                            "source": source,
                            "factor": _rel_ent(factor, start),
                            "effect": _rel_ent(effect, start),
                            "label": label,
                            "weight": 1.0,
                            "undirected": True,
                            "factor_id": factor.id,
                            "effect_id": effect.id,
                        }
                    )
    return records


def read_drugprot(folder: Union[str, Path], *, limit: Optional[int] = None, seed: int = 0) -> list[Document]:
    """DrugProt ``*_abstracs.tsv`` / ``*_entities.tsv`` / ``*_relations.tsv`` -> Documents."""
    folder = Path(folder)
    try:
        abstracts = next(folder.glob("*_abstracs.tsv"))
        entities_file = next(folder.glob("*_entities.tsv"))
        relations_file = next(folder.glob("*_relations.tsv"))
    except StopIteration as exc:
        raise CorpusError("not a DrugProt folder (expected *_abstracs.tsv, *_entities.tsv, *_relations.tsv)", path=folder) from exc
    csv.field_size_limit(sys.maxsize)
    texts: dict[str, str] = {}
    with abstracts.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 3:
                texts[row[0]] = row[1] + " " + row[2]
    ids = sorted(texts)
    if limit is not None and limit < len(ids):
        ids = sorted(random.Random(seed).sample(ids, limit))
    keep = set(ids)
    ents: dict[str, dict[str, Entity]] = defaultdict(dict)
    with entities_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 6 or row[0] not in keep:
                continue
            pmid, tid, etype, start, end, mention = row[:6]
            label = "CHEMICAL" if etype == "CHEMICAL" else "GENE_OR_PROTEIN"
            ents[pmid][tid] = Entity(mention, int(start), int(end), label, id=tid, source="given")
    rels: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with relations_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 4 or row[0] not in keep:
                continue
            rels[row[0]].append({"type": row[1], "entity1": row[2].split(":", 1)[1], "entity2": row[3].split(":", 1)[1]})
    docs = []
    for pmid in ids:
        text = texts[pmid]
        doc_entities = [e for e in ents[pmid].values() if text[e.start:e.end] == e.text]
        docs.append(Document(id=f"PMID:{pmid}", text=text, entities=doc_entities, relations=rels[pmid], source=str(folder)))
    return docs


def drugprot_pairs(documents: Iterable[Document], *, nlp: Any = None, source: str = "drugprot") -> list[dict[str, Any]]:
    """Sentence-level pair records from DrugProt documents (chemical -> gene, plus reversed ``none``)."""
    nlp = nlp or _sentence_nlp()
    documents = list(documents)
    records: list[dict[str, Any]] = []
    for document, spans in zip(documents, _sentence_spans(nlp, (d.text for d in documents))):
        labels = {(r["entity1"], r["entity2"]): DRUGPROT_MAP.get(r["type"], "associated") for r in document.relations}
        for s_index, (start, end) in enumerate(spans):
            inside = [e for e in document.entities if e.start >= start and e.end <= end]
            chems = [e for e in inside if e.label == "CHEMICAL"]
            genes = [e for e in inside if e.label != "CHEMICAL"]
            text = document.text[start:end]
            for c in chems:
                for g in genes:
                    if c.start < g.end and g.start < c.end:
                        continue
                    label = labels.get((c.id or "", g.id or ""), "none")
                    group = f"{document.id}:s{s_index}"
                    records.append(
                        {"id": f"{document.id}:{c.id}-{g.id}", "group": group, "text": text, "source": source,
                         "factor": _rel_ent(c, start), "effect": _rel_ent(g, start), "label": label, "weight": 1.0}
                    )
                    if label != "none":
                        records.append(
                            {"id": f"{document.id}:{g.id}-{c.id}", "group": group, "text": text, "source": source,
                             "factor": _rel_ent(g, start), "effect": _rel_ent(c, start), "label": "none", "weight": 1.0}
                        )
    return records


def read_biored(path: Union[str, Path]) -> list[Document]:
    """BioRED in BioC JSON or PubTator, with given entities and document relations."""
    from .readers import read_path

    return list(read_path(path))
