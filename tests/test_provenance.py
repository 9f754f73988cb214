"""Per-statement provenance (graph/rdf/provenance.py): compact annotations in, rdf:Statement nodes
out; the build's check, and what pages and descriptions show of it."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from graph_service.cli import main
from graph_service.config import Settings
from graph_service.graph import RdfSyntaxError, load_sources
from graph_service.graph.rdf import documents, formats, provenance
from graph_service.graph.rdf.namespace import ID, PROVENANCE_GRAPH
from graph_service.web import create_app
from graph_service.web import source as source_page
from graph_service.web.urls import Urls

ARTICLE = (Path(__file__).parents[1] / "data" / "article.txt").read_text(encoding="utf-8")
DATA = (Path(__file__).parents[1] / "data" / "liberation.ttl").read_text(encoding="utf-8")

HEAD = b"""@prefix lib: <https://w3id.org/liberation-kg/ontology#> .
@prefix quote: <https://w3id.org/liberation-kg/id/quote/> .
@prefix city: <https://w3id.org/liberation-kg/id/city/> .
@prefix event: <https://w3id.org/liberation-kg/id/event/> .
quote:a a lib:Quote ; lib:text "The liberation of Paris" .
quote:b a lib:Quote ; lib:text "in Paris" .
"""
LIB = "https://w3id.org/liberation-kg/ontology#"
STATEMENT = ox.Triple(ox.NamedNode("https://w3id.org/liberation-kg/id/event/x"),
                      ox.NamedNode(LIB + "hasPlace"), ox.NamedNode("https://w3id.org/liberation-kg/id/city/paris"))


def parse(body: bytes) -> list[ox.Quad]:
    return list(ox.parse(HEAD + body, format=ox.RdfFormat.TURTLE))


def test_an_annotation_becomes_a_reified_statement_in_the_provenance_graph():
    e = provenance.expand(parse(b"""event:x a lib:Event ;
        lib:hasPlace city:paris {| lib:evidence quote:a |} {| lib:evidence quote:b |} ."""))
    node = provenance.statement_iri(STATEMENT)
    assert node.value.startswith("https://w3id.org/liberation-kg/id/statement/")
    graph = ox.NamedNode(str(PROVENANCE_GRAPH))
    got = {(q.predicate.value.rsplit("#", 1)[-1], q.object) for q in e.provenance if q.subject == node}
    assert got == {("type", provenance.STATEMENT), ("subject", STATEMENT.subject),
                   ("predicate", STATEMENT.predicate), ("object", STATEMENT.object),
                   ("evidence", ox.NamedNode("https://w3id.org/liberation-kg/id/quote/a")),
                   ("evidence", ox.NamedNode("https://w3id.org/liberation-kg/id/quote/b"))}
    assert all(q.graph_name == graph for q in e.provenance)
    # the facts keep the statement and lose the reifiers; both annotations are one statement
    assert ox.Quad(STATEMENT.subject, STATEMENT.predicate, STATEMENT.object) in e.facts
    assert not any(q.predicate == provenance.REIFIES for q in e.facts)
    assert e.statements == 1
    assert provenance.missing_evidence(e) == []


def test_the_statement_iri_is_stable():
    assert provenance.statement_iri(STATEMENT) == provenance.statement_iri(
        ox.Triple(STATEMENT.subject, STATEMENT.predicate, STATEMENT.object))


def test_a_fact_statement_without_a_quote_is_reported_once_any_is_annotated():
    e = provenance.expand(parse(b"""event:x a lib:Event ; lib:hasPlace city:paris {| lib:evidence quote:a |} ;
        lib:precedes event:y ."""))
    problems = provenance.missing_evidence(e)
    assert len(problems) == 1 and "precedes" in problems[0]
    with pytest.raises(provenance.ProvenanceError):
        provenance.check(e)


def test_evidence_must_be_a_quote():
    e = provenance.expand(parse(b"""event:x lib:hasPlace city:paris {| lib:evidence city:paris |} ."""))
    assert any("not a lib:Quote" in p for p in provenance.missing_evidence(e))


@pytest.mark.parametrize("note", [b'"no language tag"', b'"en fran\xc3\xa7ais"@fr', b"city:paris"])
def test_a_note_on_a_statement_is_english_prose_or_the_build_says_which(note):
    for kind in (b"editorialNote", b"otherAccounts"):
        e = provenance.expand(parse(b"event:x lib:hasPlace city:paris {| lib:evidence quote:a ; lib:" + kind
                                    + b" " + note + b" |} ."))
        [problem] = provenance.missing_evidence(e)
        assert "hasPlace" in problem and f"its {kind.decode()} " in problem and "tagged @en" in problem
    fine = provenance.expand(parse(b'event:x lib:hasPlace city:paris {| lib:evidence quote:a ; '
                                   b'lib:otherAccounts "Others say Lyon."@en |} .'))
    assert provenance.missing_evidence(fine) == []


def test_sources_without_annotations_are_not_held_to_the_rule():
    e = provenance.expand(parse(b"""event:x lib:hasPlace city:paris ."""))
    assert not e.annotated and e.provenance == [] and provenance.missing_evidence(e) == []


def test_a_reifier_of_an_unasserted_triple_is_an_error():
    with pytest.raises(provenance.ProvenanceError):
        provenance.expand(parse(b"""<< event:x lib:hasPlace city:paris >> lib:evidence quote:a ."""))


def test_the_resource_page_shows_the_quote_beside_each_statement(project_client):
    """A resource page shows, beside each statement, the article's sentence behind it; opening it
    shows the sentence in its paragraph of the article."""
    page = project_client.get("/doc/timespan/liberation-of-paris-1944-08-25.html").get_data(as_text=True)
    row = page[page.index(">on date<"):]
    row = row[:row.index("</tr>")]
    assert "1944-08-25" in row
    quote = "following the city’s liberation on August 25, 1944"
    # The time-span's other statements rest on the same sentence: shown in full where the table
    # first gives it, and here a link to that, the sentence on hover.
    refs = re.findall(r'<a class="mark evidence-ref" href="#([^"]+)" title="“([^"]+)”">'
                      r'\(quote \d+, above\)</a>', row)
    ref = next(r for r in refs if r[1] == quote)
    shown = page[page.index(f'<summary id="{ref[0]}"'):]
    shown = shown[:shown.index("</details>")]
    assert shown.index(quote) < shown.index("</summary>")
    paragraph = next(p for p in ARTICLE.splitlines() if quote in p)
    before, _, after = paragraph.strip().partition(quote)
    assert f"{html.escape(before)}<mark>" in shown and f"</mark>{html.escape(after)}" in shown


def test_a_quote_whose_words_recur_is_shown_in_its_own_paragraph(project_client):
    """brussels-06's whole caption also opens the captions of brussels-04, -05 and -08: its quote
    is shown where the build placed it, its own one-sentence paragraph, not in brussels-04's."""
    page = project_client.get("/doc/photo/brussels-06.html").get_data(as_text=True)
    quote = "Scenes of jubilation as British troops liberate Brussels, September 4, 1944."
    assert f"<mark>{quote}</mark></p>" in page
    assert "A carrier crewed by Free Belgian troops" not in page
    ttl = project_client.get("/doc/photo/brussels-06.ttl").get_data(as_text=True)
    assert "lib:beginIndex" in ttl and "lib:endIndex" in ttl


