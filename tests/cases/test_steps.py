"""The standard's steps, each with its record: 接案 (8.3.1) → 预估 (8.3.2) → 计划 (8.3.3,
the curricula's plan rule) → 介入 (8.3.4) → 评估 (8.3.5, GAS) → 结案 (8.3.6); intake may
refer the case out. Steps after intake need the casework consent; bad input is 422 with
nothing saved, a stale form 409."""

import datetime as dt

import pytest

from planner.audit.models import AuditEntry
from planner.cases.models import Case, CaseGoal, CaseRecord
from planner.i18n import local_today
from tests.cases import factories as cf


def step_url(case, step):
    return f"/cases/{case.id}/steps/{step}"


def fresh(case):
    return Case.get_by_id(case.id)


def record_of(case, step):
    return CaseRecord.get_or_none((CaseRecord.case == case.id) & (CaseRecord.step == step))


def advance(data, version=0):
    return dict(data, action="advance", version=str(version))


def test_intake_is_saved_then_done_and_the_case_moves_to_assessment(worker, world):
    case = cf.case(world, cf.student(world, consent_given=False))
    draft = {"introduction": "介绍了自己", "version": "0"}
    assert worker.post(step_url(case, "intake"), data=draft).status_code == 303
    assert record_of(case, "intake").fields["introduction"] == "介绍了自己"
    assert fresh(case).step == "intake"
    # done needs every intake field but the emergency response
    missing = worker.post(step_url(case, "intake"), data=advance({"introduction": "x"}, 1))
    assert missing.status_code == 422 and "完成此步骤前请填写" in missing.text
    assert fresh(case).step == "intake" and record_of(case, "intake").version == 1
    response = worker.post(step_url(case, "intake"), data=advance(cf.INTAKE, 1))
    assert response.status_code == 303
    assert fresh(case).step == "assessment"
    assert record_of(case, "intake").fields["decision"] == "take"
    assert AuditEntry.select().where(AuditEntry.action == "case_step").count() == 2


def test_steps_after_intake_need_the_casework_consent(worker, world):
    s = cf.student(world, consent_given=False)
    case = cf.case(world, s, step="assessment")
    response = worker.post(step_url(case, "assessment"), data=advance(cf.ASSESSMENT))
    assert response.status_code == 403 and "个案服务" in response.text
    assert record_of(case, "assessment") is None
    page = worker.get(f"/cases/{case.id}").text
    assert 'id="consent-missing"' in page
    cf.consent(s)  # the guardian's: enough under 14
    assert worker.post(step_url(case, "assessment"), data=advance(cf.ASSESSMENT)).status_code == 303
    assert fresh(case).step == "plan"


def test_from_14_the_students_own_consent_is_needed_too(worker, world):
    today = local_today()
    s = cf.student(world, birth_date=dt.date(today.year - 15, 1, 1))
    case = cf.case(world, s, step="assessment")
    assert worker.post(step_url(case, "assessment"), data=advance(cf.ASSESSMENT)).status_code == 403
    cf.consent(s, given_by="student")
    assert worker.post(step_url(case, "assessment"), data=advance(cf.ASSESSMENT)).status_code == 303


def test_the_plan_follows_the_curricula_rule_with_the_compliance_panel(worker, world):
    case = cf.case(world, step="plan")
    partial = {k: v for k, v in cf.PLAN.items() if k not in ("schedule", "evaluators")}
    response = worker.post(step_url(case, "plan"), data=advance(partial))
    assert response.status_code == 422
    assert "缺少必填的计划内容：进度安排" in response.text
    assert record_of(case, "plan") is None  # nothing half-saved
    assert worker.post(step_url(case, "plan"), data=dict(partial, version="0")).status_code == 303
    page = worker.get(f"/cases/{case.id}").text
    panel = page.split('id="compliance"', 1)[1].split("</div>", 1)[0]
    assert "进度安排" in panel and "评估参与者" in panel
    assert worker.post(step_url(case, "plan"), data=advance(cf.PLAN, 1)).status_code == 303
    assert fresh(case).step == "intervention"
    assert "计划内容完整" in worker.get(f"/cases/{case.id}").text


def test_intervention_needs_a_case_note_before_evaluation(worker, world):
    case = cf.case(world, step="intervention")
    url = f"/cases/{case.id}/intervention"
    response = worker.post(url, data={"version": "1"})
    assert response.status_code == 422 and "至少记录一次" in response.text
    cf.note(case)
    assert worker.post(url, data={"version": "1"}).status_code == 303
    assert fresh(case).step == "evaluation"
    assert worker.post(url, data={"version": "2"}).status_code == 409


def gas(n=1, post="1", **kw):
    p = f"goal_{n}_"
    data = {f"{p}text": "每周主动和同学交流", f"{p}weight": "1", f"{p}post": post}
    data.update({f"{p}level_{v}": f"等级{v}" for v in (-2, -1, 0, 1, 2)})
    data.update(kw)
    return data


