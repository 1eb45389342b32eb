"""No student name in any URL or log line, and CSRF on every state change.

The whole journey (list, record, add, edit, consent, import, group roster) runs against
werkzeug's own server, whose access log is what a development deployment writes.
"""

import datetime as dt
import http.cookiejar
import io
import logging
import re
import urllib.parse
import urllib.request

import pytest
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from planner import create_app
from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.students.models import Consent, GroupMember, Student
from tests import factories as base
from tests.conftest import login_as
from tests.live import serve
from tests.students import factories as f
from tests.students.conftest import text

NAMES = (f.CANARY, "欧阳大伟", "司马小光")


def leaks(value: str) -> list:
    """The names found in a string, plain or percent-encoded (UTF-8 or GB18030)."""
    found = []
    for name in NAMES:
        forms = {
            name,
            urllib.parse.quote(name),
            urllib.parse.quote_plus(name),
            urllib.parse.quote(name.encode("gb18030")),
        }
        if any(form in value or form.lower() in value.lower() for form in forms):
            found.append(name)
    return found


def roster_file() -> bytes:
    book = Workbook()
    book.active.append(["学号", "姓名", "班级", "监护人"])
    book.active.append([20249001, f"{NAMES[2]} ", "7(1)班", "司马大光"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def live(app):
    with serve(app) as url:
        yield url


class Browser:
    """urllib with cookies; records every URL it was sent to (redirects included)."""

    def __init__(self, base_url):
        self.base = base_url
        self.urls = []
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path, data=None, content_type=None):
        headers = {"Content-Type": content_type} if content_type else {}
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request) as response:
                self.urls.append(response.url)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            with err:
                self.urls.append(err.url)
                return err.code, err.read().decode()

    def upload(self, path, fields, filename, content):
        boundary, body = encode_multipart(
            {**fields, "file": FileStorage(io.BytesIO(content), filename)}
        )
        return self.open(path, body, f"multipart/form-data; boundary={boundary}")


def test_a_whole_journey_logs_no_name_and_puts_none_in_a_url(live, world, caplog):
    group = f.group(world)
    s = f.student(
        world.school,
        world.cls,
        name=f.CANARY,
        guardian_name=NAMES[1],
        birth_date=dt.date(2013, 5, 1),
    )
    browser = Browser(live)
    # INFO and up: what a deployment logs. (peewee's DEBUG lines carry SQL parameters, names
    # included; see test_the_sql_debug_log_is_off_by_default.)
    with caplog.at_level(logging.INFO):
        status, _ = browser.open(
            "/login", {"username": world.worker.username, "password": base.PASSWORD}
        )
        assert status == 200 and browser.urls[-1].endswith("/dashboard")
        school = f"/schools/{world.school.id}/students"
        assert f.CANARY in browser.open(school)[1]
        assert browser.open(f"/students/{s.id}")[0] == 200
        assert (
            browser.open(
                f"/students/{s.id}/edit",
                {
                    "name": f.CANARY,
                    "student_no": "X1",
                    "school_class": str(world.cls.id),
                    "guardian_name": NAMES[1],
                    "version": str(s.version),
                },
            )[0]
            == 200
        )
        assert (
            browser.open(
                f"/students/{s.id}/consents",
                {
                    "purpose": "participation",
                    "given_by": "guardian",
                    "giver_name": NAMES[1],
                    "notice_version": "v1",
                    "given_on": local_today().isoformat(),
                    "method": "paper",
                },
            )[0]
            == 200
        )
        status, html = browser.upload(
            f"{school}/import", {}, f"{NAMES[2]}的名单.xlsx", roster_file()
        )
        assert status == 200, re.findall(r'role="alert">([^<]*)<', html)
        mapping = {
            "upload": re.search(r'name="upload" value="([^"]+)"', html).group(1),
            "col_student_no": "0",
            "col_name": "1",
            "col_school_class": "2",
            "col_guardian_name": "3",
        }
        assert "全部可以导入" in browser.open(f"{school}/import/preview", mapping)[1]
        assert browser.open(f"{school}/import/commit", mapping)[0] == 200
        assert (
            browser.open(
                f"/programs/{group.id}/roster/members",
                {"student": str(s.id), "screening_note": f.CANARY},
            )[0]
            == 200
        )
        consent = Consent.get(Consent.student == s.id)
        assert browser.open(f"/students/{s.id}/consents/{consent.id}/withdraw", {})[0] == 200
        browser.open(
            f"{school}/new",
            {"name": NAMES[2], "student_no": "20249001", "school_class": str(world.cls.id)},
        )  # a duplicate: 422
    # the journey really happened
    assert Student.select().where(Student.name == NAMES[2]).count() == 1
    assert not GroupMember.get(GroupMember.student == s.id).active  # consent withdrawn
    assert AuditEntry.select().where(AuditEntry.action == "consent_change").count() == 2
    # every URL, the access log and every other log line are free of names
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(access) >= len(browser.urls) > 10
    assert all(not leaks(url) for url in browser.urls), browser.urls
    assert all(not leaks(line) for line in access), access
    assert not leaks(caplog.text)
    assert all(not leaks(entry.detail) for entry in AuditEntry.select())


