"""Issue 7, concurrent writes: two tablets with 8 threads each make 10,000 attendance
taps on one group's sessions through a real gunicorn, while 1,000 conflicting autosaves
hit one reflection. Checked against a serial model: for every (session, member) the
stored status is that of the acknowledged tap with the greatest tapped_at; accepted
reflection edits are exactly the versions they produced, the stored text is the last
one's; no 5xx, no lock error reaching anybody. Runs on SQLite and on PostgreSQL."""

import datetime as dt
import random
import re
import threading
import time

from planner.db import now
from planner.evaluation.compute import ATTENDED
from planner.reflections.models import Reflection
from planner.runs.models import Attendance, SessionTally
from tests import factories
from tests.load.conftest import HTMX, JSON, STATUSES, iso
from tests.load.server import LOCK_ERROR, Tablet

TAPS = 10_000
THREADS_PER_TABLET = 8
BURST = 2 * THREADS_PER_TABLET  # taps in a row on one cell
EDITS = 1_000
EDIT_THREADS_PER_TABLET = 2
STAGE = "形成期"
VERSION = re.compile(r'id="r-version" name="version" value="(\d+)"')


class Log:
    """What the threads saw: a count per (request kind, status), the 5xx answers and the
    answers that mention a lock or busy error, and when each kind of request ended."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes, self.bad, self.ended = {}, [], {}

    def add(self, kind, response):
        with self.lock:
            key = (kind, response.status_code)
            self.codes[key] = self.codes.get(key, 0) + 1
            if response.status_code >= 500 or LOCK_ERROR.search(response.text):
                self.bad.append((kind, response.status_code, response.text[:300]))

    def end(self, kind):
        with self.lock:
            self.ended[kind] = time.monotonic()


def plan_taps(group, rng):
    """TAPS taps, each at its own microsecond of the last hour (shuffled). They come in
    bursts of BURST taps on one (session, member), so both server workers are nearly
    always writing the same row: the race a lost update needs. Old taps often arrive
    after new ones."""
    base = now() - dt.timedelta(hours=1)
    cells = [(s.id, m.id) for s in group.sessions for m in group.students]
    moments = [base + dt.timedelta(microseconds=7 * k) for k in range(TAPS)]
    rng.shuffle(moments)
    taps = []
    for k, at in enumerate(moments):
        if k % BURST == 0:
            cell = rng.choice(cells)
        taps.append(
            {
                "session": cell[0],
                "student": cell[1],
                "status": rng.choice(STATUSES),
                "at": at,
                "tap_id": f"load-{k}",
            }
        )
    return taps


def tapper(tablet, user_id, queue, acked, log):
    """One thread of a tablet: take the next tap off the shared queue until it is empty."""
    while True:
        with log.lock:
            if not queue:
                break
            tap = queue.pop()
        response = tablet.post(
            f"/sessions/{tap['session']}/attendance",
            headers=JSON,
            data={
                "student_id": tap["student"],
                "status": tap["status"],
                "tapped_at": iso(tap["at"]),
                "tap_id": tap["tap_id"],
            },
        )
        log.add("tap", response)
        if response.status_code == 200:
            body = response.json()
            assert body["tap_id"] == tap["tap_id"], body
            with log.lock:
                acked.append(dict(tap, user=user_id, applied=body["applied"]))
    log.end("tap")


def editor(tablet, session_id, name, count, accepted, log):
    """Autosave `count` edits, each with the version last seen: the one the last 200
    answered, or after a 409 the one the page shows now."""
    path = f"/sessions/{session_id}/reflection"
    version = None
    for n in range(count):
        if version is None:
            page = tablet.get(path)
            log.add("reflection page", page)
            version = int(VERSION.search(page.text).group(1))
        text = f"第{n}次修改，来自{name}：组员逐渐投入。"
        response = tablet.post(
            path,
            headers=HTMX,
            data={
                "version": version,
                "prompts_stage": STAGE,
                "observed_stage": STAGE,
                "answer_0": text,
                "d_incident": text,
            },
        )
        log.add("reflection", response)
        if response.status_code == 200:
            version = int(VERSION.search(response.text).group(1))
            with log.lock:
                accepted.append((version, text))
        else:
            version = None
    log.end("reflection")


def run_threads(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrapped(fn, args):
        try:
            barrier.wait(60)
            fn(*args)
        except Exception as exc:  # reported in the test's thread
            errors.append(repr(exc))
            barrier.abort()

    threads = [threading.Thread(target=wrapped, args=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert not any(t.is_alive() for t in threads), "threads still running after 10 minutes"
    return errors


def test_two_tablets_ten_thousand_taps_and_conflicting_autosaves(server, group):
    rng = random.Random(20261207)
    session = group.sessions[0]
    server.start()
    tablets = {
        user.id: Tablet.login(server.url, user.username, factories.PASSWORD)
        for user in (group.worker, group.coworker)
    }
    queue, acked, accepted, log = plan_taps(group, rng), [], [], Log()
    planned = {tap["tap_id"] for tap in queue}
    targets = [
        (tapper, (tablet.clone(), uid, queue, acked, log))
        for uid, tablet in tablets.items()
        for _ in range(THREADS_PER_TABLET)
    ]
    editors = EDIT_THREADS_PER_TABLET * len(tablets)
    targets += [
        (editor, (tablet.clone(), session.id, f"{uid}-{k}", EDITS // editors, accepted, log))
        for uid, tablet in tablets.items()
        for k in range(EDIT_THREADS_PER_TABLET)
    ]

    started = time.monotonic()
    errors = run_threads(targets)
    taps_took = log.ended.get("tap", started) - started
    edits_took = log.ended.get("reflection", started) - started
    summary = (
        f"{len(acked)} of {TAPS} taps acknowledged in {taps_took:.1f}s "
        f"({len(acked) / max(taps_took, 0.001):.0f}/s), {len(accepted)} of {EDITS} "
        f"edits accepted, edits done after {edits_took:.1f}s; answers {log.codes}"
    )
    print(summary)
    assert not errors, f"{errors[:5]}; {summary}\n{server.log()}"
    assert not log.bad, f"{len(log.bad)} bad answers, e.g. {log.bad[:3]}; {summary}"
    assert not server.log_problems(), f"{server.log_problems()[:5]}; {summary}"

    # taps: every tap answered 200, and each cell holds its latest acknowledged tap
    assert {tap["tap_id"] for tap in acked} == planned and len(acked) == TAPS, summary
    latest = {}
    for tap in acked:
        cell = (tap["session"], tap["student"])
        if cell not in latest or tap["at"] > latest[cell]["at"]:
            latest[cell] = tap
    expected = {cell: (t["status"], t["at"], t["user"]) for cell, t in latest.items()}
    rows = Attendance.select().where(Attendance.session.in_([s.id for s in group.sessions]))
    stored = {(r.session_id, r.student_id): (r.status, r.tapped_at, r.recorded_by_id) for r in rows}
    lost = {
        cell: (stored.get(cell), want)
        for cell, want in expected.items()
        if stored.get(cell) != want
    }
    assert not lost, (
        f"{len(lost)} lost updates of {len(expected)} cells, e.g. "
        f"{list(lost.items())[:3]} (stored, expected); {summary}"
    )
    assert len(stored) == len(expected), f"{len(stored)} rows for {len(expected)} cells"
    assert all(t["applied"] for t in latest.values()), "a winning tap answered applied=false"
    # the statistics' tally (kept by triggers in each tap's statement) adds up to the marks
    counted = {}
    for (sid, _), (status, _, _) in stored.items():
        marks, attended = counted.get(sid, (0, 0))
        counted[sid] = (marks + 1, attended + (status in ATTENDED))
    tally = SessionTally.select().where(SessionTally.session.in_([s.id for s in group.sessions]))
    assert {t.session_id: (t.marks, t.attended) for t in tally} == counted, summary

    # reflection: the accepted edits made exactly versions 1…final, the last text stands
    reflection = Reflection.get(Reflection.session == session.id)
    versions = sorted(v for v, _ in accepted)
    conflicts = log.codes.get(("reflection", 409), 0)
    message = (
        f"{len(accepted)} accepted, {conflicts} refused with 409, final version "
        f"{reflection.version} (initial: no reflection, 0); {summary}"
    )
    assert len(accepted) + conflicts == EDITS, message
    assert versions == list(range(1, reflection.version + 1)), message
    final_text = dict(accepted)[reflection.version]
    assert list(reflection.answers.values()) == [final_text], message
    assert reflection.details["incident"] == final_text, message
