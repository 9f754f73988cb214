"""Checks on the ontology and the article's facts (ontology/liberation.ttl, data/liberation.ttl).

No network, nothing outside the repository: the article is vendored as data/article.txt.
Each check is a function that returns a list of problems, so it can be run on the real graphs
(expecting none) and on small broken graphs (expecting some), which shows that it can fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from graph_service.graph.build.reasoning import find_inconsistencies
from graph_service.graph.rdf import documents, provenance

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# Plain namespaces: rdflib's DefinedNamespace objects warn when pytest probes module attributes.
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SDO = Namespace("https://schema.org/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ONTOLOGY = ROOT / "ontology" / "liberation.ttl"
DATA = ROOT / "data" / "liberation.ttl"
ARTICLE = HERE.parent / "data" / "article.txt"

BASE = "https://w3id.org/liberation-kg/"
LIB = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
WD = Namespace("http://www.wikidata.org/entity/")
ONTOLOGY_IRI = URIRef(BASE + "ontology")

CAPITALS = {
    "rome": "italy",
    "paris": "france",
    "brussels": "belgium",
    "luxembourg-city": "luxembourg",
    "amsterdam": "netherlands",
    "warsaw": "poland",
    "prague": "czechoslovakia",
    "berlin": "germany",
}

#: The only Wikidata identifiers the project has confirmed.
CONFIRMED_WIKIDATA = {
    "city/paris": "Q90",
    "city/rome": "Q220",
    "city/brussels": "Q239",
    "city/luxembourg-city": "Q1842",
    "city/amsterdam": "Q727",
    "city/warsaw": "Q270",
    "city/prague": "Q1085",
    "city/berlin": "Q64",
    "event/battle-of-berlin": "Q154182",
    "person/charles-de-gaulle": "Q2042",
    "person/george-s-patton": "Q186492",
}

#: Captions in the article, in order (identical captions are separate photographs).
PHOTO_COUNT = 44


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


@cache
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@cache
def data() -> Graph:
    """The facts (the source's per-statement annotations, Turtle 1.2, are read by the project's
    reader: rdflib cannot parse them)."""
    return documents.read_graph(DATA)


@cache
def expansion() -> provenance.Expansion:
    return provenance.expand(documents.read_quads(DATA, annotations=True))


@cache
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


KINDS = ("source", "quote", "photo", "event", "timespan", "participation", "city", "person")


def ttl(text: str) -> Graph:
    """Parse a Turtle snippet with the project's prefixes (one prefix per kind of resource)."""
    prefixes = {"lib": LIB, "rdfs": RDFS, "prov": PROV, "xsd": XSD, "skos": SKOS, "owl": OWL}
    prefixes.update({kind: Namespace(f"{ID}{kind}/") for kind in KINDS})
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
    return Graph().parse(data=head + text, format="turtle")


def in_lib(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(LIB))


# --------------------------------------------------------------------------------------------
# Checks: each returns a list of problems (empty when the graph is fine)
# --------------------------------------------------------------------------------------------


