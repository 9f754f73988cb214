"""SHACL validation over HTTP, and the project's shapes.

    POST /validate         data (and optionally shapes) -> the sh:ValidationReport, 200 either way
    GET  /validate         an HTML form that posts to /validate
    GET  /shapes[.<ext>]   the project's shapes: Turtle, JSON-LD, N-Triples, RDF/XML, TriG, N-Quads,
                           or an HTML listing (shape IRIs <base>shapes#Name are anchors of that page)

POST /validate takes the data as the request body (Content-Type: Turtle, N-Triples, JSON-LD or
RDF/XML), or as the form field or multipart file(s) `data`, with optional `shapes` beside it
(`data-format` / `shapes-format` name a text field's format, else a file's extension or part type
does, else Turtle). Without shapes, data that holds shapes is validated against them (as
pySHACL does given no shapes graph), other data against the project's shapes; `X-Shapes` says
which: `sent`, `data` or `project`. `inference=none|rdfs|owlrl|both`; `base=IRI` resolves the
documents' relative IRIs. The report is negotiated (Turtle
by default; an HTML summary for browsers) and `X-Conforms` says true or false. Each document's
@prefix lines are bound on the graph read from it, so a SPARQL constraint may use the data's
prefixes, as under pySHACL. Users' shapes run under the SPARQL endpoint's rules: their SPARQL may not use
SERVICE or FROM, and the validation is stopped at `Settings.validation_timeout`.

Bad input never answers 500: 400 for what does not parse or cannot be used (the parser's message
with line and column), 413 over `Settings.max_request_bytes`, 415 for a format we do not read.
A form posted from a browser gets the form back with the same status: its text and choices
kept, the error above it, and a parse error's line with a caret under the column.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import get_close_matches
from pathlib import Path, PurePosixPath

import pyoxigraph as ox
from flask import Blueprint, Response, g, render_template, request
from rdflib import RDF, VOID, Graph, URIRef
from werkzeug.exceptions import BadRequest, NotAcceptable, RequestEntityTooLarge

from graph_service.config import Settings
from graph_service.graph import (
    INFERENCE_CHOICES,
    Busy,
    ClientGone,
    Format,
    InferenceChoice,
    InputTooCostly,
    RdfSyntaxError,
    ReadAllowance,
    UnsupportedFormat,
    Untrusted,
    ValidationError,
    ValidationOutcome,
    ValidationTimeout,
    census,
    dataset_iri,
    describe_shapes,
    exists,
    file_version,
    formats,
    from_rdflib,
    holds_shapes,
    inference_choice,
    keep_apart,
    layout,
    parse_untrusted_all,
    path_text,
    project_ontology,
    project_shapes,
    quad_from_rdflib,
    quads_to_graph,
    rebase_text,
    severity_name,
    stable,
    term_name,
    text_encoding,
    value_summary,
    write,
)
from graph_service.graph import validate as run_validation
from graph_service.web.documents import (
    alternates,
    cached,
    cached_for_root,
    quads,
    require_utf8_escapes,
    respond,
    suffix_format,
    with_validators,
)
from graph_service.web.endpoint import client_gone, current_endpoint
from graph_service.web.errors import PROBLEM_TYPES, problem, too_large
from graph_service.web.headers import (
    CONFORMS_HEADER,
    FOCUS_NODES_HEADER,
    LIMIT_HEADER,
    SHAPES_HEADER,
    TRUNCATED_HEADER,
)
from graph_service.web.negotiation import (
    best_media_type,
    chosen,
    foreign_charset,
    format_parameter,
    negotiate,
    parse_accept,
)
from graph_service.web.state import service
from graph_service.web.urls import DOCUMENT_FORMATS, Urls, current

bp = Blueprint("validate", __name__)

#: What a validation report comes as: RDF graph formats, and HTML for people.
OFFERED_KINDS: tuple[formats.Kind, ...] = ("graph", "page")
#: What the shapes come as: as the ontology and /void, datasets too (the shapes in their graph).
SHAPES_KINDS: tuple[formats.Kind, ...] = ("graph", "dataset", "page")
#: What data and shapes may come as: RDF graphs, and datasets (TriG, N-Quads), whose named graphs
#: are merged into one graph, as `graph-service validate` does.
INPUT_KINDS = formats.RDF_INPUT_KINDS
#: Formats a request body or an uploaded part may be in.
INPUT_FORMATS: tuple[Format, ...] = formats.of_kinds(INPUT_KINDS)
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
#: The fields a form may send (its format words as `negotiation` reads them): any other is most
#: likely a misspelt one, and `shape=` dropped unread answered "conforms" against the project's shapes.
_FIELDS = ("data", "shapes", "data-format", "shapes-format", "inference", "meta-shacl", "allow-warnings",
           "allow-infos",
           "format", "output", "base")
#: The query parameters it reads: a body of RDF has its options nowhere else.
_PARAMETERS = ("inference", "meta-shacl", "allow-warnings", "allow-infos", "format", "output", "base")
#: Those the project's own report reads: it is the build's, in a format of the client's.
_REPORT_PARAMETERS = ("format", "output")
#: Unknown names a refusal lists at most.
_NAMED = 5
#: What the header that says which shapes a validation used says, in words for the page.
SHAPES_USED = {"sent": "the shapes sent with the data",
               "data": "the shapes the data holds (no shapes were sent)",
               "project": "the project's shapes"}
#: The same, as the summary's last line names them (the command's words, but for file names).
_SUMMARY_SHAPES = {"sent": "those sent", "data": "those in the data", "project": "the project's"}
_TURTLE = formats.named("turtle")
_HTML = formats.named("html")
#: The summary the command prints (pySHACL's text report's counterpart), for `format=text` or an
#: Accept that names text/plain first: N-Triples' old alias, which no one asks a report for.
_SUMMARY = formats.named("text")


class BadInput(Exception):
    """A request this service cannot validate; carries the status and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@bp.get("/" + layout.VALIDATE)
