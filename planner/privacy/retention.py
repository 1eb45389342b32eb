"""Minimum retention periods and the purge (standard 9.4 e; PIPL Art. 19 and 47).

Each agency has a period per record type (RECORD_TYPES gives the shipped defaults). The purge
removes what has passed its period: rows holding a person's details are deleted, or, where
counts are built on them, made anonymous, so that the term statistics of past terms stay
what they were. Audit rows are never purged; each batch the purge removes writes one.
"""

import datetime as dt

from peewee import Case, fn

from planner.accounts.models import User
from planner.audit.models import record
from planner.cases.models import Case as CaseFile
from planner.cases.models import CaseAppointment, CaseGoal, CaseNote, CaseRecord, CaseReferral
from planner.db import now, write_tx
from planner.errors import PlannerError
from planner.evaluation.compute import ATTENDED
from planner.evaluation.models import GasGoal, Score
from planner.exports.models import ExportJob
from planner.i18n import lazy_gettext as _l
from planner.privacy.anonymise import anonymise_student
from planner.privacy.models import MAX_DAYS, MIN_DAYS, RECORD_TYPES, RetentionSetting
from planner.reflections.models import FollowUp, Reflection
from planner.runs.models import Attendance, SessionRecord
from planner.schools.models import Agency, School
from planner.screening.models import ScreeningResult, ScreeningRound
from planner.sessions.models import Program, Session
from planner.students.models import Consent, Student


def periods(agency_id: int) -> dict[str, int]:
    """Days per record type: the agency's own setting, or the shipped default."""
    days = {key: t.default_days for key, t in RECORD_TYPES.items()}
    for setting in RetentionSetting.select().where(RetentionSetting.agency == agency_id):
        if setting.record_type in days:
            days[setting.record_type] = setting.days
    return days


def save_periods(user, values: dict[str, int]) -> None:
    """Set the agency's periods (an admin's form); all or nothing."""
    errors = {}
    for key, days in values.items():
        if key not in RECORD_TYPES:
            errors[key] = _l("未知的记录类型。")
        elif not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
            errors[key] = _l("保存期限须在 {low} 至 {high} 天之间。").format(
                low=MIN_DAYS, high=MAX_DAYS
            )
    if errors:
        err = PlannerError(next(iter(errors.values())), next(iter(errors)))
        err.errors = errors
        raise err
    with write_tx():
        for key, days in values.items():
            changed = (
                RetentionSetting.update(days=days, updated_by=user.id, updated_at=now())
                .where(
                    (RetentionSetting.agency == user.agency_id)
                    & (RetentionSetting.record_type == key)
                )
                .execute()
            )
            if not changed:
                RetentionSetting.create(
                    agency=user.agency_id, record_type=key, days=days, updated_by=user.id
                )
        detail = " ".join(f"{k}={v}" for k, v in sorted(values.items()))
        record(user, "retention_change", "agency", user.agency_id, detail)


def _at(day: dt.date) -> dt.datetime:
    """The start of a day, to compare with the timestamp columns."""
    return dt.datetime.combine(day, dt.time())


CHUNK = 500  # ids per DELETE, well inside SQLite's limit on bound parameters


def _delete(model, column, ids) -> None:
    for start in range(0, len(ids), CHUNK):
        model.delete().where(column.in_(ids[start : start + CHUNK])).execute()


def _schools(agency_id):
    return School.select(School.id).where(School.agency == agency_id)


def _sessions_before(agency_id, cutoff):
    return (
        Session.select(Session.id)
        .join(Program)
        .where(Program.school.in_(_schools(agency_id)) & (Session.date < cutoff))
    )


