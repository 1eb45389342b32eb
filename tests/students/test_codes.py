"""Unified archive codes: the admin's pattern, and codes issued atomically, never reused."""

import threading

import pytest

from planner.db import database
from planner.errors import PlannerError
from planner.i18n import local_today
from planner.schools.models import School
from planner.students import codes
from planner.students.models import ArchiveCounter, ArchiveSetting, Student
from tests import factories as base
from tests.conftest import login_as
from tests.students import factories as f
from tests.students.conftest import HTMX, inline_error, text

YEAR = local_today().year


@pytest.mark.parametrize(
    "pattern",
    [
        "{school}-{type}-{year}-{seq:04d}",
        "{agency}/{school}/{year}/{seq}",
        "{school}{year}{seq:05d}",
        "ST.{school}.{year}.{seq:3d}",
    ],
)
def test_good_patterns(pattern):
    codes.check_pattern(pattern)


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("{school}-{year}", "必须包含 {school}、{year} 和 {seq}"),
        ("{type}-{year}-{seq:04d}", "必须包含 {school}、{year} 和 {seq}"),
        ("{school}-{seq:04d}", "必须包含 {school}、{year} 和 {seq}"),
        ("{school}-{name}-{year}-{seq}", "未知的占位符 {name}"),
        ("{school.__class__}-{year}-{seq}", "未知的占位符 {school.__class__}"),
        ("{school!r}-{year}-{seq}", "未知的占位符 {school}"),
        ("{school:>30}-{year}-{seq}", "只有 {seq} 可以带位数"),
        ("{school}-{year}-{seq:x}", "只有 {seq} 可以带位数"),
        ("{school}-{year}-{seq:04d", "花括号不成对"),
        ("{school} {year} {seq}", "占位符以外只能使用字母、数字"),
        ("学校{school}-{year}-{seq}", "占位符以外只能使用字母、数字"),
        ("{agency}-{school}-{type}-{year}-{seq:04d}-ABCDEFGHIJKLMNOPQRSTU", "可能超过 40 个字符"),
    ],
)
def test_bad_patterns(pattern, message):
    with pytest.raises(PlannerError) as caught:
        codes.check_pattern(pattern, "TA", "JX")
    assert message in str(caught.value.message)


def test_codes_are_consecutive_per_school_and_year(world):
    assert codes.issue_codes(world.school, 2) == [f"JX-ST-{YEAR}-0001", f"JX-ST-{YEAR}-0002"]
    assert codes.issue_codes(world.school, 1) == [f"JX-ST-{YEAR}-0003"]
    assert codes.issue_codes(world.other_school, 1) == [f"YX-ST-{YEAR}-0001"]
    assert codes.issue_codes(world.school, 1, year=2031) == ["JX-ST-2031-0001"]
    assert codes.issue_codes(world.school, 0) == []


def test_a_code_is_never_reused(worker, world):
    s = f.student(world.school, world.cls, archive_code=codes.issue_codes(world.school, 1)[0])
    worker.post(f"/students/{s.id}/archive")
    response = worker.post(
        f"/schools/{world.school.id}/students/new",
        data={"name": "新生", "student_no": "N1", "school_class": str(world.cls.id)},
    )
    assert response.status_code == 303
    assert Student.get(Student.student_no == "N1").archive_code == f"JX-ST-{YEAR}-0002"


def test_a_rolled_back_import_returns_its_numbers(world):
    """Codes reserved in a transaction that fails were never used: nothing is skipped."""
    with pytest.raises(RuntimeError):
        with database.atomic():
            codes.issue_codes(world.school, 5)
            raise RuntimeError("the insert failed")
    assert codes.issue_codes(world.school, 1) == [f"JX-ST-{YEAR}-0001"]