def test_the_articles_text_is_said_to_be_outside_the_graphs_licence(project_client):
    """The quotes are nearly the whole article, © 2019 War History Online: the VoID gave the dataset
    CC BY 4.0 and said nothing of them, so a harvester would take the text to be under it."""
    void = Graph().parse(data=project_client.get("/void.ttl").get_data(as_text=True), format="turtle")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    [rights] = [str(r) for r in void.objects(dataset, DCTERMS.rights)]
    assert "not the article's text" in rights and "(© 2019 War History Online)" in rights
    # Said of each download (each holds the quotes) and on the description's page too.
    for dist in void.objects(dataset, DCAT.distribution):
        assert str(void.value(dist, DCTERMS.rights)) == rights and void.value(dist, DCTERMS.license)
    described = project_client.get("/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert rights in html.unescape(described)
    page = project_client.get("/doc/source/article.html").get_data(as_text=True)
    assert "the graph's licence does not extend to it" in page
    assert "© Copyright 2019 - War History Online" in page  # the line it refers to, shown


def test_each_resources_document_carries_the_licence_and_the_rights_in_its_quotes(project_client):
    """A harvester that fetches one resource gets its quotes, the article's text: the document
    says under what licence the graph is, what that licence does not cover, and of which dataset
    it is part. Its page says the same at its foot."""
    void = Graph().parse(data=project_client.get("/void.ttl").get_data(as_text=True), format="turtle")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    for fmt in ("ttl", "jsonld", "rdf"):
        doc = Graph().parse(data=project_client.get(f"/doc/quote/paris-liberation-august-25.{fmt}").data,
                            format={"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[fmt])
        [me] = doc.subjects(VOID.inDataset, dataset)
        assert str(me).endswith(f"/doc/quote/paris-liberation-august-25.{fmt}")
        assert doc.value(me, DCTERMS.license) == void.value(dataset, DCTERMS.license)
        assert doc.value(me, DCTERMS.rights) == void.value(dataset, DCTERMS.rights)
    for path in ("/doc/city/paris.html", "/void.html", "/"):
        page = html.unescape(project_client.get(path).get_data(as_text=True))
        foot = page[page.index('<footer class="site">'):]
        assert f'rel="license" href="{void.value(dataset, DCTERMS.license)}">CC BY 4.0</a>' in foot
        assert f"<p>{void.value(dataset, DCTERMS.rights)}</p>" in foot, path


def test_a_quotes_page_links_to_where_it_stands_in_the_article(project_client):
    """The quote's page gave only character positions ("begin index 3638"): it now links to its
    place on the article's page, where each quote's start has an anchor, once."""
    page = project_client.get("/doc/source/article.html").get_data(as_text=True)
    text = page[page.index('<section id="text">'):page.index('<section id="facts">')]
    anchors = re.findall(r'<span id="(quote-[^"]+)"></span>', text)
    quotes = re.findall(r"^quote:([\w-]+) a lib:Quote", DATA, re.M)
    assert sorted(anchors) == sorted(f"quote-{q}" for q in quotes)  # each once, every one
    # A quote that a shorter one opens (the de Gaulle caption, then "following the city's
    # liberation...") has its anchor where its own words begin.
    inner = text.index('<span id="quote-paris-liberation-august-25"></span>')
    assert text[inner:].split("</span>", 1)[1].startswith(
        '<a class="quoted" href="/id/quote/paris-liberation-august-25"')
    quote = project_client.get("/doc/quote/paris-liberation-august-25.html").get_data(as_text=True)
    brief = quote[quote.index('<dl class="highlights">'):quote.index("</dl>")]
    assert '<dt>Where it stands</dt>' in brief
    assert 'href="/id/source/article#quote-paris-liberation-august-25"' in brief
    # It opens with its own words (they were only in a row of the facts below).
    words = re.search(r"<dt>The article's words</dt>\s*<dd>(.*?)</dd>", html.unescape(brief))
    assert words and words[1] == "“following the city’s liberation on August 25, 1944”"
    followed = project_client.get("/id/source/article", headers={"Accept": "text/html"})
    assert followed.status_code == 303 and followed.headers["Location"].endswith("/doc/source/article.html")


def test_each_quote_is_marked_once_where_its_words_first_stand_in_a_paragraph() -> None:
    """A span may open on the line break before a paragraph, two quotes' IRIs may end alike, and a
    span may lie outside every paragraph: each quote still has one id, or none to link to."""
    lib, xsd = "https://w3id.org/liberation-kg/ontology#", "http://www.w3.org/2001/XMLSchema#"
    source = ox.NamedNode("urn:x:source")
    store = ox.Store()
    for iri, begin, end in (("urn:x:a/q/1", 16, 28), ("urn:x:b/other/1", 0, 5), ("urn:x:c/far", 100, 120)):
        quote = ox.NamedNode(iri)
        store.add(ox.Quad(quote, ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom"), source))
        for name, at in (("beginIndex", begin), ("endIndex", end)):
            value = ox.Literal(str(at), datatype=ox.NamedNode(xsd + "integer"))
            store.add(ox.Quad(quote, ox.NamedNode(lib + name), value))
    text = [(0, "First paragraph."), (18, "Second one.")]  # "First paragraph.\n\nSecond one."
    assert source_page.anchors(store, source, text) == {
        ox.NamedNode("urn:x:a/q/1"): (18, "quote-1"), ox.NamedNode("urn:x:b/other/1"): (0, "quote-1-2")}
    marks = [s.anchors for paragraph in source_page.paragraphs(store, source, text, Urls("urn:x:"))
             for s in paragraph]
    assert [m for m in marks if m] == [("quote-1-2",), ("quote-1",)]


def test_a_users_files_get_no_text_of_the_article_and_no_place_in_it(tmp_path) -> None:
    """The article's text is the project's: a user's source and quotes (with places in their own
    text) were shown in the project's article."""
    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<https://w3id.org/liberation-kg/id/quote/mine> a lib:Quote ; lib:text \"How Allied\" ;\n"
        "  lib:beginIndex 21 ; lib:endIndex 31 ;\n"
        "  prov:wasQuotedFrom <https://w3id.org/liberation-kg/id/source/article> .\n"
        "<https://w3id.org/liberation-kg/id/source/article> a lib:Source .\n", encoding="utf-8")
    app = create_app(Settings.from_env(serve_files=(data,), snapshot_dir=tmp_path / "build"))
    client = app.test_client()
    quote = client.get("/doc/quote/mine.html")
    assert quote.status_code == 200 and "Where it stands" not in quote.get_data(as_text=True)
    source = client.get("/doc/source/article.html")
    assert source.status_code == 200 and 'id="text"' not in source.get_data(as_text=True)


def test_the_articles_page_shows_its_text_with_every_quote_where_it_stands(project_client):
    """The source's page gives its text, paragraph by paragraph, each quoted passage linked to its
    quote where the build placed it; what the graph does not quote stays plain."""
    page = project_client.get("/doc/source/article.html").get_data(as_text=True)
    text = page[page.index('<section id="text">'):page.index('<section id="facts">')]
    links = re.findall(r'<a class="quoted" href="[^"]*/id/quote/([^"]+)"[^>]*>(.*?)</a>', text)
    assert len({slug for slug, _ in links}) == len(re.findall(r"^quote:[\w-]+ a lib:Quote", DATA, re.M))
    # brussels-06's words open three other captions: its link is its own one-sentence paragraph.
    caption = "Scenes of jubilation as British troops liberate Brussels, September 4, 1944."
    assert re.search(r'<p class="source-text">(<span id="[^"]+"></span>)*'
                     r'<a class="quoted" href="/id/quote/caption-brussels-06"', text)
    assert ("caption-brussels-06", caption) in links
    assert "Read another story from us" in text and not any("Read another story" in t for _, t in links)


def test_an_editorial_statement_says_so_beside_its_value_and_no_other_does(project_client):
    """A statement that is the project's reading (a battalion placed in the Home Army, which its
    caption does not name) shows why beside its value, with the quote it rests on; the
    battalion's other statements are what their quotes say and carry no such mark."""
    page = project_client.get("/doc/unit/zoska-battalion.html").get_data(as_text=True)
    row = page[page.index(">member of<"):]
    row = row[:row.index("</tr>")]
    assert "Home Army" in row and '<details class="evidence">' in row
    assert "(the project's reading: The caption calls its men resistance fighters and does not name " \
           "the Home Army" in row
    # Said once more beside the same link in CIDOC CRM, inferred from it, which keeps its note; and
    # beside the links the reasoner adds from the Home Army to it (has member, in both vocabularies).
    # And beside the three links the reasoner adds from photograph warsaw-02, which shows the battalion
    # by the project's reading of its caption (of the tank the battalion's fighters captured).
    assert page.count("the project's reading") == 7
    assert page.count("The caption is of the tank") == 3
    links_here = page[page.index("Links the reasoner adds"):]
    assert links_here.count("the project's reading") == 2 and ">has member<" in links_here
    twin = page[page.rindex(">crm:P107i_is_current_or_former_member_of<"):]
    # It says the reading is in what it is derived from: the note speaks of the stated link.
    assert re.sub(r"<[^>]+>", " ", twin[:twin.index("the project's reading")]).split()[-4:] == [
        "Army", "(inferred)", "(derived", "from"]
    ttl = project_client.get("/doc/unit/zoska-battalion.ttl").get_data(as_text=True)
    assert "lib:editorialNote" in ttl


def test_a_description_carries_the_statements_behind_its_facts(project_client):
    """RDF clients get the per-statement sources too: each asserted fact of the resource comes
    with its rdf:Statement and quote, in the provenance graph."""
    doc = project_client.get("/doc/timespan/liberation-of-paris-1944-08-25.nq").data
    quads = list(ox.parse(doc, format=ox.RdfFormat.N_QUADS))
    graph = ox.NamedNode(str(PROVENANCE_GRAPH))
    date = next(q for q in quads if q.predicate.value.endswith("#onDate"))
    statement = provenance.statement_iri(date.triple)
    assert ox.Quad(statement, provenance.SUBJECT, date.subject, graph) in quads
    assert any(q.subject == statement and q.predicate == provenance.EVIDENCE for q in quads)


def test_a_description_carries_the_statements_behind_the_links_to_its_resource(project_client):
    """Links to the resource are asserted triples of its description too: each comes with its
    rdf:Statement and quote (the liberation of Paris liberated Paris, says which sentence?)."""
    doc = project_client.get("/doc/city/paris.nq").data
    quads = list(ox.parse(doc, format=ox.RdfFormat.N_QUADS))
    paris = ox.NamedNode(str(ID) + "city/paris")
    liberation = ox.NamedNode(str(ID) + "event/liberation-of-paris")
    link = ox.Triple(liberation, ox.NamedNode(LIB + "liberationOf"), paris)
    assert any(q.triple == link for q in quads)
    statement = provenance.statement_iri(link)
    graph = ox.NamedNode(str(PROVENANCE_GRAPH))
    assert ox.Quad(statement, provenance.OBJECT, paris, graph) in quads
    assert any(q.subject == statement and q.predicate == provenance.EVIDENCE for q in quads)


def test_the_build_refuses_a_fact_statement_without_its_quote(tmp_path):
    """The build's check (`load_sources`): an unannotated statement in annotated sources is an
    error naming the statement."""
    settings = Settings.from_env()
    data = tmp_path / "facts.ttl"
    data.write_bytes(settings.data_path.read_bytes()
                     + b"\nevent:liberation-of-paris lib:precedes event:liberation-of-brussels .\n")
    assert len(load_sources(settings).provenance) > 6000
    with pytest.raises(RdfSyntaxError, match="liberation-of-brussels"):
        load_sources(replace(settings, data_path=data))


def test_annotations_in_users_data_are_validated_as_reification(project_client):
    """A user's Turtle 1.2 annotations (as the project writes its own) are read as standard
    reification; any other triple term is a 400 saying so, never a 500."""
    body = b"@prefix ex: <http://example.org/> . ex:a ex:p ex:b {| ex:said ex:c |} ."
    resp = project_client.post("/validate", data=body, headers={"Content-Type": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] in ("true", "false")
    term = b"@prefix ex: <http://example.org/> . ex:a ex:p <<( ex:a ex:b ex:c )>> ."
    resp = project_client.post("/validate", data=term, headers={"Content-Type": "text/turtle"})
    assert resp.status_code == 400 and "triple term" in resp.get_data(as_text=True)
    statements = documents.parse_quads(body, formats.by_name("turtle"))
    assert any(q.predicate == provenance.SUBJECT for q in statements)
    assert not any(isinstance(q.object, ox.Triple) for q in statements)


def test_the_cli_validates_the_projects_own_file(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--data", str(Settings.from_env().data_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "0 violations, 0 warnings (shapes: the project's)"


def test_a_statement_page_says_which_statement_it_is(project_client):
    doc = project_client.get("/doc/timespan/liberation-of-paris-1944-08-25.nq").data
    quads = ox.parse(doc, format=ox.RdfFormat.N_QUADS)
    date = next(q for q in quads if q.predicate.value.endswith("#onDate"))
    path = provenance.statement_iri(date.triple).value.split("/id/", 1)[1]
    page = project_client.get(f"/doc/{path}.html").get_data(as_text=True)
    heading = page[page.index("<h1>") + 4:page.index("</h1>")]
    # named as in lists and links, its parts apart by arrows (a label's commas ran on into commas)
    assert heading.startswith("Statement: ") and heading.endswith(" → on date → “1944-08-25”"), heading


def test_a_quotes_page_lists_every_statement_that_rests_on_it_by_its_parts(project_client, project_app):
    quote = "intro-string-of-capitals"
    engine = project_app.extensions["sparql"].runner.engine
    lib, rdf = "https://w3id.org/liberation-kg/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    prov = "http://www.w3.org/ns/prov#"
    # Each in the project's own terms: a derived link's aliases (its CIDOC CRM, SEM... twins,
    # with statements of their own) are not listed again.
    count = engine.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ "
                         f"?s <{lib}evidence> <{ID}quote/{quote}> ; <{rdf}subject> ?x ; "
                         f"<{rdf}predicate> ?p }} FILTER(STRSTARTS(STR(?p), '{lib}') || NOT EXISTS {{ "
                         f"GRAPH <{PROVENANCE_GRAPH}> {{ ?s <{prov}wasDerivedFrom> ?from }} }}) }}"
                         ).rows[0]["n"]
    page = project_client.get(f"/doc/quote/{quote}.html").get_data(as_text=True)
    section = page[page.index('id="rests-on-it"'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", section, re.S)
    # the day bounds of "June 1944" among them, the seven forces placed among the Allies, and
    # Clark's rush before the German surrender (it caused the liberation, which came before it), and
    # the Allied forces' part in the liberation of Rome (a reading of the captions with this sentence)
    assert len(rows) == int(count) == 35
    objects = [re.sub(r"<[^>]+>", "", obj) for *_, obj in rows]
    allies = [obj for obj in objects if obj.startswith("Allies (the project's reading")]
    assert len(allies) == 7
    text = [" | ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row) for row in rows]
    # the shortcuts derived from its statements too, said to be inferred, with the reading they keep
    # (a derived one's reading is in what it is derived from, as on a resource's page)
    assert any(t.startswith("Rome | liberated by (inferred) | Allied forces (derived from the project's "
                            "reading: The article does not name Rome's liberators") for t in text)
    # each by what it says, not by the statement's opaque IRI; an editorial one says so
    gap = "from the fall of Rome to the German surrender: nearly a year"
    assert f"{gap} | gap as written | nearly a year later" in text
    rome = "Allied forces, liberating force, in the liberation of Rome"
    assert any(t.startswith(f"{rome} | role | liberating force (the project's reading:") for t in text)
    # and "What links here" no longer lists statements by hash; a passage is the source itself,
    # with no "Sources" of its own to say it has none
    assert "/id/statement/" not in page[page.index('id="links-here"'):]
    assert 'id="sources"' not in page


USERS_DATA = b"""@prefix ex: <http://example.org/> .
ex:a ex:p ex:b {| ex:said ex:c ; ex:in [ ex:page 3 ] |} ;
    ex:q "x" ~ ex:named {| ex:said ex:d |} .
_:s ex:p [ ex:q 1 ] {| ex:said _:s |} .
<http://example.org/~home> ex:p ex:b .
"""


@pytest.mark.parametrize("name, body", [("annotated.ttl", USERS_DATA),
                                        ("plain.nt", b'_:b <http://a/p> _:c .\n_:c <http://a/q> "~" .\n')],
                         ids=["annotations", "plain"])
def test_serve_file_serves_what_reading_the_file_gives(tmp_path, name, body):
    """`serve FILE` builds its store without reading every statement into Python (annotations
    are expanded by pyoxigraph): the same statements, blank nodes and reifiers as read."""
    from graph_service.graph import serving_store
    from graph_service.graph.query.store import content_hash

    path = tmp_path / name
    path.write_bytes(body)
    served = serving_store(Settings(serve_files=(path,), snapshot_dir=tmp_path / "build"))
    assert content_hash(ox.Store.read_only(str(served.path))) == content_hash(documents.read_quads(path))


@pytest.mark.parametrize("body, said", [
    (b"@prefix ex: <http://example.org/> . << ex:a ex:p ex:b >> ex:said ex:c .",
     "1 annotated statement(s) are not asserted: <http://example.org/a> <http://example.org/p> "
     "<http://example.org/b> is annotated but not asserted"),
    (b"@prefix ex: <http://example.org/> . ex:a ex:p ex:b {| ex:said <<( ex:a ex:p ex:c )>> |} .",
     "an RDF 1.2 triple term (<<( ... )>>) is not supported here"),
], ids=["unasserted", "triple-term"])
def test_serve_file_with_a_bad_annotation_exits_2_in_one_line(tmp_path, body, said):
    path = tmp_path / "data.ttl"
    path.write_bytes(body)
    result = CliRunner().invoke(main, ["serve", str(path), "--port", "0"],
                                env={"GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build")})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"graph-service: {path}: {said}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list((tmp_path / "build" / "stores").glob("store-*"))  # nothing half-built is left


def test_serve_file_names_the_line_of_a_syntax_error_in_a_long_file(tmp_path):
    """Long N-Triples are loaded in pieces side by side: an error still names its line in the file."""
    path = tmp_path / "data.nt"
    lines = [f"<http://example.org/{i}> <http://example.org/p> \"{i}\" ." for i in range(2000)]
    lines[1800] = "<http://example.org/1800> <http://example.org/p> ."
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["serve", str(path), "--port", "0"],
                                env={"GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build")})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"graph-service: {path}: ") and "line 1801" in result.stderr


@pytest.mark.parametrize("name", ["data.nt", "data.ttl"])  # the bulk loader's path, and the parser's
def test_serve_file_places_a_byte_that_is_not_utf8(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b'<http://example.org/a> <http://example.org/p> "x" .\n'
                     b'<http://example.org/a> <http://example.org/p> "caf\xe9" .\n')
    result = CliRunner().invoke(main, ["serve", str(path), "--port", "0"],
                                env={"GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build")})
    assert result.exit_code == 2, result.output
    # Not pyoxigraph's "incomplete utf-8 byte sequence from index 3".
    assert result.stderr.startswith(f"graph-service: {path}: at line 2 column 51: the byte 0xE9 is not UTF-8")


def _shortcut(engine, subject: str, predicate: str, obj: str) -> dict:
    """The derived statement of a shortcut: where it is derived from, its quotes and notes."""
    lib, rdf = "https://w3id.org/liberation-kg/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rows = engine.query(f"""SELECT ?from ?quote ?note WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
        ?st <{rdf}subject> <{ID}{subject}> ; <{rdf}predicate> <{lib}{predicate}> ; <{rdf}object> <{ID}{obj}> ;
            <http://www.w3.org/ns/prov#wasDerivedFrom> ?from ; <{lib}evidence> ?quote .
        ?from a <{rdf}Statement> .
        OPTIONAL {{ ?st <{lib}editorialNote> ?note }} }} }}""").rows
    return {"from": {str(r["from"]) for r in rows},
            "quotes": {str(r["quote"]).rsplit("/", 1)[1] for r in rows},
            "notes": {str(r["note"]) for r in rows if "note" in r}}


def test_a_derived_shortcut_keeps_the_quotes_and_readings_it_rests_on(project_app):
    engine = project_app.extensions["sparql"].runner.engine
    rome = _shortcut(engine, "city/rome", "liberatedBy", "unit/american-forces")
    # derived from the participation's statements, whose role is a reading: the note comes along
    assert len(rome["from"]) == 4 and "rome-flooded-streets" in rome["quotes"]
    assert [n for n in rome["notes"] if n.startswith("The article does not name Rome's liberators")]
    assert _shortcut(engine, "unit/american-forces", "liberated", "city/rome")["notes"] == rome["notes"]
    # derived in one way from what a caption says ("Prague liberated by Red Army"), in another
    # through a reading (the Russians' arrival placed in the liberation): no reading to keep
    prague = _shortcut(engine, "city/prague", "liberatedBy", "unit/red-army")
    assert len(prague["from"]) > 4 and prague["notes"] == set()
    # the article says of Paris that the Allied advance forced the surrender; that the Allied forces
    # were its liberating force is a reading, as the Free French forces' is (a historian's review)
    allied = _shortcut(engine, "city/paris", "liberatedBy", "unit/allied-forces")
    assert [n for n in allied["notes"] if n.startswith("The sentence says that \"it was the Allied advance")]
    # while every way to the Free French forces passes through a reading of "given the lead"
    paris = _shortcut(engine, "city/paris", "liberatedBy", "unit/free-french-forces")
    assert paris["quotes"] >= {"paris-free-french-lead"} and paris["notes"]
    clark = _shortcut(engine, "event/liberation-of-rome", "commandedBy", "person/mark-clark")
    assert clark["from"] and len(clark["notes"]) == 1
    # and what OWL 2 RL draws from it in turn ("led by", commandedBy's super-property)
    led = _shortcut(engine, "event/liberation-of-rome", "ledBy", "person/mark-clark")
    assert led["notes"] == clark["notes"]


def test_what_the_article_says_an_event_was_for_is_stated_with_its_words(project_app, project_client):
    """The article gives two purposes: the liberation of Paris was "designed to bolster the prestige
    of General de Gaulle's Free French government", and the British advanced on Brussels to get
    "their turn". Each is a statement with its quotes, and the event's summary gives it."""
    engine = project_app.extensions["sparql"].runner.engine
    rows = engine.query("""
        PREFIX lib: <https://w3id.org/liberation-kg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?event ?purpose ?text WHERE {
          ?event lib:purpose ?purpose .
          GRAPH <https://w3id.org/liberation-kg/graph/provenance> {
            ?statement rdf:subject ?event ; rdf:predicate lib:purpose ; rdf:object ?purpose ;
                       lib:evidence ?quote }
          ?quote lib:text ?text }""").rows
    said: dict[str, set[str]] = {}
    for row in rows:
        assert row["purpose"].language == "en"  # the project's paraphrase, not a quote
        said.setdefault(str(row["event"]).rsplit("/", 1)[-1], set()).add(str(row["text"]))
    assert set(said) == {"liberation-of-paris", "british-advance-on-brussels"}
    assert any("designed to bolster the prestige" in t for t in said["liberation-of-paris"])
    assert any("the British wanted their turn" in t for t in said["british-advance-on-brussels"])
    page = project_client.get("/doc/event/liberation-of-paris.html").get_data(as_text=True)
    section = page[page.index('id="in-brief"'):]
    brief = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section[:section.index("</section>")])).split())
    assert ("Purpose To bolster the prestige of General de Gaulle’s Free French government. "
            "(in the project's words; the article's are with the statement below)") in brief


