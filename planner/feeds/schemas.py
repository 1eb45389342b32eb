"""The subscription form: which calendar (audience:id) and an optional label."""

from marshmallow import post_load, validate

from planner.forms import Checkbox, FormSchema, Text
from planner.i18n import lazy_gettext as _l

TARGET = validate.Regexp(r"^(worker|class|school):\d{1,12}$", error=_l("请选择有效的选项。"))


class FeedTokenSchema(FormSchema):
    target = Text(30, required=True, validate_also=[TARGET])
    label = Text(60, load_default="")
    days = Checkbox()

    @post_load
    def split_target(self, data, **kwargs):
        audience, _, target_id = data.pop("target").partition(":")
        return dict(data, audience=audience, target_id=int(target_id))
