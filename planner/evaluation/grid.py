"""One instrument at one time point for the whole group on one page: a grid of members ×
items, read with one audit row and saved all or nothing. The rules are the single
member's (planner.evaluation.services.save_score): the instrument's range and required
items, observation consent, archived students refused, the version column per score."""

from types import SimpleNamespace

from peewee import IntegrityError

from planner.audit.models import record
from planner.db import write_tx
from planner.errors import CONFLICT, NOT_FOUND, PlannerError
from planner.evaluation.compute import response_score
from planner.evaluation.models import Score
from planner.evaluation.services import ARCHIVED, NO_CONSENT, PURPOSE
from planner.i18n import lazy_gettext as _l
from planner.students.consent import consenting_ids
from planner.students.models import GroupMember, Student

NOT_MEMBER = _l("该学生不是本小组的组员，不能记录评估。")
WRONG_TIMEPOINT = _l("这个评估工具不在该时间点施测。")


def invalid(n):
    return _l("有 %(n)s 处需要修改，全部改好后才会保存（本次未保存任何分数）。", n=n)


def _stale(n, fresh):
    return PlannerError(
        _l(
            "你打开本页后，有人修改了 %(n)s 名组员的分数。标出的行已换成最新数值，"
            "请核对后再保存（本次未保存任何分数）。",
            n=n,
        ),
        kind=CONFLICT,
        fresh=fresh,
    )


def _members(program_id) -> list:
    return list(
        Student.select(Student.id, Student.archive_code, Student.name, Student.archived)
        .join(GroupMember)
        .where((GroupMember.program == program_id) & GroupMember.active)
        .order_by(Student.archive_code)
    )


def _scores(program_id, instrument_id, timepoint) -> dict:
    return {
        s.student_id: s
        for s in Score.select().where(
            (Score.program == program_id)
            & (Score.instrument == instrument_id)
            & (Score.timepoint == timepoint)
        )
    }


def score_grid(program, instrument, timepoint, user) -> SimpleNamespace:
    """The active members (archive code order), each with their score and why it can't be
    recorded (None when it can); reading it leaves one audit row naming the members. Four
    queries however many members."""
    if timepoint not in instrument.applies_at:
        raise PlannerError(WRONG_TIMEPOINT, kind=NOT_FOUND)
    members = _members(program.id)
    scores = _scores(program.id, instrument.id, timepoint)
    may = consenting_ids([m.id for m in members], PURPOSE)
    for m in members:
        m.score = scores.get(m.id)
        m.blocked = ARCHIVED if m.archived else (None if m.id in may else NO_CONSENT)
    with write_tx():
        record(
            user,
            "view_scores",
            "program",
            program.id,
            f"program={program.id} instrument={instrument.slug} timepoint={timepoint} "
            f"members={','.join(m.archive_code for m in members)}",
        )
    return SimpleNamespace(members=members, scores=scores)


def save_score_grid(program, instrument, timepoint, rows: list[dict], user) -> int:
    """Save the grid's rows ({student_id, version, a_<key>…}, already checked against the
    instrument by schemas.score_grid) all or nothing; returns how many scores changed.

    A row whose member left, was archived or has no observation consent is refused with
    the reason in errors["m<id>_row"]; a row whose score changed since the page was drawn
    refuses the whole save with kind CONFLICT and the new scores in details["fresh"].
    Open answers typed on the single member's form are kept."""
    if timepoint not in instrument.applies_at:
        raise PlannerError(WRONG_TIMEPOINT)
    ids = [row["student_id"] for row in rows]
    with write_tx():
        members = {m.id: m for m in _members(program.id) if m.id in set(ids)}
        current = _scores(program.id, instrument.id, timepoint)
        may = consenting_ids(ids, PURPOSE)
        errors, fresh = {}, {}
        for row in rows:
            sid = row["student_id"]
            member = members.get(sid)
            reason = (
                NOT_MEMBER
                if member is None
                else ARCHIVED
                if member.archived
                else None
                if sid in may
                else NO_CONSENT
            )
            if reason:
                errors[f"m{sid}_row"] = reason
            score = current.get(sid)
            if (score.version if score else 0) != row["version"]:
                fresh[sid] = score
        if fresh:
            raise _stale(len(fresh), fresh)
        if errors:
            raise PlannerError(invalid(len(errors)), errors=errors)
        changed = 0
        for row in rows:
            changed += _save_row(program, instrument, timepoint, row, current, user)
    return changed


def _save_row(program, instrument, timepoint, row, current, user) -> int:
    answers = {
        i["key"]: row[f"a_{i['key']}"]
        for i in instrument.items
        if row.get(f"a_{i['key']}") is not None
    }
    score = current.get(row["student_id"])
    if score is not None and score.answers == answers:
        return 0  # drawn from the saved score and left alone
    fields = dict(
        answers=answers, recorded_by=user.id, score=response_score(answers, instrument.items)
    )
    if score is None:
        try:
            Score.create(
                program=program.id,
                student=row["student_id"],
                instrument=instrument.id,
                timepoint=timepoint,
                **fields,
            )
        except IntegrityError as err:  # a concurrent first save won
            raise _stale(1, {}) from err
        return 1
    updated = (
        Score.update(version=Score.version + 1, **fields)
        .where((Score.id == score.id) & (Score.version == row["version"]))
        .execute()
    )
    if updated != 1:
        raise _stale(1, {})
    return 1
