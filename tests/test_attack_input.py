"""Malformed input gets a 4xx with a message (never a 500 or a hang), and markup sent in gets
back escaped in every HTML page.

In process for the app's own handling; raw sockets against the real server (gunicorn) for what
only a server sees: truncated requests, invalid bytes in the request line, huge request lines.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import re
import resource
import socket
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from inprocess import InProcess, Reply

from graph_service.config import Settings
from graph_service.web import BackgroundServer, create_app
from graph_service.web.errors import SlowRequest
from graph_service.web.serving import limits, sending, shares
from graph_service.web.serving.reading import murder_pending_with_408, request_arrived
from graph_service.web.serving.sending import ClientSocket, Spill
from graph_service.web.serving.worker import ThreadWorker

LIMIT = Settings().max_request_bytes

SPARQL_DATASET = Path(__file__).parent / "sparql_data" / "dataset.trig"
GENERIC_500 = "The server encountered an internal error"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=tmp_path_factory.mktemp("build"))
    return InProcess(create_app(settings))


def refused(resp: Reply, *statuses: int) -> str:
    """The message of a 4xx answer (JSON, text or HTML), asserting it has one."""
    assert resp.status_code in (statuses or range(400, 500)), (resp.status_code, resp.text[:300])
    text = resp.text
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        text = resp.json()["message"]
    assert text.strip() and GENERIC_500 not in text
    return text


# --- malformed input ------------------------------------------------------------------------------


def test_invalid_utf8_in_a_query_or_a_body(app: InProcess) -> None:
    assert "not valid UTF-8" in refused(app.post(app.sparql, data=b"ASK { \xff }", headers={
        "Content-Type": "application/sparql-query"}), 400)
    # Percent-encoded bytes that are no UTF-8 (a client encoding in Latin-1 or cp1250): inside a
    # string they once ran as the three characters "%FF", and answered on other text than sent.
    for resp in (app.get(app.sparql + "?query=ASK%20%7B%FF%7D"),
                 app.get(app.sparql + "?query=SELECT%20(%22%FF%22%20AS%20%3Fx)%20%7B%7D"),
                 app.post(app.sparql, data=b"query=ASK%20%7B%FE%7D", headers={
                     "Content-Type": "application/x-www-form-urlencoded"}),
                 app.post(app.sparql, data=b'query=SELECT ?s { ?s ?p "Zo%9Cka" }', headers={
                     "Content-Type": "application/x-www-form-urlencoded"})):
        assert "not UTF-8 once its %-escapes are decoded" in refused(resp, 400)
    # The same text in UTF-8 runs.
    ok = app.get(app.sparql + "?query=SELECT%20(%22%C5%9B%22%20AS%20%3Fx)%20%7B%7D",
                 headers={"Accept": "text/csv"})
    assert ok.status_code == 200 and ok.text.split() == ["x", "ś"]
    assert "UTF-8" in refused(app.post(app.url + "validate", data=b'<urn:a> <urn:b> "\xc3\x28" .',
                                       headers={"Content-Type": "application/n-triples"}), 400)
    assert "UTF-8" in refused(app.post(app.sparql, data="query=ASK {}".encode("utf-16"), headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-16"}), 415)


def test_a_byte_order_mark_before_a_query_is_not_part_of_it(app: InProcess) -> None:
    for resp in (app.post(app.sparql, data="\ufeffASK {}".encode(), headers={
                     "Content-Type": "application/sparql-query", "Accept": "text/csv"}),
                 app.get(app.sparql + "?query=%EF%BB%BFASK%20%7B%7D", headers={"Accept": "text/csv"})):
        assert (resp.status_code, resp.text) == (200, "true")


@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/json", "application/sparql",
                                          "multipart/form-data", "application/sparql-query; charset=latin-1",
                                          "application/x-www-form-urlencoded; charset=koi8-r", "garbage",
                                          "text/turtle"])
def test_wrong_or_missing_content_types(app: InProcess, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    resp = app.post(app.sparql, data=b"ASK {}", headers=headers)
    refused(resp, 400, 415)
    if content_type not in ("text/turtle", "text/plain"):  # text/plain is N-Triples' old name
        refused(app.post(app.url + "validate", data=b"<urn:a> <urn:b> <urn:c> .", headers=headers), 400, 415)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/html"])
def test_a_compressed_body_is_415_naming_its_coding(app: InProcess, accept: str) -> None:
    # Read as sent, a gzip query was "not valid UTF-8 (byte 1)" and a gzip form had "no query".
    body = gzip.compress(b"ASK { }")
    for url, content_type in ((app.sparql, "application/sparql-query"),
                              (app.sparql, "application/x-www-form-urlencoded"),
                              (app.url + "validate", "text/turtle")):
        resp = app.post(url, data=body, headers={"Content-Type": content_type, "Content-Encoding": "gzip",
                                                "Accept": accept})
        assert "Content-Encoding: gzip is not read here" in refused(resp, 415)
        assert resp.headers["Accept-Encoding"] == "identity"
    plain = app.post(app.sparql, data=b"ASK {}", headers={
        "Content-Type": "application/sparql-query", "Content-Encoding": "identity", "Accept": "text/csv"})
    assert (plain.status_code, plain.text) == (200, "true")
    # Only a body can be encoded: a stray header on a request without one changes nothing.
    stray = {"Content-Encoding": "gzip", "Accept": "text/csv"}
    for resp in (app.get(app.sparql + "?query=ASK%7B%7D", headers=stray),
                 app.get(app.url + "healthz", headers=stray)):
        assert resp.status_code == 200
    # A URL nothing is at, or a method it does not take, is the first thing wrong, body or not.
    gz = {"Content-Type": "text/turtle", "Content-Encoding": "gzip", "Accept": "text/plain"}
    nowhere = app.post(app.url + "no-such-page", data=body, headers=gz)
    assert "nothing is at /no-such-page" in refused(nowhere, 404)
    put = app.request("PUT", app.url + "validate", data=body, headers=gz)
    assert "PUT is not allowed on /validate" in refused(put, 405)


def test_a_wrong_method_or_a_path_nothing_is_at_is_said_in_the_services_words(app: InProcess) -> None:
    put = app.request("PUT", app.sparql, data=b"ASK {}", headers={"Accept": "text/plain"})
    assert "PUT is not allowed on /sparql; use GET or POST" in refused(put, 405)
    assert put.headers["Allow"] == "GET, HEAD, OPTIONS, POST"  # werkzeug's came in a set's order
    assert "nothing is at /no-such-page" in refused(app.get(app.url + "no-such-page"), 404)


def test_multipart_without_a_boundary_or_with_a_broken_body(app: InProcess) -> None:
    for content_type, body, says in (
            ("multipart/form-data", b"--x\r\n", "names no boundary"),
            ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data", "cannot be read"),
            ("multipart/form-data; boundary=x", b"--y--\r\n", "none of its parts could be read"),
            ("multipart/form-data; boundary=x", b"--x\r\n\r\nno header\r\n--x--\r\n", "Content-Disposition"),
            ("multipart/form-data; boundary=zz", b"--zz\r\ngarbage", "cannot be read")):
        message = refused(app.post(app.url + "validate", data=body, headers={"Content-Type": content_type}),
                          400, 415)
        assert says in message and "no data to validate" not in message


@pytest.mark.parametrize("accept", ["*/*;q=abc", "", "x" * 2048, ",".join(["text/x-nothing"] * 200),
                                    "text/html;q=2", ";;;,,", "application/sparql-results+json;q=-1",
                                    "*/*;q=0", "text/*;q=0.5, */*;q=1e309", "a/b/c"])
def test_odd_accept_headers(app: InProcess, accept: str) -> None:
    for url in (app.sparql + "?query=ASK%7B%7D", app.url + "doc/city/paris", app.url + "void",
                app.url + "search?q=par", app.url + "id/city/nowhere", app.url + "shapes"):
        resp = app.get(url, headers={"Accept": accept})
        assert resp.status_code < 500, (url, accept, resp.status_code)
        if resp.status_code >= 400:
            refused(resp, 404, 406)


@pytest.mark.parametrize("path", [
    "/id/city/..%2f..%2fetc%2fpasswd", "/id/city/%2e%2e/%2e%2e/etc/passwd",
    "/doc/city/..%2f..%2fetc%2fpasswd.ttl", "/id/city/paris%00", "/doc/city/paris%00.ttl", "/id/%00",
    "/id/city/%ff%fe", "/doc/city/paris.ttl%00.html",
    "/id/city/" + "a" * 5000, "/id/city/paris%5c..%5c..%5cwin.ini", "/ontology%00.ttl", "/shapes.%00",
    "/dumps/..%2fsnapshot.nq", "/dumps/liberation.nq%00", "/static/..%2f..%2fconfig.py",
    "/static/%2e%2e/%2e%2e/config.py", "/id/city/paris/..;/..;/x", "/search?q=%00%ff",
])
def test_path_traversal_and_nul_are_refused(app: InProcess, path: str) -> None:
    resp = app.get(app.url + path.lstrip("/"), headers={"Accept": "application/json"})
    if resp.status_code == 200:  # only a search can succeed: it finds nothing
        assert path.startswith("/search") and resp.json()["results"] == []
        return
    text = refused(resp, 400, 404, 414)
    assert "root:" not in resp.text and "import" not in resp.text  # no file content
    if "%00" in path and path.startswith(("/id/", "/doc/")):
        assert resp.status_code == 400 and "NUL" in text


def test_a_parameter_given_twice(app: InProcess) -> None:
    assert "2 query parameters" in refused(app.get(app.sparql + "?query=ASK%7B%7D&query=ASK%7B%7D"), 400)
    twice = app.post(app.sparql + "?query=ASK%7B%7D", data={"query": "ASK {}"})
    assert "2 query parameters" in refused(twice, 400)
    both = app.post(app.sparql + "?query=ASK%7B%7D", data=b"ASK {}",
                    headers={"Content-Type": "application/sparql-query"})
    assert "both in the body and as the query parameter" in refused(both, 400)
    # A format named twice, or as format= and output=, is no error where the words name one format:
    # SPARQLWrapper sends each of format=, output= and results=, and for some formats a word and a
    # media type (format=tsv&format=text/tab-separated-values), or a list no format is called.
    for same in ("format=json&output=json&results=json", "format=tsv&format=text/tab-separated-values",
                 "output=JSON&format=application/sparql-results%2Bjson",
                 "format=csv&format=text/csv,application/csv"):
        ok = app.get(app.sparql + "?query=ASK%7B%7D&" + same)
        assert ok.status_code == 200, same
    # A graph's words: xml is RDF/XML for a graph (as SPARQLWrapper's XML for a CONSTRUCT).
    construct = quote("CONSTRUCT { <http://a/> <http://b/p> 1 } WHERE {}")
    graph = app.get(app.sparql + f"?query={construct}&format=xml&output=application/rdf%2Bxml")
    assert graph.status_code == 200 and graph.headers["Content-Type"].startswith("application/rdf+xml")
    # Words naming different formats were settled by their order, without a word (Fuseki's way).
    for different in ("format=json&format=xml", "format=json&output=xml", "output=csv&output=tsv",
                      # "csv" names no graph format, and was left out of the graph reading: JSON-LD.
                      "format=csv&format=json", "output=csv&output=xml", "format=csv&format=xml&output=tsv"):
        text = refused(app.get(app.sparql + "?query=ASK%7B%7D&" + different), 400)
        assert "names different formats" in text and different.replace("&", ", ") in text, different
    page = app.get(app.url + "id/city/paris?format=ttl&output=jsonld")
    assert "format=ttl, output=jsonld" in refused(page, 400)
    posted = app.post(app.sparql + "?output=csv", data={"query": "ASK {}", "format": "tsv"})
    assert "format=tsv, output=csv" in refused(posted, 400)


def test_a_ten_megabyte_query(app: InProcess) -> None:
    big = b"ASK {} #" + b"x" * 10_000_000
    for resp in (app.post(app.sparql, data=big, headers={"Content-Type": "application/sparql-query"}),
                 app.post(app.sparql, data=b"query=" + big, headers={
                     "Content-Type": "application/x-www-form-urlencoded"}),
                 app.post(app.url + "validate", data=big, headers={"Content-Type": "text/turtle"})):
        assert "2,000,000 bytes" in refused(resp, 413)


# --- the real server: what only gunicorn sees -----------------------------------------------------


def raw(server: BackgroundServer, data: bytes, *, half_close: bool = True) -> bytes:
    """Send bytes on a fresh connection and read until the server closes it (10 s at most: a
    hang fails the test)."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(reply: bytes) -> int | None:
    match = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
    return int(match.group(1)) if match else None


