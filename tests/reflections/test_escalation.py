"""Escalation (standard 4.1): a flag left unacknowledged past the agency's hours goes to the
safeguarding lead, marked 已升级. The clock is moved by passing `at`."""

import datetime as dt

from planner.audit.models import AuditEntry
from planner.db import now
from planner.reflections.escalation import escalate
from planner.reflections.models import FollowUp, Reflection
from planner.schools.models import Agency
from tests import factories
from tests.conftest import login_as
from tests.reflections import factories as rf

RAISED = dt.datetime(2026, 9, 10, 9, 0)  # UTC


def flag(world, worker=None, at=RAISED, **kw):
    prog = rf.program(world, workers=[worker or world.worker])
    member = rf.student(world)
    rf.members(prog, member)
    refl = rf.reflection(rf.sessions_of(prog)[0], worker or world.worker)
    return rf.follow_up(refl, member, safeguarding=True, flagged_at=at, **kw)


def settings(world, lead=None, hours=24):
    Agency.update(safeguarding_lead=lead.id if lead else None, escalation_hours=hours).where(
        Agency.id == world.agency.id
    ).execute()


def escalated_at(item):
    return FollowUp.get_by_id(item.id).escalated_at


def test_not_before_the_hours_then_the_lead_sees_it_escalated(client, world):
    lead = factories.user("supervisor", agency=world.agency)
    settings(world, lead)
    item = flag(world)
    assert escalate(RAISED + dt.timedelta(hours=23, minutes=59)) == {}
    assert escalated_at(item) is None
    login_as(client, lead)
    assert f'id="flag-{item.id}"' not in client.get("/supervision").get_data(as_text=True)

    at = RAISED + dt.timedelta(hours=24)
    assert escalate(at) == {world.agency.id: [item.id]}
    assert escalated_at(item) == at
    body = client.get("/supervision").get_data(as_text=True)
    assert f'id="flag-{item.id}"' in body and "已升级" in body
    dash = client.get("/dashboard").get_data(as_text=True)
    assert f'id="dash-flag-{item.id}"' in dash and "已升级" in dash
    # the worker's supervisor still has it, marked too
    login_as(client, world.supervisor)
    body = client.get("/supervision").get_data(as_text=True)
    assert f'id="flag-{item.id}"' in body and "已升级" in body


def test_the_agencys_hours_count_and_other_agencies_keep_theirs(world):
    settings(world, hours=2)
    item = flag(world)
    other_school = factories.school()  # another agency, default 24 hours
    other_world = type(world)(**{**vars(world), "school": other_school})
    other_world.term = factories.term(school=other_school)
    other_world.room = factories.room(school=other_school)
    other_worker = factories.user("worker", agency=other_school.agency, schools=[other_school])
    other = flag(other_world, other_worker)
    assert escalate(RAISED + dt.timedelta(hours=1, minutes=59)) == {}
    assert escalate(RAISED + dt.timedelta(hours=2)) == {world.agency.id: [item.id]}
    assert escalated_at(other) is None
    assert escalate(RAISED + dt.timedelta(hours=24)) == {other_school.agency_id: [other.id]}


def test_acknowledged_and_plain_follow_ups_never_escalate(world):
    seen = flag(world, acknowledged_at=RAISED + dt.timedelta(hours=1))
    plain = flag(world)
    FollowUp.update(safeguarding=False).where(FollowUp.id == plain.id).execute()
    assert escalate(RAISED + dt.timedelta(days=30)) == {}
    assert escalated_at(seen) is None and escalated_at(plain) is None


def test_a_second_run_escalates_nothing_new_and_the_audit_names_ids_only(client, world):
    first = flag(world)
    at = RAISED + dt.timedelta(hours=25)
    assert escalate(at) == {world.agency.id: [first.id]}
    assert escalate(at + dt.timedelta(hours=1)) == {}
    assert escalated_at(first) == at  # the first escalation stands
    rows = list(AuditEntry.select().where(AuditEntry.action == "escalate_safeguarding"))
    assert [(r.object_id, r.user_id) for r in rows] == [(first.id, None)]
    assert first.student.name not in rows[0].detail
    assert first.student.archive_code not in rows[0].detail
    # the agency's audit page lists the system's row
    login_as(client, world.admin)
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "安全关注超时升级" in audit and f"follow_up={first.id}" in audit


def test_without_a_lead_escalated_flags_go_to_the_admins(client, world):
    item = flag(world)
    login_as(client, world.admin)
    assert f'id="flag-{item.id}"' not in client.get("/supervision").get_data(as_text=True)
    escalate(RAISED + dt.timedelta(hours=24))
    body = client.get("/supervision").get_data(as_text=True)
    assert f'id="flag-{item.id}"' in body and "已升级" in body


def test_a_flag_ticked_again_restarts_its_clock(world):
    """Unticked and ticked again in the form: a new concern, not yet escalated."""
    from planner.reflections.services import _sync_follow_ups

    item = flag(world, escalated_at=RAISED + dt.timedelta(hours=30))
    refl = item.reflection
    sid = item.student_id
    _sync_follow_ups(refl, {sid: {"note": "x", "safeguarding": False}}, {sid})
    _sync_follow_ups(refl, {sid: {"note": "x", "safeguarding": True}}, {sid})
    again = FollowUp.get_by_id(item.id)
    assert again.escalated_at is None and again.flagged_at > RAISED
    assert again.flagged_at <= now()


def test_the_command(app, world):
    item = flag(world)
    runner = app.test_cli_runner()
    help_text = runner.invoke(args=["planner", "escalate", "--help"]).output
    assert "escalation hours" in help_text and "cron" in help_text
    bad = runner.invoke(args=["planner", "escalate", "--now", "yesterday"])
    assert bad.exit_code != 0 and "--now" in bad.output
    early = runner.invoke(args=["planner", "escalate", "--now", "2026-09-10T10:00"])
    assert early.exit_code == 0 and "escalated 0" in early.output
    done = runner.invoke(args=["planner", "escalate", "--now", "2026-09-11T09:00"])
    assert done.exit_code == 0 and f"{item.id}" in done.output and "escalated 1" in done.output
    assert escalated_at(item) == dt.datetime(2026, 9, 11, 9, 0)


def test_the_migration_dates_existing_flags_from_their_reflection(world):
    """m0010 gives flags raised before it the reflection's submission (else its last save)
    as the moment they were raised, so they escalate rather than wait forever."""
    from planner.db import database
    from planner.migrations.m0010_safeguarding import BACKFILL

    submitted = flag(world)
    Reflection.update(submitted_at=RAISED).where(Reflection.id == submitted.reflection_id).execute()
    draft = flag(world)
    saved_at = Reflection.get_by_id(draft.reflection_id).updated_at
    FollowUp.update(flagged_at=None).execute()
    database.execute_sql(BACKFILL)
    assert FollowUp.get_by_id(submitted.id).flagged_at == RAISED
    assert FollowUp.get_by_id(draft.id).flagged_at == saved_at
    assert escalate(RAISED + dt.timedelta(hours=24)) == {world.agency.id: [submitted.id]}
