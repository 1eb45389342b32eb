"""Reading class lists: xlsx and CSV flavours, trimming, unusable files."""

import datetime as dt
import io
import zipfile

import pytest

from planner.errors import PlannerError
from planner.students import roster
from tests.students.importing import GUESSED, HEADERS, csv_bytes, real_rows, xlsx

# ---- reading files -------------------------------------------------------------------------


def test_cells_are_trimmed_and_numbers_become_text():
    assert roster.cell(20240101.0) == "20240101"
    assert roster.cell(20240101) == "20240101"
    assert roster.cell("20240101.0 ") == "20240101"
    assert roster.cell(" 张三\u3000") == "张三"
    assert roster.cell(None) == ""
    assert roster.cell(dt.datetime(2013, 3, 5)) == "2013-03-05"
    assert roster.cell(13.5) == "13.5"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2013-03-05", dt.date(2013, 3, 5)),
        ("2013/3/5", dt.date(2013, 3, 5)),
        ("2013.3.5", dt.date(2013, 3, 5)),
        ("2013年3月5日", dt.date(2013, 3, 5)),
        ("20130305", dt.date(2013, 3, 5)),
        ("2013-02-30", None),
        ("3/5/2013", None),
        ("明年", None),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert roster.parse_date(value) == expected


def test_a_real_looking_xlsx_is_read(world):
    table = roster.parse(xlsx(real_rows(world)), "名单.xlsx")
    assert table["headers"] == HEADERS
    assert [cells for _, cells in table["rows"]] == [
        ["1", "20240101", "张三", "男", "2013-03-05", "7(1)班", "张建国", "13800001111"],
        ["2", "20240102", "李四", "女", "2013/4/6", "7（1）班", "李娜", "13900002222"],
        ["3", "20240103", "王五", "男生", "2013年5月7日", "7(1) 班", "", ""],
    ]
    assert [n for n, _ in table["rows"]] == [2, 3, 4]


def test_a_gb18030_csv_is_read():
    data = csv_bytes([[1, "20240101", "欧阳娜娜 ", "女", "2013-03-05", "7(1)班", "欧阳丽", ""]])
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GB18030, as Excel saves "CSV" on a Chinese Windows
    table = roster.parse(data, "名单.csv")
    assert table["rows"][0][1][2] == "欧阳娜娜"


@pytest.mark.parametrize("encoding, sep", [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t")])
def test_other_csv_flavours_are_read(encoding, sep):
    table = roster.parse(
        csv_bytes([[1, "20240101", "张三", "男", "", "7(1)班", "", ""]], encoding=encoding, sep=sep)
    )
    assert table["headers"][0] == "序号" and table["rows"][0][1][:3] == ["1", "20240101", "张三"]


def test_blank_rows_and_trailing_columns_are_ignored():
    data = "\n学号,姓名,班级,,\n,,,,\n001,张三,7(1)班,,\n".encode()
    table = roster.parse(data)
    assert table["headers"] == ["学号", "姓名", "班级"]
    assert table["rows"] == [[4, ["001", "张三", "7(1)班"]]]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "文件是空的。"),
        (b"  \r\n \r\n", "文件是空的。"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "这不是电子表格文件"),
        (b"%PDF-1.7\n1 0 obj", "这不是电子表格文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel（.xls）"),
        (b"PK\x03\x04not really a zip", "无法读取这个 Excel 文件"),
        ("学号,姓名,班级\n".encode(), "文件只有表头"),
        ("这是一份说明文档。\n请勿外传。\n".encode(), "第一行只有一列"),
    ],
)
def test_unusable_files_get_a_clear_message(data, message):
    with pytest.raises(PlannerError) as caught:
        roster.parse(data)
    assert message in caught.value.message


def test_a_word_file_is_not_a_spreadsheet():
    """A .docx is a zip too."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(PlannerError, match="无法读取这个 Excel 文件"):
        roster.parse(out.getvalue(), "名单.docx")


def test_too_many_rows_are_refused():
    data = ("学号,姓名,班级\n" + "".join(f"{i},学生,7(1)班\n" for i in range(5001))).encode()
    with pytest.raises(PlannerError, match="一次最多导入 5000 名学生"):
        roster.parse(data)


def test_guess_columns_from_header_words():
    assert roster.guess(HEADERS) == GUESSED
    assert roster.guess(["学生姓名", "学籍号", "所在班级", "家长姓名", "家长手机", "生日"]) == {
        "name": 0,
        "student_no": 1,
        "school_class": 2,
        "guardian_name": 3,
        "guardian_phone": 4,
        "birth_date": 5,
        "gender": None,
    }
    assert roster.guess(["编号", "名单", "组别"]) == dict.fromkeys(roster.FIELD_KEYS)
