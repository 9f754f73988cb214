"""Dereferencing resource IRIs, description documents in every format, and the resource pages.

Runs the app in-process over a small dataset of our own (tests/fixtures/linked_data/dataset.trig)
whose expectations are read from the fixture with rdflib, independently of the code under test;
the walk over the project's whole graph on the real server is in test_linked_data_walk.py.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import html5rdf
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID
from werkzeug.exceptions import InternalServerError

from graph_service.config import Settings
from graph_service.graph import load_store
from graph_service.graph.publish.describe import describe
from graph_service.graph.rdf import formats
from graph_service.graph.rdf.namespace import FACTS_GRAPH, INFERRED_GRAPH, LIB
from graph_service.web import create_app
from graph_service.web.urls import DOCUMENT_FORMATS, Urls

FIXTURE = Path(__file__).parent / "fixtures" / "linked_data" / "dataset.trig"
BASE = "https://w3id.org/liberation-kg/"
PARIS = URIRef(BASE + "id/city/paris")
EVENT = URIRef(BASE + "id/event/liberation-of-paris")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_FORMATS = [f for f in DOCUMENT_FORMATS if f.kind != "page"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(serve_files=(FIXTURE,), snapshot_dir=tmp_path_factory.mktemp("build"))
    return create_app(settings)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def expected() -> Dataset:
    """The fixture as rdflib reads it: what the documents must contain."""
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


def parse(body: bytes, fmt: formats.Format) -> Dataset:
    """A response body parsed by rdflib (not by pyoxigraph, which wrote it)."""
    ds = Dataset()
    ds.parse(data=body, format=fmt.rdflib_name, publicID=BASE)
    return ds


def asserted(expected: Dataset, iri: URIRef) -> set[tuple]:
    """The resource's own asserted triples, blank-node objects left out (they are renamed)."""
    return {(s, p, o) for s, p, o in expected.graph(FACTS_GRAPH).triples((iri, None, None))
            if not isinstance(o, BNode)}


def triples(ds: Dataset) -> set[tuple]:
    return {(s, p, o) for s, p, o, _g in ds.quads((None, None, None, None))}


def strict_html(body: bytes) -> None:
    """Parse as HTML5 with html5lib's strict parser: any parse error (a stray tag, an unclosed
    element, an unescaped '<' in text) fails the test."""
    html5rdf.HTMLParser(strict=True).parse(body)


# --- 303 See Other ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.name)
def test_resource_iri_answers_303_to_the_document_the_client_accepts(client, fmt):
    resp = client.get("/id/city/paris", headers={"Accept": fmt.media_type})
    assert resp.status_code == 303
    assert resp.headers["Location"] == f"http://localhost/doc/city/paris.{fmt.extension}"
    assert "Accept" in resp.headers["Vary"]
    described_by = f'<http://localhost/doc/city/paris.{fmt.extension}>; rel="describedby"'
    assert described_by in resp.headers.getlist("Link")[0]
    # Kept by caches as long as the document is (a 303 without a lifetime is never kept).
    assert resp.cache_control.public and resp.cache_control.max_age == 300


@pytest.mark.parametrize("accept, extension", [
    (BROWSER_ACCEPT, "html"),
    ("*/*", "html"),
    (None, "html"),
    ("text/turtle;q=0.9, application/ld+json", "jsonld"),
    ("application/rdf+xml;q=0.5, text/html;q=0.1", "rdf"),
    ("text/plain", "nt"),
    ("text/turtle; charset=utf-8", "ttl"),
    ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted", */*;q=0.1', "jsonld"),
    # q outside 0 to 1, or no number: the range read as the nearest it can mean, not dropped (an
    # RDF-only client was sent the page, a type it never named)
    ("text/turtle;q=2", "ttl"),
    ("text/turtle;q=abc", "ttl"),
    ("text/turtle;q=1.5, text/html;q=0.9", "ttl"),
    # Java's HttpURLConnection sends "*; q=.2": a bare "*" read as */*, not refused (406).
    ("*", "html"),
    ("application/n-triples;q=0.1, *; q=.2", "html"),
])
def test_negotiation_follows_q_values_and_defaults_to_the_page(client, accept, extension):
    headers = {"Accept": accept} if accept else {}
    resp = client.get("/id/city/paris", headers=headers)
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/doc/city/paris.{extension}")


@pytest.mark.parametrize(("accept", "refused"), [
    ("application/json, application/ld+json;q=0", "application/ld+json"),
    ("application/xml, application/rdf+xml;q=0", "application/rdf+xml"),
    ("text/n3, text/turtle;q=0", "text/turtle"),
    ("application/xhtml+xml, text/html;q=0", "text/html"),
])
def test_a_type_refused_with_q_0_is_not_sent_through_an_alias(client, accept, refused):
    # RFC 9110 12.4.2: q=0 is "not acceptable"; an alias (application/json for JSON-LD) sent the
    # very type the client had refused.
    for path in ("/id/city/rome", "/doc/city/rome", "/void", "/ontology", "/shapes"):
        resp = client.get(path, headers={"Accept": accept})
        assert resp.status_code == 406, (path, resp.status_code, resp.headers.get("Location"), resp.mimetype)
    # Beside a type it takes, that one is chosen.
    other = "application/n-triples" if refused == "text/turtle" else "text/turtle"
    resp = client.get("/doc/city/rome", headers={"Accept": f"{accept}, {other};q=0.5"})
    assert resp.status_code == 200 and resp.mimetype == other
    # N-Triples asked for as text/plain is labelled so: refusing its own type refuses no label sent.
    resp = client.get("/doc/city/rome", headers={"Accept": "text/plain, application/n-triples;q=0"})
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    # A wildcard at q=0 says no more than its absence: the alias still names its format.
    resp = client.get("/doc/city/rome", headers={"Accept": "application/json, */*;q=0"})
    assert resp.status_code == 200 and resp.mimetype == "application/ld+json"


