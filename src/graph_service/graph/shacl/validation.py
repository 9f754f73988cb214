"""SHACL validation: pySHACL behind one function, `validate`, safe to run on other people's shapes.

The build pipeline, `graph-service validate` and `POST /validate` all call `validate`. It returns a
`ValidationOutcome` (the full `sh:ValidationReport` graph, the results as objects, a summary for
people) or raises `ValidationError` when the shapes cannot be used: pySHACL's load errors for
malformed shapes and SHACL "failures" (a SPARQL constraint with MINUS, an unsupported feature)
are the author's to fix, so callers answer them as bad input.

Untrusted shapes (`untrusted=True`: everything a user sends) get the rules of the SPARQL endpoint:
- every SPARQL query in the shapes graph (`sh:select`, `sh:ask`: SPARQL-based constraints,
  constraint components and targets) is vetted by `safety.check_query` *with the prefix
  declarations pySHACL will prepend*, so SERVICE, FROM and updates are refused before anything runs;
- their documents are read, and validation runs, in child processes (`sandbox.IsolatedPool`,
  `sandbox.run_isolated`) that cannot open Internet sockets, load no FROM documents, and are
  killed at the caller's time limit;
- pySHACL never follows `owl:imports` here: graphs are handed over already parsed and
  `do_owl_imports` stays off.

pySHACL never gets the caller's shapes graph (it adds triples to the one it is given): it gets
a corrected copy (below). The project's own shapes are validated against again and again (the
build, `POST /validate` without shapes, the tests), so the copy of trusted shapes is prepared once
per content and reused by one validation at a time, sealed against changes; a user's shapes get a
copy of their own. The caller's data, shapes and ontology graphs are left as they were.

Three corrections make pySHACL agree with the SHACL specification on what it is handed as rdflib
graphs (the first two found by the W3C test suite, `tests/test_shacl_conformance.py`):
- only the literal `true` switches a boolean parameter on (`sh:uniqueLang "1"^^xsd:boolean` is not
  `true`); pySHACL relies on patching rdflib while *it* parses files, which parsed graphs escape;
- prefixes come from `sh:prefixes/owl:imports*/sh:declare` (SHACL 5.2.1); pySHACL does not follow
  `owl:imports` there (and passes its tests only because rdflib's parser leaks the file's
  `@prefix` lines into queries);
- `sh:datatype` refuses a literal outside its XSD datatype's lexical space where rdflib takes it
  as it comes ("20a4"^^xsd:gYear, "2024-01-01"^^xsd:dateTime: `lexical`).

Which prefixes a SPARQL constraint may use is pySHACL's answer, kept: those it prepends
(`rdf:`, `rdfs:`, `owl:` and the shape's `sh:prefixes`), and the namespace bindings of the data
graph, which rdflib hands every query it runs on that graph (`initNs`) and which pySHACL's command
line fills with the data file's `@prefix` lines. Callers therefore bind each document's
declarations on the graph read from it (`quads_to_graph(..., prefixes=...)`): the data's are then
in scope, as under pySHACL; the shapes document's alone are not (pySHACL fails on them too), and
the vetting says to declare them with `sh:declare`. An ontology mixed into the data brings its
bindings too, after the data's (pySHACL's `mix_graphs`).

Without a shapes graph pySHACL validates data that holds shapes against those shapes; the
callers do the same (`holds_shapes`) and say which shapes they used.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import warnings
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from graph_service.graph.query import (
    IsolatedError,
    IsolatedPool,
    QueryTimeout,
    UnsafeQuery,
    check_query,
    inspect_query,
    run_isolated,
    safety,
)
from graph_service.graph.rdf import (
    PREFIXES,
    SH,
    SHAPES,
    DocumentTooLarge,
    Format,
    RdfSyntaxError,
    UnsupportedFormat,
    bind_prefixes,
    is_prefix_name,
    parse_quads,
    rdflib_conversions_kept,
    short,
    triple_from_rdflib,
    write_triples,
)
from graph_service.graph.shacl import lexical, order, patterns

log = logging.getLogger(__name__)


def _not_ill_typed(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Failed to convert Literal lexical form")


# rdflib logs a warning with a traceback for every ill-typed literal it meets ("abc"^^xsd:integer):
# in a user's data that is a SHACL result (sh:datatype), and in the server's log it read as a failure,
# one per literal, written as often as anyone posts them.
logging.getLogger("rdflib.term").addFilter(_not_ill_typed)

InferenceChoice = TypingLiteral["none", "rdfs", "owlrl", "both"]
#: pySHACL's: "both" is RDFS and OWL 2 RL together.
INFERENCE_CHOICES: tuple[InferenceChoice, ...] = ("none", "rdfs", "owlrl", "both")


def inference_choice(value: str) -> InferenceChoice | None:
    """`value` as an inference option, None when it names none of INFERENCE_CHOICES."""
    return next((choice for choice in INFERENCE_CHOICES if choice == value), None)


#: The severities, most serious first (the order of the summary).
SEVERITIES: tuple[URIRef, ...] = (URIRef(SH.Violation), URIRef(SH.Warning), URIRef(SH.Info))
#: Their names, as `severity_name` gives them; any other is a severity of the shapes' own.
_SEVERITY_NAMES = ("Violation", "Warning", "Info")

# SHACL's boolean parameters: only the literal "true" activates them.
_BOOLEAN_PARAMETERS = (SH.uniqueLang, SH.closed, SH.deactivated, SH.qualifiedValueShapesDisjoint,
                       SH.optional)
_RANGE_PARAMETERS = (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)
# Literals Turtle writes without quotes: 42, 1.5, true.
_BARE_DATATYPES = (XSD.integer, XSD.decimal, XSD.boolean)
# pySHACL declares these in every SPARQL query it runs (SPARQLQueryHelper.prefixes).
_PYSHACL_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
# What makes a node a shape that selects focus nodes (SHACL 2.1): a shape type, or a target.
_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def holds_shapes(graph: Graph | Dataset) -> int:
    """How many shapes `graph` holds: nodes typed `sh:NodeShape` or `sh:PropertyShape`, or with a
    target, or with property shapes (`sh:property`: a class that is its own shape, untyped, whose
    instances pySHACL validates), or with a path. pySHACL, given no shapes graph, validates such
    data against the shapes in it."""
    shapes = {s for t in _SHAPE_TYPES for s in graph.subjects(RDF.type, t)}
    shapes.update(s for p in (*_TARGETS, SH.property, SH.path) for s in graph.subjects(p, None))
    return len(shapes)


class ValidationError(ValueError):
    """The shapes cannot be used (malformed, unsupported, or a SHACL failure): the input's fault."""


class UnsafeConstraint(ValidationError):
    """A SPARQL query in a user's shapes that this service will not run (SERVICE, FROM, update)."""


class ValidationTimeout(Exception):
    """The validation ran past its time limit and was stopped."""


@dataclass(frozen=True)
class ValidationResult:
    """One `sh:ValidationResult` of the report."""

    focus_node: Node | None  # SHACL requires one; a report without it still reads
    path: Node | None
    source_shape: Node | None
    component: Node | None
    severity: URIRef
    message: str | None
    value: Node | None
    #: The results nested under it (`sh:detail`), which explain it: why a value fails the shape an
    #: sh:node or sh:or names. pySHACL's message says only "See details for more information".
    details: tuple[ValidationResult, ...] = ()
    #: Every message of the result, in whatever languages the shapes give them (`message` is one).
    messages: tuple[Node, ...] = ()

    def in_languages(self, languages: Sequence[str]) -> ValidationResult:
        """The result with its message in the first of `languages` (language ranges, such as an
        Accept-Language header lists) that it has one in, else as before."""
        return replace(self, message=_preferred_message(list(self.messages), languages),
                       details=tuple(d.in_languages(languages) for d in self.details))


@dataclass(frozen=True)
class ShapeGroup:
    """The results of one shape, for the summary."""

    shape: Node | None
    label: str
    results: list[ValidationResult]


