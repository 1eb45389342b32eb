"""User Word templates: upload checks, sandboxed rendering, and the fall-back."""

import io
import logging
import zipfile

import pytest
from docx import Document
from jinja2.exceptions import SecurityError

from planner.exports import agency_templates
from planner.exports.kinds import KINDS as DOCS
from planner.exports.samples import PROBE
from tests.exports.helpers import body_text, part_text

KINDS = sorted(DOCS)
CTX = DOCS["group_plan"].sample


def _docx(*paragraphs, runs=None) -> bytes:
    """A .docx with one single-run paragraph per string (or one paragraph of several runs)."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if runs:
        paragraph = document.add_paragraph()
        for text in runs:
            paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _problems(data, kind="group_plan"):
    return [str(problem) for problem in agency_templates.check_template(data, kind)]


@pytest.mark.parametrize("kind", KINDS)
def test_example_templates_pass_the_check_and_render(kind):
    data = agency_templates.example_template(kind)
    assert _problems(data, kind) == []
    rendered, used = agency_templates.build(kind, DOCS[kind].sample, data)
    assert used
    text = body_text(rendered)
    assert DOCS[kind].sample["doc_title"] in text and "{{" not in text and "{%" not in text
    header = part_text(rendered, "word/header")
    assert DOCS[kind].sample["archive_code"] in header and DOCS[kind].sample["school"] in header


def test_example_template_loops_repeat_rows_and_paragraphs():
    rendered, _ = agency_templates.build(
        "session_plan",
        DOCS["session_plan"].sample,
        agency_templates.example_template("session_plan"),
    )
    table = Document(io.BytesIO(rendered)).tables[0]
    assert [row.cells[1].text for row in table.rows][1:] == [
        a["title"] for a in DOCS["session_plan"].sample["session"]["activities"]
    ]
    assert "态度目标：愿意在小组中分享自己的感受" in body_text(rendered)


def test_random_bytes_are_not_a_docx():
    problems = _problems(b"\x00\x01 this is not a Word file" * 50)
    assert len(problems) == 1 and ".docx" in problems[0]


def test_a_zip_without_a_document_is_not_a_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    problems = _problems(buffer.getvalue())
    assert len(problems) == 1 and ".docx" in problems[0]


def test_a_damaged_package_is_reported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    problems = _problems(buffer.getvalue())
    assert len(problems) == 1 and "无法打开" in problems[0]


def test_over_five_megabytes_is_refused():
    data = _docx("{{ school }}")
    problems = _problems(data + b"\x00" * (agency_templates.MAX_BYTES - len(data) + 1))
    assert len(problems) == 1 and "5 MB" in problems[0]
    assert agency_templates.MAX_BYTES == 5 * 1024 * 1024


def test_unknown_placeholder_is_named():
    problems = _problems(_docx("{{ school }}", "{{ unknown_thing }}"))
    assert len(problems) == 1
    assert "unknown_thing" in problems[0] and "school" not in problems[0]


def test_unknown_depends_on_the_kind():
    data = _docx("{{ attendance_summary }}")
    assert _problems(data, "meeting_record") == []
    assert "attendance_summary" in _problems(data, "lesson_plan")[0]


def test_loop_variables_and_jinja_globals_are_not_unknown():
    data = _docx(
        "{%p for s in sessions %}",
        "{{ loop.index }} {{ s.title }}",
        "{%p endfor %}",
        "{% for i in range(2) %}{{ i }}{% endfor %}",
    )
    assert _problems(data) == []


def test_unclosed_placeholder_is_a_syntax_problem():
    problems = _problems(_docx("学校：{{ school", "{{ term }}"))
    assert any("语法错误" in p and "{{ school" in p for p in problems)


def test_unknown_filter_is_a_syntax_problem():
    problems = _problems(_docx("{{ school|no_such_filter }}"))
    assert len(problems) == 1 and "no_such_filter" in problems[0]


def test_placeholder_split_across_paragraphs_is_named():
    problems = _problems(_docx("{{ sch", "ool }}"))
    assert any("同一段落" in p and "{{ sch" in p for p in problems)


def test_placeholder_split_across_runs_is_mended():
    data = _docx(runs=["{{ sch", "ool }}"])
    assert _problems(data) == []
    assert CTX["school"] in body_text(agency_templates.render_template(data, CTX))


def test_private_attributes_are_refused_at_upload():
    problems = _problems(
        _docx("{{ cycler.__init__.__globals__ }}", "{{ school|attr('__class__') }}")
    )
    assert len(problems) == 1
    assert all(name in problems[0] for name in ("__init__", "__globals__", "__class__"))


def test_user_text_with_markup_characters_renders_exactly():
    ctx = dict(CTX, title=PROBE)
    rendered = agency_templates.render_template(_docx("{{ title }}"), ctx)
    paragraphs = [p.text for p in Document(io.BytesIO(rendered)).paragraphs]
    assert paragraphs == [PROBE]


def test_rendered_file_properties_name_the_agency_not_the_template_author():
    document = Document(io.BytesIO(_docx("{{ title }}")))
    document.core_properties.author = "模板作者张老师"
    document.core_properties.comments = "{{ workers }}"
    buffer = io.BytesIO()
    document.save(buffer)
    props = Document(
        io.BytesIO(agency_templates.render_template(buffer.getvalue(), CTX))
    ).core_properties
    assert props.author == CTX["agency"] and props.comments == ""
    assert props.title == f"{CTX['doc_title']}：{CTX['title']}"


def test_dotted_items_means_the_items_key():
    data = _docx("{%p for i in satisfaction.items %}", "{{ i.text }}", "{%p endfor %}")
    rendered, used = agency_templates.build(
        "evaluation_report", DOCS["evaluation_report"].sample, data
    )
    assert used
    assert body_text(rendered).splitlines() == ["我喜欢小组的活动", "社工能理解我的感受"]


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ title.__class__.__base__.__subclasses__() }}",
        "{{ school|attr('__class__') }}",
        "{{ lipsum.__globals__ }}",
    ],
)
def test_sandbox_never_prints_python_internals(expression):
    rendered, used = agency_templates.build("group_plan", CTX, _docx(expression, "{{ school }}"))
    text = body_text(rendered)
    for leak in ("<class", "__", "builtins", "function", "module"):
        assert leak not in text
    if not used:
        assert "一、小组概述" in text  # the built-in document instead


def test_sandbox_raises_on_unsafe_attribute_chains():
    with pytest.raises(SecurityError):
        agency_templates.render_template(_docx("{{ cycler.__init__.__globals__ }}"), CTX)


@pytest.mark.parametrize(
    "template",
    [
        b"not a docx at all",
        _docx("{{ school"),
        _docx("{% for x in 5 %}{{ x }}{% endfor %}"),
        _docx("{% if school is no_such_test %}x{% endif %}"),
    ],
)
def test_build_falls_back_on_a_broken_template(template, caplog):
    with caplog.at_level(logging.WARNING, logger="planner.exports.agency_templates"):
        data, used = agency_templates.build("group_plan", CTX, template)
    assert not used
    assert "一、小组概述" in body_text(data)
    assert "group_plan" in caplog.text
    for value in (CTX["title"], CTX["school"], *CTX["workers"]):
        assert value not in caplog.text  # context values may be names: never logged


def test_build_without_a_template_uses_the_builder():
    data, used = agency_templates.build("term_stats", DOCS["term_stats"].sample)
    assert not used and "二、分学校统计" in body_text(data)


def test_build_with_a_good_template_uses_it():
    data, used = agency_templates.build("group_plan", CTX, _docx("自定义：{{ group_name }}"))
    assert used
    assert body_text(data) == f"自定义：{CTX['group_name']}"


def test_variables_are_the_sorted_top_level_keys():
    for kind in KINDS:
        assert agency_templates.VARIABLES[kind] == sorted(DOCS[kind].sample)
    assert "attendance" in agency_templates.VARIABLES["meeting_record"]
    assert "attendance" not in agency_templates.VARIABLES["lesson_plan"]


def test_a_broken_placeholder_in_the_file_properties_is_found():
    document = Document(io.BytesIO(_docx("{{ school }}")))
    document.core_properties.title = "{{ title"
    buffer = io.BytesIO()
    document.save(buffer)
    problems = _problems(buffer.getvalue())
    assert len(problems) == 1 and "语法错误" in problems[0]
