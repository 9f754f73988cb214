"""`graph-service validate`: exit 0 conforms, 1 does not, 2 bad input (one line on stderr)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import RDF, Graph, Literal

from graph_service.cli import main
from graph_service.graph.rdf import documents, formats
from graph_service.graph.rdf.namespace import SH

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
VALID, INVALID = str(FIXTURES / "valid.ttl"), str(FIXTURES / "invalid.ttl")
SHAPES, ONTOLOGY = str(FIXTURES / "shapes.ttl"), str(FIXTURES / "ontology.ttl")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args])


def run_on(folder: Path, data: str, shapes: str, *args: str) -> tuple[Result, Path]:
    """`validate` on this data and these shapes, written to files in `folder`; and the data's file."""
    data_file, shapes_file = folder / "data.ttl", folder / "shapes.ttl"
    data_file.write_text(data, encoding="utf-8")
    shapes_file.write_text(shapes, encoding="utf-8")
    return run("--data", str(data_file), "--shapes", str(shapes_file), *args), data_file


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures stand in for the project's data, ontology and shapes."""
    monkeypatch.setenv("GRAPH_SERVICE_DATA_PATH", INVALID)
    monkeypatch.setenv("GRAPH_SERVICE_ONTOLOGY_PATH", ONTOLOGY)
    monkeypatch.setenv("GRAPH_SERVICE_SHAPES_PATH", SHAPES)


def report_of(result: Result, fmt: str) -> Graph:
    quads = documents.parse_quads(result.stdout_bytes, formats.by_name(fmt), "report")
    return documents.quads_to_graph(quads)


def test_conforming_data_exits_0() -> None:
    result = run("--data", VALID, "--data", ONTOLOGY, "--shapes", SHAPES)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"Conforms: no results (2 focus nodes checked).\n\n"
                             f"0 violations, 0 warnings (shapes: {SHAPES})\n")
    assert result.stderr == ""


def test_data_the_shapes_do_not_target_conforms_saying_nothing_was_checked(tmp_path: Path) -> None:
    people = tmp_path / "people.ttl"
    people.write_text("@prefix ex: <http://example.org/> .\nex:alice a ex:Person .\n")
    result = run("--data", str(people), "--shapes", SHAPES)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Conforms, but no shape targets anything in the data: nothing was "
                                    "checked (are these the shapes meant for it?).\n")


def test_a_value_outside_sh_in_is_reported_with_the_list_in_its_order(tmp_path: Path) -> None:
    """pySHACL named the members in a set's order: two processes, two reports."""
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    ranks = ["General", "Colonel", "Marshal", "Admiral", "Major", "Captain"]
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      "ex:S sh:targetClass ex:P ; sh:property [ sh:path ex:rank ; sh:in ("
                      + " ".join(f'"{r}"' for r in ranks) + ") ] .\n")
    data.write_text('@prefix ex: <http://example.org/> . ex:a a ex:P ; ex:rank "general" .\n')
    result = run("--data", str(data), "--shapes", str(shapes))
    assert result.exit_code == 1
    # Its terms as Turtle writes them, where pySHACL wrote Python's `'Literal("General")'`.
    said = result.stdout.split("not in list", 1)[1].splitlines()[0]
    assert said.startswith(" [" + ", ".join(f'"{r}"' for r in ranks) + "]"), said


def test_an_empty_shapes_file_is_refused_as_the_service_refuses_it(tmp_path: Path) -> None:
    # Before, an empty --shapes file "conformed" (exit 0) where the service said 400.
    empty = tmp_path / "empty.ttl"
    empty.write_text("@prefix ex: <http://example.org/> .\n")
    result = run("--data", VALID, "--shapes", str(empty))
    assert result.exit_code == 2 and result.stderr == f"graph-service: {empty}: holds no triples\n"


TARGET_NODE_SHAPES = ("@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "ex:S a sh:NodeShape ; sh:targetNode ex:config ;\n"
                      "  sh:property [ sh:path ex:version ; sh:minCount 1 ] .\n")


def test_empty_data_is_checked_against_the_users_own_shapes(tmp_path: Path) -> None:
    # Their sh:targetNode requires what is not there, as pySHACL reports it; against the project's
    # shapes the same empty file is refused (it would conform with nothing checked).
    result, empty = run_on(tmp_path, "@prefix ex: <http://example.org/> .\n", TARGET_NODE_SHAPES)
    assert result.exit_code == 1 and "ex:config" in result.stdout, result.output
    refused = run("--data", str(empty))
    assert refused.exit_code == 2 and refused.stderr == f"graph-service: {empty}: holds no triples\n"


