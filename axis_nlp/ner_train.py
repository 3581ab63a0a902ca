"""Train the statistical NER that backs up the lexicon (spaCy tok2vec + transition NER).

Data: the axis corpus (all seven types, fully annotated) and BioRED (genes, diseases,
chemicals, cell lines). BioRED does not annotate processes, anatomy or exposures, so tokens
the lexicon tags with those types are marked *missing* in BioRED documents (no loss either
way) instead of being taught as "not an entity"; organisms and variants are missing too.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from .errors import ConfigError
from .schema import ENTITY_LABELS

NER_CONFIG_OVERRIDES = {
    "training.max_steps": 3000,
    "training.eval_frequency": 300,
    "training.patience": 1200,
    "training.dropout": 0.15,
}
_BIORED_LABELS = {"GENE_OR_PROTEIN", "DISEASE", "CHEMICAL", "CELL_TYPE"}


def _doc_with_entities(nlp: Any, text: str, spans: Iterable[tuple[int, int, str]], missing: Iterable[tuple[int, int]] = ()) -> Any:
    from spacy.util import filter_spans

    doc = nlp.make_doc(text)
    ents = []
    for start, end, label in spans:
        span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is not None and len(span):
            ents.append(span)
    ents = filter_spans(ents)
    taken = {i for e in ents for i in range(e.start, e.end)}
    miss = []
    for start, end in missing:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and not any(i in taken for i in range(span.start, span.end)):
            miss.append(span)
    doc.set_ents(ents, missing=filter_spans(miss), default="outside")
    return doc


def build_ner_docs(
    nlp: Any,
    *,
    axis_path: Optional[Path],
    biored_path: Optional[Path],
    lexicon: Any,
) -> list[Any]:
    docs = []
    if axis_path and axis_path.exists():
        from .corpus import read_axis_records

        for record in read_axis_records(axis_path):
            docs.append(_doc_with_entities(nlp, record["text"], [(e["start"], e["end"], e["label"]) for e in record["entities"]]))
    if biored_path and biored_path.exists():
        from .converters import read_biored

        for document in read_biored(biored_path):
            gold = [(e.start, e.end, e.label) for e in document.entities if e.label in _BIORED_LABELS]
            missing = [(e.start, e.end) for e in document.entities if e.label not in _BIORED_LABELS]
            missing += [(m.start, m.end) for m in lexicon.find(document.text) if m.concept.label not in _BIORED_LABELS]
            docs.append(_doc_with_entities(nlp, document.text, gold, missing))
    return docs


def train_ner(
    output: Union[str, Path],
    *,
    axis_path: Union[str, Path, None],
    biored_path: Union[str, Path, None],
    seed: int = 13,
    overrides: Optional[dict[str, Any]] = None,
    heldout_fraction: float = 0.1,
) -> Path:
    """Train and save the NER pipeline to ``output`` (spaCy's ``model-best`` is kept)."""
    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    from .lexicon import load_lexicon

    output = Path(output)
    work = output.parent / (output.name + ".work")
    work.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    docs = build_ner_docs(nlp, axis_path=Path(axis_path) if axis_path else None,
                          biored_path=Path(biored_path) if biored_path else None, lexicon=load_lexicon())
    if not docs:
        raise ConfigError("no NER training documents: neither the axis corpus nor BioRED was found")
    random.Random(seed).shuffle(docs)
    n_held = max(1, int(len(docs) * heldout_fraction))
    DocBin(docs=docs[n_held:]).to_disk(work / "train.spacy")
    DocBin(docs=docs[:n_held]).to_disk(work / "heldout.spacy")
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    config_path = work / "config.cfg"
    config.to_disk(config_path)
    settings = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "heldout.spacy"),
                "system.seed": seed, **NER_CONFIG_OVERRIDES, **(overrides or {})}
    spacy_train(config_path, work / "out", overrides=settings)
    best = work / "out" / "model-best"
    if output.exists():
        import shutil

        shutil.rmtree(output)
    best.rename(output)
    labels = spacy.load(output).get_pipe("ner").labels
    unknown = set(labels) - set(ENTITY_LABELS)
    if unknown:
        raise ConfigError(f"the NER learned labels outside the schema: {sorted(unknown)}")
    return output
