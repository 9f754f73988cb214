"""The W3C SPARQL 1.1 Protocol tests (vendored in tests/conformance/sparql11-protocol/, see its
README), run against the real server serving the suite's data files as named graphs.

Query tests and the `bad_update_*` tests must pass (a read-only endpoint passes the latter by
refusing); the update tests that need a writable store are skipped as not applicable.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

SUITE = Path(__file__).parent / "conformance" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml"},
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    format: str | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[Request]
    graph_data: dict[str, Path] = field(default_factory=dict)


def load_suite() -> list[ProtocolTest]:
    g = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(MF.entries, None))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        reqs = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in Collection(g, g.value(req, HT.headers)):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            boolean = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            reqs.append(Request(
                method=str(g.value(req, HT.methodName)), path=str(g.value(req, HT.absolutePath)),
                headers=headers, body=body,
                statuses={str(s).rsplit("#", 1)[1] for s in g.objects(resp, MF.expectedStatus)},
                boolean=None if boolean is None else boolean.toPython(),
                format=None if fmt is None else str(fmt)))
        data = {str(g.value(d, RDFS.label)): Path(str(g.value(d, UT.graph)).removeprefix("file://"))
                for d in g.objects(entry, UT.graphData)}
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[1], str(g.value(entry, MF.name)), reqs, data))
    return tests


SUITE_TESTS = load_suite()


@pytest.fixture(scope="module")
def suite_server(serve_files, tmp_path_factory):
    """The suite's data files as named graphs (named by their labels), in one N-Quads file."""
    graphs = {label: path for t in SUITE_TESTS for label, path in t.graph_data.items()}
    quads = []
    for label, path in sorted(graphs.items()):
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(label)))
    target = tmp_path_factory.mktemp("protocol") / "suite.nq"
    ox.serialize(quads, str(target), ox.RdfFormat.N_QUADS)
    return serve_files(target)


def test_the_suite_is_complete():
    assert len(SUITE_TESTS) == 34
    assert sum(t.name.startswith("update_") for t in SUITE_TESTS) == 7


@pytest.mark.parametrize("test", SUITE_TESTS, ids=[t.name for t in SUITE_TESTS])
def test_protocol(suite_server, test: ProtocolTest):
    if test.name.startswith("update_"):
        pytest.skip("not applicable: this read-only endpoint offers no updates")
    for req in test.requests:
        url = suite_server.url.rstrip("/") + req.path.replace("/sparql/", "/sparql", 1)
        resp = requests.request(req.method, url, data=req.body, headers=req.headers,
                                allow_redirects=False, timeout=30)
        family = f"StatusCode{resp.status_code // 100}xx"
        assert family in req.statuses, f"{test.title}: {resp.status_code} {resp.text[:300]}"
        media_type = resp.headers.get("Content-Type", "").split(";")[0]
        if req.format is not None:
            assert media_type in FORMATS[req.format], test.title
        if req.boolean is not None:
            assert _boolean(resp, media_type) is req.boolean, test.title


def _boolean(resp: requests.Response, media_type: str) -> bool:
    if media_type == "application/sparql-results+json":
        return json.loads(resp.content)["boolean"]
    root = ET.fromstring(resp.content)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_data_files_are_named_graphs(suite_server):
    resp = requests.get(suite_server.sparql, timeout=30, params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    names = {b["g"]["value"] for b in resp.json()["results"]["bindings"]}
    assert names == {label for t in SUITE_TESTS for label in t.graph_data}
    assert all(URIRef(n) for n in names)
