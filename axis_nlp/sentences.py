"""Rule-based sentence segmentation for biomedical abstracts.

Survives abbreviations ("et al.", "e.g.", "Fig. 2"), citations ("[12]", "(Smith et al., 2020)")
placed after the full stop, decimal numbers, and treats line breaks (title / abstract /
section boundaries) as sentence boundaries.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

TERMINALS = {".", "!", "?", "...", "…"}
# a word glued to a full stop and a citation by the tokenizer: "controls.[3"
_GLUED_CITATION = re.compile(r"^\w+[.!?]\[[\d,\-–\s]*$")
# tokens that may follow a full stop and still belong to the sentence it closes
_CLOSERS = {")", "]", "'", '"', "’", "”", "»"}


def _is_citation_open(doc: Doc, i: int) -> bool:
    """A bracketed citation such as "[12]" or "[3,4]" right after a full stop."""
    if doc[i].text != "[":
        return False
    for j in range(i + 1, min(i + 12, len(doc))):
        if doc[j].text == "]":
            return all(t.text in {",", "-", "–"} or t.like_num or t.text.replace(",", "").replace("-", "").replace("–", "").isdigit()
                       for t in doc[i + 1:j])
    return False


def segment(doc: Doc) -> Doc:
    """``doc`` (re-created) with ``is_sent_start`` set on every token; run it right after the tokenizer."""
    if len(doc) == 0:
        return doc
    starts = [False] * len(doc)
    starts[0] = True
    i = 0
    n = len(doc)
    while i < n:
        token = doc[i]
        boundary_after = None
        if "\n" in token.text or "\n" in token.whitespace_:
            boundary_after = i + 1
        elif token.text in TERMINALS or _GLUED_CITATION.match(token.text):
            j = i + 1
            # closing brackets/quotes and citations stay with the sentence they close
            while j < n:
                if doc[j].text in _CLOSERS:
                    j += 1
                elif _is_citation_open(doc, j):
                    while j < n and doc[j].text != "]":
                        j += 1
                    j += 1
                else:
                    break
            if j < n:
                nxt = doc[j].text
                if nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "([\"'“" or not nxt[:1].isascii():
                    boundary_after = j
                elif "\n" in doc[j - 1].whitespace_:
                    boundary_after = j
            i = j - 1 if j > i + 1 else i
        if boundary_after is not None and boundary_after < n:
            # skip pure whitespace tokens: the sentence starts at the next real token
            k = boundary_after
            while k < n and doc[k].is_space:
                k += 1
            if k < n:
                starts[k] = True
        i += 1
    # a new Doc with all boundaries at once: setting them token by token makes spaCy re-check the
    # whole doc each time (quadratic on long documents). The segmenter runs right after the
    # tokenizer, so there is no other annotation to carry over.
    new = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
              sent_starts=[True if start else False for start in starts])
    new._context = doc._context  # nlp.pipe(as_tuples=True) carries its context on the doc
    new.user_data.update(doc.user_data)
    return new


@Language.component("axis_sentences")
def axis_sentences(doc: Doc) -> Doc:
    """spaCy component: rule-based sentence boundaries (see :func:`segment`)."""
    return segment(doc)
