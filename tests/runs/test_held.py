"""Sessions that finish (issue 14): a session with its record made shows as 已完成 in
every view and in the feed, by the rule the term statistics count by; past and held
sessions are no longer moved, bumped or cancelled."""

import datetime as dt

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from planner.feeds import services as feeds
from planner.feeds.ical import session_uid
from planner.i18n import local_today
from planner.reports.stats import term_statistics
from planner.runs.held import held_ids, mark_held
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.models import ScheduleChange, Session
from tests.conftest import login_as
from tests.runs.factories import members, run_session

TODAY = local_today()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


def marked(session, status="present"):
    """One member marked at the session: its record made."""
    [kid] = members(session, 1)
    Attendance.create(
        session=session, student=kid, status=status, tapped_at=dt.datetime(2026, 9, 1)
    )
    return kid


def test_the_rule_held_planned_cancelled_past(world):
    group_held = run_session(world, day=YESTERDAY)
    marked(group_held)
    group_bare = run_session(world, day=YESTERDAY)  # past, nothing recorded
    lesson_held = run_session(world, kind="classroom", day=YESTERDAY)
    SessionRecord.create(session=lesson_held, headcount=38)
    lesson_notes = run_session(world, kind="classroom", day=YESTERDAY)
    SessionRecord.create(session=lesson_notes, notes="只写了笔记")  # no headcount
    cancelled = run_session(world, day=YESTERDAY, status="cancelled")
    marked(cancelled)
    purged = run_session(world, day=YESTERDAY)
    SessionRecord.create(session=purged, purged_marks=5, purged_attended=4)
    future = run_session(world, day=TOMORROW)
    marked(future)
    everything = [group_held, group_bare, lesson_held, lesson_notes, cancelled, purged, future]
    assert held_ids(s.id for s in everything) == {group_held.id, lesson_held.id, purged.id}
    shown = {s.id: (s.shown_status, s.settled) for s in mark_held(everything)}
    assert shown[group_held.id] == ("done", True)
    assert shown[group_bare.id] == ("planned", True)  # past: settled, not 已完成
    assert shown[cancelled.id] == ("cancelled", True)
    assert shown[future.id] == ("planned", False)
    assert str(mark_held([group_held])[0].status_label) == "已完成"


def test_the_rule_is_the_statistics_rule(world):
    """As many held meetings and lessons as the term statistics count."""
    for _ in range(2):
        marked(run_session(world, day=YESTERDAY))
    run_session(world, day=YESTERDAY)
    lesson = run_session(world, kind="classroom", day=YESTERDAY)
    SessionRecord.create(session=lesson, headcount=30)
    stats = term_statistics(world.admin, world.term.name, TODAY)
    everything = list(Session.select())
    held = held_ids(s.id for s in everything)
    assert stats.totals["meetings"] + stats.totals["lessons"] == len(held) == 3


def test_program_page_shows_done_and_no_changes_for_past_and_held(client, world):
    held = run_session(world, day=TODAY)
    marked(held)
    login_as(client, world.worker)
    body = client.get(f"/programs/{held.program_id}").get_data(as_text=True)
    row = body.split(f'id="s{held.seq}"')[1].split("</li>")[0]
    assert "已完成" in row and "status-done" in body
    assert "/move" not in row and "/bump" not in row and "/cancel" not in row
    assert "进入活动" in row  # still opened to read or correct


def test_program_page_keeps_changes_for_a_session_to_come(client, world):
    ahead = run_session(world, day=TOMORROW)
    login_as(client, world.worker)
    body = client.get(f"/programs/{ahead.program_id}").get_data(as_text=True)
    row = body.split(f'id="s{ahead.seq}"')[1].split("</li>")[0]
    assert "/move" in row and "/bump" in row and "/cancel" in row and "已完成" not in row


@pytest.mark.parametrize("day", [YESTERDAY, TODAY])
def test_agenda_and_run_lists_show_done(client, world, day):
    held = run_session(world, day=day)
    marked(held)
    login_as(client, world.admin)  # an admin's run list is a list, not a redirect
    week = client.get(f"/calendar/week?date={day.isoformat()}").get_data(as_text=True)
    month = client.get(f"/calendar/month?date={day.isoformat()}").get_data(as_text=True)
    term = client.get(f"/terms/{world.term.id}/overview").get_data(as_text=True)
    for body in (week, month, term):
        assert "已完成" in body and "status-done" in body
    if day == TODAY:
        for url in ("/today", "/run/today"):
            assert "已完成" in client.get(url).get_data(as_text=True), url


def test_feed_marks_a_held_session_without_names(world):
    held = run_session(world, day=YESTERDAY)
    kid = marked(held)
    ahead = run_session(world, day=TOMORROW)
    found, raw = feeds.create_token(world.worker, "worker", world.worker.id)
    body = feeds.feed_body(feeds.resolve(raw), "http://x", False, TODAY)
    icalendar.Calendar.from_ical(body)
    events = {e.uid: e for e in IcsCalendarStream.from_ics(body.decode()).calendars[0].events}
    done = events[session_uid(held.id)]
    assert done.status.value == "CONFIRMED" and "已完成" in done.summary
    assert "已完成" not in events[session_uid(ahead.id)].summary
    assert kid.name.encode() not in body and kid.archive_code.encode() not in body


@pytest.mark.parametrize("action", ["bump", "cancel", "move"])
@pytest.mark.parametrize("when", ["held", "past"])
def test_server_refuses_changing_a_past_or_held_session(client, world, action, when):
    session = run_session(world, day=TODAY if when == "held" else YESTERDAY)
    if when == "held":
        marked(session)
    login_as(client, world.worker)
    url = f"/programs/{session.program_id}/sessions/{session.id}/{action}"
    if action == "move":
        response = client.get(url)
    else:
        response = client.post(url, data={"reason": "停课"})
    assert response.status_code == 409
    words = "已完成" if when == "held" else "已经过去"
    assert words in response.get_data(as_text=True)
    assert Session.get_by_id(session.id).status == "planned"
    assert ScheduleChange.select().count() == 0


def test_moving_a_held_session_by_post_is_refused(client, world):
    held = run_session(world, day=TODAY)
    marked(held)
    login_as(client, world.worker)
    response = client.post(
        f"/programs/{held.program_id}/sessions/{held.id}/move",
        data={
            "date": TOMORROW.isoformat(),
            "start": "10:00",
            "end": "11:00",
            "room_id": world.room.id,
        },
    )
    assert response.status_code == 409 and "已完成" in response.get_data(as_text=True)
    assert Session.get_by_id(held.id).date == TODAY