def test_the_opening_summary_says_which_liberators_are_a_reading(project_client):
    def brief(path: str) -> str:
        page = project_client.get(path).get_data(as_text=True)
        section = page[page.index('id="in-brief"'):]
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section[:section.index("</section>")])).split())

    assert ("Allied forces and American forces: the project's reading of the article"
            in brief("/doc/city/rome.html"))
    paris = brief("/doc/city/paris.html")
    assert "(Allied forces, American forces and Free French forces: the project's reading" in paris
    # Its liberator is the article's "supposed liberators, really conquerors": a reading (review18).
    assert ("By Red Army (conquering force, liberating force) (Red Army: the project's reading"
            in brief("/doc/city/warsaw.html"))
    assert "Mark Clark: the project's reading" in brief("/doc/event/liberation-of-rome.html")
    # A name with a parenthesis of its own takes the roles in it (it read "(unnamed) (resistance fighter)").
    uprising = brief("/doc/event/warsaw-uprising.html")
    assert ("Home Army soldier defending a barricade in Powiśle District (unnamed; resistance fighter)"
            in uprising)
    assert "(unnamed) (" not in uprising
    # Its parts from either end: the rising that began it is stated as its part (subEventOf).
    assert ("In “Resistance fighters in Warsaw rise up against the Germans” resistance fighters within "
            "Warsaw") in uprising


