"""Library, curriculum page and editor. Views are thin: load form → service → render."""

from flask import Blueprint, abort, g, make_response, render_template, request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, schools_query
from planner.curricula import editor, forms, services
from planner.curricula.forms import (
    ACTIVITY_KEYS,
    ActivityForm,
    InviteForm,
    PlanForm,
    SessionForm,
    activity_rows,
)
from planner.curricula.models import COLLECTS, SessionTemplate
from planner.curricula.plan_fields import PLAN_LABELS
from planner.curricula.rules import check_audience, check_grades, check_period
from planner.curricula.schemas import material_refs
from planner.curricula.stages import meeting_stages
from planner.db import ConflictError
from planner.errors import CONFLICT, INVALID, PlannerError
from planner.exports import jobs
from planner.forms import small_int
from planner.roles import EDITORS, EVERYONE, STAFF
from planner.schools.models import School
from planner.web import (
    conflict_response,
    error_status,
    go,
    is_htmx,
    load_form,
    render,
    send_docx,
)

bp = Blueprint("curricula", __name__, url_prefix="/curricula")


@bp.app_template_filter("session_minutes")
def session_minutes_filter(session):
    """Minutes of a session's activities (activities already loaded)."""
    return services.session_minutes(session)


@bp.app_template_filter("material_names")
def material_names_filter(items):
    """A materials list as text (a {ref: slug} as the material's title); the titles are
    loaded once per request, and only when a list holds a reference."""
    if any(isinstance(m, dict) for m in items or []):
        if "material_titles" not in g:
            g.material_titles = services.material_titles()
        return services.material_names(items, g.material_titles)
    return list(items or [])


@bp.app_template_filter("material_refs")
def material_refs_filter(session):
    """The material slugs a session (with activities loaded) references, in order."""
    refs = material_refs(session.materials)
    for activity in session.activities:
        refs += material_refs(activity.materials)
    return list(dict.fromkeys(refs))


@bp.app_template_filter("material_refs_of")
def material_refs_of_filter(materials, activities):
    """The material slugs of a session's own list and its activities' lists."""
    refs = material_refs(materials)
    for activity in activities or []:
        refs += material_refs(activity.materials)
    return list(dict.fromkeys(refs))


def _get(cid):
    return get_or_404(services.visible(current_user), cid)


def _editable(cid):
    curriculum = _get(cid)
    if not editor.can_edit(current_user, curriculum):
        abort(403)
    if curriculum.status != "draft":
        # an old edit URL of a version published since: say so and link to it (not "edited
        # by someone else", which is the wrong reason)
        page = render_template("curricula/published.html", curriculum=curriculum)
        abort(make_response(page, 409))
    return curriculum


@bp.get("/")
@allow(*STAFF)
def library():
    """Browse and filter the library; htmx requests get just the results."""
    keys = ("audience", "tier", "kind", "theme", "grade", "q")
    chosen = {k: request.args.get(k, "").strip()[:40] for k in keys}
    grade = small_int(chosen["grade"])
    items = services.cards(
        services.library(
            current_user,
            chosen["kind"] or None,
            chosen["theme"] or None,
            grade,
            chosen["q"] or None,
            audience=chosen["audience"] or None,
            tier=chosen["tier"] or None,
        )
    )
    return render(
        "curricula/library.html",
        "curricula/_results.html",
        items=items,
        drafts=[] if is_htmx() else list(services.my_drafts(current_user)),
        filters=chosen,
        filter_fields=forms.LIBRARY_FILTERS,
    )


@bp.get("/<int:cid>")
@allow(*EVERYONE)
def show(cid):
    """The whole plan, readable on a tablet, with the 8.3.3 compliance panel."""
    curriculum = editor.full(_get(cid).id)
    return render(
        "curricula/show.html",
        "curricula/_show_body.html",
        curriculum=curriculum,
        problems=editor.problems(curriculum),
        labels=PLAN_LABELS,
        instruments=services.linked_instruments(curriculum),
        can_edit=editor.can_edit(current_user, curriculum),
        plan_schools=_plan_schools(curriculum),
    )


