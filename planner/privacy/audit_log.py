"""Reading the audit log: the admin's filtered page and CSV, and the annual compliance
summary that 未成年人网络保护条例 (Art. 37) asks for: accesses per role, exports, data
requests and purges. Reading the log is itself audited (it lists who read which child)."""

import csv
import datetime as dt
import io
import re

from peewee import JOIN, fn

from planner.accounts.models import User
from planner.audit.models import AuditEntry, record
from planner.db import write_tx
from planner.i18n import lazy_gettext as _l
from planner.privacy.models import DataRequest
from planner.roles import LABELS

PAGE_SIZE = 100
CSV_LIMIT = 100_000

ACTION_LABELS = {
    "view_student": _l("查看学生档案"),
    "view_student_list": _l("查看学生名单"),
    "view_roster": _l("查看小组名册"),
    "view_reflection": _l("查看反思记录"),
    "view_safeguarding": _l("查看安全事项"),
    "outside_caseload": _l("查看个案范围外的学生"),
    "consent_change": _l("知情同意变更"),
    "export": _l("导出"),
    "student_create": _l("新增学生"),
    "student_edit": _l("编辑学生"),
    "student_archive": _l("归档学生"),
    "student_restore": _l("恢复学生"),
    "roster_import": _l("导入学生名单"),
    "member_add": _l("加入小组成员"),
    "member_remove": _l("移出小组成员"),
    "user_create": _l("新建用户"),
    "user_change": _l("修改用户（角色、分配）"),
    "password_change": _l("修改密码"),
    "second_factor_enrol": _l("启用两步验证"),
    "second_factor_disable": _l("停用两步验证"),
    "second_factor_recovery_used": _l("使用恢复码登录"),
    "recovery_codes_regenerate": _l("重新生成恢复码"),
    "second_factor_reset": _l("重置两步验证"),
    "second_factor_setting": _l("修改两步验证要求"),
    "data_request": _l("登记数据请求"),
    "erase": _l("删除（匿名化）学生"),
    "data_request_reject": _l("驳回数据请求"),
    "retention_change": _l("修改保存期限"),
    "purge": _l("到期清理"),
    "audit_read": _l("查阅审计日志"),
    "escalate_safeguarding": _l("安全关注超时升级"),
    "safeguarding_settings": _l("修改安全事项设置"),
}

# What an export row's object_type names.
OBJECT_LABELS = {
    "program": _l("开展计划的文档"),
    "session": _l("单节文档"),
    "term": _l("学期文档"),
    "student": _l("学生个人信息副本"),
    "term_stats": _l("学期工作统计"),
    "work_report": _l("学期工作总结"),
}


def _in_agency(agency_id):
    """The agency's rows: its users' actions, and the system's (purges) for the agency."""
    return (User.agency == agency_id) | (
        AuditEntry.user.is_null() & (AuditEntry.detail.contains(f"agency={agency_id} "))
    )


def entries_query(agency_id: int, filters: dict):
    query = (
        AuditEntry.select(AuditEntry, User).join(User, JOIN.LEFT_OUTER).where(_in_agency(agency_id))
    )
    if filters.get("user"):
        query = query.where(AuditEntry.user == filters["user"])
    if filters.get("action"):
        query = query.where(AuditEntry.action == filters["action"])
    if filters.get("code"):
        query = query.where(AuditEntry.detail.contains(f"code={filters['code']}"))
    if filters.get("since"):
        query = query.where(AuditEntry.at >= dt.datetime.combine(filters["since"], dt.time()))
    if filters.get("until"):
        end = dt.datetime.combine(filters["until"] + dt.timedelta(days=1), dt.time())
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _read(user, what, filters):
    shown = " ".join(f"{k}={v}" for k, v in sorted(filters.items()) if v and k != "page")
    with write_tx():
        record(user, "audit_read", "audit", None, f"agency={user.agency_id} {what} {shown}")


def page(user, filters: dict) -> tuple[int, list]:
    query = entries_query(user.agency_id, filters)
    total = query.count()
    rows = list(query.paginate(filters.get("page") or 1, PAGE_SIZE))
    _read(user, "page", filters)
    return total, rows


def _cell(value) -> str:
    """A CSV cell a spreadsheet won't run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_bytes(user, filters: dict) -> bytes:
    """The filtered rows as CSV (UTF-8 with BOM, so Excel opens the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["时间(UTC)", "用户", "角色", "操作", "对象", "对象编号", "详情"])
    for entry in entries_query(user.agency_id, filters).limit(CSV_LIMIT):
        who = entry.user if entry.user_id else None
        writer.writerow(
            [
                _cell(entry.at.isoformat(sep=" ", timespec="seconds")),
                _cell(who.username if who else "system"),
                _cell(who.role if who else ""),
                _cell(entry.action),
                _cell(entry.object_type),
                _cell(entry.object_id),
                _cell(entry.detail),
            ]
        )
    _read(user, "csv", filters)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def actions_in_use(agency_id: int) -> list[str]:
    query = (
        AuditEntry.select(AuditEntry.action)
        .join(User, JOIN.LEFT_OUTER)
        .where(_in_agency(agency_id))
        .distinct()
    )
    return sorted({row.action for row in query} | set(ACTION_LABELS))


COUNT = re.compile(r"count=(\d+)")


def annual_summary(user, year: int) -> dict:
    """One year of the agency's log, for the annual compliance audit."""
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    in_year = _in_agency(user.agency_id) & (AuditEntry.at >= start) & (AuditEntry.at < end)
    reads = {}
    for role, action, n in (
        AuditEntry.select(User.role, AuditEntry.action, fn.COUNT(AuditEntry.id))
        .join(User, JOIN.LEFT_OUTER)
        .where(
            in_year
            & (AuditEntry.action.startswith("view_") | (AuditEntry.action == "outside_caseload"))
        )
        .group_by(User.role, AuditEntry.action)
        .tuples()
    ):
        reads.setdefault(role, {})[action] = n
    exports = dict(
        AuditEntry.select(AuditEntry.object_type, fn.COUNT(AuditEntry.id))
        .join(User, JOIN.LEFT_OUTER)
        .where(in_year & (AuditEntry.action == "export"))
        .group_by(AuditEntry.object_type)
        .tuples()
    )
    requests = {}
    for kind, status, n in (
        DataRequest.select(DataRequest.kind, DataRequest.status, fn.COUNT(DataRequest.id))
        .where(
            (DataRequest.agency == user.agency_id)
            & (DataRequest.asked_on >= start.date())
            & (DataRequest.asked_on < end.date())
        )
        .group_by(DataRequest.kind, DataRequest.status)
        .tuples()
    ):
        requests.setdefault(kind, {})[status] = n
    purges = {}
    for entry in (
        AuditEntry.select(AuditEntry.object_type, AuditEntry.detail)
        .join(User, JOIN.LEFT_OUTER)
        .where(in_year & (AuditEntry.action == "purge"))
    ):
        match = COUNT.search(entry.detail)
        purges[entry.object_type] = purges.get(entry.object_type, 0) + int(match[1] if match else 0)
    _read(user, f"summary year={year}", {})
    return {
        "year": year,
        "reads": {LABELS.get(role, role or "system"): acts for role, acts in reads.items()},
        "reads_total": sum(sum(a.values()) for a in reads.values()),
        "exports": exports,
        "exports_total": sum(exports.values()),
        "requests": requests,
        "purges": purges,
    }