@dataclass
class ValidationOutcome:
    conforms: bool
    #: The full `sh:ValidationReport`.
    report: Graph
    results: list[ValidationResult]
    seconds: float
    #: The shapes graph applied (for naming the source shapes in the summary).
    shapes: Graph | None = field(default=None, repr=False)
    #: Results found but left out of the report (`validate`'s `max_results`).
    omitted: int = 0
    #: How many focus nodes the shapes' targets found, where the data conforms and no inference
    #: ran (None otherwise): 0 says that nothing was checked, which "conforms" alone does not.
    focus_nodes: int | None = None
    #: What else the headline says of a result that may not be what the user meant (the project's
    #: shapes without the ontology they read).
    hint: str = ""
    #: The results let through for conforming data (`validate`'s allow_warnings, allow_infos).
    allowed: str = "warnings"
    #: What the data says of the blank nodes the results name (a few of their own triples, as
    #: predicate and object), so that two of them can be told apart (`name`).
    blank_nodes: dict[Node, list[tuple[Node, Node]]] = field(default_factory=dict, repr=False)
    #: What `groups()` found, and the named shape each blank-node shape met belongs to: the
    #: summary is made in the web worker, outside the time limit, and walking up a chain of
    #: 6,000 `sh:property` links for each of 1,000 results (twice, for the page) took it 53 s.
    _groups: list[ShapeGroup] | None = field(default=None, init=False, repr=False, compare=False)
    _roots: dict[Node, Node | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def in_languages(self, languages: Sequence[str]) -> ValidationOutcome:
        """The outcome with each result's message in the first of `languages` it has one in (for
        the summary and the page; the report keeps them all)."""
        return replace(self, results=[r.in_languages(languages) for r in self.results])

    def multilingual(self) -> bool:
        """Whether some result has messages in more than one language (so a language asked for
        may change what the summary says)."""
        return any(len({getattr(m, "language", None) for m in r.messages}) > 1 for r in self.results)

    def use_prefixes(self, prefixes: dict[str, str]) -> None:
        """Name IRIs in the summary and the serialised report with these prefixes too (those
        of the user's documents), without replacing any already bound."""
        bound = dict(self.report.namespaces())
        namespaces = {str(ns) for ns in bound.values()}
        for prefix, namespace in prefixes.items():
            if prefix and prefix not in bound and namespace not in namespaces:
                self.report.bind(prefix, URIRef(namespace))

    def serialize(self, fmt: Format) -> bytes:
        """The full report in an RDF format of the registry, the report node first and each node's
        triples together.

        pyoxigraph writes it: rdflib's Turtle writer prints ill-typed or non-canonical literals
        bare ("none"^^xsd:boolean as `none`), which a report about such literals must not do."""
        if fmt.kind != "graph":  # a report is one graph: a dataset format would only wrap it
            raise ValueError(f"a validation report cannot be written as {fmt.label}")
        triples = [triple_from_rdflib(*triple) for triple in _report_order(self.report)]
        prefixes = {p: str(ns) for p, ns in self.report.namespaces() if p}
        try:
            return write_triples(triples, fmt, prefixes)
        except ValueError as exc:
            raise ValueError(f"the validation report cannot be written as {fmt.label}: {exc}") from None

    def groups(self) -> list[ShapeGroup]:
        """The results grouped by shape (a property shape's results under the node shape that has
        it), the shapes with the most serious results first; in a group, by focus node."""
        if self._groups is not None:
            return self._groups
        by_shape: dict[Node | None, list[ValidationResult]] = {}
        for r in self.results:
            by_shape.setdefault(self._root(r.source_shape), []).append(r)
        groups = [ShapeGroup(shape, self._label(shape), sorted(results, key=_focus_order))
                  for shape, results in by_shape.items()]
        self._groups = sorted(groups, key=lambda g: (min(_severity_rank(r.severity) for r in g.results),
                                                     g.label))
        return self._groups

    def counts(self) -> dict[str, int]:
        """Results per severity name ("Violation", "Warning", "Info")."""
        counts: dict[str, int] = {}
        for r in self.results:
            counts[severity_name(r.severity)] = counts.get(severity_name(r.severity), 0) + 1
        return counts

    def headline(self) -> str:
        hint = f" {self.hint}" if self.hint else ""
        if self.conforms and self.focus_nodes == 0:
            if self.shapes is not None and not holds_shapes(self.shapes):
                return ("Conforms, but the shapes graph holds no shapes (no sh:NodeShape, "
                        "sh:PropertyShape or target): nothing was checked (is it the shapes file?).")
            advanced = "" if self.shapes is None or (None, SH.target, None) not in self.shapes else (
                " (sh:target, SHACL Advanced Features' targets, are not run here)")
            return ("Conforms, but no shape targets anything in the data: nothing was checked "
                    f"(are these the shapes meant for it?){advanced}.{hint}")
        if self.conforms and not self.results:
            checked = (f" ({self.focus_nodes:,} focus {_plural('node', self.focus_nodes)} checked)"
                       if self.focus_nodes else "")
            return f"Conforms: no results{checked}.{hint}"
        per = ", ".join(f"{n} {_plural(name.lower(), n)}" if name in _SEVERITY_NAMES
                        else f"{n} of severity <{name}>" for name, n in self.counts().items())
        shapes = len(self.groups())
        if self.conforms:  # warnings or infos allowed (`validate`'s allow_warnings, allow_infos)
            total = len(self.results) + self.omitted
            cut = f", of which the first {len(self.results)} are reported" if self.omitted else ""
            return (f"Conforms, {self.allowed} allowed: {total} {_plural('result', total)}{cut} ({per}) from "
                    f"{shapes} {_plural('shape', shapes)}.{hint}")
        if self.omitted:
            total = len(self.results) + self.omitted
            return (f"Does not conform: {total} results, of which the first {len(self.results)}, the most "
                    f"severe first, are reported ({per} among them, from {shapes} "
                    f"{_plural('shape', shapes)}).{hint}")
        return (f"Does not conform: {len(self.results)} {_plural('result', len(self.results))} "
                f"({per}) from {shapes} {_plural('shape', shapes)}.{hint}")

    def name(self, term: Node | None) -> str:
        """A term of the report as people read it (`term_name`); a blank node of the data by a
        few of its own statements, `[ a ex:T ; ex:name "x" ]`, where "[blank node]" was all two
        of them had."""
        said = self.blank_nodes.get(term) if isinstance(term, BNode) else None
        if not said:
            return term_name(self.report, term)
        parts = ["a " + term_name(self.report, o) if p == RDF.type else
                 f"{term_name(self.report, p)} {term_name(self.report, _shortened(o))}"
                 for p, o in said[:_BLANK_NODE_STATEMENTS]]
        return "[ " + " ; ".join(parts) + (" ; … ]" if len(said) > _BLANK_NODE_STATEMENTS else " ]")

    def text(self) -> str:
        """A readable summary: per shape its label and count, then each focus node with its
        results (path, message, value)."""
        lines = [self.headline()]
        for group in self.groups():
            lines += ["", f"{group.label}: {len(group.results)} {_plural('result', len(group.results))}"]
            focus: Node | None = None
            said = [(r.focus_node, r.severity, self._said(r)) for r in group.results]
            alike = Counter(said)
            for r, (_, _, line) in zip(group.results, said, strict=True):
                if r.focus_node != focus:
                    focus = r.focus_node
                    lines.append(f"  {self.name(focus)}")
                if alike[r.focus_node, r.severity, line] > 1:
                    # A shape's one sh:message on two of its constraints read as one result twice.
                    line += f" ({_constraint_word(self.report, r.component)})"
                lines.append(f"    {severity_name(r.severity)}: {line}")
                lines += self._detail_lines(r, "      ")
        lines += ["", self.tally()]
        return "\n".join(lines) + "\n"

    def _detail_lines(self, result: ValidationResult, indent: str) -> list[str]:
        """The results nested under `result`, each under the one it explains, one step further in."""
        lines = []
        for d in result.details:
            lines.append(f"{indent}because of {self.name(d.focus_node)}, {self._said(d)}")
            lines += self._detail_lines(d, indent + "  ")
        return lines

    def _said(self, r: ValidationResult) -> str:
        """What a result says, in one line: its path, its message and its value (unless the value
        is the focus node itself); a message's own line breaks ran on at the summary's margin."""
        where = f"{path_text(self.report, r.path)}: " if r.path is not None else ""
        value = f" [value: {self.name(r.value)}]" if r.value is not None and r.value != r.focus_node else ""
        what = " ".join((r.message or term_name(self.report, r.component)).split())
        return f"{where}{what}{value}"

    def tally(self) -> str:
        """One line: how many violations and warnings (and infos, when there are any)."""
        counts = self.counts()
        parts = [f"{counts.get(name, 0)} {_plural(name.lower(), counts.get(name, 0))}"
                 for name in ("Violation", "Warning")]
        if counts.get("Info"):
            parts.append(f"{counts['Info']} {_plural('info', counts['Info'])}")
        # A severity of the shapes' own (SHACL allows any IRI) is counted too, under its IRI.
        parts += [f"{n} of severity <{name}>" for name, n in counts.items() if name not in _SEVERITY_NAMES]
        # Of the reported results only: "1000 violations" under a headline of 1,500 results.
        if not self.omitted:
            return ", ".join(parts)
        left = f"{self.omitted:,} more {_plural('result', self.omitted)} left out"
        return ", ".join(parts) + f" reported, {left}"

    def only_warnings(self) -> bool:
        """Whether every result is a warning or an info (none a violation, nor of another severity)."""
        return set(self.counts()) <= set(_SEVERITY_NAMES[1:])

    def only_infos(self) -> bool:
        """Whether every result is an info."""
        return set(self.counts()) <= set(_SEVERITY_NAMES[2:])

    def _root(self, shape: Node | None) -> Node | None:
        """The named shape a blank-node property shape belongs to (itself when none); each shape
        met on the way is looked up once, whatever the number of results."""
        seen: dict[Node, None] = {}  # in the order met
        while isinstance(shape, BNode) and self.shapes is not None and shape not in seen:
            if shape in self._roots:
                shape = self._roots[shape]
                break
            seen[shape] = None
            parent = self.shapes.value(None, SH.property, shape)
            if parent is None:
                break
            shape = parent
        for met in seen:
            self._roots[met] = shape
        return shape

    def _label(self, shape: Node | None) -> str:
        if shape is None:
            return "(no source shape)"
        if self.shapes is None:
            return term_name(self.report, shape)
        return shape_label(self.shapes, shape, self.report)


class InputTooCostly(ValidationError):
    """A document the parser could not read within the memory limit (or that crashed it)."""


@dataclass(frozen=True)
class Untrusted:
    """A document someone sent: its bytes, their format, its name in messages, and the IRI its
    relative IRIs resolve against."""

    body: bytes
    fmt: Format
    source: str
    base_iri: str | None = None


def parse_untrusted_all(documents: Sequence[Untrusted], *, timeout: float, memory_limit: int | None = None,
                        network_guard: bool = True, allowance: ReadAllowance | None = None,
                        ) -> list[tuple[list[ox.Quad], dict[str, str]]]:
    """`parse_quads` of documents someone sent, and their prefix declarations, read in a process
    of their own under the limits of their validation: a few hundred bytes of RDF/XML entities
    expand to gigabytes, 40,000 nested RDF/XML elements take the parser minutes, 20,000 nested
    triple terms overflow its stack. All of them in one call of a reading process kept from one
    request to the next (`_readers`): a fork of a serving process costs it 10-20 ms of CPU, more
    than reading a small document (a one-triple validation took 66 ms of the service's CPU with
    a process forked to read it, 42 ms without). Raises, for the first document that fails
    in their order, `RdfSyntaxError`, `UnsupportedFormat`, or `InputTooCostly` when it holds more
    than `allowance` has left (which the documents read then take); `ValidationTimeout`, or
    `InputTooCostly` when the parser went over the memory limit or crashed."""
    if not documents:
        return []
    max_quads, max_text = (allowance.quads, allowance.text) if allowance else (None, None)
    left = timeout
    if allowance is not None and allowance.deadline is not None:
        left = min(timeout, allowance.deadline - time.monotonic())
    sources = ", ".join(d.source for d in documents)
    deadline = time.monotonic() + left
    try:
        if left <= 0:
            raise QueryTimeout("no time left")
        outcomes = _readers(memory_limit, not network_guard).call(documents, max_quads, max_text,
                                                                  timeout=left)
    except QueryTimeout:
        raise ValidationTimeout(f"reading {sources} stopped after the time limit of {timeout:g} s") from None
    except IsolatedError as exc:
        if len(documents) > 1:
            # Which one: read alone, each in turn, within the time that is left (a 25 KB JSON-LD
            # document nested 5,000 deep crashed its reader, and the shapes beside it were named too).
            # One that runs out of time is not the one that crashed: all are named then.
            for document in documents:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    _readers(memory_limit, not network_guard).call([document], max_quads, max_text,
                                                                   timeout=remaining)
                except QueryTimeout:
                    break
                except IsolatedError:
                    raise InputTooCostly(f"{document.source} could not be read: {exc}") from None
        raise InputTooCostly(f"{sources} could not be read: {exc}") from None
    read = []
    for kind, payload in outcomes:
        if kind == "syntax":
            raise RdfSyntaxError(*payload)
        if kind == "format":
            raise UnsupportedFormat(payload)
        if kind == "large":
            raise InputTooCostly(payload)
        nquads, prefixes = payload
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        if allowance:
            allowance.quads -= len(quads)
            allowance.text -= len(nquads)
        read.append((quads, prefixes))
    return read


#: The processes that read documents, by their memory limit and network: kept from one request
#: to the next (forking a serving process for each cost more than reading a small document).
_READERS: dict[tuple[int | None, bool], IsolatedPool] = {}
_READERS_LOCK = threading.Lock()


def _readers(memory_limit: int | None, allow_network: bool) -> IsolatedPool:
    with _READERS_LOCK:
        key = (memory_limit, allow_network)
        if key not in _READERS:
            _READERS[key] = IsolatedPool(_parse_all_portably, memory_limit=memory_limit,
                                         allow_network=allow_network)
        return _READERS[key]


def _parse_all_portably(documents: Sequence[Untrusted], max_quads: int | None,
                        max_text: int | None) -> list[tuple[str, Any]]:
    # Runs in the child: each document as `_parse_portably` reads it, the allowance shrinking as
    # they are read, up to the first that fails.
    outcomes = []
    for document in documents:
        kind, payload = _parse_portably(document.body, document.fmt, document.source, document.base_iri,
                                        max_quads, max_text)
        outcomes.append((kind, payload))
        if kind != "quads":
            break
        if max_quads is not None:
            max_quads -= payload[0].count(b"\n")  # N-Quads: one quad a line
        if max_text is not None:
            max_text -= len(payload[0])
    return outcomes


@dataclass
class ReadAllowance:
    """Quads, and bytes of them as N-Quads (names written out in full), that the documents of one
    request may still hold once read. What the process that asked builds from them is several
    times that: a 91 KB Turtle document of long prefixed names was a gigabyte there, and a 2 MB
    list a minute of its time."""

    quads: int
    text: int
    #: When (time.monotonic()) reading them must be done: the time limit is the request's, not
    #: each document's (999 one-triple files took twice an 8 s limit).
    deadline: float | None = None


def _parse_portably(data: bytes, fmt: Format, source: str, base_iri: str | None,
                    max_quads: int | None, max_text: int | None) -> tuple[str, Any]:
    # Runs in the child. The quads come back as N-Quads, which pyoxigraph writes and reads fifty
    # times faster than pickle moves its terms; RdfSyntaxError does not survive pickling as
    # itself, so errors go back as data. A parser that runs out of memory aborts after writing
    # its own lines to stderr (and a backtrace where RUST_BACKTRACE is set): the parent reports
    # the cause in one line, so the child's stderr goes nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    prefixes: dict[str, str] = {}
    try:
        quads = parse_quads(data, fmt, source, base_iri=base_iri, prefixes=prefixes)
        if max_quads is not None and len(quads) > max_quads:
            return "large", (f"{source} holds {len(quads):,} triples; this service validates "
                             f"{max_quads:,} more at most in this request")
        nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""  # None only when given a file
        if max_text is not None and len(nquads) > max_text:
            return "large", (f"{source} is {len(nquads):,} bytes with its names written out in full "
                             f"(as N-Quads); this service validates {max_text:,} more at most in "
                             "this request")
        return "quads", (nquads, prefixes)
    except DocumentTooLarge as exc:
        return "large", str(exc)
    except RdfSyntaxError as exc:
        return "syntax", (exc.source, exc.detail)
    except UnsupportedFormat as exc:
        return "format", str(exc)


def validate(
    data: Graph | Dataset,
    shapes: Graph,
    *,
    ontology: Graph | None = None,
    inference: InferenceChoice = "none",
    timeout: float | None = None,
    memory_limit: int | None = None,
    untrusted: bool = False,
    network_guard: bool = True,
    meta_shacl: bool = False,
    max_results: int | None = None,
    allow_warnings: bool = False,
    allow_infos: bool = False,
) -> ValidationOutcome:
    """Validate `data` against `shapes`.

    `ontology` is mixed into a copy of the data (class hierarchies for `sh:class`); `inference`
    expands that copy first. `untrusted` vets the shapes' SPARQL first (`UnsafeConstraint`). A
    `timeout` runs the validation in a child process that cannot open Internet sockets, is
    killed when time is up (`ValidationTimeout`) and may allocate `memory_limit` bytes more
    (`network_guard=False` lets it open sockets: only where the guard cannot be installed).
    `meta_shacl` first validates the shapes against the SHACL shapes for SHACL (a malformed
    shapes graph is a `ValidationError` naming what is wrong). `max_results` keeps the report to
    that many results (the most severe first, then by focus node, path and shape), counting the rest
    (`ValidationOutcome.omitted`): cut where the validation ran, so that no report outgrows the
    time limit in the process that asked for it. `allow_warnings`, as pySHACL's: results that are
    all warnings or infos leave the data conforming (the report says `sh:conforms true` and still
    lists them); `allow_infos`, the same for results that are all infos.
    Raises `ValidationError` for shapes that cannot be used.
    """
    if inference not in INFERENCE_CHOICES:
        raise ValueError(f"inference must be one of {', '.join(INFERENCE_CHOICES)}, not {inference!r}")
    if untrusted and timeout is None:
        raise ValueError("an untrusted validation needs a time limit")
    started = time.perf_counter()
    with _specified(shapes, shared=not untrusted, as_data=meta_shacl) as shapes:
        if timeout is None:
            conforms, triples, omitted, focus = _run(data, shapes, ontology, inference, meta_shacl,
                                                     max_results)
        else:
            conforms, triples, omitted, focus = _run_in_child(
                data, shapes, ontology, inference, meta_shacl, untrusted, timeout, memory_limit,
                network_guard, max_results)
        namespaces = list(shapes.namespaces())
    report = Graph()
    bind_prefixes(report)
    bound = {prefix for prefix, _ in report.namespaces()}
    for prefix, ns in namespaces:
        if prefix not in bound:
            report.bind(prefix, ns)
    for triple in triples:
        report.add(triple)
    results = _results(report)
    outcome = ValidationOutcome(conforms=conforms, report=report, results=results,
                                seconds=time.perf_counter() - started,
                                shapes=shapes, omitted=omitted, focus_nodes=focus,
                                blank_nodes=_blank_nodes(data, results))
    allowed = "warnings" if allow_warnings and outcome.only_warnings() else \
        "infos" if allow_infos and outcome.only_infos() else None
    if not conforms and allowed:
        outcome.allowed = allowed
        # The most severe results are kept first: a violation left out would be among those kept.
        for report_node in report.subjects(RDF.type, SH.ValidationReport):
            report.set((report_node, SH.conforms, Literal(True)))
        outcome.conforms = conforms = True
    projects_shapes = (URIRef(str(SHAPES)), RDF.type, OWL.Ontology) in shapes
    if ontology is None and not conforms and projects_shapes:
        # 465 violations of the project's own data, where the build finds none: its shapes read
        # the class hierarchy (sh:class lib:Place for a city) from its ontology.
        outcome.hint = ("These are the project's shapes, which read the class hierarchy from the "
                        "project's ontology, not given here: validate with it (graph-service validate "
                        "-e ontology/liberation.ttl; on the web, send the data alone, and the project's "
                        "shapes and ontology are used).")
    elif inference != "none" and not conforms and projects_shapes:
        # Its own data with --inference owlrl: 74 violations saying "the facts state" what the
        # reasoner added, such as the shortcuts the shapes refuse to see stated.
        outcome.hint = ("These are the project's shapes, which check the facts as stated: with the "
                        f"{inference} inference asked for, results may be about statements it added, which "
                        "they expect only the reasoner to derive, never the facts to state (such as "
                        "lib:liberationOrConquestOf); validate without inference to check the facts.")
    node = report.value(None, RDF.type, SH.ValidationReport)
    if node is not None and (node, RDFS.comment, Literal(RECURSION_CUT, lang="en")) in report:
        outcome.hint = f"{outcome.hint} {RECURSION_CUT}".strip()
    for feature, not_run in ((SH.rule, RULES_NOT_RUN), (SH.target, TARGETS_NOT_RUN)):
        if (None, feature, None) in shapes and not (feature == SH.target and focus == 0):
            # (Targets with nothing checked at all: the headline below says so.)
            outcome.hint = f"{outcome.hint} {not_run}".strip()
            if focus != 0 and node is not None:  # else the headline below says it
                report.add((node, RDFS.comment, Literal(not_run, lang="en")))
    if any((imported, None, None) not in shapes and str(imported).rstrip("#") != str(SH).rstrip("#")
           for imported in shapes.objects(None, OWL.imports)):  # (SHACL's own vocabulary is built in)
        outcome.hint = f"{outcome.hint} {IMPORTS_NOT_FOLLOWED}".strip()
        if node is not None:
            report.add((node, RDFS.comment, Literal(IMPORTS_NOT_FOLLOWED, lang="en")))
    if focus == 0 and node is not None:
        # A pipeline that keeps only the report (not the page, the header or the command's words)
        # read `sh:conforms true` and nothing more.
        report.add((node, RDFS.comment, Literal(outcome.headline(), lang="en")))
    return outcome


#: Said of a validation whose shapes hold rules or SPARQL-based targets: pySHACL runs them only as
#: Advanced Features. A target not run checks nothing, so "conforms" says less than it seems to.
RULES_NOT_RUN = ("The shapes hold SHACL rules (sh:rule, an Advanced Feature), which are not run here: "
                 "the data was validated as sent, without what they would add.")
#: Said of a validation that followed shapes referring to one another as deep as pySHACL goes.
RECURSION_CUT = ("Shapes that refer to one another (sh:node, sh:property, sh:and, sh:or, sh:xone, sh:not) "
                 "were followed only so deep (pySHACL backs out of a chain of shapes longer than it "
                 "allows; SHACL leaves recursive shapes undefined, 3.4.3): values further down were not "
                 "checked, so the data may break a shape where no result says so.")
#: Said of a validation whose shapes import documents they do not hold: none is fetched.
IMPORTS_NOT_FOLLOWED = ("The shapes import other documents (owl:imports), which are not fetched: only the "
                        "shapes sent were used, and a shape an imported document defines checked nothing.")
TARGETS_NOT_RUN = ("The shapes hold SPARQL-based targets (sh:target, an Advanced Feature), which are not "
                   "run here: the nodes they would select were not checked by the shapes that use them.")


#: Statements of its own a blank node is named by, at most; characters of a literal in them.
_BLANK_NODE_STATEMENTS = 3
_BLANK_NODE_LITERAL = 40


def _shortened(term: Node) -> Node:
    """A long literal cut, in a blank node's name: a 100 KB text was repeated on every row."""
    if isinstance(term, Literal) and len(str(term)) > _BLANK_NODE_LITERAL:
        return Literal(str(term)[:_BLANK_NODE_LITERAL] + "…", lang=term.language,
                       datatype=None if term.language else term.datatype)
    return term


def _blank_nodes(data: Graph | Dataset, results: list[ValidationResult],
                 ) -> dict[Node, list[tuple[Node, Node]]]:
    """A few statements of each blank node the results name, from the data (the report's blank
    nodes are the data's: the validation ran on this graph, or on a fork of this process holding
    it); its type first, then in a stable order, blank objects left out."""
    found: dict[Node, list[tuple[Node, Node]]] = {}
    for term in dict.fromkeys(t for r in results for t in (r.focus_node, r.value) if isinstance(t, BNode)):
        if len(found) >= 1000:  # a report holds at most a thousand results; the summary is for people
            break
        own = data.quads((term, None, None, None)) if isinstance(data, Dataset) else (
            (s, p, o, None) for s, p, o in data.triples((term, None, None)))
        said = sorted({(p, o) for _, p, o, _ in own if not isinstance(o, BNode)},
                      key=lambda po: (po[0] != RDF.type, str(po[0]), str(po[1])))
        if said:
            found[term] = said[:_BLANK_NODE_STATEMENTS + 1]  # one more: whether there are more
    return found


def _run_in_child(data: Graph | Dataset, shapes: Graph, ontology: Graph | None, inference: str,
                  meta_shacl: bool, untrusted: bool, timeout: float, memory_limit: int | None,
                  network_guard: bool, max_results: int | None,
                  ) -> tuple[bool, list[tuple[Node, Node, Node]], int, int | None]:
    """`_run_sealed` in a disposable child, under the time and memory limits."""
    # Imported here, in the process that forks, once: each child then has it rather than
    # importing it again (0.2-0.3 s, ten times a small validation's own time). A server that
    # never validates never imports it.
    import pyshacl  # noqa: F401
    if not untrusted:
        _translate_wanted()
    try:
        # Vetting parses every query of the shapes with rdflib (tens of ms each): in the child,
        # under the time limit, or 2 MB of shapes would hold the server for minutes.
        conforms, portable, omitted, focus, learnt = run_isolated(
            _run_sealed, data, shapes, ontology, inference, meta_shacl, untrusted, max_results,
            timeout=timeout, memory_limit=memory_limit, allow_network=not network_guard)
    except QueryTimeout:
        raise ValidationTimeout(f"validation stopped after its time limit of {timeout:g} s") from None
    except IsolatedError as exc:
        raise ValidationError(f"validation stopped: {exc}") from None
    if not untrusted:
        # The prefixes in a key are the data's too (rdflib's): a user's data declaring thousands
        # of them does not get its keys kept.
        learnt = [key for key in learnt if len(key[2]) <= _PREFIXES_KEPT]
        with _TRANSLATIONS_LOCK:
            for key in learnt:
                if key not in _WANTED and len(_WANTED) >= _TRANSLATIONS_KEPT:
                    del _WANTED[next(iter(_WANTED))]  # the one first seen
                _WANTED[key] = _WANTED.get(key, 0) + 1
    return conforms, [(_unpacked(s), _unpacked(p), _unpacked(o)) for s, p, o in portable], omitted, focus


def severity_name(severity: Node | None) -> str:
    if isinstance(severity, URIRef) and str(severity).startswith(str(SH)):
        return str(severity)[len(str(SH)):]
    return str(severity)


#: Nesting of a path written out, as deep as pySHACL follows one ("Path traversal depth is too
#: much!" beyond): a path that holds itself is written to that depth, then "…".
_PATH_DEPTH = 12


#: How a path's problem begins where the path is a SHACL path, only deeper than `_PATH_DEPTH`.
_TOO_DEEP_PATH = "it nests"
#: The properties of a blank node that is a path of one kind (SHACL 2.3.1); a sequence is a list.
_PATH_KINDS = (SH.alternativePath, SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def ill_formed_path(shapes: Graph) -> str | None:
    """The first `sh:path` value of `shapes` that is no SHACL property path (2.3.1), or nests
    deeper than pySHACL follows one, in words; None where every one is fine. pySHACL validates
    with an ill-formed path as it can (a literal in a sequence matched nothing, a blank node with
    two kinds was read as one of them), reporting results SHACL leaves undefined."""
    checked: dict[tuple[Node, int], str | None] = {}
    for shape, path in sorted(shapes.subject_objects(SH.path), key=lambda pair: str(pair[1])):
        problem = _path_problem(shapes, path, (), checked)
        if problem:
            named = _shape_named(shapes, shape)
            if problem.startswith(_TOO_DEEP_PATH):  # a SHACL path all the same
                return f"the sh:path of {named} {problem.removeprefix('it ')}"
            return f"the sh:path of {named} is no SHACL property path: {problem}"
    return None


def _path_problem(g: Graph, path: Node, above: tuple[Node, ...],
                  checked: dict[tuple[Node, int], str | None]) -> str | None:
    """What is wrong with `path`, a part of the paths `above` (outermost first); `checked` holds
    the verdicts on the parts already read at each depth, so a part many paths share is read
    once (a list of a list of ... each part twice took time doubling with each level)."""
    if isinstance(path, URIRef):
        return None
    if isinstance(path, Literal):
        return f"{term_name(g, path)} is a literal, where a property (an IRI) or a path goes"
    if path in above:
        return "it holds itself"
    if len(above) >= _PATH_DEPTH:
        return f"{_TOO_DEEP_PATH} more than {_PATH_DEPTH} deep, past what this validator (pySHACL) follows"
    if (path, len(above)) in checked:
        return checked[path, len(above)]
    inner = (*above, path)
    if (path, RDF.first, None) in g or path == RDF.nil:
        problem = _list_problem(g, path, inner, checked, "a sequence path")
    else:
        kinds = [kind for kind in _PATH_KINDS if (path, kind, None) in g]
        values = list(g.objects(path, kinds[0])) if len(kinds) == 1 else []
        if len(kinds) > 1:
            listed = ", ".join(term_name(g, kind) for kind in kinds)
            problem = f"a blank node with {listed}, where a path has one"
        elif not kinds:
            problem = ("a blank node that is neither a list (a sequence) nor has one of " +
                       ", ".join(term_name(g, kind) for kind in _PATH_KINDS))
        elif len(values) != 1:
            problem = f"{term_name(g, kinds[0])} has {len(values)} values, where it takes one"
        elif kinds[0] == SH.alternativePath:
            problem = _list_problem(g, values[0], inner, checked, "sh:alternativePath")
        else:
            problem = _path_problem(g, values[0], inner, checked)
    checked[path, len(above)] = problem
    return problem


#: Parameters whose values must be of a kind, the test of it, and the kind in words.
_PARAMETER_VALUES: tuple[tuple[tuple[URIRef, ...], Callable[[Node], bool], str], ...] = (
    (_RANGE_PARAMETERS, lambda v: isinstance(v, Literal), "a literal"),
    ((SH.pattern, SH.flags), lambda v: isinstance(v, Literal) and not v.language
     and v.datatype in (None, XSD.string), "a string"),
    (_BOOLEAN_PARAMETERS, lambda v: isinstance(v, Literal) and v.datatype == XSD.boolean, "true or false"),
)


def ill_formed_parameter(shapes: Graph) -> str | None:
    """The first value of `sh:pattern` or `sh:flags` that is no string, of `sh:in` or
    `sh:languageIn` that is no well-formed list (SHACL 4.4.1, 4.7.3, 4.5.1), or of a boolean
    parameter (`sh:deactivated`, `sh:closed` ...) that is no boolean, in words; None where every one
    is fine. pySHACL failed on the first two in Python's words ("object of type 'int' has no
    len()", "List contains a recursive rdf:rest reference"), and took the third by Python's truth:
    `sh:deactivated "false"`, a string, switched its shape off without a word. Likewise a bound
    (`sh:minInclusive` ...) that is no literal, on which pySHACL failed with a bare AssertionError;
    and an entailment regime the shapes ask for (`sh:entailment`), which SHACL 1.5 requires a
    processor that does not support it to refuse: pySHACL ignored it."""
    asked = sorted(shapes.subject_objects(SH.entailment), key=lambda pair: str(pair[1]))
    if asked:
        shapes_graph, regime = asked[0]
        return (f"{term_name(shapes, shapes_graph)} asks for the entailment regime "
                f"{term_name(shapes, regime)} (sh:entailment), which this validator does not take from the "
                "shapes: leave it out (RDFS or OWL 2 RL inference is chosen with the inference option)")
    for parameters, fits, what in _PARAMETER_VALUES:
        for parameter in parameters:
            for shape, value in sorted(shapes.subject_objects(parameter), key=lambda pair: str(pair[1])):
                if not fits(value):
                    return (f"the {term_name(shapes, parameter)} of {_shape_named(shapes, shape)} is "
                            f"{term_name(shapes, value)}, where {what} goes")
    for parameter in (SH["in"], SH.languageIn):
        for shape, head in sorted(shapes.subject_objects(parameter), key=lambda pair: str(pair[1])):
            if _members(shapes, head) is None:
                return (f"the {term_name(shapes, parameter)} of {_shape_named(shapes, shape)} is not "
                        "a well-formed list")
    return None


def _members(g: Graph, head: Node) -> list[Node] | None:
    """The members of the RDF list `head`, or None where it is no well-formed list (a node without
    one rdf:first and one rdf:rest, or a cycle)."""
    members: list[Node] = []
    node, walked = head, set()
    while node != RDF.nil:
        firsts, rests = list(g.objects(node, RDF.first)), list(g.objects(node, RDF.rest))
        if node in walked or len(firsts) != 1 or len(rests) != 1:
            return None
        walked.add(node)
        members.append(firsts[0])
        node = rests[0]
    return members


def _shape_named(shapes: Graph, shape: Node) -> str:
    if not isinstance(shape, BNode):
        return term_name(shapes, shape)
    for link, what in ((SH.property, "a property shape"), (SH.parameter, "a parameter")):
        owner = shapes.value(None, link, shape)
        if owner is not None:
            return f"{what} of {term_name(shapes, owner)}"
    return term_name(shapes, shape)


def _list_problem(g: Graph, head: Node, above: tuple[Node, ...],
                  checked: dict[tuple[Node, int], str | None], what: str) -> str | None:
    """What keeps `head` from being a well-formed list of two paths or more, as `what` needs."""
    members = _members(g, head)
    if members is None:
        return f"{what} is not a well-formed list"
    if len(members) < 2:
        paths = "1 path" if len(members) == 1 else "no path"
        return f"{what} lists {paths}, where it takes two or more"
    for member in members:
        problem = _path_problem(g, member, above, checked)
        if problem:
            return problem
    return None


def path_text(graph: Graph, path: Node | None, depth: int = 0) -> str:
    """A SHACL property path as a SPARQL property path, with the graph's prefixes (its parts in
    pySHACL's order: a path node with two meanings reads as pySHACL reads it)."""
    if path is None:
        return ""
    if not isinstance(path, BNode):
        return term_name(graph, path)
    if depth >= _PATH_DEPTH:
        return "…"
    if (path, RDF.first, None) in graph:
        return "/".join(_each_grouped(graph, path, depth))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _grouped(graph, inverse, depth)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_each_grouped(graph, alternatives, depth))
    for predicate, template in ((SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                                (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_grouped(graph, inner, depth))
    return term_name(graph, path)


def _constraint_word(graph: Graph, component: Node | None) -> str:
    """A SHACL constraint component by its parameter, as shapes write it (sh:maxCount for
    sh:MaxCountConstraintComponent); another component by its name."""
    name = str(component or "")
    if name.startswith(str(SH)) and name.endswith("ConstraintComponent"):
        local = name.removeprefix(str(SH)).removesuffix("ConstraintComponent")
        return "sh:" + ("sparql" if local == "SPARQL" else local[:1].lower() + local[1:])
    return term_name(graph, component)


def term_name(graph: Graph, term: Node | None) -> str:
    """A term as people read it: a prefixed name (the project's prefixes, then the graph's), a
    literal in Turtle notation, an IRI in angle brackets, a blank node as "[blank node]"."""
    if isinstance(term, Literal):
        # Bare only in a form Turtle reads back as the same literal: "1"^^xsd:boolean shown as 1
        # read as an integer.
        local = str(term.datatype).removeprefix(str(XSD))
        if term.datatype in _BARE_DATATYPES and re.fullmatch(_BARE[local], str(term)):
            return str(term)
        if term.datatype is not None and not term.language:
            # Its own form: rdflib writes a double's infinity and NaN in its canonical form
            # ("-inf" shown as "-INF"), which the report, which keeps the term, does not.
            return Literal(str(term)).n3() + "^^" + URIRef(term.datatype).n3(graph.namespace_manager)
        return term.n3(graph.namespace_manager)
    if isinstance(term, BNode):
        return "[blank node]"
    text = short(term)
    if isinstance(term, URIRef) and text.startswith("<"):
        try:
            prefix, _, local = graph.namespace_manager.compute_qname(str(term), generate=False)
        except (KeyError, ValueError):
            return text
        if prefix and local:
            return f"{prefix}:{local}"
    return text


def vet_sparql(shapes: Graph, data: Graph | Dataset, ontology: Graph | None = None) -> None:
    """Refuse shapes whose SPARQL would reach the network or read documents, or does not parse.

    Each query is checked as it will run: after the prefix declarations that pySHACL prepends
    and those rdflib takes from the data graph's namespace bindings (the data documents' @prefix
    lines, and the ontology's when one is mixed in).
    """
    if not any(isinstance(o, Literal) for p in (SH.select, SH.ask) for o in shapes.objects(None, p)):
        return
    in_scope = _prefixes_in_scope(shapes, data, ontology)
    if any("PATH" in str(o) for p in (SH.select, SH.ask) for o in shapes.objects(None, p)):
        _vet_paths(shapes, in_scope)
    forms = {str(SH.select): "select", str(SH.ask): "ask"}
    for node, text, predicate in ((s, str(o), str(p)) for p in (SH.select, SH.ask)
                                  for s, o in shapes.subject_objects(p) if isinstance(o, Literal)):
        # Each query with the declarations pySHACL gives it: its own sh:prefixes', not every
        # node's (two nodes may declare two prefixes for one namespace, which one query cannot hold).
        own = _prefixes_in_scope(shapes, data, ontology, node)
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in own.items())
        lines = prologue.count("\n")
        try:
            check_query(prologue + text, allowed_graphs=())
            shape = inspect_query(prologue + text)  # parsed once: the check above kept it
            form = shape.form
        except UnsafeQuery as exc:
            raise UnsafeConstraint(f"{_query_owner(shapes, node)} refused: {exc}") from None
        except SyntaxError as exc:
            shared = _shared_namespace(str(exc), own, text)
            if shared:
                raise ValidationError(f"{_query_owner(shapes, node)} cannot be run: {shared}") from None
            # Positions in the user's own text: the prologue's lines are not theirs.
            found = re.match(r"error at (\d+):", str(exc))
            where = str(exc) if found is None else \
                f"error at {max(1, int(found[1]) - lines)}:" + str(exc)[found.end():]
            where = _UNDECLARED.sub(lambda m: _declare_advice(m[1], shapes), where)
            raise ValidationError(f"{_query_owner(shapes, node)} does not parse: {where}") from None
        except Exception as exc:  # a query the checker cannot judge is not run
            log.warning("vetting a SPARQL query failed", exc_info=True)
            raise UnsafeConstraint(f"{_query_owner(shapes, node)} refused: it could not be checked "
                                   f"for SERVICE and FROM ({type(exc).__name__}: {exc})") from None
        unknown = [iri for iri in shape.functions if iri not in _RDFLIB_FUNCTIONS]
        if unknown:
            # rdflib's engine, which pySHACL runs them on, fails each call to it, and the FILTER
            # or BIND holding it drops every row: the constraint passed everything, unsaid.
            raise ValidationError(f"{_query_owner(shapes, node)} calls <{unknown[0]}>, a function the "
                                  "validator's SPARQL engine (rdflib's, under pySHACL) does not have: "
                                  "every call would fail, and the constraint report nothing")
        if form and form != forms[predicate]:
            # pySHACL would run it and fail on its answer, in words about its own code.
            raise ValidationError(f"{_query_owner(shapes, node)}: sh:{forms[predicate]} holds a "
                                  f"{form.upper()} query; it must be a {forms[predicate].upper()}")
        reporting = {"this", "path", "value"} & set(shape.projected)
        if form == "select" and _reports(shapes, node) and not reporting:
            # pySHACL makes a result of a solution only by its $this, ?path or ?value: with none
            # of them projected the constraint passed everything, unsaid. (SHACL requires $this;
            # pySHACL reports a solution binding ?value or ?path without it, and so does this.)
            raise ValidationError(f"{_query_owner(shapes, node)}: its SELECT projects none of $this, ?path "
                                  "and ?value, so none of its solutions could be a result (SHACL "
                                  "requires `SELECT $this ...`)")


def _reports(shapes: Graph, node: Node) -> bool:
    """Whether the query `node` holds makes validation results: a SPARQL constraint's, or a
    SELECT-based validator's (not a SHACL-AF function's or target's)."""
    return any((None, p, node) in shapes for p in (SH.sparql, SH.nodeValidator, SH.propertyValidator))


#: The functions called by IRI that rdflib's SPARQL engine evaluates: its XSD casts
#: (rdflib.plugins.sparql.operators.default_cast); any other IRI is "Unknown function" there.
_RDFLIB_FUNCTIONS = frozenset(str(XSD[name]) for name in ("string", "dateTime", "float", "double", "decimal",
                                                           "integer", "boolean"))


#: A SPARQL local name (PN_LOCAL, near enough): what a prefixed name's end may hold unescaped.
_PN_LOCAL = re.compile(r"(?:[\w\-.:\u00b7]|%[0-9A-Fa-f]{2})*")
_PATH_LINKS = (RDF.first, RDF.rest, SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
               SH.zeroOrOnePath)


def _vet_paths(shapes: Graph, namespaces: Mapping[str, str]) -> None:
    """pySHACL writes a shape's path into a SPARQL constraint in place of `$PATH`: an IRI under
    one of its namespaces as `prefix:rest`, the rest unescaped. A rest that is no SPARQL local
    name (a quote, a `#`, a bracket) changes how the text reads after it, so that words the check
    read inside a string or a comment run (a FROM, a SERVICE). Where a query uses `$PATH`, a path
    naming such an IRI is refused (`namespaces`: every one a query may have, a superset of
    pySHACL's)."""
    for iri in _path_iris(shapes):
        # Written whole (<iri>, under no namespace) it is one name, but `$PATH` is replaced inside
        # strings too, and a quote there ends the string early.
        if "'" in iri or '"' in iri:
            raise UnsafeConstraint(
                f"the path <{iri}> cannot stand for $PATH in a SPARQL constraint: it holds a quote, "
                "which would end a string of the query early (the query would run as other text than "
                "the one checked)")
        for prefix, namespace in namespaces.items():
            if not namespace or not iri.startswith(namespace):
                continue
            rest = iri.replace(namespace, "")  # as pySHACL writes it
            if not _PN_LOCAL.fullmatch(rest) or rest.endswith("."):
                raise UnsafeConstraint(
                    f"the path <{iri}> cannot stand for $PATH in a SPARQL constraint: pySHACL writes it "
                    f"as {prefix}:{rest}, which SPARQL does not read as one name (the query would run "
                    "as other text than the one checked); use a property IRI whose name is a SPARQL "
                    "local name (letters, digits, _ - . :)")


def _path_iris(shapes: Graph) -> set[str]:
    """The IRIs of every path in the shapes graph, inside sequences, alternatives and the rest."""
    found: set[str] = set()
    todo = list(shapes.objects(None, SH.path))
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, URIRef):
            if node != RDF.nil:
                found.add(str(node))
        elif isinstance(node, BNode):
            todo.extend(o for p in _PATH_LINKS for o in shapes.objects(node, p))
    return found


#: The SPARQL checker's advice for an undeclared prefix, written for a query typed by hand.
_UNDECLARED = re.compile(r"the prefix ([^\s:]*): is not declared; add PREFIX [^\s:]*: <[^>]*>")


#: rdflib's parser's words for a prefix its prologue lost, and a query's own declarations.
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : ([^\s:]*)")
_PREFIX_LINE = re.compile(r"PREFIX\s+([^\s:]*):\s*<([^>]*)>", re.IGNORECASE)


def _shared_namespace(error: str, in_scope: Mapping[str, str], text: str) -> str | None:
    """Why rdflib does not know a prefix that is declared (`error`, its words), where another prefix
    is declared for the same namespace: its prologue keeps one prefix per namespace, the last bound
    (rdflib issue #2077), though SPARQL allows any number. None where that is not the cause."""
    unknown = _UNKNOWN_PREFIX.search(error)
    if unknown is None:
        return None
    prefix = unknown[1]
    declared = {**in_scope, **dict(_PREFIX_LINE.findall(text))}
    namespace = declared.get(prefix)
    others = sorted(p for p, ns in declared.items() if ns == namespace and p != prefix)
    if namespace is None or not others:
        return None
    first, second = sorted((prefix, others[0]))
    return (f"the prefixes {first}: and {second}: are both declared for <{namespace}>, and the "
            "validator's SPARQL engine (rdflib's, under pySHACL) knows one prefix per namespace: "
            "use one prefix for it")


def _declare_advice(prefix: str, shapes: Graph) -> str:
    """What SHACL asks of a SPARQL constraint's author for a prefix it uses: `sh:declare` on the
    node its `sh:prefixes` names; or, as pySHACL reads data, @prefix in the data document."""
    bound = dict(shapes.namespaces()).get(prefix)
    namespace = str(bound) if bound is not None else str(PREFIXES.get(prefix, "..."))
    advice = (f'the prefix {prefix}: is not declared: declare it in the shapes with sh:declare '
              f'[ sh:prefix "{prefix}" ; sh:namespace "{namespace}"^^xsd:anyURI ] on a node that the '
              f"shape or constraint names with sh:prefixes, or with @prefix {prefix}: <{namespace}> "
              "in the data document")
    if bound is not None:
        advice += (f" (the shapes document's own @prefix {prefix}: does not reach SPARQL constraints, "
                   "in pySHACL either)")
    return advice


# --- running pySHACL --------------------------------------------------------------------------


_QueryKey: TypeAlias = tuple[str, str | None, tuple[tuple[str, str], ...]]
#: Translated SPARQL by (text, base, prefixes), most recently used last.
_TRANSLATIONS: OrderedDict[_QueryKey, Query] = OrderedDict()
_TRANSLATIONS_KEPT = 512
_TRANSLATIONS_LOCK = threading.Lock()
#: Queries of trusted shapes that sandboxed validations had to translate in their children, and
#: how often (rdflib's translated queries do not survive pickling). The key holds the data's
#: prefixes too, so one seen once may never come again: translated here from the second time.
_WANTED: dict[_QueryKey, int] = {}
_PREFIXES_KEPT = 200


def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Query:
    key = (text, base, namespaces)
    with _TRANSLATIONS_LOCK:
        query = _TRANSLATIONS.get(key)
        if query is not None:
            _TRANSLATIONS.move_to_end(key)
            return query
    query = translateQuery(parseQuery(text), base, dict(namespaces))
    with _TRANSLATIONS_LOCK:
        _TRANSLATIONS[key] = query
        while len(_TRANSLATIONS) > _TRANSLATIONS_KEPT:
            _TRANSLATIONS.popitem(last=False)
    return query


def _translate_wanted() -> None:
    """Translate, in the process that forks, the trusted queries earlier children asked for more
    than once: a child's translations die with it, and the project's fourteen SPARQL constraints
    cost each sandboxed validation (`POST /validate`, `validate --data`) six times its own work."""
    with _TRANSLATIONS_LOCK:
        wanted = [key for key, seen in _WANTED.items() if seen > 1 and key not in _TRANSLATIONS]
        for key in wanted:
            del _WANTED[key]
    for text, base, namespaces in wanted:
        try:
            _translated(text, base, namespaces)
        except Exception:  # the child translated it; should this fail, the next child will again
            log.warning("translating a SPARQL query of the shapes failed", exc_info=True)


def _query_once(self: SPARQLProcessor, strOrQuery: str | Query,
                initBindings: Mapping[str, Identifier] | None = None,
                initNs: Mapping[str, Any] | None = None, base: str | None = None,
                DEBUG: bool = False) -> Mapping[str, Any]:
    """rdflib's `SPARQLProcessor.query` (its signature, so that it can stand in for it),
    translating each query text once."""
    query = strOrQuery
    if isinstance(query, str):
        query = _translated(query, base, _used_namespaces(query, initNs or {}))
    return evalQuery(self.graph, query, initBindings or {}, base)


def _used_namespaces(text: str, namespaces: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The bindings a query text may use: those whose "prefix:" occurs in it (a superset of the
    prefixed names it uses; all of them where \\u escapes could spell one). The rest cannot change
    its translation, and leaving them out of the cache key keeps one translation of a trusted
    shape's query for data documents that bind prefixes of their own (`ex:` and the like)."""
    items = ((str(p), str(ns)) for p, ns in namespaces.items())
    if "\\u" in text or "\\U" in text:
        return tuple(sorted(items))
    return tuple(sorted((p, ns) for p, ns in items
                        if (f"{p}:" in text if p else _EMPTY_PREFIX_USE.search(text) is not None)))


# A ":" that may begin a name of the empty prefix: not right after a character of a longer prefix,
# unless that is a variable's name (`$this:p` is `$this` and `:p`).
_EMPTY_PREFIX_USE = re.compile(r"(?:^|[^\w\-\u00b7\u0300-\u036f\u203f\u2040]"
                               r"|[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+):")


@contextmanager
def _sparql_parsed_once() -> Iterator[None]:
    """pySHACL hands rdflib the text of a SPARQL-based constraint once per focus node, and rdflib
    parses it every time: over four fifths of a validation's time (profiled: 6.5 of 7.8 s for five
    small graphs). A translated query is reusable with other bindings (rdflib's `prepareQuery`
    exists for that), so while pySHACL runs, each text is parsed once."""
    original = SPARQLProcessor.query
    SPARQLProcessor.query = _query_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        SPARQLProcessor.query = original  # type: ignore[method-assign]


class _Members(list):
    """A list whose `in` is a set lookup (equal terms hash alike, so the answer is the same)."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items)
        self._set = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._set


#: SPARQL texts pySHACL has found admissible (no MINUS, VALUES, SERVICE ...), with what it checked
#: them for; bounded, and in a sandbox child it grows only there.
_ADMISSIBLE_SPARQL: set[tuple[str, bool, frozenset[str]]] = set()
_TUNED = threading.Lock()


def _tune_pyshacl(pyshacl: Any) -> None:
    """Two of pySHACL's per-focus-node costs, paid once instead (profiled on the project's shapes:
    together about a third of a small validation):
    - for each shape and focus node it tests each predicate of the shape against its list of
      constraint parameters with `in` on a list (three million `URIRef.__eq__` for 150
      validations): the same list, answering `in` from a set;
    - before each SPARQL query it runs its admissibility regexes on the query text again: the
      verdict on a text (it is a function of the text and of which variables are pre-bound) is
      remembered once the text passed; a refused text is refused every time, as before.
    Idempotent; installed for the process (both only change how fast pySHACL answers), with
    `_in_messages_in_order`."""
    with _TUNED:
        # The modules come with `import pyshacl` (which `_run` defers: 0.3 s).
        shape, constraints = pyshacl.shape, pyshacl.constraints
        helper = pyshacl.helper.sparql_query_helper.SPARQLQueryHelper
        # pySHACL's own cache of the two (shape.py reads it with getattr and fills it when empty).
        cached = getattr(shape, "CONSTRAINT_PARAMS", None)
        if not (isinstance(cached, tuple) and isinstance(cached[0], _Members)):
            shape.CONSTRAINT_PARAMS = (
                _Members(constraints.ALL_CONSTRAINT_PARAMETERS), constraints.CONSTRAINT_PARAMETERS_MAP)
        check = helper.check_invalid_sparql
        if getattr(check, "remembers", False):
            return

        def check_once(self: Any, sparql_text: str, valuenode: Any = None, extravars: Any = None) -> bool:
            key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
            if key not in _ADMISSIBLE_SPARQL:
                # Its checks are searches of the text for words (SERVICE, MINUS, VALUES): the
                # words in a string or a comment are none of those clauses.
                code = safety.strip_iris_strings_and_comments(sparql_text)
                check(self, code, valuenode=valuenode, extravars=extravars)  # raises if not
                if len(_ADMISSIBLE_SPARQL) < 10_000:
                    _ADMISSIBLE_SPARQL.add(key)
            return True

        check_once.remembers = True  # type: ignore[attr-defined]
        helper.check_invalid_sparql = check_once
        _in_messages_in_order(pyshacl)


def _install(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """`owner.name` replaced by `make(the original)`, once per process: every validation installs
    the patches, and a replacement carries a mark that the next call finds."""
    with _TUNED:
        actual = getattr(owner, name)
        if getattr(actual, "graph_service_patch", False):
            return
        replacement = make(actual)
        replacement.graph_service_patch = True
        setattr(owner, name, replacement)


def _lexical_forms_checked(pyshacl: Any) -> None:
    """`sh:datatype` decides by XML Schema 1.1's lexical spaces (`lexical`) for the datatypes it
    holds, not by what rdflib could convert: rdflib took "20a4"^^xsd:gYear as it came, and marked
    ill-typed what Python's dates cannot hold ("24:00:00"^^xsd:time, the year 0000, years of five
    digits), which XML Schema allows."""
    def wrap(actual: Callable[..., tuple[bool, list]]) -> Callable[..., tuple[bool, list]]:
        def evaluate(self: Any, executor: Any, target_graph: Any, focus_value_nodes: dict,
                     _evaluation_path: list) -> tuple[bool, list]:
            rule = self.datatype_rule
            if not lexical.holds(rule):
                return actual(self, executor, target_graph, focus_value_nodes, _evaluation_path)
            # SHACL 4.1.1: a literal matches when its datatype is the one named and its form is
            # not ill-typed for it.
            reports = [self.make_v_result(target_graph, focus, value_node=v)
                       for focus, value_nodes in focus_value_nodes.items() for v in value_nodes
                       if not (isinstance(v, Literal) and v.datatype == rule and lexical.well_formed(v))]
            return not reports, reports
        return evaluate

    _install(pyshacl.constraints.core.value_constraints.DatatypeConstraintComponent, "evaluate", wrap)


def _patterns_read_as_xpath(pyshacl: Any) -> None:
    """`sh:pattern` and `sh:flags` as SHACL reads them (`patterns`): pySHACL compiles the pattern
    for Python's re as it is and honours the flags i and m only."""
    def wrap(actual: Callable[..., None]) -> Callable[..., None]:
        def __init__(self: Any, shape: Any) -> None:
            actual(self, shape)
            flags = "" if self.flags is None else str(self.flags)
            self.compiled_cache = {p: patterns.python_regex(str(p), flags) for p in self.string_rules}
        return __init__

    _install(pyshacl.constraints.core.string_based_constraints.PatternConstraintComponent, "__init__", wrap)