def test_evaluation_keeps_gas_goals_and_their_t_score(worker, world):
    case = cf.case(world, step="evaluation")
    no_goals = worker.post(
        step_url(case, "evaluation"), data=advance({"process": "a", "outcome": "b"})
    )
    assert no_goals.status_code == 422 and "GAS" in no_goals.text
    unscored = advance({"process": "a", "outcome": "b", "stamp": _stamp(case), **gas(post="")})
    assert worker.post(step_url(case, "evaluation"), data=unscored).status_code == 422
    bad = dict(unscored, goal_1_post="7")
    assert worker.post(step_url(case, "evaluation"), data=bad).status_code == 422
    assert CaseGoal.select().count() == 0
    data = advance({"process": "按计划完成", "outcome": "情绪改善", "stamp": _stamp(case), **gas()})
    assert worker.post(step_url(case, "evaluation"), data=data).status_code == 303
    goal = CaseGoal.get()
    assert (goal.text, goal.post, goal.levels[0]) == ("每周主动和同学交流", 1, "等级-2")
    assert fresh(case).step == "closure"
    page = worker.get(f"/cases/{case.id}").text
    assert "综合 T 分数（评估时）：60.0" in page  # one goal at +1, weight 1: T = 50 + 10


def _stamp(case):
    from planner.cases.services import goals_stamp

    return goals_stamp(list(CaseGoal.select().where(CaseGoal.case == case.id)))


def test_closure_sets_the_follow_up_date_and_closes_the_case(worker, world):
    case = cf.case(world, step="closure", risk="high", next_review=local_today())
    fields = {"review": "回顾", "ending": "处理离别情绪", "reason": "目标达成"}
    response = worker.post(step_url(case, "closure"), data=advance(fields))
    assert response.status_code == 422 and "回访日期" in response.text
    later = (local_today() + dt.timedelta(days=60)).isoformat()
    assert (
        worker.post(
            step_url(case, "closure"), data=advance(dict(fields, follow_up_on=later))
        ).status_code
        == 303
    )
    closed = fresh(case)
    assert (closed.step, closed.closed_on, closed.next_review) == ("closed", local_today(), None)
    assert closed.follow_up_on.isoformat() == later
    # a closed case takes no more changes
    again = worker.post(step_url(case, "closure"), data=dict(fields, version="1"))
    assert again.status_code == 409
    assert worker.post(f"/cases/{case.id}/notes", data=_note()).status_code == 409


def _note():
    return {
        "kind": "direct",
        "held_on": local_today().isoformat(),
        "minutes": "40",
        "note": "x",
        "version": "0",
    }


def test_intake_may_refer_the_case_out_once_the_referral_is_recorded(worker, world):
    case = cf.case(world)
    refer = dict(cf.INTAKE, decision="refer", decision_reason="需要医院评估")
    response = worker.post(step_url(case, "intake"), data=advance(refer))
    assert response.status_code == 422 and "记录转介" in response.text
    assert fresh(case).step == "intake"
    cf.referral(case, target="hospital")
    assert worker.post(step_url(case, "intake"), data=advance(refer)).status_code == 303
    referred = fresh(case)
    assert (referred.step, referred.closed_on) == ("referred", local_today())
    assert "已转介" in worker.get(f"/cases/{case.id}").text


def test_a_step_ahead_or_a_finished_one_is_refused(worker, world):
    case = cf.case(world, step="assessment")
    assert worker.post(step_url(case, "plan"), data=dict(cf.PLAN, version="0")).status_code == 409
    assert worker.post(step_url(case, "intake"), data=advance(cf.INTAKE)).status_code == 409
    # an earlier step's record may still be corrected while the case is open
    assert (
        worker.post(step_url(case, "intake"), data=dict(cf.INTAKE, version="0")).status_code == 303
    )
    assert worker.post(step_url(case, "nonsense"), data={}).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"problem": "长" * 2001},
        {"version": ""},
        {"version": "abc"},
        {"version": "99999999999"},
        {"version": "-1"},
        {"action": "jump"},
    ],
)
def test_bad_step_input_is_422_and_nothing_is_saved(worker, world, change):
    case = cf.case(world, step="assessment")
    response = worker.post(
        step_url(case, "assessment"), data={**cf.ASSESSMENT, "version": "0", **change}
    )
    assert response.status_code == 422
    assert record_of(case, "assessment") is None and fresh(case).step == "assessment"


def test_a_stale_record_is_409(worker, world):
    case = cf.case(world, step="assessment")
    cf.records(case, "assessment")
    assert (
        worker.post(step_url(case, "assessment"), data=dict(cf.ASSESSMENT, version="1")).status_code
        == 303
    )
    stale = worker.post(step_url(case, "assessment"), data=dict(cf.ASSESSMENT, version="1"))
    assert stale.status_code == 409
    # a first save racing another first save
    case2 = cf.case(world, step="assessment")
    cf.records(case2, "assessment")
    assert (
        worker.post(
            step_url(case2, "assessment"), data=dict(cf.ASSESSMENT, version="0")
        ).status_code
        == 409
    )


def test_risk_review_and_co_worker_are_versioned(worker, world):
    case = cf.case(world, step="plan")
    soon = (local_today() + dt.timedelta(days=5)).isoformat()
    data = {"risk": "high", "next_review": soon, "version": "1"}
    assert worker.post(f"/cases/{case.id}", data=data).status_code == 303
    assert (fresh(case).risk, fresh(case).next_review.isoformat()) == ("high", soon)
    assert worker.post(f"/cases/{case.id}", data=data).status_code == 409
    no_date = worker.post(f"/cases/{case.id}", data={"risk": "high", "version": "2"})
    assert no_date.status_code == 422 and fresh(case).next_review is not None