def _attendance(agency_id, cutoffs, dry_run):
    """Per-person marks go; each session keeps its counts in SessionRecord.purged_*."""
    cutoff = cutoffs["attendance"]
    rows = list(
        Attendance.select(
            Attendance.session,
            fn.COUNT(Attendance.id).alias("marks"),
            fn.SUM(Case(None, [(Attendance.status.in_(list(ATTENDED)), 1)], 0)).alias("attended"),
        )
        .where(Attendance.session.in_(_sessions_before(agency_id, cutoff)))
        .group_by(Attendance.session)
        .dicts()
    )
    total = sum(r["marks"] for r in rows)
    if dry_run or not total:
        return total
    for row in rows:
        session_id = row["session"]
        marks, attended = row["marks"], int(row["attended"] or 0)
        changed = (
            SessionRecord.update(
                purged_marks=SessionRecord.purged_marks + marks,
                purged_attended=SessionRecord.purged_attended + attended,
            )
            .where(SessionRecord.session == session_id)
            .execute()
        )
        if not changed:
            SessionRecord.create(session=session_id, purged_marks=marks, purged_attended=attended)
    _delete(Attendance, Attendance.session, [r["session"] for r in rows])
    return total


def _reflections(agency_id, cutoffs, dry_run):
    """Reflections of sessions before the cutoff, unless a follow-up of theirs is kept (one
    the follow-ups' own step leaves: a dry run counts as the real run would)."""
    kept = FollowUp.select(FollowUp.reflection).where(
        FollowUp.id.not_in(_follow_ups_query(agency_id, cutoffs["follow_ups"]))
    )
    query = Reflection.select(Reflection.id).where(
        Reflection.session.in_(_sessions_before(agency_id, cutoffs["reflections"]))
        & Reflection.id.not_in(kept)
    )
    ids = [r.id for r in query]
    if ids and not dry_run:
        _delete(Reflection, Reflection.id, ids)
    return len(ids) + _case_contents(agency_id, cutoffs["reflections"], dry_run)


def _case_contents(agency_id, cutoff, dry_run):
    """The contents of cases finished (closed or referred) before the reflections' cutoff:
    step records, case notes, GAS goals, referrals and case sessions go; the case row stays with its
    archive code, step and dates, for the counts. A case with a safeguarding concern not
    yet acknowledged keeps everything (clause 4.1). Counts the cases emptied."""
    open_flags = CaseNote.select(CaseNote.case).where(
        CaseNote.safeguarding & CaseNote.acknowledged_at.is_null()
    )
    cases = [
        c.id
        for c in CaseFile.select(CaseFile.id).where(
            CaseFile.school.in_(_schools(agency_id))
            & CaseFile.step.in_(("closed", "referred"))
            & (CaseFile.closed_on < cutoff)
            & CaseFile.id.not_in(open_flags)
            & (
                CaseFile.id.in_(CaseRecord.select(CaseRecord.case))
                | CaseFile.id.in_(CaseNote.select(CaseNote.case))
                | CaseFile.id.in_(CaseGoal.select(CaseGoal.case))
                | CaseFile.id.in_(CaseReferral.select(CaseReferral.case))
                | CaseFile.id.in_(CaseAppointment.select(CaseAppointment.case))
            )
        )
    ]
    if cases and not dry_run:
        for model in (CaseAppointment, CaseRecord, CaseNote, CaseGoal, CaseReferral):
            _delete(model, model.case, cases)
    return len(cases)


def _follow_ups_query(agency_id, cutoff):
    """Follow-ups whose reflection was submitted before the cutoff; an open safeguarding
    flag is never purged (clause 4.1: protect life first)."""
    old = Reflection.select(Reflection.id).where(
        Reflection.session.in_(_sessions_before(agency_id, cutoff))
        & (
            (Reflection.submitted_at < _at(cutoff))
            | (Reflection.submitted_at.is_null() & (Reflection.updated_at < _at(cutoff)))
        )
    )
    return FollowUp.select(FollowUp.id).where(
        FollowUp.reflection.in_(old)
        & (~FollowUp.safeguarding | FollowUp.acknowledged_at.is_null(False))
    )


def _follow_ups(agency_id, cutoffs, dry_run):
    ids = [f.id for f in _follow_ups_query(agency_id, cutoffs["follow_ups"])]
    if ids and not dry_run:
        _delete(FollowUp, FollowUp.id, ids)
    return len(ids)


