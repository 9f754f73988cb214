"""The package's shape, as a newcomer relies on it: no import cycles, each sub-package used from
outside only through its front (its `__init__`), and function-local imports only where a heavy
dependency is worth deferring. The layers themselves are import-linter contracts (pyproject.toml),
checked by `lint-imports` in `make test`."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from functools import cache
from importlib import import_module
from pathlib import Path

import grimp
import pytest
from click.testing import CliRunner

from graph_service.cli import main
from graph_service.config import README_MARKERS, Settings, env_name, settings_table

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "graph_service"
#: The sub-packages that other modules use only through their front (`__init__.py` and its `__all__`).
FRONTS = ("web", "web.serving", "bench", "graph", "graph.rdf", "graph.query", "graph.publish", "graph.shacl",
          "graph.build")
#: `GRAPH_SERVICE_` names that are no setting of `config.Settings`, each for the reason given.
NOT_SETTINGS = {
    "GRAPH_SERVICE_BARE_DATA",  # bench/bare.py: how the benchmark tells its bare app which file to serve
    # A typo that the command names with the setting it may mean (config.unknown_variables), and a
    # name close to none: in its test, and the typo in the README.
    "GRAPH_SERVICE_QUERYTIMEOUT", "GRAPH_SERVICE_FOO",
}
#: Function-local imports that are deliberate, each for the reason given where it stands.
DEFERRED = {("graph/shacl/validation.py", "pyshacl"), ("graph/shacl/validation.py", "pyshacl.errors"),
            # optional: the second OWL 2 RL engine and the benchmark's plots
            ("graph/build/reasoning.py", "reasonable"), ("bench/scale.py", "reasonable"),
            ("bench/report.py", "matplotlib"), ("bench/report.py", "matplotlib.pyplot"),
            # the command group, loaded where a Ctrl-C during its imports is caught
            ("cli/__init__.py", "graph_service.cli.group")}


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


@cache  # every front's check reads every module: each is parsed once (8 CPU-s were 12 parses each)
def _imports(path: Path) -> list[tuple[ast.ImportFrom | ast.Import, bool]]:
    """Every import of a module, and whether it stands inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
    return [(n, id(n) in local) for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


def _reaching_in(front: str, path: Path) -> list[str]:
    """What a module imports from behind `graph_service.<front>`: its modules (`from front.module
    import ...`, `import front.module`), or a module the front does not export (`from front import
    module`)."""
    package = f"graph_service.{front}"
    folder = PACKAGE.joinpath(*front.split("."))
    exported = set(import_module(package).__all__)
    found = []
    for node, _ in _imports(path):
        if isinstance(node, ast.ImportFrom) and node.module == package:
            found += [f"{package}.{a.name}" for a in node.names if a.name not in exported
                      and ((folder / f"{a.name}.py").exists() or (folder / a.name).is_dir())]
        else:
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            found += [n for n in names if n.startswith(package + ".")]
    return found


@pytest.mark.parametrize("front", FRONTS)
def test_others_use_a_sub_package_through_its_front_only(front: str) -> None:
    folder = PACKAGE.joinpath(*front.split("."))
    reaching_in = [f"{path.relative_to(PACKAGE)}: {name}" for path in sorted(PACKAGE.rglob("*.py"))
                   if not path.is_relative_to(folder) for name in _reaching_in(front, path)]
    assert reaching_in == []


def test_the_front_check_finds_a_module_reached_into(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from graph_service.graph.rdf.namespace import LIB\n"
                      "from graph_service.graph.rdf import formats, terms\n"
                      "import graph_service.web.serving.worker\n", encoding="utf-8")
    assert _reaching_in("graph.rdf", module) == ["graph_service.graph.rdf.namespace",
                                                 "graph_service.graph.rdf.terms"]
    assert _reaching_in("graph", module) == ["graph_service.graph.rdf.namespace", "graph_service.graph.rdf"]
    assert _reaching_in("web", module) == ["graph_service.web.serving.worker"]


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


def test_serve_has_an_option_for_every_setting_that_says_so() -> None:
    serve = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    for f in fields(Settings):
        if f.metadata["cli"]:
            assert f"--{f.name.replace('_', '-')}" in serve and env_name(f.name) in serve


def test_every_environment_variable_named_is_a_setting() -> None:
    """A `GRAPH_SERVICE_` name in the package, its tools, its tests or the README is a setting
    (so in the README's table and `--help`), or one of the few `NOT_SETTINGS`."""
    root = PACKAGE.parents[1]
    paths = [p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".html") and "static" not in p.parts]
    paths += [*(root / "tools").glob("*.py"), *(root / "tests").glob("*.py"), root / "README.md"]
    found: dict[str, set[str]] = {}
    for path in paths:
        if path.resolve() != Path(__file__).resolve():
            for name in re.findall(r"GRAPH_SERVICE_[A-Z0-9_]*[A-Z0-9]", path.read_text(encoding="utf-8")):
                found.setdefault(name, set()).add(str(path.relative_to(root)))
    settings = {env_name(f.name) for f in fields(Settings)}
    assert {name: where for name, where in found.items() if name not in settings | NOT_SETTINGS} == {}
    assert NOT_SETTINGS <= found.keys(), "a name no longer used: drop it from NOT_SETTINGS"
