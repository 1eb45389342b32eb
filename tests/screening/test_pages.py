"""The tier list: each student's history across rounds, in a number of queries that does
not grow with rounds or students; no student's name in a URL; nothing of it reaches the
teacher; every read is audited."""

import re

from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from tests.conftest import login_as
from tests.screening import factories as sf


def _rounds(world, students, n):
    made = []
    for i in range(n):
        rnd = sf.screening_round(world, title=f"第{i + 1}次筛查")
        for k, s in enumerate(students):
            sf.result(rnd, s, (i + k) % 3, q12=0)
        made.append(rnd)
    return made


def test_the_history_shows_every_round_and_the_query_count_is_pinned(worker, world):
    few = [sf.student(world) for _ in range(2)]
    small = _rounds(world, few, 1)[-1]
    many = [sf.student(world) for _ in range(8)]
    large = _rounds(world, many, 4)[-1]
    sf.student(world)  # a candidate still to enter
    worker.get(f"/screening/{small.id}")
    with count_queries() as a:
        assert worker.get(f"/screening/{small.id}").status_code == 200
    with count_queries() as b:
        page = worker.get(f"/screening/{large.id}")
    assert page.status_code == 200
    assert a.count == b.count
    assert a.count == 9  # pinned: a per-row or per-round query would change it
    html = page.get_data(as_text=True)
    row = html.split(many[0].archive_code, 1)[1].split("</tr>", 1)[0]
    assert row.count("tier-") >= 4  # this round's tier and the four rounds of the history


def test_no_name_in_any_url_of_the_pages(worker, world):
    s = sf.student(world, name="网址测试")
    rnd = _rounds(world, [s], 1)[0]
    sf.student(world, name="候选学生")
    for url in (f"/screening/{rnd.id}", f"/schools/{world.school.id}/screening"):
        html = worker.get(url).get_data(as_text=True)
        for link in re.findall(r'(?:href|action|hx-post)="([^"]*)"', html):
            assert "网址测试" not in link and "候选学生" not in link
            assert s.student_no not in link


def test_the_teacher_sees_none_of_it(app, world):
    s = sf.student(world, name="老师不可见")
    rnd = _rounds(world, [s], 1)[0]
    teacher = login_as(app.test_client(), world.teacher)
    for url in (
        f"/screening/{rnd.id}",
        f"/schools/{world.school.id}/screening",
        f"/screening/{rnd.id}/import",
    ):
        response = teacher.get(url)
        assert response.status_code == 403
        assert "老师不可见" not in response.get_data(as_text=True)
    # the round's schedule is the program's: the teacher sees the lesson, not the results
    program = teacher.get(f"/programs/{rnd.program_id}").get_data(as_text=True)
    assert "老师不可见" not in program and s.archive_code not in program


def test_every_read_is_audited(worker, world):
    rnd = _rounds(world, [sf.student(world)], 1)[0]
    for _ in range(2):
        worker.get(f"/screening/{rnd.id}")
    reads = AuditEntry.select().where(
        (AuditEntry.action == "screening_read") & (AuditEntry.object_id == rnd.id)
    )
    assert [r.user_id for r in reads] == [world.worker.id] * 2
