"""Slow tests on the real shipped model (loaded offline from models/axis-relation)."""

from __future__ import annotations

import json
import time

import pytest

from axis_nlp.schema import Document

from .conftest import REPO, SHIPPED_MODEL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SHIPPED_MODEL / "config.json").exists(), reason="the shipped model is not in this checkout"),
]


@pytest.fixture(scope="module")
def extractor():
    from axis_nlp.extract import Extractor

    return Extractor(device="cpu")


def _triples(extractor, text: str) -> list[tuple[str, str, str]]:
    out = []
    for t in extractor.extract([Document(id="t", text=text)]):
        out.append(((t.factor.canonical or t.factor.text).lower(), (t.effect.canonical or t.effect.text).lower(), t.direction))
    return out


def test_osteopontin_is_anti_inflammatory(extractor) -> None:
    triples = _triples(extractor, "Osteopontin exerts anti-inflammatory effects in the brain.")
    assert ("osteopontin", "inflammation", "decreases") in triples


def test_osteocalcin_plainly_positive(extractor) -> None:
    triples = _triples(extractor, "In aged mice, osteocalcin administration improved spatial memory.")
    assert any(f == "osteocalcin" and d == "increases" and "memory" in e for f, e, d in triples), triples


def test_no_effect_is_negated(extractor) -> None:
    triples = {(f, e): d for f, e, d in _triples(extractor, "Alendronate did not alter cognitive function in older women.")}
    assert triples.get(("alendronate", "cognition")) == "no_effect"


def test_shipped_model_is_small_and_self_describing() -> None:
    size = sum(p.stat().st_size for p in SHIPPED_MODEL.rglob("*") if p.is_file())
    assert size < 10 * 2**20, f"shipped model is {size / 2**20:.1f} MiB"
    config = json.loads((SHIPPED_MODEL / "config.json").read_text())
    assert config["labels"] == ["increases", "decreases", "associated", "no_effect", "none"]
    assert (SHIPPED_MODEL / "README.md").exists() and (SHIPPED_MODEL / "metrics.json").exists()


def test_extract_on_the_bundled_review_is_quick_and_sensible(extractor) -> None:
    text = (REPO / "examples" / "axis_review.txt").read_text(encoding="utf-8")
    start = time.perf_counter()
    triples = _triples(extractor, text)
    assert time.perf_counter() - start < 30
    assert len(triples) >= 10
    assert ("exercise", "bone mineral density", "increases") in triples