def test_an_absolute_form_target_names_the_host_the_request_is_for(live_server: BackgroundServer) -> None:
    """RFC 9112 3.2.2: with `GET http://host/path`, the server MUST ignore Host; the service
    redirected to the Host header's host."""
    reply = raw(live_server, b"GET http://other.example:9000/id/city/paris HTTP/1.1\r\nHost: localhost\r\n"
                             b"Accept: text/html\r\nConnection: close\r\n\r\n")
    assert status_of(reply) == 303
    assert b"\r\nLocation: http://other.example:9000/doc/city/paris.html\r\n" in reply
    reply = raw(live_server, b"GET http://a@b/sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n"
                             b"Connection: close\r\n\r\n")
    assert status_of(reply) == 400 and b"the request target's host 'a@b' is no host" in reply
    # Its scheme too; but a missing or invalid Host is still refused (RFC 9112 3.2): a review found
    # both answered once the target named a host.
    reply = raw(live_server, b"GET https://other.example/id/city/paris HTTP/1.1\r\nHost: localhost\r\n"
                             b"Accept: text/html\r\nConnection: close\r\n\r\n")
    assert b"\r\nLocation: https://other.example/doc/city/paris.html\r\n" in reply
    for host in (b"", b"Host: a b\r\n"):
        reply = raw(live_server, b"GET http://other.example/sparql?query=ASK%7B%7D HTTP/1.1\r\n" + host
                    + b"Connection: close\r\n\r\n")
        assert status_of(reply) == 400 and b"Host" in reply, host


