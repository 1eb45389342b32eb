"""社工信箱 letters (standard 8.2.2): recorded by the school's worker, read by the
school's workers and their supervisors (every read audited), never by an admin or a
teacher; an urgent letter is a safeguarding flag the supervisor sees at once; the reply
due date defaults to three days after receipt, and an overdue one is on the worker's
home page."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.reflections.escalation import escalate
from planner.service.models import Letter
from tests.conftest import login_as
from tests.service import factories as vf


def form(**kw):
    data = {
        "received_on": (local_today() - dt.timedelta(days=1)).isoformat(),
        "channel": "mailbox",
        "category": "emotion",
        "student_code": "",
        "text": "最近睡不好",
        "reply_due": "",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def post(client, world, **kw):
    return client.post(f"/schools/{world.school.id}/letters", data=form(**kw))


def test_an_urgent_named_letter_reaches_the_supervisor_at_once(worker, supervisor, world):
    s = vf.student(world, name="来信的孩子")
    assert post(worker, world, urgent="1", student_code=s.archive_code).status_code == 303
    letter = Letter.get()
    assert letter.urgent and letter.flagged_at is not None and letter.student_id == s.id
    assert letter.reply_due == letter.received_on + dt.timedelta(days=3)  # the default
    home = supervisor.get("/dashboard").get_data(as_text=True)
    assert f'id="dash-letter-{letter.id}"' in home and s.archive_code in home
    assert "来信的孩子" not in home and "最近睡不好" not in home  # codes only
    # the supervisor acknowledges: the flag leaves both dashboards
    assert supervisor.post(f"/letters/{letter.id}/acknowledge").status_code == 303
    assert Letter.get().acknowledged_by_id == world.supervisor.id
    assert f'id="dash-letter-{letter.id}"' not in supervisor.get("/dashboard").get_data(
        as_text=True
    )


def test_the_worker_sees_her_urgent_letter_until_it_is_acknowledged(worker, world):
    letter = vf.letter(world, urgent=True)
    assert f'id="dash-letter-{letter.id}"' in worker.get("/dashboard").get_data(as_text=True)
    assert worker.post(f"/letters/{letter.id}/acknowledge").status_code == 403


def test_a_letter_that_is_not_urgent_raises_no_flag(worker, supervisor, world):
    assert post(worker, world).status_code == 303
    letter = Letter.get()
    assert letter.flagged_at is None and letter.student_id is None  # anonymous
    assert 'id="dash-letter-' not in supervisor.get("/dashboard").get_data(as_text=True)
    assert supervisor.post(f"/letters/{letter.id}/acknowledge").status_code == 404


def test_an_unacknowledged_letter_escalates_to_the_admins(app, world):
    letter = vf.letter(world, urgent=True)
    admin = login_as(app.test_client(), world.admin)
    assert f'id="dash-letter-{letter.id}"' not in admin.get("/dashboard").get_data(as_text=True)
    escalate(letter.flagged_at + dt.timedelta(hours=23))
    assert Letter.get().escalated_at is None
    escalate(letter.flagged_at + dt.timedelta(hours=24))
    assert Letter.get().escalated_at is not None
    home = admin.get("/dashboard").get_data(as_text=True)
    assert f'id="dash-letter-{letter.id}"' in home and "来信内容" not in home
    assert f'href="/letters/{letter.id}"' not in home  # the admin never opens the text
    assert admin.get(f"/letters/{letter.id}").status_code == 403
    assert admin.post(f"/letters/{letter.id}/acknowledge").status_code == 303
    assert AuditEntry.get(AuditEntry.object_type == "letter", AuditEntry.user.is_null())


def test_a_letter_of_an_unsupervised_worker_goes_to_the_admins(app, world):
    from tests import factories

    alone = factories.user("worker", agency=world.agency, schools=[world.school])
    letter = vf.letter(world, urgent=True, worker=alone)
    admin = login_as(app.test_client(), world.admin)
    assert f'id="dash-letter-{letter.id}"' in admin.get("/dashboard").get_data(as_text=True)


def test_the_list_counts_and_every_read_is_audited(worker, supervisor, world):
    letters = [vf.letter(world), vf.letter(world, replied_on=vf.DAY)]
    page = supervisor.get(f"/schools/{world.school.id}/letters").get_data(as_text=True)
    assert 'id="letter-count">2<' in page
    assert supervisor.get(f"/letters/{letters[0].id}").status_code == 200
    worker.get(f"/letters/{letters[1].id}")
    reads = AuditEntry.select().where(AuditEntry.action == "view_letter").order_by(AuditEntry.id)
    assert [(r.user_id, r.object_id) for r in reads] == [
        (world.supervisor.id, letters[0].id),
        (world.worker.id, letters[1].id),
    ]
    listed = AuditEntry.get(AuditEntry.action == "view_letters")
    assert listed.user_id == world.supervisor.id and str(letters[0].id) in listed.detail


def test_the_supervisor_reads_but_does_not_write(supervisor, world):
    assert post(supervisor, world).status_code == 403
    letter = vf.letter(world)
    response = supervisor.post(f"/letters/{letter.id}", data={"reply_due": "2026-09-20"})
    assert response.status_code == 403
    assert 'id="new-letter"' not in supervisor.get(f"/schools/{world.school.id}/letters").get_data(
        as_text=True
    )


def test_admins_and_teachers_never_read_letters(app, world):
    letter = vf.letter(world, text="机密的来信")
    for user in (world.admin, world.teacher):
        client = login_as(app.test_client(), user)
        for url in (f"/letters/{letter.id}", f"/schools/{world.school.id}/letters"):
            response = client.get(url)
            assert response.status_code == 403
            assert "机密的来信" not in response.get_data(as_text=True)


def test_a_letter_of_another_school_is_not_found(app, world):
    other = login_as(app.test_client(), world.worker_other)
    letter = vf.letter(world)
    assert other.get(f"/letters/{letter.id}").status_code == 404
    assert other.post(f"/letters/{letter.id}", data={"reply_due": "2026-09-20"}).status_code == 404
    assert post(other, world).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_on": None}, "received_on"),
        ({"received_on": "昨天"}, "received_on"),
        ({"received_on": "1999-12-31"}, "received_on"),
        ({"received_on": (local_today() + dt.timedelta(days=9)).isoformat()}, "received_on"),
        ({"channel": "pigeon"}, "channel"),
        ({"category": None}, "category"),
        ({"text": "字" * 4001}, "text"),
        ({"student_code": "JX-NO-SUCH-0001"}, "student_code"),
        ({"student_code": "x" * 41}, "student_code"),
        ({"reply_due": "2020-01-01"}, "reply_due"),
        ({"reply_due": "9999-12-31"}, "reply_due"),
    ],
)
def test_a_bad_letter_is_refused_with_a_message_and_nothing_saved(worker, world, changes, field):
    response = post(worker, world, **changes)
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert Letter.select().count() == 0


def test_a_student_of_another_school_cannot_be_named(worker, world):
    stranger = vf.student(world, school=world.other_school, code="YX-LT-2026-0001")
    response = post(worker, world, student_code=stranger.archive_code)
    assert response.status_code == 422 and Letter.select().count() == 0


def test_the_reply_is_recorded_and_a_stale_form_is_a_conflict(worker, world):
    letter = vf.letter(world)
    data = {"reply_due": "2026-09-17", "replied_on": "2026-09-16", "version": "1"}
    assert worker.post(f"/letters/{letter.id}", data=data).status_code == 303
    assert Letter.get().replied_on == dt.date(2026, 9, 16)
    assert worker.post(f"/letters/{letter.id}", data=data).status_code == 409
    early = dict(data, replied_on="2026-09-01", version="2")
    page = worker.post(f"/letters/{letter.id}", data=early)
    assert page.status_code == 422 and 'id="e-replied_on"' in page.get_data(as_text=True)
    stale = dict(data, version="abc")
    assert worker.post(f"/letters/{letter.id}", data=stale).status_code == 422
    assert Letter.get().version == 2


def test_an_overdue_reply_is_on_the_workers_home(worker, world):
    late = vf.letter(world)  # due three days after 14 September 2026
    done = vf.letter(world, replied_on=vf.DAY)
    ahead = vf.letter(world, reply_due=local_today() + dt.timedelta(days=1))
    home = worker.get("/dashboard").get_data(as_text=True)
    assert f'id="overdue-letter-{late.id}"' in home
    assert f'id="overdue-letter-{done.id}"' not in home
    assert f'id="overdue-letter-{ahead.id}"' not in home


def test_the_query_counts_are_pinned(worker, world):
    def counted(url):
        with count_queries() as counter:
            assert worker.get(url).status_code == 200
        return counter.count

    first = vf.letter(world, student=vf.student(world))
    small = (counted(f"/schools/{world.school.id}/letters"), counted(f"/letters/{first.id}"))
    for i in range(8):
        vf.letter(world, student=vf.student(world), urgent=i % 2 == 0)
    large = (counted(f"/schools/{world.school.id}/letters"), counted(f"/letters/{first.id}"))
    assert small == large == (5, 4)
