"""`flask planner backup` / `restore`: SQLite's online backup API, both directions.

These tests make their own SQLite file in tmp_path whatever PLANNER_TEST_DATABASE_URL
says, so both CI passes run them the same way; PostgreSQL is only asked to refuse.
"""

import os
import threading
import time

import apsw
import pytest

from planner import backup, create_app, migrations
from planner.db import database
from planner.schools.models import Agency, School
from tests import factories


def run(app, *args):
    return app.test_cli_runner().invoke(args=["planner", *args])


@pytest.fixture
def live(tmp_path):
    """An app on a migrated SQLite file with a few rows; the shared proxy is put back after."""
    previous = database.obj
    path = str(tmp_path / "live.db")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "t"})
    with database.connection_context():
        migrations.migrate()
        for _ in range(3):
            factories.school(agency=factories.agency())
        database.execute_sql(
            "INSERT INTO audit_entry (at, action, object_type, detail) VALUES "
            + ", ".join(["('2026-11-01 08:00:00', 'export', 'seed', ?)"] * 200),
            ["x" * 2000] * 200,
        )  # a few hundred pages, so a copy takes a moment
    app.live_path = path
    yield app
    if not database.is_closed():
        database.close()
    database.initialize(previous)


def connect(path):
    conn = apsw.Connection(path)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def ids(path, table):
    conn = connect(path)
    try:
        return [i for (i,) in conn.execute(f'SELECT id FROM "{table}" ORDER BY id')]
    finally:
        conn.close()


def fingerprint(path):
    return {table: ids(path, table) for table in ("agency", "school", "audit_entry")}


class Writer(threading.Thread):
    """Inserts audit rows through its own connection, one commit each, until stopped."""

    def __init__(self, path, limit=20000, seconds=20):
        super().__init__(daemon=True)
        self.path, self.limit, self.deadline = path, limit, time.monotonic() + seconds
        self.committed, self.error, self.stop = [], None, threading.Event()

    def run(self):
        conn = connect(self.path)
        try:
            while (
                not self.stop.is_set()
                and len(self.committed) < self.limit
                and time.monotonic() < self.deadline
            ):
                conn.execute(
                    "INSERT INTO audit_entry (at, action, object_type, detail) "
                    "VALUES ('2026-11-01 09:00:00', 'export', 'writer', '')"
                )
                self.committed.append(conn.last_insert_rowid())
        except Exception as err:  # reported by the test, not lost in the thread
            self.error = err
        finally:
            conn.close()

    def wait_for(self, count):
        while len(self.committed) < count and self.is_alive():
            time.sleep(0.001)


