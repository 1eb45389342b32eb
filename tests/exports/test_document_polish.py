"""Issue 14's Word polish, read from the XML: dates in Chinese form, archive codes that never
wrap, and a classroom lesson's plan without the group's rows."""

import re

import pytest

from planner.exports.kinds import KINDS as DOCS
from planner.i18n import chinese_day
from tests.conftest import login_as
from tests.exports import records
from tests.exports.helpers import W, body_text, part_text, xml
from tests.reflections import factories as rf

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CHINESE_DAY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture
def group(world):
    return records.recorded_group(world)


@pytest.fixture
def lessons(world):
    return rf.program(world, kind="classroom", sessions=2, title="青春期教育")


def _download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def _all_text(data: bytes) -> str:
    return "\n".join((body_text(data), part_text(data, "word/header")))


def test_chinese_day_is_chinese_whatever_the_ui_language(app):
    import datetime as dt

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert chinese_day(dt.date(2026, 3, 11)) == "2026年3月11日"
    assert chinese_day(None) == ""


@pytest.mark.parametrize(
    "kind", ["group_plan", "session_plan", "meeting_record", "evaluation_report"]
)
def test_the_group_documents_print_chinese_dates_only(client, world, group, kind):
    login_as(client, world.worker)
    level = DOCS[kind].level
    target = (
        f"/sessions/{group.sessions[0].id}"
        if level == "session"
        else (f"/programs/{group.program.id}")
    )
    text = _all_text(_download(client, f"{target}/documents/{kind}.docx"))
    assert CHINESE_DAY.search(text), kind
    assert not ISO_DAY.search(text), ISO_DAY.search(text).group(0)


def test_the_lesson_plan_prints_chinese_dates_only(client, world, lessons):
    login_as(client, world.worker)
    text = _all_text(_download(client, f"/programs/{lessons.id}/documents/lesson_plan.docx"))
    assert CHINESE_DAY.search(text)
    assert not ISO_DAY.search(text)


@pytest.mark.parametrize("kind", sorted(DOCS))
def test_the_samples_print_no_iso_date(kind):
    text = _all_text(DOCS[kind].build(DOCS[kind].sample))
    assert not ISO_DAY.search(text), kind


def _code_cells(data: bytes, code: str):
    body = xml(data, "word/document.xml")
    return [
        tc
        for tc in body.iter(f"{{{W}}}tc")
        if "".join(t.text or "" for t in tc.iter(f"{{{W}}}t")) == code
    ]


def test_archive_code_cells_never_wrap(client, world, group):
    login_as(client, world.worker)
    record = _download(client, f"/sessions/{group.sessions[0].id}/documents/meeting_record.docx")
    cells = _code_cells(record, group.canary.archive_code)
    assert cells
    for tc in cells:
        assert tc.find(f"{{{W}}}tcPr/{{{W}}}noWrap") is not None
    report = DOCS["evaluation_report"]
    sample = report.build(report.sample)
    code = report.sample["attendance"]["rows"][0]["code"]
    cells = _code_cells(sample, code)
    assert cells and all(tc.find(f"{{{W}}}tcPr/{{{W}}}noWrap") is not None for tc in cells)


def test_a_classroom_lessons_plan_has_no_group_rows(client, world, group, lessons):
    login_as(client, world.worker)
    session = rf.sessions_of(lessons)[0]
    text = body_text(_download(client, f"/sessions/{session.id}/documents/session_plan.docx"))
    assert "本节主题" in text
    assert "小组名称" not in text and "小组阶段" not in text
    # the control: a group meeting's plan keeps them
    meeting = body_text(
        _download(client, f"/sessions/{group.sessions[0].id}/documents/session_plan.docx")
    )
    assert "小组名称" in meeting and "小组阶段" in meeting
