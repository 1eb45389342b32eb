"""A growth group's roster: members gated by consent, notes, the contract, size warnings."""

import datetime as dt
import re

import pytest
from playhouse.test_utils import count_queries

from planner.i18n import local_today
from planner.students.models import Consent, GroupMember, GroupRoster
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory
from tests.students import factories as f
from tests.students.conftest import HTMX, inline_error, text

NO_CONSENT = "该学生参加小组的知情同意不完整（缺少监护人同意），不能加入小组。"


@pytest.fixture
def group(world):
    return f.group(world)


def roster_url(group, rest=""):
    return f"/programs/{group.id}/roster{rest}"


def add(client, group, student, note=""):
    return client.post(
        roster_url(group, "/members"), data={"student": str(student.id), "screening_note": note}
    )


def active_ids(group):
    return {
        m.student_id
        for m in GroupMember.select().where((GroupMember.program == group.id) & GroupMember.active)
    }


def test_a_scheduled_group_program_has_a_roster(worker, world):
    """The roster of a group planned through the scheduler (sessions factories)."""
    statutory()
    slots = periods(world.school)
    planned = program(
        world,
        curriculum(kind="group", sessions=6, slug="planned-group"),
        spec(world, slots[7]),
        title="人际交往小组",
    )
    page = worker.get(roster_url(planned))
    assert page.status_code == 200 and "人际交往小组" in text(page)
    assert GroupRoster.select().count() == 0  # reading changes nothing


def test_a_classroom_program_has_no_roster(worker, world):
    lessons = f.classroom(world)
    assert worker.get(roster_url(lessons)).status_code == 404
    s = f.consenting(world.school, world.cls)
    assert add(worker, lessons, s).status_code == 404


def test_add_a_member_with_consent(worker, world, group):
    s = f.consenting(world.school, world.cls, name="入组生")
    response = add(worker, group, s, note="自愿报名，面谈后适合")
    assert response.status_code == 303 and response.location == roster_url(group)
    member = GroupMember.get(GroupMember.student == s.id)
    assert (member.program_id, member.active, member.screening_note) == (
        group.id,
        True,
        "自愿报名，面谈后适合",
    )
    page = text(worker.get(roster_url(group)))
    assert "入组生" in page and "自愿报名，面谈后适合" in page and "组员（1 人）" in page


def test_a_student_without_consent_is_refused_and_told_why(worker, world, group):
    s = f.student(world.school, world.cls, name="无同意")
    f.consent(s, "attendance")  # consent for another purpose doesn't count
    response = add(worker, group, s)
    assert response.status_code == 422
    assert NO_CONSENT in text(response)
    assert active_ids(group) == set()


def test_the_select_marks_who_lacks_consent(worker, world, group):
    f.student(world.school, world.cls, name="甲无同意")
    f.consenting(world.school, world.cls, name="乙有同意")
    page = text(worker.get(roster_url(group)))
    select = page[page.index('<select id="f-student"') :].split("</select>")[0]
    options = re.findall(r"<option value=\"\d+\" >([^<]*)</option>", select)
    assert sorted(o.split("（")[0] for o in options) == ["乙有同意", "甲无同意"]
    assert [o for o in options if "缺少监护人同意" in o][0].startswith("甲无同意")


def test_a_withdrawn_or_future_consent_is_refused(worker, world, group):
    withdrawn = f.student(world.school, world.cls)
    f.consent(withdrawn, withdrawn_on=local_today())
    future = f.student(world.school, world.cls)
    f.consent(future, given_on=local_today() + dt.timedelta(days=3))
    for s in (withdrawn, future):
        assert NO_CONSENT in text(add(worker, group, s))
    assert active_ids(group) == set()


def test_a_student_of_another_school_is_refused(client, world, group):
    elsewhere = f.consenting(world.other_school, world.other_cls)
    login_as(client, world.admin)  # the admin sees both schools, still not allowed
    response = add(client, group, elsewhere)
    assert response.status_code == 422
    assert "该学生不属于本小组所在的学校" in text(response)
    assert add(client, group, type("S", (), {"id": 999999})()).status_code == 422
    assert active_ids(group) == set()


def test_an_archived_student_is_refused(worker, world, group):
    s = f.consenting(world.school, world.cls, archived=True)
    assert "该学生档案已归档" in text(add(worker, group, s))


def test_adding_twice_is_refused(worker, world, group):
    s = f.consenting(world.school, world.cls)
    add(worker, group, s)
    again = add(worker, group, s)
    assert again.status_code == 422 and "该学生已在小组中。" in text(again)
    assert GroupMember.select().count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "student", "此项为必填项。"),
        ({"student": "张三"}, "student", "请输入整数。"),
        ({"student": "1", "screening_note": "记" * 501}, "screening_note", "最多 500 个字。"),
    ],
)
def test_bad_member_input(worker, world, group, data, field, message):
    response = worker.post(roster_url(group, "/members"), data=data)
    assert response.status_code == 422
    assert inline_error(text(response), field) == message


def test_remove_and_re_add(worker, world, group):
    s = f.consenting(world.school, world.cls)
    add(worker, group, s)
    member = GroupMember.get(GroupMember.student == s.id)
    response = worker.post(roster_url(group, f"/members/{member.id}/remove"))
    assert response.status_code == 303
    assert not GroupMember.get_by_id(member.id).active  # kept as history
    assert add(worker, group, s, note="再次加入").status_code == 303
    assert GroupMember.select().count() == 1
    assert GroupMember.get_by_id(member.id).active


def test_removing_a_member_of_another_group_is_404(worker, world, group):
    other = f.group(world)
    member = f.member(other, f.consenting(world.school, world.cls))
    assert worker.post(roster_url(group, f"/members/{member.id}/remove")).status_code == 404
    assert GroupMember.get_by_id(member.id).active