def test_data_that_does_not_conform_exits_1_with_a_summary_by_shape() -> None:
    result = run("--data", INVALID, "--shapes", SHAPES)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Does not conform: 5 results (4 violations, 1 warning) from 2 shapes."
    assert 'shapes:EventShape "Event": 3 results' in lines
    assert "  id:event/liberation-of-rome" in lines
    assert "    Violation: lib:place: An event happens at a place. [value: id:person/de-gaulle]" in lines
    assert lines[-1] == f"4 violations, 1 warning (shapes: {SHAPES})"
    assert result.stderr == ""


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("json-ld", "jsonld")])
def test_the_full_report_in_turtle_or_json_ld(fmt: str, parse_as: str) -> None:
    result = run("--data", INVALID, "--shapes", SHAPES, "--format", fmt)
    assert result.exit_code == 1
    report = report_of(result, parse_as)
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    assert len(list(report.objects(node, SH.result))) == 5
    assert {str(m) for m in report.objects(None, SH.resultMessage)} >= {"An event has a label."}


def test_data_from_standard_input() -> None:
    result = CliRunner().invoke(main, ["validate", "--data", "-", "--shapes", SHAPES],
                                input=Path(INVALID).read_bytes())
    assert result.exit_code == 1, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "Does not conform: 5 results (4 violations, 1 warning) from 2 shapes."
    twice = CliRunner().invoke(main, ["validate", "--data", "-", "--shapes", "-"], input=b"")
    assert twice.exit_code == 2 and twice.stderr.count("\n") == 1 and "standard input" in twice.stderr


def test_several_data_files_are_validated_together() -> None:
    # Alone, valid.ttl's city is not known to be a place; with the ontology as data it is.
    assert run("--data", VALID, "--shapes", SHAPES).exit_code == 1
    assert run("--data", VALID, "--data", ONTOLOGY, "--shapes", SHAPES).exit_code == 0


def test_inference_before_validating(tmp_path: Path) -> None:
    (tmp_path / "data.ttl").write_text(
        "@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ex:liberated rdfs:domain ex:Event . ex:e ex:liberated ex:paris .\n", encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(
        "@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "ex:S sh:targetClass ex:Event ; sh:property [ sh:path ex:label ; sh:minCount 1 ] .\n",
        encoding="utf-8")
    files = ("--data", str(tmp_path / "data.ttl"), "--shapes", str(tmp_path / "shapes.ttl"))
    assert run(*files).exit_code == 0
    inferred = run(*files, "--inference", "rdfs")
    assert inferred.exit_code == 1
    assert "  ex:e" in inferred.stdout.splitlines()  # the user's own prefixes name their IRIs
    assert run(*files, "--inference", "magic").exit_code == 2


def test_without_files_the_projects_data_and_shapes(project: None) -> None:
    result = run()
    assert result.exit_code == 1
    assert result.stdout.startswith("Does not conform: 5 results")


def test_users_data_with_the_projects_shapes_and_ontology(project: None) -> None:
    assert run("--data", VALID).exit_code == 0
    result = run("--data", INVALID)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "4 violations, 1 warning (shapes: the project's)"


def test_users_shapes_on_the_projects_data(project: None, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\n"
                      "[] sh:targetClass lib:Person ; sh:property [ sh:path lib:born ; sh:minCount 1 ] .\n",
                      encoding="utf-8")
    result = run("--shapes", str(shapes))
    assert result.exit_code == 1
    assert "  id:person/de-gaulle" in result.stdout.splitlines()


def test_an_unparseable_file_is_named_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n  ex:d \"unterminated .\n",
                   encoding="utf-8")
    result = run("--data", str(bad), "--shapes", SHAPES)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"graph-service: {bad}: Parser error ")
    assert "line 3" in result.stderr and "column" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("name, problem", [("missing.ttl", "No such file"),
                                           ("data.csv", "unknown RDF format")])
def test_unreadable_files_exit_2(tmp_path: Path, name: str, problem: str) -> None:
    if name.endswith(".csv"):
        (tmp_path / name).write_text("a,b\n", encoding="utf-8")
    result = run("--data", str(tmp_path / name), "--shapes", SHAPES)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"graph-service: {tmp_path / name}: ") and problem in result.stderr


@pytest.mark.parametrize("body, said", [
    (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
     "the file is a program (ELF), not text (Turtle is text)"),
    (b"PK\x03\x04\x14\x00\x00\x00" + bytes(200),
     "the file is a zip archive (take the RDF file out of it), not text"),
    (b"<x> <y> \x00\x00\x00\x01\x02 .\n",
     "the file is binary (it holds NUL bytes), not text (Turtle is text)"),
], ids=["program", "zip", "nul"])
def test_a_file_that_is_no_text_is_said_to_be_none(tmp_path: Path, body: bytes, said: str) -> None:
    """The first 3 KB of /bin/ls as data: "the byte 0xD0 is not UTF-8 ... (an export from Windows
    converts with iconv -f windows-1252 ...) (it was read as Turtle, but it looks like TriG)"."""
    data = tmp_path / "data.ttl"
    data.write_bytes(body)
    result = run("--data", str(data), "--shapes", SHAPES)
    assert result.exit_code == 2 and result.stderr.startswith(f"graph-service: {data}: {said}")
    assert result.stderr.count("\n") == 1 and "TriG" not in result.stderr


