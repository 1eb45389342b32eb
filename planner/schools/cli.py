"""`flask planner new-school-year`: the September rollover from the command line. It prints
the preview; only --yes (or answering yes) commits. The same service as the admin screen."""

import click
from flask.cli import with_appcontext

from planner.db import database


def _print_preview(plan) -> None:
    click.echo(f"{plan.school.code} {plan.school.name}: {plan.ending.label} → {plan.label}")
    if plan.done:
        click.echo(f"  {plan.message}")
        return
    for move in plan.moving:
        kept = f" 班主任 {move.source.headteacher}" if move.source.headteacher else ""
        click.echo(
            f"  {move.source.name} → {move.new_name}（{move.students} 名学生）{kept}"
            + (f" 教师 {'、'.join(move.teachers)}" if move.teachers else "")
        )
    for move in plan.graduating:
        click.echo(f"  {move.source.name} 毕业：{move.students} 名学生归档，记录保留")
    for grade in sorted(plan.entry_counts):
        names = "、".join(plan.entry_names(grade)) or "—"
        click.echo(f"  新建 {grade} 年级空班：{names}")
    for name, start, end in plan.terms:
        click.echo(f"  新学期 {name}：{start.isoformat()} 至 {end.isoformat()}")
    for term in plan.existing_terms:
        click.echo(f"  已有学期 {term.name}（不再新建）")
    click.echo(f"  {plan.note}")


@click.command("new-school-year")
@with_appcontext
@click.option("--school", "school_code", default=None, help="one school's code")
@click.option("--agency", "agency_code", default=None, help="every school of an agency")
@click.option(
    "--year", type=int, default=None, help="the new year's start, e.g. 2027 for 2027—2028"
)
@click.option("--yes", is_flag=True, help="commit without asking")
def new_school_year_cmd(school_code, agency_code, year, yes):
    """Roll one school (or an agency's schools) over into the next school year: classes
    move up a grade, graduates are archived, entry classes and the two terms are made."""
    from planner.errors import PlannerError
    from planner.schools import rollover
    from planner.schools.models import School

    if bool(school_code) == bool(agency_code):
        raise click.ClickException("give exactly one of --school CODE or --agency CODE")
    with database.connection_context():
        if school_code:
            schools = list(School.select().where(School.code == school_code))
            if len(schools) != 1:
                raise click.ClickException(f"no single school with code {school_code}")
        else:
            schools = rollover.schools_of_agency(agency_code)
            if not schools:
                raise click.ClickException(f"no school in agency {agency_code}")
        plans = []
        for school in schools:
            try:
                plans.append(rollover.preview(None, school, year))
            except PlannerError as err:
                raise click.ClickException(f"{school.code}: {err.message}") from err
        for plan in plans:
            _print_preview(plan)
        todo = [p for p in plans if not p.done]
        if not todo:
            click.echo("nothing to do: every school is already in the new year")
            return
        if not yes and not click.confirm("commit this rollover?", default=False):
            click.echo("nothing changed")
            return
        for plan in todo:
            try:
                result = rollover.commit(None, plan.school, plan.start_year)
            except PlannerError as err:
                raise click.ClickException(f"{plan.school.code}: {err.message}") from err
            click.echo(
                f"{plan.school.code}: {result['classes']} classes moved up, "
                f"{result['students']} students, {result['graduates']} graduates archived, "
                f"{result['entry_classes']} entry classes, {result['terms']} terms"
            )
