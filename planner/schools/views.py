"""Admin screens for the agency, schools, terms, classes and rooms (one generic resource)."""

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, in_schools, schools_query
from planner.calendars.services import default_term
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.reflections.safeguarding import lead_candidates
from planner.reports.pyramid import pyramid_for
from planner.roles import ADMIN, STAFF
from planner.schools import schemas, years
from planner.schools.blueprint import bp
from planner.schools.models import (
    ROOM_KINDS,
    SCHOOL_STAGES,
    Agency,
    Room,
    School,
    SchoolClass,
    Term,
)
from planner.schools.services import create_record, set_archived, update_agency, update_record
from planner.web import conflict_response, go, int_arg, load_form, render


@dataclass
class Resource:
    model: type
    schema: type
    title: object
    fields: list

    def load(self, editing):
        schema_cls = schemas.with_version(self.schema) if editing else self.schema
        return load_form(schema_cls())


RESOURCES = {
    "schools": Resource(
        School,
        schemas.SchoolSchema,
        _l("学校"),
        [
            FieldSpec("name", _l("学校名称"), maxlength=100, required=True),
            FieldSpec(
                "code",
                _l("学校编码"),
                maxlength=20,
                required=True,
                help=_l("用于统一档案编码，例如 TC-SY"),
            ),
            FieldSpec("stage", _l("学段"), "select", SCHOOL_STAGES, required=True),
            FieldSpec("address", _l("地址"), maxlength=200),
        ],
    ),
    "terms": Resource(
        Term,
        schemas.TermSchema,
        _l("学期"),
        [
            FieldSpec(
                "name",
                _l("学期名称"),
                maxlength=60,
                required=True,
                help=_l("例如 2026—2027学年第一学期"),
            ),
            FieldSpec("start", _l("开始日期"), "date", required=True),
            FieldSpec("end", _l("结束日期"), "date", required=True),
        ],
    ),
    "classes": Resource(
        SchoolClass,
        schemas.SchoolClassSchema,
        _l("班级"),
        [
            FieldSpec("grade", _l("年级"), "number", min=1, max=12, required=True),
            FieldSpec("name", _l("班级名称"), maxlength=40, required=True, help=_l("例如 7(1)班")),
            FieldSpec("headteacher", _l("班主任"), maxlength=40),
        ],
    ),
    "rooms": Resource(
        Room,
        schemas.RoomSchema,
        _l("场地"),
        [
            FieldSpec("name", _l("场地名称"), maxlength=60, required=True),
            FieldSpec("kind", _l("类型"), "select", ROOM_KINDS, required=True),
            FieldSpec("capacity", _l("容纳人数"), "number", min=1, max=500),
        ],
    ),
}
KINDS = "any(" + ",".join(RESOURCES) + ")"
AGENCY_FIELDS = [
    FieldSpec("name", _l("机构名称"), maxlength=100),
    FieldSpec("code", _l("机构编码"), maxlength=20, help=_l("用于统一档案编码（标准 9.4）。")),
    FieldSpec(
        "require_second_factor",
        _l("管理员和督导必须使用两步验证"),
        "checkbox",
        help=_l("开启后，尚未设置两步验证的管理员和督导在下次登录时必须先完成设置。"),
    ),
]


def _item(kind, item_id):
    res = RESOURCES[kind]
    query = (
        schools_query(current_user) if res.model is School else in_schools(res.model, current_user)
    )
    return get_or_404(query, item_id)


def _back(item):
    school = item if isinstance(item, School) else item.school
    return url_for("schools.school", school_id=school.id)


def _form(kind, item, values, errors, status=200):
    res = RESOURCES[kind]
    action = (
        url_for("schools.edit", kind=kind, item_id=item.id)
        if item
        else url_for("schools.new", kind=kind, school=request.args.get("school"))
    )
    return render(
        "schools/form.html",
        "schools/_form.html",
        status,
        res=res,
        kind=kind,
        item=item,
        values=values,
        errors=errors,
        action=action,
    )


@bp.get("/admin/")
@allow(ADMIN)
def admin_index():
    """The agency and its schools."""
    schools = schools_query(current_user).order_by(School.archived, School.name)
    return render(
        "schools/admin.html",
        "schools/_school_list.html",
        agency=current_user.agency,
        schools=list(schools),
    )


