"""`flask planner generate --scale small`: exact counts, every session on a teaching day
with no clash, archive codes of the agency's pattern, attendance only with consent, the
same dataset from the same seed, and a clear refusal the second time."""

import datetime as dt
import os
import re

import pytest

from planner import create_app
from planner.accounts.models import User
from planner.calendars.models import NO_TEACHING, CalendarDay
from planner.calendars.services import day_map, import_statutory, load_years
from planner.curricula.content import load_library
from planner.curricula.models import Curriculum, SessionTemplate
from planner.curricula.services import import_library
from planner.db import database
from planner.generate.scales import AGENCY_CODE, AS_OF
from planner.reflections.models import Reflection
from planner.runs.models import Attendance, SessionRecord
from planner.schools.models import Agency, School, Term
from planner.sessions.models import Program, ProgramClass, ProgramWorker, Session
from planner.students.models import Consent, GroupMember, Student
from tests.conftest import drop_database, fresh_database_url

CONTENT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "content")


def load_content():
    database.connect(reuse_if_open=True)
    import_library(load_library(os.path.join(CONTENT, "curricula"))[0])
    import_statutory(load_years(os.path.join(CONTENT, "calendar")))


def generate(app, *extra):
    return app.test_cli_runner().invoke(args=["planner", "generate", "--scale", "small", *extra])


@pytest.fixture
def small(app):
    """The small dataset generated once into the test database; the command's output."""
    load_content()
    result = generate(app, "--seed", "7")
    assert result.exit_code == 0, result.output
    database.connect(reuse_if_open=True)
    return result.output


def gen_sessions():
    return list(
        Session.select(Session, Program)
        .join(Program)
        .join(School)
        .join(Agency)
        .where(Agency.code == AGENCY_CODE)
    )


def fingerprint() -> list:
    """What must not change between runs with one seed: names, codes, session dates."""
    students = [
        (s.name, s.archive_code, s.gender, str(s.birth_date))
        for s in Student.select().order_by(Student.archive_code)
    ]
    sessions = [
        (p, str(d), str(start))
        for p, d, start in Session.select(Program.title, Session.date, Session.start)
        .join(Program)
        .order_by(Program.title, Session.date, Session.start)
        .tuples()
    ]
    members = sorted(
        GroupMember.select(Program.title, Student.archive_code)
        .join(Program)
        .switch(GroupMember)
        .join(Student)
        .tuples()
    )
    return [students, sessions, members, Attendance.select().count(), Reflection.select().count()]


def test_small_has_the_exact_shape_and_a_second_run_refuses(app, small):
    agency = Agency.get(Agency.code == AGENCY_CODE)
    schools = list(School.select().where(School.agency == agency))
    assert Agency.select().count() == 1 and len(schools) == 2
    roles = {
        r: User.select().where((User.agency == agency) & (User.role == r)).count()
        for r in ("admin", "worker", "supervisor", "teacher")
    }
    assert roles == {"admin": 1, "worker": 2, "supervisor": 1, "teacher": 2}
    assert Student.select().count() == 600
    assert [Term.select().where(Term.school == s).count() for s in schools] == [1, 1]
    term = Term.get(Term.school == schools[0])
    assert term.start <= AS_OF <= term.end  # the dataset's current term
    assert 150 <= Session.select().count() <= 220
    assert Attendance.select().count() > 300 and Reflection.select().count() > 20
    assert SessionRecord.select().count() > 50
    ahead = Session.select(Session.id).where(Session.date >= AS_OF)
    assert ahead.count() >= 5  # the current term still has sessions to come, unrecorded
    assert not SessionRecord.select().where(SessionRecord.session.in_(ahead)).exists()
    assert "rows per table" in small and "student" in small and "done in" in small
    # one password hash for all: hashed once, not per user
    assert User.select(User.password_hash).distinct().count() == 1

    again = generate(app)
    assert again.exit_code != 0
    assert "already has the generated agency (GEN)" in again.output
    assert Student.select().count() == 600 and School.select().count() == 2


