"""Library, curriculum page and editor. Views are thin: load form → service → render."""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404
from planner.curricula import editor, services
from planner.curricula.forms import (
    ACTIVITY_KEYS,
    LIST_FIELDS,
    ActivityForm,
    PlanForm,
    SessionForm,
    activity_rows,
)
from planner.curricula.models import GRADE_BANDS, KINDS, THEMES, SessionTemplate
from planner.curricula.plan_fields import PLAN_GROUP, PLAN_LABELS
from planner.curricula.rules import check_grades, check_period
from planner.curricula.stages import meeting_stages
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.forms import small_int
from planner.i18n import lazy_gettext as _l
from planner.roles import EDITORS, STAFF
from planner.web import FieldSpec, conflict_response, go, load_form, render

bp = Blueprint("curricula", __name__, url_prefix="/curricula")


@bp.app_template_filter("session_minutes")
def session_minutes_filter(session):
    """Minutes of a session's activities (activities already loaded)."""
    return services.session_minutes(session)


@bp.app_template_filter("risk_lines")
def risk_lines(risks):
    """Risks as the editor's textarea lines: 风险｜应对."""
    return "\n".join(f"{r['risk']}｜{r['response']}" for r in risks or [])


def _get(cid):
    return get_or_404(services.visible(current_user), cid)


def _editable(cid):
    curriculum = _get(cid)
    if not editor.can_edit(current_user, curriculum):
        abort(403)
    if curriculum.status != "draft":
        abort(409)
    return curriculum


# The library's filters: a search and three selects, each "all" when left empty.
ALL = _l("全部")
LIBRARY_FILTERS = [
    FieldSpec(
        "q", _l("搜索"), "search", maxlength=40, attrs={"placeholder": _l("标题、主题或简介")}
    ),
    FieldSpec("kind", _l("类型"), "select", KINDS, blank=ALL),
    FieldSpec("theme", _l("主题"), "select", {t: _l(t) for t in THEMES}, blank=ALL),
    FieldSpec(
        "grade", _l("年级"), "select", {g: _l("%(g)s 年级", g=g) for g in range(1, 13)}, blank=ALL
    ),
]


@bp.get("/")
@allow(*STAFF)
def library():
    """Browse and filter the library; htmx requests get just the results."""
    chosen = {k: request.args.get(k, "").strip()[:40] for k in ("kind", "theme", "grade", "q")}
    grade = small_int(chosen["grade"])
    items = services.cards(
        services.library(
            current_user,
            chosen["kind"] or None,
            chosen["theme"] or None,
            grade,
            chosen["q"] or None,
        )
    )
    return render(
        "curricula/library.html",
        "curricula/_results.html",
        items=items,
        filters=chosen,
        filter_fields=LIBRARY_FILTERS,
    )


@bp.get("/<int:cid>")
@allow(*STAFF)
def show(cid):
    """The whole plan, readable on a tablet, with the 8.3.3 compliance panel."""
    curriculum = editor.full(_get(cid).id)
    return render(
        "curricula/show.html",
        "curricula/_show_body.html",
        curriculum=curriculum,
        problems=editor.problems(curriculum),
        labels=PLAN_LABELS,
        can_edit=editor.can_edit(current_user, curriculum),
    )


@bp.post("/<int:cid>/fork")
@allow(*EDITORS)
def fork(cid):
    """Copy into my agency as a draft to adapt for one school."""
    copy = editor.fork(_get(cid), current_user)
    return go(url_for("curricula.edit", cid=copy.id))


@bp.post("/<int:cid>/new-version")
@allow(*EDITORS)
def new_version(cid):
    """Start editing a published curriculum: a new draft version."""
    try:
        draft = editor.new_version(_get(cid), current_user)
    except PlannerError:
        abort(403)
    return go(url_for("curricula.edit", cid=draft.id))


def _plan_values(values):
    plan = {k: values.pop(k) for k in PLAN_LABELS}
    return dict(values, plan=plan)