def unlabelled_subjects(g: Graph) -> list:
    """Subjects without exactly one English rdfs:label."""
    out = []
    for s in set(g.subjects()):
        en = [o for o in g.objects(s, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        if len(en) != 1:
            out.append((s, len(en)))
    return out


def blank_nodes(g: Graph) -> list:
    return [t for t in g if isinstance(t[0], BNode) or isinstance(t[2], BNode)]


def untyped_resources(g: Graph, onto: Graph) -> list:
    """Subjects with no rdf:type, or with a type the ontology does not define."""
    classes = set(onto.subjects(RDF.type, OWL.Class))
    out = []
    for s in set(g.subjects()):
        types = set(g.objects(s, RDF.type))
        if not types or not types <= classes:
            out.append((s, types - classes))
    return out


def undefined_terms(g: Graph, onto: Graph) -> list:
    """lib: terms used in the data (as predicate or object) that the ontology does not describe."""
    defined = set(onto.subjects())
    used = {p for p in g.predicates() if in_lib(p)} | {o for o in g.objects() if in_lib(o)}
    return sorted(used - defined)


def quotes_not_in_article(g: Graph, text: str) -> list:
    out = []
    for q in g.subjects(RDF.type, LIB.Quote):
        values = list(g.objects(q, LIB.text))
        if len(values) != 1 or str(values[0]) not in text:
            out.append(q)
    return out


def quote_problems(g: Graph) -> list:
    """A quote needs plain-string text and prov:wasQuotedFrom a source; evidence must be a quote."""
    out = []
    for q in g.subjects(RDF.type, LIB.Quote):
        for t in g.objects(q, LIB.text):
            if not isinstance(t, Literal) or t.language or t.datatype not in (None, XSD.string):
                out.append(("text not a plain string", q))
        src = g.value(q, PROV.wasQuotedFrom)
        if src is None or (src, RDF.type, LIB.Source) not in g:
            out.append(("no source", q))
    for s, q in g.subject_objects(LIB.evidence):
        if (q, RDF.type, LIB.Quote) not in g:
            out.append(("evidence is not a quote", s, q))
    return out


def dangling_objects(g: Graph, onto: Graph) -> list:
    """IRI objects under the project's base that neither graph describes."""
    described = set(g.subjects()) | set(onto.subjects()) | {ONTOLOGY_IRI}
    out = []
    for s, p, o in g:
        if isinstance(o, URIRef) and str(o).startswith(BASE) and o not in described:
            out.append((s, p, o))
    return out


def photo_problems(g: Graph) -> list:
    """Every photograph has one caption, evidence, and its caption is the text of a cited quote."""
    out = []
    for ph in g.subjects(RDF.type, LIB.Photograph):
        captions = list(g.objects(ph, LIB.caption))
        evidence = list(g.objects(ph, LIB.evidence))
        if len(captions) != 1:
            out.append(("captions", ph, len(captions)))
        if not evidence:
            out.append(("no evidence", ph))
        texts = {str(t) for q in evidence for t in g.objects(q, LIB.text)}
        if captions and str(captions[0]) not in texts:
            out.append(("caption is not a cited quote", ph))
    return out


def event_classes(onto: Graph) -> set:
    """lib:Event and all its subclasses in the ontology."""
    classes, frontier = {LIB.Event}, [LIB.Event]
    while frontier:
        c = frontier.pop()
        for sub in onto.subjects(RDFS.subClassOf, c):
            if sub not in classes:
                classes.add(sub)
                frontier.append(sub)
    return classes


def events(g: Graph, onto: Graph) -> set:
    classes = event_classes(onto)
    return {s for c in classes for s in g.subjects(RDF.type, c)}


def unsupported(g: Graph, nodes: Iterable) -> list:
    return [n for n in nodes if not list(g.objects(n, LIB.evidence))]


def unevidenced_nodes(g: Graph, onto: Graph) -> list:
    """Every described resource except quotes and the source rests on at least one quote."""
    skip = set(g.subjects(RDF.type, LIB.Quote))
    return [s for s in set(g.subjects()) - skip if not list(g.objects(s, LIB.evidence))]


def timespan_problems(g: Graph) -> list:
    """Exactly one precision per time-span, typed values, wording kept, and evidence."""
    out = []
    for ts in set(g.subjects(RDF.type, LIB.TimeSpan)) | set(g.objects(None, LIB.hasTimeSpan)):
        day = list(g.objects(ts, LIB.onDate))
        month = list(g.objects(ts, LIB.inMonth))
        bounds = list(g.objects(ts, LIB.notBefore)) + list(g.objects(ts, LIB.notAfter))
        kinds = [bool(day), bool(month), bool(bounds)]
        if sum(kinds) != 1 or len(day) > 1 or len(month) > 1:
            out.append(("precision", ts, kinds))
        if any(v.datatype != XSD.date for v in day + bounds):
            out.append(("not xsd:date", ts))
        if any(v.datatype != XSD.gYearMonth for v in month):
            out.append(("not xsd:gYearMonth", ts))
        nb, na = g.value(ts, LIB.notBefore), g.value(ts, LIB.notAfter)
        if nb is not None and na is not None and nb.toPython() > na.toPython():
            out.append(("notBefore after notAfter", ts))
        if g.value(ts, LIB.dateText) is None:
            out.append(("no dateText", ts))
        if not list(g.objects(ts, LIB.evidence)):
            out.append(("no evidence", ts))
        if not list(g.subjects(LIB.hasTimeSpan, ts)) and not list(g.subjects(LIB.underwayDuring, ts)):
            out.append(("time-span of nothing", ts))
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.gYearMonth):
            if p not in (LIB.onDate, LIB.inMonth, LIB.notBefore, LIB.notAfter):
                out.append(("date outside a time-span", s, p))
    return out


def capitals_without_liberation(g: Graph) -> list:
    """Each capital is a lib:CapitalCity of its country with an evidenced liberation (or conquest)."""
    out = []
    for city, country in CAPITALS.items():
        c = ID[f"city/{city}"]
        if (c, RDF.type, LIB.CapitalCity) not in g:
            out.append(("not a capital city", city))
        if (c, LIB.capitalOf, ID[f"country/{country}"]) not in g:
            out.append(("capitalOf", city))
        # Berlin's is a conquest: the article speaks of its capture, not its liberation.
        ev, kind, taking = ((ID["event/capture-of-berlin"], LIB.Conquest, LIB.conquestOf) if city == "berlin"
                            else (ID[f"event/liberation-of-{city}"], LIB.Liberation, LIB.liberationOf))
        if (ev, taking, c) not in g or (ev, RDF.type, kind) not in g:
            out.append(("no liberation event", city))
        elif not list(g.objects(ev, LIB.evidence)):
            out.append(("liberation without evidence", city))
    return out


def participation_problems(g: Graph) -> list:
    """One event, one participant, at least one role, and hasParticipation/inEvent agree."""
    out = []
    for p in g.subjects(RDF.type, LIB.Participation):
        forward = set(g.subjects(LIB.hasParticipation, p))
        back = set(g.objects(p, LIB.inEvent))
        if len(back) != 1 or forward != back:
            out.append(("event", p))
        if len(list(g.objects(p, LIB.participant))) != 1:
            out.append(("participant", p))
        roles = list(g.objects(p, LIB.role))
        if not roles or any((r, RDF.type, LIB.Role) not in ontology() for r in roles):
            out.append(("role", p))
    return out


def wikidata_problems(g: Graph) -> list:
    out = [("owl:sameAs used", s, o) for s, o in g.subject_objects(OWL.sameAs)]
    allowed = {(ID[k], WD[v]) for k, v in CONFIRMED_WIKIDATA.items()}
    for s, o in g.subject_objects(LIB.wikidata):
        if (s, o) not in allowed:
            out.append(("unconfirmed Wikidata link", s, o))
    for s, o in (*g.subject_objects(SKOS.exactMatch), *g.subject_objects(SDO.sameAs)):
        if str(o).startswith(str(WD)) and (s, o) not in allowed:
            out.append(("unconfirmed Wikidata link", s, o))
    return out


def ontology_term_problems(onto: Graph) -> list:
    """Every IRI the ontology describes has an English label and an English definition."""
    out = []
    for s in set(onto.subjects()):
        if isinstance(s, BNode):
            continue
        for prop in (RDFS.label, SKOS.definition):
            if not any(isinstance(o, Literal) and o.language == "en" for o in onto.objects(s, prop)):
                out.append((s, prop))
    return out


# --------------------------------------------------------------------------------------------
# The checks on the real graphs
# --------------------------------------------------------------------------------------------


def test_ontology_and_data_parse():
    assert len(ontology()) > 500
    assert len(data()) > 1000


def test_article_is_vendored_copy():
    text = article()
    assert text.startswith("Fascinating Pictures: How Allied Troops")
    assert "© Copyright 2019 - War History Online" in text


def test_every_subject_has_one_english_label():
    assert unlabelled_subjects(data()) == []


def test_no_blank_nodes_in_data():
    assert blank_nodes(data()) == []


def test_every_resource_typed_from_ontology():
    assert untyped_resources(data(), ontology()) == []


def test_every_lib_term_in_data_is_defined():
    assert undefined_terms(data(), ontology()) == []


def test_every_quote_occurs_verbatim_in_article():
    assert quotes_not_in_article(data(), article()) == []


#: The quotes whose words occur more than once in the article, and the line of their own.
REPEATED_QUOTES = {"caption-brussels-06": 85, "caption-amsterdam-01": 112, "caption-amsterdam-02": 116,
                   "caption-amsterdam-03": 119, "caption-prague-01": 167, "caption-prague-02": 170}


def test_every_quote_is_placed_in_the_article():
    """The build's place of each quote (lib:beginIndex, lib:endIndex) holds its words, and a quote
    whose words occur more than once stands where its own caption does."""
    text = article()
    placed = provenance.locate_quotes(expansion().facts, text)
    spans: dict[str, dict[str, int]] = {}
    for q in placed:
        spans.setdefault(q.subject.value.rsplit("/", 1)[-1], {})[q.predicate.value.rsplit("#", 1)[-1]] = \
            int(q.object.value)
    quotes = {q.subject.value.rsplit("/", 1)[-1]: q.object.value for q in expansion().facts
              if q.predicate == provenance.TEXT}
    assert spans.keys() == quotes.keys() and len(quotes) > 100
    assert [k for k, words in quotes.items()
            if text[spans[k]["beginIndex"]:spans[k]["endIndex"]] != words] == []
    repeated = {k for k, words in quotes.items() if text.count(words) > 1}
    assert repeated == REPEATED_QUOTES.keys()
    assert {k: text.count("\n", 0, spans[k]["beginIndex"]) + 1 for k in repeated} == REPEATED_QUOTES


def test_a_quote_the_article_cannot_place_is_named():
    def quote(name: str, words: str, occurrence: int | None = None) -> list[ox.Quad]:
        node = ox.NamedNode(f"http://example.org/{name}")
        found = [ox.Quad(node, provenance.TEXT, ox.Literal(words))]
        if occurrence is not None:
            found.append(ox.Quad(node, provenance.OCCURRENCE,
                                 ox.Literal(str(occurrence), datatype=XSD_INTEGER)))
        return found

    source = "One line. Two words. One line."
    assert len(provenance.locate_quotes(quote("a", "Two words") + quote("b", "One line.", 2), source)) == 4
    for facts, says in ((quote("a", "Three"), "its text is not in the article"),
                        (quote("a", "One line."),
                         "its text occurs 2 times in the article; say which with lib:occurrence"),
                        (quote("a", "One line.", 3),
                         "lib:occurrence 3, but its text occurs 2 times in the article")):
        try:
            provenance.locate_quotes(facts, source)
        except provenance.ProvenanceError as exc:
            assert str(exc) == f"1 quote cannot be placed in the article: <http://example.org/a>: {says}"
        else:
            raise AssertionError(f"placed: {facts}")


def test_every_fact_statement_has_its_own_quote():
    """Per-statement provenance: each statement but the structural ones has an rdf:Statement in the
    provenance graph with at least one lib:evidence quote of the article (the build's check)."""
    e = expansion()
    assert e.annotated
    assert provenance.missing_evidence(e) == []
    facts = provenance.fact_statements(e.facts)
    # Beside them, only types that are a judgement (Berlin's capture as a conquest) have a statement.
    judged = {q.subject for q in e.provenance if q.predicate.value == str(RDF.predicate)
              and q.object.value == str(RDF.type)}
    assert len(facts) > 1200 and e.statements == len(set(facts)) + len(judged)
    assert 0 < len(judged) < 15


def test_every_per_statement_quote_occurs_verbatim_in_article():
    """The quote behind each statement, read back out of the article text."""
    texts = {q.subject: q.object.value for q in expansion().facts if q.predicate.value == str(LIB.text)}
    cited = {q.object for q in expansion().provenance if q.predicate == provenance.EVIDENCE}
    assert cited and all(c in texts for c in cited)
    assert [texts[c] for c in cited if texts[c] not in article()] == []


def test_a_statement_stated_both_ways_rests_on_the_same_quotes_and_notes_each_way():
    """`a lib:precedes b` and `b lib:precededBy a` are one fact: asked which sentence says it, and
    whether it is the project's reading (`lib:editorialNote`) or disputed (`lib:otherAccounts`), the
    graph gives one answer whichever way the question is put."""
    onto = Graph().parse(ONTOLOGY, format="turtle")
    inverse = {p: q for p, q in onto.subject_objects(OWL.inverseOf)}
    inverse.update({q: p for p, q in inverse.items()})
    e = expansion()
    parts: dict[ox.Term, dict[str, ox.Term]] = {}
    quotes: dict[ox.Term, set] = {}  # each statement's quotes, and its notes as (kind, note)
    notes = (str(LIB.editorialNote), str(LIB.otherAccounts))
    for q in e.provenance:
        if q.predicate == provenance.EVIDENCE:
            quotes.setdefault(q.subject, set()).add(q.object)
        elif q.predicate.value in notes:
            quotes.setdefault(q.subject, set()).add((q.predicate, q.object))
        elif q.predicate.value in (str(RDF.subject), str(RDF.predicate), str(RDF.object)):
            parts.setdefault(q.subject, {})[q.predicate.value.rsplit("#", 1)[1]] = q.object
    by_triple = {(p["subject"], p["predicate"].value, p["object"]): quotes.get(node, set())
                 for node, p in parts.items()}
    both_ways = [(t, (t[2], str(inverse[URIRef(t[1])]), t[0])) for t in by_triple
                 if URIRef(t[1]) in inverse and (t[2], str(inverse[URIRef(t[1])]), t[0]) in by_triple]
    assert len(both_ways) > 200  # each pair twice
    assert [t for t, back in both_ways if by_triple[t] != by_triple[back]] == []


def test_which_sentence_says_pattern():
    """The documented pattern: rdf:subject/rdf:predicate/rdf:object, lib:evidence/lib:text."""
    store = ox.Store()
    store.extend(expansion().facts)
    store.extend(expansion().provenance)
    rows = store.query("""
        PREFIX lib: <https://w3id.org/liberation-kg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?text WHERE {
          GRAPH <https://w3id.org/liberation-kg/graph/provenance> {
            ?st rdf:subject <https://w3id.org/liberation-kg/id/timespan/liberation-of-paris-1944-08-25> ;
                rdf:predicate lib:onDate ;
                rdf:object "1944-08-25"^^<http://www.w3.org/2001/XMLSchema#date> ;
                lib:evidence ?quote }
          ?quote lib:text ?text }""")
    assert {r["text"].value for r in rows} == {
        "following the city’s liberation on August 25, 1944",
        "General de Gaulle and his entourage proudly stroll down the Champs Élysées to Notre Dame "
        "Cathedral for a Te Deum ceremony following the city’s liberation on August 25, 1944."}


def test_everything_that_happened_in_rome_with_and_without_reasoning():
    """One pattern for places: lib:hasPlace for events and photographs, lib:partOf and (St Peter's,
    in Vatican City) lib:inArea for where a place lies; the same query over the asserted facts alone
    finds the liberation, the Pope's address and the service in St Peter's."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in expansion().facts)
    rows = store.query("""
        PREFIX lib: <https://w3id.org/liberation-kg/ontology#>
        SELECT DISTINCT ?x WHERE {
          ?x lib:hasPlace/lib:partOf*/lib:inArea? <https://w3id.org/liberation-kg/id/city/rome> }""")
    found = {r["x"].value.removeprefix(str(ID)) for r in rows}
    # Asked of Italy, the pattern leaves out what is in Rome's area without being part of it.
    in_italy = {r["x"].value.removeprefix(str(ID)) for r in store.query("""
        PREFIX lib: <https://w3id.org/liberation-kg/ontology#>
        SELECT DISTINCT ?x WHERE {
          ?x lib:hasPlace/lib:partOf*/lib:inArea? <https://w3id.org/liberation-kg/id/country/italy> }""")}
    assert "event/liberation-of-rome" in in_italy and "event/pope-address-rome" not in in_italy
    assert {"event/liberation-of-rome", "event/pope-address-rome", "event/service-in-st-peters",
            "photo/rome-02", "photo/rome-05", "photo/rome-07"} <= found


def test_quotes_are_well_formed_and_evidence_points_at_quotes():
    assert quote_problems(data()) == []


def test_every_project_iri_object_is_described():
    assert dangling_objects(data(), ontology()) == []


def test_external_objects_are_known_vocabularies():
    allowed = (
        BASE,
        "http://www.wikidata.org/entity/",
        "https://creativecommons.org/licenses/",
        "http://www.w3.org/",
    )
    # A document's web address (the article's, schema:url) is where it is published, anywhere.
    odd = [o for _s, p, o in data() if isinstance(o, URIRef) and not str(o).startswith(allowed)
           and p != URIRef("https://schema.org/url")]
    assert odd == []


def test_the_article_has_its_web_address():
    article = URIRef(BASE + "id/source/article")
    urls = list(data().objects(article, URIRef("https://schema.org/url")))
    assert len(urls) == 1 and str(urls[0]).startswith("https://www.warhistoryonline.com/")


def test_every_photograph_has_caption_and_evidence():
    assert photo_problems(data()) == []


def test_photographs_are_numbered_in_article_order():
    g = data()
    photos = list(g.subjects(RDF.type, LIB.Photograph))
    assert len(photos) == PHOTO_COUNT
    numbers = sorted(int(g.value(p, LIB.sequenceNumber)) for p in photos)
    assert numbers == list(range(1, PHOTO_COUNT + 1))
    text = article()
    by_number = sorted(photos, key=lambda p: int(g.value(p, LIB.sequenceNumber)))
    position = 0
    for p in by_number:
        found = text.find(str(g.value(p, LIB.caption)), position)
        assert found >= position, p
        position = found + 1


def test_every_event_has_evidence():
    evs = events(data(), ontology())
    assert len(evs) > 40
    assert unsupported(data(), evs) == []


def test_every_fact_node_has_evidence():
    assert unevidenced_nodes(data(), ontology()) == []


def test_a_resource_lists_every_quote_its_statements_rest_on():
    """Its own lib:evidence is the quotes it rests on as a whole (README): a graph auditor found 35
    quotes of statements about 23 resources left out of it (the Warsaw Uprising's photographs)."""
    exp = expansion()
    listed = {(q.subject, q.object) for q in exp.facts if q.predicate == provenance.EVIDENCE}
    about = {q.subject: q.object for q in exp.provenance if q.predicate == provenance.SUBJECT}
    rested = {(about[q.subject], q.object) for q in exp.provenance
              if q.predicate == provenance.EVIDENCE and q.subject in about}
    assert sorted(str(pair) for pair in rested - listed) == []


def test_timespans_have_one_precision_and_typed_dates():
    assert timespan_problems(data()) == []


def test_each_capital_has_a_liberation_event():
    assert capitals_without_liberation(data()) == []


def test_participations_are_well_formed():
    assert participation_problems(data()) == []


def test_wikidata_links_are_only_the_confirmed_ones():
    g = data()
    assert wikidata_problems(g) == []
    assert len(list(g.subject_objects(LIB.wikidata))) == len(CONFIRMED_WIKIDATA)


def test_every_ontology_term_has_label_and_definition():
    assert ontology_term_problems(ontology()) == []


def test_ontology_metadata():
    o = ontology()
    for prop in ("title", "description", "license", "creator", "created", "modified"):
        assert o.value(ONTOLOGY_IRI, DCTERMS[prop]) is not None, prop
    assert o.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert o.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    vann = Namespace("http://purl.org/vocab/vann/")
    assert str(o.value(ONTOLOGY_IRI, vann.preferredNamespacePrefix)) == "lib"
    assert str(o.value(ONTOLOGY_IRI, vann.preferredNamespaceUri)) == str(LIB)


def test_ontology_stays_in_owl2_rl():
    o = ontology()
    forbidden = (
        OWL.unionOf,
        OWL.someValuesFrom,
        OWL.minCardinality,
        OWL.cardinality,
        OWL.minQualifiedCardinality,
        OWL.qualifiedCardinality,
        OWL.imports,
    )
    assert [p for p in forbidden if list(o.subject_objects(p))] == []
    for p, m in o.subject_objects(OWL.maxCardinality):
        assert int(m) <= 1, p


# --- Particular facts the brief singles out ---------------------------------------------------


def test_paris_liberation_date_is_contested_with_both_claims():
    g = data()
    cf = ID["contested/paris-liberation-date"]
    event = ID["event/liberation-of-paris"]
    assert (cf, RDF.type, LIB.ContestedFact) in g
    assert (cf, LIB.about, event) in g
    assert (cf, LIB.concernsProperty, LIB.hasTimeSpan) in g
    claims = set(g.objects(cf, LIB.claim))
    assert len(claims) >= 2
    days = set()
    for c in claims:
        assert (event, LIB.hasTimeSpan, c) in g
        assert list(g.objects(c, LIB.evidence))
        days.add(str(g.value(c, LIB.onDate)))
    assert days == {"1944-08-25", "1944-08-26"}


def test_early_1945_is_an_interval_not_a_day():
    g = data()
    ts = g.value(ID["event/liberation-of-warsaw"], LIB.hasTimeSpan)
    assert g.value(ts, LIB.onDate) is None
    assert str(g.value(ts, LIB.notBefore)) == "1945-01-01"
    assert g.value(ts, LIB.notAfter) is not None
    assert str(g.value(ts, LIB.dateText)) == "early 1945"
    assert g.value(ts, RDFS.comment) is not None


def test_dam_square_casualties():
    g = data()
    cas = g.value(ID["event/dam-square-shooting"], LIB.hasCasualties)
    # LIB.count would be str.count: Namespace is a str, so index the term
    assert g.value(cas, LIB["count"]) == Literal(22, datatype=XSD.integer)
    assert (ID["event/dam-square-shooting"], LIB.hasPlace, ID["place/dam-square"]) in g


def test_the_soviet_advance_was_under_way_in_august_1944_which_bounds_neither_end():
    """"In August 1944, the Soviet army was advancing on Warsaw": a time it was going on, not the
    advance's time-span, which would bound its beginning and end (a historian's reading found
    the month lost)."""
    g = data()
    advance = ID["event/soviet-advance-on-warsaw"]
    assert g.value(advance, LIB.hasTimeSpan) is None
    span = g.value(advance, LIB.underwayDuring)
    assert g.value(span, LIB.inMonth) == Literal("1944-08", datatype=XSD.gYearMonth)
    assert str(g.value(span, LIB.dateText)) == "In August 1944"


def test_empty_credit_is_no_credit():
    g = data()
    ph = ID["photo/amsterdam-01"]
    assert str(g.value(ph, LIB.caption)).endswith("Photo:")
    assert g.value(ph, LIB.credit) is None
    assert g.value(ph, LIB.creditedTo) is None
    assert g.value(ph, DCTERMS.license) is None


def test_home_army_hierarchy():
    g = data()
    assert (ID["unit/anna-company"], LIB.memberOf, ID["unit/gustaw-battalion"]) in g
    assert (ID["unit/gustaw-battalion"], LIB.memberOf, ID["unit/home-army"]) in g
    for fighter in ("henryk-ozarek", "tadeusz-przybyszewski", "stanislaw-jankowski", "tadeusz-rajszczak"):
        assert g.value(ID[f"person/{fighter}"], LIB.nomDeGuerre) is not None, fighter


def test_data_is_consistent_under_owl2_rl(project_inference):
    """The OWL 2 RL closure of ontology + data breaks no disjointness, puts nothing in owl:Nothing,
    gives no functional property two values and merges no resources."""
    closure = project_inference.closure
    assert find_inconsistencies(closure) == []
    assert closure.blocked_merges == frozenset()
    assert [(s, o) for s, o in closure.graph.subject_objects(OWL.sameAs) if s != o] == []


def test_every_place_is_a_crm_place_or_a_thing_that_stands_in_one(project_inference):
    """Ontology 2.0.0 types by kind of place what 1.x made crm:E53_Place wholesale: a place typed
    only lib:Place (the east of Brussels, until lib:Area) would have no CIDOC CRM class at all."""
    graph = project_inference.closure.graph
    crm = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
    kinds = {crm.E53_Place, crm["E22_Human-Made_Object"], crm.E27_Site}
    places = set(graph.subjects(RDF.type, LIB.Place))
    assert len(places) > 40
    assert [p for p in places if not kinds & set(graph.objects(p, RDF.type))] == []


# --------------------------------------------------------------------------------------------
# The checks can fail: run them on small broken graphs
# --------------------------------------------------------------------------------------------


BROKEN = """
source:article a lib:Source ; rdfs:label "article"@en .
quote:bad a lib:Quote ; rdfs:label "bad"@en ;
    lib:text "Liberated Europe's Capitals" ; prov:wasQuotedFrom source:article .
photo:x a lib:Photograph ; rdfs:label "x" ;
    lib:caption "A caption that is quoted nowhere" ; lib:depicts person:nobody .
event:x a lib:Liberation ; rdfs:label "x"@en ; lib:evidence photo:x ;
    lib:hasTimeSpan timespan:x .
timespan:x a lib:TimeSpan ; rdfs:label "x"@en ; lib:onDate "1944-08-25" ;
    lib:inMonth "1944-08"^^xsd:gYearMonth .
participation:x a lib:Participation ; rdfs:label "x"@en ; lib:inEvent event:x .
city:paris a lib:City ; rdfs:label "Paris"@en ; owl:sameAs <http://www.wikidata.org/entity/Q90> ;
    lib:wikidata <http://www.wikidata.org/entity/Q1> ; lib:undefinedProperty [] .
"""


def test_checks_detect_a_broken_graph():
    g = ttl(BROKEN)
    o = ontology()
    assert unlabelled_subjects(g)  # photo label has no language tag; the blank node has none
    assert blank_nodes(g)
    assert undefined_terms(g, o) == [LIB.undefinedProperty]
    # straight apostrophe where the article has a typographic one
    assert quotes_not_in_article(g, article()) == [ID["quote/bad"]]
    assert ("evidence is not a quote", ID["event/x"], ID["photo/x"]) in quote_problems(g)
    assert dangling_objects(g, o)  # person:nobody is described nowhere
    assert {p[0] for p in photo_problems(g)} == {"no evidence", "caption is not a cited quote"}
    assert timespan_problems(g)
    assert capitals_without_liberation(g)
    assert participation_problems(g)
    assert len(wikidata_problems(g)) == 2
    assert unsupported(g, events(g, o)) == []  # event/x has (wrong) evidence ...
    assert ID["timespan/x"] in unevidenced_nodes(g, o)  # ... but its time-span has none


def test_ontology_check_detects_missing_definition():
    g = ttl('lib:Thing a owl:Class ; rdfs:label "thing"@en .')
    assert ontology_term_problems(g) == [(LIB.Thing, SKOS.definition)]


def test_the_printers_of_the_brussels_flags_are_a_group_the_article_says_something_of():
    """"printers secretly produced thousands of Belgian and Allied flags": unnamed, and the subject
    of a sentence, so a resource (the data's rule for people it mentions without naming), taking
    part in the Belgians' preparations, labelled with the article's words."""
    g = data()
    printers = ID["group/flag-printers"]
    assert str(g.value(printers, RDFS.label)).endswith("(unnamed)")
    parts = [p for p in g.subjects(LIB.participant, printers)]
    assert [g.value(p, LIB.inEvent) for p in parts] == [ID["event/liberation-preparations-brussels"]]
    assert "Secretly produced" in str(g.value(printers, URIRef("http://purl.org/dc/terms/description")))


def test_every_literal_of_the_project_is_one_the_serving_store_keeps_as_written():
    """The engine stores literals in canonical form (a derived integer type as xsd:integer,
    "007" as 7, "1"^^xsd:boolean as true): a query would show a historian other values than the
    files say. The project's files hold none that change."""
    for path in (DATA, ROOT / "ontology" / "liberation.ttl", ROOT / "shapes" / "liberation.ttl",
                 ROOT / "data" / "coordinates.ttl"):
        quads = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
        written = {q.object for q in quads if isinstance(q.object, ox.Literal)}
        store = ox.Store()
        store.extend(quads)
        kept = {q.object for q in store if isinstance(q.object, ox.Literal)}
        assert written == kept, f"{path.name}: changed by the store: {sorted(map(str, written - kept))[:5]}"
    # It can fail: the store does rewrite such a literal.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e.org/a"), ox.NamedNode("http://e.org/p"),
                      ox.Literal("007", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    assert next(iter(store)).object.value == "7"
