"""The package's shape, as a newcomer relies on it: no import cycles, `web` and `cli` use the graph
layer only through its front (`graph_service.graph`), and function-local imports only where a
heavy dependency is worth deferring. The layers themselves are import-linter contracts
(pyproject.toml), checked by `lint-imports` in `make test`."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import grimp
import pytest
from click.testing import CliRunner

from graph_service.cli import main
from graph_service.config import README_MARKERS, Settings, env_name, settings_table

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "graph_service"
#: Function-local imports that are deliberate, each for the reason given where it stands.
DEFERRED = {("graph/build/validation.py", "pyshacl"), ("graph/build/validation.py", "pyshacl.errors"),
            # optional: the second OWL 2 RL engine and the benchmark's plots
            ("graph/build/reasoning.py", "reasonable"), ("bench/scale.py", "reasonable"),
            ("bench/report.py", "matplotlib"), ("bench/report.py", "matplotlib.pyplot")}


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("graph_service", include_external_packages=False)
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="a.b")
    assert _cycles(graph) == [["a.b", "a.c"]]


def _imports(path: Path) -> list[tuple[ast.ImportFrom | ast.Import, bool]]:
    """Every import of a module, and whether it stands inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
    return [(n, id(n) in local) for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


@pytest.mark.parametrize("layer", ["web", "cli", "bench"])
def test_upper_layers_use_the_graph_front_only(layer: str) -> None:
    reaching_in = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for node, _ in _imports(path):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            reaching_in += [f"{path.relative_to(PACKAGE)}: {n}" for n in names
                            if n.startswith("graph_service.graph.")]
    assert reaching_in == []


def test_imports_stand_at_the_top_of_modules() -> None:
    local = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE))
        for node, inside in _imports(path):
            if not inside:
                continue
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            local += [(rel, n) for n in names if (rel, n) not in DEFERRED]
    assert local == []


def test_the_readme_shows_the_settings_as_defined() -> None:
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    start, end = README_MARKERS
    assert readme.split(start + "\n", 1)[1].split(end, 1)[0] == settings_table(), "run `make readme`"


def test_options_and_help_come_from_the_settings() -> None:
    overview = CliRunner().invoke(main, ["--help"]).output
    serve = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    for f in fields(Settings):
        assert env_name(f.name) in overview
        if f.metadata["cli"]:
            assert f"--{f.name.replace('_', '-')}" in serve and env_name(f.name) in serve