def test_pages_say_which_claims_other_accounts_dispute_and_what_they_say(project_client):
    def text(path: str) -> str:
        page = project_client.get(path).get_data(as_text=True)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())

    luxembourg = text("/doc/city/luxembourg-city.html")
    brief = luxembourg[luxembourg.index("In brief"):]
    assert ("By General Patton’s army (liberating force) (General Patton’s army: other accounts dispute the "
            "article here, as the note under “What the reasoner adds” below says)") in brief
    # Beside the derived link itself, the note as the graph has it.
    assert ("liberated by General Patton’s army (inferred) (Other accounts have Luxembourg City entered on "
            "10 September 1944 by the US 5th Armored Division") in luxembourg
    event = text("/doc/event/liberation-of-luxembourg-city.html")
    assert ("Commanded by General Patton (General Patton: the project's reading of the article, which says "
            "why under “What the reasoner adds” below; General Patton: other accounts dispute the article "
            "here, as the note under “What the reasoner adds” below says)") in event
    # Prince Felix was there; what others dispute is his role.
    assert "Prince Felix of Luxembourg as head of state or ruler" in event
    assert "Other accounts name Grand Duchess Charlotte" in event
    assert ("When 4 September 1944 (other accounts dispute this date, as the note on the event's page "
            "says)") in text("/doc/city/brussels.html")
    photo = text("/doc/photo/luxembourg-01.html")
    assert "When 25 December 1944 (other accounts dispute this date, as the note below says)" in photo
    # Patton's own page: the link from his participation, with both its notes.
    patton = text("/doc/person/george-s-patton.html")
    links_here = patton[patton.index("What links here"):]
    assert "participant (the project's reading: The article says that" in links_here
    assert ("is read from the army's name, not stated.) (Other accounts have Luxembourg City entered on 10 "
            "September 1944") in links_here
    # Of the article's two dates, the one other accounts dispute is named.
    assert ("When 25 August 1944 or 26 August 1944 (the article gives both dates; other accounts dispute "
            "the date 26 August 1944, as the note on the event's page says)") in text("/doc/city/paris.html")
    # Where no other account differs, nothing is said.
    assert "other accounts" not in text("/doc/city/rome.html").lower()
    # The map marks the disputed force and date, and says what the mark means.
    home = text("/")
    assert "General Patton’s army (liberating force)‡" in home and "4 September 1944‡" in home
    assert "‡ other accounts dispute the article's date or force: the event's page says what they say" in home



