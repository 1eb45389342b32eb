"""Limits a class list (.xlsx or .csv) is checked against before and while it is read, so a
small hostile file can't take the server's memory or fill its disk (issue 13): an .xlsx is
a zip, and one enormous shared string or a zip bomb inflates a 300 KB upload to gigabytes.

The zip's directory is read first (declared sizes, compression ratio) before openpyxl sees
it; the cells are then read one at a time and the first one longer than MAX_CELL stops the
import. Nothing is kept of a refused file."""

import io
import zipfile

from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l

MAX_UNPACKED = 20 * 1024 * 1024  # all members together, as declared in the zip's directory
MAX_MEMBER = 15 * 1024 * 1024  # one member (a sheet, the shared strings)
MAX_RATIO = 100  # uncompressed / compressed of a member past RATIO_FROM bytes
RATIO_FROM = 1024 * 1024  # a small member may compress well (a blank sheet): no harm done
MAX_CELL = 500  # characters in one cell; the longest field takes 40


def check_xlsx(data: bytes) -> None:
    """Refuse an .xlsx whose members would inflate too far, judged from the zip's directory
    (the sizes zipfile also holds the members to when openpyxl reads them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise PlannerError(
            _l("无法读取这个 Excel 文件。请确认它是 .xlsx 格式，或另存为 .csv 后再试。")
        ) from exc
    too_big = _l(
        "表格解压后超过 %(mb)s MB，无法导入。请只保留需要导入的工作表和列后再试。",
        mb=MAX_UNPACKED // 2**20,
    )
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise PlannerError(too_big)
    for info in infos:
        if info.file_size > MAX_MEMBER:
            raise PlannerError(too_big)
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PlannerError(
                _l("这个 Excel 文件的压缩比异常，可能已损坏或被人为构造，无法导入。")
            )


def check_cell(text: str, row: int, column: int) -> str:
    """A cell's text, or a refusal naming the first cell that is too long."""
    if len(text) > MAX_CELL:
        raise PlannerError(
            _l(
                "第 %(row)s 行第 %(col)s 列的内容超过 %(n)s 个字符，无法导入。请检查这个单元格。",
                row=row,
                col=column,
                n=MAX_CELL,
            )
        )
    return text