def test_utf16_without_a_mark_is_named_whatever_its_letters(tmp_path: Path) -> None:
    # Only mostly-ASCII UTF-16 (a zero in every other byte) was named; Cyrillic was called binary.
    data = tmp_path / "data.ttl"
    data.write_bytes('# Варшава\n<urn:a> <urn:b> "Варшава" .\n'.encode("utf-16-le"))
    result = run("--data", str(data), "--shapes", SHAPES)
    assert result.exit_code == 2 and "looks like UTF-16 without a byte-order mark" in result.stderr
    assert "iconv -f utf-16le -t utf-8" in result.stderr


def test_rdf_xml_in_utf16_is_read_by_its_mark_and_binary_rdf_xml_named(tmp_path: Path) -> None:
    """pySHACL reads RDF/XML in UTF-16 (XML's byte-order mark); here it was "cannot decode input
    using UTF-8 ... from index 0", and a program named .rdf "not well-formed XML at line 1"."""
    document = ('<?xml version="1.0" encoding="UTF-16"?>\n'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                ' xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a"><ex:p>Łódź</ex:p></rdf:Description></rdf:RDF>\n')
    data, shapes = tmp_path / "data.rdf", tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:in ("Łódź") ] .\n',
                      encoding="utf-8")
    # Python's utf-16 writes a little-endian mark first; with a mark, the mark decides, whatever
    # the declaration names (it was a 500: expat read "UTF-32" as ValueError, "foo" as LookupError).
    for encoding, declared in (("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-16", "UTF-32"),
                               ("utf-16", "foo")):
        text = document.replace('encoding="UTF-16"', f'encoding="{declared}"')
        data.write_bytes((text if encoding == "utf-16" else "\ufeff" + text).encode(encoding))
        result = run("-s", str(shapes), str(data))
        assert result.exit_code == 0 and result.stdout.startswith("Conforms"), (encoding, declared,
                                                                                result.output)
    data.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(300))
    result = run("-s", str(shapes), str(data))
    assert result.exit_code == 2 and "the file is a program (ELF), not text (RDF/XML is text)" in \
        result.stderr


def test_unusable_shapes_exit_2_in_one_line(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount "many" ] .\n',
                      encoding="utf-8")
    result = run("--data", VALID, "--shapes", str(shapes))
    assert result.exit_code == 2
    assert result.stderr.startswith("graph-service: the shapes cannot be used: ")
    assert "sh:minCount" in result.stderr and result.stderr.count("\n") == 1


def test_an_ill_formed_shape_is_named_by_where_it_is_not_by_a_blank_node_label(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      "ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:property [ sh:minCount 1 ] .\n",
                      encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> a <http://example.org/Person> .\n", encoding="utf-8")
    result = run("--data", str(data), "--shapes", str(shapes))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    # It named "'f0b0'": the reader's label, which is nowhere in the user's file.
    # The shape by the prefixed name its file gives it (the file's @prefix lines are bound on the shapes).
    assert "the sh:property of ex:S exists but is not a well-formed" in result.stderr
    assert "'f0b0'" not in result.stderr


def test_missing_project_data_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GRAPH_SERVICE_DATA_PATH", str(tmp_path / "none.ttl"))
    result = run()
    assert result.exit_code == 2
    assert result.stderr == f"graph-service: {tmp_path / 'none.ttl'}: No such file or directory\n"


def test_help_names_the_options() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    for option in ("--data", "--shapes", "--inference", "--format", "text|turtle|json-ld", "--data-format",
                   "--shapes-format", "turtle|ntriples|jsonld|rdfxml|trig|nquads"):
        assert option in result.stdout


def test_the_ontology_given_on_its_own(tmp_path: Path) -> None:
    """pySHACL's -e: an ontology mixed into the data, given apart from it."""
    without = run("--data", VALID, "--shapes", SHAPES)
    with_ontology = run("--data", VALID, "--shapes", SHAPES, "-e", ONTOLOGY)
    assert without.exit_code == 1 and with_ontology.exit_code == 0, with_ontology.stdout


def one_result_of_severity(tmp_path: Path, severity: str) -> tuple[Path, Path]:
    """Data and shapes that give one result, of `severity` (a prefixed name, sh: or ex:)."""
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <http://example.org/> . ex:a ex:p 1 .\n", encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      "ex:S sh:targetNode ex:a ;\n"
                      f"  sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:severity {severity} ] .\n",
                      encoding="utf-8")
    return data, shapes


