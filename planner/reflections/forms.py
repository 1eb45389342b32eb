"""The reflection form: which questions a session asks, one schema that loads the posted
form, and the values a template draws (from a saved reflection or from the posted form).

Field names: observed_stage; prompts_stage (the stage whose prompts the answers belong
to, so a stage switch racing an autosave never files an answer under the wrong prompt);
answer_<i>; d_<detail>; skills, skills_other; fu_flag_<student>, fu_safe_<student>,
fu_note_<student> for group members; lesson_flag, lesson_safe, lesson_note for a lesson.
"""

import re

from marshmallow import ValidationError, fields, validate

from planner.curricula.stages import default_model, meeting_stages, stage_prompts
from planner.forms import MESSAGES, Checkbox, Choice, FormSchema, Text, VersionField, flatten_errors
from planner.i18n import gettext as _
from planner.i18n import lazy_gettext as _l

LIMIT = 2000  # characters per answer: a page of writing; the counter shows it
SKILLS = {
    "评估": _l("评估"),
    "活动设计": _l("活动设计"),
    "角色转换": _l("角色转换"),
    "沟通互动": _l("沟通互动"),
    "鼓励支持": _l("鼓励支持"),
    "冲突处理": _l("冲突处理"),
    "其他": _l("其他"),
}
DETAILS = {
    "planned_vs_actual": _l("计划与实际：原定的内容和实际进行的情况有哪些不同？为什么？"),
    "dynamics": _l("组员角色与小组动力：谁在带动、谁在旁观？组员之间如何互动？"),
    "incident": _l("关键事件：本次最值得记下的一件事是什么？"),
    "redo": _l("如果重来：哪一处我会换一种做法？具体怎么做？"),
    "adjust": _l("下次活动的调整"),
}
LESSON_FLAG_NOTE = _l("需要跟进的情况（请勿写学生姓名，写明班级和情况即可）")
FU_KEY = re.compile(r"^fu_(?:flag|safe|note)_(\d+)$")


def questions(kind: str, stage: str | None) -> list[str]:
    """A group meeting asks the prompts of the observed stage; a lesson the lesson prompts."""
    if kind == "group":
        return stage_prompts(stage) if stage in meeting_stages() else []
    return list(default_model()["lesson_prompts"])


def default_stage(planned: str | None) -> str:
    """The plan's stage when it is a meeting stage, else the first meeting stage."""
    stages = meeting_stages()
    return planned if planned in stages else stages[0]


class LongText(fields.String):
    """Free text up to LIMIT characters. Browsers send CRLF; it counts as one newline, as
    the counter on the page counts it."""

    def __init__(self, **kw):
        super().__init__(load_default="", error_messages=MESSAGES, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).replace("\r\n", "\n").strip()
        if len(text) > LIMIT:
            raise ValidationError(
                _(
                    "最多 %(limit)s 字，目前 %(n)s 字，请删减 %(over)s 字。",
                    limit=LIMIT,
                    n=len(text),
                    over=len(text) - LIMIT,
                )
            )
        return text


def _schema(kind, n_prompts, editable_ids):
    spec = {"version": VersionField(), "prompts_stage": fields.String(load_default="")}
    spec.update({f"answer_{i}": LongText() for i in range(n_prompts)})
    if kind == "group":
        spec["observed_stage"] = fields.String(
            required=True,
            error_messages=MESSAGES,
            validate=validate.OneOf(meeting_stages(), error=_l("请选择有效的小组阶段。")),
        )
        spec.update({f"d_{key}": LongText() for key in DETAILS})
        spec["skills"] = fields.List(
            fields.String(validate=validate.OneOf(list(SKILLS), error=_l("请选择有效的选项。"))),
            load_default=list,
        )
        spec["skills_other"] = Text(100, load_default="")
        for sid in editable_ids:
            spec[f"fu_flag_{sid}"] = Checkbox()
            spec[f"fu_safe_{sid}"] = Checkbox()
            spec[f"fu_note_{sid}"] = LongText()
    else:
        spec.update(lesson_flag=Checkbox(), lesson_safe=Checkbox(), lesson_note=LongText())
    return FormSchema.from_dict(spec, name="ReflectionForm")()