def test_format_parameter_wins_over_accept(client):
    resp = client.get("/id/city/paris?format=ntriples", headers={"Accept": "text/html"})
    assert resp.headers["Location"] == "http://localhost/doc/city/paris.nt"


@pytest.mark.parametrize(("word", "extension", "media_type"), [
    ("json", "jsonld", "application/ld+json"), ("xml", "rdf", "application/rdf+xml"),
    ("n3", "ttl", "text/turtle")])
def test_format_words_read_as_at_the_endpoint(client, word, extension, media_type):
    # SPARQLWrapper's words for a graph (format=json is JSON-LD) mean the same on every route.
    resp = client.get(f"/id/city/paris?format={word}")
    assert resp.headers["Location"] == f"http://localhost/doc/city/paris.{extension}"
    for path in ("/doc/city/paris", "/void", "/shapes", "/sparql"):
        assert client.get(f"{path}?format={word}").mimetype == media_type, path


def test_unacceptable_accept_is_406(client):
    resp = client.get("/id/city/paris", headers={"Accept": "image/png"})
    assert resp.status_code == 406
    # The error's own form (HTML, JSON or text) follows Accept too: caches must keep them apart.
    assert "Accept" in resp.headers["Vary"]
    for path in ("/doc/city/paris", "/sparql?query=ASK%7B%7D", "/void"):
        assert "Accept" in client.get(path, headers={"Accept": "image/png"}).headers["Vary"], path
    assert "Accept" in client.get("/sparql?query=ASK").headers["Vary"]  # a 400


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_a_document_names_its_persistent_iri_as_canonical(client, fmt: formats.Format) -> None:
    """Fetched from the host, not from its IRI under the base: the document it describes
    (foaf:Document, its licence) is the one its Link rel="canonical" names (RFC 6596)."""
    resp = client.get(f"/doc/city/paris.{fmt.extension}")
    canonical = [v for v in resp.headers.getlist("Link") if v.endswith('rel="canonical"')]
    assert canonical == [f'<{BASE}doc/city/paris.{fmt.extension}>; rel="canonical"']
    doc = URIRef(f"{BASE}doc/city/paris.{fmt.extension}")
    assert (doc, FOAF.primaryTopic, PARIS) in parse(resp.data, fmt)


@pytest.mark.parametrize("path", [
    "/id/city/paris", "/id/city/nowhere", "/id/city/", "/id/city/Paris", "/doc/city/paris.xyz",
    "/graph/nope", "/ontology/1.9.9", "/sparql?query=SELEC", "/sparql?query=ASK%7B%7D", "/void", "/shapes",
    "/id/", "/ontology"])
def test_an_answer_that_differs_by_accept_says_so_in_every_form(client, path: str) -> None:
    """A shared cache may keep a 404 or a 308 (RFC 9110 15.1): where the answer to one URL
    differs by Accept, each form says Vary: Accept (12.5.5), or the cache hands a browser's HTML
    404 or redirect to an RDF client."""
    answers = {accept: client.get(path, headers={"Accept": accept})
               for accept in ("text/html", "text/turtle", "application/ld+json", "application/json")}
    forms = {(r.status_code, r.headers.get("Content-Type"), r.headers.get("Location"))
             for r in answers.values()}
    assert len(forms) > 1, f"{path}: the same answer to every Accept (the check would be empty)"
    for accept, resp in answers.items():
        assert "Accept" in (resp.headers.get("Vary") or ""), (path, accept, resp.status_code)


@pytest.mark.parametrize("path", ["/id/city/paris", "/doc/city/paris", "/ontology", "/void",
                                  "/search?q=paris"])
def test_an_accept_asking_only_for_another_charset_is_406_everywhere(client, path):
    # Every answer is UTF-8: such a header was ignored, and each route served its own default.
    other = "text/turtle;charset=iso-8859-1, application/json;charset=latin1"
    assert client.get(path, headers={"Accept": other}).status_code == 406, path
    # A range this service can serve besides it is served.
    either = "text/turtle;charset=latin1, */*;q=0.1"
    assert client.get(path, headers={"Accept": either}).status_code in (200, 303)


# --- Description documents -----------------------------------------------------------------


