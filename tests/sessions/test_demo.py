"""`flask planner demo` plans programs on the current term once the library is loaded."""

import datetime as dt
import os

from planner.curricula.content import load_library
from planner.curricula.services import import_library
from planner.demo import load_demo, plan_demo_programs
from planner.sessions.models import Program, Session
from tests.sessions.factories import statutory

LIBRARY = os.path.join(os.path.dirname(__file__), "..", "..", "content", "curricula")
INSTRUMENTS = os.path.join(os.path.dirname(__file__), "..", "..", "content", "instruments")


def test_demo_plans_programs_once_with_past_and_future_sessions(app):
    import_library(load_library(LIBRARY)[0])
    statutory()
    load_demo(dt.date(2026, 11, 22))
    assert plan_demo_programs() == 4
    assert plan_demo_programs() == 0
    assert Program.select().count() == 4
    dates = [s.date for s in Session.select()]
    assert min(dates) < dt.date(2026, 11, 22) < max(dates)
    group = Program.get(Program.title == "新生适应小组")
    assert group.group_name and not list(group.class_links) and group.sessions.count() == 8


def test_demo_group_is_running_with_records(app):
    from planner.demo import load_demo_group
    from planner.reflections.models import Reflection
    from planner.runs.models import Attendance
    from planner.students.consent import consenting_ids
    from planner.students.models import GroupMember, Student

    import_library(load_library(LIBRARY)[0])
    statutory()
    load_demo(dt.date(2026, 11, 22))
    plan_demo_programs()
    assert load_demo_group(dt.date(2026, 11, 22)) == 8
    assert load_demo_group(dt.date(2026, 11, 22)) == 0  # once only
    members = [m.student_id for m in GroupMember.select()]
    assert consenting_ids(members, "participation") == set(members)
    outsider = Student.get(Student.student_no == "20260709")
    assert outsider.id not in members and not consenting_ids([outsider.id], "participation")
    past = Reflection.select().count()
    assert past >= 4 and Attendance.select().count() == past * 8
    assert Reflection.select().where(Reflection.status == "submitted").count() == 1
    codes = [s.archive_code for s in Student.select()]
    assert len(set(codes)) == len(codes) and all(codes)


def test_the_finished_group_takes_the_students_current_classes(app):
    """A class name repeats every school year: the finished group's students go in the
    current (not archived) classes, not in a same-named class of a year gone by."""
    from planner.demo_finished import load_finished_group
    from planner.evaluation.services import import_instruments, load_instruments
    from planner.schools.models import School, SchoolClass, SchoolYear
    from planner.students.models import GroupMember

    import_library(load_library(LIBRARY)[0])
    import_instruments(load_instruments(INSTRUMENTS)[0])
    statutory()
    load_demo(dt.date(2026, 11, 22))
    plan_demo_programs()
    school = School.get(School.code == "CDZX")
    gone = SchoolYear.create(
        school=school, start_year=2020, start=dt.date(2020, 9, 1), end=dt.date(2021, 8, 31)
    )
    for c in list(SchoolClass.select().where(SchoolClass.school == school)):
        SchoolClass.create(
            school=school, school_year=gone, name=c.name, grade=c.grade, archived=True
        )
    assert load_finished_group() > 0
    classes = [m.student.school_class for m in GroupMember.select()]
    assert classes and not any(c.archived for c in classes)


def test_the_demo_screening_round_has_results_candidates_and_a_recruit(app, monkeypatch):
    """One round of 7(1)/7(2) held in week 2: results for those who consented, three 关注
    students (one recruited into the 新生适应 group, its roster citing the round), one 高危
    whose case has its next two weekly sessions booked in the 个案工作室."""
    from planner import i18n
    from planner.demo import load_demo_group
    from planner.demo_pyramid import ROUND_TITLE, load_demo_screening
    from planner.evaluation.services import import_instruments, load_instruments
    from planner.screening.models import Recruitment, ScreeningResult
    from planner.screening.recruit import group_candidates
    from planner.students.models import GroupMember, GroupRoster

    import_library(load_library(LIBRARY)[0])
    import_instruments(load_instruments(INSTRUMENTS)[0])
    statutory()
    day = dt.date(2026, 11, 22)
    monkeypatch.setattr(
        i18n, "utc_clock", lambda: dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.timezone.utc)
    )
    load_demo(day)
    plan_demo_programs()
    load_demo_group(day)
    assert load_demo_screening(day) == 10  # six students of the round and four group members
    from planner.cases.models import Case

    case = Case.get()
    assert case.step == "intervention" and case.risk == "high" and case.next_review
    assert case.student.student_no == "20260714"  # 顾小满, 高危 by the safety item
    from planner.cases.models import CaseAppointment

    booked = list(CaseAppointment.select().order_by(CaseAppointment.date))
    assert [(a.date, a.start, a.room.kind) for a in booked] == [
        (dt.date(2026, 11, 23), dt.time(12, 10), "case_room"),  # the Monday after
        (dt.date(2026, 11, 30), dt.time(12, 10), "case_room"),  # and a week later
    ]
    assert load_demo_screening(day) == 0  # once only
    tiers = [r.tier for r in ScreeningResult.select()]
    assert tiers.count("concern") == 3 and tiers.count("high") == 1
    group = Program.get(Program.title == "新生适应小组")
    recruited = Recruitment.get()
    assert GroupMember.get_by_id(recruited.member_id).program_id == group.id
    assert ROUND_TITLE in GroupRoster.get(GroupRoster.program == group.id).recruitment_notes
    from planner.accounts.models import User

    worker = User.get(User.username == "worker")
    left = group_candidates(worker, group)
    assert len(left) == 2  # the other two 关注 students, still candidates
