"""`graph.validate`: the one validation function the build, the CLI and the service use."""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from graph_service.graph.rdf import documents, formats
from graph_service.graph.rdf.documents import RdfSyntaxError
from graph_service.graph.rdf.namespace import ID, LIB, SH, SHAPES
from graph_service.graph.shacl import validation
from graph_service.graph.shacl.validation import (
    InputTooCostly,
    ReadAllowance,
    Untrusted,
    ValidationError,
    ValidationOutcome,
    ValidationTimeout,
    holds_shapes,
    parse_untrusted_all,
    validate,
)

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")


def graph(name: str) -> Graph:
    return documents.read_graph(FIXTURES / name)


def turtle(text: str) -> Graph:
    prologue = ("@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
    quads = documents.parse_quads((prologue + text).encode(), formats.by_name("turtle"))
    return documents.quads_to_graph(quads)


def test_conforming_data() -> None:
    outcome = validate(graph("valid.ttl"), graph("shapes.ttl"), ontology=graph("ontology.ttl"))
    assert outcome.conforms is True
    assert outcome.results == []
    assert (None, SH.conforms, Literal(True)) in outcome.report
    # How many nodes were checked: "conforms" alone does not say that anything was.
    assert outcome.text() == "Conforms: no results (2 focus nodes checked).\n\n0 violations, 0 warnings\n"
    assert outcome.seconds > 0


def test_each_result_of_the_report_as_an_object() -> None:
    shapes = graph("shapes.ttl")
    outcome = validate(graph("invalid.ttl"), shapes, ontology=graph("ontology.ttl"))
    assert outcome.conforms is False
    rome, quote = ID["event/liberation-of-rome"], ID["quote/rome-1"]
    found = {(r.focus_node, r.path, r.component, r.severity) for r in outcome.results}
    assert found == {
        (rome, RDFS.label, SH.MinCountConstraintComponent, SH.Violation),
        (rome, LIB.place, SH.ClassConstraintComponent, SH.Violation),
        (rome, LIB.evidence, SH.MinCountConstraintComponent, SH.Warning),
        (quote, LIB.text, SH.MinLengthConstraintComponent, SH.Violation),
        (quote, None, SH.SPARQLConstraintComponent, SH.Violation),
    }
    place = next(r for r in outcome.results if r.path == LIB.place)
    assert place.value == ID["person/de-gaulle"]
    assert place.message == "An event happens at a place."
    assert (SHAPES.EventShape, SH.property, place.source_shape) in shapes
    # The report holds every result the objects came from.
    assert len(list(outcome.report.subjects(RDF.type, SH.ValidationResult))) == 5


@pytest.mark.parametrize("keyword", ["lessThan", "lessThanOrEquals"])
def test_a_pair_that_cannot_be_compared_is_a_result_whichever_way_round(keyword: str) -> None:
    # SHACL 4.5.3: a pair SPARQL's < cannot compare is a result. pySHACL compared rdflib's Python
    # values: a date was less than an integer, so ex:a passed while ex:b failed.
    data = turtle(f"""ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c, ex:d, ex:e, ex:f, ex:g, ex:h ;
        sh:property [ sh:path ex:lo ; sh:{keyword} ex:hi ] .
        ex:a ex:lo "2020-01-01"^^xsd:date ; ex:hi 5 .
        ex:b ex:lo 5 ; ex:hi "2020-01-01"^^xsd:date .
        ex:c ex:lo "abc" ; ex:hi 5 .
        ex:d ex:lo 3, 5 ; ex:hi 5.0 .
        ex:e ex:lo <http://example.org/x>, <http://example.org/y> ; ex:hi <http://example.org/y> .
        ex:f ex:lo false, "1e0"^^xsd:double ; ex:hi true, 2 .
        ex:g ex:lo "2020-01-01T10:00:00"^^xsd:dateTime, "1999-12-31"^^xsd:date ;
             ex:hi "2020-01-01T11:00:00"^^xsd:dateTime .
        ex:h ex:lo 1 ; ex:hi [ ex:p 2 ] .""")
    outcome = validate(data, data)
    ex = "http://example.org/"
    failed = sorted((str(r.focus_node).removeprefix(ex), str(r.value).removeprefix(ex))
                    for r in outcome.results)
    # 5 < 5.0 is false, 5 <= 5.0 true; IRIs have no order under SPARQL's operators, not even one
    # with itself, nor has a blank node; false < true; a double and an integer compare; a date
    # and a dateTime do not.
    assert failed == sorted([("a", "2020-01-01"), ("b", "5"), ("c", "abc"), ("e", "x"), ("e", "y"),
                             ("f", "1e0"), ("f", "false"), ("g", "1999-12-31"), ("h", "1")] + (
        [("d", "5")] if keyword == "lessThan" else []))
    message = next(r.message for r in outcome.results if str(r.focus_node).endswith("/c"))
    assert message.endswith("a value of <http://example.org/hi>, or cannot be compared with one")


@pytest.mark.parametrize("keyword", ["lessThan", "lessThanOrEquals"])
def test_dates_written_in_two_forms_are_compared_not_failed(keyword: str) -> None:
    # A date in its plainest form beside one with a time zone, a fraction of a second or hour 24
    # (which pyoxigraph reads): each pair was failed unasked, the project's own shapes too
    # (a time-span's notAfter written "1944-12-31Z" failed its notBefore "1944-08-24").
    data = turtle(f"""ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c, ex:d, ex:e, ex:f ;
        sh:property [ sh:path ex:lo ; sh:{keyword} ex:hi ] .
        ex:a ex:lo "2020-01-01"^^xsd:date ; ex:hi "2024-01-01Z"^^xsd:date .
        ex:b ex:lo "2020-01-01T00:00:00.5"^^xsd:dateTime ; ex:hi "2024-01-01T00:00:00"^^xsd:dateTime .
        ex:c ex:lo "2020-01-01T23:00:00"^^xsd:dateTime ; ex:hi "2020-01-01T24:00:00"^^xsd:dateTime .
        ex:d ex:lo "2030-01-01"^^xsd:date ; ex:hi "2024-01-01Z"^^xsd:date .
        ex:e ex:lo "2020-01-01"^^xsd:date ; ex:hi "2024"@en .
        ex:f ex:lo 5 ; ex:hi "2024-01-01Z"^^xsd:date .""")
    outcome = validate(data, data)
    failed = sorted(str(r.focus_node).removeprefix("http://example.org/") for r in outcome.results)
    # Later, or no order at all (a language-tagged string; a number beside a date).
    assert failed == ["d", "e", "f"]


def test_a_select_validator_of_a_property_shape_runs_once_per_focus_node() -> None:
    # SHACL 6.3: each solution of the query run for a focus node is a result. pySHACL ran it once
    # per value node: three results alike for ex:x, none for ex:y, which has no value.
    data = turtle("""ex:LangCC a sh:ConstraintComponent ; sh:parameter [ sh:path ex:requiredLang ] ;
        sh:propertyValidator [ a sh:SPARQLSelectValidator ;
          sh:message "No value in {$requiredLang}"@en ;
          sh:select '''SELECT DISTINCT $this WHERE { FILTER NOT EXISTS {
                           $this $PATH ?v . FILTER(langMatches(lang(?v), $requiredLang)) } }''' ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:x, ex:y, ex:z ;
          sh:property [ sh:path ex:name ; ex:requiredLang "fr" ] .
        ex:x ex:name "a"@en, "b"@en, "c"@en .
        ex:z ex:name "a"@fr .""")
    outcome = validate(data, data)
    assert sorted(str(r.focus_node).rsplit("/", 1)[1] for r in outcome.results) == ["x", "y"]
    assert {r.message for r in outcome.results} == {"No value in fr"}


def test_a_sparql_constraints_messages_keep_their_language_once_filled_in() -> None:
    # pySHACL wrote "A ist 1" as a plain literal: a client could not pick a message by language.
    data = turtle("""ex:S a sh:NodeShape ; sh:targetNode ex:n ;
        sh:sparql [ sh:message "A ist {?a}"@de, "A is {?a}"@en, "plain {?a}" ;
                    sh:select "SELECT $this ?a WHERE { $this ex:a ?a }" ; sh:prefixes ex: ] .
        ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:n ex:a 1 .""")
    outcome = validate(data, data)
    assert set(outcome.report.objects(None, SH.resultMessage)) == {
        Literal("A ist 1", lang="de"), Literal("A is 1", lang="en"), Literal("plain 1")}
    # Messages that read alike once filled in keep their own tags (and none stays none).
    alike = turtle("""ex:S a sh:NodeShape ; sh:targetNode ex:n ;
        sh:sparql [ sh:message "Wert {?a}"@de, "Wert {?a}"@de-CH, "Wert {?a}" ;
                    sh:select "SELECT $this ?a WHERE { $this <http://example.org/a> ?a }" ] .
        ex:n ex:a 1 .""")
    assert set(validate(alike, alike).report.objects(None, SH.resultMessage)) == {
        Literal("Wert 1", lang="de"), Literal("Wert 1", lang="de-ch"), Literal("Wert 1")}


def test_the_summary_tells_apart_two_results_that_would_read_alike() -> None:
    # One sh:message on two constraints of a shape read as the same result twice.
    data = turtle("""ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:label ;
          sh:maxCount 1 ; sh:uniqueLang true ; sh:message "One label, in one language."@en ] .
        ex:n ex:label "a"@en, "b"@en .""")
    lines = validate(data, data).text().splitlines()
    assert [line.split(": ", 1)[1] for line in lines if "Violation:" in line] == [
        "<http://example.org/label>: One label, in one language. (sh:maxCount)",
        "<http://example.org/label>: One label, in one language. (sh:uniqueLang)"]


def test_shapes_importing_a_document_they_do_not_hold_are_told_it_was_not_fetched() -> None:
    # A "conforms" with the imported shapes silently missing said more than was checked.
    shapes = turtle("""ex:shapes a <http://www.w3.org/2002/07/owl#Ontology> ;
          <http://www.w3.org/2002/07/owl#imports> <http://example.org/other-shapes>, ex:shapes .
        ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .""")
    outcome = validate(turtle("ex:n ex:p 1 ."), shapes)
    assert outcome.conforms and outcome.hint == validation.IMPORTS_NOT_FOLLOWED
    said = Literal(validation.IMPORTS_NOT_FOLLOWED, lang="en")
    assert said in set(outcome.report.objects(None, RDFS.comment))
    # An import of a document the shapes hold themselves fetches nothing either way.
    imports = URIRef("http://www.w3.org/2002/07/owl#imports")
    shapes.remove((None, imports, URIRef("http://example.org/other-shapes")))
    assert not validate(turtle("ex:n ex:p 1 ."), shapes).hint
    # Nor does one of SHACL's own vocabulary, which a validator has built in.
    shapes.add((URIRef("http://example.org/shapes"), imports, URIRef("http://www.w3.org/ns/shacl#")))
    assert not validate(turtle("ex:n ex:p 1 ."), shapes).hint


def test_the_summary_groups_results_by_shape() -> None:
    outcome = validate(graph("invalid.ttl"), graph("shapes.ttl"), ontology=graph("ontology.ttl"))
    text = outcome.text()
    assert text.splitlines()[0] == "Does not conform: 5 results (4 violations, 1 warning) from 2 shapes."
    event = text.index('shapes:EventShape "Event": 3 results')
    quote = text.index('shapes:QuoteShape "Quote": 2 results')
    assert event < quote  # every group has violations; then by label
    assert "    Violation: lib:place: An event happens at a place. [value: id:person/de-gaulle]" in text
    assert "    Warning: lib:evidence: An event cites the sentence it comes from." in text
    assert "    Violation: A quote is the evidence of something." in text
    groups = outcome.groups()
    assert [g.shape for g in groups] == [SHAPES.EventShape, SHAPES.QuoteShape]
    assert [len(g.results) for g in groups] == [3, 2]


def test_the_ontology_supplies_the_class_hierarchy() -> None:
    without = validate(graph("valid.ttl"), graph("shapes.ttl"))
    assert [r.component for r in without.results] == [SH.ClassConstraintComponent]
    assert validate(graph("valid.ttl"), graph("shapes.ttl"), ontology=graph("ontology.ttl")).conforms


def test_nothing_checked_is_said_only_when_the_targets_find_nothing_in_a_dataset_either() -> None:
    """pySHACL validates a dataset's graphs as one: an instance in one named graph is a focus node
    of a class target through a subclass axiom in another, and was counted as none."""
    from rdflib import Dataset

    shapes = turtle("ex:S sh:targetClass ex:Animal ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .")
    ex = "http://example.org/"
    data = Dataset()
    data.graph(URIRef(ex + "g1")).add((URIRef(ex + "rex"), RDF.type, URIRef(ex + "Dog")))
    data.graph(URIRef(ex + "g2")).add((URIRef(ex + "Dog"), RDFS.subClassOf, URIRef(ex + "Animal")))
    assert not validate(data, shapes).conforms  # rex is checked: he has no name
    data.graph(URIRef(ex + "g1")).add((URIRef(ex + "rex"), URIRef(ex + "name"), Literal("Rex")))
    named = validate(data, shapes)
    assert named.conforms and named.focus_nodes == 1
    assert named.headline() == "Conforms: no results (1 focus node checked)."
    assert validate(turtle("ex:tree a ex:Plant ."), shapes).focus_nodes == 0
    off = turtle("ex:S sh:targetClass ex:Animal ; sh:deactivated true ; sh:property [ sh:path ex:name ; "
                 "sh:minCount 1 ] .")
    assert validate(turtle("ex:rex a ex:Animal ."), off).focus_nodes == 0  # nothing was checked


def test_focus_nodes_are_counted_over_many_graphs_in_time_linear_in_them() -> None:
    """Counted over a view that asked every graph for each pattern: 600 class targets over 6,000
    one-triple graphs took 8.5 s (pySHACL's own validation, 0.04 s), and a 1 MB request past the
    time limit was refused although it conformed."""
    import time

    import pyshacl
    from rdflib import Dataset

    data = Dataset()
    for i in range(4000):
        data.graph(URIRef(f"http://example.org/g{i}")).add(
            (URIRef(f"http://example.org/n{i}"), RDF.type, URIRef(f"http://example.org/X{i}")))
    data.graph(URIRef("http://example.org/g0")).add(
        (URIRef("http://example.org/X0"), RDFS.subClassOf, URIRef("http://example.org/C0")))
    shapes = turtle("".join(f"ex:S{j} sh:targetClass ex:C{j} .\n" for j in range(400)))
    started = time.perf_counter()
    assert validation._focus_nodes(pyshacl, data, shapes, None) == 1
    assert time.perf_counter() - started < 1.5  # 3.8 s before


def test_inference_expands_the_data_first() -> None:
    data = turtle("ex:e ex:liberated ex:paris .")
    ontology = turtle("ex:liberated <http://www.w3.org/2000/01/rdf-schema#domain> ex:Event .")
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetClass ex:Event ; "
                    "sh:property [ sh:path ex:label ; sh:minCount 1 ] .")
    assert validate(data, shapes, ontology=ontology).conforms
    inferred = validate(data, shapes, ontology=ontology, inference="rdfs")
    assert [r.focus_node for r in inferred.results] == [URIRef("http://example.org/e")]
    with pytest.raises(ValueError, match="inference"):
        validate(data, shapes, inference="magic")  # type: ignore[arg-type]


