"""No import circles among KnotBot's modules, and an action-server domain without Rasa.

The import graph is read from the source with `ast`, importing nothing: every `import` and
`from ... import` of a module of `bot` or `actions`, wherever it stands in the file (an
import moved into a function to dodge a circle is still a circle), and the packages such
an import runs on the way (`import bot.nlu.lexicon` runs `bot/nlu/__init__.py`).

Two kinds of circle fail: modules that import each other, through any number of others,
and packages that do (`actions/knowledge` and `actions/triage` each importing a module of
the other is a circle of the two packages even when no module is in one). A module
directly in `bot/` or `actions/` counts as a package of its own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from actions.settings import PROJECT_ROOT

PACKAGES = ("bot", "actions")

# The action server's adapters, the only modules of actions/ that may import rasa or
# rasa_sdk. ACTIONS are the modules whose classes subclass rasa_sdk's Action or
# FormValidationAction (what `rasa run actions --actions actions` registers);
# test_the_adapters_listed_are_the_modules_with_rasa_actions keeps the list true.
ACTIONS = frozenset(
    {
        "actions.advice",
        "actions.intake_form",
        "actions.languages",
        "actions.session",
        "actions.triage_form",
    }
)
# No Action in it, but the adapters' half all the same: it reads the domain objects out of
# a Rasa tracker (rasa_sdk's Tracker, the slot names) for the actions above.
TRACKER_READING = frozenset({"actions.tracker_state"})
ADAPTERS = ACTIONS | TRACKER_READING
RASA = ("rasa", "rasa_sdk")
RASA_ACTION_BASES = {"Action", "FormValidationAction", "ValidationAction"}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    file: str
    """The path from the project's root, for messages."""
    is_package: bool

    def tree(self) -> ast.Module:
        return ast.parse(self.path.read_text(), str(self.path))


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    where: str
    """file:line of the import statement."""


def modules(root: Path = PROJECT_ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, Module]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            found[name] = Module(name, path, path.relative_to(root).as_posix(), is_package)
    return found


def imported_names(module: Module) -> Iterable[tuple[ast.stmt, list[str]]]:
    """Each import statement anywhere in the module, with the absolute dotted names it
    may import (`from a.b import c` may import a.b or a.b.c)."""
    for node in ast.walk(module.tree()):
        if isinstance(node, ast.Import):
            yield node, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.name.split(".")
                if not module.is_package:
                    package = package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            yield node, [base, *(f"{base}.{alias.name}" for alias in node.names)]


def ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def edges(ours: Mapping[str, Module]) -> list[Edge]:
    """Every import of one of our modules by another, anywhere in the file."""
    found = []
    for module in ours.values():
        own_packages = set(ancestors(module.name))
        for node, names in imported_names(module):
            targets = set()
            for name in names:
                parts = name.split(".")
                prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
                longest = next((p for p in prefixes if p in ours), None)
                if longest is None:
                    continue
                targets.add(longest)
                # the packages the import runs on the way, but not the importer's own:
                # those are running already
                targets |= {p for p in ancestors(longest) if p in ours} - own_packages
            where = f"{module.file}:{node.lineno}"
            found += [Edge(module.name, t, where) for t in sorted(targets - {module.name})]
    return found


