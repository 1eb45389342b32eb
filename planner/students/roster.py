"""Class-list import (花名册导入) from .xlsx or .csv: read → map columns → preview → commit.

Reading is a pure function (bytes in, a table of trimmed strings out). Validation reads the
school's classes and student numbers once, whatever the number of rows. The commit issues
every archive code in one batch and inserts in bulk, all in one transaction: all or nothing.
"""

import csv
import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass, field

from peewee import IntegrityError

from planner.audit.models import record
from planner.db import write_tx
from planner.errors import PlannerError
from planner.forms import clean_text
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.schools.models import School
from planner.students.codes import issue_codes
from planner.students.models import Student
from planner.students.services import school_classes
from planner.students.sheet_limits import check_cell, check_xlsx

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_LINES = 4 * MAX_ROWS  # blank lines included
BATCH = 100  # rows per INSERT (10 columns each: far below every database's parameter limit)

# (key, label, required, max length); the labels are the column names offered for mapping
FIELDS = (
    ("student_no", _l("学号"), True, 30),
    ("name", _l("姓名"), True, 40),
    ("gender", _l("性别"), False, 2),
    ("birth_date", _l("出生日期"), False, 20),
    ("school_class", _l("班级"), True, 40),
    ("guardian_name", _l("监护人"), False, 40),
    ("guardian_phone", _l("监护人电话"), False, 20),
)
FIELD_KEYS = tuple(f[0] for f in FIELDS)
# Header words per field, most specific first: "监护人电话" must not be taken for 监护人.
GUESS = (
    (
        "guardian_phone",
        (
            "监护人电话",
            "监护人手机",
            "家长电话",
            "家长手机",
            "联系电话",
            "联系方式",
            "电话",
            "手机",
            "phone",
            "mobile",
            "tel",
        ),
    ),
    ("guardian_name", ("监护人", "家长", "guardian", "parent")),
    ("student_no", ("学号", "学籍号", "学生编号", "student no", "student number", "student id")),
    ("name", ("姓名", "名字", "学生", "name")),
    ("gender", ("性别", "gender", "sex")),
    ("birth_date", ("出生日期", "出生年月", "出生", "生日", "birth", "dob")),
    ("school_class", ("班级", "班别", "所在班", "class")),
)
GENDERS = {
    "男": "男",
    "男生": "男",
    "m": "男",
    "male": "男",
    "女": "女",
    "女生": "女",
    "f": "女",
    "female": "女",
}
PHONE = re.compile(r"^[0-9+\-() ]{3,20}$")
SPACES = "\u3000\xa0\ufeff"
FLOAT_TEXT = re.compile(r"^(\d+)\.0+$")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class Row:
    n: int  # the row number in the spreadsheet (the header is row 1, usually)
    values: dict
    errors: list = field(default_factory=list)
    clean: dict = field(default_factory=dict)


# ---- reading -----------------------------------------------------------------------------


def read_limited(stream, limit: int = MAX_BYTES) -> bytes:
    """Read an upload, refusing more than `limit` bytes without reading all of it."""
    try:
        data = stream.read(limit + 1)
    finally:
        stream.close()
    if len(data) > limit:
        raise PlannerError(_l("文件超过 10 MB，无法导入。请只保留需要导入的工作表和列后再试。"))
    return data


