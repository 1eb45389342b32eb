"""开展计划: the list, editing a saved program, deleting a mistaken one, ending one with
records; and the planning form's sanity checks."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.runs.models import SessionRecord
from planner.sessions.models import Program, ProgramClass, ScheduleChange, Session, SlotRule
from tests import factories
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import d, periods, program, spec, statutory
from tests.sessions.test_program_views import form, url
from tests.students.factories import student

pytestmark = pytest.mark.usefixtures("before_term", "pinned_clock")


@pytest.fixture
def pinned_clock(monkeypatch, before_term):
    """The list's and the edit's "today" and "now", before the term as in before_term."""
    monkeypatch.setattr("planner.sessions.manage_views.local_today", lambda: before_term)
    monkeypatch.setattr(
        "planner.sessions.manage_views.local_now",
        lambda: dt.datetime.combine(before_term, dt.time(8)),
    )


@pytest.fixture
def setup(app, world, client):
    statutory()
    cal = periods(world.school)
    c = curriculum(sessions=6, slug="puberty")
    login_as(client, world.worker)
    return cal, c


@pytest.fixture
def saved(world, setup):
    cal, c = setup
    return program(world, c, spec(world, cal[7]))


def edit_form(world, c, cal, p, **changes):
    data = form(world, c, cal, **changes)
    data.setlist("version", [changes.get("version", str(Program.get_by_id(p.id).version))])
    return data


def edit_url(p):
    return f"/programs/{p.id}/edit"


def dates(p):
    return [
        (s.date, s.room_id)
        for s in Session.select().where(Session.program == p.id).order_by(Session.seq)
    ]


# ---- the list -------------------------------------------------------------------------


def test_the_list_shows_progress_and_next_session_and_filters(client, world, setup):
    cal, c = setup
    first = program(world, c, spec(world, cal[7]), title="七年级青春期")
    group = curriculum(kind="group", sessions=4, slug="adapt")
    second = program(world, group, spec(world, cal[6], class_ids=[], count=4), title="新生适应小组")
    SessionRecord.create(session=first.sessions.order_by(Session.seq).first(), headcount=30)
    body = client.get("/programs").get_data(as_text=True)
    assert "七年级青春期" in body and "新生适应小组" in body
    assert "0/6" in body and "0/4" in body  # nothing held before the term
    only_groups = client.get("/programs?kind=group").get_data(as_text=True)
    assert "新生适应小组" in only_groups and "七年级青春期" not in only_groups
    assert "七年级青春期" not in client.get("/programs?term=没有这个学期").get_data(as_text=True)
    other = client.get(f"/programs?school={world.other_school.id}").get_data(as_text=True)
    assert "七年级青春期" not in other  # not her school: nothing leaks through the filter
    assert second.id


def test_the_list_counts_held_sessions(client, world, setup, monkeypatch):
    cal, c = setup
    p = program(world, c, spec(world, cal[7]))
    first = p.sessions.order_by(Session.seq).first()
    SessionRecord.create(session=first, headcount=30)
    monkeypatch.setattr("planner.sessions.manage_views.local_today", lambda: d(12, 1))
    body = client.get("/programs").get_data(as_text=True)
    assert "1/6" in body


def test_the_list_query_count_does_not_grow(client, world, setup):
    cal, c = setup
    program(world, c, spec(world, cal[7]), title="一")
    with count_queries() as few:
        client.get("/programs")
    for n, period in enumerate((6, 5, 4)):
        program(
            world,
            curriculum(sessions=3, slug=f"more-{n}"),
            spec(world, cal[period], count=3),
            title=f"计划{n}",
        )
    with count_queries() as many:
        body = client.get("/programs").get_data(as_text=True)
    assert "计划2" in body
    assert len(many.get_queries()) == len(few.get_queries()) == 6


@pytest.mark.parametrize(
    "query",
    [
        "school=abc",
        "school=99999999999999999999999",
        "school=-1",
        "term=" + "长" * 5000,
        "kind=<script>",
        "school=&term=&kind=",
    ],
)
def test_hostile_filters_answer_an_empty_or_whole_list(client, world, setup, query):
    cal, c = setup
    program(world, c, spec(world, cal[7]), title="七年级青春期")
    response = client.get(f"/programs?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)


def test_a_teacher_has_no_list(client, world, setup):
    login_as(client, world.teacher)
    assert client.get("/programs").status_code == 403


# ---- edit -----------------------------------------------------------------------------


def test_edit_page_opens_with_the_saved_values(client, world, setup, saved):
    body = client.get(edit_url(saved)).get_data(as_text=True)
    assert 'name="version"' in body and "保存修改" in body
    assert f'value="{world.room.id}" selected' in body


def test_changing_the_room_previews_then_moves_every_session_ahead(client, world, setup, saved):
    cal, c = setup
    hall = factories.room(school=world.school, name="多功能室", kind="multi_room")
    before = dates(saved)
    preview = client.post(
        edit_url(saved), data=edit_form(world, c, cal, saved, room_id=str(hall.id))
    )
    assert preview.status_code == 200 and "预览（尚未保存）" in preview.get_data(as_text=True)
    assert dates(saved) == before  # a preview writes nothing
    response = client.post(
        edit_url(saved), data=edit_form(world, c, cal, saved, room_id=str(hall.id), action="save")
    )
    assert response.status_code == 303
    assert dates(saved) == [(day, hall.id) for day, _ in before]
    assert Program.get_by_id(saved.id).room_id == hall.id
    change = ScheduleChange.get(ScheduleChange.program == saved.id)
    assert change.kind == "edit" and len(change.before) == 6
    client.post(f"/programs/{saved.id}/undo")
    assert dates(saved) == before


def test_changing_the_slot_replaces_only_sessions_ahead(client, world, setup, saved, monkeypatch):
    cal, c = setup
    sessions = list(saved.sessions.order_by(Session.seq))
    SessionRecord.create(session=sessions[0], headcount=30)  # held
    today = sessions[1].date
    monkeypatch.setattr(
        "planner.sessions.manage_views.local_now",
        lambda: __import__("datetime").datetime.combine(today, __import__("datetime").time(7)),
    )
    monkeypatch.setattr("planner.runs.held.local_today", lambda: today)
    held_before = (sessions[0].date, sessions[0].start)
    data = edit_form(world, c, cal, saved, action="save", r_weekday="4")  # Thursdays
    response = client.post(edit_url(saved), data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    after = list(Session.select().where(Session.program == saved.id).order_by(Session.seq))
    assert (after[0].date, after[0].start) == held_before
    assert sum(s.date.isoweekday() == 4 for s in after[1:]) >= 4  # Thursdays (a 调休 aside)
    assert [s.date for s in after[1:]] != [s.date for s in sessions[1:]]
    assert all(s.date > today for s in after[1:]) and after[1].status == "moved"
    assert [r.weekday for r in SlotRule.select().where(SlotRule.program == saved.id)] == [4]


def test_a_clash_in_the_edit_is_shown_and_nothing_saved(client, world, setup, saved):
    cal, c = setup
    other_room = factories.room(school=world.school, name="小组二室")
    program(
        world,
        curriculum(sessions=6, slug="busy"),
        spec(
            world,
            cal[7],
            room_id=other_room.id,
            worker_ids=[factories.user("worker", agency=world.agency).id],
            class_ids=[factories.school_class(school=world.school, name="8(2)班").id],
        ),
        title="占用的小组",
    )
    before = dates(saved)
    response = client.post(
        edit_url(saved),
        data=edit_form(world, c, cal, saved, room_id=str(other_room.id), action="save"),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "场地冲突" in body and "占用的小组" in body
    assert dates(saved) == before and Program.get_by_id(saved.id).room_id == world.room.id


def test_a_stale_edit_is_a_409(client, world, setup, saved):
    cal, c = setup
    data = edit_form(world, c, cal, saved, action="save", title="新名称")
    Program.update(version=Program.version + 1).where(Program.id == saved.id).execute()
    response = client.post(edit_url(saved), data=data)
    assert response.status_code == 409
    assert Program.get_by_id(saved.id).title != "新名称"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "长" * 81}, "最多 80 个字"),
        ({"group_name": "组" * 61}, "最多 60 个字"),
        ({"room_id": ""}, "此项为必填项"),
        ({"version": ""}, "有内容需要修改"),
        ({"version": "99999999999999999999"}, ""),
        ({"start_week": "99999999999"}, "应在 1 到 30 之间"),
        ({"class_ids": []}, "社工课堂请至少选择一个班级"),
    ],
)
def test_bad_edits_are_explained_and_nothing_saved(client, world, setup, saved, changes, message):
    cal, c = setup
    response = client.post(
        edit_url(saved), data=edit_form(world, c, cal, saved, action="save", **changes)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert Program.get_by_id(saved.id).version == saved.version


def test_another_schools_room_or_class_is_refused_in_an_edit(client, world, setup, saved):
    cal, c = setup
    for changes, message in (
        ({"room_id": str(world.other_room.id)}, "该场地不属于本校"),
        ({"class_ids": [str(world.other_cls.id)]}, "请选择本校的班级"),
    ):
        response = client.post(
            edit_url(saved), data=edit_form(world, c, cal, saved, action="save", **changes)
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert [
        link.school_class_id
        for link in ProgramClass.select().where(ProgramClass.program == saved.id)
    ] == [world.cls.id]


def test_who_may_edit(client, world, setup, saved):
    cal, c = setup
    for user, status in ((world.supervisor, 403), (world.teacher, 403), (world.worker_other, 404)):
        login_as(client, user)
        assert client.get(edit_url(saved)).status_code == status
        data = edit_form(world, c, cal, saved, action="save", title="改名")
        assert client.post(edit_url(saved), data=data).status_code == status
    assert Program.get_by_id(saved.id).title != "改名"


# ---- delete or end --------------------------------------------------------------------


def test_a_mistaken_program_is_deleted(client, world, setup, saved):
    response = client.post(f"/programs/{saved.id}/delete")
    assert response.status_code == 303 and response.location.endswith("/programs")
    assert not Program.select().where(Program.id == saved.id).exists()
    assert not Session.select().where(Session.program == saved.id).exists()
    assert AuditEntry.select().where(AuditEntry.action == "program.delete").exists()


def test_a_program_with_records_cannot_be_deleted_only_ended(client, world, setup, saved):
    first = saved.sessions.order_by(Session.seq).first()
    SessionRecord.create(session=first, headcount=30)
    response = client.post(f"/programs/{saved.id}/delete")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "活动记录" in body and "结束计划" in body
    assert Session.select().where(Session.program == saved.id).count() == 6
    assert client.post(f"/programs/{saved.id}/end").status_code == 303
    statuses = [s.status for s in Session.select().where(Session.program == saved.id)]
    assert statuses.count("cancelled") == 6  # before the term: all still to come
    assert Program.get_by_id(saved.id).ended_at is not None
    assert "已结束" in client.get(f"/programs/{saved.id}").get_data(as_text=True)
    assert client.post(f"/programs/{saved.id}/end").status_code == 409
    client.post(f"/programs/{saved.id}/undo")  # ending is one change: undo runs it on
    statuses = [s.status for s in Session.select().where(Session.program == saved.id)]
    assert "cancelled" not in statuses and Program.get_by_id(saved.id).ended_at is None


def test_a_group_member_blocks_deleting(client, world, setup):
    cal, _ = setup
    from planner.students.models import GroupMember

    g = program(
        world,
        curriculum(kind="group", sessions=4, slug="g"),
        spec(world, cal[6], class_ids=[], count=4),
    )
    GroupMember.create(program=g.id, student=student(world.school, world.cls))
    response = client.post(f"/programs/{g.id}/delete")
    assert response.status_code == 409 and "小组成员" in response.get_data(as_text=True)


def test_others_cannot_delete_or_end(client, world, setup, saved):
    for user, status in ((world.supervisor, 403), (world.teacher, 403), (world.worker_other, 404)):
        login_as(client, user)
        assert client.post(f"/programs/{saved.id}/delete").status_code == status
        assert client.post(f"/programs/{saved.id}/end").status_code == status
    assert Program.get_by_id(saved.id).ended_at is None


# ---- planning sanity ------------------------------------------------------------------


def test_classes_that_do_not_fit_the_room_are_refused(client, world, setup):
    cal, c = setup
    small = factories.room(school=world.school, name="小教室", kind="classroom", capacity=4)
    classes = [world.cls] + [factories.school_class(school=world.school) for _ in range(3)]
    for cls in classes:
        for _ in range(2):
            student(world.school, cls)
    data = form(
        world, c, cal, action="save", room_id=str(small.id), class_ids=[str(k.id) for k in classes]
    )
    response = client.post(url(world), data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "共 8 名学生" in body and "只有 4 个座位" in body
    assert Program.select().count() == 0


def test_a_classroom_series_in_a_case_room_is_refused(client, world, setup):
    cal, c = setup
    case = factories.room(school=world.school, name="个案室", kind="case_room", capacity=4)
    response = client.post(
        url(world), data=form(world, c, cal, action="save", room_id=str(case.id))
    )
    assert response.status_code == 422 and "不能用于社工课堂" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "start, end, message",
    [("16:10", "23:59", "该时段长 469 分钟"), ("16:10", "16:40", "该时段只有 30 分钟")],
)
def test_a_slot_that_does_not_match_the_meeting_length_is_refused(
    client, world, setup, start, end, message
):
    cal, _ = setup
    group = curriculum(kind="group", sessions=4, slug="sixty")
    data = form(
        world, group, cal, action="save", group_name="阳光组", r_period="", r_start=start, r_end=end
    )
    response = client.post(url(world), data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert Program.select().count() == 0
