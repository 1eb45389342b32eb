"""Instruments (import from content/, the admin's own), score entry under consent and the
version column, GAS goals, the end-of-group judgement. Plain functions: the acting user
is passed in."""

import datetime as dt
import hashlib
import os

from peewee import IntegrityError

from planner.curricula.content import load_yaml
from planner.db import ConflictError, save_versioned, write_tx
from planner.errors import PlannerError
from planner.evaluation.compute import response_score
from planner.evaluation.models import (
    GasGoal,
    Instrument,
    OtherEvaluation,
    ProgramEvaluation,
    Score,
)
from planner.evaluation.schemas import InstrumentSchema, to_model
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.students.consent import consenting_ids
from planner.students.models import GroupMember, Student

# Scores and goals are records about a child: they need the same consent as observations.
PURPOSE = "observation"
NO_CONSENT = _l("该组员没有有效的“观察记录”同意（或已撤回），不能记录评估分数。")
ARCHIVED = _l("该学生档案已归档，不再处理其信息，不能记录评估。")


def load_instruments(directory: str):
    """([InstrumentSchema data], [Problem]) for content/instruments/*.yaml."""
    items, problems = [], []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml"):
            data, found = load_yaml(os.path.join(directory, name), InstrumentSchema(), "instrument")
            problems.extend(found)
            if data:
                items.append(data)
    return items, problems


def import_instruments(items: list[dict]) -> int:
    """Upsert the shipped instruments by slug, all or nothing; returns how many."""
    with write_tx():
        for data in items:
            row = to_model(data)
            if (
                not Instrument.update(**row)
                .where((Instrument.slug == row["slug"]) & Instrument.agency.is_null())
                .execute()
            ):
                Instrument.create(**row)
    return len(items)


def instruments_for(agency_id):
    """The shipped instruments and the agency's own, not archived; screening instruments
    are planner.screening's (screening.services.instruments), never a group's measure."""
    return (
        Instrument.select()
        .where(
            ~Instrument.archived
            & (Instrument.kind != "screening")
            & (Instrument.agency.is_null() | (Instrument.agency == agency_id))
        )
        .order_by(Instrument.agency.is_null(False), Instrument.id)
    )


def create_instrument(agency_id, data: dict) -> Instrument:
    """An admin's own instrument (already loaded by InstrumentSchema)."""
    try:
        with write_tx():
            return Instrument.create(agency=agency_id, **to_model(data))
    except IntegrityError as err:
        raise PlannerError(
            _l("编号 %(slug)s 已被使用，请换一个。", slug=data["slug"]), "slug"
        ) from err


def member(program_id, student_id):
    """The active member of this group, or None."""
    return (
        Student.select()
        .join(GroupMember)
        .where(
            (GroupMember.program == program_id) & (Student.id == student_id) & GroupMember.active
        )
        .first()
    )


def may_record(student_id) -> bool:
    return student_id in consenting_ids([student_id], PURPOSE)


def _check_recordable(student_id) -> None:
    """Inside the write: an archived student is no longer processed (refused with a
    message), and without active observation consent nothing is recorded."""
    if Student.select().where((Student.id == student_id) & Student.archived).exists():
        raise PlannerError(ARCHIVED)
    if not may_record(student_id):
        raise PlannerError(NO_CONSENT)


def score_of(program_id, student_id, instrument_id, timepoint):
    return Score.get_or_none(
        (Score.program == program_id)
        & (Score.student == student_id)
        & (Score.instrument == instrument_id)
        & (Score.timepoint == timepoint)
    )


def save_score(program, student, instrument, timepoint, values: dict, user) -> Score:
    """Create or update one member's answers; a stale version is a ConflictError."""
    if timepoint not in instrument.applies_at:
        raise PlannerError(_l("这个评估工具不在该时间点施测。"))
    answers = {
        i["key"]: values[f"a_{i['key']}"]
        for i in instrument.items
        if values.get(f"a_{i['key']}") is not None
    }
    opens = {
        q["key"]: values[f"o_{q['key']}"]
        for q in instrument.open_questions
        if values.get(f"o_{q['key']}")
    }
    fields = dict(
        answers=answers,
        open_answers=opens,
        recorded_by=user.id,
        score=response_score(answers, instrument.items),
    )
    with write_tx():
        _check_recordable(student.id)  # inside the transaction: a withdrawal wins
        current = score_of(program.id, student.id, instrument.id, timepoint)
        if (current.version if current else 0) != values["version"]:
            raise ConflictError("Score")
        if current is None:
            try:
                return Score.create(
                    program=program.id,
                    student=student.id,
                    instrument=instrument.id,
                    timepoint=timepoint,
                    **fields,
                )
            except IntegrityError as err:  # a concurrent first save won
                raise ConflictError("Score") from err
        save_versioned(current, values["version"], fields)
        return current


def goals_of(program_id, student_id) -> list:
    return list(
        GasGoal.select()
        .where((GasGoal.program == program_id) & (GasGoal.student == student_id))
        .order_by(GasGoal.order)
    )


def goals_stamp(goals) -> str:
    """What the GAS form was opened on: any change by someone else since changes it."""
    text = ",".join(f"{g.id}:{g.version}" for g in goals)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_goals(program, student, goals: list[dict], stamp: str, user) -> list:
    """Replace the member's GAS goals with the form's, in one transaction."""
    with write_tx():
        _check_recordable(student.id)
        current = goals_of(program.id, student.id)
        if goals_stamp(current) != stamp:
            raise ConflictError("GasGoal")
        GasGoal.delete().where(
            (GasGoal.program == program.id) & (GasGoal.student == student.id)
        ).execute()
        if goals:
            GasGoal.insert_many(
                [
                    dict(
                        program=program.id,
                        student=student.id,
                        order=g["order"],
                        text=g["text"],
                        weight=g["weight"],
                        levels=g["levels"],
                        post=g["post"],
                        followup=g["followup"],
                    )
                    for g in goals
                ]
            ).execute()
    return goals_of(program.id, student.id)


def evaluation_of(program_id):
    return ProgramEvaluation.get_or_none(ProgramEvaluation.program == program_id)


def save_evaluation(program, goals: list[dict], recommendations: str, version: int):
    """The worker's judgement of each goal and the recommendations (version-checked)."""
    with write_tx():
        current = evaluation_of(program.id)
        if (current.version if current else 0) != version:
            raise ConflictError("ProgramEvaluation")
        fields = {"goals": goals, "recommendations": recommendations}
        if current is None:
            try:
                return ProgramEvaluation.create(program=program.id, **fields)
            except IntegrityError as err:
                raise ConflictError("ProgramEvaluation") from err
        save_versioned(current, version, fields)
        return current


def others_of(program_id) -> list:
    """The peer and third-party evaluations of a program, oldest first (one query)."""
    return list(
        OtherEvaluation.select()
        .where(OtherEvaluation.program == program_id)
        .order_by(OtherEvaluation.held_on, OtherEvaluation.id)
    )


def add_other(program, user, data: dict) -> OtherEvaluation:
    """Record a peer's or a third party's judgement (10.2.3): dated between 2000 and today."""
    if not dt.date(2000, 1, 1) <= data["held_on"] <= local_today():
        raise PlannerError(_l("日期不能晚于今天，也不能早于 2000 年。"), "held_on")
    with write_tx():
        return OtherEvaluation.create(program=program.id, recorded_by=user.id, **data)