def test_warnings_may_be_allowed(tmp_path: Path) -> None:
    data, shapes = one_result_of_severity(tmp_path, "sh:Warning")
    strict = run("--data", str(data), "--shapes", str(shapes))
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1] == f"0 violations, 1 warning (shapes: {shapes})"
    allowed = run("--data", str(data), "--shapes", str(shapes), "--allow-warnings")
    assert allowed.exit_code == 0
    assert allowed.stdout.splitlines()[0] == "Conforms, warnings allowed: 1 result (1 warning) from 1 shape."
    # As pySHACL's -w: the report itself says the data conforms (it said `sh:conforms false`, exit 0).
    report = run("--data", str(data), "--shapes", str(shapes), "--allow-warnings", "--format", "turtle")
    assert report.exit_code == 0
    graph = Graph().parse(data=report.stdout, format="turtle")
    assert (None, SH.conforms, Literal(True)) in graph and len(list(graph.objects(None, SH.result))) == 1
    assert run("--data", INVALID, "--shapes", SHAPES, "--allow-warnings").exit_code == 1  # violations


def test_pyshacls_format_names_are_read_too(tmp_path: Path) -> None:
    # pySHACL's -f nt / xml / human and -df xml / auto were refused as unknown choices.
    data, shapes = one_result_of_severity(tmp_path, "sh:Violation")
    for name, opens in (("nt", "_:"), ("xml", "<?xml"), ("human", "Does not conform"), ("jsonld", "{"),
                        ("table", "Does not conform")):
        result = run("--data", str(data), "--shapes", str(shapes), "--format", name)
        assert result.exit_code == 1 and result.stdout.startswith(opens), (name, result.stdout[:80])
    auto = run("--data", str(data), "--data-format", "auto", "--shapes", str(shapes))
    assert auto.exit_code == 1 and auto.stdout.startswith("Does not conform")
    xml = run("--data", str(data), "--data-format", "xml", "--shapes", str(shapes))
    assert xml.exit_code == 2 and "it was read as RDF/XML, but it looks like Turtle" in xml.stderr


def test_a_pyshacl_command_line_runs_as_it_is(tmp_path: Path) -> None:
    """pySHACL's -s, -i, -f, -df, -sf, -o and a positional data file were "No such option" (exit 2),
    though the help named -df and -sf as this command's equivalents."""
    data, shapes = one_result_of_severity(tmp_path, "sh:Warning")
    out = tmp_path / "report.ttl"
    result = run("-s", str(shapes), "-sf", "turtle", "-i", "rdfs", "-f", "turtle", "-df", "ttl",
                 "-o", str(out), str(data))
    assert result.exit_code == 1 and result.stdout == "", result.output
    graph = Graph().parse(out, format="turtle")
    assert (None, SH.conforms, Literal(False)) in graph and len(list(graph.objects(None, SH.result))) == 1
    long_names = run("--shacl", str(shapes), "--data-file-format", "turtle", "--shacl-file-format", "turtle",
                     "--allow-warning", "--metashacl", str(data))
    assert long_names.exit_code == 0 and long_names.stdout.startswith("Conforms, warnings allowed")
    unwritable = run("-s", str(shapes), "-o", str(tmp_path / "no-such-folder" / "r.txt"), str(data))
    assert unwritable.exit_code == 2 and unwritable.stderr.count("\n") == 1
    assert "No such file" in unwritable.stderr


def test_infos_may_be_allowed_alone(tmp_path: Path) -> None:
    infos, shapes = one_result_of_severity(tmp_path, "sh:Info")
    allowed = run("--data", str(infos), "--shapes", str(shapes), "--allow-infos")
    assert allowed.exit_code == 0
    assert allowed.stdout.splitlines()[0] == "Conforms, infos allowed: 1 result (1 info) from 1 shape."
    warning, shapes = one_result_of_severity(tmp_path, "sh:Warning")
    assert run("--data", str(warning), "--shapes", str(shapes), "--allow-info").exit_code == 1


def test_a_report_rdf_xml_cannot_hold_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text('_:b <http://example.org/2020> "long" .\n', encoding="utf-8")
    shapes = tmp_path / "s.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:S> a sh:NodeShape ; "
                      "sh:targetSubjectsOf <http://example.org/2020> ;\n"
                      "  sh:property [ sh:path <http://example.org/2020> ; sh:maxLength 1 ] .\n",
                      encoding="utf-8")
    result = run("--data", str(data), "--shapes", str(shapes), "--format", "rdfxml")
    assert result.exit_code == 2
    assert result.stderr == ("graph-service: the validation report cannot be written as RDF/XML: the "
                             "property <http://example.org/2020> has no XML name at the end of its IRI, "
                             "which RDF/XML needs; give another --format\n")


def test_meta_shacl_refuses_malformed_shapes(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:minCount \"two\" .\n", encoding="utf-8")
    checked = run("--data", VALID, "--shapes", str(shapes), "--meta-shacl")
    assert checked.exit_code == 2 and checked.stderr.count("\n") == 1
    # Each result where and what, not pySHACL's whole text report with its Python reprs.
    assert checked.stderr == ("graph-service: the shapes cannot be used: they do not conform to SHACL's own "
                              "shapes (meta-SHACL), 2 results: ex:S (sh:minCount): Value is not Literal with "
                              "datatype xsd:integer; ex:S: Node ex:S must conform to exactly one shape in "
                              "shsh:NodeShapeShape , shsh:PropertyShapeShape\n")


