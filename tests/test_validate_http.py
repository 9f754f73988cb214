"""POST /validate and GET /validate: the validation service as clients and browsers see it."""

from __future__ import annotations

import gzip
import html
import io
import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import html5rdf
import pyoxigraph as ox
import pytest
import requests
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from graph_service.config import Settings
from graph_service.graph.rdf import documents, formats
from graph_service.graph.rdf.namespace import SH
from graph_service.graph.shacl import validation
from graph_service.web import BackgroundServer, create_app

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
INVALID = (FIXTURES / "invalid.ttl").read_bytes()
VALID = (FIXTURES / "valid.ttl").read_bytes()
SHAPES = (FIXTURES / "shapes.ttl").read_bytes()
ONTOLOGY = (FIXTURES / "ontology.ttl").read_bytes()
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    """The fixtures as the project's data, ontology and shapes; no snapshot is built."""
    values: dict[str, object] = dict(
        shapes_path=FIXTURES / "shapes.ttl", ontology_path=FIXTURES / "ontology.ttl",
        data_path=FIXTURES / "valid.ttl", serve_files=(FIXTURES / "valid.ttl",), snapshot_dir=tmp_path)
    values.update(overrides)
    return Settings.from_env(**values)


@pytest.fixture(scope="module")
def client(snapshots: Path):
    """One app for the module: POST /validate keeps nothing between requests."""
    return create_app(settings_for(snapshots, max_request_bytes=200_000)).test_client()


def report(resp, fmt: str = "turtle") -> Graph:
    return documents.quads_to_graph(documents.parse_quads(resp.get_data(), formats.by_name(fmt), "report"))


def results(graph: Graph) -> int:
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    return len(list(graph.objects(node, SH.result)))


def in_format(turtle: bytes, fmt: str) -> bytes:
    quads = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                        format=formats.by_name(fmt).oxigraph)


# --- the request body, a form, or files ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_data_in_the_body_by_content_type(client, fmt: str) -> None:
    body = INVALID if fmt == "turtle" else in_format(INVALID, fmt)
    resp = client.post("/validate", data=body, headers={"Content-Type": formats.by_name(fmt).media_type})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert resp.headers["X-Conforms"] == "false"
    graph = report(resp)
    assert (None, SH.conforms, Literal(False)) in graph
    assert results(graph) == 5  # the project's shapes applied


def test_conforming_data_is_200_too(client) -> None:
    resp = client.post("/validate", data=VALID, headers={"Content-Type": "text/turtle; charset=utf-8"})
    assert resp.status_code == 200
    assert resp.headers["X-Conforms"] == "true"
    assert (None, SH.conforms, Literal(True)) in report(resp)