def load(form, kind: str, editable_ids: set) -> tuple[dict | None, dict]:
    """(data for services.save, errors) from the posted form. editable_ids: the members
    with active observation consent; a follow-up about anybody else is refused."""
    stage = form.get("prompts_stage", "").strip()
    if kind == "group" and stage not in meeting_stages():
        return None, {"observed_stage": _("请选择有效的小组阶段。")}
    prompts = questions(kind, stage)
    errors = {}
    stray = {int(m.group(1)) for key in form if (m := FU_KEY.match(key))} - set(editable_ids)
    if stray:
        errors["follow_ups"] = _("只能为有观察记录同意的本组组员记录跟进；本次未保存。")
    try:
        loaded = _schema(kind, len(prompts), editable_ids).load(form)
    except ValidationError as err:
        errors.update(flatten_errors(err.messages))
    if errors:
        return None, errors
    return _data(loaded, kind, prompts, editable_ids), {}


def _data(loaded, kind, prompts, editable_ids):
    data = {
        "version": loaded["version"],
        "prompts": prompts,
        "answers": {p: loaded[f"answer_{i}"] for i, p in enumerate(prompts)},
        "observed_stage": loaded.get("observed_stage"),
        "details": {},
        "follow_ups": {},
        "editable_ids": set(editable_ids),
    }
    if kind == "group":
        data["details"] = {key: loaded[f"d_{key}"] for key in DETAILS}
        data["details"].update(
            skills=[s for s in SKILLS if s in loaded["skills"]], skills_other=loaded["skills_other"]
        )
        for sid in editable_ids:
            # a note alone flags the member too: a written concern is never dropped
            if loaded[f"fu_flag_{sid}"] or loaded[f"fu_safe_{sid}"] or loaded[f"fu_note_{sid}"]:
                data["follow_ups"][sid] = {
                    "note": loaded[f"fu_note_{sid}"],
                    "safeguarding": loaded[f"fu_safe_{sid}"],
                }
    elif loaded["lesson_flag"] or loaded["lesson_safe"] or loaded["lesson_note"]:
        data["follow_ups"][None] = {
            "note": loaded["lesson_note"],
            "safeguarding": loaded["lesson_safe"],
        }
    return data


def submit_problems(data: dict, kind: str, prompts_stage: str) -> dict:
    """What stops a complete draft from going to the supervisor."""
    errors = {}
    if kind == "group" and data["observed_stage"] != prompts_stage:
        errors["observed_stage"] = _("阶段刚刚切换，提示还在更新，请稍候再提交。")
    if not any(data["answers"].values()):
        errors["answer_0"] = _("请至少回答一个反思提示后再提交督导。")
    for sid, item in data["follow_ups"].items():
        if item["safeguarding"] and not item["note"]:
            key = "lesson_note" if sid is None else f"fu_note_{sid}"
            errors[key] = _("标记为安全关注时，请写明情况，督导才能跟进。")
    return errors


def error_fields(kind: str, n_prompts: int, editable_ids) -> list[str]:
    """Every field that has an inline error slot (an autosave refreshes them all)."""
    names = [f"answer_{i}" for i in range(n_prompts)]
    if kind == "group":
        names += [
            "observed_stage",
            "skills",
            "skills_other",
            *(f"d_{k}" for k in DETAILS),
            *(f"fu_note_{sid}" for sid in editable_ids),
        ]
    else:
        names.append("lesson_note")
    return names


def initial_values(reflection, kind, prompts, stage) -> dict:
    """Form values from a saved reflection (or empty ones for a new reflection)."""
    answers = reflection.answers if reflection else {}
    details = reflection.details if reflection else {}
    values = {
        "observed_stage": stage,
        "skills": details.get("skills", []),
        "skills_other": details.get("skills_other", ""),
    }
    values.update({f"answer_{i}": answers.get(p, "") for i, p in enumerate(prompts)})
    values.update({f"d_{key}": details.get(key, "") for key in DETAILS})
    for item in reflection.items if reflection else []:  # loaded by services.reflection_of
        prefix = "lesson_" if item.student_id is None else "fu_"
        suffix = "" if item.student_id is None else f"_{item.student_id}"
        values.update(
            {
                f"{prefix}flag{suffix}": True,
                f"{prefix}safe{suffix}": item.safeguarding,
                f"{prefix}note{suffix}": item.note,
            }
        )
    return values


def posted_values(form) -> dict:
    """Form values exactly as posted (to re-render a refused form without losing a word)."""
    values = {key: form.get(key) for key in form}
    values["skills"] = form.getlist("skills")
    return values


class ReviewForm(FormSchema):
    """The supervisor's comment, and 签阅 (sign off) or 退回修改 (return)."""

    action = Choice(("sign_off", "return"), required=True)
    comment = Text(LIMIT, load_default="")
    version = VersionField()
