"""Zips hold children's records: older than a day, they are deleted at the next export."""

import os
import time

from planner.exports.jobs import KEEP_SECONDS, sweep


def test_old_zips_are_swept_and_new_ones_kept(tmp_path):
    old, new = tmp_path / "old.zip", tmp_path / "new.zip"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    past = time.time() - KEEP_SECONDS - 60
    os.utime(old, (past, past))
    assert sweep(str(tmp_path)) == 1
    assert not old.exists() and new.exists()
    assert sweep(str(tmp_path), at=time.time() + KEEP_SECONDS + 60) == 1
    assert not new.exists()