def form() -> Response:
    # Data in the query string was answered the empty form, 200: nothing said it was not read.
    sent = [name for name in ("data", "shapes") if name in request.args]
    if sent:
        return problem(400, f"a GET here is the form: {' and '.join(sent)} in the URL are not read; "
                            f"POST them (as the form does, or curl -F data=@data.ttl {request.base_url})")
    # Only a page, but chosen by Accept all the same: a client that takes no HTML gets 406, told
    # what a program does here instead.
    try:
        fmt = negotiate(("page",))
    except NotAcceptable as exc:
        raise NotAcceptable(f"{exc.description}. A GET here is the form, for a browser; a program POSTs "
                            "the data (and shapes) to validate and gets the report in a format it "
                            "accepts (curl -H 'Content-Type: text/turtle' --data-binary @data.ttl "
                            f"{request.base_url})") from None
    return respond(_form_page(), fmt, negotiated=True)


def _form_page(error: str | None = None) -> str:
    """The form; after a failed POST, with the user's text, choices and the error kept."""
    settings = service().settings
    kept = request.form if request.method == "POST" and request.mimetype in _FORMS else {}
    return render_template("validate.html", inference_choices=INFERENCE_CHOICES,
                           input_formats=INPUT_FORMATS, limit=settings.max_request_bytes,
                           timeout=settings.validation_timeout, error=error, kept=kept,
                           spot=_spot(error, kept) if error else None, faulty=_faulty_part(error),
                           uploaded=error is not None and any(f.filename for f in request.files.values()))


#: Where a parser's message places a document's error: its name (`data`, `shapes (s.ttl)`, a file's
#: name holding parentheses of its own: `data (data (1).ttl)`), then the first line (and column)
#: the message names.
_WHERE = re.compile(r"^(?P<document>(?:data|shapes)(?: \(.*?\))?)(?=:? )(?:: .*?\bline (?P<line>\d+)"
                    r"(?:,? column (?P<column>\d+)| between columns (?P<first>\d+))?)?")


@dataclass(frozen=True)
class _Where:
    """Where an error places itself: the document (`data`, `shapes (s.ttl)`), its line and column."""

    document: str
    line: int | None
    column: int | None

    @property
    def part(self) -> str:
        return self.document.split(" ", 1)[0]


def _where(error: str | None) -> _Where | None:
    """Where a parser's message (or another about one document) places its error; None where it
    names no document."""
    m = _WHERE.match(error) if error else None
    if m is None:
        return None
    column = m["column"] or m["first"]
    return _Where(m["document"], int(m["line"]) if m["line"] else None, int(column) if column else None)


_LINE_END = re.compile(r"\r\n|\r|\n")


def _spot(error: str, kept: Mapping[str, str]) -> tuple[str, int, str, str] | None:
    """Where a pasted text failed to parse: (part, line number, the line, a caret under the column)."""
    where = _where(error)
    if where is None or where.line is None or where.document != where.part:  # a file's: not kept
        return None
    # Lines as the parsers count them: not at U+2028 or a form feed, as splitlines() would.
    lines = _LINE_END.split(kept.get(where.part, ""))
    if not 0 < where.line <= len(lines):
        return None
    column = where.column or 0
    line = lines[where.line - 1]
    caret = "".join(c if c == "\t" else " " for c in line[:max(column - 1, 0)]) + "^" if column else ""
    return where.part, where.line, line, caret


def _faulty_part(error: str | None) -> str | None:
    """The part ("data" or "shapes") an error names first, whose field the page marks invalid;
    None where it names neither (both are marked)."""
    where = _where(error)
    return where.part if where else None


def _failed(status: int, message: str) -> Response:
    """A form posted from the page gets the page back with its input and the error in words;
    programs get the error alone, and as JSON the document, line and column it names (as the
    endpoint's errors have their line and column)."""
    if request.mimetype in _FORMS and best_media_type(PROBLEM_TYPES) \
            == "text/html":
        return Response(_form_page(message), status=status, mimetype="text/html")
    where = _where(message) if status == 400 else None
    fields: dict[str, object] = {} if where is None else {
        name: value for name, value in (("document", where.document), ("line", where.line),
                                        ("column", where.column)) if value is not None}
    return problem(status, message, fields=fields or None)


@bp.post("/" + layout.VALIDATE)
def validate() -> Response:
    settings = service().settings
    try:
        _check_size(settings.max_request_bytes)
        # The upload arrives before a slot is taken: a slow one holds no slot (form parsing reads
        # it from werkzeug's cache).
        request.get_data(cache=True)
    except BadInput as exc:
        return _failed(exc.status, str(exc))
    except RequestEntityTooLarge:
        return problem(413, too_large(settings.max_request_bytes))
    # A validation takes one of the service's query slots, from parsing the data to the report:
    # the same queue and per-client share as queries, so that no number of them (each may use the
    # memory limit) outgrows what the service can run at once.
    try:
        with current_endpoint().runner.slots.admitted(request.remote_addr or "", gone=client_gone(),
                                                      hold=2 * settings.validation_timeout):
            return _validate(settings)
    except Busy as exc:
        resp = _failed(exc.status, str(exc))
        resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    except ClientGone as exc:
        return _failed(503, str(exc))


