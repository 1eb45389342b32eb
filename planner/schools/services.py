"""Organisation operations. The acting user is passed in; nothing reads the request."""

from peewee import IntegrityError

from planner.audit.models import record
from planner.db import save_versioned, write_tx
from planner.errors import PlannerError
from planner.i18n import format_day
from planner.i18n import lazy_gettext as _l
from planner.reflections.safeguarding import lead_candidates
from planner.schools import years
from planner.schools.models import Agency, School, SchoolClass, Term
from planner.schools.schemas import NOT_A_LEAD

GRADES_BY_STAGE = {
    "primary": range(1, 7),
    "junior": range(7, 10),
    "senior": range(10, 13),
    "nine_year": range(1, 10),
    "complete": range(7, 13),
}


def check_grade(school: School, grade: int) -> None:
    """A class's grade must exist in its school's stage (no 初二 in a 小学)."""
    if grade not in GRADES_BY_STAGE.get(school.stage, range(1, 13)):
        raise PlannerError(_l("该年级不属于本校学段。"), "grade")


def check_term_overlap(school_id: int, start, end, term_id=None) -> None:
    """Terms of one school may not overlap: a day belongs to one term, and the planning
    form's default term is the one that holds today. Call inside the write transaction."""
    clash = (
        Term.select()
        .where(
            (Term.school == school_id)
            & ~Term.archived
            & (Term.start <= end)
            & (Term.end >= start)
            & (Term.id != (term_id or 0))
        )
        .first()
    )
    if clash:
        raise PlannerError(
            _l("与学期“{name}”（{start} 至 {end}）的日期重叠。").format(
                name=clash.name,
                start=format_day(clash.start, with_weekday=False),
                end=format_day(clash.end, with_weekday=False),
            ),
            "start",
        )


def _clean(model, school, data):
    if model is SchoolClass and "grade" in data:
        check_grade(school, data["grade"])
    return data


def create_record(model, agency: Agency, school: School | None, data: dict):
    """Create a school (under the agency) or a term/class/room (under the school)."""
    data = _clean(model, school, dict(data))
    owner = {"agency": agency.id} if model is School else {"school": school.id}
    try:
        with write_tx():
            if model is Term:
                check_term_overlap(school.id, data["start"], data["end"])
                data["school_year"] = years.year_for(school.id, data["start"]).id
            if model is SchoolClass:
                data.update(years.class_defaults(school, data["grade"]))
            return model.create(**owner, **data)
    except IntegrityError as exc:
        raise PlannerError(_l("已存在同名（或同编码）的记录。"), "name") from exc


def update_record(instance, data: dict, actor=None):
    """Save an edit if nobody else saved first; ConflictError otherwise. Turning the
    agency's compulsory second factor on or off leaves an audit row."""
    data = dict(data)
    version = data.pop("version")
    school = instance if isinstance(instance, School) else getattr(instance, "school", None)
    _clean(type(instance), school, data)
    if isinstance(instance, SchoolClass) and "grade" in data and instance.school_year_id:
        start_year = instance.school_year.start_year
        data["entry_year"] = years.entry_year_of(school.stage, data["grade"], start_year)
    second_factor = data.get("require_second_factor")
    changed = second_factor is not None and second_factor != getattr(
        instance, "require_second_factor", second_factor
    )
    try:
        with write_tx():
            if isinstance(instance, Term):
                start, end = data.get("start", instance.start), data.get("end", instance.end)
                check_term_overlap(instance.school_id, start, end, instance.id)
                data["school_year"] = years.year_for(instance.school_id, start).id
            save_versioned(instance, version, data)
            if changed:
                detail = f"agency={instance.id} required={int(second_factor)}"
                record(actor, "second_factor_setting", "agency", instance.id, detail)
    except IntegrityError as exc:
        raise PlannerError(_l("已存在同名（或同编码）的记录。"), "name") from exc
    return instance


def update_agency(user, agency: Agency, data: dict):
    """The agency form. The safeguarding lead (standard 4.1) must be an active admin or
    supervisor of this agency, checked again here against the database; a change of lead
    or hours leaves an audit row."""
    lead = data.get("safeguarding_lead")
    with write_tx():
        if lead is not None and lead not in lead_candidates(agency.id):
            raise PlannerError(NOT_A_LEAD, "safeguarding_lead")
        before = (agency.safeguarding_lead_id, agency.escalation_hours)
        update_record(agency, data, actor=user)
        if before != (lead, data["escalation_hours"]):
            record(
                user,
                "safeguarding_settings",
                "agency",
                agency.id,
                f"lead={lead or '-'} escalation_hours={data['escalation_hours']}",
            )
    return agency


def set_archived(instance, archived: bool):
    """Archive (hide from planning) or restore a record; nothing is deleted."""
    model = type(instance)
    model.update(archived=archived, version=model.version + 1).where(
        model.id == instance.id
    ).execute()
