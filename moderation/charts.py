"""A small server-side SVG line chart for the admin dashboard (no JavaScript, no external library).

`line_chart` turns daily series into coordinates; `admin/moderation/chart.svg` draws them.
"""

from dataclasses import dataclass
from datetime import date

WIDTH = 720
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 24, 12, 32
# Lines that coincide stay distinguishable: each series has its own dash pattern as well as its colour.
DASHES = ("", "8 4", "2 3")


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    points: str  # "x,y x,y ..." for <polyline points>
    dash: str  # stroke-dasharray
    total: int
    last: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def _nice_top(value: int) -> int:
    """Four times the smallest step (1, 2 or 5 times a power of ten) that reaches `value`: four even bands."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if 4 * step >= value:
                return 4 * step
        magnitude *= 10


def line_chart(days: list[date], series: list) -> Chart:
    """Coordinates of one line per series (objects with `label`, `color`, `values` aligned with `days`)."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    top_value = _nice_top(max((max(s.values, default=0) for s in series), default=0))
    step = plot_width / max(len(days) - 1, 1)

    def x(index: int) -> float:
        return round(LEFT + index * step, 1)

    def y(value: int) -> float:
        return round(TOP + plot_height - value / top_value * plot_height, 1)

    lines = [
        Line(
            label=s.label,
            color=s.color,
            points=" ".join(f"{x(i)},{y(v)}" for i, v in enumerate(s.values)),
            dash=DASHES[index % len(DASHES)],
            total=sum(s.values),
            last=s.values[-1] if s.values else 0,
        )
        for index, s in enumerate(series)
    ]
    y_ticks = [Tick(y(top_value * k // 4), str(top_value * k // 4)) for k in range(5)]
    x_ticks = [
        Tick(x(i), day.strftime("%m-%d")) for i, day in enumerate(days) if i % 7 == (len(days) - 1) % 7
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        lines=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )
