"""介入 (8.3.4): case notes go to the supervisor, who signs them off or returns them, like
reflections; a safeguarding concern raised in one is on top of her queue until she
acknowledges it, and escalates like a follow-up flag when left (reflections/escalation.py);
referrals out keep their consent, dates and outcome."""

import datetime as dt

import pytest

from planner.audit.models import AuditEntry
from planner.cases.models import CaseNote, CaseReferral
from planner.db import now
from planner.i18n import local_today
from planner.reflections.escalation import escalate
from tests import factories as f
from tests.cases import factories as cf
from tests.conftest import login_as


def note_form(**kw):
    data = {
        "kind": "family",
        "held_on": local_today().isoformat(),
        "minutes": "30",
        "note": "与家长电话沟通",
        "version": "0",
    }
    data.update(kw)
    return data


def test_a_submitted_note_is_signed_off_by_the_supervisor(worker, supervisor, world):
    case = cf.case(world, step="intervention")
    response = worker.post(f"/cases/{case.id}/notes", data=note_form(action="submit"))
    assert response.status_code == 303
    note = CaseNote.get()
    assert (note.status, note.kind, note.minutes, note.author_id) == (
        "submitted",
        "family",
        30,
        world.worker.id,
    )
    queue = supervisor.get("/supervision/cases").text
    assert "与家长电话沟通" in queue and case.archive_code in queue
    assert case.student.name not in queue  # the queue names the case by its code
    signed = supervisor.post(
        f"/supervision/case-notes/{note.id}/review",
        data={"action": "sign_off", "comment": "记录清楚", "version": "1"},
    )
    assert signed.status_code == 303
    note = CaseNote.get_by_id(note.id)
    assert (note.status, note.signed_off_by_id, note.supervisor_comment) == (
        "signed_off",
        world.supervisor.id,
        "记录清楚",
    )
    assert "与家长电话沟通" not in supervisor.get("/supervision/cases").text
    # signed off: final
    edit = worker.post(f"/cases/{case.id}/notes/{note.id}", data=note_form(version="2"))
    assert edit.status_code == 409


def test_a_returned_note_goes_back_to_its_author_as_a_draft(worker, supervisor, world):
    case = cf.case(world, step="intervention")
    note = cf.note(case, status="submitted")
    url = f"/supervision/case-notes/{note.id}/review"
    no_comment = supervisor.post(url, data={"action": "return", "comment": "", "version": "1"})
    assert no_comment.status_code == 422 and "写明需要修改" in no_comment.text
    assert CaseNote.get_by_id(note.id).status == "submitted"
    back = supervisor.post(url, data={"action": "return", "comment": "补充时长", "version": "1"})
    assert back.status_code == 303 and CaseNote.get_by_id(note.id).status == "draft"
    assert "补充时长" in worker.get(f"/cases/{case.id}").text
    again = worker.post(
        f"/cases/{case.id}/notes/{note.id}", data=note_form(version="2", action="submit")
    )
    assert again.status_code == 303 and CaseNote.get_by_id(note.id).status == "submitted"
    # a second review with the old version is stale
    assert supervisor.post(url, data={"action": "sign_off", "version": "1"}).status_code == 409


def test_only_the_author_edits_a_draft(app, world):
    colleague = f.user("worker", agency=world.agency, username="colleague", schools=[world.school])
    case = cf.case(world, step="intervention", co_worker=colleague)
    note = cf.note(case)
    client = login_as(app.test_client(), colleague)
    response = client.post(f"/cases/{case.id}/notes/{note.id}", data=note_form(version="1"))
    assert response.status_code == 403
    assert CaseNote.get_by_id(note.id).kind == "direct"
    # the co-worker writes notes of her own on the case
    assert client.post(f"/cases/{case.id}/notes", data=note_form()).status_code == 303


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"note": ""}, 422),
        ({"note": "长" * 4001}, 422),
        ({"minutes": "0"}, 422),
        ({"minutes": "601"}, 422),
        ({"minutes": "9" * 30}, 422),
        ({"minutes": "半小时"}, 422),
        ({"kind": "phone"}, 422),
        ({"held_on": "明天"}, 422),
        ({"held_on": (local_today() + dt.timedelta(days=1)).isoformat()}, 422),
        ({"held_on": "2000-01-01"}, 422),
        ({"version": ""}, 422),
    ],
)
def test_bad_notes_are_refused(worker, world, change, status):
    case = cf.case(world, step="intervention")
    assert worker.post(f"/cases/{case.id}/notes", data=note_form(**change)).status_code == status
    assert CaseNote.select().count() == 0


def test_notes_need_consent_and_a_case_past_intake(worker, world):
    case = cf.case(world)
    assert worker.post(f"/cases/{case.id}/notes", data=note_form()).status_code == 409
    other = cf.case(world, cf.student(world, consent_given=False), step="intervention")
    assert worker.post(f"/cases/{other.id}/notes", data=note_form()).status_code == 403
    assert CaseNote.select().count() == 0


def test_a_safeguarding_concern_tops_the_queue_until_acknowledged(worker, supervisor, world):
    case = cf.case(world, step="intervention")
    worker.post(f"/cases/{case.id}/notes", data=note_form(safeguarding="1", note="提到自伤念头"))
    note = CaseNote.get()
    assert note.safeguarding and note.flagged_at is not None and note.status == "draft"
    queue = supervisor.get("/supervision/cases").text
    assert f'id="case-flag-{note.id}"' in queue and "提到自伤念头" in queue
    assert supervisor.post(f"/supervision/case-notes/{note.id}/acknowledge").status_code == 303
    assert CaseNote.get_by_id(note.id).acknowledged_by_id == world.supervisor.id
    assert f'id="case-flag-{note.id}"' not in supervisor.get("/supervision/cases").text


def test_an_unacknowledged_concern_escalates_like_a_follow_up(world):
    case = cf.case(world, step="intervention")
    old = cf.note(case, safeguarding=True, flagged_at=now() - dt.timedelta(hours=30))
    fresh = cf.note(case, safeguarding=True, flagged_at=now())
    seen = cf.note(
        case,
        safeguarding=True,
        flagged_at=now() - dt.timedelta(hours=30),
        acknowledged_at=now(),
    )
    escalate()
    assert CaseNote.get_by_id(old.id).escalated_at is not None
    assert CaseNote.get_by_id(fresh.id).escalated_at is None
    assert CaseNote.get_by_id(seen.id).escalated_at is None
    rows = AuditEntry.select().where(AuditEntry.action == "escalate_safeguarding")
    assert [(r.object_type, r.object_id) for r in rows] == [("case_note", old.id)]
    escalate()  # a second run escalates nothing new
    assert AuditEntry.select().where(AuditEntry.action == "escalate_safeguarding").count() == 1


def test_the_queue_read_is_audited_and_another_supervisor_sees_nothing(app, world):
    case = cf.case(world, step="intervention")
    note = cf.note(case, status="submitted", note="只给督导看")
    other = f.user("supervisor", agency=world.agency, username="super2")
    client = login_as(app.test_client(), other)
    assert "只给督导看" not in client.get("/supervision/cases").text
    review = client.post(
        f"/supervision/case-notes/{note.id}/review", data={"action": "sign_off", "version": "1"}
    )
    assert review.status_code == 404
    mine = login_as(app.test_client(), world.supervisor)
    mine.get("/supervision/cases")
    entry = AuditEntry.get(AuditEntry.action == "case_queue_read")
    assert entry.user_id == world.supervisor.id and case.archive_code in entry.detail


def referral_form(**kw):
    day = local_today().isoformat()
    data = {
        "target": "protection",
        "organisation": "镇未成年人保护工作站",
        "reason": "家庭监护缺失",
        "consent_by": "guardian",
        "consent_on": day,
        "referred_on": day,
    }
    data.update(kw)
    return data


def test_a_referral_records_consent_dates_and_later_its_outcome(worker, world):
    case = cf.case(world, step="assessment")
    assert worker.post(f"/cases/{case.id}/referrals", data=referral_form()).status_code == 303
    ref = CaseReferral.get()
    assert (ref.target, ref.consent_by, ref.referred_on) == (
        "protection",
        "guardian",
        local_today(),
    )
    data = {"outcome": "工作站已介入", "outcome_on": local_today().isoformat(), "version": "1"}
    url = f"/cases/{case.id}/referrals/{ref.id}"
    assert worker.post(url, data=data).status_code == 303
    assert CaseReferral.get_by_id(ref.id).outcome == "工作站已介入"
    assert worker.post(url, data=data).status_code == 409  # stale
    assert worker.post(f"/cases/{case.id}/referrals/424242", data=data).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"target": "police"},
        {"reason": ""},
        {"reason": "长" * 1001},
        {"organisation": "长" * 81},
        {"consent_by": "teacher"},
        {"consent_on": ""},
        {"referred_on": (local_today() + dt.timedelta(days=2)).isoformat()},
        {"consent_on": (local_today() + dt.timedelta(days=1)).isoformat()},
        {"referred_on": "2000-01-01"},
        {"outcome_on": "2000-01-01"},
    ],
)
def test_bad_referrals_are_refused(worker, world, change):
    case = cf.case(world, step="assessment")
    response = worker.post(f"/cases/{case.id}/referrals", data=referral_form(**change))
    assert response.status_code == 422
    assert CaseReferral.select().count() == 0