def test_every_session_is_on_a_teaching_day_without_a_clash(app, small):
    sessions = gen_sessions()
    no_teaching = {}
    for day in CalendarDay.select().where(CalendarDay.kind.in_(NO_TEACHING)):
        no_teaching.setdefault(day.school_id, set()).add(day.date)
    term = Term.select().first()
    # not vacuous: 国庆节 and the synthetic 2027 元旦 fall inside the term
    assert dt.date(2026, 10, 1) in no_teaching[None]
    synthetic = CalendarDay.get(CalendarDay.date == dt.date(2027, 1, 1))
    assert synthetic.school_id is not None and "合成数据" in synthetic.source
    for school in School.select():
        days = day_map(school.id, term.start, term.end)
        mine = [s for s in sessions if s.program.school_id == school.id]
        assert mine
        for s in mine:
            assert term.start <= s.date <= term.end
            assert s.date not in no_teaching[None] | no_teaching.get(school.id, set())
            assert days[s.date].timetable_weekday is not None, s.date
    workers = dict(ProgramWorker.select(ProgramWorker.program, ProgramWorker.worker).tuples())
    classes = {}
    for pid, cid in ProgramClass.select(ProgramClass.program, ProgramClass.school_class).tuples():
        classes.setdefault(pid, []).append(cid)
    busy = {}
    for s in sessions:
        keys = [("worker", workers[s.program_id]), ("room", s.room_id)] + [
            ("class", c) for c in classes.get(s.program_id, [])
        ]
        for key in keys:
            busy.setdefault((key, s.date), []).append((s.start, s.end))
    for slots in busy.values():
        slots.sort()
        for (_, end), (start, _) in zip(slots, slots[1:]):
            assert end <= start  # no two sessions of one worker, room or class overlap


def test_students_have_archive_codes_of_the_agencys_pattern(app, small):
    codes = {s.code: s.id for s in School.select()}
    students = list(Student.select())
    assert len({s.archive_code for s in students}) == 600
    for s in students:
        school = next(code for code, sid in codes.items() if sid == s.school_id)
        assert re.fullmatch(rf"GEN-{school}-ST-2026-\d{{5}}", s.archive_code), s.archive_code
        assert s.name and s.guardian_phone == "13800000000"


def test_attendance_only_for_consenting_members_of_past_meetings(app, small):
    rows = list(Attendance.select(Attendance, Session).join(Session))
    members = set(GroupMember.select(GroupMember.program, GroupMember.student).tuples())
    consent = {(c.student_id, c.purpose): c for c in Consent.select()}
    kinds = dict(Program.select(Program.id, Curriculum.kind).join(Curriculum).tuples())
    assert rows
    for row in rows:
        assert row.session.date < AS_OF
        assert kinds[row.session.program_id] == "group"
        assert (row.session.program_id, row.student_id) in members
        given = consent[(row.student_id, "attendance")]
        assert given.given_on <= row.session.date and given.withdrawn_on is None
    statuses = [r.status for r in rows]
    assert statuses.count("present") > len(statuses) * 0.7
    for reflection in Reflection.select(Reflection, Session).join(Session):
        assert reflection.session.date < AS_OF
    planned = list(
        Reflection.select(Reflection.observed_stage, Session.template).join(Session).tuples()
    )
    stages = dict(SessionTemplate.select(SessionTemplate.id, SessionTemplate.stage).tuples())
    same = sum(1 for observed, template in planned if observed == stages[template])
    assert same > len(planned) * 0.7


def test_the_same_seed_gives_the_same_dataset_on_another_database(app, small, tmp_path):
    first = fingerprint()
    previous = database.obj
    database.close()
    url = fresh_database_url(tmp_path)
    try:
        other = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "t"})
        assert other.test_cli_runner().invoke(args=["planner", "migrate"]).exit_code == 0
        load_content()
        result = generate(other, "--seed", "7")
        assert result.exit_code == 0, result.output
        database.connect(reuse_if_open=True)
        assert fingerprint() == first
    finally:
        if not database.is_closed():
            database.close()
        database.initialize(previous)
        drop_database(url)