def _pairs_compared_as_sparql(pyshacl: Any) -> None:
    """`sh:lessThan` and `sh:lessThanOrEquals` compare as SPARQL's `<` and `<=` do (`order`),
    and a pair they cannot compare is a result (SHACL 4.5.3 and 4.5.4): pySHACL compared rdflib's
    Python values, under which a date was less than an integer (no result) while the integer was
    not less than the date (a result), an IRI was compared as a string, and a blank node in the
    data made the shapes unusable."""
    core = pyshacl.constraints.core.property_pair_constraints
    stringify = pyshacl.rdfutil.stringify_node
    for component, method, operator in ((core.LessThanConstraintComponent, "_compare_lt", "<"),
                                        (core.LessThanOrEqualsConstraintComponent, "_compare_ltoe", "<=")):
        def compare(self: Any, value_nodes: Iterable[Node], compare_values: Iterable[Node],
                    datagraph: Any, focus: Node, operator: str = operator) -> tuple[bool, list]:
            reports = [self.make_v_result(datagraph, focus, value_node=v) for v, _ in
                       order.failing(list(value_nodes), list(compare_values), operator)]
            return bool(reports), reports

        def messages(self: Any, datagraph: Any, focus: Node, value: Node, operator: str = operator) -> list:
            # pySHACL's "Value of ex:a->ex:hi <= 5" read as a comparison that was made.
            shapes = self.shape.sg.graph
            others = ", ".join(sorted(stringify(shapes, p) for p in self.property_compare_set))
            relation = "less than" if operator == "<" else "less than or equal to"
            return [Literal(f"Value {stringify(datagraph, value)} is not {relation} a value of {others}, "
                            "or cannot be compared with one")]

        _install(component, method, _instead(compare))
        _install(component, "make_generic_messages", _instead(messages))


