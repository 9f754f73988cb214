"""`graph-service validate`: SHACL validation of the project's data, or of anyone's data and shapes.

Exit status: 0 when the data conforms, 1 when it does not, 2 for bad input (an unreadable or
unparseable file, unusable shapes, a refused SPARQL constraint, the time limit).

As under pySHACL: data files that hold shapes, given without --shapes, are validated against
those shapes; and the data files' @prefix lines are in scope for SPARQL constraints. The summary's
last line says which shapes were used.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox
from rdflib import Graph

from graph_service.cli.errors import Failure, load_or_fail, one_line
from graph_service.cli.inputs import read_bounded
from graph_service.cli.options import setting_options
from graph_service.config import Settings
from graph_service.graph import (
    INFERENCE_CHOICES,
    RdfSyntaxError,
    UnsupportedFormat,
    Untrusted,
    ValidationError,
    ValidationTimeout,
    format_for_path,
    formats,
    holds_shapes,
    inference_choice,
    keep_apart,
    load_sources,
    parse_untrusted_all,
    project_ontology,
    project_shapes,
    quads_to_graph,
)
from graph_service.graph import validate as run_validation

#: The file name that stands for standard input.
STDIN = "-"
_TURTLE = formats.named("turtle")
#: --format choices and their names in the formats registry.
REPORT_FORMATS = {"text": None, "turtle": "turtle", "json-ld": "jsonld", "ntriples": "ntriples",
                  "rdfxml": "rdfxml"}


class _ReportFormat(click.Choice):
    """A --format choice, or another name for it: pySHACL's (`-f human`, `nt`, `xml`, `n3`) or
    the registry's (`ttl`, `jsonld`, a media type)."""

    def __init__(self) -> None:
        super().__init__(list(REPORT_FORMATS), case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        name = str(value).strip().lower()
        if name in ("human", "table"):  # pySHACL's two summaries: this command's is grouped by shape
            return "text"
        fmt = None if name in REPORT_FORMATS else formats.graph_format(name)
        chosen = next((choice for choice, registered in REPORT_FORMATS.items()
                       if fmt is not None and registered == fmt.name), value)
        return super().convert(chosen, param, ctx)
#: What --data-format and --shapes-format name: the formats the service reads uploads in.
INPUT_FORMATS = formats.of_kinds(formats.RDF_INPUT_KINDS)


class _InputFormat(click.Choice):
    """A format of the registry by its name (the choices shown), or by any other name the
    registry knows it by (`ttl`, `json-ld`, `nt`, a media type), as the service's `data-format`, or by
    pySHACL's -df names (`xml`, `auto`)."""

    def __init__(self) -> None:
        super().__init__([f.name for f in INPUT_FORMATS], case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        name = str(value).strip().lower()
        if name == "auto":  # pySHACL's -df auto: from the file's extension, the default here
            return None
        fmt = formats.graph_format(name, formats.RDF_INPUT_KINDS)
        return fmt.name if fmt is not None else super().convert(value, param, ctx)


# Each option answers to pySHACL's names for it too (`-s`, `-i`, `-f`, `-df` ...), so that a
# pySHACL command line such as `validate -s shapes.ttl -i rdfs -f turtle data.ttl` runs here as it
# is (the README names the options of pySHACL's not offered).
@click.command()
@click.argument("data_graphs", nargs=-1, metavar="[DATA_FILE]...")
@click.option("--data", "data_files", multiple=True, metavar="FILE",
              help="RDF to validate (repeatable; or given as arguments, as pySHACL's DataGraph; default: "
                   "the project's data). '-' reads standard input, as Turtle (N-Triples is Turtle too) "
                   "unless --data-format says, for one of the file options.")
@click.option("--data-format", "-df", "--data-file-format", type=_InputFormat(), default=None,
              help="The format of the data files (pySHACL's -df). Default: each file's extension; "
                   "Turtle for standard input.")
@click.option("--shapes", "-s", "--shacl", "shapes_files", multiple=True, metavar="FILE",
              help="SHACL shapes (repeatable; pySHACL's -s). Default: the shapes the data files hold, if "
                   "they hold any (as pySHACL), else the project's shapes.")
@click.option("--shapes-format", "-sf", "--shacl-file-format", type=_InputFormat(), default=None,
              help="The format of the --shapes files (pySHACL's -sf). Default: as for --data.")
@click.option("--ontology", "-e", "--ont-graph", "ontology_files", multiple=True, metavar="FILE",
              help="An ontology mixed into the data before validating (repeatable; pySHACL's -e). "
                   "Default: the project's ontology, unless both data and --shapes are given.")
@click.option("--ontology-format", "-ef", "--ont-file-format", type=_InputFormat(), default=None,
              help="The format of the --ontology files (pySHACL's -ef). Default: each file's extension.")
@click.option("--inference", "-i", type=click.Choice(INFERENCE_CHOICES), default="none", show_default=True,
              help="Expand the data first: RDFS or OWL 2 RL closure (pySHACL's -i).")
@click.option("--allow-warnings", "-w", "--allow-warning", is_flag=True,
              help="Results that are all warnings or infos leave the data conforming: the report says so "
                   "and the exit code is 0 (pySHACL's --allow-warnings).")
@click.option("--allow-infos", "--allow-info", is_flag=True,
              help="Results that are all infos leave the data conforming (pySHACL's --allow-infos).")
@click.option("--meta-shacl", "-m", "--metashacl", is_flag=True,
              help="Validate the shapes against the SHACL shapes for SHACL first (pySHACL's -m).")
@click.option("--format", "-f", "fmt", type=_ReportFormat(), default="text", show_default=True,
              help="text: a summary grouped by shape; the others: the full report (pySHACL's -f names "
                   "too: human and table for text, nt, xml).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-",
              help="Write the summary or report to this file (pySHACL's -o). Default: standard output.")
@setting_options("validation_timeout")
def validate(data_graphs: tuple[str, ...], data_files: tuple[str, ...], data_format: str | None,
             shapes_files: tuple[str, ...], shapes_format: str | None, ontology_files: tuple[str, ...],
             ontology_format: str | None, inference: str, allow_warnings: bool, allow_infos: bool,
             meta_shacl: bool, fmt: str, output: str, validation_timeout: float | None) -> None:
    """Validate RDF data against SHACL shapes (SHACL Core and SHACL-SPARQL).

    Without files, the project's data is validated with the project's shapes. Data files that hold
    shapes, given without --shapes, are validated against the shapes they hold (as pySHACL does).
    A user's files are treated like uploads to the service: their SPARQL constraints may not use
    SERVICE or FROM, and the validation stops after --validation-timeout seconds (a large file
    of your own may need more than the service allows an upload). pySHACL's option names are
    read too (-s, -i, -f, -df, -sf, -ef, -o, --allow-infos).
    """
    _quiet_libraries()
    data_files = data_graphs + data_files
    if (data_files + shapes_files + ontology_files).count(STDIN) > 1:
        raise Failure("standard input ('-') can be read once: give it to one file option")
    choice = inference_choice(inference)
    if choice is None:  # click.Choice lets none through; the type checker needs telling
        raise Failure(f"--inference must be one of {', '.join(INFERENCE_CHOICES)}")
    settings = Settings.from_env(validation_timeout=validation_timeout)
    if validation_timeout is not None and not data_files:
        # Taken, and without effect: the project's own validation is not a user's to limit.
        click.echo("graph-service: --validation-timeout limits the validation of your files (--data); "
                   "the project's own data is validated without it", err=True)
    prefixes: dict[str, str] = {}
    # A user's files, all read in one child (a fork of this process costs more than reading them),
    # under one time limit with their validation, as an upload to the service is (`_read_all`).
    (users_data, users_shapes_graph, users_ontology), deadline = _read_all(
        [(data_files, data_format, "--data-format"), (shapes_files, shapes_format, "--shapes-format"),
         (ontology_files, ontology_format, "--ontology-format")], prefixes, settings)
    # The project's own files, which the limit is not for, are read outside it.
    project_from = time.monotonic()
    data = users_data if users_data is not None else load_or_fail(lambda: load_sources(settings)).data()
    # Without --shapes, data files holding shapes are validated against them (pySHACL's way
    # without a shapes graph): the project's shapes would pass data breaking all of its own.
    used = _shapes_used(shapes_files, bool(data_files and holds_shapes(data)))
    shapes = users_shapes_graph if users_shapes_graph is not None else \
        data if used == _IN_DATA else load_or_fail(lambda: project_shapes(settings))
    # The project's shapes and data are written against the project's ontology (sh:class needs
    # its class hierarchy, a link to one of its terms their description); a user's own data with
    # their own shapes brings its own.
    ontology: Graph | None
    if users_ontology is not None:
        ontology = users_ontology
    elif not (data_files and (shapes_files or used == _IN_DATA)):
        ontology = load_or_fail(lambda: project_ontology(settings))
    else:
        ontology = None
    # A user's files run in the sandbox under the time limit; only a user's shapes carry SPARQL to
    # vet (the project's own are known, and data cannot turn them into SERVICE or FROM).
    sandboxed = bool(data_files or shapes_files)
    users_shapes = bool(shapes_files) or used == _IN_DATA
    deadline += time.monotonic() - project_from
    try:
        left = deadline - time.monotonic()
        if sandboxed and left <= 0:
            raise ValidationTimeout("no time left after reading")
        outcome = load_or_fail(lambda: run_validation(
            data, shapes, ontology=ontology, inference=choice, untrusted=users_shapes,
            timeout=left if sandboxed else None,
            memory_limit=settings.query_memory_bytes, network_guard=settings.network_guard,
            meta_shacl=meta_shacl, allow_warnings=allow_warnings, allow_infos=allow_infos))
    except ValidationTimeout:
        raise Failure(_stopped(settings)) from None
    except ValidationError as exc:
        raise Failure(one_line(exc)) from None
    outcome.use_prefixes(prefixes)
    target = REPORT_FORMATS[fmt]
    if target is None:
        # The last line, the counts, says which shapes they are against.
        report = (outcome.text().removesuffix("\n") + f" (shapes: {used})\n").encode("utf-8")
    else:
        registered = formats.by_name(target)
        assert registered is not None
        try:
            report = outcome.serialize(registered)
        except ValueError as exc:  # RDF/XML, and a property IRI with no XML name
            raise Failure(f"{exc}; give another --format") from None
    _write(report, output)
    sys.exit(0 if outcome.conforms else 1)


def _write(report: bytes, output: str) -> None:
    if output == STDIN:
        sys.stdout.buffer.write(report)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(report)
    except OSError as exc:
        raise Failure(f"{output}: {exc.strerror or exc}") from None


_IN_DATA = "those in the data"


def _stopped(settings: Settings) -> str:
    return (f"validation stopped after its time limit of {settings.validation_timeout:g} s, reading the "
            "files included (--validation-timeout sets it)")


def _shapes_used(shapes_files: tuple[str, ...], data_holds_shapes: bool) -> str:
    """Which shapes the validation uses, as the summary's last line names them."""
    if shapes_files:
        return ", ".join("standard input" if name == STDIN else name for name in shapes_files)
    return _IN_DATA if data_holds_shapes else "the project's"


def _format_of(path: Path, option: str | None) -> formats.Format:
    try:
        return format_for_path(path)
    except UnsupportedFormat as exc:
        raise Failure(f"{exc}, or name the format with {option}" if option else str(exc)) from None


def _read_all(groups: list[tuple[tuple[str, ...], str | None, str | None]], prefixes: dict[str, str],
              settings: Settings) -> tuple[list[Graph | None], float]:
    """Each group of files (its paths, the format named for them, the option that names it)
    merged into one graph, None for a group of no files: blank nodes kept apart per file, in the
    format named (else by extension; standard input as Turtle), with their prefix declarations
    bound on it (pySHACL's SPARQL constraints see the data's) and added to `prefixes`. Read as
    the service reads uploads, all in one child process under the validation's time and memory
    limits: a few hundred bytes of RDF/XML entities expand to gigabytes, and deeply nested
    JSON-LD overflows the parser's stack."""
    documents: list[Untrusted] = []
    options: dict[str, str | None] = {}  # by each document's source: the option that names its format
    cap = settings.query_memory_bytes
    # No more than could be read within the memory limit: /dev/zero was read until the machine's
    # memory ran out (12 GB in 7 s), before any limit applied.
    too_much = (f"over the validation's memory limit of {cap // 2**20:,} MiB "
                "(GRAPH_SERVICE_QUERY_MEMORY_MB): it cannot be read within it") if cap else ""
    for paths, format_name, format_option in groups:
        named = formats.named(format_name) if format_name else None
        for name in paths:
            options["standard input" if name == STDIN else str(Path(name))] = format_option
            if name == STDIN:
                # Relative IRIs resolve against the working directory, as a file's against its own.
                documents.append(Untrusted(read_bounded(None, cap, too_much), named or _TURTLE,
                                           "standard input", Path.cwd().as_uri() + "/"))
                continue
            path = Path(name)
            body = read_bounded(path, cap, too_much)
            documents.append(Untrusted(body, named or _format_of(path, format_option), str(path),
                                       path.resolve().as_uri()))
    # The time limit runs from here: what standard input took to arrive is not the validation's.
    deadline = time.monotonic() + settings.validation_timeout
    try:
        read = parse_untrusted_all(documents, timeout=settings.validation_timeout,
                                   memory_limit=settings.query_memory_bytes,
                                   network_guard=settings.network_guard)
    except RdfSyntaxError as exc:
        # Most likely the wrong format, where the document opens as another does (JSON-LD piped
        # in, read as Turtle): said, with the option that names it, as the service says it.
        failed = next((d for d in documents if d.source == exc.source), None)
        other = formats.looks_like(failed.body, failed.fmt) if failed is not None else None
        hint = ""
        if failed is not None and other is not None:
            option = options.get(failed.source)
            # An ontology file has no format option: its extension says its format.
            fix = f"give {option} {other.name}" if option else f"name it with .{other.extension}"
            hint = f" (it was read as {failed.fmt.label}, but it looks like {other.label}: {fix})"
        raise Failure(one_line(exc) + hint) from None
    except (UnsupportedFormat, ValidationError) as exc:  # a format it cannot read; over a limit
        raise Failure(one_line(exc)) from None
    except ValidationTimeout:
        raise Failure(_stopped(settings)) from None
    # Empty data checked against the user's own shapes is what they sent: their sh:targetNode
    # may require what is not there (pySHACL validates it too). The groups are data, then shapes.
    data_files, shapes_files = len(groups[0][0]), len(groups[1][0])
    shapes_given = any(parsed for parsed, _ in read[data_files:data_files + shapes_files])
    # Numbered across the groups: the data's first blank node and the shapes' are two nodes.
    each = enumerate(zip(documents, read, strict=True))
    graphs: list[Graph | None] = []
    for group, (paths, _, _) in enumerate(groups):
        declared: dict[str, str] = {}
        quads: list[ox.Quad] = []
        try:
            for _ in paths:
                number, (document, (parsed, found)) = next(each)
                if not parsed and not (group == 0 and shapes_given):
                    # An empty file is not "no file": the project's shapes, or a conforming answer,
                    # in its place would answer for what the user never sent (the service refuses it).
                    raise Failure(f"{document.source}: holds no triples")
                declared.update(found)
                quads.extend(keep_apart(_until(parsed, deadline), number))
            prefixes.update(declared)
            graphs.append(quads_to_graph(_until(quads, deadline), prefixes=declared) if paths else None)
        except ValidationTimeout:
            raise Failure(_stopped(settings)) from None
    return graphs, deadline


def _until(items: list[ox.Quad], deadline: float) -> Iterator[ox.Quad]:
    """`items`, stopped (`ValidationTimeout`) once past `deadline`: labelling their blank nodes
    and making rdflib's graph of them take longer than reading them (3 s for 120,000 triples), and
    count against the time limit."""
    for start in range(0, len(items), 10_000):
        if time.monotonic() > deadline:
            raise ValidationTimeout("past the time limit")
        yield from items[start:start + 10_000]


def _quiet_libraries() -> None:
    # rdflib logs a traceback for every ill-typed literal ("aldi"^^xsd:integer), which SHACL reports
    # as a result; pySHACL logs its own diagnostics to stderr. stderr is for our one-line errors.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    logging.getLogger("pyshacl-validate").disabled = True
    warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.")
