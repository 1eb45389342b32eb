"""The built-in Word documents: A4, Chinese fonts, header and footer, headings, escaping."""

import copy
import io

import pytest
from docx import Document

from planner.exports.kinds import KINDS as DOCS
from planner.exports.samples import PROBE
from tests.exports.helpers import NS, body_text, headings, part_text, parts, tables, xml

KINDS = sorted(DOCS)
THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
W = "{%s}" % NS["w"]
SECTIONS = {  # the Heading 1 texts of each document, in order
    "group_plan": ["一、小组概述", "二、小组计划", "三、活动安排", "四、审批意见"],
    "session_plan": [
        "一、本节目标",
        "二、活动流程",
        "三、重点信息",
        "四、物资及准备",
        "五、家校联系",
        "六、人员分工",
    ],
    "lesson_plan": [
        "一、课程总目标",
        "二、课程安排",
        "第 1 课　认识新环境",
        "第 2 课　时间管理小能手",
    ],
    "meeting_record": [
        "一、出勤情况",
        "二、本节目标",
        "三、活动过程",
        "四、观察",
        "五、反思",
        "六、跟进",
        "七、督导意见",
    ],
    "evaluation_report": [
        "一、背景",
        "二、目标及达成情况",
        "三、出勤情况",
        "四、成效评估",
        "五、满意度",
        "六、过程评估",
        "七、建议",
    ],
    "term_stats": [
        "一、总体情况",
        "二、分学校统计",
        "三、家长课堂与教师工作坊",
        "四、三级服务金字塔（全面筛查—积极预防—个案干预）",
    ],
    "session_materials": ["生命价值拍卖清单", "情绪词卡"],  # one heading per material
    "case_intake": ["一、接案过程", "二、接案决定", "三、转介"],
    "case_plan": ["一、预估", "二、服务计划", "三、审批意见"],
    "case_record": ["一、服务记录一览", "二、服务记录内容", "三、转介"],
    "case_closure": ["一、评估", "二、结案", "三、转介"],
    "work_report": [
        "一、课堂与小组服务",
        "二、三级服务金字塔（全面筛查—积极预防—个案干预）",
        "三、社工信箱、咨询与专业支持",
        "四、小组成效亮点",
        "五、安全保护",
    ],
}


@pytest.fixture(scope="module")
def built():
    return {kind: DOCS[kind].build(DOCS[kind].sample) for kind in KINDS}


def _style(styles, style_id):
    return styles.find(f"w:style[@w:styleId='{style_id}']", NS)


def test_builders_and_titles_cover_every_kind():
    assert set(DOCS) == set(SECTIONS)
    assert DOCS["evaluation_report"].title == "小组总结评估报告"


@pytest.mark.parametrize("kind", KINDS)
def test_page_is_a4_portrait_with_chinese_margins(built, kind):
    sect = xml(built[kind], "word/document.xml").find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert (size.get(W + "w"), size.get(W + "h")) == ("11906", "16838")
    assert size.get(W + "orient") in (None, "portrait")
    assert margins.get(W + "top") == "1440" and margins.get(W + "left") == "1797"


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_are_chinese_on_defaults_normal_and_headings(built, kind):
    styles = xml(built[kind], "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(W + "eastAsia") == "宋体"
    assert defaults.get(W + "ascii") == "Times New Roman"
    assert _style(styles, "Normal").find("w:rPr/w:rFonts", NS).get(W + "eastAsia") == "宋体"
    for style_id in ("Title", "Heading1", "Heading2", "Heading3"):
        rpr = _style(styles, style_id).find("w:rPr", NS)
        assert rpr.find("w:rFonts", NS).get(W + "eastAsia") == "黑体", style_id
        assert rpr.find("w:b", NS) is not None, style_id
        color = rpr.find("w:color", NS)
        assert color.get(W + "val") == "000000" and color.get(W + "themeColor") is None, style_id


@pytest.mark.parametrize("kind", KINDS)
def test_no_theme_font_attributes_are_left(built, kind):
    styles = parts(built[kind])["word/styles.xml"]
    for attr in THEME_ATTRS:
        assert f"w:{attr}=" not in styles


@pytest.mark.parametrize("kind", KINDS)
def test_language_is_simplified_chinese(built, kind):
    styles = xml(built[kind], "word/styles.xml")
    for lang in (
        styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS),
        _style(styles, "Normal").find("w:rPr/w:lang", NS),
    ):
        assert lang.get(W + "eastAsia") == "zh-CN"
    theme_lang = xml(built[kind], "word/settings.xml").find("w:themeFontLang", NS)
    assert theme_lang.get(W + "eastAsia") == "zh-CN"


