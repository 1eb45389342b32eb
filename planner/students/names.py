"""Student names kept out of the free text that teachers and calendar feeds see.

Program titles, group names, curriculum session titles and a cancelled session's reason
are shown to teachers, in iCal feeds and in teachers' exports; PRIVACY §3 says no student
name may appear there (standard 4.5, confidentiality). Each such text is checked against
the names of the students it could reveal, and a match is refused with a message that
names the field, never the student."""

from planner.errors import PlannerError
from planner.i18n import lazy_gettext as _l
from planner.schools.models import School
from planner.students.models import Student


def name_in_text(label):
    """The refusal: which field, and why; never the name that matched."""
    return _l(
        "“%(field)s”中含有本校学生的姓名。教师和日历订阅都能看到这里，请删去姓名（需要时用档案编码）。",
        field=label,
    )


# A one-character "name" would match almost any text; real names have two or more.
MIN_LENGTH = 2


def _names(school_ids=None, agency_id=None) -> set:
    """The names of the students of these schools (or of every school of an agency)."""
    query = Student.select(Student.name).where(Student.anonymised_at.is_null()).distinct()
    if school_ids is not None:
        query = query.where(Student.school.in_(list(school_ids)))
    else:
        query = query.where(
            Student.school.in_(School.select(School.id).where(School.agency == agency_id))
        )
    return {row.name.strip() for row in query if len(row.name.strip()) >= MIN_LENGTH}


def name_errors(texts: dict, labels: dict, school_ids=None, agency_id=None) -> dict:
    """{field: message} for each text that contains a name of a student of these schools
    (or of the agency's schools). One query, whatever the number of fields."""
    filled = {k: v for k, v in texts.items() if v and v.strip()}
    if not filled:
        return {}
    names = _names(school_ids, agency_id)
    return {
        key: name_in_text(labels[key])
        for key, text in filled.items()
        if any(name in text for name in names)
    }


def check_no_names(texts: dict, labels: dict, school_ids=None, agency_id=None) -> None:
    """Refuse (PlannerError, every offending field at once) when a text names a student."""
    errors = name_errors(texts, labels, school_ids, agency_id)
    if errors:
        field = next(iter(errors))
        raise PlannerError(errors[field], field, errors=errors)
