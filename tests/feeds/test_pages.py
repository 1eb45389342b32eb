"""The 日历订阅 page (create, rotate, revoke) and one program's .ics download."""

import hashlib
import re

import icalendar
from ical.calendar_stream import IcsCalendarStream

from planner.feeds.models import FeedToken
from tests import factories
from tests.feeds.factories import sessions_of, token, world_program

FEED_URL = re.compile(r'value="(https?://[^"]+/feeds/([A-Za-z0-9_-]+)\.ics(?:\?days=1)?)"')


def new_link(response):
    """(https URL, raw token) shown on the page right after creation or rotation."""
    html = response.get_data(as_text=True)
    match = FEED_URL.search(html)
    assert match, "no feed URL on the page"
    return match.group(1), match.group(2)


def test_page_lists_the_users_links_without_their_urls(as_user, world):
    created, raw = token(world.worker)
    response = as_user(world.worker).get("/calendar/subscriptions")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "日历订阅" in html and world.worker.display_name in html
    assert f'action="/calendar/subscriptions/{created.id}/rotate"' in html
    assert raw not in html  # shown once at creation, never again
    assert 'style="' not in html  # the CSP allows no inline styles


def test_create_shows_the_link_once_with_webcal_and_a_qr_code(as_user, world):
    client = as_user(world.worker)
    response = client.post(
        "/calendar/subscriptions",
        data={"target": f"worker:{world.worker.id}", "label": "我的 iPhone", "days": "1"},
    )
    assert response.status_code == 201
    url, raw = new_link(response)
    html = response.get_data(as_text=True)
    assert url == f"http://localhost/feeds/{raw}.ics?days=1"
    assert f'href="webcal://localhost/feeds/{raw}.ics?days=1"' in html
    assert '<img src="data:image/svg+xml;charset=utf-8,' in html
    assert "iPhone" in html and "微信" in html
    assert response.headers["Cache-Control"] == "no-store"
    stored = FeedToken.get(FeedToken.label == "我的 iPhone")
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert client.get(f"/feeds/{raw}.ics").status_code == 200
    assert raw not in client.get("/calendar/subscriptions").get_data(as_text=True)


def test_create_refuses_a_calendar_the_user_may_not_have(as_user, world):
    client = as_user(world.worker)
    for target in (
        f"class:{world.other_cls.id}",
        f"school:{world.foreign_school.id}",
        "worker:999999",
        "student:1",
        "",
    ):
        response = client.post("/calendar/subscriptions", data={"target": target})
        assert response.status_code == 422, target
        assert 'role="alert"' in response.get_data(as_text=True)
    assert FeedToken.select().count() == 0


def test_teacher_sees_only_their_class_and_can_subscribe(as_user, world):
    client = as_user(world.teacher)
    html = client.get("/calendar/subscriptions").get_data(as_text=True)
    assert f'value="class:{world.cls.id}"' in html
    assert f'value="class:{world.other_cls.id}"' not in html
    assert "worker:" not in html and "school:" not in html
    response = client.post("/calendar/subscriptions", data={"target": f"class:{world.cls.id}"})
    assert response.status_code == 201
    assert FeedToken.get().audience == "class"


def test_rotate_shows_a_new_link_and_kills_the_old(as_user, world):
    created, old_raw = token(world.worker)
    client = as_user(world.worker)
    response = client.post(f"/calendar/subscriptions/{created.id}/rotate", data={"days": "1"})
    assert response.status_code == 200
    _, new_raw = new_link(response)
    assert new_raw != old_raw
    assert client.get(f"/feeds/{old_raw}.ics").status_code == 404
    assert client.get(f"/feeds/{new_raw}.ics").status_code == 200


def test_revoke_redirects_and_the_feed_is_gone(as_user, world):
    created, raw = token(world.worker)
    client = as_user(world.worker)
    response = client.post(f"/calendar/subscriptions/{created.id}/revoke")
    assert response.status_code == 303
    assert response.location.endswith("/calendar/subscriptions")
    assert client.get(f"/feeds/{raw}.ics").status_code == 404
    assert f"feed-{created.id}" not in client.get("/calendar/subscriptions").get_data(as_text=True)
    htmx = client.post(
        f"/calendar/subscriptions/{created.id}/revoke", headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 404  # already revoked


def test_nav_links_to_the_page_for_every_role(as_user, world):
    for user in (world.admin, world.supervisor, world.worker, world.teacher):
        html = as_user(user).get("/dashboard").get_data(as_text=True)
        assert 'href="/calendar/subscriptions"' in html, user.role


def test_program_download_is_an_attachment_without_names(as_user, world):
    prog = world_program(world, title="青春期教育（初一）")
    response = as_user(world.worker).get(f"/programs/{prog.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="program-{prog.id}.ics"'
    )
    icalendar.Calendar.from_ical(response.data)
    calendar = IcsCalendarStream.from_ics(response.get_data(as_text=True)).calendars[0]
    assert len(calendar.events) == len(sessions_of(prog))
    assert [tz.tz_id for tz in calendar.timezones] == ["Asia/Shanghai"]


def test_program_download_for_teachers_only_of_its_classes(as_user, world):
    prog = world_program(world)
    group = world_program(world, classes=[])  # a 成长小组 with no class
    other_teacher = factories.user(
        "teacher", agency=world.agency, classes=[factories.school_class(school=world.school)]
    )
    assert as_user(world.teacher).get(f"/programs/{prog.id}/calendar.ics").status_code == 200
    assert as_user(world.teacher).get(f"/programs/{group.id}/calendar.ics").status_code == 404
    assert as_user(other_teacher).get(f"/programs/{prog.id}/calendar.ics").status_code == 404
    assert as_user(world.worker_other).get(f"/programs/{prog.id}/calendar.ics").status_code == 404
    assert as_user(world.supervisor).get(f"/programs/{prog.id}/calendar.ics").status_code == 200
    foreign_admin = factories.user("admin")
    assert as_user(foreign_admin).get(f"/programs/{prog.id}/calendar.ics").status_code == 404
