"""The group's own name in every title: two 新生适应 groups of one curriculum tell apart in
the week view, today, the program page and the iCal feed."""

import datetime as dt

from ical.calendar_stream import IcsCalendarStream

from planner.i18n import local_today
from planner.sessions.models import Program, Session, display_title
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.feeds.factories import token, world_program


def two_groups(world, first=None):
    cur = curriculum(slug="adapt", sessions=2, kind="group")
    sunny = world_program(
        world, curriculum=cur, title="新生适应小组", group_name="阳光组", first=first
    )
    stars = world_program(
        world, curriculum=cur, title="新生适应小组", group_name="星星组", first=first
    )
    return sunny, stars


def test_display_title_adds_the_group_name_once():
    assert display_title("新生适应小组", "阳光组") == "新生适应小组·阳光组"
    assert display_title("新生适应小组", "") == "新生适应小组"
    assert display_title("阳光组新生适应", "阳光组") == "阳光组新生适应"


def test_the_feed_summary_names_each_group(client, world):
    two_groups(world)
    _, raw = token(world.worker)
    text = client.get(f"/feeds/{raw}.ics").get_data(as_text=True)
    events = IcsCalendarStream.from_ics(text).calendars[0].events
    summaries = {e.summary.split(" ")[0] for e in events}
    assert summaries == {"新生适应小组·阳光组", "新生适应小组·星星组"}


def test_the_week_view_today_and_program_page_name_each_group(client, world):
    monday = local_today() - dt.timedelta(days=local_today().weekday())
    sunny, _ = two_groups(world, first=monday)
    Session.update(date=local_today()).where(
        (Session.program == sunny.id) & (Session.seq == 1)
    ).execute()
    login_as(client, world.worker)
    week = client.get(f"/calendar/week?date={monday.isoformat()}").get_data(as_text=True)
    assert "新生适应小组·阳光组" in week and "新生适应小组·星星组" in week
    today = client.get("/today").get_data(as_text=True)
    assert "新生适应小组·阳光组" in today
    page = client.get(f"/programs/{sunny.id}").get_data(as_text=True)
    assert "<h1>新生适应小组·阳光组</h1>" in page


def test_a_clash_names_the_other_group(world):
    from planner.sessions.placement import busy_sessions
    from planner.sessions.services import spec_for

    sunny, stars = two_groups(world)
    spec = spec_for(Program.get_by_id(stars.id))
    day = Session.get((Session.program == sunny.id) & (Session.seq == 1)).date
    titles = {b.title for _, b in busy_sessions(spec, day, day)[day]}
    assert titles == {"新生适应小组·阳光组"}
