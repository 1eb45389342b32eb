"""Account commands run by whoever runs the server, for what no screen may do:
`flask planner reset-second-factor USERNAME` (the agency's only admin who lost both the
phone and the recovery codes) and `flask planner maintainer USERNAME [--revoke]` (who keeps
the data every agency shares: the starter curriculum library and the national holiday
calendar; no screen grants it, so an agency's admin can't make themself one)."""

import click

from planner.accounts import second_factor
from planner.accounts.models import User
from planner.accounts.services import set_maintainer
from planner.db import database
from planner.errors import PlannerError


@click.command("reset-second-factor")
@click.argument("username")
def reset_second_factor_cmd(username):
    """Clear a user's second factor (audited); they enrol again at their next login."""
    with database.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise click.ClickException(f"no user {username}")
        try:
            second_factor.reset(None, user)
        except PlannerError as err:
            raise click.ClickException(str(err.message)) from err
    click.echo(f"second factor of {username} reset; their sessions have ended")


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