def test_the_autumn_term_is_screened_at_the_pyramids_proportions(app):
    """Every class with a classroom series held is screened once, each result with the
    student's screening consent, about 15% 关注 and 5% 高危 (Taicang's 100/15/5)."""
    from planner.evaluation.services import import_instruments, load_instruments
    from planner.screening.models import ScreeningResult, ScreeningRound

    load_content()
    import_instruments(load_instruments(os.path.join(CONTENT, "instruments"))[0])
    result = generate(app, "--seed", "7")
    assert result.exit_code == 0, result.output
    database.connect(reuse_if_open=True)
    results = list(ScreeningResult.select())
    assert ScreeningRound.select().count() >= 10 and len(results) >= 400
    students = [r.student_id for r in results]
    assert len(set(students)) == len(students)  # one round a class: each student once
    guardians = {
        c.student_id
        for c in Consent.select().where(
            (Consent.purpose == "screening") & (Consent.given_by == "guardian")
        )
    }
    assert set(students) <= guardians  # (some turned 14 since, and are due to consent too)
    share = {t: sum(r.tier == t for r in results) / len(results) for t in ("concern", "high")}
    assert 0.08 <= share["concern"] <= 0.22 and 0.02 <= share["high"] <= 0.09
    from planner.cases.models import Case, CaseReferral

    high = {r.student_id for r in results if r.tier == "high"}
    cases = list(Case.select())
    assert 0 < len(cases) <= len(high) and {c.student_id for c in cases} <= high
    assert all("-GA-" in c.archive_code for c in cases)
    assert all(c.opened_on <= AS_OF and c.screening_result_id for c in cases)
    assert all((c.step == "closed") == (c.closed_on is not None) for c in cases)
    assert CaseReferral.select().count() <= len(cases)
    for rnd in ScreeningRound.select():
        classes = {
            c.school_class_id
            for c in ProgramClass.select().where(ProgramClass.program == rnd.program_id)
        }
        assert {r.student.school_class_id for r in rnd.results} <= classes


def test_the_other_service_records_come_with_each_term(app):
    """Letters, consultations, supervision, training and each case's notes and case
    sessions (issues 17 and 18), so the pages that count them meet city-sized tables; every
    case session at lunchtime with no clash of worker or room, and nothing names a child."""
    from planner.cases.models import Case, CaseAppointment, CaseNote
    from planner.evaluation.services import import_instruments, load_instruments
    from planner.service.models import (
        Consultation,
        Letter,
        SupervisionAttendee,
        SupervisionSession,
        Training,
    )

    load_content()
    import_instruments(load_instruments(os.path.join(CONTENT, "instruments"))[0])
    result = generate(app, "--seed", "7")
    assert result.exit_code == 0, result.output
    database.connect(reuse_if_open=True)
    schools = list(School.select().where(School.agency == Agency.get(code=AGENCY_CODE)))
    term = Term.get(Term.school == schools[0])
    letters = list(Letter.select())
    assert len(letters) == 6 * len(schools) and Consultation.select().count() == 10 * len(schools)
    assert all(
        term.start <= x.received_on <= AS_OF and x.reply_due > x.received_on for x in letters
    )
    assert all(x.flagged_at is not None for x in letters if x.urgent)
    assert all(x.replied_on is None or x.replied_on < AS_OF for x in letters)
    assert SupervisionSession.select().count() >= 2 * 3  # two a month, September to December
    assert SupervisionAttendee.select().count() > SupervisionSession.select().count()
    assert Training.select().count() == 3 * 2  # each of the two workers
    names = [s.name for s in Student.select(Student.name)]
    texts = [x.text for x in letters] + [n.note for n in CaseNote.select()]
    assert not [t for t in texts if any(name in t for name in names)]

    cases = list(Case.select())
    assert cases and CaseNote.select().count() >= len(cases)
    booked = list(CaseAppointment.select())
    open_cases = [c for c in cases if c.closed_on is None]
    assert sum(a.status == "planned" and a.date > AS_OF for a in booked) == 2 * len(open_cases)
    assert all(a.start == dt.time(12, 10) and a.date.weekday() < 5 for a in booked)
    days = [(a.worker_id, a.date) for a in booked]
    rooms = [(a.room_id, a.date) for a in booked]
    assert len(set(days)) == len(days) and len(set(rooms)) == len(rooms)
    held = [a for a in booked if a.status == "held"]
    assert held and all(a.case_note.held_on == a.date for a in held)
