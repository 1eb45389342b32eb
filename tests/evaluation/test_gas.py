"""GAS goals per member: up to five, weight 1–5, levels −2…+2 at post and follow-up; the
T-score on the page is the formula's, worked by hand."""

from planner.evaluation.models import GasGoal
from planner.evaluation.services import goals_stamp
from tests.conftest import login_as


def url(g, student):
    return f"/programs/{g.program.id}/members/{student.id}/gas"


def stamp(client, g, student):
    body = client.get(url(g, student)).get_data(as_text=True)
    return body.split('name="stamp" value="')[1].split('"')[0]


def test_goals_are_saved_and_the_t_score_shows(client, world, egroup):
    login_as(client, world.worker)
    form = {
        "stamp": stamp(client, egroup, egroup.ok),
        "goal_1_text": "主动发言",
        "goal_1_weight": "1",
        "goal_1_post": "1",
        "goal_1_level_0": "一周发言 1–2 次",
        "goal_2_text": "按时交作业",
        "goal_2_weight": "1",
        "goal_2_post": "1",
        "goal_3_text": "午休不打扰同学",
        "goal_3_weight": "1",
        "goal_3_post": "0",
    }
    response = client.post(url(egroup, egroup.ok), data=form)
    assert response.status_code == 303
    goals = list(GasGoal.select().order_by(GasGoal.order))
    assert [(g.text, g.post) for g in goals] == [
        ("主动发言", 1),
        ("按时交作业", 1),
        ("午休不打扰同学", 0),
    ]
    assert goals[0].levels[2] == "一周发言 1–2 次"
    # Σwx = 2, Σw² = 3, (Σw)² = 9: T = 50 + 20 / √(0.7·3 + 0.3·9) = 50 + 20 / 2.1909 = 59.1
    page = client.get(f"/programs/{egroup.program.id}/evaluation").get_data(as_text=True)
    row = page.split(f'id="gas-{egroup.ok.id}"')[1].split("</tr>")[0]
    assert "59.1" in row
    # saving again with the new stamp replaces, not appends
    form2 = {
        "stamp": stamp(client, egroup, egroup.ok),
        "goal_1_text": "主动发言",
        "goal_1_weight": "2",
        "goal_1_post": "2",
    }
    assert client.post(url(egroup, egroup.ok), data=form2).status_code == 303
    assert GasGoal.select().count() == 1 and GasGoal.get().weight == 2


def test_bad_goals_are_refused_and_nothing_changes(client, world, egroup):
    login_as(client, world.worker)
    base = {"stamp": stamp(client, egroup, egroup.ok), "goal_1_text": "主动发言"}
    cases = [
        (dict(base, goal_1_post="3"), "等级应为 −2 到 +2"),
        (dict(base, goal_1_followup="x"), "请选择等级"),
        (dict(base, goal_1_weight="9"), "权重应在 1 到 5 之间"),
        (dict(base, goal_1_weight="重"), "请输入整数"),
        (dict(base, goal_2_post="1"), "请先写下目标内容"),
        (dict(base, goal_1_text="目" * 201), "最多 200 个字"),
    ]
    for form, message in cases:
        response = client.post(url(egroup, egroup.ok), data=form, headers={"HX-Request": "true"})
        assert response.status_code == 422, form
        assert message in response.get_data(as_text=True), message
    assert GasGoal.select().count() == 0


def test_stale_gas_form_conflicts_and_no_consent_is_refused(client, world, egroup):
    login_as(client, world.worker)
    old = stamp(client, egroup, egroup.ok)
    assert (
        client.post(url(egroup, egroup.ok), data={"stamp": old, "goal_1_text": "一"}).status_code
        == 303
    )
    stale = client.post(url(egroup, egroup.ok), data={"stamp": old, "goal_1_text": "二"})
    assert stale.status_code == 409
    assert [g.text for g in GasGoal.select()] == ["一"]
    page = client.get(url(egroup, egroup.no)).get_data(as_text=True)
    assert "没有有效的“观察记录”同意" in page and 'name="stamp"' not in page
    response = client.post(
        url(egroup, egroup.no), data={"stamp": goals_stamp([]), "goal_1_text": "三"}
    )
    assert response.status_code == 422 and "不能记录评估分数" in response.get_data(as_text=True)
    assert GasGoal.select().count() == 1
