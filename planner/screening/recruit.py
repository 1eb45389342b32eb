"""From screening to groups (积极预防, the 15% of the pyramid).

A student whose latest screening result at the school is in the 关注 tier is a candidate for
a growth group of a grade the group's curriculum serves. The instrument may say which of its
items speak to which curriculum theme (`scoring.themes`); a candidate whose answer to one of
the group theme's items is at the scale's middle or above matches the group's theme, and is
listed first. 高危 students are for casework, not for groups.

Who sees candidates: only a user who may read the round's results (its workers and their
supervisors, screening.services.rounds_query); admins and teachers never. Reading the list
is an audit row, and recruiting one records which result brought the student (Recruitment)
and cites the round in the group's recruitment note (standard 8.3.1)."""

from dataclasses import dataclass

from peewee import fn

from planner.audit.models import record
from planner.curricula.models import Curriculum
from planner.db import now, write_tx
from planner.errors import PlannerError
from planner.evaluation.models import Instrument
from planner.i18n import chinese_day
from planner.i18n import lazy_gettext as _l
from planner.schools.models import SchoolClass, Term
from planner.screening.models import TIERS, Recruitment, ScreeningResult, ScreeningRound
from planner.screening.services import rounds_query
from planner.sessions.models import Program, Session
from planner.students import groups
from planner.students.consent import missing_text, standings
from planner.students.models import GroupMember, GroupRoster, Student

NOT_CANDIDATE = _l(
    "这名学生不是本小组的筛查候选人（须是最近一次筛查为“关注”、年级相符的本校学生）。"
)


@dataclass
class Candidate:
    result_id: int
    student: Student
    round_title: str
    screened_on: object  # the round's first session date, or None before it is placed
    tier_label: str
    theme_match: object  # True / False, or None when the instrument maps no item to the theme
    consent_missing: str


def _latest_results(user, school_id) -> dict:
    """{student id: (result row tuple)} of the latest result per student among the rounds of
    this school's current terms that the user may read. One query."""
    readable = rounds_query(user).where(Program.school == school_id).select(ScreeningRound.id)
    rows = (
        ScreeningResult.select(
            ScreeningResult.id,
            ScreeningResult.student,
            ScreeningResult.tier,
            ScreeningResult.override_tier,
            ScreeningResult.answers,
            ScreeningRound.id,
            ScreeningRound.title,
            ScreeningRound.program,
            ScreeningRound.instrument,
        )
        .join(ScreeningRound)
        .join(Program)
        .join(Term)
        .where(ScreeningRound.id.in_(readable) & ~Term.archived)
        .order_by(Term.start, ScreeningRound.id)
        .tuples()
    )
    return {row[1]: row for row in rows}  # later rows (newer rounds) win


def _theme_match(instrument, theme: str, answers: dict):
    rule = (instrument.extra or {}).get("scoring") or {}
    items = (rule.get("themes") or {}).get(theme)
    if not items:
        return None
    middle = (instrument.scale_min + instrument.scale_max + 1) // 2
    return any(int(answers.get(key, instrument.scale_min)) >= middle for key in items)