def _instead(replacement: Callable[..., Any]) -> Callable[[Any], Callable[..., Any]]:
    """For `_install`: the replacement, whatever the original was."""
    def make(_actual: Any) -> Callable[..., Any]:
        return replacement
    return make


def _select_validators_once_per_focus_node(pyshacl: Any) -> None:
    """A SELECT-based validator of a property shape (`sh:propertyValidator`) runs once per focus
    node, `$this` pre-bound and `$PATH` substituted, each solution a result (SHACL 6.3): pySHACL
    ran it once per value node, with `$value` pre-bound, so a focus node with three values had the
    same result three times and one with none had none, whatever the query selected. Node shapes'
    validators, whose value node is the focus node, run as before."""
    def wrap(actual: Callable[..., set]) -> Callable[..., set]:
        def validate(self: Any, executor: Any, focus: Node, value_nodes: Iterable[Node], target_graph: Any,
                     query_helper: Any = None, new_bind_vals: Any = None) -> set:
            if query_helper is None or not query_helper.shape.is_property_shape:
                return actual(self, executor, focus, value_nodes, target_graph, query_helper, new_bind_vals)
            # One run with no value node to pre-bind; each solution's ?value, where it has one, is
            # the value its message names.
            return {(solution[2], solution) if isinstance(solution, tuple) else (None, solution)
                    for _, solution in actual(self, executor, focus, [None], target_graph, query_helper,
                                              new_bind_vals)}
        return validate

    _install(pyshacl.constraints.sparql.sparql_based_constraint_components.SelectConstraintValidator,
             "validate", wrap)


