"""The project's shapes read the same way by a second SHACL engine: shacl-engine (npm, JavaScript).

Validators run the project's shapes with their own tools; these tests run shacl-engine 1.1.2 (the
Makefile's `shacl-engine` target installs it, and `make test-slow` depends on it) on the project's data
and on fixtures that break SPARQL-based constraints, and compare its results with pySHACL's by
focus node, path, source shape, constraint component and SPARQL constraint. The data is given as
the build validates it, with the ontology mixed in; shacl-engine resolves subclasses in its shapes
graph, so the ontology goes there too.

Where the engines disagreed, shacl-engine was wrong: it reads all the sh:sparql constraints of one
shape as one (see the comment above shapes:LiberationUprisingShape in shapes/liberation.ttl), so
the shapes give each node shape one SPARQL-based constraint; `test_the_minimal_case_still_differs`
keeps the minimal case, and tells when a new shacl-engine fixes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph

from graph_service.config import PROJECT_ROOT, Settings
from graph_service.graph import Sources, load_sources
from graph_service.graph.rdf import documents
from graph_service.graph.rdf.namespace import SH
from graph_service.graph.rdf.terms import from_rdflib
from graph_service.graph.shacl.validation import path_text, validate

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "shacl_engine" / "validate.mjs"
NODE_MODULES = PROJECT_ROOT / "build" / "npm-shacl-engine" / "node_modules"
FIXTURES = HERE / "fixtures" / "shapes"
#: Fixtures that break SPARQL-based constraints, where the engines differed (one each: a
#: validation costs shacl-engine about 7 s, mostly its SPARQL engine's start per query).
SPARQL_FIXTURES = ("Photograph-caption-quoted", "Photograph-sequence-unique", "Liberation-after-uprising",
                   "ContestedFact-claim-own-quote")

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None or not (NODE_MODULES / "shacl-engine" / "package.json").exists(),
    reason="shacl-engine not installed: run `make shacl-engine` (npm install into build/npm-shacl-engine)")

Key = tuple[str, str, str, str, str]


def ntriples(graph: Graph, path: Path) -> Path:
    triples = [ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return path


def keys(report: Graph) -> set[Key]:
    """The top-level results of a report, as the fields both engines must agree on."""
    out = set()
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        constraints = sorted(str(c) for c in report.objects(node, SH.sourceConstraint))
        out.add(("[]" if focus is None or isinstance(focus, BNode) else str(focus),
                 path_text(report, report.value(node, SH.resultPath))
                 if report.value(node, SH.resultPath) else "",
                 str(report.value(node, SH.sourceShape)),
                 str(report.value(node, SH.sourceConstraintComponent)),
                 " ".join(constraints)))
    return out


def shacl_engine(shapes_file: Path, *data_files: Path) -> list[Graph]:
    """shacl-engine's report for each data file (one node process)."""
    run = subprocess.run([NODE, str(SCRIPT), str(shapes_file), *map(str, data_files)], capture_output=True,
                         text=True, timeout=900, env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    assert run.returncode == 0, run.stderr[-2000:]
    reports = run.stdout.split("# report ")[1:]
    assert len(reports) == len(data_files)
    return [Graph().parse(data=r.split("\n", 1)[1], format="nt") for r in reports]


@cache
def project() -> Sources:
    return load_sources(Settings.from_env())


def ontology() -> Graph:
    return project().ontology


def shapes() -> Graph:
    return project().shapes


@pytest.fixture(scope="module")
def shapes_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ntriples(shapes() + ontology(), tmp_path_factory.mktemp("shacl-engine") / "shapes.nt")


def fixture_data(name: str | None) -> Graph:
    from test_shapes import _prologue  # the fixtures' prefixes, as tests/test_shapes.py applies them

    data = documents.read_graph(FIXTURES / "base.ttl")
    if name is not None:
        data.update(_prologue() + (FIXTURES / f"{name}.ru").read_text(encoding="utf-8"))
    return data


def pyshacl(data: Graph) -> set[Key]:
    return keys(validate(data, shapes(), ontology=ontology()).report)


@pytest.mark.slow  # shacl-engine takes over a minute on the whole graph: `make test-slow`
def test_both_engines_find_the_projects_data_conforms(shapes_file: Path, tmp_path: Path) -> None:
    facts = project().facts
    (report,) = shacl_engine(shapes_file, ntriples(facts + ontology(), tmp_path / "data.nt"))
    assert keys(report) == pyshacl(facts) == set()


@pytest.mark.slow  # about 25 s: every SPARQL-based fixture through both engines
def test_both_engines_report_the_same_results_on_sparql_fixtures(shapes_file: Path, tmp_path: Path) -> None:
    names = (None, *SPARQL_FIXTURES)
    data = [fixture_data(name) for name in names]
    files = [ntriples(d + ontology(), tmp_path / f"{name or 'base'}.nt")
             for name, d in zip(names, data, strict=True)]
    for name, d, report in zip(names, data, shacl_engine(shapes_file, *files), strict=True):
        expected = pyshacl(d)
        assert keys(report) == expected, name
        assert bool(expected) == (name is not None), name


MINIMAL_DATA = """@prefix ex: <http://example.org/> .
ex:p ex:caption "abc" .
"""
MINIMAL_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:Shape a sh:NodeShape ;
    sh:targetNode ex:p ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "first" ;
                sh:select "SELECT $this WHERE { $this ex:caption 'zzz' }" ] ,
              [ sh:prefixes ex:prefixes ; sh:message "second" ;
                sh:select "SELECT $this WHERE { $this ex:caption 'yyy' }" ] .
"""


# shacl-engine is pinned, so this changes only with the pin: it is for whoever moves the pin, and its
# 12 CPU-seconds (a SPARQL engine started in node) were a twentieth of the default run.
@pytest.mark.slow
def test_the_minimal_case_still_differs(tmp_path: Path) -> None:
    """Two SPARQL-based constraints on one shape, neither selecting anything: no result (SHACL 5.3,
    and pySHACL), but shacl-engine 1.1.2 reports one. When this fails, shacl-engine is fixed and the
    shapes could keep several sh:sparql per shape again."""
    data, shapes_graph = Graph().parse(data=MINIMAL_DATA, format="turtle"), Graph().parse(data=MINIMAL_SHAPES,
                                                                                          format="turtle")
    from pyshacl import validate as pyshacl_validate

    conforms, _, _ = pyshacl_validate(data, shacl_graph=shapes_graph)
    assert conforms
    (report,) = shacl_engine(ntriples(shapes_graph, tmp_path / "shapes.nt"),
                             ntriples(data, tmp_path / "data.nt"))
    assert len(keys(report)) == 1
