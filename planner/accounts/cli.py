"""`flask planner maintainer USERNAME [--revoke]`: who keeps the data every agency shares
(the starter curriculum library and the national holiday calendar). Run by whoever runs
the server; no screen grants it, so an agency's admin can't make themself one."""

import click

from planner.accounts.services import set_maintainer
from planner.db import database
from planner.errors import PlannerError


@click.command("maintainer")
@click.argument("username")
@click.option("--revoke", is_flag=True, help="take the upkeep of shared data away again")
def maintainer_cmd(username, revoke):
    """Let an admin account change the shared curricula and national holidays."""
    with database.connection_context():
        try:
            user = set_maintainer(username, on=not revoke)
        except PlannerError as err:
            raise click.ClickException(str(err.message)) from err
    state = "no longer maintains" if revoke else "now maintains"
    click.echo(f"{user.username} {state} the shared curricula and national holidays")