def test_parallel_issuing_never_hands_out_a_code_twice(world):
    """Four threads, each on its own connection, reserving codes at the same time."""
    school = School.get_by_id(world.school.id)
    issued, errors = [], []

    def work():
        try:
            with database.connection_context():
                for _ in range(10):
                    issued.extend(codes.issue_codes(school, 3))
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(issued) == len(set(issued)) == 120
    assert ArchiveCounter.get(ArchiveCounter.school == school.id).value == 120


def test_the_admin_sets_the_pattern(admin, world):
    page = text(admin.get("/admin/archive-code"))
    assert 'value="{school}-{type}-{year}-{seq:04d}"' in page and f"JX-ST-{YEAR}-0001" in page
    response = admin.post(
        "/admin/archive-code", data={"pattern": "{agency}-{school}-{year}-{seq:05d}"}
    )
    assert response.status_code == 303
    assert (
        ArchiveSetting.get(ArchiveSetting.agency == world.agency.id).pattern
        == "{agency}-{school}-{year}-{seq:05d}"
    )
    assert codes.issue_codes(world.school, 1) == [f"TA-JX-{YEAR}-00001"]
    assert "已保存" in text(admin.get(response.location))
    admin.post("/admin/archive-code", data={"pattern": "{school}/{year}/{seq}"})
    assert ArchiveSetting.select().count() == 1


def test_a_bad_pattern_is_shown_next_to_the_field(admin, world):
    response = admin.post("/admin/archive-code", data={"pattern": "{school}-{seq}"}, headers=HTMX)
    assert response.status_code == 422
    assert "必须包含" in inline_error(text(response), "pattern")
    assert 'value="{school}-{seq}"' in text(response)  # the input is kept
    assert ArchiveSetting.select().count() == 0


@pytest.mark.parametrize(
    "pattern, message", [("", "此项为必填项。"), ("{seq}" * 17, "最多 80 个字。")]
)
def test_empty_and_too_long_patterns(admin, world, pattern, message):
    response = admin.post("/admin/archive-code", data={"pattern": pattern})
    assert response.status_code == 422
    assert inline_error(text(response), "pattern") == message


def test_the_pattern_length_is_checked_with_the_agencys_real_codes(admin, world):
    codes.check_pattern("STU-{agency}-{school}-{type}-{year}-{seq:06d}", "TA", "JX")  # fine
    base.school(agency=world.agency, code="A-VERY-LONG-CODE-20")
    response = admin.post(
        "/admin/archive-code", data={"pattern": "STU-{agency}-{school}-{type}-{year}-{seq:06d}"}
    )
    assert "可能超过 40 个字符" in inline_error(text(response), "pattern")


def test_each_agency_has_its_own_pattern(client, world):
    other_admin = base.user("admin", agency=world.foreign_school.agency)
    login_as(client, other_admin)
    client.post("/admin/archive-code", data={"pattern": "{school}.{year}.{seq}"})
    assert codes.issue_codes(world.school, 1) == [f"JX-ST-{YEAR}-0001"]
    assert codes.issue_codes(world.foreign_school, 1) == [f"WX.{YEAR}.1"]


@pytest.mark.parametrize("persona", ["supervisor", "worker", "teacher"])
def test_only_admins_set_the_pattern(client, world, persona):
    login_as(client, getattr(world, persona))
    assert (
        client.post("/admin/archive-code", data={"pattern": "{school}{year}{seq}"}).status_code
        == 403
    )
    assert ArchiveSetting.select().count() == 0


def test_a_code_clash_is_explained(worker, world):
    """Two agencies whose schools share a code, with a pattern without {agency}."""
    twin = base.school(code="JX")  # another agency, the same school code
    f.student(twin, archive_code=f"JX-ST-{YEAR}-0001")
    response = worker.post(
        f"/schools/{world.school.id}/students/new",
        data={"name": "新生", "student_no": "N1", "school_class": str(world.cls.id)},
    )
    assert response.status_code == 422
    assert "生成的档案编码与已有编码重复" in inline_error(text(response), "student_no")
    assert Student.select().count() == 1
