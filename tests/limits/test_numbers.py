"""Out-of-range numbers in paths and query strings answer 404 or 422, never 500, on both
databases: SQLite refuses integers past 2**63 - 1 and PostgreSQL's id columns past
2**31 - 1."""

import re

import pytest

from tests.conftest import login_as
from tests.reflections import factories as rf

HUGE = ["9223372036854775807", "9223372036854775808", "18446744073709551616123", "2147483648"]


def int_get_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and "int" in str(rule)),
        key=str,
    )


def _url(rule, number, world):
    """The rule's path with every <int:...> set to number and other parts filled in."""
    path = re.sub(r"<int:[^>]+>", number, rule.rule)
    path = re.sub(r"<kind>", "plan", path)
    path = re.sub(r"<[^>]+:kind>", "terms", path)
    return re.sub(r"<[^>]+>", "x", path)


@pytest.mark.parametrize("number", HUGE)
def test_int_routes_answer_404_for_huge_ids(app, world, number):
    """Every GET route with an <int:...> answers 404 (never 500) to a huge id."""
    rules = int_get_rules(app)
    assert len(rules) > 20
    client = login_as(app.test_client(), world.admin)
    worker = login_as(app.test_client(), world.worker)
    for rule in rules:
        url = _url(rule, number, world)
        # the API answers a session cookie with 401; a worker may be refused an admin page
        assert client.get(url).status_code in (404, 401), url
        assert worker.get(url).status_code in (404, 403, 401), url


@pytest.mark.parametrize("value", [*HUGE, "-1", "abc", "1e9", "0"])
def test_int_query_parameters_never_500(app, world, value):
    """?page=, ?class=, ?id=, ?school=, ?year=, ?imported= with hostile numbers."""
    client = login_as(app.test_client(), world.admin)
    worker = login_as(app.test_client(), world.worker)
    school = world.school.id
    program = rf.program(world).id
    urls = [
        f"/schools/{school}/students?page={value}",
        f"/schools/{school}/students?class={value}",
        f"/schools/{school}/students?imported={value}",
        f"/stats/document.docx?scope=school&id={value}",
        f"/stats/document.docx?scope=worker&id={value}",
        f"/admin/classes/new?school={value}",
        f"/admin/audit?page={value}",
        f"/admin/audit?user={value}",
        f"/admin/audit/summary?year={value}",
        f"/programs/{{program}}/roster?class={value}",
        f"/schools/{school}/calendar?term={value}",
    ]
    for url in (u.replace("{program}", str(program)) for u in urls):
        assert client.get(url).status_code in (200, 404, 422), url
        assert worker.get(url).status_code in (200, 403, 404, 422), url


@pytest.mark.parametrize("value", [*HUGE, "-1", "abc"])
def test_the_api_answers_hostile_numbers_with_json(client, world, value):
    from tests.api.helpers import bearer, token_for

    headers = bearer(token_for(world.admin))
    for url in (
        f"/api/programs?page={value}",
        f"/api/curricula?per_page={value}",
        f"/api/curricula/{value}",
        f"/api/programs/{value}/sessions",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code in (404, 422), (url, response.status_code)
        assert response.is_json, url