def test_the_dataset_a_document_is_in_has_its_label_there(client, project_client):
    # Every other IRI a description mentions had its label; the dataset's was missing from all but
    # the dataset's example resources.
    for who, path in ((client, "/doc/city/paris.ttl"), (project_client, "/doc/photo/warsaw-07.ttl")):
        g = Graph().parse(data=who.get(path).get_data(as_text=True), format="turtle")
        [dataset] = g.objects(None, VOID.inDataset)
        labels = list(g.objects(dataset, RDFS.label))
        assert len(labels) == 1 and str(labels[0]), (path, labels)
        if who is project_client:
            assert labels == [Literal("The Liberation Knowledge Graph", lang="en")]


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_document_holds_own_triples_incoming_links_labels_and_quotes(client, expected, fmt):
    resp = client.get(f"/doc/city/paris.{fmt.extension}")
    assert resp.status_code == 200
    assert resp.mimetype == fmt.media_type
    got = triples(parse(resp.data, fmt))
    assert asserted(expected, PARIS) <= got
    assert (EVENT, LIB.liberationOf, PARIS) in got  # an incoming link
    assert (EVENT, RDFS.label, Literal("Liberation of Paris", lang="en")) in got  # a mentioned label
    assert (LIB.capitalOf, RDFS.label, Literal("capital of", lang="en")) in got  # a property's label
    quote = URIRef(BASE + "id/quote/paris-1")
    assert (quote, LIB.text, Literal("Paris was liberated on 25 August 1944.")) in got
    assert (URIRef(BASE + "id/photo/paris-01"), LIB.depicts, PARIS) in got
    doc = URIRef(BASE + f"doc/city/paris.{fmt.extension}")
    assert (doc, FOAF.primaryTopic, PARIS) in got
    assert (doc, VOID.inDataset, URIRef(BASE + "void#dataset")) in got
    # The licence the dataset's ontology declares, as the dataset's description repeats it.
    assert (doc, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in got
    # Nothing about an unrelated resource.
    assert not any(s == URIRef(BASE + "id/city/rome") for s, _p, _o in got)


@pytest.mark.parametrize("fmt", [f for f in RDF_FORMATS if f.kind == "dataset"], ids=lambda f: f.name)
def test_dataset_formats_keep_inferred_triples_in_their_own_graph(client, fmt):
    """A quad document's asserted statements stand in its default graph, where a linked-data client
    (Comunica, rdflib's Dataset) reads them; the inferred ones in the inferred graph, apart."""
    ds = parse(client.get(f"/doc/event/liberation-of-paris.{fmt.extension}").data, fmt)
    default = ds.default_graph if hasattr(ds, "default_graph") else ds.default_context
    assert (EVENT, LIB.hasPlace, PARIS) in ds.graph(INFERRED_GRAPH)
    assert (EVENT, LIB.hasPlace, PARIS) not in default
    assert (EVENT, LIB.liberationOf, PARIS) in default
    assert len(ds.graph(FACTS_GRAPH)) == 0


def test_description_reaches_qualified_nodes_and_their_quotes(client):
    got = triples(parse(client.get("/doc/event/liberation-of-paris.ttl").data, formats.by_name("turtle")))
    participations = {o for s, p, o in got if s == EVENT and p == LIB.hasParticipation}
    assert len(participations) == 1
    (participation,) = participations
    assert (participation, LIB.participant, URIRef(BASE + "id/person/de-gaulle")) in got
    contested = URIRef(BASE + "id/contested/paris-date")
    assert (contested, LIB.about, EVENT) in got
    assert (contested, LIB.claim, URIRef(BASE + "id/timespan/paris-26")) in got
    assert (URIRef(BASE + "id/timespan/paris-26"), LIB.onDate, Literal("1944-08-26", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))) in got
    assert (URIRef(BASE + "id/quote/paris-3"), LIB.text, Literal("Some say it was the 26th.")) in got


def test_document_links_to_its_alternates_and_its_topic(client):
    resp = client.get("/doc/city/paris.ttl")
    links = resp.headers.getlist("Link")
    for fmt in DOCUMENT_FORMATS:
        entry = f'<http://localhost/doc/city/paris.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"'
        assert (entry in links) == (fmt.name != "turtle")
    assert f'<{PARIS}>; rel="describes"' in links


@pytest.mark.parametrize("path", ["/ontology", "/shapes", "/void"])
def test_the_ontology_the_shapes_and_the_description_link_to_their_other_formats(client, path):
    # The shapes' formats were listed only in their page's <link> elements, not in Link headers.
    for fmt in DOCUMENT_FORMATS:
        links = client.get(f"{path}.{fmt.extension}").headers.getlist("Link")
        for other in DOCUMENT_FORMATS:
            entry = f'<http://localhost{path}.{other.extension}>; rel="alternate"; type="{other.media_type}"'
            assert (entry in links) == (other != fmt), (path, fmt.name, other.name)


def test_document_without_suffix_is_negotiated(client):
    resp = client.get("/doc/city/paris", headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/n-triples"
    assert "Accept" in resp.headers["Vary"]
    assert resp.headers["Content-Location"] == "/doc/city/paris.nt"


def test_suffixed_document_does_not_vary(client):
    resp = client.get("/doc/city/paris.ttl", headers={"Accept": "text/html"})
    assert resp.mimetype == "text/turtle"
    assert "Accept" not in (resp.headers.get("Vary") or "")


def test_non_ascii_iri_round_trips(client):
    resp = client.get("/id/person/" + quote("józef"), headers={"Accept": "text/turtle"})
    assert resp.status_code == 303
    doc = client.get(resp.headers["Location"])
    assert doc.status_code == 200
    assert "Józef Łódź" in doc.data.decode()
    page = client.get("/doc/person/" + quote("józef") + ".html").data.decode()
    assert '<span lang="pl">Józef Łódź</span>' in page


# --- Validators, conditional GET, HEAD ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/doc/city/paris.ttl", "/doc/city/paris.html", "/ontology.ttl",
                                 "/ontology.html"])
def test_conditional_get_answers_304(client, url):
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_etag_differs_between_formats(client):
    turtle, ntriples = client.get("/doc/city/paris.ttl"), client.get("/doc/city/paris.nt")
    assert turtle.headers["ETag"] != ntriples.headers["ETag"]
    # Even where two formats write the same bytes (a graph without named graphs, in Turtle and in
    # TriG): a strong tag names one representation (RFC 9110 8.8.1), so neither's 304 answers the other.
    turtle, trig = (client.get("/sparql", headers={"Accept": t}) for t in ("text/turtle", "application/trig"))
    assert turtle.data == trig.data and turtle.headers["ETag"] != trig.headers["ETag"]
    asked = {"Accept": "application/trig", "If-None-Match": turtle.headers["ETag"]}
    assert client.get("/sparql", headers=asked).status_code == 200


@pytest.mark.parametrize("url, status", [("/id/city/paris", 303), ("/doc/city/paris.ttl", 200),
                                         ("/doc/city/paris.html", 200), ("/id/city/nowhere", 404),
                                         ("/ontology", 200)])
