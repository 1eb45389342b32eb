"""Hostile input on the planning screens is refused in plain words, never a server error
(found by tests/security/test_form_fuzz.py)."""

import datetime as dt

import pytest

from planner.calendars.services import day_map
from tests.access import all_setups
from tests.conftest import login_as

HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.usefixtures("before_term")


@pytest.fixture
def w(world):
    for setup in all_setups():
        setup(world)
    return world


def test_a_day_map_reaches_the_last_date_there_is(app, world):
    """Stepping one day past 9999-12-31 raised OverflowError (a 500 on a move)."""
    assert list(day_map(world.school.id, dt.date.max, dt.date.max)) == [dt.date.max]
    assert len(day_map(world.school.id, dt.date.min, dt.date.min + dt.timedelta(2))) == 3


def test_moving_a_session_to_the_last_day_there_is_is_refused_in_words(client, w):
    login_as(client, w.worker)
    response = client.post(
        f"/programs/{w.program.id}/sessions/{w.psessions[0].id}/move",
        data={
            "date": "9999-12-31",
            "period": "",
            "start": "10:00",
            "end": "10:40",
            "room_id": str(w.room.id),
        },
    )
    assert response.status_code == 422
    assert "日期不在本学期内。" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["start", "end"])
def test_every_field_of_the_move_form_shows_its_error(client, w, field):
    """A time too long for its field was refused (422) with no message on the page."""
    login_as(client, w.worker)
    data = {
        "date": "2026-09-15",
        "period": "",
        "start": "10:00",
        "end": "10:40",
        "room_id": str(w.room.id),
        field: "2026-02-30",
    }
    response = client.post(f"/programs/{w.program.id}/sessions/{w.psessions[0].id}/move", data=data)
    assert response.status_code == 422
    assert f'id="e-{field}" role="alert">最多 5 个字。' in response.get_data(as_text=True)


@pytest.mark.parametrize("column", ["weekday", "period", "every"])
@pytest.mark.parametrize("digit", ["²", "①", "9" * 5000])
def test_a_weekly_slot_with_a_digit_int_cannot_read_is_no_server_error(client, w, column, digit):
    """str.isdigit() lets "²" and 5,000 digits through, and int() then raised (a 500). A bad
    weekday or period is refused; a bad "every" counts as every week, like any non-number."""
    login_as(client, w.worker)
    data = {
        "curriculum_id": str(w.shared.id),
        "term_id": str(w.term.id),
        "room_id": str(w.room.id),
        "start_week": "3",
        "class_ids": str(w.cls.id),
        "action": "preview",
        "r_weekday": "2",
        "r_period": str(w.periods[7].id),
        "r_every": "1",
        "r_start": "",
        "r_end": "",
    }
    data[f"r_{column}"] = digit
    response = client.post(f"/schools/{w.school.id}/programs/new", data=data, headers=HTMX)
    if column == "every":
        assert response.status_code == 200
    else:
        assert response.status_code == 422
        assert f'id="e-r0_{column}" role="alert">' in response.get_data(as_text=True)