def _scores(agency_id, cutoffs, dry_run):
    cutoff = cutoffs["scores"]
    programs = Program.select(Program.id).where(Program.school.in_(_schools(agency_id)))
    total = 0
    for model in (Score, GasGoal):
        query = model.select(model.id).where(
            model.program.in_(programs) & (model.updated_at < _at(cutoff))
        )
        ids = [row.id for row in query]
        total += len(ids)
        if ids and not dry_run:
            _delete(model, model.id, ids)
    # screening results are measures too: they go with the scores' retention period
    rounds = ScreeningRound.select(ScreeningRound.id).where(ScreeningRound.program.in_(programs))
    ids = [
        row.id
        for row in ScreeningResult.select(ScreeningResult.id).where(
            ScreeningResult.round.in_(rounds) & (ScreeningResult.updated_at < _at(cutoff))
        )
    ]
    if ids and not dry_run:
        _delete(ScreeningResult, ScreeningResult.id, ids)
    return total + len(ids)


def _consents(agency_id, cutoffs, dry_run):
    cutoff = cutoffs["consents"]
    students = Student.select(Student.id).where(Student.school.in_(_schools(agency_id)))
    anonymised = students.where(Student.anonymised_at < _at(cutoff))
    query = Consent.select(Consent.id).where(
        Consent.student.in_(students)
        & ((Consent.withdrawn_on < cutoff) | Consent.student.in_(anonymised))
    )
    ids = [c.id for c in query]
    if ids and not dry_run:
        _delete(Consent, Consent.id, ids)
    return len(ids)


def _students(agency_id, cutoffs, dry_run):
    cutoff = cutoffs["students"]
    query = Student.select().where(
        Student.school.in_(_schools(agency_id))
        & Student.archived
        & (Student.archived_at < _at(cutoff))
        & Student.anonymised_at.is_null()
    )
    students = list(query)
    if not dry_run:
        for student in students:
            anonymise_student(student)
    return len(students)


def _exports(agency_id, cutoffs, dry_run, drop_export=None):
    cutoff = cutoffs["exports"]
    query = (
        ExportJob.select(ExportJob.id, ExportJob.token)
        .join(User)
        .where(
            (User.agency == agency_id)
            & (ExportJob.created_at < _at(cutoff))
            & (ExportJob.status != "running")
        )
    )
    jobs = list(query)
    if jobs and not dry_run:
        _delete(ExportJob, ExportJob.id, [j.id for j in jobs])
        for job in jobs:
            if drop_export:  # its zip, wherever exports/storage.py keeps it
                drop_export(job.token)
    return len(jobs)


# In the order they run: records before the people they name.
STEPS = {
    "exports": _exports,
    "scores": _scores,
    "follow_ups": _follow_ups,
    "reflections": _reflections,
    "attendance": _attendance,
    "students": _students,
    "consents": _consents,
}


def purge(today: dt.date, dry_run: bool = False, drop_export=None) -> dict:
    """Count (dry run) or remove what has passed its period, per agency and record type.
    Returns {agency code: {record type: count}}. Each batch that removes anything is one
    transaction and one audit row ("purge", the record type, the count and the cutoff).
    `drop_export(token)` deletes the zip of a purged export job."""
    result = {}
    for agency in Agency.select().order_by(Agency.code):
        cutoffs = {key: today - dt.timedelta(days=days) for key, days in periods(agency.id).items()}
        counts = {}
        for key, step in STEPS.items():
            with write_tx():
                if key == "exports":
                    n = step(agency.id, cutoffs, dry_run, drop_export)
                else:
                    n = step(agency.id, cutoffs, dry_run)
                if n and not dry_run:
                    record(
                        None,
                        "purge",
                        key,
                        agency.id,
                        f"agency={agency.id} count={n} cutoff={cutoffs[key].isoformat()}",
                    )
            counts[key] = n
        result[agency.code] = counts
    return result
