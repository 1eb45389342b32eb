"""Hostile spreadsheets (issue 13): an .xlsx is checked on its unpacked size, its
compression ratio and its cells' length before and while it is read. A 300 KB file holding
one enormous shared string used to take 19 s and 1.5 GB and leave a 300 MB pending file."""

import io
import os
import re
import zipfile

import pytest

from planner.students import sheet_limits
from tests.students.importing import csv_bytes, real_rows, upload, xlsx

CHUNK = b"A" * (1024 * 1024)
re_first_cell = re.compile(r'<c r="A1"[^>]*>.*?</c>')


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _huge_shared_string(world, megabytes: int) -> bytes:
    """A real class list whose first header cell is a shared string of `megabytes` MB,
    written in chunks (the test never holds the inflated text)."""
    base = xlsx(real_rows(world))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename).decode()
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    "</Types>",
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    "</Relationships>",
                    f'<Relationship Id="rIdS" Type="{REL}" Target="sharedStrings.xml"/>'
                    "</Relationships>",
                )
            elif info.filename == "xl/worksheets/sheet1.xml":
                cell = re_first_cell.search(body).group(0)
                body = body.replace(cell, '<c r="A1" t="s"><v>0</v></c>')
            dst.writestr(info, body)
        with dst.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode())
            for _ in range(megabytes):
                fh.write(CHUNK)
            fh.write(b"</t></si></sst>")
    return out.getvalue()


def _refused(worker, world, import_dir, data, words):
    response = upload(worker, world, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert words in html, html[:2000]
    assert not import_dir.exists() or os.listdir(import_dir) == []  # nothing kept


def test_one_enormous_shared_string_is_refused_before_it_is_read(worker, world, import_dir):
    data = _huge_shared_string(world, 300)
    assert len(data) < 400 * 1024
    _refused(worker, world, import_dir, data, "表格解压后超过 20 MB")


def test_a_member_that_compresses_too_well_is_refused(worker, world, import_dir):
    """Under the size limits, but a 5 MB sheet packed 1000 to 1 is no class list."""
    data = _huge_shared_string(world, 5)
    _refused(worker, world, import_dir, data, "压缩比异常")


def test_a_zip_bomb_is_refused(worker, world, import_dir):
    """Many members, each within the limit, that together inflate far past it."""
    base = xlsx(real_rows(world))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for n in range(30):
            dst.writestr(f"xl/media/pad{n}.bin", b"\0" * (1024 * 1024))
    _refused(worker, world, import_dir, out.getvalue(), "表格解压后超过 20 MB")


def test_a_cell_longer_than_the_limit_is_named(worker, world, import_dir):
    rows = real_rows(world)
    rows[1][2] = "长" * (sheet_limits.MAX_CELL + 1)
    _refused(worker, world, import_dir, xlsx(rows), "第 3 行第 3 列的内容超过 500 个字符")


def test_a_long_cell_in_a_csv_is_named_too(worker, world, import_dir):
    rows = real_rows(world)
    rows[0][6] = "x" * 100_000
    _refused(worker, world, import_dir, csv_bytes(rows), "第 2 行第 7 列的内容超过 500 个字符")


def test_a_cell_at_the_limit_is_read(worker, world, import_dir):
    rows = real_rows(world)
    rows[0][0] = "1" + " " * (sheet_limits.MAX_CELL - 1)
    response = upload(worker, world, xlsx(rows))
    assert response.status_code == 200
    assert len(os.listdir(import_dir)) == 1


@pytest.mark.parametrize("damage", [b"PK\x03\x04" + b"\0" * 100, b"PK\x03\x04garbage"])
def test_a_broken_zip_is_refused_plainly(worker, world, import_dir, damage):
    _refused(worker, world, import_dir, damage, "无法读取这个 Excel 文件")