def _plan_fields(curriculum) -> list:
    """The plan form: the curriculum's facts, then every plan field it has (a growth
    group's own fields only for a group), each filled from the stored plan."""

    def stored(key):
        value = curriculum.plan.get(key)
        if key == "risks":
            return risk_lines(value)
        return "\n".join(value) if isinstance(value, list) else (value or "")

    def help_for(key):
        if key in LIST_FIELDS:
            return _l("每行一项。")
        return _l("每行一项：风险｜应对措施") if key == "risks" else None

    return [
        FieldSpec("title", _l("标题"), maxlength=60, default=curriculum.title),
        FieldSpec(
            "theme",
            _l("主题"),
            "select",
            {t: _l(t) for t in THEMES},
            blank=False,
            default=curriculum.theme,
        ),
        FieldSpec(
            "grade_band",
            _l("学段"),
            "select",
            {b: _l(b) for b in GRADE_BANDS},
            blank=False,
            default=curriculum.grade_band,
        ),
        FieldSpec(
            "period_minutes",
            _l("单节时长（分钟）"),
            "number",
            min=20,
            max=120,
            help=_l("小学 40 分钟，初中、高中 45 分钟；成长小组按实际安排。"),
            default=curriculum.period_minutes,
        ),
        FieldSpec(
            "grades",
            _l("适用年级"),
            "checks",
            {g: g for g in range(1, 13)},
            default=curriculum.grades,
        ),
        FieldSpec(
            "summary",
            _l("简介"),
            "textarea",
            maxlength=2000,
            default=curriculum.summary,
            attrs={"rows": 2},
        ),
    ] + [
        FieldSpec(
            key,
            label,
            "textarea",
            maxlength=2000,
            default=stored(key),
            help=help_for(key),
            attrs={"rows": 3},
        )
        for key, label in PLAN_LABELS.items()
        if curriculum.kind == "group" or key not in PLAN_GROUP
    ]


def _editor_page(
    curriculum,
    errors=None,
    values=None,
    status=200,
    problems=None,
    fragment="curricula/_plan_form.html",
):
    return render(
        "curricula/edit.html",
        fragment,
        status,
        curriculum=curriculum,
        errors=errors or {},
        values=values,
        plan_fields=_plan_fields(curriculum),
        problems=problems,
        minutes=services.session_minutes,
    )


