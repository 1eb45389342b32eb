"""Standard 4.2 as the gates apply it: the guardian's consent for every minor, the student's
own as well from 14, only their own from 18, assent recorded and never required; the age
counted on the day of the processing. And the turning-14 list of a school."""

import datetime as dt
import re

import pytest
from playhouse.test_utils import count_queries

from planner.audit.models import AuditEntry
from planner.i18n import local_today
from planner.students import consent
from planner.students.models import PURPOSES, Consent, GroupMember
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.conftest import text

MISSING_GUARDIAN = "缺少监护人同意"
MISSING_OWN = "缺少学生本人同意（已满14岁）"
PINNED = 6


def today():
    return local_today()


def years_ago(n, days=0):
    """The date n years before today (28 Feb for a 29 Feb), shifted by `days`."""
    now = today()
    try:
        day = now.replace(year=now.year - n)
    except ValueError:
        day = now.replace(year=now.year - n, day=28)
    return day + dt.timedelta(days=days)


def aged(world, years, days=0, givers=(), purposes=("participation",), **kw):
    """A student `years` old today (born `days` later than that), with active consents."""
    s = f.student(world.school, world.cls, birth_date=years_ago(years, days), **kw)
    for giver in givers:
        for purpose in purposes:
            f.consent(s, purpose, given_by=giver)
    return s


def join(client, world, s):
    group = f.group(world)
    response = client.post(f"/programs/{group.id}/roster/members", data={"student": str(s.id)})
    return response, GroupMember.get_or_none(GroupMember.student == s.id)


# ---- the gate ------------------------------------------------------------------------------


def test_a_10_year_old_needs_the_guardian_only(worker, world):
    with_guardian = aged(world, 10, givers=("guardian",))
    assert consent.has_consent(with_guardian.id, "participation")
    response, member = join(worker, world, with_guardian)
    assert response.status_code == 303 and member.active

    without = aged(world, 10, givers=("assent",))
    assert not consent.has_consent(without.id, "participation")
    assert consent.missing_for(without.id, "participation") == ("guardian",)
    response, member = join(worker, world, without)
    assert response.status_code == 422 and member is None
    assert f"该学生参加小组的知情同意不完整（{MISSING_GUARDIAN}），不能加入小组。" in text(response)


def test_a_15_year_old_needs_the_guardian_and_their_own(worker, world):
    guardian_only = aged(world, 15, givers=("guardian",))
    assert not consent.has_consent(guardian_only.id, "participation")
    response, member = join(worker, world, guardian_only)
    assert response.status_code == 422 and member is None
    assert f"该学生参加小组的知情同意不完整（{MISSING_OWN}），不能加入小组。" in text(response)
    page = text(worker.get(f"/students/{guardian_only.id}"))
    line = page[page.index("<strong>参加小组</strong>") :].split("</li>")[0]
    assert MISSING_OWN in line and MISSING_GUARDIAN not in line
    line = page[page.index("<strong>观察记录</strong>") :].split("</li>")[0]
    assert MISSING_OWN in line and MISSING_GUARDIAN in line

    own_only = aged(world, 15, givers=("student",))
    assert consent.missing_for(own_only.id, "participation") == ("guardian",)

    both = aged(world, 15, givers=("guardian", "student"))
    assert consent.has_consent(both.id, "participation")
    response, member = join(worker, world, both)
    assert response.status_code == 303 and member.active


def test_an_18_year_old_needs_only_their_own(worker, world):
    own = aged(world, 18, givers=("student",))
    assert consent.has_consent(own.id, "participation")
    guardian_only = aged(world, 18, givers=("guardian",))  # given before the 18th birthday
    assert consent.missing_for(guardian_only.id, "participation") == ("student",)
    assert join(worker, world, own)[0].status_code == 303


def test_missing_both_is_said_in_full(worker, world):
    s = aged(world, 16)
    response, _ = join(worker, world, s)
    assert f"（{MISSING_GUARDIAN}；{MISSING_OWN}）" in text(response)


