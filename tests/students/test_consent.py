"""Consent per student and purpose: who may give it, dates, withdrawal, and the services
other modules gate on (has_consent, consenting_ids). The rule of standard 4.2 itself (who is
required at which age) and the turning-14 list are in test_consent_rule.py."""

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.students import consent
from planner.students.models import Consent, GroupMember
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.conftest import HTMX, inline_error, text
from tests.students.factories import consent_form as form


def today():
    """Asked each time (a run that crosses midnight must not compare with yesterday), in
    Beijing time like the code."""
    return local_today()


def years_ago(n, days=0):
    """The date n years before today (28 Feb for a 29 Feb), shifted by `days`."""
    now = today()
    try:
        day = now.replace(year=now.year - n)
    except ValueError:  # 29 Feb
        day = now.replace(year=now.year - n, day=28)
    return day + dt.timedelta(days=days)


# ---- age and giver -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "birth, day, age",
    [
        (dt.date(2012, 3, 5), dt.date(2026, 3, 4), 13),
        (dt.date(2012, 3, 5), dt.date(2026, 3, 5), 14),
        (dt.date(2012, 2, 29), dt.date(2026, 2, 28), 13),
        (dt.date(2012, 2, 29), dt.date(2026, 3, 1), 14),
    ],
)
def test_age_on(birth, day, age):
    assert consent.age_on(birth, day) == age


def test_required_givers():
    """Standard 4.2: the guardian for every minor; from 14 the student as well; from 18 only
    the student. An unknown birth date counts as under 14."""
    assert consent.required_givers(None, today()) == ("guardian",)
    assert consent.required_givers(years_ago(10), today()) == ("guardian",)
    assert consent.required_givers(years_ago(14, days=1), today()) == ("guardian",)
    assert consent.required_givers(years_ago(14), today()) == ("guardian", "student")
    assert consent.required_givers(years_ago(18, days=1), today()) == ("guardian", "student")
    assert consent.required_givers(years_ago(18), today()) == ("student",)


def test_guardian_consents_for_an_under_14(worker, world):
    s = f.student(world.school, world.cls, birth_date=years_ago(12))
    response = worker.post(f"/students/{s.id}/consents", data=form())
    assert response.status_code == 303 and response.location == f"/students/{s.id}"
    saved = Consent.get(Consent.student == s.id)
    assert (
        saved.purpose,
        saved.given_by,
        saved.giver_name,
        saved.notice_version,
        saved.given_on,
        saved.method,
        saved.withdrawn_on,
        saved.recorded_by_id,
    ) == ("participation", "guardian", "王芳", "2026-09", today(), "paper", None, world.worker.id)
    assert consent.has_consent(s.id, "participation")
    assert not consent.has_consent(s.id, "observation")


def test_the_students_own_consent_is_refused_under_14(worker, world):
    s = f.student(world.school, world.cls, birth_date=years_ago(14, days=1))
    response = worker.post(f"/students/{s.id}/consents", data=form(given_by="student"))
    assert response.status_code == 422
    assert inline_error(text(response), "given_by") == (
        "该学生在同意日期未满 14 周岁，不能由本人作出同意，须由监护人同意；"
        "学生本人的意愿可登记为“学生本人赞同”。"
    )
    assert Consent.select().count() == 0


def test_from_14_both_the_guardian_and_the_student_give_it(worker, world):
    s = f.student(world.school, world.cls, birth_date=years_ago(14))
    assert worker.post(f"/students/{s.id}/consents", data=form()).status_code == 303
    assert not consent.has_consent(s.id, "participation")  # the student's own is missing
    own = form(given_by="student", giver_name="本人")
    assert worker.post(f"/students/{s.id}/consents", data=own).status_code == 303
    assert consent.has_consent(s.id, "participation")
    assert sorted(c.given_by for c in Consent.select()) == ["guardian", "student"]


def test_from_18_the_guardian_is_refused(worker, world):
    s = f.student(world.school, world.cls, birth_date=years_ago(18))
    refused = worker.post(f"/students/{s.id}/consents", data=form())
    assert refused.status_code == 422
    assert (
        inline_error(text(refused), "given_by")
        == "该学生在同意日期已满 18 周岁，应由本人作出同意。"
    )
    own = form(given_by="student", giver_name="本人")
    assert worker.post(f"/students/{s.id}/consents", data=own).status_code == 303
    assert consent.has_consent(s.id, "participation")


