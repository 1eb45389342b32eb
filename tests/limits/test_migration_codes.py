"""Migration m0013 gives every program made before it an archive code (codes used to be
issued on a program's first download, a GET) and drops Program.exported_at."""

import datetime as dt

import pytest

from planner import migrations
from planner.curricula.models import Curriculum
from planner.db import database, make_database
from planner.schools.models import Term
from planner.sessions.models import Program
from tests import factories
from tests.conftest import drop_database, fresh_database_url


@pytest.fixture
def before_m0013(tmp_path, monkeypatch):
    """A new database migrated up to the migration before m0013."""
    previous = database.obj
    url = fresh_database_url(tmp_path)
    if previous is not None and not database.is_closed():
        database.close()
    database.initialize(make_database(url))
    database.connect()
    everything = migrations.available()
    before = everything[: everything.index("m0013_limits")]
    monkeypatch.setattr(migrations, "available", lambda: before)
    migrations.migrate()
    monkeypatch.undo()
    yield
    database.close()
    if previous is not None:
        database.initialize(previous)
    drop_database(url)


def _curriculum_then(kind: str, slug: str) -> int:
    """A curriculum row as the table stood before m0013 (the library's audience and tier
    came later: m0026), inserted with that table's columns only."""
    row = {
        "slug": slug,
        "version": 1,
        "status": "published",
        "kind": kind,
        "title": "测试课程",
        "theme": "其他",
        "grade_band": "初中",
        "grades": "[7]",
        "grade_tags": ",7,",
        "period_minutes": 45,
        "summary": "",
        "plan": "{}",
        "archived": False,
        "edit_version": 1,
        "created_at": "2026-09-01 00:00:00",
        "updated_at": "2026-09-01 00:00:00",
    }
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join(database.param for _ in row)
    database.execute_sql(
        f'INSERT INTO "curriculum" ({columns}) VALUES ({marks})', list(row.values())
    )
    return Curriculum.select(Curriculum.id).where(Curriculum.slug == slug).scalar()


def test_programs_without_a_code_get_one(before_m0013):
    agency = factories.agency(name="机构", code="TA")
    school = factories.school(agency=agency, name="甲校", code="JX")
    # the term as the tables stood then (school years came later: m0017)
    term_id = Term.insert(
        school=school.id,
        name="2026—2027学年第一学期",
        start=dt.date(2026, 9, 1),
        end=dt.date(2027, 1, 23),
    ).execute()
    room = factories.room(school=school)
    made = []
    for kind in ("group", "classroom", "group"):
        cur = _curriculum_then(kind, f"m15-{len(made)}")
        made.append(
            Program.create(curriculum=cur, school=school, term=term_id, room=room, title=kind)
        )
    assert Program.select().where(Program.archive_code.is_null()).count() == 3
    assert migrations.migrate()[0] == "m0013_limits"
    codes = [Program.get_by_id(p.id).archive_code for p in made]
    year = 2026
    assert codes == [f"JX-XZ-{year}-0001", f"JX-KT-{year}-0001", f"JX-XZ-{year}-0002"]
    assert "exported_at" not in {c.name for c in database.get_columns("program")}