def test_the_age_counts_on_the_day_of_the_processing(world):
    """Guardian-only consent holds up to the day before the 14th birthday, not on it."""
    s = aged(world, 14, givers=("guardian",))  # 14th birthday today
    assert consent.has_consent(s.id, "participation", today() - dt.timedelta(days=1))
    assert not consent.has_consent(s.id, "participation", today())
    young = aged(world, 14, days=1, givers=("guardian",))  # 13 years and 364 days
    assert consent.has_consent(young.id, "participation")


def test_assent_is_shown_and_not_required(worker, world):
    s = aged(world, 9, givers=("guardian", "assent"))
    assert consent.has_consent(s.id, "participation")
    assent = Consent.get((Consent.student == s.id) & (Consent.given_by == "assent"))
    f.member(f.group(world), s)
    assert worker.post(f"/students/{s.id}/consents/{assent.id}/withdraw").status_code == 303
    assert consent.has_consent(s.id, "participation")  # withdrawing assent stops nothing
    assert GroupMember.get(GroupMember.student == s.id).active


@pytest.mark.parametrize("withdrawn", ["guardian", "student"])
def test_withdrawal_of_either_stops_processing_on_the_next_request(worker, world, withdrawn):
    s = aged(world, 15, givers=("guardian", "student"), purposes=("participation", "attendance"))
    f.member(f.group(world), s)
    assert consent.consenting_ids([s.id], "attendance") == {s.id}
    for purpose in ("attendance", "participation"):
        given = Consent.get(
            (Consent.student == s.id)
            & (Consent.purpose == purpose)
            & (Consent.given_by == withdrawn)
        )
        assert worker.post(f"/students/{s.id}/consents/{given.id}/withdraw").status_code == 303
    assert consent.consenting_ids([s.id], "attendance") == set()
    assert not consent.has_consent(s.id, "participation")
    assert not GroupMember.get(GroupMember.student == s.id).active
    detail = AuditEntry.select().order_by(AuditEntry.id.desc()).first().detail
    assert f"withdraw by={withdrawn}" in detail


def test_consenting_ids_mixes_ages_in_one_query(world):
    ok = [
        aged(world, 10, givers=("guardian",)),
        aged(world, 15, givers=("guardian", "student")),
        aged(world, 19, givers=("student",)),
        f.consenting(world.school, world.cls, birth_date=None),
    ]
    refused = [
        aged(world, 15, givers=("guardian",)),
        aged(world, 15, givers=("student",)),
        aged(world, 12, givers=("assent",)),
        aged(world, 12),
    ]
    with count_queries() as counted:
        found = consent.consenting_ids([s.id for s in ok + refused], "participation")
    assert found == {s.id for s in ok}
    assert counted.count == 1


def test_old_records_are_kept_and_read_by_the_new_rule(world):
    """Rows recorded under the old rule ("from 14, the student instead of the guardian")
    keep their giver; the guardian's consent is now missing, and nothing is invented."""
    s = aged(world, 16, givers=("student",), purposes=("participation", "observation"))
    before = list(Consent.select().tuples())
    assert consent.missing_for(s.id, "observation") == ("guardian",)
    rows = consent.standings([s.id])
    assert rows[s.id].givers == {"participation": {"student"}, "observation": {"student"}}
    assert list(Consent.select().tuples()) == before


def test_the_student_list_says_what_is_missing(worker, world):
    aged(world, 15, givers=("guardian",), name="缺本人")
    aged(world, 11, givers=("guardian",), name="齐全")
    page = text(worker.get(f"/schools/{world.school.id}/students"))
    assert page.count(MISSING_OWN) == 1 and page.count("已同意") == 1
    assert f'href="/schools/{world.school.id}/students/consent-review"' in page


# ---- turning 14 --------------------------------------------------------------------------


def review(client, world, school=None):
    return client.get(f"/schools/{(school or world.school).id}/students/consent-review")


