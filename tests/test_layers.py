"""The package's layers, read from its imports: no cycle, no upward import.

Every ``import`` statement of every module is read with :mod:`ast`, including the ones
inside functions (a function-level import is still a dependency; hiding one inside a
function must not hide a cycle).  The order, bottom to top, is the one the package
docstring states: the base (``errors``, ``version``) → core → lang → prove → apps →
report → front ends.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import symconv

PACKAGE_DIR = Path(symconv.__file__).parent

# Bottom to top; a module may import its own layer or any layer below it.
LAYERS = ["base", "core", "lang", "prove", "apps", "report", "front"]
BASE = {"symconv.errors", "symconv.version"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str:
    """The layer of a ``symconv...`` module: its first subpackage, or front ends."""
    if module in BASE:
        return "base"
    parts = module.split(".")
    if len(parts) == 1:  # the package itself re-exports everything: it is the top
        return "front"
    first = parts[1]
    return first if first in LAYERS[1:] else "front"


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(imported symconv module, line) for every import in the file at ``path``."""
    module = module_name(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("symconv"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, path.name == "__init__.py", node)
            if not target.startswith("symconv"):
                continue
            for alias in node.names:
                # ``from symconv.prove import general`` imports a module
                submodule = f"{target}.{alias.name}"
                yield (submodule if submodule in known else target), node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: first line}, over every module of the package.

    ``proofs/`` (shipped as ``symconv.proofs``) holds claim files, not the engine, and is
    left out.
    """
    paths = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}
    known = set(paths)
    graph: dict[str, dict[str, int]] = {}
    for module, path in paths.items():
        edges: dict[str, int] = {}
        for target, line in imported_modules(path, known):
            if target != module and target in known:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle, as the list of its modules, or None.

    Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, so a module
    depends on the packages above it as well; those edges are not counted (a package's
    own ``__init__`` importing its submodules is not a cycle).
    """
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in graph.get(node, {}):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    found = []
    for module, edges in sorted(graph.items()):
        own = LAYERS.index(layer_of(module))
        for target, line in sorted(edges.items()):
            if LAYERS.index(layer_of(target)) > own:
                found.append(f"{module}:{line} imports {target} "
                             f"({layer_of(module)} -> {layer_of(target)})")
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    # built when a test asks (seconds of parsing), not when each xdist worker collects
    return import_graph()


def test_the_graph_sees_the_package(graph: dict[str, dict[str, int]]) -> None:
    assert "symconv.core.ops" in graph
    assert "symconv.core.signal" in graph["symconv.core.ops"]
    assert "symconv.errors" in graph["symconv.core.signal"]


def test_no_import_cycle(graph: dict[str, dict[str, int]]) -> None:
    assert find_cycle(graph) is None


def test_no_upward_import(graph: dict[str, dict[str, int]]) -> None:
    assert upward_imports(graph) == []


def test_the_package_docstring_states_the_order() -> None:
    doc = symconv.__doc__ or ""
    positions = [doc.find(word) for word in ("core", "lang", "prove", "apps", "report")]
    assert -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize(("graph", "cycle"), [
    ({"a": {"b": 1}, "b": {"a": 1}}, ["a", "b", "a"]),
    ({"a": {"b": 1}, "b": {"c": 1}, "c": {}}, None),
    ({"a": {"a": 1}}, ["a", "a"]),
])
def test_find_cycle_finds_cycles(graph: dict[str, dict[str, int]],
                                 cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_an_upward_import_is_reported() -> None:
    graph = {"symconv.core.ops": {"symconv.report.filters": 3}, "symconv.report.filters": {}}
    assert upward_imports(graph) == [
        "symconv.core.ops:3 imports symconv.report.filters (core -> report)"]


def test_function_level_imports_are_read(tmp_path: Path) -> None:
    source = "def f():\n    from symconv.report import filters\n"
    tree = ast.parse(source)
    inner = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert inner and inner[0].module == "symconv.report"
