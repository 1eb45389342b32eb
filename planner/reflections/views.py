"""Reflections (反思记录), supervision (督导), stage timelines and missing records.

Admins get 403 on every route here but the safeguarding queue: they manage the setup and
don't read reflection content (PRIVACY_SECURITY.md §2), yet an admin chosen as the agency's
safeguarding lead, or any admin when there is none, sees the safeguarding flags routed to
the lead (standard 4.1; planner/reflections/safeguarding.py). Teachers never see
reflections. See services.py for the rest.
"""

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from planner.access import allow, get_or_404, programs_query
from planner.curricula.models import Curriculum
from planner.curricula.stages import meeting_stages
from planner.db import ConflictError
from planner.errors import PlannerError
from planner.i18n import gettext as _
from planner.reflections import forms, queries, safeguarding, services
from planner.reflections.forms import ReviewForm
from planner.reflections.models import REFLECTION_STATUSES
from planner.roles import ADMIN, SUPERVISOR, WORKER
from planner.web import conflict_response, go, is_htmx, load_form, render

bp = Blueprint("reflections", __name__)


@bp.context_processor
def labels():
    return {"statuses": REFLECTION_STATUSES}


def _session(session_id, need="read"):
    session = services.load_session(current_user, session_id)
    role = services.records_access(current_user, session.program_id)
    if role is None or (need == "write" and role != "write"):
        abort(403)
    return session, role


def _context(session, role, reflection, values=None, stage=None):
    """Everything the reflection page and its fragments draw."""
    kind = session.program.curriculum.kind
    saved = reflection.observed_stage if reflection else None
    stage = (
        stage or saved or (forms.default_stage(session.template.stage) if kind == "group" else None)
    )
    prompts = forms.questions(kind, stage)
    people = services.members(session.program_id) if kind == "group" else []
    editable = role == "write" and (reflection is None or reflection.status == "draft")
    return dict(
        session=session,
        kind=kind,
        role=role,
        reflection=reflection,
        stage=stage,
        prompts=prompts,
        stages=meeting_stages(),
        members=people,
        editable=editable,
        values=values
        if values is not None
        else forms.initial_values(reflection, kind, prompts, stage),
        skills=forms.SKILLS,
        details=forms.DETAILS,
        limit=forms.LIMIT,
        version=reflection.version if reflection else 0,
        acked={f.student_id: f for f in getattr(reflection, "items", []) if f.acknowledged_at},
        lesson_note_label=forms.LESSON_FLAG_NOTE,
        review_form=role == "read" and reflection is not None and reflection.status == "submitted",
        corrections=services.corrections(session.id)
        if reflection is not None and reflection.status == "signed_off"
        else [],
    )


def _page(session, role, status=200, errors=None, values=None, message=None):
    reflection = services.reflection_of(session.id)
    # a refused form comes back with the prompts its answers were written to
    posted = (values or {}).get("prompts_stage")
    ctx = _context(
        session, role, reflection, values, posted if posted in meeting_stages() else None
    )
    fragment = "reflections/_form.html" if ctx["editable"] else "reflections/_read.html"
    return render(
        "reflections/edit.html", fragment, status, errors=errors or {}, message=message, **ctx
    )


@bp.route("/sessions/<int:session_id>/reflection", methods=["GET", "POST"])
@allow(SUPERVISOR, WORKER)
def edit(session_id):
    """A session's reflection: the program's workers write it, their supervisors read it."""
    session, role = _session(session_id, "read" if request.method == "GET" else "write")
    if request.method == "GET":
        if role == "read":
            services.record_read(current_user, session, services.reflection_of(session.id))
        message = _("已保存。") if request.args.get("saved") else None
        if role == "write":
            message = services.not_started(session) or message
        return _page(session, role, message=message)
    return _save(session)


def _save(session):
    """Autosave and 保存草稿 keep a draft; 提交督导 submits it. Nothing is half-saved."""
    action = request.form.get("action", "autosave")
    try:
        saved = services.save_form(session, current_user, request.form, action)
    except ConflictError:
        return _conflict(session)
    except PlannerError as err:
        return _locked(session, err.message)
    if saved.errors:
        if not is_htmx():
            return _page(session, "write", 422, saved.errors, forms.posted_values(request.form))
        return _status(422, errors=saved.errors, fields=saved.fields)
    if action == "submit" or not is_htmx():
        target = url_for("reflections.edit", session_id=session.id)
        return go(target if action == "submit" else target + "?saved=1")
    return _status(
        200,
        saved=True,
        manual=action == "save",
        version=saved.reflection.version,
        saved_at=saved.reflection.updated_at,
        fields=saved.fields,
    )


def _status(status, **context):
    """The autosave answer (status line; version and error slots out of band)."""
    context.setdefault("errors", {})
    return render("reflections/_status.html", "reflections/_status.html", status, **context)


