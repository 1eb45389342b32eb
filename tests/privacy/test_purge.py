"""The retention purge (standard 9.4 e; PIPL Art. 19, 47): with the clock moved on, exactly
what has passed its period goes, what has not stays, the term statistics of past terms are
unchanged and every batch leaves one audit row. Runs on SQLite and on PostgreSQL."""

import datetime as dt
import types

import pytest

from planner.audit.models import AuditEntry
from planner.evaluation.models import GasGoal, Score
from planner.exports.models import ExportJob
from planner.privacy.models import RECORD_TYPES, RetentionSetting
from planner.privacy.retention import periods, purge
from planner.reflections.models import FollowUp, Reflection
from planner.reports.stats import term_statistics
from planner.runs.models import Attendance, SessionRecord
from planner.sessions.models import Program
from planner.students.models import Consent, GroupMember, Student
from tests import factories
from tests.evaluation import factories as ef
from tests.reflections import factories as rf
from tests.students.factories import CANARY

TODAY = dt.date(2026, 12, 1)
OLD = dt.datetime(2020, 10, 1, 8, 0)  # five years and more before TODAY
OLD_TERM = "2020—2021学年第一学期"


def _group(world, first, term=None, name=CANARY):
    """A group with two members, attendance at meetings 1 and 3, a reflection with two
    follow-ups (one an open safeguarding flag) at meeting 1, a reflection at meeting 2,
    pre and post scores and a goal."""
    prog = rf.program(world, first=first)
    if term:
        Program.update(term=term).where(Program.id == prog.id).execute()
    canary = rf.student(world, name=name)
    other = rf.student(world, name="第二组员")
    rf.members(prog, canary, other)
    s = rf.sessions_of(prog)
    rf.attendance(s[0], canary, "present")
    rf.attendance(s[0], other, "absent")
    rf.attendance(s[2], canary, "late")
    stamp = dt.datetime.combine(first, dt.time(18))
    flagged = rf.reflection(
        s[0], world.worker, status="signed_off", submitted_at=stamp, answers={"观察": name}
    )
    rf.follow_up(flagged, canary, note=f"{name}需要面谈", acknowledged_at=stamp)
    rf.follow_up(flagged, canary, note="安全事项", safeguarding=True)
    plain = rf.reflection(s[1], world.worker, status="submitted", submitted_at=stamp)
    inst = ef.instruments()["group-goal-self-rating"]
    for member, when in ((canary, "pre"), (other, "post")):
        ef.score(prog, member, inst, when, 3, updated_at=stamp)
    ef.goal(prog, canary, updated_at=stamp)
    return types.SimpleNamespace(
        program=prog, sessions=s, canary=canary, other=other, flagged=flagged, plain=plain
    )


@pytest.fixture
def history(world):
    """An old group (autumn 2020) and this term's group, in the same school."""
    old_term = factories.term(
        school=world.school, name=OLD_TERM, start=dt.date(2020, 9, 1), end=dt.date(2021, 1, 20)
    )
    old = _group(world, dt.date(2020, 9, 10), term=old_term)
    new = _group(world, dt.date(2026, 9, 10), name="孙小雨")
    # consents: one withdrawn long ago (past the 3-year period), one withdrawn this year
    Consent.update(withdrawn_on=dt.date(2021, 1, 5)).where(
        Consent.student == old.canary.id
    ).execute()
    Consent.update(withdrawn_on=dt.date(2026, 11, 1)).where(
        Consent.student == new.canary.id
    ).execute()
    # an old student archived in 2021 (past the 5-year period), a new one archived this year
    Student.update(archived=True, archived_at=dt.datetime(2021, 1, 10)).where(
        Student.id == old.other.id
    ).execute()
    Student.update(archived=True, archived_at=dt.datetime(2026, 7, 1)).where(
        Student.id == new.other.id
    ).execute()
    ExportJob.create(
        token="old-job",
        user=world.worker,
        scope="program",
        target_id=1,
        kind="all",
        status="done",
        created_at=dt.datetime(2026, 10, 1),
    )
    ExportJob.create(
        token="new-job",
        user=world.worker,
        scope="program",
        target_id=1,
        kind="all",
        status="done",
        created_at=dt.datetime(2026, 11, 25),
    )
    return types.SimpleNamespace(old=old, new=new, term=old_term)


EXPECTED = {
    "exports": 1,  # the October job (30 days)
    "scores": 3,  # two scores and a goal of 2020
    "follow_ups": 1,  # the acknowledged follow-up of 2020; the open safeguarding flag stays
    "reflections": 1,  # the 2020 reflection with no follow-up left; the flagged one stays
    "attendance": 3,  # the marks of autumn 2020
    "students": 1,  # archived in January 2021
    "consents": 1,  # withdrawn in January 2021
}


def _counts():
    return {
        m.__name__: m.select().count()
        for m in (Attendance, Reflection, FollowUp, Score, GasGoal, Consent, ExportJob, Student)
    }


