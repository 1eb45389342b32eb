"""`flask planner …` commands: every admin task has one."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from planner import migrations
from planner.accounts.cli import maintainer_cmd, reset_second_factor_cmd
from planner.calendars.cli import calendar_cli
from planner.db import database
from planner.errors import PlannerError
from planner.generate.cli import generate_cmd
from planner.privacy.cli import purge_cmd
from planner.reflections.cli import escalate_cmd
from planner.roles import ADMIN, ALL_ROLES, SUPERVISOR, TEACHER
from planner.schools.cli import new_school_year_cmd

planner_cli = AppGroup("planner", help="驻校社工计划系统 administration commands.")


@planner_cli.command("migrate")
def migrate_cmd():
    """Apply pending schema migrations."""
    from planner.exports.job_limits import reap
    from planner.exports.models import ExportJob

    with database.connection_context():
        applied = migrations.migrate()
        # the service is starting: zips left "running" by a process that is gone failed
        reap(ExportJob.select(), current_app.config["EXPORT_JOB_STALE_SECONDS"])
    click.echo("\n".join(f"applied {name}" for name in applied) or "schema is up to date")


@planner_cli.command("makemigration")
@click.argument("name")
def makemigration_cmd(name):
    """Write a migration that creates the tables the migrations don't have yet."""
    from peewee import SqliteDatabase

    from planner.migrations.generate import module_text
    from planner.models import MODELS

    scratch = SqliteDatabase(":memory:")
    previous = database.obj
    database.initialize(scratch)
    migrations.migrate()
    existing = set(scratch.get_tables())
    database.initialize(previous)
    new = [m for m in MODELS if m._meta.table_name not in existing]
    if not new:
        raise click.ClickException("no new tables; write column changes by hand")
    number = len(migrations.available()) + 1
    path = os.path.join(os.path.dirname(migrations.__file__), f"m{number:04d}_{name}.py")
    with open(path, "w") as fh:
        fh.write(module_text(new))
    click.echo(f"wrote {path}")


@planner_cli.command("demo")
def demo_cmd():
    """Load the demo agency (once) and print its logins."""
    from planner.demo import DEMO_PASSWORD, load_demo, load_demo_group, plan_demo_programs
    from planner.demo_finished import load_demo_headcounts, load_finished_group

    with database.connection_context():
        logins = load_demo()
        planned = plan_demo_programs()
        members = load_demo_group()
        finished = load_finished_group()
        load_demo_headcounts()
    if planned:
        click.echo(f"Planned {planned} demo programs on the current term.")
    if members:
        click.echo(f"The 新生适应 group has {members} members, with records for its past meetings.")
    if finished:
        click.echo(
            f"Last term's 人际交往 group is finished: {finished} meetings, scores and "
            "its evaluation, ready for the 小组总结评估报告."
        )
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for username, role, name in logins:
        click.echo(f"  {username:<12} {role:<11} {name}")


@planner_cli.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice(ALL_ROLES), required=True)
@click.option("--agency", "agency_code", required=True, help="agency code, e.g. YG")
@click.option("--school", "school_codes", multiple=True, help="school code (workers)")
@click.password_option()
def create_user_cmd(username, display_name, role, agency_code, school_codes, password):
    """Create a user from the command line."""
    from marshmallow import ValidationError

    from planner.accounts.schemas import UserSchema
    from planner.accounts.services import create_user
    from planner.schools.models import Agency, School

    with database.connection_context():
        agency = Agency.get_or_none(Agency.code == agency_code)
        if agency is None:
            raise click.ClickException(f"no agency with code {agency_code}")
        schools = [
            s.id
            for s in School.select().where(
                (School.agency == agency) & School.code.in_(list(school_codes))
            )
        ]
        try:
            data = UserSchema().load(
                {
                    "username": username,
                    "display_name": display_name,
                    "role": role,
                    "password": password,
                    "school_ids": schools,
                }
            )
            create_user(agency.id, data)
        except ValidationError as err:
            raise click.ClickException(str(err.messages)) from err
        except PlannerError as err:
            raise click.ClickException(f"username {username} is taken") from err
    click.echo(f"created {role} {username}")


