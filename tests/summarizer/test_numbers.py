import pytest

from summarizer.numbers import find_quantities


@pytest.mark.parametrize(
    ("text", "value", "approx", "bound"),
    [
        ("around 130 soldiers", 130, True, "approx"),
        ("1,200 troops", 1200, False, None),
        ("600 000 refugees", 600000, False, None),
        ("2.3 million people", 2_300_000, False, None),
        ("$90m in aid", 90_000_000, False, None),
        ("A$85 million", 85_000_000, False, None),
        ("seven soldiers", 7, False, None),
        ("two thousand troops", 2000, False, None),
        ("twenty-five marines", 25, False, None),
        ("a dozen advisers", 12, False, None),
        ("hundreds of personnel", None, True, "approx"),
        ("several hundred marines", None, True, "approx"),
        ("at least 12 people", 12, True, "min"),
        ("more than 300 troops", 300, True, "min"),
        ("up to 5,000 troops", 5000, True, "max"),
        ("nearly 40 soldiers", 40, True, "max"),
        ("a net profit of Rs847.156 million", 847_156_000, False, None),  # a code's digits may follow it at once
        ("USD5m", 5_000_000, False, None),
        ("grew to Sh55.3 billion", 55_300_000_000, False, None),  # Kenyan shillings, written as Nairobi writes them
        ("KSh 3 billion", 3_000_000_000, False, None),
        ("₦20 billion", 20_000_000_000, False, None),
        ("RM5 billion", 5_000_000_000, False, None),
        ("1,000+ missing", 1_000, True, "min"),  # a factbox's "more than"
    ],
)
def test_news_numbers(text: str, value: float | None, approx: bool, bound: str | None) -> None:
    quantity = find_quantities(text)[0]
    assert (quantity.value, quantity.approx, quantity.bound) == (value, approx, bound)


def test_ranges_keep_both_ends() -> None:
    quantity = find_quantities("300-400 troops")[0]
    assert (quantity.value, quantity.high, quantity.bound) == (300, 400, "approx")


def test_metres_are_not_millions() -> None:
    assert find_quantities("30m away")[0].value == 30


def test_one_of_is_not_a_count() -> None:
    assert find_quantities("one of the soldiers said") == []


def test_a_currency_code_needs_a_word_of_its_own() -> None:
    assert [q.text for q in find_quantities("Bars847 and Rs12")] == ["Rs12"]


def test_one_counts_only_where_the_caller_says() -> None:
    import re

    soldier = re.compile(r"\s+soldier")
    assert [q.value for q in find_quantities("one soldier", ones=soldier)] == [1]
    assert find_quantities("the one soldier", ones=soldier) == []  # "the one in Iraq"
    assert find_quantities("one soldier") == []


@pytest.mark.parametrize(
    ("text", "currency"),
    [("Sh55.3 billion", "Sh"), ("S$45 million", "S$"), ("₦20 billion", "₦"), ("RM5 billion", "RM"), ("Shares 5", None)],
)
def test_the_currencies_of_african_and_asian_reporting_are_read(text: str, currency: str | None) -> None:
    assert find_quantities(text)[-1].currency == currency


def test_a_plus_sign_ends_a_figure_only_after_it() -> None:
    assert [q.text for q in find_quantities("3+4 and C++ 11")] == ["3", "4", "11"]
