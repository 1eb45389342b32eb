"""Reflections: who may write or read one, saving drafts under the version column,
submitting, and the supervisor's review. Plain functions: the acting user is passed in.

Who sees what (PRIVACY_SECURITY.md §2):
- the program's workers write the reflection of a session, and read it afterwards;
- supervisors read the reflections of the workers they supervise (drafts included), comment,
  sign off or return, and acknowledge follow-ups;
- admins and teachers never read reflection content: not the form, the queue, the stage
  timeline (observed stages are reflection content) nor the missing-records list. The one
  exception is safeguarding (standard 4.1): an admin who is the agency's safeguarding lead,
  or any admin when there is none, sees the flags routed to the lead, each read audited
  (safeguarding.py says who must act on a flag).
After submission the worker can't edit, unless the supervisor returns the reflection with a
comment (status back to draft); a signed-off reflection is final.
"""

from typing import NamedTuple

from peewee import JOIN, IntegrityError

from planner.access import get_or_404, sessions_query, workers_query
from planner.accounts.models import Supervision, User
from planner.audit.models import AuditEntry, record
from planner.curricula.models import Curriculum, SessionTemplate
from planner.db import ConflictError, now, save_versioned, write_tx
from planner.errors import CONFLICT, PlannerError
from planner.i18n import lazy_gettext as _l
from planner.reflections import forms
from planner.reflections.models import FollowUp, Reflection
from planner.runs.services import check_started
from planner.sessions.models import Program, ProgramWorker, Session
from planner.students.consent import consenting_ids
from planner.students.models import GroupMember, Student


def can_read_records(user, program_id) -> bool:
    """May this user read the program's reflections and the documents that hold them?"""
    return records_access(user, program_id) is not None


def load_session(user, session_id):
    """The session with its program, curriculum and planned template, in scope, or 404."""
    query = (
        sessions_query(user)
        .select_extend(Curriculum, SessionTemplate)
        .join_from(Program, Curriculum)
        .join_from(Session, SessionTemplate)
    )
    return get_or_404(query, session_id)


def records_access(user, program_id) -> str | None:
    """How far a user reaches into a program's records (reflections, follow-ups, meeting
    records): 'write' for the program's workers, 'read' for their supervisors, else None."""
    workers = ProgramWorker.select(ProgramWorker.worker).where(ProgramWorker.program == program_id)
    if user.is_worker:
        mine = workers.where(ProgramWorker.worker == user.id).exists()
        return "write" if mine else None
    if user.is_supervisor:
        theirs = (
            Supervision.select()
            .where((Supervision.supervisor == user.id) & Supervision.worker.in_(workers))
            .exists()
        )
        return "read" if theirs else None
    return None


def corrections(session_id) -> list:
    """Attendance corrected after sign-off (planner/runs/services.py record_tap), oldest
    first, with who made them (one query): shown with the reflection to the supervisor."""
    return list(
        AuditEntry.select(AuditEntry, User)
        .join(User, JOIN.LEFT_OUTER)
        .where(
            (AuditEntry.action == "attendance_fix")
            & (AuditEntry.object_type == "session")
            & (AuditEntry.object_id == session_id)
        )
        .order_by(AuditEntry.id)
    )


def reflection_of(session_id):
    """The session's reflection with its follow-ups (and their students), or None."""
    reflection = Reflection.get_or_none(Reflection.session == session_id)
    if reflection is not None:
        reflection.items = list(
            FollowUp.select(FollowUp, Student)
            .join(Student, JOIN.LEFT_OUTER)
            .where(FollowUp.reflection == reflection.id)
            .order_by(FollowUp.safeguarding.desc(), FollowUp.id)
        )
    return reflection


def members(program_id) -> list[tuple]:
    """(student, may_record) for the group's active members: may_record is active
    observation consent, checked on every request so a withdrawal applies at once. Archived
    students are no longer processed: no follow-up can be chosen for them."""
    students = list(
        Student.select(Student.id, Student.name, Student.archive_code)
        .join(GroupMember)
        .where((GroupMember.program == program_id) & GroupMember.active & ~Student.archived)
        .order_by(Student.archive_code)
    )
    allowed = consenting_ids([s.id for s in students], "observation")
    return [(s, s.id in allowed) for s in students]


class Saved(NamedTuple):
    """What a posted reflection form came to: the reflection (None when nothing was saved),
    the form's errors, and every field with an inline error slot (an autosave refreshes
    them all)."""

    reflection: Reflection | None
    errors: dict
    fields: list


def save_form(session, user, form, action: str) -> Saved:
    """Load, check and save a posted reflection form in one call: autosave and 保存草稿 keep
    a draft, 提交督导 (action "submit") submits it. Nothing is half-saved. A reflection
    already submitted is a CONFLICT refusal; a stale version a ConflictError."""
    kind = session.program.curriculum.kind
    editable_ids = (
        {s.id for s, ok in members(session.program_id) if ok} if kind == "group" else set()
    )
    stage = form.get("prompts_stage", "")
    slots = forms.error_fields(kind, len(forms.questions(kind, stage)), editable_ids)
    data, errors = forms.load(form, kind, editable_ids)
    if not errors and action == "submit":
        errors = forms.submit_problems(data, kind, stage)
    if errors:
        current = reflection_of(session.id)
        if current is not None and current.status != "draft":  # submitted: no form for them
            raise PlannerError(_l("本反思已提交督导，不能再修改。"), kind=CONFLICT)
        return Saved(current, errors, slots)
    return Saved(save(session, user, data, submit=action == "submit"), {}, slots)


