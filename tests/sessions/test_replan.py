"""Plans follow the calendar (issue 16): displaced sessions found by placement's own rule,
re-planned by the next free slot or by bumping the series, saved whole, undone at once."""

import datetime as dt

import pytest

from planner.calendars.models import BellPeriod, CalendarDay
from planner.calendars.operations import save_bells
from planner.calendars.services import bell_token
from planner.errors import PlannerError
from planner.sessions import replan
from planner.sessions.models import ScheduleChange, Session
from planner.sessions.placement import Rule
from planner.sessions.services import undo_last
from tests.curricula.factories import curriculum
from tests.sessions.factories import d, periods, program, spec, statutory

pytestmark = pytest.mark.usefixtures("before_term")  # undo follows the held and past rule

BEFORE = dt.datetime(2026, 9, 1, 8, 0)  # Beijing time, before the series starts


@pytest.fixture
def planned(app, world):
    """Tuesdays 第7节 from week 3: 9-15, 9-20 (国庆 调休 Sunday runs Tuesday), 9-22,
    9-29, 10-13, 10-20."""
    statutory()
    cal = periods(world.school)
    saved = program(world, curriculum(sessions=6), spec(world, cal[7]))
    return saved, cal


def rows(p):
    return [
        (s.seq, s.date, s.status)
        for s in Session.select().where(Session.program == p.id).order_by(Session.seq)
    ]


def close(world, day, kind="exam", name="期中考试"):
    return CalendarDay.create(school=world.school, date=day, kind=kind, name=name)


def test_a_planned_series_on_ordinary_days_is_not_displaced(world, planned):
    p, _ = planned
    with pytest.raises(PlannerError, match="没有受日历变动影响"):
        replan.plan(p, "bump", BEFORE)
    assert replan.worker_due(world.worker, BEFORE.date()) == []


def test_an_exam_day_added_after_planning_displaces_that_session(world, planned):
    p, _ = planned
    close(world, d(9, 22))
    found = replan.plan(p, "bump", BEFORE).displaced
    assert [(x.session.seq, x.kind, x.reason) for x in found] == [
        (3, "calendar", "期中考试（考试日）")
    ]
    assert replan.worker_due(world.worker, BEFORE.date()) == [(p.id, p.title, 1)]


def test_a_national_holiday_and_a_removed_makeup_day_displace(world, planned):
    """元旦-style national day on a Tuesday, and the 调休 Sunday taken away (a weekend)."""
    p, _ = planned
    CalendarDay.create(school=None, date=d(10, 13), kind="holiday", name="测试假日")
    CalendarDay.delete().where(
        CalendarDay.school.is_null() & (CalendarDay.date == d(9, 20))
    ).execute()
    found = {x.session.seq: x.reason for x in replan.plan(p, "bump", BEFORE).displaced}
    assert found == {2: "周末，不上课", 5: "测试假日（节假日）"}


def test_held_cancelled_and_past_sessions_are_not_listed(world, planned):
    p, _ = planned
    for day in (d(9, 15), d(9, 22), d(9, 29)):
        close(world, day, "closure", "停课")
    Session.update(status="done").where((Session.program == p.id) & (Session.seq == 3)).execute()
    Session.update(status="cancelled").where(
        (Session.program == p.id) & (Session.seq == 4)
    ).execute()
    after_first = dt.datetime(2026, 9, 16, 8, 0)
    with pytest.raises(PlannerError, match="没有受日历变动影响"):
        replan.plan(p, "bump", after_first)  # 1 is past, 3 held, 4 cancelled


