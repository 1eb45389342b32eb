"""Inline SVG charts: well-formed, escaped, no inline style, and the right shapes."""

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from planner.evaluation.charts import (
    CANVAS,
    SYMBOLS,
    attendance_heatmap,
    prepost_bars,
    stage_timeline,
)
from planner.evaluation.compute import STATUSES

HOSTILE = "<script>alert(1)</script>"
QUOTE = '" onload="x'
LABELS = {
    "present": "出席",
    "late": "迟到",
    "left_early": "早退",
    "excused": "请假",
    "absent": "缺席",
}
STAGES = ["筹备期", "形成期", "转折期", "成熟期", "结束期"]


def local(tag):
    """Tag name without the SVG namespace."""
    return tag.rsplit("}", 1)[-1]


def parse(svg):
    """Parse the chart and check what every chart must satisfy."""
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert local(root.tag) == "svg"
    assert root.get("role") == "img" and root.get("width") == "100%" and root.get("viewBox")
    # drawn on a page-wide canvas, so its text is not blown up on a wide screen (issue 14)
    assert float(root.get("viewBox").split()[2]) >= CANVAS
    sizes = [float(el.get("font-size")) for el in root.iter() if el.get("font-size")]
    assert sizes and all(12 <= size <= 16 for size in sizes), sizes
    for el in root.iter():
        assert local(el.tag) not in ("style", "script", "foreignObject")
        assert "style" not in el.attrib
        assert not any(name.lower().startswith("on") for name in el.attrib)
    title = root.find("{*}title")
    assert title.get("id") == root.get("aria-labelledby")
    assert root.find("{*}desc").get("id") == root.get("aria-describedby")
    return root


def find(root, tag, cls=None):
    """Elements of a tag, optionally carrying a class token."""
    return [
        el
        for el in root.iter()
        if local(el.tag) == tag and (cls is None or cls in el.get("class", "").split())
    ]


def texts(root):
    return [el.text for el in find(root, "text")]


def height(root):
    return float(root.get("viewBox").split()[3])


# --- attendance heatmap -------------------------------------------------------------------


def heatmap(**kw):
    args = {
        "columns": ["1", "2", "3", "4"],
        "rows": [
            ("S001", ["present", "late", None, "absent"]),
            ("S002", ["excused", "left_early", None, "present"]),
        ],
        "labels": LABELS,
        "title": "出勤热力图",
    }
    return attendance_heatmap(**{**args, **kw})


def test_symbols_cover_every_status():
    assert set(SYMBOLS) == STATUSES
    assert SYMBOLS["present"] == "✓" and SYMBOLS["absent"] == "✗"


def test_heatmap_cells():
    root = parse(heatmap())
    assert root.find("{*}title").text == "出勤热力图"
    cells = find(root, "rect", "cell")
    assert [c.get("class").split()[1] for c in cells] == [
        "cell-present",
        "cell-late",
        "cell-none",
        "cell-absent",
        "cell-excused",
        "cell-left_early",
        "cell-none",
        "cell-present",
    ]
    assert all(c.get("fill") for c in cells)
    assert len(find(root, "rect", "swatch")) == 5  # legend, not counted as cells


def test_heatmap_cell_titles_and_symbols():
    root = parse(heatmap())
    groups = find(root, "g", "cell-group")
    assert len(groups) == 8
    titles = [g.find("{*}title").text for g in groups]
    assert titles[1] == "S001 · 第 2 次 · 迟到"
    assert titles[2] == "S001 · 第 3 次 · —"
    assert titles[5] == "S002 · 第 2 次 · 早退"
    symbols = [[t.text for t in find(g, "text")] for g in groups]
    # An empty cell shows no symbol at all.
    assert symbols == [["✓"], ["迟"], [], ["✗"], ["假"], ["退"], [], ["✓"]]


def test_heatmap_labels_and_growth():
    root = parse(heatmap())
    assert {"1", "2", "3", "4", "S001", "S002", "出席", "缺席"} <= set(texts(root))
    three = parse(heatmap(rows=[("S001", []), ("S002", []), ("S003", [])]))
    assert height(three) > height(root)
    # Rows shorter than the columns are padded with empty cells.
    assert len(find(three, "rect", "cell-none")) == 12