def not_started(session):
    """Why the reflection can't be written yet (the session hasn't started), or None."""
    try:
        check_started(session)
    except PlannerError as err:
        return err.message
    return None


def save(session, user, data: dict, submit: bool = False) -> Reflection:
    """Create or update the draft, and submit it if asked: one transaction, one version.
    A stale version (or a reflection someone else created meanwhile) is a ConflictError.
    A session that has not started yet has nothing to reflect on: refused (CONFLICT)."""
    check_started(session)
    with write_tx():
        reflection = Reflection.get_or_none(Reflection.session == session.id)
        if (reflection.version if reflection else 0) != data["version"]:
            raise ConflictError("Reflection")
        if reflection is not None and reflection.status != "draft":
            raise PlannerError(_l("本反思已提交督导，不能再修改。"), kind=CONFLICT)
        answers = dict(reflection.answers) if reflection else {}
        for prompt, text in data["answers"].items():
            # answers to another stage's prompts stay in the draft, so switching the
            # stage back and forth loses nothing; submitting keeps only this stage's
            if text:
                answers[prompt] = text
            else:
                answers.pop(prompt, None)
        fields = {
            "observed_stage": data["observed_stage"],
            "answers": answers,
            "details": data["details"],
        }
        if submit:
            fields.update(
                status="submitted",
                submitted_at=now(),
                answers={p: answers[p] for p in data["prompts"] if p in answers},
            )
        if reflection is None:
            try:
                reflection = Reflection.create(session=session.id, author=user.id, **fields)
            except IntegrityError as err:  # PostgreSQL: a concurrent first save won
                raise ConflictError("Reflection") from err
        else:
            save_versioned(reflection, data["version"], fields)
        _sync_follow_ups(reflection, data["follow_ups"], data["editable_ids"])
    return reflection


def _sync_follow_ups(reflection, wanted: dict, editable_ids: set) -> None:
    """Make the follow-ups of the editable students (and the lesson's) match the form.
    Rows about students who can't be recorded any more are left as they were: the form
    can't show them, and deleting a safeguarding note is the retention job's decision."""
    existing = {
        f.student_id: f for f in FollowUp.select().where(FollowUp.reflection == reflection.id)
    }
    scope = set(editable_ids) | {None}
    gone = [f.id for sid, f in existing.items() if sid in scope and sid not in wanted]
    if gone:
        FollowUp.delete().where(FollowUp.id.in_(gone)).execute()
    new = [
        dict(
            reflection=reflection.id,
            student=sid,
            note=item["note"],
            safeguarding=item["safeguarding"],
            flagged_at=now(),
        )
        for sid, item in wanted.items()
        if sid not in existing
    ]
    if new:
        FollowUp.insert_many(new).execute()
    for sid, item in wanted.items():
        row = existing.get(sid)
        if row is None or (row.note, row.safeguarding) == (item["note"], item["safeguarding"]):
            continue
        changes = {"note": item["note"], "safeguarding": item["safeguarding"]}
        if item["safeguarding"] and not row.safeguarding:  # a new concern: its clock restarts
            changes.update(
                acknowledged_by=None, acknowledged_at=None, flagged_at=now(), escalated_at=None
            )
        FollowUp.update(**changes).where(FollowUp.id == row.id).execute()


def supervised(user):
    """Reflections written by the workers this supervisor oversees."""
    return Reflection.select().where(Reflection.author.in_(workers_query(user).select(User.id)))


def review(reflection, user, comment: str, action: str, version: int) -> None:
    """Sign off (final) or return to the worker for changes, with the comment."""
    if reflection.status != "submitted":
        raise PlannerError(_l("这份反思已不在待督导状态，请刷新页面。"), kind=CONFLICT)
    fields = {"supervisor_comment": comment}
    if action == "sign_off":
        fields.update(status="signed_off", signed_off_by=user.id, signed_off_at=now())
    else:
        fields.update(status="draft")
    with write_tx():
        save_versioned(reflection, version, fields)


def acknowledge(follow_up, user) -> None:
    """Mark a follow-up as seen by the supervisor or the safeguarding lead (the first
    acknowledgement stands); the caller found it with safeguarding.to_acknowledge."""
    (
        FollowUp.update(acknowledged_by=user.id, acknowledged_at=now())
        .where((FollowUp.id == follow_up.id) & FollowUp.acknowledged_at.is_null())
        .execute()
    )


def record_read(user, session, reflection) -> None:
    """A supervisor reading a worker's reflection (its notes and follow-up flags about
    children) leaves an audit row; the authors' own reads are their work, not a read."""
    if reflection is None:
        return
    with write_tx():
        record(
            user,
            "view_reflection",
            "reflection",
            reflection.id,
            f"reflection={reflection.id} session={session.id} program={session.program_id}",
        )


def record_flags_read(user, flags) -> None:
    """The supervision queue shows safeguarding notes: one audit row lists those shown."""
    if not flags:
        return
    with write_tx():
        ids = ",".join(str(f.id) for f in flags)
        codes = ",".join(f.student.archive_code for f in flags if f.student_id)
        record(user, "view_safeguarding", "follow_up", None, f"follow_ups={ids} codes={codes}")
