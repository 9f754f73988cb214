"""What operators and load balancers rely on: health endpoints, security headers that the pages
satisfy, and a structured access log that keeps queries and bodies out."""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import os
import re
import socket
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from canonical import canonical
from conftest import children_of
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, VOID

from graph_service.config import Settings
from graph_service.graph import SD, load_store, record_path
from graph_service.web import BackgroundServer, create_app

ROOT = Path(__file__).resolve().parent.parent

HTML_PAGES = ("/", "/sparql", "/doc/city/paris.html", "/ontology", "/shapes", "/validate", "/void")


def test_healthz_is_alive(project_client):
    resp = project_client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}
    assert resp.headers["Cache-Control"] == "no-store"


def test_readyz_names_the_loaded_snapshot(project_app, project_client):
    resp = project_client.get("/readyz")
    assert resp.status_code == 200
    body = resp.get_json()
    record = json.loads(record_path(Settings.from_env()).read_text())
    assert body["status"] == "ready"
    assert body["snapshot"]["sha256"] == record["snapshot"]["sha256"]
    assert body["snapshot"]["built"] == record["created"]
    assert body["snapshot"]["quads"] == len(load_store(Settings.from_env()))
    assert body["snapshot"]["source"] == "snapshot"


def test_pages_carry_security_headers_and_satisfy_their_policy(project_client):
    for path in HTML_PAGES:
        resp = project_client.get(path, headers={"Accept": "text/html"})
        assert resp.status_code == 200 and resp.mimetype == "text/html", path
        policy = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Referrer-Policy"]
        page = resp.get_data(as_text=True)
        # The policy allows no inline script: every script is a file of the site, or data.
        for attributes in re.findall(r"<script\b([^>]*)>", page):
            assert "src=" in attributes or 'type="application/json"' in attributes, (path, attributes)
        assert not re.search(r"\son[a-z]+=", page), path  # no inline event handlers
        assert "javascript:" not in page, path


def test_data_answers_are_not_sniffed(project_client):
    resp = project_client.get("/doc/city/paris.ttl")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in resp.headers


def test_the_access_log_is_one_json_line_per_request_without_queries(live_server):
    secret = "SELECT ?secret WHERE { ?secret ?p ?o } LIMIT 1"
    requests.get(live_server.sparql, params={"query": secret}, headers={"Accept": "application/json"},
                 timeout=30)
    requests.post(live_server.sparql, data=secret.encode(), timeout=30,
                  headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    requests.get(live_server.url + "healthz", timeout=30)
    deadline = time.monotonic() + 10
    # A line is written after its answer is sent, by whichever worker served it: the query's may
    # come after the health check's.
    while True:
        entries = [json.loads(line) for line in live_server.output().splitlines() if line.startswith("{")]
        routes = {(e["route"], e["method"]) for e in entries}
        if {("/healthz", "GET"), ("/sparql", "POST")} <= routes or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert {"time", "method", "route", "status", "duration_ms", "bytes"} <= set(entries[-1])
    assert any(e["route"] == "/sparql" and e["method"] == "POST" and e["status"] == 200 for e in entries)
    assert any(e["route"] == "/healthz" for e in entries)
    assert "secret" not in live_server.output()
    # Nor gunicorn's line about a request it cannot parse: a query pasted into the URL unescaped.
    import socket

    host, port = live_server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b'GET /sparql?query=SELECT * WHERE {?s ?p "SECRETQ2"} HTTP/1.1\r\nHost: x\r\n\r\n')
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")
    deadline = time.monotonic() + 10
    while "Invalid request from ip=" not in live_server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    said = [line for line in live_server.output().splitlines() if "Invalid request from ip=" in line]
    assert said and all("SECRETQ2" not in line and "WHERE" not in line for line in said), said


def test_every_figure_of_the_triples_agrees(project_client):
    """One total, the same wherever the service states it: the build's record, the dataset
    description (void:triples), the home page and the service description's named graphs; and one
    count of the union, the service description's default graph and the home page's."""
    record = json.loads(record_path(Settings.from_env()).read_text())
    total = sum(info["triples"] for info in record["graphs"].values())
    void = Graph().parse(data=project_client.get("/void.ttl").data, format="turtle")
    dataset = next(s for s in void.subjects(RDF.type, VOID.Dataset) if (None, VOID.subset, s) not in void)
    assert int(void.value(dataset, VOID.triples)) == total
    subsets = {str(void.value(s, SD.name)): int(void.value(s, VOID.triples))
               for s in void.objects(dataset, VOID.subset) if (s, SD.name, None) in void}
    assert subsets == {info["iri"]: info["triples"] for info in record["graphs"].values()}

    sd = Graph().parse(data=project_client.get("/sparql", headers={"Accept": "text/turtle"}).data,
                       format="turtle")
    named = {str(sd.value(n, SD.name)): int(sd.value(sd.value(n, SD.graph), VOID.triples))
             for n in sd.subjects(RDF.type, SD.NamedGraph)}
    assert named == subsets
    union = int(next(sd.objects(next(sd.objects(None, SD.defaultGraph)), VOID.triples)))
    count = project_client.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                                headers={"Accept": "application/json"}).get_json()
    assert union == int(count["results"]["bindings"][0]["n"]["value"]) <= total

    home = project_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"{total:,} triples in {len(subsets)} named graphs" in home
    assert f"holds {union:,} distinct triples" in home


