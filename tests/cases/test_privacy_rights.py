"""Cases are part of what is held about a student: the personal data copy lists them with
every record and case session, an erasure takes the name out of all their free text, and the purge empties
cases finished before the reflections' period (never one with an open concern)."""

import datetime as dt

from planner.cases.models import (
    Case,
    CaseAppointment,
    CaseGoal,
    CaseNote,
    CaseRecord,
    CaseReferral,
)
from planner.exports.personal_data import summary_docx
from planner.privacy.anonymise import anonymise_student
from planner.privacy.requests import student_data
from planner.privacy.retention import _reflections
from tests.cases import factories as cf
from tests.cases.appointment_factories import appointment, case_room


def test_the_copy_lists_the_cases_with_their_records(world):
    s = cf.student(world, name="权利学生")
    case = cf.case(world, s, step="intervention", source_note="班主任转介")
    cf.records(case, "intake", "assessment")
    cf.note(case, note="会谈一次")
    cf.referral(case, organisation="市医院")
    CaseGoal.create(case=case, order=1, text="按时入睡", levels=["a"] * 5, post=1)
    room = case_room(world)
    appointment(case, room, day=dt.date(2026, 12, 3), start=(12, 10), end=(12, 50))
    appointment(case, room, day=dt.date(2026, 12, 1), start=(8, 0), end=(8, 40), status="held")
    held = student_data(world.worker, s)["cases"]
    assert len(held) == 1
    got = held[0]
    assert got["archive_code"] == case.archive_code and got["step"] == "intervention"
    assert got["records"]["intake"]["decision"] == "take"
    assert [n["note"] for n in got["notes"]] == ["会谈一次"]
    assert got["referrals"][0]["organisation"] == "市医院"
    assert got["goals"][0]["text"] == "按时入睡"
    assert got["appointments"] == [
        {
            "date": "2026-12-01",
            "start": "08:00",
            "end": "08:40",
            "room": "个案工作室",
            "status": "held",
        },
        {
            "date": "2026-12-03",
            "start": "12:10",
            "end": "12:50",
            "room": "个案工作室",
            "status": "planned",
        },
    ]
    data = student_data(world.worker, s)
    assert summary_docx(data, "测试机构")[:2] == b"PK"


def test_an_erasure_takes_the_name_out_of_every_case_text(world):
    s = cf.student(world, name="韩梅梅", guardian_name="韩大山")
    case = cf.case(world, s, step="intervention", source_note="韩梅梅的班主任转介")
    CaseRecord.create(case=case, step="intake", fields={"first_information": "韩梅梅说最近睡不好"})
    note = cf.note(case, note="与韩大山通话", supervisor_comment="韩梅梅需要关注")
    ref = cf.referral(case, reason="韩梅梅需要评估", outcome="韩梅梅已就诊")
    goal = CaseGoal.create(case=case, order=1, text="韩梅梅按时入睡", levels=["韩梅梅"] * 5)
    anonymise_student(s)
    texts = [
        Case.get_by_id(case.id).source_note,
        str(CaseRecord.get().fields),
        CaseNote.get_by_id(note.id).note,
        CaseNote.get_by_id(note.id).supervisor_comment,
        CaseReferral.get_by_id(ref.id).reason,
        CaseReferral.get_by_id(ref.id).outcome,
        CaseGoal.get_by_id(goal.id).text,
        str(CaseGoal.get_by_id(goal.id).levels),
    ]
    for text in texts:
        assert "韩梅梅" not in text and "韩大山" not in text
        assert s.archive_code in text


def test_the_purge_empties_finished_cases_past_the_reflections_period(world):
    old_day = dt.date(2019, 1, 1)
    done = cf.case(world, step="closed", closed_on=old_day, opened_on=old_day)
    cf.records(done, "intake")
    cf.note(done, held_on=old_day)
    cf.referral(done)
    appointment(done, case_room(world), day=old_day)
    flagged = cf.case(world, step="closed", closed_on=old_day, opened_on=old_day)
    cf.note(flagged, held_on=old_day, safeguarding=True)
    recent = cf.case(world, step="closed", closed_on=dt.date(2026, 9, 1))
    cf.note(recent)
    still_open = cf.case(world, step="intervention", opened_on=old_day)
    cf.note(still_open, held_on=old_day)
    cutoffs = {"reflections": dt.date(2020, 1, 1), "follow_ups": dt.date(2020, 1, 1)}
    assert _reflections(world.agency.id, cutoffs, dry_run=True) == 1
    assert CaseNote.select().count() == 4
    assert _reflections(world.agency.id, cutoffs, dry_run=False) == 1
    assert CaseNote.select().where(CaseNote.case == done.id).count() == 0
    assert CaseRecord.select().where(CaseRecord.case == done.id).count() == 0
    assert CaseReferral.select().count() == 0
    assert CaseAppointment.select().count() == 0
    assert Case.get_by_id(done.id).archive_code == done.archive_code  # the row stays
    assert {n.case_id for n in CaseNote.select()} == {flagged.id, recent.id, still_open.id}