def test_a_document_in_another_format_than_assumed_is_named(client) -> None:
    """JSON-LD pasted in the form (read as Turtle) failed with "{ is not a valid subject"."""
    jsonld = '{"@id": "http://example.org/a", "http://example.org/p": "v"}'
    resp = client.post("/validate", data={"data": jsonld}, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert ("it was read as Turtle, but it looks like JSON-LD: choose JSON-LD as its format (the form's "
            "data format, data-format=jsonld)") in html.unescape(resp.get_data(as_text=True))
    resp = client.post("/validate", data=VALID, headers={"Content-Type": "application/ld+json"})
    assert resp.status_code == 400 and "it looks like Turtle" in resp.get_data(as_text=True)
    # The form offers meta-SHACL, which the service takes (`meta-shacl=true`), and keeps it.
    page = client.post("/validate", data={"data": jsonld, "meta-shacl": "true"},
                       headers={"Accept": "text/html"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="meta-shacl" value="true" checked>', page)


def test_a_format_is_guessed_only_from_what_no_other_format_opens_with(client) -> None:
    """Turtle opening with a blank node and TriG with a graph were said to look like JSON-LD, and
    a request's body was told to set `data-format`, a form's field."""
    for body, media_type in ((b"[] a <http://example.org/T> .\n<a> <b> oops .", "text/turtle"),
                             (b"{ <http://example.org/a> <http://example.org/b> oops }", "application/trig")):
        resp = client.post("/validate", data=body, headers={"Content-Type": media_type})
        assert resp.status_code == 400 and "looks like" not in resp.get_data(as_text=True)
    resp = client.post("/validate", data=b'[{"@id": "http://example.org/a"}',
                       headers={"Content-Type": "text/turtle"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "it looks like JSON-LD: send it as application/ld+json" in text
    assert "data-format" not in text


def test_a_dump_checked_against_its_senders_shapes_is_not_called_the_projects(project_client) -> None:
    dataset = "<https://w3id.org/liberation-kg/void#dataset> a <http://rdfs.org/ns/void#Dataset> .\n"
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . <http://example.org/S> sh:targetNode "
              "<http://example.org/a> ; sh:property [ sh:path <http://example.org/p> ; sh:minCount 1 ] .")
    resp = project_client.post("/validate", data={"data": dataset, "shapes": shapes},
                               content_type="multipart/form-data", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
    assert resp.headers["X-Shapes"] == "sent" and "own dump" not in resp.get_data(as_text=True)


def test_the_projects_dump_posted_whole_is_pointed_to_its_own_validation(project_client) -> None:
    """Its hundreds of results come from the reasoner's links, which the shapes refuse stated.
    (What tells the project's data is its dataset description: here with one city's document,
    reasoner's links and all, in place of the whole dump, which takes seconds to validate.)"""
    dump = (project_client.get("/void.nt").get_data()
            + project_client.get("/doc/city/paris.nt").get_data())
    resp = project_client.post("/validate", data=dump, headers={"Content-Type": "application/n-triples",
                                                        "Accept": "text/html"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
    assert ("the project's own dump, it seems; it holds the reasoner's links, which the shapes refuse as "
            "stated facts: /validate/project validates" in html.unescape(resp.get_data(as_text=True)))
    mine = project_client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle",
                                                                   "Accept": "text/html"})
    assert "own dump" not in mine.get_data(as_text=True)


def test_data_no_shape_targets_conforms_saying_nothing_was_checked(client) -> None:
    """A user's data posted without its shapes met the project's, none of which targets it:
    "Conforms" alone read as a pass."""
    people = b"@prefix ex: <http://example.org/> .\nex:alice a ex:Person ; ex:name 42 .\n"
    resp = client.post("/validate", data=people, headers={"Content-Type": "text/turtle",
                                                          "Accept": "text/html"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "true"
    assert resp.headers["X-Shapes"] == "project" and resp.headers["X-Focus-Nodes"] == "0"
    assert "no shape targets anything in the data: nothing was checked" in resp.get_data(as_text=True)
    # The report itself says so too, for a pipeline that keeps only the report.
    turtle = client.post("/validate", data=people, headers={"Content-Type": "text/turtle",
                                                            "Accept": "text/turtle"}).get_data(as_text=True)
    said = Graph().parse(data=turtle, format="turtle")
    [comment] = said.objects(next(said.subjects(RDF.type, SH.ValidationReport)), RDFS.comment)
    assert "nothing was checked" in str(comment)
    checked = client.post("/validate", data=VALID, headers={"Content-Type": "text/turtle",
                                                            "Accept": "text/html"})
    assert int(checked.headers["X-Focus-Nodes"]) > 0
    assert f"Conforms: no results ({checked.headers['X-Focus-Nodes']} focus nodes checked)." in \
        checked.get_data(as_text=True)


def test_a_json_ld_term_that_is_no_prefix_name_is_no_prefix(client) -> None:
    # rdflib refuses to bind a prefix with a space: a 500 (and a traceback in the log) before.
    body = ('{"@context": {"a b": "http://example.org/", "<img src=x>": "http://example.org/"},'
            ' "@id": "http://example.org/x", "http://example.org/p": "v"}')
    resp = client.post("/validate", data=body, headers={"Content-Type": "application/ld+json"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "true"


def test_form_fields_with_own_shapes_and_formats(client) -> None:
    shapes = (b"@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
              b"@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\n"
              b"[] sh:targetClass lib:Person ; sh:property [ sh:path lib:born ; sh:minCount 1 ] .")
    resp = client.post("/validate", data={"data": in_format(INVALID, "ntriples"), "data-format": "ntriples",
                                          "shapes": shapes})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert results(report(resp)) == 1  # only the user's shape applied: de Gaulle has no birth


@pytest.mark.parametrize("field", ["data", "shapes"])
@pytest.mark.parametrize("encoding", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_a_text_field_given_twice_is_refused_not_half_read(client, field: str, encoding: str) -> None:
    # Before, the second was dropped unread, and with it its violations (or its shapes).
    shapes = (FIXTURES / "shapes.ttl").read_text()
    again = INVALID.decode() if field == "data" else shapes
    body = MultiDict([("data", VALID.decode()), ("shapes", shapes), (field, again)])
    resp = client.post("/validate", data=body, content_type=encoding)
    assert resp.status_code == 400 and "X-Conforms" not in resp.headers
    assert f"2 '{field}' text fields" in resp.get_data(as_text=True)


def test_a_body_is_read_in_the_charset_it_declares_as_a_file_part_is(client) -> None:
    """A body declared ISO-8859-1 was refused (415) where a file part of the same bytes and type was
    read in its charset; a charset not read here is refused on both."""
    # Data holding its shapes is validated against them: it conforms only if "Pâris" is read so.
    body = ('@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:a> <urn:name> "Pâris" .\n'
            '<urn:S> a sh:NodeShape ; sh:targetNode <urn:a> ;\n'
            '  sh:property [ sh:path <urn:name> ; sh:in ("Pâris") ] .').encode("latin-1")
    latin = client.post("/validate", data=body, headers={"Content-Type": "text/turtle; charset=ISO-8859-1"})
    assert latin.status_code == 200 and latin.headers["X-Conforms"] == "true"
    unknown = client.post("/validate", data=b"<urn:a> <urn:b> 1 .", headers={
        "Content-Type": "text/turtle; charset=punycode", "Accept": "application/json"})
    assert unknown.status_code == 415
    assert "charset 'punycode', which is not read here" in unknown.get_json()["message"]
    utf8 = client.post("/validate", data=VALID, headers={"Content-Type": "text/turtle; charset=UTF-8"})
    assert utf8.status_code == 200


def test_a_file_part_is_read_in_the_charset_it_declares_as_a_text_part_is(client) -> None:
    """A file part declared `text/turtle; charset=iso-8859-1` was read as UTF-8 (400, "the byte 0xE9
    is not UTF-8"), where a text part of the same bytes and type was read in its charset."""
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
              "<urn:S> a sh:NodeShape ; sh:targetNode <urn:a> ;\n"
              "  sh:property [ sh:path <urn:name> ; sh:in (\"Café\") ] .").encode()
    boundary = "XX"

    def part(name: str, body: bytes, declared: str) -> bytes:
        return (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.ttl"\r\n'
                f"Content-Type: {declared}\r\n\r\n").encode() + body + b"\r\n"

    def sent(body: bytes, declared: str):
        form = (part("data", body, declared) + part("shapes", shapes, "text/turtle")
                + f"--{boundary}--\r\n".encode())
        return client.post("/validate", data=form, headers={"Accept": "application/json"},
                           content_type=f"multipart/form-data; boundary={boundary}")

    latin = '<urn:a> <urn:name> "Café" .'.encode("latin-1")
    read = sent(latin, "text/turtle; charset=iso-8859-1")
    assert read.status_code == 200 and read.headers["X-Conforms"] == "true"  # "Café", as in sh:in
    assert sent(latin, "text/turtle").status_code == 400  # undeclared: UTF-8, which it is not
    # Python decodes punycode in time that grows with the square of the size (1 MB: 13 s).
    for refused in ("klingon", "punycode"):
        unknown = sent(latin, f"text/turtle; charset={refused}")
        assert unknown.status_code == 415
        assert f"charset '{refused}', which is not read here" in unknown.get_json()["message"]


def test_form_fields_that_are_not_utf8_are_refused_not_validated_changed(client) -> None:
    # werkzeug kept %E9 as the text "%E9", and read a multipart field's stray byte as U+FFFD: the
    # data validated was not the data sent, with a 200.
    shapes = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; sh:targetNode <urn:a> ."
    form = (b"data=%3Curn%3Aa%3E+%3Curn%3Aname%3E+%22Caf%E9%22+.&shapes="
            + urllib.parse.quote_plus(shapes).encode())
    resp = client.post("/validate", data=form, headers={"Accept": "application/json"},
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and resp.get_json()["message"] == (
        "the form: its data= is not UTF-8 once its %-escapes are decoded (byte 0xE9); percent-encode its "
        "UTF-8 bytes")
    declared = client.post("/validate", data=b"data=x", headers={"Accept": "application/json"},
                           content_type="application/x-www-form-urlencoded; charset=iso-8859-1")
    assert declared.status_code == 415 and declared.get_json()["message"] == (
        "a form's fields are read as UTF-8, not iso-8859-1: send them as UTF-8")
    boundary = "XX"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n".encode()
                 + b'<urn:a> <urn:name> "Caf' + b"\xe9" + b'" .\r\n' + f"--{boundary}--\r\n".encode())
    resp = client.post("/validate", data=multipart, headers={"Accept": "application/json"},
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 400 and resp.get_json()["message"] == (
        "the form's data field is not UTF-8 text; send it as UTF-8 (or as a file, whose encoding its "
        "format says)")
    # A text that holds U+FFFD itself is the sender's, and validated.
    kept = client.post("/validate", data={"data": '<urn:a> <urn:name> "Caf\ufffd" .', "shapes": shapes},
                       content_type="multipart/form-data")
    assert kept.status_code == 200
    # One of its own in another part does not let a field's stray byte through.
    beside = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"shapes\"\r\n\r\n{shapes} # \ufffd"
              f"\r\n").encode() + multipart
    resp = client.post("/validate", data=beside, headers={"Accept": "application/json"},
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 400 and resp.get_json()["message"].startswith(
        "one of the form's shapes and data fields is not UTF-8 text")


def test_a_document_in_utf16_is_named_so_with_the_conversion_that_reads_it(client) -> None:
    """A Windows editor's "Unicode" is UTF-16: its first byte was named not UTF-8, with the
    advice to convert from windows-1252, which does not read it."""
    body = "<urn:a> <urn:name> \"café\" .\n".encode("utf-16")
    resp = client.post("/validate", data=body, headers={"Content-Type": "text/turtle",
                                                        "Accept": "application/json"})
    message = resp.get_json()["message"]
    assert resp.status_code == 400 and "the file is UTF-16" in message, message
    assert "iconv -f utf-16 -t utf-8" in message and "windows-1252" not in message
    # Without its mark, UTF-8 reads it as NUL characters, which the parser named.
    unmarked = client.post("/validate", data="<urn:a> <urn:name> \"x\" .\n".encode("utf-16-le"),
                           headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    message = unmarked.get_json()["message"]
    assert unmarked.status_code == 400 and "looks like UTF-16 without a byte-order mark" in message, message
    assert "iconv -f utf-16le -t utf-8" in message


@pytest.mark.parametrize("content_type", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_a_document_that_is_not_utf8_is_placed_at_its_first_bad_byte(client, content_type) -> None:
    # pyoxigraph named the byte by its index in the token it read ("incomplete utf-8 byte sequence
    # from index 3"), beside a column.
    body = ('{"@id": "urn:a",\n "urn:name": "É' if content_type == "application/ld+json"
            else '<urn:a> <urn:p> <urn:o> .\n<urn:a> <urn:name> "É').encode() + b"caf\xe9" + b'" .'
    resp = client.post("/validate", data=body, headers={"Content-Type": content_type,
                                                        "Accept": "application/json"})
    said = resp.get_json()
    column = 19 if content_type == "application/ld+json" else 25  # counted in characters: É is one
    assert resp.status_code == 400 and (said["line"], said["column"]) == (2, column), said
    assert "the byte 0xE9 is not UTF-8" in said["message"] and "index" not in said["message"]
    if content_type != "text/turtle":
        return
    # Lines counted as the parser counts them (a CR alone ends one), and a byte that begins a
    # token ("Unexpected byte 233", before) placed too.
    for body, where in ((b'<urn:a> <urn:p> "x" .\r<urn:a> <urn:p> "caf\xe9" .', (2, 21)),
                        (b"<urn:a> <urn:p> \xe9 .", (1, 17))):
        said = client.post("/validate", data=body, headers={"Content-Type": content_type,
                                                            "Accept": "application/json"}).get_json()
        assert (said["line"], said["column"]) == where and "0xE9 is not UTF-8" in said["message"], said


def test_a_report_rdf_xml_cannot_hold_comes_in_the_next_format_accepted(client) -> None:
    # A property IRI with no XML name, copied into the report with its blank focus node: a bare 500.
    sent = {"data": '_:b <http://example.org/2020> "long" .',
            "shapes": "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; "
                      "sh:targetSubjectsOf <http://example.org/2020> ;\n"
                      "  sh:property [ sh:path <http://example.org/2020> ; sh:maxLength 1 ] ."}
    resp = client.post("/validate", data=sent, headers={"Accept": "application/rdf+xml, text/turtle;q=0.5"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    assert resp.headers["X-Conforms"] == "false" and results(report(resp)) == 1
    named = client.post("/validate?format=rdfxml", data=sent, headers={"Accept": "application/json"})
    assert named.status_code == 406
    assert named.get_json()["message"].startswith(
        "the validation report cannot be written as RDF/XML: the property <http://example.org/2020> has no "
        "XML name at the end of its IRI, which RDF/XML needs; ask for text/turtle, ")
    only = client.post("/validate", data=sent, headers={"Accept": "application/rdf+xml"})
    assert only.status_code == 406
    # Every type it names would do: the page and the summary too, which it left out.
    for media_type in re.findall(r"\b[a-z]+/[a-z+.-]+", only.get_data(as_text=True).split("ask for", 1)[1]):
        again = client.post("/validate", data=sent, headers={"Accept": media_type})
        assert again.status_code == 200 and again.mimetype == media_type, media_type
    assert {"text/html", "text/plain"} <= set(re.findall(r"text/[a-z]+", only.get_data(as_text=True)))
    # text/plain next: the summary, as when it is asked for first (it was N-Triples, its old alias).
    text = client.post("/validate", data=sent, headers={"Accept": "application/rdf+xml, text/plain;q=0.5"})
    assert text.status_code == 200 and text.mimetype == "text/plain"
    assert text.get_data(as_text=True).startswith("Does not conform: 1 result (1 violation) from 1 shape.")
    # A wildcard after it: the next format it covers, not RDF/XML again (that request never ended).
    wild = client.post("/validate", data=sent, headers={"Accept": "application/rdf+xml, application/*;q=0.5"})
    assert wild.status_code == 200 and wild.mimetype == "application/ld+json"


def test_warnings_may_be_allowed_as_pyshacl_allows_them(client) -> None:
    sent = {"data": "<urn:a> <urn:p> 1 .",
            "shapes": "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; "
                      "sh:targetNode <urn:a> ;\n"
                      "  sh:property [ sh:path <urn:p> ; sh:minCount 2 ; sh:severity sh:Warning ] ."}
    strict = client.post("/validate", data=sent)
    assert strict.status_code == 200 and strict.headers["X-Conforms"] == "false"
    # A form field, or a query parameter beside a form.
    # Named alone, as the command's -w (it was read as false, without a word).
    for path, form in (("/validate", {**sent, "allow-warnings": "true"}),
                       ("/validate?allow-warnings=true", sent), ("/validate?allow-warnings", sent),
                       ("/validate", {**sent, "allow-warnings": ""})):
        allowed = client.post(path, data=form)
        assert allowed.headers["X-Conforms"] == "true"
        graph = report(allowed)
        assert (None, SH.conforms, Literal(True)) in graph and results(graph) == 1
    violation = {**sent, "shapes": sent["shapes"].replace("sh:Warning", "sh:Violation"),
                 "allow-warnings": "on"}
    assert client.post("/validate", data=violation).headers["X-Conforms"] == "false"
    page = client.post("/validate", data={**sent, "allow-warnings": "true"}, headers={"Accept": "text/html"})
    assert "Conforms, warnings allowed: 1 result (1 warning) from 1 shape." in page.get_data(as_text=True)
    # pySHACL's allow_infos: infos alone, not a warning.
    assert client.post("/validate", data={**sent, "allow-infos": "true"}).headers["X-Conforms"] == "false"
    infos = {**sent, "shapes": sent["shapes"].replace("sh:Warning", "sh:Info"), "allow-infos": "true"}
    assert client.post("/validate", data=infos).headers["X-Conforms"] == "true"


def test_the_report_as_text_is_the_commands_summary(client) -> None:
    # format=text gave N-Triples (Fuseki's word for a graph); the command's text is this summary.
    sent = {"data": "<urn:a> <urn:p> 1 .",
            "shapes": "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; "
                      "sh:targetNode <urn:a> ;\n  sh:property [ sh:path <urn:p> ; sh:minCount 2 ] ."}
    for resp in (client.post("/validate?format=text", data=sent),
                 client.post("/validate", data=sent, headers={"Accept": "text/plain"}),
                 # media types are case-insensitive: this was N-Triples
                 client.post("/validate", data=sent, headers={"Accept": "TEXT/PLAIN"}),
                 client.post("/validate", data=sent,
                             headers={"Accept": "application/x-y, Text/Plain;q=0.5"})):
        assert resp.status_code == 200 and resp.content_type == "text/plain; charset=utf-8"
        lines = resp.get_data(as_text=True).splitlines()
        assert lines[0] == "Does not conform: 1 result (1 violation) from 1 shape."
        # Ending, as the command's does, with the shapes used (it names files; here they were sent).
        assert lines[-1] == "1 violation, 0 warnings (shapes: those sent)"
        assert resp.headers["X-Conforms"] == "false"
    own = client.post("/validate?format=text", data={"data": sent["data"]})
    assert own.get_data(as_text=True).splitlines()[-1].endswith(" (shapes: the project's)")
    # And where text/plain is the one format offered of those accepted, not the first named.
    unknown = client.post("/validate", data=sent,
                          headers={"Accept": "application/x-unknown, text/plain;q=0.5"})
    assert unknown.get_data(as_text=True).startswith("Does not conform: 1 result")
    # N-Triples by its own name still, beside text/plain too.
    for accept in ("application/n-triples", "application/x-unknown, application/n-triples, text/plain"):
        nt = client.post("/validate", data=sent, headers={"Accept": accept})
        assert nt.content_type.startswith("application/n-triples"), accept
    # Never by a wildcard (a SHACL user's probe got N-Triples for text/*, which it is not): text/*
    # is the summary, another wildcard the next format it covers.
    for accept, media_type in (("text/turtle;q=0, text/html;q=0, text/*", "text/plain"),
                               ("application/*", "application/ld+json"),
                               ("text/turtle;q=0, */*", "application/ld+json")):
        resp = client.post("/validate", data=sent, headers={"Accept": accept})
        assert resp.status_code == 200 and resp.mimetype == media_type, accept


def test_a_parse_error_as_json_names_its_document_line_and_column(client) -> None:
    # As the endpoint's syntax errors carry theirs: a program need not read them out of the message.
    bad = b"@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\nex:b ex:p \"unterminated .\n"
    resp = client.post("/validate", data={"data": (io.BytesIO(bad), "bad.ttl")},
                       headers={"Accept": "application/json"}, content_type="multipart/form-data")
    problem = resp.get_json()
    assert resp.status_code == 400
    assert problem["message"].startswith("data (bad.ttl): Parser error between line 3")
    assert (problem["document"], problem["line"], problem["column"]) == ("data (bad.ttl)", 3, 11)
    # A browser's name for a second download of a file: "data (1).ttl".
    again = client.post("/validate", data={"data": (io.BytesIO(bad), "data (1).ttl")},
                        headers={"Accept": "application/json"}, content_type="multipart/form-data")
    assert (again.get_json()["document"], again.get_json()["line"]) == ("data (data (1).ttl)", 3)
    pasted = client.post("/validate", data={"data": "ex:a ex:p 1 ."}, headers={"Accept": "application/json"})
    assert {k: pasted.get_json()[k] for k in ("document", "line", "column")} == {
        "document": "data", "line": 1, "column": 1}


@pytest.mark.parametrize("element, newline, line, column, says", [
    ('<ex:q rdf:datatype="bad iri">x</ex:q>', "\n", 4, 23, "error while parsing IRI 'bad iri'"),
    ('<ex:q><rdf:Description rdf:ID="9bad"/></ex:q>', "\n", 4, 34, "9bad is not a valid rdf:ID value"),
    # Lines as XML ends them; and the position first, where the value itself may say "line 99".
    ('<ex:q rdf:datatype="see line 99">x</ex:q>', "\r\n", 4, 23, "error while parsing IRI 'see line 99'"),
    ('<ex:q rdf:datatype="bad iri">x</ex:q>', "\r", 4, 23, "error while parsing IRI 'bad iri'"),
    # Written twice, or only in a comment (the value itself escaped): no guess.
    ('<ex:q rdf:datatype="bad iri">x</ex:q><ex:r rdf:datatype="bad iri">y</ex:r>', "\n", None, None,
     "error while parsing IRI 'bad iri'"),
    ('<!-- bad iri --><ex:q rdf:datatype="bad&#32;iri">x</ex:q>', "\n", None, None,
     "error while parsing IRI 'bad iri'"),
], ids=["quoted", "leading", "crlf-and-line-in-value", "cr", "twice", "in-a-comment"])
def test_an_rdf_xml_error_is_placed_where_what_it_names_is_written(client, element: str, newline: str,
                                                                  line: int | None, column: int | None,
                                                                  says: str) -> None:
    # pyoxigraph's RDF/XML parser says no position; its other parsers do.
    rdf = newline.join([
        '<?xml version="1.0"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">',
        '<rdf:Description rdf:about="http://example.org/a">',
        f"  {element}", "</rdf:Description>", "</rdf:RDF>", ""])
    sent = {"data": rdf, "data-format": "rdfxml"}
    resp = client.post("/validate", data=sent, headers={"Accept": "application/json"})
    problem = resp.get_json()
    assert resp.status_code == 400 and says in problem["message"], problem
    assert (problem.get("line"), problem.get("column")) == (line, column)
    if line:
        assert problem["message"].startswith(f"data: at line {line}, column {column}: ")
        named = says.split("'")[1] if "'" in says else says.split()[0]
        assert rdf.splitlines()[line - 1][column - 1:].startswith(named)
        # The page's caret is under it.
        page = client.post("/validate", data=sent, headers={"Accept": "text/html"}).get_data(as_text=True)
        shown = re.search(r'<pre class="caret">(.*?)</pre>', page, re.S)
        assert shown, page
        text, caret = (html.unescape(re.sub(r"<[^>]+>", "", row)) for row in shown[1].split("\n"))
        assert text.split(" | ", 1)[1].index(named) == caret.split(" | ", 1)[1].index("^") == column - 1


def test_an_error_in_the_data_marks_the_data_field_alone(client) -> None:
    # An error whose line the page cannot show (the end of the text) marked the shapes invalid too.
    shapes = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; sh:targetNode <urn:a> ."
    resp = client.post("/validate", data={"data": '<urn:a> <urn:p> "unterminated\n', "shapes": shapes},
                       headers={"Accept": "text/html"}, content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    marked = re.findall(r'<textarea id="(\w+)"[^>]* aria-invalid="true"', page)
    assert marked == ["data"], marked


@pytest.mark.parametrize(("name", "body", "said"), [
    # A graph's braces read as Turtle, a fourth term read as N-Triples: said as for other formats.
    ("split.ttl", b"@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p 1 . }\n",
     "data (split.ttl): Parser error at line 2 column 6: { is not a valid predicate (line 2) (it was read as "
     "Turtle, but it looks like TriG: choose TriG as its format (the form's data format, data-format=trig))"),
    ("q.nt", b'<http://a/s> <http://a/p> "x" <http://a/g> .\n',
     "data (q.nt): Parser error at line 1 between columns 31 and 43: Quads must be followed by a dot "
     "(line 1) (it was read as N-Triples, but it looks like N-Quads: choose N-Quads as its format (the "
     "form's data format, data-format=nquads))"),
    # Its first byte was quoted raw: "'\x1f' is not allowed".
    ("data.ttl.gz", gzip.compress(b"<http://a/s> <http://a/p> 1 .\n", mtime=0),
     "data (data.ttl.gz): it is compressed (gzip): decompress it (gunzip) and send the RDF itself"),
], ids=["trig-as-turtle", "nquads-as-ntriples", "gzip"])
def test_a_file_in_another_format_than_its_name_says_is_named_so(client, name: str, body: bytes,
                                                                  said: str) -> None:
    resp = client.post("/validate", data={"data": (io.BytesIO(body), name)},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["message"] == said


def test_an_option_given_twice_is_refused_not_settled_silently(client) -> None:
    # The first won: inference=none&inference=rdfs validated without inference, unsaid.
    data = MultiDict([("data", VALID.decode()), ("inference", "none"), ("inference", "rdfs")])
    resp = client.post("/validate", data=data, headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert resp.get_json()["message"] == "inference is given 2 times ('none', 'rdfs'); give it once"
    both = client.post("/validate?format=json", data={"data": VALID.decode(), "format": "turtle"},
                       headers={"Accept": "application/json"})
    assert both.status_code == 400 and both.get_json()["message"].startswith(
        "the request names different formats: format=json, format=turtle")
    once = client.post("/validate?inference=rdfs", data={"data": VALID.decode()})
    assert once.status_code == 200


def test_a_brace_in_a_long_string_is_no_graph(client) -> None:
    # A SPARQL constraint's WHERE { on a line of its own was taken for TriG's graph.
    shapes = ('@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> sh:select """\n SELECT $this WHERE {\n'
              ' ?a ?b ?c }""" .\n<urn:x> <urn:p> <urn:q> <urn:r> .\n')
    resp = client.post("/validate", data={"data": VALID.decode(), "shapes": shapes},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 400 and "looks like" not in resp.get_json()["message"]


@pytest.mark.parametrize("encoding", ["punycode", "utf-7", "unicode_escape", "UTF-16"])
def test_an_encoding_xml_does_not_read_ascii_as_is_refused(client, encoding: str) -> None:
    # Python's codecs: punycode decodes in quadratic time (1.8 MB held a slot for the whole 20 s).
    body = (f'<?xml version="1.0" encoding="{encoding}"?>\n<rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n').encode() + b"a" * 100_000
    resp = client.post("/validate", data=body, headers={"Accept": "application/json",
                                                        "Content-Type": "application/rdf+xml"})
    assert resp.status_code == 400 and resp.get_json()["message"] == (
        f"data: its XML declaration names the encoding {encoding!r}, which is unknown here: send it as UTF-8")


def test_rdf_xml_in_the_encoding_its_declaration_names_is_read(client) -> None:
    # "Only UTF-8 is supported by the RDF/XML parser": XML lets a document choose, and pySHACL reads it.
    def document(encoding: str) -> bytes:
        return (f'<?xml version="1.0" encoding="{encoding}"?>\n<rdf:RDF '
                'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
                '<rdf:Description rdf:about="http://example.org/a"><ex:p>Café</ex:p></rdf:Description>'
                "</rdf:RDF>\n").encode("latin-1")
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; sh:targetNode "
              "<http://example.org/a> ;\n  sh:property [ sh:path <http://example.org/p> ; sh:maxLength 2 ] .")
    resp = client.post("/validate?format=nt", data={"data": (io.BytesIO(document("ISO-8859-1")), "latin.rdf"),
                                                    "shapes": shapes}, content_type="multipart/form-data")
    assert resp.status_code == 200 and '"Café"' in resp.get_data(as_text=True)
    wrong = client.post("/validate", data={"data": (io.BytesIO(document("US-ASCII")), "ascii.rdf")},
                        content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert wrong.status_code == 400 and wrong.get_json()["message"] == (
        "data (ascii.rdf): it is not US-ASCII, as its XML declaration says (byte 197: 0xE9)")


def test_data_in_a_get_is_said_not_to_be_read(client) -> None:
    resp = client.get("/validate?data=%3Curn%3Aa%3E+%3Curn%3Ab%3E+1+.",
                      headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["message"] == (
        "a GET here is the form: data in the URL are not read; POST them (as the form does, or curl -F "
        "data=@data.ttl http://localhost/validate)")
    assert client.get("/validate?utm_source=x", headers={"Accept": "text/html"}).status_code == 200


def test_a_sparql_constraint_calling_a_function_the_validator_lacks_is_refused(client) -> None:
    # rdflib's engine fails each call to it, the FILTER drops the row, and the shapes "conformed".
    shapes = ('@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; '
              'sh:targetNode <urn:a> ;\n  sh:sparql [ sh:select """SELECT $this WHERE { '
              'FILTER(<http://example.org/fn>($this)) }""" ] .')
    resp = client.post("/validate", data={"data": "<urn:a> <urn:p> 1 .", "shapes": shapes},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["message"] == (
        "the SPARQL constraint of <urn:S> calls <http://example.org/fn>, a function the validator's SPARQL "
        "engine (rdflib's, under pySHACL) does not have: every call would fail, and the constraint report "
        "nothing")
    # Its casts it has: xsd:integer(...) runs.
    cast = shapes.replace("<http://example.org/fn>($this)",
                          '<http://www.w3.org/2001/XMLSchema#integer>("1") = 1')
    assert client.post("/validate", data={"data": "<urn:a> <urn:p> 1 .", "shapes": cast}).status_code == 200


def test_a_sparql_constraint_that_could_report_nothing_is_refused(client) -> None:
    # pySHACL makes a result of a solution by its $this, ?path or ?value: projecting none, every
    # solution was dropped and the data "conformed".
    def shapes(select: str, where: str = "$this <urn:p> ?o") -> str:
        return ('@prefix sh: <http://www.w3.org/ns/shacl#> .\n'
                '<urn:S> a sh:NodeShape ; sh:targetNode <urn:a> ;'
                f'\n  sh:sparql [ sh:select """{select} WHERE {{ {where} }}""" ] .')

    def post(shapes: str) -> TestResponse:
        return client.post("/validate", data={"data": "<urn:a> <urn:p> 1 .", "shapes": shapes},
                           headers={"Accept": "application/json"})

    resp = post(shapes("SELECT ?o"))
    assert resp.status_code == 400 and resp.get_json()["message"] == (
        "the SPARQL constraint of <urn:S>: its SELECT projects none of $this, ?path and ?value, so none "
        "of its solutions could be a result (SHACL requires `SELECT $this ...`)")
    # Each of them makes the solution a result, as pySHACL reads it.
    for fixed in (shapes("SELECT $this ?o"), shapes("SELECT ?this ?o"), shapes("SELECT *"),
                  shapes("SELECT ?value", "$this <urn:p> ?value"), shapes("SELECT (?o AS ?value)")):
        resp = post(fixed)
        assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false", fixed
    # A SHACL-AF function's SELECT makes no results: not held to it.
    function = shapes("SELECT $this").replace(
        "<urn:S> a",
        '<urn:f> a sh:SPARQLFunction ; sh:select "SELECT (UCASE($x) AS ?result) WHERE {}" .\n<urn:S> a')
    assert post(function).status_code == 200


def test_multipart_files_take_their_format_from_the_name_or_the_part(client) -> None:
    resp = client.post("/validate", content_type="multipart/form-data", data={
        "data": (io.BytesIO(in_format(INVALID, "jsonld")), "data.jsonld"),
        "shapes": (io.BytesIO(in_format(SHAPES, "rdfxml")), "shapes.upload", "application/rdf+xml"),
    })
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert results(report(resp)) == 5


def test_an_empty_file_part_means_no_file(client) -> None:
    # What a browser sends when no file was chosen: the pasted text counts.
    resp = client.post("/validate", content_type="multipart/form-data", data={
        "data": [(io.BytesIO(b""), ""), INVALID.decode()], "shapes": "", "inference": "none"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert results(report(resp)) == 5


def test_an_empty_shapes_file_is_refused_not_replaced_by_the_projects(client) -> None:
    # A file was chosen, and it is empty: checking against the project's shapes instead would
    # answer for shapes the user never sent.
    resp = client.post("/validate", content_type="multipart/form-data", data={
        "data": (io.BytesIO(INVALID), "data.ttl"), "shapes": (io.BytesIO(b""), "shapes.ttl")})
    assert resp.status_code == 400
    assert "shapes (shapes.ttl) holds no triples" in resp.get_data(as_text=True)


def test_empty_data_is_checked_against_the_users_own_shapes(client) -> None:
    from test_validate_cli import TARGET_NODE_SHAPES

    resp = client.post("/validate", content_type="multipart/form-data", headers={"Accept": "text/turtle"},
                       data={"data": (io.BytesIO(b""), "data.ttl"), "shapes": TARGET_NODE_SHAPES})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false", resp.get_data(as_text=True)
    report = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    assert list(report.objects(None, SH.focusNode)) == [URIRef("http://example.org/config")]
    alone = client.post("/validate", content_type="multipart/form-data",
                        data={"data": (io.BytesIO(b""), "data.ttl")})
    assert alone.status_code == 400 and "holds no triples" in alone.get_data(as_text=True)


def test_a_shapes_text_of_only_declarations_is_refused_not_replaced_by_the_projects(client) -> None:
    resp = client.post("/validate", data={"data": INVALID.decode(),
                                          "shapes": "@prefix ex: <http://example.org/> ."})
    assert resp.status_code == 400
    assert "the shapes text holds no triples" in resp.get_data(as_text=True)


@pytest.mark.parametrize("body, content_type", [
    (b"@prefix ex: <http://example.org/> .\n", "text/turtle"),
    (b"  \n", "text/turtle"),
    (b"null", "application/ld+json"),
    (b"[1, 2, 3]", "application/ld+json"),
])
def test_a_body_of_no_triples_is_refused_not_reported_as_conforming(client, body, content_type) -> None:
    # As a form's empty file is: a broken export posted as the body passed as conforming data.
    resp = client.post("/validate", data=body, content_type=content_type)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert "holds no triples" in resp.get_data(as_text=True)


def test_inference_parameter(client) -> None:
    data = (b"@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\n"
            b"@prefix id: <https://w3id.org/liberation-kg/id/> .\n"
            b"<https://w3id.org/liberation-kg/id/event/x> lib:liberated id:y .")
    plain = client.post("/validate", data=data, headers={"Content-Type": "text/turtle"})
    assert plain.headers["X-Conforms"] == "true"
    # The ontology types lib:liberated's subject as a lib:Event, which then needs a label...
    for inference in ("rdfs", "owlrl", "both"):  # pySHACL's choices; "both" is RDFS and OWL 2 RL
        inferred = client.post(f"/validate?inference={inference}", data=data,
                               headers={"Content-Type": "text/turtle"})
        assert inferred.headers["X-Conforms"] == "false", inference
    bad = client.post("/validate?inference=magic", data=data, headers={"Content-Type": "text/turtle"})
    assert bad.status_code == 400 and "none, rdfs, owlrl, both" in bad.get_data(as_text=True)


# --- the answer, negotiated ----------------------------------------------------------------------


@pytest.mark.parametrize("accept, fmt", [
    ("application/ld+json", "jsonld"), ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"), ("text/turtle;q=0.5, */*;q=0.1", "turtle")])
def test_the_report_in_the_negotiated_format(client, accept: str, fmt: str) -> None:
    resp = client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle", "Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == formats.by_name(fmt).media_type
    assert "Accept" in resp.headers["Vary"]
    assert results(report(resp, fmt)) == 5


def test_the_json_ld_report_says_conforms_as_a_json_boolean(client) -> None:
    # As pySHACL writes it, so that a program reads report["sh:conforms"] as false, not "false".
    resp = client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle",
                                                            "Accept": "application/ld+json"})
    nodes = resp.get_json()["@graph"]
    assert next(n for n in nodes if n.get("@type") == "sh:ValidationReport")["sh:conforms"] is False
    assert (None, SH.conforms, Literal(False)) in report(resp, "jsonld")


def test_format_parameter_wins(client) -> None:
    resp = client.post("/validate?format=jsonld", data=INVALID,
                       headers={"Content-Type": "text/turtle", "Accept": "text/turtle"})
    assert resp.mimetype == "application/ld+json"


def test_format_field_of_a_multipart_form_wins(client) -> None:
    resp = client.post("/validate", content_type="multipart/form-data", headers={"Accept": "text/turtle"},
                       data={"data": (io.BytesIO(INVALID), "data.ttl"), "format": "jsonld"})
    assert resp.status_code == 200 and resp.mimetype == "application/ld+json"
    assert results(report(resp, "jsonld")) == 5


def test_nothing_acceptable_is_406_naming_every_type_that_would_do(client) -> None:
    resp = client.post("/validate", data=INVALID,
                       headers={"Content-Type": "text/turtle", "Accept": "text/csv"})
    assert resp.status_code == 406
    named = re.findall(r"\b[a-z]+/[a-z+.-]+", resp.get_data(as_text=True).split("offered:", 1)[1])
    assert "text/plain" in named  # the summary, outside the registry's formats, was left out
    for media_type in named:
        again = client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle",
                                                                "Accept": media_type})
        assert again.status_code == 200 and again.mimetype == media_type, media_type
    # text/plain refused (q=0) is not the summary it asks for, nor anything else here.
    refused = client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle",
                                                              "Accept": "text/plain;q=0"})
    assert refused.status_code == 406
    # Where no type is wanted but the charset, the list is not the point (nor text/plain, in latin1).
    charset = client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle",
                                                              "Accept": "text/plain; charset=latin1"})
    assert charset.status_code == 406 and "summary" not in charset.get_data(as_text=True)


def test_browsers_get_a_summary_page(client) -> None:
    resp = client.post("/validate", data={"data": INVALID.decode()}, headers={"Accept": BROWSER})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert resp.headers["X-Conforms"] == "false"
    page = resp.get_data(as_text=True)
    assert "Does not conform: 5 results (4 violations, 1 warning) from 2 shapes." in page
    assert 'href="/shapes#EventShape"' in page  # a shape links to its entry on /shapes
    assert "An event happens at a place." in page
    # A resource of the posted data alone has no page here: named, not linked to a 404.
    assert "liberation-of-rome" in page and 'href="/id/event/liberation-of-rome"' not in page
    # One this service has is linked.
    served = client.post("/validate", headers={"Accept": BROWSER}, data={"data": (
        "@prefix event: <https://w3id.org/liberation-kg/id/event/> .\n"
        "event:liberation-of-paris a <https://w3id.org/liberation-kg/ontology#Event> .")})
    assert 'href="/id/event/liberation-of-paris"' in served.get_data(as_text=True)


def test_blank_node_shapes_are_told_apart_by_target_and_paths(client) -> None:
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "[] a sh:NodeShape ; sh:targetClass ex:Person ;\n"
              "   sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n"
              "[] a sh:NodeShape ; sh:targetClass ex:Dog ;\n"
              "   sh:property [ sh:path ex:age ; sh:minCount 1 ] .\n")
    data = "@prefix ex: <http://example.org/> . ex:a a ex:Person . ex:d a ex:Dog ."
    page = client.post("/validate", data={"data": data, "shapes": shapes},
                       headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "a blank-node shape" not in page
    assert "a shape for ex:Person (on ex:name)" in page and "a shape for ex:Dog (on ex:age)" in page


def test_the_page_escapes_what_users_send(client) -> None:
    shapes = ('@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n'
              'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:maxLength 1 ;'
              ' sh:message "<script>alert(1)</script>" ] .')
    data = '@prefix ex: <http://example.org/> . ex:a ex:p "<img src=x onerror=alert(2)>" .'
    page = client.post("/validate", data={"data": data, "shapes": shapes},
                       headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page


@pytest.mark.parametrize("path", [
    # a path node with two meanings, one of them itself: pySHACL reads the alternatives
    "_:p . _:p sh:alternativePath ( ex:q ex:r ) ; sh:zeroOrMorePath _:p",
    # a list whose rest comes back on itself
    "_:p . _:p sh:alternativePath _:l . _:l rdf:first ex:q ; rdf:rest _:l",
])
def test_a_path_that_holds_itself_is_written_out_not_a_500(client, path: str) -> None:
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
              f"[] a sh:PropertyShape ; sh:targetNode ex:a ; sh:minCount 1 ; sh:path {path} .")
    data = "@prefix ex: <http://example.org/> . ex:a ex:x ex:b ."
    for accept in (BROWSER, "text/turtle"):
        resp = client.post("/validate", data={"data": data, "shapes": shapes}, headers={"Accept": accept})
        assert resp.status_code in (200, 400), resp.get_data(as_text=True)[:300]
        if resp.status_code == 200 and accept == BROWSER:
            assert "ex:q|" in resp.get_data(as_text=True)


def _thirty_values(constraint: str, value: Callable[[int], str]) -> tuple[str, str]:
    """Shapes holding every ex:n to `constraint`, and data of thirty resources ex:a00 ... ex:a29
    whose ex:n is `value(i)`: thirty results, for a report's limits."""
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              f"ex:S sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ; {constraint} ] .")
    data = "@prefix ex: <http://example.org/> .\n" + "\n".join(f"ex:a{i:02} ex:n {value(i)} ."
                                                          for i in range(30))
    return shapes, data


def test_a_report_cut_by_its_size_names_no_count_limit(tmp_path: Path, monkeypatch) -> None:
    """A report cut by its size, not its count, said `X-Result-Limit: 1000` over a dozen results."""
    monkeypatch.setattr(validation, "REPORT_CHARACTERS", 3_000)  # inherited by the validation's child
    limited = create_app(settings_for(tmp_path, validation_result_limit=10)).test_client()
    shapes, data = _thirty_values("sh:maxLength 3", lambda i: f'"{"x" * 200}"')
    resp = limited.post("/validate", data={"data": data, "shapes": shapes},
                        headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["X-Result-Truncated"] == "true"
    assert 0 < results(report(resp)) < 10 and "X-Result-Limit" not in resp.headers


def test_a_report_holds_at_most_the_result_limit_and_says_how_many_it_left_out(tmp_path: Path) -> None:
    limited = create_app(settings_for(tmp_path, validation_result_limit=10)).test_client()
    shapes, data = _thirty_values("sh:maxInclusive 0", lambda i: str(i + 1))
    resp = limited.post("/validate", data={"data": data, "shapes": shapes},
                        headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
    assert resp.headers["X-Result-Truncated"] == "true" and resp.headers["X-Result-Limit"] == "10"
    graph = report(resp)
    assert results(graph) == 10  # whole: each with its focus node, value and the rest
    focus = sorted(str(f).rsplit("/", 1)[1] for f in graph.objects(None, SH.focusNode))
    assert focus == [f"a{i:02}" for i in range(10)]
    (comment,) = graph.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    assert str(comment).startswith("30 results; the first 10, the most severe first, then by focus node, "
                                   "are reported, the other 20 left out")
    page = limited.post("/validate", data={"data": data, "shapes": shapes}, headers={"Accept": BROWSER})
    assert ("Does not conform: 30 results, of which the first 10, the most severe first, are reported"
            in page.get_data(as_text=True))
    # The most severe first, whatever their focus nodes: thirty infos cut to ten hid the one
    # violation that made the data fail.
    infos = shapes.replace("sh:maxInclusive 0 ]", "sh:maxInclusive 0 ; sh:severity sh:Info ]") + (
        "\nex:T sh:targetNode ex:zz ; sh:property [ sh:path ex:n ; sh:minCount 1 ] .")
    cut = report(limited.post("/validate", data={"data": data, "shapes": infos},
                              headers={"Accept": "text/turtle"}))
    assert results(cut) == 10
    assert (None, SH.focusNode, URIRef("http://example.org/zz")) in cut
    assert (None, SH.resultSeverity, SH.Violation) in cut
    # within the limit, nothing is said
    few = limited.post("/validate", data={"data": "\n".join(data.splitlines()[:6]), "shapes": shapes})
    assert "X-Result-Truncated" not in few.headers and results(report(few)) == 5


def test_the_form_page(client) -> None:
    resp = client.get("/validate", headers={"Accept": BROWSER})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert 'action="/validate"' in page and 'enctype="multipart/form-data"' in page
    for field in ('<textarea id="data" name="data"', 'type="file" name="data"',
                  '<textarea id="shapes" name="shapes"', 'name="inference"', '<option value="owlrl">'):
        assert field in page
    assert client.get("/validate", headers={"Accept": "text/turtle"}).status_code == 406
    # A SPARQL client's word for a graph format is no offer where only a page is offered.
    word = client.get("/validate?format=json", headers={"Accept": "text/plain"})
    # ... said in JSON, the form the client asked for
    assert word.status_code == 406
    assert "is not offered here; use one of html. A GET here is the form" in word.get_json()["message"]


# --- bad input: 400, 413, 415, never 500 ---------------------------------------------------------


def test_unparseable_data_is_400_with_the_parsers_position(client) -> None:
    resp = client.post("/validate", data=b"@prefix ex: <http://example.org/> .\nex:a ex:b .\n",
                       headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    assert resp.status_code == 400
    message = resp.get_json()["message"]
    assert message.startswith("data: Parser error") and "line 2" in message and "column" in message


def test_unparseable_shapes_are_named(client) -> None:
    resp = client.post("/validate", data={"data": VALID.decode(), "shapes": "not turtle"},
                       headers={"Accept": "text/plain"})
    assert resp.status_code == 400
    assert resp.get_data(as_text=True).startswith("400 Bad Request: shapes: Parser error at line 1")


def test_unusable_shapes_are_400(client) -> None:
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount "many" ] .')
    resp = client.post("/validate", data={"data": VALID.decode(), "shapes": shapes})
    assert resp.status_code == 400
    assert "sh:minCount" in resp.get_data(as_text=True)


def test_no_data_is_400(client) -> None:
    for resp in (client.post("/validate", data={"shapes": SHAPES.decode()}),
                 client.post("/validate", data=b"", headers={"Content-Type": "text/turtle"})):
        assert resp.status_code == 400
        assert "no data to validate" in resp.get_data(as_text=True)


def test_rdf_sent_as_curls_default_form_type_is_told_what_to_send(client) -> None:
    # `curl --data-binary @data.ttl` labels the body a form unless told otherwise.
    resp = client.post("/validate", data=VALID, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                        "Accept": "text/plain"})
    assert resp.status_code == 400
    message = resp.get_data(as_text=True)
    assert "application/x-www-form-urlencoded" in message and "Content-Type: text/turtle" in message


def test_rdf_xml_cut_short_is_400_not_validated_in_part(client) -> None:
    whole = in_format(INVALID, "rdfxml")
    cut = whole[:whole.rindex(b"</rdf:RDF>")]  # a broken download: the last element never closed
    rdfxml = {"Content-Type": "application/rdf+xml"}
    assert client.post("/validate", data=whole, headers=rdfxml).status_code == 200
    resp = client.post("/validate", data=cut, headers={"Content-Type": "application/rdf+xml",
                                                        "Accept": "application/json"})
    assert resp.status_code == 400
    assert resp.get_json()["message"].startswith("data: not well-formed XML at line")
    assert "X-Conforms" not in resp.headers


@pytest.mark.parametrize("body, fmt, words", [
    (b"<alice> a <Person> .", "text/turtle", "a relative IRI, and no base IRI to resolve it against"),
    (b'{"@context": "https://schema.org/", "@id": "http://example.org/a", "name": "A"}',
     "application/ld+json", "its @context names a document elsewhere, which is not fetched"),
])
def test_what_a_user_can_mend_in_the_data_is_said_in_words(client, body: bytes, fmt: str, words: str) -> None:
    resp = client.post("/validate", data=body, headers={"Content-Type": fmt, "Accept": "application/json"})
    assert resp.status_code == 400
    assert words in resp.get_json()["message"]


@pytest.mark.parametrize("headers, data", [
    ({"Content-Type": "text/csv"}, b"a,b"),
    ({"Content-Type": "application/sparql-results+json"}, b"{}"),
    ({}, VALID),
])
def test_unsupported_types_are_415_naming_the_supported(
        client, headers: dict, data: bytes) -> None:
    resp = client.post("/validate", data=data, headers={**headers, "Accept": "text/plain"})
    assert resp.status_code == 415
    assert "text/turtle" in resp.get_data(as_text=True)


def test_an_unknown_part_format_is_415(client) -> None:
    resp = client.post("/validate", data={"data": VALID.decode(), "data-format": "yaml"})
    assert resp.status_code == 415 and "data-format='yaml'" in resp.get_data(as_text=True)
    resp = client.post("/validate", content_type="multipart/form-data",
                       data={"data": (io.BytesIO(b"a,b"), "data.upload", "text/csv")})
    assert resp.status_code == 415 and "data.upload: text/csv" in resp.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["body", "form", "multipart"])
def test_over_the_size_limit_is_413(client, kind: str) -> None:
    big = b"@prefix ex: <http://example.org/> .\n" + b"ex:a ex:b ex:c .\n" * 20_000
    if kind == "body":
        resp = client.post("/validate", data=big,
                           headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    elif kind == "form":
        resp = client.post("/validate", data={"data": big.decode()}, headers={"Accept": "text/plain"})
    else:
        resp = client.post("/validate", content_type="multipart/form-data",
                           headers={"Accept": "text/plain"}, data={"data": (io.BytesIO(big), "big.ttl")})
    assert resp.status_code == 413
    assert "200,000 bytes" in resp.get_data(as_text=True)


def test_more_prefixes_than_the_service_binds_are_413(client) -> None:
    """Each is bound in the web worker (data graph, shapes graph, report) in time growing with those
    before it: 40,000 in a 1.9 MB document held the worker a minute, past the time limit."""
    from graph_service.web.validate import MAX_PREFIXES

    def declaring(n: int) -> str:
        return "".join(f"@prefix p{i}: <http://example.org/ns{i}/> .\n" for i in range(n)) + \
            "<http://example.org/a> <http://example.org/b> 1 .\n"

    over = declaring(MAX_PREFIXES + 1)
    resp = client.post("/validate", data=over.encode(),
                       headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    assert resp.status_code == 413
    assert f"data declares {MAX_PREFIXES + 1:,} prefixes" in resp.get_data(as_text=True)
    # All the documents of a request together: data and shapes, each under the limit.
    half = declaring(MAX_PREFIXES // 2 + 1)
    resp = client.post("/validate", data={"data": half, "shapes": half.replace("1 .", "2 .")},
                       headers={"Accept": "text/plain"})
    assert resp.status_code == 413 and "this service takes at most" in resp.get_data(as_text=True)
    resp = client.post("/validate", data=declaring(MAX_PREFIXES).encode(),
                       headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    assert resp.status_code == 200
    # Namespaces each starting with the one before: rdflib recurses once per level as it binds them.
    nested = "".join(f"@prefix p{i}: <http://example.org/{'a' * i}> .\n" for i in range(1, MAX_PREFIXES + 1))
    nested += "<http://example.org/x> <http://example.org/y> 1 ."
    resp = client.post("/validate", data=nested.encode(),
                       headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]


def test_a_form_field_may_use_the_whole_limit(snapshots: Path) -> None:
    """Werkzeug's own limit for one form field (500 kB) does not cut below the service's: the
    malformed last line of a ~700 kB field is found, so the whole field was read."""
    client = create_app(settings_for(snapshots, max_request_bytes=2_000_000)).test_client()
    big = ("@prefix ex: <http://example.org/> .\n" + "ex:a ex:b ex:c .\n" * 40_000  # ~700 kB
           + "ex:a ex:b .\n")  # line 40002
    resp = client.post("/validate", content_type="multipart/form-data", data={"data": big},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert "line 40002" in resp.get_json()["message"], resp.get_json()


# --- the real server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    """`graph-service serve` (gunicorn) on a free loopback port, the fixtures as the project's."""
    env = {"GRAPH_SERVICE_SHAPES_PATH": str(FIXTURES / "shapes.ttl"),
           "GRAPH_SERVICE_ONTOLOGY_PATH": str(FIXTURES / "ontology.ttl"),
           "GRAPH_SERVICE_MAX_REQUEST_BYTES": "100000"}
    with BackgroundServer((str(FIXTURES / "valid.ttl"),), env=env) as running:
        yield running


def test_through_the_real_server(server: BackgroundServer) -> None:
    url = server.url + "validate"
    resp = requests.post(url, data=INVALID, headers={"Content-Type": "text/turtle"}, timeout=30)
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
    # Several files of one part are validated together (the user's shapes bring no ontology).
    files = [("data", ("data.ttl", VALID)), ("data", ("ontology.rdf", in_format(ONTOLOGY, "rdfxml"))),
             ("shapes", ("shapes.ttl", SHAPES))]
    resp = requests.post(url, files=files, headers={"Accept": "application/ld+json"}, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/ld+json")
    assert resp.headers["X-Conforms"] == "true"
    big = b"@prefix ex: <http://example.org/> .\n" + b"ex:a ex:b ex:c .\n" * 10_000
    resp = requests.post(url, data=big, headers={"Content-Type": "text/turtle"}, timeout=30)
    assert resp.status_code == 413
    assert "100,000 bytes" in resp.text and "Traceback" not in resp.text
    page = requests.get(server.url + "shapes", headers={"Accept": BROWSER}, timeout=30)
    assert page.status_code == 200 and 'id="EventShape"' in page.text
    # pySHACL wrote a refused meta-SHACL check, the user's shapes in it, to the server's log.
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              'ex:WRITTEN_TO_THE_LOG a sh:NodeShape ; sh:targetNode ex:a ; sh:severity "high" .\n')
    resp = requests.post(url, data={"data": "<http://example.org/a> <http://example.org/p> 1 .",
                                    "shapes": shapes, "meta-shacl": "true"}, timeout=30)
    assert resp.status_code == 400 and "meta-SHACL" in resp.text
    assert "WRITTEN_TO_THE_LOG" not in server.output()


def test_every_shape_iri_of_the_project_lands_on_its_entry_of_the_shapes_page(snapshots: Path) -> None:
    # Shape IRIs are hash IRIs under /shapes: a report naming shapes:Photograph-caption, or a
    # SPARQL constraint, must lead a person to that entry of the page.
    project_shapes = Settings.from_env().shapes_path
    client = create_app(settings_for(snapshots, shapes_path=project_shapes)).test_client()
    page = client.get("/shapes", headers={"Accept": "text/html"}).get_data(as_text=True)
    anchors = set(re.findall(r'id="([^"]+)"', page))
    base = "https://w3id.org/liberation-kg/shapes#"
    named = {str(t)[len(base):] for triple in documents.read_graph(project_shapes) for t in triple
             if isinstance(t, URIRef) and str(t).startswith(base) and str(t) != base}
    assert named and named <= anchors, sorted(named - anchors)


def test_a_dataset_is_validated_as_its_graphs_merged(client) -> None:
    """TriG and N-Quads are read, their named graphs merged into the data graph, as the command
    line does: by a file's name, by the body's Content-Type, or by data-format."""
    trig = b"@prefix ex: <http://example.org/> .\nex:g { ex:a a ex:T . }\n"
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n")
    by_name = client.post("/validate", content_type="multipart/form-data", data={
        "data": (io.BytesIO(trig), "data.trig"), "shapes": shapes})
    by_field = client.post("/validate", data={"data": trig.decode(), "data-format": "trig", "shapes": shapes})
    for resp in (by_name, by_field):
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.headers["X-Conforms"] == "false"
    body = client.post("/validate", data=trig, headers={"Content-Type": "application/trig"})
    assert body.status_code == 200, body.get_data(as_text=True)


def test_two_files_keep_their_blank_nodes_apart(client) -> None:
    """Two exports both name a node `_:b0`: two nodes, so the one without ex:p is a violation."""
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    first = f'_:b0 <http://example.org/p> "1" .\n_:b0 {kind} <http://example.org/T> .\n'.encode()
    second = f"_:b0 {kind} <http://example.org/T> .\n".encode()
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n")
    resp = client.post("/validate", content_type="multipart/form-data", data={
        "data": [(io.BytesIO(first), "first.nt"), (io.BytesIO(second), "second.nt")], "shapes": shapes})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"


EX = Namespace("http://example.org/")
BLANK_DATA = "@prefix ex: <http://example.org/> .\n[] a ex:Person ; ex:age 3 .\n"
BLANK_SHAPES = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                "ex:S a sh:NodeShape ; sh:targetClass ex:Person ;\n"
                "  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n")


def blank_nodes_kept_apart(report: Graph) -> None:
    """The report on BLANK_DATA and BLANK_SHAPES: its focus node is the data's blank node, its
    source shape the shapes', two nodes each described as its document describes it."""
    result = report.value(None, RDF.type, SH.ValidationResult)
    focus, shape = report.value(result, SH.focusNode), report.value(result, SH.sourceShape)
    assert isinstance(focus, BNode) and isinstance(shape, BNode) and focus != shape
    assert (focus, EX.age, Literal(3)) in report and (focus, SH.path, None) not in report
    assert (shape, SH.path, EX.name) in report and (shape, RDF.type, EX.Person) not in report


def test_the_datas_blank_nodes_and_the_shapes_are_two_sets(client) -> None:
    for sent in ({"data": BLANK_DATA, "shapes": BLANK_SHAPES},
                 {"data": (io.BytesIO(BLANK_DATA.encode()), "data.ttl"),
                  "shapes": (io.BytesIO(BLANK_SHAPES.encode()), "shapes.ttl")}):
        resp = client.post("/validate", content_type="multipart/form-data", data=sent,
                           headers={"Accept": "text/turtle"})
        assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
        blank_nodes_kept_apart(Graph().parse(data=resp.get_data(as_text=True), format="turtle"))


def test_a_relative_iri_in_json_ld_is_refused_as_in_turtle_not_dropped(client) -> None:
    """pyoxigraph's JSON-LD reader drops a triple whose IRI cannot be resolved: the data that the
    shapes then judged was not what was sent (its ex:m gone: a violation; sent as the subject,
    nothing to check: "conforms")."""
    data = ('{"@context": {"ex": "http://example.org/"}, "@id": "http://example.org/a", "@type": "ex:T", '
            '"ex:m": {"@id": "other"}}')
    shapes = ("@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
              "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:m ; sh:minCount 1 ] .\n")
    fields = {"data": data, "data-format": "jsonld", "shapes": shapes}
    unresolved = client.post("/validate", data=fields, headers={"Accept": "application/json"})
    assert unresolved.status_code == 400, unresolved.get_data(as_text=True)
    assert "<other> is a relative IRI, and no base IRI" in unresolved.get_json()["message"]
    resolved = client.post("/validate", data={**fields, "base": "http://example.org/"})
    assert resolved.status_code == 200 and resolved.headers["X-Conforms"] == "true"


def test_relative_iris_resolve_against_the_base_sent(client) -> None:
    # As a W3C test file, written with <> and <x>: pySHACL and the command resolve them against the
    # file's place; a request names its base.
    data = "@prefix ex: <http://example.org/> .\n<x> a ex:Person .\n"
    shapes = ("@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
              "<S> a sh:NodeShape ; sh:targetClass ex:Person ;\n"
              "  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n")
    unresolved = client.post("/validate", data={"data": data, "shapes": shapes})
    assert unresolved.status_code == 400
    assert "(or send base=<IRI> with it)" in unresolved.get_data(as_text=True)
    resp = client.post("/validate", data={"data": data, "shapes": shapes, "base": "http://example.org/t/"},
                       headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
    report = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    assert list(report.objects(None, SH.focusNode)) == [URIRef("http://example.org/t/x")]
    assert list(report.objects(None, SH.sourceShape)) != []
    body = client.post("/validate?base=http://example.org/t/", data=data,
                       headers={"Content-Type": "text/turtle"})
    assert body.status_code == 200
    relative = client.post("/validate", data={"data": data, "base": "t/"})
    assert relative.status_code == 400
    assert "base='t/' is not an absolute IRI" in relative.get_data(as_text=True)
    # The browser's form has the field, and keeps what was typed in it beside the error.
    form = client.get("/validate", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r'<input id="base" name="base" type="url"[^>]* value="">', form)
    again = client.post("/validate", data={"data": data, "base": "t/"}, headers={"Accept": "text/html"})
    page = again.get_data(as_text=True)
    html5rdf.HTMLParser(strict=True).parse(again.data)
    assert again.status_code == 400 and re.search(r'<input id="base" name="base"[^>]* value="t/">', page)
    assert "base=&#39;t/&#39; is not an absolute IRI" in page


def test_rules_in_the_shapes_are_said_not_to_run_in_the_report(client) -> None:
    from test_validate_cli import RULE_SHAPES

    data = "@prefix ex: <http://example.org/> .\nex:a a ex:Person ; ex:name \"A\" .\n"
    resp = client.post("/validate", data={"data": data, "shapes": RULE_SHAPES},
                       headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "true"
    report = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    said = [str(c) for c in report.objects(None, RDFS.comment)]
    assert any("sh:rule" in c and "not run here" in c for c in said), said


def test_shapes_can_be_checked_against_shacl_for_shacl(client) -> None:
    """`meta-shacl=true`, as the command's -m: ill-formed shapes are a 400 saying what SHACL for
    SHACL finds, rather than being run for whatever they happen to do."""
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              'ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n'
              '  sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:severity "high" ] .\n')
    data = "@prefix ex: <http://example.org/> . ex:a ex:p 1 .\n"
    unchecked = client.post("/validate", data={"data": data, "shapes": shapes})
    assert unchecked.status_code == 200
    checked = client.post("/validate", data={"data": data, "shapes": shapes, "meta-shacl": "true"},
                          headers={"Accept": "application/json"})
    assert checked.status_code == 400 and "SHACL" in checked.get_json()["message"]
    assert "Literal(" not in checked.get_json()["message"]  # its terms as Turtle, not Python
    odd = client.post("/validate", data={"data": data, "shapes": shapes, "meta-shacl": "maybe"})
    assert odd.status_code == 400 and "meta-shacl='maybe': use true or false" in odd.get_data(as_text=True)


def test_sparql_clients_words_for_a_graph_format_name_the_report_too(client) -> None:
    # As /sparql reads SPARQLWrapper's format=xml for a CONSTRUCT: RDF/XML.
    resp = client.post("/validate?format=xml", data=INVALID, headers={"Content-Type": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "application/rdf+xml"
    assert results(report(resp, "rdfxml")) > 0


def test_a_part_named_n3_is_read_as_turtle_as_a_file_named_so_is(client) -> None:
    form = {"data": INVALID.decode(), "data-format": "n3", "shapes": SHAPES.decode()}
    resp = client.post("/validate", data=form)
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"


# --- as pySHACL: the data's prefixes, shapes in the data, a byte-order mark ------------------------

PYSHACL_PREFIXES = b"@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
# A SPARQL constraint that names ex: without sh:prefixes: pySHACL runs it with the data's @prefix ex:.
PREFIXED_SPARQL = PYSHACL_PREFIXES + (
    b'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:code ;\n'
    b'  sh:sparql [ sh:message "has code" ; sh:select "SELECT $this WHERE { $this ex:code ?x }" ] .\n')
CODES = (b'@prefix ex: <http://example.org/> .\n'
         b'ex:a ex:code "AB" .\nex:b ex:code "CD" .\nex:c ex:code "ef" .\n')
CODE_SHAPES = PYSHACL_PREFIXES + (
    b'ex:CodeShape a sh:NodeShape ; sh:targetSubjectsOf ex:code ;\n'
    b'  sh:property [ sh:path ex:code ; sh:pattern "^[a-z]+$" ] ;\n'
    b'  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n')
# Data and its shapes in one file, as pySHACL's own examples have them.
DATA_WITH_SHAPES = PYSHACL_PREFIXES + CODES.split(b"\n", 1)[1] + CODE_SHAPES.split(b"\n", 2)[2]


def result_keys(graph: Graph) -> set[tuple[str, ...]]:
    """What a report says of each result, comparable across validators (a blank node is a blank node)."""
    def name(term: object) -> str:
        return "[blank node]" if term is None or not isinstance(term, (URIRef, Literal)) else str(term)
    return {tuple(name(graph.value(r, p)) for p in (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape,
                                                     SH.sourceConstraintComponent))
            for r in graph.objects(None, SH.result)}


def by_pyshacl(data: bytes, shapes: bytes | None = None) -> Graph:
    """pySHACL's report on the same documents, each parsed by rdflib (as its command line does)."""
    import pyshacl
    shapes_graph = Graph().parse(data=shapes, format="turtle") if shapes is not None else None
    conforms, graph, _ = pyshacl.validate(Graph().parse(data=data, format="turtle"), shacl_graph=shapes_graph)
    return graph


def test_sparql_constraints_use_the_datas_prefixes_as_under_pyshacl(client) -> None:
    resp = client.post("/validate", content_type="multipart/form-data", data={
        "data": (io.BytesIO(CODES), "d2.ttl"), "shapes": (io.BytesIO(PREFIXED_SPARQL), "np.ttl")})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["X-Conforms"] == "false" and resp.headers["X-Shapes"] == "sent"
    assert results(report(resp)) == 3
    assert result_keys(report(resp)) == result_keys(by_pyshacl(CODES, PREFIXED_SPARQL))
    # Pasted text and the body work the same way.
    pasted = client.post("/validate", data={"data": CODES.decode(), "shapes": PREFIXED_SPARQL.decode()})
    assert pasted.status_code == 200 and results(report(pasted)) == 3


def test_a_prefix_only_the_shapes_document_declares_gets_shacls_advice(client) -> None:
    # N-Triples declare no prefix: pySHACL fails on the query, and so is it refused here, in SHACL's words.
    data = in_format(CODES, "ntriples")
    with pytest.raises(Exception, match="Unknown namespace prefix"):
        by_pyshacl(data, PREFIXED_SPARQL)
    form = {"data": data.decode(), "data-format": "ntriples", "shapes": PREFIXED_SPARQL.decode()}
    resp = client.post("/validate", data=form, headers={"Accept": "text/plain"})
    assert resp.status_code == 400 and resp.headers["X-Shapes"] == "sent"
    message = resp.get_data(as_text=True)
    assert "the SPARQL constraint of ex:S does not parse" in message
    assert "the prefix ex: is not declared: declare it in the shapes with sh:declare" in message
    assert "sh:prefixes" in message and "@prefix ex: <http://example.org/> in the data document" in message
    assert "add PREFIX" not in message
    # Declared as SHACL asks, it runs.
    declared = PREFIXED_SPARQL.replace(b"ex:S a sh:NodeShape ;", (
        b'@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
        b'ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n'
        b"ex:S a sh:NodeShape ;")).replace(b"sh:sparql [ ", b"sh:sparql [ sh:prefixes ex: ; ")
    ok = client.post("/validate", data={**form, "shapes": declared.decode()})
    assert ok.status_code == 200 and results(report(ok)) == 3


@pytest.mark.parametrize("declared", ["sh:declare", "PREFIX"])
def test_two_prefixes_for_one_namespace_are_refused_naming_both(client, declared: str) -> None:
    """SPARQL allows them; rdflib's parser, which pySHACL runs the constraint on, keeps the last
    prefix bound to a namespace (rdflib issue #2077), and said "Unknown namespace prefix : ex"."""
    query = "SELECT $this WHERE { $this e:code ?x . FILTER (?x != ex:none) }"
    declarations = ('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    'ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] ,'
                    ' [ sh:prefix "e" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n'
                    'ex:S sh:sparql [ sh:prefixes ex: ; sh:select "{query}" ] .')
    if declared == "PREFIX":
        declarations = ('ex:S sh:sparql [ sh:select '
                        '"PREFIX ex: <http://example.org/> PREFIX e: <http://example.org/> {query}" ] .')
    shapes = (PYSHACL_PREFIXES.decode() + "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:code .\n"
              + declarations.format(query=query))
    resp = client.post("/validate", data={"data": CODES.decode(), "shapes": shapes},
                       headers={"Accept": "text/plain"})
    assert resp.status_code == 400
    assert ("the SPARQL constraint of ex:S cannot be run: the prefixes e: and ex: are both declared for "
            "<http://example.org/>, and the validator's SPARQL engine (rdflib's, under pySHACL) knows one "
            "prefix per namespace: use one prefix for it") in resp.get_data(as_text=True)
    # One prefix for it, and it runs.
    one = shapes.replace(", [ sh:prefix \"e\" ; sh:namespace \"http://example.org/\"^^xsd:anyURI ]", "")
    one = one.replace("PREFIX e: <http://example.org/> ", "").replace("e:code ?x", "ex:code ?x")
    ran = client.post("/validate", data={"data": CODES.decode(), "shapes": one})
    assert ran.headers["X-Conforms"] == "false"


def test_two_prefixes_for_one_namespace_on_two_nodes_each_serve_their_own_query(client) -> None:
    """pySHACL gives a query the declarations its own sh:prefixes reach; the vetting pooled every
    node's, and refused two constraints that each declare one prefix for the namespace."""
    shapes = PYSHACL_PREFIXES.decode() + (
        '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
        'ex:P1 sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n'
        'ex:P2 sh:declare [ sh:prefix "e" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n'
        'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:code ;\n'
        '  sh:sparql [ sh:prefixes ex:P1 ; sh:select "SELECT $this WHERE { $this ex:code ?x }" ] ,\n'
        '            [ sh:prefixes ex:P2 ; sh:select "SELECT $this WHERE { $this e:code ?x }" ] .\n')
    resp = client.post("/validate", data={"data": CODES.decode(), "shapes": shapes})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert results(report(resp)) == 6  # three subjects, each found by both queries


def test_data_holding_shapes_is_validated_against_them_as_by_pyshacl(client) -> None:
    resp = client.post("/validate", data=DATA_WITH_SHAPES, headers={"Content-Type": "text/turtle"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["X-Shapes"] == "data" and resp.headers["X-Conforms"] == "false"
    assert results(report(resp)) == 5  # ex:a and ex:b break the pattern; none of the three has a name
    assert result_keys(report(resp)) == result_keys(by_pyshacl(DATA_WITH_SHAPES))
    # Shapes sent beside it are the ones used (pySHACL's -s), and the page says whose they were.
    sent = client.post("/validate", data={"data": DATA_WITH_SHAPES.decode(),
                                          "shapes": PREFIXED_SPARQL.decode()})
    assert sent.headers["X-Shapes"] == "sent" and results(report(sent)) == 3
    page = client.post("/validate", data={"data": DATA_WITH_SHAPES.decode()}, headers={"Accept": BROWSER})
    assert "Validated against the shapes the data holds (no shapes were sent)." in page.get_data(as_text=True)


@pytest.mark.parametrize("parameter, words", [
    ('sh:property [ sh:path ex:p ; sh:pattern 5 ]',
     "the sh:pattern of a property shape of ex:S is 5, where a string goes"),
    ('sh:property [ sh:path ex:p ; sh:pattern "a" ; sh:flags ex:i ]',
     "the sh:flags of a property shape of ex:S is ex:i"),
    ("sh:in _:l . _:l rdf:first 1 ; rdf:rest _:l", "the sh:in of ex:S is not a well-formed list"),
    ("sh:languageIn ( \"en\" ) ; sh:in [ rdf:first 1 ]", "the sh:in of ex:S is not a well-formed list"),
    # pySHACL took these by Python's truth: "false", a string, switched the shape off.
    ('sh:deactivated "false" ; sh:property [ sh:path ex:p ; sh:minLength 5 ]',
     'the sh:deactivated of ex:S is "false", where true or false goes'),
    ("sh:property [ sh:path ex:p ; sh:uniqueLang 1 ]",
     "the sh:uniqueLang of a property shape of ex:S is 1, where true or false goes"),
    ("sh:closed ex:yes", "the sh:closed of ex:S is ex:yes, where true or false goes"),
    # A boolean in name only: taken as not true, without a word.
    ('sh:deactivated "TRUE"^^<http://www.w3.org/2001/XMLSchema#boolean>',
     'the sh:deactivated of ex:S is "TRUE"^^xsd:boolean, where true or false goes'),
    ("sh:parameter [ sh:path ex:p ; sh:optional 1 ]",
     "the sh:optional of a parameter of ex:S is 1, where true or false goes"),
    # pySHACL failed with a bare "AssertionError:"
    ("sh:property [ sh:path ex:p ; sh:minInclusive ex:foo ]",
     "the sh:minInclusive of a property shape of ex:S is ex:foo, where a literal goes"),
    # SHACL 1.5: a processor that does not support the regime asked for must fail; pySHACL ignored it
    ("sh:property [ sh:path ex:p ; sh:minCount 1 ] . ex:shapes sh:entailment "
     "<http://www.w3.org/ns/entailment/OWL-Direct>",
     "ex:shapes asks for the entailment regime <http://www.w3.org/ns/entailment/OWL-Direct> (sh:entailment), "
     "which this validator does not take from the shapes: leave it out (RDFS or OWL 2 RL inference is chosen "
     "with the inference option)"),
])
def test_a_parameter_pyshacl_reads_as_python_is_refused_in_words(client, parameter: str, words: str) -> None:
    """pySHACL failed on these in Python's words: "object of type 'int' has no len()", "List contains
    a recursive rdf:rest reference"."""
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
              f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; {parameter} .")
    resp = client.post("/validate", data={"data": '<http://example.org/a> <http://example.org/p> "abc" .',
                                          "shapes": shapes}, headers={"Accept": "text/plain"})
    assert resp.status_code == 400
    assert f"the shapes cannot be used: {words}" in resp.get_data(as_text=True)


def test_the_inverse_of_a_sequence_path_is_walked_last_step_first(client) -> None:
    """pySHACL walks ^(ex:worksFor/ex:partOf) in the order written and found no value: SHACL's
    inverse of a sequence is the inverses in reverse order, as SPARQL's ^(p/q) is ^q/^p (a SHACL
    user's probe)."""
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "ex:S a sh:NodeShape ; sh:targetNode ex:{} ;"
              " sh:property [ sh:path {} ; sh:in ( ex:nobody ) ] .")
    data = ("<http://example.org/alice> <http://example.org/worksFor> <http://example.org/sales> .\n"
            "<http://example.org/sales> <http://example.org/partOf> <http://example.org/acme> .")
    for focus, path, value in (("acme", "[ sh:inversePath ( ex:worksFor ex:partOf ) ]", "alice"),
                               ("alice", "( ex:worksFor ex:partOf )", "acme")):  # forwards, as before
        resp = client.post("/validate", data={"data": data, "shapes": shapes.format(focus, path)},
                           headers={"Accept": "text/turtle"})
        assert resp.headers["X-Conforms"] == "false"
        assert list(report(resp).objects(None, SH.value)) == [URIRef(f"http://example.org/{value}")]


def test_sh_language_in_matches_a_range_as_sparqls_langmatches(client) -> None:
    """pySHACL compared a whole tag or its first subtag: "en-GB-oxendict" did not match "en-GB"."""
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ;'
              ' sh:languageIn ( "en-GB" "zh-Hant" ) ] .')
    data = ('<http://example.org/a> <http://example.org/p> "colour"@en-GB-oxendict, "x"@zh-Hant-TW, '
            '"y"@EN-gb, "bad"@en, "no"@en-GBx, "plain" .').replace(", ", " .\n<http://example.org/a> "
                                                                  "<http://example.org/p> ")
    resp = client.post("/validate", data={"data": data, "shapes": shapes}, headers={"Accept": "text/turtle"})
    values = sorted(str(v) + "@" + str(v.language) for v in report(resp).objects(None, SH.value))
    assert values == ["bad@en", "no@en-gbx", "plain@None"]


def test_a_boolean_parameter_written_as_a_boolean_is_used(client) -> None:
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:deactivated {} ;"
              " sh:property [ sh:path ex:p ; sh:minLength 5 ] .")
    data = '<http://example.org/a> <http://example.org/p> "abc" .'
    active = client.post("/validate", data={"data": data, "shapes": shapes.format("false")})
    switched_off = client.post("/validate", data={"data": data, "shapes": shapes.format("true")})
    assert active.headers["X-Conforms"] == "false" and switched_off.headers["X-Conforms"] == "true"


def test_a_class_that_is_its_own_shape_untyped_is_found_in_the_data_as_by_pyshacl(client) -> None:
    """`ex:Person a rdfs:Class ; sh:property [...]` in posted data: no sh:NodeShape, no target, so
    the data was validated against the project's shapes (no focus node, "conforms")."""
    data = (b"@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
            b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            b"ex:Person a rdfs:Class ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n"
            b"ex:bob a ex:Person .\n")
    resp = client.post("/validate", data=data, headers={"Content-Type": "text/turtle"})
    assert resp.headers["X-Shapes"] == "data" and resp.headers["X-Conforms"] == "false"
    assert result_keys(report(resp)) == result_keys(by_pyshacl(data))


def test_every_answer_says_which_shapes_were_used(client) -> None:
    project = client.post("/validate", data=INVALID, headers={"Content-Type": "text/turtle"})
    assert project.headers["X-Shapes"] == "project" and results(report(project)) == 5
    page = client.post("/validate", data={"data": INVALID.decode()}, headers={"Accept": BROWSER})
    assert 'Validated against <a href="/shapes">the project&#39;s shapes</a>.' in page.get_data(as_text=True)
    # An error in shapes the data holds is theirs: the header says so.
    broken = PYSHACL_PREFIXES + b'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount "x" ] .'
    refused = client.post("/validate", data=broken, headers={"Content-Type": "text/turtle"})
    assert refused.status_code == 400 and refused.headers["X-Shapes"] == "data"


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"])
def test_a_byte_order_mark_is_skipped_as_rdflib_does(client, fmt: str) -> None:
    # What Windows Notepad and Excel put before the text of a file saved as UTF-8.
    body = b"\xef\xbb\xbf" + (CODES if fmt == "turtle" else in_format(CODES, fmt))
    media_type = formats.by_name(fmt).media_type
    resp = client.post("/validate", data=body, headers={"Content-Type": media_type})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    upload = client.post("/validate", content_type="multipart/form-data", data={
        "data": (io.BytesIO(body), f"data.{formats.by_name(fmt).extension}"),
        "shapes": (io.BytesIO(b"\xef\xbb\xbf" + CODE_SHAPES), "shapes.ttl")})
    assert upload.status_code == 200, upload.get_data(as_text=True)
    assert results(report(upload)) == 5


def test_the_projects_own_data_validated_against_its_shapes(project_client, tmp_path: Path) -> None:
    # The whole dump is over the upload limit, and its inferred graph breaks the shapes that refuse
    # stated shortcuts: this is the report the build checks.
    resp = project_client.get("/validate/project")
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "true"
    assert resp.headers["X-Shapes"] == "project"
    assert (None, SH.conforms, Literal(True)) in report(resp)
    # The same for as long as the snapshot is served: revalidated, and open to scripts as /shapes is.
    # Weak, of the snapshot and the format: each worker names the report's blank nodes afresh.
    assert resp.headers["ETag"].startswith('W/"') and resp.headers["Last-Modified"]
    assert "max-age" in resp.headers["Cache-Control"]
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    again = project_client.get("/validate/project", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    # A failed precondition is a 412 without the report, as for every document.
    failed = project_client.get("/validate/project", headers={"If-Match": '"another"'})
    assert failed.status_code == 412 and failed.data == b""
    page = project_client.get("/validate/project", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Conforms" in page and "the project's own data: its facts and coordinates" in html.unescape(page)
    assert 'href="/validate/project"' in project_client.get("/validate").get_data(as_text=True)
    # A service of a user's files has no project data to validate.
    mine = tmp_path / "mine.ttl"
    mine.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    users = create_app(Settings.from_env(serve_files=(mine,), snapshot_dir=tmp_path)).test_client()
    other = users.get("/validate/project", headers={"Accept": "application/json"})
    assert other.status_code == 404 and "post them to" in other.get_json()["message"]


@pytest.mark.parametrize("query, said", [
    # An option of a user's validation would change the verdict: the build's report was answered.
    ("inference=rdfs", "inference: the project's report is the build's"),
    ("allow-warnings&meta-shacl=true", "allow-warnings, meta-shacl: the project's report is the build's"),
    ("inferance=x", "a query parameter this service does not read: 'inferance'"),
    ("format=text&format=json", "format is given 2 times"),
])
def test_the_projects_report_refuses_options_it_would_not_apply(project_client, query, said) -> None:
    resp = project_client.get(f"/validate/project?{query}", headers={"Accept": "application/json"})
    assert resp.status_code == 400 and said in resp.get_json()["message"]
    assert project_client.get("/validate/project?format=text").status_code == 200


@pytest.mark.parametrize("encoding", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_a_misspelt_form_field_is_refused_naming_it_not_dropped(client, encoding: str) -> None:
    # `shape=` dropped unread answered "conforms": the project's shapes, targeting nothing sent.
    resp = client.post("/validate", data={"data": INVALID.decode(), "shape": SHAPES.decode()},
                       content_type=encoding)
    assert resp.status_code == 400 and "X-Conforms" not in resp.headers
    assert "'shape' (did you mean 'shapes'?)" in resp.get_data(as_text=True)
    files = client.post("/validate", content_type="multipart/form-data", data={
        "data": (io.BytesIO(INVALID), "data.ttl"), "shapes_file": (io.BytesIO(SHAPES), "shapes.ttl")})
    assert files.status_code == 400 and "'shapes_file'" in files.get_data(as_text=True)


def test_names_it_does_not_read_are_refused_a_few_at_a_time_and_a_nameless_part_too(client) -> None:
    # A query-string option a body of RDF would have, misspelt: before, validated without inference.
    typo = client.post("/validate?inferance=rdfs", data=VALID, headers={"Content-Type": "text/turtle"})
    assert typo.status_code == 400
    assert "'inferance' (did you mean 'inference'?)" in typo.get_data(as_text=True)
    shout = client.post("/validate?INFERENCE=rdfs", data=VALID, headers={"Content-Type": "text/turtle"})
    assert "'INFERENCE' (did you mean 'inference'?)" in shout.get_data(as_text=True)
    # A field of the form in the URL: told it belongs in the form ("did you mean 'format'?" named
    # the report's format, not the data's).
    misplaced = client.post("/validate?data-format=jsonld", content_type="multipart/form-data",
                            data={"data": (io.BytesIO(VALID), "data.ttl")})
    assert misplaced.status_code == 400
    said = misplaced.get_data(as_text=True)
    assert "'data-format' (a field of the form, sent with the data: -F data-format=...)" in said
    # A body of RDF has no form: its format is its Content-Type, and no form field is advised.
    body = client.post("/validate?data-format=jsonld", data=VALID, headers={"Content-Type": "text/turtle"})
    assert body.status_code == 400 and "a field of the form" not in body.get_data(as_text=True)
    # 20,000 names in a form (250,000 fit under the 2 MB default): five named, the rest counted.
    many = "data=x&" + "&".join(f"f{n}" for n in range(20_000))
    resp = client.post("/validate", data=many, content_type="application/x-www-form-urlencoded")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "and 19,995 more" in text and len(text) < 1000
    nameless = (b"--x\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n<urn:a> <urn:b> <urn:c> .\r\n"
                b"--x\r\nContent-Disposition: form-data\r\n\r\nzzz\r\n--x--\r\n")
    resp = client.post("/validate", data=nameless, content_type="multipart/form-data; boundary=x")
    assert resp.status_code == 400 and "has no name" in resp.get_data(as_text=True)


def test_rdf_sent_as_a_form_is_told_so_even_when_its_text_holds_a_data_field(client) -> None:
    body = '@prefix ex: <http://ex/> . ex:a ex:b "x&data=y" .'
    resp = client.post("/validate", data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and "Content-Type: text/turtle" in resp.get_data(as_text=True)
    assert "no field" not in resp.get_data(as_text=True)  # it has one: the literal's


def test_a_misspelt_field_of_a_urlencoded_form_is_named_not_taken_for_rdf(client) -> None:
    resp = client.post("/validate", data="dat=%3Curn%3Aa%3E+%3Curn%3Ab%3E+%3Curn%3Ac%3E+.",
                       content_type="application/x-www-form-urlencoded")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "'dat' (did you mean 'data'?)" in text, text
    assert "curl" not in text


def test_the_report_page_gives_a_results_details_under_it(client) -> None:
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
              "ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;\n"
              "  sh:property [ sh:path ex:employer ; sh:node ex:CompanyShape ] .\n"
              'ex:CompanyShape a sh:NodeShape ; sh:property [ sh:path ex:code ; sh:pattern "^[0-9]+$" ] .')
    data = ('@prefix ex: <http://example.org/> .\n'
            'ex:eve a ex:Person ; ex:employer ex:Acme . ex:Acme ex:code "abc" .')
    page = client.post("/validate", data={"data": data, "shapes": shapes}, headers={"Accept": BROWSER})
    details = page.get_data(as_text=True).split('<ul class="details">', 1)[1].split("</ul>", 1)[0]
    assert "because of ex:Acme, ex:code: Value does not match pattern" in details
    assert "&#34;abc&#34;" in details


def test_a_program_getting_the_form_is_told_to_post(client) -> None:
    resp = client.get("/validate", headers={"Accept": "text/turtle"})
    assert resp.status_code == 406
    assert "a program POSTs the data (and shapes) to validate" in resp.get_data(as_text=True)
    assert client.get("/validate", headers={"Accept": BROWSER}).status_code == 200


def test_the_summary_and_the_page_give_each_message_in_a_language_the_client_accepts(client) -> None:
    # The shapes say it in English and German: the summary showed the English one to every client.
    body = ('@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n'
            'ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCount 1 ;\n'
            '  sh:message "A value of ex:p is missing."@en, "Ein Wert für ex:p fehlt."@de ] .\n')

    def said(accept: str, language: str | None) -> TestResponse:
        headers = {"Content-Type": "text/turtle", "Accept": accept}
        if language:
            headers["Accept-Language"] = language
        return client.post("/validate", data=body, headers=headers)

    assert "Ein Wert für ex:p fehlt." in said("text/plain", "de-CH, en;q=0.5").get_data(as_text=True)
    assert "A value of ex:p is missing." in said("text/plain", "fr, en;q=0.5").get_data(as_text=True)
    assert "A value of ex:p is missing." in said("text/plain", None).get_data(as_text=True)
    page = said(BROWSER, "de")
    assert "Ein Wert für ex:p fehlt." in html.unescape(page.get_data(as_text=True))
    assert "Accept-Language" in page.headers["Vary"]
    # The report itself holds both, whatever the language asked for.
    report = said("text/turtle", "de")
    assert "Accept-Language" not in report.headers["Vary"]
    assert {"A value of ex:p is missing.", "Ein Wert für ex:p fehlt."} <= {
        str(m) for m in Graph().parse(data=report.get_data(as_text=True), format="turtle").objects(
            None, SH.resultMessage)}
