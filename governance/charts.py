"""Server-side SVG charts for the portfolio dashboard: no script, no CDN, no `style=` (the strict CSP allows
SVG presentation attributes such as fill= and stroke=). Every chart is an `<svg role="img">` named by its
`<title>` and described by its `<desc>` (aria-labelledby), labels its values directly, and tells its series
apart by pattern, marker and dash as well as by shade, so it reads in greyscale and without colour (WCAG 1.4.1).
The page puts the same figures in a table beside each chart.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1a1a1a"
GRID = "#bfbfbf"
FONT = 'font-family="IBM Plex Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Series:
    """One series: its label, and how it is drawn (fill or pattern id, marker shape, line dash)."""

    label: str
    fill: str = INK
    pattern: str = ""  # "hatch" | "dots" | "" (solid)
    marker: str = "circle"  # circle | square | triangle
    dash: str = ""  # stroke-dasharray, "" for solid


def _defs(chart_id: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2.5"/>'
        "</pattern>"
        f'<pattern id="{chart_id}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.3" fill="{INK}"/>'
        "</pattern>"
        "</defs>"
    )


def _fill(chart_id: str, series: Series) -> str:
    return f"url(#{chart_id}-{series.pattern})" if series.pattern else series.fill


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" id="{chart_id}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        _defs(chart_id),
    ]


def _legend(chart_id: str, series: list[Series], *, x: int, y: int, lines: bool = False) -> list[str]:
    out = []
    for index, item in enumerate(series):
        top = y + index * 18
        if lines:
            out.append(
                f'<line x1="{x}" y1="{top + 6}" x2="{x + 24}" y2="{top + 6}" stroke="{item.fill}" stroke-width="2"'
                + (f' stroke-dasharray="{item.dash}"' if item.dash else "")
                + "/>"
            )
            out.append(_marker(item.marker, x + 12, top + 6, item.fill))
        else:
            out.append(
                f'<rect x="{x}" y="{top}" width="14" height="12" fill="{_fill(chart_id, item)}" stroke="{INK}"/>'
            )
        out.append(f'<text x="{x + 30}" y="{top + 10}" fill="{INK}">{escape(item.label)}</text>')
    return out


def _marker(shape: str, x: float, y: float, fill: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{fill}" stroke="{INK}"/>'
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" '
            f'fill="#ffffff" stroke="{fill}" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{INK}"/>'


def progress_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, int | None, str]],
    on_track: Series,
    below: Series,
    expected_percent: int | None = None,
    expected_label: str = "",
    no_target: str = "–",
) -> SafeString:
    """Horizontal bars of percent of target per row (label, percent or None, value text); bars below the
    expected share are hatched, a dashed line marks the expected share, and each bar carries its own text."""
    label_w, bar_w, row_h = 230, 360, 24
    top = 34 if expected_percent is not None else 12
    height = top + row_h * max(len(rows), 1) + 70
    width = label_w + bar_w + 140
    scale = max([100, *(p for _l, p, _t in rows if p is not None)])
    out = _open(chart_id, width, height, title, desc)
    for tick in range(0, scale + 1, 50 if scale <= 200 else 100):
        x = label_w + bar_w * tick / scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + row_h * len(rows)}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{x:.1f}" y="{top + row_h * len(rows) + 14}" text-anchor="middle" fill="{INK}">{tick} %</text>'
        )
    if expected_percent is not None:
        x = label_w + bar_w * expected_percent / scale
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{top + row_h * len(rows)}" stroke="{INK}" '
            'stroke-width="2" stroke-dasharray="6 3"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{top - 14}" text-anchor="middle" fill="{INK}">{escape(expected_label)}</text>'
        )
    for index, (label, percent, text) in enumerate(rows):
        y = top + index * row_h
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">{escape(label)}</text>')
        if percent is None:
            out.append(f'<text x="{label_w + 4}" y="{y + 16}" fill="{INK}">{escape(no_target)}</text>')
            continue
        series = below if expected_percent is not None and percent < expected_percent else on_track
        w = bar_w * percent / scale
        out.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{_fill(chart_id, series)}" '
            f'stroke="{INK}"/>'
        )
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="{INK}">{escape(text)}</text>')
    out += _legend(chart_id, [on_track, below], x=label_w, y=top + row_h * len(rows) + 28)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text in it went through escape()


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    groups: list[tuple[str, list[int]]],
    series: list[Series],
    value_text,
) -> SafeString:
    """Vertical bars per group (e.g. a year), one bar per series, each labelled with `value_text(value)`."""
    left, plot_h, bar_w, gap = 70, 240, 36, 28
    per_group = bar_w * len(series) + gap
    width = left + per_group * max(len(groups), 1) + 20
    height = plot_h + 60 + 18 * len(series) + 10
    top = 24
    peak = max([1, *(v for _g, values in groups for v in values)])
    out = _open(chart_id, max(width, 420), height, title, desc)
    for step in range(5):
        value = peak * step / 4
        y = top + plot_h - plot_h * step / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(value_text(round(value)))}</text>"
        )
    for g_index, (label, values) in enumerate(groups):
        x0 = left + 10 + g_index * per_group
        for s_index, value in enumerate(values):
            h = plot_h * value / peak
            x = x0 + s_index * bar_w
            y = top + plot_h - h
            out.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar_w - 4}" height="{h:.1f}" '
                f'fill="{_fill(chart_id, series[s_index])}" stroke="{INK}"/>'
            )
            out.append(
                f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="9" '
                f'fill="{INK}">{escape(value_text(value) if value else "0")}</text>'
            )
        out.append(
            f'<text x="{x0 + bar_w * len(series) / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    out += _legend(chart_id, series, x=left, y=top + plot_h + 30)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text in it went through escape()


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: list[str],
    series: list[tuple[Series, list[int]]],
    value_text,
) -> SafeString:
    """Lines over the x labels (e.g. years), each with its own marker and dash, the values written at the points."""
    left, plot_w, plot_h, top = 80, 460, 220, 24
    height = top + plot_h + 40 + 18 * len(series) + 10
    width = left + plot_w + 120
    peak = max([1, *(v for _s, values in series for v in values)])
    step_x = plot_w / max(len(labels) - 1, 1)
    out = _open(chart_id, width, height, title, desc)
    for step in range(5):
        y = top + plot_h - plot_h * step / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(value_text(round(peak * step / 4)))}</text>"
        )
    for index, label in enumerate(labels):
        out.append(
            f'<text x="{left + index * step_x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(label)}</text>"
        )
    for s_index, (item, values) in enumerate(series):
        points = [(left + i * step_x, top + plot_h - plot_h * v / peak) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{item.fill}" stroke-width="2"'
            + (f' stroke-dasharray="{item.dash}"' if item.dash else "")
            + "/>"
        )
        for (x, y), value in zip(points, values, strict=True):
            out.append(_marker(item.marker, x, y, item.fill))
            # the first series labels above its points, the others below (above where that meets the axis)
            offset = -8 if s_index % 2 == 0 or y + 16 > top + plot_h - 4 else 16
            out.append(
                f'<text x="{x:.1f}" y="{y + offset:.1f}" text-anchor="middle" font-size="10" fill="{INK}">'
                f"{escape(value_text(value))}</text>"
            )
        if points:
            x, y = points[-1]
            out.append(f'<text x="{x + 10:.1f}" y="{y + 4:.1f}" fill="{INK}">{escape(item.label)}</text>')
    out += _legend(chart_id, [item for item, _v in series], x=left, y=top + plot_h + 30, lines=True)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text in it went through escape()