def _inverse_sequences_reversed(pyshacl: Any) -> None:
    """pySHACL 0.40 walks the inverse of a sequence path in the order written: from ex:acme,
    `[ sh:inversePath ( ex:worksFor ex:partOf ) ]` found nothing where ex:alice works for a part of
    it. SHACL's inverse of a sequence is the sequence of the inverses, last first (as SPARQL's
    `^(p/q)` is `^q/^p`). Its other paths are walked as before."""
    helper = pyshacl.helper.expression_helper

    def make(original: Callable[..., set]) -> Callable[..., set]:
        def value_nodes(sg: Any, focus: Node, path: Node, target_graph: Any, inverse: bool = False,
                        recursion: int = 0) -> set:
            members = _members(sg.graph, path) if inverse and isinstance(path, BNode) else None
            if not members or len(members) < 2:
                return original(sg, focus, path, target_graph, inverse=inverse, recursion=recursion)
            nodes = {focus}
            for member in reversed(members):
                nodes = {value for node in nodes for value in helper.value_nodes_from_path(
                    sg, node, member, target_graph, inverse=True, recursion=recursion + 1)}
            return nodes
        return value_nodes

    _install(helper, "value_nodes_from_path", make)
    # shape.py holds its own name for it (`from .helper.expression_helper import ...`).
    pyshacl.shape.value_nodes_from_path = helper.value_nodes_from_path


