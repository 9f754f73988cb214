"""Behind a real reverse proxy: Debian's nginx on loopback, terminating "TLS" for the public host
kg.example.org and mounting the service under /kg/, in front of the real server (`serve
--proxies 1`). Redirects, Link headers, the service description and page links must name the public
address; following the 303 from a resource IRI through the proxy lands on its description. The
proxy compresses as the README's lines for nginx say (the service itself never does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from nginx import MISSING, NGINX, free_port, running
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph_service.config import DEFAULT_BASE
from graph_service.graph import SD

pytestmark = pytest.mark.skipif(NGINX is None, reason=MISSING)
PUBLIC = "https://kg.example.org/kg/"

SERVER = """
  server {{
    listen 127.0.0.1:{port};
    {gzip}
    location /kg/ {{
      proxy_pass http://127.0.0.1:{upstream}/;
      proxy_redirect off;
      proxy_set_header Host kg.example.org;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-Host kg.example.org;
      proxy_set_header X-Forwarded-Prefix /kg;
    }}
  }}
"""


@pytest.fixture(scope="module")
def upstream(serve_files):
    """The service nginx forwards to, which trusts one proxy's X-Forwarded-* headers."""
    return serve_files(options=("--proxies", "1"))


@pytest.fixture(scope="module")
def proxy(upstream, tmp_path_factory) -> Iterator[str]:
    """The local address of nginx's /kg/ (what kg.example.org/kg/ stands for here)."""
    port, upstream_port = free_port(), upstream.url.rsplit(":", 1)[1].strip("/")
    server = SERVER.format(port=port, upstream=upstream_port, gzip=readme_gzip())
    with running(tmp_path_factory.mktemp("nginx"), port, server) as url:
        yield url + "kg/"


def readme_gzip() -> str:
    """The nginx directives the README gives for compressing the service's answers."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"With nginx in front: `(gzip on;[^`]*)`", readme)
    assert found, "the README's nginx lines for compression"
    return " ".join(found.group(1).split())


def local(public_url: str, proxy: str) -> str:
    """Where a public URL of the service is reached on this machine: through the proxy."""
    assert public_url.startswith(PUBLIC), public_url
    return proxy + public_url[len(PUBLIC):]


def test_the_303_names_the_public_address_and_leads_to_the_description(proxy):
    resp = requests.get(proxy + "id/city/paris", headers={"Accept": "text/turtle"}, allow_redirects=False,
                        timeout=30)
    assert resp.status_code == 303
    assert resp.headers["Location"] == PUBLIC + "doc/city/paris.ttl"
    assert f"<{PUBLIC}doc/city/paris.ttl>" in resp.headers["Link"]
    doc = requests.get(local(resp.headers["Location"], proxy), timeout=30)
    assert doc.status_code == 200 and doc.headers["Content-Type"].startswith("text/turtle")
    paris = URIRef(DEFAULT_BASE + "id/city/paris")
    g = Graph().parse(data=doc.text, format="turtle")
    assert len(list(g.predicate_objects(paris))) > 3
    alternates = [v for v in doc.headers["Link"].split(", ") if 'rel="alternate"' in v]
    assert alternates and all(v.startswith(f"<{PUBLIC}doc/city/paris.") for v in alternates)


def test_the_service_description_names_the_public_endpoint(proxy):
    resp = requests.get(proxy + "sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert resp.status_code == 200
    g = Graph().parse(data=resp.text, format="turtle")
    assert (URIRef(PUBLIC + "sparql"), RDF.type, SD.Service) in g
    assert (URIRef(PUBLIC + "sparql"), SD.endpoint, URIRef(PUBLIC + "sparql")) in g


def test_pages_link_under_the_prefix(proxy):
    for path in ("doc/city/paris.html", "", "sparql"):
        page = requests.get(proxy + path, headers={"Accept": "text/html"}, timeout=30).text
        local = re.findall(r'(?:href|src)="(/[^"]*)"', page)
        assert local and [u for u in local if not u.startswith("/kg/")] == [], path
    query = requests.get(proxy + "sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"},
                         timeout=30)
    assert query.status_code == 200 and query.json()["boolean"] is True


def test_a_page_seen_at_the_root_first_links_under_the_prefix_through_the_proxy(upstream, proxy):
    # Pages kept between requests must not keep the first request's links.
    direct = requests.get(upstream.url + "id/city/", headers={"Accept": "text/html"}, timeout=30).text
    assert 'href="/id/city/paris"' in direct
    proxied = requests.get(proxy + "id/city/", headers={"Accept": "text/html"}, timeout=30).text
    assert 'href="/kg/id/city/paris"' in proxied and 'href="/id/city/' not in proxied


def test_the_validation_forms_curl_line_names_the_public_address(proxy):
    page = requests.get(proxy + "validate", headers={"Accept": "text/html"}, timeout=30).text
    assert f"--data-binary @data.ttl {PUBLIC}validate</code>" in page


def test_answers_come_compressed_through_the_proxy_as_the_readme_says(upstream, proxy):
    # No blank nodes: their labels may differ from one answer to the next.
    query = {"query": "SELECT * WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } "
                      "ORDER BY ?s ?p ?o LIMIT 2000"}
    for accept in ("text/csv", "application/sparql-results+json"):
        direct = requests.get(upstream.url + "sparql", params=query, timeout=30,
                              headers={"Accept": accept, "Accept-Encoding": "identity"})
        assert direct.status_code == 200 and "Content-Encoding" not in direct.headers
        proxied = requests.get(proxy + "sparql", params=query, timeout=30,
                               headers={"Accept": accept, "Accept-Encoding": "gzip"})
        assert proxied.headers.get("Content-Encoding") == "gzip", accept
        assert proxied.content == direct.content  # requests has undone the gzip
        assert int(proxied.raw.headers.get("Content-Length", 0) or 0) < len(direct.content) / 3 or \
            proxied.raw.headers.get("Transfer-Encoding") == "chunked"
        # The answer's validator survives the compression: asking again with it costs no body.
        again = requests.get(proxy + "sparql", params=query, timeout=30,
                             headers={"Accept": accept, "Accept-Encoding": "gzip",
                                       "If-None-Match": proxied.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
    page = requests.get(proxy + "doc/city/paris.html", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert page.status_code == 200 and page.headers.get("Content-Encoding") == "gzip"
