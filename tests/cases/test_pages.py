"""Who reaches a case, what each read leaves in the audit log, the crisis watch list and
the pinned query counts of every casework page."""

import datetime as dt
import re

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.cases.models import Case
from planner.i18n import local_today
from tests import factories as f
from tests.cases import factories as cf
from tests.conftest import login_as


def client_of(app, user):
    return login_as(app.test_client(), user)


def test_the_co_worker_and_her_supervisor_reach_the_case(app, world):
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    her_supervisor = f.user(
        "supervisor", agency=world.agency, username="super2", workers=[colleague]
    )
    stranger = f.user("worker", agency=world.agency, username="stranger", schools=[world.school])
    case = cf.case(world, step="assessment", co_worker=colleague)
    assert client_of(app, colleague).get(f"/cases/{case.id}").status_code == 200
    assert client_of(app, her_supervisor).get(f"/cases/{case.id}").status_code == 200
    # her supervisor reads but doesn't write
    data = {"risk": "normal", "version": "1"}
    assert client_of(app, her_supervisor).post(f"/cases/{case.id}", data=data).status_code == 403
    # the co-worker writes: she stays co-worker when she saves the case's settings
    own = {"risk": "concern", "co_worker_id": str(colleague.id), "version": "1"}
    assert client_of(app, colleague).post(f"/cases/{case.id}", data=own).status_code == 303
    assert Case.get_by_id(case.id).co_worker_id == colleague.id
    # another worker of the same school: not hers
    assert client_of(app, stranger).get(f"/cases/{case.id}").status_code == 403
    listed = client_of(app, stranger).get(f"/schools/{world.school.id}/cases").text
    assert case.archive_code not in listed
    assert (
        case.archive_code in client_of(app, colleague).get(f"/schools/{world.school.id}/cases").text
    )


@pytest.mark.parametrize("persona", ["admin", "teacher"])
def test_admins_and_teachers_never_see_a_case(app, world, persona):
    s = cf.student(world, name="金丝雀学生")
    case = cf.case(world, s, step="intervention", risk="high", next_review=local_today())
    cf.note(case, note="会谈内容")
    client = client_of(app, getattr(world, persona))
    for url in (
        f"/cases/{case.id}",
        f"/schools/{world.school.id}/cases",
        "/cases/crisis",
        "/supervision/cases",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert s.name not in response.text and case.archive_code not in response.text


def test_the_teachers_pages_hold_none_of_it(app, world):
    s = cf.student(world, name="个案学生甲")
    case = cf.case(world, s, step="intervention", risk="high", next_review=local_today())
    cf.note(case, note="会谈内容甲")
    teacher = client_of(app, world.teacher)
    for url in ("/", "/agenda", f"/schools/{world.school.id}"):
        page = teacher.get(url, follow_redirects=True).text
        for secret in ("个案学生甲", "会谈内容甲", case.archive_code, "危机预警"):
            assert secret not in page, (url, secret)


def test_every_read_of_a_case_is_audited_with_codes_only(worker, supervisor, world):
    s = cf.student(world, name="审计学生")
    case = cf.case(world, s, step="assessment")
    worker.get(f"/cases/{case.id}")
    supervisor.get(f"/cases/{case.id}")
    reads = list(
        AuditEntry.select().where(AuditEntry.action == "case_read").order_by(AuditEntry.id)
    )
    assert [(r.user_id, r.object_id) for r in reads] == [
        (world.worker.id, case.id),
        (world.supervisor.id, case.id),
    ]
    assert all(case.archive_code in r.detail and "审计学生" not in r.detail for r in reads)
    worker.get(f"/schools/{world.school.id}/cases")
    worker.get("/cases/crisis")
    actions = {r.action for r in AuditEntry.select()}
    assert {"case_list", "crisis_list"} <= actions


def test_no_name_in_any_url(worker, world):
    s = cf.student(world, name="网址学生")
    case = cf.case(world, s, step="intervention", risk="high", next_review=local_today())
    cf.note(case)
    cf.referral(case)
    for url in (f"/cases/{case.id}", f"/schools/{world.school.id}/cases", "/cases/crisis"):
        html = worker.get(url).text
        for link in re.findall(r'(?:href|action|hx-post)="([^"]*)"', html):
            assert "网址学生" not in link and s.student_no not in link


def test_the_crisis_list_shows_open_high_risk_cases_with_overdue_marked(worker, world):
    today = local_today()
    due = cf.case(world, risk="high", next_review=today - dt.timedelta(days=1), step="plan")
    later = cf.case(world, risk="high", next_review=today + dt.timedelta(days=5))
    unset = cf.case(world, risk="high")
    low = cf.case(world, risk="concern", next_review=today - dt.timedelta(days=3))
    closed = cf.case(world, risk="high", step="closed", next_review=today - dt.timedelta(days=3))
    page = worker.get("/cases/crisis").text
    for c in (due, later, unset):
        assert f'id="crisis-{c.id}"' in page
    for c in (low, closed):
        assert f'id="crisis-{c.id}"' not in page
    assert f'<tr id="crisis-{due.id}" class="overdue">' in page
    assert f'<tr id="crisis-{unset.id}" class="overdue">' in page
    assert f'<tr id="crisis-{later.id}">' in page
    # the worker's nav links to it
    assert 'href="/cases/crisis"' in worker.get("/", follow_redirects=True).text


def test_a_supervisor_sees_her_workers_crisis_cases_only(app, supervisor, world):
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    mine = cf.case(world, risk="high", next_review=local_today())
    theirs = cf.case(world, worker=colleague, risk="high", next_review=local_today())
    page = supervisor.get("/cases/crisis").text
    assert f'id="crisis-{mine.id}"' in page and f'id="crisis-{theirs.id}"' not in page


# ---- pinned query counts: the same on a small and a bigger case -------------------------


def _small(world):
    case = cf.case(world, step="intervention", risk="high", next_review=local_today())
    cf.records(case, "intake", "assessment", "plan")
    cf.note(case, status="submitted")
    return case


def _big(world):
    case = cf.case(world, step="intervention", risk="high", next_review=local_today())
    cf.records(case, "intake", "assessment", "plan")
    for i in range(8):
        cf.note(case, status="submitted" if i % 2 else "draft", safeguarding=i == 3)
    for _ in range(3):
        cf.referral(case)
    for _ in range(6):
        other = cf.case(world, risk="high", next_review=local_today() - dt.timedelta(days=1))
        cf.note(other, status="submitted")
    return case


def _count(client, url):
    client.get(url)  # warm caches (session, translations)
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.count


@pytest.mark.parametrize(
    ("who", "url", "pinned"),
    [
        ("worker", "/cases/{case}", 10),
        ("supervisor", "/cases/{case}", 10),
        ("worker", "/schools/{school}/cases", 6),
        ("worker", "/cases/crisis", 3),
        ("supervisor", "/supervision/cases", 4),
    ],
)
def test_query_counts_are_pinned(app, world, who, url, pinned):
    client = client_of(app, getattr(world, who))
    small = _small(world)
    a = _count(client, url.format(case=small.id, school=world.school.id))
    big = _big(world)
    b = _count(client, url.format(case=big.id, school=world.school.id))
    assert (a, b) == (pinned, pinned)
