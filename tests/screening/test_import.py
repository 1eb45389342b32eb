"""Results imported from a platform's sheet: upload → columns guessed → preview → all or
nothing. Students lacking the screening consent are listed in the preview and block the
import; a hostile workbook is refused by the class-list import's guards."""

import io
import os
import zipfile

from flask.testing import EnvironBuilder
from werkzeug.datastructures import MultiDict

from planner.audit.models import AuditEntry
from planner.screening.models import ScreeningResult
from tests.screening import factories as sf
from tests.security.fuzz_forms import forms_of
from tests.students.importing import csv_bytes, xlsx

ITEMS = [f"第{n}题" for n in range(1, 13)]


def _upload(client, rnd, data, name="结果.csv"):
    builder = EnvironBuilder(
        client.application,
        f"/screening/{rnd.id}/import",
        method="POST",
        data={"file": (io.BytesIO(data), name)},
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def _next(client, html, ending, **extra):
    form = next(f for f in forms_of(html) if f.action.endswith(ending))
    data = MultiDict(
        [(n, v) for n, f in form.fields.items() for v in f.values if f.kind != "button"]
    )
    for key, value in extra.items():
        data[key] = value
    return client.post(form.action, data=data)


def _rows(*students, value="1", **by_item):
    out = []
    for s in students:
        scores = [by_item.get(f"q{n}", value) for n in range(1, 13)]
        out.append([s.student_no, *scores])
    return out


def _through_preview(client, rnd, data, name="结果.csv"):
    mapping = _upload(client, rnd, data, name)
    assert mapping.status_code == 200, mapping.get_data(as_text=True)[:500]
    return _next(client, mapping.get_data(as_text=True), "/preview")


def test_a_sheet_imports_every_row(worker, world, rnd):
    a, b = sf.student(world), sf.student(world)
    data = xlsx(_rows(a, q12="0") + _rows(b, value="2"), headers=["学号", *ITEMS])
    preview = _through_preview(worker, rnd, data, "平台导出.xlsx")
    html = preview.get_data(as_text=True)
    assert (
        preview.status_code == 200 and "全部可以导入" in html and "一般" in html and "高危" in html
    )
    done = _next(worker, html, "/commit")
    assert done.status_code == 303
    tiers = {r.student_id: (r.total, r.tier) for r in ScreeningResult.select()}
    assert tiers == {a.id: (11, "normal"), b.id: (24, "high")}
    assert AuditEntry.select().where(AuditEntry.action == "screening_import").count() == 1


def _refused_preview(worker, rnd, data, words):
    preview = _through_preview(worker, rnd, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert words in html, html[-3000:]
    assert "全部导入" not in html  # no commit button
    # and a forged commit imports nothing
    before = ScreeningResult.select().count()
    assert _next(worker, html, "/commit").status_code == 422
    assert ScreeningResult.select().count() == before


def test_scores_out_of_range_or_not_numbers_block_the_import(worker, world, rnd):
    a, b, c, d = (sf.student(world) for _ in range(4))
    rows = (
        _rows(a, q3="4")
        + _rows(b, q5="-1")
        + _rows(c, q1="99999999999999999999")
        + _rows(d, q2="三")
    )
    _refused_preview(worker, rnd, csv_bytes(rows, headers=["学号", *ITEMS]), "的整数")


def test_a_student_twice_or_unknown_blocks_the_import(worker, world, rnd):
    a = sf.student(world)
    rows = _rows(a) + _rows(a) + [["NOBODY", *["1"] * 12]]
    data = csv_bytes(rows, headers=["学号", *ITEMS])
    preview = _through_preview(worker, rnd, data).get_data(as_text=True)
    assert "学号与第 2 行重复" in preview and "没有学号为 NOBODY 的学生" in preview
    _refused_preview(worker, rnd, data, "重复")


def test_a_student_with_a_result_already_blocks_the_import(worker, world, rnd):
    a = sf.student(world)
    sf.result(rnd, a, 0)
    _refused_preview(
        worker, rnd, csv_bytes(_rows(a), headers=["学号", *ITEMS]), "在这次筛查中已有结果"
    )


def test_students_lacking_consent_are_listed_and_block_the_import(worker, world, rnd):
    ok, lacking = sf.student(world), sf.student(world, consent=False)
    data = csv_bytes(_rows(ok) + _rows(lacking), headers=["学号", *ITEMS])
    preview = _through_preview(worker, rnd, data).get_data(as_text=True)
    assert 'id="lacking-consent"' in preview and lacking.archive_code in preview
    assert ok.archive_code not in preview.split('id="lacking-consent"')[1].split("</div>")[0]
    _refused_preview(worker, rnd, data, "缺少“心理筛查”同意")
    reads = AuditEntry.select().where(AuditEntry.action == "screening_read")
    assert any(lacking.archive_code in r.detail for r in reads)


def test_a_missing_column_asks_for_the_mapping_again(worker, world, rnd):
    a = sf.student(world)
    data = csv_bytes([[a.student_no, "1", "1"]], headers=["学号", "第1题", "第2题"])
    mapping = _upload(worker, rnd, data).get_data(as_text=True)
    blank = {f"col_q{n}": "" for n in range(3, 13)}  # as a browser sends 文件中没有这一列
    response = _next(worker, mapping, "/preview", **blank)
    assert response.status_code == 422
    assert "请为“第3题”选择文件中对应的列" in response.get_data(as_text=True)


def test_empty_and_hostile_files_are_refused(worker, world, rnd, import_dir):
    assert _upload(worker, rnd, b"").status_code == 422
    assert _upload(worker, rnd, b"%PDF-1.4 \x00\x00", "x.csv").status_code == 422
    base = xlsx([["S1", *["1"] * 12]], headers=["学号", *ITEMS])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for n in range(30):
            dst.writestr(f"xl/media/pad{n}.bin", b"\0" * (1024 * 1024))
    response = _upload(worker, rnd, out.getvalue(), "炸弹.xlsx")
    assert response.status_code == 422
    assert "表格解压后超过 20 MB" in response.get_data(as_text=True)
    assert not import_dir.exists() or os.listdir(import_dir) == []


def test_an_upload_is_the_uploaders_and_the_rounds_only(app, worker, world, rnd):
    a = sf.student(world)
    html = _upload(worker, rnd, csv_bytes(_rows(a), headers=["学号", *ITEMS])).get_data(
        as_text=True
    )
    other = sf.screening_round(world, title="另一轮")
    form = next(f for f in forms_of(html) if f.action.endswith("/preview"))
    data = {n: f.values[0] for n, f in form.fields.items() if f.values and f.kind != "button"}
    response = worker.post(f"/screening/{other.id}/import/preview", data=data)
    assert response.status_code == 422 and "导入数据已失效" in response.get_data(as_text=True)
