"""Shared helpers for the calendar tests."""

import json
import os
import re

import pytest

from planner.calendars.models import BellPeriod, CalendarDay
from tests.conftest import login_as

HTMX = {"HX-Request": "true"}
CALENDAR_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "content", "calendar")


@pytest.fixture
def admin(client, world):
    return login_as(client, world.admin)


def inline_error(html, field):
    """The message shown next to a field (<p class="error" id="e-FIELD">)."""
    match = re.search(rf'<p class="error[^"]*" id="e-{field}" role="alert">([^<]*)</p>', html)
    return match.group(1) if match else None


def plain(html):
    """The page's text without tags (screen-reader-only text included)."""
    return re.sub(r"<[^>]+>", "", html)


def snapshot():
    """Every calendar row as plain data, to show that nothing changed."""
    days = sorted(
        (
            d.school_id or 0,
            str(d.date),
            str(d.end_date),
            d.kind,
            d.name,
            d.follows_weekday,
            d.version,
        )
        for d in CalendarDay.select()
    )
    bells = sorted(
        (b.school_id, b.section, b.number, str(b.start), str(b.end)) for b in BellPeriod.select()
    )
    return days, bells


def hx_location(response):
    """The path of an htmx redirect (HX-Location is a path or a JSON object with one)."""
    value = response.headers["HX-Location"]
    return json.loads(value)["path"] if value.startswith("{") else value


def form_version(html):
    return re.search(r'name="version" value="([^"]+)"', html).group(1)
