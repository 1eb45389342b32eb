"""Auto-placement on the real 2026 calendar (term 2026-09-01 → 2027-01-23)."""

import datetime as dt

import pytest

from planner.calendars.models import CalendarDay
from planner.errors import PlannerError
from planner.sessions.placement import Rule, Skip, describe, place
from tests.curricula.factories import curriculum
from tests.sessions.factories import d, periods, program, spec, statutory


@pytest.fixture
def cal(app, world):
    statutory()
    return periods(world.school)


def test_skips_national_day_and_runs_the_tiaoxiu_day(world, cal):
    preview = place(spec(world, cal[7]))
    dates = [p.date for p in preview.placed]
    # week 3 starts Monday 14 Sep; Sunday 20 Sep is a 调休 day that runs Tuesday's timetable
    assert dates == [d(9, 15), d(9, 20), d(9, 22), d(9, 29), d(10, 13), d(10, 20)]
    assert preview.placed[1].makeup_weekday == 2  # 调休：按周二课表
    assert [p.makeup_weekday for p in preview.placed].count(None) == 5
    assert [p.week for p in preview.placed] == [3, 3, 4, 5, 7, 8]
    assert preview.skipped == [Skip(d(10, 6), "国庆节", "holiday")]
    assert preview.ok and preview.placed[0].start == cal[7].start


def test_minimum_gap_and_every_other_week(world, cal):
    weekly = place(spec(world, cal[7], min_gap_days=7))
    assert d(9, 20) not in [p.date for p in weekly.placed]
    fortnightly = place(
        spec(world, cal[7], count=3, rules=[Rule(2, cal[7].start, cal[7].end, cal[7].id, 2)])
    )
    # the 调休 Sunday of week 3 runs Tuesday's timetable, so it counts as a week-3 slot
    assert [p.date for p in fortnightly.placed] == [d(9, 15), d(9, 20), d(9, 29)]
    spaced = place(
        spec(
            world,
            cal[7],
            count=3,
            min_gap_days=7,
            rules=[Rule(2, cal[7].start, cal[7].end, cal[7].id, 2)],
        )
    )
    assert [p.date for p in spaced.placed] == [d(9, 15), d(9, 29), d(10, 13)]


def test_school_exam_days_and_closures_are_skipped(world, cal):
    CalendarDay.create(school=world.school, date=d(9, 22), kind="exam", name="月考")
    CalendarDay.create(school=world.school, date=d(9, 20), kind="closure", name="停电检修")
    preview = place(spec(world, cal[7], count=3))
    assert [p.date for p in preview.placed] == [d(9, 15), d(9, 29), d(10, 13)]
    assert {(s.name, s.kind) for s in preview.skipped} >= {("月考", "exam"), ("国庆节", "holiday")}


def test_too_few_slots_is_said_in_plain_words(world, cal):
    preview = place(spec(world, cal[7], count=40))
    assert preview.shortfall > 0 and not preview.ok
    with pytest.raises(PlannerError, match="只够安排"):
        program(world, curriculum(sessions=6), spec(world, cal[7], count=40))


@pytest.mark.parametrize("kind", ["场地冲突", "社工时间冲突", "班级时间冲突"])
def test_each_conflict_kind_names_the_other_session(world, cal, kind):
    c = curriculum(sessions=6)
    program(world, c, spec(world, cal[7]), title="已排好的课程")
    from tests import factories

    other_room = factories.room(school=world.school, name="多功能室")
    other_worker = factories.user("worker", agency=world.agency, schools=[world.school])
    other_class = factories.school_class(school=world.school, name="7(5)班")
    # everything different from the saved program except the one thing under test
    fields = dict(room_id=other_room.id, worker_ids=[other_worker.id], class_ids=[other_class.id])
    shared = {
        "场地冲突": ("room_id", world.room.id),
        "社工时间冲突": ("worker_ids", [world.worker.id]),
        "班级时间冲突": ("class_ids", [world.cls.id]),
    }[kind]
    fields[shared[0]] = shared[1]
    preview = place(spec(world, cal[7], **fields))
    assert preview.conflicts, kind
    assert {c.kind for c in preview.conflicts} == {shared[0].split("_")[0]}
    assert all(c.other.title == "已排好的课程" for c in preview.conflicts)
    assert all(kind in str(describe(c)) for c in preview.conflicts)
    assert "「已排好的课程」第 1 节" in str(describe(preview.conflicts[0]))
    with pytest.raises(PlannerError, match="冲突"):
        program(world, c, spec(world, cal[7], **fields))


def test_no_conflict_at_a_different_period(world, cal):
    c = curriculum(sessions=6)
    program(world, c, spec(world, cal[7]))
    assert place(spec(world, cal[6])).ok


def test_cancelled_sessions_do_not_block(world, cal):
    from planner.sessions.models import Session

    c = curriculum(sessions=6)
    program(world, c, spec(world, cal[7]))
    Session.update(status="cancelled").execute()
    assert place(spec(world, cal[7])).ok


def test_saved_program_has_its_sessions_in_order(world, cal):
    c = curriculum(sessions=6)
    saved = program(world, c, spec(world, cal[7]))
    sessions = list(saved.sessions.order_by("seq"))
    assert [s.seq for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert [s.template_id for s in sessions] == [t.id for t in c.sessions]
    assert sessions[0].date == d(9, 15) and sessions[0].start == cal[7].start == dt.time(15, 20)