@pytest.mark.parametrize("age", [6, 13, 15, 19])
def test_assent_is_recorded_at_any_age(worker, world, age):
    s = f.student(world.school, world.cls, birth_date=years_ago(age))
    response = worker.post(f"/students/{s.id}/consents", data=form(given_by="assent"))
    assert response.status_code == 303
    assert Consent.get(Consent.student == s.id).given_by == "assent"
    assert not consent.has_consent(s.id, "participation")  # assent never replaces consent
    assert "学生本人已赞同" in text(worker.get(f"/students/{s.id}"))


def test_the_age_counts_on_the_consent_date_not_today(worker, world):
    """Turned 14 last month; a guardian's consent dated before the birthday is right."""
    s = f.student(world.school, world.cls, birth_date=years_ago(14, days=-30))
    before_birthday = (today() - dt.timedelta(days=40)).isoformat()
    assert (
        worker.post(f"/students/{s.id}/consents", data=form(given_on=before_birthday)).status_code
        == 303
    )


def test_unknown_birth_date_requires_the_guardian(worker, world):
    s = f.student(world.school, world.cls, birth_date=None)
    response = worker.post(f"/students/{s.id}/consents", data=form(given_by="student"))
    assert response.status_code == 422
    assert "尚未登记该学生的出生日期" in inline_error(text(response), "given_by")
    assert worker.post(f"/students/{s.id}/consents", data=form()).status_code == 303


@pytest.mark.parametrize(
    "change, field, message",
    [
        (
            {"given_on": lambda: (today() + dt.timedelta(days=1)).isoformat()},
            "given_on",
            "日期不能晚于今天。",
        ),
        ({"given_on": "2026-13-01"}, "given_on", "请输入有效日期（年-月-日）。"),
        ({"given_on": ""}, "given_on", "此项为必填项。"),
        ({"purpose": "marketing"}, "purpose", "请选择有效的选项。"),
        ({"given_by": "teacher"}, "given_by", "请选择有效的选项。"),
        ({"method": "email"}, "method", "请选择有效的选项。"),
        ({"giver_name": ""}, "giver_name", "此项为必填项。"),
        ({"giver_name": "名" * 41}, "giver_name", "最多 40 个字。"),
        ({"notice_version": "v" * 21}, "notice_version", "最多 20 个字。"),
    ],
)
def test_bad_consent_input(worker, world, change, field, message):
    change = {key: value() if callable(value) else value for key, value in change.items()}
    s = f.student(world.school, world.cls)
    response = worker.post(f"/students/{s.id}/consents", data=form(**change))
    assert response.status_code == 422
    assert inline_error(text(response), field) == message
    assert Consent.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "consent_change").count() == 0


def test_consent_before_birth_is_refused(worker, world):
    s = f.student(world.school, world.cls, birth_date=today() - dt.timedelta(days=400))
    response = worker.post(
        f"/students/{s.id}/consents",
        data=form(given_on=(today() - dt.timedelta(days=500)).isoformat()),
    )
    assert inline_error(text(response), "given_on") == "同意日期早于学生的出生日期。"


def test_a_second_active_consent_for_the_same_purpose_is_refused(worker, world):
    s = f.consenting(world.school, world.cls)
    response = worker.post(f"/students/{s.id}/consents", data=form())
    assert response.status_code == 422
    assert inline_error(text(response), "purpose") == (
        "该学生已有此用途、由同一同意方作出的有效记录，无需重复登记。"
    )


