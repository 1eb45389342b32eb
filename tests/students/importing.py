"""Shared helpers for the class-list import tests: spreadsheet bytes and the three steps."""

import datetime as dt
import io
import re

from flask.testing import EnvironBuilder
from openpyxl import Workbook

HEADERS = ["序号", "学号", "姓名", "性别", "出生日期", "班级", "监护人", "监护人电话"]


def xlsx(rows, headers=HEADERS, title="学生名单") -> bytes:
    """A workbook as a school office makes one: a title row above the header is NOT used
    here (the header is the first non-empty row); numbers typed as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="gb18030", sep=",") -> bytes:
    lines = [sep.join(headers)] + [sep.join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def real_rows(world, n=3):
    """Row values as they come out of Excel: ids as int or float, names with trailing spaces,
    a birth date as a date cell, phone numbers as floats."""
    rows = [
        [1, 20240101, "张三 ", "男", dt.datetime(2013, 3, 5), "7(1)班 ", "张建国", 13800001111.0],
        [2, "20240102 ", "李四\u3000", "女 ", "2013/4/6", "7（1）班", "李娜 ", "13900002222"],
        [3, 20240103.0, " 王五", "男生", "2013年5月7日", " 7(1) 班", "", ""],
    ]
    return rows[:n]


def upload(client, world, data, name="名单.xlsx", school=None, headers=None):
    school = school or world.school
    builder = EnvironBuilder(
        client.application,
        f"/schools/{school.id}/students/import",
        method="POST",
        headers=headers or {},
        data={"file": (io.BytesIO(data), name)},
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        # werkzeug spools a big test body to a temporary file and never closes it
        environ["wsgi.input"].close()
        builder.close()


def token_of(html):
    return re.search(r'name="upload" value="([^"]+)"', html).group(1)


def selected(html):
    """{field: column index} as pre-selected on the mapping form."""
    out = {}
    for key, body in re.findall(
        r'<select id="f-col-(\w+)" name="col_\w+"[^>]*>(.*?)</select>', html, re.S
    ):
        match = re.search(r'<option value="(\d+)" selected>', body)
        out[key] = int(match.group(1)) if match else None
    return out


def mapping_form(token, mapping):
    data = {"upload": token}
    data.update({f"col_{k}": "" if v is None else str(v) for k, v in mapping.items()})
    return data


def preview(client, world, token, mapping):
    return client.post(
        f"/schools/{world.school.id}/students/import/preview", data=mapping_form(token, mapping)
    )


def commit(client, world, token, mapping):
    return client.post(
        f"/schools/{world.school.id}/students/import/commit", data=mapping_form(token, mapping)
    )


GUESSED = {
    "student_no": 1,
    "name": 2,
    "gender": 3,
    "birth_date": 4,
    "school_class": 5,
    "guardian_name": 6,
    "guardian_phone": 7,
}