def test_turning_14_lists_who_needs_confirming(worker, world):
    birthday = aged(world, 14, givers=("guardian",), name="今天十四")
    aged(world, 14, days=1, givers=("guardian",), name="差一天")
    aged(world, 16, givers=("guardian", "student"), name="已齐全")
    aged(world, 16, name="未同意过")
    aged(world, 16, givers=("guardian",), name="已归档", archived=True)
    aged(world, 17, givers=("student",), name="旧记录")
    adult = aged(world, 18, givers=("guardian",), purposes=("observation",), name="成年")
    theirs = f.student(world.other_school, birth_date=years_ago(15), name="别校")
    f.consent(theirs, given_by="guardian")
    response = review(worker, world)
    assert response.status_code == 200
    page = text(response)
    for name in ("今天十四", "旧记录", "成年"):
        assert name in page
    for name in ("差一天", "已齐全", "未同意过", "已归档", "别校"):
        assert name not in page
    row = page[page.index("今天十四") :].split("</tr>")[0]
    # the purposes without any consent: attendance, observation, screening, casework
    assert row.count(MISSING_OWN) == 1 and row.count("未同意") == 4
    day = today()
    assert f"{day.year}年{day.month}月{day.day}日" in row  # the 14th birthday: today
    assert f'href="/students/{birthday.id}"' in page
    assert MISSING_GUARDIAN in page[page.index("旧记录") :].split("</tr>")[0]
    assert MISSING_OWN in page[page.index(adult.name) :].split("</tr>")[0]


def test_turning_14_leaves_the_list_once_confirmed(worker, world):
    s = aged(world, 14, givers=("guardian",), name="确认生")
    assert "确认生" in text(review(worker, world))
    f.consent(s, given_by="student", given_on=today())
    assert "确认生" not in text(review(worker, world))


def test_turning_14_is_audited_with_ids_only(worker, world):
    s = aged(world, 15, givers=("guardian",), name=f.CANARY)
    review(worker, world)
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "view_student_list",
        "school",
        world.school.id,
    )
    assert f"students={s.id}" in entry.detail and f.CANARY not in entry.detail


def test_turning_14_query_count_is_pinned(worker, world):
    aged(world, 15, givers=("guardian",))
    review(worker, world)
    with count_queries() as small:
        assert review(worker, world).status_code == 200
    for _ in range(20):
        aged(world, 15, givers=("guardian",), purposes=("participation", "observation"))
        aged(world, 12, givers=("guardian",))
    with count_queries() as large:
        assert text(review(worker, world)).count(MISSING_OWN) == 41
    # the login, the school, who is listed with their consents, their names and classes,
    # the audit row, whether the user may change them
    assert small.count == large.count == PINNED


@pytest.mark.parametrize(
    "persona, status",
    [("admin", 200), ("supervisor", 200), ("teacher", 403), ("worker_other", 404)],
)
def test_turning_14_who_may_read_it(client, world, persona, status):
    aged(world, 15, givers=("guardian",), name="可见否")
    login_as(client, getattr(world, persona))
    response = review(client, world)
    assert response.status_code == status
    assert ("可见否" in text(response)) == (status == 200)


def test_the_form_offers_the_missing_giver(worker, world):
    """After the 14th birthday with the guardian's consent on file, the form pre-selects the
    student's own consent and their name."""
    s = aged(world, 14, givers=("guardian",), purposes=tuple(PURPOSES), name="十四岁")
    page = text(worker.get(f"/students/{s.id}"))
    select = page[page.index('id="f-given_by"') :].split("</select>")[0]
    assert re.search(r'<option value="student"\s+selected', select)
    assert 'value="十四岁"' in page[page.index('id="f-giver_name"') - 200 :]
    fresh = aged(world, 15)
    select = text(worker.get(f"/students/{fresh.id}"))
    select = select[select.index('id="f-given_by"') :].split("</select>")[0]
    assert re.search(r'<option value="guardian"\s+selected', select)
