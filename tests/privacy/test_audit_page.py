"""The admin's audit page (未成年人网络保护条例 Art. 37): filters by person, action, student
code and dates, a CSV export, an annual summary; reading the log is itself audited."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.privacy.models import DataRequest
from tests import factories
from tests.conftest import login_as
from tests.students.factories import student


def entry(user, action, detail, at=None, object_type="student", object_id=1):
    """An audit row at a chosen time (rows are only ever inserted)."""
    AuditEntry.insert(
        user=user.id if user else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        **({"at": at} if at else {}),
    ).execute()


@pytest.fixture
def log(world):
    """Rows of the world's agency (worker, supervisor, a purge) and one of another agency."""
    entry(world.worker, "view_student", "student=1 code=JX-A-1 school=1", dt.datetime(2026, 3, 1))
    entry(world.worker, "export", "lesson_plan JX-KT-1", dt.datetime(2026, 4, 1), "program")
    entry(
        world.supervisor, "view_reflection", "reflection=3", dt.datetime(2026, 5, 1), "reflection"
    )
    entry(None, "purge", f"agency={world.agency.id} count=7 cutoff=2021-01-01", None, "attendance")
    stranger = factories.user("worker")
    entry(stranger, "view_student", "student=9 code=WX-A-9 school=3")
    return stranger


def page(client, **params):
    response = client.get("/admin/audit", query_string=params)
    return response, response.get_data(as_text=True)


def test_the_admin_reads_the_agency_log_only(client, world, log):
    login_as(client, world.admin)
    response, body = page(client)
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("no-store")
    assert "JX-A-1" in body and "cutoff=2021-01-01" in body
    assert "WX-A-9" not in body  # another agency's row


@pytest.mark.parametrize(
    "params, shown, hidden",
    [
        ({"action": "export"}, "JX-KT-1", "JX-A-1"),
        ({"code": "JX-A-1"}, "JX-A-1", "JX-KT-1"),
        ({"since": "2026-04-15"}, "reflection=3", "JX-KT-1"),
        ({"until": "2026-03-31"}, "JX-A-1", "reflection=3"),
    ],
)
def test_filters(client, world, log, params, shown, hidden):
    login_as(client, world.admin)
    _, body = page(client, **params)
    assert shown in body and hidden not in body


def test_filter_by_person(client, world, log):
    login_as(client, world.admin)
    _, body = page(client, user=world.supervisor.id)
    assert "reflection=3" in body and "JX-A-1" not in body


@pytest.mark.parametrize(
    "params",
    [
        {"user": "abc"},
        {"since": "2026-02-30"},
        {"page": "0"},
        {"page": "9223372036854775807"},
        {"code": "X" * 41},
    ],
)
def test_bad_filters_are_refused_not_a_500(client, world, log, params):
    login_as(client, world.admin)
    assert page(client, **params)[0].status_code == 422


def test_reading_the_log_is_audited(client, world, log):
    login_as(client, world.admin)
    page(client, action="export")
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (last.user_id, last.action) == (world.admin.id, "audit_read")
    assert "action=export" in last.detail


def test_the_csv_holds_the_filtered_rows_and_runs_no_formula(client, world, log):
    entry(world.worker, "export", "=HYPERLINK(1)", dt.datetime(2026, 4, 2), "program")
    login_as(client, world.admin)
    response = client.get("/admin/audit.csv", query_string={"action": "export"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("时间") and len(lines) == 3  # header and the two exports
    assert "'=HYPERLINK(1)" in lines[1] + lines[2]
    assert "WX-A-9" not in response.data.decode("utf-8-sig")


def test_the_annual_summary_counts_reads_exports_requests_and_purges(client, world, log):
    learner = student(world.school, world.cls)
    DataRequest.create(
        agency=world.agency,
        student=learner,
        kind="export",
        requester="guardian",
        asked_on=dt.date(2026, 6, 1),
        status="done",
        recorded_by=world.worker,
    )
    login_as(client, world.admin)
    year = local_today().year
    summary = client.get("/admin/audit/summary", query_string={"year": year})
    body = summary.get_data(as_text=True)
    assert summary.status_code == 200
    assert 'id="reads-total">2<' in body  # the worker's record read and the supervisor's
    assert 'id="exports-total">1<' in body
    assert 'id="purged-attendance">7<' in body
    assert 'id="requests-export">1<' in body
    for bad in ("1999", str(year + 1), "abc"):
        assert client.get("/admin/audit/summary", query_string={"year": bad}).status_code in (
            404,
            422,
        )


def test_the_page_query_count_is_constant(client, world, log):
    login_as(client, world.admin)
    with count_queries() as few:
        page(client)
    for n in range(30):
        entry(world.worker, "view_student", f"student={n} code=JX-B-{n}")
    with count_queries() as many:
        _, body = page(client)
    assert "JX-B-29" in body
    assert few.count == many.count
