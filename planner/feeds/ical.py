"""Build an iCalendar file from sessions and calendar days: data in, bytes out.

The text is Chinese whatever the UI language: calendar apps fetch feeds anonymously,
and a class feed is shared by several people. Only the fields listed here go out:
program title, lesson number and title, room, teaching week, a link, and the names of
holidays. Sessions carry no student data, and nothing else is read (PRIVACY_SECURITY.md §3).
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from planner.sessions.models import display_title

# Fixed forever: changing it would change every UID and duplicate events on every phone.
UID_NAMESPACE = uuid.UUID("5d6f3c1e-8a47-4b0f-9d2a-6c1f0e7b3a52")
TZID = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZID)
WEEKDAYS = "一二三四五六日"
PRODID = "-//驻校社工计划系统//planner//ZH"
REFRESH = dt.timedelta(hours=1)


def session_uid(session_id: int) -> str:
    """The same UID for a session however often it moves."""
    return str(uuid.uuid5(UID_NAMESPACE, f"session-{session_id}"))


def day_uid(day) -> str:
    """Stable across re-imports of the statutory calendar (row ids change, the key doesn't)."""
    return str(uuid.uuid5(UID_NAMESPACE, f"day-{day.school_id or 'cn'}-{day.date}-{day.kind}"))


def calendar_uid(key: str) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, f"calendar-{key}"))


def session_link(base_url: str, program_id: int, seq: int) -> str:
    """The program page (planner/sessions/views.py: /programs/<id>), at the session's row."""
    return f"{base_url.rstrip('/')}/programs/{program_id}#s{seq}"


def _utc(value: dt.datetime) -> dt.datetime:
    """Stored timestamps are naive UTC."""
    return value.replace(tzinfo=dt.timezone.utc)


def session_event(session, base_url: str) -> Event:
    """One VEVENT. `session` needs id, seq, sequence, status, date, start, end, teaching_week,
    updated_at, program (id, title, group_name), template (title) and room (name); .held marks it 已完成."""
    lesson = session.template.title
    link = session_link(base_url, session.program.id, session.seq)
    # a held session (planner/runs/held.py) says so; never a student's name
    held = getattr(session, "held", False) and session.status != "cancelled"
    done = " · 已完成" if held else ""
    stamp = _utc(session.updated_at)
    return Event.new(
        uid=session_uid(session.id),
        sequence=session.sequence,
        status="CANCELLED" if session.status == "cancelled" else "CONFIRMED",
        summary=f"{display_title(session.program.title, session.program.group_name)} 第{session.seq}节 {lesson}{done}",
        location=session.room.name,
        description=f"{lesson}\n第{session.teaching_week}周\n{link}",
        url=link,
        start=dt.datetime.combine(session.date, session.start, SHANGHAI),
        end=dt.datetime.combine(session.date, session.end, SHANGHAI),
        stamp=stamp,  # the last revision, per RFC 5545 for a feed without METHOD
        last_modified=stamp,
    )


def day_summary(day) -> str:
    if day.kind == "holiday":
        return f"{day.name}（放假）"
    text = day.name if "调休" in day.name else f"调休上课：{day.name}"
    if day.follows_weekday:
        text += f"（按星期{WEEKDAYS[day.follows_weekday - 1]}课表）"
    return text


def day_event(day) -> Event:
    """An all-day entry for a calendar day (a school's range of days is one entry, to the
    day after its last: DTEND is exclusive); it doesn't block time."""
    return Event.new(
        uid=day_uid(day),
        summary=day_summary(day),
        start=day.date,
        end=day.end_date + dt.timedelta(days=1),
        transparency="TRANSPARENT",
        stamp=_utc(day.updated_at),
    )


def build_calendar(sessions, days, base_url: str, cal_uid: str, name: str) -> bytes:
    """The whole VCALENDAR, with a VTIMEZONE for Asia/Shanghai. Deterministic: the same
    data gives the same bytes, so the HTTP layer can hash it for an ETag."""
    # a line break in a program's title would break the NAME content line (a 500)
    name = " ".join(name.splitlines())
    calendar = Calendar.new(uid=cal_uid, name=name, prodid=PRODID)
    # RFC 7986 requires VALUE=DURATION here; Calendar.new(refresh_interval=…) leaves it out.
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("X-PUBLISHED-TTL", "PT1H")  # Outlook and Apple read this one
    dates = []
    for session in sessions:
        calendar.add_component(session_event(session, base_url))
        dates.append(session.date)
    for day in days:
        calendar.add_component(day_event(day))
        dates.append(day.date)
    first = min(dates, default=dt.date(2024, 1, 1)) - dt.timedelta(days=1)
    last = max(dates, default=first) + dt.timedelta(days=366)
    if sessions:
        calendar.add_missing_timezones(first_date=first, last_date=last)
    else:
        # No timed event references the zone, but clients still want one to interpret
        # the calendar's default zone (X-WR-TIMEZONE), so add it explicitly.
        calendar.subcomponents.insert(0, Timezone.from_tzid(TZID, first_date=first, last_date=last))
    return calendar.to_ical()
