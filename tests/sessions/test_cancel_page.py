"""Cancelling a session asks for the reason and a confirmation: in a dialog on the program
page, or without JS on a page of its own. The same checks hold either way."""

import pytest
from playhouse.test_utils import count_queries

from planner.sessions.models import ScheduleChange, Session
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.sessions.factories import periods, program, spec, statutory

pytestmark = pytest.mark.usefixtures("before_term")


@pytest.fixture
def planned(app, world, client):
    statutory()
    cal = periods(world.school)
    p = program(world, curriculum(sessions=6, slug="puberty"), spec(world, cal[7]))
    login_as(client, world.worker)
    return p, list(p.sessions.order_by("seq"))


def url(p, s):
    return f"/programs/{p.id}/sessions/{s.id}/cancel"


def test_the_program_page_has_one_cancel_dialog_and_a_menu_per_row(client, planned):
    p, sessions = planned
    html = client.get(f"/programs/{p.id}").get_data(as_text=True)
    assert html.count('<dialog class="confirm-dialog" id="cancel-dialog"') == 1
    assert html.count('class="menu row-menu"') == len(sessions)
    assert 'name="reason"' not in html.split('<ol class="session-list">')[1].split("</ol>")[0]
    for s in sessions:  # the link opens the page; the dialog posts to the row's session
        assert f'href="{url(p, s)}"' in html and f'data-action="{url(p, s)}"' in html


def test_the_cancel_page_asks_and_a_confirmed_reason_cancels(client, planned):
    p, sessions = planned
    second = sessions[1]
    with count_queries() as counted:
        page = client.get(url(p, second))
    assert page.status_code == 200
    assert counted.count == 5  # user, program, may-plan, session, whether it was held
    html = page.get_data(as_text=True)
    assert "取消第 2 节？" in html and 'id="cancel-confirm"' in html
    done = client.post(url(p, second), data={"reason": "学校运动会"})
    assert done.status_code == 303 and done.location.endswith(f"/programs/{p.id}")
    saved = Session.get_by_id(second.id)
    assert (saved.status, saved.cancel_reason) == ("cancelled", "学校运动会")


@pytest.mark.parametrize(
    "reason, message",
    [("", "此项为必填项。"), ("   ", "此项为必填项。"), ("原" * 201, "最多 200 个字。")],
)
def test_a_bad_reason_redraws_the_question_and_saves_nothing(client, planned, reason, message):
    p, sessions = planned
    refused = client.post(url(p, sessions[1]), data={"reason": reason})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="cancel-form"' in html and f'id="e-reason" role="alert">{message}<' in html
    assert Session.get_by_id(sessions[1].id).status == "planned"
    assert ScheduleChange.select().count() == 0


def test_a_cancelled_session_is_not_asked_about_again(client, planned):
    p, sessions = planned
    assert client.post(url(p, sessions[1]), data={"reason": "停电"}).status_code == 303
    assert client.get(url(p, sessions[1])).status_code == 200  # still to come: may be asked
    past = Session.get_by_id(sessions[0].id)
    Session.update(date=past.date.replace(year=2025)).where(Session.id == past.id).execute()
    refused = client.get(url(p, past))
    assert refused.status_code == 409 and "日期已经过去" in refused.get_data(as_text=True)
    assert client.post(url(p, past), data={"reason": "x"}).status_code == 409
