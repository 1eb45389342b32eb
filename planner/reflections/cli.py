"""`flask planner escalate`: safeguarding flags left unacknowledged go to the lead."""

import datetime as dt

import click

from planner.db import database


@click.command("escalate")
@click.option(
    "--now",
    "at",
    default=None,
    help="the moment to count from, UTC (YYYY-MM-DDTHH:MM; default: now)",
)
def escalate_cmd(at):
    """Escalate safeguarding flags (安全关注) left unacknowledged too long (standard 4.1).

    Every open flag raised at least its agency's escalation hours ago (set on the agency
    form, default 24) is marked 已升级 and shows on the safeguarding lead's dashboard and
    queue (or every admin's, when the agency has no lead). One audit row per flag; a flag
    is escalated once. Safe to run as often as you like: run it every 15 minutes from cron,
    e.g. `*/15 * * * * flask --app app planner escalate` from the app's folder."""
    from planner.reflections.escalation import escalate

    try:
        moment = dt.datetime.fromisoformat(at) if at else None
    except ValueError as err:
        raise click.ClickException("--now must be a time like 2026-12-03T08:00") from err
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    with database.connection_context():
        due = escalate(moment)
    total = sum(len(ids) for ids in due.values())
    for agency_id, ids in sorted(due.items()):
        click.echo(f"agency {agency_id}: escalated {len(ids)} flag(s): {','.join(map(str, ids))}")
    click.echo(f"escalated {total}")
