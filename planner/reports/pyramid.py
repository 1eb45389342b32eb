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
  result (the roster's 招募入组), counted once per membership;
- cases in view are those of the user's own casework (as worker or co-worker), of the
  workers a supervisor supervises, or of every school an admin sees (numbers only);
- cases opened / closed: opened (closed or referred out) between the school's term's first
  and last day; open: not closed nor referred out on the day counted; referrals: referrals
  out made in the term;
- the crisis list: open 高危 cases on the day counted; overdue: those whose review date has
  passed or was never set.
Six queries, however many schools, rounds, students and cases.
"""

from types import SimpleNamespace

from peewee import Case, fn

from planner.access import schools_query
from planner.cases.models import CRISIS, OPEN_STEPS, CaseReferral
from planner.cases.models import Case as CaseFile
from planner.cases.services import team_filter
from planner.i18n import local_today
from planner.reports.stats import programs_in_view, raw
from planner.schools.models import School, Term
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
    "cases_opened",
    "cases_open",
    "cases_closed",
    "referrals",
    "crisis",
    "overdue",
)


def _blank() -> dict:
    return dict.fromkeys(KEYS, 0)


def term_pyramid(programs, school_ids, cases=None, term_name=None, day=None) -> SimpleNamespace:
    """{school id: figures} and the totals, for the programs (a query of Program ids) of
    one term in view and the schools shown; `cases` a condition on Case for the cases in
    view (case_scope), counted over the schools' terms named term_name, as of day."""
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
    if cases is not None:
        _cases(per, row, cases, term_name, day)
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


def _in(field, low, high):
    return Case(None, [((field >= low) & (field <= high), 1)], 0)


def _cases(per, row, cases, term_name, day) -> None:
    """Case figures per school (two queries: the cases, the referrals)."""
    window = (Term.school == CaseFile.school) & (Term.name == term_name)
    ended = CaseFile.step.not_in(OPEN_STEPS)
    for sid, opened, closed, still, crisis, overdue in raw(
        CaseFile.select(
            CaseFile.school,
            fn.SUM(_in(CaseFile.opened_on, Term.start, Term.end)),
            fn.SUM(
                Case(
                    None,
                    [
                        (
                            ended
                            & (CaseFile.closed_on >= Term.start)
                            & (CaseFile.closed_on <= Term.end),
                            1,
                        )
                    ],
                    0,
                )
            ),
            fn.SUM(Case(None, [(~ended, 1)], 0)),
            fn.SUM(Case(None, [(~ended & (CaseFile.risk == CRISIS), 1)], 0)),
            fn.SUM(
                Case(
                    None,
                    [
                        (
                            ~ended
                            & (CaseFile.risk == CRISIS)
                            & (CaseFile.next_review.is_null() | (CaseFile.next_review < day)),
                            1,
                        )
                    ],
                    0,
                )
            ),
        )
        .join(Term, on=window)
        .where(cases)
        .group_by(CaseFile.school)
    ):
        row(sid).update(
            cases_opened=int(opened or 0),
            cases_closed=int(closed or 0),
            cases_open=int(still or 0),
            crisis=int(crisis or 0),
            overdue=int(overdue or 0),
        )
    for sid, count in raw(
        CaseReferral.select(CaseFile.school, fn.COUNT(CaseReferral.id))
        .join(CaseFile)
        .join(Term, on=window)
        .where(
            cases
            & (CaseReferral.referred_on >= Term.start)
            & (CaseReferral.referred_on <= Term.end)
        )
        .group_by(CaseFile.school)
    ):
        row(sid)["referrals"] = count


def case_scope(user, school_id=None, worker_id=None):
    """The condition on Case for the cases counted in the user's statistics (numbers only:
    an admin counts every case of her schools, though she reads none)."""
    scope = CaseFile.school.in_(schools_query(user).select(School.id))
    if school_id:
        scope &= CaseFile.school == school_id
    if worker_id:
        scope &= (CaseFile.worker == worker_id) | (CaseFile.co_worker == worker_id)
    if not user.is_admin:
        scope &= team_filter(user)
    return scope


def pyramid_for(user, term_name, school_id=None, worker_id=None, school_ids=None, day=None):
    """The pyramid of one term name in the user's view (the statistics' scopes)."""
    programs = programs_in_view(user, term_name, school_id, worker_id).select(Program.id)
    if school_ids is None:
        school_ids = [school_id] if school_id else []
    return term_pyramid(
        programs,
        school_ids,
        case_scope(user, school_id, worker_id),
        term_name,
        day or local_today(),
    )