def _plan_schools(curriculum):
    """安排到学校: the schools where this user may plan a published curriculum."""
    if not current_user.is_editor or curriculum.status != "published":
        return []
    return list(schools_query(current_user).where(~School.archived).order_by(School.name))


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
    except PlannerError as err:
        if err.kind != CONFLICT:
            abort(403)
        # a colleague's open draft of this slug: say whose, and how to get in
        page = render_template("curricula/draft_taken.html", message=err.message, cid=cid)
        return page, error_status(err)
    return go(url_for("curricula.edit", cid=draft.id))


@bp.post("/<int:cid>/editors")
@allow(*EDITORS)
def invite(cid):
    """The author invites a colleague to read and edit the draft."""
    curriculum = _editable(cid)
    values, errors = load_form(InviteForm())
    if not errors:
        try:
            editor.invite(curriculum, current_user, values["colleague"])
        except PlannerError as err:
            if err.kind != INVALID:
                abort(error_status(err))
            errors = err.errors
    if errors:
        return _editor_page(
            editor.full(cid),
            status=422,
            fragment="curricula/_editors.html",
            invite_errors=errors,
        )
    return go(url_for("curricula.edit", cid=cid) + "#editors")


@bp.post("/<int:cid>/editors/<int:uid>/remove")
@allow(*EDITORS)
def uninvite(cid, uid):
    """The author takes an invitation back."""
    curriculum = _editable(cid)
    try:
        editor.uninvite(curriculum, current_user, uid)
    except PlannerError as err:
        abort(error_status(err))
    return go(url_for("curricula.edit", cid=cid) + "#editors")


def _plan_values(values):
    plan = {k: values.pop(k) for k in PLAN_LABELS}
    return dict(values, plan=plan)


def _editor_page(
    curriculum,
    errors=None,
    values=None,
    status=200,
    problems=None,
    fragment="curricula/_plan_form.html",
    invite_errors=None,
):
    author = curriculum.created_by_id in (None, current_user.id)
    return render(
        "curricula/edit.html",
        fragment,
        status,
        curriculum=curriculum,
        errors=errors or {},
        values=values,
        plan_fields=forms.plan_fields(curriculum),
        problems=problems,
        minutes=services.session_minutes,
        is_author=author,
        draft_editors=editor.draft_editors(curriculum),
        colleagues=editor.colleagues(current_user, curriculum) if author else [],
        invite_errors=invite_errors or {},
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
        if values.get("tier") is None:
            values.pop("tier", None)  # an older form without the field keeps the tier
        facts = dict(values, kind=curriculum.kind, audience=curriculum.audience)
        errors = {
            p[0]: str(m)
            for p, m in check_audience(facts) + check_grades(facts) + check_period(facts)
        }
    if errors:
        return _editor_page(curriculum, errors, request.form, 422)
    try:
        editor.save_plan(curriculum, current_user, values)
    except ConflictError:
        return conflict_response(url_for("curricula.edit", cid=cid))
    return _editor_page(editor.full(cid))


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
        fields=forms.session_fields(curriculum, session),
        activity_fields=forms.ACTIVITY_FIELDS,
        collects=COLLECTS,
        values=request.form if request.method == "POST" else {},
        saved=saved,
    )


def _rows_from_db(session):
    def text(a, k):
        value = getattr(a, k)
        if k == "materials":
            return forms.material_lines(value)
        return "\n".join(value) if isinstance(value, list) else value

    return [
        dict({k: text(a, k) for k in ACTIVITY_KEYS}, collects=list(a.collects or []))
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
                "collects": [],
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
    except PlannerError as err:
        return _session_form(curriculum, session, rows, err.errors, 422)
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


@bp.get("/<int:cid>/sessions/<int:seq>/materials.docx")
@allow(*STAFF)
def session_materials(cid, seq):
    """打印本节材料: the session's referenced materials as one A4 Word document (library
    content, no student data)."""
    curriculum = editor.full(_get(cid).id)
    template = next((s for s in curriculum.sessions if s.seq == seq), None)
    if template is None:
        abort(404)
    template.curriculum = curriculum
    data, name = jobs.materials_document(template, current_user)
    return send_docx(data, name)
