"""School calendars: statutory days, a school's own days, bell schedules, .ics import.

Admins edit; the school's workers and supervisors may read a school calendar; teachers
don't see these screens. Another school's records answer 404 (access.py scoping)."""

from flask import abort, current_app, request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, in_schools, school_or_404, schools_query
from planner.calendars import ics_import, operations, schemas, services
from planner.calendars.blueprint import bp
from planner.calendars.models import DAY_KINDS, SECTIONS, BellPeriod, CalendarDay
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.forms import FieldSpec, small_int
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.roles import ADMIN, STAFF
from planner.schools.models import School, Term
from planner.sessions import replan
from planner.web import conflict_response, go, load_form, render

SOURCE_HELP = _l("通知名称与文号；留空则沿用该年已有的来源。")
NATIONAL = {
    "holiday": (
        schemas.NationalHolidaySchema,
        _l("法定假期"),
        [
            FieldSpec("name", _l("假期名称"), maxlength=60, required=True, help=_l("例如 国庆节")),
            FieldSpec("start", _l("放假第一天"), "date", required=True),
            FieldSpec("end", _l("放假最后一天"), "date", required=True),
            FieldSpec("source", _l("来源"), maxlength=500, help=SOURCE_HELP),
        ],
    ),
    "makeup": (
        schemas.NationalMakeupSchema,
        _l("调休上班日"),
        [
            FieldSpec("date", _l("日期"), "date", required=True, help=_l("应为周六或周日。")),
            FieldSpec(
                "name", _l("名称"), maxlength=60, required=True, help=_l("例如 国庆节调休上课")
            ),
            FieldSpec(
                "follows_weekday", _l("按周几的课表上课"), "select", schemas.WEEKDAYS, required=True
            ),
            FieldSpec("source", _l("来源"), maxlength=500, help=SOURCE_HELP),
        ],
    ),
}
DAY_FIELDS = [
    FieldSpec("kind", _l("类型"), "select", DAY_KINDS, required=True),
    FieldSpec("name", _l("名称"), maxlength=60, required=True, help=_l("例如 期中考试、运动会")),
    FieldSpec("start", _l("日期（第一天）"), "date", required=True),
    FieldSpec("end", _l("最后一天"), "date", help=_l("连续多天时填写；调休上课日只填第一天。")),
    FieldSpec(
        "follows_weekday",
        _l("按周几的课表上课"),
        "select",
        schemas.WEEKDAYS,
        help=_l("仅调休上课日需要选择。"),
    ),
]
DAY_EDIT_FIELDS = [
    DAY_FIELDS[0],
    DAY_FIELDS[1],
    FieldSpec("date", _l("日期（第一天）"), "date", required=True),
    FieldSpec(
        "end_date", _l("最后一天"), "date", help=_l("连续多天时填写；调休上课日只填第一天。")
    ),
    DAY_FIELDS[4],
]


def _term(school, raw, near=None):
    """?term=ID of this school (404 otherwise); without it, the term around `near`."""
    if raw is None and near is not None:
        term = services.default_term(list(school.terms), near)
        return term or abort(404)
    term_id = small_int(raw)
    if term_id is None:
        abort(404)
    return get_or_404(Term.select().where(Term.school == school.id), term_id)


def _calendar_url(school_id, term):
    return url_for("calendars.school_calendar", school_id=school_id, term=term.id)


@bp.get("/calendars/")
@allow(*STAFF)
def index():
    """The schools this user may see, each with its terms."""
    schools = list(schools_query(current_user).where(~School.archived).order_by(School.name))
    terms = {}
    for term in (
        Term.select()
        .where(Term.school.in_([s.id for s in schools]) & ~Term.archived)
        .order_by(Term.start.desc())
    ):
        terms.setdefault(term.school_id, []).append(term)
    return render(
        "calendars/index.html", "calendars/_index_body.html", schools=schools, terms=terms
    )


@bp.get("/schools/<int:school_id>/calendar")
@allow(*STAFF)
def school_calendar(school_id):
    """One school's term: teaching weeks, each day's meaning, the bell schedule."""
    school = school_or_404(current_user, school_id)
    terms = list(school.terms.where(~Term.archived).order_by(Term.start))
    raw = request.args.get("term")
    term = _term(school, raw) if raw is not None else services.default_term(terms, local_today())
    return render(
        "calendars/school.html",
        "calendars/_school_body.html",
        school=school,
        terms=terms,
        term=term,
        periods=services.periods(school.id),
        sections=SECTIONS,
        kinds=DAY_KINDS,
        weeks=services.term_calendar(school.id, term) if term else [],
        days=services.school_days(school.id, term) if term else [],
    )


# ---- a school's own days ----------------------------------------------------------------


def _day_form(school, term, day, values, errors, status=200):
    action = (
        url_for("calendars.day_edit", day_id=day.id, term=term.id)
        if day
        else url_for("calendars.day_new", school_id=school.id, term=term.id)
    )
    return render(
        "calendars/day_form.html",
        "calendars/_day_form.html",
        status,
        school=school,
        term=term,
        day=day,
        values=values,
        errors=errors,
        action=action,
        fields=DAY_EDIT_FIELDS if day else DAY_FIELDS,
    )