def test_bump_moves_the_rest_of_the_series_and_one_undo_restores_it(world, planned):
    p, _ = planned
    before = rows(p)
    close(world, d(9, 22))
    preview = replan.plan(p, "bump", BEFORE)
    assert [(m.session.seq, m.date) for m in preview.moves] == [
        (3, d(9, 29)),
        (4, d(10, 13)),
        (5, d(10, 20)),
        (6, d(10, 27)),
    ]
    replan.save(p, world.worker, "bump", preview.token, BEFORE)
    assert [r[1] for r in rows(p)] == [
        d(9, 15),
        d(9, 20),
        d(9, 29),
        d(10, 13),
        d(10, 20),
        d(10, 27),
    ]
    assert {r[2] for r in rows(p)[2:]} == {"moved"}
    assert ScheduleChange.select().count() == 1
    undo_last(p, world.worker)
    assert rows(p) == before


def test_next_free_slot_keeps_the_rest_in_place(world, planned):
    """The last session moves on its own to the next Tuesday; nothing else changes."""
    p, _ = planned
    close(world, d(10, 20))
    preview = replan.plan(p, "next", BEFORE)
    assert [(m.session.seq, m.date) for m in preview.moves] == [(6, d(10, 27))]
    assert replan.preview(p, None, BEFORE).mode == "next"
    replan.save(p, world.worker, "next", preview.token, BEFORE)
    assert rows(p)[5] == (6, d(10, 27), "moved") and rows(p)[4][2] == "planned"


def test_next_free_slot_fills_a_fortnightly_series_off_week(world):
    statutory()
    cal = periods(world.school)
    rule = Rule(2, cal[7].start, cal[7].end, cal[7].id, every_weeks=2)
    p = program(
        world, curriculum(sessions=3, slug="fortnight"), spec(world, cal[7], rules=[rule], count=3)
    )
    assert [r[1] for r in rows(p)] == [d(9, 15), d(9, 20), d(9, 29)]  # 9-20: 调休 Sunday
    close(world, d(9, 20), "closure", "停课")
    preview = replan.plan(p, "next", BEFORE)
    # 9-22, the off week's Tuesday, was free; the series' third session stays put
    assert [(m.session.seq, m.date) for m in preview.moves] == [(2, d(9, 22))]


def test_next_free_slot_refuses_when_the_next_session_is_in_the_way(world, planned):
    p, _ = planned
    close(world, d(9, 22))
    preview = replan.plan(p, "next", BEFORE)
    assert "第 3 节在下一节之前" in str(preview.problem)
    assert replan.preview(p, None, BEFORE).mode == "bump"  # the page offers what works
    with pytest.raises(PlannerError, match="第 3 节在下一节之前"):
        replan.save(p, world.worker, "next", preview.token, BEFORE)
    assert ScheduleChange.select().count() == 0


def test_no_free_slot_within_the_term_is_a_clear_refusal(world, planned):
    p, _ = planned
    close(world, d(9, 22))
    days = [d(10, 27) + dt.timedelta(n) for n in range(0, 90)]
    CalendarDay.insert_many(
        [
            dict(school=world.school.id, date=x, end_date=x, kind="closure", name="装修")
            for x in days
            if x <= world.term.end
        ]
    ).execute()
    preview = replan.plan(p, "bump", BEFORE)
    assert "还差 1 节" in str(preview.problem)
    with pytest.raises(PlannerError, match="还差 1 节"):
        replan.save(p, world.worker, "bump", preview.token, BEFORE)
    assert rows(p)[2][1] == d(9, 22)


def test_a_stale_preview_is_refused_and_nothing_saved(world, planned):
    p, cal = planned
    close(world, d(9, 22))
    preview = replan.plan(p, "bump", BEFORE)
    close(world, d(10, 13), "event", "运动会")  # harmless: same plan, same token
    assert replan.plan(p, "bump", BEFORE).token == preview.token
    close(world, d(10, 20), "closure", "停课")  # someone changed the calendar meanwhile
    with pytest.raises(PlannerError) as err:
        replan.save(p, world.worker, "bump", preview.token, BEFORE)
    assert err.value.kind == "conflict" and "已有变动" in err.value.message
    assert err.value.details["replan"].token != preview.token
    assert rows(p)[2][1] == d(9, 22) and ScheduleChange.select().count() == 0