def test_behind_a_proxy_its_forwarded_host_stands_whatever_the_target() -> None:
    """With --proxies, an absolute-form target passed through must not name the service's host
    (a cache before it would keep the redirect to the client's host for everyone)."""
    client = create_app(Settings.from_env(proxies=1)).test_client()
    resp = client.get("/id/city/paris", headers={"Accept": "text/html", "X-Forwarded-Host": "good.example",
                                                 "X-Forwarded-Proto": "https"},
                      environ_overrides={"RAW_URI": "http://evil.example/id/city/paris"})
    assert resp.status_code == 303 and resp.headers["Location"] == "https://good.example/doc/city/paris.html"


def test_truncated_and_malformed_requests_on_the_real_server(live_server: BackgroundServer) -> None:
    cases = {
        "request line cut short": b"GET /sparql?query=ASK",
        "headers cut short": b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAcce",
        "body shorter than its length": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                        b"application/sparql-query\r\nContent-Length: 100\r\n\r\nASK {",
        "not UTF-8 in the request line": b"GET /sparql?query=ASK\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        "NUL in the request line": b"GET /id/city/\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        "no HTTP version": b"GET /\r\n\r\n",
        "an unknown method": b"BREW /sparql HTTP/1.1\r\nHost: x\r\n\r\n",
        "a request line over 64 KiB": b"GET /sparql?query=" + b"A" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        "a bad chunked body": b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                              b"Content-Type: application/sparql-query\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n",
        "a header without a colon": b"GET / HTTP/1.1\r\nHost: x\r\nthis is no header\r\n\r\n",
    }
    for name, data in cases.items():
        reply = raw(live_server, data)
        status = status_of(reply)
        # Either an error status, or (for what is cut short) the connection closed without one.
        assert status is None or 400 <= status < 500, (name, reply[:300])
        if status is not None:
            assert b"\r\n\r\n" in reply and reply.split(b"\r\n\r\n", 1)[1].strip(), (name, reply[:300])
    ok = requests.get(live_server.sparql, params={"query": "ASK {}"}, timeout=10)
    assert ok.status_code == 200