def test_a_severity_of_the_shapes_own_is_no_warning(tmp_path: Path) -> None:
    """SHACL allows any IRI as a severity; --allow-warnings lets through warnings and infos only,
    as pySHACL does, and the summary counts the others too."""
    data, shapes = one_result_of_severity(tmp_path, "ex:Critical")
    result = run("--data", str(data), "--shapes", str(shapes), "--allow-warnings")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == ("0 violations, 0 warnings, 1 of severity "
                                              f"<http://example.org/Critical> (shapes: {shapes})")


ENTITIES = '<!ENTITY a0 "aaaaaaaaaa">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">'
                                              for i in range(1, 10))


@pytest.mark.parametrize("name, body, says", [
    # 700 bytes that expand to 10 GB: the XML check (expat) refuses it before any RDF is read
    ("bomb.rdf", f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{ENTITIES}]><rdf:RDF '
                 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">'
                 '<rdf:Description rdf:about="http://a/x"><ex:p>&a9;</ex:p></rdf:Description></rdf:RDF>',
     "its XML entities expand past the reader's limit"),
    # 60 KB that overflowed the parser's stack (signal 11)
    ("deep.jsonld", '{"@id": "http://a/x", "http://a/p": ' + '{"http://a/p": ' * 4000 + '"v"' + "}" * 4001,
     "could not be read"),
], ids=["entity-bomb", "deep-json-ld"])
def test_a_users_file_is_read_under_the_uploads_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       name: str, body: str, says: str) -> None:
    """What the service refuses with a 413, the command refuses in one line, exit 2: it neither
    crashes nor takes the machine's memory, nor validates what the parser made of it."""
    monkeypatch.setenv("GRAPH_SERVICE_QUERY_MEMORY_MB", "256")
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    result = run("--data", str(path), "--shapes", SHAPES)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"graph-service: {path}") and says in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("shape, says", [
    ('sh:sparql [ sh:select "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }" ]',
     "sh:select holds a CONSTRUCT query; it must be a SELECT"),
    # pySHACL made no result of its solution: the data "conformed".
    ('sh:sparql [ sh:select "SELECT ?v WHERE { $this ex:p ?v }" ]',
     "the SPARQL constraint of ex:S: its SELECT projects none of $this, ?path and ?value, so none of"),
    ('sh:sparql [ sh:select "SELECT * WHERE { ?s ex:p ?v }" ]', "its SELECT projects none of $this"),
    ('sh:property [ sh:path ex:p ; sh:pattern "(" ]', "an sh:pattern is not a regular expression"),
    # Valid in XPath and SPARQL (the endpoint's REGEX takes it), not in Python's re: said so, not
    # "not a regular expression", and named where it is.
    ('sh:property [ sh:path ex:p ; sh:pattern "^\\\\p{L}+$" ]',
     "an sh:pattern uses a Unicode property class (\\p{...}), which this validator (pySHACL"),
    ("""sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v """
     """FILTER(REGEX(?v, '^\\\\\\\\p{L}+$')) }" ]""",
     "a regular expression of a SPARQL-based constraint (REGEX) uses a Unicode property class"),
    # An escaped backslash before "p{" is no property class: the unclosed "(" is the fault.
    ('sh:property [ sh:path ex:p ; sh:pattern "^\\\\\\\\p{L}+(" ]',
     "an sh:pattern is not a regular expression this validator can compile (missing ), unterminated"),
    # rdflib's "Exception: You performed a query operation requiring a dataset (i.e. ConjunctiveGraph)".
    ('sh:sparql [ sh:select "SELECT $this WHERE { GRAPH ?g { $this ?p ?o } }" ]',
     "the shapes cannot be used: a SPARQL constraint matches a named graph (GRAPH), but the data is"),
], ids=["construct-as-select", "select-without-this", "select-star-without-this",
        "broken-pattern", "unicode-class-pattern", "unicode-class-in-sparql",
        "escaped-backslash", "graph"])
def test_shapes_pyshacl_would_fail_on_are_named_in_one_line(tmp_path: Path, shape: str, says: str) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; {shape} .\n", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <http://example.org/> . ex:a ex:p "x" .\n', encoding="utf-8")
    result = run("--data", str(data), "--shapes", str(shapes))
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output + result.stderr


# --- as pySHACL: the data's prefixes, shapes in the data, --data-format, a byte-order mark ---------

PYSHACL_PREFIXES = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
# A SPARQL constraint that names ex: without sh:prefixes: pySHACL runs it with the data's @prefix ex:.
PREFIXED_SPARQL = PYSHACL_PREFIXES + (
    'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:code ;\n'
    '  sh:sparql [ sh:message "has code" ; sh:select "SELECT $this WHERE { $this ex:code ?x }" ] .\n')
