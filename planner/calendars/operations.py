"""Calendar writes: national days, a school's own days, bell schedules.

Plain functions: views pass validated data and nothing reads the request. A problem that
needs the database raises Invalid({field: message}) before anything is written; every
write runs in one transaction, so a range or an import is saved whole or not at all.
(Split from services.py, which keeps the reads the scheduler uses, to stay under 400 lines.)
"""

import datetime as dt
import hashlib

from peewee import IntegrityError

from planner.calendars.models import (
    DAY_KINDS,
    MAX_ENTRY_DAYS,
    NO_TEACHING,
    BellPeriod,
    CalendarDay,
)
from planner.calendars.services import bell_token, dates, holiday_range
from planner.db import ConflictError, database, is_sqlite, save_versioned, write_tx
from planner.errors import PlannerError
from planner.i18n import format_day
from planner.i18n import lazy_gettext as _l

MANUAL_SOURCE = "管理员录入"


def _day(day) -> str:
    """A date in a message: 2026年11月11日, as the calendar page shows it."""
    return format_day(day, with_weekday=False)


def _lock(key: str) -> None:
    """Serialise check-then-write on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
    Needed because the unique index can't catch duplicates among national rows:
    school_id is NULL there, and NULLs never collide in a unique index."""
    if not is_sqlite():
        database.execute_sql(
            "SELECT pg_advisory_xact_lock(%s)",
            (int(hashlib.sha1(key.encode()).hexdigest()[:12], 16),),
        )


def _year_source(year: int) -> str:
    row = (
        CalendarDay.select(CalendarDay.source)
        .where(
            CalendarDay.school.is_null()
            & CalendarDay.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31))
        )
        .order_by(CalendarDay.id)
        .first()
    )
    return row.source if row else MANUAL_SOURCE


def _national_clashes(days: list, exclude: list, kind: str) -> dict:
    """A holiday may not overlap another holiday or a make-up day; one make-up day a date."""
    field = "date" if kind == "makeup" else "start"
    others = (
        CalendarDay.select()
        .where(CalendarDay.school.is_null() & CalendarDay.date.in_(days))
        .order_by(CalendarDay.date)
    )
    for other in others:
        if other.id in exclude:
            continue
        if other.kind == "makeup":
            msg = _l("%(d)s 已是调休上班日（%(n)s）。", d=_day(other.date), n=other.name)
        else:
            msg = _l("与已有假期“%(n)s”重叠（%(d)s）。", n=other.name, d=_day(other.date))
        return {field: msg}
    return {}


def save_national_holiday(data: dict, anchor: CalendarDay | None = None) -> list:
    """Add a holiday range, or replace the range that contains `anchor` (versioned on the
    range's first day). All of its days, or nothing."""
    data = dict(data)
    with write_tx():
        _lock("national")
        old = []
        if anchor:
            fresh = CalendarDay.get_or_none(CalendarDay.id == anchor.id)
            old = holiday_range(fresh) if fresh else []
            if not old or old[0].version != data.pop("version"):
                raise ConflictError("CalendarDay")
        days = dates(data["start"], data["end"])
        errors = _national_clashes(days, [r.id for r in old], "holiday")
        if errors:
            raise PlannerError(errors=errors)
        source = data["source"] or (old[0].source if old else _year_source(data["start"].year))
        rows = [
            {
                "school": None,
                "date": d,
                "end_date": d,
                "kind": "holiday",
                "name": data["name"],
                "follows_weekday": None,
                "source": source,
            }
            for d in days
        ]
        if old:
            save_versioned(old[0], old[0].version, rows[0])
            CalendarDay.delete().where(CalendarDay.id.in_([r.id for r in old[1:]])).execute()
            rows = rows[1:]
        if rows:
            CalendarDay.insert_many(rows).execute()
    return days


def save_national_makeup(data: dict, day: CalendarDay | None = None) -> None:
    """Add a statutory 调休 make-up day, or edit one (versioned)."""
    data = dict(data)
    with write_tx():
        _lock("national")
        version = data.pop("version", None)
        errors = _national_clashes([data["date"]], [day.id] if day else [], "makeup")
        if errors:
            raise PlannerError(errors=errors)
        data["source"] = data["source"] or (day.source if day else _year_source(data["date"].year))
        data["end_date"] = data["date"]
        if day:
            save_versioned(day, version, data)  # compare-and-set on the form's version
        else:
            CalendarDay.create(school=None, kind="makeup", **data)


def delete_national(day: CalendarDay) -> int:
    """Delete a make-up day, or the whole holiday range that contains the day."""
    with write_tx():
        _lock("national")
        ids = [r.id for r in holiday_range(day)] if day.kind == "holiday" else [day.id]
        return CalendarDay.delete().where(CalendarDay.id.in_(ids)).execute()


# ---- a school's own days ----------------------------------------------------------------


def _contradicts(kind: str, other_kind: str) -> bool:
    """Same kind twice on one date, or a 调休 school day on a day without teaching."""
    if kind == other_kind:
        return True
    return (kind == "makeup" and other_kind in NO_TEACHING) or (
        other_kind == "makeup" and kind in NO_TEACHING
    )


