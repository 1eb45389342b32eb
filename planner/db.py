"""Database set-up: one DatabaseProxy, initialised by the app factory, never at import."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from contextlib import contextmanager
from urllib.parse import parse_qsl, unquote, urlparse

import peewee
from peewee import DatabaseProxy, IntegerField, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase

from planner.config import private_file


class Proxy(DatabaseProxy):
    """The proxy every model is bound to. Re-pointing it (a second app, a command that
    swaps in a scratch database) closes a connection pool it leaves, or the pool's open
    connections would be dropped unclosed."""

    def initialize(self, obj):
        try:
            current = object.__getattribute__(self, "obj")
        except AttributeError:  # the first call, from __init__
            current = None
        if (
            isinstance(current, PooledDatabase)
            and current is not obj
            and not current.in_transaction()
        ):
            current.close_all()
        super().initialize(obj)


database = Proxy()

# SQLite 3.7.0 up to and including 3.51.2 can corrupt a WAL database when two or more
# connections write or checkpoint at once (see STACK.md). apsw bundles a fixed library.
WAL_BUG_FIRST = (3, 7, 0)
WAL_BUG_LAST = (3, 51, 2)

SQLITE_PRAGMAS = [
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", 10000),
    ("synchronous", 2),  # FULL
]


class UnsafeSQLiteError(RuntimeError):
    """Raised at start-up when the SQLite library has the WAL-reset bug."""


def parse_version(text: str) -> tuple[int, ...]:
    """'3.54.1' -> (3, 54, 1)."""
    return tuple(int(part) for part in text.split(".")[:3])


def check_sqlite_version(version: str, multi_connection: bool = True) -> None:
    """Refuse a SQLite library affected by the WAL-reset bug when several connections write."""
    if multi_connection and WAL_BUG_FIRST <= parse_version(version) <= WAL_BUG_LAST:
        raise UnsafeSQLiteError(
            f"SQLite {version} has the WAL-reset corruption bug (3.7.0–3.51.2). "
            "Install apsw (bundles SQLite ≥ 3.51.3) or use PostgreSQL via DATABASE_URL. "
            f"SQLite {version} 存在 WAL 重置损坏缺陷，请安装 apsw 或改用 PostgreSQL。"
        )


# A pooled PostgreSQL connection is kept between requests; these are the defaults, each
# can be set in DATABASE_URL's query (…/planner?max_connections=5).
POOL_OPTIONS = {
    "max_connections": 20,  # per process; a sync gunicorn worker uses one
    "stale_timeout": 300,  # age in seconds after which a connection is replaced
    "timeout": 10,  # seconds a request waits for a free connection
}


class PostgresPool(PooledPostgresqlDatabase):
    """PostgreSQL with its connections kept open between requests: opening one costs
    more than most pages (bench/README.md). A connection is checked with a round trip
    before reuse and rolled back if a request left a transaction open.

    Connections open in the process that uses them. A process forked from one holding
    connections (gunicorn --preload) must not speak on its parent's sockets, nor say
    goodbye on them: the child points each inherited socket at /dev/null, then closes
    its copy, and opens its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pid = os.getpid()

    def connect(self, reuse_if_open=False):
        if os.getpid() != self._pid:
            self._after_fork()
        return super().connect(reuse_if_open)

    def _after_fork(self):
        inherited = [conn for _, _, conn in self._connections]
        inherited += [pooled.connection for pooled in self._in_use.values()]
        if self._state.conn is not None and self._state.conn not in inherited:
            inherited.append(self._state.conn)
        self._connections, self._in_use = [], {}
        self._state.reset()
        self._lock = threading.RLock()  # a parent's thread may have held these at fork
        self._pool_lock = threading.RLock()
        self._pool_available = threading.Condition(self._pool_lock)
        with open(os.devnull, "wb") as sink:
            for conn in inherited:
                try:
                    os.dup2(sink.fileno(), conn.fileno())
                except Exception:  # closed already: no socket of the parent's to spare
                    continue
                self._close_raw(conn)
        self._pid = os.getpid()


def make_database(url: str, pool: bool = False):
    """Build the peewee database for a URL: sqlite:///path (apsw) or postgresql://…

    pool=True (the app) keeps PostgreSQL connections between requests; a one-off
    connection (a test's admin, a migration check) is plain."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        options = dict(parse_qsl(parsed.query))
        params = dict(
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port or 5432,
        )
        if pool:
            pool_options = {key: options.pop(key, default) for key, default in POOL_OPTIONS.items()}
            # psycopg prepares a statement run 5 times on one connection, and PostgreSQL
            # may then plan it once for any parameters: on a kept connection the city's
            # term statistics went from 0.1 s to 34 s at the 11th view. Plan every query
            # for its own values.
            params["prepare_threshold"] = None
            return PostgresPool(parsed.path.lstrip("/"), **params, **pool_options, **options)
        for key in POOL_OPTIONS:
            options.pop(key, None)
        return PostgresqlDatabase(parsed.path.lstrip("/"), **params, **options)
    if parsed.scheme != "sqlite":
        raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")
    import apsw
    from playhouse.apsw_ext import APSWDatabase

    check_sqlite_version(apsw.sqlite_lib_version())
    path = url[len("sqlite:///") :]
    if path != ":memory:":
        _private_sqlite_files(path)
    return APSWDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)


def _private_sqlite_files(path: str) -> None:
    """The database file (made empty if new) readable by the app's user only; SQLite gives
    the -wal and -shm files it makes the database file's mode, and older ones are fixed."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700)
    private_file(path)
    for companion in (path + "-wal", path + "-shm"):
        if os.path.exists(companion):
            private_file(companion)