CODES = '@prefix ex: <http://example.org/> .\nex:a ex:code "AB" .\nex:b ex:code "CD" .\nex:c ex:code "ef" .\n'
CODE_SHAPES = PYSHACL_PREFIXES + (
    'ex:CodeShape a sh:NodeShape ; sh:targetSubjectsOf ex:code ;\n'
    '  sh:property [ sh:path ex:code ; sh:pattern "^[a-z]+$" ] ;\n'
    '  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n')


def files(tmp_path: Path, **texts: str | bytes) -> dict[str, str]:
    paths = {}
    for name, text in texts.items():
        path = tmp_path / name.replace("_", ".")
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        paths[name] = str(path)
    return paths


def pyshacl_results(data: str, shapes: str | None = None) -> set[tuple[str, str]]:
    """pySHACL's results (focus node, constraint component) on the same files, parsed by rdflib."""
    import pyshacl
    shapes_graph = Graph().parse(shapes) if shapes is not None else None
    _, report, _ = pyshacl.validate(Graph().parse(data), shacl_graph=shapes_graph)
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)))
            for r in report.objects(None, SH.result)}


def our_results(result: Result) -> set[tuple[str, str]]:
    report = report_of(result, "turtle")
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)))
            for r in report.objects(None, SH.result)}


def test_sparql_constraints_use_the_datas_prefixes_as_under_pyshacl(tmp_path: Path) -> None:
    f = files(tmp_path, d2_ttl=CODES, np_ttl=PREFIXED_SPARQL)
    result = run("--data", f["d2_ttl"], "--shapes", f["np_ttl"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[-1] == f"3 violations, 0 warnings (shapes: {f['np_ttl']})"
    full = run("--data", f["d2_ttl"], "--shapes", f["np_ttl"], "--format", "turtle")
    assert our_results(full) == pyshacl_results(f["d2_ttl"], f["np_ttl"]) and len(our_results(full)) == 3


def test_a_prefix_only_the_shapes_file_declares_gets_shacls_advice(tmp_path: Path) -> None:
    f = files(tmp_path, d2_nt=b"<http://example.org/a> <http://example.org/code> \"AB\" .\n",
              np_ttl=PREFIXED_SPARQL)
    with pytest.raises(Exception, match="Unknown namespace prefix"):  # pySHACL fails on it too
        pyshacl_results(f["d2_nt"], f["np_ttl"])
    result = run("--data", f["d2_nt"], "--shapes", f["np_ttl"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "the prefix ex: is not declared: declare it in the shapes with sh:declare" in result.stderr
    assert "sh:prefixes" in result.stderr and "add PREFIX" not in result.stderr


def test_data_holding_shapes_is_validated_against_them_as_by_pyshacl(tmp_path: Path) -> None:
    combined = PYSHACL_PREFIXES + CODES.split("\n", 1)[1] + CODE_SHAPES.split("\n", 2)[2]
    f = files(tmp_path, combined_ttl=combined)
    result = run("--data", f["combined_ttl"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "5 violations, 0 warnings (shapes: those in the data)"
    full = run("--data", f["combined_ttl"], "--format", "turtle")
    assert our_results(full) == pyshacl_results(f["combined_ttl"]) and len(our_results(full)) == 5


def test_data_and_shapes_formats_may_be_named(tmp_path: Path) -> None:
    """pySHACL's -df and -sf: for files without a known extension, and for standard input."""
    jsonld = b'{"@id": "http://example.org/a", "http://example.org/code": "AB"}'
    f = files(tmp_path, d2_txt=CODES, d2=CODES, shapes_txt=CODE_SHAPES)
    unnamed = run("--data", f["d2_txt"], "--shapes", SHAPES)
    assert unnamed.exit_code == 2 and "unknown RDF format for extension '.txt'" in unnamed.stderr
    assert "name the format with --data-format" in unnamed.stderr
    for name in ("turtle", "ttl", "text/turtle"):  # the registry's names, as the service's data-format
        named = run("--data", f["d2_txt"], "--data-format", name,
                    "--shapes", f["shapes_txt"], "--shapes-format", "turtle")
        assert named.exit_code == 1, named.stderr
        assert named.stdout.splitlines()[-1].startswith("5 violations")
    assert run("--data", f["d2"], "--data-format", "turtle", "--shapes", f["shapes_txt"]).exit_code == 2
    piped = CliRunner().invoke(main, ["validate", "--data", "-", "--data-format", "json-ld", "--shapes",
                                      f["shapes_txt"], "--shapes-format", "turtle"], input=jsonld)
    assert piped.exit_code == 1, piped.stderr
    assert piped.stdout.splitlines()[-1].startswith("2 violations")  # the pattern, and no ex:name
    odd = run("--data", f["d2_txt"], "--data-format", "csv", "--shapes", SHAPES)
    assert odd.exit_code == 2 and "'csv' is not one of 'turtle', 'ntriples', 'jsonld'" in odd.stderr


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"])
def test_a_byte_order_mark_is_skipped_as_pyshacl_does(tmp_path: Path, fmt: str) -> None:
    registered = formats.by_name(fmt)
    quads = documents.parse_quads(CODES.encode(), formats.by_name("turtle"))
    body = b"\xef\xbb\xbf" + ox.serialize(quads, format=registered.oxigraph) if registered.kind == "dataset" \
        else b"\xef\xbb\xbf" + ox.serialize([q.triple for q in quads], format=registered.oxigraph)
    shapes = b"\xef\xbb\xbf" + CODE_SHAPES.encode()
    f = files(tmp_path, **{f"data_{registered.extension}": body, "shapes_ttl": shapes})
    result = run("--data", f[f"data_{registered.extension}"], "--shapes", f["shapes_ttl"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[-1].startswith("5 violations")
    if fmt == "turtle":
        assert pyshacl_results(f["data_ttl"], f["shapes_ttl"]) == our_results(
            run("--data", f["data_ttl"], "--shapes", f["shapes_ttl"], "--format", "turtle"))


def test_a_document_in_another_format_than_read_says_which_and_how_to_name_it(tmp_path: Path) -> None:
    """The service's "it looks like JSON-LD" hint, given by the command too: JSON-LD piped in is
    read as Turtle, and a file's extension may say another format than it holds."""
    jsonld = b'{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "ex:p": 1}'
    piped = CliRunner().invoke(main, ["validate", "--data", "-", "--shapes", SHAPES], input=jsonld)
    assert piped.exit_code == 2
    assert piped.stderr.rstrip().endswith(
        "(it was read as Turtle, but it looks like JSON-LD: give --data-format jsonld)")
    misnamed = tmp_path / "shapes.jsonld"
    misnamed.write_bytes(Path(SHAPES).read_bytes())
    result = run("--data", VALID, "--shapes", str(misnamed))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "but it looks like Turtle: give --shapes-format turtle)" in result.stderr


def test_the_datas_blank_nodes_and_the_shapes_are_two_sets(tmp_path: Path) -> None:
    from test_validate_http import BLANK_DATA, BLANK_SHAPES, blank_nodes_kept_apart

    done, _ = run_on(tmp_path, BLANK_DATA, BLANK_SHAPES, "--format", "turtle")
    assert done.exit_code == 1, done.output
    blank_nodes_kept_apart(Graph().parse(data=done.output, format="turtle"))


RULE_SHAPES = ("@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
               "ex:S a sh:NodeShape ; sh:targetClass ex:Person ;\n"
               "  sh:property [ sh:path ex:name ; sh:minCount 1 ] ;\n"
               "  sh:rule [ a sh:TripleRule ; sh:subject sh:this ;\n"
               "            sh:predicate ex:name ; sh:object \"x\" ] .\n")


def test_rules_in_the_shapes_are_said_not_to_run(tmp_path: Path) -> None:
    # Run, the rule would give ex:b its name and the data would conform: it is not, and it is said.
    result, _ = run_on(tmp_path, "@prefix ex: <http://example.org/> .\nex:b a ex:Person .\n", RULE_SHAPES)
    assert result.exit_code == 1
    headline = result.stdout.splitlines()[0]
    assert "SHACL rules (sh:rule, an Advanced Feature), which are not run here" in headline


@pytest.mark.parametrize("unit", [b'"""\\', b"'''\\'", b'"""' + b"\\" * 50 + b'"'],
                         ids=["double-quotes", "single-quotes", "backslash-runs"])
def test_telling_what_a_document_looks_like_takes_time_linear_in_it(unit: bytes) -> None:
    """The hint for a document that failed to parse (TriG read as Turtle) is worked out outside
    the time limit, in the web worker: a regular expression for long strings took 35 s for 1.2 MB
    of openings that never close."""
    import time

    def took(n: int) -> float:
        body, times = unit * n, []
        for _ in range(3):  # this thread's CPU time, the fastest of three (see test_workbench)
            started = time.thread_time()
            formats.looks_like(body, formats.named("turtle"))
            times.append(time.thread_time() - started)
        return min(times)

    short, long = took(2_000), took(8_000)
    assert long < 8 * short + 0.05 and long < 5


def test_placing_an_rdf_xml_error_takes_time_linear_in_the_document() -> None:
    """What an RDF/XML error names is looked for outside the document's comments; each place it
    is written in one was tested against every comment, 2 MB of them in minutes."""
    import time

    from graph_service.graph.rdf.documents import RdfSyntaxError, parse_quads

    def took(n: int) -> tuple[float, str, bytes]:
        body = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                + b"<!-- bad iri -->" * n + b'<rdf:Description rdf:about="bad iri"/></rdf:RDF>')
        times, said = [], ""
        for _ in range(3):  # this thread's CPU time, the fastest of three (see test_workbench)
            started = time.thread_time()
            with pytest.raises(RdfSyntaxError) as caught:
                parse_quads(body, formats.named("rdfxml"), "data")
            times.append(time.thread_time() - started)
            said = str(caught.value)
        return min(times), said, body

    (short, _, _), (long, said, body) = took(5_000), took(20_000)
    assert long < 4 * short + 0.05 and long < 5
    # Placed where it is written, not in the comments before it.
    assert said.startswith(f"data: at line 1, column {body.index(b'about=') + len('about=') + 2}: ")


def test_the_time_limit_counts_reading_the_files_and_stops_in_one_line(tmp_path: Path):
    """Past the limit while reading: a traceback and exit 1 (data that does not conform). Reading,
    then making rdflib's graph of 60,000 triples (1.5 s), then validating each had a limit of its
    own: a 0.5 s limit stopped the command after 2.5 s."""
    import time

    data = tmp_path / "chain.ttl"
    data.write_text("@prefix ex: <http://e/> .\n" + "".join(
        f'ex:n{i} ex:p ex:n{i + 1} ; ex:v "{i}" .\n' for i in range(30_000)), encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://e/> .\n"
                      "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:v ; "
                      "sh:datatype <http://www.w3.org/2001/XMLSchema#integer> ] .\n", encoding="utf-8")
    for limit in ("0.1", "0.5"):
        started = time.monotonic()
        result = CliRunner().invoke(main, ["validate", "--data", str(data), "--shapes", str(shapes),
                                           "--validation-timeout", limit])
        took = time.monotonic() - started
        assert (result.exit_code, result.stderr) == (2, (
            f"graph-service: validation stopped after its time limit of {limit} s, reading the files "
            "included (--validation-timeout sets it)\n")), result.output
        assert took < float(limit) + 1.5, took  # the old way: 2.5 s for 0.5


def test_the_time_limit_runs_from_when_standard_input_has_arrived(tmp_path: Path):
    """A pipe whose writer takes its time (curl, a person typing) was stopped at the limit."""
    import subprocess
    import sys
    import time

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://e/> .\n"
                      "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 2 ] .\n",
                      encoding="utf-8")
    command = [sys.executable, "-m", "graph_service.cli", "validate", "--data", "-", "--shapes", str(shapes),
               "--validation-timeout", "1"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as running:
        time.sleep(1.5)
        out, err = running.communicate('@prefix ex: <http://e/> .\nex:a ex:p "x" .\n', timeout=60)
    assert running.returncode == 1 and "1 violation" in out, err  # validated: not stopped


def test_with_the_projects_shapes_the_whole_ontology_is_mixed_in_as_when_it_is_named(tmp_path: Path) -> None:
    """Only the ontology's class hierarchy was mixed into the data by default: a link to one of its
    terms (lib:heldBy lib:City) was then to a resource with no type or label, two violations
    (shapes:LinkedResource-type and -label) that pySHACL with the ontology, and this command
    with `-e ontology/liberation.ttl`, do not give."""
    data = tmp_path / "mine.ttl"
    data.write_text("""@prefix lib: <https://w3id.org/liberation-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/liberation-kg/id/place/x> a lib:City ; rdfs:label "X"@en ; lib:heldBy lib:City .
""", encoding="utf-8")
    by_default = run("--data", str(data))
    named = run("--data", str(data), "-e", str(Path(__file__).parent.parent / "ontology" / "liberation.ttl"))
    assert by_default.exit_code == named.exit_code == 1
    assert "LinkedResource" not in by_default.stdout
    assert by_default.stdout.replace(str(data), "") == named.stdout.replace(str(data), "")


def test_data_past_the_memory_limit_is_refused_as_it_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    # /dev/zero was read until the machine's memory ran out (12 GB in 7 s), and a file past the
    # limit was read whole before the validation's limits applied.
    monkeypatch.setenv("GRAPH_SERVICE_QUERY_MEMORY_MB", "64")
    big = tmp_path / "big.ttl"
    with big.open("wb") as f:
        f.truncate(65 * 2**20)  # sparse: no byte of it is written, nor read
    for data in ("/dev/zero", str(big)):
        result = run("--data", data, "-df", "turtle", "--shapes", SHAPES)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            f"graph-service: {data}: over the validation's memory limit of 64 MiB "
            "(GRAPH_SERVICE_QUERY_MEMORY_MB): it cannot be read within it"]


def test_a_time_limit_for_the_projects_own_validation_is_said_to_have_no_effect(project: None):
    # It was taken without a word, and had none (the project's validation took 4.4 s with 0.5).
    result = run("--validation-timeout", "0.5")
    assert result.exit_code == 1  # the fixture standing in for the project's data does not conform
    assert result.stderr.splitlines()[0] == (
        "graph-service: --validation-timeout limits the validation of your files (--data); the project's "
        "own data is validated without it")
    assert "--validation-timeout" not in run().stderr