def _conflict(session):
    """409: somebody else saved first; their text stays, this edit is not written."""
    body, status = conflict_response(url_for("reflections.edit", session_id=session.id))
    return body, status, {"HX-Retarget": "#reflection-conflict", "HX-Reswap": "innerHTML show:top"}


def _locked(session, reason=None):
    """409: the reflection was submitted meanwhile (in another tab, or by a co-worker), or
    the session has not started yet (the reason says which)."""
    if not is_htmx():
        return _page(session, "write", 409, message=reason or _("本反思已提交督导，不能再修改。"))
    locked = reason or _("本反思已提交督导，不能再修改。如需修改，请督导退回。")
    return _status(409, errors={"locked": locked}, fields=[])


@bp.get("/sessions/<int:session_id>/reflection/prompts")
@allow(WORKER)
def prompts(session_id):
    """The prompts of the chosen observed stage (the stage select swaps them in)."""
    session, role = _session(session_id, "write")
    stage = request.args.get("observed_stage", "")
    if session.program.curriculum.kind != "group":
        abort(404)
    if stage not in meeting_stages():
        abort(400)
    ctx = _context(session, role, services.reflection_of(session.id), stage=stage)
    return render("reflections/_prompts.html", "reflections/_prompts.html", errors={}, **ctx)


@bp.get("/reflections")
@allow(WORKER)
def mine():
    """我的反思: the worker's reflections with their status and the supervisor's comment."""
    return render(
        "reflections/mine.html", "reflections/_mine_list.html", rows=queries.mine(current_user)
    )


@bp.get("/programs/<int:program_id>/stages")
@allow(SUPERVISOR, WORKER)
def stages(program_id):
    """A group's planned stage against the observed stage, meeting by meeting."""
    query = programs_query(current_user).select_extend(Curriculum).join(Curriculum)
    program = get_or_404(query, program_id)
    if program.curriculum.kind != "group":
        abort(404)
    if not services.can_read_records(current_user, program.id):
        abort(403)
    rows = queries.timeline(program)
    return render(
        "reflections/stages.html",
        "reflections/_timeline.html",
        program=program,
        rows=rows,
        stages=meeting_stages(),
        differ=sum(r.differs for r in rows),
    )


@bp.get("/supervision")
@allow(SUPERVISOR, ADMIN)
def supervision():
    """The queue: open safeguarding flags on top, then (for supervisors) submitted
    reflections. The safeguarding lead, who may be an admin, gets the flags routed to them
    and the escalated ones; an admin who is not the lead only when the agency has none."""
    lead = safeguarding.lead_of(current_user.agency_id)
    if not safeguarding.may_see_queue(current_user, lead):
        abort(403)
    flags = safeguarding.open_flags(current_user, lead)
    services.record_flags_read(current_user, flags)
    return render(
        "reflections/supervision.html",
        "reflections/_queue.html",
        flags=flags,
        rows=queries.queue(current_user) if current_user.is_supervisor else [],
        is_lead=safeguarding.stands_in(current_user, lead),
        lead=lead,
    )


@bp.post("/supervision/follow-ups/<int:follow_up_id>/acknowledge")
@allow(SUPERVISOR, ADMIN)
def acknowledge(follow_up_id):
    """Acknowledge a flag: it leaves the top of the queue (and the dashboards)."""
    item = safeguarding.to_acknowledge(current_user, follow_up_id)
    services.acknowledge(item, current_user)
    if request.form.get("back") == "reflection" and current_user.is_supervisor:
        return go(url_for("reflections.edit", session_id=item.reflection.session_id))
    return go(url_for("reflections.supervision"))


@bp.post("/supervision/reflections/<int:reflection_id>/review")
@allow(SUPERVISOR)
def review(reflection_id):
    """Comment and sign off, or return to the worker for changes."""
    reflection = get_or_404(services.supervised(current_user), reflection_id)
    values, errors = load_form(ReviewForm())
    back = url_for("reflections.edit", session_id=reflection.session_id)
    if not errors and values["action"] == "return" and not values["comment"]:
        errors = {"comment": _("退回修改时，请写明需要修改的地方。")}
    if errors:
        if reflection.status != "submitted":  # signed off or returned: no form to show them
            return conflict_response(back)
        session, role = _session(reflection.session_id)
        return _page(session, role, 422, errors, values=None)
    try:
        services.review(
            reflection, current_user, values["comment"], values["action"], values["version"]
        )
    except (ConflictError, PlannerError):
        return conflict_response(back)
    return go(url_for("reflections.supervision"))


@bp.get("/records/missing")
@allow(SUPERVISOR, WORKER)
def missing():
    """Sessions over for 48 hours without a reflection, attendance or headcount."""
    return render(
        "reflections/missing.html",
        "reflections/_missing_list.html",
        rows=queries.missing(current_user),
        grace_hours=48,
    )
