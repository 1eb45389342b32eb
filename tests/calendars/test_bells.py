"""Bell schedules (作息时间): whole-section edits, overlaps, 九年一贯制 sections."""

import datetime as dt

import pytest

from planner.calendars.models import BellPeriod
from planner.sessions.models import Program, SlotRule
from tests import factories
from tests.calendars.conftest import HTMX, inline_error, snapshot
from tests.calendars.factories import bell_period
from tests.conftest import login_as
from tests.curricula.factories import curriculum


def url(world, school=None, section=None):
    out = f"/admin/schools/{(school or world.school).id}/bells"
    return f"{out}?section={section}" if section else out


def token(client, address):
    html = client.get(address).get_data(as_text=True)
    return html.split('name="version" value="')[1].split('"')[0]


def rows(*periods, blanks=2):
    """Form data for parallel number/start/end lists (blank rows as the page sends them)."""
    data = {"number": [], "start": [], "end": []}
    for number, start, end in list(periods) + [("", "", "")] * blanks:
        data["number"].append(str(number))
        data["start"].append(start)
        data["end"].append(end)
    return data


def stored(school, section="all"):
    return [
        (p.number, p.start.strftime("%H:%M"), p.end.strftime("%H:%M"))
        for p in BellPeriod.select()
        .where((BellPeriod.school == school.id) & (BellPeriod.section == section))
        .order_by(BellPeriod.number)
    ]


def test_create_a_schedule(admin, world):
    data = rows((1, "08:00", "08:45"), (2, "08:55", "09:40"), (3, "10:10", "10:55"))
    response = admin.post(
        url(world), data=dict(data, section="all", version=token(admin, url(world)))
    )
    assert response.status_code == 303
    assert response.location == f"/schools/{world.school.id}/calendar"
    assert stored(world.school) == [
        (1, "08:00", "08:45"),
        (2, "08:55", "09:40"),
        (3, "10:10", "10:55"),
    ]
    html = admin.get(f"/schools/{world.school.id}/calendar").get_data(as_text=True)
    assert "第3节" in html and "10:10" in html


def test_edit_in_place_and_remove_a_blank_row(admin, world):
    """Periods keep their ids (sessions point at them); a cleared row is removed."""
    first = bell_period(school=world.school, number=1)
    second = bell_period(school=world.school, number=2, start=dt.time(8, 55), end=dt.time(9, 40))
    bell_period(school=world.school, number=3, start=dt.time(10, 0), end=dt.time(10, 45))
    html = admin.get(url(world)).get_data(as_text=True)
    assert 'value="08:55"' in html
    data = rows((1, "08:10", "08:50"), ("", "", ""), (2, "09:00", "09:40"))
    response = admin.post(
        url(world), data=dict(data, section="all", version=token(admin, url(world)))
    )
    assert response.status_code == 303
    assert stored(world.school) == [(1, "08:10", "08:50"), (2, "09:00", "09:40")]
    assert [p.id for p in BellPeriod.select().order_by(BellPeriod.number)] == [first.id, second.id]


BAD = [
    (rows((1, "08:45", "08:00")), "row-0", "下课时间必须晚于上课时间。"),
    (rows((1, "08:00", "08:00")), "row-0", "下课时间必须晚于上课时间。"),
    (rows((1, "08:00", "08:45"), (1, "09:00", "09:45")), "row-1", "第1节重复了。"),
    (
        rows((1, "08:00", "08:45"), (2, "08:40", "09:25")),
        "row-1",
        "第2节与第1节时间重叠（或节次没有按时间先后编号）。",
    ),
    (
        rows((2, "08:00", "08:45"), (1, "09:00", "09:45")),
        "row-0",
        "第2节与第1节时间重叠（或节次没有按时间先后编号）。",
    ),
    (rows((1, "8点", "08:45")), "row-0", "请输入时间（时:分）。"),
    (rows((0, "08:00", "08:45")), "row-0", "应在 1 到 20 之间。"),
    (rows(("", "08:00", "08:45")), "row-0", "此项为必填项。"),
    (rows((1, "08:00", "")), "row-0", "此项为必填项。"),
]


@pytest.mark.parametrize("data,field,message", BAD)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_schedule_is_refused_and_nothing_changes(admin, world, data, field, message, htmx):
    bell_period(school=world.school, number=1)
    before = snapshot()
    response = admin.post(
        url(world),
        data=dict(data, section="all", version=token(admin, url(world))),
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert inline_error(html, field) == message
    assert ("<html" in html) is not htmx and 'id="bells-form"' in html
    assert snapshot() == before


def test_a_stale_schedule_gets_the_conflict_screen(app, world):
    first = login_as(app.test_client(), world.admin)
    second = login_as(app.test_client(), world.admin)
    stale = token(second, url(world))
    saved = first.post(
        url(world),
        data=dict(rows((1, "08:00", "08:45")), section="all", version=token(first, url(world))),
    )
    assert saved.status_code == 303
    before = snapshot()
    clash = second.post(
        url(world), data=dict(rows((1, "09:00", "09:45")), section="all", version=stale)
    )
    assert clash.status_code == 409 and "保存冲突" in clash.get_data(as_text=True)
    assert snapshot() == before


def test_a_period_used_by_a_program_cannot_be_removed(admin, world):
    used = bell_period(school=world.school, number=7, start=dt.time(14, 0), end=dt.time(14, 45))
    program = Program.create(
        curriculum=curriculum(), school=world.school, term=world.term, title="测试", room=world.room
    )
    SlotRule.create(program=program, weekday=2, period=used)
    before = snapshot()
    response = admin.post(
        url(world),
        data=dict(rows((1, "08:00", "08:45")), section="all", version=token(admin, url(world))),
    )
    assert response.status_code == 422
    assert (
        inline_error(response.get_data(as_text=True), "periods")
        == "第7节已被开展计划使用，不能删除。"
    )
    assert snapshot() == before  # period 1 was not added either


def test_nine_year_schools_keep_two_schedules(admin, world):
    school = factories.school(
        agency=world.agency, stage="nine_year", name="九年一贯制学校", code="JN"
    )
    primary = url(world, school, "primary")
    secondary = url(world, school, "secondary")
    assert "小学部" in admin.get(primary).get_data(as_text=True)
    # the sections may overlap each other: only periods within one section may not
    assert (
        admin.post(
            primary,
            data=dict(
                rows((1, "08:00", "08:40")), section="primary", version=token(admin, primary)
            ),
        ).status_code
        == 303
    )
    assert (
        admin.post(
            secondary,
            data=dict(
                rows((1, "08:00", "08:45")), section="secondary", version=token(admin, secondary)
            ),
        ).status_code
        == 303
    )
    assert stored(school, "primary") == [(1, "08:00", "08:40")]
    assert stored(school, "secondary") == [(1, "08:00", "08:45")]
    html = admin.get(f"/schools/{school.id}/calendar").get_data(as_text=True)
    assert "小学部" in html and "中学部" in html


def test_other_schools_have_one_schedule(admin, world):
    before = snapshot()
    assert admin.get(url(world, section="primary")).status_code == 404
    assert (
        admin.post(
            url(world), data=dict(rows((1, "08:00", "08:40")), section="primary", version="x")
        ).status_code
        == 404
    )
    assert snapshot() == before
