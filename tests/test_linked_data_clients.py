"""Real linked-data clients dereferencing a resource IRI of the running service (gunicorn on
loopback): a plain curl, rdflib, and Comunica (npm, installed by `make comunica`).

Each asks in its own way, follows the 303, and must find the resource's statements where it looks:
the asserted ones in the default graph of a quad document (Comunica asks for N-Quads first), the
inferred ones apart in their named graph.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from graph_service.config import DEFAULT_BASE

PARIS = DEFAULT_BASE + "id/city/paris"
INFERRED = DEFAULT_BASE + "graph/inferred"
COMUNICA = Path(__file__).resolve().parent.parent / "build" / "npm-comunica" / "node_modules" / ".bin"
#: What each format's client gets: the formats a client of the web of data may prefer.
FORMATS = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG,
           "application/ld+json": ox.RdfFormat.JSON_LD, "text/turtle": ox.RdfFormat.TURTLE,
           "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-triples": ox.RdfFormat.N_TRIPLES}


def _curl(*args: str) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (make test installs it where apt-get can)")
    return subprocess.run(["curl", "-sS", "--fail", "-L", "--max-time", "30", *args],
                          capture_output=True, timeout=60, check=True)


@pytest.mark.parametrize("accept", FORMATS)
def test_curl_gets_the_statements_in_every_format(live_server, accept):
    body = _curl("-H", f"Accept: {accept}", live_server.url + "id/city/paris").stdout
    quads = list(ox.parse(body, format=FORMATS[accept], base_iri=live_server.url))
    label = ox.Quad(ox.NamedNode(PARIS), ox.NamedNode(str(RDFS.label)), ox.Literal("Paris", language="en"))
    if FORMATS[accept] in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # JSON-LD documents are one graph
        # asserted where a quad client reads (the default graph), inferred apart in its graph
        assert label in quads
        inferred = [q for q in quads if q.graph_name == ox.NamedNode(INFERRED)]
        assert inferred and all(ox.Quad(q.subject, q.predicate, q.object) not in quads for q in inferred)
    else:
        assert ox.Triple(label.subject, label.predicate, label.object) in [q.triple for q in quads]


def test_rdflib_dereferences_the_iri_by_itself(live_server):
    g = Graph().parse(live_server.url + "id/city/paris")  # rdflib negotiates and follows the 303
    assert (URIRef(PARIS), RDFS.label, Literal("Paris", lang="en")) in g
    assert len(set(g.predicates(URIRef(PARIS)))) >= 5


@pytest.fixture(scope="module")
def comunica() -> Path:
    if not (COMUNICA / "comunica-sparql").exists():
        pytest.skip("Comunica is not installed: `make comunica` installs it from npm")
    return COMUNICA


def _comunica(bin_dir: Path, source: str, query: str) -> list[dict[str, str]]:
    # comunica-sparql starts with `#!/usr/bin/env node`: its own Node 22 must come first.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([str(bin_dir / "comunica-sparql"), source, query], capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_comunica_finds_the_asserted_statements_in_the_default_graph(live_server, comunica):
    # One run (Node starts in seconds): the default graph, and which named graphs there are.
    rows = _comunica(comunica, live_server.url + "id/city/paris",
                     f"SELECT ?p ?o ?g WHERE {{ {{ <{PARIS}> ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}")
    found = {(r["p"], r["o"]) for r in rows if "g" not in r}
    assert (str(RDFS.label), '"Paris"@en') in found
    assert (DEFAULT_BASE + "ontology#capitalOf", DEFAULT_BASE + "id/country/france") in found
    # and the inferred ones, apart, where a quad client can still tell them from the asserted
    assert INFERRED in {r.get("g") for r in rows}
