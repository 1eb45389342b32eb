"""Figures 2 and 6 of BENCHMARKS.md and issue 7's load test, against gunicorn on 127.0.0.1
serving the city dataset, with wrk as the second process.

- throughput: req/s of the dashboard and the week view over req/s of a bare /hello route,
  2 workers, 32 connections, median of RUNS runs (goal ≥ 35%);
- memory: peak RSS (VmHWM) of each worker after the city page set (goal ≤ 150 MB);
- load: 32 connections for LOAD_SECONDS (60) with a mix of the key pages and attendance
  taps (JSON, CSRF header, as the tablet sends them): errors (anything but 200, socket
  errors) must be 0; p50/p99 latency reported.

`python bench/serve.py [sqlite|postgres]`. Needs wrk (`make bench` installs it).
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import datasets  # noqa: E402
from bench.pages import AS_OF, bench_app, pages, targets  # noqa: E402

ROOT = datasets.ROOT
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
RUNS = int(os.environ.get("BENCH_SERVE_RUNS", 3))
SECONDS = int(os.environ.get("BENCH_SERVE_SECONDS", 10))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
THROUGHPUT_GOAL = 0.35
RSS_GOAL_MB = 150

LOAD_LUA = r"""
-- page views and attendance taps, in the proportion a working day has them
local pages = {%(pages)s}
local taps = {%(taps)s}
local statuses = {"present", "late", "absent", "excused", "left_early"}
counts = {}  -- a global: done() reads it from each thread
local n = 0
request = function()
  n = n + 1
  if n %% 5 == 0 then
    local tap = taps[(n / 5) %% #taps + 1]
    local body = "student_id=" .. tap[2] .. "&status=" .. statuses[n %% #statuses + 1]
    -- a headers table replaces wrk.headers (the cookie and the CSRF token): copy them in
    local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                     ["Accept"] = "application/json"}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    return wrk.format("POST", tap[1], headers, body)
  end
  return wrk.format("GET", pages[n %% #pages + 1])
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
setup = function(thread) table.insert(threads, thread) end
threads = {}
done = function(summary, latency, requests)
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, k in pairs(c) do io.write("status " .. status .. " " .. k .. "\n") end
  end
  io.write(string.format("p50 %%.2f p99 %%.2f\n", latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers on the dataset; killed with its process group."""

    def __init__(self, url):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=url, PLANNER_SECRET_KEY="bench-secret")
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "bench.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for _ in range(200):
            try:
                if requests.get(self.base + "/hello", timeout=30).status_code == 200:
                    return
            except requests.ConnectionError:  # not listening yet
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def peak_rss_mb(self) -> list[float]:
        peaks = []
        for pid in self.workers():
            with open(f"/proc/{pid}/status") as handle:
                match = re.search(r"VmHWM:\s+(\d+) kB", handle.read())
            peaks.append(int(match.group(1)) / 1024)
        return peaks

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def log_in(base, username) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a real login through the form."""
    web = requests.Session()
    page = web.get(base + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = web.post(
        base + "/login",
        data={"csrf_token": token, "username": username, "password": datasets.PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code in (302, 303), answer.status_code
    page = web.get(base + "/dashboard").text
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    cookie = "; ".join(f"{k}={v}" for k, v in web.cookies.items())
    return cookie, token


def wrk(url, cookie, seconds, script=None, token=None) -> str:
    args = [
        "wrk",
        "-t2",
        "-c32",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Cookie: {cookie}",
    ]
    if token:
        args += ["-H", f"X-CSRFToken: {token}"]
    if script:
        args += ["-s", script]
    done = subprocess.run(args + [url], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return done.stdout


def req_per_s(output) -> float:
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def tap_targets(app, t) -> list:
    """(path, student id) of the members of the target group with attendance consent."""
    from planner.db import database
    from planner.sessions.models import Session
    from planner.students.models import Consent, GroupMember

    with app.app_context(), database.connection_context():
        session = Session.get_by_id(t["session"])
        members = [
            m.student_id
            for m in GroupMember.select().where(
                (GroupMember.program == session.program_id) & GroupMember.active
            )
        ]
        consenting = {
            c.student_id
            for c in Consent.select().where(
                Consent.student.in_(members)
                & (Consent.purpose == "attendance")
                & Consent.withdrawn_on.is_null()
            )
        }
    return [(f"/sessions/{t['session']}/attendance", sid) for sid in members if sid in consenting]


def main(engine):
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: run `make bench` (it installs wrk)")
    url = datasets.ensure("city", engine)
    app = bench_app(url)
    t = targets(app)
    taps = tap_targets(app, t)
    worker_pages = [path for _name, login, path in pages(t) if login == "gen_w001"]
    server = Server(url)
    try:
        cookie, token = log_in(server.base, "gen_w001")
        # memory: the city page set as every persona sees it, through both workers
        logins = {login: log_in(server.base, login)[0] for _n, login, _p in pages(t)}
        for _ in range(4):
            for _name, login, path in pages(t):
                answer = requests.get(server.base + path, headers={"Cookie": logins[login]})
                assert answer.status_code == 200, (path, answer.status_code)
        rss = server.peak_rss_mb()
        # throughput: /hello, the dashboard and the week view, interleaved runs
        rates = {"/hello": [], "/dashboard": [], f"/calendar/week?date={AS_OF}": []}
        for _ in range(RUNS):
            for path in rates:
                rates[path].append(req_per_s(wrk(server.base + path, cookie, SECONDS)))
        floor = statistics.median(rates["/hello"])
        print(
            f"[{engine}] throughput floor /hello: {floor:.0f} req/s (2 workers, 32 connections, "
            f"median of {RUNS}×{SECONDS}s)"
        )
        for path, name in (
            (f"/calendar/week?date={AS_OF}", "week view"),
            ("/dashboard", "dashboard"),
        ):
            rate = statistics.median(rates[path])
            share = rate / floor
            print(
                f"[{engine}] throughput {name}: {rate:.0f} req/s = {share:.0%} of /hello"
                + ("" if share >= THROUGHPUT_GOAL else f" MISS <{THROUGHPUT_GOAL:.0%}")
            )
        # load: 60 s of page views and taps
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(
                LOAD_LUA
                % {
                    "pages": ", ".join(f'"{p}"' for p in worker_pages),
                    "taps": ", ".join(f'{{"{p}", {sid}}}' for p, sid in taps),
                }
            )
        output = wrk(server.base + "/", cookie, LOAD_SECONDS, script.name, token)
        os.unlink(script.name)
        statuses = {}
        for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M):
            statuses[code] = statuses.get(code, 0) + int(count)
        socket_errors = re.search(r"Socket errors: (.*)", output)
        p50, p99 = re.search(r"^p50 ([\d.]+) p99 ([\d.]+)$", output, re.M).groups()
        errors = sum(n for code, n in statuses.items() if code != "200")
        total = sum(statuses.values())
        print(
            f"[{engine}] load {LOAD_SECONDS}s, 32 connections, pages + taps (1 in 5): "
            f"{total} requests, {req_per_s(output):.0f} req/s, p50={float(p50):.1f}ms "
            f"p99={float(p99):.1f}ms, errors={errors}"
            + (f" socket errors: {socket_errors.group(1)}" if socket_errors else "")
            + (f" MISS statuses {statuses}" if errors or socket_errors else "")
        )
        rss = [max(a, b) for a, b in zip(rss, server.peak_rss_mb())]
        print(
            f"[{engine}] peak RSS per worker after the city page set and the load: "
            + ", ".join(f"{mb:.0f} MB" for mb in rss)
            + ("" if max(rss) <= RSS_GOAL_MB else f" MISS >{RSS_GOAL_MB} MB")
        )
    finally:
        server.stop()


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["sqlite", "postgres"]
    if "postgres" in wanted and not datasets.pg_base():
        print("[postgres] skipped: no PostgreSQL at BENCH_PG_URL")
        wanted.remove("postgres")
    for name in wanted:
        main(name)
