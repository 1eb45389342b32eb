"""A calendar's name is one line: a title posted with a line break (a crafted form) neither
breaks the feed (icalendar refuses such a NAME line: a 500) nor injects a property."""

import icalendar

from planner.feeds.ical import build_calendar


def test_a_line_break_in_the_name_is_folded_into_one_line():
    body = build_calendar(
        [], [], "https://planner.example", "uid-1", "x\r\nX-INJECTED:1\nBEGIN:VALARM"
    )
    lines = body.decode().split("\r\n")
    assert not [line for line in lines if line.startswith(("X-INJECTED", "BEGIN:VALARM"))]
    assert str(icalendar.Calendar.from_ical(body)["NAME"]) == "x X-INJECTED:1 BEGIN:VALARM"
