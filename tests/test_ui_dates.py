"""Dates in the messages a user reads (refusals, undo labels) are in the house's form,
2026年11月11日 (1 October 2026 in English), never ISO 2026-11-11. Form fields and data
attributes keep ISO: only what is worded for a person is scanned."""

import datetime as dt
import re

import pytest

from planner.accounts.models import User
from planner.errors import PlannerError
from planner.schools import rollover
from planner.schools.services import check_term_overlap
from tests.calendars.factories import calendar_day
from tests.calendars.test_national import NEW_HOLIDAY, holiday
from tests.calendars.test_school_calendar import new_url
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
WORDED = re.compile(
    r'<(p|div)[^>]*role="alert"[^>]*>(.*?)</\1>|<button[^>]*id="undo"[^>]*>(.*?)</button>', re.S
)


def worded(html):
    """The text of every alert and of the undo button on a page."""
    return [re.sub(r"<[^>]+>", "", a or b).strip() for _, a, b in WORDED.findall(html)]


def assert_chinese_dates(texts):
    assert texts
    for text in texts:
        assert not ISO.search(text), text
    assert any(re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text) for text in texts), texts


def test_school_calendar_refusals_word_their_dates(client, world):
    admin = login_as(client, world.admin)
    calendar_day(school=world.school, date=dt.date(2026, 11, 11), kind="exam", name="月考")
    for data in (
        {"kind": "exam", "name": "期中考试", "start": "2026-11-09", "end": "2026-11-13"},
        {"kind": "exam", "name": "期中考试", "start": "2027-02-01", "end": ""},
    ):
        response = admin.post(new_url(world), data=data)
        assert response.status_code == 422
        assert_chinese_dates(worded(response.get_data(as_text=True)))


def test_national_calendar_refusals_word_their_dates(client, world):
    User.update(maintainer=True).where(User.id == world.admin.id).execute()
    admin = login_as(client, world.admin)
    holiday(dt.date(2031, 5, 1), dt.date(2031, 5, 5), name="劳动节")
    response = admin.post(
        NEW_HOLIDAY, data={"name": "国庆节", "start": "2031-05-02", "end": "2031-05-06"}
    )
    assert response.status_code == 422
    assert_chinese_dates(worded(response.get_data(as_text=True)))


def test_term_refusals_word_their_dates(app, world):
    with pytest.raises(PlannerError) as overlap:
        check_term_overlap(world.school.id, world.term.start, world.term.end)
    with pytest.raises(PlannerError) as outside:
        rollover.commit(
            world.admin,
            world.school,
            2027,
            term_dates=[
                (dt.date(2027, 7, 1), dt.date(2028, 1, 15)),
                (dt.date(2028, 2, 15), dt.date(2028, 7, 5)),
            ],
        )
    assert_chinese_dates([str(overlap.value.message), str(outside.value.message)])


@pytest.mark.usefixtures("before_term")
def test_undo_labels_and_move_refusals_word_their_dates(app, client, world):
    statutory()
    cal = periods(world.school)
    p = program(world, curriculum(sessions=6, slug="puberty"), spec(world, cal[7]))
    login_as(client, world.worker)
    first, second = list(p.sessions.order_by("seq"))[:2]
    moved = client.post(
        f"/programs/{p.id}/sessions/{first.id}/move",
        data={"date": "2026-09-16", "period": str(cal[2].id), "room_id": str(world.room.id)},
    )
    assert moved.status_code == 303
    page = client.get(f"/programs/{p.id}").get_data(as_text=True)
    assert_chinese_dates(worded(page))  # ↶ 撤销：第 1 节调整到 2026年9月16日
    refused = client.post(
        f"/programs/{p.id}/sessions/{second.id}/move",
        data={"date": "2026-10-02", "period": str(cal[2].id), "room_id": str(world.room.id)},
    )
    assert refused.status_code == 422
    assert_chinese_dates(worded(refused.get_data(as_text=True)))