def test_consent_change_with_htmx_returns_the_consent_section(worker, world):
    s = f.student(world.school, world.cls)
    response = worker.post(f"/students/{s.id}/consents", data=form(), headers=HTMX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<section class="card" id="consents">') and "有效" in html
    assert "<html" not in html


@pytest.mark.parametrize(
    "persona, status", [("supervisor", 403), ("teacher", 403), ("worker_other", 404)]
)
def test_only_the_schools_workers_and_admins_record_consent(client, world, persona, status):
    s = f.student(world.school, world.cls)
    login_as(client, getattr(world, persona))
    assert client.post(f"/students/{s.id}/consents", data=form()).status_code == status
    assert Consent.select().count() == 0


# ---- withdrawal --------------------------------------------------------------------------


def test_withdraw_sets_the_date_and_takes_effect_on_the_next_request(worker, world):
    s = f.consenting(world.school, world.cls)
    given = Consent.get(Consent.student == s.id)
    assert consent.has_consent(s.id, "participation")
    response = worker.post(f"/students/{s.id}/consents/{given.id}/withdraw")
    assert response.status_code == 303
    assert Consent.get_by_id(given.id).withdrawn_on == today()
    assert not consent.has_consent(s.id, "participation")
    assert consent.consenting_ids([s.id], "participation") == set()
    html = text(worker.get(f"/students/{s.id}"))
    assert "已于" in html and "撤回" in html


def test_withdrawing_twice_is_refused(worker, world):
    s = f.consenting(world.school, world.cls)
    given = Consent.get(Consent.student == s.id)
    worker.post(f"/students/{s.id}/consents/{given.id}/withdraw")
    again = worker.post(f"/students/{s.id}/consents/{given.id}/withdraw")
    assert again.status_code == 422 and "这项同意已经撤回。" in text(again)


def test_withdrawing_another_students_consent_is_404(worker, world):
    mine = f.student(world.school, world.cls)
    theirs = f.consenting(world.other_school, world.other_cls)
    other = Consent.get(Consent.student == theirs.id)
    assert worker.post(f"/students/{mine.id}/consents/{other.id}/withdraw").status_code == 404
    assert Consent.get_by_id(other.id).withdrawn_on is None


def test_withdrawing_participation_takes_the_student_out_of_groups(worker, world):
    s = f.consenting(world.school, world.cls, purposes=("participation", "attendance"))
    group = f.group(world)
    f.member(group, s)
    attendance = Consent.get((Consent.student == s.id) & (Consent.purpose == "attendance"))
    worker.post(f"/students/{s.id}/consents/{attendance.id}/withdraw")
    assert GroupMember.get(GroupMember.student == s.id).active  # another purpose: stays
    participation = Consent.get((Consent.student == s.id) & (Consent.purpose == "participation"))
    worker.post(f"/students/{s.id}/consents/{participation.id}/withdraw")
    assert not GroupMember.get(GroupMember.student == s.id).active
    assert s.name not in text(worker.get(f"/programs/{group.id}/roster")).split("添加组员")[0]


# ---- the services --------------------------------------------------------------------------


def test_has_consent_on_a_given_day(world):
    s = f.student(world.school, world.cls)
    f.consent(s, given_on=dt.date(2026, 9, 1), withdrawn_on=dt.date(2026, 10, 1))
    assert not consent.has_consent(s.id, "participation", dt.date(2026, 8, 31))
    assert consent.has_consent(s.id, "participation", dt.date(2026, 9, 1))
    assert consent.has_consent(s.id, "participation", dt.date(2026, 9, 30))
    assert not consent.has_consent(s.id, "participation", dt.date(2026, 10, 1))


def test_consenting_ids_uses_one_query(world):
    yes = [f.consenting(world.school, world.cls, purposes=("attendance",)) for _ in range(5)]
    withdrawn = f.student(world.school, world.cls)
    f.consent(withdrawn, "attendance", withdrawn_on=today())
    other_purpose = f.consenting(world.school, world.cls, purposes=("observation",))
    ids = [s.id for s in yes] + [withdrawn.id, other_purpose.id]
    with count_queries() as counted:
        found = consent.consenting_ids(ids, "attendance")
    assert found == {s.id for s in yes}
    assert counted.count == 1
    assert consent.consenting_ids([], "attendance") == set()


def test_active_purposes(world):
    s = f.consenting(world.school, world.cls, purposes=("participation", "observation"))
    bare = f.student(world.school, world.cls)
    assert consent.active_purposes([s.id, bare.id]) == {
        s.id: {"participation", "observation"},
        bare.id: set(),
    }


def test_no_new_consent_for_an_archived_student(worker, world):
    s = f.student(world.school, world.cls, archived=True)
    response = worker.post(f"/students/{s.id}/consents", data=form())
    assert response.status_code == 422
    assert "该学生档案已归档，不能登记新的同意。" in text(response)
    assert Consent.select().count() == 0
