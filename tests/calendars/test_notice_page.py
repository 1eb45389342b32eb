"""The admin pastes the State Council's notice: preview with weekdays and proposed
timetables, a changed timetable, one save; a broken text says what is wrong and saves
nothing; a revision lists its differences first."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.calendars.models import CalendarDay
from tests.calendars.test_notice import text
from tests.conftest import login_as

URL = "/admin/calendar/notice"


@pytest.fixture(autouse=True)
def maintainer(world):
    """The world's admin keeps the shared national calendar (flask planner maintainer)."""
    from planner.accounts.models import User

    User.update(maintainer=True).where(User.id == world.admin.id).execute()


def national(year):
    return list(
        CalendarDay.select()
        .where(CalendarDay.school.is_null() & (CalendarDay.date.year == year))
        .order_by(CalendarDay.date)
    )


def test_preview_then_save_with_a_changed_timetable(client, world):
    login_as(client, world.admin)
    assert client.get(URL).status_code == 200
    preview = client.post(URL, data={"text": text(2025), "step": "preview"})
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "国办发明电〔2024〕12号" in body
    assert body.count("<tr><td>") >= 6 and 'name="fw-2025-01-26"' in body
    assert national(2025) == []  # a preview saves nothing
    chosen = {
        "text": text(2025),
        "step": "save",
        "fw-2025-01-26": "1",
        "fw-2025-02-08": "2",
        "fw-2025-04-27": "3",  # the school follows Wednesday's timetable instead of Monday's
        "fw-2025-09-28": "2",
        "fw-2025-10-11": "3",
    }
    saved = client.post(URL, data=chosen)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#year-2025")
    makeups = {d.date: d.follows_weekday for d in national(2025) if d.kind == "makeup"}
    assert makeups[dt.date(2025, 4, 27)] == 3 and makeups[dt.date(2025, 1, 26)] == 1
    assert len(national(2025)) == 33


@pytest.mark.parametrize(
    "data, words",
    [
        ({"text": "", "step": "preview"}, "此项为必填项"),
        ({"text": "一段无关的话", "step": "preview"}, "没有找到通知标题"),
        ({"text": "长" * 20001, "step": "preview"}, "最多"),
        (
            {"text": text(2025).replace("（周三）放假1天", "（周四）放假1天"), "step": "save"},
            "第一项",
        ),
        ({"text": text(2025), "step": "burn"}, "请选择有效的选项"),
    ],
)
def test_bad_input_says_what_is_wrong_and_saves_nothing(client, world, data, words):
    login_as(client, world.admin)
    response = client.post(URL, data=data)
    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert national(2025) == []


@pytest.mark.parametrize("value", ["", "0", "6", "abc", "99999999999999999999"])
def test_a_bad_timetable_choice_saves_nothing(client, world, value):
    login_as(client, world.admin)
    data = {"text": text(2025), "step": "save", "fw-2025-01-26": value}
    response = client.post(URL, data=data)
    assert response.status_code == 422 and national(2025) == []


def test_a_revision_lists_the_differences_first(client, world):
    login_as(client, world.admin)
    client.post(URL, data={"text": text(2026), "step": "preview"})
    first = {"text": text(2026), "step": "save"}
    first.update(
        {
            f"fw-{d}": w
            for d, w in (
                ("2026-01-04", "5"),
                ("2026-02-14", "5"),
                ("2026-02-28", "1"),
                ("2026-05-09", "2"),
                ("2026-09-20", "2"),
                ("2026-10-10", "3"),
            )
        }
    )
    assert client.post(URL, data=first).status_code == 303
    revised = text(2026).replace("5月9日（周六）上班", "5月10日（周日）上班")
    body = client.post(URL, data={"text": revised, "step": "preview"}).get_data(as_text=True)
    assert 'class="added"' in body and 'class="removed"' in body
    same = client.post(URL, data={"text": text(2026), "step": "preview"}).get_data(as_text=True)
    assert "与现有数据一致" in same


def test_the_preview_query_count_is_constant(client, world):
    login_as(client, world.admin)
    with count_queries() as short:
        client.post(URL, data={"text": text(2024), "step": "preview"})
    with count_queries() as longer:
        client.post(URL, data={"text": text(2026), "step": "preview"})
    assert short.count == longer.count


def test_only_a_maintainer_may_paste_a_notice(client, world):
    """National days are shared by every agency: an ordinary admin reads them only."""
    from planner.accounts.models import User

    User.update(maintainer=False).where(User.id == world.admin.id).execute()
    login_as(client, world.admin)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"text": text(2025), "step": "save"}).status_code == 403
    assert national(2025) == []
