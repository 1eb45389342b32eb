"""A real gunicorn (2 sync workers) on the test database, started as a subprocess in its
own process group, and HTTP clients that log in like a tablet does (real password, CSRF
token from the page). Shared by the concurrency and crash tests."""

import os
import re
import secrets
import signal
import socket
import subprocess
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUNICORN = os.path.join(ROOT, ".venv", "bin", "gunicorn")
# What a lock or busy error looks like if one ever reaches a user (SQLite, apsw, psycopg).
LOCK_ERROR = re.compile(
    r"database (?:table )?is locked|SQLITE_BUSY|BusyError|LockedError"
    r"|deadlock detected|could not serialize|lock timeout",
    re.I,
)
CSRF_HEADER = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
TIMEOUT = 60  # seconds for one request; the machine is shared, a stall is not a failure


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_alive(pgid: int) -> bool:
    """True while any process of the group is still running (zombies don't count)."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "(comm)": state ppid pgrp …
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class Server:
    """gunicorn --workers 2 on 127.0.0.1:<port>, DATABASE_URL = the test database. The
    same port and secret key across restarts, so a tablet's cookie outlives a crash."""

    def __init__(self, db_url, log_path, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.workers = workers
        self.env = dict(
            os.environ,
            DATABASE_URL=db_url,
            PLANNER_SECRET_KEY=secrets.token_hex(32),
            # a handful of logins per test: never throttled
            PLANNER_LOGIN_RATE_LIMIT="1000 per minute",
        )
        self.proc = None
        self.starts = 0

    def start(self, timeout=60):
        """Start gunicorn and wait until it answers."""
        assert self.proc is None, "already running"
        log = open(self.log_path, "a")
        log.write(f"--- start {self.starts + 1} ---\n")
        log.flush()
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "app:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/login", timeout=5).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a worker still booting on a busy machine
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log()}")

    def kill(self):
        """kill -9 the master and its workers (the whole process group), and wait for them."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the master leads its own group
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        deadline = time.monotonic() + 30
        while group_alive(pgid):
            if time.monotonic() > deadline:
                raise RuntimeError(f"process group {pgid} survived SIGKILL")
            time.sleep(0.05)
        self.proc = None

    def stop(self):
        """A graceful stop (SIGTERM), then SIGKILL for anything left."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def log(self, tail=4000) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as fh:
                return fh.read()[-tail:]
        except OSError:
            return ""

    def log_problems(self) -> list[str]:
        """Tracebacks and lock errors the server logged (its users saw a 500, at best)."""
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        return [
            line for line in text.splitlines() if "Traceback" in line or LOCK_ERROR.search(line)
        ]


def csrf_token_of(html: str) -> str:
    """The token htmx sends (<body hx-headers>), else the form field."""
    match = CSRF_HEADER.search(html) or CSRF_FIELD.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Tablet:
    """One logged-in device. clone() gives each thread its own connection and cookie jar
    holding the same login (the session cookie is signed, so copies stay valid)."""

    def __init__(self, base_url, http, token):
        self.base_url, self.http, self.token = base_url, http, token

    @classmethod
    def login(cls, base_url, username, password, page="/dashboard"):
        """Log in over HTTP with the real password (argon2: once per tablet)."""
        http = requests.Session()
        token = csrf_token_of(http.get(base_url + "/login", timeout=TIMEOUT).text)
        response = http.post(
            base_url + "/login",
            allow_redirects=False,
            timeout=TIMEOUT,
            data={"username": username, "password": password, "csrf_token": token},
        )
        assert response.status_code == 303, (response.status_code, response.text[:500])
        # the login rotated the session: the token from before it is stale
        token = csrf_token_of(http.get(base_url + page, timeout=TIMEOUT).text)
        return cls(base_url, http, token)

    def clone(self):
        http = requests.Session()
        http.cookies.update(self.http.cookies)
        return Tablet(self.base_url, http, self.token)

    def get(self, path, **kw):
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return self.http.get(self.base_url + path, **kw)

    def post(self, path, data, headers=None, **kw):
        """A POST as htmx or runmode.js sends it: the CSRF token in X-CSRFToken."""
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return self.http.post(
            self.base_url + path,
            data=data,
            headers={"X-CSRFToken": self.token, **(headers or {})},
            **kw,
        )
