"""The data layer: the SQLite safety check, pragmas, optimistic locking, write transactions."""

import apsw
import pytest

from planner import db
from planner.db import (
    ConflictError,
    UnsafeSQLiteError,
    check_sqlite_version,
    database,
    make_database,
    save_versioned,
    write_tx,
)
from planner.schools.models import Agency, School
from tests import factories


@pytest.mark.parametrize("version", ["3.7.0", "3.40.1", "3.51.1", "3.51.2"])
def test_sqlite_with_the_wal_reset_bug_is_refused(version):
    with pytest.raises(UnsafeSQLiteError, match=version):
        check_sqlite_version(version)


@pytest.mark.parametrize("version", ["3.51.3", "3.54.1", "3.6.23"])
def test_fixed_or_unaffected_sqlite_is_accepted(version):
    check_sqlite_version(version)  # no exception


def test_a_single_connection_may_use_an_affected_sqlite():
    check_sqlite_version("3.51.2", multi_connection=False)


def test_the_apsw_sqlite_library_is_fixed():
    version = db.parse_version(apsw.sqlite_lib_version())
    assert version >= (3, 51, 3), apsw.sqlite_lib_version()


def test_make_database_refuses_an_affected_library(tmp_path, monkeypatch):
    monkeypatch.setattr(apsw, "sqlite_lib_version", lambda: "3.51.2")
    with pytest.raises(UnsafeSQLiteError):
        make_database(f"sqlite:///{tmp_path}/x.db")


def test_make_database_rejects_unknown_schemes():
    with pytest.raises(ValueError, match="mysql"):
        make_database("mysql://localhost/planner")


def test_sqlite_database_has_the_safe_pragmas(tmp_path):
    """WAL, foreign keys, FULL sync and a busy timeout on every connection."""
    sqlite = make_database(f"sqlite:///{tmp_path}/sub/dir/planner.db")
    sqlite.connect()
    try:
        pragma = lambda name: sqlite.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert str(pragma("journal_mode")).lower() == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2
        assert pragma("busy_timeout") > 0
    finally:
        sqlite.close()
    assert (tmp_path / "sub" / "dir" / "planner.db").exists()


def test_sqlite_foreign_keys_are_enforced(tmp_path):
    sqlite = make_database(f"sqlite:///{tmp_path}/fk.db")
    sqlite.connect()
    try:
        sqlite.execute_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        sqlite.execute_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, "
            "parent_id INTEGER NOT NULL REFERENCES parent (id))"
        )
        with pytest.raises(Exception, match="FOREIGN KEY"):
            sqlite.execute_sql("INSERT INTO child (parent_id) VALUES (42)")
    finally:
        sqlite.close()


def test_postgres_url_is_parsed():
    pg = make_database("postgresql://alice:s%40cret@db.example:6543/planner?sslmode=require")
    assert pg.database == "planner"
    assert pg.connect_params["user"] == "alice"
    assert pg.connect_params["password"] == "s@cret"
    assert pg.connect_params["host"] == "db.example"
    assert pg.connect_params["port"] == 6543
    assert pg.connect_params["sslmode"] == "require"


def test_save_versioned_bumps_the_version(app):
    school = factories.school(name="旧名")
    save_versioned(school, 1, {"name": "新名"})
    assert school.version == 2
    stored = School.get_by_id(school.id)
    assert (stored.name, stored.version) == ("新名", 2)
    save_versioned(stored, 2, {"address": "某路 1 号"})
    assert School.get_by_id(school.id).version == 3


def test_save_versioned_refuses_a_stale_version(app):
    school = factories.school(name="原名")
    first, second = School.get_by_id(school.id), School.get_by_id(school.id)
    save_versioned(first, first.version, {"name": "第一位管理员"})
    with pytest.raises(ConflictError):
        save_versioned(second, second.version, {"name": "第二位管理员"})
    stored = School.get_by_id(school.id)
    assert (stored.name, stored.version) == ("第一位管理员", 2)
    assert second.name == "原名"  # the stale instance was not changed either


def test_write_tx_commits(app):
    with database.connection_context():
        with write_tx():
            Agency.create(name="事务机构", code="TX")
    assert Agency.select().where(Agency.code == "TX").count() == 1


def test_write_tx_rolls_back_everything_on_error(app):
    with database.connection_context():
        with pytest.raises(RuntimeError):
            with write_tx():
                Agency.create(name="回滚机构", code="RB")
                with write_tx():  # nested: a savepoint inside the outer transaction
                    Agency.create(name="回滚机构二", code="RB2")
                raise RuntimeError("boom")
    assert Agency.select().where(Agency.code.startswith("RB")).count() == 0


def test_write_tx_takes_the_sqlite_write_lock_at_once(tmp_path):
    """BEGIN IMMEDIATE: a second writer is refused while the transaction is open."""
    path = tmp_path / "lock.db"
    sqlite = make_database(f"sqlite:///{path}")
    previous = database.obj
    database.initialize(sqlite)
    try:
        sqlite.connect()
        sqlite.execute_sql("CREATE TABLE t (x INTEGER)")
        other = apsw.Connection(str(path))
        other.set_busy_timeout(0)
        with write_tx():
            with pytest.raises(apsw.BusyError):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again after the commit
        other.execute("ROLLBACK")
        other.close()
    finally:
        sqlite.close()
        database.initialize(previous)


def test_timestamps_round_trip(app):
    agency = factories.agency()
    stored = Agency.get_by_id(agency.id)
    assert stored.updated_at.replace(microsecond=0) == agency.updated_at.replace(microsecond=0)
    assert stored.updated_at.year >= 2025


def test_the_first_request_of_a_process_refreshes_sqlite_planner_statistics(tmp_path, monkeypatch):
    """PRAGMA optimize runs when a process first closes a connection, then not again within
    the hour; it runs outside peewee, so it is never one of a page's counted queries.
    (A SQLite file of its own, whichever database the suite runs on.)"""
    from playhouse.test_utils import count_queries

    from planner import create_app, migrations

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/stats.db",
            "SECRET_KEY": "t",
            "RATELIMIT_ENABLED": False,
        }
    )
    with database.connection_context():
        migrations.migrate()
        for n in range(3):
            factories.school(name=f"统计校{n}", code=f"TJ{n}")
        database.execute_sql("DROP TABLE IF EXISTS sqlite_stat1")
    monkeypatch.setattr(db, "_last_optimize", [float("-inf")])
    client = app.test_client()
    with count_queries() as counted:
        assert client.get("/login").status_code == 200
    assert counted.count == 0  # the login page reads nothing; the optimize is not counted
    with database.connection_context():
        tables = {t for (t,) in database.execute_sql("SELECT tbl FROM sqlite_stat1")}
        database.execute_sql("DROP TABLE sqlite_stat1")
    assert "school" in tables
    client.get("/login")  # within the hour: no second run
    with database.connection_context():
        assert not database.execute_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchall()
