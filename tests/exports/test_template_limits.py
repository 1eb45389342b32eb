"""An agency's template renders in a child process with a time limit and a size limit
(issue 13): a template with nested loops used to hang every export of its kind and leave
its zip job "running" for ever. Now the export falls back to the built-in layout, and the
upload check renders the sample with the same limits and says why it can't be used."""

import io

import pytest
from docx import Document

from planner.exports import agency_templates, jobs
from planner.exports.models import DocTemplate, ExportJob
from planner.exports.render_limits import TIMEOUT, TOO_BIG, render_limited
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import body_text
from tests.exports.test_template_upload import MARKER, _upload

LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}"
BULKY = "{% for a in range(5000) %}" + "很长的一段文字" * 20 + "{% endfor %}"


def _docx(*paragraphs) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def quick(app):
    """A two-second limit keeps the test quick (the default is ten)."""
    app.config["TEMPLATE_RENDER_SECONDS"] = 2
    return app


@pytest.fixture
def small(app):
    """A 1 MB limit on what a template makes (the default is 20 MB)."""
    app.config["TEMPLATE_RENDER_MAX_BYTES"] = 1024 * 1024
    return app


def test_a_looping_template_falls_back_to_the_built_in_layout(quick, client, world):
    group = records.recorded_group(world)
    agency_templates.save_template(world.admin, "group_plan", "循环.docx", _docx(MARKER, LOOPS))
    login_as(client, world.worker)
    response = client.get(f"/programs/{group.program.id}/documents/group_plan.docx")
    assert response.status_code == 200
    text = body_text(response.data)
    assert MARKER not in text and text.startswith("小组计划书\n新生适应小组")


def test_a_zip_with_a_looping_template_finishes(quick, client, world):
    group = records.recorded_group(world)
    agency_templates.save_template(world.admin, "evaluation_report", "循环.docx", _docx(LOOPS))
    login_as(client, world.worker)
    response = client.post(
        f"/programs/{group.program.id}/documents/zip", data={"kind": "evaluation_report"}
    )
    assert response.status_code == 303
    jobs.wait_all(timeout=30)
    job = ExportJob.get()
    assert (job.status, job.done, job.total) == ("done", 1, 1)


def test_the_upload_check_says_the_template_times_out(quick, client, world):
    login_as(client, world.admin)
    response = _upload(client, _docx(MARKER, LOOPS))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "模板渲染超时（超过 2 秒），将使用内置版式。" in page
    assert DocTemplate.select().count() == 0


def test_the_upload_check_says_the_document_is_too_big(small, client, world):
    login_as(client, world.admin)
    response = _upload(client, _docx(MARKER, BULKY))
    assert response.status_code == 422
    assert "模板生成的文档过大（解压后超过 1 MB），将使用内置版式。" in response.get_data(
        as_text=True
    )
    assert DocTemplate.select().count() == 0


def test_the_child_is_stopped_at_the_limit():
    rendered = render_limited(agency_templates.render_checked, _docx(LOOPS), {}, 0.5, 10**6)
    assert rendered == (None, TIMEOUT, "")  # stopped by the limit, not by finishing
    rendered = render_limited(agency_templates.render_checked, _docx(BULKY), {}, 10, 100_000)
    assert rendered == (None, TOO_BIG, "")
    rendered = render_limited(agency_templates.render_checked, b"not a docx", {}, 10, 10**6)
    assert rendered.data is None and rendered.error == "BadZipFile"


def test_a_good_template_renders_within_the_limits(client, world):
    group = records.recorded_group(world)
    login_as(client, world.admin)
    assert _upload(client, _docx(MARKER + "：{{ title }}")).status_code == 303
    login_as(client, world.worker)
    text = body_text(client.get(f"/programs/{group.program.id}/documents/group_plan.docx").data)
    assert f"{MARKER}：新生适应小组" in text
