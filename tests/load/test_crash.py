"""Issue 7, crash: write load from several threads while gunicorn (master and workers)
is killed with SIGKILL at random moments and restarted, five times. Afterwards the
database is sound (SQLite: integrity_check, foreign_key_check; both: no orphans, no
duplicates) and every write that got a 2xx is there: each cell (a member's attendance at
a session, or a session's quick notes) has exactly one writer thread, so for each cell
the stored value must be the last acknowledged one, or a later one whose request got no
answer because of a kill."""

import datetime as dt
import itertools
import random
import re
import threading
import time

import requests
from urllib3.exceptions import NewConnectionError

from planner.db import database, is_sqlite, now
from planner.runs.models import Attendance, SessionRecord
from tests import factories
from tests.load.conftest import HTMX, JSON, STATUSES, growth_group, iso
from tests.load.server import LOCK_ERROR, Tablet

KILLS = 5
MIN_ACKS = 10  # 2xx answers in each run before its kill's random moment
TAP_THREADS = 4
NOTES_THREADS = 2
TAPS_PER_CELL = 4  # then the thread moves on to its next cell (a first tap creates a row)
SAVES_PER_RECORD = 5  # then the next session (a first save creates a row)
RECORD_VERSION = re.compile(r'name="version" value="(\d+)"')
NO_ANSWER = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def never_sent(exc) -> bool:
    """Connection refused (the server is down): the request never left this process."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


class Cell:
    """One writer's history for one cell: (value, 'ack' | 'none') per request sent."""

    def __init__(self):
        self.sent = []

    def allowed(self):
        """The last acknowledged value (None: no row, if nothing was acknowledged) and
        every value sent after it that got no answer."""
        acked = [i for i, (_, outcome) in enumerate(self.sent) if outcome == "ack"]
        start = acked[-1] if acked else 0
        values = {value for value, _ in self.sent[start:]}
        return values if acked else values | {None}