def strongly_connected(nodes: Iterable[str], arcs: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Tarjan's strongly connected components with more than one node: the circles."""
    following: dict[str, set[str]] = {node: set() for node in nodes}
    for source, target in arcs:
        following.setdefault(source, set()).add(target)
        following.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(following[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(following):
        if node not in index:
            visit(node)
    return components


def package_of(name: str) -> str:
    """bot.bench.client -> bot.bench; bot.cli -> bot.cli; actions -> actions."""
    return ".".join(name.split(".")[:2])


def module_circles(ours: Mapping[str, Module]) -> list[str]:
    graph = edges(ours)
    return [
        describe(component, [(e.source, e.target, e) for e in graph])
        for component in strongly_connected(ours, ((e.source, e.target) for e in graph))
    ]


def package_circles(ours: Mapping[str, Module]) -> list[str]:
    arcs = [
        (package_of(e.source), package_of(e.target), e)
        for e in edges(ours)
        if package_of(e.source) != package_of(e.target)
    ]
    packages = {package_of(name) for name in ours}
    return [
        describe(component, arcs)
        for component in strongly_connected(packages, ((a, b) for a, b, _ in arcs))
    ]


def describe(component: set[str], arcs: Iterable[tuple[str, str, Edge]]) -> str:
    """The circle's members, then each import that closes it, by file and line."""
    inside = [e for a, b, e in arcs if a in component and b in component]
    # of one statement's targets, the package a named submodule is in adds nothing
    shown = [
        e
        for e in inside
        if not any(o.where == e.where and o.target.startswith(e.target + ".") for o in inside)
    ]
    shown.sort(key=lambda e: (e.where.split(":")[0], int(e.where.split(":")[1]), e.target))
    lines = [f"  {e.where}: {e.source} imports {e.target}" for e in shown]
    return " <-> ".join(sorted(component)) + "\n" + "\n".join(lines)


def test_no_module_imports_itself_through_others():
    circles = module_circles(modules())
    assert not circles, "import circles among modules:\n" + "\n".join(circles)


def test_no_two_packages_import_each_other():
    circles = package_circles(modules())
    assert not circles, "import circles among packages:\n" + "\n".join(circles)


def test_the_circle_finder_sees_circles_inside_functions_and_between_packages(tmp_path):
    files = {
        "bot/__init__.py": "",
        # a circle of modules, one side inside a function and relative
        "bot/a.py": "def f():\n    from bot import b\n",
        "bot/b.py": "from . import a\n",
        # a circle of packages only: no module imports one that imports it back
        "bot/p/__init__.py": "",
        "bot/p/x.py": "import bot.q.y\n",
        "bot/p/z.py": "",
        "bot/q/__init__.py": "from bot.q.w import thing\n",
        "bot/q/y.py": "from bot.p.z import thing\n",
        # a submodule runs its own package's __init__ on the way to a sibling: no circle
        "bot/q/w.py": "import bot.q.y\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    ours = modules(tmp_path, ["bot"])

    [circle] = module_circles(ours)
    assert circle.startswith("bot.a <-> bot.b\n")
    assert "bot/a.py:2: bot.a imports bot.b" in circle
    assert "bot/b.py:1: bot.b imports bot.a" in circle
    assert {c.split("\n")[0] for c in package_circles(ours)} == {
        "bot.a <-> bot.b",
        "bot.p <-> bot.q",
    }


def rasa_imports(module: Module) -> list[str]:
    """Where the module imports rasa or rasa_sdk, anywhere in the file."""
    found = []
    for node in ast.walk(module.tree()):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] in RASA for name in names):
            found.append(f"{module.file}:{node.lineno}")
    return found


def test_the_adapters_listed_are_the_modules_with_rasa_actions():
    ours = {name: m for name, m in modules().items() if name.split(".")[0] == "actions"}
    classes = [
        (module.name, node)
        for module in ours.values()
        for node in ast.walk(module.tree())
        if isinstance(node, ast.ClassDef)
    ]
    bases = set(RASA_ACTION_BASES)
    actions: set[tuple[str, str]] = set()
    grown = True
    while grown:  # an action may subclass an action of ours: round until nothing is new
        grown = False
        for name, node in classes:
            named = {
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            }
            if named & bases and (name, node.name) not in actions:
                actions.add((name, node.name))
                bases.add(node.name)
                grown = True
    with_actions = {name for name, _ in actions}
    assert with_actions == ACTIONS, "ACTIONS above must list exactly the modules with actions"
    assert all(name in ours for name in TRACKER_READING), TRACKER_READING


def test_the_domain_never_imports_rasa_not_even_through_another_module():
    """actions/knowledge, actions/triage, actions/reading, actions/intake, actions/pain.py,
    actions/settings.py, ...: everything of actions/ but the adapters is plain Python."""
    ours = modules()
    following: dict[str, set[str]] = {name: set() for name in ours}
    for edge in edges(ours):
        following[edge.source].add(edge.target)
    rasa = {name: where for name, m in ours.items() if (where := rasa_imports(m))}
    wrong = []
    for name in sorted(n for n in ours if n.split(".")[0] == "actions" and n not in ADAPTERS):
        seen, todo = {name}, [name]
        while todo:
            for other in following[todo.pop()] - seen:
                seen.add(other)
                todo.append(other)
        for culprit in sorted(seen & set(rasa)):
            through = "" if culprit == name else f" through {culprit}"
            wrong.append(f"{name} imports rasa{through}: {', '.join(rasa[culprit])}")
    assert not wrong, "\n".join(wrong)
