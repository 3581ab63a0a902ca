"""Given annotations (BioC, PubTator): label and identifier mapping, offset checks."""

from __future__ import annotations

import re
from typing import Any, Optional

from axis_nlp.errors import InputFormatError
from axis_nlp.schema import Entity

#: Corpus entity types (BioRED, PubTator) -> our labels. Unknown types are upper-cased.
LABEL_MAP: dict[str, str] = {
    "GeneOrGeneProduct": "GENE_OR_PROTEIN",
    "Gene": "GENE_OR_PROTEIN",
    "DiseaseOrPhenotypicFeature": "DISEASE",
    "Disease": "DISEASE",
    "ChemicalEntity": "CHEMICAL",
    "Chemical": "CHEMICAL",
    "CellLine": "CELL_TYPE",
    "OrganismTaxon": "ORGANISM",
    "Species": "ORGANISM",
    "SequenceVariant": "VARIANT",
    "Mutation": "VARIANT",
    "DNAMutation": "VARIANT",
    "ProteinMutation": "VARIANT",
    "SNP": "VARIANT",
}

#: Namespace of bare identifiers, by our label.
NAMESPACE: dict[str, str] = {
    "DISEASE": "MESH",
    "CHEMICAL": "MESH",
    "GENE_OR_PROTEIN": "NCBIGene",
    "ORGANISM": "NCBITaxon",
    "CELL_TYPE": "Cellosaurus",
}

_PREFIXED = re.compile(r"^[A-Za-z][\w.\-]*:")


def map_label(corpus_type: str) -> str:
    """Our label for a corpus entity type (unknown types upper-cased)."""
    corpus_type = (corpus_type or "").strip()
    return LABEL_MAP.get(corpus_type, corpus_type.upper() or "UNKNOWN")


def _one_id(raw: str, label: str) -> Optional[str]:
    raw = raw.strip()
    if not raw or raw == "-":
        return None
    if _PREFIXED.match(raw):
        return raw
    if label == "VARIANT":
        # dbSNP ids get their namespace; tmVar notations (c|DEL|1314_1328|) stay as they are.
        return f"dbSNP:{raw}" if re.fullmatch(r"rs\d+", raw) else raw
    if label == "CELL_TYPE" and not raw.startswith("CVCL_"):
        return raw
    namespace = NAMESPACE.get(label)
    if namespace == "MESH" and not re.fullmatch(r"[CD]\d+", raw):
        return raw
    return f"{namespace}:{raw}" if namespace else raw


def _split(raw: str, label: str) -> list[str]:
    """Members of an identifier list; ``|`` separates too, except in tmVar variant notation."""
    return re.split(r"[,;]" if label == "VARIANT" else r"[,;|]", raw)


def map_identifier(raw: Optional[str], label: str) -> Optional[str]:
    """``D003924`` -> ``MESH:D003924`` (diseases, chemicals), ``1234`` -> ``NCBIGene:1234``...

    Identifiers that already carry a prefix are kept; ``-`` or empty gives None. A list
    (``D1,D2``, ``D1;D2``, ``D1|D2``) maps each member and is joined back with ``,``.
    """
    if raw is None:
        return None
    members = [m for m in (_one_id(part, label) for part in _split(raw, label)) if m]
    return ",".join(members) if members else None


def id_lookup(pairs: list[tuple[Optional[str], str]]) -> dict[str, str]:
    """Raw identifier (and each member of a list) -> mapped id, from (raw, label) pairs."""
    table: dict[str, str] = {}
    for raw, label in pairs:
        if not raw:
            continue
        mapped = map_identifier(raw, label)
        if mapped:
            table.setdefault(raw, mapped)
        for part in _split(raw, label):
            part_id = _one_id(part, label)
            if part_id:
                table.setdefault(part.strip(), part_id)
    return table


def make_entity(text: str, start: int, end: int, mention: Optional[str], corpus_type: str,
                identifier: Optional[str], label_for_errors: str, where: str) -> Entity:
    """A given Entity whose offsets are checked against ``text``."""
    if not (0 <= start <= end <= len(text)):
        raise InputFormatError(f"{where}: annotation offsets {start}-{end} are outside the "
                               f"document text (length {len(text)})", path=label_for_errors)
    span = text[start:end]
    if mention is not None and span != mention:
        raise InputFormatError(f"{where}: annotation text {mention!r} does not match the "
                               f"document text at {start}-{end} ({span!r})", path=label_for_errors)
    label = map_label(corpus_type)
    return Entity(text=span, start=start, end=end, label=label, canonical=None,
                  id=map_identifier(identifier, label), source="given")


def make_relation(rel_type: Optional[str], entity1: Optional[str], entity2: Optional[str],
                  novel: Optional[str], lookup: dict[str, str],
                  extra: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """A document relation dict with entity ids mapped like the entities' ids."""
    relation: dict[str, Any] = {
        "type": rel_type,
        "entity1": lookup.get(entity1, entity1) if entity1 else entity1,
        "entity2": lookup.get(entity2, entity2) if entity2 else entity2,
        "novel": novel,
    }
    for key, value in (extra or {}).items():
        relation.setdefault(key, value)
    return relation