def _language_ranges_matched_as_sparql(pyshacl: Any) -> None:
    """SHACL 4.6.1 filters `sh:languageIn` as SPARQL's langMatches does (RFC 4647 basic filtering:
    a tag matches a range it equals or begins with, then a hyphen). pySHACL 0.40 compares a whole
    tag or its first subtag only: "colour"@en-GB-oxendict was refused by ("en-GB")."""
    component = pyshacl.constraints.core.string_based_constraints.LanguageInConstraintComponent

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def evaluate(self: Any, rule: Node, target_graph: Any, f_v_dict: dict) -> tuple[bool, list]:
            original(self, rule, target_graph, {})  # its checks of the list, which raise
            ranges = [str(r).lower() for r in self.shape.sg.graph.items(rule)]
            reports = []
            for focus, values in f_v_dict.items():
                for value in values:
                    tag = (value.language or "").lower() if isinstance(value, Literal) else ""
                    if not (tag and any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)):
                        reports.append(self.make_v_result(target_graph, focus, value_node=value))
            return bool(reports), reports
        return evaluate

    _install(component, "_evaluate_string_rule", make)


def _messages_keep_their_language(pyshacl: Any) -> None:
    """A SPARQL-based constraint's `sh:message` keeps its language tag once its variables are
    filled in (`"A ist {?a}"@de` gives `"A ist 1"@de`): pySHACL wrote the filled-in text as a
    plain literal, so a client could no longer pick a message by language (core constraints' and
    constraint components' messages kept theirs)."""
    message = pyshacl.consts.SH_resultMessage

    def wrap(actual: Callable[..., tuple]) -> Callable[..., tuple]:
        def make_v_result(self: Any, *args: Any, **kwargs: Any) -> tuple:
            desc, node, triples = actual(self, *args, **kwargs)
            extra, own = kwargs.get("extra_messages"), list(self.shape.message)
            if kwargs.get("bound_vars") is None or not (extra or own):
                return desc, node, triples
            # The messages in the order pySHACL writes them: those of the constraint that the shape
            # does not repeat, then the shape's own; each written one takes its original's tag.
            originals = iter([m for m in extra or () if m not in own] + own)
            kept = []
            for s, p, o in triples:
                if p == message and isinstance(o, Literal):
                    said = next(originals, None)
                    if isinstance(said, Literal) and said.language and not o.language:
                        o = Literal(str(o), lang=said.language)
                kept.append((s, p, o))
            return desc, node, kept
        return make_v_result

    _install(pyshacl.constraints.constraint_component.ConstraintComponent, "make_v_result", wrap)


def _in_messages_in_order(pyshacl: Any) -> None:
    """pySHACL's message for a value outside an `sh:in` list names the list's members in the
    order of a set, which differs between processes: two workers wrote two reports (and ETags)
    for one validation. The same words, the members in the list's order."""
    stringify_node = pyshacl.rdfutil.stringify_node

    def in_order(self: Any, datagraph: Any, focus_node: Any, value_node: Any) -> list[Literal]:
        shapes = self.shape.sg.graph
        listed = [stringify_node(shapes, member) for member in shapes.items(self.in_list)]
        return [Literal(f"Value {stringify_node(datagraph, value_node)} not in list {listed}")]

    pyshacl.constraints.core.other_constraints.InConstraintComponent.make_generic_messages = in_order


_META_RESULT = re.compile(r"\tFocus Node: (?P<focus>.*?)\n(?:\tValue Node: .*?\n)?"
                          r"(?:\tResult Path: (?P<path>.*?)\n)?\tMessage: (?P<message>.*?)\n")


def _meta_shacl_results(text: str) -> str | None:
    """pySHACL's text report of shapes that fail SHACL's own shapes (meta-SHACL), as one line per
    result, "where (which property): what is wrong", its terms as Turtle writes them: the whole
    report, Python reprs and all, read as one paragraph on the form."""
    if "(MetaSHACL)" not in text:
        return None
    found = [f"{m['focus']}{' (' + m['path'] + ')' if m['path'] else ''}: {m['message']}"
             for m in _META_RESULT.finditer(text)]
    if not found:
        return None
    listed = as_turtle("; ".join(found))
    return (f"they do not conform to SHACL's own shapes (meta-SHACL), {len(found)} "
            f"{_plural('result', len(found))}: {listed}")


_QUOTED_LABEL = re.compile(r"'([A-Za-z0-9_-]+)'")


#: Shapes within shapes pySHACL follows (its max_validation_depth, the default kept).
_VALIDATION_DEPTH = 15
_TOO_DEEP = re.compile(r"Validation path too deep!\s*(?:<\w+ ([^<>\s]+)>)?")


def _too_deep(message: str, shapes: Graph) -> str | None:
    """pySHACL's refusal of shapes nested past its depth in words, where it listed every shape of
    the chain (3,000 nested sh:not made a 1.2 KB line of its internal names)."""
    found = _TOO_DEEP.match(message)
    if not found:
        return None
    # pySHACL names a shape by its IRI, or by its sh:name where it has one.
    start = URIRef(found.group(1) or "")
    where = f" from {term_name(shapes, start)}" if found.group(1) and (start, None, None) in shapes else ""
    return (f"shapes within shapes (sh:not, sh:node, sh:property, sh:and, sh:or, sh:xone, "
            f"sh:qualifiedValueShape) nest{where} {_VALIDATION_DEPTH} deep or more, where this validator "
            "(pySHACL) stops")


def _blank_nodes_named(message: str, shapes: Graph) -> str:
    """pySHACL's message with the blank nodes it names by label ("'f0b0' exists but is not a
    well-formed SHACL PropertyShape") named by where they are instead: a label the reader gave
    appears nowhere in the user's file."""
    def where(match: re.Match[str]) -> str:
        node: Node = BNode(match.group(1))
        if (node, None, None) not in shapes and (None, None, node) not in shapes:
            return match.group(0)
        steps: list[str] = []
        while isinstance(node, BNode) and len(steps) < 5:
            held = next(shapes.subject_predicates(node), None)
            if held is None:
                break
            node, predicate = held
            steps.append(shapes.namespace_manager.normalizeUri(str(predicate)))
        if not steps:
            return "a blank node that no statement of the shapes names"
        owner = node.n3(shapes.namespace_manager) if not isinstance(node, BNode) else "a blank node"
        return "the " + " of the ".join(steps) + " of " + owner

    return _QUOTED_LABEL.sub(where, message)


def _first_line(message: str, limit: int = 300) -> str:
    """An exception's message as one line a user can read: rdflib's evaluator puts its parse tree
    (the query as it rewrote it) after the first line of some messages ("What do I do with this
    CompValue?"), which says nothing to the author of the shapes."""
    line = message.strip().split("\n", 1)[0].strip()
    if "CompValue?" in line:
        return ("rdflib's SPARQL engine, which pySHACL runs, cannot evaluate a part of this query "
                "(\"What do I do with this CompValue?\")")
    return line if len(line) <= limit else line[:limit] + "…"


