"""The curated axis lexicon and a fast character-level matcher over it.

Matching works on characters, not tokens, so a term is found inside hyphenated
compounds ("osteocalcin-deficient", "IL-6-/-") whatever the tokenizer does.
Spelling variants are generated, not listed: case, plurals, Greek letters spelled
out (TNF-α / TNF-alpha / TNFα), separators (blood–brain / blood-brain / blood brain)
and British/American spellings (behaviour / behavior).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, TypeVar, Union

from .errors import ConfigError
from .schema import ENTITY_LABELS

DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "corpora" / "lexicon" / "axis_lexicon.jsonl"

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "θ": "theta", "ω": "omega", "σ": "sigma", "τ": "tau",
}
_SEP_CHARS = " -\u2010\u2011\u2012\u2013\u2014\u2212/"
_SEP = "\x00"  # separator placeholder inside trie keys
_SEP_RE = r"[\s\-\u2010-\u2014\u2212/]?"
SPELLING_PAIRS = (
    ("isation", "ization"), ("ise", "ize"), ("tumour", "tumor"), ("behaviour", "behavior"), ("haem", "hem"), ("oestr", "estr"), ("fibre", "fiber"),
    ("oedem", "edem"), ("ageing", "aging"), ("elling", "eling"), ("aemia", "emia"),
    ("paed", "ped"), ("oes", "es"), ("tre", "ter"), ("yse", "yze"),
)
GROUPS = ("bone", "immune", "brain", "endocrine", "intervention", "metabolic", "other")


@dataclass
class Concept:
    """One lexicon concept."""

    canonical: str
    label: str
    id: Optional[str] = None
    group: str = "other"
    synonyms: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Identity of the concept: its id when known, else its canonical name."""
        return self.id or self.canonical.lower()


@dataclass
class LexiconMatch:
    start: int
    end: int
    text: str
    concept: Concept


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalize_term(text: str) -> str:
    """A comparison key: lower case, Greek spelled out, separators dropped, accents stripped."""
    text = _strip_accents(text).lower()
    for letter, name in GREEK.items():
        text = text.replace(letter, name)
    return re.sub(r"[\s\-\u2010-\u2014\u2212/'’]", "", text)


def _spelling_variants(term: str) -> set[str]:
    variants = {term}
    for british, american in SPELLING_PAIRS:
        for v in list(variants):
            low = v.lower()
            if british in low:
                variants.add(re.sub(re.escape(british), american, v, flags=re.I))
            if american in low and len(american) > 2:
                variants.add(re.sub(re.escape(american), british, v, flags=re.I))
    return variants


def _plural_variants(term: str) -> set[str]:
    if not term or not term[-1].isalpha():
        return {term}
    out = {term}
    low = term.lower()
    if low.endswith("y") and not low.endswith(("ay", "ey", "oy")):
        out.add(term[:-1] + "ies")
    elif low.endswith(("s", "x", "ch", "sh")):
        out.add(term + "es")
    else:
        out.add(term + "s")
    return out


def _keys_for(term: str, *, plurals: bool) -> set[str]:
    """Trie keys for a term: separators become a placeholder that matches any separator or none."""
    keys = set()
    base_forms = _spelling_variants(term)
    if plurals:
        base_forms = {p for f in base_forms for p in _plural_variants(f)}
    for form in base_forms:
        form = unicodedata.normalize("NFC", form.strip())
        key = "".join(_SEP if c in _SEP_CHARS or c.isspace() else c for c in form)
        key = re.sub(_SEP + "+", _SEP, key)
        keys.add(key)
    return keys


def _char_regex(char: str, *, ignore_case: bool) -> str:
    if char == _SEP:
        return _SEP_RE
    low = char.lower()
    if low in GREEK:
        return f"(?:{re.escape(char)}|{GREEK[low]})"
    if char in "'’":
        return "['’]?"
    return re.escape(char)