def test_lexical_forms_survive_validation_and_the_child_process() -> None:
    """"01" is not "1": sh:pattern sees the written form, and the report keeps it, also when the
    validation ran in a child process (untrusted)."""
    data = turtle('ex:a ex:n "01"^^xsd:integer .')
    shapes = turtle('ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:pattern "^[1-9]" ] .')
    for untrusted in (False, True):
        outcome = validate(data, shapes, untrusted=untrusted, timeout=20 if untrusted else None)
        (result,) = outcome.results
        assert str(result.value) == "01" and result.value.datatype == XSD_INTEGER
        assert b'"01"' in outcome.serialize(formats.by_name("ntriples"))


def test_an_ill_typed_literal_is_a_result_not_a_logged_traceback(caplog: pytest.LogCaptureFixture) -> None:
    data = turtle('ex:a ex:n "abc"^^xsd:integer ; ex:d "2024-02-30"^^xsd:date .')
    shapes = turtle("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] , "
                    "[ sh:path ex:d ; sh:datatype xsd:date ] .")
    with caplog.at_level("WARNING"):
        outcome = validate(data, shapes)
    assert {str(r.value) for r in outcome.results} == {"abc", "2024-02-30"}
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []


def test_reports_serialise_faithfully_in_every_graph_format() -> None:
    # rdflib's own Turtle writer would print this ill-typed boolean bare (`none`): not Turtle.
    data = turtle('ex:a ex:flag "none"^^xsd:boolean .')
    shapes = turtle("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:flag ; sh:datatype xsd:boolean ] .")
    outcome = validate(data, shapes)
    assert not outcome.conforms
    for fmt in formats.of_kinds(("graph",)):
        back = documents.quads_to_graph(documents.parse_quads(outcome.serialize(fmt), fmt, fmt.name))
        assert (None, SH.value, Literal("none", datatype=XSD_BOOLEAN, normalize=False)) in back, fmt.name
        assert len(back) == len(outcome.report), fmt.name
    with pytest.raises(ValueError):
        outcome.serialize(formats.by_name("nquads"))