def _run(data: Graph | Dataset, shapes: Graph, ontology: Graph | None, inference: str,
         meta_shacl: bool = False, max_results: int | None = None,
         ) -> tuple[bool, list[tuple[Node, Node, Node]], int, int | None]:
    """pySHACL's verdict, report triples (plain, picklable values for `run_isolated`), the count
    left out, and for conforming data validated as it is, how many focus nodes were checked."""
    # pySHACL takes about 0.3 s to import; only validation needs it, not serving queries.
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError, ShapeRecursionWarning

    _tune_pyshacl(pyshacl)
    _lexical_forms_checked(pyshacl)
    _patterns_read_as_xpath(pyshacl)
    _pairs_compared_as_sparql(pyshacl)
    _select_validators_once_per_focus_node(pyshacl)
    _messages_keep_their_language(pyshacl)
    _inverse_sequences_reversed(pyshacl)
    _language_ranges_matched_as_sparql(pyshacl)
    # pySHACL writes to stderr through a logger it gives a handler on every call: a refused
    # meta-SHACL check wrote the user's shapes, thirty lines a request, into the server's JSON log.
    # What it says is raised to us (ReportableRuntimeError) and answered from there.
    logging.getLogger("pyshacl-validate").disabled = True
    problem = ill_formed_path(shapes) or ill_formed_parameter(shapes)
    if problem:
        raise ValidationError(f"the shapes cannot be used: {problem}")
    try:
        # Inference runs owlrl, which leaves some of its lexical conversions installed.
        with _sparql_parsed_once(), rdflib_conversions_kept(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ShapeRecursionWarning)
            conforms, report, text = pyshacl.validate(
                data, shacl_graph=shapes, ont_graph=ontology, inference=inference,
                advanced=False, js=False, do_owl_imports=False, allow_warnings=False, allow_infos=False,
                meta_shacl=meta_shacl)
        cut_short = any(issubclass(w.category, ShapeRecursionWarning) for w in caught)
        for w in caught:  # the others, as they would have been shown
            if not issubclass(w.category, ShapeRecursionWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    except ReportableRuntimeError as exc:
        said = (_too_deep(str(exc), shapes) or _meta_shacl_results(str(exc))
                or _blank_nodes_named(str(exc), shapes))
        raise ValidationError(f"the shapes cannot be used: {said}") from None
    except NotImplementedError as exc:
        raise ValidationError(f"unsupported by this validator (pySHACL): {exc}") from None
    except re.error as exc:  # an sh:pattern, or a SPARQL REGEX, that Python's re cannot compile
        raise ValidationError(f"the shapes cannot be used: {_regex_problem(exc, shapes)}") from None
    except Exception as exc:  # pySHACL fails in many ways on malformed shapes
        # The cause goes to the caller in one line; the traceback only to a debugging log.
        log.debug("pySHACL failed", exc_info=True)
        if "requiring a dataset" in str(exc):  # rdflib's words for GRAPH ?g { ... } over one graph
            raise ValidationError("the shapes cannot be used: a SPARQL constraint matches a named graph "
                                  "(GRAPH), but the data is validated as one graph (SHACL's data graph), "
                                  "which has none") from None
        raise ValidationError(f"validation failed: {type(exc).__name__}: {_first_line(str(exc))}") from None
    if not isinstance(report, Graph):  # a SHACL failure comes back instead of a report
        raise ValidationError(f"SHACL failure: {text.removeprefix('Validation Failure - ')}")
    if cut_short:
        # Said in the report itself, which crosses from the child's process as triples.
        for node in report.subjects(RDF.type, SH.ValidationReport):
            report.add((node, RDFS.comment, Literal(RECURSION_CUT, lang="en")))
    focus = _focus_nodes(pyshacl, data, shapes, ontology) if conforms and inference == "none" else None
    _terms_as_turtle(report, shapes)
    return (bool(conforms), *_within(report, max_results), focus)


#: A literal as pySHACL writes it into its own messages, Python's way: `Literal("5", datatype=
#: xsd:integer)`, `'Literal("q", lang=en)'` inside a list; its lexical form unescaped.
_MESSAGE_LITERAL = re.compile(r"""'?Literal\("(?P<lex>.*?)"(?: = [^,)]*)?"""
                              r"""(?:, lang=(?P<lang>[A-Za-z0-9-]+))?"""
                              r"""(?:, datatype=(?P<datatype>[^)\s]+))?\)'?""", re.S)
#: A Python list of quoted terms, as pySHACL writes sh:in's and sh:hasValue's: `['ex:a', '[ ex:p 1 ]']`.
_QUOTED_LIST = re.compile(r"\[('[^'\n]*'(?:, '[^'\n]*')*)\]")
#: Datatypes whose values Turtle writes bare, and the lexical forms it writes so.
_BARE = {"integer": r"[+-]?\d+", "decimal": r"[+-]?\d*\.\d+", "boolean": r"true|false"}


def _turtle_literal(m: re.Match[str]) -> str:
    lex, lang, datatype = m["lex"], m["lang"], m["datatype"]
    quoted = '"' + lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if lang:
        return f"{quoted}@{lang}"
    local = (datatype or "").removeprefix("xsd:").removeprefix(str(XSD)).removeprefix(f"<{XSD}").rstrip(">")
    if local in _BARE and re.fullmatch(_BARE[local], lex):
        return lex
    return quoted if datatype is None or local == "string" else f"{quoted}^^{datatype}"


def as_turtle(message: str) -> str:
    """pySHACL's words with its terms as Turtle writes them ("Value is not > 5", "not in [ex:a,
    "b"]"), where it wrote Python's (`Literal("5", datatype=xsd:integer)`, `['ex:a', 'Literal("b")']`)."""
    said = _MESSAGE_LITERAL.sub(_turtle_literal, message)
    return _QUOTED_LIST.sub(lambda m: "[" + ", ".join(t[1:-1] for t in m[1].split(", ")) + "]", said)


def _terms_as_turtle(report: Graph, shapes: Graph) -> None:
    """pySHACL's own messages with their terms as Turtle writes them; a message the shapes give
    (sh:message on the result's shape or SPARQL constraint, its {$this} and {?value} filled in)
    is theirs, and stays as written: "one of ['draft', 'final']" in a user's message came back
    as "one of [draft, final]"."""
    for node, message in list(report.subject_objects(SH.resultMessage)):
        if not isinstance(message, Literal) or any(
                (source, SH.message, None) in shapes
                for source in (report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraint))
                if source is not None):
            continue
        if (said := as_turtle(str(message))) != str(message):
            report.remove((node, SH.resultMessage, message))
            report.add((node, SH.resultMessage,
                        Literal(said, lang=message.language, datatype=message.datatype)))


def _regex_problem(exc: re.error, shapes: Graph) -> str:
    """What a regular expression the validator could not compile is, and why, in one line."""
    pattern = exc.pattern if isinstance(exc.pattern, str) else None
    if pattern is None:
        where = "a regular expression"
    elif any(str(o) == pattern for o in shapes.objects(None, SH.pattern)):
        where = "an sh:pattern"
    else:
        where = "a regular expression of a SPARQL-based constraint (REGEX)"
    if isinstance(exc, patterns.UnsupportedPattern):
        return f"{where} {exc.msg}"
    if exc.msg.startswith(("bad escape \\p", "bad escape \\P")):
        # XPath and SPARQL allow them; pySHACL and rdflib compile with Python's re, which has none.
        return (f"{where} uses a Unicode property class (\\p{{...}}), which this validator (pySHACL, "
                "with Python's re) does not support: write the characters as a class instead, such as "
                "[^\\W\\d_] for letters")
    return f"{where} is not a regular expression this validator can compile ({exc})"


def _union(graphs: list[Graph]) -> Graph:
    union = Graph()
    for graph in graphs:
        union += graph
    return union


def _focus_nodes(pyshacl: Any, data: Graph | Dataset, shapes: Graph, ontology: Graph | None) -> int:
    """How many focus nodes the shapes' targets find in the data, as pySHACL finds them (class
    targets through the ontology's subclasses too): data posted without its shapes, checked
    against the project's, "conformed" with nothing checked."""
    # pySHACL validates a dataset's graphs as one (their union): an instance in one graph and its
    # class's place in the hierarchy in another are one focus node, not none.
    graphs = list(data.graphs()) if isinstance(data, Dataset) else [data]
    if ontology is not None:
        graphs.append(ontology)
    # One graph of them all, not a `ReadOnlyGraphAggregate`: it asks every graph each pattern,
    # and 600 class targets over 6,000 one-triple graphs (330 KB) took 8.5 s (pySHACL, 0.04 s).
    view = graphs[0] if len(graphs) == 1 else _union(graphs)
    found: set[Node] = set()
    for shape in pyshacl.shapes_graph.ShapesGraph(shapes).shapes:
        if not shape.deactivated:  # pySHACL checks nothing against a deactivated shape
            found.update(shape.focus_nodes(view))
    return len(found)


#: Characters of a report's terms at most, whatever its count of results: a thousand results
#: each holding a long literal (a value, and a message that quotes it) made an 80 KB request's
#: report 400 MB, built and written by the web worker outside every limit.
REPORT_CHARACTERS = 8 << 20


def _within(report: Graph, limit: int | None) -> tuple[list[tuple[Node, Node, Node]], int]:
    """The report's triples with at most `limit` of its results, and at most `REPORT_CHARACTERS`
    of text in them (the first by severity, then focus node, path and shape), each kept whole (with the blank
    nodes it leads to: a path, nested details); and how many were left out, which the report
    node says in a comment."""
    node = report.value(None, RDF.type, SH.ValidationReport)
    results = list(report.objects(node, SH.result)) if node is not None else []
    if limit is None:
        return list(report), 0
    assert node is not None or not results  # the node holds the results

    def order(result: Node) -> tuple[int, tuple[str, ...]]:
        # The most severe first: a cut report of a thousand infos hid the one violation that made
        # the data fail.
        severity = report.value(result, SH.resultSeverity)
        return (_severity_rank(severity if isinstance(severity, URIRef) else SH.Violation),
                tuple(str(report.value(result, p) or "")
                      for p in (SH.focusNode, SH.resultPath, SH.sourceShape, SH.value)))

    def described(result: Node) -> list[tuple[Node, Node, Node]]:
        out, todo, seen = [], [result], set()
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for triple in report.triples((subject, None, None)):
                out.append(triple)
                if isinstance(triple[2], BNode):
                    todo.append(triple[2])
        return out

    kept: list[Node] = []
    triples: list[tuple[Node, Node, Node]] = []
    characters = 0
    for result in sorted(results, key=order):
        own = described(result)
        characters += sum(len(str(term)) for triple in own for term in triple)
        if len(kept) >= limit or characters > REPORT_CHARACTERS:
            break
        kept.append(result)
        triples += own
    if len(kept) == len(results):
        return list(report), 0
    assert node is not None
    triples += [t for t in report.triples((node, None, None)) if t[1] != SH.result]
    triples += [(node, SH.result, r) for r in kept]
    triples.append((node, RDFS.comment, Literal(
        f"{len(results)} results; the first {len(kept)}, the most severe first, then by focus node, are "
        f"reported, the other "
        f"{len(results) - len(kept)} left out (the service's limit on a report's results and size): "
        "validate the data with graph-service validate, or in parts, for all of them.", lang="en")))
    return triples, len(results) - len(kept)


def _run_sealed(data: Graph | Dataset, shapes: Graph, ontology: Graph | None, inference: str,
                meta_shacl: bool, untrusted: bool, max_results: int | None,
                ) -> tuple[bool, list[tuple[_Packed, _Packed, _Packed]], int, int | None, list[_QueryKey]]:
    """`_run` in the disposable child, after vetting untrusted shapes: FROM must not load
    documents either (the sandbox already denies Internet sockets; this covers file:// too)."""
    if untrusted:
        vet_sparql(shapes, data, ontology)
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    known = set(_TRANSLATIONS)
    conforms, triples, omitted, focus = _run(data, shapes, ontology, inference, meta_shacl, max_results)
    # The queries of trusted shapes this child translated, for the parent (never a user's).
    learnt = [] if untrusted else [key for key in _TRANSLATIONS if key not in known]
    return conforms, [(_packed(s), _packed(p), _packed(o)) for s, p, o in triples], omitted, focus, learnt


# A pickled rdflib Literal is rebuilt *normalised* ("01"^^xsd:integer comes back as "1"), so
# literals cross the process boundary as plain tuples. Blank nodes keep their ids, which the
# labels of blank-node shapes rely on.
_Packed: TypeAlias = Node | tuple[str, str, str | None, URIRef | None]


def _packed(term: Node) -> _Packed:
    if isinstance(term, Literal):
        return ("literal", str(term), term.language, term.datatype)
    return term


def _unpacked(term: _Packed) -> Node:
    if isinstance(term, tuple):
        _, lexical, language, datatype = term
        return Literal(lexical, lang=language, datatype=datatype, normalize=False)
    return term


# --- the shapes graph as the specification reads it -------------------------------------------


class _SealedGraph(Graph):
    """A prepared shapes graph shared by validations in turn: once sealed, adding a triple it has is
    a no-op (pySHACL adds its system triples to every shapes graph; they are in it from the start)
    and any other change raises, so no validation can leave it different for the next."""

    sealed = False

    def add(self, triple: tuple[Node, Node, Node]) -> _SealedGraph:
        if not self.sealed:
            return super().add(triple)
        if triple not in self:
            raise TypeError("a shared prepared shapes graph cannot change")
        return self

    def addN(self, quads: Iterable[Any]) -> _SealedGraph:
        if self.sealed:
            raise TypeError("a shared prepared shapes graph cannot change")
        return super().addN(quads)

    def remove(self, triple: tuple[Node | None, Node | None, Node | None]) -> _SealedGraph:
        if self.sealed:
            raise TypeError("a shared prepared shapes graph cannot change")
        return super().remove(triple)


@dataclass
class _Prepared:
    graph: _SealedGraph
    namespaces: list[tuple[str, URIRef]]
    size: int
    #: Held by the one validation using the graph (pySHACL keeps caches keyed on the graph).
    in_use: threading.Lock = field(default_factory=threading.Lock)


#: Prepared shapes graphs by content (triples, blank node ids included, and prefixes).
_PREPARED: OrderedDict[tuple[Any, ...], _Prepared] = OrderedDict()
_PREPARED_KEPT = 4
_PREPARED_LOCK = threading.Lock()
# pySHACL's additions to every shapes graph (ShapesGraph.system_triples).
_SYSTEM_TRIPLES = ((OWL.Class, RDFS.subClassOf, RDFS.Class),
                   (OWL.DatatypeProperty, RDFS.subClassOf, RDF.Property))


@contextmanager
def _specified(shapes: Graph, *, shared: bool, as_data: bool = False) -> Iterator[Graph]:
    """The shapes graph as pySHACL is to get it (`_as_specified`), for one validation.

    `shared` (trusted shapes): the one prepared graph for this content, when no other validation
    is using it; a validation in a forked child changes only the child's copy. Keyed on the
    content, so a graph changed in place since is prepared again. A user's shapes (and a second
    validation at the same time) get a copy of their own, as before. `as_data`: pySHACL is to
    validate the shapes graph itself too (meta-SHACL), which takes a store with named graphs."""
    if as_data:
        yield _as_specified(shapes, Graph(identifier=shapes.identifier))
        return
    if not shared:
        yield _as_specified(shapes)
        return
    key = (shapes.identifier, frozenset(shapes), tuple(sorted(shapes.namespaces())))
    with _PREPARED_LOCK:
        prepared = _PREPARED.get(key)
        if prepared is not None:
            _PREPARED.move_to_end(key)
    if prepared is None:
        graph = _SealedGraph(store=_SHAPES_STORE, identifier=shapes.identifier)
        _as_specified(shapes, graph)
        for triple in _SYSTEM_TRIPLES:
            graph.add(triple)
        graph.sealed = True
        prepared = _Prepared(graph, list(graph.namespaces()), len(graph))
        with _PREPARED_LOCK:
            prepared = _PREPARED.setdefault(key, prepared)
            while len(_PREPARED) > _PREPARED_KEPT:
                _PREPARED.popitem(last=False)
    if not prepared.in_use.acquire(blocking=False):
        yield _as_specified(shapes)
        return
    try:
        yield prepared.graph
    finally:
        # pySHACL binds prefixes in the shapes graph's namespace manager: one that changed them
        # leaves this graph to its outcome and out of the cache.
        if list(prepared.graph.namespaces()) != prepared.namespaces or len(prepared.graph) != prepared.size:
            with _PREPARED_LOCK:
                if _PREPARED.get(key) is prepared:
                    del _PREPARED[key]
        prepared.in_use.release()


