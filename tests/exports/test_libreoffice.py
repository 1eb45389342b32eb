"""Every document opens in LibreOffice and prints its Chinese text; no student data leaks
into the lesson plan."""

import copy
import re

import pytest

from planner.exports.kinds import KINDS as DOCS
from tests.exports.helpers import parts, pdf_texts

KINDS = sorted(DOCS)
CANARY = "甄金丝雀"  # an invented student name that appears nowhere else
EXPECTED = {  # text each PDF must show, line by line (-layout); whitespace is ignored
    "group_plan": ["小组概述", "小组计划", "活动安排", "理念与理论基础", "你好，新朋友"],
    "session_plan": ["本节目标", "活动流程", "分钟", "目的、步骤与物资", "合计", "情绪温度计"],
    "lesson_plan": ["课程总目标", "第1课认识新环境", "第2课时间管理小能手", "教学流程"],
    "meeting_record": [
        "出勤情况",
        "活动过程",
        "观察",
        "反思",
        "跟进",
        "督导意见",
        "SF-ST-2026-0001",
    ],
    "evaluation_report": [
        "背景",
        "目标及达成情况",
        "出勤情况",
        "各节出勤率",
        "成效评估",
        "学校适应量表",
        "目标达成量表（GAS）",
        "满意度",
        "过程评估",
        "建议",
        "SF-ST-2026-0004 ✓ 迟 迟 ✓ ✓ 退 ✓ ✓ 100.0%",
    ],  # a row of the table
    "term_stats": ["总体情况", "分学校统计", "服务总人次", "合计", "示范学校"],
    "session_materials": [
        "生命价值拍卖清单",
        "一、拍卖规则",
        "每人有 1000 元虚拟币",
        "我的出价",
        "□ 健康",
        "情绪词卡",
        "告诉老师",
    ],
    "case_intake": ["接案过程", "接案决定", "转介", "SF-ST-2026-0007", "心理门诊"],
    "case_plan": ["预估", "服务计划", "评估方式方法", "审批意见", "先改善睡眠，再处理同伴关系。"],
    "case_record": ["服务记录一览", "服务记录内容", "联系家庭", "王督导", "转介"],
    "case_closure": ["评估", "目标达成量表（GAS）", "7 晚", "结案", "服务目标基本达成。"],
    "work_report": ["课堂与小组服务", "社工信箱来信 14", "培训学时 12.5", "安全保护关注 1 项"],
}


def _lesson_plan_with_canary():
    """Student-level keys a lesson plan must never print, carrying the canary."""
    ctx = copy.deepcopy(DOCS["lesson_plan"].sample)
    ctx["attendance"] = [{"code": CANARY, "status": "出席"}]
    ctx["members"] = [CANARY]
    ctx["follow_ups"] = [{"who": CANARY, "note": CANARY, "safeguarding": True}]
    return ctx


def _meeting_record_with_canary():
    ctx = copy.deepcopy(DOCS["meeting_record"].sample)
    ctx["attendance"][0]["code"] = CANARY
    return ctx


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """All documents, converted in one soffice run (one start-up) with a profile of its own."""
    out = tmp_path_factory.mktemp("libreoffice")
    docs = {kind: DOCS[kind].build(DOCS[kind].sample) for kind in KINDS}
    docs["canary_lesson_plan"] = DOCS["lesson_plan"].build(_lesson_plan_with_canary())
    docs["canary_meeting_record"] = DOCS["meeting_record"].build(_meeting_record_with_canary())
    texts = pdf_texts(docs, out)
    return docs, texts


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_shows_the_title_and_the_sections(converted, kind):
    text = _flat(converted[1][kind])
    assert DOCS[kind].title in text
    for expected in EXPECTED[kind]:
        assert _flat(expected) in text, expected


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_header_and_page_numbers(converted, kind):
    text = _flat(converted[1][kind])
    assert DOCS[kind].sample["archive_code"] in text
    assert _flat(DOCS[kind].sample["school"]) in text
    pages = re.findall(r"第(\d+)页/共(\d+)页", text)
    assert pages and pages[0][0] == "1"  # the PAGE field was computed
    assert len({total for _, total in pages}) == 1 and len(pages) == int(pages[0][1])


def test_user_text_with_markup_characters_prints(converted):
    assert _flat("A&B <测试>") in _flat(converted[1]["evaluation_report"])


def test_canary_reaches_the_meeting_record(converted):
    """The control: the check below reads real text, so it could fail."""
    docs, texts = converted
    assert CANARY in parts(docs["canary_meeting_record"])["word/document.xml"]
    assert CANARY in _flat(texts["canary_meeting_record"])


def test_lesson_plan_cannot_leak_student_data(converted):
    docs, texts = converted
    for name, content in parts(docs["canary_lesson_plan"]).items():
        assert CANARY not in content, name
    assert CANARY not in _flat(texts["canary_lesson_plan"])
    assert _flat("第1课认识新环境") in _flat(texts["canary_lesson_plan"])
