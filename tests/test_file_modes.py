"""Files the app writes are readable by the app's user only: the SQLite database and its
-wal/-shm, backups, export zips and pending roster imports (0600, folders 0700), whatever
the process umask."""

import os
import stat

import pytest

from planner import backup
from planner.db import database, make_database
from planner.exports import storage
from planner.students import uploads

PRIVATE, PRIVATE_DIR = 0o600, 0o700


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The usual umask of a service (files 0644 unless the app says otherwise)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_private(tmp_path, open_umask):
    path = tmp_path / "data" / "planner.db"
    db = make_database(f"sqlite:///{path}")
    db.connect()
    db.execute_sql("CREATE TABLE t (x INTEGER)")
    db.execute_sql("INSERT INTO t VALUES (1)")
    names = [str(path), f"{path}-wal", f"{path}-shm"]
    assert all(os.path.exists(name) for name in names)
    assert [mode(name) for name in names] == [PRIVATE] * 3
    assert mode(path.parent) == PRIVATE_DIR
    db.close()


def test_an_existing_readable_database_is_made_private(tmp_path, open_umask):
    path = tmp_path / "planner.db"
    for name in (path, f"{path}-wal", f"{path}-shm"):
        open(name, "wb").close()
        os.chmod(name, 0o644)
    make_database(f"sqlite:///{path}")
    assert [mode(n) for n in (path, f"{path}-wal", f"{path}-shm")] == [PRIVATE] * 3


def test_an_export_zip_and_its_folder_are_private(app, open_umask):
    folder = os.path.join(app.instance_path, "exports")
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    app.config["EXPORT_STORAGE"] = "disk"
    with app.app_context():
        storage.save("private-token", b"PK", app)
    assert mode(os.path.join(folder, "private-token.zip")) == PRIVATE
    assert mode(folder) == PRIVATE_DIR


def test_a_pending_import_and_its_folder_are_private(tmp_path, open_umask):
    folder = tmp_path / "student-imports"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    token = uploads.save(str(folder), 1, 1, {"rows": []})
    assert mode(folder / f"{token}.json") == PRIVATE
    assert mode(folder) == PRIVATE_DIR


def test_a_backup_is_private(tmp_path, open_umask):
    previous = database.obj
    database.initialize(make_database(f"sqlite:///{tmp_path / 'live.db'}"))
    try:
        with database.connection_context():
            database.execute_sql("CREATE TABLE t (x INTEGER)")
            result = backup.backup(str(tmp_path / "copy.db"))
    finally:
        database.initialize(previous)
    assert mode(result["path"]) == PRIVATE
