"""The program form's schema loads the weekly slot rows as a nested list: each row's first
problem under its r<i>_<field> key, a period checked against the school's own, and the
rows turned into placement Rules. The move form loads its target the same way."""

import datetime as dt
from types import SimpleNamespace

from werkzeug.datastructures import MultiDict

from planner.sessions.forms import MoveForm, ProgramForm
from planner.sessions.placement import Rule
from planner.web import load_form

PERIOD = SimpleNamespace(id=7, start=dt.time(14, 0), end=dt.time(14, 40))
BASE = [("curriculum_id", "1"), ("term_id", "2"), ("room_id", "3"), ("start_week", "2")]


def _load(app, rows):
    data = MultiDict(BASE + [(f"r_{k}", v) for row in rows for k, v in row.items()])
    with app.test_request_context():
        return load_form(ProgramForm(periods={PERIOD.id: PERIOD}), data)


def test_rows_become_rules(app):
    values, errors = _load(
        app,
        [
            {"weekday": "2", "period": "7", "start": "", "end": "", "every": ""},
            {"weekday": "4", "period": "", "start": "16:10", "end": "17:00", "every": "2"},
        ],
    )
    assert errors == {}
    assert values["rules"] == [
        Rule(2, PERIOD.start, PERIOD.end, 7, 1),
        Rule(4, dt.time(16, 10), dt.time(17, 0), None, 2),
    ]


def test_each_row_reports_its_first_problem_under_its_own_key(app):
    _, errors = _load(
        app,
        [
            {"weekday": "9", "period": "", "start": "", "end": "", "every": "7"},
            {"weekday": "3", "period": "", "start": "16:10", "end": "15:00", "every": ""},
            {"weekday": "3", "period": "", "start": "x", "end": "", "every": "5"},
        ],
    )
    assert errors == {
        "r0_weekday": "请选择星期。",
        "r1_start": "结束时间必须晚于开始时间。",
        "r2_every": "每隔 1 到 4 周。",
    }


def test_periods_of_another_school_overlaps_and_counts_are_refused(app):
    _, errors = _load(app, [{"weekday": "1", "period": "99", "every": ""}])
    assert errors == {"r0_period": "该课节不存在，请从本校课表中选择。"}
    two = {"weekday": "1", "period": "", "start": "14:00", "end": "15:00", "every": ""}
    _, errors = _load(app, [two, dict(two, start="14:30", end="15:30")])
    assert errors == {"rules": "每周时段之间有重叠，请调整。"}
    assert _load(app, [])[1] == {"rules": "请至少设置一个每周时段。"}
    assert _load(app, [two] * 4)[1] == {"rules": "最多设置 3 个每周时段。"}


def test_the_move_form_loads_its_target(app):
    def form():
        return MoveForm({PERIOD.id: PERIOD}, {3})

    with app.test_request_context():
        target, _ = load_form(form(), MultiDict({"date": "2026-10-12", "period": "7"}))
        assert target == (dt.date(2026, 10, 12), PERIOD.start, PERIOD.end, 7, None)
        _, errors = load_form(form(), MultiDict({"date": "2026-10-12", "start": "9"}))
        assert errors == {"schedule": "请选择课节，或填写开始和结束时间（如 16:10）。"}
        _, errors = load_form(
            form(), MultiDict({"date": "2026-10-12", "period": "7", "room_id": "4"})
        )
        assert errors == {"schedule": "该场地不属于本校，请从本校场地中选择。"}
