"""Copy last year's plan: a term's programs into the same term of the next school year, by
weekday and period, for the classes one grade up; conflicts and skips shown as in planning."""

import datetime as dt

from playhouse.test_utils import count_queries

from planner.schools import rollover
from planner.schools.models import SchoolClass, Term
from planner.sessions import copy_plan
from planner.sessions.models import Program, ProgramClass, Session, SlotRule
from tests.conftest import login_as
from tests.feeds.factories import program


def _classroom(world, title="青春期教育", weekday=3):
    prog = program(
        world.school,
        world.term,
        world.room,
        workers=[world.worker],
        classes=[world.cls],
        lessons=4,
        first=dt.date(2026, 9, 9),
        title=title,
    )
    SlotRule.create(program=prog, weekday=weekday, start=dt.time(14, 0), end=dt.time(14, 45))
    return prog


def _next_term(world):
    return Term.get((Term.school == world.school.id) & (Term.name == "2027—2028学年第一学期"))


def test_without_a_next_year_the_page_says_what_to_do(client, world):
    _classroom(world)
    login_as(client, world.worker)
    html = client.get(f"/terms/{world.term.id}/copy-plan").get_data(as_text=True)
    assert "下一学年还没有对应的学期" in html
    response = client.post(f"/terms/{world.term.id}/copy-plan")
    assert response.status_code == 422
    assert Program.select().count() == 1


def test_copy_into_the_next_year_for_the_classes_one_grade_up(client, world):
    past = _classroom(world)
    rollover.commit(world.admin, world.school, 2027)
    target = _next_term(world)
    login_as(client, world.worker)
    html = client.get(f"/terms/{world.term.id}/copy-plan").get_data(as_text=True)
    assert "8(1)班" in html and "2027—2028学年第一学期" in html
    plan = copy_plan.preview(world.worker, world.term)
    [item] = plan.items
    assert item.ok and item.class_names == ["8(1)班"]
    assert all(p.date.isoweekday() == 3 for p in item.preview.placed)
    assert item.preview.placed[0].date == dt.date(2027, 9, 1)
    response = client.post(f"/terms/{world.term.id}/copy-plan")
    assert response.status_code == 303
    copied = Program.get(Program.term == target.id)
    assert copied.title == past.title and copied.created_by_id == world.worker.id
    [link] = ProgramClass.select().where(ProgramClass.program == copied.id)
    assert (link.school_class.name, link.school_class.grade) == ("8(1)班", 8)
    assert Session.select().where(Session.program == copied.id).count() == 4
    # the past program keeps its class as it was
    [old] = ProgramClass.select().where(ProgramClass.program == past.id)
    assert (old.school_class.name, old.school_class.grade) == ("7(1)班", 7)
    page = client.get(f"/programs/{past.id}").get_data(as_text=True)
    assert "7(1)班" in page or past.title in page
    # a second copy skips what was copied, and saves nothing
    again = copy_plan.preview(world.worker, world.term)
    assert not again.savable and "已有同名计划" in str(again.items[0].problem)
    assert client.post(f"/terms/{world.term.id}/copy-plan").status_code == 422
    assert Program.select().where(Program.term == target.id).count() == 1


def test_a_clash_in_the_next_year_is_shown_and_not_saved(client, world):
    _classroom(world)
    rollover.commit(world.admin, world.school, 2027)
    target = _next_term(world)
    other = program(
        world.school,
        target,
        world.room,
        workers=[world.worker],
        lessons=2,
        first=dt.date(2027, 9, 1),
        title="已安排的活动",
    )
    assert other
    plan = copy_plan.preview(world.worker, world.term)
    [item] = plan.items
    assert item.preview.conflicts and not item.ok
    login_as(client, world.worker)
    html = client.get(f"/terms/{world.term.id}/copy-plan").get_data(as_text=True)
    assert "已安排的活动" in html and "冲突" in html
    assert client.post(f"/terms/{world.term.id}/copy-plan").status_code == 422
    assert Program.select().where(Program.term == target.id).count() == 1


def test_a_graduated_class_is_not_copied(world):
    nine = SchoolClass.create(
        school=world.school, school_year=world.cls.school_year, grade=9, name="9(1)班"
    )
    prog = _classroom(world, title="毕业班")
    ProgramClass.update(school_class=nine.id).where(ProgramClass.program == prog.id).execute()
    rollover.commit(world.admin, world.school, 2027)
    [item] = copy_plan.preview(world.worker, world.term).items
    assert "已毕业" in str(item.problem)


def test_rights_wrong_role_and_wrong_school(client, world):
    _classroom(world)
    rollover.commit(world.admin, world.school, 2027)
    login_as(client, world.supervisor)
    assert client.get(f"/terms/{world.term.id}/copy-plan").status_code == 403
    assert client.post(f"/terms/{world.term.id}/copy-plan").status_code == 403
    login_as(client, world.worker_other)
    assert client.get(f"/terms/{world.term.id}/copy-plan").status_code == 404
    assert client.post(f"/terms/{world.term.id}/copy-plan").status_code == 404
    assert Program.select().count() == 1


def test_query_count_is_pinned(client, world):
    """A fixed number for the page, and a fixed number more per program copied (its rules,
    workers, classes and curriculum: the planning form reads the same per program)."""
    _classroom(world)
    rollover.commit(world.admin, world.school, 2027)
    login_as(client, world.worker)
    client.get(f"/terms/{world.term.id}/copy-plan")
    with count_queries() as one:
        assert client.get(f"/terms/{world.term.id}/copy-plan").status_code == 200
    _classroom(world, title="第二个", weekday=4)
    with count_queries() as two:
        assert client.get(f"/terms/{world.term.id}/copy-plan").status_code == 200
    # pinned; the batch index reads case appointments (个案会谈) in one query more
    assert (one.count, two.count - one.count) == (25, 7)
