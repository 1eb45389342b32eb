"""Uploaded class lists kept on the server between the import steps (upload → mapping →
preview → commit).

Why a server-side file and not a signed hidden field (as the .ics import does): a signed
field is only signed, not encrypted, so every student's name would travel back to the
browser and be posted again at each step (tens of kilobytes for a class list), and it
would sit in the browser's form-restore cache on a shared tablet. Here the browser holds
only a random id (128 bits) that names no one. The file is readable by the app alone
(0600), is bound to the user and the school that uploaded it, expires after
MAX_AGE_SECONDS, is deleted at commit or cancel, and expired files are swept at every
upload. All app processes of one host share the directory (gunicorn workers do).
"""

import json
import os
import re
import secrets
import time

from planner.config import private_dir
from planner.errors import NOT_FOUND, PlannerError
from planner.i18n import lazy_gettext as _l

MAX_AGE_SECONDS = 30 * 60
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
EXPIRED = _l("导入数据已失效（超过 30 分钟或已处理），请重新上传文件。")


def _path(base: str, token: str) -> str:
    if not isinstance(token, str) or not TOKEN.match(token):
        raise PlannerError(EXPIRED, kind=NOT_FOUND)
    return os.path.join(base, f"{token}.json")


def sweep(base: str, now: float | None = None) -> int:
    """Delete expired uploads; returns how many."""
    now = now or time.time()
    removed = 0
    if not os.path.isdir(base):
        return 0
    for name in os.listdir(base):
        path = os.path.join(base, name)
        try:
            if name.endswith(".json") and now - os.path.getmtime(path) > MAX_AGE_SECONDS:
                os.remove(path)
                removed += 1
        except FileNotFoundError:
            continue  # another process swept it first
    return removed


def save(base: str, user_id: int, school_id: int, payload: dict) -> str:
    """Keep payload for this user and school; returns the random id."""
    private_dir(base)
    sweep(base)
    token = secrets.token_urlsafe(16)
    fd = os.open(_path(base, token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(
            {"user": user_id, "school": school_id, "payload": payload}, fh, ensure_ascii=False
        )
    return token


def load(base: str, token: str, user_id: int, school_id: int) -> dict:
    """The payload, or UploadMissing if it is unknown, expired or someone else's."""
    path = _path(base, token)
    try:
        if time.time() - os.path.getmtime(path) > MAX_AGE_SECONDS:
            raise PlannerError(EXPIRED, kind=NOT_FOUND)
        with open(path, encoding="utf-8") as fh:
            stored = json.load(fh)
    except (FileNotFoundError, ValueError) as exc:
        raise PlannerError(EXPIRED, kind=NOT_FOUND) from exc
    if (stored.get("user"), stored.get("school")) != (user_id, school_id):
        raise PlannerError(EXPIRED, kind=NOT_FOUND)
    return stored["payload"]


def discard(base: str, token: str) -> None:
    try:
        os.remove(_path(base, token))
    except (FileNotFoundError, PlannerError):
        pass
