"""`flask planner calendar import` (the holidays shipped in content/calendar) and
`flask planner calendar notice FILE`: the State Council's holiday notice, read from its
text, shown for review with weekdays and saved all or nothing (planner/calendars/notice.py)."""

import os

import click
from flask.cli import AppGroup

from planner.db import database
from planner.errors import PlannerError

calendar_cli = AppGroup("calendar", help="Statutory holidays and 调休 days (content/calendar).")


@calendar_cli.command("import")
@click.option("--dir", "directory", default=None, help="default: content/calendar")
@click.option("--if-empty", is_flag=True, help="only when no statutory days are loaded")
def calendar_import_cmd(directory, if_empty):
    """Load the statutory holidays and make-up days shipped in content/calendar."""
    from flask import current_app

    from planner.calendars.models import CalendarDay
    from planner.calendars.services import import_statutory, load_years

    directory = directory or os.path.join(current_app.config["CONTENT_DIR"], "calendar")
    with database.connection_context():
        if if_empty and CalendarDay.select().where(CalendarDay.school.is_null()).exists():
            click.echo("statutory calendar already loaded")
            return
        try:
            years = load_years(directory)
        except ValueError as err:
            raise click.ClickException(f"{err}; nothing was imported") from err
        count = import_statutory(years)
    click.echo(f"imported {count} statutory days for {', '.join(str(y['year']) for y in years)}")


WEEKDAY = "一二三四五六日"


def _day(day) -> str:
    return f"{day.isoformat()}（周{WEEKDAY[day.isoweekday() - 1]}）"


def _row(row) -> str:
    follows = f"，按周{WEEKDAY[row['follows_weekday'] - 1]}课表" if row["follows_weekday"] else ""
    return f"{_day(row['date'])} {row['name']}{follows}"


@calendar_cli.command("notice")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="save the year (without it: show only)")
def notice_cmd(path, yes):
    """Read the yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) from a text file,
    show each holiday and 调休 working day with its weekday and the timetable proposed for
    it, the differences from what is stored for that year, and save it with --yes (the
    year's national days are replaced all or nothing; an admin edits single days after)."""
    from planner.calendars import notice

    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        text = fh.read(notice.MAX_TEXT + 1)
    try:
        year = notice.parse(text)
    except PlannerError as err:
        raise click.ClickException(f"{err.message}; nothing was saved") from err
    click.echo(f"{year['year']}: {year['source']}")
    for holiday in year["holidays"]:
        days = (holiday["end"] - holiday["start"]).days + 1
        click.echo(
            f"  放假 {holiday['name']}: {_day(holiday['start'])} 至 {_day(holiday['end'])}，共{days}天"
        )
    for makeup in year["makeup_days"]:
        click.echo(
            f"  上班 {_day(makeup['date'])} {makeup['holiday']}，"
            f"按周{WEEKDAY[makeup['follows_weekday'] - 1]}课表"
        )
    with database.connection_context():
        diff = notice.changes(year)
        if diff["known"]:
            if not (diff["added"] or diff["removed"] or diff["changed"]):
                click.echo("no changes: the stored year already says this")
                return
            for row in diff["added"]:
                click.echo(f"  + {_row(row)}")
            for row in diff["removed"]:
                click.echo(f"  - {_row(row)}")
            for old, new in diff["changed"]:
                click.echo(f"  ~ {_row(old)} → {_row(new)}")
        if not yes:
            click.echo("shown only; run again with --yes to save")
            return
        count = notice.save(None, year)
    click.echo(f"saved {count} national days for {year['year']}")