@bp.route("/admin/schools/<int:school_id>/calendar/days/new", methods=["GET", "POST"])
@allow(ADMIN)
def day_new(school_id):
    """Add an exam, closure, event, school holiday or 调休 day (one or more dates)."""
    school = school_or_404(current_user, school_id)
    term = _term(school, request.args.get("term"))
    if request.method == "GET":
        return _day_form(school, term, None, {"kind": "event"}, {})
    values, errors = load_form(schemas.SchoolDaySchema())
    if not errors:
        try:
            operations.add_school_days(school.id, term, schemas.clean_day(values))
        except PlannerError as err:
            errors = err.errors
    if errors:
        return _day_form(school, term, None, request.form, errors, 422)
    return go(_calendar_url(school.id, term))


@bp.route("/admin/calendar/days/<int:day_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def day_edit(day_id):
    """Edit one of a school's days; a stale version gets the conflict screen."""
    day = get_or_404(in_schools(CalendarDay, current_user), day_id)
    term = _term(day.school, request.args.get("term"), near=day.date)
    if request.method == "GET":
        return _day_form(day.school, term, day, day.__data__, {})
    values, errors = load_form(schemas.SchoolDayEditSchema())
    if not errors:
        try:
            operations.update_school_day(day, term, schemas.clean_day(values))
        except ConflictError:
            return conflict_response(url_for("calendars.day_edit", day_id=day.id, term=term.id))
        except PlannerError as err:
            errors = err.errors
    if errors:
        return _day_form(day.school, term, day, request.form, errors, 422)
    return go(_calendar_url(day.school_id, term))


@bp.post("/admin/calendar/days/<int:day_id>/delete")
@allow(ADMIN)
def day_delete(day_id):
    """Delete one of a school's days."""
    day = get_or_404(in_schools(CalendarDay, current_user), day_id)
    term = _term(day.school, request.args.get("term"), near=day.date)
    operations.delete_school_day(day)
    return go(_calendar_url(day.school_id, term))


# ---- bell schedule ----------------------------------------------------------------------


def _sections(school):
    """A 九年一贯制 school may keep separate primary and secondary schedules."""
    keys = SECTIONS if school.stage == "nine_year" else ["all"]
    return {k: SECTIONS[k] for k in keys}


def _bells_form(school, section, rows, errors, token, status=200):
    return render(
        "calendars/bells.html",
        "calendars/_bells_form.html",
        status,
        # sessions placed at the old times: each program's re-plan preview moves them
        bell_affected=replan.bell_affected(school.id, local_today()),
        school=school,
        section=section,
        sections=_sections(school),
        rows=rows,
        errors=errors,
        token=token,
        blank_rows=max(3, 10 - len(rows)),
    )


@bp.route("/admin/schools/<int:school_id>/bells", methods=["GET", "POST"])
@allow(ADMIN)
def bells(school_id):
    """Edit one section's bell schedule (作息时间) as a whole."""
    school = school_or_404(current_user, school_id)
    section = request.values.get("section", "all")
    if section not in _sections(school):
        abort(404)
    if request.method == "GET":
        rows = [
            p.__data__
            for p in BellPeriod.select()
            .where((BellPeriod.school == school.id) & (BellPeriod.section == section))
            .order_by(BellPeriod.number)
        ]
        return _bells_form(school, section, rows, {}, services.bell_token(school.id, section))
    values, errors = schemas.load_bells(request.form)
    if not errors:
        try:
            operations.save_bells(school.id, section, values["periods"], values["version"])
        except ConflictError:
            return conflict_response(
                url_for("calendars.bells", school_id=school.id, section=section)
            )
        except PlannerError as err:
            errors = err.errors
    if errors:
        rows = [
            dict(zip(("number", "start", "end"), r))
            for r in zip(*(request.form.getlist(k) for k in ("number", "start", "end")))
        ]
        return _bells_form(school, section, rows, errors, request.form.get("version", ""), 422)
    if replan.bell_affected(school.id, local_today()):  # show them, with their re-plan
        return go(
            url_for("calendars.bells", school_id=school.id, section=section) + "#bell-affected"
        )
    return go(url_for("calendars.school_calendar", school_id=school.id))


# ---- statutory (national) days ----------------------------------------------------------


@bp.get("/admin/calendar/national")
@allow(ADMIN)
def national():
    """Statutory holidays and 调休 make-up days, by year, with their sources."""
    years, missing = services.national_years(local_today())
    return render(
        "calendars/national.html", "calendars/_national_body.html", years=years, missing=missing
    )


def _national_form(kind, day, values, errors, status=200):
    schema, title, fields = NATIONAL[kind]
    action = (
        url_for("calendars.national_edit", kind=kind, day_id=day.id)
        if day
        else url_for("calendars.national_new", kind=kind)
    )
    return render(
        "calendars/national_form.html",
        "calendars/_national_form.html",
        status,
        kind=kind,
        title=title,
        fields=fields,
        day=day,
        values=values,
        errors=errors,
        action=action,
    )


def _maintainer_only():
    """National days are shared by every agency: only a maintainer changes them, so one
    agency's admin can't change what another agency plans around (403 for the others)."""
    if not current_user.is_maintainer:
        abort(403)


def _national_day(kind, day_id):
    _maintainer_only()
    day = get_or_404(services.national_query(kind), day_id)
    return services.holiday_range(day)[0] if kind == "holiday" else day


def _save_national(kind, day):
    """Load the form and save; (errors or None) — ConflictError passes through."""
    schema = NATIONAL[kind][0]
    values, errors = load_form(schemas.with_version(schema)() if day else schema())
    if errors:
        return errors
    try:
        if kind == "holiday":
            operations.save_national_holiday(values, day)
        else:
            operations.save_national_makeup(values, day)
    except PlannerError as err:
        return err.errors
    return None


@bp.route("/admin/calendar/national/<any(holiday,makeup):kind>/new", methods=["GET", "POST"])
@allow(ADMIN)
def national_new(kind):
    """Add a statutory holiday range or a 调休 make-up day (e.g. a year not yet shipped)."""
    _maintainer_only()
    if request.method == "GET":
        return _national_form(kind, None, {}, {})
    errors = _save_national(kind, None)
    if errors:
        return _national_form(kind, None, request.form, errors, 422)
    return go(url_for("calendars.national"))


@bp.route(
    "/admin/calendar/national/<any(holiday,makeup):kind>/<int:day_id>/edit", methods=["GET", "POST"]
)
@allow(ADMIN)
def national_edit(kind, day_id):
    """Edit a holiday range (all its days at once) or a make-up day."""
    day = _national_day(kind, day_id)
    if request.method == "GET":
        values = dict(day.__data__)
        if kind == "holiday":
            days = services.holiday_range(day)
            values.update(start=days[0].date, end=days[-1].date)
        return _national_form(kind, day, values, {})
    try:
        errors = _save_national(kind, day)
    except ConflictError:
        return conflict_response(url_for("calendars.national_edit", kind=kind, day_id=day.id))
    if errors:
        return _national_form(kind, day, request.form, errors, 422)
    return go(url_for("calendars.national"))


@bp.post("/admin/calendar/national/<any(holiday,makeup):kind>/<int:day_id>/delete")
@allow(ADMIN)
def national_delete(kind, day_id):
    """Delete a make-up day, or every day of a holiday range."""
    operations.delete_national(_national_day(kind, day_id))
    return go(url_for("calendars.national"))


# ---- .ics import ------------------------------------------------------------------------


def _import(school, term, status=200, **context):
    context.setdefault("rows", None)
    return render(
        "calendars/import.html",
        "calendars/_import_panel.html",
        status,
        school=school,
        term=term,
        kinds=schemas.IMPORT_KINDS,
        **context,
    )


@bp.route("/admin/schools/<int:school_id>/calendar/import", methods=["GET", "POST"])
@allow(ADMIN)
def ics_upload(school_id):
    """Upload an .ics file and preview what it would add; nothing is saved here."""
    school = school_or_404(current_user, school_id)
    term = _term(school, request.args.get("term"))
    if request.method == "GET":
        return _import(school, term)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _import(school, term, 422, error=_l("请选择要导入的 .ics 文件。"))
    try:
        events = ics_import.parse(ics_import.read_limited(upload.stream))
    except PlannerError as err:
        return _import(school, term, 422, error=err.message)
    rows = ics_import.preview(school.id, term, events)
    payload = ics_import.sign(current_app.secret_key, school.id, term.id, upload.filename, rows)
    return _import(school, term, rows=rows, payload=payload, filename=upload.filename)


@bp.post("/admin/schools/<int:school_id>/calendar/import/commit")
@allow(ADMIN)
def ics_commit(school_id):
    """Save the previewed events with the kinds chosen: all of them, or none."""
    school = school_or_404(current_user, school_id)
    term = _term(school, request.args.get("term"))
    values, errors = load_form(schemas.ImportCommitSchema())
    try:
        if errors:
            raise PlannerError(_l("预览数据无效，请重新上传文件。"))
        payload = ics_import.unsign(current_app.secret_key, values["payload"], school.id, term.id)
        ics_import.commit(school.id, payload, values["kind"])
    except PlannerError as err:
        if not err.errors:  # the file or the preview can't be used
            return _import(school, term, 422, error=err.message)
        rows = [
            dict(e, n=i + 1, kind=k, problem=err.errors.get(i))
            for i, (e, k) in enumerate(zip(payload["events"], values["kind"]))
        ]
        return _import(
            school,
            term,
            422,
            rows=rows,
            payload=values["payload"],
            filename=payload["file"],
            error=_l("有事件与已有日期冲突，未导入任何内容。"),
        )
    return go(_calendar_url(school.id, term))