def test_only_true_switches_a_boolean_parameter_on() -> None:
    data = turtle('ex:i ex:message "HI"@en, "Hi"@en .')
    shape = "ex:S sh:targetNode ex:i ; sh:property [ sh:path ex:message ; sh:uniqueLang {} ] ."
    one = turtle(shape.format('"1"^^xsd:boolean'))
    true = turtle(shape.format("true"))
    before = set(one)
    assert validate(data, one).conforms
    assert set(one) == before  # the caller's graph is left alone
    assert [r.component for r in validate(data, true).results] == [SH.UniqueLangConstraintComponent]


def test_sparql_prefixes_follow_owl_imports_within_the_shapes() -> None:
    data = turtle("ex:a ex:p ex:a .")
    shapes = turtle('''
        <http://example.org/base>
            sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:Prefixes <http://www.w3.org/2002/07/owl#imports> <http://example.org/base> .
        ex:S sh:targetNode ex:a ; sh:sparql [ sh:prefixes ex:Prefixes ;
            sh:select "SELECT $this WHERE { $this ex:p $this }" ] .''')
    (result,) = validate(data, shapes, untrusted=True, timeout=20).results
    assert result.component == SH.SPARQLConstraintComponent


def test_sparql_constraints_see_the_prefixes_bound_on_the_data_and_only_those() -> None:
    """pySHACL's scope: the data graph's bindings (a data document's @prefix lines, which callers
    bind with `quads_to_graph(..., prefixes=...)`), the empty prefix too; not the shapes graph's."""
    shapes = turtle('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { $this :p ?o }" ].')
    text = b"@prefix : <http://example.org/> . :a :p 1 ."
    declared: dict[str, str] = {}
    quads = documents.parse_quads(text, formats.by_name("turtle"), prefixes=declared)
    (result,) = validate(documents.quads_to_graph(quads, prefixes=declared), shapes, untrusted=True,
                         timeout=20).results
    assert result.component == SH.SPARQLConstraintComponent
    bound_on_shapes = turtle(
        'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?o }" ] .')
    with pytest.raises(ValidationError, match="the prefix ex: is not declared: declare it in the shapes with "
                                              'sh:declare \\[ sh:prefix "ex"'):
        validate(documents.quads_to_graph(quads), bound_on_shapes, untrusted=True, timeout=20)


def test_the_namespaces_of_rdf_xml_data_are_its_prefixes_as_under_pyshacl() -> None:
    # rdflib binds an RDF/XML document's xmlns:ex, and pySHACL's constraints may use it.
    shapes = turtle('ex:S sh:targetNode ex:a ; '
                    'sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?o }" ].')
    text = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            b'<rdf:Description rdf:about="http://example.org/a"><ex:p>1</ex:p></rdf:Description></rdf:RDF>')
    declared: dict[str, str] = {}
    quads = documents.parse_quads(text, formats.by_name("rdfxml"), prefixes=declared)
    assert declared["ex"] == "http://example.org/"
    (result,) = validate(documents.quads_to_graph(quads, prefixes=declared), shapes, untrusted=True,
                         timeout=20).results
    assert result.component == SH.SPARQLConstraintComponent


