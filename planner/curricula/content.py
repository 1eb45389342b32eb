"""content/curricula/*.yaml and content/materials/*.yaml ⇄ database: check (with file and
line), import, export."""

import os
from dataclasses import dataclass

import yaml
from marshmallow import ValidationError

from planner.curricula.schemas import CurriculumSchema, MaterialSchema, flatten

MAX_FILE_BYTES = 1024 * 1024
# libyaml's loader where PyYAML was built with it (the wheels are): the library's files are
# read at every import, check and test, and the pure-Python loader took most of that time
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        raw = yaml.load(text, Loader=SAFE_LOADER)
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
        tree = yaml.compose(text, Loader=SAFE_LOADER)  # the node tree, for the lines
        return None, [
            Problem(name, _line_of(tree, p), _field_name(p), m) for p, m in flatten(err.messages)
        ]
    expected = f"{data['slug']}.yaml"
    if name not in (expected, f"{data['slug']}.v{data.get('version')}.yaml"):
        tree = yaml.compose(text, Loader=SAFE_LOADER)
        return None, [
            Problem(name, _line_of(tree, ("slug",)), "slug", f"file name should be {expected}")
        ]
    return data, []


def load_file(path: str):
    """(validated data or None, [Problem]) for one curriculum file."""
    return load_yaml(path, CurriculumSchema())


def load_library(directory: str, loader=load_file):
    """([data], [Problem]) for every *.yaml under directory; duplicates are problems."""
    items, problems, seen = [], [], {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml"):
            continue
        data, found = loader(os.path.join(directory, name))
        problems.extend(found)
        if data:
            key = (data["slug"], data.get("version"))
            if key in seen:
                problems.append(
                    Problem(name, None, "slug", f"slug and version also used by {seen[key]}")
                )
            seen[key] = name
            items.append(data)
    return items, problems


def load_material(path: str):
    """(validated data or None, [Problem]) for one content/materials file."""
    return load_yaml(path, MaterialSchema(), "material")


def load_materials(directory: str):
    """([material data], [Problem]) for content/materials (none when the folder is absent)."""
    if not os.path.isdir(directory):
        return [], []
    return load_library(directory, load_material)


def instrument_slugs(directory: str) -> set[str]:
    """The slugs of the instrument files in content/instruments (for link checks only; the
    instruments themselves are validated and loaded by `flask planner instruments`)."""
    if not os.path.isdir(directory):
        return set()
    slugs = set()
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml"):
            with open(os.path.join(directory, name), encoding="utf-8") as fh:
                try:
                    data = yaml.load(fh, Loader=SAFE_LOADER)
                except yaml.YAMLError:
                    continue
            if isinstance(data, dict) and isinstance(data.get("slug"), str):
                slugs.add(data["slug"])
    return slugs


@dataclass
class Library:
    """Everything `content check` and `content import` read from content/."""

    curricula: list
    materials: list
    instruments: set
    problems: list


def load_content(curricula_dir: str, materials_dir=None, instruments_dir=None, quality=True):
    """The whole library: curricula, materials, instrument slugs, and every problem,
    including the library-wide quality rules (links, repeats) from planner.curricula.rules."""
    from planner.curricula.rules import check_library

    root = os.path.dirname(os.path.abspath(curricula_dir))
    materials_dir = materials_dir or os.path.join(root, "materials")
    instruments_dir = instruments_dir or os.path.join(root, "instruments")
    curricula, problems = load_library(curricula_dir)
    materials, found = load_materials(materials_dir)
    problems += found
    instruments = instrument_slugs(instruments_dir)
    trees: dict = {}
    for data, path, message in check_library(
        curricula, {m["slug"] for m in materials}, instruments, quality
    ):
        name = _file_of(curricula_dir, data)
        if name not in trees:
            with open(os.path.join(curricula_dir, name), encoding="utf-8") as fh:
                trees[name] = yaml.compose(fh.read(), Loader=SAFE_LOADER)
        problems.append(Problem(name, _line_of(trees[name], path), _field_name(path), str(message)))
    return Library(curricula, materials, instruments, problems)


def _file_of(directory: str, data: dict) -> str:
    name = f"{data['slug']}.yaml"
    versioned = f"{data['slug']}.v{data['version']}.yaml"
    if os.path.exists(os.path.join(directory, versioned)):
        return versioned
    return name


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
