"""The app's PostgreSQL connection pool (planner.db.PostgresPool), on the real server.

It runs in both suite runs: the SQLite run uses the same server the PostgreSQL run does."""

import os

import psycopg
import pytest

from planner import create_app
from planner.db import PostgresPool, database, make_database
from tests.conftest import PG_URL

SERVER_URL = PG_URL or os.environ.get("PLANNER_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def backend(db):
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


@pytest.fixture
def pool():
    db = make_database(SERVER_URL, pool=True)
    yield db
    db.close_all()


def test_a_closed_connection_goes_back_to_the_pool_and_is_reused(pool):
    assert isinstance(pool, PostgresPool)
    pool.connect()
    first = backend(pool)
    pool.close()
    pool.connect()
    assert backend(pool) == first
    pool.close()


def test_a_transaction_left_open_is_rolled_back_before_reuse(pool):
    pool.connect()
    pool.execute_sql("CREATE TEMP TABLE pool_probe (n integer)")
    pool.execute_sql("BEGIN")
    pool.execute_sql("INSERT INTO pool_probe VALUES (1)")
    pool.close()  # as a request that failed half-way
    pool.connect()
    assert pool.connection().info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert pool.execute_sql("SELECT count(*) FROM pool_probe").fetchone()[0] == 0
    pool.close()


def test_a_kept_connection_prepares_no_statements(pool):
    """psycopg prepares a query run 5 times on one connection; PostgreSQL may then plan
    it once for all parameters. On the city the term statistics took 34 s instead of
    0.1 s from the 11th view on (bench/README.md)."""
    pool.connect()
    for day in range(12):
        pool.execute_sql("SELECT %s::int + 1", (day,))
    assert pool.execute_sql("SELECT count(*) FROM pg_prepared_statements").fetchone()[0] == 0
    pool.close()


def test_a_connection_the_server_ended_is_replaced(pool):
    pool.connect()
    gone = backend(pool)
    pool.close()
    admin = make_database(SERVER_URL)
    with admin.connection_context():
        admin.execute_sql("SELECT pg_terminate_backend(%s)", (gone,))
    pool.connect()
    assert backend(pool) != gone  # and it answers
    pool.close()


def test_a_forked_child_opens_its_own_connection_and_spares_the_parents(pool):
    pool.connect()
    parent = backend(pool)
    pool.close()  # idle in the pool when the process forks (gunicorn --preload)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            pool.connect()
            os.write(write_end, str(backend(pool)).encode())
            pool.close()
            pool.close_all()  # a worker exiting
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    _, status = os.waitpid(child, 0)
    reported = os.read(read_end, 64)
    os.close(read_end)
    assert os.waitstatus_to_exitcode(status) == 0
    assert int(reported) != parent
    pool.connect()
    assert backend(pool) == parent  # the child said nothing on the parent's socket
    pool.close()


def test_pool_settings_come_from_the_url():
    pooled = make_database(
        f"{SERVER_URL}?max_connections=3&stale_timeout=60&sslmode=disable", pool=True
    )
    assert (pooled._max_connections, pooled._stale_timeout) == (3, 60)
    assert pooled.connect_params["sslmode"] == "disable"
    assert "max_connections" not in pooled.connect_params
    plain = make_database(f"{SERVER_URL}?max_connections=3", pool=False)
    assert not isinstance(plain, PostgresPool)
    assert "max_connections" not in plain.connect_params


def test_re_pointing_the_proxy_closes_the_pool_it_leaves():
    def app():
        return create_app(
            {
                "TESTING": True,
                "DATABASE_URL": SERVER_URL,
                "SECRET_KEY": "x",
                "RATELIMIT_ENABLED": False,
            }
        )

    def used(pool):
        pool.connect()
        pool.close()
        assert pool._connections  # one idle connection

    previous = database.obj
    try:
        app()
        first = database.obj
        used(first)
        app()  # a second app
        second = database.obj
        assert second is not first and not first._connections and not first._in_use
        used(second)
    finally:
        database.initialize(previous)  # as a command that swapped in a scratch database
    assert not second._connections and not second._in_use


def test_planned_once_prepares_inside_only_and_restores_the_connection(pool):
    """The pages open all day prepare their statements (planner.db.planned_once); the
    connection prepares nothing again once the block ends, even when it ends by an error."""
    from planner.db import planned_once

    previous = database.obj
    database.initialize(pool)
    try:
        pool.connect()
        with planned_once():
            for day in range(3):
                pool.execute_sql("SELECT %s::int + 2", (day,))
        with pytest.raises(LookupError), planned_once():
            pool.execute_sql("SELECT %s::int + 4", (1,))
            raise LookupError("a view that failed half-way")
        for day in range(12):  # outside: as the pool does everywhere else
            pool.execute_sql("SELECT %s::int + 3", (day,))
        statements = pool.execute_sql("SELECT statement FROM pg_prepared_statements").fetchall()
        assert sorted(s for (s,) in statements) == ["SELECT $1::int + 2", "SELECT $1::int + 4"]
        assert pool.connection().prepare_threshold is None
        pool.close()
    finally:
        database.initialize(previous)