def test_shapes_in_a_graph_are_counted() -> None:
    assert holds_shapes(turtle("ex:a ex:p 1 .")) == 0
    assert holds_shapes(turtle("ex:S a sh:NodeShape . ex:P a sh:PropertyShape ; sh:path ex:p .")) == 2
    targets = turtle("ex:S sh:targetClass ex:C . [] sh:targetNode ex:a ; sh:targetClass ex:C .")
    assert holds_shapes(targets) == 2


def test_a_trusted_query_is_translated_once_whatever_prefixes_the_data_binds() -> None:
    """The translation cache's key holds only the bindings a query's text may use: data documents
    binding prefixes of their own (ex:) do not make the project's queries be translated anew."""
    text = "PREFIX lib: <https://w3id.org/liberation-kg/ontology#>\nSELECT $this WHERE { $this lib:p ?o }"
    bindings = {"lib": "https://w3id.org/liberation-kg/ontology#", "ex": "http://example.org/",
                "": "http://example.org/empty#"}
    assert validation._used_namespaces(text, bindings) == (("lib", bindings["lib"]),)
    assert ("", bindings[""]) in validation._used_namespaces("SELECT * { ?s :p ?o }", bindings)
    assert ("", bindings[""]) in validation._used_namespaces("SELECT $this { $this:p ?o }", bindings)
    assert ("", bindings[""]) not in validation._used_namespaces(text, bindings)
    # \\u escapes can spell any prefix: then every binding is kept.
    assert len(validation._used_namespaces("SELECT * { ?s e\\u0078:p ?o }", bindings)) == 3