def test_a_derived_statements_page_names_its_sources_by_what_they_say(project_client):
    import pyoxigraph as ox

    from graph_service.graph.rdf.provenance import statement_iri
    lib = "https://w3id.org/liberation-kg/ontology#"
    derived = statement_iri(ox.Triple(ox.NamedNode(f"{ID}city/rome"), ox.NamedNode(f"{lib}liberatedBy"),
                                      ox.NamedNode(f"{ID}unit/american-forces")))
    page = project_client.get(derived.value.replace(str(ID), "/id/"), headers={"Accept": "text/html"},
                              follow_redirects=True).get_data(as_text=True)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Statement: Rome → liberated by → American forces" in text
    source = ("Statement: American forces, liberating force, in the liberation of Rome → role → "
              "liberating force")
    assert source in text and "/id/statement/" not in text.split("Sources")[0].split("Facts", 1)[1]


def test_every_link_the_reasoner_draws_says_what_it_rests_on_and_keeps_its_readings(project_app):
    engine = project_app.extensions["sparql"].runner.engine
    rdf, prov = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/ns/prov#"
    inferred = str(PROVENANCE_GRAPH).replace("provenance", "inferred")
    # Between the project's resources, by the ontology's own properties: none without a statement.
    bare = engine.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <{inferred}> {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?p), "{LIB}") && isIRI(?o))
        FILTER NOT EXISTS {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?st <{rdf}subject> ?s ; <{rdf}predicate> ?p ;
                                                          <{rdf}object> ?o }} }} }}""").rows[0]["n"]
    assert int(bare) == 0

    def derived(s: str, p: str, o: str) -> tuple[int, list[str]]:
        rows = engine.query(f"""SELECT ?src ?note WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
            ?st <{rdf}subject> <{ID}{s}> ; <{rdf}predicate> <{LIB}{p}> ; <{rdf}object> <{ID}{o}> ;
                <{prov}wasDerivedFrom> ?src . OPTIONAL {{ ?st <{LIB}editorialNote> ?note }} }} }}""").rows
        return len({r["src"] for r in rows}), sorted({r["note"].value for r in rows if r.get("note")})

    # Two readings in a row (the arrival in Amsterdam's liberation, that in the campaign): kept.
    sources, notes = derived("event/british-arrival-on-the-dam", "subEventOf",
                             "event/liberation-campaign-netherlands")
    assert sources >= 2 and any("campaign" in n for n in notes), notes
    # By an inverse, from a reading: kept.
    sources, notes = derived("unit/red-army", "hasMember", "person/marshal-konev")
    assert sources == 1 and notes
    # Where one way rests on the quotes alone, no reading: Rome lies in Italy, its photographs too.
    sources, notes = derived("photo/rome-03", "hasPlace", "country/italy")
    assert sources >= 2 and not notes
    # Where one step is a reading, the link keeps it: that Paris lies in France (the article says
    # only "the capital of France", with Parisians), its photographs too.
    sources, notes = derived("photo/paris-01", "hasPlace", "country/france")
    assert sources >= 2 and any("does not call Paris the capital of France" in n for n in notes), notes


def test_every_derived_link_and_value_has_its_statement_with_quotes_in_every_vocabulary(project_app):
    """What the reasoner and the build derive says where it comes from as what is stated does, in
    the aligned vocabularies too: a CIDOC CRM reader of `crm:P7_took_place_at` or
    `crm:P82b_end_of_the_end` finds the quotes, and the project's reading where it rests on one."""
    engine = project_app.extensions["sparql"].runner.engine
    rdf, rdfs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#"
    left_out = ", ".join(f"<{p}>" for p in (  # classes, the ontology's closure, outside identifiers
        f"{rdf}type", f"{rdfs}subClassOf", f"{rdfs}subPropertyOf", "http://www.w3.org/ns/prov#value",
        "https://schema.org/sameAs"))
    # and the ontology's own terms linked to each other (its concept schemes: skos:narrower), which
    # no sentence of the article says
    inferred = {(r["s"], r["p"], r["o"]) for r in engine.query(f"""SELECT ?s ?p ?o WHERE {{
        GRAPH <https://w3id.org/liberation-kg/graph/inferred> {{ ?s ?p ?o }} FILTER(?p NOT IN ({left_out}))
        FILTER(!(STRSTARTS(STR(?s), STR(<{LIB}>)) && STRSTARTS(STR(?o), STR(<{LIB}>))))
    }}""").rows}
    said = {(r["s"], r["p"], r["o"]) for r in engine.query(f"""SELECT DISTINCT ?s ?p ?o WHERE {{
        GRAPH <{PROVENANCE_GRAPH}> {{ ?st <{rdf}subject> ?s ; <{rdf}predicate> ?p ; <{rdf}object> ?o ;
                                          <{LIB}evidence> ?quote }} }}""").rows}
    assert len(inferred) > 2000 and sorted(inferred - said)[:5] == []
    # A reading stays one, whatever the vocabulary: Warsaw's "early 1945" ends on 30 June by the
    # project's cut-off, in CIDOC CRM as in the project's own words.
    notes = engine.query(f"""SELECT ?note WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
        ?st <{rdf}subject> <{ID}timespan/liberation-of-warsaw-early-1945> ;
            <{rdf}predicate> <http://www.cidoc-crm.org/cidoc-crm/P82b_end_of_the_end> ;
            <{LIB}editorialNote> ?note }} }}""").rows
    assert [str(r["note"]) for r in notes] and "cut-off" in str(notes[0]["note"])


