"""Class-list import: real-looking .xlsx and GB18030 .csv files, the column mapping, row-level
errors, all-or-nothing commit, 600 rows in one go, and every bad file."""

import datetime as dt
import io
import os
import re

import pytest

from planner.i18n import local_today
from planner.students import roster, uploads
from planner.students.models import ArchiveCounter, Student
from tests import factories as base
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.conftest import HTMX, inline_error, text
from tests.students.importing import (
    GUESSED,
    commit,
    csv_bytes,
    mapping_form,
    preview,
    real_rows,
    selected,
    token_of,
    upload,
    xlsx,
)

# ---- the screens ---------------------------------------------------------------------------


def test_upload_map_preview_commit(worker, world, import_dir):
    page = worker.get(f"/schools/{world.school.id}/students/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in text(page)
    mapped = upload(worker, world, xlsx(real_rows(world)))
    assert mapped.status_code == 200
    html = text(mapped)
    assert selected(html) == GUESSED
    token = token_of(html)
    assert os.listdir(import_dir) == [f"{token}.json"]
    assert oct(os.stat(import_dir / f"{token}.json").st_mode & 0o777) == "0o600"
    assert Student.select().count() == 0  # nothing saved before the commit

    checked = preview(worker, world, token, GUESSED)
    assert checked.status_code == 200
    assert "共 3 行，全部可以导入" in text(checked) and "全部导入（3 人）" in text(checked)
    assert Student.select().count() == 0

    done = commit(worker, world, token, GUESSED)
    assert done.status_code == 303
    assert done.location == f"/schools/{world.school.id}/students?imported=3"
    students = list(Student.select().order_by(Student.student_no))
    assert [
        (
            s.student_no,
            s.name,
            s.gender,
            s.birth_date,
            s.school_class_id,
            s.guardian_name,
            s.guardian_phone,
        )
        for s in students
    ] == [
        ("20240101", "张三", "男", dt.date(2013, 3, 5), world.cls.id, "张建国", "13800001111"),
        ("20240102", "李四", "女", dt.date(2013, 4, 6), world.cls.id, "李娜", "13900002222"),
        ("20240103", "王五", "男", dt.date(2013, 5, 7), world.cls.id, "", ""),
    ]
    year = local_today().year
    assert [s.archive_code for s in students] == [f"JX-ST-{year}-000{i}" for i in (1, 2, 3)]
    assert os.listdir(import_dir) == []  # the uploaded list is gone from the server
    assert "已导入 3 名学生" in text(worker.get(done.location))


def test_the_steps_work_with_htmx(worker, world):
    mapped = upload(worker, world, xlsx(real_rows(world)), headers=HTMX)
    assert text(mapped).lstrip().startswith('<div id="import-panel">')
    token = token_of(text(mapped))
    done = worker.post(
        f"/schools/{world.school.id}/students/import/commit",
        data=mapping_form(token, GUESSED),
        headers=HTMX,
    )
    assert done.status_code == 204 and "imported=3" in done.headers["HX-Location"]


def test_a_gb18030_csv_imports(worker, world):
    data = csv_bytes(
        [
            [1, "20240201", "欧阳娜娜", "女", "2013-03-05", "7(1)班", "欧阳丽", "13800001111"],
            [2, "20240202.0", "司马光 ", "男", "20130406", "7(1)班", "", ""],
        ]
    )
    token = token_of(text(upload(worker, world, data, name="名单.csv")))
    assert commit(worker, world, token, GUESSED).status_code == 303
    assert {s.name for s in Student.select()} == {"欧阳娜娜", "司马光"}
    assert Student.get(Student.name == "司马光").student_no == "20240202"


def test_600_rows_import_in_one_go(worker, world):
    second = base.school_class(school=world.school, name="7(2)班")
    rows = [
        [
            i,
            20250000 + i,
            f"学生{i:03d} ",
            "男" if i % 2 else "女",
            dt.datetime(2013, 1 + i % 12, 1 + i % 28),
            "7(1)班" if i % 2 else "7(2)班",
            f"家长{i}",
            13800000000.0 + i,
        ]
        for i in range(1, 601)
    ]
    token = token_of(text(upload(worker, world, xlsx(rows))))
    checked = preview(worker, world, token, GUESSED)
    assert "共 600 行，全部可以导入" in text(checked)
    assert commit(worker, world, token, GUESSED).status_code == 303
    students = list(Student.select())
    assert len(students) == 600
    assert len({s.archive_code for s in students}) == 600
    assert len({s.student_no for s in students}) == 600
    assert sum(1 for s in students if s.school_class_id == second.id) == 300
    counter = ArchiveCounter.get(ArchiveCounter.school == world.school.id)
    assert counter.value == 600  # one batch of codes, nothing skipped or reused


@pytest.mark.parametrize(
    "rows, problems",
    [
        ([[1, "20240101", "张三", "男", "", "", "", ""]], ["缺少班级。"]),
        ([[1, "20240101", "张三", "男", "", "9(9)班", "", ""]], ["本校没有名为“9(9)班”的班级。"]),
        ([[1, "", "张三", "男", "", "7(1)班", "", ""]], ["缺少学号。"]),
        ([[1, "20240101", "", "男", "", "7(1)班", "", ""]], ["缺少姓名。"]),
        (
            [[1, "20240101", "张三", "男", "2013-02-30", "7(1)班", "", ""]],
            ["出生日期“2013-02-30”无法识别，请写成 2012-03-05 的形式。"],
        ),
        (
            [[1, "20240101", "张三", "男", "2099-01-01", "7(1)班", "", ""]],
            ["出生日期“2099-01-01”无法识别，请写成 2012-03-05 的形式。"],
        ),
        ([[1, "20240101", "张三", "未知", "", "7(1)班", "", ""]], ["性别应为“男”或“女”。"]),
        ([[1, "20240101", "张" * 41, "男", "", "7(1)班", "", ""]], ["姓名超过 40 个字。"]),
        ([[1, "20240101", "张三", "男", "", "7(1)班", "", "打电话"]], ["监护人电话格式不正确。"]),
        (
            [
                [1, "20240101", "张三", "男", "", "7(1)班", "", ""],
                [2, "20240101.0", "李四", "女", "", "7(1)班", "", ""],
            ],
            [None, "学号与第 2 行重复。"],
        ),
    ],
)
def test_row_level_errors(world, rows, problems):
    table = roster.parse(csv_bytes(rows))
    checked = roster.validate(world.school, table, GUESSED)
    assert [([str(e) for e in row.errors] or [None])[0] for row in checked] == problems


def test_a_number_already_in_the_school_is_an_error(worker, world):
    f.student(world.school, world.cls, student_no="20240102")
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    html = text(preview(worker, world, token, GUESSED))
    assert "本校已有学号为 20240102 的学生。" in html
    assert "其中 1 行有问题" in html and "全部导入" not in html


def test_one_bad_row_means_nothing_is_imported(worker, world):
    rows = real_rows(world) + [[4, "20240104", "赵六", "男", "", "", "", ""]]
    token = token_of(text(upload(worker, world, xlsx(rows))))
    done = commit(worker, world, token, GUESSED)  # even if the button is forced
    assert done.status_code == 422
    assert "还有需要修改的行，未导入任何学生。" in text(done) and "缺少班级。" in text(done)
    assert Student.select().count() == 0
    assert ArchiveCounter.select().count() == 0


def test_a_student_added_between_preview_and_commit_is_caught(worker, world):
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    assert "全部可以导入" in text(preview(worker, world, token, GUESSED))
    f.student(world.school, world.cls, student_no="20240103")
    done = commit(worker, world, token, GUESSED)
    assert done.status_code == 422 and Student.select().count() == 1


def test_a_wrong_header_asks_for_the_columns(worker, world):
    data = csv_bytes([["20240101", "张三", "7(1)班"]], headers=["编号", "名单", "组别"])
    html = text(upload(worker, world, data, name="名单.csv"))
    assert "没有识别出任何列名" in html
    assert selected(html) == dict.fromkeys(roster.FIELD_KEYS)
    token = token_of(html)
    refused = preview(worker, world, token, dict.fromkeys(roster.FIELD_KEYS))
    assert refused.status_code == 422
    assert inline_error(text(refused), "student_no") == "请为“学号”选择文件中对应的列。"
    assert inline_error(text(refused), "school_class") == "请为“班级”选择文件中对应的列。"
    mapped = {"student_no": 0, "name": 1, "school_class": 2}
    assert commit(worker, world, token, mapped).status_code == 303
    assert Student.get().name == "张三"


def test_one_column_for_two_fields_is_refused(worker, world):
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    response = preview(worker, world, token, dict(GUESSED, guardian_name=2))
    assert response.status_code == 422
    assert inline_error(text(response), "guardian_name") == "这一列已用于“姓名”。"


@pytest.mark.parametrize("value", ["99", "-1", "abc"])
def test_a_forged_column_index_is_refused(worker, world, value):
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    data = dict(mapping_form(token, GUESSED), col_name=value)
    response = worker.post(f"/schools/{world.school.id}/students/import/preview", data=data)
    assert response.status_code == 422
    assert inline_error(text(response), "name") == "请选择有效的选项。"


def test_back_from_the_preview_to_the_mapping(worker, world):
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    data = dict(mapping_form(token, GUESSED), back="1")
    html = text(worker.post(f"/schools/{world.school.id}/students/import/preview", data=data))
    assert selected(html) == GUESSED and token_of(html) == token


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "名单.xlsx", "文件是空的。"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "照片.png", "这不是电子表格文件"),
        (b"\x00" * (10 * 1024 * 1024 + 1), "大文件.xlsx", "文件超过 10 MB"),
    ],
)
def test_bad_files_get_a_clear_message_on_the_upload_form(
    worker, world, import_dir, data, name, message
):
    response = upload(worker, world, data, name=name)
    assert response.status_code == 422
    assert message in text(response) and 'type="file"' in text(response)
    assert not import_dir.exists() or os.listdir(import_dir) == []


