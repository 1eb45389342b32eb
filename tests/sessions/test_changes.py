"""Changing the schedule: move, bump, cancel, undo; SEQUENCE and the after-export mark."""

import copy

import pytest

from planner.audit.models import record
from planner.errors import PlannerError
from planner.sessions.models import Program, ScheduleChange, Session
from planner.sessions.services import bump_from, cancel_session, move_session, undo_last
from tests.curricula.factories import curriculum
from tests.reflections.factories import headcount
from tests.sessions.factories import d, periods, program, spec, statutory

pytestmark = pytest.mark.usefixtures("before_term")


@pytest.fixture
def planned(app, world):
    statutory()
    cal = periods(world.school)
    saved = program(world, curriculum(sessions=6), spec(world, cal[7]))
    return saved, cal


def sessions(p):
    return list(Session.select().where(Session.program == p.id).order_by(Session.seq))


def test_move_one_session_bumps_its_sequence(world, planned):
    p, cal = planned
    first = sessions(p)[0]
    move_session(first, p, world.worker, d(9, 16), cal[3].start, cal[3].end, cal[3].id)
    moved = Session.get_by_id(first.id)
    assert (moved.date, moved.start, moved.status, moved.sequence) == (
        d(9, 16),
        cal[3].start,
        "moved",
        1,
    )
    assert moved.teaching_week == 3 and not moved.changed_after_export


@pytest.mark.parametrize(
    "day, message",
    [
        (d(10, 1), "国庆节"),
        (d(9, 19), "周末"),
        (d(8, 20), "不在本学期"),
    ],
)
def test_move_refuses_non_teaching_days(world, planned, day, message):
    p, cal = planned
    first = sessions(p)[0]
    with pytest.raises(PlannerError, match=message):
        move_session(first, p, world.worker, day, cal[3].start, cal[3].end)
    assert Session.get_by_id(first.id).date == d(9, 15)
    assert ScheduleChange.select().count() == 0


def test_move_into_a_clash_is_refused(world, planned):
    p, cal = planned
    other = program(
        world, curriculum(sessions=6, slug="other"), spec(world, cal[5]), title="另一门课"
    )
    first = sessions(p)[0]
    with pytest.raises(PlannerError, match="另一门课"):
        move_session(first, p, world.worker, d(9, 15), cal[5].start, cal[5].end, cal[5].id)
    assert Session.get_by_id(first.id).start == cal[7].start and other


def test_bump_pushes_this_and_later_sessions_keeping_order(world, planned):
    p, _ = planned
    before = sessions(p)
    bump_from(before[2], p, world.worker)  # 22 Sep and after move one slot on
    after = sessions(p)
    assert [s.date for s in after] == [
        d(9, 15),
        d(9, 20),
        d(9, 29),
        d(10, 13),
        d(10, 20),
        d(10, 27),
    ]
    assert [s.sequence for s in after] == [0, 0, 1, 1, 1, 1]


def test_cancel_and_undo_restore_exactly(world, planned):
    p, cal = planned
    first = sessions(p)[0]
    cancel_session(first, p, world.worker, "学校临时活动")
    assert Session.get_by_id(first.id).status == "cancelled"
    undo_last(p, world.worker)
    restored = Session.get_by_id(first.id)
    assert (restored.status, restored.cancel_reason, restored.date) == ("planned", "", d(9, 15))
    assert restored.sequence == 2  # calendars must see the revert as a newer version


def test_undo_refuses_a_change_whose_session_has_since_been_held(world, planned, monkeypatch):
    """A lesson moved, then held at its new time: undoing the move would move the record of
    a service given (clause 10.2.1), so the undo is refused and nothing changes."""
    p, cal = planned
    first = sessions(p)[0]
    move_session(first, p, world.worker, d(9, 17), cal[2].start, cal[2].end, cal[2].id)
    headcount(Session.get_by_id(first.id), 38)
    monkeypatch.setattr("planner.runs.held.local_today", lambda: d(9, 18))
    with pytest.raises(PlannerError, match="已完成"):
        undo_last(p, world.worker)
    assert Session.get_by_id(first.id).date == d(9, 17)
    assert not ScheduleChange.get(ScheduleChange.program == p.id).undone


