"""Pasting the State Council's holiday notice (planner/calendars/notice.py): the admin pastes
the text, reviews each holiday and 调休 working day with its weekday, the timetable proposed
for it (changeable) and the differences from the stored year, then saves all or nothing."""

from flask import abort, request, url_for
from flask_login import current_user

from planner.access import allow
from planner.calendars import notice, schemas
from planner.calendars.blueprint import bp
from planner.errors import PlannerError
from planner.roles import ADMIN
from planner.web import go, load_form, render


def _page(status=200, **context):
    context.setdefault("values", request.form)
    context.setdefault("errors", {})
    return render("calendars/notice.html", "calendars/_notice_body.html", status, **context)


@bp.route("/admin/calendar/notice", methods=["GET", "POST"])
@allow(ADMIN)
def notice_paste():
    """Paste a notice, preview it, save it. National days are shared by every agency: only
    a maintainer changes them (as for the national days' own forms)."""
    if not current_user.is_maintainer:
        abort(403)
    if request.method == "GET":
        return _page(values={})
    values, errors = load_form(schemas.NoticeForm())
    if errors:
        return _page(422, errors=errors)
    try:
        year = notice.parse(values["text"])
    except PlannerError as err:
        return _page(422, errors={"text": err.message})
    if values["step"] == "save":
        dates = [m["date"] for m in year["makeup_days"]]
        chosen, errors = load_form(schemas.weekdays_form(dates))
        if errors:
            return _page(422, year=year, changes=notice.changes(year), errors=errors)
        picked = {day: chosen[f"fw-{day.isoformat()}"] for day in dates}
        notice.save(current_user, notice.with_weekdays(year, picked))
        return go(url_for("calendars.national", saved=year["year"]) + f"#year-{year['year']}")
    return _page(year=year, changes=notice.changes(year))