def test_a_transfer_coding_other_than_chunked_is_501_naming_it_on_the_real_server(
        live_server: BackgroundServer) -> None:
    """gunicorn undoes chunked and hands the rest over still coded: a gzip-coded query was
    answered "the query is not valid UTF-8" (a SPARQL user's probe). RFC 9112 6.1 asks 501."""
    body = gzip.compress(b"ASK {}")
    request = (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
               b"Accept: text/plain\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n"
               + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
    reply = raw(live_server, request)
    assert status_of(reply) == 501 and b"Transfer-Encoding: gzip is not read here" in reply
    plain = (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
             b"Accept: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
             b"6\r\nASK {}\r\n0\r\n\r\n")
    assert status_of(raw(live_server, plain, half_close=False)) == 200


def test_a_request_without_a_host_or_with_one_that_is_no_host_on_the_real_server(
        live_server: BackgroundServer) -> None:
    # The service names itself by the Host: it described itself as <http:///sparql>, and resolved a
    # query's relative IRIs against http:///, for any of these (RFC 9112 3.2 asks for a 400).
    ask = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n"
    for head, says in ((b"", b"no Host header"), (b"Host:\r\n", b"Host header is empty"),
                       (b"Host: a b\r\n", b"'a b' is no host"),
                       (b"Host: evil.example/x?y\r\n", b"'evil.example/x?y' is no host")):
        reply = raw(live_server, ask + head + b"Connection: close\r\n\r\n")
        assert status_of(reply) == 400 and says in reply, (head, reply[:300])
    described = raw(live_server, b"GET /sparql HTTP/1.1\r\nHost: a b\r\nAccept: text/turtle\r\n"
                                 b"Connection: close\r\n\r\n")
    assert status_of(described) == 400 and b"http:///" not in described
    # HTTP/1.0 has no Host to require; an IP literal and a port are a host.
    for request in (b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n",
                    ask + b"Host: [::1]:8080\r\nConnection: close\r\n\r\n"):
        assert status_of(raw(live_server, request, half_close=False)) == 200, request


def test_no_client_sets_the_mount_path_on_the_real_server(live_server: BackgroundServer) -> None:
    # gunicorn took a SCRIPT_NAME header from loopback peers (any client behind a local proxy):
    # pages with every link under it, each kept for good; and a 500 where it did not fit the path.
    def page(path: bytes) -> bytes:
        return raw(live_server, b"GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n"
                                b"SCRIPT_NAME: /evil\r\nConnection: close\r\n\r\n" % path)

    assert status_of(page(b"/evil/ontology")) == 404
    reply = page(b"/ontology")
    assert status_of(reply) == 200 and b"/evil" not in reply
    assert status_of(page(b"/healthz")) == 200


def test_a_mount_path_a_proxy_passes_on_is_not_kept_for_good() -> None:
    app = create_app(Settings.from_env(proxies=1))
    client = app.test_client()
    for i in range(10):
        resp = client.get("/ontology", headers={"Accept": "text/html", "X-Forwarded-Prefix": f"/p{i}"})
        assert resp.status_code == 200 and f'href="/p{i}/' in resp.text
    assert len(app.extensions["graph_service.documents.roots"]["ontology.html"]) == 4
    # The service's own words for a 404 and a 405 name the path as the client asked for it.
    lost = client.get("/no-such-page", headers={"Accept": "text/plain", "X-Forwarded-Prefix": "/kg"})
    assert "nothing is at /kg/no-such-page (the home page, /kg/," in refused(lost, 404)
    put = client.put("/sparql", headers={"Accept": "text/plain", "X-Forwarded-Prefix": "/kg"})
    assert "PUT is not allowed on /kg/sparql" in refused(put, 405)


def test_a_ten_megabyte_query_on_the_real_server(live_server: BackgroundServer) -> None:
    big = "ASK {} #" + "x" * 10_000_000
    resp = requests.post(live_server.sparql, data=big.encode(), timeout=30,
                         headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    assert resp.status_code == 413 and "2,000,000 bytes" in resp.json()["message"]
    resp = requests.get(live_server.sparql, params={"query": big[:100_000]}, timeout=30)
    assert resp.status_code == 414 and "by POST" in resp.text


def in_chunks(data: bytes, size: int = 65_536) -> Iterator[bytes]:
    """`data` as a generator: requests sends it chunked, with no Content-Length."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_a_body_sent_in_chunks_is_held_to_the_limit_whole(live_server: BackgroundServer) -> None:
    # werkzeug reads a body of unknown length to the limit and stops there: the first 2 MB of a
    # longer one were answered as if they were all of it (here the dataset parameter after the
    # padding was dropped, and the whole union counted).
    count = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    graph = quote("https://w3id.org/liberation-kg/graph/coordinates", safe="")
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Accept": "application/sparql-results+json"}

    def asked(form: str) -> requests.Response:
        return requests.post(live_server.sparql, data=in_chunks(form.encode()), headers=headers, timeout=30)

    whole = asked(f"query={count}&pad=x&default-graph-uri={graph}")
    expected = requests.post(live_server.sparql, data=f"query={count}&default-graph-uri={graph}",
                             headers=headers, timeout=30)
    assert whole.status_code == expected.status_code == 200
    assert whole.json()["results"] == expected.json()["results"]
    over = asked(f"query={count}&pad={'x' * 2_000_000}&default-graph-uri={graph}")
    assert over.status_code == 413 and "2,000,000 bytes" in over.json()["message"]
    # A data file for validation whose lines past the limit were never read (and so conformed).
    triples = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n" * 30_000
    upload = requests.post(live_server.url + "validate", data=in_chunks(triples + b"this is not RDF\n"),
                           headers={"Content-Type": "application/n-triples", "Accept": "application/json"},
                           timeout=30)
    assert len(triples) > 2_000_000 and upload.status_code == 413, upload.text[:300]
    ok = requests.get(live_server.sparql, params={"query": "ASK {}"}, timeout=10)
    assert ok.status_code == 200


# --- cross-site scripting -------------------------------------------------------------------------

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>",
            "javascript:alert(1)"]


def unescaped(page: str, payload: str) -> bool:
    """Whether the payload's markup came through as markup."""
    if payload.startswith("javascript:"):
        return bool(re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", page, re.IGNORECASE))
    return payload in page or bool(re.search(r"<(script|img|svg)\b[^>]*(alert|onerror|onload)", page))


def html(resp: Reply) -> str:
    assert resp.headers["Content-Type"].startswith("text/html"), resp.headers["Content-Type"]
    return resp.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_come_back_escaped_in_every_page(app: InProcess, payload: str) -> None:
    page_ = {"Accept": "text/html"}
    literal = payload.replace("\\", "\\\\").replace("'", "\\'")
    pages = {
        "query page, results": app.get(app.sparql, headers=page_, params={
            "query": f"SELECT ?x ?i {{ BIND('{literal}' AS ?x) BIND(IRI('javascript:alert(1)') AS ?i) }}"}),
        "query page, graph": app.get(app.sparql, headers=page_, params={
            "query": f"CONSTRUCT {{ <javascript:alert(1)> <urn:p> '{literal}' }} WHERE {{}}"}),
        "query page, syntax error": app.get(app.sparql, headers=page_, params={"query": f"SELECT {payload}"}),
        "query page, refused": app.get(app.sparql, headers=page_, params={
            "query": f"SELECT * FROM <http://x/{payload}> WHERE {{ ?s ?p ?o }}"}),
        "query page, bad format": app.get(app.sparql, headers=page_,
                                          params={"query": "ASK {}", "format": payload}),
        "search": app.get(app.url + "search", headers=page_, params={"q": payload}),
        "404": app.get(app.url + "id/city/" + payload.replace("/", "_"), headers=page_),
        "404 document": app.get(app.url + "doc/city/" + payload.replace("/", "_") + ".html", headers=page_),
        "browse, bad page": app.get(app.url + "id/city/", headers=page_, params={"page": payload}),
        "validation report": app.post(app.url + "validate", headers=page_, data={
            "data": f"@prefix ex: <http://example.org/> . <javascript:alert(1)> ex:p '{literal}' ; "
                    f"ex:q <http://example.org/{quote(payload)}>, "
                    "<http://example.org/x'onmouseover='alert(1)> .",
            "shapes": "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      f"ex:S sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:maxLength 1 ; "
                      f"sh:message '{literal}' ; sh:name '{literal}' ] ."}),
        "validation error": app.post(app.url + "validate", headers=page_,
                                     data={"data": f"<urn:a> {payload}"}),
    }
    for name, resp in pages.items():
        page = html(resp)
        assert not unescaped(page, payload), (name, payload)
        assert "javascript:" not in re.sub(r"<(textarea|pre|code|td|p|li|dd|span)[^>]*>[^<]*", "", page) or \
            not re.search(r"""(href|src)\s*=\s*["']?javascript:""", page, re.IGNORECASE), name
    # The payload was shown, as text: escaped, not dropped.
    assert "&lt;script&gt;" in html(pages["search"]) or not payload.startswith("<script")
    assert pages["validation report"].status_code == 200


# --- slow clients ----------------------------------------------------------------------------------


def test_a_long_query_by_get_is_answered_on_the_real_server(live_server: BackgroundServer) -> None:
    """SPARQLWrapper and most clients send GET: a 20 KB query was gunicorn's HTML 414 at 8 KB."""
    query = "ASK { VALUES ?x { " + " ".join(f'"{i}"' for i in range(4000)) + " } }"
    assert len(query) > 20_000
    resp = requests.get(live_server.sparql, params={"query": query}, timeout=30,
                        headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def test_slow_clients_hold_no_thread_on_the_real_server(live_server: BackgroundServer) -> None:
    """Slowloris: connections that send a byte and then nothing once held a thread each, and some
    eighty of them stopped the service answering anyone."""
    answers_beside(live_server, 150, b"G")


def answers_beside(live_server: BackgroundServer, count: int, opening: bytes, *,
                   receive_buffer: int = 0, source: str = "", timeout: float = 5) -> None:
    """The service answers (each query within `timeout`) while `count` connections (from the
    address `source`) have sent `opening` and nothing more (and, with `receive_buffer` bytes of
    buffer, read nothing)."""
    host, port = live_server.url.split("//")[1].rstrip("/").split(":")
    slow = []
    try:
        for _ in range(count):
            sock = socket.socket()
            slow.append(sock)
            if receive_buffer:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            if source:
                sock.bind((source, 0))
            sock.settimeout(10)
            sock.connect((host, int(port)))
            sock.sendall(opening)
        time.sleep(0.2)  # accepted, handed to the poller
        still_answers(live_server, timeout)
    finally:
        for sock in slow:
            sock.close()


def still_answers(live_server: BackgroundServer, timeout: float = 5) -> None:
    """Three trivial queries answered, each within `timeout` seconds."""
    for _ in range(3):
        ok = requests.get(live_server.sparql, params={"query": "ASK {}"}, timeout=timeout,
                          headers={"Accept": "application/json"})
        assert ok.status_code == 200 and ok.json()["boolean"] is True


def test_idle_connections_from_one_address_do_not_keep_others_out(live_server: BackgroundServer) -> None:
    """Each worker stops accepting at gunicorn's 1,000 connections: 2,000 that sent nothing, from
    one address, kept every other client out until they timed out. Now a full worker closes an
    idle connection of the address holding the most, and goes on accepting."""
    flood = 2 * 1000 + 300  # over both workers' connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < flood + 500:
        pytest.skip(f"the system allows this process {hard} open files; the test holds {flood}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, flood + 500), hard))
    answers_beside(live_server, flood, b"", source="127.0.0.2", timeout=3)


def test_a_full_worker_counts_ipv6_clients_by_their_48_when_it_closes_one() -> None:
    """Many /64s of one /48 count as one holder (else each could keep one waiting connection and
    make a NAT's address, with two, the one to lose its connections); IPv4 addresses as they are."""
    one, other = shares.share_of("2001:db8:1:2::1"), shares.share_of("2001:db8:1:ffff::9")
    assert one != other and shares.network_of(one) == shares.network_of(other) == "2001:db8:1::/48"
    assert shares.network_of(shares.share_of("2001:db8:2::1")) != shares.network_of(one)
    assert shares.network_of("198.51.100.7") == "198.51.100.7"


def test_clients_that_read_no_answer_hold_no_thread_on_the_real_server(live_server: BackgroundServer) -> None:
    """A hundred connections that asked for the 4 MB dump and read none of it held every thread
    (each blocked writing) for as long as they stayed open."""
    ask = b"GET /dumps/liberation.nq HTTP/1.1\r\nHost: x\r\n\r\n"
    answers_beside(live_server, 100, ask * 2, receive_buffer=4096)  # and one more behind each
    # A client that reads slowly gets its answers whole, in order (sent by the poller as it reads).
    host, port = live_server.url.split("//")[1].rstrip("/").split(":")
    whole = requests.get(live_server.url + "dumps/liberation.nq", timeout=30).content
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(ask * 2)
        time.sleep(0.5)  # the kernel's buffers fill: the rest waits in the worker
        received = b""
        # (Counted only once there could be two: a count of 4 MB per 64 KB read cost seconds.)
        while len(received) < 2 * len(whole) or received.count(whole) < 2:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(received)} bytes"
            received += chunk
            time.sleep(0.002)
    first, second = received.split(b"HTTP/1.1 200 OK")[1:]
    assert first.endswith(whole) and second.endswith(whole)


def test_past_its_share_a_slow_reader_is_waited_for_not_cut(monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """13 of 40 parallel dumps to one address were cut at its share of the bytes the worker holds;
    now a few threads per client wait for it to read, and only one that reads nothing is cut."""
    import threading

    monkeypatch.setattr(sending, "SPILL_PER_CLIENT", 10_000)
    monkeypatch.setattr(sending, "SEND_SECONDS", 0.5)
    answer = bytes(range(256)) * 4000  # 1 MB: more than the kernel's buffers take at once

    def pair() -> tuple[ClientSocket, socket.socket]:
        ours, theirs = socket.socketpair()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        sock = ClientSocket.adopt(ours)
        sock.spill, sock.client = spill, "198.51.100.7"
        return sock, theirs

    spill = Spill()
    sock, theirs = pair()
    got: list[bytes] = []

    def slowly() -> None:
        while len(b"".join(got)) < len(answer):
            time.sleep(0.001)
            got.append(theirs.recv(65536))

    reader = threading.Thread(target=slowly)
    reader.start()
    sock.sendall(answer)  # waits for the reader, past the share
    reader.join(10)
    assert b"".join(got) == answer and spill.held == 0 and not spill.waiting
    # A client that reads nothing: cut after its time, what was held for it given back.
    sock, theirs = pair()
    started = time.monotonic()
    with pytest.raises(BrokenPipeError):
        sock.sendall(answer)
    assert 0.4 < time.monotonic() - started < 5 and spill.held == 0 and not sock.outbox
    # The access line counted the answer whole as it left the app: the error log says it was cut.
    cut = [r.getMessage() for r in caplog.records if r.name == "gunicorn.error"]
    short = re.fullmatch(r"an answer was cut (\d+) bytes short: the client reads its answers too slowly",
                         cut[-1] if cut else "")
    assert short and 0 < int(short[1]) <= len(answer)
    # One that reads, but under the minimum rate (here 10 MB/s) for the window: cut too.
    monkeypatch.setattr(sending, "MIN_SEND_RATE", 10_000_000)
    sock, theirs = pair()
    stop = threading.Event()

    def dripping() -> None:
        while not stop.is_set():
            time.sleep(0.01)
            with contextlib.suppress(OSError):
                theirs.recv(1000)

    drip = threading.Thread(target=dripping)
    drip.start()
    try:
        with pytest.raises(BrokenPipeError):
            sock.sendall(answer)
    finally:
        stop.set()
        drip.join(5)
    assert spill.held == 0
    # No thread left to wait for that client: cut at once.
    monkeypatch.setattr(sending, "WAITING_PER_CLIENT", 0)
    sock, theirs = pair()
    started = time.monotonic()
    with pytest.raises(BrokenPipeError):
        sock.sendall(answer)
    assert time.monotonic() - started < 0.4 and spill.held == 0


def test_a_body_refused_unread_says_the_connection_closes(live_server: BackgroundServer) -> None:
    reply = raw(live_server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Content-Length: 5000000\r\n\r\nASK", half_close=False)
    head = reply.split(b"\r\n\r\n", 1)[0].lower()
    assert status_of(reply) == 413 and b"connection: close" in head


def test_a_client_expecting_100_continue_gets_it_once_and_never_before_a_refusal(
        live_server: BackgroundServer) -> None:
    """RFC 9110 10.1.1: a final status the head decides (413 for a length over the limit) is sent
    at once, not after 100 Continue has asked for a body that will be refused; a body within the
    limit is asked for once."""
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\nExpect: 100-continue\r\n")
    over = raw(live_server, head + b"Content-Length: 5000000\r\n\r\n", half_close=False)
    assert over.startswith(b"HTTP/1.1 413 "), over[:80]
    host, port = live_server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + b"Content-Length: 7\r\nConnection: close\r\n\r\n")
        assert sock.recv(1000) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"ASK { }")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    within = b"".join(chunks)
    assert within.startswith(b"HTTP/1.1 200 ") and b"100 Continue" not in within, within[:120]


def _connection(data: bytes) -> tuple[object, socket.socket]:
    """gunicorn's connection object for one end of a socket pair, `data` sent from the other."""
    from gunicorn.config import Config
    from gunicorn.workers.gthread import TConn

    server_end, client_end = socket.socketpair()
    client_end.sendall(data)
    conn = TConn(Config(), server_end, ("127.0.0.1", 1), ("127.0.0.1", 2))
    conn.sock = ClientSocket.adopt(conn.sock)
    return conn, client_end


def test_a_request_head_is_read_whole_before_a_thread_takes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from gunicorn.workers.gthread import _DEFER

    conn, client = _connection(b"GET /healthz HTTP/1.1\r\n")
    assert request_arrived(conn, LIMIT) is _DEFER  # back to the poller, the bytes kept for the parser
    client.sendall(b"Host: x\r\n\r\n")
    assert request_arrived(conn, LIMIT) is True
    request = next(conn.parser)
    assert (request.method, request.path) == ("GET", "/healthz")
    # A head that has not come whole within its time: 408, and the connection is closed.
    conn, client = _connection(b"GET /healthz HTTP/1.1\r\n")
    assert request_arrived(conn, LIMIT) is _DEFER
    conn.head_since -= limits.HEAD_SECONDS + 1
    client.sendall(b"X-One: more line\r\n")
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    # One that sends nothing more: gunicorn closes it at its keep-alive timeout, answering 408 first.
    conn, client = _connection(b"GET /healthz HTTP/1.1\r\n")
    assert request_arrived(conn, LIMIT) is _DEFER
    conn.timeout = time.monotonic() - 1

    class Worker:
        pending_conns = [conn]

    murder_pending_with_408(Worker())
    assert client.recv(1000).startswith(b"HTTP/1.1 408 Request Timeout\r\n")


def test_a_body_that_does_not_come_in_time_is_408(app: InProcess) -> None:
    sock, other = socket.socketpair()
    held = ClientSocket.adopt(sock)
    held.deadline = time.monotonic() + 0.2
    expired: list[bool] = []
    held.on_expiry = lambda: expired.append(True)  # the worker has gunicorn close the connection
    started = time.monotonic()
    with pytest.raises(SlowRequest):
        held.recv(10)
    assert 0.15 < time.monotonic() - started < 2 and expired == [True]
    held.deadline = None
    other.sendall(b"x")
    assert held.recv(10) == b"x"  # outside a request, reads are as they were

    class Stalled:
        """A body whose bytes do not come: the server's socket gives up at the request's deadline."""

        def tell(self) -> int:
            return 0

        def seek(self, *args: object) -> int:
            return 0

        def read(self, *args: object) -> bytes:
            raise SlowRequest("the request did not arrive within 60 s")

        readinto = readline = read

    for path, content_type in (("/sparql", "application/sparql-query"), ("/validate", "text/turtle")):
        # As gunicorn calls the app (Flask's test client reads a body its own way).
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
                   "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                   "HTTP_HOST": "x", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": "100",
                   "HTTP_ACCEPT": "text/plain",
                   "REMOTE_ADDR": "127.0.0.1", "wsgi.input": Stalled(), "wsgi.url_scheme": "http",
                   "wsgi.errors": io.StringIO(), "wsgi.multithread": True, "wsgi.multiprocess": True,
                   "wsgi.run_once": False, "wsgi.version": (1, 0)}
        status: list[str] = []
        body = b"".join(app.app(environ, lambda s, headers, exc_info=None, seen=status: seen.append(s)))
        assert status[0].startswith("408") and b"did not arrive within 60 s" in body, (path, status, body)


def test_an_iri_with_a_space_is_said_so_at_the_endpoint(app: InProcess) -> None:
    # Its scheme read as an undeclared prefix ("declare http:") before.
    resp = app.get(app.sparql, params={"query": "SELECT * WHERE { ?s <http://x.org/a b> ?o }"},
                   headers={"Accept": "application/json"})
    assert "this IRI holds a space" in refused(resp, 400) and "PREFIX http:" not in resp.text


def test_a_body_is_waited_for_by_the_poller_too() -> None:
    from gunicorn.workers.gthread import _DEFER

    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 6\r\n\r\n")
    conn, client = _connection(head + b"ASK")
    assert request_arrived(conn, LIMIT) is _DEFER  # the head has come, not the whole body
    client.sendall(b" {}")
    assert request_arrived(conn, LIMIT) is True
    request = next(conn.parser)
    assert request.body.read() == b"ASK {}"
    # A body that does not come in time: 408.
    conn, client = _connection(head + b"A")
    assert request_arrived(conn, LIMIT) is _DEFER
    conn.body_since -= limits.BODY_SECONDS + 1
    client.sendall(b"S")
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    # A client that waits for 100 Continue gets it from the poller.
    conn, client = _connection(head.replace(b"\r\n\r\n", b"\r\nExpect: 100-continue\r\n\r\n"))
    assert request_arrived(conn, LIMIT) is _DEFER
    assert client.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    # A body over the limit goes to the app at once (413), and the connection then closes unread.
    conn, client = _connection(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\nASK")
    assert request_arrived(conn, LIMIT) is True and conn.unread_body
    # A head over 64 KiB: 431; its request line alone: 414. A script of any origin may read why.
    conn, client = _connection(b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 70_000)
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    conn, client = _connection(b"GET /sparql?query=" + b"a" * 70_000)
    assert request_arrived(conn, LIMIT) is False
    answer = client.recv(1000)
    assert answer.startswith(b"HTTP/1.1 414 URI Too Long\r\n") and b"by POST" in answer
    assert b"\r\nAccess-Control-Allow-Origin: *\r\n" in answer
    # Whichever read brings the head's end: one that came with the bytes past the limit was let in.
    line = b"GET /sparql?query=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    conn, client = _connection(line[:50_000])
    assert request_arrived(conn, LIMIT) is _DEFER
    client.sendall(line[50_000:])
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 414 URI Too Long\r\n")
    # A long line beside ordinary headers, the head over the limit: the line is what to shorten.
    conn, client = _connection(b"GET /sparql?query=" + b"a" * 60_000 + b" HTTP/1.1\r\nX-A: "
                               + b"b" * 6000 + b"\r\n\r\n")
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 414 URI Too Long\r\n")


def test_a_chunked_body_is_waited_for_by_the_poller() -> None:
    from gunicorn.workers.gthread import _DEFER

    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    conn, client = _connection(head + b"3\r\nASK\r\n")
    assert request_arrived(conn, LIMIT) is _DEFER
    for part in (b"1;an=extension\r\n", b" \r\n2\r\n{}", b"\r\n0\r\n", b"\r"):
        client.sendall(part)  # the framing cut anywhere
        assert request_arrived(conn, LIMIT) is _DEFER, part
    client.sendall(b"\n")
    assert request_arrived(conn, LIMIT) is True and not conn.unread_body
    assert next(conn.parser).body.read() == b"ASK {}"
    # Trailer lines after the last chunk.
    conn, client = _connection(head + b"6\r\nASK {}\r\n0\r\nX-Trailer: 1\r\n")
    assert request_arrived(conn, LIMIT) is _DEFER
    client.sendall(b"\r\n")
    assert request_arrived(conn, LIMIT) is True
    # Malformed framing goes to gunicorn at once, which refuses it.
    conn, client = _connection(head + b"zz\r\nASK {}\r\n")
    assert request_arrived(conn, LIMIT) is True
    # Framing gunicorn accepts is waited for, however long it is within its limits (a thread
    # once read on from a size line over 1 KiB, a size of 16 digits, trailers over 64 KiB);
    # beyond them the poller refuses it.
    for framing in (b"5;" + b"e" * 1100 + b"\r\nASK", b"00000000000000005\r\nASK",
                    b"6\r\nASK {}\r\n0\r\nX-T: a"):
        conn, client = _connection(head + framing)
        assert request_arrived(conn, LIMIT) is _DEFER, framing[:20]
    conn, client = _connection(head + b"5;" + b"e" * 9000)
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    conn, client = _connection(head + b"0\r\nX-T: " + b"a" * 70_000)
    assert request_arrived(conn, LIMIT) is _DEFER  # read 64 KiB at a time
    assert request_arrived(conn, LIMIT) is False
    assert client.recv(1000).startswith(b"HTTP/1.1 431 ")
    # Past the limit: to the app as soon as the bytes over it have come (it refuses them, 413),
    # not when the chunk that announced them would have.
    conn, client = _connection(head + b"400\r\n" + b"x" * 1000)
    assert request_arrived(conn, 1000) is _DEFER
    client.sendall(b"x")
    assert request_arrived(conn, 1000) is True and conn.unread_body


def test_slow_bodies_hold_no_thread_on_the_real_server(live_server: BackgroundServer) -> None:
    answers_beside(live_server, 120, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                     b"application/sparql-query\r\nContent-Length: 100000\r\n\r\nASK")
    # Announced over 1 MiB (a thread read those until their 60 s), and chunked.
    answers_beside(live_server, 120, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                     b"application/sparql-query\r\nContent-Length: 1900000\r\n\r\nASK")
    answers_beside(live_server, 120, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                     b"application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     b"3\r\nASK\r\n")


def test_a_connection_closes_on_the_poller_and_is_counted_out_once() -> None:
    """gunicorn lingered over a closing connection for up to 2 s on the worker's one poller
    thread (a client that never hung up stopped the worker); then a pool thread did, holding a
    thread per closing connection. And gunicorn counted out a connection closed by its thread
    again, so that a stopping worker no longer waited for the requests it was answering."""
    import selectors
    from collections import deque
    from concurrent.futures import Future

    from gunicorn.workers.gthread import _DEFER

    def outcome(result: object) -> Future:
        done: Future = Future()
        done.set_result(result)
        return done

    def dispatch() -> None:
        for key, _ in worker.poller.select(0.5):
            key.data(key.fileobj)

    worker = object.__new__(ThreadWorker)
    worker.nr_conns, worker.alive, worker._held = 3, True, 0
    worker.poller, worker._closing, worker.pending_conns = selectors.DefaultSelector(), deque(), deque()
    worker._writing = set()
    closed, _ = _connection(b"")
    closed.sock.close()
    worker.finish_request(closed, outcome(False))
    assert worker.nr_conns == 2
    # Our side closes at once; the connection is read until the client hangs up, then closed.
    conn, client = _connection(b"")
    worker.finish_request(conn, outcome(False))
    assert client.recv(10) == b"" and conn.sock.fileno() != -1 and worker.nr_conns == 2
    client.sendall(b"what the client still sends")
    dispatch()
    assert conn.sock.fileno() != -1
    client.close()
    dispatch()
    assert conn.sock.fileno() == -1 and worker.nr_conns == 1
    # A deferral that comes back while the worker stops is closed, not handed back to a thread;
    # a client that never hangs up is let go at the linger's end.
    worker.alive = False
    stopping, client = _connection(b"GET / HTTP/1.1\r\n")
    worker.finish_request(stopping, outcome(_DEFER))
    worker.murder_pending()
    assert stopping.sock.fileno() != -1
    stopping.timeout -= limits.CLOSE_LINGER
    worker.murder_pending()
    assert worker.nr_conns == 0 and stopping.sock.fileno() == -1 and not worker._closing


def test_a_connection_evicted_after_the_poller_found_it_readable_is_skipped() -> None:
    """A full worker evicts an idle connection as it accepts a new one, in the middle of a batch of
    the poller's events: when the evicted connection was readable in the same batch, its callback
    ran on a closed socket and raised (ValueError: Invalid file descriptor: -1) out of the
    worker's loop. The worker died with its thousand connections and the requests it was
    answering; 2,060 connections from one address, each sending a byte a second, did it
    every second or two."""
    import selectors
    from collections import deque
    from functools import partial
    from types import SimpleNamespace

    worker = object.__new__(ThreadWorker)
    worker.nr_conns, worker.alive, worker._held = 2, True, 0
    worker._held_by = defaultdict(int)
    worker.app = SimpleNamespace(settings=SimpleNamespace(max_request_bytes=LIMIT))
    worker.poller, worker._closing, worker._writing = selectors.DefaultSelector(), deque(), set()
    worker.pending_conns, worker.keepalived_conns = deque(), deque()
    pending, pending_client = _connection(b"")
    kept, kept_client = _connection(b"")
    pending.init(), kept.init()  # as a thread has, before handing them to the poller
    worker.pending_conns.append(pending)
    worker.poller.register(pending.sock, selectors.EVENT_READ,
                           partial(worker.on_pending_socket_readable, pending))
    worker.keepalived_conns.append(kept)
    worker.poller.register(kept.sock, selectors.EVENT_READ, partial(worker.on_client_socket_readable, kept))
    pending_client.sendall(b"G")
    kept_client.sendall(b"GET / HTTP/1.1\r\n")
    events = worker.poller.select(0.5)  # both readable: one batch
    assert len(events) == 2
    worker._evict_idle()
    worker._evict_idle()
    assert worker.nr_conns == 0 and pending.sock.fileno() == -1 and kept.sock.fileno() == -1
    for key, _ in events:
        key.data(key.fileobj)  # as gunicorn's loop does: stale, and not an error
    assert worker.nr_conns == 0 and not worker.pending_conns and not worker.keepalived_conns


def test_a_full_worker_evicts_from_the_heaviest_address_even_what_has_begun_a_request() -> None:
    """Only connections that had sent nothing were evicted: 2,060 from one address that each sent
    a request's head and then a byte of its body a second (or a byte of head a second) were
    never idle, and kept every other client out (probes timed out for 18 s of 20)."""
    import selectors
    from collections import deque
    from functools import partial
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.workers.gthread import TConn

    def connection(address: str, data: bytes) -> tuple[object, socket.socket]:
        server_end, client_end = socket.socketpair()
        conn = TConn(Config(), server_end, (address, 1), ("127.0.0.1", 2))
        conn.sock = ClientSocket.adopt(conn.sock)
        conn.init()
        worker.nr_conns += 1
        worker.pending_conns.append(conn)
        worker.poller.register(conn.sock, selectors.EVENT_READ,
                               partial(worker.on_pending_socket_readable, conn))
        client_end.sendall(data)
        for key, _ in worker.poller.select(0.5):
            key.data(key.fileobj)
        return conn, client_end

    worker = object.__new__(ThreadWorker)
    worker.nr_conns, worker.alive, worker._held = 0, True, 0
    worker._held_by = defaultdict(int)
    worker.app = SimpleNamespace(settings=SimpleNamespace(max_request_bytes=LIMIT))
    worker.cfg = SimpleNamespace(keepalive=5)
    worker.poller, worker._closing, worker._writing = selectors.DefaultSelector(), deque(), set()
    worker.pending_conns, worker.keepalived_conns = deque(), deque()
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nA"
    flood = [connection("198.51.100.9", head) for _ in range(3)]
    other, _ = connection("203.0.113.5", b"GET / HTTP/1.1\r\n")
    assert all(conn.held for conn, _ in flood) and worker.nr_conns == 4
    worker._evict_idle()
    assert worker.nr_conns == 3 and flood[0][0].sock.fileno() == -1 and other.sock.fileno() != -1
    assert flood[0][1].recv(100).startswith(b"HTTP/1.1 503")
    assert worker._held_by["198.51.100.9"] == 2 * len(head)