def test_undo_refuses_to_bring_a_session_back_to_a_day_gone_by(world, planned, monkeypatch):
    """Moved from 15 to 29 September; on the 20th, undoing would put it on a day that has
    passed, where it could never be held."""
    p, cal = planned
    first = sessions(p)[0]
    move_session(first, p, world.worker, d(9, 29), cal[7].start, cal[7].end, cal[7].id)
    monkeypatch.setattr("planner.runs.held.local_today", lambda: d(9, 20))
    with pytest.raises(PlannerError, match="已经过去"):
        undo_last(p, world.worker)
    assert Session.get_by_id(first.id).date == d(9, 29)


def test_undo_a_move_then_nothing_left(world, planned):
    p, cal = planned
    first = sessions(p)[0]
    move_session(first, p, world.worker, d(9, 17), cal[2].start, cal[2].end, cal[2].id)
    undo_last(p, world.worker)
    back = Session.get_by_id(first.id)
    assert (back.date, back.start, back.period_id, back.status) == (
        d(9, 15),
        cal[7].start,
        cal[7].id,
        "planned",
    )
    with pytest.raises(PlannerError, match="没有可以撤销"):
        undo_last(p, world.worker)


def test_changes_before_any_export_are_not_marked(world, planned):
    p, cal = planned
    cancel_session(sessions(p)[1], p, world.worker, "考试")
    assert not any(s.changed_after_export for s in sessions(p))


def test_changes_after_export_are_marked(world, planned):
    p, cal = planned
    # the teachers' copy was downloaded: an audit row is all a download leaves
    record(world.teacher, "export", "program", p.id, f"lesson_plan {p.archive_code}")
    cancel_session(sessions(p)[1], p, world.worker, "考试")
    assert [s.changed_after_export for s in sessions(p)][:2] == [False, True]


def test_a_batch_of_programs_is_all_or_nothing(app, world):
    from planner.sessions.services import create_programs

    statutory()
    cal = periods(world.school)
    c = curriculum(sessions=6, slug="batch")
    first = spec(world, cal[7])
    clashing = spec(world, cal[7])  # same worker, room and class at the same time
    with pytest.raises(PlannerError, match="冲突"):
        create_programs(
            [
                (first, {"curriculum": c.id, "title": "一"}, list(c.sessions)),
                (clashing, {"curriculum": c.id, "title": "二"}, list(c.sessions)),
            ],
            world.worker,
        )
    assert Program.select().count() == 0 and Session.select().count() == 0
    fine = spec(world, cal[6])
    items = [
        (spec(world, cal[7]), {"curriculum": c.id, "title": "一"}, list(c.sessions)),
        (fine, {"curriculum": c.id, "title": "二"}, list(c.sessions)),
    ]
    before = copy.deepcopy([(s, f) for s, f, _ in items])
    made = create_programs(items, world.worker)
    assert len(made) == 2 and Session.select().count() == 12
    assert [(s, f) for s, f, _ in items] == before  # the caller's specs are not changed
    assert fine.days is None


def test_a_batch_sees_programs_saved_before_it(app, world):
    from planner.sessions.services import create_programs

    statutory()
    cal = periods(world.school)
    c = curriculum(sessions=6, slug="earlier")
    program(world, c, spec(world, cal[7]), title="先排好的课")
    with pytest.raises(PlannerError, match="冲突"):
        create_programs(
            [(spec(world, cal[7]), {"curriculum": c.id, "title": "后来的"}, list(c.sessions))],
            world.worker,
        )
    assert Program.select().count() == 1


def test_the_undo_label_of_a_move_shows_a_chinese_date(world, planned):
    p, cal = planned
    first = sessions(p)[0]
    move_session(first, p, world.worker, d(9, 16), cal[3].start, cal[3].end, cal[3].id)
    label = ScheduleChange.get(ScheduleChange.program == p.id).description
    assert label == "第 1 节调整到 2026年9月16日"
    assert "2026-09-16" not in label


def test_a_move_error_shows_a_chinese_date_or_an_english_one(app, world, planned):
    p, cal = planned
    first = sessions(p)[0]
    with pytest.raises(PlannerError) as refused:
        move_session(first, p, world.worker, d(10, 1), cal[3].start, cal[3].end)
    assert str(refused.value.message).startswith("2026年10月1日 不是教学日")
    with app.test_request_context("/"):
        from flask import session as web_session

        web_session["locale"] = "en"
        with pytest.raises(PlannerError) as refused:
            move_session(first, p, world.worker, d(10, 1), cal[3].start, cal[3].end)
        message = str(refused.value.message)
    assert message.startswith("1 October 2026 is not a teaching day"), message
    assert "2026-10-01" not in message
