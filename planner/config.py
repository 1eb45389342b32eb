"""Where the app lives and its settings: read by create_app, and by the few modules that
need the checkout's own folders (content/)."""

import os
import secrets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def secret_key(instance_path: str) -> str:
    """PLANNER_SECRET_KEY, else a random key kept in instance/ (development only)."""
    key = os.environ.get("PLANNER_SECRET_KEY")
    if key:
        return key
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        with open(path, "w") as fh:
            fh.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
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
        "RATELIMIT_STORAGE_URI": os.environ.get("PLANNER_RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LOCK_AFTER": 5,
        "LOGIN_LOCK_SECONDS": 15 * 60,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "CONTENT_DIR": os.path.join(ROOT, "content"),
        # resource limits (issue 13): zips one user may have being built at once, seconds
        # without a heartbeat before a zip job counts as dead, and an agency template's
        # render: seconds and output bytes before the built-in layout is used instead
        "EXPORT_MAX_RUNNING_JOBS": int(os.environ.get("PLANNER_EXPORT_MAX_JOBS", 2)),
        "EXPORT_JOB_STALE_SECONDS": int(os.environ.get("PLANNER_EXPORT_JOB_STALE", 600)),
        "TEMPLATE_RENDER_SECONDS": float(os.environ.get("PLANNER_TEMPLATE_SECONDS", 10)),
        "TEMPLATE_RENDER_MAX_BYTES": int(
            os.environ.get("PLANNER_TEMPLATE_MAX_BYTES", 20 * 1024 * 1024)
        ),
        # links in calendar feeds and the feed-url command; the request's host when empty
        "PUBLIC_BASE_URL": os.environ.get("PLANNER_BASE_URL", ""),
    }
