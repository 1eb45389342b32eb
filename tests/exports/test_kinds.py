"""The registry of document kinds: every entry is whole, the record kinds are closed to the
roles that may not hold students' records, and what a program and a user get follows from
the entries alone."""

import pytest

from planner.exports import jobs
from planner.exports.kinds import (
    HELD,
    KINDS,
    MATERIALS,
    PLANNED,
    PROGRAM,
    SESSION,
    TERM,
    of_program,
)
from planner.roles import ADMIN, ALL_ROLES, TEACHER
from tests.exports import records
from tests.exports.helpers import body_text
from tests.reflections import factories as rf


@pytest.mark.parametrize("key", sorted(KINDS))
def test_each_entry_is_whole(key):
    kind = KINDS[key]
    assert kind.key == key and kind.sample["kind"] == key
    assert kind.title == kind.sample["doc_title"]
    assert kind.level in (PROGRAM, SESSION, TERM, MATERIALS)
    assert set(kind.roles) <= set(ALL_ROLES) and kind.roles
    assert kind.starter, "admins need a template to start from"
    if kind.level == TERM:
        assert kind.gather is None and kind.programs == () and kind.sessions == ""
    elif kind.level == MATERIALS:  # a curriculum session's: in no program's list or zip
        assert callable(kind.gather) and kind.programs == () and kind.sessions == ""
        assert not kind.holds_student_records
    else:
        assert callable(kind.gather) and set(kind.programs) <= {"group", "classroom"}
        assert kind.programs, "a program or session document belongs to some program"
        assert (kind.sessions in (PLANNED, HELD)) == (kind.level == SESSION)
    assert kind.title in body_text(kind.build(kind.sample))


def test_documents_holding_records_are_closed_to_admins_and_teachers():
    holding = [k for k in KINDS.values() if k.holds_student_records]
    assert {k.key for k in holding} == {"meeting_record", "evaluation_report"}
    assert all(ADMIN not in k.roles and TEACHER not in k.roles for k in holding)
    assert [k.key for k in KINDS.values() if TEACHER in k.roles] == ["lesson_plan"]


def test_a_programs_kinds_and_a_users_follow_from_the_entries(world):
    group = records.recorded_group(world)
    lessons = rf.program(world, kind="classroom", sessions=2)
    assert jobs.kinds_of(group.program) == (
        "group_plan",
        "session_plan",
        "meeting_record",
        "evaluation_report",
    )
    assert jobs.kinds_of(lessons) == ("lesson_plan", "session_plan")
    assert [k.key for k in of_program(lessons)] == list(jobs.kinds_of(lessons))
    assert jobs.kinds_for(world.worker, group.program) == jobs.kinds_of(group.program)
    assert jobs.kinds_for(world.admin, group.program) == ("group_plan", "session_plan")
    assert jobs.kinds_for(world.teacher, lessons) == ("lesson_plan",)
    # the zip: every planned session's plan, a record for each held one
    planned = [d for d in jobs.plan(world.worker, group.program) if d.kind == "session_plan"]
    held = [d for d in jobs.plan(world.worker, group.program) if d.kind == "meeting_record"]
    sessions = jobs.gather.sessions_of(group.program)
    assert len(planned) == len([s for s in sessions if s.status != "cancelled"]) < len(sessions)
    assert {d.session.id for d in held} == jobs.held_session_ids(group.program)
