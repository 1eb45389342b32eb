"""An agency's own screening instrument, pasted by an admin in the instrument file format
(content/FORMAT.md): the same InstrumentSchema the shipped files load through, so its
scoring rule is checked the same way. The text is parsed without aliases (no billion
laughs) and within a size limit, and nothing is saved unless all of it is right."""

import yaml
from marshmallow import ValidationError

from planner.curricula.schemas import flatten
from planner.errors import PlannerError
from planner.evaluation.schemas import InstrumentSchema
from planner.evaluation.services import create_instrument
from planner.i18n import lazy_gettext as _l

MAX_CHARS = 20000
MAX_EVENTS = 5000


def _parse(text: str) -> dict:
    try:
        events = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            events += 1
            if isinstance(event, yaml.AliasEvent) or events > MAX_EVENTS:
                raise PlannerError(_l("工具文件不能使用锚点和别名（& 和 *），也不能过长。"), "text")
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise PlannerError(_l("第 %(n)s 行附近的格式有误，无法读取。", n=line), "text") from err
    if not isinstance(data, dict):
        raise PlannerError(_l("请粘贴一个完整的筛查工具文件（以 slug: 开头）。"), "text")
    return data


def add(user, text: str):
    """The admin's agency gets the instrument, or PlannerError naming what is wrong."""
    if len(text) > MAX_CHARS:
        raise PlannerError(_l("最多 %(n)s 个字。", n=MAX_CHARS), "text")
    data = _parse(text)
    if data.get("kind") != "screening":
        raise PlannerError(_l("这里只能添加筛查工具：kind 须为 screening。"), "text")
    data.pop("template", None)
    try:
        loaded = InstrumentSchema().load(data)
    except ValidationError as err:
        problems = "；".join(
            f"{'.'.join(str(p) for p in path) or '—'}: {message}"
            for path, message in flatten(err.messages)[:5]
        )
        raise PlannerError(_l("工具文件有误：%(problems)s", problems=problems), "text") from err
    return create_instrument(user.agency_id, loaded)