def _stats(user):
    result = term_statistics(user, OLD_TERM, TODAY)
    return result.totals, result.schools, result.workers


def test_a_dry_run_counts_and_changes_nothing(world, history):
    before = _counts()
    assert purge(TODAY, dry_run=True)["TA"] == EXPECTED
    assert _counts() == before
    assert not AuditEntry.select().where(AuditEntry.action == "purge").exists()


def test_the_purge_removes_exactly_what_has_passed_its_period(world, history):
    old, new = history.old, history.new
    stats_before = _stats(world.admin)
    assert (
        stats_before[0]["meeting_participants"] == 2 and stats_before[0]["meetings"] == 2
    )  # the old term has something to keep

    assert purge(TODAY)["TA"] == EXPECTED

    # attendance: the old marks are gone, their counts kept on the session records
    assert not Attendance.select().where(Attendance.session.in_(old.sessions)).exists()
    assert Attendance.select().where(Attendance.session.in_(new.sessions)).count() == 3
    kept = SessionRecord.get(SessionRecord.session == old.sessions[0].id)
    assert (kept.purged_marks, kept.purged_attended) == (2, 1)
    # reflections and follow-ups: the open flag and its reflection stay
    assert Reflection.get_or_none(Reflection.id == old.plain.id) is None
    assert Reflection.get_or_none(Reflection.id == old.flagged.id) is not None
    assert [f.safeguarding for f in old.flagged.follow_ups] == [True]
    assert Reflection.select().where(Reflection.id.in_([new.flagged.id, new.plain.id])).count() == 2
    # scores and goals of 2020 go, this term's stay
    assert not Score.select().where(Score.program == old.program.id).exists()
    assert not GasGoal.select().where(GasGoal.program == old.program.id).exists()
    assert Score.select().where(Score.program == new.program.id).count() == 2
    # the student archived in 2021 is anonymous; the one archived this year is not
    gone = Student.get_by_id(old.other.id)
    assert gone.anonymised_at and gone.name != "第二组员" and gone.birth_date is None
    assert gone.archive_code == old.other.archive_code  # the pseudonym the audit rows use
    assert Student.get_by_id(new.other.id).name == "第二组员"
    assert GroupMember.select().where(GroupMember.student == old.other.id).count() == 1
    # consents: the one withdrawn in 2021 is gone, this year's withdrawal is kept
    assert not Consent.select().where(Consent.student == old.canary.id).exists()
    assert Consent.select().where(Consent.student == new.canary.id).exists()
    assert [j.token for j in ExportJob.select()] == ["new-job"]

    # the past term's statistics are what they were: the counts survive, the people don't
    assert _stats(world.admin) == stats_before


def test_each_batch_writes_one_audit_row_and_names_no_one(world, history):
    purge(TODAY)
    entries = list(AuditEntry.select().where(AuditEntry.action == "purge"))
    assert sorted(e.object_type for e in entries) == sorted(EXPECTED)
    for entry in entries:
        assert entry.user_id is None and entry.object_id == world.agency.id
        assert f"count={EXPECTED[entry.object_type]} " in entry.detail
        assert CANARY not in entry.detail and "第二组员" not in entry.detail


def test_a_second_run_finds_nothing_more(world, history):
    purge(TODAY)
    assert set(purge(TODAY)["TA"].values()) == {0}


def test_an_agency_period_moves_the_line(world, history):
    """Attendance kept for ten years: nothing of 2020 goes, the rest as before."""
    RetentionSetting.create(agency=world.agency, record_type="attendance", days=3650)
    assert periods(world.agency.id)["attendance"] == 3650
    counts = purge(TODAY, dry_run=True)["TA"]
    assert counts == {**EXPECTED, "attendance": 0}


def test_another_agency_keeps_its_own_periods(world, history):
    other = factories.agency(code="ZZ")
    RetentionSetting.create(agency=other, record_type="attendance", days=1)
    assert purge(TODAY, dry_run=True)["TA"] == EXPECTED
    assert periods(other.id)["attendance"] == 1
    assert periods(world.agency.id) == {k: t.default_days for k, t in RECORD_TYPES.items()}


def test_the_erased_name_leaves_every_text(world, history):
    """The student the purge anonymises is removed from reflections, follow-ups and goals."""
    old = history.old
    Student.update(archived=True, archived_at=dt.datetime(2021, 1, 10)).where(
        Student.id == old.canary.id
    ).execute()
    purge(TODAY)
    assert Student.get_by_id(old.canary.id).anonymised_at is not None
    flagged = Reflection.get_by_id(old.flagged.id)
    assert CANARY not in str(flagged.answers) and old.canary.archive_code in str(flagged.answers)
    notes = [f.note for f in FollowUp.select()]
    assert not any(CANARY in n for n in notes)
    assert any("孙小雨" in n for n in notes)  # another student's mention is untouched