@pytest.mark.parametrize("shapes, problem", [
    # SHACL failures: a SPARQL constraint may not use MINUS
    ('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select '
     '"SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }" ] .', "MINUS"),
    # an optional feature pySHACL does not offer: SHACL says to report a failure
    ('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select '
     '"SELECT $this WHERE { GRAPH $shapesGraph { ?s ?p ?o } }" ] .', "shapesGraph"),
    # malformed shapes
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount \"many\" ] .", "minCount"),
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:minCount 1 ] .", "not a well-formed SHACL PropertyShape"),
    # ill-formed paths (SHACL 2.3.1), which pySHACL used as it could and reported results for
    ('ex:S sh:targetNode ex:a ; sh:property [ sh:path ( ex:p "lit" ) ; sh:minCount 1 ] .',
     'the sh:path of a property shape of <http://example.org/S> is no SHACL property path: '
     '"lit" is a literal'),
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:path [ sh:inversePath ex:p ; sh:zeroOrMorePath ex:q ] ;"
     " sh:minCount 1 ] .", "a blank node with sh:inversePath, sh:zeroOrMorePath, where a path has one"),
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:path ( ex:p ) ; sh:minCount 1 ] .",
     "a sequence path lists 1 path, where it takes two or more"),
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:path [ sh:alternativePath ( ex:p [ ex:q ex:r ] ) ] ;"
     " sh:minCount 1 ] .", "a blank node that is neither a list"),
    # nested past pySHACL's depth: it listed every shape of the chain (1.2 KB for 3,000)
    ("ex:S sh:targetNode ex:a ; sh:not " + "[ sh:not " * 3000 + "[ sh:class ex:C ]" + " ]" * 3000 + " .",
     r"^the shapes cannot be used: shapes within shapes \(sh:not, .*\) nest from <http://example.org/S> 15 "
     r"deep or more, where this validator \(pySHACL\) stops$"),
    # the same from a shape with a name, which pySHACL writes instead of its IRI
    ('ex:S sh:targetNode ex:a ; sh:name "People" ; sh:not '
     + "[ sh:not " * 30 + "[ sh:class ex:C ]" + " ]" * 30 + " .",
     r"^the shapes cannot be used: shapes within shapes \(sh:not, .*\) nest 15 deep or more"),
    # a path nested past pySHACL's depth (1,200 deep was a RecursionError), and lists sharing a list
    # of lists 22 deep (each part read twice doubled the time with each level: past the time limit)
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:path "
     + "[ sh:inversePath " * 1200 + "ex:p" + " ]" * 1200 + " ; sh:minCount 1 ] .",
     "the sh:path of a property shape of <http://example.org/S> nests more than 12 deep"),
    ("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . "
     + "".join(f"_:d{i} rdf:first _:d{i - 1} ; rdf:rest ( _:d{i - 1} ) . " for i in range(1, 23))
     + "_:d0 rdf:first ex:p ; rdf:rest ( ex:q ) . "
     "ex:S sh:targetNode ex:a ; sh:property [ sh:path _:d22 ; sh:minCount 1 ] .", "nests more than 12 deep"),
])
def test_unusable_shapes_are_the_authors_error(shapes: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        validate(turtle("ex:a ex:p 1 ."), turtle(shapes))


def test_a_time_limit_stops_a_runaway_validation() -> None:
    data = turtle(" ".join(f"ex:n{i} ex:p ex:n{i + 1} ." for i in range(200)))
    shapes = turtle('ex:S sh:targetNode ex:n0 ; sh:sparql [ sh:select """SELECT $this WHERE {'
                    ' ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?q ?r ?s . '
                    'FILTER(?c = <urn:nothing>) }""" ] .')
    with pytest.raises(ValidationTimeout, match="0.5 s"):
        validate(data, shapes, timeout=0.5)


def test_outcome_is_a_plain_dataclass() -> None:
    outcome = validate(graph("valid.ttl"), graph("shapes.ttl"), ontology=graph("ontology.ttl"))
    assert isinstance(outcome, ValidationOutcome)
    assert {"conforms", "report", "results", "seconds"} <= set(vars(outcome))


def test_the_callers_graphs_are_left_as_they_were() -> None:
    data, shapes, ontology = graph("invalid.ttl"), graph("shapes.ttl"), graph("ontology.ttl")
    before = [set(g) for g in (data, shapes, ontology)]
    validate(data, shapes, ontology=ontology, inference="rdfs")
    validate(data, shapes)
    assert [set(g) for g in (data, shapes, ontology)] == before


def test_a_failed_node_constraint_is_one_result_not_one_per_nested_detail():
    # pySHACL explains an sh:node failure with the nested shape's results under sh:detail;
    # a person reading "2 results" for one bad value would look for a second problem.
    shapes = turtle("""
        ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
            sh:property [ sh:path ex:address ; sh:node ex:AddressShape ] .
        ex:AddressShape a sh:NodeShape ; sh:property [ sh:path ex:city ; sh:minCount 1 ] .
    """)
    data = turtle("ex:alice a ex:Person ; ex:address ex:home . ex:home ex:street \"Main\" .")
    outcome = validate(data, shapes)
    assert not outcome.conforms
    assert [(r.focus_node, r.path) for r in outcome.results] == [
        (URIRef("http://example.org/alice"), URIRef("http://example.org/address"))]


def test_a_report_is_cut_at_its_size_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # A thousand results each quoting a long literal made an 80 KB request's report 400 MB.
    monkeypatch.setattr(validation, "REPORT_CHARACTERS", 5_000)
    data = turtle("\n".join(f'ex:a{i} ex:p "{"x" * 1000}" .' for i in range(10)))
    shapes = turtle("ex:S sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:maxLength 3 ] .")
    outcome = validate(data, shapes, max_results=1000)
    assert 0 < len(outcome.results) < 10 and outcome.omitted == 10 - len(outcome.results)
    assert (f"Does not conform: 10 results, of which the first {len(outcome.results)}, the most severe "
            "first, are reported") in outcome.headline()


def test_a_long_chain_of_property_shapes_is_walked_up_once_not_per_result() -> None:
    """The summary is made in the web worker, outside the time limit: walking 2,000 `sh:property`
    links up from each of 1,000 results took it 8 s for the headline, 15 s for the text."""
    import time

    links = " ".join(f"_:b{i} sh:path ex:p ; sh:property _:b{i + 1} ." for i in range(2000))
    shapes = turtle(links + " _:b2000 sh:path ex:p ; sh:minCount 1 ; sh:targetClass ex:C .")
    data = turtle(" ".join(f"ex:a{j} a ex:C ." for j in range(1000)))
    outcome = validate(data, shapes, max_results=1000)
    started = time.perf_counter()
    text = outcome.text()
    assert time.perf_counter() - started < 2
    assert len(outcome.results) == 1000
    (group,) = outcome.groups()  # under the chain's first shape, as before
    assert group.shape == BNode("b0")
    assert group.label == "a property shape on <http://example.org/p>"
    assert text.splitlines()[0] == "Does not conform: 1000 results (1000 violations) from 1 shape."


def test_messages_write_their_terms_as_turtle_not_as_python():
    """pySHACL's messages read `Value is not > Literal("5", datatype=xsd:integer)`."""
    shapes = turtle('ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:gt ; sh:minExclusive 5 ] ;\n'
                    '  sh:property [ sh:path ex:d ; sh:maxInclusive "2.5"^^xsd:decimal ] ;\n'
                    '  sh:property [ sh:path ex:label ; sh:languageIn ( "en" ) ] ;\n'
                    '  sh:property [ sh:path ex:in ; sh:hasValue "q"@en ] .')
    outcome = validate(turtle('ex:a ex:gt 3 ; ex:d 3.0 ; ex:label "x"@fr ; ex:in "zz" .'), shapes)
    messages = sorted(str(r.message) for r in outcome.results)
    assert not any("Literal(" in m or "'" in m for m in messages), messages
    assert "Value is not > 5" in messages
    assert "Value is not <= 2.5" in messages  # a decimal, bare as Turtle writes it
    assert any('( "en" )' in m for m in messages) and any('["q"@en]' in m for m in messages), messages


def test_a_message_the_shapes_give_is_reported_as_written():
    """Only pySHACL's own words are rewritten: a user's sh:message saying "one of ['draft',
    'final']" came back as "one of [draft, final]", and its `Literal(1)` as `1`."""
    written = "status must be one of ['draft', 'final'] (Literal(1) is none)"
    shapes = turtle('ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:status ; sh:in ("draft" "final") ;\n'
                    f'    sh:message "{written}" ] .\n'
                    'ex:T a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:status ; sh:in ("draft" "final") ] .\n'
                    'ex:U a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:sparql [ sh:message "{$this} has {?v}, not Literal(\\"1\\")" ;\n'
                    '    sh:select "SELECT $this ?v WHERE { $this <http://example.org/status> ?v }" ] .')
    outcome = validate(turtle('ex:a ex:status "wip" .'), shapes)
    messages = sorted(str(r.message) for r in outcome.results)
    assert messages == ['Value "wip" not in list ["draft", "final"]',
                        'http://example.org/a has wip, not Literal("1")', written], messages


@pytest.mark.parametrize("python, turtle", [
    ('Value is not > Literal("5", datatype=xsd:integer)', "Value is not > 5"),
    ('sh:minCount Literal("true" = True, datatype=xsd:boolean)', "sh:minCount true"),
    ('sh:pattern Literal("5")', 'sh:pattern "5"'),
    ('Literal("x"y\nz")', '"x\\"y\\nz"'),
    ("in the set: ['ex:carol', '[ ex:p 1 ]']", "in the set: [ex:carol, [ ex:p 1 ]]"),
    ('Value Literal("zz") not in list [\'Literal("a")\', \'Literal("b", lang=en)\']',
     'Value "zz" not in list ["a", "b"@en]'),
    ("the project's own words, untouched", "the project's own words, untouched"),
])
def test_pyshacls_python_terms_are_written_as_turtle(python, turtle):
    # The refusal of ill-formed shapes (meta-SHACL) said `Literal("true" = True, ...)`, and numbers
    # as strings: `sh:minCount "1.5"` beside a result saying it is no integer.
    assert validation.as_turtle(python) == turtle


def test_documents_read_together_share_one_allowance_and_fail_at_the_first_in_order() -> None:
    """Several documents are read in one call of the reading process; what they may hold is
    counted over all of them, as it was when each was read in a child of its own."""
    turtle_format = formats.by_name("turtle")
    two = b"<http://example.org/a> <http://example.org/p> 1, 2 ."
    prefixed = b"@prefix ex: <http://example.org/> . ex:b ex:p 3 ."
    (first, declared), (second, _) = parse_untrusted_all(
        [Untrusted(prefixed, turtle_format, "one.ttl"), Untrusted(two, turtle_format, "two.ttl")], timeout=30)
    assert len(first) == 1 and declared == {"ex": "http://example.org/"} and len(second) == 2
    allowance = ReadAllowance(quads=3, text=10_000)
    with pytest.raises(InputTooCostly, match=r"^two\.ttl holds 2 triples; this service validates 1 more"):
        parse_untrusted_all([Untrusted(two, turtle_format, "one.ttl"),
                             Untrusted(two, turtle_format, "two.ttl")], timeout=30, allowance=allowance)
    with pytest.raises(RdfSyntaxError, match="bad.ttl"):
        parse_untrusted_all([Untrusted(b"<a> <b>", turtle_format, "bad.ttl"),
                             Untrusted(b"<x> <y> <z> ; <w> .", turtle_format, "worse.ttl")], timeout=30)


def test_the_summary_shows_a_value_as_the_data_writes_it() -> None:
    # rdflib writes a double's infinity and NaN in their canonical forms: the summary said
    # "-INF" of the data's "-inf", where the report itself keeps the term.
    data = turtle("""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:v ; sh:in ( ex:nothing ) ] .
        ex:a ex:v "-inf"^^xsd:double, "nan"^^xsd:float, "007"^^xsd:integer .""")
    outcome = validate(data, data)
    shown = sorted(re.findall(r"\[value: (.*?)\]", outcome.text()))
    assert shown == ['"-inf"^^xsd:double', '"nan"^^xsd:float', '007']  # 007: Turtle's bare form of it
    assert {str(v) for v in outcome.report.objects(None, SH.value)} == {"-inf", "nan", "007"}


def test_a_document_that_crashes_its_reader_is_named_alone() -> None:
    """A JSON-LD document nested 5,000 deep aborts the reading process past its memory cap: the
    refusal named the shapes read beside it too, which were fine."""
    deep = ('{"@id": "http://example.org/a", "http://example.org/p": ' * 5000 + "1" + "}" * 5000).encode()
    fine = b"<http://example.org/a> <http://example.org/p> 1 ."
    with pytest.raises(InputTooCostly, match=r"^deep\.jsonld could not be read: .*memory limit"):
        parse_untrusted_all([Untrusted(fine, formats.by_name("turtle"), "shapes.ttl"),
                             Untrusted(deep, formats.by_name("jsonld"), "deep.jsonld")],
                            timeout=30, memory_limit=256 * 2**20)


#: Forks made by each thread of this process (a query slot's refill forks from a thread of its own).
_FORKS: Counter[int] = Counter()
os.register_at_fork(before=lambda: _FORKS.update((threading.get_ident(),)))


def test_requests_documents_are_read_by_a_process_kept_between_them() -> None:
    """Forking a serving process cost it 10-20 ms of CPU per request, more than reading a small
    document: the reading process stays for the next request (one per request read at once)."""
    turtle_format = formats.by_name("turtle")
    document = [Untrusted(b"<http://example.org/a> <http://example.org/p> 1 .", turtle_format, "a.ttl")]
    parse_untrusted_all(document, timeout=30)
    before = _FORKS[threading.get_ident()]
    for _ in range(5):
        ((quads, _),) = parse_untrusted_all(document, timeout=30)
        assert len(quads) == 1
    assert _FORKS[threading.get_ident()] == before
    # One that fails to parse leaves the next one read as well.
    with pytest.raises(RdfSyntaxError, match="bad.ttl"):
        parse_untrusted_all([Untrusted(b"<a> <b>", turtle_format, "bad.ttl")], timeout=30)
    assert len(parse_untrusted_all(document, timeout=30)[0][0]) == 1


def test_a_value_is_shown_bare_only_where_turtle_reads_it_back_the_same():
    """"1"^^xsd:boolean was shown as [value: 1], which Turtle reads as an integer."""
    data = turtle('ex:a ex:b "1"^^xsd:boolean ; ex:t true ; ex:i 7 ; ex:d 2.50 ; ex:n "x"^^xsd:integer .')
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n" + " ;\n".join(
        f"  sh:property [ sh:path ex:{p} ; sh:in ( false ) ]" for p in "btidn") + " .")
    text = validate(data, shapes).text()
    for shown in ('[value: "1"^^xsd:boolean]', "[value: true]", "[value: 7]", "[value: 2.50]",
                  '[value: "x"^^xsd:integer]'):
        assert shown in text, text


