"""Where the app lives and its settings: read by create_app, and by the few modules that
need the checkout's own folders (content/)."""

import os
import secrets
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def private_dir(path: str) -> str:
    """A folder only the app's user may open (made if missing): exports, pending imports."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: str) -> None:
    """Make `path` (created empty if missing) readable and writable by the app's user only:
    the records of children are in the database, its copies and the export zips."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if os.stat(path).st_uid == os.getuid():
        os.chmod(path, 0o600)


def open_private(path: str, mode: str = "wb"):
    """Open a new file for writing, readable by the app's user only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), mode)


def secret_key(instance_path: str) -> str:
    """PLANNER_SECRET_KEY, else a random key kept in instance/ (development only)."""
    key = os.environ.get("PLANNER_SECRET_KEY")
    if key:
        return key
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, mode=0o700, exist_ok=True)
        with open_private(path, "w") as fh:
            fh.write(secrets.token_hex(32))
    with open(path) as fh:
        return fh.read().strip()


def default_config(instance_path: str) -> dict:
    """Settings, overridable by environment variables and by create_app(config)."""
    return {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "planner.db")
        ),
        "SESSION_IDLE_SECONDS": int(os.environ.get("PLANNER_IDLE_SECONDS", 30 * 60)),
        "SESSION_ABSOLUTE_SECONDS": int(os.environ.get("PLANNER_ABSOLUTE_SECONDS", 12 * 3600)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("PLANNER_SECURE_COOKIES", "0") == "1",
        "SESSION_COOKIE_NAME": "planner_session",
        "LOGIN_RATE_LIMIT": os.environ.get("PLANNER_LOGIN_RATE_LIMIT", "10 per minute"),
        # the public feedback form (planner/service/): per address
        "FEEDBACK_RATE_LIMIT": os.environ.get(
            "PLANNER_FEEDBACK_RATE_LIMIT", "5 per minute;30 per day"
        ),
        "RATELIMIT_STORAGE_URI": os.environ.get("PLANNER_RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        # hosts sharing one Redis for their limits but not their counts (a test run) differ
        "RATELIMIT_KEY_PREFIX": os.environ.get("PLANNER_RATELIMIT_PREFIX", ""),
        "LOGIN_LOCK_AFTER": 5,
        "LOGIN_LOCK_SECONDS": 15 * 60,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "CONTENT_DIR": os.path.join(ROOT, "content"),
        # The public address for every absolute link (feeds, QR codes, the one-time feed
        # URL, the feed-url command). Outside debug and tests either it or TRUSTED_HOSTS
        # must be set (check_public_address): a link never trusts a Host header as sent.
        "PUBLIC_BASE_URL": os.environ.get("PLANNER_BASE_URL", "").strip().rstrip("/"),
        # Flask refuses (400) a request whose Host is not one of these; None: any host
        "TRUSTED_HOSTS": _host_list(os.environ.get("PLANNER_TRUSTED_HOSTS", "")),
        # resource limits (issue 13): zips one user may have being built at once, seconds
        # without a heartbeat before a zip job counts as dead, and an agency template's
        # render: seconds and output bytes before the built-in layout is used instead
        "EXPORT_MAX_RUNNING_JOBS": int(os.environ.get("PLANNER_EXPORT_MAX_JOBS", 2)),
        "EXPORT_JOB_STALE_SECONDS": int(os.environ.get("PLANNER_EXPORT_JOB_STALE", 600)),
        # the term statistics page kept in each process under the database's write stamps
        # (issue 19, planner/reports/cache.py); "0" computes it on every view
        "STATS_CACHE": os.environ.get("PLANNER_STATS_CACHE", "1") != "0",
        # background jobs (issue 19, planner/queue.py): a redis:// URL for RQ, or "" to run
        # them in a thread of the web process (development)
        "QUEUE": os.environ.get("PLANNER_QUEUE", "").strip(),
        "QUEUE_NAME": os.environ.get("PLANNER_QUEUE_NAME", "planner"),
        # where finished zips are kept until swept (exports/storage.py): "db" (every host
        # reads them; the default on PostgreSQL) or "disk" (instance/exports/; on SQLite),
        # and the largest zip kept
        "EXPORT_STORAGE": os.environ.get("PLANNER_EXPORT_STORAGE", "").strip(),
        "EXPORT_MAX_BYTES": int(os.environ.get("PLANNER_EXPORT_MAX_BYTES", 200 * 1024 * 1024)),
        # tests only: a zip job waits before each document while this file exists
        "EXPORT_PAUSE_FILE": os.environ.get("PLANNER_EXPORT_PAUSE_FILE", ""),
        "TEMPLATE_RENDER_SECONDS": float(os.environ.get("PLANNER_TEMPLATE_SECONDS", 10)),
        "TEMPLATE_RENDER_MAX_BYTES": int(
            os.environ.get("PLANNER_TEMPLATE_MAX_BYTES", 20 * 1024 * 1024)
        ),
    }


def _host_list(value: str) -> list | None:
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    return hosts or None


def check_public_address(config: dict, debug: bool) -> None:
    """Refuse to start a production app whose links would take their host from the
    request: PLANNER_BASE_URL must be an http(s) address, or PLANNER_TRUSTED_HOSTS set."""
    base = config.get("PUBLIC_BASE_URL") or ""
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise RuntimeError(
                f"PLANNER_BASE_URL must look like https://planner.example.edu.cn, not {base!r}. "
                "PLANNER_BASE_URL 应为 https://域名 形式的地址。"
            )
        return
    if debug or config.get("TESTING") or config.get("TRUSTED_HOSTS"):
        return
    raise RuntimeError(
        "Set PLANNER_BASE_URL to the public address (https://planner.example.edu.cn), or "
        "PLANNER_TRUSTED_HOSTS to the host names this app answers to: links in calendar "
        "feeds and QR codes must not take their address from a request's Host header. "
        "请设置 PLANNER_BASE_URL（对外地址）或 PLANNER_TRUSTED_HOSTS（允许的主机名）。"
    )
