"""Score entry per member and time point: validated against the instrument (range, required
items), gated on observation consent, version-checked, and only by the group's workers."""

from planner.evaluation.models import Score
from planner.i18n import local_today
from planner.students.models import Consent
from tests.conftest import login_as

RATING = "group-goal-self-rating"


def url(g, student, slug=RATING, tp="pre"):
    return f"/programs/{g.program.id}/members/{student.id}/scores/{slug}/{tp}"


def answers(inst, value=4, **override):
    data = {f"a_{i['key']}": str(value) for i in inst[RATING].items}
    data.update(override)
    data.setdefault("version", "0")
    return data


def test_worker_enters_a_score_and_the_mean_is_kept(client, world, egroup, inst):
    login_as(client, world.worker)
    page = client.get(url(egroup, egroup.ok)).get_data(as_text=True)
    assert "小组目标达成自评" in page and "我能说出自己常有的三种情绪。" in page
    form = answers(inst, 3, a_g1="5", a_g2="1", o_o1="想学会控制脾气")
    response = client.post(url(egroup, egroup.ok), data=form)
    assert response.status_code == 303
    saved = Score.get()
    # nine items: 5 + 1 + 7 × 3 = 27; 27 / 9 = 3.0
    assert saved.score == 3.0 and saved.answers["g1"] == 5 and saved.timepoint == "pre"
    assert (
        saved.open_answers == {"o1": "想学会控制脾气"} and saved.recorded_by_id == world.worker.id
    )
    # editing keeps one row and bumps the version
    again = client.post(url(egroup, egroup.ok), data=answers(inst, 5, version="1"))
    assert again.status_code == 303
    assert Score.select().count() == 1 and Score.get().score == 5.0 and Score.get().version == 2


def test_bad_scores_are_refused_with_a_clear_message_and_nothing_saved(client, world, egroup, inst):
    login_as(client, world.worker)
    cases = [
        (answers(inst, a_g1="6"), "应在 1 到 5 之间"),
        (answers(inst, a_g1="0"), "应在 1 到 5 之间"),
        (answers(inst, a_g1="很好"), "请输入整数"),
        ({k: v for k, v in answers(inst).items() if k != "a_g9"}, "此项为必填项"),
        (answers(inst, o_o1="字" * 1001), "最多 1000 个字"),
    ]
    for form, message in cases:
        response = client.post(url(egroup, egroup.ok), data=form, headers={"HX-Request": "true"})
        assert response.status_code == 422, form
        assert message in response.get_data(as_text=True)
    assert Score.select().count() == 0


def test_a_time_point_the_instrument_does_not_use_is_refused(client, world, egroup, inst):
    login_as(client, world.worker)
    # satisfaction is only given at the end
    response = client.post(
        url(egroup, egroup.ok, "satisfaction", "pre"),
        data={f"a_{i['key']}": "5" for i in inst["satisfaction"].items} | {"version": "0"},
    )
    assert response.status_code == 422 and "不在该时间点施测" in response.get_data(as_text=True)
    assert client.get(url(egroup, egroup.ok, tp="someday")).status_code == 404
    assert client.get(url(egroup, egroup.ok, slug="no-such-scale")).status_code == 404
    assert client.get(url(egroup, egroup.ok, slug="gas")).status_code == 404  # GAS has its page
    assert Score.select().count() == 0


def test_no_consent_no_score(client, world, egroup, inst):
    login_as(client, world.worker)
    page = client.get(url(egroup, egroup.no)).get_data(as_text=True)
    assert "没有有效的“观察记录”同意" in page and 'name="a_g1"' not in page
    response = client.post(url(egroup, egroup.no), data=answers(inst))
    assert response.status_code == 422 and "不能记录评估分数" in response.get_data(as_text=True)
    # a withdrawal today stops the next save at once
    Consent.update(withdrawn_on=local_today()).where(Consent.student == egroup.ok.id).execute()
    assert client.post(url(egroup, egroup.ok), data=answers(inst)).status_code == 422
    assert Score.select().count() == 0


def test_a_stale_form_gets_the_conflict_screen(client, world, egroup, inst):
    login_as(client, world.worker)
    assert client.post(url(egroup, egroup.ok), data=answers(inst, 2)).status_code == 303
    stale = client.post(url(egroup, egroup.ok), data=answers(inst, 5, version="0"))
    assert stale.status_code == 409
    assert Score.get().score == 2.0  # not overwritten


def test_only_members_of_this_group_and_in_scope(client, world, egroup, inst):
    from tests.reflections import factories as rf

    outsider = rf.student(world, name="别组学生")
    login_as(client, world.worker)
    assert client.get(url(egroup, outsider)).status_code == 404
    login_as(client, world.supervisor)  # reads the page, never enters scores
    assert client.post(url(egroup, egroup.ok), data=answers(inst)).status_code == 403
    login_as(client, world.worker_other)
    assert client.post(url(egroup, egroup.ok), data=answers(inst)).status_code == 404
    assert Score.select().count() == 0