def test_shapes_that_check_nothing_say_why():
    """A "shapes" file with no shape at all, or shapes whose only target is SHACL-AF's sh:target,
    conformed with "no shape targets anything": which of the two, and why, is said."""
    data = turtle("ex:a ex:p 1 .")
    none = validate(data, turtle("ex:o a <http://www.w3.org/2002/07/owl#Ontology> ."))
    assert none.conforms and none.headline().startswith("Conforms, but the shapes graph holds no shapes")
    advanced = validate(data, turtle('ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; '
                                     'sh:select "SELECT ?this WHERE { ?this ?p ?o }" ] ;\n'
                                     '  sh:property [ sh:path ex:p ; sh:maxCount 0 ] .'))
    assert advanced.conforms and "sh:target, SHACL Advanced Features' targets, are not run here" in \
        advanced.headline()
    # Beside a shape that checks something, a SPARQL target not run was said nowhere: "conforms"
    # where pySHACL's advanced mode finds ex:a without its ex:q.
    beside = validate(data, turtle('ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; '
                                   'sh:select "SELECT ?this WHERE { ?this ?p ?o }" ] ;\n'
                                   '  sh:property [ sh:path ex:q ; sh:minCount 1 ] .\n'
                                   'ex:S2 a sh:NodeShape ; sh:targetSubjectsOf ex:p .'))
    assert beside.conforms and beside.headline() == (
        "Conforms: no results (1 focus node checked). The shapes hold SPARQL-based targets (sh:target, "
        "an Advanced Feature), which are not run here: the nodes they would select were not checked by "
        "the shapes that use them.")
    report_node = beside.report.value(None, RDF.type, SH.ValidationReport)
    assert "SPARQL-based targets" in str(beside.report.value(report_node, RDFS.comment))
    plain = validate(data, turtle("ex:S a sh:NodeShape ; sh:targetClass ex:Nothing ."))
    assert plain.headline() == ("Conforms, but no shape targets anything in the data: nothing was checked "
                                "(are these the shapes meant for it?).")


def test_the_projects_shapes_without_its_ontology_say_so_when_they_fail():
    """The project's shapes read the class hierarchy from its ontology: its own data, validated
    against them alone, gave 465 violations with no word of why."""
    from graph_service.config import Settings
    from graph_service.graph import project_ontology, project_shapes

    settings = Settings.from_env()
    data = turtle('@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\n'
                  'ex:c a lib:CapitalCity ; lib:partOf ex:x .')
    alone = validate(data, project_shapes(settings))
    assert not alone.conforms and "These are the project's shapes, which read the class hierarchy" in \
        alone.headline()
    mixed = validate(data, project_shapes(settings), ontology=project_ontology(settings))
    assert "These are the project's shapes" not in mixed.headline()
    # With inference, the statements it adds are what the shapes refuse to see stated: said so.
    inferred = validate(data, project_shapes(settings), ontology=project_ontology(settings), inference="rdfs")
    assert "with the rdfs inference asked for, results may be about statements it added" in \
        inferred.headline()
    assert "inference" not in mixed.headline()
    # Anyone else's shapes: no such word.
    own = validate(data, turtle("ex:S a sh:NodeShape ; sh:targetNode ex:c ; sh:property [ sh:path ex:q ; "
                                "sh:minCount 1 ] ."))
    assert not own.conforms and "project's shapes" not in own.headline()


