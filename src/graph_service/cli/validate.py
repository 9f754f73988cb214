"""`graph-service validate`: SHACL validation of the project's data, or of anyone's data and shapes.

Exit status: 0 when the data conforms, 1 when it does not, 2 for bad input (an unreadable or
unparseable file, unusable shapes, a refused SPARQL constraint, the time limit).
"""

from __future__ import annotations

import logging
import sys
import warnings
from functools import partial
from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import Graph

from graph_service.cli.errors import Failure, load_or_fail, one_line
from graph_service.config import Settings
from graph_service.graph import (
    INFERENCE_CHOICES,
    ValidationError,
    ValidationTimeout,
    format_for_path,
    formats,
    inference_choice,
    keep_apart,
    load_sources,
    parse_untrusted,
    project_ontology,
    project_shapes,
    quads_to_graph,
)
from graph_service.graph import validate as run_validation

#: The file name that stands for standard input.
STDIN = "-"
_TURTLE = formats.named("turtle")
#: --format choices and their names in the formats registry.
REPORT_FORMATS = {"text": None, "turtle": "turtle", "json-ld": "jsonld"}


@click.command()
@click.option("--data", "data_files", multiple=True, metavar="FILE",
              help="RDF to validate (repeatable; default: the project's data). '-' reads standard "
                   "input, as Turtle (N-Triples is Turtle too), for one of the file options.")
@click.option("--shapes", "shapes_files", multiple=True, metavar="FILE",
              help="SHACL shapes (repeatable; default: the project's shapes).")
@click.option("--ontology", "-e", "ontology_files", multiple=True, metavar="FILE",
              help="An ontology mixed into the data before validating (repeatable; pySHACL's -e). "
                   "Default: the project's ontology, unless both --data and --shapes are given.")
@click.option("--inference", type=click.Choice(INFERENCE_CHOICES), default="none", show_default=True,
              help="Expand the data first: RDFS or OWL 2 RL closure.")
@click.option("--allow-warnings", "-w", is_flag=True,
              help="Exit 0 when the only results are warnings or infos (pySHACL's --allow-warnings).")
@click.option("--meta-shacl", "-m", is_flag=True,
              help="Validate the shapes against the SHACL shapes for SHACL first (pySHACL's -m).")
@click.option("--format", "fmt", type=click.Choice(list(REPORT_FORMATS)), default="text",
              show_default=True, help="text: a summary grouped by shape; turtle, json-ld: the full report.")
def validate(data_files: tuple[str, ...], shapes_files: tuple[str, ...], ontology_files: tuple[str, ...],
             inference: str, allow_warnings: bool, meta_shacl: bool, fmt: str) -> None:
    """Validate RDF data against SHACL shapes (SHACL Core and SHACL-SPARQL).

    Without files, the project's data is validated with the project's shapes. A user's files are
    treated like uploads to the service: their SPARQL constraints may not use SERVICE or FROM, and
    the validation stops after GRAPH_SERVICE_VALIDATION_TIMEOUT seconds.
    """
    _quiet_libraries()
    if (data_files + shapes_files + ontology_files).count(STDIN) > 1:
        raise Failure("standard input ('-') can be read once: give it to one file option")
    choice = inference_choice(inference)
    if choice is None:  # click.Choice lets none through; the type checker needs telling
        raise Failure(f"--inference must be one of {', '.join(INFERENCE_CHOICES)}")
    settings = Settings.from_env()
    prefixes: dict[str, str] = {}
    data = _read(data_files, prefixes, settings) if data_files else \
        load_or_fail(lambda: load_sources(settings)).data()
    shapes = _read(shapes_files, prefixes, settings) if shapes_files else \
        load_or_fail(lambda: project_shapes(settings))
    # The project's shapes and data are written against the project's ontology (sh:class needs
    # its class hierarchy); a user's own data with their own shapes brings its own.
    ontology: Graph | None
    if ontology_files:
        ontology = _read(ontology_files, prefixes, settings)
    elif not (data_files and shapes_files):
        ontology = load_or_fail(lambda: project_ontology(settings, choice))
    else:
        ontology = None
    # A user's files run in the sandbox under the time limit; only a user's shapes carry SPARQL to
    # vet (the project's own are known, and data cannot turn them into SERVICE or FROM).
    sandboxed = bool(data_files or shapes_files)
    try:
        outcome = load_or_fail(lambda: run_validation(
            data, shapes, ontology=ontology, inference=choice, untrusted=bool(shapes_files),
            timeout=settings.validation_timeout if sandboxed else None,
            memory_limit=settings.query_memory_bytes, network_guard=settings.network_guard,
            meta_shacl=meta_shacl))
    except (ValidationError, ValidationTimeout) as exc:
        raise Failure(one_line(exc)) from None
    outcome.use_prefixes(prefixes)
    target = REPORT_FORMATS[fmt]
    if target is None:
        click.echo(outcome.text(), nl=False)
    else:
        registered = formats.by_name(target)
        assert registered is not None
        sys.stdout.buffer.write(outcome.serialize(registered))
        sys.stdout.buffer.flush()
    passed = outcome.conforms or (allow_warnings and outcome.only_warnings())
    sys.exit(0 if passed else 1)


def _read(paths: tuple[str, ...], prefixes: dict[str, str], settings: Settings) -> Graph:
    """The files merged into one graph (blank nodes kept apart per file); their prefix
    declarations go to `prefixes`. Read as the service reads uploads, in a child process under
    the validation's time and memory limits: a few hundred bytes of RDF/XML entities expand to
    gigabytes, and deeply nested JSON-LD overflows the parser's stack."""
    quads: list[ox.Quad] = []
    for number, name in enumerate(paths):
        path = Path(name)
        if name == STDIN:
            # Relative IRIs resolve against the working directory, as a file's against its own.
            body, fmt, label = sys.stdin.buffer.read(), _TURTLE, "standard input"
            base = Path.cwd().as_uri() + "/"
        else:
            try:
                body = path.read_bytes()
            except OSError as exc:
                raise Failure(f"{path}: {exc.strerror or exc}") from None
            fmt = load_or_fail(partial(format_for_path, path))
            label, base = str(path), path.resolve().as_uri()
        try:
            read, declared = load_or_fail(partial(
                parse_untrusted, body, fmt, label, timeout=settings.validation_timeout,
                memory_limit=settings.query_memory_bytes, network_guard=settings.network_guard,
                base_iri=base))
        except ValidationError as exc:  # over the time or memory limit
            raise Failure(one_line(exc)) from None
        prefixes.update(declared)
        quads.extend(keep_apart(read, number))
    return quads_to_graph(quads)


def _quiet_libraries() -> None:
    # rdflib logs a traceback for every ill-typed literal ("aldi"^^xsd:integer), which SHACL reports
    # as a result; pySHACL logs its own diagnostics to stderr. stderr is for our one-line errors.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    logging.getLogger("pyshacl-validate").disabled = True
    warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.")
