"""Consultations (咨询/会谈, standard 7.2 and 7.4): with a student by archive code, or
with teachers or parents by role and number; counted in 人次 by kind; the list of
consultations with students is an audited read; admins and teachers see none of it."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.service.models import Consultation
from tests.conftest import login_as
from tests.service import factories as vf


def form(**kw):
    data = {
        "held_on": (local_today() - dt.timedelta(days=2)).isoformat(),
        "kind": "parent",
        "student_code": "",
        "people": "2",
        "purpose": "沟通孩子的情绪",
        "minutes": "40",
        "note": "",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def post(client, world, **kw):
    return client.post(f"/schools/{world.school.id}/consultations", data=form(**kw))


def test_a_parent_and_a_student_consultation_are_counted_in_person_times(worker, world):
    s = vf.student(world, name="会谈的孩子")
    assert post(worker, world).status_code == 303
    assert (
        post(worker, world, kind="student", student_code=s.archive_code, people="5").status_code
        == 303
    )
    rows = list(Consultation.select().order_by(Consultation.id))
    assert [(r.kind, r.people, r.student_id) for r in rows] == [
        ("parent", 2, None),
        ("student", 1, s.id),
    ]
    page = worker.get(f"/schools/{world.school.id}/consultations").get_data(as_text=True)
    assert 'id="consultation-count">2<' in page
    assert "家长 2 人次" in page and "学生 1 人次" in page and "教师 0 人次" in page
    assert s.archive_code in page and "会谈的孩子" not in page


def test_reading_consultations_with_students_is_audited(app, world):
    vf.consultation(world, kind="parent")
    supervisor = login_as(app.test_client(), world.supervisor)
    supervisor.get(f"/schools/{world.school.id}/consultations")
    assert not AuditEntry.select().where(AuditEntry.action == "view_consultations").exists()
    talk = vf.consultation(world, kind="student", student=vf.student(world))
    supervisor.get(f"/schools/{world.school.id}/consultations")
    entry = AuditEntry.get(AuditEntry.action == "view_consultations")
    assert entry.user_id == world.supervisor.id and f"consultations={talk.id}" in entry.detail


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": None}, "held_on"),
        ({"held_on": "2026-13-40"}, "held_on"),
        ({"held_on": (local_today() + dt.timedelta(days=1)).isoformat()}, "held_on"),
        ({"kind": "uncle"}, "kind"),
        ({"kind": "student"}, "student_code"),
        ({"kind": "student", "student_code": "JX-NONE"}, "student_code"),
        ({"student_code": "JX-LT-2026-0001"}, "student_code"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "目" * 101}, "purpose"),
        ({"minutes": "0"}, "minutes"),
        ({"minutes": "9" * 30}, "minutes"),
        ({"minutes": "半小时"}, "minutes"),
        ({"people": "51"}, "people"),
        ({"note": "记" * 2001}, "note"),
    ],
)
def test_a_bad_consultation_is_refused_and_nothing_saved(worker, world, changes, field):
    response = post(worker, world, **changes)
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert Consultation.select().count() == 0


def test_only_the_schools_worker_records_and_nobody_else_reads(app, world):
    assert post(login_as(app.test_client(), world.supervisor), world).status_code == 403
    assert post(login_as(app.test_client(), world.worker_other), world).status_code == 404
    vf.consultation(world, note="私密的会谈")
    for user in (world.admin, world.teacher):
        page = login_as(app.test_client(), user).get(f"/schools/{world.school.id}/consultations")
        assert page.status_code == 403 and "私密的会谈" not in page.get_data(as_text=True)


def test_the_query_count_is_pinned(worker, world):
    def counted():
        with count_queries() as counter:
            assert worker.get(f"/schools/{world.school.id}/consultations").status_code == 200
        return counter.count

    vf.consultation(world, kind="student", student=vf.student(world))
    small = counted()
    for i in range(6):
        vf.consultation(world, kind="student", student=vf.student(world))
        vf.consultation(world, kind="teacher", people=i + 1)
    assert counted() == small == 5
