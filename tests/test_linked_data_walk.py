"""The whole graph over HTTP.

Every subject IRI of the facts graph is looked up in every format through the app (Flask's test
client on the project's built graph): the IRI answers 303 to its document, the document answers
200; an RDF document parses (pyoxigraph's parsers, independent of the serialisers that wrote it)
and holds the resource's asserted triples, a page shows its label. What to expect is read from the
project's data file, not from the service. Then every IRI under the base anywhere in the served
dataset must answer, and 304s, HEAD, 404s and odd paths are checked through the real server
(gunicorn passes paths on differently from Flask's test client).
"""

from __future__ import annotations

import html
import http.client
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pyoxigraph as ox
import pytest
import requests
from flask.testing import FlaskClient
from rdflib import Dataset
from werkzeug.test import TestResponse

from graph_service.config import DEFAULT_BASE, Settings
from graph_service.graph import Format, formats, read_quads
from graph_service.graph.rdf import provenance
from graph_service.web.urls import DOCUMENT_FORMATS

RESOURCES = DEFAULT_BASE + "id/"
SETTINGS = Settings.from_env()
MISSING = [str(p) for p in (SETTINGS.ontology_path, SETTINGS.data_path, SETTINGS.shapes_path)
           if not Path(p).exists()]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"project sources not written yet: {MISSING}")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def facts() -> list[ox.Triple]:
    """The facts as the data states them (per-statement annotations apart: see rdf.provenance)."""
    return [q.triple for q in provenance.expand(read_quads(SETTINGS.data_path, annotations=True)).facts]


@pytest.fixture(scope="module")
def by_subject(facts) -> dict[ox.NamedNode | ox.BlankNode, set[ox.Triple]]:
    """The facts about each subject (the walk looks up hundreds of subjects)."""
    index: dict[ox.NamedNode | ox.BlankNode, set[ox.Triple]] = defaultdict(set)
    for t in facts:
        index[t.subject].add(t)
    return index


#: `get(path, accept)`: the response and, for a redirect, the responses that follow it.
LookUp = Callable[[str, str], list[TestResponse]]


@pytest.fixture(scope="module")
def look_up(project_client: FlaskClient) -> LookUp:
    """Each (path, Accept) asked of the app once for the module, following redirects: the walk of
    the facts' resources and the look-up of every IRI under the base ask mostly the same ones."""
    seen: dict[tuple[str, str], list[TestResponse]] = {}

    def get(path: str, accept: str) -> list[TestResponse]:
        if (path, accept) not in seen:
            chain = [project_client.get(path, headers={"Accept": accept})]
            while chain[-1].status_code in (301, 302, 303, 307, 308) and len(chain) < 5:
                target = urlsplit(chain[-1].headers.get("Location", ""))
                chain.append(project_client.get(target.path, query_string=target.query or None,
                                                headers={"Accept": accept}))
            seen[path, accept] = chain
        return seen[path, accept]
    return get


def path_of(iri: str) -> str:
    return quote(iri[len(DEFAULT_BASE) - 1:], safe="/:@!$&'()*+,;=-._~%#")


def walk_one(look_up: LookUp, own: set[ox.Triple], iri: ox.NamedNode,
             formats: tuple[Format, ...] = DOCUMENT_FORMATS) -> list[str]:
    """`formats` (default: every one) of one resource whose asserted triples are `own`; the
    problems found (empty when all is well)."""
    problems = []
    labels = {t.object.value for t in own if t.predicate == _LABEL}
    for fmt in formats:
        resp, *followed = look_up(path_of(iri.value), fmt.media_type)
        expected = path_of(DEFAULT_BASE + "doc/" + iri.value[len(RESOURCES):]) + "." + fmt.extension
        location = resp.headers.get("Location", "")
        if resp.status_code != 303 or urlsplit(location).path != expected:
            problems.append(f"{iri.value} {fmt.name}: {resp.status_code} Location {location!r}")
            continue
        if "Accept" not in resp.headers.get("Vary", ""):
            problems.append(f"{iri.value} {fmt.name}: 303 without Vary: Accept")
        doc = followed[0]
        if doc.status_code != 200 or doc.mimetype != fmt.media_type:
            problems.append(f"{iri.value} {fmt.name}: document {doc.status_code} {doc.content_type}")
            continue
        if fmt.kind == "page":
            text = doc.get_data(as_text=True)
            h1 = html.unescape(text[text.find("<h1>") + 4:text.find("</h1>")])
            if labels and h1 not in labels:
                problems.append(f"{iri.value} html: none of its labels {sorted(labels)} in {h1!r}")
            continue
        try:
            got = {q.triple for q in ox.parse(doc.data, format=fmt.oxigraph, base_iri=DEFAULT_BASE)}
        except (SyntaxError, ValueError) as exc:  # a parser error is a finding, reported with the others
            problems.append(f"{iri.value} {fmt.name}: does not parse: {exc}")
            continue
        missing = own - got
        if missing:
            problems.append(f"{iri.value} {fmt.name}: {len(missing)} asserted triples missing, "
                            f"e.g. {next(iter(missing))}")
    return problems


