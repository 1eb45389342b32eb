"""Page cost of the pages that exist, as a ratio to a bare route in the same run.

Run with `make bench`. Uses a throwaway SQLite database with the shipped library and the
demo agency; prints one line per figure: p50/p95 server time, ratio to the floor, and the
SQL query count.
"""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playhouse.test_utils import count_queries  # noqa: E402

from planner import create_app, migrations  # noqa: E402
from planner.access import public  # noqa: E402
from planner.curricula.content import load_library  # noqa: E402
from planner.curricula.services import import_library  # noqa: E402
from planner.db import database  # noqa: E402
from planner.demo import load_demo  # noqa: E402

RUNS = 200


def timings(client, url):
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    tmp = tempfile.mkdtemp()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    app.add_url_rule("/hello", "hello", public(lambda: "hello"))
    with database.connection_context():
        migrations.migrate()
        items, _ = load_library(os.path.join(app.config["CONTENT_DIR"], "curricula"))
        import_library(items)
        load_demo()
    client = app.test_client()
    client.post("/login", data={"username": "worker", "password": "shegong-demo-2026"})
    floor, _ = timings(client, "/hello")
    print(f"floor /hello p50={floor:.2f}ms")
    for name, url in (("dashboard", "/dashboard"), ("curriculum library", "/curricula/"),
                      ("curriculum page", "/curricula/1")):
        with count_queries() as counter:
            client.get(url)
        p50, p95 = timings(client, url)
        print(f"{name}: p50={p50:.2f}ms p95={p95:.2f}ms ratio={p50 / floor:.1f}x "
              f"queries={counter.count}")


if __name__ == "__main__":
    main()
