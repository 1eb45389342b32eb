"""Issue 15's journey at tablet size: a worker filters the library to 家长课堂, opens a
session, prints its materials, and the Word file opens in LibreOffice with the worksheet's
text."""

import re

import pytest
from playwright.sync_api import expect

from planner.curricula.services import create_from_data, import_materials
from planner.db import database
from planner.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, nav_click, touch_box
from tests.curricula.factories import curriculum_data
from tests.exports.helpers import pdf_texts

SHEET = {
    "slug": "parents-talk-listening-sheet",
    "title": "亲子倾听练习单",
    "kind": "worksheet",
    "audience": "parents",
    "blocks": [
        {"heading": "一、三种回应"},
        {"text": "孩子说“今天考砸了”，请写下你平时会怎么回应。"},
        {"table": {"columns": ["孩子说的话", "我平时的回应", "倾听式回应"], "rows": 4}},
    ],
}


@pytest.fixture
def parents_series(live_app, demo):
    with live_app.app_context():
        database.connect(reuse_if_open=True)
        import_materials([SHEET])
        data = curriculum_data(
            slug="parents-talk", title="亲子沟通家长课堂", audience="parents", period_minutes=90
        )
        data["sessions"][0]["materials"] = ["白板笔", {"ref": SHEET["slug"]}]
        create_from_data(data)
        create_from_data(curriculum_data(slug="students-only", title="学生的课"))


def test_filter_to_parents_open_a_session_and_print_its_materials(
    live_server, parents_series, tablet, tmp_path
):
    page = tablet
    log_in(page, live_server, "worker", DEMO_PASSWORD)
    nav_click(page, "课程资料库")
    page.wait_for_load_state("load")
    page.select_option("#audience", "parents")
    expect(page.locator(".curriculum-card")).to_have_count(1)  # htmx updated the results
    page.click(".curriculum-card >> text=亲子沟通家长课堂")
    expect(page.locator("h1")).to_have_text("亲子沟通家长课堂")
    button = page.locator("#print-materials-1")
    assert touch_box(button)["height"] >= 44
    with page.expect_download() as download:
        button.click()
    path = tmp_path / "materials.docx"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".docx")
    text = re.sub(r"\s+", "", pdf_texts({"m": path.read_bytes()}, tmp_path)["m"])
    assert "本节材料" in text and "亲子倾听练习单" in text
    assert "一、三种回应" in text and "倾听式回应" in text
