"""打印本节材料: the library page and run mode print a session's referenced materials as one
A4 Word document through the registry; it opens in LibreOffice with the worksheet's text, in
the order the session references them, and holds no student data."""

import re

import pytest

from planner.audit.models import AuditEntry
from planner.curricula.models import SessionTemplate
from planner.curricula.services import import_materials
from tests.conftest import login_as
from tests.curricula.factories import curriculum
from tests.exports.helpers import body_text, part_text, pdf_texts
from tests.reflections import factories as rf

CANARY = "甄金丝雀"
SHEET = {
    "slug": "print-value-auction",
    "title": "生命价值拍卖清单",
    "kind": "worksheet",
    "audience": "students",
    "blocks": [
        {"heading": "一、拍卖规则"},
        {"text": "每人有 1000 元虚拟币，每次加价至少 50 元。"},
        {"table": {"columns": ["价值", "我的出价", "成交价"], "rows": 5}},
        {"checklist": ["健康", "友谊"]},
        {"lines": 3},
    ],
}
CARDS = {
    "slug": "print-feeling-cards",
    "title": "情绪词卡",
    "kind": "cards",
    "audience": "students",
    "blocks": [{"cards": ["开心", "难过", "生气", "害怕", "惊讶"]}],
}
LETTER = {
    "slug": "print-parent-letter",
    "title": "致家长的一封信",
    "kind": "letter",
    "audience": "parents",
    "blocks": [{"text": "尊敬的家长：本周课堂讨论了生命的价值。"}],
}


def _refs(template, session_items, activity_items):
    SessionTemplate.update(materials=session_items).where(
        SessionTemplate.id == template.id
    ).execute()
    activity = template.activities[1]
    activity.materials = activity_items
    activity.save()


@pytest.fixture
def printable(world):
    import_materials([SHEET, CARDS, LETTER])
    made = curriculum(slug="printable")
    first = made.sessions[0]
    _refs(first, ["彩笔", {"ref": SHEET["slug"]}], [{"ref": CARDS["slug"]}, {"ref": SHEET["slug"]}])
    return made


def test_the_library_prints_a_sessions_materials_in_order(client, world, printable):
    login_as(client, world.worker)
    page = client.get(f"/curricula/{printable.id}").get_data(as_text=True)
    assert page.count("打印本节材料") == 1  # only the session with references
    assert 'id="print-materials-1"' in page
    assert "彩笔、生命价值拍卖清单" in page  # a reference shows as its title
    response = client.get(f"/curricula/{printable.id}/sessions/1/materials.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert (
        "本节材料" in response.headers["Content-Disposition"]
        or "filename*" in (response.headers["Content-Disposition"])
    )
    body = body_text(response.data)
    assert body.index("生命价值拍卖清单") < body.index("情绪词卡")  # each once, in order
    assert body.count("一、拍卖规则") == 1
    assert "致家长的一封信" not in body  # not referenced by this session
    assert world.agency.name in part_text(response.data, "word/header")
    # a session without references prints a page that says so; an unknown one is 404
    empty = client.get(f"/curricula/{printable.id}/sessions/2/materials.docx")
    assert "本节没有需要打印的材料" in body_text(empty.data)
    assert client.get(f"/curricula/{printable.id}/sessions/9/materials.docx").status_code == 404


@pytest.mark.office
def test_the_document_opens_in_libreoffice_with_the_worksheet_text(
    client, world, printable, tmp_path
):
    login_as(client, world.worker)
    data = client.get(f"/curricula/{printable.id}/sessions/1/materials.docx").data
    text = re.sub(r"\s+", "", pdf_texts({"materials": data}, tmp_path)["materials"])
    for expected in (
        "本节材料",
        "生命价值拍卖清单",
        "一、拍卖规则",
        "每人有1000元虚拟币",
        "我的出价",
    ):
        assert expected in text, expected
    assert "□健康" in text and "难过" in text and "惊讶" in text
    assert text.index("生命价值拍卖清单") < text.index("情绪词卡")
    assert re.search(r"第1页/共(\d+)页", text)


def test_run_mode_prints_them_with_the_programs_header_and_no_student(client, world):
    import_materials([SHEET, CARDS, LETTER])
    program = rf.program(world, sessions=6)
    rf.members(program, rf.student(world, name=CANARY))
    session = rf.sessions_of(program)[0]
    template = SessionTemplate.get_by_id(session.template_id)
    template.activities = list(template.activities)
    _refs(template, [{"ref": LETTER["slug"]}], [{"ref": SHEET["slug"]}])
    login_as(client, world.worker)
    run = client.get(f"/sessions/{session.id}/run").get_data(as_text=True)
    assert 'id="print-materials"' in run
    response = client.get(f"/sessions/{session.id}/materials.docx")
    assert response.status_code == 200
    body = body_text(response.data)
    assert body.index("致家长的一封信") < body.index("生命价值拍卖清单")
    header = part_text(response.data, "word/header")
    assert world.school.name in header and program.archive_code in header
    raw = response.data.decode("latin-1")
    assert CANARY not in body and CANARY not in header and CANARY.encode() not in response.data
    assert CANARY not in raw and CANARY not in response.headers["Content-Disposition"]
    audit = AuditEntry.select().where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())
    assert "session_materials" in audit.first().detail
    # a session of the same program without references offers no button
    other = rf.sessions_of(program)[1]
    assert 'id="print-materials"' not in client.get(f"/sessions/{other.id}/run").get_data(
        as_text=True
    )
