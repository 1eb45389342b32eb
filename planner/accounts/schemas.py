"""Form schemas for login and user administration."""

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from planner.forms import STALE_FORM, Checkbox, Choice, FormSchema, IdList, Text, VersionField
from planner.i18n import lazy_gettext as _l
from planner.roles import LABELS, TEACHER, WORKER

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

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


CODE_FORMAT = _l("请输入 6 位数字验证码，或 12 位恢复码（如 abcd-efgh-jkmn）。")
TOTP_FORMAT = _l("请输入验证器上显示的 6 位数字。")


def _compact(value: str) -> str:
    """A code as typed, without the spaces and hyphens people put in it."""
    return "".join(ch for ch in value if ch not in " -\u3000").lower()


def _totp(value: str) -> str:
    code = _compact(value)
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise ValidationError(TOTP_FORMAT)
    return code


class SecondStepSchema(FormSchema):
    """The login's second step: a TOTP code or a recovery code, told apart by their shape."""

    code = Text(40, required=True)

    @post_load
    def kind_of_code(self, data, **kwargs):
        code = _compact(data["code"])
        if len(code) == 6 and code.isascii() and code.isdigit():
            return {"kind": "totp", "code": code}
        if len(code) == 12 and all(ch in RECOVERY_ALPHABET for ch in code):
            return {"kind": "recovery", "code": code}
        raise ValidationError(CODE_FORMAT, "code")


class TotpCodeSchema(FormSchema):
    """A current code from the authenticator (recovery codes, regeneration)."""

    code = Text(40, required=True)

    @post_load
    def digits(self, data, **kwargs):
        try:
            return {"code": _totp(data["code"])}
        except ValidationError as err:
            raise ValidationError(err.messages, "code") from err


class EnrolSchema(TotpCodeSchema):
    """Enrolment: the signed secret the page was drawn with, and a code from it."""

    token = fields.String(
        required=True,
        validate=validate.Length(max=1000, error=STALE_FORM),
        error_messages={"required": STALE_FORM, "null": STALE_FORM, "invalid": STALE_FORM},
    )

    @post_load
    def digits(self, data, **kwargs):
        return dict(super().digits(data), token=data["token"])


class DisableSchema(FormSchema):
    """Turning the second factor off: a current code or the password."""

    code = Text(40)
    password = Text(200)

    @post_load
    def one_of(self, data, **kwargs):
        if not data.get("code") and not data.get("password"):
            raise ValidationError(_l("请输入当前验证码或登录密码。"), "code")
        if data.get("code"):
            try:
                data["code"] = _totp(data["code"])
            except ValidationError as err:
                raise ValidationError(err.messages, "code") from err
        return data
