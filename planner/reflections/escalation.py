"""Escalation of safeguarding flags left unacknowledged (T/JHSX 001—2026 4.1): after the
agency's `escalation_hours` (1–168, default 24) an open flag is marked escalated and goes
to the safeguarding lead's queue and dashboard, marked 已升级 (planner/reflections/
safeguarding.py says who sees what). Urgent 社工信箱 letters escalate by the same rule.
`flask planner escalate` runs it from cron.

A safeguarding concern raised in a case note (planner/cases) escalates by the same rule;
it is marked on the case-note queue of the case's supervisors (cases/services.queue)."""

import datetime as dt

from planner.audit.models import record
from planner.cases.models import Case, CaseNote
from planner.db import now, write_tx
from planner.reflections.models import FollowUp, Reflection
from planner.schools.models import Agency, School
from planner.service.models import Letter
from planner.sessions.models import Program, Session


def escalate(at: dt.datetime | None = None) -> dict[int, list[int]]:
    """Mark every open, unacknowledged, not yet escalated safeguarding flag raised at least
    its agency's hours before `at` (naive UTC, default now) as escalated at `at`. One audit
    row per flag, naming ids only (no student). Returns {agency id: [follow-up ids]}; a
    second run at the same time escalates nothing new."""
    at = at or now()
    with write_tx():
        rows = (
            FollowUp.select(FollowUp.id, FollowUp.flagged_at, Agency.id, Agency.escalation_hours)
            .join(Reflection)
            .join(Session)
            .join(Program)
            .join(School)
            .join(Agency)
            .where(
                FollowUp.safeguarding
                & FollowUp.acknowledged_at.is_null()
                & FollowUp.escalated_at.is_null()
                & FollowUp.flagged_at.is_null(False)
            )
            .tuples()
        )
        due: dict[int, list[int]] = {}
        for follow_up_id, flagged_at, agency_id, hours in rows:
            if at - flagged_at >= dt.timedelta(hours=hours):
                due.setdefault(agency_id, []).append(follow_up_id)
        for agency_id, ids in due.items():
            FollowUp.update(escalated_at=at).where(
                FollowUp.id.in_(ids) & FollowUp.escalated_at.is_null()
            ).execute()
            for follow_up_id in ids:
                record(
                    None,
                    "escalate_safeguarding",
                    "follow_up",
                    follow_up_id,
                    f"agency={agency_id} follow_up={follow_up_id}",
                )
        _escalate_case_notes(at)
        _escalate_letters(at)
    return due


def _escalate_case_notes(at: dt.datetime) -> list[int]:
    """The same for concerns raised in case notes: one audit row per note, ids only."""
    rows = (
        CaseNote.select(CaseNote.id, CaseNote.flagged_at, Agency.id, Agency.escalation_hours)
        .join(Case)
        .join(School)
        .join(Agency)
        .where(
            CaseNote.safeguarding
            & CaseNote.acknowledged_at.is_null()
            & CaseNote.escalated_at.is_null()
            & CaseNote.flagged_at.is_null(False)
        )
        .tuples()
    )
    due = [
        (note_id, agency_id)
        for note_id, flagged_at, agency_id, hours in rows
        if at - flagged_at >= dt.timedelta(hours=hours)
    ]
    if due:
        CaseNote.update(escalated_at=at).where(
            CaseNote.id.in_([n for n, _ in due]) & CaseNote.escalated_at.is_null()
        ).execute()
    for note_id, agency_id in due:
        record(
            None,
            "escalate_safeguarding",
            "case_note",
            note_id,
            f"agency={agency_id} case_note={note_id}",
        )
    return [n for n, _ in due]


def _escalate_letters(at: dt.datetime) -> None:
    """The same rule for urgent 社工信箱 letters (standard 8.2.2): one audit row each."""
    rows = (
        Letter.select(Letter.id, Letter.flagged_at, Agency.escalation_hours)
        .join(School)
        .join(Agency)
        .where(
            Letter.urgent
            & Letter.flagged_at.is_null(False)
            & Letter.acknowledged_at.is_null()
            & Letter.escalated_at.is_null()
        )
        .tuples()
    )
    due = [i for i, flagged_at, hours in rows if at - flagged_at >= dt.timedelta(hours=hours)]
    if due:
        Letter.update(escalated_at=at).where(Letter.id.in_(due)).execute()
        for letter_id in due:
            record(None, "escalate_safeguarding", "letter", letter_id, f"letter={letter_id}")