@pytest.mark.parametrize(
    "count, warning",
    [
        (0, "目前 0 名组员，少于通常的 6 人"),
        (5, "目前 5 名组员，少于通常的 6 人"),
        (6, None),
        (12, None),
        (13, "目前 13 名组员，多于通常的 12 人"),
    ],
)
def test_size_warnings(worker, world, group, count, warning):
    for _ in range(count):
        f.member(group, f.consenting(world.school, world.cls))
    page = text(worker.get(roster_url(group)))
    if warning:
        assert warning in page
    else:
        assert "名组员，少于" not in page and "名组员，多于" not in page


def test_a_member_whose_consent_lapsed_is_flagged(worker, world, group):
    s = f.student(world.school, world.cls, name="失效生")
    f.consent(s, given_on=dt.date(2026, 1, 1), withdrawn_on=dt.date(2026, 1, 2))
    f.member(group, s)  # e.g. recorded before the withdrawal by another tool
    assert "参加小组的同意已失效" in text(worker.get(roster_url(group)))


def test_withdrawal_takes_effect_on_the_next_request(worker, world, group):
    s = f.consenting(world.school, world.cls, name="撤回生")
    add(worker, group, s)
    consent = Consent.get(Consent.student == s.id)
    assert "撤回生" in text(worker.get(roster_url(group))).split("添加组员")[0]
    worker.post(f"/students/{s.id}/consents/{consent.id}/withdraw")
    page = text(worker.get(roster_url(group)))
    assert "撤回生" not in page.split("添加组员")[0]
    assert NO_CONSENT in text(add(worker, group, s))


def test_roster_notes_and_contract(worker, world, group):
    page = text(worker.get(roster_url(group)))
    assert 'name="version" value="0"' in page  # nothing saved yet
    response = worker.post(
        roster_url(group),
        data={
            "recruitment_notes": "在初一年级张贴海报招募，面谈 12 人，选 8 人。",
            "contract_signed_on": local_today().isoformat(),
            "version": "0",
        },
    )
    assert response.status_code == 303
    saved = GroupRoster.get(GroupRoster.program == group.id)
    assert saved.contract_signed_on == local_today() and saved.version == 1
    page = text(worker.get(roster_url(group)))
    assert "面谈 12 人" in page and 'name="version" value="1"' in page
    assert (
        worker.post(roster_url(group), data={"recruitment_notes": "改", "version": "1"}).status_code
        == 303
    )
    saved = GroupRoster.get(GroupRoster.program == group.id)
    assert (saved.recruitment_notes, saved.contract_signed_on, saved.version) == ("改", None, 2)


def test_two_first_saves_conflict(client, world, group):
    """Both opened the page before anything was saved: the second one gets 409."""
    login_as(client, world.worker)
    assert (
        client.post(roster_url(group), data={"recruitment_notes": "甲", "version": "0"}).status_code
        == 303
    )
    late = client.post(roster_url(group), data={"recruitment_notes": "乙", "version": "0"})
    assert late.status_code == 409
    assert GroupRoster.get(GroupRoster.program == group.id).recruitment_notes == "甲"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"contract_signed_on": "2099-01-01"}, "contract_signed_on", "日期不能晚于今天。"),
        ({"contract_signed_on": "昨天"}, "contract_signed_on", "请输入有效日期（年-月-日）。"),
        ({"recruitment_notes": "字" * 4001}, "recruitment_notes", "最多 4000 个字。"),
    ],
)
def test_bad_roster_input(worker, world, group, data, field, message):
    response = worker.post(roster_url(group), data=dict(data, version="0"))
    assert response.status_code == 422
    assert inline_error(text(response), field) == message
    assert GroupRoster.select().count() == 0


def test_concurrent_roster_edit_gets_the_conflict_screen(client, world, group):
    login_as(client, world.worker)
    client.post(roster_url(group), data={"recruitment_notes": "初稿", "version": "0"})
    assert (
        client.post(roster_url(group), data={"recruitment_notes": "甲", "version": "1"}).status_code
        == 303
    )
    late = client.post(
        roster_url(group), data={"recruitment_notes": "乙", "version": "1"}, headers=HTMX
    )
    assert late.status_code == 409 and "保存冲突" in text(late)
    assert GroupRoster.get(GroupRoster.program == group.id).recruitment_notes == "甲"


def test_supervisor_reads_but_does_not_change(client, world, group):
    s = f.consenting(world.school, world.cls, name="督导读")
    f.member(group, s)
    login_as(client, world.supervisor)
    page = text(client.get(roster_url(group)))
    assert "督导读" in page and "加入小组" not in page and "移出小组" not in page
    assert add(client, group, f.consenting(world.school, world.cls)).status_code == 403


@pytest.mark.parametrize("persona, status", [("teacher", 403), ("worker_other", 404)])
def test_teachers_and_other_schools_see_no_roster(client, world, group, persona, status):
    login_as(client, getattr(world, persona))
    assert client.get(roster_url(group)).status_code == status


def test_roster_page_query_count_is_constant(worker, world, group):
    for _ in range(2):
        f.member(group, f.consenting(world.school, world.cls))
    f.student(world.school, world.cls)  # one candidate (none at all skips a query)
    worker.get(roster_url(group))
    with count_queries() as small:
        worker.get(roster_url(group))
    for _ in range(10):
        f.member(group, f.consenting(world.school, world.cls))
        f.consenting(world.school, world.cls)  # a candidate
    with count_queries() as large:
        assert "组员（12 人）" in text(worker.get(roster_url(group)))
    assert small.count == large.count
