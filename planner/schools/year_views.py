"""The school years screen (/admin/schools/<id>/years): the school's years, and the rollover
into the next one, previewed in a form (classes kept, entry classes, term dates) before the
commit. Admin only, own agency only; the service is planner.schools.rollover."""

from flask import request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, schools_query
from planner.errors import PlannerError
from planner.forms import FieldSpec
from planner.i18n import lazy_gettext as _l
from planner.roles import ADMIN
from planner.schools import rollover, schemas, years
from planner.schools.blueprint import bp
from planner.web import go, int_arg, load_form, render

TERM_FIELDS = ("term1_start", "term1_end", "term2_start", "term2_end")


def _specs(plan) -> dict:
    """The form's fields, their defaults taken from the preview."""
    if plan is None or plan.done:
        return {}
    keep = {
        m.source.id: _l(
            "%(old)s → %(new)s：保留班主任和任课教师", old=m.source.name, new=m.new_name
        )
        for m in plan.moving
    }
    specs = {
        "keep": FieldSpec(
            "keep",
            _l("沿用的班主任和教师"),
            "checks",
            keep,
            default=[str(i) for i in keep],
            help=_l("不勾选的班级，新学年由管理员重新指定。"),
        ),
        "entry": [
            FieldSpec(
                f"entry_{g}",
                _l("%(g)s 年级新建空班数", g=g),
                "number",
                min=0,
                max=rollover.MAX_ENTRY_CLASSES,
                default=n,
                help=_l("默认与上一学年相同，可稍后导入名单。"),
            )
            for g, n in sorted(plan.entry_counts.items())
        ],
        "terms": [],
    }
    for (name, start, end), n in zip(plan.terms, (1, 2), strict=False):
        specs["terms"] += [
            FieldSpec(f"term{n}_start", _l("%(t)s开始", t=name), "date", default=start),
            FieldSpec(f"term{n}_end", _l("%(t)s结束", t=name), "date", default=end),
        ]
    return specs


def _page(school, start_year, status=200, values=None, errors=None, plan=None, problem=None):
    if plan is None and problem is None:
        try:
            plan = rollover.preview(current_user, school, start_year)
        except PlannerError as err:
            problem = err.message
    return render(
        "schools/years.html",
        "schools/_years_body.html",
        status,
        school=school,
        years=years.summaries(school.id),
        start_year=start_year,
        plan=plan,
        problem=problem,
        values=values,
        errors=errors or {},
        specs=_specs(plan),
    )


@bp.route("/admin/schools/<int:school_id>/years", methods=["GET", "POST"])
@allow(ADMIN)
def school_years(school_id):
    """GET: the years and the rollover preview (?year=YYYY, default the coming year).
    POST: commit the rollover as the form says."""
    school = get_or_404(schools_query(current_user), school_id)
    if request.method == "GET":
        start_year = int_arg("year", rollover.default_start_year(), 2000, 2100)
        return _page(school, start_year)
    values, errors = load_form(schemas.RolloverSchema())
    if errors:
        posted = request.form.get("year", "")
        start_year = int(posted) if posted.isdigit() and 2000 <= int(posted) <= 2100 else None
        return _page(school, start_year or rollover.default_start_year(), 422, request.form, errors)
    dates = [values[n] for n in TERM_FIELDS]
    entry = {
        g: values[f"entry_{g}"]
        for g in years.entry_grades(school.stage)
        if values.get(f"entry_{g}") is not None
    }
    try:
        rollover.commit(
            current_user,
            school,
            values["year"],
            keep=set(values["keep"]),
            entry_counts=entry,
            term_dates=[dates[:2], dates[2:]] if dates[0] else None,
        )
    except PlannerError as err:
        field = err.field or "year"
        return _page(school, values["year"], 422, request.form, {field: err.message})
    return go(url_for("schools.school_years", school_id=school.id))
