"""Quality gates: benchmark scores must not fall under the floors pinned in bench/floors.toml."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

from summarizer.clean import from_html
from summarizer.errors import ArticleError

ROOT = Path(__file__).resolve().parents[1]
EXTRACTION = ROOT.parent / "shared" / "bench" / "extraction"
sys.path.insert(0, str(ROOT / "bench"))
from extraction_metric import page_counts, score  # noqa: E402

FLOORS = tomllib.loads((ROOT / "bench" / "floors.toml").read_text())


def test_metric_matches_its_definition() -> None:
    assert page_counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    assert page_counts("", "") == (0.0, 0.0, 0.0)
    tp, fp, fn = page_counts("a b c d x", "a b c d e")
    assert (tp, fp, fn) == (pytest.approx(1 / 3), pytest.approx(1 / 3), pytest.approx(1 / 3))
    result = score([("a b c d", "a b c d"), ("", "w x y z")])  # second page: no prediction, recall 0
    assert (result.precision, result.recall) == (1.0, 0.5)


@pytest.mark.skipif(not EXTRACTION.is_dir(), reason="benchmark data (../shared/bench) not present")
def test_extraction_f1_floor() -> None:
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text("utf-8"))
    pairs = []
    for page_id, record in truth.items():
        try:
            text = from_html((EXTRACTION / "html" / f"{page_id}.html").read_text("utf-8"), record["url"]).text
        except ArticleError:
            text = ""
        pairs.append((text, record["articleBody"]))
    assert score(pairs).f1 >= FLOORS["extraction"]["f1"]