def test_heatmap_translated_meeting_and_unknown_status():
    root = parse(
        heatmap(
            rows=[("S001", ["late", "odd"])],
            columns=["1", "2"],
            labels={"late": "late"},
            meeting="Meeting {n}",
        )
    )
    groups = find(root, "g", "cell-group")
    assert [g.find("{*}title").text for g in groups] == [
        "S001 · Meeting 1 · late",
        "S001 · Meeting 2 · odd",
    ]
    assert find(groups[1], "rect")[0].get("class") == "cell cell-other"
    assert find(groups[1], "text")[0].text == "?"
    assert len(find(root, "rect", "swatch")) == 1  # only labelled statuses in the legend


def test_heatmap_escapes_hostile_text():
    svg = heatmap(rows=[(HOSTILE, ["present"])], columns=[QUOTE], title=QUOTE)
    assert "<script" not in str(svg)
    root = parse(svg)
    assert root.find("{*}title").text == QUOTE
    assert HOSTILE in texts(root) and QUOTE in texts(root)
    assert find(root, "g", "cell-group")[0].find("{*}title").text.startswith(HOSTILE)


class Sneaky:
    """Like a lazy gettext string: __html__ returns the raw text unescaped."""

    def __str__(self):
        return HOSTILE

    def __html__(self):
        return HOSTILE


def test_heatmap_escapes_objects_with_html():
    svg = heatmap(rows=[(Sneaky(), ["absent"])], labels={"absent": Sneaky()}, title=Sneaky())
    assert "<script" not in str(svg)
    assert parse(svg).find("{*}title").text == HOSTILE


# --- stage timeline -----------------------------------------------------------------------


def timeline(rows, **kw):
    args = {
        "stages": STAGES,
        "rows": rows,
        "title": "小组阶段",
        "planned_label": "计划阶段",
        "observed_label": "观察阶段",
    }
    return stage_timeline(**{**args, **kw})


FULL = [
    ("1", "筹备期", "筹备期"),
    ("2", "形成期", "形成期"),
    ("3", "形成期", "转折期"),
    ("4", "转折期", "成熟期"),
    ("5", "结束期", "结束期"),
]


def points(polyline):
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]


def test_timeline_full():
    root = parse(timeline(FULL))
    assert root.find("{*}title").text == "小组阶段"
    circles = find(root, "circle", "observed-point")
    assert len(circles) == 5 and len(find(root, "rect", "planned-point")) == 5
    observed = find(root, "polyline", "line")
    planned = [p for p in observed if "planned" in p.get("class")]
    observed = [p for p in observed if "observed" in p.get("class")]
    assert len(observed) == 1 and len(points(observed[0])) == 5
    assert observed[0].get("stroke-dasharray") is None
    assert len(planned) == 1 and planned[0].get("stroke-dasharray")
    assert {"计划阶段", "观察阶段", *STAGES, "1", "5"} <= set(texts(root))
    assert circles[2].find("{*}title").text == "3 · 观察阶段 · 转折期"


def test_timeline_positions_follow_stage_order():
    root = parse(timeline(FULL))
    xs = [float(c.get("cx")) for c in find(root, "circle", "observed-point")]
    ys = [float(c.get("cy")) for c in find(root, "circle", "observed-point")]
    assert xs == sorted(xs) and len(set(xs)) == 5
    # Stages 0, 1, 2, 3, 4 on equal steps, first stage at the top (smallest y).
    steps = [b - a for a, b in zip(ys, ys[1:])]
    assert steps[0] > 0 and all(s == pytest.approx(steps[0]) for s in steps)
    # The planned path passes through the same y for the same stage.
    planned = points(find(root, "polyline", "planned")[-1])
    assert planned[1][1] == pytest.approx(ys[1]) and planned[2][1] == pytest.approx(ys[1])


