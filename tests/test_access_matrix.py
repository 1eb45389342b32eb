"""Every route has an expected answer for every persona; a route without a rule fails.

Personas: anonymous, admin, supervisor (oversees the worker of this school), worker of
this school, worker of another school, teacher (of a class in this school).
Records of a school the user may not see answer 404 so their existence doesn't leak.
"""

import pytest

from tests.access import LOGIN, PERSONAS, all_rules, all_setups
from tests.conftest import login_as

RULES = all_rules()


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

    undeclared = [
        name
        for name, view in app.view_functions.items()
        if name != "static" and view_rule(view) == (False, None)
    ]
    assert undeclared == []


@pytest.fixture
def matrix_world(world, before_term):
    """The world plus whatever each domain's rules module adds in setup(world); its
    program's sessions are still to come (tests/conftest.py's before_term)."""
    for setup in all_setups():
        setup(world)
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
        form = data(world) if callable(data) else data  # a form naming a record of the world
        response = client.open(url, method=method, data=form)
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
