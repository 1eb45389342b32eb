"""Views of planner.students (blueprint "students"): students of a school, a student's
record and consent, the archive-code pattern. The import and group-roster screens add
their routes to the same blueprint (import_views.py, group_views.py).

Who: the school's workers and admins change; a supervisor reads only the students in the
groups of the workers they supervise (access.students_scope);
teachers see no student-level records at all. Another school's student answers 404.
"""

from flask import abort, request, url_for
from flask_login import current_user
from peewee import JOIN

from planner.access import allow, can_plan, get_or_404, school_or_404, students_scope
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.privacy import requests as data_requests
from planner.privacy.forms import REQUEST_FIELDS
from planner.roles import ADMIN, EDITORS, STAFF
from planner.schools.models import Agency, SchoolClass
from planner.students import codes, consent, schemas, services
from planner.students.blueprint import bp
from planner.students.models import GIVERS, METHODS, MISSING, PURPOSES, Consent, Student
from planner.web import conflict_response, error_status, go, int_arg, is_htmx, load_form, render

PAGE_SIZE = 100


def _student(student_id, change=False):
    student = get_or_404(students_scope(current_user), student_id)
    if change and not can_plan(current_user, student.school_id):
        abort(403)
    return student


@bp.get("/schools/<int:school_id>/students")
@allow(*STAFF)
def index(school_id):
    """A school's students: archive code, name, class, grade and consent per purpose."""
    school = school_or_404(current_user, school_id)
    class_id = int_arg("class")
    archived = request.args.get("archived") == "1"
    page = int_arg("page", 1)
    query = services.students_query(school.id, class_id, archived, current_user)
    total, students = services.list_students(current_user, school.id, query, page, PAGE_SIZE)
    return render(
        "students/index.html",
        "students/_list.html",
        school=school,
        students=students,
        total=total,
        page_no=page,
        pages=-(-total // PAGE_SIZE),
        classes=services.school_classes(school.id),
        class_id=class_id,
        archived=archived,
        purposes=PURPOSES,
        filters={k: v for k, v in (("class", class_id), ("archived", int(archived))) if v},
        standings=consent.standings(s.id for s in students),
        missing=MISSING,
        can_change=can_plan(current_user, school.id),
        imported=int_arg("imported", low=0),
    )


def _fields(school_id):
    classes = {str(c.id): c.name for c in services.school_classes(school_id)}
    return [
        FieldSpec("name", _l("姓名"), maxlength=40, required=True),
        FieldSpec("gender", _l("性别"), "select", schemas.GENDERS),
        FieldSpec("student_no", _l("学号"), maxlength=30, required=True),
        FieldSpec(
            "birth_date",
            _l("出生日期"),
            "date",
            help=_l(
                "用于判断需要谁的知情同意：未满 18 周岁须监护人同意，年满 14 周岁还须本人同意。"
            ),
        ),
        FieldSpec("school_class", _l("班级"), "select", classes, required=True),
        FieldSpec("guardian_name", _l("监护人姓名"), maxlength=40),
        FieldSpec("guardian_phone", _l("监护人电话"), "tel", maxlength=20),
    ]


def _form(school, item, values, errors, status=200):
    action = (
        url_for("students.edit", student_id=item.id)
        if item
        else url_for("students.new", school_id=school.id)
    )
    return render(
        "students/form.html",
        "students/_form.html",
        status,
        school=school,
        item=item,
        values=values,
        errors=errors,
        action=action,
        fields=_fields(school.id),
    )


@bp.route("/schools/<int:school_id>/students/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new(school_id):
    """Add one student; the archive code is issued on save."""
    school = school_or_404(current_user, school_id, plan=True)
    if request.method == "GET":
        return _form(school, None, {}, {})
    values, errors = load_form(schemas.StudentSchema())
    if errors:
        return _form(school, None, request.form, errors, 422)
    try:
        student = services.create_student(current_user, school, values)
    except PlannerError as err:
        return _form(school, None, request.form, {err.field: err.message}, 422)
    return go(url_for("students.show", student_id=student.id))


@bp.route("/students/<int:student_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit(student_id):
    """Edit a student (opening the form is audited as a read); a stale version gets the
    conflict screen."""
    student = _student(student_id, change=True)
    school = student.school
    if request.method == "GET":
        services.record_view(current_user, student)  # the form shows the record too
        return _form(school, student, student.__data__, {})
    values, errors = load_form(schemas.EditStudentSchema())
    if errors:
        return _form(school, student, request.form, errors, 422)
    try:
        services.update_student(current_user, student, values)
    except ConflictError:
        return conflict_response(url_for("students.edit", student_id=student.id))
    except PlannerError as err:
        return _form(school, student, request.form, {err.field: err.message}, 422)
    return go(url_for("students.show", student_id=student.id))


@bp.post("/students/<int:student_id>/archive")
@allow(*EDITORS)
def archive(student_id):
    """Archive or restore (restore=1) a student; nothing is deleted."""
    student = _student(student_id, change=True)
    try:
        services.set_archived(current_user, student, request.form.get("restore") != "1")
    except PlannerError as err:
        return _record(student, error_status(err), errors={err.field: err.message})
    return go(url_for("students.show", student_id=student.id))


CONSENT_FIELDS = [
    FieldSpec("purpose", _l("用途"), "select", PURPOSES, required=True),
    FieldSpec("given_by", _l("同意方"), "select", GIVERS, required=True),
    FieldSpec("giver_name", _l("同意人姓名"), maxlength=40, required=True),
    FieldSpec(
        "notice_version",
        _l("告知书版本"),
        maxlength=20,
        required=True,
        help=_l("学生和监护人看到的告知书的版本号，例如 2026-09。"),
    ),
    FieldSpec("given_on", _l("同意日期"), "date", required=True),
    FieldSpec("method", _l("方式"), "select", METHODS, required=True),
]


def _consent_defaults(student, standing):
    """The first giver the rule asks for today whose consent is missing for some purpose
    (after the 14th birthday, the student's own), pre-selected; the worker can change it."""
    today = standing.day
    required = consent.required_givers(student.birth_date, today)
    lacking = {giver for purpose in PURPOSES for giver in standing.missing(purpose)}
    giver = next((g for g in required if g in lacking), required[0])
    return {
        "given_by": giver,
        "given_on": today.isoformat(),
        "method": "paper",
        "giver_name": student.guardian_name if giver == "guardian" else student.name,
    }


def _record(student, status=200, values=None, errors=None):
    """The record page, audited; after an htmx consent change, only its consent section
    (the change itself is audited as consent_change)."""
    today = local_today()
    consents = consent.consents_of(student.id)
    standing = consent.standing_of(student, consents, today)
    context = dict(
        student=student,
        consents=consents,
        standing=standing,
        required=consent.required_givers(student.birth_date, today),
        age=consent.age_on(student.birth_date, today) if student.birth_date else None,
        missing=MISSING,
        today=today,
        values=values or {},
        errors=errors or {},
        purposes=PURPOSES,
        givers=GIVERS,
        methods=METHODS,
        can_change=can_plan(current_user, student.school_id),
        consent_fields=CONSENT_FIELDS,
        consent_defaults=_consent_defaults(student, standing),
    )
    if is_htmx() and request.method == "POST":
        return render("students/show.html", "students/_consents.html", status, **context)
    services.record_view(current_user, student)
    return render(
        "students/show.html",
        "students/_consents.html",
        status,
        memberships=services.memberships(student.id),
        class_history=services.class_history(student.id),
        data_requests=data_requests.requests_of(student.id),
        can_request=data_requests.can_request(current_user, student),
        request_fields=REQUEST_FIELDS,
        request_values={"asked_on": today.isoformat(), "requester": "guardian"},
        **context,
    )


@bp.get("/students/<int:student_id>")
@allow(*STAFF)
def show(student_id):
    """A student's record: details, consent and groups. Reading it is audited."""
    query = (
        students_scope(current_user)
        .select_extend(SchoolClass)
        .join(SchoolClass, JOIN.LEFT_OUTER, on=(Student.school_class == SchoolClass.id))
    )
    return _record(get_or_404(query, student_id))


@bp.post("/students/<int:student_id>/consents")
@allow(*EDITORS)
def consent_add(student_id):
    """Record a consent for one purpose (audited)."""
    student = _student(student_id, change=True)
    values, errors = load_form(schemas.ConsentSchema())
    if not errors:
        try:
            consent.give(current_user, student, values)
            return _after_consent(student)
        except PlannerError as err:
            errors = {err.field: err.message}
    return _record(student, 422, request.form, errors)


@bp.post("/students/<int:student_id>/consents/<int:consent_id>/withdraw")
@allow(*EDITORS)
def consent_withdraw(student_id, consent_id):
    """Withdraw a consent from today (audited); processing stops on the next request."""
    student = _student(student_id, change=True)
    item = get_or_404(Consent.select().where(Consent.student == student.id), consent_id)
    try:
        consent.withdraw(current_user, item)
    except PlannerError as err:
        return _record(student, 422, errors={err.field: err.message})
    return _after_consent(student)


def _after_consent(student):
    if is_htmx():
        return _record(student)
    return go(url_for("students.show", student_id=student.id))


PATTERN_FIELD = FieldSpec(
    "pattern",
    _l("编码规则"),
    maxlength=80,
    required=True,
    help=_l(
        "可用占位符：{agency} 机构编码，{school} 学校编码，{type} 记录类型（学生为 ST），{year} 年份，"
        "{seq:04d} 流水号（4 位，不足补 0）。必须包含 {school}、{year} 和 {seq}。"
    ),
    attrs={"spellcheck": "false", "autocomplete": "off"},
)


@bp.route("/admin/archive-code", methods=["GET", "POST"])
@allow(ADMIN)
def archive_setting():
    """The agency's archive-code pattern (standard 9.4)."""
    agency = Agency.get_by_id(current_user.agency_id)
    pattern = codes.pattern_for(agency.id)
    errors = {}
    if request.method == "POST":
        values, errors = load_form(schemas.PatternSchema())
        if not errors:
            try:
                codes.save_pattern(agency, values["pattern"])
                return go(url_for("students.archive_setting", saved=1))
            except PlannerError as err:
                errors = {"pattern": err.message}
        pattern = request.form.get("pattern", "")
    return render(
        "students/archive_setting.html",
        "students/_archive_setting_form.html",
        422 if errors else 200,
        agency=agency,
        values={"pattern": pattern},
        fields=[PATTERN_FIELD],
        errors=errors,
        example=None if errors else codes.example(agency, pattern),
        saved=request.args.get("saved") == "1",
        placeholders=codes.PLACEHOLDERS,
    )