def _validate(settings: Settings) -> Response:
    try:
        _check_size(settings.max_request_bytes)
        # Form fields count against the request limit, not werkzeug's smaller default for fields.
        request.max_form_memory_size = settings.max_request_bytes
        fmt = _report_format()
        prefixes: dict[str, str] = {}
        data, shapes, inference = _inputs(prefixes)
        meta_shacl = _switch("meta-shacl")
        allow_warnings, allow_infos = _switch("allow-warnings"), _switch("allow-infos")
    except BadInput as exc:
        return _failed(exc.status, str(exc))
    except RequestEntityTooLarge:
        if len(request.get_data(cache=True)) <= settings.max_request_bytes:
            # werkzeug's bound on a form's parts, not on its bytes.
            return problem(413, f"the form has more than {request.max_form_parts:,} parts; send fewer "
                                "files at once")
        return problem(413, too_large(settings.max_request_bytes))
    ontology = None
    # Without shapes, data holding shapes is validated against them, as pySHACL does given no
    # shapes graph (the project's shapes, targeting none of the user's classes, would answer
    # "conforms" for data breaking every one of its own constraints).
    used = "sent" if shapes is not None else "data" if holds_shapes(data) else "project"
    if used == "data":
        shapes = data
    # Only a user's shapes carry SPARQL to vet: the project's own are known, and the user's data
    # (prefix bindings included) cannot turn them into SERVICE or FROM. Vetting them took 0.5 s.
    users_shapes = used != "project"
    if shapes is None:
        try:
            shapes, ontology = project_shapes(settings), project_ontology(settings)
        except RdfSyntaxError as exc:  # the project's own shapes are missing or broken
            return problem(503, f"the project's shapes are not available: {exc}")
    # What reading the documents left of the time limit (at least a second).
    allowance = g.get("validation_allowance")
    timeout = (settings.validation_timeout if allowance is None or allowance.deadline is None
               else min(settings.validation_timeout, max(1.0, allowance.deadline - time.monotonic())))
    try:
        outcome = run_validation(data, shapes, ontology=ontology, inference=inference, untrusted=users_shapes,
                                 timeout=timeout,
                                 memory_limit=settings.query_memory_bytes,
                                 network_guard=settings.network_guard, meta_shacl=meta_shacl,
                                 max_results=settings.validation_result_limit, allow_warnings=allow_warnings,
                                 allow_infos=allow_infos)
    except ValidationError as exc:
        return _with_shapes(_failed(400, " ".join(str(exc).split())), used)
    except ValidationTimeout:
        # Named by the request's limit, of which reading the documents may have taken some.
        return _with_shapes(_failed(503, f"validation stopped after its time limit of "
                                         f"{settings.validation_timeout:g} s; validate less data at once, "
                                         "or simpler shapes"), used)
    outcome.use_prefixes(prefixes)
    # The sender's own shapes are not the ones the reasoner's links break.
    return _report(outcome, fmt, used, "" if used == "sent" else _posted_dump(data, outcome))


def _posted_dump(data: Graph, outcome: ValidationOutcome) -> str:
    """What the report says of the project's own dump posted whole, checked against the project's
    shapes (the copy in the dump, or the served one): its hundreds of results come from the
    reasoner's links in it, which those shapes refuse as stated facts."""
    serving = service()
    if outcome.conforms or not serving.project_graph or (
            dataset_iri(serving.settings.base_iri), RDF.type, VOID.Dataset) not in data:
        return ""
    return ("the project's own dump, it seems; it holds the reasoner's links, which the shapes refuse as "
            f"stated facts: {current().validate_project()} validates the project's data as the build does")


def _report_format() -> Format:
    """The report's format: the summary (`_SUMMARY`), or one negotiated among RDF formats and the page."""
    word = (format_parameter() or "").strip().lower()
    accept = parse_accept(request.headers.get("Accept"))
    first = accept.best if accept.best and accept.quality(accept.best) > 0 else None  # q=0: refused
    if word in ("text", "txt") or not word and first is not None and first.lower() == "text/plain":
        return _SUMMARY
    try:
        return _as_asked(negotiate(OFFERED_KINDS, default=_TURTLE))
    except NotAcceptable as exc:
        if word or "offered:" not in str(exc.description):  # a word's list names `text` already
            raise
        # The summary is offered too, outside the registry's formats: the list left it out.
        raise NotAcceptable(f"{exc.description}, and text/plain (the summary)") from None


