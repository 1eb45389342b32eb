"""The rollover: a junior school across three school years (2026—2027, 2027—2028,
2028—2029), each rollover done once; the bad paths refuse with a message and save nothing."""

import datetime as dt

import pytest

from planner.accounts.models import TeacherClass
from planner.audit.models import AuditEntry
from planner.errors import CONFLICT, FORBIDDEN, PlannerError
from planner.schools import rollover
from planner.schools.models import SchoolClass, SchoolYear, Term
from planner.students.groups import members
from planner.students.models import ClassMember, Student
from tests import factories
from tests.students import factories as sf


@pytest.fixture
def school(world):
    """The world's junior school in 2026—2027: 7(1) 7(2) 8(1) 9(1), two students each."""
    w = world
    classes = {"7(1)班": w.cls}
    for grade, name in ((7, "7(2)班"), (8, "8(1)班"), (9, "9(1)班")):
        classes[name] = factories.school_class(school=w.school, grade=grade, name=name)
    SchoolClass.update(headteacher="吴老师").where(SchoolClass.id == w.cls.id).execute()
    w.classes = classes
    w.students = {
        name: [sf.consenting(w.school, c) for _ in range(2)] for name, c in classes.items()
    }
    return w


def snapshot():
    return (
        SchoolYear.select().count(),
        SchoolClass.select().count(),
        Term.select().count(),
        ClassMember.select().count(),
        Student.select().where(Student.archived).count(),
        TeacherClass.select().count(),
    )


def test_the_preview_reads_only_and_proposes_the_next_year(school):
    before = snapshot()
    plan = rollover.preview(school.admin, school.school, 2027)
    assert snapshot() == before
    assert plan.ending.start_year == 2026 and not plan.done
    assert [(m.source.name, m.new_name, m.new_grade, m.students) for m in plan.moving] == [
        ("7(1)班", "8(1)班", 8, 2),
        ("7(2)班", "8(2)班", 8, 2),
        ("8(1)班", "9(1)班", 9, 2),
    ]
    assert [m.source.name for m in plan.graduating] == ["9(1)班"]
    assert plan.entry_counts == {7: 2}  # as many as last year
    assert plan.moving[0].teachers == [school.teacher.display_name]
    assert [(t[1], t[2]) for t in plan.terms] == [
        (dt.date(2027, 9, 1), dt.date(2028, 1, 15)),
        (dt.date(2028, 2, 15), dt.date(2028, 7, 5)),
    ]
    assert "作息时间" in str(plan.note)