def test_a_file_of_exactly_10_mb_is_read(world):
    data = "学号,姓名,班级\n001,张三,7(1)班\n".encode()
    pad = b" " * 5000 + b"\n"  # blank lines, as an export padded with spaces has
    data += pad * ((10 * 1024 * 1024 - len(data)) // len(pad))
    data += b" " * (10 * 1024 * 1024 - len(data))
    assert len(data) == 10 * 1024 * 1024
    assert len(roster.parse(roster.read_limited(io.BytesIO(data)))["rows"]) == 1


def test_no_file_chosen(worker, world):
    response = worker.post(
        f"/schools/{world.school.id}/students/import", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "请选择要导入的 .xlsx 或 .csv 文件。" in text(response)


# ---- the stored upload ---------------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 30, "a/b" * 10])
def test_an_unknown_or_forged_upload_id_is_expired(worker, world, token):
    response = commit(worker, world, token, GUESSED)
    assert response.status_code == 422
    assert "导入数据已失效" in text(response)


def test_another_users_upload_is_not_theirs(client, world):
    login_as(client, world.worker)
    token = token_of(text(upload(client, world, xlsx(real_rows(world)))))
    login_as(client, world.admin)
    assert "导入数据已失效" in text(commit(client, world, token, GUESSED))
    assert Student.select().count() == 0


def test_an_upload_is_bound_to_its_school(client, world):
    other_worker = base.user(
        "worker", agency=world.agency, schools=[world.school, world.other_school]
    )
    login_as(client, other_worker)
    token = token_of(text(upload(client, world, xlsx(real_rows(world)))))
    response = client.post(
        f"/schools/{world.other_school.id}/students/import/commit",
        data=mapping_form(token, GUESSED),
    )
    assert "导入数据已失效" in text(response) and Student.select().count() == 0


def test_an_old_upload_expires_and_is_swept(worker, world, import_dir):
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    path = import_dir / f"{token}.json"
    old = path.stat().st_mtime - uploads.MAX_AGE_SECONDS - 1
    os.utime(path, (old, old))
    assert "导入数据已失效" in text(commit(worker, world, token, GUESSED))
    upload(worker, world, xlsx(real_rows(world)))  # the next upload sweeps it
    assert not path.exists() and len(os.listdir(import_dir)) == 1


def test_cancel_deletes_the_upload(worker, world, import_dir):
    token = token_of(text(upload(worker, world, xlsx(real_rows(world)))))
    response = worker.post(
        f"/schools/{world.school.id}/students/import/cancel", data={"upload": token}
    )
    assert response.status_code == 303 and os.listdir(import_dir) == []


def test_the_browser_never_holds_the_rows(worker, world):
    """Between the steps the forms carry the upload id and column numbers only."""
    html = text(upload(worker, world, xlsx(real_rows(world))))
    token = token_of(html)
    checked = text(preview(worker, world, token, GUESSED))
    for page in (html, checked):
        page = page[page.index('<div id="import-panel">') :]
        hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
        assert {name for name, _ in hidden} <= {"csrf_token", "upload"} | {
            f"col_{k}" for k in roster.FIELD_KEYS
        }
        assert all("张三" not in value for _, value in hidden)


@pytest.mark.parametrize(
    "persona, status", [("supervisor", 403), ("teacher", 403), ("worker_other", 404)]
)
def test_only_the_schools_workers_and_admins_import(client, world, persona, status):
    login_as(client, getattr(world, persona))
    assert upload(client, world, xlsx(real_rows(world))).status_code == status
