"""Small charts as inline SVG, drawn on the server: no JavaScript, no internet, light on slow connections.

Each chart has a <title> for screen readers and is always shown next to a table of the same numbers,
which stays the reference (charts help the eye, tables are what gets quoted).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

INK = "#1d2733"
MUTED = "#5b6775"
GRID = "#d8dee6"
COLOURS = ("#0b5cab", "#1c7c3c", "#9a6200", "#b3261e")
FONT = 'font-family="system-ui, sans-serif"'

_ids = itertools.count(1)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    title_id = f"chart-title-{next(_ids)}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id}" {FONT} font-size="12">'
        f'<title id="{title_id}">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value`, in four equal whole steps of 1, 2 or 5 times a power of ten
    (counts read 0, 1, 2, 3, 4 or 0, 2, 4, 6, 8, never 1.2 or 3.8)."""
    if value <= 0:
        return 4
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if 4 * step * magnitude >= value:
                return 4 * step * magnitude
        magnitude *= 10


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, width: int = 520,
              value_text: Callable[[float], str] = _fmt) -> SafeString:
    """Horizontal bars, one per (label, value): for categories, channels, steps."""
    label_width, bar_height, gap, top = 180, 18, 8, 6
    height = top + len(rows) * (bar_height + gap) + 4
    largest = max((value for _label, value in rows), default=0) or 1
    room = width - label_width - 60
    body = []
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = max(room * value / largest, 1 if value else 0)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end" fill="{INK}">'
            f"<title>{escape(label)}</title>{escape(_short(label, 28))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{COLOURS[0]}" rx="2"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 13}" fill="{INK}">{escape(value_text(value))}</text>'
        )
    return _svg(width, max(height, 30), title, body)


def column_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str,
                 width: int = 560, height: int = 220) -> SafeString:
    """Vertical columns per label (e.g. month), one colour per series, with a legend."""
    left, right, top, bottom = 36, 8, 24, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((max(values, default=0) for _name, values in series), default=0))
    body = _grid(left, top, plot_w, plot_h, top_value, "")
    slot = plot_w / max(len(labels), 1)
    column = min(slot * 0.8 / max(len(series), 1), 28)
    for s_index, (name, values) in enumerate(series):
        colour = COLOURS[s_index % len(COLOURS)]
        for index, value in enumerate(values):
            h = plot_h * value / top_value
            x = left + index * slot + (slot - column * len(series)) / 2 + s_index * column
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{column - 1:.1f}" height="{h:.1f}" '
                        f'fill="{colour}"><title>{escape(f"{labels[index]}: {name} {_fmt(value)}")}</title></rect>')
        body.append(_legend(left + s_index * 150, 12, colour, name))
    body += _x_labels(labels, left, slot, top + plot_h)
    return _svg(width, height, title, body)


def line_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, name: str,
               width: int = 560, height: int = 200, maximum: float = 100, suffix: str = "%") -> SafeString:
    """A line over labels (e.g. the share on time per month); months without a value leave a gap."""
    left, right, top, bottom = 36, 8, 24, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    body = _grid(left, top, plot_w, plot_h, maximum, suffix)
    slot = plot_w / max(len(labels), 1)
    points: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            points.append([])
            continue
        x, y = left + index * slot + slot / 2, top + plot_h - plot_h * min(value, maximum) / maximum
        points[-1].append((x, y))
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLOURS[1]}">'
                    f"<title>{escape(f'{labels[index]}: {_fmt(value)}{suffix}')}</title></circle>")
    for line in points:
        if len(line) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
            body.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[1]}" stroke-width="2"/>')
    body.append(_legend(left, 12, COLOURS[1], name))
    body += _x_labels(labels, left, slot, top + plot_h)
    return _svg(width, height, title, body)


def _grid(left: float, top: float, plot_w: float, plot_h: float, maximum: float, suffix: str) -> list[str]:
    body = []
    for step in range(5):
        value = maximum * step / 4
        y = top + plot_h - plot_h * step / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
                    f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" font-size="10">'
                    f"{_fmt(value)}{escape(suffix)}</text>")
    return body


def _x_labels(labels: Sequence[str], left: float, slot: float, baseline: float) -> list[str]:
    every = max(1, round(len(labels) / 12))  # at most about twelve labels under the axis
    return [
        f'<text x="{left + index * slot + slot / 2:.1f}" y="{baseline + 16:.1f}" text-anchor="middle" '
        f'fill="{MUTED}" font-size="10">{escape(label)}</text>'
        for index, label in enumerate(labels) if index % every == 0
    ]


def _legend(x: float, y: float, colour: str, name: str) -> str:
    return (f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill={quoteattr(colour)}/>'
            f'<text x="{x + 14}" y="{y}" fill="{INK}">{escape(name)}</text>')
