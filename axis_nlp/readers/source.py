"""Byte sources shared by every reader: paths or bytes, gzip, decoding, ids."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import unicodedata
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from axis_nlp.errors import EncodingError, InputFormatError

#: What every reader accepts: a file path or the raw bytes of a file.
Source = Union[str, "os.PathLike[str]", bytes, bytearray]

GZIP_MAGIC = b"\x1f\x8b"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def display_name(source: Source, name: Optional[str] = None) -> str:
    """The name used in error messages: ``name``, else the path, else ``<bytes>``."""
    if name:
        return str(name)
    if isinstance(source, (bytes, bytearray)):
        return "<bytes>"
    return str(source)


def stem_of(name: str) -> str:
    """File stem without ``.gz`` and without the format extension (``a.txt.gz`` -> ``a``)."""
    base = Path(name).name
    if base.lower().endswith(".gz"):
        base = base[:-3]
    stem = Path(base).stem
    return stem or base or "document"


def default_doc_id(source: Source, name: Optional[str]) -> str:
    """Document id of formats that carry none: the file stem (``stdin`` for bytes)."""
    if name and not name.startswith("<"):
        return stem_of(name)
    if isinstance(source, (bytes, bytearray)):
        return "stdin"
    return stem_of(str(source))


def source_path(source: Source, name: Optional[str]) -> Optional[str]:
    """What goes into ``Document.source``: the file name, if one is known."""
    if name:
        return None if name.startswith("<") else str(name)
    if isinstance(source, (bytes, bytearray)):
        return None
    return str(source)


@contextmanager
def open_binary(source: Source, name: Optional[str] = None) -> Iterator[BinaryIO]:
    """Open ``source`` for binary reading, gunzipping it when it starts with the gzip magic."""
    label = display_name(source, name)
    if isinstance(source, (bytes, bytearray)):
        raw: BinaryIO = io.BytesIO(bytes(source))
    else:
        path = Path(source)
        if path.is_dir():
            raise InputFormatError("is a directory, not a file", path=label)
        try:
            raw = open(path, "rb")
        except FileNotFoundError:
            raise InputFormatError("no such file", path=label) from None
        except OSError as exc:
            raise InputFormatError(f"cannot open file: {exc.strerror or exc}", path=label) from None
    try:
        magic = raw.read(2)
        raw.seek(0)
        if magic == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                yield _GzipErrors(gz, label)  # type: ignore[misc]
        else:
            yield raw
    finally:
        raw.close()


class _GzipErrors(io.RawIOBase):
    """Wraps a GzipFile so that corrupt or truncated data raise InputFormatError."""

    def __init__(self, gz: gzip.GzipFile, label: str) -> None:
        super().__init__()
        self._gz = gz
        self._label = label

    def readable(self) -> bool:
        return True

    def _guard(self, fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except (EOFError, OSError, zlib.error) as exc:
            raise InputFormatError(f"corrupt or truncated gzip data ({exc})", path=self._label) from None

    def read(self, size: int = -1) -> bytes:
        return self._guard(self._gz.read, size)

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._guard(self._gz.read, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: Optional[int] = -1) -> bytes:
        return self._guard(self._gz.readline, -1 if size is None else size)

    def __iter__(self) -> Iterator[bytes]:  # type: ignore[override]
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def read_all(source: Source, name: Optional[str] = None) -> bytes:
    """All bytes of ``source`` (decompressed if gzipped)."""
    with open_binary(source, name) as fh:
        return fh.read()


def read_head(source: Source, name: Optional[str] = None, size: int = 65536) -> bytes:
    """The first ``size`` bytes of ``source`` (decompressed if gzipped)."""
    with open_binary(source, name) as fh:
        return fh.read(size)


def check_not_empty(data: bytes, label: str) -> None:
    """Raise InputFormatError("empty file") for empty or whitespace-only content."""
    stripped = data
    for bom, _ in _BOMS:
        if stripped.startswith(bom):
            stripped = stripped[len(bom):]
            break
    if not stripped.strip():
        raise InputFormatError("empty file", path=label)


def bom_encoding(data: bytes) -> Optional[str]:
    """The codec named by a leading byte-order mark, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_binary(head: bytes) -> bool:
    """True for content that is not text: NUL bytes, many control bytes, or mostly
    bytes that are neither UTF-8 nor any encoding charset-normalizer recognises."""
    if not head or bom_encoding(head) in ("utf-16", "utf-32"):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if (b < 32 and b not in (9, 10, 12, 13)) or b == 127)
    if controls / len(head) > 0.05:
        return True
    invalid = sum(1 for c in head.decode("utf-8", "surrogateescape") if "\udc80" <= c <= "\udcff")
    if invalid / len(head) <= 0.3:
        return False
    try:
        if _plausible_western(head.decode("cp1252")):
            return False
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    return from_bytes(head).best() is None