content_cli = AppGroup("content", help="The curriculum library in content/curricula.")
planner_cli.add_command(content_cli)


def _curricula_dir(directory):
    from flask import current_app

    return directory or os.path.join(current_app.config["CONTENT_DIR"], "curricula")


@content_cli.command("check")
@click.option("--dir", "directory", default=None, help="default: content/curricula")
@click.option(
    "--quality/--no-quality",
    default=True,
    help="apply the quality rules 1–6 (content/FORMAT.md); on by default",
)
def content_check_cmd(directory, quality):
    """Lint the library: schema, minutes per period, 8.3.3 fields, group stages, the
    materials in content/materials and the quality rules (slack, evaluation time, debriefs,
    links, repeats, disclosure wording)."""
    from planner.curricula.content import load_content

    lib = load_content(_curricula_dir(directory), quality=quality)
    for problem in lib.problems:
        click.echo(str(problem), err=True)
    if lib.problems:
        raise click.ClickException(f"{len(lib.problems)} problem(s); nothing was imported")
    click.echo(f"ok: {len(lib.curricula)} curricula, {len(lib.materials)} materials")


@content_cli.command("import")
@click.option("--dir", "directory", default=None, help="default: content/curricula")
@click.option("--if-empty", is_flag=True, help="only when the library is empty")
def content_import_cmd(directory, if_empty):
    """Bring the library in, all or nothing: new curricula and materials are added, changed
    ones updated; a published version a program uses is never changed in place (the changed
    file becomes a new version and programs keep theirs)."""
    from planner.curricula.content import load_content
    from planner.curricula.models import Curriculum
    from planner.curricula.services import import_library, import_materials
    from planner.db import write_tx

    with database.connection_context():
        if if_empty and Curriculum.select().exists():
            click.echo("library already loaded")
            return
        lib = load_content(_curricula_dir(directory), quality=False)
        for problem in lib.problems:
            click.echo(str(problem), err=True)
        if lib.problems:
            raise click.ClickException(f"{len(lib.problems)} problem(s); nothing was imported")
        with write_tx():
            materials = import_materials(lib.materials)
            counts = import_library(lib.curricula)
    click.echo(
        "imported: {created} new, {updated} updated, {versioned} new versions, "
        "{unchanged} unchanged".format(**counts)
    )
    labels = {
        "created": "new",
        "updated": "updated",
        "versioned": "in use by programs, so added as a new version (programs keep theirs)",
    }
    for key, label in labels.items():
        if counts["names"][key]:
            click.echo(f"  {label}: {', '.join(counts['names'][key])}")
    click.echo(
        "materials: {created} new, {updated} updated, {unchanged} unchanged".format(**materials)
    )


@content_cli.command("export")
@click.option("--dir", "directory", default=None, help="default: content/curricula")
def content_export_cmd(directory):
    """Write the shared library (curricula and materials) from the database back to files."""
    from planner.curricula.services import export_library, export_materials

    curricula_dir = _curricula_dir(directory)
    with database.connection_context():
        written = export_library(curricula_dir)
        materials = export_materials(
            os.path.join(os.path.dirname(os.path.abspath(curricula_dir)), "materials")
        )
    click.echo(f"wrote {len(written)} files, {len(materials)} materials")


@content_cli.command("format")
@click.option("--dir", "directory", default=None, help="default: content/curricula")
def content_format_cmd(directory):
    """Rewrite valid curriculum and material files in the canonical layout `content export`
    writes (so an import then export round-trips byte for byte). No database needed."""
    from planner.curricula.content import dump, load_file, load_material
    from planner.curricula.services import MATERIAL_FIELDS, canonical

    curricula_dir = _curricula_dir(directory)
    materials_dir = os.path.join(os.path.dirname(os.path.abspath(curricula_dir)), "materials")
    changed = 0
    for folder, loader, shape in (
        (curricula_dir, load_file, canonical),
        (materials_dir, load_material, lambda d: {f: d[f] for f in MATERIAL_FIELDS}),
    ):
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".yaml"):
                continue
            path = os.path.join(folder, name)
            data, problems = loader(path)
            for problem in problems:
                click.echo(str(problem), err=True)
            if data is None:
                continue
            text = dump(shape(data))
            with open(path, encoding="utf-8") as fh:
                if fh.read() == text:
                    continue
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
            changed += 1
    click.echo(f"reformatted {changed} files")


