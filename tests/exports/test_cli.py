"""`flask planner export` (a program's or a term's documents into a folder, as one user's
view) and `flask planner instruments` (the shipped instruments, all or nothing)."""

import os
import shutil

import pytest

from planner import ROOT
from planner.audit.models import AuditEntry
from planner.evaluation.models import Instrument
from planner.exports import jobs
from planner.sessions.models import Session
from tests import factories
from tests.exports import records
from tests.exports.helpers import body_text
from tests.reflections import factories as rf

INSTRUMENTS = os.path.join(ROOT, "content", "instruments")
CODE = "JX-XZ-2026-0001"
TITLE = "新生适应小组"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["planner", *args])


@pytest.fixture
def group(world):
    return records.recorded_group(world)


def test_the_default_user_is_the_admin_without_the_record_documents(app, world, group, tmp_path):
    out = tmp_path / "docs"
    result = run(
        app, "export", "--program", str(group.program.id), "--kind", "all", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    names = sorted(os.listdir(out))
    # the group plan and the 5 session plans (meeting 6 is cancelled); no meeting record
    # and no evaluation report: those are for the group's worker and supervisor
    assert names == sorted(
        [f"{CODE}_小组计划书_{TITLE}.docx"]
        + [f"{CODE}_单节活动计划_{TITLE}_第{n}次.docx" for n in range(1, 6)]
    )
    assert result.output.splitlines()[-1] == f"wrote 6 documents to {out}"
    assert str(out / names[0]) in result.output
    assert "小组计划书" in body_text((out / f"{CODE}_小组计划书_{TITLE}.docx").read_bytes())
    entry = AuditEntry.get()
    assert (entry.user_id, entry.action, entry.object_id, entry.detail) == (
        world.admin.id,
        "export",
        group.program.id,
        "cli all 6 files",
    )


def test_as_the_worker_the_records_are_written_too(app, world, group, tmp_path):
    result = run(
        app,
        "export",
        "--program",
        str(group.program.id),
        "--out",
        str(tmp_path),
        "--as",
        world.worker.username,
    )
    assert result.exit_code == 0, result.output
    names = os.listdir(tmp_path)
    assert len(names) == 10 and all(n.startswith(f"{CODE}_") for n in names)
    assert sorted(n for n in names if "小组活动记录表" in n) == [
        f"{CODE}_小组活动记录表_{TITLE}_第{n}次.docx" for n in (1, 2, 3)
    ]
    report = (tmp_path / f"{CODE}_小组总结评估报告_{TITLE}.docx").read_bytes()
    assert "整体出勤率：50.0%" in body_text(report)
    assert not [n for n in names if records.CANARY in n]


def test_one_kind_of_a_whole_term_with_the_statistics(app, world, group, tmp_path):
    series = rf.program(world, kind="classroom", sessions=2, title="青春期教育")
    rf.headcount(rf.sessions_of(series)[0], 40)
    result = run(app, "export", "--term", str(world.term.id), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = os.listdir(tmp_path)
    stats = f"JX-TJ-2026_学期工作统计_甲校_{world.term.name}.docx"
    # the group's 6 (as the admin), the series' lesson plan and 2 session plans, statistics
    assert len(names) == 10 and stats in names
    assert sum(n.startswith("JX-KT-2026-0001_") for n in names) == 3
    assert "学期工作统计" in body_text((tmp_path / stats).read_bytes())
    only = tmp_path / "lessons"
    result = run(
        app, "export", "--term", str(world.term.id), "--kind", "lesson_plan", "--out", str(only)
    )
    assert result.exit_code == 0, result.output
    assert os.listdir(only) == ["JX-KT-2026-0001_社工课堂教案_青春期教育.docx"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("--program", "{p}", "--term", "{t}"), "give exactly one of --program or --term"),
        ((), "give exactly one of --program or --term"),
        (("--program", "{p}", "--kind", "minutes"), "unknown kind minutes"),
        (("--program", "99999"), "no program 99999"),
        (("--term", "99999"), "no term 99999"),
        (("--program", "{empty}"), str(jobs.NO_SESSIONS)),
        (("--program", "{p}", "--as", "nobody"), "no active user nobody"),
        (("--program", "{p}", "--as", "outsider"), "no active user outsider"),
        (
            ("--program", "{p}", "--kind", "meeting_record"),
            "nothing to export of kind meeting_record for this user",
        ),
    ],
)
def test_errors_exit_non_zero_and_write_nothing(app, world, group, tmp_path, args, message):
    empty = rf.program(world, title="空小组")
    Session.delete().where(Session.program == empty.id).execute()
    factories.user("worker", username="outsider")  # of another agency
    ids = {"p": group.program.id, "t": world.term.id, "empty": empty.id}
    out = tmp_path / "docs"
    result = run(app, "export", *[a.format(**ids) for a in args], "--out", str(out))
    assert result.exit_code != 0
    assert f"Error: {message}" in result.output
    assert not out.exists()
    assert AuditEntry.select().count() == 0


def test_instruments_are_imported_once(app):
    first = run(app, "instruments")
    assert first.exit_code == 0, first.output
    shipped = sorted(n for n in os.listdir(INSTRUMENTS) if n.endswith(".yaml"))
    assert first.output.strip() == f"imported {len(shipped)} instruments"
    assert sorted(f"{i.slug}.yaml" for i in Instrument.select()) == shipped
    again = run(app, "instruments")
    assert again.exit_code == 0 and again.output == first.output
    assert Instrument.select().count() == len(shipped)  # upserted by slug, not added twice


BROKEN = """slug: broken-scale
name: 标签不够的量表
kind: likert
scale: {min: 1, max: 5, labels: [很少, 有时, 经常, 总是]}
applies_at: [pre, post]
items:
  - key: q1
    text: 我愿意和同学一起完成任务。
    required: true
"""


def test_a_broken_instrument_file_is_reported_and_nothing_is_imported(app, tmp_path):
    shutil.copy(os.path.join(INSTRUMENTS, "satisfaction.yaml"), tmp_path)  # a good one
    (tmp_path / "broken-scale.yaml").write_text(BROKEN, encoding="utf-8")
    result = run(app, "instruments", "--dir", str(tmp_path))
    assert result.exit_code != 0
    assert (
        "broken-scale.yaml:4: scale: 等级说明的个数须等于等级数（最高分 − 最低分 + 1）。"
        in result.output
    )
    assert "Error: 1 problem(s); nothing was imported" in result.output
    assert Instrument.select().count() == 0
