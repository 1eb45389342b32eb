"""Issue 5's figure: attendance-tap latency on a city-scale term (2,000 programs, 16,000
sessions), as p50/p95 and a ratio to a bare route in the same run."""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.scheduling import place_city, setup_city  # noqa: E402
from planner import create_app, migrations  # noqa: E402
from planner.access import public  # noqa: E402
from planner.accounts.models import User  # noqa: E402
from planner.accounts.services import hash_password  # noqa: E402
from planner.db import database  # noqa: E402
from planner.sessions.models import Program, Session  # noqa: E402
from planner.students.codes import issue_codes  # noqa: E402
from planner.students.models import Consent, GroupMember, Student  # noqa: E402

RUNS = 300


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    tmp = tempfile.mkdtemp()
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/taps.db",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.add_url_rule("/hello", "hello", public(lambda: "hello"))
    with app.app_context(), database.connection_context():
        migrations.migrate()
        curriculum, schools = setup_city(app.config["CONTENT_DIR"])
        place_city(curriculum, schools)
        school, worker = schools[0]
        User.update(password_hash=hash_password("bench-password")).where(
            User.id == worker.id
        ).execute()
        program = Program.select().where(Program.school == school.id).first()
        session = Session.select().where(Session.program == program.id).first()
        codes = issue_codes(school, 10)
        students = [
            Student.create(school=school, archive_code=c, student_no=c, name=f"成员{i}")
            for i, c in enumerate(codes)
        ]
        for s in students:
            GroupMember.create(program=program, student=s)
            Consent.create(
                student=s,
                purpose="attendance",
                given_by="guardian",
                giver_name="家长",
                notice_version="1",
                given_on=dt.date(2026, 9, 1),
                method="paper",
            )
        total = Session.select().count()
    client = app.test_client()
    client.post("/login", data={"username": worker.username, "password": "bench-password"})
    floor = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get("/hello")
        floor.append((time.perf_counter() - start) * 1000)
    taps = []
    statuses = ["present", "late", "left_early", "excused", "absent"]
    for n in range(RUNS):
        stamp = (dt.datetime(2026, 9, 1, 8) + dt.timedelta(seconds=n)).isoformat()
        start = time.perf_counter()
        response = client.post(
            f"/sessions/{session.id}/attendance",
            data={
                "student_id": students[n % 10].id,
                "status": statuses[n % 5],
                "tapped_at": stamp,
                "tap_id": f"t{n}",
            },
            headers={"Accept": "application/json"},
        )
        taps.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    f50, _ = percentiles(floor)
    p50, p95 = percentiles(taps)
    print(
        f"attendance tap on the city term ({total} sessions): p50={p50:.2f}ms p95={p95:.2f}ms "
        f"ratio={p50 / f50:.1f}x to /hello (p50={f50:.2f}ms)"
    )


if __name__ == "__main__":
    main()
