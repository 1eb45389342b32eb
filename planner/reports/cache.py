"""The term statistics page, kept once computed: in this process, under the database's
write stamps (planner.reports.stamp), so it is exact on every app host without a shared
store: a write on any host changes the stamp every host reads, and each host (each
worker process) computes a changed page once. A shared Redis cache would save those few
computations at the price of a network round trip and a copy of the page on every view;
the stamp read costs one query either way.

Entries are bounded by size (the oldest used goes first); a key holds everything the page
depends on besides the stamps: who looks (an admin the agency, others themselves), the
term asked for, the day (figures count up to today), the language."""

import threading
from collections import OrderedDict

from flask import current_app

from planner.reports.stamp import stats_stamp

MAX_BYTES = 16 * 1024 * 1024  # about 50 agency pages of a city's 100 schools


class PageCache:
    """A size-bounded LRU of strings, safe across a worker's threads."""

    def __init__(self, max_bytes=MAX_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        if len(value) > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self.entries[key] = value
            self.size += len(value)
            while self.size > self.max_bytes:
                _, gone = self.entries.popitem(last=False)
                self.size -= len(gone)


def _cache() -> PageCache:
    cache = current_app.extensions.get("stats_pages")
    if cache is None:
        cache = current_app.extensions.setdefault("stats_pages", PageCache())
    return cache


def cached_page(scope: tuple, make) -> str:
    """make() (the page's body as a string), or the copy kept under the same scope and
    stamps. The stamps are read first (one query), so a copy holds at least the writes
    its key names; on PostgreSQL a copy is kept only when the stamps allow it."""
    if not current_app.config["STATS_CACHE"]:  # off: as before the cache
        return make()
    stamps, keepable = stats_stamp()
    key = (scope, stamps)
    cache = _cache()
    body = cache.get(key)
    if body is None:
        body = make()
        if keepable:
            cache.put(key, body)
    return body