# rdflib's store without named graphs: pySHACL reads the shapes graph hundreds of thousands of times
# per validation, and the default store spends half of each read on contexts a Graph does not have.
_SHAPES_STORE = "SimpleMemory"


def _as_specified(shapes: Graph, fixed: Graph | None = None) -> Graph:
    """A copy of the shapes graph (into `fixed`, else a new graph) with the corrections of the
    module docstring. Always a copy: pySHACL adds triples to the shapes graph it is given
    (owl:Class rdfs:subClassOf rdfs:Class), and the caller's graph (the build's, the cached
    project shapes) must stay as it was."""
    remove: list[tuple[Node, Node, Node]] = []
    add: list[tuple[Node, Node, Node]] = []
    for predicate in _BOOLEAN_PARAMETERS:
        for s, o in shapes.subject_objects(predicate):
            if isinstance(o, Literal) and o.datatype == XSD.boolean and str(o) not in ("true", "false"):
                if not lexical.well_formed(o):
                    # "TRUE"^^xsd:boolean is no boolean at all, refused as one of another type is
                    # (`ill_formed_parameter`): it was made false here without a word.
                    raise ValidationError(
                        f"the shapes cannot be used: the {term_name(shapes, predicate)} of "
                        f"{_shape_named(shapes, s)} is {term_name(shapes, o)}, where true or false goes")
                remove.append((s, predicate, o))
                add.append((s, predicate, Literal("false", datatype=XSD.boolean)))
    for prefixes in set(shapes.objects(None, SH.prefixes)):
        for imported in _imports_closure(shapes, prefixes):
            for declaration in shapes.objects(imported, SH.declare):
                if (prefixes, SH.declare, declaration) not in shapes:
                    add.append((prefixes, SH.declare, declaration))
    if fixed is None:
        fixed = Graph(store=_SHAPES_STORE, identifier=shapes.identifier)
    for prefix, ns in shapes.namespaces():
        fixed.bind(prefix, ns, override=True)
    fixed += shapes
    for triple in remove:
        fixed.remove(triple)
    for triple in add:
        fixed.add(triple)
    return fixed


def _imports_closure(graph: Graph, start: Node) -> list[Node]:
    """Nodes reachable from `start` by one or more `owl:imports` inside `graph` (nothing is fetched)."""
    seen: list[Node] = []
    todo = list(graph.objects(start, OWL.imports))
    while todo:
        node = todo.pop()
        if node in seen or node == start:
            continue
        seen.append(node)
        todo.extend(graph.objects(node, OWL.imports))
    return seen


def _prefixes_in_scope(shapes: Graph, data: Graph | Dataset, ontology: Graph | None = None,
                       query: Node | None = None) -> dict[str, str]:
    """Every prefix a query of these shapes may use when pySHACL runs it: rdflib's bindings of the
    data graph (the empty prefix too), then those of an ontology mixed into it (the data's win, as
    in pySHACL's `mix_graphs`), pySHACL's own, and every `sh:declare` of the shapes graph, or for
    the node holding one `query` those its `sh:prefixes` reach (through `owl:imports`, SHACL
    5.2.1), as pySHACL declares them. Every declaration is a superset of what one query sees,
    which is enough to vet paths: SERVICE and FROM are found whatever a prefix expands to."""
    prefixes = {str(p): str(ns) for p, ns in data.namespaces()}
    if ontology is not None:
        for p, ns in ontology.namespaces():
            prefixes.setdefault(str(p), str(ns))
    prefixes.update(_PYSHACL_PREFIXES)
    if query is None:
        declarations = list(shapes.objects(None, SH.declare))
    else:
        holders = [n for p in shapes.objects(query, SH.prefixes) for n in (p, *_imports_closure(shapes, p))]
        declarations = [d for n in holders for d in shapes.objects(n, SH.declare)]
    for declaration in declarations:
        prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
        if isinstance(prefix, Literal) and isinstance(namespace, Literal | URIRef):
            prefixes[str(prefix)] = str(namespace)
    for name, iri in prefixes.items():
        _check_declaration(name, iri)
    return prefixes


def _check_declaration(prefix: str, namespace: str) -> None:
    """Refuse a declaration that is no prefix and IRI: pasted into the prologue the vetting reads
    (`PREFIX p: <ns>`), a namespace holding `>` and more text could hide the query's own words
    from the check, which pySHACL then runs with other declarations."""
    if not is_prefix_name(prefix):
        raise ValidationError(f"the prefix {prefix!r} declared for SPARQL constraints is no SPARQL prefix "
                              "name")
    try:
        ox.NamedNode(namespace)
    except ValueError:
        ok = False
    else:
        ok = not any(c in namespace for c in '<>"{}|^`\\ \t\n\r')
    if not ok:
        raise ValidationError(f"the namespace declared for the prefix {prefix}: ({namespace!r}) is not an "
                              "absolute IRI")


# --- reading the report -----------------------------------------------------------------------


def _results(report: Graph) -> list[ValidationResult]:
    """The report's own results (`sh:result`); results nested under `sh:detail` explain one of
    them and are not counted again."""
    nodes = {n for r in report.subjects(RDF.type, SH.ValidationReport) for n in report.objects(r, SH.result)}
    return sorted((_result(report, node, set()) for node in nodes), key=_result_order)


def _result(report: Graph, node: Node, above: set[Node]) -> ValidationResult:
    messages = list(report.objects(node, SH.resultMessage))
    severity = report.value(node, SH.resultSeverity)
    # A detail is a result itself; one met again below itself (a cycle in a malformed report) ends.
    inner = [d for d in report.objects(node, SH.detail) if d not in above and d != node]
    return ValidationResult(
        focus_node=report.value(node, SH.focusNode),
        path=report.value(node, SH.resultPath),
        source_shape=report.value(node, SH.sourceShape),
        component=report.value(node, SH.sourceConstraintComponent),
        severity=severity if isinstance(severity, URIRef) else URIRef(SH.Violation),
        message=_preferred_message(messages),
        value=report.value(node, SH.value),
        details=tuple(sorted((_result(report, d, above | {node}) for d in inner), key=_result_order)),
        messages=tuple(sorted(messages, key=str)),
    )


def _report_order(report: Graph) -> list[tuple[Node, Node, Node]]:
    """The report's triples breadth first from the report node (each subject's triples together,
    rdf:type first), so that a serialisation reads from the top; unreached triples last."""
    ordered: list[tuple[Node, Node, Node]] = []
    queue = list(report.subjects(RDF.type, SH.ValidationReport))
    seen = set(queue)
    while queue:
        subject = queue.pop(0)
        triples = sorted(report.triples((subject, None, None)),
                         key=lambda t: (t[1] != RDF.type, str(t[1]), str(t[2])))
        ordered += triples
        for _, _, obj in triples:
            if isinstance(obj, BNode) and obj not in seen:
                seen.add(obj)
                queue.append(obj)
    reached = set(ordered)
    return ordered + [t for t in report if t not in reached]


def _preferred_message(messages: list[Node], languages: Sequence[str] = ()) -> str | None:
    """The message in the first of `languages` it has (`de` matches `de-CH`, as RFC 4647's
    filtering has it, and `de-CH` falls back to `de`, as its lookup does), else English (any
    English) or untagged first: the summary shows one message per result."""
    if not messages:
        return None
    tagged = sorted(((getattr(m, "language", None) or "").lower(), str(m)) for m in messages)
    for wanted in (language.lower() for language in languages):
        parts = wanted.split("-")
        for size in range(len(parts), 0, -1):
            prefix = "-".join(parts[:size])
            for tag, text in tagged:
                if tag and (tag == prefix or tag.startswith(prefix + "-")):
                    return text

    def other(message: Node) -> bool:
        language = (getattr(message, "language", None) or "en").lower()
        return language != "en" and not language.startswith("en-")

    return str(sorted(messages, key=lambda m: (other(m), str(m)))[0])


def shape_label(shapes: Graph, node: Node, names: Graph) -> str:
    """How people recognise a shape: its name and label; a blank-node property shape as its
    parent shape and its path. `names` supplies the prefixes."""
    own = shapes.value(node, RDFS.label) or shapes.value(node, SH.name)
    if not isinstance(node, BNode):
        return f'{term_name(names, node)} "{own}"' if own else term_name(names, node)
    parent = shapes.value(None, SH.property, node)
    path = shapes.value(node, SH.path)
    if parent is not None:
        parent_label = (_by_target(shapes, parent, names) if isinstance(parent, BNode)
                        else term_name(names, parent))
        return f"{parent_label} / {_path_name(shapes, path, names)}"
    if own:
        return str(own)
    if path is not None:
        return f"a property shape on {_path_name(shapes, path, names)}"
    return _by_target(shapes, node, names)


def _by_target(shapes: Graph, node: Node, names: Graph) -> str:
    """A blank-node shape named by what it targets and the paths its property shapes hold: two of
    them were both "a blank-node shape"."""
    paths = sorted(_path_name(shapes, path, names) for prop in shapes.objects(node, SH.property)
                   if (path := shapes.value(prop, SH.path)) is not None)
    on = f" (on {', '.join(paths)})" if paths else ""
    for prop, words in ((SH.targetClass, "a shape for"), (SH.targetNode, "a shape for"),
                        (SH.targetSubjectsOf, "a shape for subjects of"),
                        (SH.targetObjectsOf, "a shape for objects of")):
        targets = sorted(term_name(names, t) for t in shapes.objects(node, prop))
        if targets:
            return f"{words} {', '.join(targets)}{on}"
    return f"a blank-node shape{on}"


def _each_grouped(graph: Graph, items: Node, depth: int) -> list[str]:
    """The paths of an RDF list, each written out; of a list whose rdf:rest comes back on itself,
    those before, then "…"."""
    found: list[str] = []
    seen: set[Node] = set()
    while items != RDF.nil and items not in seen:
        seen.add(items)
        first = graph.value(items, RDF.first)
        if first is not None:
            found.append(_grouped(graph, first, depth))
        items = graph.value(items, RDF.rest) or RDF.nil
    return found + (["…"] if items != RDF.nil else [])


def _grouped(graph: Graph, path: Node, depth: int) -> str:
    text = path_text(graph, path, depth + 1)
    return f"({text})" if isinstance(path, BNode) and any(c in text for c in "/|") else text


def _path_name(shapes: Graph, path: Node | None, names: Graph) -> str:
    """A path of the shapes graph written with the prefixes of `names`."""
    if path is None:
        return "(no path)"
    if isinstance(path, BNode):
        return path_text(shapes, path)
    return term_name(names, path)


def _query_owner(shapes: Graph, node: Node) -> str:
    """Which query this is, for an error message: the SPARQL constraint of a shape, the
    validator of a constraint component, the SPARQL target of a shape."""
    if not isinstance(node, BNode):
        return f"the SPARQL query of {term_name(shapes, node)}"
    for predicate, what in ((SH.sparql, "the SPARQL constraint"), (SH.target, "the SPARQL target"),
                            (SH.validator, "the validator"), (SH.nodeValidator, "the node validator"),
                            (SH.propertyValidator, "the property validator")):
        owner = shapes.value(None, predicate, node)
        if owner is not None:
            return f"{what} of {term_name(shapes, owner)}"
    return "a SPARQL query of the shapes"


def _severity_rank(severity: Node) -> int:
    """Violations first, then severities of the shapes' own, then warnings and infos: a report cut
    to its first results keeps a severity of the shapes' own before any warning, so that one left
    out never lets `allow_warnings` or `allow_infos` call the data conforming (pySHACL counts
    such a severity as failing under both)."""
    if severity == SEVERITIES[0]:
        return 0
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 1


def _result_order(r: ValidationResult) -> tuple:
    return (_severity_rank(r.severity), str(r.source_shape), str(r.focus_node), str(r.path),
            str(r.component), str(r.value))


def _focus_order(r: ValidationResult) -> tuple:
    return (str(r.focus_node), _severity_rank(r.severity), str(r.path), str(r.component), str(r.value))


def _plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"
