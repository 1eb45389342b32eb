"""Views of planner.service (blueprint "service"): the service records' hub, 社工信箱
letters, consultations, supervision sessions, training hours, and feedback with its
public form. Who sees what is in services.py; no student's name goes into a URL (a
student is posted by archive code)."""

import segno
from flask import Blueprint, abort, current_app, request, url_for
from flask_login import current_user

from planner.access import allow, public, school_or_404, schools_query
from planner.errors import INVALID, PlannerError
from planner.i18n import local_today
from planner.reflections import safeguarding
from planner.roles import ADMIN, STAFF, SUPERVISOR, WORKER
from planner.schools.models import School
from planner.security import limiter
from planner.service import forms, services
from planner.service.models import (
    CATEGORIES,
    CHANNELS,
    CONSULT_KINDS,
    FEEDBACK_FROM,
    FEEDBACK_KINDS,
    SUPERVISION_MODES,
    SUPERVISION_TYPES,
    TRAINING_KINDS,
    YEARLY_HOURS,
)
from planner.web import error_status, go, load_form, render

bp = Blueprint("service", __name__)


def _refused(err):
    """A refusal that is not about the form: 403, 404 or 409 as the page."""
    abort(error_status(err))


@bp.get("/service")
@allow(*STAFF)
def index():
    """The hub: each school's letters, consultations and feedback; supervision; training."""
    schools = list(schools_query(current_user).where(~School.archived).order_by(School.name))
    return render("service/index.html", "service/index.html", schools=schools)


# --- letters ---------------------------------------------------------------------------


def _letters(school, status=200, errors=None, form=None):
    try:
        rows = services.letters(current_user, school)
    except PlannerError as err:
        _refused(err)
    services.record_letters_read(current_user, school, rows)
    return render(
        "service/letters.html",
        "service/letters.html",
        status,
        school=school,
        letters=rows,
        open_count=sum(1 for r in rows if r.replied_on is None),
        today=local_today(),
        channels=CHANNELS,
        categories=CATEGORIES,
        fields=forms.LETTER_FIELDS,
        errors=errors or {},
        form=form,
    )


@bp.get("/schools/<int:school_id>/letters")
@allow(WORKER, SUPERVISOR)
def letters(school_id):
    """社工信箱: the school's letters with their count, and (for a worker) a new one."""
    return _letters(school_or_404(current_user, school_id))


@bp.post("/schools/<int:school_id>/letters")
@allow(WORKER)
def letter_new(school_id):
    school = school_or_404(current_user, school_id)
    values, errors = load_form(forms.LetterForm())
    if errors:
        return _letters(school, 422, errors, request.form)
    try:
        services.add_letter(current_user, school, values)
    except PlannerError as err:
        if err.kind != INVALID:
            _refused(err)
        return _letters(school, 422, err.errors or {"text": err.message}, request.form)
    return go(url_for("service.letters", school_id=school.id))


def _letter(letter, status=200, errors=None, form=None):
    return render(
        "service/letter.html",
        "service/letter.html",
        status,
        letter=letter,
        today=local_today(),
        channels=CHANNELS,
        categories=CATEGORIES,
        fields=forms.REPLY_FIELDS,
        errors=errors or {},
        form=form,
    )


@bp.get("/letters/<int:letter_id>")
@allow(WORKER, SUPERVISOR)
def letter(letter_id):
    """One letter with its text (its read audited) and its reply dates."""
    try:
        return _letter(services.read_letter(current_user, letter_id))
    except PlannerError as err:
        _refused(err)


@bp.post("/letters/<int:letter_id>")
@allow(WORKER)
def letter_reply(letter_id):
    try:
        item = services.letter_for(current_user, letter_id, write=True)
    except PlannerError as err:
        _refused(err)
    values, errors = load_form(forms.ReplyForm())
    if errors:
        return _letter(item, 422, errors, request.form)
    try:
        services.reply_letter(current_user, item, values)
    except PlannerError as err:
        if err.kind != INVALID:
            _refused(err)
        return _letter(item, 422, err.errors, request.form)
    return go(url_for("service.letters", school_id=item.school_id))


@bp.post("/letters/<int:letter_id>/acknowledge")
@allow(SUPERVISOR, ADMIN)
def letter_acknowledge(letter_id):
    """The supervisor (or the safeguarding lead) has seen an urgent letter's flag."""
    flag = safeguarding.letter_flag_for(current_user, letter_id)
    services.acknowledge_letter(current_user, flag.id)
    return go(url_for("dashboard.index") + "#safeguarding-flags")


# --- consultations ---------------------------------------------------------------------


def _consultations(school, status=200, errors=None, form=None):
    try:
        rows = services.consultations(current_user, school)
    except PlannerError as err:
        _refused(err)
    services.record_consultations_read(current_user, school, rows)
    return render(
        "service/consultations.html",
        "service/consultations.html",
        status,
        school=school,
        consultations=rows,
        counts=services.person_counts(rows),
        kinds=CONSULT_KINDS,
        fields=forms.CONSULTATION_FIELDS,
        errors=errors or {},
        form=form,
    )


@bp.get("/schools/<int:school_id>/consultations")
@allow(WORKER, SUPERVISOR)
def consultations(school_id):
    """咨询/会谈 of the school, counted in 人次 by kind, and (for a worker) a new one."""
    return _consultations(school_or_404(current_user, school_id))


