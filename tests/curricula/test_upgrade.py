"""Safe upgrades (issue 15): re-importing a changed curriculum that a program uses makes a
new version and leaves the program, its sessions and its records on the version it has;
`content import` (what `make run` and the production steps run) says what it did. Runs on
SQLite and PostgreSQL like every test."""

import copy

from planner.curricula.content import dump
from planner.curricula.models import Curriculum, SessionTemplate
from planner.curricula.services import import_library, library
from planner.sessions.models import Program, Session
from tests.curricula.factories import curriculum_data
from tests.reflections import factories as rf


def _running(world):
    """A group program on the shared curriculum refl-group-N (version 1) with a held
    meeting, and that curriculum's data as its content file would hold it."""
    program = rf.program(world, sessions=6)
    member = rf.student(world)
    rf.members(program, member)
    first = rf.sessions_of(program)[0]
    rf.attendance(first, member)
    slug = Curriculum.get_by_id(program.curriculum_id).slug
    return program, curriculum_data("group", sessions=6, slug=slug)


def test_a_changed_curriculum_in_use_becomes_a_new_version(world):
    program, data = _running(world)
    templates = [s.template_id for s in rf.sessions_of(program)]
    changed = copy.deepcopy(data)
    changed["title"] = "改进后的小组"
    changed["sessions"][0]["activities"][1]["steps"] = ["新的第一步", "新的第二步"]
    result = import_library([changed])
    assert (result["versioned"], result["updated"], result["created"]) == (1, 0, 0)
    assert result["names"]["versioned"] == [f"{data['slug']} v1→v2"]
    versions = (
        Curriculum.select().where(Curriculum.slug == data["slug"]).order_by(Curriculum.version)
    )
    old, new = list(versions)
    assert (old.version, new.version, new.title, new.status) == (1, 2, "改进后的小组", "published")
    # the program keeps its version, its sessions their templates, and its records stay
    program = Program.get_by_id(program.id)
    assert program.curriculum_id == old.id and old.title == "测试课程"
    assert [s.template_id for s in rf.sessions_of(program)] == templates
    assert SessionTemplate.select().where(SessionTemplate.curriculum == old.id).count() == 6
    assert Session.select().where(Session.program == program.id).count() == 6
    # the library lists the new version; importing the same file again changes nothing
    listed = [c for c in library(world.worker) if c.slug == data["slug"]]
    assert [c.version for c in listed] == [2]
    again = import_library([changed])
    assert (again["unchanged"], again["versioned"]) == (1, 0)
    assert Curriculum.select().where(Curriculum.slug == data["slug"]).count() == 2
    # a second change makes version 3; the unchanged original file is still version 1's
    changed["summary"] = "再改一次"
    assert import_library([changed])["names"]["versioned"] == [f"{data['slug']} v1→v3"]


def test_a_changed_curriculum_no_program_uses_is_updated_in_place(world):
    data = curriculum_data(slug="unused-series")
    import_library([data])
    changed = dict(copy.deepcopy(data), title="改过的标题")
    result = import_library([changed])
    assert (result["updated"], result["versioned"]) == (1, 0)
    assert Curriculum.select().where(Curriculum.slug == "unused-series").count() == 1
    assert Curriculum.get(Curriculum.slug == "unused-series").title == "改过的标题"


def test_content_import_on_a_database_with_programs_says_what_it_did(app, world, tmp_path):
    program, data = _running(world)
    folder = tmp_path / "curricula"
    folder.mkdir()
    changed = dict(copy.deepcopy(data), title="新版小组")
    (folder / f"{data['slug']}.yaml").write_text(dump(changed), "utf-8")
    fresh = curriculum_data(slug="brand-new")
    (folder / "brand-new.yaml").write_text(dump(fresh), "utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["planner", "content", "import", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 1 new versions" in result.output
    assert "new: brand-new" in result.output
    assert f"{data['slug']} v1→v2" in result.output and "programs keep theirs" in result.output
    assert Program.get_by_id(program.id).curriculum_id == program.curriculum_id
    again = runner.invoke(args=["planner", "content", "import", "--dir", str(folder)])
    assert "0 new, 0 updated, 0 new versions, 2 unchanged" in again.output
