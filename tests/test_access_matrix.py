"""Every route has an expected answer for every persona; a route without a rule fails.

Personas: anonymous, admin, supervisor (oversees the worker of this school), worker of
this school, worker of another school, teacher (of a class in this school).
Records of a school the user may not see answer 404 so their existence doesn't leak.
"""
import pytest

from tests.conftest import login_as

PERSONAS = ("anonymous", "admin", "supervisor", "worker", "worker_other", "teacher")
LOGIN = "login"  # a redirect to the login page


def only(roles, ok=200, denied=403, anonymous=LOGIN, **special):
    """Expected results: `ok` for these roles, `denied` for the others."""
    out = {"anonymous": anonymous}
    for persona in PERSONAS[1:]:
        role = "worker" if persona == "worker_other" else persona
        out[persona] = ok if role in roles else denied
    out.update(special)
    return out


STAFF_SCHOOL = only({"admin", "supervisor", "worker"}, worker_other=404)
ADMIN = only({"admin"})
READERS = only({"admin", "supervisor", "worker"})
# Editing a draft of the agency's own library: admins and workers of the agency.
EDITORS = only({"admin", "worker"})
EDITORS_POST = only({"admin", "worker"}, ok=303)
EVERYONE = only({"admin", "supervisor", "worker", "teacher"})

# endpoint -> (method, url builder, form data, expected per persona)
RULES = {
    "dashboard.home": ("GET", lambda w: "/", None, only(set(PERSONAS), ok=302, anonymous=302)),
    "dashboard.index": ("GET", lambda w: "/dashboard", None, EVERYONE),
    "accounts.login": ("GET", lambda w: "/login", None, {p: 200 for p in PERSONAS}),
    "accounts.logout": ("POST", lambda w: "/logout", {}, only(set(PERSONAS), ok=303)),
    "accounts.set_locale": ("POST", lambda w: "/locale", {"locale": "en"},
                            {p: 303 for p in PERSONAS}),
    "accounts.users": ("GET", lambda w: "/admin/users", None, ADMIN),
    "accounts.user_new": ("GET", lambda w: "/admin/users/new", None, ADMIN),
    "accounts.user_edit": ("GET", lambda w: f"/admin/users/{w.worker.id}/edit", None, ADMIN),
    "schools.admin_index": ("GET", lambda w: "/admin/", None, ADMIN),
    "schools.agency": ("GET", lambda w: "/admin/agency", None, ADMIN),
    "schools.school": ("GET", lambda w: f"/schools/{w.school.id}", None, STAFF_SCHOOL),
    "schools.new": ("GET", lambda w: f"/admin/rooms/new?school={w.school.id}", None, ADMIN),
    "schools.edit": ("GET", lambda w: f"/admin/classes/{w.cls.id}/edit", None, ADMIN),
    "schools.archive": ("POST", lambda w: f"/admin/rooms/{w.room.id}/archive", {},
                        only({"admin"}, ok=303)),
    "curricula.library": ("GET", lambda w: "/curricula/", None, READERS),
    "curricula.show": ("GET", lambda w: f"/curricula/{w.shared.id}", None, READERS),
    "curricula.fork": ("POST", lambda w: f"/curricula/{w.shared.id}/fork", {}, EDITORS_POST),
    "curricula.new_version": ("POST", lambda w: f"/curricula/{w.draft.id}/new-version", {},
                              EDITORS_POST),
    "curricula.edit": ("GET", lambda w: f"/curricula/{w.draft.id}/edit", None, EDITORS),
    "curricula.session_edit": ("GET", lambda w: f"/curricula/{w.draft.id}/sessions/"
                               f"{w.draft_session.id}", None, EDITORS),
    "curricula.session_add": ("POST", lambda w: f"/curricula/{w.draft.id}/sessions/add", {},
                              EDITORS_POST),
    "curricula.session_move": ("POST", lambda w: f"/curricula/{w.draft.id}/sessions/"
                               f"{w.draft_session.id}/move", {"direction": "down"}, EDITORS_POST),
    "curricula.session_delete": ("POST", lambda w: f"/curricula/{w.draft.id}/sessions/"
                                 f"{_first_session(w.draft)}/delete", {}, EDITORS_POST),
    "curricula.publish": ("POST", lambda w: f"/curricula/{w.draft.id}/publish", {},
                          only({"admin", "worker"}, ok=422)),
}


def _first_session(curriculum):
    """The draft's first remaining session (an earlier persona may have deleted one)."""
    from planner.curricula.models import SessionTemplate

    return (SessionTemplate.select().where(SessionTemplate.curriculum == curriculum.id)
            .order_by(SessionTemplate.seq).first().id)


def endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_a_rule(app):
    """A new route without an expected rule for each persona fails here."""
    missing = endpoints(app) - set(RULES)
    assert not missing, f"routes without an access rule in RULES: {sorted(missing)}"
    stale = set(RULES) - endpoints(app)
    assert not stale, f"rules for routes that no longer exist: {sorted(stale)}"


def test_every_view_declares_its_roles(app):
    """Views carry @allow or @public; undeclared views would be refused at run time."""
    from planner.access import view_rule

    undeclared = [name for name, view in app.view_functions.items()
                  if name != "static" and view_rule(view) == (False, None)]
    assert undeclared == []


@pytest.fixture
def matrix_world(world):
    """The world plus a shared curriculum and a draft of the agency's own."""
    from tests.curricula.factories import curriculum

    world.shared = curriculum(agency=None, status="published")
    from tests.curricula.factories import PLAN

    # a draft that can't be published yet (no theory): publish answers 422 with the reasons
    world.draft = curriculum(agency=world.agency, status="draft", slug="draft-one",
                             plan=dict(PLAN, theory=""))
    world.draft_session = world.draft.sessions[0]
    return world


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_route_access(app, matrix_world, endpoint):
    world = matrix_world
    method, build, data, expected = RULES[endpoint]
    for persona in PERSONAS:
        url = build(world)
        client = app.test_client()
        if persona != "anonymous":
            login_as(client, getattr(world, persona))
        response = client.open(url, method=method, data=data)
        want = expected[persona]
        if want == LOGIN:
            assert response.status_code == 302, (persona, response.status_code)
            assert "/login" in response.location, (persona, response.location)
        else:
            assert response.status_code == want, (endpoint, persona, response.status_code)


def test_undeclared_route_is_refused(app, world):
    """Default deny: a view without @allow/@public answers 403 even to an admin."""
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    client = login_as(app.test_client(), world.admin)
    assert client.get("/undeclared").status_code == 403