def test_timeline_missing_and_unknown_observed():
    rows = [
        ("1", "筹备期", "筹备期"),
        ("2", "形成期", None),
        ("3", "形成期", "转折期"),
        ("4", "转折期", "不存在"),
        ("5", "结束期", "结束期"),
    ]
    root = parse(timeline(rows))
    assert len(find(root, "circle", "observed-point")) == 3
    runs = [p for p in find(root, "polyline", "line") if "observed" in p.get("class")]
    # The gaps at 2 and 4 break the line: [1], [3], [5].
    assert [len(points(p)) for p in runs] == [1, 1, 1]
    assert len(find(root, "rect", "planned-point")) == 5
    assert "2: 计划阶段 形成期, 观察阶段 —" in root.find("{*}desc").text


def test_timeline_escapes_hostile_text():
    svg = timeline(
        [(HOSTILE, HOSTILE, QUOTE)], stages=[HOSTILE, QUOTE], title=QUOTE, planned_label=HOSTILE
    )
    assert "<script" not in str(svg)
    root = parse(svg)
    assert root.find("{*}title").text == QUOTE
    assert texts(root).count(HOSTILE) == 3  # legend, stage axis, meeting axis
    assert find(root, "circle", "observed-point")[0].find("{*}title").text.endswith(QUOTE)


# --- pre/post bars ------------------------------------------------------------------------


def bars(items, **kw):
    args = {
        "items": items,
        "scale_min": 1,
        "scale_max": 5,
        "title": "前后测对比",
        "pre_label": "前测",
        "post_label": "后测",
    }
    return prepost_bars(**{**args, **kw})


def axis_length(root):
    axis = find(root, "line", "axis")[0]
    return float(axis.get("x2")) - float(axis.get("x1"))


def test_bars_proportional():
    root = parse(bars([("自尊", 1, 5), ("同伴", 3, None), ("适应", None, None)]))
    assert root.find("{*}title").text == "前后测对比"
    drawn = find(root, "rect", "bar")
    assert [b.get("class") for b in drawn] == ["bar bar-pre", "bar bar-post", "bar bar-pre"]
    full = axis_length(root)
    assert full > 0
    widths = [float(b.get("width")) for b in drawn]
    # 1 on 1..5 → 0; 5 → the whole axis; 3 → (3 − 1)/(5 − 1) = half.
    assert widths == [pytest.approx(0), pytest.approx(full), pytest.approx(full / 2)]
    values = [t.text for t in find(root, "text", "value-label")]
    assert values == ["1.00", "5.00", "3.00", "—", "—", "—"]
    assert [t.text for t in find(root, "text", "axis-label")] == ["1", "2", "3", "4", "5"]
    assert {"前测", "后测", "自尊"} <= set(texts(root))


def test_bars_clamp_and_two_decimals():
    root = parse(bars([("x", 0, 7), ("y", 2.345, 3.1)]))
    widths = [float(b.get("width")) for b in find(root, "rect", "bar")]
    full = axis_length(root)
    assert widths[:2] == [pytest.approx(0), pytest.approx(full)]
    # (2.345 − 1)/4 = 0.33625 of the axis.
    assert widths[2] == pytest.approx(full * 0.33625, abs=0.01)
    assert [t.text for t in find(root, "text", "value-label")][2:] == ["2.35", "3.10"]


def test_bars_long_scale_ticks_and_bad_scale():
    root = parse(bars([("x", 50, 100)], scale_min=0, scale_max=100))
    assert [t.text for t in find(root, "text", "axis-label")] == ["0", "25", "50", "75", "100"]
    with pytest.raises(ValueError):
        bars([("x", 1, 2)], scale_min=5, scale_max=5)


def test_bars_escape_hostile_text():
    svg = bars([(HOSTILE, 2, 3)], title=QUOTE, post_label=QUOTE)
    assert "<script" not in str(svg)
    root = parse(svg)
    assert root.find("{*}title").text == QUOTE
    assert HOSTILE in texts(root) and QUOTE in texts(root)
    assert find(root, "rect", "bar-post")[-1].find("{*}title").text == f"{HOSTILE} · {QUOTE} · 3.00"
