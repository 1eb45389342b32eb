"""Form schemas for login and user administration."""

from marshmallow import ValidationError, fields, validate, validates_schema

from planner.forms import Checkbox, Choice, FormSchema, IdList, Text, VersionField
from planner.i18n import lazy_gettext as _l
from planner.roles import LABELS, TEACHER, WORKER

USERNAME = validate.Regexp(
    r"^[a-z0-9_.-]{3,40}$", error=_l("用户名为 3–40 位小写字母、数字、点、下划线或连字符。")
)


class LoginSchema(FormSchema):
    username = Text(40, required=True)
    password = Text(200, required=True)


class UserSchema(FormSchema):
    username = Text(40, required=True, validate_also=[USERNAME])
    display_name = Text(40, required=True)
    role = Choice(LABELS, required=True)
    password = Text(
        200, required=True, validate_also=[validate.Length(min=10, error=_l("密码至少 {min} 位。"))]
    )
    school_ids = IdList()
    worker_ids = IdList()
    class_ids = IdList()

    @validates_schema(skip_on_field_errors=False)
    def links_match_role(self, data, **kwargs):
        role = data.get("role")
        if role == WORKER and not data.get("school_ids"):
            raise ValidationError(_l("请为社工选择至少一所学校。"), "school_ids")
        if role == TEACHER and not data.get("class_ids"):
            raise ValidationError(_l("请为教师选择至少一个班级。"), "class_ids")


class UserEditSchema(UserSchema):
    username = fields.String(load_default=None)  # not editable; ignored
    password = Text(200, validate_also=[validate.Length(min=10, error=_l("密码至少 {min} 位。"))])
    active = Checkbox()
    version = VersionField()