def cell(value) -> str:
    """One cell as trimmed text: 20240101.0 → "20240101", a date → 2012-03-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    # control characters go, as in a form (a Word export can't hold them)
    text = clean_text(str(value)).strip(SPACES).strip()
    match = FLOAT_TEXT.match(text)
    return match.group(1) if match else text


def parse(data: bytes, filename: str = "") -> dict:
    """{"headers": [...], "rows": [[row number, [cells]], ...]}; ImportProblem if unusable."""
    if not data.strip():
        raise PlannerError(_l("文件是空的。"))
    if data[:4] == b"PK\x03\x04":
        check_xlsx(data)  # before openpyxl inflates anything
        table = _xlsx_rows(data)
    elif data[:4] == b"\xd0\xcf\x11\xe0":
        raise PlannerError(
            _l("这是旧版 Excel（.xls）文件。请在 Excel 中另存为 .xlsx 或 .csv 后再上传。")
        )
    else:
        table = _csv_rows(_text(data))
    return _table(table)


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        # openpyxl warns about styles and extensions it can't read; they don't matter here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a broken zip raises many different errors
        raise PlannerError(
            _l("无法读取这个 Excel 文件。请确认它是 .xlsx 格式，或另存为 .csv 后再试。")
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for n, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if _enough(rows, n, _cells(n, values)):
                break
        return rows
    finally:
        book.close()


def _text(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        return data.decode("utf-16")
    if b"\x00" in data or data[:5] == b"%PDF-":
        raise PlannerError(_l("这不是电子表格文件。请上传 .xlsx 或 .csv 格式的学生名单。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlannerError(_l("无法识别文件编码。请在 Excel 中另存为“CSV UTF-8”后再试。"))


def _csv_rows(text: str):
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for n, values in enumerate(reader, 1):
            if _enough(rows, n, _cells(n, values[:MAX_COLUMNS])):
                break
    except csv.Error as exc:
        raise PlannerError(
            _l("CSV 文件格式有误（第 %(n)s 行附近），无法读取。", n=len(rows) + 1)
        ) from exc
    return rows


def _cells(n: int, values) -> list:
    """One row's cells as text; the first one past MAX_CELL stops the import."""
    return [check_cell(cell(v), n, i) for i, v in enumerate(values, 1)]


def _enough(rows: list, n: int, values: list) -> bool:
    """Keep non-empty rows; True once there are more than anyone may import, or after very
    many lines (a sheet "used" down to row 1,048,576 is mostly blank formatting)."""
    if any(values):
        rows.append((n, values))
    return len(rows) > MAX_ROWS + 1 or n > MAX_LINES


def _table(rows) -> dict:
    if not rows:
        raise PlannerError(_l("文件是空的。"))
    header_n, headers = rows[0]
    width = max((i + 1 for i, h in enumerate(headers) if h), default=0)
    if width < 2:
        raise PlannerError(
            _l("第一行只有一列。请上传第一行是表头（学号、姓名、班级……）的 .xlsx 或 .csv 表格。")
        )
    data = [[n, (values + [""] * width)[:width]] for n, values in rows[1:]]
    if not data:
        raise PlannerError(_l("文件只有表头，没有学生数据。"))
    if len(data) > MAX_ROWS:
        raise PlannerError(_l("一次最多导入 %(n)s 名学生，请分成几个文件。", n=MAX_ROWS))
    headers = [h or str(_l("（第 %(n)s 列）", n=i + 1)) for i, h in enumerate(headers[:width])]
    return {"headers": headers, "rows": data, "header_row": header_n}


# ---- mapping and validation ------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", text).lower()


def guess(headers: list) -> dict:
    """{field: column index or None}, from the header words; each column used once."""
    taken, out = set(), {key: None for key in FIELD_KEYS}
    for key, words in GUESS:
        for i, header in enumerate(headers):
            h = _norm(header)
            if i not in taken and any(_norm(w) == h for w in words):
                out[key] = i
                taken.add(i)
                break
        else:
            for i, header in enumerate(headers):
                h = _norm(header)
                if i not in taken and any(_norm(w) in h for w in words if len(w) > 1):
                    out[key] = i
                    taken.add(i)
                    break
    return out


def check_mapping(mapping: dict, width: int) -> dict:
    """{field: message} for a mapping that misses a required column or uses one twice."""
    errors, seen = {}, {}
    for key, label, required, _ in FIELDS:
        index = mapping.get(key)
        if index is None:
            if required:
                errors[key] = _l("请为“%(f)s”选择文件中对应的列。", f=label)
        elif not 0 <= index < width:
            errors[key] = _l("请选择有效的选项。")
        elif index in seen:
            errors[key] = _l("这一列已用于“%(f)s”。", f=seen[index])
        else:
            seen[index] = label
    return errors


