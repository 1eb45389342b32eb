"""Stage models (小组阶段) are data in content/stages/; the default is MZ/T 095's five."""

import os
from functools import lru_cache

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from planner.config import ROOT

STAGES_DIR = os.path.join(ROOT, "content", "stages")


class StageSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+$"))
    name = fields.String(required=True)
    description = fields.String(load_default="")
    maps_to = fields.String(load_default=None)
    member_behaviours = fields.List(fields.String(), required=True)
    worker_tasks = fields.List(fields.String(), required=True)
    prompts = fields.List(fields.String(), required=True, validate=validate.Length(4, 6))


class StageModelSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    slug = fields.String(required=True)
    name = fields.String(required=True)
    default = fields.Boolean(load_default=False)
    stages = fields.List(fields.Nested(StageSchema), required=True, validate=validate.Length(min=2))
    lesson_prompts = fields.List(fields.String(), load_default=list)


def load_models(directory: str = STAGES_DIR) -> dict:
    """slug → validated stage model, for every file in the directory."""
    models = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml"):
            with open(os.path.join(directory, name), encoding="utf-8") as fh:
                try:
                    model = StageModelSchema().load(yaml.safe_load(fh))
                except ValidationError as err:
                    raise ValueError(f"{name}: {err.messages}") from err
            models[model["slug"]] = model
    return models


@lru_cache(maxsize=4)
def default_model(directory: str = STAGES_DIR) -> dict:
    """The stage model marked default: true (MZ/T 095)."""
    models = load_models(directory)
    defaults = [m for m in models.values() if m["default"]]
    if len(defaults) != 1:
        raise ValueError("exactly one stage model must be marked default: true")
    return defaults[0]


def meeting_stages() -> list[str]:
    """Stage names a meeting can be planned in, in order (the default model minus 筹备期,
    which happens before the first meeting)."""
    return [s["name"] for s in default_model()["stages"]][1:]


def stage_prompts(name: str) -> list[str]:
    """Reflection prompts for an observed stage, resolving a replacement model via maps_to."""
    for stage in default_model()["stages"]:
        if stage["name"] == name:
            return stage["prompts"]
    return []
