"""All errors the project raises on purpose live here, each with a code."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union


class AxisError(Exception):
    """Base class of the project's documented errors."""

    code = "E000"

    def __init__(self, message: str, *, path: Optional[Union[str, Path]] = None) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        prefix = f"{self.path}: " if self.path else ""
        super().__init__(f"[{self.code}] {prefix}{message}")


class InputFormatError(AxisError):
    """The input could not be read: wrong format, malformed, empty, binary, hostile."""

    code = "E001"


class UnknownFormatError(InputFormatError):
    """The input format could not be recognised or is not supported."""

    code = "E002"


class EncodingError(InputFormatError):
    """The bytes of a text input could not be decoded."""

    code = "E003"


class ModelLoadError(AxisError):
    """A model folder is missing, incomplete, corrupted or not safetensors."""

    code = "E010"


class ConfigError(AxisError):
    """A configuration value is invalid."""

    code = "E020"


class CorpusError(AxisError):
    """An annotated corpus record is invalid (offsets, labels, relation ends)."""

    code = "E030"