class Load:
    """The writer threads, their cells, and every answer that was neither a 2xx nor a
    lost connection (there should be none)."""

    def __init__(self, group, tablet):
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.bad, self.errors, self.acks = [], [], [0]
        cells = [(s.id, m.id) for s in group.sessions for m in group.students]
        self.taps = {cell: Cell() for cell in cells}
        self.notes = {s.id: Cell() for s in group.sessions}
        sessions = [s.id for s in group.sessions]
        jobs = [(self._tapper, cells[k::TAP_THREADS], k) for k in range(TAP_THREADS)]
        jobs += [(self._noter, sessions[k::NOTES_THREADS], k) for k in range(NOTES_THREADS)]
        self.threads = [
            threading.Thread(target=self._guard, args=(fn, tablet.clone(), own, k), daemon=True)
            for fn, own, k in jobs
        ]

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(120)
        assert not any(t.is_alive() for t in self.threads), "a writer thread hangs"

    def _guard(self, fn, *args):
        try:
            fn(*args)
        except Exception as exc:  # reported in the test's thread
            self.errors.append(repr(exc))

    def _answer(self, kind, response):
        """True for a 2xx; anything else is recorded as bad."""
        if 200 <= response.status_code < 300 and not LOCK_ERROR.search(response.text):
            with self.lock:
                self.acks[-1] += 1
            return True
        with self.lock:
            self.bad.append((kind, response.status_code, response.text[:300]))
        return False

    def _tapper(self, tablet, cells, k):
        """Taps on this thread's own cells, at increasing times (so per cell, too)."""
        base = now() - dt.timedelta(hours=1)
        for i in itertools.count():
            if self.stop.is_set():
                return
            cell = cells[(i // TAPS_PER_CELL) % len(cells)]
            value = (base + dt.timedelta(milliseconds=i, microseconds=k), STATUSES[i % 5])
            try:
                response = tablet.post(
                    f"/sessions/{cell[0]}/attendance",
                    headers=JSON,
                    data={
                        "student_id": cell[1],
                        "status": value[1],
                        "tapped_at": iso(value[0]),
                        "tap_id": f"crash-{k}-{i}",
                    },
                )
            except NO_ANSWER as exc:
                if not never_sent(exc):
                    self.taps[cell].sent.append((value, "none"))
                time.sleep(0.05)  # the server is down: try again shortly
                continue
            if self._answer("tap", response):
                self.taps[cell].sent.append((value, "ack"))

    def _noter(self, tablet, session_ids, k):
        """Quick notes on this thread's own sessions, a new text per save, each with the
        version last acknowledged (re-read from the run page after a lost answer)."""
        versions = {}
        for i in itertools.count():
            if self.stop.is_set():
                return
            sid = session_ids[(i // SAVES_PER_RECORD) % len(session_ids)]
            text = f"随堂笔记 {k}-{i}：组员分享了本周的情绪变化。"
            try:
                if sid not in versions:
                    page = tablet.get(f"/sessions/{sid}/run")
                    if not self._answer("run page", page):
                        continue
                    record = page.text[page.text.index('id="run-record"') :]
                    versions[sid] = int(RECORD_VERSION.search(record).group(1))
                response = tablet.post(
                    f"/sessions/{sid}/record",
                    headers=HTMX,
                    data={"notes": text, "version": versions[sid]},
                )
            except NO_ANSWER as exc:
                if sid in versions and not never_sent(exc):
                    self.notes[sid].sent.append((text, "none"))
                    del versions[sid]  # did it commit? the page will tell
                time.sleep(0.05)
                continue
            if self._answer("notes", response):
                self.notes[sid].sent.append((text, "ack"))
                versions[sid] = int(RECORD_VERSION.search(response.text).group(1))

    def wait_for_acks(self, count, timeout=120):
        deadline = time.monotonic() + timeout
        while self.acks[-1] < count and not self.errors:
            assert time.monotonic() < deadline, f"{self.acks[-1]} writes in {timeout}s"
            time.sleep(0.02)

    def next_cycle(self):
        with self.lock:
            self.acks.append(0)


def stored_taps(sessions):
    rows = Attendance.select().where(Attendance.session.in_(sessions))
    return {(r.session_id, r.student_id): (r.tapped_at, r.status) for r in rows}


def stored_notes(sessions):
    rows = SessionRecord.select().where(SessionRecord.session.in_(sessions))
    return {r.session_id: r.notes for r in rows}


def mismatches(cells, stored):
    return {
        key: (stored.get(key), cell.allowed())
        for key, cell in cells.items()
        if stored.get(key) not in cell.allowed()
    }


# rows whose parent is gone, and cells stored twice: on both databases
CONSISTENCY = {
    "attendance without its session": 'SELECT a.id FROM attendance a LEFT JOIN "session" s '
    "ON s.id = a.session_id WHERE s.id IS NULL",
    "attendance without its student": "SELECT a.id FROM attendance a LEFT JOIN student s "
    "ON s.id = a.student_id WHERE s.id IS NULL",
    "attendance by a missing user": 'SELECT a.id FROM attendance a LEFT JOIN "user" u ON '
    "u.id = a.recorded_by_id WHERE a.recorded_by_id IS NOT NULL "
    "AND u.id IS NULL",
    "a record without its session": 'SELECT r.id FROM session_record r LEFT JOIN "session" s '
    "ON s.id = r.session_id WHERE s.id IS NULL",
    "a cell stored twice": "SELECT session_id, student_id FROM attendance "
    "GROUP BY session_id, student_id HAVING COUNT(*) > 1",
    "a session with two records": "SELECT session_id FROM session_record "
    "GROUP BY session_id HAVING COUNT(*) > 1",
    # the statistics' tally is written in the tap's own statement: never a mark apart
    "a tally that is not its marks": "SELECT t.session_id FROM session_tally t FULL JOIN "
    "(SELECT session_id, COUNT(*) AS marks, SUM(CASE WHEN status IN ('present', 'late', "
    "'left_early') THEN 1 ELSE 0 END) AS attended FROM attendance GROUP BY session_id) a "
    "ON a.session_id = t.session_id WHERE COALESCE(t.marks, 0) != COALESCE(a.marks, 0) "
    "OR COALESCE(t.attended, 0) != COALESCE(a.attended, 0)",
}


def test_kill_9_at_random_moments_loses_no_acknowledged_write(server, world):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    group = growth_group(world, sessions=30, people=6)
    database.close()
    server.start()
    load = Load(group, Tablet.login(server.url, group.worker.username, factories.PASSWORD))
    load.start()
    try:
        for _ in range(KILLS):
            load.wait_for_acks(MIN_ACKS)  # the load is running: kill it mid-write
            time.sleep(rng.uniform(0.0, 2.0))
            server.kill()
            load.next_cycle()
            time.sleep(rng.uniform(0.0, 0.3))
            if len(load.acks) <= KILLS:
                server.start()
    finally:
        load.finish()
    sent = sum(len(c.sent) for c in [*load.taps.values(), *load.notes.values()])
    unanswered = sum(
        outcome == "none"
        for c in [*load.taps.values(), *load.notes.values()]
        for _, outcome in c.sent
    )
    summary = (
        f"seed {seed}: {sent} writes, 2xx answers per run {load.acks[:-1]}, "
        f"{unanswered} without an answer"
    )
    print(summary)
    assert not load.errors, f"{load.errors[:5]}; {summary}"
    assert not load.bad, f"{len(load.bad)} bad answers, e.g. {load.bad[:3]}; {summary}"
    assert min(load.acks[:-1]) >= MIN_ACKS, f"a run between two kills wrote too little; {summary}"

    # the database, opened first by this process after the last kill
    database.connect(reuse_if_open=True)
    if is_sqlite():
        assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    for problem, sql in CONSISTENCY.items():
        assert database.execute_sql(sql).fetchall() == [], f"{problem}; {summary}"
    sessions = [s.id for s in group.sessions]
    lost = {
        **mismatches(load.taps, stored_taps(sessions)),
        **mismatches(load.notes, stored_notes(sessions)),
    }
    assert not lost, (
        f"{len(lost)} cells lost an acknowledged write, e.g. {list(lost.items())[:3]}; {summary}"
    )
    database.close()

    # and the app starts on it again and serves what is stored
    server.start()
    first = group.sessions[0]
    tablet = Tablet.login(server.url, group.worker.username, factories.PASSWORD)
    answer = tablet.get(f"/sessions/{first.id}/run", headers=JSON).json()["attendance"]
    assert answer == {
        str(sid): status
        for (s, sid), (_, status) in stored_taps([first.id]).items()
        if s == first.id
    }
    server.stop()
    assert not server.log_problems(), f"{server.log_problems()[:5]}; {summary}"