def _as_asked(fmt: Format, tried: frozenset[str] = frozenset()) -> Format:
    """N-Triples only by its own name (README): where negotiation settled on it by its old alias or
    a wildcard, a client that accepts text/plain or text/* asked for the summary (`Accept:
    application/x-y, text/plain;q=0.5`, or RDF/XML first for a report RDF/XML cannot hold), and one
    that accepts application/* or */* the next format it covers (a probe's `Accept: text/*` got
    N-Triples, which is no text/* at all)."""
    if fmt.name != "ntriples" or format_parameter():
        return fmt
    # Media types are case-insensitive (RFC 9110, 8.3.1): TEXT/PLAIN got N-Triples.
    accepted = {value.lower() for value, quality in parse_accept(request.headers.get("Accept"))
                if quality > 0}
    if fmt.media_type in accepted:
        return fmt
    if accepted & {"text/plain", "text/*"}:
        return _SUMMARY
    # Leaving out what was tried too: RDF/XML, tried for a report it cannot hold, came back here
    # for `application/rdf+xml, application/*;q=0.5`, and the request never ended (a review).
    other = chosen(OFFERED_KINDS, None, request.headers.get("Accept"), tried | {fmt.name})
    return other if other is not None else _SUMMARY


def _report(outcome: ValidationOutcome, fmt: Format, used: str, data: str = "") -> Response:
    tried: set[str] = set()
    # Shapes may say a message in several languages: the summary and the page show one per
    # result, in the first language the client accepts that has it (the report holds them all).
    by_language = outcome.multilingual()
    if by_language:
        asked = [language for language, q in request.accept_languages if q > 0 and language != "*"]
        outcome = outcome.in_languages(asked)
    while True:
        if fmt in (_HTML, _SUMMARY):
            body = (_report_page(outcome, current(), used, data) if fmt == _HTML else
                    outcome.text().removesuffix("\n") + f" (shapes: {_SUMMARY_SHAPES[used]})\n").encode()
            break
        try:
            body = outcome.serialize(fmt)
            break
        except ValueError as exc:
            # RDF/XML and a property IRI with no XML name (a user's data may have one): the next
            # format the request accepts, as /sparql answers; a 406 saying why where none is left
            # or format= named this one.
            tried.add(fmt.name)
            other = None if format_parameter() else chosen(OFFERED_KINDS, None, request.headers.get("Accept"),
                                                            frozenset(tried))
            if other is None:
                offered = [f.media_type for f in formats.of_kinds(OFFERED_KINDS) if f.name not in tried]
                return _with_shapes(problem(406, f"{exc}; ask for {', '.join(offered)} or text/plain (the "
                                                 "summary)"), used)
            fmt = _as_asked(other, frozenset(tried))
    resp = _with_shapes(Response(body, status=200, content_type=fmt.content_type), used)
    resp.headers[CONFORMS_HEADER] = "true" if outcome.conforms else "false"
    if outcome.focus_nodes is not None:
        # "true" with nothing checked is no pass: a client reading the headers can tell.
        resp.headers[FOCUS_NODES_HEADER] = str(outcome.focus_nodes)
    if outcome.omitted:
        resp.headers[TRUNCATED_HEADER] = "true"
        # Only where the count cut it: a report cut by its size at 40 results said "limit: 1000".
        limit = service().settings.validation_result_limit
        if len(outcome.results) >= limit:
            resp.headers[LIMIT_HEADER] = str(limit)
    resp.vary.add("Accept")
    if by_language and fmt in (_HTML, _SUMMARY):
        resp.vary.add("Accept-Language")
    return resp


@bp.get("/" + layout.VALIDATE + "/project")
def project_report() -> Response:
    """The project's own data, as the build validates it (its facts and coordinates), against its
    shapes: the report a validator would otherwise get only by posting the facts-only dump, since
    the whole dump is over the upload limit and its inferred graph breaks the shapes that refuse
    stated shortcuts. Computed once per process: neither changes while it serves."""
    serving = service()
    if not serving.project_graph:
        return problem(404, "this service serves a user's files, not the project's graph: post them to "
                            f"{current().validate()} to validate them")
    # An option of a user's validation would change the verdict (inference=rdfs finds violations
    # the build's report does not), so it is refused rather than answered the build's report.
    options = sorted(set(request.args) & (set(_PARAMETERS) - set(_REPORT_PARAMETERS)))
    if options:
        return problem(400, f"{', '.join(options)}: the project's report is the build's (its data, no "
                            "inference, against its shapes), and takes no options; post the data to "
                            f"{current().validate()} to validate it with them")
    try:
        _check_names(list(request.args), _REPORT_PARAMETERS, "query parameter")
        _check_once(_REPORT_PARAMETERS)
    except BadInput as exc:
        return problem(exc.status, str(exc))
    fmt = _report_format()
    names, settings = serving.names, serving.settings

    def validated() -> ValidationOutcome:
        data = quads_to_graph(q for graph in (names.facts_graph, names.coordinates_graph)
                              for q in quads().quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))
        return run_validation(data, project_shapes(settings), ontology=project_ontology(settings),
                              untrusted=False, timeout=settings.validation_timeout,
                              memory_limit=settings.query_memory_bytes, network_guard=settings.network_guard,
                              max_results=settings.validation_result_limit)

    try:
        outcome = cached("project validation", validated)
    except (RdfSyntaxError, ValidationError, ValidationTimeout) as exc:
        return problem(503, f"the project's data could not be validated: {exc}")
    resp = _report(outcome, fmt, "project", _PROJECT_DATA)
    if resp.status_code != 200:
        return resp
    # The same report for as long as the snapshot is served, tagged by the snapshot and the
    # format, not the bytes, which name blank nodes afresh in each worker process. Weak: the same
    # results, not the same bytes.
    return with_validators(resp, weak_etag=f"{serving.served.sha256[:32]}-{resp.mimetype}")


_PROJECT_DATA = ("the project's own data: its facts and coordinates, as the build checks them (not the "
                 "reasoner's links, which no shape expects stated)")