def test_backup_while_another_connection_writes(live, tmp_path):
    out = str(tmp_path / "copy.db")
    writer = Writer(live.live_path)
    writer.start()
    try:
        writer.wait_for(50)
        committed_before = max(writer.committed)  # every one of these must be in the copy
        result = run(live, "backup", "--out", out)
        during = len(writer.committed)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (" in result.output and "integrity_check ok" in result.output
    assert "rows: agency 3, school 3," in result.output

    conn = connect(out)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchall() == [("delete",)]
    finally:
        conn.close()
    copied = ids(out, "audit_entry")
    assert copied == list(range(1, len(copied) + 1))  # a snapshot: no gaps, no torn rows
    assert copied[-1] >= committed_before
    assert f"audit_entry {len(copied)}" in result.output
    assert len(writer.committed) >= during > 0
    assert ids(live.live_path, "audit_entry")[-1] == writer.committed[-1]  # live db still fine
    assert not [n for n in os.listdir(tmp_path) if ".partial-" in n]


def test_restore_needs_yes_then_brings_the_backup_back(live, tmp_path):
    out = str(tmp_path / "copy.db")
    assert run(live, "backup", "--out", out).exit_code == 0
    saved = fingerprint(live.live_path)
    with database.connection_context():
        School.select().first().delete_instance()
        factories.agency(code="NEW")
    changed = fingerprint(live.live_path)
    assert changed != saved

    refused = run(live, "restore", "--from", out)
    assert refused.exit_code != 0
    assert "would replace everything in" in refused.output and "--yes" in refused.output
    assert "with: agency 3, school 3," in refused.output
    assert fingerprint(live.live_path) == changed

    watcher = connect(live.live_path)  # opened before the restore: must see the new content
    try:
        assert watcher.execute("SELECT count(*) FROM agency").fetchall() == [(4,)]
        result = run(live, "restore", "--from", out, "--yes")
        assert result.exit_code == 0, result.output
        assert f"restored {out} into {live.live_path}" in result.output
        assert "migrate" not in result.output  # same code, nothing pending
        assert watcher.execute("SELECT count(*) FROM agency").fetchall() == [(3,)]
        assert watcher.execute("PRAGMA journal_mode").fetchall() == [("wal",)]
        assert watcher.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        watcher.close()
    assert fingerprint(live.live_path) == saved
    with database.connection_context():
        assert Agency.select().where(Agency.code == "NEW").count() == 0


def test_backup_refuses_to_overwrite_without_force(live, tmp_path):
    out = tmp_path / "taken.db"
    out.write_bytes(b"keep me")
    result = run(live, "backup", "--out", str(out))
    assert result.exit_code != 0
    assert "already exists; pass --force" in result.output
    assert out.read_bytes() == b"keep me"

    forced = run(live, "backup", "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert backup.check(str(out)) == []


def test_backup_refuses_the_live_file_and_a_missing_folder(live, tmp_path):
    assert "is the live database" in run(live, "backup", "--out", live.live_path, "--force").output
    missing = run(live, "backup", "--out", str(tmp_path / "nope" / "x.db"))
    assert missing.exit_code != 0 and "no folder" in missing.output


def _random_bytes(path):
    with open(path, "wb") as fh:
        fh.write(os.urandom(8192))


def _sqlite_without_migrations(path):
    conn = apsw.Connection(path)
    conn.execute("CREATE TABLE agency (id INTEGER PRIMARY KEY)")
    conn.close()


def _from_newer_code(live, path):
    run(live, "backup", "--out", path)
    conn = apsw.Connection(path)
    conn.execute(
        "INSERT INTO schema_migration (name, applied_at) "
        "VALUES ('m9999_from_the_future', '2027-01-01 00:00:00')"
    )
    conn.close()


@pytest.mark.parametrize(
    "make,message",
    [
        (None, "no such file"),
        (lambda live, p: _random_bytes(p), "not a SQLite database"),
        (lambda live, p: _sqlite_without_migrations(p), "no schema_migration table"),
        (_from_newer_code, "migration(s) m9999_from_the_future are unknown here"),
    ],
)
@pytest.mark.parametrize("yes", [False, True])
def test_restore_refuses_a_bad_file(live, tmp_path, make, message, yes):
    path = str(tmp_path / "bad.db")
    if make:
        make(live, path)
    before = fingerprint(live.live_path)
    result = run(live, "restore", "--from", path, *(["--yes"] if yes else []))
    assert result.exit_code != 0
    assert f"{path} can't be restored" in result.output and message in result.output
    assert "would replace" not in result.output
    assert fingerprint(live.live_path) == before


def test_check_reports_a_broken_foreign_key(live, tmp_path):
    out = str(tmp_path / "copy.db")
    run(live, "backup", "--out", out)
    conn = apsw.Connection(out)  # foreign keys are off on this connection
    conn.execute("DELETE FROM agency WHERE id = 1")
    conn.close()
    assert backup.check(out) == ["foreign_key_check: school row 1 points at a missing agency row"]


@pytest.fixture
def postgres_app():
    previous = database.obj
    yield create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATABASE_URL": "postgresql://postgres:s3cret@127.0.0.1:5432/test",
        }
    )
    database.initialize(previous)


def test_postgres_is_pointed_at_pg_dump_and_pg_restore(postgres_app, tmp_path):
    out = str(tmp_path / "planner.dump")
    dump = run(postgres_app, "backup", "--out", out)
    assert dump.exit_code != 0
    assert "on PostgreSQL, back up with pg_dump" in dump.output
    assert (
        f"pg_dump --format=custom --file={out} --host 127.0.0.1 --port 5432 "
        "--username postgres --dbname test"
    ) in dump.output
    restore = run(postgres_app, "restore", "--from", out, "--yes")
    assert restore.exit_code != 0
    assert (
        "pg_restore --clean --if-exists --host 127.0.0.1 --port 5432 --username postgres "
        f"--dbname test {out}"
    ) in restore.output
    assert "s3cret" not in dump.output + restore.output
    assert not os.path.exists(out)
