"""The stage timeline: planned against observed, session by session."""

from tests.conftest import login_as
from tests.reflections import factories as rf


def row(body, seq):
    return body.split(f'id="t{seq}"')[1].split("</tr>")[0]


def test_timeline_shows_planned_and_observed_stage(client, world, group):
    s = group.sessions
    rf.reflection(s[0], world.worker, observed_stage="形成期")
    rf.reflection(s[1], world.worker, observed_stage="转折期", status="submitted")
    rf.reflection(s[2], world.worker, observed_stage="转折期")
    login_as(client, world.supervisor)
    response = client.get(f"/programs/{group.program.id}/stages")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "有 1 次活动的观察阶段与计划不同" in body
    assert "与计划不同" not in row(body, 1)
    assert 'stage-chip stage-形成期">形成期' in row(body, 2)  # planned
    assert 'stage-chip stage-转折期">转折期' in row(body, 2) and "与计划不同" in row(body, 2)
    assert "与计划不同" not in row(body, 3)  # planned 转折期, observed 转折期
    assert "未记录" in row(body, 4) and "stage-chip stage-成熟期" in row(body, 4)
    assert 'style="' not in body.split('id="stage-timeline"')[1]  # CSP: no inline styles


def test_a_classroom_series_has_no_stage_timeline(client, world, lesson):
    prog, _ = lesson
    login_as(client, world.worker)
    assert client.get(f"/programs/{prog.id}/stages").status_code == 404


def test_timeline_fragment_for_htmx(client, world, group):
    login_as(client, world.worker)
    body = client.get(
        f"/programs/{group.program.id}/stages", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert body.lstrip().startswith("{#") is False and "<html" not in body
    assert 'id="stage-timeline"' in body
