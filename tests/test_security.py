"""Security headers, caching, generic error pages, token redaction in logs, the back button."""

import logging
import re

import pytest

from planner import create_app
from planner.access import public
from planner.security import TokenLogFilter
from tests.conftest import login_as


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/login", "/nowhere"])
def test_security_headers_on_every_page(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in policy
    assert "unsafe-inline" not in policy
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    )


def test_pages_have_nothing_the_csp_would_block(client, world):
    """No inline script, inline handler or hx-on (which needs eval): the CSP would block them."""
    pages = [client.get("/login").get_data(as_text=True)]
    login_as(client, world.admin)
    for url in (
        "/dashboard",
        "/admin/",
        f"/schools/{world.school.id}",
        "/admin/users/new",
        f"/admin/classes/{world.cls.id}/edit",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.get_data(as_text=True))
    for html in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r"\son[a-z]+\s*=", html)
        assert "hx-on" not in html
        assert "javascript:" not in html
        assert "<style" not in html and " style=" not in html


def test_personal_pages_are_not_stored(client, world):
    login_as(client, world.worker)
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    school = client.get(f"/schools/{world.school.id}")
    assert "no-store" in school.headers["Cache-Control"]


def test_responses_vary_on_htmx(client, world):
    login_as(client, world.worker)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/dashboard", headers=headers)
        vary = ",".join(response.headers.getlist("Vary"))
        assert "HX-Request" in [v.strip() for v in vary.split(",")]


def test_htmx_gets_the_fragment_and_full_requests_the_page(client, world):
    login_as(client, world.worker)
    full = client.get("/dashboard").get_data(as_text=True)
    fragment = client.get("/dashboard", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" in full and "<html" not in fragment
    assert world.school.name in fragment


def test_static_files_may_be_cached(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_not_found_is_generic_and_chinese(client):
    response = client.get("/no/such/<script>alert(1)</script>")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "找不到该页面或记录" in html
    assert '<html lang="zh-CN">' in html
    assert "<script>alert(1)" not in html  # the path is echoed only escaped


def test_another_schools_record_is_a_generic_404(client, world):
    login_as(client, world.worker)
    response = client.get(f"/schools/{world.other_school.id}")
    assert response.status_code == 404
    assert world.other_school.name not in response.get_data(as_text=True)
    assert "找不到该页面或记录" in response.get_data(as_text=True)


def test_forbidden_is_generic_and_chinese(client, world):
    login_as(client, world.teacher)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "没有权限访问" in response.get_data(as_text=True)


def test_server_error_page_shows_no_traceback(app, db_url):
    fresh = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "t", "RATELIMIT_ENABLED": False})
    assert not fresh.debug and not fresh.testing

    @public
    def explode():
        raise RuntimeError("secret-internal-detail in planner/db.py line 42")

    fresh.add_url_rule("/explode", "explode", explode)
    logging.getLogger(fresh.name).disabled = True  # the traceback goes to the log, not the page
    try:
        response = fresh.test_client().get("/explode")
    finally:
        logging.getLogger(fresh.name).disabled = False
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "系统出错了" in html
    for leak in ("Traceback", "RuntimeError", "secret-internal-detail", "db.py"):
        assert leak not in html
    assert "no-store" in response.headers["Cache-Control"]


def _record(msg, args):
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, msg, args, None)


@pytest.mark.parametrize(
    "line",
    [
        "GET /feeds/Zx9_secretTOKEN-abc.ics HTTP/1.1",
        "GET /feed/Zx9_secretTOKEN-abc HTTP/1.1",
        "GET /calendar.ics?token=Zx9_secretTOKEN-abc&lang=en HTTP/1.1",
        "GET /export?key=Zx9_secretTOKEN-abc HTTP/1.1",
    ],
)
def test_feed_tokens_are_redacted_from_access_logs(line):
    """As the development server logs: '"%s" %s %s' with the request line as an argument."""
    record = _record('"%s" %s %s', (line, "200", "-"))
    assert TokenLogFilter().filter(record) is True
    message = record.getMessage()
    assert "Zx9_secretTOKEN-abc" not in message
    assert "[redacted]" in message
    assert message.endswith(" 200 -")


def test_token_in_a_preformatted_message_is_redacted():
    record = _record('127.0.0.1 - - "GET /feeds/Zx9_secretTOKEN HTTP/1.1" 200 -', ())
    TokenLogFilter().filter(record)
    assert "Zx9_secretTOKEN" not in record.getMessage()
    assert "/feeds/[redacted]" in record.getMessage()


def test_other_paths_are_logged_unchanged():
    record = _record('"%s" %s %s', ("GET /schools/3?tab=rooms HTTP/1.1", 200, "-"))
    TokenLogFilter().filter(record)
    assert record.getMessage() == '"GET /schools/3?tab=rooms HTTP/1.1" 200 -'


class Atoms(dict):
    """Like gunicorn's SafeAtoms: unknown keys read as '-'."""

    def __getitem__(self, key):
        return super().__getitem__(key) if key in self else "-"


def test_gunicorn_access_lines_are_redacted():
    """gunicorn logs access_log_format % atoms, with a dict of atoms as the argument."""
    atoms = Atoms(
        {
            "h": "10.0.0.1",
            "r": "GET /feeds/Zx9_secretTOKEN.ics HTTP/1.1",
            "s": "200",
            "U": "/feeds/Zx9_secretTOKEN.ics",
            "q": "token=Zx9_secretTOKEN",
        }
    )
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s %(U)s %(q)s %(a)s',
        (atoms,),
        None,
    )
    TokenLogFilter().filter(record)
    message = record.getMessage()
    assert "Zx9_secretTOKEN" not in message
    assert message.startswith('10.0.0.1 "GET /feeds/[redacted] HTTP/1.1" 200')
    assert message.endswith("token=[redacted] -")  # the unknown atom still reads '-'


@pytest.mark.parametrize("logger_name", ["werkzeug", "gunicorn.access"])
def test_access_loggers_carry_the_filter(app, logger_name, caplog):
    """Once the app exists, tokens logged on either access logger come out redacted."""
    logger = logging.getLogger(logger_name)
    assert sum(isinstance(f, TokenLogFilter) for f in logger.filters) >= 1
    with caplog.at_level(logging.INFO, logger=logger_name):
        logger.info('"%s" %s %s', "GET /feeds/Zx9_secretTOKEN HTTP/1.1", "200", "-")
    assert caplog.records
    assert "Zx9_secretTOKEN" not in caplog.text


def test_back_button_after_logout_shows_no_personal_page(client, world):
    login_as(client, world.worker)
    page = client.get("/dashboard")
    assert world.worker.display_name in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"]
    client.post("/logout")
    for url in ("/dashboard", f"/schools/{world.school.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.location
    login_page = client.get("/login").get_data(as_text=True)
    assert world.worker.display_name not in login_page
    assert world.school.name not in login_page
