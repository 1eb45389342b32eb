"""The login rate limit is counted in shared storage when PLANNER_RATELIMIT_STORAGE says
redis://: every gunicorn worker (a process of its own) and every host sees one count.
Memory storage, the default, stays per process. Runs against the Redis on 127.0.0.1:6379
under a key prefix of its own, and removes only its own keys."""

import json
import subprocess
import sys
import uuid

import pytest
import redis

from planner import create_app
from planner.config import ROOT

REDIS = "redis://127.0.0.1:6379"
PREFIX = f"planner-test-{uuid.uuid4().hex[:12]}"

# Another worker: a separate Python process with its own app, posting one login.
OTHER_WORKER = """
import json, sys
from planner import create_app
app = create_app(json.loads(sys.argv[1]))
response = app.test_client().post(
    "/login", data={"username": "nobody_here", "password": "wrong-password-123"}
)
print(response.status_code)
"""


@pytest.fixture
def shared():
    """The Redis connection; this module's keys are removed before and after each test."""
    client = redis.Redis.from_url(REDIS)

    def flush():
        for key in client.scan_iter(match=f"*{PREFIX}*"):
            client.delete(key)

    flush()
    yield client
    flush()
    client.close()


def config(db_url, storage):
    return {
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "t",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": PREFIX,
        "LOGIN_RATE_LIMIT": "2 per minute",
    }


def wrong_login(app):
    data = {"username": "nobody_here", "password": "wrong-password-123"}
    return app.test_client().post("/login", data=data).status_code


def other_worker(settings) -> int:
    done = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, json.dumps(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


def test_two_workers_share_one_count_in_redis(app, db_url, shared):
    settings = config(db_url, REDIS)
    first = create_app(settings)
    assert [wrong_login(first), wrong_login(first)] == [401, 401]
    assert any(shared.scan_iter(match=f"*{PREFIX}*"))  # the count is in Redis
    assert other_worker(settings) == 429  # another process: the limit is already reached


def test_two_app_instances_share_one_count_in_redis(app, db_url, shared):
    settings = config(db_url, REDIS)
    assert wrong_login(create_app(settings)) == 401
    assert wrong_login(create_app(settings)) == 401
    assert wrong_login(create_app(settings)) == 429


def test_memory_storage_counts_per_process(app, db_url, shared):
    settings = config(db_url, "memory://")
    first = create_app(settings)
    assert [wrong_login(first), wrong_login(first), wrong_login(first)] == [401, 401, 429]
    assert other_worker(settings) == 401  # nothing shared: the default is for one process
    assert not any(shared.scan_iter(match=f"*{PREFIX}*"))
