"""bench/openings.py's detector finds each kind of faulty bullet on its own, without the rules it checks."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from openings import problems  # noqa: E402

ARTICLE = "\n".join(
    [
        "Julian Assange: Sweden drops rape investigation",
        "By Jane Smith",
        "STOCKHOLM (Reuters) - Swedish prosecutors dropped their investigation into a rape allegation against Julian "
        "Assange. This comes after the complainant's lawyer asked for the case to be closed.",
        '"It is a very serious situation.',
        'We will not stop here," she said.',
    ]
)
TITLE = "Julian Assange: Sweden drops rape investigation - BBC News"


def test_each_kind_is_found() -> None:
    bullets = [
        "This comes after the complainant's lawyer asked for the case to be closed.",
        "Julian Assange: Sweden drops rape investigation",
        "By Jane Smith",
        "STOCKHOLM (Reuters) - Swedish prosecutors dropped their investigation into a rape allegation against Julian "
        "Assange.",
        "Swedish prosecutors dropped their investigation into a rape allegation against Julian Assange.",
        '"It is a very serious situation.',
    ]
    found = problems(bullets, ARTICLE, TITLE)
    assert found[0] == {"dangling"}
    assert "heading" in found[1]
    assert "byline" in found[2]
    assert found[3] == {"dateline"}
    assert found[4] == {"duplicate"}
    assert found[5] == {"quote"}


def test_a_clean_summary_has_no_faults() -> None:
    bullets = [
        "Swedish prosecutors dropped their investigation into a rape allegation against Julian Assange.",
        'We will not stop here," she said.',
    ]
    assert problems(bullets, ARTICLE, TITLE) == [set(), {"quote"}]  # the tail of a quote counts, even with a speaker
    assert problems(bullets[:1], ARTICLE, TITLE) == [set()]


def test_the_detector_does_not_use_the_rules_it_checks() -> None:
    source = (ROOT / "bench" / "openings.py").read_text("utf-8")
    assert "summarizer.bullets" not in source.replace("summarizer/bullets.py", "")