@planner_cli.command("feed-url")
@click.argument("username")
@click.option(
    "--base-url",
    default=None,
    help="the address phones reach; default: PUBLIC_BASE_URL or PLANNER_BASE_URL",
)
@click.option("--rotate", is_flag=True, help="revoke the active feed link and print a new one")
@click.option("--days", is_flag=True, help="include holidays and 调休 make-up days")
def feed_url_cmd(username, base_url, rotate, days):
    """Print a worker's calendar feed URL (a new token; the URL is shown only this once)."""
    from flask import current_app

    from planner.accounts.models import User
    from planner.feeds import services
    from planner.feeds.models import FeedToken

    base_url = (
        base_url or current_app.config.get("PUBLIC_BASE_URL") or os.environ.get("PLANNER_BASE_URL")
    )
    if not base_url:
        base_url = "http://127.0.0.1:5000"
        click.echo(
            f"note: using {base_url}; pass --base-url or set PLANNER_BASE_URL "
            "to the address phones reach",
            err=True,
        )
    with database.connection_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise click.ClickException(f"no user {username}")
        if not user.active:
            raise click.ClickException(f"{username} is deactivated; a feed would answer 404")
        if not user.is_worker:
            raise click.ClickException(
                f"{username} is a {user.role}, and only workers have a worker feed. "
                "They can sign in and open 日历订阅 (/calendar/subscriptions) to subscribe to "
                + {
                    TEACHER: "their class's calendar.",
                    SUPERVISOR: "their workers' calendars.",
                    ADMIN: "any worker's, class's or school's calendar.",
                }.get(user.role, "a calendar.")
            )
        active = (
            FeedToken.select()
            .where(
                (FeedToken.user == user.id)
                & (FeedToken.audience == "worker")
                & (FeedToken.target_id == user.id)
                & FeedToken.revoked_at.is_null()
            )
            .order_by(FeedToken.id.desc())
            .first()
        )
        if active is not None and not rotate:
            raise click.ClickException(
                f"{username} already has an active feed link (created {active.created_at:%Y-%m-%d} "
                "UTC). Only its hash is stored, so it can't be shown again. Run again with "
                "--rotate for a new link (the old one stops working)."
            )
        try:
            if active is not None:
                _, raw = services.rotate_token(user, active.id)
            else:
                _, raw = services.create_token(user, "worker", user.id, label="CLI")
        except PlannerError as err:
            raise click.ClickException(str(err)) from err
    click.echo(services.feed_url(base_url, raw, with_days=days))


@planner_cli.command("instruments")
@click.option("--dir", "directory", default=None, help="default: content/instruments")
def instruments_cmd(directory):
    """Load the evaluation instruments shipped in content/instruments (upsert by slug)."""
    from flask import current_app

    from planner.evaluation.services import import_instruments, load_instruments

    directory = directory or os.path.join(current_app.config["CONTENT_DIR"], "instruments")
    items, problems = load_instruments(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s); nothing was imported")
    with database.connection_context():
        count = import_instruments(items)
    click.echo(f"imported {count} instruments")


@planner_cli.command("export")
@click.option("--program", "program_id", type=int, help="a program's id")
@click.option("--term", "term_id", type=int, help="a school term's id: all its programs")
@click.option(
    "--kind",
    default="all",
    show_default=True,
    help="group_plan, session_plan, lesson_plan, meeting_record, "
    "evaluation_report, term_stats or all",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="the folder to write the .docx files into",
)
@click.option(
    "--as",
    "username",
    default=None,
    help="whose view to export (default: the agency's admin); PRIVACY §2 applies",
)
def export_cmd(program_id, term_id, kind, out_dir, username):
    """Write a program's or a whole term's Word documents into a folder."""
    from planner.reports import cli as cli_export

    if bool(program_id) == bool(term_id):
        raise click.ClickException("give exactly one of --program or --term")
    with database.connection_context():
        try:
            written = cli_export.run(program_id, term_id, kind, out_dir, username)
        except cli_export.CliError as err:
            raise click.ClickException(str(err)) from err
    for path in written:
        click.echo(path)
    click.echo(f"wrote {len(written)} documents to {out_dir}")


