"""Hostile input on the calendar screens is refused in plain words, never a server error
(found by tests/security/test_form_fuzz.py)."""

import io

import pytest

from planner.calendars.models import CalendarDay
from tests.access import all_setups
from tests.conftest import login_as


@pytest.fixture
def w(world):
    for setup in all_setups():
        setup(world)
    return world


@pytest.mark.parametrize("term", ["²", "①", "9" * 40])
def test_a_term_id_int_cannot_read_is_not_found(client, w, term):
    """?term=² passed str.isdigit() and int() raised; a 40-digit id overflowed SQLite."""
    login_as(client, w.admin)
    assert (
        client.get(f"/admin/schools/{w.school.id}/calendar/days/new?term={term}").status_code == 404
    )


@pytest.mark.parametrize("version", ["", "x", "9223372036854775808", "-1"])
def test_a_broken_version_is_shown_on_the_day_form(client, w, version):
    """The version's error had no place on the form: a 422 with nothing to read (and a
    version past 64 bits was a 500)."""
    login_as(client, w.admin)
    response = client.post(
        f"/admin/calendar/days/{w.cal_day.id}/edit?term={w.term.id}",
        data={"kind": "event", "name": "运动会", "date": "2026-11-10", "version": version},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="e-version" role="alert">' in html
    assert 'id="e-version" role="alert">表单已失效，请刷新页面后重试。' in html


def _ics(summary):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:u@t\r\n"
        f"SUMMARY:{summary}\r\nDTSTART;VALUE=DATE:20261112\r\n"
        "DTEND;VALUE=DATE:20261113\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_control_characters_in_an_imported_calendar_are_dropped(client, w):
    """A NUL in an event's name or the file's name was a 500 on PostgreSQL at commit; the
    other control characters can't go into a Word document."""
    login_as(client, w.admin)
    base = f"/admin/schools/{w.school.id}/calendar/import"
    preview = client.post(
        f"{base}?term={w.term.id}",
        data={"file": (io.BytesIO(_ics("期中\x00考\x0b试")), "校历\x00.ics")},
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    payload = html.split('name="payload" value="', 1)[1].split('"', 1)[0]
    commit = client.post(
        f"{base}/commit?term={w.term.id}", data={"payload": payload, "kind": "event"}
    )
    assert commit.status_code == 303
    day = CalendarDay.get(
        (CalendarDay.school == w.school.id) & (CalendarDay.source.startswith("ics:"))
    )
    assert (day.name, day.source) == ("期中考试", "ics:校历.ics")
