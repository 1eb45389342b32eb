"""Where finished zips wait for their download (issue 19): a small interface with two
backends, chosen by the setting EXPORT_STORAGE (PLANNER_EXPORT_STORAGE):

- "db": the `export_file` table (bytea on PostgreSQL), so every web host behind the proxy
  can send a zip another host's worker built; the default on PostgreSQL;
- "disk": instance/exports/<key>.zip, readable by the app's user only; the default on
  SQLite, where there is one host.

A file is stored whole or not at all: on disk it is written to a temporary name and
renamed, in the database it is one INSERT in one transaction, so a download is never half
a file. Files larger than EXPORT_MAX_BYTES are refused (PlannerError, saying so). They are swept after
KEEP_SECONDS (a zip holds children's records) by the sweep job (planner/tasks.py)."""

import datetime as dt
import os

from flask import current_app

from planner import i18n
from planner.config import open_private, private_dir
from planner.db import write_tx
from planner.errors import INVALID, PlannerError
from planner.exports.models import ExportFile
from planner.i18n import lazy_gettext as _l

KEEP_SECONDS = 24 * 3600


def _size(n: int) -> str:
    """1.5 MB, 200 MB, 12 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{-(-n // 1024)} KB"


def _utc_now() -> dt.datetime:
    return i18n.utc_clock().replace(tzinfo=None)


def backend(app=None) -> str:
    app = app or current_app
    chosen = (app.config.get("EXPORT_STORAGE") or "").strip()
    if chosen in ("db", "disk"):
        return chosen
    return "db" if app.config["DATABASE_URL"].startswith("postgres") else "disk"


def folder(app=None) -> str:
    app = app or current_app
    return private_dir(os.path.join(app.instance_path, "exports"))


def _path(app, key: str) -> str:
    if not key.replace("-", "").replace("_", "").isalnum():
        raise ValueError("an export key is a token")
    return os.path.join(folder(app), f"{key}.zip")


def save(key: str, data: bytes, app=None) -> None:
    """Keep `data` under `key`, whole; PlannerError over the limit (nothing is kept)."""
    app = app or current_app
    limit = app.config["EXPORT_MAX_BYTES"]
    if len(data) > limit:  # refused, and nothing kept
        raise PlannerError(
            _l(
                "压缩包有 %(size)s，超过了 %(limit)s 的上限。请按开展计划分别导出。",
                size=_size(len(data)),
                limit=_size(limit),
            ),
            kind=INVALID,
        )
    if backend(app) == "db":
        with write_tx():
            ExportFile.delete().where(ExportFile.key == key).execute()
            ExportFile.create(key=key, data=data, size=len(data), created_at=_utc_now())
        return
    path = _path(app, key)
    part = f"{path}.part"
    try:
        with open_private(part) as fh:  # children's records: the app's user only
            fh.write(data)
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.remove(part)


def load(key: str, app=None) -> bytes | None:
    """The file, or None when it was never finished, or is swept."""
    app = app or current_app
    if backend(app) == "db":
        row = ExportFile.select(ExportFile.data).where(ExportFile.key == key).first()
        return bytes(row.data) if row else None
    try:
        with open(_path(app, key), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def exists(key: str, app=None) -> bool:
    """Whether the finished file is still kept (not swept)."""
    app = app or current_app
    if backend(app) == "db":
        return ExportFile.select().where(ExportFile.key == key).exists()
    return os.path.exists(_path(app, key))


def delete(key: str, app=None) -> None:
    app = app or current_app
    ExportFile.delete().where(ExportFile.key == key).execute()
    try:
        os.remove(_path(app, key))
    except FileNotFoundError:
        pass


def sweep(app=None) -> int:
    """Delete what is older than KEEP_SECONDS, from both backends (the setting may have
    changed); returns how many. The clock is planner.i18n.utc_clock."""
    app = app or current_app
    cutoff = _utc_now() - dt.timedelta(seconds=KEEP_SECONDS)
    with write_tx():
        removed = ExportFile.delete().where(ExportFile.created_at < cutoff).execute()
    base = folder(app)
    at = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
    for name in os.listdir(base):
        path = os.path.join(base, name)
        try:
            if os.path.getmtime(path) < at:
                os.remove(path)
                removed += 1
        except FileNotFoundError:
            continue  # another worker swept it first
    return removed
