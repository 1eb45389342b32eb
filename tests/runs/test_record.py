"""POST /sessions/<id>/record: quick notes, a lesson's headcount (0–200), and the
version check that turns a stale edit into a conflict (409), never an overwrite."""

import pytest

from planner.runs.models import SessionRecord
from tests.conftest import login_as
from tests.runs.factories import run_session

HTMX = {"HX-Request": "true"}


@pytest.fixture
def lesson(world):
    return run_session(world, kind="classroom")


def save(client, session, headers=HTMX, **data):
    data.setdefault("version", "0")
    return client.post(f"/sessions/{session.id}/record", data=data, headers=headers)


def test_the_first_save_creates_the_record(worker, lesson):
    response = save(worker, lesson, headcount="38", notes="第三排同学讨论很投入")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card run-record" id="run-record">')
    assert "已保存" in html and 'name="version" value="1"' in html
    record = SessionRecord.get()
    assert (record.headcount, record.notes, record.version) == (38, "第三排同学讨论很投入", 1)


def test_an_edit_with_the_current_version_saves(worker, lesson):
    save(worker, lesson, headcount="38", notes="一")
    response = save(worker, lesson, version="1", headcount="40", notes="二")
    assert response.status_code == 200
    record = SessionRecord.get()
    assert (record.headcount, record.notes, record.version) == (40, "二", 2)


def test_a_stale_edit_gets_a_conflict_and_overwrites_nothing(client, world, lesson):
    login_as(client, world.worker)
    save(client, lesson, notes="社工的笔记")
    login_as(client, world.admin)  # the second tablet opened the form at version 0 too
    response = save(client, lesson, notes="管理员的笔记", headcount="12")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "保存冲突" in html
    assert "社工的笔记" in html  # the latest content, in the form
    assert "管理员的笔记" in html  # the user's text, kept to copy
    assert 'name="version" value="1"' in html
    record = SessionRecord.get()
    assert (record.notes, record.headcount, record.version) == ("社工的笔记", None, 1)


def test_a_stale_edit_of_an_existing_record_conflicts(worker, lesson):
    save(worker, lesson, notes="一")
    save(worker, lesson, version="1", notes="二")
    assert save(worker, lesson, version="1", notes="三").status_code == 409
    assert SessionRecord.get().notes == "二"


def test_without_htmx_a_conflict_shows_the_conflict_screen(worker, lesson):
    save(worker, lesson, notes="一")
    response = save(worker, lesson, headers={}, notes="二")
    assert response.status_code == 409
    assert "保存冲突：此记录已被他人修改" in response.get_data(as_text=True)


def test_without_htmx_a_save_redirects_back(worker, lesson):
    response = save(worker, lesson, headers={}, notes="一")
    assert response.status_code == 303
    assert response.location.endswith(f"/sessions/{lesson.id}/run")


@pytest.mark.parametrize(
    "value, message",
    [
        ("-1", "应在 0 到 200 之间"),
        ("201", "应在 0 到 200 之间"),
        ("abc", "请输入整数"),
        ("3.5", "请输入整数"),
    ],
)
def test_headcount_out_of_range_or_not_a_number(worker, lesson, value, message):
    response = save(worker, lesson, headcount=value, notes="保留的笔记")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert f'value="{value}"' in html and "保留的笔记" in html  # the input is kept
    assert SessionRecord.select().count() == 0


@pytest.mark.parametrize("value", ["0", "200", ""])
def test_headcount_bounds_and_blank_are_accepted(worker, lesson, value):
    assert save(worker, lesson, headcount=value).status_code == 200
    assert SessionRecord.get().headcount == (int(value) if value else None)


def test_notes_too_long_are_refused(worker, lesson):
    response = save(worker, lesson, notes="字" * 2001)
    assert response.status_code == 422
    assert "最多 2000 个字" in response.get_data(as_text=True)
    assert save(worker, lesson, notes="字" * 2000).status_code == 200


def test_a_missing_version_is_refused(worker, lesson):
    response = worker.post(f"/sessions/{lesson.id}/record", data={"notes": "x"}, headers=HTMX)
    assert response.status_code == 422
    assert SessionRecord.select().count() == 0


def test_a_groups_record_ignores_a_headcount(worker, group):
    save(worker, group, headcount="9", notes="组员互动积极")
    record = SessionRecord.get()
    assert (record.headcount, record.notes) == (None, "组员互动积极")


def test_a_full_page_error_without_htmx(worker, lesson):
    response = save(worker, lesson, headers={}, headcount="999")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<!doctype html>" in html and "应在 0 到 200 之间" in html


def test_who_may_write_notes(client, world, lesson):
    for user, status in ((world.supervisor, 403), (world.teacher, 403), (world.worker_other, 404)):
        login_as(client, user)
        assert save(client, lesson, notes="x").status_code == status
    assert SessionRecord.select().count() == 0


def test_supervisors_see_the_notes_read_only(client, world, lesson):
    save(login_as(client, world.worker), lesson, headcount="41", notes="课堂秩序良好")
    login_as(client, world.supervisor)
    html = client.get(f"/sessions/{lesson.id}/run").get_data(as_text=True)
    assert "课堂秩序良好" in html and "41" in html
    assert 'name="notes"' not in html
