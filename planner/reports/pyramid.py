"""The pyramid of a term (Taicang's 100/15/5: 全面筛查 — 积极预防 — 个案干预), per school and
in total, over the programs a user may see (reports.stats.programs_in_view). Numbers only:
no figure names a student, so the admin sees them too.

Counting rules (shown on the statistics page):
- a student is screened in the term when they have a result in a screening round scheduled
  by a program of the term in view; a student screened twice counts once;
- the share screened is over the school's students who are not archived;
- the classes screened are the (current) classes of the students screened;
- each screened student counts once in the tiers, in the tier of the last result entered
  for them in the term (the worker's override where there is one);
- recruited: members of the term's growth groups in view who joined from a screening
  result (the roster's 招募入组), counted once per membership.
Four queries, however many schools, rounds and students.
"""

from types import SimpleNamespace

from peewee import fn

from planner.reports.stats import programs_in_view, raw
from planner.screening.models import Recruitment, ScreeningResult, ScreeningRound
from planner.sessions.models import Program
from planner.students.models import GroupMember, Student

TIER_KEYS = ("normal", "concern", "high")
KEYS = (
    "students_total",
    "screened",
    "classes_screened",
    "share_screened",
    *TIER_KEYS,
    "recruited",
)


def _blank() -> dict:
    return dict.fromkeys(KEYS, 0)


def term_pyramid(programs, school_ids) -> SimpleNamespace:
    """{school id: figures} and the totals, for the programs (a query of Program ids) of
    one term in view and the schools shown."""
    per = {sid: _blank() for sid in school_ids}

    def row(sid):
        return per.setdefault(sid, _blank())

    for sid, students, classes in raw(
        ScreeningResult.select(
            Program.school,
            fn.COUNT(ScreeningResult.student.distinct()),
            fn.COUNT(Student.school_class.distinct()),
        )
        .join(ScreeningRound)
        .join(Program)
        .switch(ScreeningResult)
        .join(Student)
        .where(ScreeningRound.program.in_(programs))
        .group_by(Program.school)
    ):
        row(sid).update(screened=students, classes_screened=classes)
    last = (
        ScreeningResult.select(fn.MAX(ScreeningResult.id))
        .join(ScreeningRound)
        .where(ScreeningRound.program.in_(programs))
        .group_by(ScreeningResult.student)
    )
    for sid, tier, override, count in raw(
        ScreeningResult.select(
            Program.school,
            ScreeningResult.tier,
            ScreeningResult.override_tier,
            fn.COUNT(ScreeningResult.id),
        )
        .join(ScreeningRound)
        .join(Program)
        .where(ScreeningResult.id.in_(last))
        .group_by(Program.school, ScreeningResult.tier, ScreeningResult.override_tier)
    ):
        shown = override or tier
        if shown in TIER_KEYS:
            row(sid)[shown] += count
    for sid, count in raw(
        Recruitment.select(Program.school, fn.COUNT(Recruitment.id))
        .join(GroupMember)
        .join(Program)
        .where(GroupMember.program.in_(programs))
        .group_by(Program.school)
    ):
        row(sid)["recruited"] = count
    for sid, count in raw(
        Student.select(Student.school, fn.COUNT(Student.id))
        .where(Student.school.in_(list(per) or [0]) & ~Student.archived)
        .group_by(Student.school)
    ):
        row(sid)["students_total"] = count
    totals = _blank()
    for figures in per.values():
        figures["share_screened"] = (
            figures["screened"] / figures["students_total"] if figures["students_total"] else None
        )
        for key in KEYS:
            if key != "share_screened":
                totals[key] += figures[key]
    totals["share_screened"] = (
        totals["screened"] / totals["students_total"] if totals["students_total"] else None
    )
    return SimpleNamespace(schools=per, totals=totals)


def pyramid_for(user, term_name, school_id=None, worker_id=None, school_ids=None):
    """The pyramid of one term name in the user's view (the statistics' scopes)."""
    programs = programs_in_view(user, term_name, school_id, worker_id).select(Program.id)
    if school_ids is None:
        school_ids = [school_id] if school_id else []
    return term_pyramid(programs, school_ids)
