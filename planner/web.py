"""View helpers shared by every blueprint: full page or htmx fragment, form errors."""

import io
import json

from flask import abort, render_template, request, send_file
from marshmallow import ValidationError
from werkzeug.routing import IntegerConverter

from planner import errors
from planner.forms import DB_INT_MAX, flatten_errors


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number past the id columns' range (PostgreSQL's
    integer; SQLite refuses anything past 2**63 - 1) doesn't match, so the route answers
    404 before a query sees it. create_app installs it as the "int" converter."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def int_arg(name: str, default=None, low: int = 1, high: int = DB_INT_MAX):
    """An integer query parameter: `default` when absent or not a number, 404 when out of
    [low, high] (a page, an id or a year never reaches a query out of range)."""
    raw = request.args.get(name, "").strip()
    if not raw.isascii() or not raw.removeprefix("-").isdigit():
        return default
    if len(raw) > 20 or not low <= int(raw) <= high:
        abort(404)
    return int(raw)


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not a boosted full page)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def render(page: str, fragment: str, status: int = 200, **context):
    """One endpoint, two shapes: the full page, or the fragment the page includes."""
    return render_template(fragment if is_htmx() else page, **context), status


def load_form(schema, data=None):
    """(values, errors): schema.load of request.form; errors keep the user's input."""
    source = request.form if data is None else data
    try:
        return schema.load(source), {}
    except ValidationError as err:
        return None, flatten_errors(err.messages)


def conflict_response(back_url: str):
    """The conflict screen for a stale edit (409)."""
    return render_template("conflict.html", back_url=back_url, fragment=is_htmx()), 409


def go(url: str):
    """After a successful write: HX-Location for htmx, 303 otherwise."""
    from flask import redirect

    if request.headers.get("HX-Request") == "true":
        # htmx fetches the new page itself; marking that fetch as boosted makes the view
        # answer with the full page, which htmx swaps into <body>
        location = json.dumps({"path": url, "target": "body", "headers": {"HX-Boosted": "true"}})
        return "", 204, {"HX-Location": location}
    return redirect(url, 303)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send_download(data: bytes, name: str, mimetype: str):
    """A file the browser saves, never kept in a cache (it may hold students' records)."""
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_xlsx(data: bytes, name: str):
    return send_download(data, name, XLSX)


def send_docx(data: bytes, name: str):
    return send_download(data, name, DOCX)


STATUSES = {errors.INVALID: 422, errors.NOT_FOUND: 404, errors.FORBIDDEN: 403, errors.CONFLICT: 409}


def error_status(err: errors.PlannerError) -> int:
    """The HTTP status of a service's refusal (services name the kind, never a status)."""
    return STATUSES[err.kind]
