"""The benchmark datasets of BENCHMARKS.md, built once with the project's own commands and
kept in `bench/.data/` (SQLite files) or in PostgreSQL schemas `bench_small`/`bench_city`.

A dataset is rebuilt when the code that shapes it changes: the marker next to it holds a
hash of the migrations, the generator, the content library and the calendar files.
`BENCH_FRESH=1` rebuilds anyway.
"""

import glob
import hashlib
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", ".data")
FLASK = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "app"]
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "gen-planner-2026"  # planner.generate.scales.PASSWORD, for every generated login


def pg_base() -> str | None:
    """The PostgreSQL server the PostgreSQL figures use, or None when it can't be reached."""
    url = os.environ.get("BENCH_PG_URL", PG_DEFAULT)
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL figures
        return None
    return url


def _fingerprint() -> str:
    digest = hashlib.sha256()
    patterns = [
        "planner/migrations/*.py",
        "planner/generate/*.py",
        "content/curricula/**/*",
        "content/calendar/**/*",
        "content/instruments/**/*",
    ]
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            if os.path.isfile(path):
                digest.update(path.encode())
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()[:16]


def url_for(scale: str, engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{DATA}/{scale}.db"
    base = pg_base() or PG_DEFAULT
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-c%20search_path%3Dbench_{scale}"


def _reset(scale: str, engine: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            path = os.path.join(DATA, f"{scale}.db{suffix}")
            if os.path.exists(path):
                os.remove(path)
        return
    import psycopg

    with psycopg.connect(pg_base(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS bench_{scale} CASCADE")
        conn.execute(f"CREATE SCHEMA bench_{scale}")


def ensure(scale: str, engine: str = "sqlite", echo=print) -> str:
    """The URL of the dataset, generating it first if it is missing or out of date."""
    os.makedirs(DATA, exist_ok=True)
    marker = os.path.join(DATA, f"{engine}-{scale}.ok")
    url = url_for(scale, engine)
    fingerprint = _fingerprint()
    if os.environ.get("BENCH_FRESH") != "1" and os.path.exists(marker):
        with open(marker) as handle:
            if handle.read().strip() == fingerprint:
                return url
    if os.path.exists(marker):
        os.remove(marker)
    echo(f"building the {scale} dataset on {engine} (kept for later runs) …")
    started = time.perf_counter()
    _reset(scale, engine)
    env = dict(os.environ, DATABASE_URL=url, PLANNER_SECRET_KEY="bench")
    for args in (
        ["migrate"],
        ["content", "import"],
        ["calendar", "import"],
        ["instruments"],
        ["generate", "--scale", scale],
    ):
        subprocess.run(
            FLASK + ["planner", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    with open(marker, "w") as handle:
        handle.write(fingerprint)
    echo(f"  built in {time.perf_counter() - started:.0f}s")
    return url
