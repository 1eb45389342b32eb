"""`flask planner purge`: the retention purge (planner/privacy/retention.py)."""

import click
from flask.cli import with_appcontext

from planner.db import database


@click.command("purge")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="count what has passed its period, change nothing")
@click.option(
    "--today",
    default=None,
    help="the day to count periods back from (YYYY-MM-DD; default: today, Beijing time)",
)
def purge_cmd(dry_run, today):
    """Delete or anonymise what has passed its retention period (standard 9.4 e).

    Periods are set per agency at /admin/retention. Each batch writes one audit row; the
    audit log itself is kept. Run it daily from cron (README, production)."""
    import datetime as dt

    from planner.exports import storage
    from planner.i18n import local_now
    from planner.privacy.models import RECORD_TYPES
    from planner.privacy.retention import purge

    try:
        day = dt.date.fromisoformat(today) if today else local_now().date()
    except ValueError as err:
        raise click.ClickException("--today must be a date like 2026-12-03") from err
    with database.connection_context():
        result = purge(day, dry_run=dry_run, drop_export=storage.delete)
    verb = "would remove" if dry_run else "removed"
    for agency, counts in result.items():
        click.echo(f"{agency}:")
        for key, n in counts.items():
            click.echo(f"  {key:<12} {verb} {n}  ({RECORD_TYPES[key].label})")
    if not result:
        click.echo("no agencies")
