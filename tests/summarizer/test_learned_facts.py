"""The learned figure model: what it adds to the rules, where it may not speak, and that it is trained on the data
in the repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from summarizer.facts import extract_facts
from summarizer.facts.extract import rule_facts
from summarizer.facts.learned import LABELS, FigureModel, bundled_model, figure_features, figures

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from facts_metric import load_passages  # noqa: E402
from train_facts import data_hash, examples, label, train  # noqa: E402

MODEL = ROOT / "summarizer" / "data" / "fact_model.json"


def test_the_bundled_model_was_trained_on_the_annotated_data_as_it_is() -> None:
    """Annotations changed without retraining leave the model behind them: retrain with bench/train_facts.py."""
    stored = json.loads(MODEL.read_text("utf-8"))
    assert stored["trained_on"] == ["tests/data/facts-real/dev", "tests/data/facts-real/heldout-1"]
    passages = [p for folder in stored["trained_on"] for p in load_passages(ROOT / folder)]
    assert stored["data_sha256"] == data_hash(passages), "run: python bench/train_facts.py"
    assert set(stored["weights"]) == set(LABELS)
    assert 0.5 <= stored["threshold"] <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # words no rule reads as troops
        ("Ghana has pledged 150 military and police to the force.", [("troops", "Ghana", 150)]),
        ("UK brings all its 600 military home.", [("troops", "United Kingdom", 600)]),
        # a figure the rules leave out once "compared with" tells them it is no change: still a fact of its own
        (
            "Germany has 1,200 troops in Mali, compared with 5,100 for France.",
            [("troops", "Germany", 1200), ("troops", "France", 5100)],
        ),
    ],
)
def test_the_model_adds_figures_no_rule_reads(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert len(rule_facts(text)) < len(expected)
    assert [(f.category, f.who, f.quantity) for f in extract_facts(text)] == expected


def _certain(category: str) -> FigureModel:
    """A model that gives every figure ``category``: real weights, only chosen by hand."""
    return FigureModel(weights={name: {"bias": 9.0 if name == category else 0.0} for name in LABELS}, threshold=0.5)


def test_the_model_never_makes_money_nor_reads_table_cells() -> None:
    """A sum no rule calls money is a price or a valuation more often than a fact; a table's cells are read under
    its header by the list rules, which know its columns."""
    sentence = "The group is worth 40 billion at today's prices."
    assert rule_facts(sentence, _certain("money")) == rule_facts(sentence)
    table = "Country | Soldiers\nRuritania | 400 | 12"
    assert rule_facts(table, _certain("troops")) == rule_facts(table)
    assert [f.quantity for f in rule_facts("It brings 400 home.", _certain("troops"))] == []  # nobody owns them
    assert [(f.category, f.quantity) for f in rule_facts("Chad brings 400 home.", _certain("troops"))] == [
        ("troops", 400)
    ]


def test_no_model_means_the_rules_alone() -> None:
    text = "Chad brings 400 home."
    assert rule_facts(text) == rule_facts(text, None) == []


def test_training_writes_weights_that_read_figures_again() -> None:
    """bench/train_facts.py on a few passages: its JSON loads back into a model that reads what it was shown."""
    folder = ROOT / "tests" / "data" / "facts-real" / "dev"
    passages = [p for p in load_passages(folder) if p.name.startswith("lists-0")][:12]
    rows = examples(passages)
    model = train([row for passage in rows.values() for row in passage], threshold=0.5, c=1.0)
    loaded = FigureModel.from_json(json.loads(json.dumps({"weights": model.weights, "threshold": 0.5})))
    seen = [(features, category) for passage in rows.values() for features, category in passage]
    right = sum(max(loaded.probabilities(f).items(), key=lambda kv: kv[1])[0] == category for f, category in seen)
    assert right / len(seen) > 0.9  # a linear model recalls its own training figures


def test_labels_come_from_the_annotated_number() -> None:
    gold = [
        {"category": "troops", "quantity": 1200},
        {"category": "displaced", "quantity": None, "quantity_text": "thousands"},
    ]
    figure = next(figures("Chad sent 1,200 soldiers."))
    assert label(figure, gold) == "troops"
    vague = next(figures("Thousands of people fled."))
    assert vague.quantity.value is None and label(vague, gold) == "displaced"
    assert label(next(figures("In 2019 it rained.")), gold) == "none"


def test_the_model_reads_the_heading_of_a_list() -> None:
    text = "Troops pledged to the force:\nRuritania: 400\nFreedonia: 300"
    read = list(figures(text))
    assert [f.heading for f in read] == ["Troops pledged to the force:"] * 2
    assert "h=troop" in figure_features(read[0]) and "row" in figure_features(read[0])


def test_the_bundled_model_loads() -> None:
    model = bundled_model()
    assert model is not None and model.threshold == json.loads(MODEL.read_text("utf-8"))["threshold"]