def _notes(engine, subject: str, predicate: str, obj: str) -> dict[str, set[str]]:
    """The notes on a statement, derived or stated, by kind (`editorialNote`, `otherAccounts`)."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rows = engine.query(f"""SELECT ?kind ?note WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{
        ?st <{rdf}subject> <{ID}{subject}> ; <{rdf}predicate> <{predicate}> ; <{rdf}object> {obj} .
        VALUES ?kind {{ <{LIB}editorialNote> <{LIB}otherAccounts> }}
        ?st ?kind ?note }} }}""").rows
    out: dict[str, set[str]] = {"editorialNote": set(), "otherAccounts": set()}
    for r in rows:
        out[str(r["kind"]).rsplit("#", 1)[1]].add(str(r["note"]))
    return out


def test_a_claim_other_accounts_dispute_says_so_in_everything_derived_from_it(project_app):
    """The article has Patton's army take Luxembourg City; other accounts have the First Army's 5th
    Armored Division take it. The graph keeps the claim, and its note reaches the shortcuts the
    build derives from it and what OWL 2 RL draws in turn, as a reading's note does, but apart from
    the readings: it is the article's word, not the project's."""
    engine = project_app.extensions["sparql"].runner.engine
    patton = f"<{ID}unit/pattons-army>"
    stated = _notes(engine, "participation/liberation-of-luxembourg-city--pattons-army", LIB + "participant",
                    patton)
    assert [n for n in stated["otherAccounts"] if "5th Armored Division" in n] and not stated["editorialNote"]
    for subject, predicate, obj in (("city/luxembourg-city", LIB + "liberatedBy", patton),
                                    ("event/liberation-of-luxembourg-city",
                                     "http://semanticweb.cs.vu.nl/2009/11/sem/hasActor", patton)):
        assert _notes(engine, subject, predicate, obj)["otherAccounts"] == stated["otherAccounts"], predicate
    assert _notes(engine, "unit/pattons-army", LIB + "liberated",
                  f"<{ID}city/luxembourg-city>")["otherAccounts"] == stated["otherAccounts"]
    # Patton's command of the taking is a reading besides: both notes, each as what it is.
    command = _notes(engine, "event/liberation-of-luxembourg-city", LIB + "commandedBy",
                     f"<{ID}person/george-s-patton>")
    assert command["otherAccounts"] == stated["otherAccounts"] and command["editorialNote"]
    # The date of the Wiltz photograph, "shortly after its liberation", when others have the town in
    # German hands; and the day bounds drawn from it, in CIDOC CRM too.
    date = '"1944-12-25"^^<http://www.w3.org/2001/XMLSchema#date>'
    for predicate in (LIB + "onDate", LIB + "latestDay", "http://www.cidoc-crm.org/cidoc-crm/P82b_end_of_the_end"):
        notes = _notes(engine, "timespan/photo-luxembourg-01", predicate, date)["otherAccounts"]
        assert [n for n in notes if "in German hands on 25 December 1944" in n], predicate
    # The project's bound on the liberation the caption tells of is drawn from that date: it says so.
    bound = _notes(engine, "timespan/liberation-of-wiltz", LIB + "notAfter", date)
    assert [n for n in bound["otherAccounts"] if n.startswith("Derived from the caption's date")]
    assert [n for n in bound["editorialNote"] if n.startswith("Derived, not stated")]
    # What no other account disputes carries nothing.
    assert _notes(engine, "city/prague", LIB + "liberatedBy", f"<{ID}unit/red-army>") == {
        "editorialNote": set(), "otherAccounts": set()}


def test_a_derived_link_keeps_a_note_only_where_every_way_of_deriving_it_rests_on_one():
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL, RDF

    from graph_service.graph.build.reasoning import closure_statements
    from graph_service.graph.rdf.namespace import LIB as LIB_NS

    ex = "http://example.org/"
    part_of, has_part = URIRef(ex + "partOf"), URIRef(ex + "hasPart")
    a, b, c = (URIRef(ex + n) for n in "abc")
    ontology = Graph()
    ontology.add((part_of, RDF.type, OWL.TransitiveProperty))
    ontology.add((part_of, OWL.inverseOf, has_part))

    def stated(graph: Graph, s: URIRef, p: URIRef, o: URIRef, **notes: str) -> None:
        st = URIRef(provenance_iri(s, p, o))
        graph += [(st, RDF.type, RDF.Statement), (st, RDF.subject, s), (st, RDF.predicate, p),
                  (st, RDF.object, o), (st, LIB_NS.evidence, URIRef(ex + "quote"))]
        graph += [(st, LIB_NS[kind], Literal(note, lang="en")) for kind, note in notes.items()]

    def provenance_iri(s: URIRef, p: URIRef, o: URIRef) -> str:
        return provenance.statement_iri(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))).value

    def notes_of_a_in_c(graph: Graph) -> dict[str, set[str]]:
        st = URIRef(provenance_iri(a, part_of, c))
        return {kind: {str(n) for n in graph.objects(st, LIB_NS[kind])}
                for kind in ("editorialNote", "otherAccounts")}

    inferred = Graph()
    inferred += [(a, part_of, c), (c, has_part, a), (b, has_part, a), (c, has_part, b)]
    # One way: a in b (disputed), b in c (a reading): the conclusion carries both notes.
    one_way = Graph()
    stated(one_way, a, part_of, b, otherAccounts="Others put a elsewhere.")
    stated(one_way, b, part_of, c, editorialNote="b in c is read, not said.")
    assert notes_of_a_in_c(closure_statements(ontology, one_way, inferred)) == {
        "editorialNote": {"b in c is read, not said."}, "otherAccounts": {"Others put a elsewhere."}}
    # One way resting only on the disputed claim, another only on the reading: neither kind of note
    # holds for every way, so neither is kept (each kind is judged on its own).
    crossed = Graph()
    stated(crossed, a, part_of, b, otherAccounts="Others put a elsewhere.")
    stated(crossed, b, part_of, c)
    stated(crossed, c, has_part, a, editorialNote="c having a is read, not said.")
    inferred.remove((c, has_part, a))
    assert notes_of_a_in_c(closure_statements(ontology, crossed, inferred)) == {
        "editorialNote": set(), "otherAccounts": set()}
    inferred.add((c, has_part, a))
    # Another way besides, by the inverse of what a quote says outright (c has a): neither is kept.
    two_ways = one_way + Graph()
    stated(two_ways, c, has_part, a)
    inferred.remove((c, has_part, a))
    assert notes_of_a_in_c(closure_statements(ontology, two_ways, inferred)) == {
        "editorialNote": set(), "otherAccounts": set()}


def test_the_ontology_page_counts_the_statements_that_carry_each_note(project_app, project_client):
    """A note is a property of statements, which live in the provenance graph: its use is counted
    there (it read "Used by 0 resources" while the graph held dozens)."""
    engine = project_app.extensions["sparql"].runner.engine
    page = project_client.get("/ontology.html").get_data(as_text=True)
    for name in ("otherAccounts", "editorialNote"):
        n = int(engine.query(f"""SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{
            GRAPH <{PROVENANCE_GRAPH}> {{ ?st <{LIB}{name}> ?note }} }}""").rows[0]["n"])
        start = page.index(f'id="{name}"')
        section = page[start:page.index("</section>", start)]
        assert n > 10 and f"Used by {n} resources" in " ".join(re.sub(r"<[^>]+>", " ", section).split()), name


def test_the_ontology_page_lists_what_uses_each_term(project_app, project_client):
    """"Used by 6 resources" was all a reader of "jubilant" got: a link now asks for them, one row
    each, as many as it counts, for every term (a concept's users, a class's instances, a
    property's subjects; lib:Event was counted 87, its subclasses' links among them, for 65)."""
    from urllib.parse import parse_qs, urlsplit

    engine = project_app.extensions["sparql"].runner.engine
    page = html.unescape(project_client.get("/ontology.html").get_data(as_text=True))
    # A concept, classes and properties whose links from other terms were counted as uses, a
    # property that a contested fact names, a property of statements.
    # And terms the facts do not use, counted where they are used ("Used by 0" said nothing did).
    sections = ["reception-jubilant", "Event", "Activity", "Actor", "Group", "Place", "Liberation",
                "hasPlace", "hasTimeSpan", "liberationOf", "editorialNote", "beginIndex", "geonames", "Role"]
    where = {"beginIndex": "provenance", "geonames": "coordinates", "Role": "ontology",
             "editorialNote": "provenance", "hasPlace": None}
    checked = 0
    for anchor in sections:
        start = page.index(f'id="{anchor}"')
        section = page[start:page.index("</section>", start)]
        used = re.search(r"Used by (\d+) resource", " ".join(re.sub(r"<[^>]+>", " ", section).split()))
        link = re.search(r'<a class="users" href="([^"]+)"', section)
        assert used and link, anchor
        query = parse_qs(urlsplit(link[1]).query)["query"][0]
        rows = engine.query(query).rows
        assert len({row["resource"] for row in rows}) == int(used[1]), anchor
        text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
        said = re.search(r"Used by \d+ resources? in the (\w+) graph", text)
        if anchor in where:
            assert (said[1] if said else None) == where[anchor], anchor
            assert int(used[1]) > 0, anchor
        if anchor != "editorialNote":  # reified statements have no label
            assert all("label" in row for row in rows), anchor
        checked += 1
    assert checked == len(sections)


def test_a_statement_in_an_aligned_vocabulary_is_named_by_prefixed_names(project_client):
    """A derived statement's name spells a term of another vocabulary as pages do (sem:hasActor),
    not as a bracketed IRI."""
    from graph_service.graph.rdf.provenance import statement_iri
    said = statement_iri(ox.Triple(ox.NamedNode(f"{ID}event/liberation-of-luxembourg-city"),
                                   ox.NamedNode("http://semanticweb.cs.vu.nl/2009/11/sem/hasActor"),
                                   ox.NamedNode(f"{ID}unit/pattons-army")))
    doc = project_client.get(said.value.replace(str(ID), "/doc/") + ".ttl").get_data(as_text=True)
    assert "Statement: Liberation of Luxembourg City → sem:hasActor → General Patton’s army" in doc
    assert "<http://semanticweb.cs.vu.nl/2009/11/sem/hasActor>, General" not in doc


def test_the_sources_a_note_names_are_links_and_nothing_else_is_markup(project_app, project_client):
    page = project_client.get("/doc/event/liberation-of-brussels.html").get_data(as_text=True)
    war_diary = "https://www.tracesofwar.com/docs/wardiary.asp?docid=90&amp;menu=1&amp;lineid=3559"
    assert f'<a href="{war_diary}" rel="nofollow noopener">{war_diary}</a>).' in page  # its full stop outside

    from graph_service.web.resources import linked_urls
    with project_app.test_request_context():  # names in the data's shorthand are looked up in it
        made = str(linked_urls('<b>x</b> see https://e.org/a?b=1&c="2" and http://e.org/<script>alert(1)</script>.'))
        plain = "no address here, javascript:alert(1)"
        assert str(linked_urls(plain)) == plain
    assert "<b>" not in made and "<script>" not in made
    link = "https://e.org/a?b=1&amp;c="
    assert f'<a href="{link}" rel="nofollow noopener">{link}</a>' in made
    assert '<a href="http://e.org/" rel="nofollow noopener">http://e.org/</a>&lt;script&gt;' in made


def test_a_link_resting_on_two_readings_gives_each_its_own_mark(project_client):
    """The British arrival on the Dam in the Netherlands campaign is derived through the liberation
    of Amsterdam, and each step is a reading: the page gives the two notes as two marks, where
    they had run on as one paragraph."""
    page = project_client.get("/doc/event/liberation-campaign-netherlands.html").get_data(as_text=True)
    item = page[:page.index("arrival of the British on the Dam on May 7, 1945, and the text says")]
    item = page[item.rindex("<li"):]
    item = item[:item.index("</li>")]
    marks = re.findall(r'<span class="mark editorial"[^>]*>(?:<span class="ref-number">note \d+:</span> )?'
                       r'\(derived from the project\'s reading: (.*?)\)</span>', item, re.S)
    assert len(marks) == 2, marks
    assert marks[0].startswith("The article does not say that the liberation of Amsterdam was part")
    assert marks[1].startswith("The caption names the arrival of the British on the Dam")


def test_a_value_on_the_same_quotes_as_the_one_above_says_how_many(project_client):
    """Values resting on the same three quotes (of the liberation of Prague, now that Paris's
    Americans rest on a caption too): "(the same quote as above)" did not say which. And whether it
    was said at all hung on the order the store gave the quotes in, which a rebuild could change:
    they are in the article's order now."""
    page = project_client.get("/doc/event/liberation-of-prague.html").get_data(as_text=True)
    marks = re.findall(r'class="mark same-evidence" title="([^"]*)">\(([^)]*)\)<', page)
    assert ("the same 3 quotes as above" in [said for _, said in marks]
            and all(len(title.split(" / ")) == 3 for title, said in marks if "3 quotes" in said))
    assert "the same quote as above" in [said for _, said in marks]


