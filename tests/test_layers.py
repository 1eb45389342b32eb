"""The house rules of docs/ARCHITECTURE.md, read from the code's own imports: no import
cycles, and no module imports from a layer above its own. Function-level imports count
too, so a late import cannot hide a cycle."""

import ast
import functools
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planner"

# Bottom to top. A module may import from its own layer and the layers below it.
LAYERS = ("core", "models", "policy", "domain", "documents", "reports", "web", "views", "app")
CORE = {
    "planner.config",
    "planner.db",
    "planner.i18n",
    "planner.roles",
    "planner.errors",
    "planner.queue",
}
POLICY = {"planner.access", "planner.forms", "planner.tokens"}
WEB = {"planner.web", "planner.security", "planner.login_steps"}
APP = {
    "planner",
    "planner.cli",
    "planner.demo",
    "planner.demo_finished",
    "planner.demo_pyramid",
    "planner.backup",
    "planner.tasks",
}
APP_PACKAGES = ("planner.generate", "planner.migrations")
VIEW_NAMES = ("views", "blueprint", "openapi", "tokens", "dashboard")


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    """The layer a planner module belongs to, by its place and its name."""
    last = module.rsplit(".", 1)[-1]
    if module in CORE:
        return "core"
    if module in APP or module.startswith(APP_PACKAGES) or last == "cli":
        return "app"
    if module in WEB:
        return "web"
    if module in POLICY:
        return "policy"
    if last in VIEW_NAMES or last.endswith("_views") or has_routes(module):
        return "views"
    if last == "models" or module.startswith("planner.audit"):
        return "models"
    if module.startswith("planner.reports"):
        return "reports"
    if module.startswith("planner.exports"):
        return "documents"
    return "domain"


def has_routes(module: str) -> bool:
    """A module that declares a blueprint or its routes is a view module, whatever its name."""
    path = modules().get(module)
    text = path.read_text() if path else ""
    return "Blueprint(" in text or "@bp." in text


@functools.cache
def modules() -> dict[str, pathlib.Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: pathlib.Path, known: set[str]) -> set[str]:
    """The planner modules this file imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from planner.x import y`: y is either a module of its own or a name in planner.x
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name.startswith("planner"):
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    edges = {}
    for name, path in known.items():
        edges[name] = {other for other in imports(path, set(known)) if other != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def upward(edges: dict[str, set[str]]) -> list[str]:
    rank = {name: n for n, name in enumerate(LAYERS)}
    found = []
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            if rank[layer(target)] > rank[layer(source)]:
                found.append(f"{source} ({layer(source)}) -> {target} ({layer(target)})")
    return found


def view_to_view(edges: dict[str, set[str]]) -> list[str]:
    """A view module takes its blueprint from blueprint.py, never from another view."""
    found = []
    for source, targets in sorted(edges.items()):
        if layer(source) != "views":
            continue
        for target in sorted(targets):
            if layer(target) == "views" and not target.endswith(".blueprint"):
                found.append(f"{source} -> {target}")
    return found


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_no_module_imports_from_a_layer_above_its_own():
    assert upward(graph()) == []


def test_no_view_module_imports_another_view_module():
    assert view_to_view(graph()) == []


def test_the_checker_sees_a_cycle_and_an_upward_import():
    edges = {"planner.a.services": {"planner.a.views"}, "planner.a.views": {"planner.a.services"}}
    assert cycles(edges) == [["planner.a.services", "planner.a.views"]]
    assert upward(edges) == ["planner.a.services (domain) -> planner.a.views (views)"]
    assert view_to_view({"planner.a.views": {"planner.b.views", "planner.a.blueprint"}}) == [
        "planner.a.views -> planner.b.views"
    ]


def test_every_module_has_a_layer():
    assert {layer(name) for name in modules()} <= set(LAYERS)
    assert layer("planner.exports.docx_base") == "documents"
    assert layer("planner.students.group_views") == "views"
    assert layer("planner.runs.models") == "models"
    assert layer("planner") == "app" and layer("planner.config") == "core"


def test_every_module_with_routes_is_registered(app):
    """create_app registers the blueprints of planner.view_modules(): a view module left off
    that list would serve nothing."""
    from planner import view_modules

    listed = {module.__name__ for module in view_modules()}
    with_routes = {name for name, path in modules().items() if "@bp." in path.read_text()}
    assert with_routes - listed == set()
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    # one route of each module that shares its package's blueprint
    assert {"students.import_upload", "exports.template_upload", "api.tokens"} <= endpoints


WRITES = {"create", "insert", "insert_many", "update", "delete", "save"}


def writes_in(source: str) -> list[str]:
    """Writes in a module's source: a model's create/update/delete/…, a row's
    delete_instance, a transaction or an audit row."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in (
            "planner.db",
            "planner.audit.models",
        ):
            found += [
                (node.lineno, f"imports {a.name}")
                for a in node.names
                if a.name in ("write_tx", "record")
            ]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base, attr = node.func.value, node.func.attr
            model = isinstance(base, ast.Name) and base.id[:1].isupper()
            if (attr in WRITES and model) or attr == "delete_instance":
                found.append((node.lineno, f"{node.lineno}: .{attr}()"))
    return [text for _, text in sorted(found)]


def test_no_view_writes_to_the_database():
    """Views call services; the services write."""
    found = {
        name: writes_in(path.read_text())
        for name, path in sorted(modules().items())
        if layer(name) == "views"
    }
    assert {name: w for name, w in found.items() if w} == {}
    sample = (
        "from planner.db import write_tx\nProgram.update(x=1).execute()\nday.delete_instance()\n"
    )
    assert writes_in(sample) == ["imports write_tx", "2: .update()", "3: .delete_instance()"]


def test_template_contexts_have_no_one_letter_names():
    """What a view hands a template is named for what it is (session, not s)."""
    found = []
    for name, path in sorted(modules().items()):
        if layer(name) != "views" and not name.endswith(".page"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            func = getattr(node, "func", None)
            # render(...), render_template(...) and a context built as dict(...) (not a
            # row copied with dict(row, ...))
            if isinstance(node, ast.Call) and (
                getattr(func, "id", None) in ("render", "render_template")
                or (getattr(func, "id", None) == "dict" and not node.args)
            ):
                found += [
                    f"{name}:{node.lineno} {k.arg}="
                    for k in node.keywords
                    if k.arg and len(k.arg) == 1
                ]
    assert found == []
