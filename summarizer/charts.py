"""A bar chart of comparable figures (troops per country, deaths per side): people would rather look than read.

``comparable`` picks the figures worth drawing; ``bar_chart`` draws them to PNG bytes with matplotlib's Agg
backend. Drawing takes tens of milliseconds and holds the GIL: callers on an event loop run it in a thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from summarizer.aggregate import amount
from summarizer.facts import Fact

__all__ = ["Bar", "bar_chart", "comparable"]

MIN_BARS = 3
MAX_BARS = 40
_TITLES = {
    "troops": "Troops",
    "casualties": "Casualties",
    "displaced": "Displaced people",
    "money": "Money",
    "other": "Equipment",
}


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str  # the figure as shown on the bar: "~130", "$300m"
    approx: bool


def _label(value: float) -> str:
    for scale, suffix in ((1e9, "bn"), (1e6, "m")):
        if value >= scale:
            return f"{value / scale:,.3g}{suffix}"
    return f"{value:,.0f}"


def comparable(facts: list[Fact]) -> tuple[str, list[Bar]] | None:
    """The largest set of like figures (one category, unit and place: a factbox's rows, troops per country in
    Iraq) of different owners, one whole figure each (no parts, no "before" side of a change), if there are at
    least MIN_BARS of them; biggest first. Figures of different scopes are never drawn side by side."""
    sets: dict[tuple[str, str, str | None], dict[str, Bar]] = {}
    for fact in facts:
        if fact.quantity is None or fact.part_of is not None or fact.role == "before" or not fact.who:
            continue
        bars = sets.setdefault((fact.category, fact.unit, fact.where), {})
        if fact.who not in bars:
            prefix = "~" if fact.approx else ""
            text = amount(fact) if fact.category == "money" else prefix + _label(float(fact.quantity))  # "$683bn"
            bars[fact.who] = Bar(fact.who, float(fact.quantity), text, fact.approx)
    if not sets:
        return None
    (category, _unit, _where), bars = max(sets.items(), key=lambda item: len(item[1]))
    if len(bars) < MIN_BARS:
        return None
    return _TITLES[category], sorted(bars.values(), key=lambda bar: bar.value, reverse=True)[:MAX_BARS]


def bar_chart(title: str, bars: list[Bar]) -> bytes:
    """Horizontal bars, biggest at the top, each labelled with its figure; approximate figures hatched."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 1.2 + 0.32 * len(bars)), dpi=110)
    axes = figure.subplots()
    ordered = list(reversed(bars))
    drawn = axes.barh([bar.label for bar in ordered], [bar.value for bar in ordered], color="#2f6db3")
    for patch, bar in zip(drawn, ordered, strict=True):
        if bar.approx:
            patch.set_hatch("//")
            patch.set_edgecolor("white")
    axes.bar_label(drawn, labels=[bar.text for bar in ordered], padding=3, fontsize=8)
    axes.set_title(title + (" (~ approximate, hatched)" if any(bar.approx for bar in bars) else ""), fontsize=10)
    axes.margins(x=0.15)
    axes.tick_params(axis="y", labelsize=8)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