@bp.route("/admin/agency", methods=["GET", "POST"])
@allow(ADMIN)
def agency():
    """Edit the agency's name, archive-code prefix and safeguarding settings: the lead who
    receives unsupervised workers' and escalated flags, and the hours before escalation."""
    item = Agency.get_by_id(current_user.agency_id)
    leads = lead_candidates(item.id)
    if request.method == "GET":
        return _agency_form(item, leads, item.__data__, {})
    values, errors = load_form(schemas.AgencySchema(leads))
    if errors:
        return _agency_form(item, leads, request.form, errors, 422)
    try:
        update_agency(current_user, item, values)
    except ConflictError:
        return conflict_response(url_for("schools.agency"))
    except PlannerError as err:
        return _agency_form(item, leads, request.form, {err.field or "name": err.message}, 422)
    return go(url_for("schools.admin_index"))


def _agency_form(item, leads, values, errors, status=200):
    fields = [
        *AGENCY_FIELDS,
        FieldSpec(
            "safeguarding_lead",
            _l("安全事项负责人"),
            "select",
            leads,
            blank=_l("（未指定）"),
            help=_l(
                "没有督导的社工提出的安全关注、以及超时未确认的安全关注交给此人；未指定时交给全部管理员。"
            ),
        ),
        FieldSpec(
            "escalation_hours",
            _l("安全关注升级时限（小时）"),
            "number",
            min=1,
            max=168,
            required=True,
            help=_l("安全关注超过这么多小时仍未确认，就升级给安全事项负责人（1–168）。"),
        ),
    ]
    return render(
        "schools/agency.html",
        "schools/_agency_form.html",
        status,
        values=values,
        errors=errors,
        item=item,
        fields=fields,
    )


@bp.get("/schools/<int:school_id>")
@allow(*STAFF)
def school(school_id):
    """One school: its terms, its latest school year's classes (older years' classes are
    on the years screen's history, and on the records that name them) and its rooms."""
    item = get_or_404(schools_query(current_user), school_id)
    terms = list(item.terms.order_by(Term.start.desc()))
    return render(
        "schools/school.html",
        "schools/_school_body.html",
        school=item,
        terms=terms,
        pyramid=_pyramid(item, terms),
        classes=list(
            item.classes.where(
                (SchoolClass.school_year == years.latest_year_id(item.id))
                | SchoolClass.school_year.is_null()
            ).order_by(SchoolClass.grade, SchoolClass.name)
        ),
        rooms=list(item.rooms.order_by(Room.name)),
    )


def _pyramid(school, terms):
    """(term, figures) of the school's current term's pyramid (100/15/5) in the user's
    view, numbers only (reports/pyramid.py), or None without a term."""
    today = local_today()
    term = default_term([t for t in reversed(terms) if not t.archived], today)
    if term is None:
        return None
    found = pyramid_for(current_user, term.name, school_id=school.id, day=today)
    return term, found.schools[school.id]


@bp.route(f"/admin/<{KINDS}:kind>/new", methods=["GET", "POST"])
@allow(ADMIN)
def new(kind):
    """Create a school, or a term/class/room of ?school=ID."""
    school = None
    if kind != "schools":
        school = get_or_404(schools_query(current_user), int_arg("school"))
    if request.method == "GET":
        return _form(kind, None, {}, {})
    values, errors = RESOURCES[kind].load(editing=False)
    if errors:
        return _form(kind, None, request.form, errors, 422)
    try:
        item = create_record(RESOURCES[kind].model, current_user.agency, school, values)
    except PlannerError as err:
        return _form(kind, None, request.form, {err.field: err.message}, 422)
    return go(_back(item))


@bp.route(f"/admin/<{KINDS}:kind>/<int:item_id>/edit", methods=["GET", "POST"])
@allow(ADMIN)
def edit(kind, item_id):
    """Edit a record; a stale version gets the conflict screen."""
    item = _item(kind, item_id)
    if request.method == "GET":
        return _form(kind, item, item.__data__, {})
    values, errors = RESOURCES[kind].load(editing=True)
    if errors:
        return _form(kind, item, request.form, errors, 422)
    try:
        update_record(item, values)
    except ConflictError:
        return conflict_response(url_for("schools.edit", kind=kind, item_id=item_id))
    except PlannerError as err:
        return _form(kind, item, request.form, {err.field: err.message}, 422)
    return go(_back(item))


@bp.post(f"/admin/<{KINDS}:kind>/<int:item_id>/archive")
@allow(ADMIN)
def archive(kind, item_id):
    """Archive or restore (?restore=1) a record."""
    item = _item(kind, item_id)
    set_archived(item, request.form.get("restore") != "1")
    return go(_back(item) if kind != "schools" else url_for("schools.admin_index"))