def test_a_stale_preview_after_the_series_changed_is_refused(world, planned):
    p, _ = planned
    close(world, d(9, 22))
    preview = replan.plan(p, "bump", BEFORE)
    Session.update(sequence=Session.sequence + 1).where(Session.program == p.id).execute()
    with pytest.raises(PlannerError, match="已有变动"):
        replan.save(p, world.worker, "bump", preview.token, BEFORE)


def test_an_unknown_mode_is_refused(world, planned):
    p, _ = planned
    close(world, d(9, 22))
    with pytest.raises(PlannerError, match="请选择重新安排的方式"):
        replan.plan(p, "sideways", BEFORE)


def test_a_clash_on_the_next_slot_is_passed_over(world, planned):
    """Another program of the same room holds the next Tuesday: the slot after it is taken."""
    p, cal = planned
    close(world, d(10, 20))
    program(
        world,
        curriculum(sessions=1, slug="other"),
        spec(world, cal[7], count=1, start_week=9, class_ids=[], worker_ids=[]),
        title="别的活动",
    )
    moves = replan.plan(p, "next", BEFORE).moves
    assert [(m.session.seq, m.date) for m in moves] == [(6, d(11, 3))]


def test_a_bell_change_displaces_the_periods_sessions_and_moves_their_times(world, planned):
    """Sessions keep their own times: a new bell schedule leaves them to be re-planned,
    on their own days at the period's new times; the series' rule follows the bells."""
    p, cal = planned
    section = cal[7].section
    wanted = [
        {"number": q.number, "start": q.start, "end": q.end}
        for q in BellPeriod.select().where(BellPeriod.school == world.school.id)
    ]
    for row in wanted:
        if row["number"] == 7:
            row["start"], row["end"] = dt.time(15, 40), dt.time(16, 25)
    save_bells(world.school.id, section, wanted, bell_token(world.school.id, section))
    preview = replan.plan(p, "next", BEFORE)
    assert {x.kind for x in preview.displaced} == {"bells"}
    assert "第7节 现为 15:40–16:25" in preview.displaced[0].reason
    assert [(m.date, m.start) for m in preview.moves] == [(r[1], dt.time(15, 40)) for r in rows(p)]
    replan.save(p, world.worker, "next", preview.token, BEFORE)
    assert {s.start for s in Session.select().where(Session.program == p.id)} == {dt.time(15, 40)}
    undo_last(p, world.worker)
    assert {s.start for s in Session.select().where(Session.program == p.id)} == {cal[7].start}


def test_the_same_preview_saved_twice_is_refused_the_second_time(world, planned):
    """Two workers save one preview: the second finds it done already and saves nothing."""
    p, _ = planned
    close(world, d(9, 22))
    preview = replan.plan(p, "bump", BEFORE)
    replan.save(p, world.worker, "bump", preview.token, BEFORE)
    moved = rows(p)
    with pytest.raises(PlannerError, match="没有受日历变动影响"):
        replan.save(p, world.admin, "bump", preview.token, BEFORE)
    assert rows(p) == moved and ScheduleChange.select().count() == 1


def test_two_saves_at_once_move_the_series_once(world, planned):
    """Saved from two threads at the same moment: one saves, the other is refused (the
    series is locked on PostgreSQL, SQLite's write transaction serialises)."""
    import threading

    from planner.db import database

    p, _ = planned
    close(world, d(9, 22))
    token = replan.plan(p, "bump", BEFORE).token
    barrier, outcomes = threading.Barrier(2), []

    def save(user):
        barrier.wait()
        with database.connection_context():
            try:
                replan.save(p, user, "bump", token, BEFORE)
                outcomes.append("saved")
            except PlannerError:
                outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(u,)) for u in (world.worker, world.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert ScheduleChange.select().count() == 1 and rows(p)[2][1] == d(9, 29)
