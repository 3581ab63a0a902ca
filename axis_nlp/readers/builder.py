"""Assemble a document text from pieces while recording named sections."""

from __future__ import annotations

from typing import Optional

from axis_nlp.schema import Section


class TextBuilder:
    """Appends text pieces with separators; consecutive pieces of one section merge."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self.sections: list[Section] = []

    def add(self, text: str, section: Optional[str] = None, sep: str = "\n") -> None:
        """Append ``text`` (skipped when empty) after ``sep``, inside section ``section``."""
        if not text:
            return
        if self.length:
            self._parts.append(sep)
            self.length += len(sep)
        start = self.length
        self._parts.append(text)
        self.length += len(text)
        if section is None:
            return
        last = self.sections[-1] if self.sections else None
        if last is not None and last.name == section and last.end == start - len(sep):
            last.end = self.length
        else:
            self.sections.append(Section(section, start, self.length))

    @property
    def text(self) -> str:
        return "".join(self._parts)