def group_candidates(user, program) -> list[Candidate]:
    """The 关注 students who could join this group, theme matches first; [] for anyone who
    reads no round of the school. A fixed number of queries however many rounds."""
    curriculum = Curriculum.get_by_id(program.curriculum_id)
    if curriculum.kind != "group":
        return []
    latest = {
        sid: row
        for sid, row in _latest_results(user, program.school_id).items()
        if (row[3] or row[2]) == "concern"
    }
    if not latest:
        return []
    members = GroupMember.select(GroupMember.student).where(
        (GroupMember.program == program.id) & GroupMember.active
    )
    students = {
        s.id: s
        for s in Student.select(Student, SchoolClass)
        .join(SchoolClass)
        .where(
            Student.id.in_(list(latest))
            & ~Student.archived
            & ~SchoolClass.archived
            & SchoolClass.grade.in_(list(curriculum.grades or []))
            & Student.id.not_in(members)
        )
    }
    if not students:
        return []
    instrument_ids = {latest[sid][8] for sid in students}
    instruments = {i.id: i for i in Instrument.select().where(Instrument.id.in_(instrument_ids))}
    program_ids = {latest[sid][7] for sid in students}
    first_dates = dict(
        Session.select(Session.program, fn.MIN(Session.date))
        .where(Session.program.in_(program_ids) & (Session.status != "cancelled"))
        .group_by(Session.program)
        .tuples()
    )
    found = standings(list(students), purpose="participation")
    out = []
    for sid, student in students.items():
        row = latest[sid]
        out.append(
            Candidate(
                result_id=row[0],
                student=student,
                round_title=row[6],
                screened_on=first_dates.get(row[7]),
                tier_label=TIERS["concern"],
                theme_match=_theme_match(instruments[row[8]], curriculum.theme, row[4] or {}),
                consent_missing=missing_text(found[sid].missing("participation")),
            )
        )
    out.sort(key=lambda c: (c.theme_match is False, c.student.archive_code))
    return out


def record_candidates_view(user, program, candidates: list) -> None:
    """Showing candidates shows screening tiers: an audit row naming their archive codes."""
    if not candidates:
        return
    with write_tx():
        record(
            user,
            "screening_candidates",
            "program",
            program.id,
            f"program={program.id} school={program.school_id} "
            f"codes={','.join(c.student.archive_code for c in candidates[:50])}",
        )


def citation(rnd, screened_on) -> str:
    """The sentence a recruitment note cites a round with (8.3.1)."""
    when = chinese_day(screened_on) if screened_on else ""
    return str(
        _l(
            "本组部分组员来自筛查“%(title)s”%(when)s中“关注”等级的学生。",
            title=rnd.title,
            when=f"（{when}）" if when else "",
        )
    )


def recruit(user, program, result_id: int, note: str = "") -> GroupMember:
    """Add a candidate to the group (the roster's consent and school rules apply), record the
    result it came from, and cite the round in the group's recruitment note. All or nothing."""
    candidate = next((c for c in group_candidates(user, program) if c.result_id == result_id), None)
    if candidate is None:
        raise PlannerError(NOT_CANDIDATE, "result_id")
    rnd = ScreeningRound.get_by_id(
        ScreeningResult.select(ScreeningResult.round).where(ScreeningResult.id == result_id)
    )
    sentence = citation(rnd, candidate.screened_on)
    with write_tx():
        # the member's own note stays the worker's words: the roster is read by admins too,
        # who never see a child's tier
        member = groups.add_member(program, candidate.student.id, note[:500], user=user)
        Recruitment.delete().where(Recruitment.member == member.id).execute()
        Recruitment.create(member=member.id, result=result_id, recruited_by=user.id)
        roster = groups.roster_of(program)
        if roster.id is None:
            GroupRoster.create(program=program.id, recruitment_notes=sentence)
        elif sentence not in (roster.recruitment_notes or ""):
            notes = ((roster.recruitment_notes or "").rstrip() + "\n" + sentence).strip()
            GroupRoster.update(
                recruitment_notes=notes[:4000], version=GroupRoster.version + 1, updated_at=now()
            ).where(GroupRoster.id == roster.id).execute()
        record(
            user,
            "screening_recruit",
            "student",
            candidate.student.id,
            f"program={program.id} result={result_id} code={candidate.student.archive_code}",
        )
    return member


def reads_screening(user, school_id) -> bool:
    """Whether the user reads any round of the school (who may see candidates and sources)."""
    return rounds_query(user).where(Program.school == school_id).exists()


def recruited_sources(program) -> dict:
    """{member id: round title} for the members recruited from a screening; show it only to
    a user who `reads_screening` (an admin reads the roster but never a child's tier)."""
    return dict(
        Recruitment.select(Recruitment.member, ScreeningRound.title)
        .join(ScreeningResult)
        .join(ScreeningRound)
        .join_from(Recruitment, GroupMember)
        .where(GroupMember.program == program.id)
        .tuples()
    )
