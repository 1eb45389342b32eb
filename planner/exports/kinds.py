"""Every Word document the planner makes, one entry per kind: its title, the level it
belongs to, how its context is gathered, its builder, whether it holds students' records,
its sample context and starter template, and who may have it. Adding a kind means one
entry here and its builder.

Who may have which (PRIVACY_SECURITY.md §2): a teacher only the lesson plan; the documents
that hold students' records (meeting records, evaluation reports) only the program's own
workers and their supervisors, never an admin; a case's documents (level CASE) only the
case's team: its worker, co-worker and their supervisors (cases.services.case_for)."""

from dataclasses import dataclass
from typing import Callable

from planner.exports import (
    case_context,
    case_documents,
    documents,
    evaluation_context,
    gather,
    samples,
    starters,
    summaries,
)
from planner.roles import EVERYONE, STAFF, SUPERVISOR, WORKER

PROGRAM, SESSION, TERM, CASE = "program", "session", "term", "case"
# MATERIALS: one per curriculum session (SessionTemplate), printed from the library and from
# run mode; library content only, so it is in no program's list or zip.
MATERIALS = "materials"
LEVELS = (PROGRAM, SESSION, TERM, CASE, MATERIALS)
GROUP, CLASSROOM = "group", "classroom"  # the curriculum kinds (planner.curricula.models.KINDS)
PLANNED, HELD = "planned", "held"


@dataclass(frozen=True)
class DocKind:
    key: str
    title: str  # the document's own title; also its msgid on pages
    level: str  # PROGRAM: one per program; SESSION: one per session; TERM: one per term;
    # MATERIALS: one per curriculum session; CASE: one per case (个案, standard 8.3)
    gather: Callable | None  # program (and session), or case → context; a TERM kind's
    # context is a report, drawn by planner.reports.docs
    build: Callable[[dict], bytes]
    holds_student_records: bool
    sample: dict  # a full context, for tests and the template preview
    starter: list  # the template admins start from (planner.exports.starters)
    roles: tuple  # the roles that may have it at all
    programs: tuple = ()  # the curriculum kinds whose programs have it (PROGRAM and SESSION)
    sessions: str = ""  # SESSION kinds: PLANNED (every session not cancelled) or HELD
    # (those with attendance or a reflection)


KINDS = {
    kind.key: kind
    for kind in (
        DocKind(
            "group_plan",
            "小组计划书",
            PROGRAM,
            gather.group_plan,
            documents.group_plan,
            False,
            samples.GROUP_PLAN,
            starters.GROUP_PLAN,
            STAFF,
            programs=(GROUP,),
        ),
        DocKind(
            "lesson_plan",
            "社工课堂教案",
            PROGRAM,
            gather.lesson_plan,
            documents.lesson_plan,
            False,
            samples.LESSON_PLAN,
            starters.LESSON_PLAN,
            EVERYONE,
            programs=(CLASSROOM,),
        ),
        DocKind(
            "session_plan",
            "单节活动计划",
            SESSION,
            gather.session_plan,
            documents.session_plan,
            False,
            samples.SESSION_PLAN,
            starters.SESSION_PLAN,
            STAFF,
            programs=(GROUP, CLASSROOM),
            sessions=PLANNED,
        ),
        DocKind(
            "meeting_record",
            "小组活动记录表",
            SESSION,
            gather.meeting_record,
            documents.meeting_record,
            True,
            samples.MEETING_RECORD,
            starters.MEETING_RECORD,
            (WORKER, SUPERVISOR),
            programs=(GROUP,),
            sessions=HELD,
        ),
        DocKind(
            "evaluation_report",
            "小组总结评估报告",
            PROGRAM,
            evaluation_context.evaluation_report,
            summaries.evaluation_report,
            True,
            samples.EVALUATION_REPORT,
            starters.EVALUATION_REPORT,
            (WORKER, SUPERVISOR),
            programs=(GROUP,),
        ),
        DocKind(
            "term_stats",
            "学期工作统计",
            TERM,
            None,
            summaries.term_stats,
            False,
            samples.TERM_STATS,
            starters.TERM_STATS,
            STAFF,
        ),
        DocKind(
            "session_materials",
            "本节材料",
            MATERIALS,
            gather.session_materials,
            documents.session_materials,
            False,
            samples.SESSION_MATERIALS,
            starters.SESSION_MATERIALS,
            STAFF,
        ),
        DocKind(
            "case_intake",
            "个案接案登记表",
            CASE,
            case_context.case_intake,
            case_documents.case_intake,
            True,
            samples.CASE_INTAKE,
            starters.CASE_INTAKE,
            (WORKER, SUPERVISOR),
        ),
        DocKind(
            "case_plan",
            "个案服务计划书",
            CASE,
            case_context.case_plan,
            case_documents.case_plan,
            True,
            samples.CASE_PLAN,
            starters.CASE_PLAN,
            (WORKER, SUPERVISOR),
        ),
        DocKind(
            "case_record",
            "个案服务记录",
            CASE,
            case_context.case_record,
            case_documents.case_record,
            True,
            samples.CASE_RECORD,
            starters.CASE_RECORD,
            (WORKER, SUPERVISOR),
        ),
        DocKind(
            "case_closure",
            "结案报告",
            CASE,
            case_context.case_closure,
            case_documents.case_closure,
            True,
            samples.CASE_CLOSURE,
            starters.CASE_CLOSURE,
            (WORKER, SUPERVISOR),
        ),
        DocKind(
            "work_report",
            "学期工作总结",
            TERM,
            None,
            summaries.work_report,
            False,
            samples.WORK_REPORT,
            starters.WORK_REPORT,
            STAFF,
        ),
    )
}


def of_program(program) -> list[DocKind]:
    """The kinds a program of its curriculum's kind has, in the order a zip holds them."""
    return [kind for kind in KINDS.values() if program.curriculum.kind in kind.programs]


def of_case() -> list[DocKind]:
    """The documents every case has, in the order of its steps (8.3.1–8.3.6)."""
    return [kind for kind in KINDS.values() if kind.level == CASE]