def _with_shapes(resp: Response, used: str) -> Response:
    """The answer, saying which shapes were used (`SHAPES_USED`): for an error, whose they are."""
    resp.headers[SHAPES_HEADER] = used
    return resp


@bp.get("/" + layout.SHAPES)
@bp.get("/" + layout.SHAPES + ".<ext>")
def shapes(ext: str | None = None) -> Response:
    fmt = negotiate(SHAPES_KINDS, default=_TURTLE) if ext is None else suffix_format(ext, "shapes document")
    settings = service().settings
    try:
        graph = project_shapes(settings, missing_ok=True)
    except RdfSyntaxError as exc:
        return problem(503, f"the project's shapes do not parse: {exc}")
    # Made once per version of the shapes (the page took 60 ms of a worker's CPU: 33 requests a
    # second held both cores).
    stamp = file_version(Path(settings.shapes_path))
    version = f"shapes {stamp} {fmt.name}"
    if fmt == _HTML:
        body: bytes | str = cached_for_root(version, current().root, lambda: _shapes_page(graph, current()))
    elif fmt == _TURTLE and Path(settings.shapes_path).suffix == ".ttl" and len(graph):
        # As authored, comments and layout kept (under the base the graph is served under; under
        # the canonical base, byte for byte the file).
        body = cached(version, lambda: rebase_text(Path(settings.shapes_path).read_text(encoding="utf-8"),
                                                   settings.base_iri).encode("utf-8"))
    else:
        # The dataset formats put the shapes in their graph of the snapshot (`graph/shapes`).
        name = from_rdflib(graph.identifier) if fmt.kind == "dataset" else ox.DefaultGraph()
        body = cached(version, lambda: write(stable(quad_from_rdflib(*t, name) for t in graph), fmt))
    # The document is the file as authored, read again when it changes: dated by the file, not by
    # the snapshot (a conditional GET after an edit was answered 304).
    changed = datetime.fromtimestamp(stamp[0] // 10**9, UTC) if stamp else None
    # Its other formats in Link headers, as the ontology's and every resource's document has them.
    links = alternates([(f, current().shapes(f)) for f in DOCUMENT_FORMATS], fmt)
    return respond(body, fmt, negotiated=ext is None, modified=changed, links=links,
                   headers={"Content-Location": current().shapes(fmt)} if ext is None else None)



# --- reading the request ----------------------------------------------------------------------


def _check_size(limit: int) -> None:
    if request.content_length is not None and request.content_length > limit:
        raise BadInput(413, too_large(limit))


def _inputs(prefixes: dict[str, str]) -> tuple[Graph, Graph | None, InferenceChoice]:
    """The data graph, the shapes graph (None: none sent) and the inference option; each graph
    has its documents' prefix declarations bound (pySHACL's SPARQL constraints see the data's),
    and all of them go to `prefixes` too (to name IRIs in the report)."""
    _check_names(list(request.args), _PARAMETERS, "query parameter")
    _check_once(_PARAMETERS + ("data-format", "shapes-format"))
    if request.mimetype in _FORMS:
        _check_utf8_form()
        if _rdf_sent_as_form():
            # What `curl --data-binary @file.ttl` sends unless told the type.
            raise BadInput(400, "no data to validate: the body is declared a form "
                                "(application/x-www-form-urlencoded, curl's default for --data) but reads "
                                "as RDF, its text taken for the names of fields; to send RDF as the body, "
                                "give its type, e.g. Content-Type: text/turtle")
        _check_names([*request.form, *request.files], _FIELDS, "form field")
        data, shapes = _parts(("data", "shapes"), prefixes, _base_iri())
        inference = request.form.get("inference") or request.args.get("inference") or "none"
    else:
        if not request.mimetype:
            raise BadInput(415, "no Content-Type: send the data as " + _supported()
                           + ", or as a form (multipart/form-data or application/x-www-form-urlencoded)")
        fmt = formats.by_media_type(request.mimetype, INPUT_KINDS)
        if fmt is None:
            raise BadInput(415, f"{request.mimetype} is not a format this service reads; send "
                           + _supported() + ", or a form")
        body = _as_utf8(request.get_data(cache=False), request.mimetype_params.get("charset", ""), fmt,
                        "the body")
        declared: dict[str, str] = {}
        data = None
        if body:
            quads = _parse(body, fmt, "data", declared, _base_iri())
            if not quads:
                # As a form's empty file: a broken export must not pass as conforming data.
                raise BadInput(400, f"the body ({fmt.label}) holds no triples; send the data it was "
                                    "meant to hold")
            data = quads_to_graph(quads, prefixes=declared)
        prefixes.update(declared)
        shapes = None
        inference = request.args.get("inference") or "none"
    if data is None:
        if (request.mimetype == "multipart/form-data" and not request.form and not request.files
                and request.get_data(cache=True)):
            # werkzeug reads a body it cannot split into parts as a form with none.
            boundary = request.mimetype_params.get("boundary")
            raise BadInput(400, "the multipart body cannot be read: " + (
                f"none of its parts could be read (each opens with --{boundary} and a header "
                "Content-Disposition: form-data; name=...)" if boundary
                else "its Content-Type names no boundary (multipart/form-data; boundary=...)"))
        raise BadInput(400, "no data to validate: send RDF as the request body, or as the form "
                            "field or file `data`")
    choice = inference_choice(inference)
    if choice is None:
        raise BadInput(400, f"inference={inference!r} is not offered; use one of "
                            + ", ".join(INFERENCE_CHOICES))
    return data, shapes, choice


def _check_utf8_form() -> None:
    """415 for a form declared in another charset, 400 for a field that is not UTF-8, as /sparql
    answers them: werkzeug keeps a %-escape that is not UTF-8 as its three characters ("Caf%E9")
    and reads a multipart field's stray byte as U+FFFD, and the data validated was not what was
    sent. (A multipart part that declares its own charset is read in it.)"""
    if request.mimetype == "application/x-www-form-urlencoded":
        if charset := foreign_charset(request):
            raise BadInput(415, f"a form's fields are read as UTF-8, not {charset}: send them as UTF-8")
        try:
            require_utf8_escapes(request.get_data(cache=True), "the form", _FIELD_BYTES)
        except BadRequest as exc:
            raise BadInput(400, str(exc.description)) from None
        return
    fields = list(request.form.items(multi=True))
    replaced = list(dict.fromkeys(name for name, value in fields if "\ufffd" in value))
    # Only where the fields hold more U+FFFD than the body's UTF-8 bytes spell (a text may hold
    # one of its own, or a file part beside it).
    if replaced and sum(value.count("\ufffd") for _, value in fields) > \
            request.get_data(cache=True).count(b"\xef\xbf\xbd"):
        which = (f"the form's {replaced[0]} field is" if len(replaced) == 1
                 else f"one of the form's {' and '.join(replaced)} fields is")
        raise BadInput(400, f"{which} not UTF-8 text; send it as UTF-8 (or as a file, whose encoding its "
                            "format says)")


_FIELD_BYTES = frozenset(name.encode() for name in _FIELDS)


def _as_utf8(body: bytes, charset: str, fmt: Format, source: str) -> bytes:
    """A document's bytes (a body, a file part) as UTF-8, from the `charset` its type declares
    (`text/turtle; charset=iso-8859-1`), as a text part's are read: a file was read as UTF-8, and
    a body refused (415), whatever they declared. Only the charsets RDF/XML's declaration may
    name (`text_encoding`): Python decodes others in time that grows with the square of the size
    (punycode). RDF/XML names its own."""
    charset = charset.strip().lower()
    if not charset or charset in ("utf-8", "utf8") or fmt.name == "rdfxml":
        return body
    encoding = text_encoding(charset)
    if encoding is None:
        raise BadInput(415, f"{source}: it declares the charset {charset!r}, which is not read here; "
                            "send it as UTF-8") from None
    try:
        return body.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(400, f"{source}: byte {exc.start} is not {charset}, the charset it "
                            "declares") from None


def _base_iri() -> str | None:
    """`base=`: what the relative IRIs of the documents sent resolve against, as a file's resolve
    against its own place (pySHACL, the command); None: no base, and a relative IRI is refused."""
    base = (request.form.get("base") if request.mimetype in _FORMS else None) or request.args.get("base")
    if not base:
        return None
    try:
        ox.NamedNode(base)
    except ValueError:
        raise BadInput(400, f"base={base!r} is not an absolute IRI") from None
    return base


def _rdf_sent_as_form() -> bool:
    """RDF read as a form, its text the names of fields: a body declared a form (curl's default
    type) with a field named by RDF's text (spaces, `<`, a quote, `@`), a `data` field among them
    or not (`"x&data=y"` in a literal). A form of plain names is a form: a misspelt `dat=` is
    told so by the check of names."""
    return request.mimetype == "application/x-www-form-urlencoded" and any(
        _RDF_TEXT.search(name) for name in request.form)


_RDF_TEXT = re.compile(r"[\s<>\"@]")


def _check_once(names: tuple[str, ...]) -> None:
    """400 for an option given twice, in the form or the query string or both: the first one
    won unsaid (`inference=none&inference=rdfs` validated without inference), as two `query`
    parameters are refused at /sparql."""
    form = request.form if request.mimetype in _FORMS else None
    for name in names:
        given = request.args.getlist(name) + (form.getlist(name) if form is not None else [])
        if len(given) > 1:
            raise BadInput(400, f"{name} is given {len(given)} times ({', '.join(map(repr, given[:4]))}); "
                                "give it once")


def _check_names(names: list[str | None], known: tuple[str, ...], what: str) -> None:
    """400 for a name this service does not read, most likely a misspelt one (`shape=` dropped
    unread answered "conforms" against the project's shapes), naming the first few: a 2 MB form
    holds 300,000 names, and each costs a close match."""
    if None in names:  # werkzeug's key for a multipart part whose Content-Disposition has no name
        raise BadInput(400, "a part of the form has no name (Content-Disposition: form-data; name=...)")
    unknown = sorted({name for name in names if name is not None} - set(known))
    if not unknown:
        return
    said = []
    for name in unknown[:_NAMED]:
        shown = repr(name if len(name) <= 40 else name[:40] + "...")
        if name in _FIELDS and known is _PARAMETERS and request.mimetype in _FORMS:
            # `?data-format=jsonld` beside a form was told "did you mean 'format'?", which names
            # the report's format, not the data's.
            said.append(f"{shown} (a field of the form, sent with the data: -F {name}=...)")
            continue
        close = get_close_matches(name[:40].lower(), known, 1)
        said.append(f"{shown} (did you mean {close[0]!r}?)" if close else shown)
    more = f" and {len(unknown) - _NAMED:,} more" if len(unknown) > _NAMED else ""
    raise BadInput(400, f"{'a ' + what if len(unknown) == 1 else what + 's'} this service does not read: "
                        f"{', '.join(said)}{more}; it reads " + ", ".join(known))


def _switch(name: str) -> bool:
    """An on/off form field or query parameter (`meta-shacl=true`, as the command's -m); named
    alone (`?allow-warnings`), on, as the command's flag is: it was read as off, without a word."""
    given = request.form.get(name) if name in request.form else request.args.get(name)
    if given is None:
        return False
    value = given.strip().lower() or "true"
    if value not in ("true", "false", "1", "0", "on", "off"):
        raise BadInput(400, f"{name}={value!r}: use true or false")
    return value in ("true", "1", "on")


@dataclass(frozen=True)
class _Sent:
    """A document of the form: the part it belongs to, and whether it came as a file (else as the
    part's text field)."""

    part: str
    as_file: bool
    document: Untrusted


def _parts(names: tuple[str, ...], prefixes: dict[str, str], base_iri: str | None) -> list[Graph | None]:
    """Each of the form's parts (its files and its text field, like several --data files) as one
    graph, with their prefix declarations bound on it and added to `prefixes`; None for a part
    that is absent or blank. All the documents are read in one child: a fork of a worker costs
    more than reading a small document."""
    sent: list[_Sent] = []
    for name in names:
        explicit = (request.form.get(f"{name}-format") or "").strip()
        uploads = [upload for upload in request.files.getlist(name) if upload.filename]  # "": no file chosen
        for upload in uploads:
            fmt = _named_format(explicit, name) if explicit else _upload_format(upload.filename or "",
                                                                                 upload.mimetype)
            source = f"{name} ({upload.filename})"
            body = _as_utf8(upload.read(), upload.mimetype_params.get("charset", ""), fmt, source)
            document = Untrusted(body, fmt, source, base_iri)
            sent.append(_Sent(name, True, document))
        texts = request.form.getlist(name)
        if len(texts) > 1:
            # One text is one document; several would each need a name and a format, which files have.
            raise BadInput(400, f"the form has {len(texts)} {name!r} text fields; send one (several "
                                f"documents can be sent as {name!r} files)")
        text = texts[0] if texts else ""
        if text.strip():
            fmt = _named_format(explicit, name) if explicit else _TURTLE
            sent.append(_Sent(name, False, Untrusted(text.encode("utf-8"), fmt, name, base_iri)))
    read = _parse_all([s.document for s in sent])
    # Empty data checked against the user's own shapes is what they sent: their sh:targetNode
    # may require what is not there (pySHACL validates it too).
    shapes_given = any(parsed for one, (parsed, _) in zip(sent, read, strict=True) if one.part == "shapes")
    graphs = []
    for name in names:
        declared: dict[str, str] = {}
        quads: list[ox.Quad] = []
        empty = False
        for position, (one, (parsed, found)) in enumerate(zip(sent, read, strict=True)):
            if one.part != name:
                continue
            if not parsed and name == "data" and shapes_given:
                empty = True
                continue
            if not parsed:
                # A file chosen but empty is not "no file": the project's shapes in its place would
                # answer for shapes the user never sent. Only @prefix lines or comments in the text:
                # as an empty file, not as no text.
                what = one.document.source if one.as_file else f"the {name} text"
                none = "no file" if one.as_file else "none"
                instead = f", or {none} to be checked against the project's shapes"
                raise BadInput(400, f"{what} holds no triples; send the {name} it was meant to hold"
                               + (instead if name == "shapes" else ""))
            declared.update(found)
            # Each document's blank nodes its own: two exports' `_:b0` are two nodes, and so are
            # the data's first blank node and the shapes' (numbered by the request, not the part).
            quads += keep_apart(parsed, position)
        prefixes.update(declared)
        graphs.append(quads_to_graph(quads, prefixes=declared) if quads or empty else None)
    return graphs


def _named_format(value: str, part: str) -> Format:
    fmt = formats.by_name(value, INPUT_KINDS)
    if fmt is None:
        raise BadInput(415, f"{part}-format={value!r} is not a format this service reads; use "
                       + ", ".join(f.name for f in INPUT_FORMATS))
    return fmt


def _upload_format(filename: str, mimetype: str | None) -> Format:
    """An upload's format: from its file name's extension, else its part's Content-Type, else
    Turtle (what a text editor saves without saying)."""
    suffix = PurePosixPath(filename).suffix
    by_extension = formats.by_extension(suffix, INPUT_KINDS) if suffix else None
    if by_extension is not None:
        return by_extension
    if mimetype and mimetype not in ("application/octet-stream", "text/plain"):
        by_type = formats.by_media_type(mimetype, INPUT_KINDS)
        if by_type is None:
            raise BadInput(415, f"{filename}: {mimetype} is not a format this service reads; send "
                           + _supported())
        return by_type
    return _TURTLE


def _parse(body: bytes, fmt: Format, source: str, prefixes: dict[str, str],
           base_iri: str | None = None) -> list[ox.Quad]:
    """The document's quads (`_parse_all`), its prefix declarations added to `prefixes`."""
    ((quads, declared),) = _parse_all([Untrusted(body, fmt, source, base_iri)])
    prefixes.update(declared)
    return quads


def _parse_all(documents: list[Untrusted]) -> list[tuple[list[ox.Quad], dict[str, str]]]:
    """The documents' quads and prefix declarations, read in one child process; all those of one
    request together at most a quad per `_BYTES_PER_QUAD` bytes of the request limit, and
    `_TEXT_PER_BYTE` times the limit as N-Quads (this process turns them into graphs several
    times that size)."""
    settings = service().settings
    if "validation_allowance" not in g:
        g.validation_allowance = ReadAllowance(deadline=time.monotonic() + settings.validation_timeout,
                                               quads=settings.max_request_bytes // _BYTES_PER_QUAD,
                                               text=settings.max_request_bytes * _TEXT_PER_BYTE)
    try:
        read = parse_untrusted_all(documents, timeout=settings.validation_timeout,
                                   memory_limit=settings.query_memory_bytes,
                                   network_guard=settings.network_guard, allowance=g.validation_allowance)
    except RdfSyntaxError as exc:
        failed = next((d for d in documents if d.source == exc.source), documents[0])
        # The parser's advice names the document's own means; a request has one more.
        unresolved = " (or send base=<IRI> with it)" if "no base IRI" in str(exc) else ""
        hint = unresolved + _looks_like(failed.body, failed.fmt, failed.source)
        raise BadInput(400, str(exc) + hint) from None
    except UnsupportedFormat as exc:
        raise BadInput(415, str(exc)) from None
    except InputTooCostly as exc:
        raise BadInput(413, str(exc)) from None
    except ValidationTimeout as exc:
        raise BadInput(503, f"{exc}; send less data at once") from None
    for document, (_, declared) in zip(documents, read, strict=True):
        count = g.get("validation_prefixes", 0) + len(declared)
        if count > MAX_PREFIXES:
            raise BadInput(413, f"{document.source} declares {len(declared):,} prefixes (or JSON-LD terms); "
                                f"this service takes at most {MAX_PREFIXES:,} in one request")
        g.validation_prefixes = count
    return read


def _looks_like(body: bytes, fmt: Format, source: str) -> str:
    other = formats.looks_like(body, fmt)
    if other is None:
        return ""
    if request.mimetype not in _FORMS:  # a request's body: its Content-Type is its format
        return (f" (it was sent as {fmt.label}, but it looks like {other.label}: "
                f"send it as {other.media_type})")
    part = source.split(" ", 1)[0]
    # A person at the form picks from its list; a script posting the form names the field.
    return (f" (it was read as {fmt.label}, but it looks like {other.label}: choose {other.label} as its "
            f"format (the form's {part} format, {part}-format={other.name}))")


#: The request limit's bytes per quad read, and bytes of N-Quads per byte, that one validation
#: request may hold (2 MB: 100,000 quads, 32 MB of N-Quads).
_BYTES_PER_QUAD = 20
_TEXT_PER_BYTE = 16
#: Prefix declarations one validation request may bring, all its documents together. They are
#: bound here, in the web worker and outside the time limit, on the data graph, the shapes graph
#: and the report, and rdflib binds each in time growing with those bound before: 40,000 in a
#: 1.9 MB document held the worker (and a query slot) for a minute, 20,000 took 24 s a graph; and
#: it recurses once per namespace that starts with another: 999 such (`<e:a>`, `<e:aa>` ...) were
#: a RecursionError, a 500.
MAX_PREFIXES = 500


def _supported() -> str:
    return ", ".join(f"{f.label} ({f.media_type})" for f in INPUT_FORMATS)


# --- answering ----------------------------------------------------------------------------------


def _report_page(outcome: ValidationOutcome, urls: Urls, used: str, data: str = "") -> str:
    report_turtle = outcome.serialize(_TURTLE).decode("utf-8")
    return render_template("validate_report.html", outcome=outcome, groups=outcome.groups(),
                           shapes_used=SHAPES_USED[used], projects_shapes=used == "project", data=data,
                           report_turtle=report_turtle, name=outcome.name,
                           path=lambda p: path_text(outcome.report, p), severity=severity_name,
                           href=lambda t: _href(urls, t))


def _shapes_page(graph: Graph, urls: Urls) -> str:
    infos = describe_shapes(graph)
    # A named property shape has a section of its own: the anchor is there, not on its row.
    return render_template("shapes.html", shapes=infos, sections={i.node for i in infos},
                           documents=[(f, urls.shapes(f)) for f in DOCUMENT_FORMATS],
                           census=census(graph), count=len(graph),
                           anchor=lambda node: _anchor(urls, node),
                           name=lambda t: term_name(graph, t), path=lambda p: path_text(graph, p),
                           summary=lambda t: value_summary(graph, t), severity=severity_name,
                           href=lambda t: _href(urls, t))


def _anchor(urls: Urls, node: object) -> str | None:
    """The fragment a shape IRI is dereferenced to on /shapes (`<base>shapes#Name` -> `Name`)."""
    path = urls.local_path(str(node))
    prefix = f"/{layout.SHAPES}#"
    return path[len(prefix):] if path and path.startswith(prefix) and len(path) > len(prefix) else None


def _href(urls: Urls, term: object) -> str | None:
    if not isinstance(term, URIRef):
        return None
    path = urls.local_path(str(term))
    if path is not None and path.startswith(f"/{layout.RESOURCE}") and not exists(quads(), str(term)):
        return None  # a resource of the posted data only: this service has no page for it
    return urls.href(str(term))