@bp.route("/<int:cid>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit(cid):
    """The editor: plan fields here; each session has its own form."""
    curriculum = editor.full(_editable(cid).id)
    if request.method == "GET":
        return _editor_page(curriculum)
    values, errors = load_form(PlanForm())
    if not errors:
        values = _plan_values(values)
        errors = {
            p[0]: str(m)
            for p, m in check_grades(values) + check_period(dict(values, kind=curriculum.kind))
        }
    if errors:
        return _editor_page(curriculum, errors, request.form, 422)
    try:
        editor.save_plan(curriculum, current_user, values)
    except ConflictError:
        return conflict_response(url_for("curricula.edit", cid=cid))
    return _editor_page(editor.full(cid))


SENSITIVITY_CHOICES = {
    "puberty": _l("青春期话题"),
    "grief": _l("哀伤与丧失"),
    "disclosure": _l("可能出现披露"),
}
# One activity row's fields (posted as a_<name>[], one per row).
ACTIVITY_FIELDS = [
    FieldSpec(
        "phase",
        _l("环节"),
        "select",
        {p: _l(p) for p in ("导入", "主体", "练习", "总结")},
        blank=False,
    ),
    FieldSpec("title", _l("活动名称"), maxlength=60),
    FieldSpec(
        "minutes",
        _l("分钟"),
        "number",
        min=1,
        max=120,
        attrs={"inputmode": "numeric", "class": "minutes-input"},
    ),
    FieldSpec("purpose", _l("活动目的"), "textarea", attrs={"rows": 2}),
    FieldSpec("steps", _l("步骤（每行一步）"), "textarea", attrs={"rows": 4}),
    FieldSpec("materials", _l("物资（每行一项）"), "textarea", attrs={"rows": 2}),
    FieldSpec("debrief", _l("分享讨论问题（每行一个）"), "textarea", attrs={"rows": 2}),
]


def _session_fields(curriculum, session) -> dict:
    """The session form's own fields (its activities are rows of ACTIVITY_FIELDS)."""

    def text(name, label, rows, maxlength=2000, default=""):
        return FieldSpec(
            name, label, "textarea", maxlength=maxlength, default=default, attrs={"rows": rows}
        )

    stages = {name: _l(name) for name in meeting_stages()}
    fields = [
        FieldSpec("title", _l("本节标题"), maxlength=60, default=session.title),
        FieldSpec("stage", _l("计划阶段"), "select", stages, blank=False, default=session.stage)
        if curriculum.kind == "group"
        else None,
        text("knowledge", _l("知识目标"), 3, default=session.objectives.get("knowledge", "")),
        text("skill", _l("技能目标"), 3, default=session.objectives.get("skill", "")),
        text("attitude", _l("态度目标"), 3, default=session.objectives.get("attitude", "")),
        text("key_messages", _l("核心信息（每行一条）"), 3, None, "\n".join(session.key_messages)),
        text("materials", _l("物资（每行一项）"), 3, None, "\n".join(session.materials)),
        text("preparation", _l("课前准备"), 2, default=session.preparation),
        text("home_link", _l("家校延伸"), 2, default=session.home_link),
        FieldSpec(
            "sensitivity",
            _l("敏感话题提示"),
            "checks",
            SENSITIVITY_CHOICES,
            default=session.sensitivity,
        ),
    ]
    return {spec.name: spec for spec in fields if spec is not None}


def _session_form(curriculum, session, rows, errors=None, status=200, saved=False):
    total = sum(small_int(r.get("minutes"), 0) for r in rows)
    return render(
        "curricula/session_edit.html",
        "curricula/_session_form.html",
        status,
        curriculum=curriculum,
        session=session,
        rows=rows,
        errors=errors or {},
        total=total,
        fields=_session_fields(curriculum, session),
        activity_fields=ACTIVITY_FIELDS,
        values=request.form if request.method == "POST" else {},
        saved=saved,
    )


def _rows_from_db(session):
    return [
        {
            k: ("\n".join(getattr(a, k)) if isinstance(getattr(a, k), list) else getattr(a, k))
            for k in ACTIVITY_KEYS
        }
        for a in session.activities
    ]


def _rearrange(rows, action):
    """Add, remove or move an activity row in the unsaved form."""
    verb, _, index = action.partition(":")
    i = small_int(index, -1)
    if verb == "add":
        rows.append(
            {
                "phase": "主体",
                "title": "",
                "minutes": "5",
                "purpose": "",
                "steps": "",
                "materials": "",
                "debrief": "",
            }
        )
    elif verb == "remove" and 0 <= i < len(rows):
        rows.pop(i)
    elif verb in ("up", "down") and 0 <= i < len(rows):
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(rows):
            rows[i], rows[j] = rows[j], rows[i]
    return rows


def _load_session(form, curriculum):
    values, errors = load_form(SessionForm(), form)
    activities, rows = [], activity_rows(form)
    for i, row in enumerate(rows):
        loaded, row_errors = load_form(ActivityForm(), row)
        errors.update({f"a{i}_{k}": v for k, v in row_errors.items()})
        activities.append(loaded)
    if not errors:
        total = sum(a["minutes"] for a in activities)
        if total > curriculum.period_minutes:
            errors["timing"] = editor.overrun_message(total, curriculum.period_minutes)
        if not activities:
            errors["timing"] = editor.EMPTY_SESSION
        if curriculum.kind == "group" and values.get("stage") not in meeting_stages():
            errors["stage"] = editor.BAD_STAGE
    return values, activities, rows, errors


@bp.route("/<int:cid>/sessions/<int:sid>", methods=["GET", "POST"])
@allow(*EDITORS)
def session_edit(cid, sid):
    """Edit one session and its activities; add/remove/move rows before saving."""
    curriculum = _editable(cid)
    session = get_or_404(SessionTemplate.select().where(SessionTemplate.curriculum == cid), sid)
    if request.method == "GET":
        return _session_form(curriculum, session, _rows_from_db(session))
    action = request.form.get("action", "save")
    if action != "save":
        return _session_form(curriculum, session, _rearrange(activity_rows(request.form), action))
    values, activities, rows, errors = _load_session(request.form, curriculum)
    if errors:
        return _session_form(curriculum, session, rows, errors, 422)
    values = editor.session_values(values, curriculum)
    try:
        editor.save_session(session, curriculum, current_user, values, activities)
    except ConflictError:
        return conflict_response(url_for("curricula.session_edit", cid=cid, sid=sid))
    session = SessionTemplate.get_by_id(sid)
    return _session_form(curriculum, session, _rows_from_db(session), saved=True)


@bp.post("/<int:cid>/sessions/add")
@allow(*EDITORS)
def session_add(cid):
    """Append a session and open it."""
    session = editor.add_session(_editable(cid), current_user)
    return go(url_for("curricula.session_edit", cid=cid, sid=session.id))


@bp.post("/<int:cid>/sessions/<int:sid>/move")
@allow(*EDITORS)
def session_move(cid, sid):
    """Move a session up or down (buttons, no dragging needed)."""
    curriculum = _editable(cid)
    session = get_or_404(SessionTemplate.select().where(SessionTemplate.curriculum == cid), sid)
    editor.move_session(
        session, curriculum, current_user, -1 if request.form.get("direction") == "up" else 1
    )
    return go(url_for("curricula.edit", cid=cid) + "#sessions")


@bp.post("/<int:cid>/sessions/<int:sid>/delete")
@allow(*EDITORS)
def session_delete(cid, sid):
    """Remove a session."""
    curriculum = _editable(cid)
    session = get_or_404(SessionTemplate.select().where(SessionTemplate.curriculum == cid), sid)
    editor.delete_session(session, curriculum, current_user)
    return go(url_for("curricula.edit", cid=cid) + "#sessions")


@bp.post("/<int:cid>/publish")
@allow(*EDITORS)
def publish(cid):
    """Publish the draft, or list what still stops it."""
    curriculum = _editable(cid)
    found = editor.publish(curriculum, current_user)
    if found:
        # htmx gets the piece that changed: the list of what stops publishing
        return _editor_page(
            editor.full(cid), status=422, problems=found, fragment="curricula/_compliance.html"
        )
    return go(url_for("curricula.show", cid=cid))