def test_blank_nodes_the_results_name_are_told_apart_by_what_the_data_says_of_them():
    """Two blank focus nodes were both "[blank node]", in the summary and on the report page."""
    data = turtle('[] a ex:T ; ex:name "first" .\n'
                  '[] a ex:T ; ex:name "second" ; ex:x 1 ; ex:y 2 ; ex:z [ ex:q 1 ] .')
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetClass ex:T ;\n"
                    "  sh:property [ sh:path ex:req ; sh:minCount 1 ] .")
    outcome = validate(data, shapes)
    outcome.use_prefixes({"ex": "http://example.org/"})  # as the documents' own, read by the CLI and web
    lines = outcome.text().splitlines()
    assert '  [ a ex:T ; ex:name "first" ]' in lines
    assert '  [ a ex:T ; ex:name "second" ; ex:x 1 ; … ]' in lines  # three of its statements, then "…"
    long = validate(turtle(f'[] a ex:T ; ex:name "{"x" * 1000}" .'), shapes)
    long.use_prefixes({"ex": "http://example.org/"})
    assert f'  [ a ex:T ; ex:name "{"x" * 40}…" ]' in long.text().splitlines()
    assert outcome.name(URIRef("http://example.org/T")) == "ex:T"


def test_a_results_details_are_given_under_it():
    """pySHACL explains a failed sh:node with nested results (sh:detail) and says only "See details
    for more information": the summary gives them, under the result they explain."""
    shapes = turtle("ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;\n"
                    "  sh:property [ sh:path ex:employer ; sh:node ex:CompanyShape ] .\n"
                    'ex:CompanyShape a sh:NodeShape ;\n'
                    '  sh:property [ sh:path ex:code ; sh:pattern "^[0-9]+$" ] .')
    outcome = validate(turtle('ex:eve a ex:Person ; ex:employer ex:Acme . ex:Acme ex:code "abc" .'), shapes)
    outcome.use_prefixes({"ex": "http://example.org/"})
    [result] = outcome.results
    [detail] = result.details
    assert detail.focus_node == URIRef("http://example.org/Acme") and str(detail.value) == "abc"
    lines = outcome.text().splitlines()
    at = next(i for i, line in enumerate(lines) if "Value does not conform to Shape" in line)
    assert lines[at + 1].startswith("      because of ex:Acme, ex:code: Value does not match pattern")
    assert lines[at + 1].endswith('[value: "abc"]')


def test_the_summary_shows_a_results_english_message_whatever_its_region():
    """`"missing"@en-GB, "fehlt"@de`: the summary showed the German, ranking only `@en` as English."""
    shapes = turtle('ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:p ; sh:minCount 1 ;\n'
                    '    sh:message "fehlt"@de, "missing"@en-GB ] .')
    summary = validate(turtle("ex:a ex:q 1 ."), shapes).text()
    assert "Violation: <http://example.org/p>: missing" in summary and "fehlt" not in summary


def test_a_message_with_line_breaks_is_one_line_of_the_summary():
    shapes = turtle('ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:p ; sh:minCount 1 ;\n'
                    '    sh:message """Needs a p.\n   Add one."""@en ] .')
    text = validate(turtle("ex:a ex:q 1 ."), shapes).text()
    assert "Violation: <http://example.org/p>: Needs a p. Add one." in text, text


def test_a_shapes_message_of_any_form_leaves_the_others_rewritten_and_takes_no_time():
    """The shapes' messages were matched as patterns against every result's: "{$this} " fourteen
    times took seconds to match, and a bare "{$this}" matched every message, so none was rewritten."""
    many = "{$this} " * 14 + "X"
    shapes = turtle('ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    f'  sh:property [ sh:path ex:status ; sh:minCount 2 ; sh:message "{many}" ] .\n'
                    'ex:B a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:other ; sh:minCount 1 ; sh:message "{$this}" ] .\n'
                    'ex:T a sh:NodeShape ; sh:targetNode ex:a ;\n'
                    '  sh:property [ sh:path ex:status ; sh:in ("draft" "final") ] .')
    outcome = validate(turtle('ex:a ex:status "wip" .'), shapes)
    assert outcome.seconds < 5
    assert 'Value "wip" not in list ["draft", "final"]' in {str(r.message) for r in outcome.results}


def test_warnings_allowed_in_a_cut_report_still_count_what_was_left_out() -> None:
    data = turtle(" ".join(f"ex:a{i} a ex:T ." for i in range(5)))
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:severity sh:Warning ;\n"
                    "  sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] .")
    outcome = validation.validate(data, shapes, max_results=2, allow_warnings=True)
    assert outcome.conforms and outcome.omitted == 3
    assert outcome.headline() == ("Conforms, warnings allowed: 5 results, of which the first 2 are reported "
                                  "(2 warnings) from 1 shape.")
    # The last line counts what is reported, and says so: "2 warnings" under 5 results contradicted it.
    assert outcome.tally() == "0 violations, 2 warnings reported, 3 more results left out"

    # A severity of the shapes' own, which neither lets through, is kept before any info or warning:
    # cut after the info, it was left out, and the data "conformed".
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n"
                    "  sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Info ] ;\n"
                    "  sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity ex:Fatal ] .")
    for allow in ({"allow_infos": True}, {"allow_warnings": True}):
        cut = validation.validate(turtle("ex:a ex:r 1 ."), shapes, max_results=1, **allow)
        assert not cut.conforms and [str(r.severity) for r in cut.results] == ["http://example.org/Fatal"]


#: Forms outside their XSD datatype's lexical space that rdflib takes as they come, and forms
#: inside it (XML Schema 1.1 Part 2) that must still conform, datatype by datatype.
_ILL_FORMED = [("gYear", "20a4"), ("gYear", "24"), ("gYearMonth", "2024-13"), ("gMonth", "--13"),
               ("gDay", "---32"), ("gMonthDay", "--02-30"), ("dateTime", "2024-01-01"),
               ("dateTime", "2024-02-30T10:00:00"), ("dateTimeStamp", "2024-01-01T10:00:00"),
               ("decimal", "1e3"), ("long", "99999999999999999999"), ("unsignedLong", "-1"),
               ("language", "en_US!"), ("base64Binary", "!!!"), ("NCName", "1abc"), ("NCName", "a:b"),
               ("yearMonthDuration", "P1D"), ("dayTimeDuration", "P1Y"), ("integer", "5_000"),
               ("integer", " 5"), ("double", "1_0.5"), ("double", "inf"), ("date", "19440825"),
               ("duration", "P1W"), ("duration", "PT"), ("time", "12:00"),
               # 29 February outside a leap year (XSD 1.1's day-of-month constraint)
               ("date", "2021-02-29"), ("date", "1900-02-29"), ("dateTime", "2021-02-29T00:00:00"),
               ("dateTimeStamp", "2100-02-29T00:00:00Z")]
