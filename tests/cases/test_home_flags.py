"""A safeguarding concern raised in a case note reaches someone who must act on the home
page, as the reflections' flags and urgent letters do (standard 4.1): the case's team and
their supervisors at once, the safeguarding lead (or every admin standing in) when it is
escalated or the case's workers have no supervisor. The lead sees the archive code, the
school and the date, never the note and never a link into the case, and may acknowledge."""

import datetime as dt

from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.cases.models import CaseNote
from planner.db import now
from planner.reflections.escalation import escalate
from planner.schools.models import Agency
from tests import factories
from tests.cases import factories as cf
from tests.conftest import login_as

SECRET = "学生说起家里的事情，情绪很低落"


def concern(world, worker=None):
    case = cf.case(world, worker=worker, step="intervention")
    note = cf.note(case, status="submitted", note=SECRET, safeguarding=True, flagged_at=now())
    return case, note


def home(app, user):
    return login_as(app.test_client(), user).get("/dashboard").get_data(as_text=True)


def test_the_team_and_the_supervisor_see_it_at_once_the_admins_not(app, world):
    case, note = concern(world)
    mine = home(app, world.worker)
    assert f'id="dash-case-flag-{note.id}"' in mine and case.archive_code in mine
    assert f'href="/cases/{case.id}"' in mine
    theirs = home(app, world.supervisor)
    assert f'id="dash-case-flag-{note.id}"' in theirs
    assert f'href="/supervision/cases#case-flag-{note.id}"' in theirs
    other_supervisor = factories.user("supervisor", agency=world.agency)
    for user in (world.admin, world.worker_other, world.teacher, other_supervisor):
        assert "dash-case-flag-" not in home(app, user)
    assert SECRET not in mine + theirs


def test_an_escalated_concern_reaches_the_admin_standing_in_as_codes_only(app, world):
    case, note = concern(world)
    escalate(note.flagged_at + dt.timedelta(hours=23))
    assert "dash-case-flag-" not in home(app, world.admin)
    escalate(note.flagged_at + dt.timedelta(hours=24))
    body = home(app, world.admin)
    row = body[body.index(f'id="dash-case-flag-{note.id}"') :].split("</li>")[0]
    assert case.archive_code in row and "已升级" in row and world.school.name in row
    assert SECRET not in body and f"/cases/{case.id}" not in body  # never the case itself
    admin = login_as(app.test_client(), world.admin)
    assert admin.get(f"/cases/{case.id}").status_code == 403
    answer = admin.post(f"/supervision/case-notes/{note.id}/acknowledge", data={"back": "home"})
    assert answer.status_code == 303 and answer.location.endswith("/dashboard#safeguarding-flags")
    assert CaseNote.get_by_id(note.id).acknowledged_by_id == world.admin.id
    assert AuditEntry.get(AuditEntry.action == "case_flag_ack").user_id == world.admin.id
    assert "dash-case-flag-" not in home(app, world.admin)
    assert "dash-case-flag-" not in home(app, world.supervisor)  # acknowledged for everyone


def test_a_chosen_lead_receives_it_and_the_other_admins_do_not(app, world):
    case, note = concern(world)
    escalate(note.flagged_at + dt.timedelta(hours=30))
    Agency.update(safeguarding_lead=world.supervisor.id).where(
        Agency.id == world.agency.id
    ).execute()
    assert "dash-case-flag-" not in home(app, world.admin)
    assert f'id="dash-case-flag-{note.id}"' in home(app, world.supervisor)
    refused = login_as(app.test_client(), world.admin).post(
        f"/supervision/case-notes/{note.id}/acknowledge"
    )
    assert refused.status_code == 404
    assert CaseNote.get_by_id(note.id).acknowledged_at is None


def test_a_concern_of_an_unsupervised_worker_goes_to_the_admins_at_once(app, world):
    alone = factories.user("worker", agency=world.agency, schools=[world.school])
    case, note = concern(world, worker=alone)
    body = home(app, world.admin)
    assert f'id="dash-case-flag-{note.id}"' in body and "已升级" not in body
    assert "dash-case-flag-" not in home(app, world.supervisor)


def test_the_home_page_query_count_stays_as_concerns_grow(app, world):
    client = login_as(app.test_client(), world.supervisor)
    counts = []
    for n in (1, 4):
        for _ in range(n):
            concern(world)
        with count_queries() as counted:
            body = client.get("/dashboard").get_data(as_text=True)
        counts.append((counted.count, body.count('id="dash-case-flag-')))
    assert counts == [(counts[0][0], 1), (counts[0][0], 5)]
