"""Model versions: ``models/registry.json`` records which data, config and metrics made each model.

::

    {"default": "axis-relation",
     "models": {"axis-relation-lcn2": {"path": "axis-relation-lcn2", "base": "axis-relation",
                                       "data": {...}, "config": {...}, "metrics": {...},
                                       "created": "2025-01-01T12:00:00+00:00"}}}

``path`` is relative to the folder of the registry file when the model lies under it.
Model folders directly under ``models/`` that hold a ``config.json`` are known by their
folder name without registration. :func:`resolve_model` turns what a user typed
(``--model NAME`` or a path) into a model folder.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any, Optional, Union

from .errors import ModelLoadError

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"
#: the registry file; ``AXIS_NLP_REGISTRY`` points elsewhere (tests, other installs)
DEFAULT_REGISTRY = Path(os.environ.get("AXIS_NLP_REGISTRY", MODELS_DIR / "registry.json"))
#: the bundled relation model, used when nothing else is asked for
BUNDLED_MODEL = "axis-relation"


def _registry_path(registry: Union[str, Path, None]) -> Path:
    return Path(registry) if registry is not None else DEFAULT_REGISTRY


def load_registry(registry: Union[str, Path, None] = None) -> dict[str, Any]:
    """The registry as a dict (``{"default": None, "models": {}}`` when there is no file yet)."""
    path = _registry_path(registry)
    if not path.exists():
        return {"default": None, "models": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelLoadError(f"the model registry is not valid JSON: {exc}", path=path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("models", {}), dict):
        raise ModelLoadError('the model registry must be {"default": ..., "models": {NAME: {...}}}', path=path)
    data.setdefault("default", None)
    data.setdefault("models", {})
    return data


def _save(data: dict[str, Any], registry: Union[str, Path, None]) -> None:
    path = _registry_path(registry)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def _is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file()


def _discovered(registry: Union[str, Path, None]) -> dict[str, Path]:
    """Model folders next to the registry file, by folder name."""
    folder = _registry_path(registry).parent
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_dir() and _is_model_dir(p)}


def _entry_path(entry: dict[str, Any], registry: Union[str, Path, None]) -> Path:
    path = Path(entry["path"])
    return path if path.is_absolute() else _registry_path(registry).parent / path


def known_models(registry: Union[str, Path, None] = None) -> dict[str, Path]:
    """Every name :func:`resolve_model` accepts, with its folder (registered names win)."""
    names = dict(_discovered(registry))
    for name, entry in load_registry(registry)["models"].items():
        names[name] = _entry_path(entry, registry)
    return names


def resolve_model(name_or_path: Union[str, Path, None] = None, *, registry: Union[str, Path, None] = None) -> Path:
    """The model folder meant by ``name_or_path``.

    An existing path wins; else a registered name; else a model folder of that name next
    to the registry file. ``None`` means the default: ``AXIS_NLP_MODEL`` when set, else
    the registry's ``default``, else the bundled ``models/axis-relation``.
    """
    if name_or_path is None or str(name_or_path) == "":
        env = os.environ.get("AXIS_NLP_MODEL")
        if env:
            return Path(env)
        default = load_registry(registry).get("default")
        if default:
            return resolve_model(default, registry=registry)
        return known_models(registry).get(BUNDLED_MODEL, MODELS_DIR / BUNDLED_MODEL)
    candidate = Path(name_or_path).expanduser()
    if candidate.exists():
        return candidate
    known = known_models(registry)
    if str(name_or_path) in known:
        path = known[str(name_or_path)]
        if not path.exists():
            raise ModelLoadError(f"model {name_or_path!r} is registered at {path}, which does not exist",
                                 path=_registry_path(registry))
        return path
    names = ", ".join(sorted(known)) or "none yet"
    raise ModelLoadError(f"no model folder or registered model named {str(name_or_path)!r}; known models: {names} "
                         f"(registry: {_registry_path(registry)})")


def _relative(path: Path, registry: Union[str, Path, None]) -> str:
    base = _registry_path(registry).parent.resolve()
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(base))
    except ValueError:
        try:
            return os.path.relpath(resolved, base) if resolved.is_relative_to(base.parent) else str(resolved)
        except ValueError:
            return str(resolved)


def _data_snapshot(config: dict[str, Any]) -> dict[str, Any]:
    """The training data of a config: sources, weights, and each curated file's hash and size."""
    from .relation.encoder import sha256_file
    from .relation.train import _path

    data: dict[str, Any] = {key: config.get(key) for key in (
        "axis_train", "axis_dev", "axis_weight", "axis_repeat", "axis_none_keep", "biored_train", "biored_max_pairs",
        "drugprot_train", "drugprot_docs", "drugprot_max_pairs", "external_weight", "none_keep", "curated_weight",
    ) if key in config}
    curated = []
    for item in config.get("curated") or []:
        path = _path(item)
        files = sorted(path.glob("*.jsonl")) if path is not None and path.is_dir() else [path] if path else []
        for file in files:
            entry: dict[str, Any] = {"path": str(item) if file == path else str(Path(item) / file.name)}
            if file.exists():
                with file.open(encoding="utf-8") as handle:
                    entry["sentences"] = sum(1 for line in handle if line.strip())
                entry["sha256"] = sha256_file(file)
            else:
                entry["missing"] = True
            curated.append(entry)
    data["curated"] = curated
    return data


