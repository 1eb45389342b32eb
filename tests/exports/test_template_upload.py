"""The admin's Word templates: a bad upload answers 422 with the problems in Chinese and saves
nothing; a good one replaces the agency's template for that kind and is what the downloads
use, with the built-in layout when it fails to render; preview, delete, and agencies kept
apart. (The English messages are checked once the catalogue has them.)"""

import io
import types
import zipfile

import pytest
from docx import Document

from planner.exports import agency_templates
from planner.exports.kinds import KINDS as DOCS
from planner.exports.models import DocTemplate
from tests import factories
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import body_text
from tests.reflections import factories as rf

MARKER = "本机构专用版式-7731"


def _docx(*paragraphs) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


GOOD = _docx("{{ doc_title }}", MARKER + "：{{ title }}", "档案编号 {{ archive_code }}")


def _upload(client, data, name="机构模板.docx", kind="group_plan"):
    """POST a multipart body encoded here: the test client would spool a large one to a
    temporary file it never closes (a ResourceWarning, an error in this suite)."""
    boundary = "test-boundary-5a1e"
    body = b""
    if data is not None:
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return client.post(
        f"/admin/templates/{kind}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<styles/>")
    return buffer.getvalue()


BAD = {
    "random bytes": (bytes(range(256)) * 40, "这不是 Word 文档（.docx）"),
    "zip without word/document.xml": (_zip_without_document(), "这不是 Word 文档（.docx）"),
    "over 5 MB": (b"PK" + b"\0" * (5 * 1024 * 1024 - 1), "文件超过 5 MB，请压缩图片后再上传。"),
    "no file": (None, "请选择一个 .docx 文件。"),
    "unknown placeholder": (
        _docx("{{ title }}", "{{ student_names }}"),
        "未知的占位符：student_names。可用的占位符见模板说明。",
    ),
    "placeholder left open": (_docx("{{ title"), "占位符没有在同一段落内写完：“{{ title”。"),
    "syntax error": (_docx("{% for s in %}{{ s }}{% endfor %}"), "模板语法错误："),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_upload_lists_the_problem_and_saves_nothing(client, world, case):
    data, problem = BAD[case]
    if case == "over 5 MB":
        assert len(data) == agency_templates.MAX_BYTES + 1
    login_as(client, world.admin)
    assert _upload(client, GOOD, name="旧模板.docx").status_code == 303
    response = _upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    section = page.split('id="tpl-group_plan"', 1)[1].split("</article>", 1)[0]
    assert "模板有问题，未保存：" in section and problem in section
    # the agency's template before the upload is still the one in use
    assert [(t.filename, bytes(t.data)) for t in DocTemplate.select()] == [("旧模板.docx", GOOD)]


def test_an_unknown_kind_is_not_found(client, world):
    login_as(client, world.admin)
    assert _upload(client, GOOD, kind="minutes").status_code == 404
    assert DocTemplate.select().count() == 0


def test_a_good_template_replaces_the_previous_one_and_the_downloads_use_it(client, world):
    group = records.recorded_group(world)
    login_as(client, world.admin)
    first = agency_templates.example_template("group_plan")
    assert _upload(client, first, name="示例.docx").status_code == 303
    response = _upload(client, GOOD, name="我们的 模板/v2.docx")
    assert response.status_code == 303 and response.location == "/admin/templates"
    rows = list(DocTemplate.select())
    assert len(rows) == 1
    row = rows[0]
    assert (row.kind, row.agency_id, row.uploaded_by_id) == (
        "group_plan",
        world.agency.id,
        world.admin.id,
    )
    assert (row.filename, bytes(row.data), row.size) == ("v2.docx", GOOD, len(GOOD))
    assert "当前模板：v2.docx" in client.get("/admin/templates").get_data(as_text=True)
    login_as(client, world.worker)
    text = body_text(client.get(f"/programs/{group.program.id}/documents/group_plan.docx").data)
    assert f"{MARKER}：新生适应小组" in text and "档案编号 JX-XZ-2026-0001" in text
    # another kind still has the built-in layout
    other = body_text(
        client.get(f"/sessions/{group.sessions[0].id}/documents/session_plan.docx").data
    )
    assert MARKER not in other and "单节活动计划" in other


def test_a_template_that_fails_to_render_falls_back_to_the_built_in_layout(client, world):
    group = records.recorded_group(world)
    url = f"/programs/{group.program.id}/documents/group_plan.docx"
    divides = _docx(MARKER, "{{ 1 / 0 }}")  # parses, fails when rendered
    problems = agency_templates.check_template(divides, "group_plan")
    assert [str(p) for p in problems] == [
        "模板无法用示例数据生成文档（ZeroDivisionError），将使用内置版式。请检查模板后再上传。"
    ]
    # one saved before the upload check rendered the sample
    agency_templates.save_template(world.admin, "group_plan", "旧模板.docx", divides)
    login_as(client, world.worker)
    for data in (divides, b"these bytes were never a Word file"):
        DocTemplate.update(data=data).execute()
        response = client.get(url)
        assert response.status_code == 200
        text = body_text(response.data)
        assert MARKER not in text and text.startswith("小组计划书\n新生适应小组")


def test_preview_renders_the_template_with_the_sample_data(client, world):
    login_as(client, world.admin)
    assert client.get("/admin/templates/group_plan/preview.docx").status_code == 404
    _upload(client, GOOD)
    response = client.get("/admin/templates/group_plan/preview.docx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = body_text(response.data)
    assert f"{MARKER}：{DOCS['group_plan'].sample['title']}" in text
    assert f"档案编号 {DOCS['group_plan'].sample['archive_code']}" in text


def test_delete_goes_back_to_the_built_in_layout(client, world):
    group = records.recorded_group(world)
    login_as(client, world.admin)
    _upload(client, GOOD)
    response = client.post("/admin/templates/group_plan/delete")
    assert response.status_code == 303 and DocTemplate.select().count() == 0
    page = client.get("/admin/templates").get_data(as_text=True)
    assert "使用系统版式" in page.split('id="tpl-group_plan"', 1)[1].split("</article>", 1)[0]
    text = body_text(client.get(f"/programs/{group.program.id}/documents/group_plan.docx").data)
    assert MARKER not in text and text.startswith("小组计划书")


def test_another_agency_never_sees_or_uses_the_template(client, world):
    login_as(client, world.admin)
    _upload(client, GOOD, name="甲机构模板.docx")
    agency = factories.agency(name="另一机构", code="LB")
    school = factories.school(agency=agency, name="丁校", code="DX")
    theirs = types.SimpleNamespace(
        school=school,
        term=factories.term(school=school),
        room=factories.room(school=school),
        cls=factories.school_class(school=school),
        worker=factories.user("worker", agency=agency, schools=[school]),
    )
    prog = rf.program(theirs, title="另一小组")
    admin = factories.user("admin", agency=agency)
    login_as(client, admin)
    page = client.get("/admin/templates").get_data(as_text=True)
    assert "甲机构模板.docx" not in page and "当前模板" not in page
    assert client.get("/admin/templates/group_plan/preview.docx").status_code == 404
    text = body_text(client.get(f"/programs/{prog.id}/documents/group_plan.docx").data)
    assert MARKER not in text and "另一小组" in text
    client.post("/admin/templates/group_plan/delete")  # deletes their own (none), not ours
    assert [t.agency_id for t in DocTemplate.select()] == [world.agency.id]
