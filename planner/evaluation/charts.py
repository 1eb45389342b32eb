"""Inline SVG charts for the group evaluation report: attendance heatmap, stage timeline,
pre/post bars.

The site's CSP forbids inline styles, so the markup uses presentation attributes (which
also make it readable with no CSS) plus classes that app.css may override. Every string
from the arguments goes through markupsafe.escape; colour is never the only carrier.
"""

import hashlib

from markupsafe import Markup, escape

from planner.evaluation.compute import DASH, fmt_num

SYMBOLS = {"present": "✓", "late": "迟", "left_early": "退", "excused": "假", "absent": "✗"}
FILLS = {
    "present": "#c8e6c9",
    "late": "#fff0b3",
    "left_early": "#ffd8a8",
    "excused": "#d0e2f2",
    "absent": "#f6c1c1",
    None: "#f4f4f4",
}
INK = "#222222"
MUTED = "#666666"
GRID = "#d0d0d0"
PLANNED = "#777777"
OBSERVED = "#1f5fa8"
PRE_FILL = "#e3e3e3"
FONT = 15
# Every chart is drawn on a canvas at least this wide and scaled to the page (width 100%, the
# .chart box at most 840 px): one unit renders as 0.96–1.05 px at 820–1180 px, so text stays
# 14–16 px whatever the chart's own size. A narrow chart drawn on its own small viewBox was
# blown up 2.5 times, its 12-unit text to 30 px.
CANVAS = 800
SMALL = 13
SEP = " · "


def _n(x):
    """An SVG coordinate with at most two decimals and no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _text_width(text, size=FONT):
    """Rough rendered width: CJK and symbols take a full em, Latin letters about 0.6."""
    return sum(size if ord(ch) > 0x2000 else size * 0.6 for ch in str(text))


def _chart_id(kind, *args):
    """A deterministic id, so aria references are stable and two charts rarely collide."""
    return f"chart-{kind}-" + hashlib.sha1(repr(args).encode()).hexdigest()[:10]


def _s(value):
    """Plain text: str() first, since a lazy gettext string's __html__ would skip escaping."""
    return "" if value is None else str(value)


def _text(x, y, content, cls, anchor="start", size=FONT, fill=INK):
    """A <text> element with escaped content."""
    return (
        f'<text class="{cls}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" '
        f'font-size="{size}" fill="{fill}">{escape(_s(content))}</text>'
    )