def school_clashes(school_id: int, items: list, exclude_id: int | None = None) -> dict:
    """items: (key, start, end, kind, name), an entry from start to end. {key: message} for
    each item that clashes with an entry of the school's stored ones it overlaps (or with
    an earlier item), naming the first shared date. One query."""
    if not items:
        return {}
    first, last = min(i[1] for i in items), max(i[2] for i in items)
    stored = [
        (row.date, row.end_date, row.kind, row.name)
        for row in CalendarDay.select()
        .where((CalendarDay.school == school_id) & CalendarDay.overlapping(first, last))
        .order_by(CalendarDay.date, CalendarDay.id)
        if row.id != exclude_id
    ]
    errors = {}
    for key, start, end, kind, name in items:
        for other_start, other_end, other_kind, other_name in stored:
            if key in errors or other_start > end or other_end < start:
                continue
            if _contradicts(kind, other_kind):
                errors[key] = _l(
                    "%(d)s 已有%(k)s“%(n)s”。",
                    d=_day(max(start, other_start)),
                    k=DAY_KINDS.get(other_kind, other_kind),
                    n=other_name,
                )
        stored.append((start, end, kind, name))
    return errors


def check_in_term(term, days: list, field: str) -> None:
    if days and (days[0] < term.start or days[-1] > term.end):
        raise PlannerError(
            errors={
                field: _l(
                    "日期应在本学期（%(a)s 至 %(b)s）之内。",
                    a=_day(term.start),
                    b=_day(term.end),
                )
            }
        )


def check_span(start, end, field: str) -> None:
    """An entry's last day is not before its first, and it spans at most MAX_ENTRY_DAYS."""
    if end < start:
        raise PlannerError(errors={field: _l("结束日期不能早于开始日期。")})
    if (end - start).days >= MAX_ENTRY_DAYS:
        raise PlannerError(errors={field: _l("一个条目最多跨 %(n)s 天。", n=MAX_ENTRY_DAYS)})


def add_school_days(school_id: int, term, data: dict, source: str = "") -> CalendarDay:
    """One entry from start to end (a 调休 day is one date). All or nothing."""
    start = data["start"]
    end = data.get("end") or start
    field = "end" if data.get("end") else "start"
    check_span(start, end, field)
    check_in_term(term, [start, end], field)
    row = {
        "school": school_id,
        "date": start,
        "end_date": end,
        "kind": data["kind"],
        "name": data["name"],
        "follows_weekday": data.get("follows_weekday"),
        "source": source,
    }
    insert_school_days(school_id, [row], lambda i, row: "start")
    return row


def insert_school_days(school_id: int, rows: list, key) -> None:
    """Insert entries after checking them all; key(i, row) names where a clash is shown."""
    with write_tx():
        _lock(f"school-{school_id}")
        errors = school_clashes(
            school_id,
            [
                (key(i, r), r["date"], r["end_date"], r["kind"], r["name"])
                for i, r in enumerate(rows)
            ],
        )
        if errors:
            raise PlannerError(errors=errors)
        try:
            CalendarDay.insert_many(rows).execute()
        except IntegrityError as exc:  # same school, first day and kind: the index's word
            raise PlannerError(errors={key(0, rows[0]): _l("这一天已有同类条目。")}) from exc


def update_school_day(day: CalendarDay, term, data: dict) -> None:
    """Edit one of a school's entries (its dates too) if nobody saved it first."""
    data = dict(data)
    version = data.pop("version")
    data["end_date"] = data.get("end_date") or data["date"]
    field = "end_date" if data["end_date"] != data["date"] else "date"
    check_span(data["date"], data["end_date"], field)
    check_in_term(term, [data["date"], data["end_date"]], field)
    with write_tx():
        _lock(f"school-{day.school_id}")
        errors = school_clashes(
            day.school_id,
            [("date", data["date"], data["end_date"], data["kind"], data["name"])],
            exclude_id=day.id,
        )
        if errors:
            raise PlannerError(errors=errors)
        save_versioned(day, version, data)


def delete_school_day(day: CalendarDay) -> None:
    """Delete one of a school's days."""
    with write_tx():
        _lock(f"school-{day.school_id}")
        CalendarDay.delete().where(CalendarDay.id == day.id).execute()


# ---- bell schedules ---------------------------------------------------------------------


def save_bells(school_id: int, section: str, rows: list, token: str) -> None:
    """Replace one section's schedule. Periods are updated in place (programs and
    sessions point at them); a removed period still used by a program is refused."""
    with write_tx():
        _lock(f"bells-{school_id}")
        if bell_token(school_id, section) != token:
            raise ConflictError("BellPeriod")
        current = {
            p.number: p
            for p in BellPeriod.select().where(
                (BellPeriod.school == school_id) & (BellPeriod.section == section)
            )
        }
        wanted = {r["number"]: r for r in rows}
        gone = [p for n, p in current.items() if n not in wanted]
        for period in gone:
            try:  # the whole transaction is abandoned on refusal, so no savepoint is needed
                period.delete_instance()
            except IntegrityError as exc:
                raise PlannerError(
                    errors={"periods": _l("第%(n)s节已被开展计划使用，不能删除。", n=period.number)}
                ) from exc
        for number, row in wanted.items():
            if number in current:
                BellPeriod.update(start=row["start"], end=row["end"]).where(
                    BellPeriod.id == current[number].id
                ).execute()
            else:
                BellPeriod.create(school=school_id, section=section, **row)