def test_the_sql_debug_log_is_off_by_default(app):
    """peewee logs every query with its parameters at DEBUG: that must stay off."""
    assert not logging.getLogger("peewee").isEnabledFor(logging.DEBUG)


def test_no_name_in_any_link_form_action_or_redirect(client, world):
    """Every href, action, hx-* URL and redirect of the student screens."""
    group = f.group(world)
    s = f.consenting(world.school, world.cls, name=f.CANARY, guardian_name=NAMES[1])
    f.member(group, s)
    login_as(client, world.worker)
    pages = [
        f"/schools/{world.school.id}/students",
        f"/students/{s.id}",
        f"/students/{s.id}/edit",
        f"/programs/{group.id}/roster",
        f"/schools/{world.school.id}/students/import",
    ]
    for url in pages:
        html = text(client.get(url))
        assert f.CANARY in html or url.endswith(("/import", "/edit")) or NAMES[1] in html
        targets = re.findall(r'(?:href|action|hx-(?:get|post)|formaction)="([^"]*)"', html)
        assert targets and not [t for t in targets if leaks(t)], url
    responses = [
        client.post(
            f"/students/{s.id}/edit",
            data={
                "name": f.CANARY,
                "student_no": s.student_no,
                "school_class": str(world.cls.id),
                "version": str(s.version),
            },
        ),
        client.post(
            f"/schools/{world.school.id}/students/new",
            data={"name": NAMES[2], "student_no": "N2", "school_class": str(world.cls.id)},
        ),
        client.post(f"/students/{s.id}/archive"),
    ]
    for response in responses:
        assert response.status_code == 303 and not leaks(response.location)


# ---- CSRF ----------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app, db_url, tmp_path):
    strict = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "STUDENT_IMPORT_DIR": str(tmp_path / "imports"),
        }
    )
    return strict.test_client()


def token_of(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(url))).group(1)


def test_state_changes_need_a_fresh_csrf_token(csrf_client, world):
    s = f.student(world.school, world.cls)
    group = f.group(world)
    login_as(csrf_client, world.worker)
    consent = {
        "purpose": "participation",
        "given_by": "guardian",
        "giver_name": "王芳",
        "notice_version": "v1",
        "given_on": local_today().isoformat(),
        "method": "paper",
    }
    posts = [
        (f"/students/{s.id}/consents", consent),
        (f"/students/{s.id}/archive", {}),
        (
            f"/schools/{world.school.id}/students/new",
            {"name": "新", "student_no": "1", "school_class": str(world.cls.id)},
        ),
        (f"/programs/{group.id}/roster/members", {"student": str(s.id)}),
        (f"/schools/{world.school.id}/students/import/commit", {"upload": "x" * 22}),
    ]
    for url, data in posts:
        assert csrf_client.post(url, data=data).status_code == 400, url  # no token at all
    stale = token_of(csrf_client, f"/students/{s.id}")
    login_as(csrf_client, world.worker)  # a new session: the old page's token is stale
    for url, data in posts:
        response = csrf_client.post(url, data=dict(data, csrf_token=stale))
        assert response.status_code == 400 and "请求无效" in text(response), url
    assert Consent.select().count() == 0 and Student.select().count() == 1
    assert not Student.get_by_id(s.id).archived
    assert AuditEntry.select().where(AuditEntry.action == "consent_change").count() == 0
    fresh = token_of(csrf_client, f"/students/{s.id}")
    response = csrf_client.post(
        f"/students/{s.id}/consents",
        data=consent,
        headers={"X-CSRFToken": fresh, "HX-Request": "true"},
    )
    assert response.status_code == 200 and Consent.select().count() == 1