def test_each_value_links_to_the_statement_it_rests_on(project_client):
    """The statement behind a value (its quotes, notes, and what it is derived from) was reachable
    only by SPARQL or from a quote's page; each value now links to it."""
    page = project_client.get("/doc/unit/pattons-army.html").get_data(as_text=True)
    links = re.findall(r'<a class="mark statement" href="(/id/statement/[0-9a-f]+)"', page)
    subjects = set()
    for link in links:  # the army's own, and those of the nodes whose facts nest in its page
        resp = project_client.get(link, headers={"Accept": "text/turtle"})
        assert resp.status_code == 303
        statement = Graph().parse(data=project_client.get(resp.headers["Location"]).get_data(as_text=True),
                                  format="turtle")
        node = URIRef(f"https://w3id.org/liberation-kg{link}")
        assert (node, RDF.type, RDF.Statement) in statement and statement.value(node, RDF.predicate), link
        subjects.add(statement.value(node, RDF.subject))
    assert ID["unit/pattons-army"] in subjects
    # The command, read from the possessive, says so on its statement's page too.
    row = page[page.index(">commanded by<"):]
    command = re.search(r'href="(/id/statement/[0-9a-f]+)"', row[:row.index("</tr>")])
    assert command
    said = project_client.get(project_client.get(command.group(1)).headers["Location"]).get_data(as_text=True)
    assert "that Patton commanded it is read from the possessive" in said


