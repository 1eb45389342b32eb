"""An admin adds the agency's own screening instrument in the instrument file format: it is
checked by the same schema as the shipped files, offered to the agency's workers only, and
bad text (empty, too long, not YAML, aliases, another kind, a broken rule, a slug in use) is
refused with a message and nothing saved."""

import os

import pytest

from planner import ROOT
from planner.evaluation.models import Instrument
from planner.screening import services
from tests import factories
from tests.conftest import login_as
from tests.screening import factories as sf

URL = "/admin/screening-instruments"


def _text(slug="own-screening"):
    path = os.path.join(ROOT, "content", "instruments", "screening-wellbeing.yaml")
    with open(path, encoding="utf-8") as fh:
        return fh.read().replace("slug: screening-wellbeing", f"slug: {slug}")


@pytest.fixture
def admin(app, world):
    sf.instrument()
    return login_as(app.test_client(), world.admin)


def test_an_admin_adds_the_agencys_own_instrument(admin, world):
    text = _text().replace("name: 学生心理健康筛查问卷", "name: 本机构问卷")
    text = text.replace("{concern: 12, high: 20}", "{concern: 10, high: 18}")
    response = admin.post(URL, data={"text": text})
    assert response.status_code == 303
    own = Instrument.get(Instrument.slug == "own-screening")
    assert own.agency_id == world.agency.id and own.extra["scoring"]["tiers"]["concern"] == 10
    page = admin.get(URL).get_data(as_text=True)
    assert "本机构问卷" in page and "关注 ≥ 10，高危 ≥ 18" in page
    assert own.id in {i.id for i in services.instruments(world.agency.id)}
    other_agency = factories.agency(name="别家", code="BJ")
    assert own.id not in {i.id for i in services.instruments(other_agency.id)}


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "必填"),
        ("x" * 20001, "最多"),
        ("slug: [unclosed", "格式有误"),
        ("- just\n- a list", "完整的筛查工具文件"),
        ("a: &a [1]\nb: *a\n", "锚点和别名"),
        (_text().replace("kind: screening", "kind: likert"), "kind 须为 screening"),
        (_text().replace("{concern: 12, high: 20}", "{concern: 30, high: 20}"), "分界值"),
        (_text().replace("{concern: 12, high: 20}", "{concern: 12, high: 9999999}"), "分界值"),
        (_text().replace("items: [q12]", "items: [q99]"), "安全题"),
        (_text().replace("    人际交往: [q6, q7, q10]", "    交友: [q6]"), "不在主题列表"),
        (
            _text().replace("    人际交往: [q6, q7, q10]", "    人际交往: [q6, q77]"),
            "主题对应的题目",
        ),
        (_text().replace("    人际交往: [q6, q7, q10]", "    人际交往: []"), "主题对应的题目"),
        (_text("screening-wellbeing"), "已被使用"),
    ],
)
def test_bad_instruments_are_refused(admin, text, words):
    before = Instrument.select().count()
    response = admin.post(URL, data={"text": text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and words in html, html[-2000:]
    assert Instrument.select().count() == before


def test_only_admins(app, world):
    for persona in ("worker", "supervisor", "teacher"):
        client = login_as(app.test_client(), getattr(world, persona))
        assert client.post(URL, data={"text": _text()}).status_code == 403
    assert not Instrument.select().where(Instrument.slug == "own-screening").exists()
