"""Writes by every route: every kind of SPARQL Update, sent every way a client could, is refused
with a 4xx and a message, and the dataset the endpoint serves is the same before and after (its
content hash, `attacks.content_hash`, and the snapshot /readyz names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from attacks import content_hash
from inprocess import InProcess, Reply

from graph_service.config import Settings
from graph_service.web import create_app

SPARQL_DATASET = Path(__file__).parent / "sparql_data" / "dataset.trig"
FACTS = "https://w3id.org/liberation-kg/graph/facts"
PARIS = "https://w3id.org/liberation-kg/id/city/paris"

UPDATES = [
    f"INSERT DATA {{ GRAPH <{FACTS}> {{ <{PARIS}> <urn:x:p> 'planted' }} }}",
    "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"WITH <{FACTS}> DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 'defaced' }} WHERE {{ ?s ?p ?o }}",
    "LOAD SILENT <file:///etc/hostname> INTO GRAPH <urn:g>",
    "CLEAR ALL", f"DROP SILENT GRAPH <{FACTS}>", "CREATE GRAPH <urn:x:new>", f"MOVE <{FACTS}> TO DEFAULT",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; DROP ALL",
    "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }",  # "INSERT" by codepoint escape
    "PREFIX x: <urn:x:> insert data { x:a x:b x:c }",
]
#: More kinds, checked by the parser alone (tests/test_sparql_safety.py) and here by one route.
MORE_UPDATES = ["DELETE DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT", "DROP ALL",
                f"COPY <{FACTS}> TO DEFAULT", f"ADD DEFAULT TO <{FACTS}>", "LOAD <http://127.0.0.1:9/x>"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=tmp_path_factory.mktemp("build"))
    return InProcess(create_app(settings))


def served(app: InProcess) -> tuple[tuple[int, str], dict]:
    def ask(query: str) -> dict:
        resp = app.post(app.sparql, data={"query": query},
                        headers={"Accept": "application/sparql-results+json"})
        assert resp.status_code == 200, resp.text
        return resp.json()
    return content_hash(ask), app.get(app.url + "readyz").json()["snapshot"]


def sparql_routes(app: InProcess, update: str) -> dict[str, Reply]:
    json = {"Accept": "application/json"}
    return {
        "GET query=": app.get(app.sparql, params={"query": update}, headers=json),
        "GET update=": app.get(app.sparql, params={"update": update}, headers=json),
        "POST form query=": app.post(app.sparql, data={"query": update}, headers=json),
        "POST form update=": app.post(app.sparql, data={"update": update}, headers=json),
        "POST sparql-update": app.post(app.sparql, data=update.encode(), headers={
            "Content-Type": "application/sparql-update", **json}),
        "POST sparql-query": app.post(app.sparql, data=update.encode(), headers={
            "Content-Type": "application/sparql-query", **json}),
        "POST page": app.post(app.sparql, data={"query": update}, headers={"Accept": "text/html"}),
        "shapes sh:select": app.post(app.url + "validate", headers=json, data={
            "data": "<urn:a> <urn:b> <urn:c> .",
            "shapes": "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      f'<urn:S> sh:targetNode <urn:a> ; sh:sparql [ sh:select """{update}""" ] .'}),
    }


def test_every_update_by_every_route_is_refused_and_changes_nothing(app: InProcess) -> None:
    before = served(app)
    refused = 0
    for update in UPDATES:
        for route, resp in sparql_routes(app, update).items():
            assert resp.status_code in (400, 403), (route, update, resp.status_code, resp.text[:200])
            if route == "POST page":
                assert resp.headers["Content-Type"].startswith("text/html")
                assert "updates are not offered" in resp.text or "malformed" in resp.text
            else:
                text = resp.json()["message"]
                assert "updates are not offered" in text or "refused" in text or "does not parse" in text, \
                    (route, update, text)
            refused += 1
    for update in MORE_UPDATES:
        resp = app.post(app.sparql, data=update.encode(),
                        headers={"Content-Type": "application/sparql-query"})
        assert resp.status_code == 403 and "updates are not offered" in resp.text
    assert refused == len(UPDATES) * 8
    assert served(app) == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST", "PATCH"])
def test_resource_routes_take_no_writes(app: InProcess, method: str) -> None:
    before = served(app)
    paths = ["/id/city/paris", "/doc/city/paris.ttl", "/doc/city/paris", "/ontology", "/ontology.ttl",
             "/void", "/dumps/liberation.nq", "/shapes", "/search", "/", "/graph/facts", "/readyz"]
    if method != "POST":
        paths += ["/sparql", "/validate"]
    body = f"<{PARIS}> <urn:x:p> 'planted' ."
    for path in paths:
        resp = app.request(method, app.url + path.lstrip("/"), data=body.encode(),
                           headers={"Content-Type": "text/turtle", "Accept": "application/json"})
        assert resp.status_code == 405, (method, path, resp.status_code)
        assert "GET" in resp.headers["Allow"] and resp.json()["message"], (method, path)
    assert served(app) == before