def _metric_summary(metrics: dict[str, Any]) -> dict[str, Any]:
    dev = metrics.get("axis_dev") or {}
    summary: dict[str, Any] = {"train_pairs": metrics.get("train_pairs"), "steps": metrics.get("steps"),
                               "minutes": metrics.get("minutes")}
    if dev:
        summary["axis_dev"] = {"micro_f1": dev.get("micro", {}).get("f1"), "macro_f1": dev.get("macro_f1"),
                               "per_direction_f1": {d: s.get("f1") for d, s in dev.get("per_direction", {}).items()}}
    return summary


def register_model(
    name: str,
    path: Union[str, Path],
    *,
    base: Optional[str] = None,
    note: Optional[str] = None,
    metrics: Optional[dict[str, Any]] = None,
    registry: Union[str, Path, None] = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Record a trained model folder under ``name``: its data, config and metrics (from its ``metrics.json``).

    ``base``: the model it was derived from (e.g. the one it was retrained next to): a known
    name, or a folder (absolute, or relative to the repository root);
    ``metrics``: extra scores to keep (e.g. an ``evaluate compare`` run), merged in.
    """
    folder = Path(path)
    if not _is_model_dir(folder):
        raise ModelLoadError("not a relation model folder: config.json is missing", path=folder)
    if not name or any(c in name for c in "/\\") or name in {".", ".."}:
        raise ModelLoadError(f"invalid model name {name!r}: use letters, digits, '-', '_' or '.'")
    data = load_registry(registry)
    if name in data["models"] and not replace:
        raise ModelLoadError(f"model {name!r} is already registered; choose another name or replace it",
                             path=_registry_path(registry))
    if base is not None and base not in known_models(registry) and not (Path(base).exists() or (REPO_ROOT / base).exists()):
        raise ModelLoadError(f"base model {base!r} is neither a known model nor a folder; known models: "
                             f"{', '.join(sorted(known_models(registry)))}")
    saved = json.loads((folder / "metrics.json").read_text(encoding="utf-8")) if (folder / "metrics.json").exists() else {}
    model_config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    train_config = saved.get("config") or {}
    entry = {
        "path": _relative(folder, registry),
        "base": base,
        "model": f"{model_config.get('name')}@{model_config.get('version')}",
        "encoder": model_config.get("base_model"),
        "data": _data_snapshot(train_config) if train_config else None,
        "config": train_config or None,
        "metrics": {**_metric_summary(saved), **(metrics or {})},
        "created": _dt.datetime.fromtimestamp((folder / "config.json").stat().st_mtime, _dt.timezone.utc)
        .isoformat(timespec="seconds"),
        "registered": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if note:
        entry["note"] = note
    data["models"][name] = entry
    _save(data, registry)
    return entry


def set_default(name: str, *, registry: Union[str, Path, None] = None) -> Path:
    """Adopt a model: make ``name`` what :func:`resolve_model` returns when no model is named."""
    path = resolve_model(name, registry=registry)
    if str(name) not in known_models(registry):
        raise ModelLoadError(f"only a registered or discovered model name can be the default, not a path: {name!r}")
    data = load_registry(registry)
    data["default"] = str(name)
    _save(data, registry)
    return path


def list_models(registry: Union[str, Path, None] = None) -> list[dict[str, Any]]:
    """One row per known model: name, path, whether registered, default, base, dev micro F1."""
    data = load_registry(registry)
    rows = []
    default = data.get("default") or (BUNDLED_MODEL if BUNDLED_MODEL in known_models(registry) else None)
    for name, path in sorted(known_models(registry).items()):
        entry = data["models"].get(name, {})
        micro = ((entry.get("metrics") or {}).get("axis_dev") or {}).get("micro_f1")
        if micro is None and (path / "metrics.json").exists():
            try:
                saved = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
                micro = saved.get("axis_dev", {}).get("micro", {}).get("f1")
            except json.JSONDecodeError:
                micro = None
        rows.append({"name": name, "path": str(path), "registered": name in data["models"], "default": name == default,
                     "base": entry.get("base"), "created": entry.get("created"), "axis_dev_micro_f1": micro})
    return rows
