"""Form schemas for students, consent, the archive-code pattern, imports and group rosters."""

from marshmallow import ValidationError, validate, validates

from planner.forms import (
    DB_INT_MAX,
    STALE_FORM,
    Choice,
    Date,
    FormSchema,
    Integer,
    Text,
    VersionField,
    clean_text,
)
from planner.i18n import lazy_gettext as _l
from planner.i18n import local_now
from planner.students.models import GIVERS, METHODS, PURPOSES
from planner.students.roster import FIELD_KEYS, MAX_COLUMNS

GENDERS = {"男": _l("男"), "女": _l("女")}
PHONE = validate.Regexp(r"^[0-9+\-() ]{3,20}$", error=_l("请输入有效的电话号码。"))
NOT_FUTURE = _l("日期不能晚于今天。")


def _not_future(value):
    """Not after today in Beijing, where the dates on the forms are written."""
    if value is not None and value > local_now().date():
        raise ValidationError(NOT_FUTURE)


class StudentSchema(FormSchema):
    """Only what a purpose needs: no address, ID number, health or family details."""

    name = Text(40, required=True)
    gender = Choice(GENDERS, load_default="")
    student_no = Text(30, required=True)
    birth_date = Date(load_default=None)
    school_class = Integer(required=True)
    # Optional fields load a blank as empty, so an edit can clear them.
    guardian_name = Text(40, load_default="")
    guardian_phone = Text(20, load_default="", validate_also=[PHONE])

    @validates("birth_date")
    def birth_in_range(self, value, **kwargs):
        _not_future(value)
        if value is not None and value.year < 1990:
            raise ValidationError(_l("请检查出生日期。"))


class EditStudentSchema(StudentSchema):
    version = VersionField()


class ConsentSchema(FormSchema):
    purpose = Choice(PURPOSES, required=True)
    given_by = Choice(GIVERS, required=True)
    giver_name = Text(40, required=True)
    notice_version = Text(20, required=True)
    given_on = Date(required=True)
    method = Choice(METHODS, required=True)

    @validates("given_on")
    def not_in_future(self, value, **kwargs):
        _not_future(value)


class PatternSchema(FormSchema):
    pattern = Text(80, required=True)


# upload id plus col_<field> = the column index chosen for it (blank: not in the file)
MappingSchema = FormSchema.from_dict(
    {
        "upload": Text(64, required=True),
        **{f"col_{key}": Integer(0, MAX_COLUMNS - 1, load_default=None) for key in FIELD_KEYS},
    },
    name="MappingSchema",
)


class RosterSchema(FormSchema):
    recruitment_notes = Text(4000, load_default="")
    contract_signed_on = Date(load_default=None)
    version = VersionField()

    @validates("contract_signed_on")
    def not_in_future(self, value, **kwargs):
        _not_future(value)


class MemberSchema(FormSchema):
    student = Integer(required=True)
    screening_note = Text(500, load_default="")


class RecruitSchema(FormSchema):
    """Adding a screening candidate: which result, and the worker's own note."""

    result_id = Integer(required=True)
    screening_note = Text(500, load_default="")


ROSTER_ROWS = 8  # blank code rows drawn; a form may send up to MAX_ROSTER_ROWS
MAX_ROSTER_ROWS = 60


def _ids(values) -> list | None:
    """Ticked ids: whole numbers an id column can hold, each once; None if one is not."""
    out = []
    for value in values:
        text = clean_text(value)
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= DB_INT_MAX:
            return None
        if int(text) not in out:
            out.append(int(text))
    return out


def roster_grid(form) -> tuple[dict, dict]:
    """The roster grid: code_<i> / note_<i> rows (a blank code is no row), the ticked
    add (student ids) and remove (member ids), and the stamp. (data, errors keyed by the
    cell: code_<i>, note_<i>, or "grid" for a form this page didn't draw)."""
    rows, errors = [], {}
    keys = sorted({int(k[5:]) for k in form.keys() if k.startswith("code_") and k[5:].isdigit()})
    add, remove = _ids(form.getlist("add")), _ids(form.getlist("remove"))
    stamp = clean_text(form.get("stamp", ""))
    if len(keys) > MAX_ROSTER_ROWS or add is None or remove is None or not stamp:
        return {}, {"grid": str(STALE_FORM)}
    for i in keys:
        code = clean_text(form.get(f"code_{i}", ""))
        note = clean_text(form.get(f"note_{i}", ""))
        if not code:
            if note:
                errors[f"code_{i}"] = str(_l("请填写档案编码，或清空这一行的筛选记录。"))
            continue
        if len(code) > 40:
            errors[f"code_{i}"] = str(_l("档案编码最多 %(n)s 个字符。", n=40))
        if len(note) > 500:
            errors[f"note_{i}"] = str(_l("最多 %(n)s 个字。", n=500))
        rows.append((f"code_{i}", code, note))
    if not errors and not rows and not add and not remove:
        errors["grid"] = str(_l("没有要保存的改动：请填写档案编码、勾选学生或勾选要移出的组员。"))
    return {"rows": rows, "add": add, "remove": remove, "stamp": stamp}, errors
