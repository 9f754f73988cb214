"""The whole graph over HTTP on the real server (`graph-service serve`, gunicorn and all).

Every subject IRI of the facts graph is looked up in every format: the IRI answers 303 to its
document, the document answers 200; an RDF document parses and holds the resource's asserted
triples, a page shows its label. What to expect is read from the project's data file with rdflib,
not from the service. Then every IRI under the base anywhere in the served dataset must answer,
and 304s, HEAD, 404s and odd paths are checked through gunicorn (which passes paths on
differently from Flask's test client).
"""

from __future__ import annotations

import html
import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
import requests
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDFS

from graph_service.config import Settings
from graph_service.graph import formats, sources
from graph_service.namespace import DEFAULT_BASE
from graph_service.web.urls import DOCUMENT_FORMATS

RESOURCES = DEFAULT_BASE + "id/"
SETTINGS = Settings.from_env()
MISSING = [str(p) for p in (SETTINGS.ontology_path, SETTINGS.data_path, SETTINGS.shapes_path)
           if not Path(p).exists()]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"project sources not written yet: {MISSING}")
#: Concurrent clients: enough to keep gunicorn's workers busy, few enough for a 2-core machine.
CLIENTS = 4

_local = threading.local()


def session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


@pytest.fixture(scope="module")
def facts() -> Graph:
    return sources.read_graph(SETTINGS.data_path)  # (Turtle 1.2 annotations: the project's reader)


def path_of(iri: str) -> str:
    return quote(iri[len(DEFAULT_BASE) - 1:], safe="/:@!$&'()*+,;=-._~%#")


def walk_one(server_url: str, facts: Graph, iri: URIRef) -> list[str]:
    """Every format of one resource; the problems found (empty when all is well)."""
    problems = []
    own = {(s, p, o) for s, p, o in facts.triples((iri, None, None)) if not isinstance(o, BNode)}
    labels = {str(label) for label in facts.objects(iri, RDFS.label)}
    for fmt in DOCUMENT_FORMATS:
        resp = session().get(urljoin(server_url, path_of(str(iri))), headers={"Accept": fmt.media_type},
                             allow_redirects=False, timeout=30)
        expected = path_of(DEFAULT_BASE + "doc/" + str(iri)[len(RESOURCES):]) + "." + fmt.extension
        location = resp.headers.get("Location", "")
        if resp.status_code != 303 or urlsplit(location).path != expected:
            problems.append(f"{iri} {fmt.name}: {resp.status_code} Location {location!r}")
            continue
        if "Accept" not in resp.headers.get("Vary", ""):
            problems.append(f"{iri} {fmt.name}: 303 without Vary: Accept")
        doc = session().get(urljoin(server_url, location), timeout=30)
        if doc.status_code != 200 or doc.headers.get("Content-Type", "").split(";")[0] != fmt.media_type:
            problems.append(f"{iri} {fmt.name}: document {doc.status_code} {doc.headers.get('Content-Type')}")
            continue
        if fmt.kind == "page":
            h1 = html.unescape(doc.text[doc.text.find("<h1>") + 4:doc.text.find("</h1>")])
            if labels and h1 not in labels:
                problems.append(f"{iri} html: none of its labels {sorted(labels)} in {h1!r}")
            continue
        try:
            got = Dataset()
            got.parse(data=doc.content, format=fmt.rdflib_name, publicID=DEFAULT_BASE)
        except Exception as exc:  # any parser error is a finding, reported with the others
            problems.append(f"{iri} {fmt.name}: does not parse: {exc}")
            continue
        missing = own - {(s, p, o) for s, p, o, _g in got.quads()}
        if missing:
            problems.append(f"{iri} {fmt.name}: {len(missing)} asserted triples missing, "
                            f"e.g. {next(iter(missing))}")
    return problems


def test_every_resource_of_the_facts_graph_answers_in_every_format(live_server, facts, record_property):
    iris = sorted({s for s in facts.subjects() if isinstance(s, URIRef) and str(s).startswith(RESOURCES)})
    assert iris, "the facts graph has no resources"
    with ThreadPoolExecutor(CLIENTS) as pool:
        found = pool.map(lambda iri: walk_one(live_server.url, facts, iri), iris)
        problems = [problem for some in found for problem in some]
    record_property("iris_walked", len(iris))
    record_property("requests", len(iris) * len(DOCUMENT_FORMATS) * 2)
    print(f"\nwalked {len(iris)} resource IRIs x {len(DOCUMENT_FORMATS)} formats "
          f"({len(iris) * len(DOCUMENT_FORMATS) * 2} requests)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:20])


def test_every_iri_under_the_base_answers(live_server, record_property):
    """Subjects, predicates, objects and graph names anywhere in the served dataset: looking one
    up (following redirects; a hash IRI fetches its document) ends in 200."""
    dump = requests.get(live_server.url + "dumps/liberation.nq", timeout=60)
    assert dump.status_code == 200
    served = Dataset().parse(data=dump.content, format="nquads")
    iris = {str(t) for quad in served.quads() for t in quad[:3] if isinstance(t, URIRef)}
    iris |= {str(g.identifier) for g in served.graphs() if isinstance(g.identifier, URIRef)}
    ours = sorted({i.split("#", 1)[0] for i in iris if i.startswith(DEFAULT_BASE)})
    assert ours

    def look_up(iri: str) -> str | None:
        resp = session().get(urljoin(live_server.url, path_of(iri)), headers={"Accept": "text/turtle"},
                             timeout=30)
        return None if resp.status_code == 200 else f"{iri}: {resp.status_code}"

    with ThreadPoolExecutor(CLIENTS) as pool:
        problems = [p for p in pool.map(look_up, ours) if p]
    record_property("base_iris_looked_up", len(ours))
    assert not problems, "\n".join(problems[:20])


# --- HTTP details through gunicorn ---------------------------------------------------------------


@pytest.fixture(scope="module")
def a_resource(facts) -> str:
    """A resource the data certainly has: the first capital, else the first subject."""
    subjects = sorted(str(s) for s in facts.subjects() if str(s).startswith(RESOURCES + "city/"))
    return path_of(subjects[0] if subjects else sorted(str(s) for s in facts.subjects())[0])


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
