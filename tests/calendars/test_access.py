"""Who may see and change calendars: admins edit; the school's staff read; teachers never;
another school's (or agency's) records answer 404."""

import datetime as dt
import io

import pytest

from planner.accounts.models import User
from tests import factories
from tests.calendars.conftest import plain, snapshot
from tests.calendars.factories import bell_period, calendar_day, holiday
from tests.conftest import login_as


@pytest.fixture
def records(world):
    bell_period(school=world.school)
    world.exam = calendar_day(
        school=world.school, date=dt.date(2026, 11, 10), kind="exam", name="期中考试"
    )
    world.nat = holiday(dt.date(2026, 10, 1), dt.date(2026, 10, 7))[0]
    return world


def writes(w):
    """Every write, with data an admin would have saved."""
    term = f"term={w.term.id}"
    return [
        (
            f"/admin/schools/{w.school.id}/calendar/days/new?{term}",
            {"kind": "closure", "name": "停电", "start": "2026-11-11"},
        ),
        (
            f"/admin/calendar/days/{w.exam.id}/edit?{term}",
            {"kind": "exam", "name": "改名", "date": "2026-11-10", "version": "1"},
        ),
        (f"/admin/calendar/days/{w.exam.id}/delete?{term}", {}),
        (
            f"/admin/schools/{w.school.id}/bells",
            {"section": "all", "number": "1", "start": "09:00", "end": "09:40", "version": "x"},
        ),
        (
            "/admin/calendar/national/holiday/new",
            {"name": "元旦", "start": "2027-01-01", "end": "2027-01-01"},
        ),
        (
            f"/admin/calendar/national/holiday/{w.nat.id}/edit",
            {"name": "国庆", "start": "2026-10-01", "end": "2026-10-02", "version": "1"},
        ),
        (f"/admin/calendar/national/holiday/{w.nat.id}/delete", {}),
        (f"/admin/schools/{w.school.id}/calendar/import/commit?{term}", {"payload": "x"}),
    ]


@pytest.mark.parametrize("persona", ["worker", "supervisor"])
def test_the_schools_staff_read_the_calendar_without_edit_controls(client, records, persona):
    login_as(client, getattr(records, persona))
    html = client.get(f"/schools/{records.school.id}/calendar").get_data(as_text=True)
    assert "考试日：期中考试" in plain(html) and "第1节" in html
    for control in ("新增校历日期", "编辑作息时间", "从 .ics 文件导入", "/delete", "/edit"):
        assert control not in html
    index = client.get("/calendars/").get_data(as_text=True)
    assert records.school.name in index and records.other_school.name not in index


@pytest.mark.parametrize("persona", ["worker", "supervisor", "teacher"])
def test_only_admins_write(client, records, persona):
    login_as(client, getattr(records, persona))
    before = snapshot()
    for url, data in writes(records):
        assert client.post(url, data=data).status_code == 403, url
    upload = client.post(
        f"/admin/schools/{records.school.id}/calendar/import?term={records.term.id}",
        data={"file": (io.BytesIO(b"x"), "a.ics")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 403
    assert snapshot() == before


def test_teachers_do_not_see_calendars(client, records):
    login_as(client, records.teacher)
    assert client.get(f"/schools/{records.school.id}/calendar").status_code == 403
    assert client.get("/calendars/").status_code == 403


def test_a_worker_of_another_school_gets_404(client, records):
    login_as(client, records.worker_other)
    assert client.get(f"/schools/{records.school.id}/calendar").status_code == 404
    assert client.get(f"/schools/{records.other_school.id}/calendar").status_code == 200


def test_an_admin_of_another_agency_gets_404(client, records):
    stranger = factories.user("admin", username="other_admin")
    login_as(client, stranger)
    before = snapshot()
    w = records
    for url in (
        f"/schools/{w.school.id}/calendar",
        f"/admin/schools/{w.school.id}/bells",
        f"/admin/calendar/days/{w.exam.id}/edit?term={w.term.id}",
        f"/admin/schools/{w.school.id}/calendar/days/new?term={w.term.id}",
        f"/admin/schools/{w.school.id}/calendar/import?term={w.term.id}",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in writes(records):
        if "/national/" not in url:
            assert client.post(url, data=data).status_code == 404, url
    assert snapshot() == before
    assert w.school.name not in client.get("/calendars/").get_data(as_text=True)


def test_a_national_day_is_not_a_school_day(admin, records):
    """The school-day routes are scoped to schools: a national row answers 404."""
    before = snapshot()
    assert admin.get(f"/admin/calendar/days/{records.nat.id}/edit").status_code == 404
    assert admin.post(f"/admin/calendar/days/{records.nat.id}/delete").status_code == 404
    assert snapshot() == before


def test_anonymous_users_are_sent_to_log_in(client, records):
    response = client.get(f"/schools/{records.school.id}/calendar")
    assert response.status_code == 302 and "/login" in response.location
    before = snapshot()
    for url, data in writes(records):
        response = client.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.location
    assert snapshot() == before


def test_every_calendar_page_renders_in_english_too(admin, records):
    """The English UI uses other date filters; no page may break on them (the admin
    maintains the national days, so their edit form opens too)."""
    User.update(maintainer=True).where(User.id == records.admin.id).execute()
    with admin.session_transaction() as sess:
        sess["locale"] = "en"
    w = records
    for url in (
        "/calendars/",
        f"/schools/{w.school.id}/calendar",
        "/admin/calendar/national",
        f"/admin/schools/{w.school.id}/bells",
        f"/admin/calendar/days/{w.exam.id}/edit?term={w.term.id}",
        f"/admin/calendar/national/holiday/{w.nat.id}/edit",
        f"/admin/schools/{w.school.id}/calendar/import?term={w.term.id}",
    ):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.get_data(as_text=True)
