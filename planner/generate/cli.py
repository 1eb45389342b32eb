"""`flask planner generate --scale small|city [--seed N]`."""

import click

from planner.db import database


@click.command("generate")
@click.option(
    "--scale",
    type=click.Choice(["small", "city"]),
    required=True,
    help="small: 2 schools, 600 students, 1 term; city: 100 schools, 60,000 students, 10 terms",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="the same seed gives the same dataset"
)
def generate_cmd(scale, seed):
    """Build a deterministic synthetic agency (code GEN, invented names) for benchmarks.

    Needs the library and the calendar loaded first; refuses if GEN exists already."""
    from planner.generate.build import generate
    from planner.generate.scales import AGENCY_CODE, AS_OF, PASSWORD, GenerateError

    click.echo(f"generating scale {scale} with seed {seed} (dataset date {AS_OF})")
    with database.connection_context():
        try:
            counts = generate(scale, seed, echo=click.echo)
        except GenerateError as err:
            raise click.ClickException(str(err)) from err
    seconds = counts.pop("seconds")
    click.echo("rows per table (whole database):")
    for table, rows in counts.items():
        if rows:
            click.echo(f"  {table:<20} {rows:>9,}")
    click.echo(
        f"done in {seconds:.1f}s. Agency {AGENCY_CODE}; logins gen_admin, gen_sup01, "
        f"gen_w001, gen_t001 … (password for all: {PASSWORD})"
    )
