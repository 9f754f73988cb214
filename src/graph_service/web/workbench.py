"""The query editor's page (YASGUI over the endpoint): what `GET /sparql` shows a browser, and
every answer or error a browser asked for as HTML, the results as a table under the editor."""

from __future__ import annotations

import threading

from flask import Response, current_app, render_template, url_for

from graph_service.graph import Answer, SyntaxProblem, formats, names, run_isolated
from graph_service.web.answer_table import lay_out
from graph_service.web.endpoint import Endpoint
from graph_service.web.headers import TRUNCATED_HEADER
from graph_service.web.negotiation import format_parameter
from graph_service.web.state import service
from graph_service.web.urls import current

#: What the editor opens with on a user's own files: what kinds of things they hold.
OWN_DATA_QUERY = ("# What kinds of things does the data hold, and how many of each?\n"
                  "SELECT ?class (COUNT(DISTINCT ?thing) AS ?things) WHERE {\n"
                  "  ?thing a ?class\n"
                  "}\nGROUP BY ?class\nORDER BY DESC(?things) ?class\n")


def default_query(lib: str) -> str:
    """What the editor opens with: short, runs as it stands, and shows the graph's main facts."""
    return (f"PREFIX lib: <{lib}>\n\n"
            "# Which places were liberated, when (in the article's words), and by whom?\n"
            "SELECT ?place ?when ?liberator WHERE {\n"
            "  ?liberation lib:liberationOf ?place .\n"
            "  OPTIONAL { ?liberation lib:hasTimeSpan/lib:dateText ?when }\n"
            "  OPTIONAL { ?place lib:liberatedBy ?liberator }\n"
            "}\nORDER BY ?place\n")


#: Said under an empty answer to a query for RDF 1.2 reifiers, on the page and in the editor.
REIFIER_HINT = ("This graph holds no reifiers (<< s p o >>): the quote behind each statement is on an "
                "rdf:Statement in graph/provenance: ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
                "lib:evidence ?quote (example query 26, \"which sentence says\").")


#: One answer's table laid out at a time in each serving process, in a child process of its own
#: (`answer_table.lay_out`). Laid out here, in the worker, its Python (0.66 s for 10,000 rows of 5
#: cells) took turns at the interpreter lock with every other request the worker was answering:
#: with four clients asking for such pages in a loop, a trivial query's p95 went from 3 to 106 ms
#: (p99 179 ms). Laid out in a child: 12 ms (p99 30 ms), and 11 ms with eight such clients.
_LAYING_OUT = threading.Lock()
#: Answers up to this many bytes are laid out here all the same: forking the table's process
#: costs more (12 ms) than their thousand or so cells take.
LAID_OUT_HERE = 100_000


def page(endpoint: Endpoint, query: str | None, *, answer: Answer | None = None,
         error: str | None = None, syntax: SyntaxProblem | None = None, status: int = 200) -> Response:
    """The editor holding `query` (else the default one), with the answer as a table under it, or
    the error (a malformed query's line and column marked in the editor)."""
    urls = current()
    prefixes = names(endpoint.settings.base_iri).prefixes
    editor = {
        "endpoint": url_for("sparql.sparql", _external=True),
        "query": query or (default_query(str(prefixes["lib"])) if service().project_graph
                           else OWN_DATA_QUERY),
        "examples": [{"name": e.name, "title": e.title, "query": e.text} for e in endpoint.examples],
        # The editor adds a declaration as a prefix is typed, and shortens IRIs in its results.
        "prefixes": {name: str(ns) for name, ns in prefixes.items()},
        # IRIs of this graph (all under the served base) link to the service's own pages, as in
        # the HTML table.
        "links": [[urls.base_iri, urls.href(urls.base_iri)]],
        "vocabulary": vocabulary(endpoint),
        "truncatedHeader": TRUNCATED_HEADER,
        "error": None if syntax is None else {"line": syntax.line, "column": syntax.column},
        "limit": endpoint.runner.result_limit,
        "reifierHint": REIFIER_HINT if service().project_graph else None,
    }
    settings = endpoint.settings
    table = None
    if answer is not None:
        template = current_app.jinja_env.get_template("_results_table.html")  # here: jinja's cache locks
        if len(answer.body) <= LAID_OUT_HERE:
            table = lay_out(answer, urls, template)
        else:
            with _LAYING_OUT:
                table = run_isolated(lay_out, answer, urls, template, timeout=settings.query_timeout,
                                     memory_limit=settings.query_memory_bytes)
    html = render_template(
        "sparql.html", query=editor["query"], has_query=query is not None, error=error,
        syntax=syntax, table=table, answer=answer,
        summary=endpoint.summary, examples=endpoint.examples, editor=editor,
        settings=settings, limit_header=TRUNCATED_HEADER,
        result_formats=formats.of_kinds(("results",)), graph_formats=formats.of_kinds(formats.TRIPLES_KINDS),
        # The form's own choice stays chosen: a download refused comes back to be sent again.
        chosen_format=(format_parameter() or "html").lower(),
        # The data file writes sources as RDF 1.2 annotations ({| |}); the graph keeps them as
        # rdf:Statements, so `<< s p o >>` (a reifier) finds nothing, silently.
        reifier_hint=REIFIER_HINT if query and "<<" in query and service().project_graph else None,
    )
    return Response(html, status=status, mimetype="text/html")


def vocabulary(endpoint: Endpoint) -> dict[str, list[str]]:
    """The graph's classes and properties, for the editor's autocompletion (no outside lookups)."""
    if endpoint.vocabulary is None:
        def iris(query: str) -> list[str]:
            # Bounded: a served store of someone's own may have any number of terms.
            rows = endpoint.pages.query(query + " LIMIT 5000").rows
            return sorted(str(row["x"]) for row in rows if str(row["x"]).startswith(("http://", "https://")))
        endpoint.vocabulary = {
            "classes": iris("SELECT DISTINCT ?x WHERE { { ?i a ?x } UNION "
                            "{ ?x a <http://www.w3.org/2002/07/owl#Class> } }"),
            "properties": iris("SELECT DISTINCT ?x WHERE { ?s ?x ?o }"),
        }
    return endpoint.vocabulary
