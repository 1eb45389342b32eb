"""`flask planner reset-second-factor USERNAME`: for the one case the admin's page can't
serve, the agency's only admin who lost both the phone and the recovery codes."""

import click

from planner.accounts import second_factor
from planner.accounts.models import User
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
