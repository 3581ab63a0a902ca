"""The relation classifier: an encoder, entity-start pooling, and a small head.

Saved as a folder: ``config.json`` (labels, base encoder, marker scheme), the encoder as a
LoRA adapter (``adapter/adapter_model.safetensors``) or full weights (``encoder/``),
``head.safetensors``, a model card ``README.md``, ``metrics.json`` and ``SHA256SUMS.json``
(checked on load).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

import torch
from torch import nn

from ..errors import ModelLoadError
from ..schema import RELATION_LABELS
from .encoder import DEFAULT_BASE, load_encoder, load_tokenizer, resolve_base_model, sha256_file

CONFIG_NAME = "config.json"
HEAD_NAME = "head.safetensors"
CHECKSUMS_NAME = "SHA256SUMS.json"
MODEL_TYPE = "axis_relation"


@dataclass
class RelationModelConfig:
    """Everything needed to rebuild the model; saved with it."""

    base_model: str = DEFAULT_BASE
    labels: list[str] = field(default_factory=lambda: list(RELATION_LABELS))
    max_length: int = 192
    adapter: str = "lora"  # "lora" or "full"
    #: "pair": one forward pass per marked (factor, effect) pair; "sentence": one pass per
    #: sentence with every entity marked, each ordered pair classified from marker states
    architecture: str = "pair"
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    dropout: float = 0.1
    #: inference-time prior correction: the odds of ``none`` are multiplied by this, undoing the
    #: resampling of training pairs (related axis pairs repeated, unrelated ones subsampled)
    none_bias: float = 1.0
    name: str = "axis-relation"
    version: str = "0.0.0"

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.labels))

    @property
    def label2id(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["model_type"] = MODEL_TYPE
        data["id2label"] = {str(k): v for k, v in self.id2label.items()}
        data["label2id"] = self.label2id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RelationModelConfig":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _head(config: RelationModelConfig, hidden: int, states: int) -> nn.Sequential:
    """The MLP over ``states`` concatenated hidden states (same layout in every saved model)."""
    return nn.Sequential(
        nn.Dropout(config.dropout),
        nn.Linear(states * hidden, hidden),
        nn.GELU(),
        nn.Dropout(config.dropout),
        nn.Linear(hidden, len(config.labels)),
    )


class RelationClassifier(nn.Module):
    """Encoder + [CLS; factor-marker; effect-marker] -> MLP -> label logits."""

    def __init__(self, config: RelationModelConfig, encoder: nn.Module) -> None:
        super().__init__()
        self.config = config
        self.encoder = encoder
        self.head = _head(config, encoder.config.hidden_size, 3)

    @property
    def name(self) -> str:
        return f"{self.config.name}@{self.config.version}"

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        factor_index: torch.Tensor,
        effect_index: torch.Tensor,
    ) -> torch.Tensor:
        """Logits of shape (batch, labels)."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        rows = torch.arange(hidden.size(0), device=hidden.device)
        pooled = torch.cat([hidden[:, 0], hidden[rows, factor_index], hidden[rows, effect_index]], dim=-1)
        return self.head(pooled)

    # -- building -------------------------------------------------------------------
    @classmethod
    def from_base(cls, config: RelationModelConfig, *, seed: Optional[int] = None) -> "RelationClassifier":
        """A new, untrained classifier over ``config.base_model`` (LoRA-wrapped when configured)."""
        if seed is not None:
            torch.manual_seed(seed)
        encoder = load_encoder(config.base_model)
        if config.adapter == "lora":
            encoder = _wrap_lora(encoder, config)
        elif config.adapter != "full":
            raise ValueError(f"adapter must be 'lora' or 'full', got {config.adapter!r}")
        return classifier_class(config.architecture)(config, encoder)

    # -- saving / loading -----------------------------------------------------------
    def save_pretrained(self, path: Union[str, Path], *, metrics: Optional[dict] = None, card: Optional[str] = None) -> Path:
        from safetensors.torch import save_file

        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        (out / CONFIG_NAME).write_text(json.dumps(self.config.to_dict(), indent=2) + "\n", encoding="utf-8")
        if self.config.adapter == "lora":
            self.encoder.save_pretrained(str(out / "adapter"), safe_serialization=True)
        else:
            self.encoder.save_pretrained(str(out / "encoder"), safe_serialization=True)
            load_tokenizer(self.config.base_model).save_pretrained(str(out / "encoder"))
        head = {k: v.detach().contiguous().cpu() for k, v in self.head.state_dict().items()}
        save_file(head, str(out / HEAD_NAME), metadata={"format": "pt"})
        if metrics is not None:
            (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        if card is not None:
            (out / "README.md").write_text(card, encoding="utf-8")
        write_checksums(out)
        return out

    @classmethod
    def from_pretrained(cls, path: Union[str, Path], *, merge: bool = True) -> "RelationClassifier":
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        folder = Path(path)
        config_path = folder / CONFIG_NAME
        if not config_path.exists():
            raise ModelLoadError(f"not a relation model folder: {CONFIG_NAME} is missing", path=folder)
        verify_checksums(folder)
        try:
            config = RelationModelConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ModelLoadError(f"invalid {CONFIG_NAME}: {exc}", path=config_path) from exc
        if (folder / "encoder").exists():
            encoder = load_encoder(str(folder / "encoder"))
            config.adapter = "full"
        else:
            encoder = load_encoder(config.base_model)
            adapter_dir = folder / "adapter"
            if not (adapter_dir / "adapter_model.safetensors").exists():
                raise ModelLoadError("neither encoder/ nor adapter/adapter_model.safetensors found", path=folder)
            import warnings

            from peft import PeftModel

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # peft calls deprecated transformers helpers
                try:
                    encoder = PeftModel.from_pretrained(encoder, str(adapter_dir), is_trainable=not merge)
                except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
                    raise ModelLoadError(f"cannot load the LoRA adapter: {exc}", path=adapter_dir) from exc
                if merge:
                    encoder = encoder.merge_and_unload()
        try:
            model = classifier_class(config.architecture)(config, encoder)
        except ValueError as exc:
            raise ModelLoadError(str(exc), path=config_path) from exc
        try:
            model.head.load_state_dict(load_file(str(folder / HEAD_NAME)))
        except (SafetensorError, OSError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load the classification head: {exc}", path=folder / HEAD_NAME) from exc
        model.eval()
        return model

    def tokenizer(self) -> Any:
        return load_tokenizer(self.config.base_model)


class SentenceRelationClassifier(RelationClassifier):
    """One encoder pass per sentence; every entity is marked (``@ type * mention #``).

    Each ordered pair (factor, effect) is classified from [CLS; factor ``@``; factor ``#``;
    effect ``@``; effect ``#``; factor ``@`` x effect ``@``; mean of the tokens between the two
    entities], so the order of the pair is carried by the head, not by the markers. A sentence
    with n entities costs one forward pass instead of n(n-1).
    """

    def __init__(self, config: RelationModelConfig, encoder: nn.Module) -> None:
        nn.Module.__init__(self)
        self.config = config
        self.encoder = encoder
        self.head = _head(config, encoder.config.hidden_size, 7)

    def forward(  # type: ignore[override]
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        pair_rows: torch.Tensor,
        pair_tokens: torch.Tensor,
    ) -> torch.Tensor:
        """Logits of shape (pairs, labels).

        ``pair_rows[p]`` is the batch row of pair ``p``; ``pair_tokens[p]`` holds the token
        indices of (factor ``@``, factor ``#``, effect ``@``, effect ``#``) in that row.
        """
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        batch, length, width = hidden.shape
        flat = hidden.reshape(batch * length, width)
        base = pair_rows * length
        f_open, f_close, e_open, e_close = (flat[base + pair_tokens[:, k]] for k in range(4))
        cls_state = flat[base]
        # mean of the tokens strictly between the two entities (prefix sums: O(tokens), not O(pairs x tokens))
        first_is_factor = pair_tokens[:, 0] <= pair_tokens[:, 2]
        lo = torch.where(first_is_factor, pair_tokens[:, 1], pair_tokens[:, 3]) + 1
        hi = torch.where(first_is_factor, pair_tokens[:, 2], pair_tokens[:, 0])  # exclusive
        hi = torch.maximum(hi, lo)
        prefix = torch.cat([hidden.new_zeros(batch, 1, width, dtype=torch.float32),
                            hidden.float().cumsum(dim=1)], dim=1).reshape(batch * (length + 1), width)
        rows1 = pair_rows * (length + 1)
        count = (hi - lo).clamp(min=1).unsqueeze(-1).to(prefix.dtype)
        between = ((prefix[rows1 + hi] - prefix[rows1 + lo]) / count).to(hidden.dtype)
        pooled = torch.cat([cls_state, f_open, f_close, e_open, e_close, f_open * e_open, between], dim=-1)
        return self.head(pooled)


ARCHITECTURES = {"pair": RelationClassifier, "sentence": SentenceRelationClassifier}


def classifier_class(architecture: str) -> type:
    try:
        return ARCHITECTURES[architecture]
    except KeyError:
        raise ValueError(f"unknown relation model architecture {architecture!r}; valid: {', '.join(ARCHITECTURES)}") from None


def _wrap_lora(encoder: nn.Module, config: RelationModelConfig) -> nn.Module:
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.lora_targets),
        bias="none",
    )
    return get_peft_model(encoder, lora)


