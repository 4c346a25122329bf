"""Small SVG charts drawn on the server, each with a title and a text alternative; no style attributes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # percent of the largest value (0 to 100)


@dataclass(frozen=True)
class BarChart:
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class Sparkline:
    label: str
    points: str
    width: int
    height: int
    total: int
    peak: int


def bars(values: list[tuple[str, int]], *, label: str) -> BarChart:
    """A horizontal bar per (label, value), widths relative to the largest.

    The template writes each label and value as text and draws only the bar in
    SVG, so the chart reads the same to a screen reader and scales to any width.
    """
    top = max((value for _, value in values), default=0) or 1
    return BarChart(
        label=label, bars=[Bar(name, value, round(100 * value / top, 1)) for name, value in values]
    )


def sparkline(series: list[tuple[date, int]], *, label: str, width: int = 300, height: int = 40) -> Sparkline:
    """A polyline of the daily values, scaled into ``width`` x ``height``."""
    peak = max((value for _, value in series), default=0)
    scale = (height - 4) / peak if peak else 0
    step = width / max(len(series) - 1, 1)
    points = " ".join(
        f"{n * step:.1f},{height - 2 - value * scale:.1f}" for n, (_, value) in enumerate(series)
    )
    return Sparkline(label, points, width, height, sum(v for _, v in series), peak)