def _trie_regex(keys: Iterable[str], *, ignore_case: bool) -> str:
    """A regex equivalent to the alternation of ``keys``, factored as a trie (fast to match)."""
    trie: dict = {}
    for key in keys:
        node = trie
        for char in (key.lower() if ignore_case else key):
            node = node.setdefault(char, {})
        node[""] = True

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [_char_regex(c, ignore_case=ignore_case) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(trie)


# A term boundary: no letter or digit glued on either side.
_LEFT = r"(?<![^\W_])"
_RIGHT = r"(?![^\W_])"


class Lexicon:
    """Concepts plus a compiled matcher. Build with :meth:`from_jsonl`."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = concepts
        self._by_surface: dict[str, Concept] = {}
        self._by_key: dict[str, Concept] = {}
        long_keys: dict[str, Concept] = {}
        short_keys: dict[str, Concept] = {}
        for concept in concepts:
            self._by_key[concept.key] = concept
            for surface in [concept.canonical, *concept.synonyms]:
                self._by_surface.setdefault(normalize_term(surface), concept)
                # short all-caps symbols (BDNF, SOST) match case-sensitively: they collide with words
                case_sensitive = len(surface) <= 5 and surface != surface.lower()
                target = short_keys if case_sensitive else long_keys
                for key in _keys_for(surface, plurals=not case_sensitive):
                    target.setdefault(key if case_sensitive else key.lower(), concept)
            for abbr in concept.abbreviations:
                self._by_surface.setdefault(normalize_term(abbr), concept)
                for key in _keys_for(abbr, plurals=False) | {k + "s" for k in _keys_for(abbr, plurals=False)}:
                    short_keys.setdefault(key, concept)
        self._long = long_keys
        self._short = short_keys
        self._long_re = re.compile(_LEFT + "(" + _trie_regex(long_keys, ignore_case=True) + ")" + _RIGHT, re.I)
        self._short_re = re.compile(_LEFT + "(" + _trie_regex(short_keys, ignore_case=False) + ")" + _RIGHT)

    def __len__(self) -> int:
        return len(self.concepts)

    @classmethod
    def from_jsonl(cls, path: Union[str, Path, None] = None) -> "Lexicon":
        path = Path(path) if path else DEFAULT_LEXICON
        if not path.exists():
            raise ConfigError(f"lexicon file not found (expected JSONL with one concept per line)", path=path)
        concepts = []
        with path.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    concept = Concept(
                        canonical=record["canonical"],
                        label=record["label"],
                        id=record.get("id"),
                        group=record.get("group", "other"),
                        synonyms=list(record.get("synonyms") or []),
                        abbreviations=list(record.get("abbreviations") or []),
                    )
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise ConfigError(f"line {line_no}: invalid lexicon record ({exc})", path=path) from exc
                if concept.label not in ENTITY_LABELS:
                    raise ConfigError(
                        f"line {line_no}: unknown label {concept.label!r}; valid: {', '.join(ENTITY_LABELS)}", path=path
                    )
                concepts.append(concept)
        return cls(concepts)

    def lookup(self, surface: str) -> Optional[Concept]:
        """The concept whose name, synonym or abbreviation is ``surface`` (variant-insensitive)."""
        concept = self._by_surface.get(normalize_term(surface))
        if concept is None and surface.lower().endswith("s"):
            concept = self._by_surface.get(normalize_term(surface[:-1]))
        return concept

    def by_key(self, key: str) -> Optional[Concept]:
        return self._by_key.get(key)

    def _concept_for(self, matched: str, table: dict[str, Concept], ignore_case: bool) -> Optional[Concept]:
        key = "".join(_SEP if c in _SEP_CHARS or c.isspace() else c for c in matched)
        key = re.sub(_SEP + "+", _SEP, key)
        if ignore_case:
            key = key.lower()
        concept = table.get(key)
        if concept is None:  # spelled-out Greek or a dropped separator: fall back to the normalised form
            concept = self.lookup(matched)
        return concept

    def find(self, text: str) -> list[LexiconMatch]:
        """All non-overlapping matches in ``text``, longest first on overlap, sorted by offset."""
        found: list[LexiconMatch] = []
        for regex, table, ignore_case in ((self._long_re, self._long, True), (self._short_re, self._short, False)):
            for m in regex.finditer(text):
                start, end = m.span(1)
                if end <= start:
                    continue
                matched = text[start:end]
                # a separator never ends a match
                while end > start and text[end - 1] in _SEP_CHARS:
                    end -= 1
                matched = text[start:end]
                concept = self._concept_for(matched, table, ignore_case)
                if concept is not None:
                    found.append(LexiconMatch(start, end, matched, concept))
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken = keep_non_overlapping(found, lambda m: (m.start, m.end))
        taken.sort(key=lambda m: m.start)
        return taken

    def iter_surfaces(self) -> Iterator[tuple[str, Concept]]:
        for concept in self.concepts:
            for surface in [concept.canonical, *concept.synonyms, *concept.abbreviations]:
                yield surface, concept


T = TypeVar("T")


def keep_non_overlapping(items: Iterable[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """Items in the given order of preference, dropping any that overlaps one already kept.

    Linear in the covered characters (an occupancy map), so a document with thousands of
    mentions costs no more than its length.
    """
    items = list(items)
    if not items:
        return []
    occupied = bytearray(max(span(i)[1] for i in items) + 1)
    kept = []
    for item in items:
        start, end = span(item)
        if not any(occupied[start:end]):
            occupied[start:end] = b"\x01" * (end - start)
            kept.append(item)
    return kept


@lru_cache(maxsize=4)
def load_lexicon(path: Optional[str] = None) -> Lexicon:
    """The lexicon at ``path`` (default: the bundled axis lexicon), built once per process."""
    return Lexicon.from_jsonl(path)