def test_a_school_across_three_years(school):
    w = school
    past = sf.group(w)  # a group of 2026—2027 with a 7(1)班 member
    kept_student = w.students["7(1)班"][0]
    sf.member(past, kept_student)

    first = rollover.commit(w.admin, w.school, 2027, keep={w.cls.id})
    assert first == dict(
        year=first["year"],
        classes=3,
        students=6,
        graduates=2,
        entry_classes=2,
        kept=1,
        terms=2,
    )
    y2027 = SchoolYear.get_by_id(first["year"])
    new = {c.name: c for c in SchoolClass.select().where(SchoolClass.school_year == y2027.id)}
    assert sorted(new) == ["7(1)班", "7(2)班", "8(1)班", "8(2)班", "9(1)班"]
    assert new["8(1)班"].previous_id == w.cls.id and new["8(1)班"].entry_year == 2026
    assert new["8(1)班"].cohort_label == "2026级1班"
    assert new["8(1)班"].headteacher == "吴老师"  # kept
    assert new["8(2)班"].headteacher == "" and new["7(1)班"].entry_year == 2027
    assert not Student.select().where(Student.school_class == new["7(1)班"].id).exists()
    # the teacher follows 7(1)班 into 8(1)班; the old link stays for the old class
    links = {
        t.school_class_id for t in TeacherClass.select().where(TeacherClass.teacher == w.teacher)
    }
    assert links == {w.cls.id, new["8(1)班"].id}
    # students moved up; graduates archived with their class as it was
    assert Student.get_by_id(kept_student.id).school_class_id == new["8(1)班"].id
    for s in w.students["9(1)班"]:
        stored = Student.get_by_id(s.id)
        assert (
            stored.archived
            and stored.archived_at
            and stored.school_class_id == w.classes["9(1)班"].id
        )
    assert SchoolClass.get_by_id(w.cls.id).archived  # kept for old records, hidden from new work
    assert [
        t.name for t in Term.select().where(Term.school_year == y2027.id).order_by(Term.start)
    ] == [
        "2027—2028学年第一学期",
        "2027—2028学年第二学期",
    ]
    # the past group's roster still shows the class as it was then
    roster = members(past)
    assert [m.student.school_class.name for m in roster] == ["7(1)班"]
    assert ClassMember.select().count() == 8
    audit = AuditEntry.get(AuditEntry.action == "school_year_rollover")
    assert audit.user_id == w.admin.id and "from=2026 to=2027" in audit.detail
    assert AuditEntry.select().where(AuditEntry.action == "student_archive").count() == 2

    # running it again does nothing and says so
    before = snapshot()
    again = rollover.preview(w.admin, w.school, 2027)
    assert again.done and "已完成升级" in str(again.message)
    with pytest.raises(PlannerError) as exc:
        rollover.commit(w.admin, w.school, 2027)
    assert exc.value.kind == CONFLICT and "不会重复执行" in exc.value.message
    assert snapshot() == before

    # the third year: 8(1)班 of 2027 becomes 9(1)班 of 2028, 9(1)班 of 2027 graduates
    second = rollover.commit(w.admin, w.school, 2028, entry_counts={7: 3})
    assert (second["classes"], second["graduates"], second["entry_classes"]) == (4, 2, 3)
    y2028 = SchoolYear.get_by_id(second["year"])
    nine = SchoolClass.get((SchoolClass.school_year == y2028.id) & (SchoolClass.name == "9(1)班"))
    assert nine.previous.previous_id == w.cls.id and nine.entry_year == 2026
    assert Student.get_by_id(kept_student.id).school_class_id == nine.id
    history = [
        (r.school_year.start_year, r.school_class.name)
        for r in ClassMember.select()
        .where(ClassMember.student == kept_student.id)
        .order_by(ClassMember.school_year)
    ]
    assert history == [(2026, "7(1)班"), (2027, "8(1)班")]
    assert members(past)[0].student.school_class.name == "7(1)班"
    with pytest.raises(PlannerError):
        rollover.commit(w.admin, w.school, 2028)
    assert SchoolYear.select().where(SchoolYear.school == w.school.id).count() == 3


def test_no_ending_year(school):
    before = snapshot()
    with pytest.raises(PlannerError) as exc:
        rollover.commit(school.admin, school.school, 2031)
    assert "没有可结束的学年" in exc.value.message and exc.value.field == "year"
    assert snapshot() == before


@pytest.mark.parametrize(
    "dates, words",
    [
        (
            [
                (dt.date(2027, 9, 1), dt.date(2027, 8, 30)),
                (dt.date(2028, 2, 15), dt.date(2028, 7, 5)),
            ],
            "依次排列",
        ),
        (
            [
                (dt.date(2027, 9, 1), dt.date(2028, 3, 1)),
                (dt.date(2028, 2, 15), dt.date(2028, 7, 5)),
            ],
            "依次排列",
        ),
        (
            [
                (dt.date(2027, 7, 1), dt.date(2028, 1, 15)),
                (dt.date(2028, 2, 15), dt.date(2028, 7, 5)),
            ],
            "学年之内",
        ),
    ],
)
def test_bad_term_dates_save_nothing(school, dates, words):
    before = snapshot()
    with pytest.raises(PlannerError) as exc:
        rollover.commit(school.admin, school.school, 2027, term_dates=dates)
    assert words in exc.value.message
    assert snapshot() == before
    assert SchoolYear.get(SchoolYear.start_year == 2026).rolled_over_at is None