@bp.post("/schools/<int:school_id>/consultations")
@allow(WORKER)
def consultation_new(school_id):
    school = school_or_404(current_user, school_id)
    values, errors = load_form(forms.ConsultationForm())
    if errors:
        return _consultations(school, 422, errors, request.form)
    try:
        services.add_consultation(current_user, school, values)
    except PlannerError as err:
        if err.kind != INVALID:
            _refused(err)
        return _consultations(school, 422, err.errors, request.form)
    return go(url_for("service.consultations", school_id=school.id))


# --- supervision sessions --------------------------------------------------------------


def _supervision(status=200, errors=None, form=None):
    try:
        rows = services.supervision_sessions(current_user)
    except PlannerError as err:
        _refused(err)
    choices = services.supervision_choices(current_user) if current_user.is_supervisor else {}
    return render(
        "service/supervision.html",
        "service/supervision.html",
        status,
        sessions=rows,
        counts={m: sum(1 for r in rows if r.mode == m) for m in SUPERVISION_MODES},
        modes=SUPERVISION_MODES,
        types=SUPERVISION_TYPES,
        fields=forms.supervision_fields(choices),
        errors=errors or {},
        form=form,
    )


@bp.get("/supervision-sessions")
@allow(WORKER, SUPERVISOR)
def supervision():
    """A supervisor's sessions (and a new one), or those a worker attended."""
    return _supervision()


@bp.post("/supervision-sessions")
@allow(SUPERVISOR)
def supervision_new():
    values, errors = load_form(forms.SupervisionForm())
    if errors:
        return _supervision(422, errors, request.form)
    try:
        services.add_supervision(current_user, values)
    except PlannerError as err:
        if err.kind != INVALID:
            _refused(err)
        return _supervision(422, err.errors, request.form)
    return go(url_for("service.supervision"))


# --- training --------------------------------------------------------------------------


def _training(status=200, errors=None, form=None):
    today = local_today()
    choices = services.training_choices(current_user)
    return render(
        "service/training.html",
        "service/training.html",
        status,
        trainings=services.trainings(current_user),
        totals=services.continuing_tenths(current_user, today),
        year=today.year,
        needed=YEARLY_HOURS * 10,
        kinds=TRAINING_KINDS,
        fields=forms.training_fields(choices),
        may_add=current_user.is_worker or current_user.is_admin,
        errors=errors or {},
        form=form,
    )


@bp.get("/training")
@allow(*STAFF)
def training():
    """Training records and this year's continuing-education hours against 36 (9.1 b)."""
    return _training()


@bp.post("/training")
@allow(WORKER, ADMIN)
def training_new():
    values, errors = load_form(forms.TrainingForm())
    if errors:
        return _training(422, errors, request.form)
    try:
        services.add_training(current_user, values)
    except PlannerError as err:
        if err.kind != INVALID:
            _refused(err)
        return _training(422, err.errors, request.form)
    return go(url_for("service.training"))


# --- feedback and complaints -----------------------------------------------------------


def _feedback(school, status=200, errors=None, form=None, failed=None):
    try:
        token = services.feedback_link(current_user, school)
        rows = services.feedback_of(current_user, school)
    except PlannerError as err:
        _refused(err)
    # the address phones reach (PLANNER_BASE_URL), as the calendar feeds' QR codes do
    base = (current_app.config["PUBLIC_BASE_URL"] or request.host_url).rstrip("/")
    link = base + url_for("service.feedback_form", token=token)
    return render(
        "service/feedback.html",
        "service/feedback.html",
        status,
        school=school,
        items=rows,
        link=link,
        qr=segno.make(link, error="m").svg_data_uri(scale=5, border=2, dark="#1d2733"),
        kinds=FEEDBACK_KINDS,
        senders=FEEDBACK_FROM,
        fields=forms.RESPONSE_FIELDS,
        complaints=sum(1 for r in rows if r.kind == "complaint"),
        errors=errors or {},
        form=form,
        failed=failed,
    )


@bp.get("/schools/<int:school_id>/feedback")
@allow(WORKER, ADMIN)
def feedback(school_id):
    """The school's feedback and complaints, the public link and its QR code."""
    return _feedback(school_or_404(current_user, school_id))


@bp.post("/feedback/<int:feedback_id>/response")
@allow(WORKER, ADMIN)
def feedback_respond(feedback_id):
    values, errors = load_form(forms.ResponseForm())
    try:
        if errors:
            item = services.feedback_item(current_user, feedback_id)
            return _feedback(item.school, 422, errors, request.form, failed=item.id)
        item = services.respond(current_user, feedback_id, values)
    except PlannerError as err:
        _refused(err)
    return go(url_for("service.feedback", school_id=item.school_id) + f"#feedback-{item.id}")


def _public(school, token, status=200, errors=None, form=None, sent=False):
    return render(
        "service/public_feedback.html",
        "service/public_feedback.html",
        status,
        school=school,
        token=token,
        fields=forms.FEEDBACK_FIELDS,
        errors=errors or {},
        form=form,
        sent=sent,
    )


def _school_of(token):
    try:
        return services.school_of_token(token)
    except PlannerError as err:
        _refused(err)


@bp.get("/f/<token>")
@public
def feedback_form(token):
    """The public form of one school: no login, no name asked (9.2 c, 10.1.2)."""
    return _public(_school_of(token), token, sent=request.args.get("sent") == "1")


@bp.post("/f/<token>")
@public
@limiter.limit(lambda: current_app.config["FEEDBACK_RATE_LIMIT"])
def feedback_send(token):
    school = _school_of(token)
    values, errors = load_form(forms.FeedbackForm())
    if errors:
        return _public(school, token, 422, errors, request.form)
    services.send_feedback(school, values)
    return go(url_for("service.feedback_form", token=token, sent=1))
