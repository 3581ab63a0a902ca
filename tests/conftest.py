"""Shared fixtures: a tiny random BERT built in the test (no downloads), sample sentences."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared" / "corpora"
SHIPPED_MODEL = REPO / "models" / "axis-relation"

WORDS = (
    "osteocalcin osteopontin sclerostin il-6 tnf cortisol exercise bone loss memory cognition inflammation "
    "microglia brain hippocampus increases decreases reduces promotes inhibits impairs enhances suppresses "
    "anti inflammatory effects in the of and mice did not alter was associated with is linked to may "
    "gene or protein chemical cell type disease phenotype process anatomy exposure . , ( )"
).split()


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 2-layer, hidden-32 BERT with a small word-level vocabulary, saved as safetensors."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny_bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "@", "#", "*", "^", "-"]
    vocab += sorted({w for w in WORDS if w not in vocab})
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(folder))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(str(folder), safe_serialization=True)
    return str(folder)


#: (sentence, factor, effect, label) with entity offsets found by text
TOY = [
    ("Osteopontin exerts anti-inflammatory effects in the brain.", "Osteopontin", "inflammatory", "decreases"),
    ("Osteocalcin promotes memory in mice.", "Osteocalcin", "memory", "increases"),
    ("Exercise did not alter cortisol in mice.", "Exercise", "cortisol", "no_effect"),
    ("Sclerostin is associated with cognition.", "Sclerostin", "cognition", "associated"),
    ("IL-6 increases bone loss.", "IL-6", "bone loss", "increases"),
    ("Cortisol impairs memory and the hippocampus.", "Cortisol", "memory", "decreases"),
]


def toy_records() -> list[dict]:
    """Pair records of :data:`TOY` in both orders (the reverse order is ``none``)."""
    records = []
    for n, (text, f, e, label) in enumerate(TOY):
        fs, es = text.index(f), text.index(e)
        fac = {"start": fs, "end": fs + len(f), "label": "GENE_OR_PROTEIN", "text": f}
        eff = {"start": es, "end": es + len(e), "label": "PHENOTYPE_OR_PROCESS", "text": e}
        records.append({"id": f"t{n}", "group": f"t{n}", "text": text, "factor": fac, "effect": eff, "label": label,
                        "source": "axis", "weight": 1.0})
        records.append({"id": f"t{n}r", "group": f"t{n}", "text": text, "factor": eff, "effect": fac, "label": "none",
                        "source": "axis", "weight": 1.0})
    return records


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_base: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny relation model overfitted on :data:`TOY`, saved like a real one."""
    from axis_nlp.relation.model import RelationClassifier, RelationModelConfig
    from axis_nlp.relation.train import TrainConfig, build_dataset, fit

    cfg = RelationModelConfig(base_model=tiny_base, adapter="full", max_length=64, dropout=0.0)
    model = RelationClassifier.from_base(cfg, seed=0)
    tokenizer = model.tokenizer()
    dataset = build_dataset(toy_records(), tokenizer, cfg.max_length)
    fit(model, tokenizer, dataset, TrainConfig(epochs=80, batch_size=4, lr=3e-3, head_lr=3e-3, warmup_ratio=0.0,
                                               label_smoothing=0.0, seed=0), log=lambda _: None)
    folder = tmp_path_factory.mktemp("tiny_model") / "model"
    model.save_pretrained(folder, card="# tiny test model\n")
    return folder