def test_the_description_names_the_vocabularies_of_every_graph(project_client):
    """Beside the data's vocabularies, those of the shapes (SHACL) and of the description itself
    (VoID, DCAT, SPARQL Service Description), which are graphs of the dataset too."""
    void = Graph().parse(data=project_client.get("/void.ttl").data, format="turtle")
    dataset = next(s for s in void.subjects(RDF.type, VOID.Dataset) if (None, VOID.subset, s) not in void)
    listed = {str(v) for v in void.objects(dataset, VOID.vocabulary)}
    assert {"http://www.w3.org/ns/shacl#", "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#",
            "http://www.w3.org/ns/sparql-service-description#",
            "https://w3id.org/liberation-kg/ontology#"} <= listed


def test_a_results_request_without_a_query_is_told_so(project_client):
    """GET /sparql with no query describes the service; a client that asks for results there has
    sent its query under another name (or none), and is told so rather than 406."""
    resp = project_client.get("/sparql?q=ASK", headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 400
    assert resp.get_json()["message"].startswith("no query: send it as query=...")
    assert project_client.get("/sparql?q=x", headers={"Accept": "text/turtle"}).status_code == 200
    # A name close to "query" is a misspelling, whatever the client accepts.
    for accept in ("application/sparql-results+json", "text/turtle"):
        resp = project_client.get("/sparql?qurey=x", headers={"Accept": accept})
        assert resp.status_code == 400 and "the request has qurey=, not query=" in resp.get_data(as_text=True)
    # text/xml and application/json name RDF/XML and JSON-LD too, but these clients name SPARQL's
    # own formats as high: results they want (the second is SPARQLWrapper's for JSON), so a
    # parameter that is not query= was meant as one. With no parameter at all the URL is
    # dereferenced, and describes the service in a format the client takes (Service Description
    # 2.1), as it does for the headers YASGUI and Comunica send.
    for accept in ("application/sparql-results+xml, text/xml;q=0.9",
                   "application/sparql-results+json,application/json,text/javascript,application/javascript",
                   "application/sparql-results+json, text/turtle;q=0.5",
                   "application/sparql-results+json,*/*;q=0.9", "text/csv, */*;q=0.5"):
        assert project_client.get("/sparql?q=x", headers={"Accept": accept}).status_code == 400, accept
        described = project_client.get("/sparql", headers={"Accept": accept})
        assert described.status_code == 200, accept
        kind = described.mimetype
        assert kind in ("application/rdf+xml", "application/ld+json", "text/turtle"), (accept, kind)
        graph = Graph().parse(data=described.get_data(as_text=True), format=kind)
        assert (None, RDF.type, URIRef("http://www.w3.org/ns/sparql-service-description#Service")) in graph
    # An empty query string is no parameter either.
    assert project_client.get("/sparql?&", headers={"Accept": "application/sparql-results+json,*/*;q=0.9"}
                              ).status_code == 200
    # Results alone, with no RDF format acceptable: still told that no query came.
    resp = project_client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 400 and resp.get_json()["message"].startswith("no query: send it as query=...")
    # A browser's, anything, JSON of either kind, or an RDF type rated higher: the description.
    for accept in ("*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                   "application/json", "application/sparql-results+json;q=0.5, */*",
                   "application/rdf+xml, application/sparql-results+xml;q=0.5"):
        assert project_client.get("/sparql", headers={"Accept": accept}).status_code == 200, accept
    # text/plain, the results' text table and N-Triples alike: the description in N-Triples, as
    # format=text and /void give it (it was a 400).
    for asked in ({"headers": {"Accept": "text/plain"}}, {"query_string": {"format": "text"}}):
        resp = project_client.get("/sparql", **asked)
        assert resp.status_code == 200, asked
        assert "<http://www.w3.org/ns/sparql-service-description#Service>" in resp.text
        assert Graph().parse(data=resp.data, format="nt"), asked


def test_an_n3_client_gets_turtle(project_client):
    """Turtle is N3's subset: asked for text/n3, the service answers Turtle (as Jena does)."""
    resp = project_client.get("/doc/city/paris", headers={"Accept": "text/n3"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    assert (None, None, None) in Graph().parse(data=resp.data, format="turtle")
    resp = project_client.post("/sparql", data={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"},
                               headers={"Accept": "text/n3"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"


def test_ntriples_is_plain_text_for_clients_that_ask_so(project_client):
    resp = project_client.get("/id/city/paris", headers={"Accept": "text/plain"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/doc/city/paris.nt")
    doc = project_client.get("/doc/city/paris.nt", headers={"Accept": "text/plain"})
    assert doc.content_type == "text/plain; charset=utf-8" and "Accept" in doc.headers["Vary"]
    # The other label is chosen by Accept too: a shared cache must not give it to a text/plain client.
    for path in ("/doc/city/paris.nt", "/void.nt", "/ontology.nt"):
        other = project_client.get(path, headers={"Accept": "application/n-triples"})
        assert other.mimetype == "application/n-triples" and "Accept" in other.headers.get("Vary", ""), path


def test_dumps_are_gzipped_for_clients_that_accept_it_and_cached(project_client):
    plain = project_client.get("/dumps/liberation.nq")
    zipped = project_client.get("/dumps/liberation.nq", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data) / 4
    assert "Accept-Encoding" in zipped.headers["Vary"] and zipped.headers["ETag"] != plain.headers["ETag"]
    assert zipped.mimetype == "application/n-quads"
    assert "public" in plain.headers["Cache-Control"] and "max-age=3600" in plain.headers["Cache-Control"]
    page = project_client.get("/doc/city/paris.html")
    assert "max-age=300" in page.headers["Cache-Control"]


def test_an_interrupted_dump_download_resumes(project_client):
    whole = project_client.get("/dumps/liberation.nq", headers={"Accept-Encoding": "gzip"})
    assert whole.headers["Accept-Ranges"] == "bytes"
    tag, size = whole.headers["ETag"], len(whole.data)
    # `curl -C -` after 1000 bytes, asking for the rest of the same version (If-Range).
    rest = project_client.get("/dumps/liberation.nq", headers={
        "Accept-Encoding": "gzip", "Range": "bytes=1000-", "If-Range": tag})
    assert rest.status_code == 206 and rest.headers["Content-Range"] == f"bytes 1000-{size - 1}/{size}"
    assert whole.data[:1000] + rest.data == whole.data
    # A range of another version is no part of this one: the whole dump comes back.
    other = project_client.get("/dumps/liberation.nq", headers={
        "Accept-Encoding": "gzip", "Range": "bytes=1000-", "If-Range": '"another-version"'})
    assert other.status_code == 200 and other.data == whole.data
    beyond = project_client.get("/dumps/liberation.nq", headers={"Accept-Encoding": "gzip",
                                                                  "Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    # The preconditions come first (RFC 9110 13.2.2), a weak If-Range never matches, another unit
    # is ignored.
    ask = {"Accept-Encoding": "gzip", "Range": "bytes=0-9"}

    def status(**more: str) -> int:
        return project_client.get("/dumps/liberation.nq", headers={**ask, **more}).status_code

    assert status(**{"If-None-Match": tag}) == 304 and status(**{"If-Match": '"other"'}) == 412
    assert status(**{"If-Match": tag}) == 206 and status(**{"If-Range": "W/" + tag}) == 200
    # "*" holds for any current document (13.1.1); If-Unmodified-Since, weighed without If-Match
    # (13.1.4), fails for a dump changed since: a download of an older one is not completed from it.
    modified = whole.headers["Last-Modified"]
    assert status(**{"If-Match": "*"}) == 206
    assert status(**{"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}) == 412
    assert status(**{"If-Unmodified-Since": modified}) == 206
    assert status(**{"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT", "If-Match": tag}) == 206
    # ... and before If-None-Match (13.2.2, step 2 before 3): a 412, not the 304 the tag alone earns.
    assert status(**{"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT", "If-None-Match": tag}) == 412
    other_unit = project_client.get("/dumps/liberation.nq", headers={"Range": "items=0-9"})
    assert other_unit.status_code == 200 and other_unit.headers["Accept-Ranges"] == "bytes"
    # Several ranges, or a malformed one, which may be ignored (14.2), are: the whole dump, not a 416.
    # A suffix longer than the dump asks for all of it (14.1.3).
    for ranges in ("bytes=0-1,5-6", "bytes=5-2", "bytes=abc", f"bytes=-{2 * size}"):
        ignored = project_client.get("/dumps/liberation.nq", headers={**ask, "Range": ranges})
        assert ignored.status_code == 200 and len(ignored.data) == size, ranges


def test_the_shapes_document_is_dated_by_its_file_and_says_where_it_was_negotiated_to(project_client):
    """/shapes serves the shapes file as authored, read again when it changes: its Last-Modified
    is the file's (the snapshot's answered 304 after an edit), and like /ontology and /void a
    negotiated answer names its document; a suffix is one of the documents' own, as there."""
    resp = project_client.get("/shapes", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["Content-Location"] == "/shapes.ttl"
    written = datetime.fromtimestamp(int((ROOT / "shapes" / "liberation.ttl").stat().st_mtime), UTC)
    assert parsedate_to_datetime(resp.headers["Last-Modified"]) == written
    assert "Content-Location" not in project_client.get("/shapes.ttl").headers
    assert [project_client.get(p).status_code for p in ("/shapes.TTL", "/ontology.TTL")] == [404, 404]


def test_a_favicon(project_client):
    resp = project_client.get("/favicon.ico", follow_redirects=True)
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"


def test_a_users_file_is_shown_under_its_own_title(tmp_path):
    own = tmp_path / "letters.ttl"
    own.write_text('@prefix dcterms: <http://purl.org/dc/terms/> .\n'
                   '@prefix void: <http://rdfs.org/ns/void#> .\n'
                   '<http://example.org/letters> a void:Dataset ;\n'
                   '    dcterms:title "Letters from the front"@en .\n'
                   '<http://example.org/l1> dcterms:title "A letter" .\n', encoding="utf-8")
    untitled = tmp_path / "untitled.nt"
    untitled.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    for path, title in ((own, "Letters from the front"), (untitled, "untitled.nt")):
        settings = Settings.from_env(serve_files=(path,), snapshot_dir=tmp_path / "build")
        client = create_app(settings).test_client()
        home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert f"<h1>{title}</h1>" in home and "Liberation" not in home
        form = client.get("/validate").get_data(as_text=True)
        assert f"<title>Validate RDF with SHACL · {title}</title>" in form


def test_linked_data_is_open_to_any_origin(project_client):
    for path in ("/doc/city/paris.ttl", "/void.ttl", "/dumps/liberation.ttl", "/ontology.ttl"):
        resp = project_client.get(path, headers={"Origin": "https://reader.example"})
        assert resp.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in resp.headers
    assert "Link" in project_client.get("/doc/city/paris.ttl", headers={"Origin": "https://r.example"}).headers[
        "Access-Control-Expose-Headers"]
    # A script resuming a dump's download reads which bytes came (Content-Range).
    part = project_client.get("/dumps/liberation.nq",
                              headers={"Origin": "https://r.example", "Range": "bytes=0-99"})
    exposed = {h.strip() for h in part.headers["Access-Control-Expose-Headers"].split(",")}
    assert part.status_code == 206 and part.headers["Content-Range"].startswith("bytes 0-99/")
    assert {"Content-Range", "Accept-Ranges", "Content-Disposition"} <= exposed
    # A script reads the project's verdict, as the report's headers give it.
    report = project_client.get("/validate/project", headers={"Origin": "https://r.example"})
    exposed = {h.strip() for h in report.headers["Access-Control-Expose-Headers"].split(",")}
    assert report.headers["X-Conforms"] == "true" and {"X-Conforms", "X-Shapes", "X-Focus-Nodes"} <= exposed


@pytest.mark.parametrize("path, open_", [
    ("/", True), ("/id/city/paris", True), ("/id/city/", True), ("/doc/city/paris.jsonld", True),
    ("/graph/facts", True), ("/ontology", True), ("/ontology.ttl", True), ("/ontology/1.1.0", True),
    ("/void", True), ("/void.ttl", True), ("/.well-known/void", True), ("/dumps/liberation.nq", True),
    ("/shapes", True), ("/shapes.ttl", True), ("/search?q=rome", True), ("/sparql?query=ASK%7B%7D", True),
    ("/healthz", False), ("/readyz", False), ("/validate", False), ("/timeline.svg", False),
    ("/static/site.css", False),
])
def test_which_routes_scripts_of_any_origin_may_read(project_client, path, open_):
    resp = project_client.get(path, headers={"Origin": "https://reader.example"})
    assert resp.status_code < 400, path
    assert (resp.headers.get("Access-Control-Allow-Origin") == "*") is open_


def test_a_script_may_post_queries_but_not_validations(project_client):
    def preflight(path):
        return project_client.options(path, headers={"Origin": "https://r.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert "POST" in preflight("/sparql").headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in preflight("/validate").headers


def test_scripts_of_any_origin_read_searches_and_query_answers(project_client):
    json_search = project_client.get("/search?q=paris&format=json", headers={"Origin": "https://r.example"})
    assert json_search.status_code == 200 and json_search.mimetype == "application/json"
    assert json_search.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in json_search.headers
    # A script revalidates an answer with its ETag, which is not a header browsers let it read unasked.
    answer = project_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                headers={"Origin": "https://r.example",
                                         "Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.headers["ETag"]
    exposed = {h.strip().lower() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after", "x-result-limit", "x-result-truncated"} <= exposed


def test_every_void_fragment_a_page_links_to_is_on_the_void_page(project_client):
    void = project_client.get("/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    anchors = set(re.findall(r'\bid="([^"]+)"', void))
    linked = {}
    for path in ("/id/source/article", "/id/city/amsterdam", "/id/city/berlin", "/id/city/brussels", "/"):
        page = project_client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 200, path
        for fragment in re.findall(r'href="/void#([^"]+)"', page.get_data(as_text=True)):
            linked.setdefault(fragment, path)
    assert "dataset" in linked  # the article and the capitals name the dataset as their source
    missing = {f: p for f, p in linked.items() if f not in anchors}
    assert not missing, missing
    # And every hash IRI the description itself names (its publisher, its SPARQL service, the
    # dataset its links point to): followed in a browser, each lands on its own place.
    named = set(re.findall(r"<https://w3id\.org/liberation-kg/void#([^>]+)>",
                           project_client.get("/void.nt").get_data(as_text=True)))
    assert {"publisher", "sparql-service", "wikidata"} <= named
    assert named <= anchors, named - anchors


def test_pages_have_unique_ids(project_client):
    """Anchors (`/shapes#Name`, `/ontology#Term`) land on one element each."""
    for path in HTML_PAGES:
        page = project_client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1})[:5])


def test_browse_pages_list_each_kind_by_name(project_client):
    page = project_client.get("/id/city/", headers={"Accept": "text/html"}).get_data(as_text=True)
    names = re.findall(r'<li><a href="/id/city/[^"]+">([^<]+)</a>', page)
    capitals = {"Paris", "Rome", "Brussels", "Warsaw", "Prague", "Berlin", "Amsterdam", "Luxembourg City"}
    assert capitals <= set(names)
    assert names == sorted(names, key=str.casefold)
    # A name opening with a quotation mark among its first letter's (it sorted after every Z).
    page = project_client.get("/id/unit/", headers={"Accept": "text/html"}).get_data(as_text=True)
    units = [html.unescape(n) for n in re.findall(r'<li><a href="/id/unit/[^"]+">([^<]+)</a>', page)]
    assert units.index("“Anna” Company") < units.index("British forces") < units.index("Red Army") \
        < units.index("“Zośka” Battalion"), units
    # What links here: by who links, each one's links together (they were in the store's order).
    paris = project_client.get("/doc/city/paris.html").get_data(as_text=True)
    links_here = paris[paris.index("What links here"):]
    links_here = links_here[:links_here.index("</table>")]
    linking = re.findall(r'<tr><td[^>]*><a href="/id/[^"]+">([^<]+)</a>', links_here)
    assert linking and linking == sorted(linking, key=lambda n: n.strip("“”").casefold()), linking
    # Statements by what they say, as their pages are titled (the list showed 4,023 digests).
    page = project_client.get("/id/statement/", headers={"Accept": "text/html"}).get_data(as_text=True)
    statements = re.findall(r'<li><a href="/id/statement/[^"]+">([^<]+)</a>', page)
    assert len(statements) == 100 and all(s.startswith("Statement: ") for s in statements), statements[:3]
    people = project_client.get("/id/person/").get_data(as_text=True)
    assert 'href="/id/person/charles-de-gaulle"' in people
    home = project_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/id/city/">city</a> (' in home


@pytest.mark.parametrize("path", ["/id/", "/doc/"])
def test_the_root_of_the_resources_lists_their_kinds(project_client, path):
    page = project_client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    kinds = re.findall(r'<li><a href="/id/([a-z]+)/">', page.get_data(as_text=True))
    assert {"city", "person", "event", "photo"} <= set(kinds)
    for kind in kinds:
        assert project_client.get(f"/id/{kind}/", headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize("path", ["/id/city", "/doc/city", "/doc/city/"])
def test_a_kind_without_its_slash_or_under_doc_is_moved_to_its_list(project_client, path):
    # A URL cut back from a resource's (/id/city/paris -> /id/city) finds the list of cities.
    resp = project_client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 308 and resp.headers["Location"].endswith("/id/city/")
    assert project_client.get("/id/no-such-kind").status_code == 404


def test_an_endpoint_url_with_a_trailing_slash_is_moved_keeping_method_and_query(project_client):
    resp = project_client.get("/sparql/?query=ASK%20%7B%7D")
    assert resp.status_code == 308 and resp.headers["Location"].endswith("/sparql?query=ASK%20%7B%7D")
    answer = project_client.post("/sparql/", data=b"ASK {}", follow_redirects=True, headers={
        "Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "true")


@pytest.mark.parametrize("path", ["//id/city/paris", "/id//city/paris", "/id/city//paris",
                                  "///id/city/paris"])
def test_a_path_with_empty_segments_is_moved_to_the_one_without(live_server, path):
    """One resource, one URL: werkzeug answered a leading "//" in place, merged one between a
    route's fixed parts (308) and found none inside a slug (404)."""
    # Sent as written (requests would read a leading "//" as a host).
    host, port = live_server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path}?a=%C5%9B HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/turtle\r\n"
                     "Connection: close\r\n\r\n".encode())
        head = sock.makefile("rb").read().split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 308"), head
    assert f"\r\nLocation: {live_server.url}id/city/paris?a=%C5%9B\r\n" in head


def test_a_query_posted_to_a_doubled_slash_is_answered_where_sent(live_server):
    """urllib (SPARQLWrapper's) follows no 308 with a POST, and a browser never redirects a
    preflight: "//sparql", a base URL ending in "/" joined with "/sparql", is answered there."""
    host, port = live_server.url.split("//")[1].rstrip("/").split(":")
    for request in (b"POST //sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                    b"Accept: application/sparql-results+json\r\nContent-Length: 6\r\nConnection: close"
                    b"\r\n\r\nASK {}",
                    b"OPTIONS //sparql HTTP/1.1\r\nHost: x\r\nOrigin: https://example.org\r\n"
                    b"Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n"):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request)
            reply = sock.makefile("rb").read()
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        assert b'"boolean": true' in reply or request.startswith(b"OPTIONS")


def test_browse_pages_are_chosen_by_accept_and_say_so(project_client):
    # An RDF client is sent to the list as data: a cache must not hand the page to it.
    page = project_client.get("/id/city/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Accept" in page.vary
    assert project_client.get("/id/city/", headers={"Accept": "text/turtle"}).status_code == 303


def test_browse_pages_are_paged_and_refuse_what_is_not_there(project_client):
    quotes = project_client.get("/id/quote/")
    assert quotes.status_code == 200 and 'rel="next"' in quotes.get_data(as_text=True)
    second = project_client.get("/id/quote/?page=2").get_data(as_text=True)
    assert 'start="101"' in second and 'rel="prev"' in second
    assert project_client.get("/id/quote/?page=9").status_code == 404
    assert project_client.get("/id/quote/?page=two").status_code == 400
    assert project_client.get("/id/atlantis/").status_code == 404


@pytest.mark.parametrize("path", ["/sparql%00", "/search/%2e%2e/sparql", "/validate%2fx",
                                  "/nowhere/../sparql"])
def test_odd_paths_are_400_on_every_route(project_client, path):
    resp = project_client.get(path, headers={"Accept": "text/plain"})
    assert resp.status_code == 400, path
    assert "the path contains" in resp.get_data(as_text=True)


def test_the_shapes_page_links_every_format_the_shapes_are_served_in(project_client):
    page = project_client.get("/shapes", headers={"Accept": "text/html"}).get_data(as_text=True)
    links = dict(re.findall(r'<a href="(/shapes\.[a-z]+)" type="([^"]+)"', page))
    assert set(links) == {f"/shapes.{ext}" for ext in ("ttl", "jsonld", "nt", "rdf", "trig", "nq")}
    for url, media_type in links.items():
        resp = project_client.get(url)
        assert resp.status_code == 200 and resp.mimetype == media_type, url


def test_each_ontology_version_iri_leads_to_the_document_that_says_which_version_it_is(project_client):
    resp = project_client.get("/ontology/2.0.0")  # its versionIRI: the ontology served, as a page
    assert resp.status_code == 303 and resp.headers["Location"] == "http://localhost/ontology.html"
    assert project_client.get("/ontology/2.0.0.ttl").headers["Location"] == "http://localhost/ontology.ttl"
    turtle = project_client.get("/ontology.ttl").get_data(as_text=True)
    assert "owl:versionIRI <https://w3id.org/liberation-kg/ontology/2.0.0>" in turtle
    priors = re.search(r"owl:priorVersion ((?:<[^>]+>(?: , )?)+)", turtle)
    assert priors
    assert sorted(re.findall(r"/(1\.\d\.\d)>", priors.group(1))) == [
        "1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.4.1", "1.4.2", "1.5.0", "1.5.1", "1.6.0"]
    # 2.0.0 no longer makes a building a crm:E53_Place, which every earlier version entailed: none
    # is compatible.
    assert "owl:backwardCompatibleWith" not in turtle
    incompatible = re.search(r"owl:incompatibleWith ((?:<[^>]+>(?: , )?)+)", turtle)
    assert incompatible and sorted(re.findall(r"/(1\.\d\.\d)>", incompatible.group(1))) == sorted(
        re.findall(r"/(1\.\d\.\d)>", priors.group(1)))
    assert project_client.get("/ontology/0.9.0").status_code == 404
    assert project_client.get("/ontology/1.2.0.xyz").status_code == 404
    # No version, in the format its extension names, as for a version that might be.
    for path in ("/ontology/x.ttl", "/ontology/9.9.9.ttl"):
        missing = project_client.get(path)
        assert (missing.status_code, missing.mimetype) == (404, "text/turtle")


@pytest.mark.parametrize("version", ["1.6.0", "1.5.1", "1.5.0", "1.4.2", "1.4.1", "1.4.0", "1.3.0", "1.2.0",
                                     "1.1.0", "1.0.0"])
def test_an_earlier_version_iri_leads_to_that_version_as_published(project_client, version):
    """Each priorVersion answered 303 to the current ontology, which is incompatible with three of
    them: a client pinned to 1.2.0 was handed 1.4.0. Each now leads to itself, kept as published."""
    iri = f"https://w3id.org/liberation-kg/ontology/{version}"
    resp = project_client.get(f"/ontology/{version}", headers={"Accept": "text/turtle"})
    assert resp.status_code == 303 and resp.headers["Location"] == f"http://localhost/ontology/{version}.ttl"
    turtle = project_client.get(f"/ontology/{version}.ttl")
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    text = turtle.get_data(as_text=True)
    assert text == (ROOT / "ontology" / "versions" / f"{version}.ttl").read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    onto = URIRef("https://w3id.org/liberation-kg/ontology")
    assert (onto, OWL.versionIRI, URIRef(iri)) in graph and str(graph.value(onto, OWL.versionInfo)) == version
    as_turtle = canonical(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    for ext, fmt in (("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD),
                     ("rdf", ox.RdfFormat.RDF_XML)):
        other = project_client.get(f"/ontology/{version}.{ext}").data
        assert canonical(ox.parse(other, format=fmt)) == as_turtle, ext
    # As a dataset, in the graph its version IRI names (N-Quads was N-Triples' bytes, and ETag).
    nquads = project_client.get(f"/ontology/{version}.nq").get_data(as_text=True)
    assert all(line.endswith(f"<{iri}> .") for line in nquads.splitlines() if line)
    resp = project_client.get(f"/ontology/{version}", headers={"Accept": "text/html"})
    assert resp.headers["Location"] == f"http://localhost/ontology/{version}.html"
    page = project_client.get(f"/ontology/{version}.html").get_data(as_text=True)
    relation = "declares itself incompatible with it (<code>owl:incompatibleWith</code>)"
    assert f"superseded by <a href=\"/ontology\">version 2.0.0</a>, which {relation}" in page
    assert f"owl:versionInfo &#34;{version}&#34;" in page or f'owl:versionInfo "{version}"' in page
    # The current reference links each earlier version.
    reference = project_client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'<a href="/ontology/{version}">{version}</a>' in reference


def test_a_moved_url_keeps_its_query_string_and_its_bytes(project_client):
    assert project_client.get("/id/city?page=1").headers["Location"].endswith("/id/city/?page=1")
    # curl sends a query's UTF-8 unescaped: the redirect escapes the same bytes, not other text
    resp = project_client.get("/sparql/", environ_overrides={
        "QUERY_STRING": 'query=SELECT ("Zośka" AS ?x) {}'.encode().decode("latin-1")})
    assert resp.status_code == 308 and "Zo%C5%9Bka" in resp.headers["Location"]
    answer = project_client.get(resp.headers["Location"], headers={"Accept": "text/csv"})
    assert answer.get_data(as_text=True).split() == ["x", "Zośka"]


def test_a_kinds_name_with_a_documents_suffix_is_404_and_unknown_kinds_are_not_kept(project_client,
                                                                                      project_app):
    # No document is named so: "/doc/city.ttl" is 404, not a 308 to the list (a page, or a query).
    assert project_client.get("/doc/city.ttl").status_code == 404
    kept = project_app.extensions["graph_service.documents"]
    project_client.get("/id/no-such-kind")  # what any 404 needs, kept once (the kinds, the index)
    before = len(kept)
    for n in range(20):
        assert project_client.get(f"/id/no-such-kind-{n}").status_code == 404
        assert project_client.get(f"/id/no-such-kind-{n}/").status_code == 404
    assert len(kept) == before


def test_only_the_protocols_parameters_must_be_utf8(project_client):
    # A tracker's parameter in Latin-1 beside a UTF-8 query is not the endpoint's to refuse.
    ok = project_client.get("/sparql?utm=caf%E9&query=ASK%20%7B%7D", headers={"Accept": "text/csv"})
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "true")
    bad = project_client.get("/sparql?query=ASK%20%7B%7D&default-graph-uri=urn:caf%E9")
    assert bad.status_code == 400 and "default-graph-uri=" in bad.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["xyz", "TTL", "json"])
def test_a_resources_document_under_an_unknown_suffix_names_the_suffix(project_client, suffix):
    # Paris is there; only the suffix is wrong, as /ontology.json says of the ontology.
    resp = project_client.get(f"/doc/city/paris.{suffix}", headers={"Accept": "text/plain"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 404 and f"with the extension .{suffix}; use one of" in text
    assert ".ttl" in text and "/id/city/paris>" in text
    # An RDF client's parser still reads the 404, as every /doc 404 is for it.
    turtle = project_client.get(f"/doc/city/paris.{suffix}", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.mimetype == "text/turtle"
    assert turtle.get_data(as_text=True).startswith("# 404 Not Found: no document of <")
    missing = project_client.get("/doc/city/nowhere.xyz", headers={"Accept": "text/plain"})
    assert missing.status_code == 404 and "no resource" in missing.get_data(as_text=True)


def test_every_earlier_version_the_ontology_names_is_kept() -> None:
    """A new version's release copies the one it replaces to ontology/versions/ first: its version
    IRI, named as owl:priorVersion, would otherwise lead nowhere."""
    ontology = Graph().parse(ROOT / "ontology" / "liberation.ttl")
    onto = URIRef("https://w3id.org/liberation-kg/ontology")
    named = {str(v).rsplit("/", 1)[-1] for v in ontology.objects(onto, OWL.priorVersion)}
    kept = {p.stem for p in (ROOT / "ontology" / "versions").glob("*.ttl")}
    assert named == kept
    for version in kept:
        archived = Graph().parse(ROOT / "ontology" / "versions" / f"{version}.ttl")
        assert str(archived.value(onto, OWL.versionInfo)) == version


def test_a_server_that_does_not_start_in_time_says_what_it_printed():
    """BackgroundServer (the tests' and the benchmark's way to run the real server) read its log
    after deleting it: a FileNotFoundError, not the server's own words."""
    with pytest.raises(RuntimeError, match="graph-service serve did not start:"):
        BackgroundServer(startup_timeout=0)


def test_a_reload_serves_the_new_data_and_readyz_names_what_is_served(tmp_path: Path) -> None:
    """HUP (the unit's ExecReload) after the data changed: the master loaded the data once for
    all its workers, so the new workers served the old data while /readyz, which read the
    record on disk, named the new one."""
    import signal

    data = tmp_path / "data.ttl"
    data.write_text('<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "before" .\n',
                    encoding="utf-8")
    query = {"query": "SELECT ?l WHERE { <http://example.org/a> ?p ?l }"}
    accept = {"Accept": "text/csv"}
    with BackgroundServer((str(data),), ("--workers", "1"),
                          env={"GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "snapshots")}) as server:
        first = requests.get(server.url + "readyz", timeout=10).json()["snapshot"]["sha256"]
        assert "before" in requests.get(server.url + "sparql", params=query, headers=accept, timeout=10).text
        data.write_text('<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "after" .\n',
                        encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        answer, ready = "", first
        while time.monotonic() < deadline:
            # Both asked on one connection, so of one worker: while the old worker finishes, the
            # new one answers too, and two requests on two connections may reach one each.
            asked = _readyz_and_answer(server.url, query, accept)
            if asked is None:  # between the old worker and the new
                time.sleep(0.2)
                continue
            ready, answer = asked
            if "after" in answer:
                break
            assert ready == first, "readyz names data the workers do not serve"
            time.sleep(0.2)
        assert "after" in answer and ready != first
        # Data that cannot be loaded leaves the service serving what it had.
        data.write_text("this is not Turtle", encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        time.sleep(3)
        assert "after" in requests.get(server.url + "sparql", params=query, headers=accept, timeout=10).text
        assert requests.get(server.url + "readyz", timeout=10).json()["snapshot"]["sha256"] == ready
        # Each build ran in multiprocessing's fork server, beside its resource tracker: both were let
        # go of (the tracker stayed a child of the master, beside its workers, for good).
        assert [c for c in _commands_of_children(server.process.pid) if "multiprocessing" in c] == []


def _commands_of_children(pid: int) -> list[str]:
    commands = []
    for child in children_of(pid):
        with contextlib.suppress(OSError):  # gone meanwhile
            commands.append(Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
    return commands


def _readyz_and_answer(url: str, query: dict[str, str], headers: dict[str, str]) -> tuple[str, str] | None:
    """The snapshot /readyz names and the query's answer, asked on one connection (None when the
    worker closed it between the two, or it could not be had)."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    target = urlsplit(url)
    conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=10)
    try:
        conn.request("GET", "/readyz")
        resp = conn.getresponse()
        ready = json.loads(resp.read())["snapshot"]["sha256"]
        if resp.will_close:
            return None
        conn.request("GET", "/sparql?" + urlencode(query), headers=headers)
        return ready, conn.getresponse().read().decode()
    except (OSError, http.client.HTTPException, ValueError, KeyError):
        return None
    finally:
        conn.close()


@pytest.mark.parametrize("query_timeout, validation_timeout, grace",
                         [(10, 20, 25), (40, 20, 45), (2.5, 1, 7)])
def test_a_stop_waits_for_the_longest_request_a_worker_may_be_running(query_timeout, validation_timeout,
                                                                      grace) -> None:
    """gunicorn's own grace period (10 s) cut a validation running its default 20 s, unanswered."""
    import socket

    from graph_service.web.serving.application import GraphServiceApplication

    settings = Settings(query_timeout=query_timeout, validation_timeout=validation_timeout)
    application = GraphServiceApplication(settings, socket.create_server(("127.0.0.1", 0)),
                                          loaded=None)  # type: ignore[arg-type]  # not read by the config
    socket.socket(fileno=application.fd).close()  # the listener it took over
    assert application.cfg.graceful_timeout == grace


def test_stdout_holds_the_access_log_only(tmp_path: Path) -> None:
    """A log shipper reads stdout as JSON lines: where the service serves, and gunicorn's own
    messages, go to stderr."""
    import signal
    import subprocess
    import sys

    data = tmp_path / "data.ttl"
    data.write_text('<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n',
                    encoding="utf-8")
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    command = [sys.executable, "-m", "graph_service.cli", "serve", str(data), "--port", "0", "--workers", "1"]
    with out.open("wb") as o, err.open("wb") as e:
        server = subprocess.Popen(command, stdout=o, stderr=e,
                                  env={**os.environ, "GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build")})
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"serving .* at (http://\S+/) ", err.read_text())):
            assert server.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.1)
        url = found.group(1)
        while True:
            try:
                assert requests.get(url + "healthz", timeout=5).status_code == 200
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        requests.get(url + "sparql", params={"query": "ASK {}"}, timeout=10)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    lines = [line for line in out.read_text().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["route"] for line in lines), out.read_text()
    assert "Booting worker" in err.read_text() or "Listening" in err.read_text()
