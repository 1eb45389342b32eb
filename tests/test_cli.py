"""`flask planner …`: migrate, demo, create-user."""

import datetime as dt

import pytest

from planner import create_app, migrations
from planner.accounts.models import Supervision, TeacherClass, User, WorkerSchool
from planner.db import database
from planner.demo import DEMO_PASSWORD, current_term_dates
from planner.schools.models import Agency, Room, School, SchoolClass, Term
from tests import factories
from tests.conftest import drop_database, fresh_database_url

DEMO_LOGINS = ("admin", "worker", "worker2", "supervisor", "teacher", "teacher2")


def run(app, *args, **kw):
    return app.test_cli_runner().invoke(args=["planner", *args], **kw)


def test_migrate_on_a_migrated_database_is_up_to_date(app):
    result = run(app, "migrate")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "schema is up to date"


def test_migrate_a_new_database(app, tmp_path):
    url = fresh_database_url(tmp_path)
    try:
        fresh = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "t"})
        first = run(fresh, "migrate")
        assert first.exit_code == 0, first.output
        assert first.output.split() == [
            w for name in migrations.available() for w in ("applied", name)
        ]
        assert run(fresh, "migrate").output.strip() == "schema is up to date"
        with database.connection_context():
            assert {m._meta.table_name for m in (Agency, User)} <= set(database.get_tables())
    finally:
        if not database.is_closed():
            database.close()
        drop_database(url)
        create_app(
            {"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "t"}
        )  # point the shared proxy back for the fixture's cleanup


def demo_counts():
    return [
        m.select().count()
        for m in (
            Agency,
            School,
            Term,
            SchoolClass,
            Room,
            User,
            WorkerSchool,
            Supervision,
            TeacherClass,
        )
    ]


def test_demo_prints_the_six_logins_and_is_idempotent(app):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert DEMO_PASSWORD in lines[0]
    assert [line.split()[0] for line in lines[1:]] == list(DEMO_LOGINS)
    counts = demo_counts()
    assert counts[:2] == [1, 2] and counts[5] == 6

    second = run(app, "demo")
    assert second.exit_code == 0, second.output
    assert sorted(second.output.splitlines()) == sorted(lines)
    assert demo_counts() == counts  # nothing created twice


def test_demo_agency_is_complete(app):
    run(app, "demo")
    schools = {s.stage: s for s in School.select()}
    assert set(schools) == {"primary", "junior"}
    for school in schools.values():
        assert school.terms.count() == 1 and school.rooms.count() >= 3
        assert school.classes.count() > 0
    assert all(c.grade in range(1, 7) for c in schools["primary"].classes)
    assert all(c.grade in range(7, 10) for c in schools["junior"].classes)
    supervisor = User.get(User.username == "supervisor")
    assert {link.worker.username for link in supervisor.supervisee_links} == {"worker", "worker2"}
    worker = User.get(User.username == "worker")
    assert [link.school.stage for link in worker.school_links] == ["junior"]
    teacher = User.get(User.username == "teacher")
    assert [link.school_class.name for link in teacher.class_links] == ["7(1)班"]


@pytest.mark.parametrize("username", ["worker", "admin", "teacher"])
def test_demo_logins_work(app, username):
    run(app, "demo")
    response = app.test_client().post(
        "/login", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "today,name,start,end",
    [
        (dt.date(2026, 10, 9), "2026—2027学年第一学期", dt.date(2026, 9, 1), dt.date(2027, 1, 23)),
        (dt.date(2027, 1, 10), "2026—2027学年第一学期", dt.date(2026, 9, 1), dt.date(2027, 1, 23)),
        (dt.date(2027, 4, 1), "2026—2027学年第二学期", dt.date(2027, 2, 23), dt.date(2027, 7, 3)),
    ],
)
def test_demo_term_is_the_current_one(today, name, start, end):
    assert current_term_dates(today) == (name, start, end)


@pytest.fixture
def agency(app):
    agency = factories.agency(code="CLI")
    factories.school(agency=agency, code="CLI-A", name="命令行学校")
    return agency


def create_user(app, *extra, username="cli_user", password="long-enough-pw"):
    return run(
        app,
        "create-user",
        "--username",
        username,
        "--name",
        "命令行用户",
        "--password",
        password,
        *extra,
    )


def test_create_user(app, agency):
    result = create_user(app, "--role", "worker", "--agency", "CLI", "--school", "CLI-A")
    assert result.exit_code == 0, result.output
    assert "created worker cli_user" in result.output
    user = User.get(User.username == "cli_user")
    assert (user.agency_id, user.role, user.display_name) == (agency.id, "worker", "命令行用户")
    assert [link.school.code for link in user.school_links] == ["CLI-A"]
    login = app.test_client().post(
        "/login", data={"username": "cli_user", "password": "long-enough-pw"}
    )
    assert login.status_code == 303


def test_create_user_rejects_a_duplicate(app, agency):
    assert create_user(app, "--role", "admin", "--agency", "CLI").exit_code == 0
    result = create_user(app, "--role", "admin", "--agency", "CLI")
    assert result.exit_code != 0
    assert "taken" in result.output
    assert User.select().where(User.username == "cli_user").count() == 1


def test_create_user_rejects_an_unknown_agency(app, agency):
    result = create_user(app, "--role", "admin", "--agency", "NOPE")
    assert result.exit_code != 0
    assert "no agency with code NOPE" in result.output
    assert User.select().count() == 0


@pytest.mark.parametrize(
    "extra,password",
    [
        (("--role", "admin", "--agency", "CLI"), "short"),
        (("--role", "worker", "--agency", "CLI"), "long-enough-pw"),  # a worker needs a school
        (("--role", "worker", "--agency", "CLI", "--school", "ELSEWHERE"), "long-enough-pw"),
    ],
)
def test_create_user_rejects_bad_input(app, agency, extra, password):
    result = create_user(app, *extra, password=password)
    assert result.exit_code != 0
    assert User.select().count() == 0


def test_create_user_rejects_an_unknown_role(app, agency):
    result = create_user(app, "--role", "root", "--agency", "CLI")
    assert result.exit_code == 2
    assert User.select().count() == 0
