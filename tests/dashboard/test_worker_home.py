"""A worker's home answers "what do I do today and this week": her sessions this week,
each one tap from run mode and 已完成 once held; the next one when today is free; what
is due; her programs by term with their progress. Its query count is pinned and does not
grow with her sessions, programs or records."""

import datetime as dt
import re

from playhouse.test_utils import count_queries

from planner.accounts.models import WorkerSchool
from tests import factories
from tests.conftest import login_as
from tests.dashboard.conftest import MONDAY, TODAY
from tests.reflections import factories as rf

QUERIES = 21  # tests/reflections/test_safeguarding_dashboard.py says which


def home(client, user):
    return login_as(client, user).get("/dashboard").get_data(as_text=True)


def section(body, ident):
    found = re.search(rf'<section[^>]*id="{ident}".*?</section>', body, re.S)
    return found.group(0) if found else ""


def test_this_weeks_sessions_each_one_tap_from_run_mode(client, world, clock):
    prog = rf.program(world, first=MONDAY - dt.timedelta(weeks=1), title="情绪小组")
    last_week, monday, next_week = rf.sessions_of(prog)[:3]
    other = rf.program(world, workers=[world.worker_other], first=MONDAY, title="别人的小组")
    week = section(home(client, world.worker), "this-week")
    assert f'id="home-session-{monday.id}"' in week
    assert f'href="/sessions/{monday.id}/run"' in week
    assert f'id="home-session-{last_week.id}"' not in week
    assert f'id="home-session-{next_week.id}"' not in week
    assert "别人的小组" not in week and rf.sessions_of(other)[0].id
    assert "2026年12月7日" in week


def test_a_held_session_says_done_and_a_cancelled_one_has_no_run_link(client, world, clock):
    held, cancelled = (rf.sessions_of(rf.program(world, first=MONDAY))[0] for _ in range(2))
    rf.attendance(held, rf.student(world))
    cancelled.status = "cancelled"
    cancelled.save()
    week = section(home(client, world.worker), "this-week")
    row = re.search(rf'id="home-session-{held.id}".*?</li>', week, re.S).group(0)
    assert "status-done" in row and "已完成" in row
    row = re.search(rf'id="home-session-{cancelled.id}".*?</li>', week, re.S).group(0)
    assert "已取消" in row and "/run" not in row


def test_a_free_day_shows_the_next_session(client, world, clock):
    prog = rf.program(world, first=TODAY + dt.timedelta(days=5), title="下周的小组")
    week = section(home(client, world.worker), "this-week")
    assert 'id="today-free"' in week
    nxt = re.search(r'id="next-session">.*?</span>', week, re.S).group(0)
    assert "下周的小组" in nxt and f"/programs/{prog.id}" in nxt and "2026年12月14日" in nxt
    rf.program(world, first=TODAY, title="今天的小组")
    assert 'id="today-free"' not in home(client, world.worker)


def test_nothing_this_week_and_nothing_ahead(client, world, clock):
    week = section(home(client, world.worker), "this-week")
    assert "本周没有安排活动" in week and "之后也还没有安排活动" in week


def test_due_lists_missing_records_returned_reflections_follow_ups_and_consents(
    client, world, clock
):
    old = rf.sessions_of(rf.program(world, first=dt.date(2026, 11, 23), sessions=2))
    returned = rf.reflection(old[1], world.worker, supervisor_comment="请补充过程")
    rf.attendance(old[1], rf.student(world))
    kid = rf.student(world, name="赵小丽")
    rf.follow_up(returned, kid)
    rf.follow_up(returned, None, safeguarding=True)  # on the safeguarding card instead
    rf.student(world, name="钱十四", birth_date=dt.date(2010, 1, 1))  # guardian's only
    rf.student(world, name="孙十三", birth_date=dt.date(2014, 1, 1))  # 12: nothing to confirm
    due = section(home(client, world.worker), "due")
    assert f'id="due-missing-{old[0].id}"' in due and "缺反思" in due and "缺出勤" in due
    assert f'id="due-missing-{old[1].id}"' not in due  # reflection and attendance made
    assert f'id="due-returned-{returned.id}"' in due
    assert f'href="/sessions/{old[1].id}/reflection"' in due
    assert kid.archive_code in due and "赵小丽" not in due
    assert due.count('id="due-follow-up-') == 1
    consents = re.search(r'id="due-consents-\d+".*?</li>', due, re.S).group(0)
    assert (
        "1 名学生" in consents and f"/schools/{world.school.id}/students/consent-review" in consents
    )
    assert "钱十四" not in due