# Characters a cp1252 file of English/European scientific text commonly holds
# outside letters: typographic quotes and dashes, units and signs.
_COMMON_HIGH = set("\u20ac\u201a\u201e\u2026\u2020\u2021\u2030\u2018\u2019\u201c\u201d\u2022\u2013\u2014"
                   "\u2122\u00a0\u00a1\u00a2\u00a3\u00a5\u00a7\u00a9\u00ab\u00ae\u00b0\u00b1\u00b2\u00b3"
                   "\u00b5\u00b6\u00b7\u00b9\u00ba\u00bb\u00bc\u00bd\u00be\u00bf\u00d7\u00f7\u00aa\u00ac\u00ad")


def _plausible_western(text: str) -> bool:
    """Is ``text`` (decoded as cp1252) plausibly Western European text?"""
    high = [c for c in text if ord(c) > 127]
    if not high:
        return True
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        return False
    ok = sum(1 for c in high if c.isalpha() or c in _COMMON_HIGH)
    if ok / len(high) < 0.9:
        return False
    letters = [c for c in text if c.isalpha()]
    ascii_letters = sum(1 for c in letters if ord(c) < 128)
    # Latin-script text mixes a few accented letters into ASCII words; a Cyrillic or
    # Greek file misread as cp1252 is nearly all non-ASCII letters.
    return bool(letters) and ascii_letters / len(letters) >= 0.7


def decode_text(data: bytes, label: str) -> str:
    """Decode file bytes: UTF-8 (BOM stripped), BOM'd UTF-16/32, cp1252, else charset-normalizer.

    Raises EncodingError when no decoding is confident.
    """
    encoding = bom_encoding(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise EncodingError(f"invalid {encoding} data after byte-order mark ({exc.reason})",
                                path=label) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    escaped = data.decode("utf-8", "surrogateescape")
    if any(ord(c) > 127 and not "\udc80" <= c <= "\udcff" for c in escaped):
        # Valid multi-byte UTF-8 elsewhere: a UTF-8 file with stray bytes, not another encoding.
        line = data.count(b"\n", 0, first_bad) + 1
        raise EncodingError(f"invalid UTF-8 at byte {first_bad} (line {line}) in an otherwise "
                            "UTF-8 file (mixed encodings?)", path=label)
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _plausible_western(western):
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.1:
        raise EncodingError(
            "not UTF-8 and its encoding could not be detected with confidence; "
            "convert the file to UTF-8", path=label)
    text = str(best)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        raise EncodingError(f"not UTF-8; best guess {best.encoding} yields control characters; "
                            "convert the file to UTF-8", path=label)
    return text


def decode_utf8_line(line: bytes, label: str, lineno: int) -> str:
    """Decode one line of a UTF-8 line format (PubTator, JSONL), naming the line on error."""
    if lineno == 1 and line.startswith(codecs.BOM_UTF8):
        line = line[3:]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"line {lineno}: invalid UTF-8 ({exc.reason} at byte {exc.start})",
                            path=label) from None


_WS = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace into one space and strip."""
    return _WS.sub(" ", text).strip()


def corpus_doc_id(raw: str) -> str:
    """Id of a corpus document: digits -> ``PMID:<n>``, ``PMC<n>`` -> ``PMCID:PMC<n>``, else as is."""
    raw = raw.strip()
    if raw.isdigit():
        return f"PMID:{raw}"
    if re.fullmatch(r"PMC\d+", raw):
        return f"PMCID:{raw}"
    return raw
