"""content/curricula/*.yaml ⇄ database: check (with file and line), import, export."""

import os
from dataclasses import dataclass

import yaml
from marshmallow import ValidationError

from planner.curricula.schemas import CurriculumSchema, flatten

MAX_FILE_BYTES = 1024 * 1024


@dataclass
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


def _line_of(node, path) -> int | None:
    """The 1-based line of a path in a composed YAML node tree (best effort)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                return line
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _field_name(path) -> str:
    return ".".join(str(p) for p in path) or "(file)"


def load_yaml(path: str, schema, what: str = "curriculum"):
    """(validated data or None, [Problem]) for one YAML file loaded by a marshmallow schema;
    problems name the file, the line and the field. Instruments use it too."""
    name = os.path.basename(path)
    if os.path.getsize(path) > MAX_FILE_BYTES:
        return None, [Problem(name, None, "(file)", "file is larger than 1 MB")]
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        raw = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return None, [
            Problem(
                name,
                mark.line + 1 if mark else None,
                "(file)",
                f"YAML syntax error: {getattr(err, 'problem', err)}",
            )
        ]
    if not isinstance(raw, dict):
        return None, [Problem(name, 1, "(file)", f"expected a mapping of {what} fields")]
    try:
        data = schema.load(raw)
    except ValidationError as err:
        return None, [
            Problem(name, _line_of(tree, p), _field_name(p), m) for p, m in flatten(err.messages)
        ]
    expected = f"{data['slug']}.yaml"
    if name not in (expected, f"{data['slug']}.v{data.get('version')}.yaml"):
        return None, [
            Problem(name, _line_of(tree, ("slug",)), "slug", f"file name should be {expected}")
        ]
    return data, []


def load_file(path: str):
    """(validated data or None, [Problem]) for one curriculum file."""
    return load_yaml(path, CurriculumSchema())


def load_library(directory: str):
    """([data], [Problem]) for every *.yaml under directory; duplicates are problems."""
    items, problems, seen = [], [], {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml"):
            continue
        data, found = load_file(os.path.join(directory, name))
        problems.extend(found)
        if data:
            key = (data["slug"], data["version"])
            if key in seen:
                problems.append(
                    Problem(name, None, "slug", f"slug and version also used by {seen[key]}")
                )
            seen[key] = name
            items.append(data)
    return items, problems


class _Dumper(yaml.SafeDumper):
    """Readable, diff-friendly YAML: block style, multi-line text as literal blocks."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # indent list items under their key


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper, value):
    flow = bool(value) and all(isinstance(v, int) for v in value)  # grades: [7, 8]
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dump(data: dict) -> str:
    """The canonical text of a curriculum file (stable bytes for the same data)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )
