"""Unified archive codes (统一档案编码, standard 9.4): the agency's pattern and the counter.

A code is the pattern filled in with the agency code, the school code, the record type, the
year and a sequence number. Sequence numbers come from ArchiveCounter (per school, record
type and year) and only ever go up, so a code is never issued twice, even after a student
is archived or the pattern changes; the unique index on Student.archive_code backs that up.
"""

import re
import string

from peewee import fn

from planner.db import write_tx
from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_today
from planner.schools.models import Agency, School
from planner.students.models import ArchiveCounter, ArchiveSetting

DEFAULT_PATTERN = "{school}-{type}-{year}-{seq:04d}"
PLACEHOLDERS = ("agency", "school", "type", "year", "seq")
REQUIRED = ("school", "year", "seq")  # without these, two schools or two years would clash
STUDENT = "ST"
MAX_CODE = 40  # Student.archive_code
# Codes appear in file names, exports and audit rows: keep the literal text plain ASCII.
LITERAL = re.compile(r"^[A-Za-z0-9_./-]*$")
SEQ_SPEC = re.compile(r"^0?[1-8]?d?$")


def check_pattern(pattern: str, agency_code: str = "AGENCY", school_code: str = "SCHOOL") -> None:
    """Refuse a pattern that can't produce unique, plain codes (PatternError says why);
    the codes given are the longest the agency has, to check the length of a real code."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise PlannerError(_l("花括号不成对，请检查编码规则。")) from exc
    used = []
    for literal, name, spec, conversion in parts:
        if not LITERAL.match(literal):
            raise PlannerError(_l("占位符以外只能使用字母、数字和 - _ . /。"))
        if name is None:
            continue
        if name not in PLACEHOLDERS or conversion:
            raise PlannerError(
                _l(
                    "未知的占位符 {%(name)s}。可用：{agency} {school} {type} {year} {seq:04d}。",
                    name=name,
                )
            )
        if spec and (name != "seq" or not SEQ_SPEC.match(spec)):
            raise PlannerError(_l("只有 {seq} 可以带位数，例如 {seq:04d}。"))
        used.append(name)
    missing = [name for name in REQUIRED if name not in used]
    if missing:
        raise PlannerError(_l("编码规则必须包含 {school}、{year} 和 {seq}，否则编码可能重复。"))
    if len(render(pattern, agency_code, school_code, STUDENT, 2026, 99999)) > MAX_CODE:
        raise PlannerError(_l("按此规则生成的编码可能超过 %(n)s 个字符。", n=MAX_CODE))


def render(pattern: str, agency: str, school: str, kind: str, year: int, seq: int) -> str:
    return pattern.format(agency=agency, school=school, type=kind, year=year, seq=seq)


def pattern_for(agency_id: int) -> str:
    setting = ArchiveSetting.get_or_none(ArchiveSetting.agency == agency_id)
    return setting.pattern if setting else DEFAULT_PATTERN


def save_pattern(agency: Agency, pattern: str) -> None:
    longest = (
        School.select(School.code)
        .where(School.agency == agency.id)
        .order_by(fn.LENGTH(School.code).desc())
        .first()
    )
    check_pattern(pattern, agency.code, longest.code if longest else "SCHOOL")
    agency_id = agency.id
    with write_tx():
        updated = (
            ArchiveSetting.update(pattern=pattern)
            .where(ArchiveSetting.agency == agency_id)
            .execute()
        )
        if not updated:
            ArchiveSetting.create(agency=agency_id, pattern=pattern)


def example(agency: Agency, pattern: str | None = None) -> str:
    """What the next code of a school would look like (for the settings screen)."""
    pattern = pattern or pattern_for(agency.id)
    school = School.select().where(School.agency == agency.id).order_by(School.id).first()
    return render(
        pattern, agency.code, school.code if school else "SCHOOL", STUDENT, local_today().year, 1
    )


def issue_codes(school: School, count: int, kind: str = STUDENT, year: int | None = None) -> list:
    """Reserve `count` consecutive sequence numbers and return their codes, in one go.

    The UPDATE takes the counter row's write lock (BEGIN IMMEDIATE on SQLite, a row lock on
    PostgreSQL) until the transaction ends, so two imports at once get disjoint ranges.
    Call it inside the transaction that inserts the students: if that rolls back, the
    numbers were never used and go back with it.
    """
    if count <= 0:
        return []
    year = year or local_today().year
    agency = Agency.get_by_id(school.agency_id)
    pattern = pattern_for(agency.id)
    where = (
        (ArchiveCounter.school == school.id)
        & (ArchiveCounter.kind == kind)
        & (ArchiveCounter.year == year)
    )
    with write_tx():
        (
            ArchiveCounter.insert(school=school.id, kind=kind, year=year, value=0)
            .on_conflict_ignore()
            .execute()
        )
        ArchiveCounter.update(value=ArchiveCounter.value + count).where(where).execute()
        last = ArchiveCounter.select(fn.MAX(ArchiveCounter.value)).where(where).scalar()
    codes = [
        render(pattern, agency.code, school.code, kind, year, seq)
        for seq in range(last - count + 1, last + 1)
    ]
    if len(codes[-1]) > MAX_CODE:
        raise PlannerError(
            _l("按当前编码规则生成的编码超过 %(n)s 个字符，请管理员缩短编码规则。", n=MAX_CODE)
        )
    return codes