def _rows_text(rows):
    return ", ".join(f"{table} {count}" for table, count in rows.items())


@planner_cli.command("backup")
@click.option(
    "--out", "out_path", required=True, type=click.Path(dir_okay=False), help="the file to write"
)
@click.option("--force", is_flag=True, help="replace the file if it exists")
def backup_cmd(out_path, force):
    """Write a checked copy of the live SQLite database while the app keeps running."""
    from flask import current_app

    from planner import backup
    from planner.db import is_sqlite

    if not is_sqlite():
        raise click.ClickException(
            "on PostgreSQL, back up with pg_dump (it asks for the password, or reads "
            "PGPASSWORD / ~/.pgpass):\n  "
            + backup.pg_command(current_app.config["DATABASE_URL"], "pg_dump", out_path)
        )
    with database.connection_context():
        try:
            result = backup.backup(out_path, force=force)
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
    click.echo(
        f"wrote {result['path']} ({result['bytes']:,} bytes); "
        "integrity_check ok, foreign_key_check clean"
    )
    click.echo(f"rows: {_rows_text(result['rows'])}")


@planner_cli.command("restore")
@click.option(
    "--from",
    "from_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="a file written by `planner backup`",
)
@click.option("--yes", is_flag=True, help="really replace the live database's content")
def restore_cmd(from_path, yes):
    """Replace the live SQLite database's content with a backup (checked first)."""
    from flask import current_app

    from planner import backup
    from planner.db import is_sqlite

    if not is_sqlite():
        raise click.ClickException(
            "on PostgreSQL, restore a pg_dump file with pg_restore:\n  "
            + backup.pg_command(current_app.config["DATABASE_URL"], "pg_restore", from_path)
        )
    with database.connection_context():
        if not yes:
            problems = backup.check(from_path)
            if problems:
                raise click.ClickException(
                    f"{from_path} can't be restored:\n  " + "\n  ".join(problems)
                )
            live = backup.row_counts(database.connection())
            click.echo(
                f"would replace everything in {database.obj.database}\n"
                f"  now:  {_rows_text(live)}\n"
                f"  with: {_rows_text(backup.describe(from_path))} (from {from_path})\n"
                "Back up the live database first (planner backup --out …) if you may "
                "need it."
            )
            raise click.ClickException("nothing changed: run again with --yes to restore")
        try:
            result = backup.restore(from_path)
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
    click.echo(f"restored {from_path} into {result['path']}")
    click.echo(f"rows: {_rows_text(result['rows'])}")
    if result["pending"]:
        click.echo(
            f"the backup is older than the code: run `flask --app app planner migrate` "
            f"({len(result['pending'])} migration(s) pending)"
        )


planner_cli.add_command(generate_cmd)
planner_cli.add_command(purge_cmd)
planner_cli.add_command(calendar_cli)
planner_cli.add_command(reset_second_factor_cmd)
planner_cli.add_command(escalate_cmd)
planner_cli.add_command(maintainer_cmd)
planner_cli.add_command(new_school_year_cmd)


@planner_cli.command("worker")
@click.option("--burst", is_flag=True, help="run the queued jobs, then stop")
def worker_cmd(burst):
    """Run background jobs (zips, purge, escalations) from the queue PLANNER_QUEUE."""
    from planner import queue

    if not queue.configured():
        raise click.ClickException(
            "PLANNER_QUEUE is not set: jobs run inside the web process, no worker is needed"
        )
    queue.work(current_app._get_current_object(), burst=burst)


@planner_cli.command("enqueue")
@click.argument("task", type=click.Choice(["purge", "escalate", "sweep-exports"]))
def enqueue_cmd(task):
    """Put a periodic job on the queue (cron runs this; README, production)."""
    from planner import queue
    from planner.tasks import RETRIES, TASKS

    if queue.configured():
        job_id = queue.enqueue(TASKS[task], (), RETRIES)
        click.echo(f"queued {task} as {job_id}")
        return
    result = queue.run_job(TASKS[task])  # no queue: run it here and now
    click.echo(f"ran {task} (no PLANNER_QUEUE): {result}")
