"""The OpenAPI 3.1 document, generated from the API's marshmallow schemas with apispec,
served at /api/openapi.json, and a server-rendered reading of it at /api/docs."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify, render_template

from planner.access import public
from planner.api import schemas
from planner.api.blueprint import bp
from planner.api.models import SCOPES
from planner.curricula.schemas import CurriculumSchema

ERRORS = {
    "401": "Missing, unknown or revoked token.",
    "403": "The token lacks the scope, or its user the role.",
    "404": "Not found, or outside the token user's scope.",
    "422": "Invalid parameters or body; field messages in `errors` / `errors_en`.",
}
PAGE_PARAMS = [{"in": "query", "schema": schemas.PageArgsSchema}]
ID = {"type": "integer", "minimum": 1, "maximum": schemas.MAX_ID}


def _op(
    summary,
    scope,
    ok_schema,
    params=(),
    errors=("401", "403", "422"),
    ok="200",
    body=None,
    description="",
):
    responses = {
        ok: {
            "description": "OK" if ok == "200" else "Created",
            "content": {"application/json": {"schema": ok_schema}},
        }
    }
    for code in errors:
        responses[code] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": "Error"}},
        }
    op = {
        "summary": summary,
        "description": description or summary,
        "security": [{"bearerAuth": [scope]}],
        "parameters": list(params),
        "responses": responses,
        "x-scope": scope,
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _path_param(name, description):
    return {"in": "path", "name": name, "required": True, "schema": ID, "description": description}


def build_spec() -> dict:
    """The whole document as a dict (built per call: it is small and has no state)."""
    spec = APISpec(
        title="驻校社工计划系统 API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Read-only JSON API with personal access tokens "
            "(create them at /api/tokens). A token sees what its user sees; "
            "no response carries student data. Errors: {error, error_en}."
        },
    )
    spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "Scopes: " + ", ".join(SCOPES)},
    )
    spec.components.schema("Error", schema=schemas.ErrorSchema)
    spec.components.schema("Curriculum", schema=CurriculumSchema)
    cid = _path_param("cid", "Curriculum id.")
    pid = _path_param("pid", "Program id.")
    spec.path(
        path="/api/curricula",
        operations={
            "get": _op(
                "The published curriculum library (shared and own agency)",
                "curricula:read",
                schemas.CurriculumPageSchema,
                PAGE_PARAMS,
            )
        },
    )
    spec.path(
        path="/api/curricula/{cid}",
        operations={
            "get": _op(
                "One curriculum's whole content",
                "curricula:read",
                schemas.CurriculumDetailSchema,
                [cid],
                ("401", "403", "404"),
                description="A curriculum of the shared library or of "
                "the user's agency (its drafts included); `content` can be posted to the import.",
            )
        },
    )
    spec.path(
        path="/api/curricula/import",
        operations={
            "post": _op(
                "Import a curriculum as a new draft of the agency (admin, worker)",
                "curricula:write",
                schemas.ImportedSchema,
                ok="201",
                body="Curriculum",
                description="The body is validated like content/ files; the slug gets a suffix "
                "when taken, the version is 1, the status draft.",
            )
        },
    )
    spec.path(
        path="/api/programs",
        operations={
            "get": _op(
                "Programs in the token user's scope",
                "programs:read",
                schemas.ProgramPageSchema,
                PAGE_PARAMS,
            )
        },
    )
    spec.path(
        path="/api/programs/{pid}/sessions",
        operations={
            "get": _op(
                "A program's sessions (no attendance, no students)",
                "programs:read",
                schemas.SessionPageSchema,
                [pid, *PAGE_PARAMS],
                ("401", "403", "404", "422"),
            )
        },
    )
    spec.path(
        path="/api/stats",
        operations={
            "get": _op(
                "Term statistics (学期工作统计) as of today",
                "stats:read",
                schemas.StatsSchema,
                [{"in": "query", "schema": schemas.StatsArgsSchema}],
                ("401", "403", "404", "422"),
            )
        },
    )
    return spec.to_dict()


def operations(spec: dict) -> list[dict]:
    """[{path, method, op}] in document order, for the docs page and tests."""
    return [
        {"path": path, "method": method.upper(), "op": op}
        for path, item in spec["paths"].items()
        for method, op in item.items()
    ]


@bp.get("/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(build_spec())


@bp.get("/docs")
@public
def docs():
    """The API described for people: every path, method, parameter and response schema."""
    spec = build_spec()
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations(spec),
        schemas=spec["components"]["schemas"],
    )
