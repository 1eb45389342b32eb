"""School calendar routes: admins edit; the school's staff read; teachers never. National
days: admins read, only a maintainer (here the world's admin) changes them."""

import datetime as dt

from planner.accounts.models import User
from tests.access import ADMIN, READERS, STAFF_SCHOOL, only
from tests.calendars.factories import calendar_day, holiday


def setup(world):
    """The admin maintains shared data; a school event, a statutory holiday and make-up
    day. Chosen so that other domains' setups are unaffected: an event doesn't block
    teaching, and 2031 is a year no content file ships (the programs setup re-imports 2024–2026, replacing those national rows)."""
    User.update(maintainer=True).where(User.id == world.admin.id).execute()
    world.cal_day = calendar_day(
        school=world.school, date=dt.date(2026, 11, 10), kind="event", name="运动会"
    )
    world.nat_holiday = holiday(dt.date(2031, 10, 1), dt.date(2031, 10, 3))[0]
    world.nat_makeup = calendar_day(
        school=None,
        date=dt.date(2031, 10, 11),
        kind="makeup",
        name="国庆节调休上课",
        follows_weekday=3,
    )


def _term(w):
    return f"term={w.term.id}"


ADMIN_POST = only({"admin"}, ok=303)
# National days are shared by every agency: only a maintainer (an admin granted it from the
# command line) changes them. The matrix's admin is one (setup); an ordinary admin of
# another agency is refused in tests/privilege/test_shared_data.py.

RULES = {
    "calendars.index": ("GET", lambda w: "/calendars/", None, READERS),
    "calendars.school_calendar": (
        "GET",
        lambda w: f"/schools/{w.school.id}/calendar",
        None,
        STAFF_SCHOOL,
    ),
    "calendars.day_new": (
        "GET",
        lambda w: f"/admin/schools/{w.school.id}/calendar/days/new?{_term(w)}",
        None,
        ADMIN,
    ),
    "calendars.day_edit": (
        "GET",
        lambda w: f"/admin/calendar/days/{w.cal_day.id}/edit?{_term(w)}",
        None,
        ADMIN,
    ),
    "calendars.day_delete": (
        "POST",
        lambda w: f"/admin/calendar/days/{w.cal_day.id}/delete?{_term(w)}",
        {},
        ADMIN_POST,
    ),
    "calendars.bells": ("GET", lambda w: f"/admin/schools/{w.school.id}/bells", None, ADMIN),
    "calendars.ics_upload": (
        "GET",
        lambda w: f"/admin/schools/{w.school.id}/calendar/import?{_term(w)}",
        None,
        ADMIN,
    ),
    # an empty commit (no signed preview) is refused with the upload form again
    "calendars.ics_commit": (
        "POST",
        lambda w: f"/admin/schools/{w.school.id}/calendar/import/commit?{_term(w)}",
        {},
        only({"admin"}, ok=422),
    ),
    "calendars.national": ("GET", lambda w: "/admin/calendar/national", None, ADMIN),
    "calendars.national_new": (
        "GET",
        lambda w: "/admin/calendar/national/holiday/new",
        None,
        ADMIN,
    ),
    "calendars.national_edit": (
        "GET",
        lambda w: f"/admin/calendar/national/makeup/{w.nat_makeup.id}/edit",
        None,
        ADMIN,
    ),
    "calendars.national_delete": (
        "POST",
        lambda w: f"/admin/calendar/national/holiday/{w.nat_holiday.id}/delete",
        {},
        ADMIN_POST,
    ),
    "calendars.notice_paste": ("GET", lambda w: "/admin/calendar/notice", None, ADMIN),
}
