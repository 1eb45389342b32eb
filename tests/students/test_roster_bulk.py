"""A group's roster changed in one go (issue 14): codes typed in rows, students ticked from
the school's list, members ticked to leave; all or nothing with the reason next to each bad
row, under the single add's rules; a roster changed meanwhile is a 409; audited; a fixed
number of queries."""

import re

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.students.models import GroupMember
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.conftest import HTMX, inline_error


@pytest.fixture
def group(world):
    return f.group(world)


def url(group):
    return f"/programs/{group.id}/roster/bulk"


def stamp(client, group):
    html = client.get(url(group)).get_data(as_text=True)
    return re.search(r'name="stamp" value="([^"]+)"', html).group(1)


def post(client, group, rows=(), add=(), remove=(), stamp_=None, **kw):
    data = {"stamp": stamp_ or stamp(client, group)}
    for i, (code, note) in enumerate(rows):
        data[f"code_{i}"], data[f"note_{i}"] = code, note
    data["add"] = [str(x) for x in add]
    data["remove"] = [str(x) for x in remove]
    data.update(kw)
    return client.post(url(group), data=data, headers=HTMX)


def active(group):
    return {
        m.student_id
        for m in GroupMember.select().where((GroupMember.program == group.id) & GroupMember.active)
    }


def test_add_by_code_and_by_tick_and_remove_at_once(worker, world, group):
    leaving = f.member(group, f.consenting(world.school, world.cls))
    staying = f.member(group, f.consenting(world.school, world.cls))
    typed, ticked = (f.consenting(world.school, world.cls) for _ in range(2))
    page = worker.get(url(group)).get_data(as_text=True)
    assert ticked.archive_code in page and f'value="{leaving.id}"' in page
    response = post(
        worker,
        group,
        rows=[(typed.archive_code, "面谈后适合"), ("", "")],
        add=[ticked.id],
        remove=[leaving.id],
    )
    assert response.status_code == 204  # htmx: go to the roster
    assert active(group) == {staying.student_id, typed.id, ticked.id}
    assert GroupMember.get(GroupMember.student == typed.id).screening_note == "面谈后适合"
    actions = [a.action for a in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions.count("member_add") == 2 and actions.count("member_remove") == 1


def test_one_bad_row_saves_nothing_and_says_why_in_its_row(worker, world, group):
    good = f.consenting(world.school, world.cls)
    no_consent = f.student(world.school, world.cls)
    archived = f.consenting(world.school, world.cls, archived=True)
    elsewhere = f.consenting(world.other_school)
    member = f.member(group, f.consenting(world.school, world.cls))
    member_student = member.student
    cases = [
        (no_consent.archive_code, "知情同意不完整"),
        (archived.archive_code, "已归档"),
        (elsewhere.archive_code, "本校没有档案编码为"),  # another school's code is unknown here
        ("NO-SUCH-CODE", "本校没有档案编码为 NO-SUCH-CODE 的学生。"),
        (member_student.archive_code, "该学生已在小组中。"),
        (good.archive_code, "重复填写"),  # the good code typed twice
        ("码" * 41, "档案编码最多 40 个字符。"),
    ]
    for code, message in cases:
        response = post(worker, group, rows=[(good.archive_code, ""), (code, "")])
        html = response.get_data(as_text=True)
        assert response.status_code == 422, code
        assert message in (inline_error(html, "code_1") or ""), (code, html)
        assert "本次未保存任何改动" in html
        assert f'value="{good.archive_code}"' in html  # what was typed is kept
    long_note = post(worker, group, rows=[(good.archive_code, "记" * 501)])
    assert long_note.status_code == 422
    assert inline_error(long_note.get_data(as_text=True), "note_0") == "最多 500 个字。"
    note_only = post(worker, group, rows=[("", "只有记录")])
    assert "请填写档案编码" in inline_error(note_only.get_data(as_text=True), "code_0")
    ticked = post(worker, group, rows=[(good.archive_code, "")], add=[no_consent.id, elsewhere.id])
    html = ticked.get_data(as_text=True)
    assert ticked.status_code == 422 and "不属于本小组所在的学校" in html
    assert active(group) == {member_student.id}


def test_bad_ids_and_empty_forms_are_refused(worker, world, group):
    good = f.consenting(world.school, world.cls)
    for extra in (
        {"add": ["abc"]},
        {"add": ["-1"]},
        {"remove": ["99999999999999999999"]},
        {"add": ["１２"]},
    ):
        data = {"stamp": stamp(worker, group), "code_0": good.archive_code, **extra}
        response = worker.post(url(group), data=data, headers=HTMX)
        assert response.status_code == 422 and "表单已失效" in response.get_data(as_text=True)
    empty = post(worker, group)
    assert empty.status_code == 422 and "没有要保存的改动" in empty.get_data(as_text=True)
    other = f.member(f.group(world), f.consenting(world.school, world.cls))
    gone = post(worker, group, remove=[other.id])
    assert gone.status_code == 422 and "已不在小组中" in gone.get_data(as_text=True)
    assert active(group) == set()


def test_an_archived_member_does_not_make_every_save_stale(worker, world, group):
    f.member(group, f.consenting(world.school, world.cls, archived=True))
    newcomer = f.consenting(world.school, world.cls)
    assert post(worker, group, rows=[(newcomer.archive_code, "")]).status_code == 204
    assert newcomer.id in active(group)


def test_a_roster_changed_meanwhile_is_409_and_nothing_saved(worker, world, group):
    old = stamp(worker, group)
    f.member(group, f.consenting(world.school, world.cls))  # someone else adds a member
    newcomer = f.consenting(world.school, world.cls)
    response = post(worker, group, rows=[(newcomer.archive_code, "")], stamp_=old)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "名册已被他人修改" in html
    assert f'value="{newcomer.archive_code}"' in html  # the typed row is kept
    assert newcomer.id not in active(group)
    assert post(worker, group, rows=[(newcomer.archive_code, "")], stamp_="x").status_code == 409


def test_only_the_schools_editors(client, world, group):
    for persona, status in (
        ("supervisor", 403),
        ("teacher", 403),
        ("worker_other", 404),
    ):
        login_as(client, getattr(world, persona))
        assert client.get(url(group)).status_code == status
        assert client.post(url(group), data={"stamp": "x"}).status_code == status
    login_as(client, world.admin)
    assert client.get(url(group)).status_code == 200


def test_reading_the_grid_is_audited_and_query_count_is_constant(worker, world, group):
    for _ in range(2):
        f.member(group, f.consenting(world.school, world.cls))
    f.student(world.school, world.cls)
    worker.get(url(group))
    assert AuditEntry.select().where(AuditEntry.action == "view_roster").count() == 1
    with count_queries() as small:
        worker.get(url(group))
    for _ in range(10):
        f.member(group, f.consenting(world.school, world.cls))
        f.consenting(world.school, world.cls)
    with count_queries() as large:
        assert worker.get(url(group)).status_code == 200
    assert small.count == large.count == 12  # pinned: a per-row query would change it
