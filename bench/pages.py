"""Figure 1 of BENCHMARKS.md: the cost of each key page on the small and the city dataset.

For every key page: p50/p95 server time over RUNS requests through the test client, the
SQL query count, the city/small time ratio and the ratio to a bare /hello route in the same
run. Run on SQLite, and on PostgreSQL when it can be reached (`BENCH_PG_URL`, default the
local server): `python bench/pages.py [sqlite|postgres]`. `BENCH_PAGES="term statistics,week
view"` measures only the pages named (and the floor); the iCal feed is the page "worker feed".

Goals (issue 7): p95 ≤ 25 ms on the city dataset, and the same query count on small and
city. A line ends with MISS when a goal is missed.
"""

import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playhouse.test_utils import count_queries  # noqa: E402

from bench import datasets  # noqa: E402
from planner import create_app  # noqa: E402
from planner.access import public  # noqa: E402
from planner.db import database  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 60))
ONLY = {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}
P95_GOAL_MS = 25.0
AS_OF = dt.date(2026, 12, 1)  # planner.generate.scales.AS_OF: the datasets' "today"


def bench_app(url):
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.add_url_rule("/hello", "hello", public(lambda: "hello"))
    return app


def targets(app) -> dict:
    """The records the key pages show, picked the same way on both datasets: the first
    worker's first growth group of the current term, and its latest meeting so far."""
    from planner.accounts.models import User
    from planner.curricula.models import Curriculum
    from planner.schools.models import Term
    from planner.sessions.models import Program, ProgramWorker, Session

    with app.app_context(), database.connection_context():
        worker = User.get(User.username == "gen_w001")
        program = (
            Program.select()
            .join(ProgramWorker)
            .switch(Program)
            .join(Curriculum)
            .switch(Program)
            .join(Term)
            .where(
                (ProgramWorker.worker == worker.id)
                & (Curriculum.kind == "group")
                & (Term.start <= AS_OF)
                & (Term.end >= AS_OF)
            )
            .order_by(Program.id)
            .first()
        )
        session = (
            Session.select()
            .where((Session.program == program.id) & (Session.date <= AS_OF))
            .order_by(Session.date.desc())
            .first()
        )
        term = Term.get_by_id(program.term_id)
        curriculum = Curriculum.get_by_id(program.curriculum_id)
        return {
            "program": program.id,
            "session": session.id,
            "term": term.name,
            "curriculum": curriculum.id,
        }


def pages(t) -> list:
    """(figure name, login, url) of every key page."""
    return [
        ("dashboard", "gen_w001", "/dashboard"),
        ("week view", "gen_w001", f"/calendar/week?date={AS_OF}"),
        ("program page", "gen_w001", f"/programs/{t['program']}"),
        ("run-mode page", "gen_w001", f"/sessions/{t['session']}/run"),
        ("curriculum library", "gen_w001", "/curricula/"),
        ("curriculum page", "gen_w001", f"/curricula/{t['curriculum']}"),
        ("supervisor queue", "gen_sup01", "/supervision"),
        ("term statistics", "gen_admin", f"/stats?term={t['term']}"),
        ("admin dashboard", "gen_admin", "/dashboard"),
    ]


def timings(client, url, runs=RUNS):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def measure(scale, engine):
    """{page name: (p50, p95, queries)} and the /hello floor's p50."""
    url = datasets.ensure(scale, engine)
    app = bench_app(url)
    t = targets(app)
    clients, out = {}, {}
    for name, login, path in pages(t):
        if ONLY and name not in ONLY and not (login == "gen_w001" and "gen_w001" not in clients):
            continue
        if login not in clients:
            client = app.test_client()
            answer = client.post("/login", data={"username": login, "password": datasets.PASSWORD})
            assert answer.status_code in (302, 303), (login, answer.status_code)
            clients[login] = client
        client = clients[login]
        if ONLY and name not in ONLY:
            continue  # logged in only: the floor is measured as the worker
        client.get(path)  # warm: templates compiled, caches filled
        with count_queries() as counter:
            client.get(path)
        p50, p95 = timings(client, path)
        out[name] = (p50, p95, counter.count)
    if not ONLY or "worker feed" in ONLY:
        out["worker feed"] = feed_cost(app, clients["gen_w001"])
    floor, _ = timings(clients["gen_w001"], "/hello", RUNS * 3)
    database.close()
    return out, floor


def feed_cost(app, client):
    """The worker's own iCal feed (a token made for the run, revoked after): p50/p95, and
    whether asking again with its ETag answers 304 (the third value: 0 = yes)."""
    from planner.accounts.models import User
    from planner.feeds import services as feeds

    with app.app_context(), database.connection_context():
        worker = User.get(User.username == "gen_w001")
        token, raw = feeds.create_token(worker, "worker", worker.id, "bench")
    path = f"/feeds/{raw}.ics"
    try:
        first = client.get(path)
        assert first.status_code == 200 and first.data.count(b"BEGIN:VEVENT") > 0
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        p50, p95 = timings(client, path)
        return p50, p95, 0 if again.status_code == 304 else again.status_code
    finally:
        with app.app_context(), database.connection_context():
            feeds.revoke_token(worker, token.id)


def main(engines):
    for engine in engines:
        small, small_floor = measure("small", engine)
        city, city_floor = measure("city", engine)
        print(f"[{engine}] floor /hello p50: small {small_floor:.2f}ms, city {city_floor:.2f}ms")
        for name, (p50, p95, queries) in city.items():
            s50, s95, s_queries = small[name]
            if name == "worker feed":
                print(
                    f"[{engine}] worker feed (iCal): city p50={p50:.1f}ms p95={p95:.1f}ms | "
                    f"small p50={s50:.1f}ms | unchanged feed with its ETag: "
                    + (
                        "304 on both"
                        if queries == s_queries == 0
                        else f"MISS answered {queries or s_queries}, not 304"
                    )
                )
                continue
            misses = []
            if p95 > P95_GOAL_MS:
                misses.append(f"p95>{P95_GOAL_MS:.0f}ms")
            if queries != s_queries:
                misses.append("query count grows")
            print(
                f"[{engine}] {name}: city p50={p50:.1f}ms p95={p95:.1f}ms "
                f"({p50 / city_floor:.1f}x /hello) queries={queries} | small "
                f"p50={s50:.1f}ms p95={s95:.1f}ms queries={s_queries} | city/small "
                f"{p50 / s50:.2f}x" + (" MISS " + ", ".join(misses) if misses else "")
            )


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["sqlite", "postgres"]
    if "postgres" in wanted and not datasets.pg_base():
        print("[postgres] skipped: no PostgreSQL at BENCH_PG_URL")
        wanted.remove("postgres")
    main(wanted)