def test_many_missing_records_show_the_oldest_five_and_how_many(client, world, clock):
    """The card loads the five it shows and counts the rest in the same query."""
    old = rf.sessions_of(rf.program(world, first=dt.date(2026, 9, 7), sessions=9))
    rf.reflection(old[2], world.worker)
    rf.attendance(old[2], rf.student(world))  # made: not due
    due = section(home(client, world.worker), "due")
    shown = [int(n) for n in re.findall(r'id="due-missing-(\d+)"', due)]
    assert shown == [s.id for s in old[:2] + old[3:6]]
    assert re.search(r'id="due-missing">[^<]*<span class="badge warn">8</span>', due)
    assert "查看全部 8 项" in due and 'href="/records/missing"' in due
    for s in old[6:]:
        rf.reflection(s, world.worker)
        rf.attendance(s, rf.student(world))
    due = section(home(client, world.worker), "due")
    assert len(re.findall(r'id="due-missing-(\d+)"', due)) == 5 and "查看全部" not in due


def test_nothing_due(client, world, clock):
    assert 'id="nothing-due"' in section(home(client, world.worker), "due")


def test_a_signed_off_reflection_and_an_acknowledged_follow_up_are_not_due(client, world, clock):
    session = rf.sessions_of(rf.program(world, first=dt.date(2026, 11, 23), sessions=1))[0]
    refl = rf.reflection(session, world.worker, status="signed_off", supervisor_comment="很好")
    rf.attendance(session, rf.student(world))
    rf.follow_up(refl, rf.student(world), acknowledged_at=dt.datetime(2026, 12, 1))
    assert 'id="nothing-due"' in section(home(client, world.worker), "due")


def test_my_programs_by_term_with_progress_and_links(client, world, clock):
    prog = rf.program(world, first=MONDAY - dt.timedelta(weeks=2), sessions=6, title="成长小组甲")
    first, second, third = rf.sessions_of(prog)[:3]
    rf.attendance(first, rf.student(world))
    rf.attendance(second, rf.student(world))
    third.status = "cancelled"  # not planned any more
    third.save()
    foreign = rf.program(world, workers=[world.worker_other], title="别人的计划")
    mine = section(home(client, world.worker), "my-programs")
    row = re.search(rf'id="my-program-{prog.id}".*?</li>', mine, re.S).group(0)
    assert world.term.name in mine
    assert "已完成 2 / 5 节" in row
    assert "下一次：2026年12月14日" in row
    assert f'href="/programs/{prog.id}"' in row
    assert f'href="/programs/{prog.id}/documents"' in row
    assert f"my-program-{foreign.id}" not in mine


def test_a_program_of_an_archived_term_is_not_listed(client, world, clock):
    prog = rf.program(world)
    world.term.archived = True
    world.term.save()
    assert f"my-program-{prog.id}" not in home(client, world.worker)


def lots(world, n):
    """n more of everything the home page lists."""
    for _ in range(n):
        prog = rf.program(world, first=MONDAY - dt.timedelta(weeks=3), sessions=6)
        sessions = rf.sessions_of(prog)
        rf.attendance(sessions[1], rf.student(world))
        refl = rf.reflection(sessions[2], world.worker, supervisor_comment="改")
        rf.follow_up(refl, rf.student(world))
        rf.follow_up(refl, None, safeguarding=True)
        rf.student(world, birth_date=dt.date(2010, 1, 1))
        other = factories.school(agency=world.agency, name=f"丙校{prog.id}", code=f"B{prog.id}")
        WorkerSchool.create(worker=world.worker, school=other)  # one more school of hers


def counted(client, world):
    login_as(client, world.worker)
    with count_queries() as counter:
        body = client.get("/dashboard").get_data(as_text=True)
    return counter.count, body


def test_the_query_count_is_pinned_and_does_not_grow(client, world, clock):
    few, body = counted(client, world)
    lots(world, 1)
    one, body_one = counted(client, world)
    lots(world, 4)
    many, body_many = counted(client, world)
    assert few == one == many == QUERIES
    assert body_one.count('id="my-program-') == 1 and body_many.count('id="my-program-') == 5
    assert body_many.count('id="due-returned-') == 5
    assert body_many.count('id="home-session-') == 5
    assert body_many.count('id="due-follow-up-') == 5 and "丙校" in body_many


def test_the_week_is_beijings_in_the_small_hours(client, world, monkeypatch):
    """01:30 on Monday in Beijing is still Sunday on a UTC server: the home page's today
    and this week are Beijing's."""
    monkeypatch.setattr(
        "planner.i18n.utc_clock", lambda: dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.timezone.utc)
    )
    sunday = rf.sessions_of(rf.program(world, first=dt.date(2026, 12, 6), sessions=1))[0]
    monday = rf.sessions_of(rf.program(world, first=MONDAY, sessions=1))[0]
    week = section(home(client, world.worker), "this-week")
    assert f'id="home-session-{monday.id}"' in week
    assert f'id="home-session-{sunday.id}"' not in week  # last week's, in Beijing
    today = re.search(r'<h3 class="home-day is-today">(.*?)</h3>', week, re.S).group(1)
    assert "2026年12月7日" in today and 'id="today-free"' not in week