def test_head_answers_like_get_without_a_body(client, url, status):
    get = client.get(url, headers={"Accept": "text/turtle"})
    head = client.head(url, headers={"Accept": "text/turtle"})
    assert head.status_code == get.status_code == status
    assert head.data == b""
    for header in ("Content-Type", "Location", "ETag", "Vary"):
        assert head.headers.get(header) == get.headers.get(header)


# --- 404 and odd paths ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_unknown_iri_is_404_in_the_negotiated_rdf_format(client, fmt):
    # An encoded newline once matched no route at all: the generic 404, in plain text.
    for url in ("/id/city/atlantis", "/doc/city/atlantis." + fmt.extension, "/id/city/at%0Alantis",
                "/doc/city/at%0Alantis." + fmt.extension):
        resp = client.get(url, headers={"Accept": fmt.media_type})
        assert resp.status_code == 404
        assert resp.mimetype == fmt.media_type
        assert len(parse(resp.data, fmt)) == 0  # a valid, empty document
    # Each says why, as written: in a comment (an XML comment reads no entities), and in JSON-LD in
    # a key no context maps, which a processor drops.
    said = client.get("/id/city/at%3Cl%3Eantis", headers={"Accept": fmt.media_type}).get_data(as_text=True)
    assert "no resource <https://w3id.org/liberation-kg/id/city/at<l>antis> in this dataset" in said
    # A path cannot close the comment: "--" may not stand in one, and "--->" closed it early.
    for path in ("/id/city/a---%3E%3Cx%3Ey%3C/x%3E", "/id/city/a---b", "/id/city/a-", "/id/city/a%01b",
                 "/id/city/a%EF%BF%BEb"):
        resp = client.get(path, headers={"Accept": fmt.media_type})
        assert resp.status_code == 404 and len(parse(resp.data, fmt)) == 0, resp.data


@pytest.mark.parametrize("path", ["/id/city/Paris", "/id/city/paris.ttl", "/id/city/Paris.ttl",
                                  "/id/person/paris", "/doc/city/PARIS.ttl", "/id/city/pariss",
                                  "/id/city/prais/", "/doc/city/paris.ttl/", "/doc/city/pariss.ttl"])
def test_a_path_near_a_resources_says_which_it_may_mean(client, path):
    """Another case, a document's suffix on the resource's IRI, the name under another kind, a
    slip of the keyboard: still 404 (an IRI is what it is), saying which resource the dataset has."""
    resp = client.get(path, headers={"Accept": "text/turtle"})
    assert resp.status_code == 404
    assert f"did you mean <{PARIS}>?" in resp.get_data(as_text=True)
    assert "did you mean" not in client.get("/id/city/atlantis", headers={"Accept": "text/turtle"}).get_data(
        as_text=True)
    if path.startswith("/doc/"):  # its suffix names its format
        return
    # A browser is given a link to the resource's page (its IRI's path here), once, by its name.
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert page.count("did you mean") + page.count("Did you mean") == 1
    assert 'Did you mean <a href="/id/city/paris">Paris (/id/city/paris)</a>?' in page


@pytest.mark.parametrize("path", ["/doc/city/paris.ttl/", "/doc/city/pariss.ttl/", "/doc/city/Paris.ttl/"])
def test_a_document_path_near_a_resources_offers_its_document_in_that_format(client, path):
    """A browser that asked for a Turtle document with a slash after it (which makes the 404 a page)
    is offered Paris's Turtle document, not its page."""
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert 'Did you mean <a href="/doc/city/paris.ttl">Paris (/doc/city/paris.ttl)</a>?' in page.get_data(
        as_text=True)


def test_a_path_naming_part_of_a_resources_name_says_which_it_may_mean(project_client):
    """`/doc/person/de-gaulle.html` (Charles de Gaulle is `person/charles-de-gaulle`) was a bare
    404; a part that names two resources is no suggestion."""
    page = project_client.get("/doc/person/de-gaulle.html").get_data(as_text=True)
    assert ('Did you mean <a href="/doc/person/charles-de-gaulle.html">Charles de Gaulle '
            '(/doc/person/charles-de-gaulle.html)</a>?') in page
    # Its words but the small ones; a name with more after it (a linked-data user's probe).
    for path, meant in (("/id/event/liberation-brussels", "event/liberation-of-brussels"),
                        ("/id/event/warsaw-uprising-1944", "event/warsaw-uprising")):
        said = project_client.get(path, headers={"Accept": "text/turtle"}).get_data(as_text=True)
        assert f"did you mean <{BASE}id/{meant}>?" in said, path
    # Tadeusz Przybyszewski and Tadeusz Rajszczak; a letter, a common word, the kind's own name.
    for path in ("/id/person/tadeusz", "/id/person/s", "/id/place/of", "/id/person/de", "/id/city/city"):
        said = project_client.get(path, headers={"Accept": "text/turtle"}).get_data(as_text=True)
        assert "did you mean" not in said, path


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_the_iri_a_404_suggests_leads_to_its_resource_when_copied(project_client, fmt):
    """Participations' IRIs hold "--", which an XML comment may not: RDF/XML writes the second
    hyphen %2D; every other format as it is (Turtle's comments had "- -" too, another IRI)."""
    client = project_client  # the project's graph: its participations
    resp = client.get("/id/participation/liberation-of-rome--Allied-Forces",
                      headers={"Accept": fmt.media_type})
    meant = re.search(r"did you mean <([^>]+)>", resp.get_data(as_text=True))
    assert resp.status_code == 404 and meant, resp.data
    if fmt.name != "rdfxml":
        assert meant[1] == BASE + "id/participation/liberation-of-rome--allied-forces"
    followed = client.get(meant[1].removeprefix(BASE[:-1]), headers={"Accept": fmt.media_type})
    assert followed.status_code == 303
    assert followed.headers["Location"].endswith("/doc/participation/liberation-of-rome--allied-forces."
                                                 + fmt.extension)