def test_the_sources_other_accounts_name_are_iris_of_their_statements(project_app):
    """A note on a disputed claim names its sources inside its prose, where no query reaches them:
    its statement links each (`rdfs:seeAlso`), and none other."""
    engine = project_app.extensions["sparql"].runner.engine
    rows = engine.query(f"""
        SELECT ?st ?note (GROUP_CONCAT(STR(?also); separator=" ") AS ?seeAlso) WHERE {{
          GRAPH <{PROVENANCE_GRAPH}> {{ ?st <{LIB}otherAccounts> ?note
            FILTER NOT EXISTS {{ ?st <http://www.w3.org/ns/prov#wasDerivedFrom> ?from }}
            OPTIONAL {{ ?st <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?also }} }} }}
        GROUP BY ?st ?note""").rows
    assert len({str(r["st"]) for r in rows}) >= 17
    for row in rows:
        named = {u.rstrip(".") for u in re.findall(r"https?://[^\s,;)]+", str(row["note"]))}
        linked = set(str(row["seeAlso"]).split())
        assert named and named <= linked, row["st"]
    everything = set(" ".join(str(r["seeAlso"]) for r in rows).split())
    named_anywhere = {u.rstrip(".") for r in rows for u in re.findall(r"https?://[^\s,;)]+", str(r["note"]))}
    assert everything == named_anywhere


def test_names_in_the_datas_shorthand_in_notes_link_to_what_they_name(project_app, project_client):
    """The data's comments and notes name resources in its own shorthand (`event:liberation-of-
    paris`), whose prefixes no served document declares: on pages each is a link to what it names,
    a resource by its label (a linked-data user read "rec:liberation-of-brussels" mid-sentence), a
    term of the ontology by its name, the other on hover; a name the dataset lacks, or an unknown
    prefix, stays text."""
    page = project_client.get("/doc/photo/paris-03.html").get_data(as_text=True)
    assert ('<a href="/id/event/liberation-of-paris" title="event:liberation-of-paris">'
            'Liberation of Paris</a>') in page
    from graph_service.web.resources import linked_urls
    with project_app.test_request_context():
        made = str(linked_urls("see event:no-such-event, nothing:here and lib:depicts <b>"))
    assert made == ('see event:no-such-event, nothing:here and '
                    '<a href="/ontology#depicts" title="depicts">lib:depicts</a> &lt;b&gt;')


def test_a_table_shows_each_quote_and_note_in_full_once_and_links_to_it_after(project_client):
    """The Liberation of Paris's facts rest on 13 quotes, which its page showed 130 times in full
    (each participation and reception nests a table whose every statement rests on its sentence),
    and one note of the project's reading 8 times: 14,600 px at 1280 px wide."""
    page = project_client.get("/doc/event/liberation-of-paris.html").get_data(as_text=True)
    facts = page[page.index('<section id="facts">'):]
    facts = facts[:facts.index('<details class="inferred-facts"')]

    def text(fragment: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", fragment))

    full = [text(q) for q in re.findall(r'<details class="evidence"><summary[^>]*>'
                                        r'(?:<span class="ref-number">quote \d+:</span> )?“(.*?)”</summary>',
                                        facts, re.S)]
    assert full and len(full) == len(set(full))
    notes = [text(n) for n in re.findall(r'<span class="mark editorial"[^>]*>'
                                         r'(?:<span class="ref-number">note \d+:</span> )?'
                                         r'\(the project\'s reading: (.*?)\)</span>', facts, re.S)]
    assert notes and len(notes) == len(set(notes))
    # Every other showing links to the first, which holds what its title says.
    quote_refs = re.findall(r'<a class="mark evidence-ref" href="#([^"]+)" title="“(.*?)”">'
                            r'\(quote (\d+), above\)', facts)
    note_refs = re.findall(r'<a class="mark editorial note-ref" href="#([^"]+)" title="(.*?)">'
                           r'\(the project\'s reading: note (\d+), above\)', facts)
    assert len(quote_refs) > 25 and note_refs
    for anchor, title, number in quote_refs:
        first = facts[facts.index(f'<summary id="{anchor}"'):]
        assert text(first[:first.index("</summary>")]).endswith(f"quote {number}: “{html.unescape(title)}”")
        assert facts.index(f'id="{anchor}"') < facts.index(f'href="#{anchor}"')
    for anchor, title, number in note_refs:
        first = facts[facts.index(f'<span class="mark editorial" id="{anchor}">'):]
        said = f"note {number}: (the project's reading: {html.unescape(title)})"
        assert text(first[:first.index(")</span>") + 1]) == said
        assert facts.index(f'id="{anchor}"') < facts.index(f'href="#{anchor}"')


def test_what_a_force_took_part_in_is_listed_in_time(project_client):
    """The German forces' fifteen events were in the order of their names (Luxembourg's uprisings
    before the Warsaw Uprising); now by the first day each may be, the undated after, by name."""
    page = project_client.get("/doc/unit/german-forces.html").get_data(as_text=True)
    section = page[page.index('id="in-brief"'):]
    brief = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section[:section.index("</section>")])).split())
    order = [brief.index(name) for name in (
        "Nazi occupation of Paris", "German occupation of Brussels", "German surrender in the Netherlands",
        "Armed uprisings in Luxembourg", "Warsaw Uprising")]
    assert order == sorted(order), brief


def test_what_links_here_points_to_a_quote_the_facts_above_showed(project_client):
    """A linked-data user's probe: "What links here" showed again in full, under a new number, a
    quote the page's facts had shown (the Warsaw resistance fighters' "rose up against the
    Germans"; the Warsaw Uprising's page, 29 showings of 17 quotes). What the reasoner adds, behind
    a toggle, is read on its own and still shows its own."""
    page = project_client.get("/doc/group/warsaw-resistance-fighters.html").get_data(as_text=True)
    quote = "Resistance fighters within the city rose up against the Germans"
    visible = (page[:page.index('<details class="inferred-facts"')]
               + page[page.index("<h2>What links here</h2>"):])
    assert len(re.findall(rf"<summary[^>]*>(?:<span class=\"ref-number\">quote \d+:</span> )?“{quote}",
                          visible)) == 1
    ref = re.search(rf'<a class="mark evidence-ref" href="#(facts-quote-\d+)" title="“{quote}', visible)
    assert ref and visible.index(f'id="{ref[1]}"') < visible.index(ref[0])


def test_quotes_of_the_same_words_are_told_apart_and_no_number_means_two_things_on_a_page(project_client):
    """The article prints two captions twice, each time a quote of its own: numbered by their
    words, the second was shown as the first (Dam Square's page lost caption-amsterdam-03). And
    each table numbered from 1: on Warsaw's page "note 1" was one note in one table, another in
    the next."""
    dam = project_client.get("/doc/place/dam-square.html").get_data(as_text=True)
    assert "/id/quote/caption-amsterdam-02" in dam and "/id/quote/caption-amsterdam-03" in dam
    for path in ("/doc/city/warsaw.html", "/doc/event/liberation-of-paris.html",
                 "/doc/place/dam-square.html"):
        page = project_client.get(path).get_data(as_text=True)
        labels = re.findall(r'<span class="ref-number">((?:quote|note) \d+):</span>', page)
        assert labels and len(labels) == len(set(labels)), path
