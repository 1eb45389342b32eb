"""Online backup and restore of the SQLite database through SQLite's backup API (apsw).

Both directions copy pages between open connections, never files: a backup is a
consistent snapshot while others keep writing, and a restore goes into the live
database, so every open connection sees the restored content at its next read.
PostgreSQL is backed up with pg_dump / pg_restore; `pg_command` prints the command.
"""

from __future__ import annotations

import os
import shlex
from urllib.parse import unquote, urlparse

import apsw

from planner import migrations
from planner.config import private_file
from planner.db import database

# printed after a backup or restore so a person can recognise the data at a glance
KEY_TABLES = (
    "agency",
    "school",
    "user",
    "student",
    "program",
    "session",
    "attendance",
    "audit_entry",
)
MAX_LISTED = 10  # problems listed per check; a broken file can have thousands


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why."""


def pg_command(url: str, tool: str, path: str) -> str:
    """The pg_dump or pg_restore command line for a DATABASE_URL, without its password."""
    parsed = urlparse(url)
    if tool == "pg_dump":
        args = [tool, "--format=custom", f"--file={path}"]
    else:
        args = [tool, "--clean", "--if-exists"]
    if parsed.hostname:
        args += ["--host", parsed.hostname]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", unquote(parsed.username)]
    args += ["--dbname", unquote(parsed.path.lstrip("/"))]
    if tool == "pg_restore":
        args.append(path)
    return shlex.join(args)


def _live_path() -> str:
    return database.obj.database


def _same_file(a: str, b: str) -> bool:
    return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)


def _copy(dest: apsw.Connection, source: apsw.Connection) -> None:
    # All pages in one step, under one read snapshot of the source: in WAL mode writers
    # carry on meanwhile. Copying a few pages per step would restart the copy whenever
    # another connection commits, so on a busy database it might never finish.
    with dest.backup("main", source, "main") as job:
        while not job.done:
            job.step(-1)


def row_counts(conn: apsw.Connection) -> dict[str, int]:
    """Rows in each key table that the database has."""
    tables = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return {
        t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0]
        for t in KEY_TABLES
        if t in tables
    }


def _integrity_problems(conn: apsw.Connection) -> list[str]:
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    problems = [] if rows == ["ok"] else [f"integrity_check: {row}" for row in rows[:MAX_LISTED]]
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    problems += [
        f"foreign_key_check: {table} row {rowid} points at a missing {parent} row"
        for table, rowid, parent, _ in orphans[:MAX_LISTED]
    ]
    if len(orphans) > MAX_LISTED:
        problems.append(f"foreign_key_check: {len(orphans) - MAX_LISTED} more")
    return problems


def _open_readonly(path: str) -> apsw.Connection:
    return apsw.Connection(path, flags=apsw.SQLITE_OPEN_READONLY)


def check(path: str) -> list[str]:
    """What stops this file from being restored: [] when it is a sound planner backup."""
    if not os.path.isfile(path):
        return [f"{path}: no such file"]
    try:
        conn = _open_readonly(path)
    except apsw.Error as err:
        return [f"{path}: can't be opened ({err})"]
    try:
        problems = _integrity_problems(conn)
        if problems:
            return problems
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'"
        ).fetchall():
            return [f"{path}: no schema_migration table, so not a planner database"]
        applied = {name for (name,) in conn.execute("SELECT name FROM schema_migration")}
        unknown = sorted(applied - set(migrations.available()))
        if unknown:
            return [
                f"{path} was made by newer code: migration(s) {', '.join(unknown)} are "
                "unknown here; upgrade the app before restoring it"
            ]
        return []
    except apsw.Error as err:
        return [f"{path}: not a SQLite database ({err})"]
    finally:
        conn.close()


def backup(dest_path: str, force: bool = False) -> dict:
    """Copy the live database to dest_path, check the copy; {path, bytes, rows}."""
    dest = os.path.abspath(dest_path)
    if os.path.exists(dest) and not force:
        raise BackupError(f"{dest} already exists; pass --force to replace it")
    if _same_file(dest, _live_path()):
        raise BackupError(f"{dest} is the live database")
    if not os.path.isdir(os.path.dirname(dest)):
        raise BackupError(f"no folder {os.path.dirname(dest)}")
    # written beside the target and moved into place only once it passes its checks, so a
    # failed backup never leaves a half-written file or destroys the one --force replaces
    partial = f"{dest}.partial-{os.getpid()}"
    try:
        private_file(partial)  # a copy of every record: the app's user only
        copy = apsw.Connection(partial)
        try:
            _copy(copy, database.connection())
            # one self-contained file: no -wal/-shm beside it when it is opened later
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = _integrity_problems(copy)
            rows = row_counts(copy)
        finally:
            copy.close()
        if problems:
            raise BackupError("the copy failed its checks: " + "; ".join(problems))
        os.replace(partial, dest)
    except apsw.Error as err:
        raise BackupError(f"backup failed: {err}") from err
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return {"path": dest, "bytes": os.path.getsize(dest), "rows": rows}


def describe(path: str) -> dict[str, int]:
    """Key-table row counts of a database file (call check() first)."""
    conn = _open_readonly(path)
    try:
        return row_counts(conn)
    finally:
        conn.close()


def restore(src_path: str) -> dict:
    """Replace the live database's content with a checked backup; {path, rows, pending}."""
    problems = check(src_path)
    if problems:
        raise BackupError(f"{src_path} can't be restored:\n  " + "\n  ".join(problems))
    if _same_file(src_path, _live_path()):
        raise BackupError(f"{src_path} is the live database")
    if database.in_transaction():
        raise BackupError("a transaction is open on the live database")
    source = _open_readonly(src_path)
    try:
        live = database.connection()
        _copy(live, source)
    except apsw.Error as err:
        raise BackupError(f"restore failed: {err}") from err
    finally:
        source.close()
    # the backup may be older than the code: the caller says which migrations to apply
    return {"path": _live_path(), "rows": row_counts(live), "pending": migrations.pending()}
