"""No student data in any feed, and no token in any access-log line (PRIVACY_SECURITY.md §3–4)."""

import datetime as dt
import logging
import urllib.request

import icalendar
import pytest

from planner.accounts.models import User
from planner.curricula.models import Activity, Curriculum, SessionTemplate
from planner.i18n import local_today
from planner.security import TokenLogFilter
from planner.sessions.models import ScheduleChange, Session
from tests.feeds.factories import calendar_day, sessions_of, token, world_program
from tests.live import serve

CANARY = "欧阳小雪CANARY"  # a fake student name; must never reach a feed

ALLOWED_EVENT_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SEQUENCE",
    "STATUS",
    "SUMMARY",
    "LOCATION",
    "DESCRIPTION",
    "URL",
    "LAST-MODIFIED",
    "TRANSP",
}


def plant_canary(world, prog):
    """Put the name everywhere a careless feed might read from, except the fields the feed
    is meant to show (program title and group name, both refused at entry when they hold a
    student's name; lesson title, room name, holiday names)."""
    world.cls.headteacher = CANARY
    world.cls.save()
    first = sessions_of(prog)[0]
    Session.update(status="cancelled", cancel_reason=f"{CANARY}请假", sequence=1).where(
        Session.id == first.id
    ).execute()
    ScheduleChange.create(
        program=prog.id,
        user=world.worker.id,
        kind="cancel",
        description=CANARY,
        before=[{"id": first.id, "note": CANARY}],
    )
    Curriculum.update(summary=CANARY).where(Curriculum.id == prog.curriculum_id).execute()
    templates = SessionTemplate.select(SessionTemplate.id).where(
        SessionTemplate.curriculum == prog.curriculum_id
    )
    Activity.update(purpose=CANARY, title=CANARY).where(Activity.session.in_(templates)).execute()
    User.update(display_name=f"{CANARY}家长").where(User.id == world.teacher.id).execute()


def assert_clean(data: bytes):
    assert CANARY.encode() not in data
    assert "CANARY".encode() not in data.upper()
    for event in icalendar.Calendar.from_ical(data).events:
        assert set(event) <= ALLOWED_EVENT_PROPERTIES, set(event) - ALLOWED_EVENT_PROPERTIES


def test_canary_student_name_is_in_no_feed(client, as_user, world):
    prog = world_program(world)
    calendar_day("holiday", local_today() + dt.timedelta(days=5), "国庆节")
    plant_canary(world, prog)
    feeds = [
        token(world.worker),
        token(world.admin, "class", world.cls.id),
        token(world.admin, "school", world.school.id),
        token(world.teacher, "class", world.cls.id),
    ]
    for _, raw in feeds:
        for query in ("", "?days=1"):
            response = client.get(f"/feeds/{raw}.ics{query}")
            assert response.status_code == 200
            assert b"BEGIN:VEVENT" in response.data
            assert_clean(response.data)
    download = as_user(world.teacher).get(f"/programs/{prog.id}/calendar.ics")
    assert download.status_code == 200
    assert_clean(download.data)
    assert CANARY not in download.headers["Content-Disposition"]


def test_the_canary_is_really_planted(world):
    """Guard against a vacuous canary test: the name is in the database."""
    prog = world_program(world)
    plant_canary(world, prog)
    first = Session.get(Session.program == prog.id, Session.seq == 1)
    assert first.cancel_reason.startswith(CANARY)


# -- the access log --------------------------------------------------------------------


def test_token_log_filter_redacts_a_werkzeug_access_line():
    raw = "Zq3-secret_token_value_43_characters_long_x"
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 - - [01/Nov/2026 09:00:00] "%s" %s %s\n',
        (f"GET /feeds/{raw}.ics?days=1 HTTP/1.1", "200", "-"),
        None,
    )
    assert TokenLogFilter().filter(record)
    assert raw not in record.getMessage()
    assert "/feeds/[redacted]" in record.getMessage()


def test_token_log_filter_redacts_a_gunicorn_access_line():
    raw = "Zq3-secret_token_value_43_characters_long_x"

    class Atoms(dict):  # gunicorn's atoms answer '-' for unknown keys
        def __missing__(self, key):
            return "-"

    atoms = Atoms(h="10.0.0.1", r=f"GET /feeds/{raw}.ics HTTP/1.1", s="304", U=f"/feeds/{raw}.ics")
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s %(U)s', (atoms,), None
    )
    TokenLogFilter().filter(record)
    assert raw not in record.getMessage()
    assert isinstance(record.args, Atoms)


@pytest.fixture
def live_server(app):
    """The app behind werkzeug's own server (the development server logs the access line)."""
    with serve(app, threaded=False) as url:
        yield url


def test_a_real_feed_request_logs_no_token(live_server, world, caplog):
    world_program(world)
    _, raw = token(world.worker)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        with urllib.request.urlopen(f"{live_server}/feeds/{raw}.ics?days=1") as response:
            assert response.status == 200
            assert b"BEGIN:VCALENDAR" in response.read()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/feeds/[redacted]" in line and " 200 " in line for line in lines), lines
    assert not any(raw in line for line in lines)
    assert raw not in caplog.text
