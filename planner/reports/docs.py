"""The 学期工作统计 document's context: the agency with a row per school, a school with a row
per worker, or a worker with a row per school."""

from planner.audit.models import record
from planner.evaluation.compute import fmt_pct
from planner.i18n import chinese_day, local_today
from planner.reports.pyramid import KEYS as PYRAMID_KEYS
from planner.reports.pyramid import pyramid_for
from planner.reports.stats import ADULT_KEYS, KEYS, term_statistics
from planner.schools.models import Agency

SCOPES = {"agency": "机构", "school": "学校", "worker": "社工"}


def _row(values: dict) -> dict:
    """The students' figures, and the parents' and teachers' sessions and 人次 (issue 15)."""
    return {
        k: (fmt_pct(values[k]) if k in ("attendance_rate", "coverage") else str(values[k]))
        for k in KEYS + ADULT_KEYS
    }


def _pyramid_row(values: dict) -> dict:
    return {
        k: fmt_pct(values[k]) if k == "share_screened" else str(values[k]) for k in PYRAMID_KEYS
    }


def stats_context(user, term_name, scope, target=None, as_of=None) -> dict:
    """scope: agency (target None), school (target a School) or worker (target a User)."""
    as_of = as_of or local_today()
    agency = Agency.get_by_id(user.agency_id)
    stats = term_statistics(
        user,
        term_name,
        as_of,
        school_id=target.id if scope == "school" else None,
        worker_id=target.id if scope == "worker" else None,
    )
    rows, rows_label = (stats.workers, "社工") if scope == "school" else (stats.schools, "学校")
    name = (
        agency.name
        if scope == "agency"
        else (target.name if scope == "school" else target.display_name)
    )
    pyramid = pyramid_for(
        user,
        term_name,
        school_id=target.id if scope == "school" else None,
        worker_id=target.id if scope == "worker" else None,
        school_ids=[r["id"] for r in stats.schools],
        day=as_of,
    )
    year = term_name[:4] if term_name[:4].isdigit() else str(as_of.year)
    code = f"{target.code if scope == 'school' else agency.code}-TJ-{year}"
    return {
        "kind": "term_stats",
        "doc_title": "学期工作统计",
        "title": f"{name} {term_name}",
        "school": target.name if scope == "school" else agency.name,
        "agency": agency.name,
        "archive_code": code,
        "term": term_name,
        "workers": [target.display_name] if scope == "worker" else [],
        "generated_on": chinese_day(local_today()),
        "scope": SCOPES[scope],
        "scope_name": name,
        "as_of": chinese_day(as_of),
        "totals": _row(stats.totals),
        "rows_label": rows_label,
        "rows": [dict(_row(r), name=r["name"]) for r in rows],
        "pyramid": {
            "totals": _pyramid_row(pyramid.totals),
            "rows": [
                dict(_pyramid_row(pyramid.schools[r["id"]]), name=r["name"])
                for r in stats.schools
                if scope == "agency"
            ],
        },
    }


def stats_document(user, term_name, scope, target=None) -> dict:
    """The context of one statistics download, with its audit row."""
    ctx = stats_context(user, term_name, scope, target)
    detail = f"{scope} {term_name}"
    record(user, "export", "term_stats", target.id if target else None, detail)
    return ctx