def _resources(facts: list[ox.Triple]) -> list[ox.NamedNode]:
    iris = sorted({t.subject for t in facts if isinstance(t.subject, ox.NamedNode)
                   and t.subject.value.startswith(RESOURCES)}, key=lambda n: n.value)
    assert len(iris) > 400, "the facts graph has fewer resources than the article gives"
    return iris


def test_every_other_resource_of_the_facts_graph_answers_in_turtle(look_up, facts, by_subject,
                                                                   record_property):
    """The default run: every format of every tenth resource, Turtle of every other one besides
    (the whole walk, every resource in every format, is the slow test below)."""
    iris = _resources(facts)
    some = tuple(f for f in DOCUMENT_FORMATS if f.extension == "ttl")
    problems = [p for i, iri in enumerate(iris) if i % 2 == 0
                for p in walk_one(look_up, by_subject[iri], iri, DOCUMENT_FORMATS if i % 10 == 0 else some)]
    record_property("iris_walked", len(iris))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20])


@pytest.mark.slow
def test_every_resource_of_the_facts_graph_answers_in_every_format(look_up, facts, by_subject,
                                                                    record_property):
    iris = _resources(facts)
    problems = [problem for iri in iris for problem in walk_one(look_up, by_subject[iri], iri)]
    record_property("iris_walked", len(iris))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20])


def _look_up_every_iri(project_client, look_up, record_property, every_statement: bool) -> None:
    dump = project_client.get("/dumps/liberation.nq")
    assert dump.status_code == 200
    served = ox.parse(dump.data, format=ox.RdfFormat.N_QUADS)
    iris = {t.value for quad in served for t in (quad.subject, quad.predicate, quad.object, quad.graph_name)
            if isinstance(t, ox.NamedNode)}
    ours = sorted({i.split("#", 1)[0] for i in iris if i.startswith(DEFAULT_BASE)})
    assert ours
    if not every_statement:  # the statements (one per fact, over a thousand) are one kind
        statements = [i for i in ours if "/id/statement/" in i]
        ours = [i for i in ours if "/id/statement/" not in i] + statements[::10]

    def answers(iri: str) -> str | None:
        resp = look_up(path_of(iri), "text/turtle")[-1]
        return None if resp.status_code == 200 else f"{iri}: {resp.status_code}"

    problems = [p for p in map(answers, ours) if p]
    record_property("base_iris_looked_up", len(ours))
    assert not problems, "\n".join(problems[:20])


def test_every_iri_under_the_base_answers(project_client, look_up, record_property):
    """Subjects, predicates, objects and graph names anywhere in the served dataset: looking one
    up (following redirects; a hash IRI fetches its document) ends in 200. Every tenth reified
    statement stands for them all here; the slow test below looks up every one."""
    _look_up_every_iri(project_client, look_up, record_property, every_statement=False)


@pytest.mark.slow
def test_every_iri_under_the_base_answers_every_statement_too(project_client, look_up, record_property):
    _look_up_every_iri(project_client, look_up, record_property, every_statement=True)


# --- HTTP details through gunicorn ---------------------------------------------------------------


@pytest.fixture(scope="module")
def a_resource(facts) -> str:
    """A resource the data certainly has: the first capital."""
    return path_of(min(t.subject.value for t in facts if t.subject.value.startswith(RESOURCES + "city/")))


def test_conditional_get_and_head_through_the_server(live_server, a_resource):
    url = urljoin(live_server.url, a_resource.replace("/id/", "/doc/", 1) + ".ttl")
    first = requests.get(url, timeout=30)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]},
                        timeout=30).status_code == 304
    head = requests.head(url, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == first.headers["ETag"]
    see_other = requests.head(urljoin(live_server.url, a_resource), headers={"Accept": "text/html"},
                              timeout=30)
    assert see_other.status_code == 303


@pytest.mark.parametrize("fmt", [f for f in DOCUMENT_FORMATS if f.kind != "page"], ids=lambda f: f.name)
def test_unknown_iri_is_404_in_the_negotiated_format_through_the_server(live_server, fmt):
    resp = requests.get(live_server.url + "id/city/atlantis", headers={"Accept": fmt.media_type}, timeout=30)
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].split(";")[0] == fmt.media_type
    got = Dataset()
    got.parse(data=resp.content, format=formats.by_name(fmt.name).rdflib_name)
    assert len(got) == 0


@pytest.mark.parametrize("raw_path", [
    "/id/city/../city/paris",
    "/id/city/%2e%2e/city/paris",
    "/id/city%2Fparis",
    "/id/city/par%00is",
    "/id/city/%FF%FE",
    "/id/city/" + "x" * 2100,
    "/id/city/" + "x" * 9000,   # beyond gunicorn's request-line limit: gunicorn answers itself
    "/id/city/a%20b",
    "/doc/city/%3Cscript%3E.html",
    "/ontology/%2e%2e/%2e%2e/etc/passwd",
])
def test_odd_paths_through_the_server_are_4xx_never_500(live_server, raw_path):
    """Sent byte for byte (an HTTP library would normalise dot segments away)."""
    parts = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.putheader("Accept", "text/turtle")
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    assert resp.status in (400, 404, 414), (raw_path[:60], resp.status)
    assert b"Traceback" not in body
