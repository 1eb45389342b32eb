"""An admin's home lists what is not set up: a school without a current or coming term,
without a bell schedule, without an active worker; an agency without a safeguarding lead;
a calendar year the terms reach without national holiday data. Its own agency only; the
query count is pinned and does not grow with more schools."""

import datetime as dt
import re

from playhouse.test_utils import count_queries

from planner.accounts.models import Supervision
from planner.calendars.models import BellPeriod, CalendarDay
from planner.schools.models import Agency
from tests import factories
from tests.conftest import login_as

QUERIES = 13  # tests/reflections/test_safeguarding_dashboard.py says which


def gaps(client, world):
    body = login_as(client, world.admin).get("/dashboard").get_data(as_text=True)
    found = re.search(r'<section[^>]*id="setup-gaps".*?</section>', body, re.S)
    return found.group(0)


def row(card, school):
    found = re.search(rf'id="gap-school-{school.id}".*?</li>', card, re.S)
    return found.group(0) if found else ""


def bells(school):
    BellPeriod.create(school=school, number=1, start=dt.time(8), end=dt.time(8, 45))


def holidays(*years):
    for year in years:
        CalendarDay.create(school=None, date=dt.date(year, 1, 1), kind="holiday", name="元旦")


def test_each_gap_of_a_school(client, world, clock):
    bells(world.school)
    card = gaps(client, world)
    assert row(card, world.school) == ""  # term, bells and a worker
    other = row(card, world.other_school)  # a term and a worker, no bells
    assert "没有作息时间" in other and f"/admin/schools/{world.other_school.id}/bells" in other
    assert "没有当前或即将开始的学期" not in other and "没有社工" not in other
    bare = factories.school(agency=world.agency, name="丁校", code="DX")
    card = gaps(client, world)
    bare_row = row(card, bare)
    for words in ("没有当前或即将开始的学期", "没有作息时间", "没有社工"):
        assert words in bare_row
    assert f"/admin/terms/new?school={bare.id}" in bare_row and "/admin/users" in bare_row
    assert row(card, world.foreign_school) == ""  # another agency's school


def test_a_past_term_archived_school_and_inactive_worker(client, world, clock):
    bells(world.school)
    world.term.end = dt.date(2026, 12, 1)  # over before today
    world.term.save()
    world.worker.active = False
    world.worker.save()
    archived = factories.school(agency=world.agency, name="戊校", code="EX", archived=True)
    card = gaps(client, world)
    mine = row(card, world.school)
    assert "没有当前或即将开始的学期" in mine and "没有社工" in mine
    assert row(card, archived) == ""


def test_years_without_holidays(client, world, clock):
    card = gaps(client, world)  # the term runs into 2027: both years lack data
    assert 'id="gap-year-2026"' in card and 'id="gap-year-2027"' in card
    assert "/admin/calendar/national" in card
    holidays(2026, 2027)
    card = gaps(client, world)
    assert "gap-year-" not in card


def test_the_safeguarding_lead(client, world, clock):
    """A gap while no lead is chosen, unless the safeguarding card already warns of it."""
    body = login_as(client, world.admin).get("/dashboard").get_data(as_text=True)
    assert 'id="no-safeguarding-lead"' in body and 'id="gap-lead"' not in body
    Supervision.create(supervisor=world.supervisor, worker=world.worker_other)
    assert 'id="gap-lead"' in gaps(client, world)
    Agency.update(safeguarding_lead=world.supervisor.id).where(
        Agency.id == world.agency.id
    ).execute()
    assert 'id="gap-lead"' not in gaps(client, world)


def test_nothing_to_set_up(client, world, clock):
    for school in (world.school, world.other_school):
        bells(school)
    holidays(2026, 2027)
    Agency.update(safeguarding_lead=world.admin.id).where(Agency.id == world.agency.id).execute()
    assert 'id="no-gaps"' in gaps(client, world)


def test_only_admins_see_the_gaps(as_user, world, clock):
    for user in (world.worker, world.supervisor, world.teacher):
        assert 'id="setup-gaps"' not in as_user(user).get("/dashboard").get_data(as_text=True)


def test_the_query_count_is_pinned_and_does_not_grow(client, world, clock):
    counts = []
    for n in (0, 2, 6):
        for i in range(n):
            school = factories.school(agency=world.agency, name=f"新校{n}-{i}", code=f"N{n}{i}")
            factories.term(school=school, start=dt.date(2027, 2, 20), end=dt.date(2028, 7, 1))
        login_as(client, world.admin)
        with count_queries() as counter:
            body = client.get("/dashboard").get_data(as_text=True)
        counts.append((counter.count, body.count('id="gap-school-'), "gap-year-2028" in body))
    assert counts == [(QUERIES, 2, False), (QUERIES, 4, True), (QUERIES, 10, True)]