def is_sqlite() -> bool:
    """True when the proxy points at SQLite."""
    return isinstance(database.obj, SqliteDatabase)


def write_tx():
    """A write transaction; on SQLite it takes the write lock first (BEGIN IMMEDIATE)."""
    if is_sqlite():
        return database.obj.atomic("IMMEDIATE")
    return database.obj.atomic()


@contextmanager
def planned_once():
    """On PostgreSQL, prepare the statements run inside (a `with` block, or a view it
    decorates) and keep them on the pooled connection: after a few runs the server plans
    each once for all values (a generic plan) instead of on every request. For the small
    index lookups of the pages open all day (today, the week, run mode), whose planning
    cost more than running them (bench/README.md). Never for the statistics or other
    sums: their best plan depends on the values, and a generic plan of the term
    statistics took 34 s (PostgresPool prepares nothing elsewhere). SQLite: no change."""
    if database.obj is None or is_sqlite():
        yield
        return
    conn = database.connection()
    before = conn.prepare_threshold
    conn.prepare_threshold = 0  # prepared at its first run here, used again only here
    try:
        yield
    finally:
        conn.prepare_threshold = before


def init_app(app) -> None:
    """Point the proxy at the configured database and open/close per request."""
    # A second app (tests build several) re-points the proxy: close this thread's
    # connection to the previous database first, or it leaks (ResourceWarning on psycopg).
    if database.obj is not None and not database.is_closed() and not database.in_transaction():
        database.close()
    database.initialize(make_database(app.config["DATABASE_URL"], pool=True))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            if is_sqlite() and not database.in_transaction():
                refresh_statistics()
            database.close()


OPTIMIZE_EVERY = 3600.0  # seconds between two PRAGMA optimize runs in one process
_last_optimize = [float("-inf")]  # monotonic time of the last run


def refresh_statistics() -> None:
    """Keep SQLite's query-planner statistics current: `PRAGMA optimize` (bounded by
    analysis_limit) when the process first closes a connection, then at most hourly.

    Without statistics SQLite can drive a join from the wrong index: the term statistics
    of the city dataset took 130 ms of SQL by scanning every session before a date instead
    of starting from the term (bench/README.md). Run on the raw connection, so it is not
    one of a page's queries; it does nothing when the statistics are still good."""
    import apsw

    moment = time.monotonic()
    if moment - _last_optimize[0] < OPTIMIZE_EVERY:
        return
    _last_optimize[0] = moment
    try:
        connection = database.connection()
        connection.setbusytimeout(200)  # never hold a response for a busy writer; closed next
        cursor = connection.cursor()
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize=0x10002")  # every table, not only this connection's
    except apsw.BusyError:  # a writer holds the lock: try again at the next close
        _last_optimize[0] = float("-inf")


def now() -> dt.datetime:
    """Naive UTC now; every stored timestamp is UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class _TextOnSQLite:
    """apsw binds no date/time objects: send them as text (peewee parses them back)."""

    def db_value(self, value):
        value = super().db_value(value)
        if value is not None and is_sqlite():
            return str(value)
        return value


class DateField(_TextOnSQLite, peewee.DateField):
    pass


class TimeField(_TextOnSQLite, peewee.TimeField):
    pass


class DateTimeField(_TextOnSQLite, peewee.DateTimeField):
    pass


class BaseModel(Model):
    """Base for every model: bound to the proxy."""

    class Meta:
        database = database
        legacy_table_names = False


class VersionedModel(BaseModel):
    """A record people edit in forms: a version column detects concurrent edits."""

    version = IntegerField(default=1)
    updated_at = DateTimeField(default=now)


class ConflictError(Exception):
    """Somebody else saved the record since this form was opened."""


def save_versioned(instance: VersionedModel, expected_version: int, data: dict) -> None:
    """Apply data to instance only if its version is still expected_version."""
    model = type(instance)
    data = dict(data, version=expected_version + 1, updated_at=now())
    updated = (
        model.update(**data)
        .where((model.id == instance.id) & (model.version == expected_version))
        .execute()
    )
    if updated != 1:
        raise ConflictError(model.__name__)
    for key, value in data.items():
        setattr(instance, key, value)


class JSONText(peewee.TextField):
    """JSON kept as text: the same on SQLite and PostgreSQL, readable in a dump."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)