def class_key(name: str) -> str:
    """7（1）班, 7(1) 班 and 7(1)班 are one class."""
    return re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")


def parse_date(text: str) -> dt.date | None:
    """2012-03-05, 2012/3/5, 2012.3.5, 2012年3月5日 or 20120305; None if not a date."""
    match = DATE_TEXT.match(text)
    if match:
        parts = match.groups()
    elif re.fullmatch(r"\d{8}", text):
        parts = (text[:4], text[4:6], text[6:])
    else:
        return None
    try:
        return dt.date(*(int(p) for p in parts))
    except ValueError:
        return None


def validate(school: School, table: dict, mapping: dict, today: dt.date | None = None) -> list:
    """Every data row with its cleaned values and its problems (two queries in all)."""
    today = today or local_today()
    classes = {class_key(c.name): c.id for c in school_classes(school.id)}
    existing = {
        no
        for (no,) in Student.select(Student.student_no).where(Student.school == school.id).tuples()
    }
    first_seen, out = {}, []
    for n, cells in table["rows"]:
        values = {
            key: (cells[mapping[key]] if mapping.get(key) is not None else "") for key in FIELD_KEYS
        }
        row = Row(n, values)
        _check_row(row, classes, today)
        number = values["student_no"]
        if number and number in first_seen:
            row.errors.append(_l("学号与第 %(n)s 行重复。", n=first_seen[number]))
        elif number in existing:
            row.errors.append(_l("本校已有学号为 %(no)s 的学生。", no=number))
        first_seen.setdefault(number, n)
        out.append(row)
    return out


def _check_row(row: Row, classes: dict, today: dt.date) -> None:
    v, errors = row.values, row.errors
    for key, label, required, limit in FIELDS:
        if required and not v[key]:
            errors.append(_l("缺少%(f)s。", f=label))
        elif len(v[key]) > limit:
            errors.append(_l("%(f)s超过 %(n)s 个字。", f=label, n=limit))
    clean = {
        "student_no": v["student_no"],
        "name": v["name"],
        "guardian_name": v["guardian_name"],
        "guardian_phone": v["guardian_phone"],
        "gender": "",
        "birth_date": None,
        "school_class": None,
    }
    if v["gender"]:
        clean["gender"] = GENDERS.get(v["gender"].lower(), "")
        if not clean["gender"]:
            errors.append(_l("性别应为“男”或“女”。"))
    if v["birth_date"]:
        born = parse_date(v["birth_date"])
        if born is None or born > today or born.year < 1990:
            errors.append(
                _l("出生日期“%(d)s”无法识别，请写成 2012-03-05 的形式。", d=v["birth_date"])
            )
        clean["birth_date"] = born
    if v["school_class"]:
        clean["school_class"] = classes.get(class_key(v["school_class"]))
        if clean["school_class"] is None:
            errors.append(_l("本校没有名为“%(c)s”的班级。", c=v["school_class"]))
    if v["guardian_phone"] and not PHONE.match(v["guardian_phone"]):
        errors.append(_l("监护人电话格式不正确。"))
    row.clean = clean


def commit(school: School, rows: list, user=None) -> int:
    """Insert every row with a new archive code, or nothing; returns the number inserted.
    One audit row names the school, the count and the codes issued."""
    if not rows or any(row.errors for row in rows):
        raise PlannerError(_l("还有需要修改的行，未导入任何学生。"))
    try:
        with write_tx():
            codes = issue_codes(school, len(rows))
            records = [
                dict(row.clean, school=school.id, archive_code=code)
                for row, code in zip(rows, codes)
            ]
            for start in range(0, len(records), BATCH):
                Student.insert_many(records[start : start + BATCH]).execute()
            detail = f"school={school.id} count={len(records)} codes={codes[0]}..{codes[-1]}"
            record(user, "roster_import", "school", school.id, detail)
    except IntegrityError as exc:
        raise PlannerError(
            _l(
                "导入时发现学号或档案编码与已有记录重复（可能有人刚刚添加了学生），"
                "未导入任何学生。请重新预览。"
            )
        ) from exc
    return len(records)
