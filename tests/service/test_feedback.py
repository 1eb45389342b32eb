"""Feedback and complaints (standard 9.2 c, 10.1.2): a public form on each school's link
(and its QR code) with no login and no personal data asked, CSRF-protected and
rate-limited; the school's workers and the admins read them and record the response;
every complaint not answered yet is on the admin's home page."""

import re

import pytest
from playhouse.test_utils import count_queries

from planner import create_app
from planner.service.models import Feedback, FeedbackLink
from tests.conftest import login_as
from tests.service import factories as vf


def send(client, token, **kw):
    data = {"kind": "complaint", "sender": "parent", "text": "活动时间太晚", "contact": ""}
    data.update(kw)
    return client.post(f"/f/{token}", data={k: v for k, v in data.items() if v is not None})


def test_the_staff_page_makes_one_lasting_link_with_its_qr_code(worker, admin, world):
    page = worker.get(f"/schools/{world.school.id}/feedback").get_data(as_text=True)
    token = FeedbackLink.get(FeedbackLink.school == world.school.id).token
    assert f"/f/{token}" in page and 'src="data:image/svg+xml' in page
    again = admin.get(f"/schools/{world.school.id}/feedback").get_data(as_text=True)
    assert f"/f/{token}" in again and FeedbackLink.select().count() == 1


def test_anybody_sends_a_complaint_without_a_name_and_it_reaches_the_admin(app, admin, world):
    token = vf.token(world.school)
    public = app.test_client()
    form = public.get(f"/f/{token}")
    assert form.status_code == 200 and "姓名" not in re.sub(
        r"<p class=\"help\">.*?</p>", "", form.get_data(as_text=True)
    )
    response = send(public, token)
    assert response.status_code == 303 and response.location.endswith("?sent=1")
    item = Feedback.get()
    assert (item.school_id, item.kind, item.sender, item.contact) == (
        world.school.id,
        "complaint",
        "parent",
        "",
    )
    home = admin.get("/dashboard").get_data(as_text=True)
    assert f'id="open-complaint-{item.id}"' in home
    # feedback that is no complaint is listed for the school, not pushed to the home page
    send(public, token, kind="feedback", sender=None, text="谢谢社工")
    suggestion = Feedback.get(Feedback.kind == "feedback")
    assert suggestion.sender == ""
    assert f'id="open-complaint-{suggestion.id}"' not in admin.get("/dashboard").get_data(
        as_text=True
    )


def test_the_response_is_recorded_and_the_complaint_leaves_the_home(worker, admin, world):
    item = vf.feedback(world)
    response = worker.post(
        f"/feedback/{item.id}/response", data={"response": "已调整时间", "version": "1"}
    )
    assert response.status_code == 303
    saved = Feedback.get()
    assert (saved.response, saved.responded_by_id) == ("已调整时间", world.worker.id)
    assert saved.responded_at is not None
    assert f'id="open-complaint-{item.id}"' not in admin.get("/dashboard").get_data(as_text=True)
    stale = worker.post(f"/feedback/{item.id}/response", data={"response": "再改", "version": "1"})
    assert stale.status_code == 409
    empty = admin.post(f"/feedback/{item.id}/response", data={"response": "", "version": "2"})
    assert empty.status_code == 422 and 'role="alert"' in empty.get_data(as_text=True)
    long = admin.post(
        f"/feedback/{item.id}/response", data={"response": "长" * 2001, "version": "2"}
    )
    assert long.status_code == 422 and Feedback.get().version == 2


def test_other_schools_supervisors_and_teachers_get_nothing(app, world):
    item = vf.feedback(world, text="关于甲校的投诉")
    url = f"/schools/{world.school.id}/feedback"
    data = {"response": "x", "version": "1"}
    for user, status in ((world.worker_other, 404), (world.supervisor, 403), (world.teacher, 403)):
        client = login_as(app.test_client(), user)
        page = client.get(url)
        assert page.status_code == status and "关于甲校的投诉" not in page.get_data(as_text=True)
        assert client.post(f"/feedback/{item.id}/response", data=data).status_code == status
    assert Feedback.get().response == ""


def test_an_unknown_or_archived_schools_link_is_not_found(app, world):
    from planner.schools.models import School

    client = app.test_client()
    assert client.get("/f/no-such-token").status_code == 404
    assert send(client, "x" * 500).status_code == 404
    token = vf.token(world.school)
    School.update(archived=True).where(School.id == world.school.id).execute()
    assert client.get(f"/f/{token}").status_code == 404
    assert Feedback.select().count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": None}, "kind"),
        ({"kind": "praise"}, "kind"),
        ({"sender": "principal"}, "sender"),
        ({"text": ""}, "text"),
        ({"text": "字" * 2001}, "text"),
        ({"contact": "电" * 101}, "contact"),
    ],
)
def test_a_bad_message_is_refused_and_nothing_saved(app, world, changes, field):
    response = send(app.test_client(), vf.token(world.school), **changes)
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert Feedback.select().count() == 0


def test_the_public_form_needs_its_csrf_token_and_is_rate_limited(app, db_url, world):
    token = vf.token(world.school)
    guarded = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": True,
            "FEEDBACK_RATE_LIMIT": "3 per minute",
        }
    )
    client = guarded.test_client()
    assert send(client, token).status_code == 400  # no token
    html = client.get(f"/f/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    codes = [send(client, token, csrf_token=csrf).status_code for _ in range(4)]
    assert codes == [303, 303, 303, 429]
    assert Feedback.select().count() == 3
    assert client.get(f"/f/{token}").status_code == 200  # reading the form is not limited


def test_the_staff_page_keeps_its_query_count(worker, world):
    def counted():
        with count_queries() as counter:
            assert worker.get(f"/schools/{world.school.id}/feedback").status_code == 200
        return counter.count

    vf.feedback(world)
    vf.token(world.school)  # the link is made once, on the first visit
    small = counted()
    for i in range(6):
        vf.feedback(world, kind="feedback" if i % 2 else "complaint")
    assert counted() == small == 6
