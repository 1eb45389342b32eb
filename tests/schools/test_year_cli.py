"""`flask planner new-school-year`: the preview printed, committed only with --yes or a yes."""

from planner.schools.models import SchoolClass, SchoolYear
from planner.students.models import Student
from tests.students import factories as sf


def run(app, *args, **kw):
    return app.test_cli_runner().invoke(args=["planner", "new-school-year", *args], **kw)


def _years(world):
    return SchoolYear.select().where(SchoolYear.school == world.school.id).count()


def test_the_preview_alone_changes_nothing(app, world):
    sf.student(world.school, world.cls)
    result = run(app, "--school", "JX", "--year", "2027", input="n\n")
    assert result.exit_code == 0, result.output
    assert "7(1)班 → 8(1)班（1 名学生）" in result.output
    assert "2027—2028学年第一学期：2027-09-01 至 2028-01-15" in result.output
    assert "nothing changed" in result.output
    assert _years(world) == 1


def test_yes_commits_and_a_second_run_does_nothing(app, world):
    s = sf.student(world.school, world.cls)
    result = run(app, "--school", "JX", "--year", "2027", "--yes")
    assert result.exit_code == 0, result.output
    assert "JX: 1 classes moved up, 1 students" in result.output
    assert Student.get_by_id(s.id).school_class.name == "8(1)班"
    again = run(app, "--school", "JX", "--year", "2027", "--yes")
    assert again.exit_code == 0, again.output
    assert "已完成升级" in again.output and "nothing to do" in again.output
    assert _years(world) == 2


def test_answering_yes_commits(app, world):
    result = run(app, "--school", "JX", "--year", "2027", input="y\n")
    assert result.exit_code == 0, result.output
    assert _years(world) == 2


def test_an_agency_rolls_every_school(app, world):
    result = run(app, "--agency", "TA", "--year", "2027", "--yes")
    assert result.exit_code == 0, result.output
    assert "JX:" in result.output and "YX:" in result.output
    assert SchoolClass.select().where(SchoolClass.name == "8(2)班").count() == 1


def test_bad_invocations_say_what_is_wrong(app, world):
    assert "exactly one" in run(app).output
    assert "exactly one" in run(app, "--school", "JX", "--agency", "TA").output
    assert "no single school" in run(app, "--school", "NOPE").output
    assert "no school in agency" in run(app, "--agency", "NOPE").output
    missing = run(app, "--school", "JX", "--year", "2031", "--yes")
    assert missing.exit_code != 0 and "没有可结束的学年" in missing.output
    bad = run(app, "--school", "JX", "--year", "soon")
    assert bad.exit_code != 0
    assert _years(world) == 1
