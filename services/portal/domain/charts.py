"""Charts of published results as inline SVG, drawn on the server (no chart library, no script):
a bar per unit of a ranking, a radar of a unit's six groups, a line of its totals over the years.
Each chart has a title and a text alternative for screen readers; every label is escaped."""
from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

Number = Decimal | float | int
BAR_ROOM_PERCENT = 85  # of a bar chart's width for the longest bar: the rest holds its value


def bar_chart(bars: Sequence[tuple[str, Number]], *, maximum: Number, title: str) -> Markup:
    """Horizontal bars, one per (label, value), in the order given, scaled to `maximum`; each label on its own
    line above its bar. Drawn in CSS pixels across the width there is (no viewBox): scaled down to a phone,
    a drawing made for a desktop had labels too small to read."""
    label_height, bar_height, gap = 22, 12, 8
    row_height = label_height + bar_height + gap
    rows = []
    for index, (label, value) in enumerate(bars):
        y = index * row_height
        length = _share(value, maximum) * BAR_ROOM_PERCENT
        rows.append(
            f'<text x="0" y="{y + 17}" class="chart__label">{escape(_short(label))}</text>'
            f'<rect x="0" y="{y + label_height}" width="{length:.2f}%" height="{bar_height}" class="chart__bar">'
            f'<title>{escape(label)}: {_number(value)}</title></rect>'
            f'<text x="{length:.2f}%" dx="6" y="{y + label_height + 11}" class="chart__value">{_number(value)}</text>')
    height = max(1, len(bars)) * row_height
    return _svg(title, "".join(rows), f'width="100%" height="{height}"', "chart chart--bars")


def radar_chart(axes: Sequence[tuple[str, Number, Number]], *, title: str, size: int = 360) -> Markup:
    """One axis per (label, value, axis maximum), clockwise from the top; the shape is value/maximum."""
    centre, radius = size / 2, size / 2 - 50
    count = max(3, len(axes))

    def point(index: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return centre + radius * share * math.cos(angle), centre + radius * share * math.sin(angle)

    grid = "".join(f'<polygon class="chart__grid" points="{_points(point(i, level / 4) for i in range(count))}"/>'
                   for level in range(1, 5))
    spokes, labels = [], []
    for index, (label, value, maximum) in enumerate(axes):
        x, y = point(index, 1)
        spokes.append(f'<line class="chart__grid" x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = point(index, 1.18)
        anchor = "middle" if abs(lx - centre) < 1 else ("start" if lx > centre else "end")
        labels.append(f'<text x="{lx:.1f}" y="{ly - 2:.1f}" text-anchor="{anchor}" class="chart__label">'
                      f'{escape(_short(label, 26))}<tspan x="{lx:.1f}" dy="14" class="chart__value">'
                      f'{_number(value)} / {_number(maximum)}</tspan></text>')
    shape = _points(point(index, _share(value, maximum)) for index, (_label, value, maximum) in enumerate(axes))
    body = f'{grid}{"".join(spokes)}<polygon class="chart__area" points="{shape}"/>{"".join(labels)}'
    return _scaled_svg(size + 340, size, title, f'<g transform="translate(170,0)">{body}</g>')


def line_chart(points: Sequence[tuple[str, Number]], *, maximum: Number, title: str, width: int = 480,
               height: int = 220) -> Markup:
    """A line through (label, value) points from left to right (e.g. a unit's total per year)."""
    left, right, top, bottom = 50, 20, 20, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = float(maximum) or 1.0
    step = plot_w / max(1, len(points) - 1)

    def xy(index: int, value: Number) -> tuple[float, float]:
        x = left + (index * step if len(points) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - max(0.0, min(1.0, float(value) / top_value)))

    axis = (f'<line class="chart__axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>'
            f'<line class="chart__axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>'
            f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="chart__label">{_number(maximum)}</text>'
            f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="chart__label">0</text>')
    line = f'<polyline class="chart__line" points="{_points(xy(i, value) for i, (_l, value) in enumerate(points))}"/>'
    dots = "".join(
        f'<circle class="chart__dot" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(label)}: {_number(value)}</title>'
        f'</circle><text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="chart__label">'
        f'{escape(label)}</text><text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" class="chart__value">'
        f'{_number(value)}</text>'
        for (label, value), (x, y) in ((pair, xy(i, pair[1])) for i, pair in enumerate(points)))
    return _scaled_svg(width, height, title, axis + line + dots)


def _scaled_svg(width: float, height: float, title: str, body: str) -> Markup:
    """A drawing in its own units, scaled to the width there is (its text with it)."""
    return _svg(title, body, f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet"')


def _svg(title: str, body: str, size: str, classes: str = "chart") -> Markup:
    return Markup(f'<svg class="{classes}" role="img" aria-label="{escape(title)}" {size}'
                  f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>')


def _points(pairs) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def _share(value: Number, maximum: Number) -> float:
    return max(0.0, min(1.0, float(value) / float(maximum))) if float(maximum) else 0.0


def _number(value: Number) -> str:
    number = Decimal(str(value))
    return f"{number:.2f}".rstrip("0").rstrip(".") if number != number.to_integral() else f"{number:.0f}"


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
