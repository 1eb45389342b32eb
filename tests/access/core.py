"""Foundation and curriculum routes."""

from planner.curricula.models import DraftEditor
from tests.access import (
    ADMIN,
    EDITORS_POST,
    EVERYONE,
    PERSONAS,
    READERS,
    STAFF_SCHOOL,
    only,
)
from tests.curricula.factories import PLAN, curriculum
from tests.factories import user


def setup(world):
    """A shared curriculum and a draft of the agency's own; the supervisor_other persona,
    who supervises another worker of the world's school (not the world's worker)."""
    world.worker_colleague = user("worker", agency=world.agency, schools=[world.school])
    world.supervisor_other = user(
        "supervisor", agency=world.agency, workers=[world.worker_colleague]
    )
    world.shared = curriculum(agency=None, status="published")
    # a draft that can't be published yet (no theory): publish answers 422 with the reasons
    # the worker's draft, with the admin invited to it: worker_other, a colleague not
    # invited, can't see it (a draft is private to its author and the invited)
    world.draft = curriculum(
        agency=world.agency,
        status="draft",
        slug="draft-one",
        plan=dict(PLAN, theory=""),
        user=world.worker,
    )
    world.draft_guest = user("worker", agency=world.agency)
    for guest in (world.admin, world.draft_guest):
        DraftEditor.create(curriculum=world.draft.id, user=guest.id, invited_by=world.worker.id)
    world.draft_session = world.draft.sessions[0]


# a draft: its author (worker) and the invited admin; a colleague not invited gets 404
DRAFT = only({"admin", "worker"}, worker_other=404)
DRAFT_POST = only({"admin", "worker"}, ok=303, worker_other=404)

# endpoint -> (method, url builder, form data, expected per persona)
RULES = {
    "dashboard.home": ("GET", lambda w: "/", None, only(set(PERSONAS), ok=302, anonymous=302)),
    "dashboard.index": ("GET", lambda w: "/dashboard", None, EVERYONE),
    "accounts.login": ("GET", lambda w: "/login", None, {p: 200 for p in PERSONAS}),
    "accounts.logout": ("POST", lambda w: "/logout", {}, only(set(PERSONAS), ok=303)),
    "accounts.set_locale": (
        "POST",
        lambda w: "/locale",
        {"locale": "en"},
        {p: 303 for p in PERSONAS},
    ),
    "accounts.users": ("GET", lambda w: "/admin/users", None, ADMIN),
    "accounts.user_new": ("GET", lambda w: "/admin/users/new", None, ADMIN),
    "accounts.user_edit": ("GET", lambda w: f"/admin/users/{w.worker.id}/edit", None, ADMIN),
    "accounts.user_unlock": (
        "POST",
        lambda w: f"/admin/users/{w.worker.id}/unlock",
        {},
        only({"admin"}, ok=303),
    ),
    "schools.admin_index": ("GET", lambda w: "/admin/", None, ADMIN),
    "schools.agency": ("GET", lambda w: "/admin/agency", None, ADMIN),
    "schools.school": ("GET", lambda w: f"/schools/{w.school.id}", None, STAFF_SCHOOL),
    "schools.new": ("GET", lambda w: f"/admin/rooms/new?school={w.school.id}", None, ADMIN),
    "schools.edit": ("GET", lambda w: f"/admin/classes/{w.cls.id}/edit", None, ADMIN),
    "schools.school_years": (
        "GET",
        lambda w: f"/admin/schools/{w.school.id}/years?year=2027",
        None,
        ADMIN,
    ),
    "schools.archive": (
        "POST",
        lambda w: f"/admin/rooms/{w.room.id}/archive",
        {},
        only({"admin"}, ok=303),
    ),
    "curricula.library": ("GET", lambda w: "/curricula/", None, READERS),
    # a teacher reads only the plans of their classes' programs (tests/curricula/test_teacher.py)
    "curricula.show": (
        "GET",
        lambda w: f"/curricula/{w.shared.id}",
        None,
        only({"admin", "supervisor", "worker"}, teacher=404),
    ),
    "curricula.session_materials": (
        "GET",
        lambda w: f"/curricula/{w.shared.id}/sessions/1/materials.docx",
        None,
        READERS,
    ),
    "curricula.fork": ("POST", lambda w: f"/curricula/{w.shared.id}/fork", {}, EDITORS_POST),
    "curricula.new_version": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/new-version",
        {},
        DRAFT_POST,
    ),
    "curricula.edit": ("GET", lambda w: f"/curricula/{w.draft.id}/edit", None, DRAFT),
    "curricula.session_edit": (
        "GET",
        lambda w: f"/curricula/{w.draft.id}/sessions/{w.draft_session.id}",
        None,
        DRAFT,
    ),
    "curricula.session_add": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/sessions/add",
        {},
        DRAFT_POST,
    ),
    "curricula.session_move": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/sessions/{w.draft_session.id}/move",
        {"direction": "down"},
        DRAFT_POST,
    ),
    "curricula.session_delete": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/sessions/{_first_session(w.draft)}/delete",
        {},
        DRAFT_POST,
    ),
    "curricula.publish": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/publish",
        {},
        only({"admin", "worker"}, ok=422, worker_other=404),
    ),
    # only the author invites; the invited admin may edit but not invite
    "curricula.invite": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/editors",
        lambda w: {"colleague": str(w.worker_colleague.id)},
        only({"worker"}, ok=303, admin=403, worker_other=404),
    ),
    "curricula.uninvite": (
        "POST",
        lambda w: f"/curricula/{w.draft.id}/editors/{w.draft_guest.id}/remove",
        {},
        only({"worker"}, ok=303, admin=403, worker_other=404),
    ),
}


def _first_session(curriculum):
    """The draft's first remaining session (an earlier persona may have deleted one)."""
    from planner.curricula.models import SessionTemplate

    return (
        SessionTemplate.select()
        .where(SessionTemplate.curriculum == curriculum.id)
        .order_by(SessionTemplate.seq)
        .first()
        .id
    )
