"""The home pages on a fixed Beijing clock: Wednesday 2026-12-09 10:00 (02:00 UTC), in
the world's autumn term."""

import datetime as dt

import pytest

from planner import i18n

UTC_NOW = dt.datetime(2026, 12, 9, 2, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 12, 9)  # a Wednesday
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(i18n, "utc_clock", lambda: UTC_NOW)
    return TODAY