def write_checksums(folder: Path) -> None:
    sums = {}
    for file in sorted(folder.rglob("*")):
        if file.is_file() and file.name != CHECKSUMS_NAME and file.suffix in {".safetensors", ".json"}:
            sums[str(file.relative_to(folder))] = sha256_file(file)
    (folder / CHECKSUMS_NAME).write_text(json.dumps(sums, indent=2) + "\n", encoding="utf-8")


def verify_checksums(folder: Path) -> None:
    """Compare every weight/config file with the checksums recorded when the model was saved."""
    sums_path = folder / CHECKSUMS_NAME
    if not sums_path.exists():
        return
    try:
        sums = json.loads(sums_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelLoadError(f"{CHECKSUMS_NAME} is not valid JSON: {exc}", path=sums_path) from exc
    for name, expected in sums.items():
        file = folder / name
        if not file.exists():
            raise ModelLoadError("file listed in SHA256SUMS.json is missing", path=file)
        if sha256_file(file) != expected:
            raise ModelLoadError("checksum mismatch: the file is corrupted or truncated", path=file)


def tokenizer_for(config: RelationModelConfig, folder: Optional[Path] = None) -> Any:
    if folder is not None and (folder / "encoder").exists():
        return load_tokenizer(str(folder / "encoder"))
    return load_tokenizer(resolve_base_model(config.base_model))