def _svg(kind, chart_id, width, height, title, desc, body):
    """The outer <svg> with title, description and a viewBox so it scales to its container."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'width="100%" viewBox="0 0 {_n(max(width, CANVAS))} {_n(height)}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(_s(title))}</title>'
        f'<desc id="{chart_id}-desc">{escape(_s(desc))}</desc>' + "".join(body) + "</svg>"
    )


def attendance_heatmap(
    columns: list[str],
    rows: list[tuple[str, list[str | None]]],
    labels: dict[str, str],
    title: str,
    *,
    meeting: str = "第 {n} 次",
    desc: str | None = None,
) -> Markup:
    """Members × meetings grid; each cell has a status class, a symbol and its own <title>.

    `meeting` formats a column label for the cell titles ("{n}" is replaced), so callers can
    pass a translated pattern.
    """
    columns = [_s(col) for col in columns]
    rows = [(_s(member), list(statuses)) for member, statuses in rows]
    labels = {status: _s(word) for status, word in labels.items()}
    cell, gap = 28, 3
    left = max([_text_width(label) for label, _ in rows] + [24]) + 12
    top = 24
    grid_w = len(columns) * (cell + gap)
    legend_y = top + len(rows) * (cell + gap) + 18
    width = left + grid_w + 8
    body = [
        _text(left + i * (cell + gap) + cell / 2, top - 8, col, "col-label", "middle", fill=MUTED)
        for i, col in enumerate(columns)
    ]
    lines = []
    for r, (member, statuses) in enumerate(rows):
        y = top + r * (cell + gap)
        body.append(_text(left - 8, y + cell / 2 + 4, member, "row-label", "end"))
        words = []
        for c, col in enumerate(columns):
            status = statuses[c] if c < len(statuses) else None
            word = labels.get(status, _s(status)) if status is not None else DASH
            words.append(f"{col} {word}")
            known = status in SYMBOLS
            cls = f"cell-{status}" if known else ("cell-none" if status is None else "cell-other")
            x = left + c * (cell + gap)
            tip = SEP.join([member, _s(meeting).replace("{n}", col), word])
            body.append(
                f'<g class="cell-group"><title>{escape(tip)}</title>'
                f'<rect class="cell {cls}" x="{_n(x)}" y="{_n(y)}" width="{cell}" height="{cell}" '
                f'rx="3" fill="{FILLS.get(status if known else None)}" stroke="#ffffff"/>'
            )
            symbol = SYMBOLS.get(status, "?" if status is not None else "")
            if symbol:
                body.append(
                    _text(
                        x + cell / 2, y + cell / 2 + 5, symbol, "cell-symbol", "middle", size=FONT
                    )
                )
            body.append("</g>")
        lines.append(f"{member}: " + ", ".join(words))
    # Legend: symbol plus word for each status the caller labels, in the usual order.
    x = left
    body.append('<g class="legend">')
    for status, symbol in SYMBOLS.items():
        if status not in labels:
            continue
        body.append(
            f'<g class="legend-item"><rect class="swatch cell-{status}" x="{_n(x)}" '
            f'y="{_n(legend_y - 12)}" width="16" height="16" rx="2" '
            f'fill="{FILLS[status]}"/>'
        )
        body.append(_text(x + 8, legend_y + 1, symbol, "cell-symbol", "middle", size=SMALL))
        body.append(_text(x + 20, legend_y, labels[status], "legend-label") + "</g>")
        x += 28 + _text_width(labels[status])
    body.append("</g>")
    width = max(width, x)
    height = legend_y + 10
    chart_id = _chart_id("heatmap", columns, rows, _s(title))
    return _svg(
        "heatmap",
        chart_id,
        width,
        height,
        title,
        desc if desc is not None else "\n".join(lines),
        body,
    )


def _segments(points):
    """Split (x, y-or-None) points into runs of consecutive known points."""
    runs, run = [], []
    for x, y in points:
        if y is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x, y))
    return runs + [run] if run else runs


def _polyline(run, cls, colour, width, dash=""):
    """A polyline through a run of points."""
    coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline class="{cls}" points="{coords}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}" stroke-linejoin="round"{extra}/>'
    )


def _diamond(x, y, half, cls, tip=None):
    """A hollow diamond (a rotated square) centred on x, y, with an optional <title>."""
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect class="{cls}" x="{_n(x - half)}" y="{_n(y - half)}" width="{_n(2 * half)}" '
        f'height="{_n(2 * half)}" transform="rotate(45 {_n(x)} {_n(y)})" fill="#ffffff" '
        f'stroke="{PLANNED}" stroke-width="1.5">{title}</rect>'
    )


def stage_timeline(
    stages: list[str],
    rows: list[tuple[str, str | None, str | None]],
    title: str,
    planned_label: str,
    observed_label: str,
    *,
    desc: str | None = None,
) -> Markup:
    """Planned (dashed, diamonds) and observed (solid, circles) stage per meeting."""
    stages = [_s(stage) for stage in stages]
    rows = [(_s(m), None if p is None else _s(p), None if o is None else _s(o)) for m, p, o in rows]
    planned_label, observed_label = _s(planned_label), _s(observed_label)
    step_x, step_y = 48, 32
    left = max([_text_width(stage) for stage in stages] + [24]) + 16
    top = 40
    plot_w = max(len(rows) - 1, 0) * step_x
    bottom = top + max(len(stages) - 1, 0) * step_y
    height = bottom + 30
    level = {stage: i for i, stage in enumerate(stages)}

    def at(stage):
        # First stage at the top, so the axis reads in the same order as the stage list.
        return top + level[stage] * step_y if stage in level else None

    second = left + 44 + _text_width(planned_label)
    width = max(left + plot_w + 32, second + 40 + _text_width(observed_label))
    body = [
        # Legend: a line sample and the marker shape for each path, so it is not colour alone.
        '<g class="legend">',
        _polyline([(left, 14), (left + 28, 14)], "legend-line planned", PLANNED, 2, "6 4"),
        _diamond(left + 14, 14, 4, "legend-marker planned"),
        _text(left + 34, 18, planned_label, "legend-label"),
        _polyline([(second, 14), (second + 28, 14)], "legend-line observed", OBSERVED, 2.5),
        f'<circle class="legend-marker observed" cx="{_n(second + 14)}" cy="14" r="4" '
        f'fill="{OBSERVED}"/>',
        _text(second + 34, 18, observed_label, "legend-label"),
        "</g>",
    ]
    for stage, i in level.items():
        y = top + i * step_y
        body.append(
            f'<line class="grid" x1="{_n(left - 6)}" y1="{_n(y)}" '
            f'x2="{_n(left + plot_w + 6)}" y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 10, y + 4, stage, "stage-label", "end"))
    planned, observed, lines = [], [], []
    for i, (meeting, plan, seen) in enumerate(rows):
        x = left + i * step_x
        body.append(_text(x, height - 8, meeting, "col-label", "middle", fill=MUTED))
        planned.append((x, at(plan)))
        observed.append((x, at(seen)))
        lines.append(
            f"{meeting}: {planned_label} {plan if plan in level else DASH}, "
            f"{observed_label} {seen if seen in level else DASH}"
        )
    # A missing or unknown stage breaks the line rather than bridging the gap.
    body += [_polyline(run, "line planned", PLANNED, 2, "6 4") for run in _segments(planned)]
    body += [
        _diamond(x, y, 5, "point planned-point", SEP.join([m, planned_label, p]))
        for (m, p, _), (x, y) in zip(rows, planned)
        if y is not None
    ]
    body += [_polyline(run, "line observed", OBSERVED, 2.5) for run in _segments(observed)]
    body += [
        f'<circle class="point observed-point" cx="{_n(x)}" cy="{_n(y)}" r="4.5" '
        f'fill="{OBSERVED}" stroke="#ffffff" stroke-width="1">'
        f"<title>{escape(SEP.join([m, observed_label, o]))}</title></circle>"
        for (m, _, o), (x, y) in zip(rows, observed)
        if y is not None
    ]
    chart_id = _chart_id("timeline", stages, rows, _s(title))
    return _svg(
        "timeline",
        chart_id,
        width,
        height,
        title,
        desc if desc is not None else "\n".join(lines),
        body,
    )


def _ticks(low, high):
    """Axis ticks: every integer on a short scale, otherwise five even steps."""
    if high - low <= 10 and float(low).is_integer() and float(high).is_integer():
        return [float(v) for v in range(int(low), int(high) + 1)]
    return [low + (high - low) * i / 4 for i in range(5)]


def prepost_bars(
    items: list[tuple[str, float | None, float | None]],
    scale_min: float,
    scale_max: float,
    title: str,
    pre_label: str,
    post_label: str,
    *,
    desc: str | None = None,
) -> Markup:
    """Horizontal pre/post bar pairs per item on a scale_min..scale_max axis; None prints "—"."""
    if scale_max <= scale_min:
        raise ValueError("scale_max must be greater than scale_min")
    items = [(_s(label), pre, post) for label, pre, post in items]
    pre_label, post_label = _s(pre_label), _s(post_label)
    bar, gap, group_gap = 14, 3, 14
    left = max([_text_width(label) for label, _, _ in items] + [24]) + 14
    plot_w = 320
    top = 34
    group_h = 2 * bar + gap + group_gap
    bottom = top + len(items) * group_h
    width = left + plot_w + 48
    width = max(width, left + 64 + _text_width(pre_label) + _text_width(post_label))
    height = bottom + 28

    def length(value):
        # Clamp so an out-of-range score cannot draw outside the plot.
        share = (value - scale_min) / (scale_max - scale_min)
        return min(max(share, 0.0), 1.0) * plot_w

    second = left + 36 + _text_width(pre_label)
    body = [
        '<g class="legend">',
        f'<rect class="swatch bar-pre" x="{_n(left)}" y="8" width="14" height="12" '
        f'fill="{PRE_FILL}" stroke="{INK}" stroke-width="1"/>',
        _text(left + 20, 18, pre_label, "legend-label"),
        f'<rect class="swatch bar-post" x="{_n(second)}" y="8" width="14" height="12" '
        f'fill="{OBSERVED}"/>',
        _text(second + 20, 18, post_label, "legend-label"),
        "</g>",
    ]
    for tick in _ticks(scale_min, scale_max):
        x = left + length(tick)
        body.append(
            f'<line class="grid" x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" '
            f'y2="{_n(bottom)}" stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(x, bottom + 16, _n(tick), "axis-label", "middle", fill=MUTED))
    body.append(
        f'<line class="axis" x1="{_n(left)}" y1="{_n(bottom)}" '
        f'x2="{_n(left + plot_w)}" y2="{_n(bottom)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    lines = []
    for i, (label, pre, post) in enumerate(items):
        y = top + i * group_h
        body.append(_text(left - 8, y + bar + 4, label, "row-label", "end"))
        for j, (value, cls, name) in enumerate(
            ((pre, "bar-pre", pre_label), (post, "bar-post", post_label))
        ):
            by = y + j * (bar + gap)
            shown = fmt_num(value)
            if value is not None:
                # Pre is an outlined light bar, post a solid one: they differ without colour.
                paint = (
                    f'fill="{PRE_FILL}" stroke="{INK}" stroke-width="1"'
                    if j == 0
                    else f'fill="{OBSERVED}"'
                )
                body.append(
                    f'<rect class="bar {cls}" x="{_n(left)}" y="{_n(by)}" '
                    f'width="{_n(length(value))}" height="{bar}" {paint}>'
                    f"<title>{escape(SEP.join([label, name, shown]))}</title></rect>"
                )
            end = left + (length(value) if value is not None else 0) + 4
            body.append(_text(end, by + bar - 3, shown, "value-label", size=SMALL))
        lines.append(f"{label}: {pre_label} {fmt_num(pre)}, {post_label} {fmt_num(post)}")
    chart_id = _chart_id("prepost", items, scale_min, scale_max, _s(title))
    return _svg(
        "prepost",
        chart_id,
        width,
        height,
        title,
        desc if desc is not None else "\n".join(lines),
        body,
    )