@pytest.mark.parametrize("kind", KINDS)
def test_header_names_the_school_and_the_archive_code(built, kind):
    header = part_text(built[kind], "word/header")
    assert DOCS[kind].sample["school"] in header
    assert f"档案编号：{DOCS[kind].sample['archive_code']}" in header


@pytest.mark.parametrize("kind", KINDS)
def test_footer_numbers_pages_with_real_fields(built, kind):
    footers = [name for name in parts(built[kind]) if name.startswith("word/footer")]
    assert footers
    footer = xml(built[kind], footers[0])
    instructions = [t.text.strip() for t in footer.iter(W + "instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [f.get(W + "fldCharType") for f in footer.iter(W + "fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    assert "第" in part_text(built[kind], "word/footer")


@pytest.mark.parametrize("kind", KINDS)
def test_title_then_the_sections_in_order(built, kind):
    assert headings(built[kind], "Title") == [DOCS[kind].title]
    assert headings(built[kind]) == SECTIONS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_user_text_with_ampersand_and_angle_brackets_survives(built, kind):
    assert PROBE in body_text(built[kind])
    assert "A&amp;B &lt;测试&gt;" in parts(built[kind])["word/document.xml"]


@pytest.mark.parametrize("kind", KINDS)
def test_core_properties_hold_the_title_and_the_agency_only(built, kind):
    props = Document(io.BytesIO(built[kind])).core_properties
    assert props.title.startswith(DOCS[kind].title)
    assert props.author == props.last_modified_by == DOCS[kind].sample["agency"]
    assert props.comments == "" and props.subject == ""
    core = parts(built[kind])["docProps/core.xml"]
    for worker in DOCS[kind].sample["workers"]:
        assert worker not in core


def _emptied(value):
    if isinstance(value, dict):
        return {key: _emptied(v) for key, v in value.items()}
    return type(value)()


@pytest.mark.parametrize("kind", KINDS)
def test_empty_or_missing_values_print_a_dash_and_never_crash(kind):
    sample = DOCS[kind].sample
    empty = {key: _emptied(value) for key, value in sample.items()}
    empty.update(kind=kind, doc_title=DOCS[kind].title)
    for ctx in (empty, {"kind": kind}):
        text = body_text(DOCS[kind].build(ctx))
        assert "—" in text


def test_session_plan_activity_table_has_the_agency_columns_and_a_total(built):
    table = next(t for t in tables(built["session_plan"]) if t[0][0] == "环节")
    assert table[0] == ["环节", "活动名称", "分钟", "目的、步骤与物资"]
    assert [row[1] for row in table[1:-1]][:2] == ["情绪猜猜猜", "情绪温度计"]
    assert table[-1][0] == "合计" and table[-1][2] == "60"
    assert "1. 社工展示情绪卡片，组员猜情绪名称" in table[1][3]
    assert "物资：情绪卡片" in table[1][3]  # the materials close the steps cell


def test_evaluation_attendance_is_a_members_by_meetings_table(built):
    table = next(
        t
        for t in tables(built["evaluation_report"])
        if t[0][0] == "档案编号" and t[0][-1] == "出勤率"
    )
    sample = DOCS["evaluation_report"].sample["attendance"]
    assert table[0] == ["档案编号", *sample["columns"], "出勤率"]
    assert len(table) == len(sample["rows"]) + 2
    assert table[4] == ["SF-ST-2026-0004", "✓", "迟", "迟", "✓", "✓", "退", "✓", "✓", "100.0%"]
    assert table[5][-2:] == ["—", "71.4%"]  # not recorded
    assert table[-1] == ["各节出勤率", *sample["session_rates"], "93.7%"]
    assert sample["legend"] in body_text(built["evaluation_report"])


def test_evaluation_outcomes_and_gas_are_native_tables(built):
    found = tables(built["evaluation_report"])
    outcome = next(t for t in found if t[0] == ["项目", "前测", "后测", "变化"])
    assert outcome[1] == ["总均分", "2.86", "3.71", "+0.85"]
    bars = next(t for t in found if t[0] == ["测量", "均值", "对比"])
    assert len(bars[2][2]) == 20 and 0 < len(bars[1][2]) < 20  # post is the longer bar
    gas = next(t for t in found if t[0][0] == "档案编号" and "目标数" in t[0])
    assert len(gas) == 8


def test_meeting_record_lists_attendance_by_code_and_the_supervision(built):
    found = tables(built["meeting_record"])
    attendance = next(t for t in found if t[0][:2] == ["档案编号", "出勤"])
    assert attendance[1][:2] == ["SF-ST-2026-0001", "出席"]
    assert attendance[-1][-2:] == ["", ""]  # padding, not a missing value
    text = body_text(built["meeting_record"])
    assert "王督导" in text and "督导签名" in text
    assert "是，按保护流程处理" in text


def test_lesson_plan_has_a_section_per_lesson_starting_a_page(built):
    document = Document(io.BytesIO(built["lesson_plan"]))
    lessons = [
        p for p in document.paragraphs if p.text.startswith("第 ") and p.style.name == "Heading 1"
    ]
    assert len(lessons) == 2
    assert all(p.paragraph_format.page_break_before for p in lessons)
    assert "（二）教学流程" in headings(built["lesson_plan"], "Heading 2")


def test_term_stats_totals_and_rows(built):
    table = next(t for t in tables(built["term_stats"]) if t[0][0] == "学校")
    assert [row[0] for row in table[1:]] == ["示范学校", f"示范第二小学（{PROBE}）", "合计"]
    assert table[-1][1] == "12" and table[-1][8] == "9/22"


def test_builders_do_not_change_their_context():
    for kind in KINDS:
        ctx = copy.deepcopy(DOCS[kind].sample)
        DOCS[kind].build(ctx)
        assert ctx == DOCS[kind].sample


def test_the_case_documents_print_each_steps_fields_and_the_gas_goals(built):
    plan = body_text(built["case_plan"])
    for item in DOCS["case_plan"].sample["assessment"] + DOCS["case_plan"].sample["plan"]:
        assert item["label"] in plan and item["value"] in plan
    assert headings(built["case_plan"], "Heading 2")[:2] == [
        "（一）背景与需求分析",
        "（二）理论框架",
    ]
    intake = body_text(built["case_intake"])
    assert "接案决定：接案" in intake and "已取得“个案服务”同意" in intake
    assert "SF-ST-2026-0007" in intake and "7(2)班" in intake
    record = tables(built["case_record"])
    listed = next(t for t in record if t[0][0] == "序号")
    assert listed[1:] == [
        ["1", "2026年10月14日", "个案会谈", "40", "李社工", "已签阅"],
        ["2", "2026年10月16日", "联系家庭", "20", "李社工", "待督导"],
        ["3", "2026年10月21日", "个案会谈", "40", "张社工", "已签阅"],
    ]
    assert headings(built["case_record"], "Heading 2")[1] == "（二）2026年10月16日　联系家庭"
    assert "保护关注：是，按保护流程处理" in body_text(built["case_record"])
    closure = tables(built["case_closure"])
    goal = next(t for t in closure if t[0][0] == "目标 1")
    assert goal[0] == ["目标 1", "每周在23点前入睡的晚数（权重 2）"]
    assert ["+2", "7 晚"] in goal and ["评估时", "+1"] in goal and ["回访时", "0"] in goal
    assert "综合 T 分数（评估时）：56.9" in body_text(built["case_closure"])
