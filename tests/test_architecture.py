"""The design's rules, checked on the source: no import cycle (imports inside functions and
under TYPE_CHECKING included), one-way layers, subsystem packages, one route table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eap.routes import HOME_ROUTES, NAV, ROUTE_ROLES, ROUTES
from eap.services.core.principal import ROLES

ROOT = Path(__file__).resolve().parents[1] / "eap"


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every eap module this file imports, wherever the import stands."""

    def resolve(name: str) -> str:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        return name

    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {resolve(a.name) for a in node.names if a.name.startswith("eap")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("eap"):
            module = node.module or ""
            for a in node.names:
                full = f"{module}.{a.name}"
                out.add(full if full in MODULES else resolve(module))
    return out - {""}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back() -> None:
    assert _cycles(GRAPH) == []


# Who may import whom: pages → components → state → services → models (never upwards).
LAYERS = ["eap.models", "eap.services", "eap.state", "eap.components", "eap.pages"]


def _layer(module: str) -> int | None:
    for i, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return i
    return None


def test_layers_import_only_downwards() -> None:
    wrong = [
        (a, b)
        for a, deps in GRAPH.items()
        for b in deps
        if (la := _layer(a)) is not None and (lb := _layer(b)) is not None and lb > la
    ]
    assert wrong == []


def test_services_know_nothing_of_reflex() -> None:
    offenders = []
    for name, path in MODULES.items():
        if name.startswith(("eap.services", "eap.models")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                offenders += [name for n in names if n.split(".")[0] == "reflex"]
    assert offenders == []


def test_the_kernel_depends_on_no_subsystem() -> None:
    subsystems = ("hall", "approval", "supervision", "admin", "agency", "screen", "exchange")
    wrong = [
        (a, b)
        for a, deps in GRAPH.items()
        if a.startswith("eap.services.core")
        for b in deps
        if b.startswith(tuple(f"eap.services.{s}" for s in subsystems))
    ]
    assert wrong == []


@pytest.mark.parametrize("layer", ["services", "state", "pages"])
def test_each_layer_has_one_package_per_subsystem(layer: str) -> None:
    folders = {p.name for p in (ROOT / layer).iterdir() if (p / "__init__.py").exists()}
    expected = {"core", "hall", "approval", "supervision", "admin", "agency", "screen"}
    assert expected <= folders
    loose = [p.name for p in (ROOT / layer).glob("*.py") if p.name != "__init__.py"]
    assert loose == []


def test_no_module_is_over_600_lines_but_the_catalogue() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert set(long) <= {"eap.i18n"}


def test_the_route_table_is_the_one_source() -> None:
    assert set(HOME_ROUTES) == set(ROLES)  # every role lands somewhere it may open
    for role, path in HOME_ROUTES.items():
        assert role in ROUTE_ROLES[path]
    for path, _key, roles in NAV:  # a link is shown only to those who may open the page
        assert set(roles) <= set(ROUTE_ROLES.get(path, ROLES))
    assert len({r.path for r in ROUTES}) == len(ROUTES)
    for route in ROUTES:  # every named page and handler exists
        for ref in (route.page, *route.on_load):
            module, _, attrs = ref.partition(":")
            if module == "reflex":
                continue
            assert module in MODULES, ref
            tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
            top = {
                getattr(n, "name", None)
                for n in tree.body
                if isinstance(n, ast.FunctionDef | ast.ClassDef)
            }
            assert attrs.split(".")[0] in top, ref


def test_tests_share_builders_only_through_factories_and_helpers() -> None:
    tests = Path(__file__).resolve().parent
    wrong = []
    for path in tests.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests."):
                leaf = (node.module or "").rsplit(".", 1)[-1]
                if leaf.startswith("test_") or leaf == "conftest":
                    wrong.append(f"{path.name}: {node.module}")
    assert wrong == []


def test_view_rows_name_no_field_after_an_object_var_method() -> None:
    """A row reaches a page as an object Var; a field called ``items`` (or ``keys``...) would
    be shadowed there by the Var's own method and fail only when the page compiles."""
    import dataclasses
    import importlib
    import typing

    import reflex as rx

    for module in [m for m in MODULES if m.startswith("eap.state.")]:
        importlib.import_module(module)
    seen: set[type] = set()

    def rows_in(tp: object) -> None:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in seen:
            seen.add(tp)
            for f in dataclasses.fields(tp):
                rows_in(typing.get_type_hints(tp).get(f.name))
        for arg in typing.get_args(tp):
            rows_in(arg)

    def states(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in states(sub))]

    for state in states(rx.State):
        if state.__module__.startswith("eap."):
            for var in state.base_vars.values():
                rows_in(var._var_type)
    assert len(seen) >= 20  # the rows pages show really were found
    taken = {"items", "keys", "values", "get", "length", "contains", "to", "bool", "upper"}
    clashes = {
        f"{cls.__module__}.{cls.__name__}.{f.name}"
        for cls in seen
        for f in dataclasses.fields(cls)
        if f.name in taken
    }
    assert clashes == set()
