"""The owner judge: which names it offers as owners, what it leaves out, and that it is trained on the data in the
repository."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from summarizer.facts import extract_facts
from summarizer.facts.extract import read_facts
from summarizer.facts.learned import bundled_model
from summarizer.facts.trust import OwnerJudge, bundled_judge, candidates, judged

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from facts_metric import load_passages  # noqa: E402
from train_facts import data_hash  # noqa: E402
from train_judge import THRESHOLDS, fit, readings  # noqa: E402

JUDGE = ROOT / "summarizer" / "data" / "owner_judge.json"
DOUBTS_ALL = OwnerJudge(weights={"bias": -5.0}, threshold=0.5)  # real weights, chosen by hand: every owner doubted


def test_the_bundled_judge_was_trained_on_the_annotated_data_as_it_is() -> None:
    """Annotations changed without retraining leave the judge behind them; it never sees heldout-4 or a blind set."""
    stored = json.loads(JUDGE.read_text("utf-8"))
    trained_on = [f"tests/data/facts-real/{name}" for name in ("dev", "heldout-1", "heldout-2", "heldout-3")]
    assert stored["trained_on"] == trained_on
    passages = [p for folder in stored["trained_on"] for p in load_passages(ROOT / folder)]
    assert stored["data_sha256"] == data_hash(passages), "run: python bench/train_judge.py"
    assert stored["threshold"] in (0.0, *THRESHOLDS)  # 0.0: cross-validation found no judge better
    assert bundled_judge() == OwnerJudge.from_json(stored)


def test_candidates_are_the_countries_and_the_companies_a_sentence_names() -> None:
    offered = candidates("Reynolds American agreed to pay $49.4 billion.")
    assert [(c.who, c.kind, c.in_name) for c in offered] == [
        ("United States", "country", "end"),  # the judge reads that "American" ends a company's name
        ("Reynolds American", "organisation", None),
    ]
    offered = candidates("Canada's Enbridge will buy Spectra Energy for $28 billion.")
    assert [(c.who, c.possessive, c.in_name) for c in offered if c.kind == "country"] == [("Canada", True, "start")]
    assert "Spectra Energy" in {c.who for c in offered}
    # the sentence's full stop is no part of the last name
    assert [c.who for c in candidates("Boeing won an order for 100 jets from Ryanair.")] == ["Boeing", "Ryanair"]


def test_a_doubted_owner_leaves_out_sums_and_orders_only() -> None:
    text = "Germany pledged 500 million euros to Ukraine. Chad sent 1,200 soldiers. Airbus won orders for 100 jets."
    assert [f.category for f in read_facts(text)] == ["money", "troops", "other"]
    assert [(f.category, f.who) for f in read_facts(text, judge=DOUBTS_ALL)] == [("troops", "Chad")]


def test_list_and_table_rows_are_not_judged() -> None:
    """A list's rows and a table's cells are read under their own heading, not from a sentence's words."""
    listed = "Biggest fines this year:\n- Goldman Sachs, US – $3.97 billion\n- Westpac, Australia – $900.9 million"
    assert [f.who for f in read_facts(listed, judge=DOUBTS_ALL)] == ["Goldman Sachs", "Westpac"]
    rows = [
        "| Country | Aid pledged |",
        "|---|---|",
        "| Germany | $5 billion |",
        "| France | $3 billion |",
        "| Italy | $2 billion |",
    ]
    table = "\n".join(rows)
    assert [f.who for f in read_facts(table, judge=DOUBTS_ALL)] == ["Germany", "France", "Italy"]


def test_a_part_whose_whole_is_left_out_stands_alone() -> None:
    troops, jets = read_facts("Chad sent 1,200 soldiers. Airbus won orders for 100 jets.")
    facts = [jets, replace(troops, part_of=100)]
    assert judged(facts, DOUBTS_ALL) == [replace(troops, part_of=None)]
    assert judged(facts, None) == facts


def test_the_article_route_uses_the_bundled_judge() -> None:
    """extract_facts shows only what the shipped judge trusts; read_facts without a judge shows every fact."""
    judge = bundled_judge()
    assert judge is not None
    text = "Intel sold its memory business to SK Hynix for $9 billion. Korean Air ordered 30 jets worth $8 billion."
    every = read_facts(text, bundled_model())
    trusted = [f for f in every if judge.trusts(f)]
    assert extract_facts(text) == trusted and len(every) > len(trusted)


def test_training_writes_a_judge_that_separates_its_own_examples() -> None:
    """bench/train_judge.py's fit on a few passages: the weights rank right owners above wrong ones."""
    folder = ROOT / "tests" / "data" / "facts-real" / "dev"
    passages = load_passages(folder)[::12]  # every kind of passage: the figure models need every category
    folded = readings(passages, {p.name for p in passages}, folds=2)
    pairs = [pair for fold in folded for reading in fold for pair in reading.pairs]
    assert sum(right for _, right in pairs) >= 5 and sum(not right for _, right in pairs) >= 5
    judge = OwnerJudge.from_json(json.loads(json.dumps({"weights": fit(pairs, c=1.0).weights, "threshold": 0.5})))
    trusted = [judge.probability(features) >= 0.5 for features, _ in pairs]
    right_owners = [trust for trust, (_, is_right) in zip(trusted, pairs, strict=True) if is_right]
    assert sum(right_owners) / len(right_owners) > 0.9  # four in five pairs are wrong: "trust none" scores 0.8 below
    assert sum(trust == is_right for trust, (_, is_right) in zip(trusted, pairs, strict=True)) / len(pairs) > 0.95


def test_two_equal_sums_are_each_judged_at_their_own_place() -> None:
    """Each fact is judged where its figure stands, not at the first figure with the same words."""
    text = "Japan pledged $5 million and Norway pledged $5 million."
    japan, norway = read_facts(text)
    judge = bundled_judge()
    assert judge is not None
    assert judge.trusts(japan, 0) and judge.trusts(norway, 1)
    assert [f.who for f in extract_facts(text)] == ["Japan", "Norway"]