def test_a_new_term_overlapping_an_existing_one_saves_nothing(school):
    """A term already reaching into September 2027 (in the old year) clashes."""
    factories.term(
        school=school.school, name="暑期", start=dt.date(2027, 7, 6), end=dt.date(2027, 9, 10)
    )
    before = snapshot()
    with pytest.raises(PlannerError) as exc:
        rollover.commit(school.admin, school.school, 2027)
    assert "重叠" in exc.value.message
    assert snapshot() == before


def test_too_many_entry_classes(school):
    with pytest.raises(PlannerError) as exc:
        rollover.commit(school.admin, school.school, 2027, entry_counts={7: 31})
    assert "最多" in exc.value.message


def test_another_agency_may_not_roll_a_school_over(school):
    stranger = factories.user("admin", username="stranger_admin")
    before = snapshot()
    with pytest.raises(PlannerError) as exc:
        rollover.commit(stranger, school.school, 2027)
    assert exc.value.kind == FORBIDDEN
    assert snapshot() == before


def test_a_concurrent_commit_changes_nothing(school, monkeypatch):
    """Two admins open the preview; the first commits; the second, holding a preview made
    before, is refused by the conditional claim and saves nothing."""
    stale = rollover.preview(school.admin, school.school, 2027)
    rollover.commit(school.admin, school.school, 2027)
    before = snapshot()
    monkeypatch.setattr(rollover, "preview", lambda *a, **k: stale)
    with pytest.raises(PlannerError) as exc:
        rollover.commit(school.admin, school.school, 2027)
    assert exc.value.kind == CONFLICT
    assert snapshot() == before


def test_a_new_year_with_classes_is_refused(school):
    year = SchoolYear.create(
        school=school.school, start_year=2027, start=dt.date(2027, 8, 1), end=dt.date(2028, 7, 31)
    )
    SchoolClass.create(school=school.school, school_year=year, grade=7, name="7(9)班")
    with pytest.raises(PlannerError) as exc:
        rollover.preview(school.admin, school.school, 2027)
    assert "已有班级" in exc.value.message


def test_a_complete_school_graduates_at_9_and_12_and_takes_in_at_7_and_10(world):
    school = factories.school(agency=world.agency, stage="complete", code="WQ", name="完中")
    factories.term(school=school)
    for grade in (7, 9, 10, 12):
        factories.school_class(school=school, grade=grade, name=f"{grade}(1)班")
    plan = rollover.preview(world.admin, school, 2027)
    assert [m.source.grade for m in plan.graduating] == [9, 12]
    assert plan.entry_counts == {7: 1, 10: 1}


def test_default_start_year_follows_the_calendar():
    assert rollover.default_start_year(dt.date(2027, 6, 1)) == 2027
    assert rollover.default_start_year(dt.date(2027, 9, 20)) == 2027
    assert rollover.default_start_year(dt.date(2027, 12, 6)) == 2028


def test_the_student_page_shows_the_cohort_and_past_classes(client, school):
    from tests.conftest import login_as

    s = school.students["7(1)班"][0]
    rollover.commit(school.admin, school.school, 2027)
    login_as(client, school.worker)
    html = client.get(f"/students/{s.id}").get_data(as_text=True)
    assert "8(1)班" in html and "2026级1班" in html
    assert "2026—2027学年 7(1)班" in html


def test_a_class_added_after_next_years_term_was_made_early_stays_in_this_year(world):
    """An admin who creates next year's first term in June and then a class: the class is
    this year's, and the rollover still works (keeping the term made early)."""
    from planner.schools.models import School
    from planner.schools.services import create_record

    create_record(
        Term,
        world.agency,
        world.school,
        dict(name="早建的学期", start=dt.date(2027, 9, 1), end=dt.date(2028, 1, 20)),
    )
    school = School.get_by_id(world.school.id)
    cls = create_record(SchoolClass, world.agency, school, dict(grade=8, name="8(5)班"))
    assert cls.school_year.start_year == 2026 and cls.entry_year == 2025
    plan = rollover.preview(world.admin, school, 2027)
    assert [t.name for t in plan.existing_terms] == ["早建的学期"] and plan.terms == []
    result = rollover.commit(world.admin, school, 2027)
    assert result["terms"] == 0 and result["classes"] == 2
