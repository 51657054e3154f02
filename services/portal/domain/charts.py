"""Charts of published results as inline SVG, drawn on the server (no chart library, no script):
a bar per unit of a ranking, a radar of a unit's six groups, a line of its totals over the years.
Each chart has a title and a text alternative for screen readers; every label is escaped; every value is written
as the `locale`'s reader writes it (numbers.py)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from services.portal.domain.numbers import number

Number = Decimal | float | int
BAR_ROOM_PERCENT = 85  # of a bar chart's width for the longest bar: the rest holds its value
RADAR_SIZE = 280  # CSS px square: fits a 320 px phone, its key below it
THIN_OUT_FROM = 7  # points on a line chart from which a narrow screen shows every other label


def bar_chart(bars: Sequence[tuple[str, Number]], *, maximum: Number, title: str, locale: str) -> Markup:
    """Horizontal bars, one per (label, value), in the order given, scaled to `maximum`; each label on its own
    line above its bar. Drawn in CSS pixels across the width there is (no viewBox): scaled down to a phone,
    a drawing made for a desktop had labels too small to read."""
    label_height, bar_height, gap = 22, 12, 8
    row_height = label_height + bar_height + gap
    rows = []
    for index, (label, value) in enumerate(bars):
        y = index * row_height
        length, shown = _share(value, maximum) * BAR_ROOM_PERCENT, number(value, locale)
        rows.append(
            f'<text x="0" y="{y + 17}" class="chart__label">{escape(_short(label))}</text>'
            f'<rect x="0" y="{y + label_height}" width="{length:.2f}%" height="{bar_height}" class="chart__bar">'
            f'<title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{length:.2f}%" dx="6" y="{y + label_height + 11}" class="chart__value">{shown}</text>')
    height = max(1, len(bars)) * row_height
    return _svg(title, "".join(rows), f'width="100%" height="{height}"', "chart chart--bars")


def radar_chart(axes: Sequence[tuple[str, str, Number, Number]], *, title: str, locale: str) -> Markup:
    """One axis per (code, name, value, axis maximum), clockwise from the top; the shape is value/maximum.
    Drawn in CSS pixels, each axis marked by its code, with a key that names each code and gives its points:
    a group's name beside its axis needed a drawing ~700 px wide, scaled down to a phone its text was 5.6 px."""
    centre, radius, label_room = RADAR_SIZE / 2, RADAR_SIZE / 2 - 24, 14
    count = max(3, len(axes))

    def point(index: int, distance: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return centre + distance * math.cos(angle), centre + distance * math.sin(angle)

    rings = (_points(point(i, radius * level / 4) for i in range(count)) for level in range(1, 5))
    grid = "".join(f'<polygon class="chart__grid" points="{ring}"/>' for ring in rings)
    spokes, codes, key = [], [], []
    for index, (code, name, value, maximum) in enumerate(axes):
        x, y = point(index, radius)
        spokes.append(f'<line class="chart__grid" x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}"/>')
        x, y = point(index, radius + label_room)
        codes.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="central"'
                     f' class="chart__label chart__code">{escape(code)}</text>')
        key.append(f'<li><span class="chart-key__code">{escape(code)}</span> <span>{escape(name)}</span> '
                   f'<span class="chart-key__value">{number(value, locale)} / {number(maximum, locale)}</span></li>')
    shape = _points(point(index, radius * _share(value, maximum))
                    for index, (_code, _name, value, maximum) in enumerate(axes))
    body = f'{grid}{"".join(spokes)}<polygon class="chart__area" points="{shape}"/>{"".join(codes)}'
    drawing = _svg(title, body, f'viewBox="0 0 {RADAR_SIZE} {RADAR_SIZE}" width="{RADAR_SIZE}" height="{RADAR_SIZE}"',
                   "chart chart--radar")
    return Markup(f'<div class="radar">{drawing}<ul class="chart-key">{"".join(key)}</ul></div>')


def line_chart(points: Sequence[tuple[str, Number]], *, maximum: Number, title: str, locale: str) -> Markup:
    """A line through (label, value) points from left to right (e.g. a unit's total per year), each point in the
    middle of an equal share of the width. Drawn in CSS pixels across the width there is, like the bars: x in
    percent, y and text in pixels (scaled down to a phone, a desktop drawing had 8 px text); so a line per pair
    of points, as a polyline's points cannot be percentages. From THIN_OUT_FROM points on, every other label
    (counting back from the last) is minor: a narrow screen hides it. Its text alternative lists the points."""
    top, plot_height, bottom = 28, 150, 28
    floor = top + plot_height

    def xy(index: int, value: Number) -> tuple[float, float]:
        return (index + 0.5) * 100 / len(points), floor - plot_height * _share(value, maximum)

    placed = [(label, value, *xy(index, value)) for index, (label, value) in enumerate(points)]
    scale = (f'<line class="chart__grid" x1="0" y1="{top}" x2="100%" y2="{top}"/>'
             f'<line class="chart__axis" x1="0" y1="{floor}" x2="100%" y2="{floor}"/>'
             f'<text x="0" y="{top - 8}" class="chart__label">{number(maximum, locale)}</text>'
             f'<text x="0" y="{floor - 6}" class="chart__label">0</text>')
    line = "".join(f'<line class="chart__line" x1="{x1:.2f}%" y1="{y1:.1f}" x2="{x2:.2f}%" y2="{y2:.1f}"/>'
                   for (_l, _v, x1, y1), (_l2, _v2, x2, y2) in zip(placed, placed[1:], strict=False))
    dots = []
    for index, (label, value, x, y) in enumerate(placed):
        minor = ' chart__minor' if len(points) >= THIN_OUT_FROM and (len(points) - 1 - index) % 2 else ""
        value_y = y + 20 if y < top + 22 else y - 10  # below a dot at the top, clear of the maximum's label
        shown = number(value, locale)
        dots.append(
            f'<circle class="chart__dot" cx="{x:.2f}%" cy="{y:.1f}" r="4"><title>{escape(label)}: {shown}'
            f'</title></circle><text x="{x:.2f}%" y="{floor + 20}" text-anchor="middle" class="chart__label{minor}">'
            f'{escape(label)}</text><text x="{x:.2f}%" y="{value_y:.1f}" text-anchor="middle"'
            f' class="chart__value{minor}">{shown}</text>')
    described = f"{title}: " + "; ".join(f"{label}: {number(value, locale)}" for label, value in points)
    return _svg(described, scale + line + "".join(dots), f'width="100%" height="{floor + bottom}"',
                "chart chart--line")


def _svg(title: str, body: str, size: str, classes: str = "chart") -> Markup:
    return Markup(f'<svg class="{classes}" role="img" aria-label="{escape(title)}" {size}'
                  f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>')


def _points(pairs) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def _share(value: Number, maximum: Number) -> float:
    return max(0.0, min(1.0, float(value) / float(maximum))) if float(maximum) else 0.0


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
