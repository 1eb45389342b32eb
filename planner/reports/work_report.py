"""The 学期工作总结 (the term's work report, issue 18) of one worker or one school: the term's
figures (lessons, groups and meetings with their 人次), the pyramid, the service records
(letters, consultations, supervision, training), highlights from the groups' own
evaluations and the number of safeguarding concerns raised. Numbers and the workers' own
judgements only: no student's name or archive code is in it (PRIVACY_SECURITY.md §2).

The standard's term summary (T/JHSX 001—2026, 10.3: the service's outputs counted per term;
10.2: the groups' outcome evaluations) is what it reports."""

from peewee import JOIN, fn

from planner.audit.models import record
from planner.cases.models import Case as CaseFile
from planner.cases.models import CaseNote
from planner.curricula.models import Curriculum
from planner.evaluation.compute import fmt_pct
from planner.evaluation.models import ProgramEvaluation
from planner.i18n import chinese_day, local_today
from planner.reflections.models import FollowUp, Reflection
from planner.reports.pyramid import KEYS as PYRAMID_KEYS
from planner.reports.pyramid import case_scope, pyramid_for
from planner.reports.stats import (
    ADULT_KEYS,
    KEYS,
    SERVICE_KEYS,
    programs_in_view,
    service_counts,
    term_statistics,
    term_window,
)
from planner.schools.models import Agency
from planner.sessions.models import Program, Session

SCOPES = {"school": "学校", "worker": "社工"}


def _figure(key, value) -> str:
    if value is None:
        return "—"
    if key in ("attendance_rate", "coverage", "share_screened"):
        return fmt_pct(value)
    if key == "training_hours":
        return f"{value:g}"
    return str(value)


def _highlights(programs) -> list[dict]:
    """The groups' evaluations (ProgramEvaluation): per group, how many goals its worker
    judged met, and the goals met (the goal's words, never the evidence, which may name a
    child). Groups with no judged goal are left out. One query."""
    rows = (
        ProgramEvaluation.select(ProgramEvaluation.goals, Program.title, Program.group_name)
        .join(Program)
        .join(Curriculum)
        .where(Program.id.in_(programs) & (Curriculum.kind == "group"))
        .order_by(Program.title, Program.id)
    )
    out = []
    for row in rows:
        judged = [g for g in row.goals or [] if g.get("status") in ("met", "partly", "not_met")]
        if not judged:
            continue
        met = [(g.get("goal") or "").strip() for g in judged if g.get("status") == "met"]
        out.append(
            {
                "group": row.program.group_name or row.program.title,
                "judged": str(len(judged)),
                "met": str(len(met)),
                "goals": [g for g in met if g],
            }
        )
    return out


def _safeguarding(user, programs, scope_cases, window) -> int:
    """Safeguarding concerns raised this term: follow-ups flagged in the reflections of the
    programs in view, and case notes flagged in the cases in view (a count; two queries)."""
    follow_ups = (
        FollowUp.select(fn.COUNT(FollowUp.id))
        .join(Reflection)
        .join(Session)
        .where(FollowUp.safeguarding & Session.program.in_(programs))
        .scalar()
    )
    notes = 0
    if window:
        notes = (
            CaseNote.select(fn.COUNT(CaseNote.id))
            .join(CaseFile, JOIN.INNER)
            .where(CaseNote.safeguarding & scope_cases & CaseNote.held_on.between(*window))
            .scalar()
        )
    return (follow_ups or 0) + (notes or 0)


def work_report_context(user, term_name, scope, target, as_of=None) -> dict:
    """scope: school (target a School) or worker (target a User), in the user's view."""
    as_of = as_of or local_today()
    agency = Agency.get_by_id(user.agency_id)
    school_id = target.id if scope == "school" else None
    worker_id = target.id if scope == "worker" else None
    stats = term_statistics(user, term_name, as_of, school_id=school_id, worker_id=worker_id)
    pyramid = pyramid_for(
        user,
        term_name,
        school_id=school_id,
        worker_id=worker_id,
        school_ids=[r["id"] for r in stats.schools],
        day=as_of,
    )
    service = service_counts(user, term_name, school_id=school_id, worker_id=worker_id)
    programs = programs_in_view(user, term_name, school_id, worker_id).select(Program.id)
    name = target.name if scope == "school" else target.display_name
    year = term_name[:4] if term_name[:4].isdigit() else str(as_of.year)
    # a worker's name stays out of the title (the file's properties and name): the body
    # names her; her report's code carries her number instead
    code = (
        f"{target.code}-ZJ-{year}"
        if scope == "school"
        else f"{agency.code}-ZJ-{year}-{target.id:04d}"
    )
    return {
        "kind": "work_report",
        "doc_title": "学期工作总结",
        "title": f"{name} {term_name}" if scope == "school" else term_name,
        "school": target.name if scope == "school" else agency.name,
        "agency": agency.name,
        "archive_code": code,
        "term": term_name,
        "workers": [target.display_name] if scope == "worker" else [],
        "generated_on": chinese_day(local_today()),
        "scope": SCOPES[scope],
        "scope_name": name,
        "as_of": chinese_day(as_of),
        "totals": {k: _figure(k, stats.totals[k]) for k in KEYS + ADULT_KEYS},
        "pyramid": {k: _figure(k, pyramid.totals[k]) for k in PYRAMID_KEYS},
        "service": {k: _figure(k, service[k]) for k in SERVICE_KEYS},
        "highlights": _highlights(programs),
        "safeguarding": str(
            _safeguarding(
                user,
                programs,
                case_scope(user, school_id, worker_id),
                term_window(user, term_name),
            )
        ),
    }


def work_report_document(user, term_name, scope, target) -> dict:
    """The context of one download, with its audit row."""
    ctx = work_report_context(user, term_name, scope, target)
    record(user, "export", "work_report", target.id, f"{scope} {term_name}")
    return ctx