def test_a_term_of_the_ontology_after_a_slash_is_pointed_to_its_hash_iri(client):
    """The terms are hash IRIs: `/ontology/City` is no version of the ontology, and is said to
    mean `ontology#City`; a name that is no term is not."""
    term = f"{BASE}ontology#City"
    turtle = client.get("/ontology/City", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and f"did you mean <{term}>?" in turtle.get_data(as_text=True)
    page = client.get("/ontology/City", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'Did you mean <a href="/ontology#City">{term}</a>?' in page
    for other in ("/ontology/Atlantis", "/ontology/no%20term", "/ontology/9.9.9"):
        said = client.get(other, headers={"Accept": "text/turtle"}).get_data(as_text=True)
        assert "did you mean" not in said, other


def test_a_path_too_long_to_be_an_iri_of_ours_is_414(client):
    resp = client.get("/id/city/" + "a" * 2100, headers={"Accept": "text/turtle"})
    assert resp.status_code == 414
    assert "the path is longer than 2000 characters" in resp.get_data(as_text=True)


def test_unknown_iri_is_404_as_a_page_for_browsers(client):
    resp = client.get("/id/city/atlantis", headers={"Accept": BROWSER_ACCEPT})
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "/id/city/atlantis" in resp.data.decode()
    strict_html(resp.data)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", BROWSER_ACCEPT])
def test_a_kind_the_data_has_none_of_is_404_in_any_form(client, accept):
    resp = client.get("/id/atlantis/", headers={"Accept": accept})
    assert resp.status_code == 404
    said = html.unescape(resp.get_data(as_text=True))
    assert "no resources under <https://w3id.org/liberation-kg/id/atlantis/>" in said


@pytest.mark.parametrize("fmt", [f for f in RDF_FORMATS if f.kind == "graph"], ids=lambda f: f.name)
def test_the_lists_of_resources_are_data_for_an_rdf_client(client, expected, fmt):
    """A URL cut back from a resource's, asked for as RDF: `/id/city` was 404 ("no resource")
    where a browser was sent on to the list, and the list and `/id/` were 406, HTML only."""
    accept = {"Accept": fmt.media_type}
    cut = client.get("/id/city", headers=accept)
    assert cut.status_code == 308 and cut.headers["Location"].endswith("/id/city/")
    listed = client.get("/id/city/", headers=accept)
    assert listed.status_code == 303 and "Accept" in listed.headers["Vary"]
    answer = client.get(listed.headers["Location"], headers=accept)
    assert answer.status_code == 200 and answer.mimetype == fmt.media_type
    got = triples(parse(answer.data, fmt))
    cities = {s for s, *_ in expected.quads((None, None, None, None)) if str(s).startswith(BASE + "id/city/")}
    assert {s for s, _, _ in got} == cities
    assert (PARIS, RDFS.label, Literal("Paris", lang="en")) in got
    kinds = client.get("/id/", headers=accept)
    assert kinds.status_code == 303 and kinds.headers["Location"].endswith("/void." + fmt.extension)
    # A page that is not there is not there as data either (it was sent to the whole list).
    assert client.get("/id/city/?page=9", headers=accept).status_code == 404
    assert client.get("/id/city/?page=x", headers=accept).status_code == 400


def test_only_an_inferred_property_of_exactly_a_rows_values_is_folded_into_it():
    # Folded on a subset, "participant (also, inferred: rdf:value)" claimed rdf:value B too.
    from graph_service.web.resources import Fact, Value, _folded

    def fact(name: str, values: list[str], inferred: bool) -> Fact:
        return Fact(name, None, [Value(v, inferred=inferred) for v in values])

    stated, fewer, same = fact("participant", ["A", "B"], False), fact("rdf:value", ["A"], True), \
        fact("sem:roleType", ["A", "B"], True)
    objects = {id(stated): {"A", "B"}, id(fewer): {"A"}, id(same): {"A", "B"}}
    assert _folded([stated, fewer, same], objects) == [stated, fewer]
    assert stated.also_inferred == [("sem:roleType", None)]


def test_a_kinds_list_as_data_holds_what_its_page_lists_under_either_base(tmp_path):
    """Data written under the canonical base, served under another: the page listed its cities,
    the CONSTRUCT it sends an RDF client to, filtering on the served base alone, none."""
    settings = Settings(serve_files=(FIXTURE,), snapshot_dir=tmp_path, base_iri="http://localhost:8080/")
    client = create_app(settings).test_client()
    page = client.get("/id/city/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert ">Paris</a>" in page
    listed = client.get("/id/city/", headers={"Accept": "text/turtle"})
    answer = client.get(listed.headers["Location"], headers={"Accept": "text/turtle"})
    got = triples(parse(answer.data, formats.by_name("turtle")))
    assert (PARIS, RDFS.label, Literal("Paris", lang="en")) in got


@pytest.mark.parametrize("path", [
    "/id/city/../city/paris",          # dot segments
    "/id/city/%2E%2E/city/paris",      # encoded dot segments
    "/id/city%2Fparis",                # an encoded slash
    "/doc/city%2fparis.ttl",
    "/id/city/par%00is",               # NUL
    "/id/city/" + "x" * 2100,          # very long
    "/id/city/%FF%FE",                 # not UTF-8
    "/id/city/%C3",                    # truncated UTF-8
    "/id/city/a%20b",                  # not an IRI (a space)
    "/id/city/%3Cscript%3E",           # not an IRI (angle brackets)
    "/id/city/%zz",                    # a broken escape
    "/id/city/paris/",                 # not the same IRI
    "/doc/city/paris.TTL",             # one URL per document: the suffix is exact
    "/ontology.xyz", "/graph/unknown", "/ontology/9.9",
    "/graph/a%20b", "/ontology/a%20b", "/doc/a%20b.ttl", "/dumps/a%20b", "/void.a%20b",
])
def test_odd_paths_answer_400_or_404_never_500(client, path):
    for accept in ("text/turtle", BROWSER_ACCEPT, "application/ld+json"):
        resp = client.get(path, headers={"Accept": accept})
        assert resp.status_code in (400, 404, 414), (path, resp.status_code)
        assert b"Traceback" not in resp.data


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_an_rdf_client_is_answered_a_document_it_can_parse_at_any_unknown_path(client, fmt):
    """Not only under /id and /doc: a crawler following a mistyped link (`/ID/city/paris`, a
    route with a trailing slash) gets the empty document it can parse, saying why."""
    for path in ("/ID/city/paris", "/ontology/", "/no/such/page"):
        resp = client.get(path, headers={"Accept": fmt.media_type})
        assert resp.status_code == 404 and resp.mimetype == fmt.media_type, path
        assert len(parse(resp.data, fmt)) == 0 and "Accept" in resp.headers["Vary"]
        assert f"nothing is at {path}" in resp.get_data(as_text=True)
    # Programs that read problems still get them: JSON, and text for curl's */*.
    assert client.get("/no/such/page", headers={"Accept": "application/json"}).mimetype == "application/json"
    assert client.get("/no/such/page", headers={"Accept": "*/*"}).mimetype == "text/plain"


def test_odd_path_message_names_the_problem(client):
    resp = client.get("/id/city%2Fparis", headers={"Accept": "text/plain"})
    assert resp.status_code == 400
    assert b"encoded slash" in resp.data
    for path in ("/id/city/paris%", "/id/city/%zz", "/doc/city/par%4.ttl"):
        stray = client.get(path, headers={"Accept": "text/plain"}, environ_base={"RAW_URI": path})
        assert stray.status_code == 400, path
        assert b"a % that begins no percent-encoding" in stray.data


# --- The HTML page --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paris_page(app) -> str:
    resp = app.test_client().get("/doc/city/paris.html")
    assert resp.status_code == 200
    return resp.data.decode()


def test_page_is_valid_html_with_a_language(client, paris_page):
    strict_html(paris_page.encode())
    assert '<html lang="en">' in paris_page
    # Works without JavaScript: the scripts are the header search box's suggestions and the focus
    # a region scrolling within itself takes, from files.
    assert re.findall(r"<script\b[^>]*>", paris_page) == ['<script src="/static/search.js" defer>',
                                                         '<script src="/static/scrollers.js" defer>']


def test_page_shows_label_kind_and_facts(paris_page):
    assert "<h1>Paris</h1>" in paris_page
    assert "capital city" in paris_page
    assert '<a href="/ontology#capitalOf">capital of</a>' in paris_page
    assert '<a href="/id/country/france">France</a>' in paris_page
    assert '<a href="http://www.wikidata.org/entity/Q90">' in paris_page


def test_a_literals_language_and_datatype_are_named_for_a_screen_reader(client, paris_page):
    # Shown as a bare "en" or "xsd:date" beside the value; read aloud, "Paris en" said nothing.
    hidden = '<span class="visually-hidden">{}: </span>'
    assert f'<li>Paris <span class="note">{hidden.format("language")}en</span></li>' in paris_page
    date_page = client.get("/doc/timespan/paris-25.html").data.decode()
    assert f'1944-08-25 <span class="note">{hidden.format("datatype")}xsd:date</span>' in date_page


def test_page_marks_inferred_facts(paris_page):
    row = paris_page[paris_page.index('<a href="/ontology#hasPart">'):]
    row = row[:row.index("</tr>")]
    assert 'class="inferred"' in row and "(inferred)" in row
    asserted_row = paris_page[paris_page.index('<a href="/ontology#capitalOf">'):]
    assert "(inferred)" not in asserted_row[:asserted_row.index("</tr>")]
    assert 'class="legend"' in paris_page


def test_page_lists_what_links_here_sources_and_photographs(paris_page):
    links_here = paris_page[paris_page.index('id="links-here"'):]
    assert '<a href="/id/event/liberation-of-paris">Liberation of Paris</a>' in links_here
    sources = paris_page[paris_page.index('id="sources"'):paris_page.index('id="links-here"')]
    assert "<blockquote" in sources and "Paris was liberated on 25 August 1944." in sources
    assert '<a href="/id/source/article">Fascinating Pictures</a>' in sources
    photos = paris_page[paris_page.index('id="photographs"'):paris_page.index('id="sources"')]
    assert '<a href="/id/photo/paris-01">Photograph 1: crowds in Paris</a>' in photos
    assert "Crowds &lt;cheer&gt; &amp; &#34;wave&#34;" in photos


def test_page_links_to_every_format_and_a_query(paris_page):
    for fmt in RDF_FORMATS:
        assert f'href="/doc/city/paris.{fmt.extension}"' in paris_page
    start = paris_page.index('href="/sparql?') + len('href="')
    url = paris_page[start:paris_page.index('"', start)].replace("&amp;", "&")
    query = parse_qs(urlsplit(url).query)["query"][0]
    assert f"<{PARIS}>" in query and query.lstrip().upper().startswith("SELECT")


def test_page_escapes_every_value(client):
    page = client.get("/doc/person/hostile.html").data.decode()
    strict_html(page.encode())
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;Co&#34;" in page
    # An IRI of the data whose scheme runs code is shown, never linked.
    assert "javascript:alert(document.cookie)" in page
    assert 'href="javascript:' not in page.lower()


def test_event_page_shows_qualified_nodes_and_the_contested_date(client):
    page = client.get("/doc/event/liberation-of-paris.html").data.decode()
    strict_html(page.encode())
    assert "1944-08-25" in page and "1944-08-26" in page  # both claims of the contested fact
    assert '<a href="/id/person/de-gaulle">Charles de Gaulle</a>' in page  # via the participation
    assert "Some say it was the 26th." in page


def test_a_nested_table_names_the_inferred_properties_that_repeat_a_rows_values(project_client):
    """Each participation nested in an event's page had its participant and role twice more, in
    rows of their own (SEM's rdf:value and sem:roleType, inferred): now named beside the row whose
    values they hold. The participation's own page still lists them among what the reasoner adds."""
    client = project_client  # the project's graph: SEM's roles are the build's
    page = client.get("/doc/event/liberation-of-paris.html").get_data(as_text=True)
    facts = page[page.index('<section id="facts">'):page.index('<details class="inferred-facts"')]
    nested = facts[facts.index('<table class="facts', facts.index("has participation")):]
    rows = re.findall(r'<tr[^>]*><th scope="row"[^>]*>(.*?)</th>', nested, re.S)
    headers = [html.unescape(re.sub(r"<[^>]+>", "", r)).strip() for r in rows]
    assert "rdf:value" not in headers and "sem:roleType" not in headers
    assert "participant (also, inferred: rdf:value)" in headers
    assert "role (also, inferred: sem:roleType)" in headers
    participation = re.search(r'href="(/id/participation/[^"]+)"', nested).group(1)
    own = client.get(participation.replace("/id/", "/doc/") + ".html").get_data(as_text=True)
    inferred = own[own.index('<details class="inferred-facts"'):]
    assert ">rdf:value</a></th>" in inferred and ">sem:roleType</a></th>" in inferred


# --- The ontology ----------------------------------------------------------------------------


def test_ontology_is_negotiated(client, expected):
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert "Accept" in turtle.headers["Vary"]
    got = triples(parse(turtle.data, formats.by_name("turtle")))
    ontology = {t for t in expected.graph(URIRef(BASE + "graph/ontology")) if not isinstance(t[2], BNode)
                and not isinstance(t[0], BNode)}
    assert ontology <= got
    page = client.get("/ontology", headers={"Accept": BROWSER_ACCEPT})
    assert page.mimetype == "text/html"


def test_ontology_page_has_an_anchor_for_every_term(client, expected):
    page = client.get("/ontology.html").data.decode()
    strict_html(page.encode())
    terms = {s for s in expected.graph(URIRef(BASE + "graph/ontology")).subjects()
             if isinstance(s, URIRef) and str(s).startswith(str(LIB))}
    assert terms
    for term in terms:
        anchor = str(term)[len(str(LIB)):]
        assert page.count(f'id="{anchor}"') == 1, anchor


def test_ontology_page_documents_each_term(client, expected):
    page = client.get("/ontology.html").data.decode()

    def section(anchor: str) -> str:
        start = page.index(f'id="{anchor}"')
        return page[start:page.index("</section>", start)]

    capital = section("CapitalCity")
    assert '<a href="/ontology#City">city</a>' in capital
    facts = expected.graph(FACTS_GRAPH)
    instances = len(set(facts.subjects(RDF.type, LIB.CapitalCity)))
    assert f"{instances} resources" in capital
    assert "crm:E53_Place" in section("Place")  # an alignment
    part_of = section("partOf")
    assert "transitive" in part_of and '<a href="/ontology#hasPart">has part</a>' in part_of
    assert '<a href="/ontology#participant">participant</a>' in section("hasActor")  # property chain
    assert "A location." in section("Place")  # the definition


def test_ontology_version_iri_and_named_graphs_redirect(client):
    # To the document in the format the client takes, as a resource's IRI leads (a client asked
    # twice: the negotiable /ontology and /void answered 200 in their turn).
    for accept, fmt in (("text/html", "html"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld")):
        # 1.0.0: the fixture's owl:versionIRI.
        for path, document in (("/ontology/1.0.0", "ontology"), ("/graph/facts", "void")):
            resp = client.get(path, headers={"Accept": accept})
            assert resp.status_code == 303 and resp.headers["Location"] == f"http://localhost/{document}.{fmt}"
            assert f'<http://localhost/{document}.{fmt}>; rel="describedby"' in resp.headers["Link"]
            assert "Accept" in resp.headers["Vary"]
    assert client.get("/ontology/0.9").status_code == 404


def test_a_quotes_document_gives_the_text_of_every_quote_its_statements_rest_on(project_client):
    """A statement resting on this quote and on others named the others by label only (56 times
    in 26 of the 103 quote documents): a client had to fetch each to read the sentence."""
    g = Graph().parse(data=project_client.get("/doc/quote/ams-no-moment.ttl").data, format="turtle")
    statements = set(g.subjects(RDF.type, RDF.Statement))
    quotes = {q for s in statements for q in g.objects(s, LIB.evidence)}
    assert len(quotes) > 1
    assert {q for q in quotes if g.value(q, LIB.text) is None} == set()


def test_an_earlier_version_iri_leads_to_its_document_saying_so(project_client):
    """As the current version's IRI does: a client pinned to an earlier one found no describedby."""
    for accept, fmt in (("text/turtle", "ttl"), ("text/html", "html")):
        resp = project_client.get("/ontology/1.2.0", headers={"Accept": accept})
        assert resp.status_code == 303 and resp.headers["Location"] == f"http://localhost/ontology/1.2.0.{fmt}"
        assert f'<http://localhost/ontology/1.2.0.{fmt}>; rel="describedby"' in resp.headers["Link"]


# --- The URL builder and the description, without HTTP ------------------------------------------


def test_url_builder_maps_both_bases_and_leaves_external_iris():
    urls = Urls("http://localhost:8000/", root="/kg")
    assert urls.href(str(PARIS)) == "/kg/id/city/paris"
    assert urls.href("http://localhost:8000/id/city/paris") == "/kg/id/city/paris"
    assert urls.href(str(LIB.City)) == "/kg/ontology#City"
    assert urls.href(BASE + "shapes#CityShape") == "/kg/shapes#CityShape"
    assert urls.href("http://www.wikidata.org/entity/Q90") == "http://www.wikidata.org/entity/Q90"
    assert urls.href("javascript:alert(1)") is None and urls.href("urn:isbn:123") is None
    assert urls.document(str(PARIS), formats.by_name("turtle")) == "/kg/doc/city/paris.ttl"
    assert urls.document(BASE + "id/person/józef") == "/kg/doc/person/j%C3%B3zef"
    assert urls.split_document("city/paris.jsonld") == ("city/paris", formats.by_name("jsonld"))
    assert urls.split_document("person/st.-petersburg") == ("person/st.-petersburg", None)
    assert urls.resource_iris("city/paris")[0] == "http://localhost:8000/id/city/paris"
    with pytest.raises(ValueError):
        urls.document("http://www.wikidata.org/entity/Q90")


def test_describe_unknown_or_invalid_iri_is_empty(app):
    store = load_store(app.extensions["graph_service"].settings)
    assert not describe(store, BASE + "id/city/atlantis")
    assert not describe(store, BASE + "id/city/a b")
    assert describe(store, str(PARIS))


def test_describe_keeps_graphs_and_marks_photos(app):
    d = describe(load_store(app.extensions["graph_service"].settings), str(PARIS))
    assert [p.value for p in d.photos] == [BASE + "id/photo/paris-01"]
    assert [q.value for q in d.quotes] == [BASE + "id/quote/paris-1"]
    graphs = {q.graph_name.value for q in d.quads}
    assert {str(FACTS_GRAPH), str(INFERRED_GRAPH)} <= graphs


@pytest.mark.parametrize("prefix", ["/id/", "/id/city/", "/doc/", "/doc/city/", "/ontology/", "/ontology.",
                                    "/graph/", "/void.", "/dumps/", "/"])
def test_no_odd_segment_breaks_any_route(client, prefix):
    """Every route, every kind of awkward path segment: a 4xx naming the problem, never a 500."""
    segments = ["%20", "%3C%3E", "%22", "%7B%7D", "%5C", "%25", "%25zz", "%0A", "%0D%0A", "%09",
                "%E2%80%AE", "%F0%9F%98%80", "%C0%AF", "%ED%A0%80", "x" * 300, "a?b=%00", "%3Fformat%3Dttl",
                "paris.html.ttl", "..%2F", ".%2E", "~", "%E9t%E9"]
    for segment in segments:
        for accept in ("text/turtle", BROWSER_ACCEPT):
            resp = client.get(prefix + segment, headers={"Accept": accept})
            assert resp.status_code < 500, (prefix + segment, resp.status_code)


def test_documents_keep_literals_as_written(client):
    """pyoxigraph's store would answer "1"^^xsd:integer; the document says what the data says."""
    body = client.get("/doc/photo/paris-01.nt").data.decode()
    assert '"01"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in body


def test_quad_index_answers_patterns_like_a_store(app):
    import pyoxigraph as ox

    from graph_service.graph.query.quad_index import QuadIndex

    store = ox.Store()
    store.extend(q for q in ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
                 if not (isinstance(q.object, ox.Literal) and "Integer" in q.object.datatype.value))
    index = QuadIndex(store)
    paris, graph = ox.NamedNode(str(PARIS)), ox.NamedNode(str(FACTS_GRAPH))
    label = ox.NamedNode(str(RDFS.label))
    for pattern in [(paris, None, None, None), (None, None, paris, None), (None, None, None, graph),
                    (paris, label, None, None), (None, label, None, graph), (None, None, None, None),
                    (paris, None, paris, None)]:
        assert set(index.quads_for_pattern(*pattern)) == set(store.quads_for_pattern(*pattern)), pattern
    assert index.contains_named_graph(graph) and not index.contains_named_graph(ox.NamedNode(BASE + "x"))



def test_an_error_page_that_cannot_be_made_is_the_error_in_plain_text(app, client, monkeypatch):
    # Every page names the dataset, read from its description: when that fails, the error page's
    # own making fails too, and the client still gets the error (not a closed connection).
    from graph_service.web import description

    def broken() -> None:
        raise RuntimeError("the store went away")

    monkeypatch.delitem(app.extensions["graph_service.documents"], "site title", raising=False)
    monkeypatch.setattr(description, "description", broken)
    resp = client.get("/doc/event/liberation-of-paris.html", headers={"Accept": BROWSER_ACCEPT})
    assert resp.status_code == 500 and resp.mimetype == "text/plain"
    assert resp.text == "500 Internal Server Error: " + InternalServerError.description + "\n"


def test_a_resources_and_a_kinds_page_are_titled_as_the_other_pages_are(project_client):
    """"Rome — The Liberation Knowledge Graph" beside "city · The Liberation Knowledge Graph" (a
    reader's review): one separator, and the kind named as its heading names it."""
    def title(path: str) -> str:
        return re.search(r"<title>(.*?)</title>", project_client.get(path).get_data(as_text=True))[1]
    site = title("/")
    assert title("/doc/city/rome.html") == f"Rome · {site}"
    assert title("/id/city/") == f"City · {site}"
