"""Test set-up: one migrated database per run (SQLite file or a PostgreSQL schema),
emptied after every test so each test starts fresh."""

import datetime as dt
import os
import tempfile
import time
import types
import uuid

import pytest

from planner import create_app, migrations
from planner.db import database, make_database
from planner.models import MODELS
from tests import factories

PG_URL = os.environ.get("PLANNER_TEST_DATABASE_URL")
# Apps built as in production (no TESTING) refuse to start without a public address; the
# test client's requests say Host: localhost, so links read the same either way. The
# tests of the setting itself change it (tests/feeds/test_public_address.py).
os.environ["PLANNER_BASE_URL"] = "http://localhost"

# Markers by place, so `make test-fast` can leave the slow kinds out (make test runs all).
MARKERS_BY_PATH = {
    "tests/browser/": "browser",
    "tests/load/": "load",
    "tests/exports/test_libreoffice.py": "office",
    "tests/exports/test_page_counts.py": "office",
    "tests/test_db_pool.py": "postgres",
    "tests/security/": "slow",
    "tests/api/test_schemathesis.py": "slow",
}


def pytest_collection_modifyitems(config, items):
    root = str(config.rootpath) + "/"
    for item in items:
        where = str(item.path).removeprefix(root)
        for prefix, marker in MARKERS_BY_PATH.items():
            if where.startswith(prefix):
                item.add_marker(marker)
    if not PG_URL:  # several hosts share one PostgreSQL, and what only PostgreSQL does:
        # the PostgreSQL run has them

        def pg_run_only(item):
            return item.get_closest_marker("two_hosts") or item.get_closest_marker("postgres_only")

        if only := [item for item in items if pg_run_only(item)]:
            config.hook.pytest_deselected(items=only)
            items[:] = [item for item in items if not pg_run_only(item)]


def _pg_schema_url(base_url, schema):
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options=-c%20search_path%3D{schema}"


def fresh_database_url(tmp_dir):
    """A new, empty database: a SQLite file, or a new PostgreSQL schema."""
    if not PG_URL:
        return f"sqlite:///{tmp_dir}/planner-{uuid.uuid4().hex[:8]}.db"
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_database(PG_URL)
    admin.connect()
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    admin.close()
    return _pg_schema_url(PG_URL, schema)


def drop_database(url):
    """Remove a database made by fresh_database_url."""
    if "search_path" in url:
        schema = url.rsplit("%3D", 1)[1]
        admin = make_database(PG_URL)
        admin.connect()
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.close()


@pytest.fixture(scope="session")
def db_url():
    """The migrated database every test uses."""
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database_url(tmp)
        database.initialize(make_database(url))
        with database.connection_context():
            migrations.migrate()
        database.close()
        yield url
        drop_database(url)


def _empty_tables():
    tables = [m._meta.table_name for m in reversed(MODELS)]
    if PG_URL:
        database.execute_sql(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        # the audit log refuses DELETE by trigger; a test reset lifts that for a moment
        from planner.migrations.m0005_students import TRIGGERS

        for name in ("audit_entry_no_update", "audit_entry_no_delete"):
            database.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for table in tables:
            database.execute_sql(f'DELETE FROM "{table}"')
        for sql in TRIGGERS["sqlite"]:
            database.execute_sql(sql)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    """An instance folder of this test process's own (export zips, uploads): the two suite
    runs and the xdist workers run side by side and must not share one."""
    return str(tmp_path_factory.getbasetemp() / "instance")


@pytest.fixture
def app(db_url, instance_dir):
    """A fresh app on the migrated database; all rows removed afterwards."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PUBLIC_BASE_URL": "",  # links from the request's host (Host: localhost)
        }
    )
    app.instance_path = instance_dir
    # No app context is held open: each request gets its own, as in production
    # (Flask-Login caches the user in `g`). Model calls in tests connect on demand.
    yield app
    reset_database()


def _fresh_connection():
    """This thread's connection, opened anew: the test's own may still hold a read
    snapshot from before another thread's last write (a SELECT not read to its end), which
    SQLite cannot turn into a write ("database is locked" at once, whatever the timeout)."""
    if not database.is_closed():
        database.close()
    database.connect()


def reset_database():
    """After a test: its background jobs stopped, then every table emptied."""
    from planner.exports.jobs import wait_all
    from planner.exports.models import ExportJob

    # A zip still being built would write into the emptied tables: its row is failed, so
    # its builder stops at its next document (exports/jobs.py), and then waited for.
    _fresh_connection()
    ExportJob.update(status="failed").where(ExportJob.status.in_(("queued", "running"))).execute()
    database.close()
    wait_all()
    _fresh_connection()
    _empty_tables()
    database.close()


@pytest.fixture
def client(app):
    return app.test_client()


def login_as(client, user):
    """Log a test client in without the (deliberately slow) password check."""
    from planner.accounts.models import User

    fresh = User.get_by_id(user.id)  # session_version may have moved on (logout)
    with client.session_transaction() as sess:
        sess.clear()
        sess["_user_id"] = fresh.get_id()
        sess["_fresh"] = True
        sess["login_at"] = sess["last_seen"] = time.time()
    return client


@pytest.fixture
def world(app):
    """Two schools in one agency, one in another agency, and a persona per role."""
    w = types.SimpleNamespace(app=app)
    w.agency = factories.agency(name="测试机构", code="TA")
    w.school = factories.school(agency=w.agency, name="甲校", code="JX")
    w.other_school = factories.school(agency=w.agency, name="乙校", code="YX")
    w.foreign_school = factories.school(name="外机构学校", code="WX")
    w.term = factories.term(school=w.school)
    w.cls = factories.school_class(school=w.school, name="7(1)班")
    w.room = factories.room(school=w.school, name="小组工作室")
    w.other_term = factories.term(school=w.other_school)
    w.other_cls = factories.school_class(school=w.other_school, name="7(2)班")
    w.other_room = factories.room(school=w.other_school)
    w.admin = factories.user("admin", agency=w.agency, username="admin1")
    w.worker = factories.user("worker", agency=w.agency, username="worker_here", schools=[w.school])
    w.worker_other = factories.user(
        "worker", agency=w.agency, username="worker_other", schools=[w.other_school]
    )
    w.supervisor = factories.user(
        "supervisor", agency=w.agency, username="super1", workers=[w.worker]
    )
    w.teacher = factories.user("teacher", agency=w.agency, username="teacher1", classes=[w.cls])
    return w


@pytest.fixture
def as_user(client):
    """as_user(user) -> the client, logged in as that user."""
    return lambda user: login_as(client, user)


BEFORE_TERM = dt.date(2026, 8, 20)


@pytest.fixture
def before_term(monkeypatch):
    """Schedule-change tests run on the 2026 autumn term's dates: "today" for the held and
    past rule (planner/runs/held.py) is pinned before the term, so its sessions are still
    to come (moved, bumped, cancelled) however late the suite runs."""
    monkeypatch.setattr("planner.runs.held.local_today", lambda: BEFORE_TERM)
    return BEFORE_TERM
