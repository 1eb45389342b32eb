"""The OpenAPI 3.1 document is valid, covers every JSON route under /api, and the docs page
lists every path, method, parameter and response schema."""

import re

from openapi_spec_validator import validate

from planner.api.openapi import operations
from tests.api.helpers import bearer, token_for

HTML_PAGES = ("api.tokens", "api.token_create", "api.token_revoke", "api.docs")


def _api_routes(app):
    """{(path in OpenAPI form, METHOD)} of the JSON routes under /api."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in HTML_PAGES:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        out |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_api_route_is_in_the_document(app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {(o["path"], o["method"]) for o in operations(spec)}
    routes = _api_routes(app) - {("/api/openapi.json", "GET")}
    assert routes == documented


def test_every_operation_declares_its_scope_and_errors(client):
    spec = client.get("/api/openapi.json").get_json()
    for op in operations(spec):
        assert op["op"]["security"][0]["bearerAuth"], op["path"]
        assert "401" in op["op"]["responses"], op["path"]


def test_the_docs_page_lists_every_path_parameter_and_schema(client):
    spec = client.get("/api/openapi.json").get_json()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.text
    for op in operations(spec):
        assert f"{op['method']} {op['path']}" in html
        for param in op["op"]["parameters"]:
            assert f"<code>{param['name']}</code>" in html
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in html


def test_responses_match_the_documented_schemas(client, world):
    """Each documented 200 shape validates a real response (jsonschema, 3.1 dialect)."""
    from jsonschema import Draft202012Validator

    spec = client.get("/api/openapi.json").get_json()
    raw = token_for(world.admin)
    for path in ("/api/curricula", "/api/programs"):
        body = client.get(path, headers=bearer(raw)).get_json()
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        resolver_doc = dict(schema, components=spec["components"])
        errors = [e.message for e in Draft202012Validator(resolver_doc).iter_errors(body)]
        assert errors == [], (path, errors)