_WELL_FORMED = [("gYear", "2024"), ("gYear", "-0044"), ("gYear", "12345+05:30"), ("gYearMonth", "1944-08Z"),
                ("gMonth", "--02"), ("gDay", "---31"), ("gMonthDay", "--02-29"),
                ("dateTime", "1944-08-25T23:59:59"), ("dateTime", "1944-08-25T12:00:00.5-01:00"),
                ("dateTimeStamp", "1944-08-25T12:00:00Z"), ("decimal", "1."), ("decimal", "-.5"),
                ("long", "-9223372036854775808"), ("unsignedLong", "18446744073709551615"),
                ("language", "zh-Hant-TW"), ("base64Binary", "QUI="), ("base64Binary", ""),
                ("NCName", "Zośka_1.b-c"), ("yearMonthDuration", "-P1Y2M"), ("dayTimeDuration", "PT0.5S"),
                ("integer", "-007"), ("double", "-1.5E-3"), ("double", "INF"), ("float", "NaN"),
                ("boolean", "1"), ("date", "1944-08-25+02:00"), ("time", "23:59:59.999"),
                ("duration", "P1Y2M3DT4H5M6.7S"), ("duration", "-PT1M"),
                # ... and forms Python's dates cannot hold, which rdflib marked ill-typed
                ("time", "24:00:00"), ("dateTime", "2024-01-01T24:00:00"), ("date", "0000-01-01"),
                ("date", "-0001-01-01"), ("date", "10000-01-01"),
                # 29 February of a leap year: every fourth, but of the hundreds only every fourth
                # (XSD 1.1 counts a year 0, a leap year)
                ("date", "1944-02-29"), ("date", "2000-02-29"), ("dateTime", "2024-02-29T12:00:00"),
                ("date", "0000-02-29"), ("date", "-0004-02-29")]


def test_sh_datatype_refuses_forms_outside_the_lexical_space_rdflib_takes() -> None:
    """SHACL makes a result of a literal ill-formed for its datatype; rdflib flags integers and
    dates, and took "20a4"^^xsd:gYear or "2024-01-01"^^xsd:dateTime as they came."""
    # owlrl (the reference reasoner, and pySHACL's inference) left some of its lexical conversions
    # installed for the process, which made "-0044"^^xsd:gYear or "--02"^^xsd:gMonth ill-typed.
    assert validate(turtle("ex:a ex:b ex:c ."), turtle("ex:S a sh:NodeShape ."), inference="rdfs").conforms
    cases = _ILL_FORMED + _WELL_FORMED
    data = turtle("\n".join(f'ex:n{i} ex:p{i} "{form}"^^xsd:{datatype} .'
                            for i, (datatype, form) in enumerate(cases)))
    shapes = turtle("\n".join(f"ex:S{i} a sh:NodeShape ; sh:targetNode ex:n{i} ; "
                              f"sh:property [ sh:path ex:p{i} ; sh:datatype xsd:{datatype} ] ."
                              for i, (datatype, _) in enumerate(cases)))
    outcome = validate(data, shapes)
    refused = {str(r.focus_node).rsplit("n", 1)[1] for r in outcome.results}
    assert refused == {str(i) for i in range(len(_ILL_FORMED))}, [
        (cases[int(i)] if i.isdigit() else i) for i in refused ^ {str(i) for i in range(len(_ILL_FORMED))}]


@pytest.mark.parametrize(("pattern", "flags", "value", "matches"), [
    # XPath's $ ends the text; Python's re also matched before a final line break
    ("^[0-9]{4}$", None, "2024\n", False),
    ("^[0-9]{4}$", None, "2024", True),
    ("^b$", "m", "a\nb\nc", True),
    # s: . matches a line break too; x: white space outside classes is no part of the pattern
    # (pySHACL honoured i and m only)
    ("^a.b$", "s", "a\nb", True),
    ("^a.b$", None, "a\nb", False),
    ("a b", "x", "abc", True),
    ("^[a b]+$", "x", "a b", True),
    ("^JOH", "i", "John", True),
])
def test_sh_pattern_is_read_as_xpath_with_sparqls_flags(pattern: str, flags: str | None, value: str,
                                                        matches: bool) -> None:
    flag = f'; sh:flags "{flags}" ' if flags else ""
    shapes = turtle(f'ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:p ; '
                    f'sh:pattern "{pattern}" {flag}] .')
    data = Graph()
    data.add((URIRef("http://example.org/n"), URIRef("http://example.org/p"), Literal(value)))
    assert validate(data, shapes).conforms is matches


@pytest.mark.parametrize(("pattern", "flags", "problem"), [
    ("x", "q", r"an sh:pattern has the flag q \(sh:flags \"q\"\): SPARQL REGEX's flags"),
    ("x", "iU", "has the flag U"),  # flags are case-sensitive: pySHACL lowered them
    ("^[a-z-[aeiou]]+$", None, r"an sh:pattern subtracts a character class \(as in \[a-z-\[aeiou\]\]\)"),
])
def test_a_pattern_xpath_refuses_or_re_would_misread_is_refused(pattern: str, flags: str | None,
                                                                problem: str) -> None:
    flag = f'; sh:flags "{flags}" ' if flags else ""
    shapes = turtle(f'ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:p ; '
                    f'sh:pattern "{pattern}" {flag}] .')
    data = Graph()
    data.add((URIRef("http://example.org/n"), URIRef("http://example.org/p"), Literal("bcd")))
    with pytest.raises(ValidationError, match=problem):
        validate(data, shapes)


def test_shapes_followed_only_so_deep_say_so_in_the_report() -> None:
    """pySHACL backs out of a chain of shapes that refer to one another, and answered "conforms"
    for ex:n3, three links down, which has no ex:q: said only in a warning of Python's, in the
    server's log and on the command's stderr."""
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:n0 ;\n"
                    "  sh:property [ sh:path ex:p ; sh:node ex:S ] ;\n"
                    "  sh:property [ sh:path ex:q ; sh:minCount 1 ] .")
    chain = turtle("ex:n0 ex:p ex:n1 ; ex:q 1 . ex:n1 ex:p ex:n2 ; ex:q 1 . ex:n2 ex:p ex:n3 ; ex:q 1 .")
    outcome = validate(chain, shapes)
    assert validation.RECURSION_CUT in outcome.hint
    assert Literal(validation.RECURSION_CUT, lang="en") in set(outcome.report.objects(None, RDFS.comment))
    # One link down, followed to the end: its result, and nothing said.
    short = validate(turtle("ex:n0 ex:p ex:n1 ; ex:q 1 ."), shapes)
    assert not short.conforms and validation.RECURSION_CUT not in short.hint
