"""Charts drawn by the app as inline SVG: no script, no external service, styled by app.css classes."""
from __future__ import annotations

from markupsafe import Markup, escape


def _short_vnd(value: float) -> str:
    """Axis labels: 1.2 tỷ, 850 tr (billions and millions of VND)."""
    if abs(value) >= 1_000_000_000:
        return f"{value / 1_000_000_000:.1f}".replace(".", ",").removesuffix(",0") + " tỷ"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.0f} tr"
    return f"{value:,.0f}".replace(",", ".")


def _ticks(top: float, count: int = 4) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(count + 1) if step * i <= top * 1.0001 or i <= 1]


def line_chart(labels: list[str], series: list[tuple[str, list[float], str]], *, title: str, money: bool = True,
               width: int = 640, height: int = 260) -> Markup:
    """Lines (one per series: name, values, css class) over the labels, with axes and a legend."""
    left, right, top, bottom = 70, 16, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([max(values) for _, values, _ in series if values] + [0])
    lowest = min([min(values) for _, values, _ in series if values] + [0])
    ticks = _ticks(highest) if highest > 0 else [0.0]
    span_top = max(ticks[-1], highest) or 1
    span_bottom = min(lowest, 0)
    span = (span_top - span_bottom) or 1
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - span_bottom) / span)

    fmt = _short_vnd if money else (lambda v: f"{v:,.0f}".replace(",", "."))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for t in ticks:
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
                     f'<text class="axis" x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{escape(fmt(t))}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text class="axis" x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                     f'{escape(label)}</text>')
    for k, (name, values, css) in enumerate(series):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        if len(values) > 1:
            parts.append(f'<polyline class="line {css}" points="{points}"/>')
        for i, v in enumerate(values):
            parts.append(f'<circle class="dot {css}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="4">'
                         f'<title>{escape(name)} {escape(labels[i])}: {escape(fmt(v))}</title></circle>')
        lx = left + k * 200
        parts.append(f'<rect class="swatch {css}" x="{lx}" y="6" width="12" height="12"/>'
                     f'<text class="legend" x="{lx + 18}" y="16">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(rows: list[tuple[str, float]], *, title: str, css: str = "s1", width: int = 640,
              bar_height: int = 22) -> Markup:
    """Horizontal bars (label, value), for counts per rule, per state or per agency."""
    label_w, right = 230, 60
    height = max(len(rows), 1) * (bar_height + 6) + 10
    highest = max([v for _, v in rows] + [1])
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = 5 + i * (bar_height + 6)
        w = (width - label_w - right) * value / highest
        parts.append(f'<text class="axis" x="{label_w - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">'
                     f'{escape(label)}</text><rect class="bar {css}" x="{label_w}" y="{y}" width="{w:.1f}" '
                     f'height="{bar_height}"/><text class="axis" x="{label_w + w + 6:.1f}" '
                     f'y="{y + bar_height * 0.7:.1f}">{escape(f"{value:,.0f}".replace(",", "."))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
