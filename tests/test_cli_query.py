"""`graph-service query`: SPARQL over the built graph, as a table or a results format."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_service.cli import main
from graph_service.graph.query import runner
from graph_service.graph.rdf.namespace import ID

QUERIES = Path(__file__).parent.parent / "queries"
PHOTOS = "SELECT (COUNT(*) AS ?photos) WHERE { ?p a <https://w3id.org/liberation-kg/ontology#Photograph> }"


def run(*args: str):
    return CliRunner().invoke(main, ["query", *args])


def test_query_text_after_double_dash_prints_a_table():
    result = run("--", PHOTOS)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split("|")[1].strip() == "photos"
    # The article has 44 captions, each a photograph of the graph.
    assert lines[3].split("|")[1].strip() == "44"
    assert lines[-1] == "1 row"


def test_a_query_file_in_each_results_format():
    rq = str(QUERIES / "08-contested-dates.rq")
    as_json = json.loads(run(rq, "--format", "json").stdout)
    dates = sorted(b["claimDate"]["value"] for b in as_json["results"]["bindings"])
    assert dates == ["1944-08-25", "1944-08-26"]
    rows = list(csv.DictReader(io.StringIO(run(rq, "--format", "csv").stdout)))
    assert sorted(r["claimDate"] for r in rows) == dates
    tsv = run(rq, "--format", "tsv").stdout.splitlines()
    assert tsv[0].startswith("?") and len(tsv) == 3


def test_a_construct_query_as_turtle():
    result = run("--format", "turtle", "--",
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                 "CONSTRUCT { <https://w3id.org/liberation-kg/id/city/paris> rdfs:label ?label } "
                 "WHERE { <https://w3id.org/liberation-kg/id/city/paris> rdfs:label ?label }")
    assert result.exit_code == 0
    assert '"Paris"@en' in result.stdout


def test_a_bad_query_is_one_line_with_its_position_and_exit_2():
    result = run("--", "SELECT ?x WHERE { ?x ?p }")
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("graph-service: bad query:")
    # one position, ours: the parser's own (a column on) would be a second, different one
    assert "line 1, column 25:" in line and not re.search(r"\b1:\d+\b", line), line


def test_a_missing_file_is_one_line_and_exit_2():
    result = run("no-such-question.rq")
    assert result.exit_code == 2
    assert result.stderr.strip() == "graph-service: no-such-question.rq: No such file or directory"


def test_a_format_that_cannot_hold_the_answer_is_refused():
    result = run("--format", "turtle", "--", PHOTOS)
    assert result.exit_code == 2
    assert result.stderr == ("graph-service: --format turtle cannot hold the answer of this query; use one "
                             "of json, xml, csv, tsv, text\n")


def test_format_words_mean_for_a_construct_what_the_endpoint_takes_them_to_mean():
    # format=text and format=json of a CONSTRUCT are N-Triples and JSON-LD at /sparql (SPARQLWrapper's
    # and Fuseki's words); the command line refused them.
    construct = "CONSTRUCT { ?p a <https://w3id.org/liberation-kg/ontology#Photograph> } WHERE { " \
                "?p a <https://w3id.org/liberation-kg/ontology#Photograph> }"
    text = run("--format", "text", "--", construct)
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert len(lines) == 44 and all(re.fullmatch(r"<[^>]+> <[^>]+> <[^>]+> \.", line) for line in lines)
    as_json = json.loads(run("--format", "json", "--", construct).stdout)
    assert len(as_json["@graph"]) == 44 and "@context" in as_json
    assert run("--format", "rdf", "--", construct).stdout.startswith("<?xml")
    assert run("--format", "n3", "--", construct).stdout.startswith("@prefix")
    refused = run("--format", "csv", "--", construct)
    assert refused.exit_code == 2
    assert refused.stderr == ("graph-service: --format csv cannot hold the answer of this query; use one "
                              "of turtle, ntriples, jsonld, rdfxml, trig, nquads\n")


def test_an_undeclared_prefix_is_named_with_the_declaration_to_add():
    result = run("--", "SELECT ?x WHERE {\n  ?x lib:liberationOf ?city }")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "graph-service: bad query: line 2, column 6: the prefix lib: is not declared; "
        "add PREFIX lib: <https://w3id.org/liberation-kg/ontology#>")


def test_the_query_from_standard_input():
    text = (Path(__file__).parents[1] / "queries" / "01-capitals-in-order-of-liberation.rq").read_text()
    result = CliRunner().invoke(main, ["query", "--format", "csv", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["capitalLabel"] for r in rows][:2] == ["Rome", "Paris"] and len(rows) == 9
    assert CliRunner().invoke(main, ["query", "-"], input="ASK { ?s ?p ?o }").stdout == "yes\n"


def test_standard_input_that_is_not_utf8_and_an_empty_query_text_are_named_so():
    result = CliRunner().invoke(main, ["query", "-"], input=b"ASK { \xff }")
    assert result.exit_code == 2 and result.stderr.startswith(
        "graph-service: standard input: at line 1 column 7: the byte 0xFF is not UTF-8")
    result = run("--", "")
    assert result.exit_code == 2 and result.stderr == "graph-service: the query is empty\n"


def test_a_long_query_text_after_the_dashes_is_the_query_not_a_file_name():
    # An example's whole text, comments first: longer than a file name may be (ENAMETOOLONG).
    text = (QUERIES / "30-claims-other-accounts-dispute.rq").read_text()
    assert text.startswith("# Question:") and len(text) > 255
    result = run("--format", "csv", "--", text)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all("other accounts" in r["otherAccounts"].lower() for r in rows)
    from_file = run("--format", "csv", str(QUERIES / "30-claims-other-accounts-dispute.rq"))
    assert result.stdout == from_file.stdout


def test_the_text_format_is_the_endpoints_table_and_every_format_ends_its_last_line():
    # As `format=text` at the endpoint (Jena's layout), with the query's own prefixes.
    result = run("--format", "text", "--", "PREFIX city: <https://w3id.org/liberation-kg/id/city/> "
                 "SELECT ?c WHERE { VALUES ?c { city:paris } }")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:4] == ["| c          |", "==============", "| city:paris |"]
    # A relative namespace is the BASE's, as the parser reads names written with it.
    result = run("--format", "text", "--", "BASE <http://ex.org/> PREFIX x: <a/> "
                 "SELECT ?s { VALUES ?s { x:b <c> } }")
    assert result.stdout.splitlines()[3:5] == ["| x:b               |", "| <http://ex.org/c> |"]
    assert run("--format", "text", "--", "ASK {}").stdout == "Ask => Yes\n"
    assert run("--format", "json", "--", "ASK {}").stdout.endswith("}\n")


def test_a_bad_query_is_explained_as_the_service_explains_it():
    result = run("--", "SELECT * WHERE {")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "line 1, column 16: this { is never closed: add a } where it ends" in line


def test_output_that_cannot_be_written_is_one_line_and_exit_2():
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-c", "from graph_service.cli import main; main()", "query",
                               "--format", "csv", str(QUERIES / "08-contested-dates.rq")],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["graph-service: cannot write the output: No space left on device"]


@pytest.mark.parametrize("command", [["query", "--", "ASK {}"], ["query", "--format", "json", "--", "ASK {}"],
                                     ["export"], ["reason"], ["validate"]])
def test_a_closed_standard_output_is_one_line_and_exit_2(command, tmp_path: Path):
    # Started with `>&-`: a traceback and exit 1 (validate's "does not conform"), or, for the
    # table, exit 0 and the answer lost without a word.
    if command == ["validate"]:
        (tmp_path / "d.ttl").write_text("<urn:a> <urn:p> 1 .\n", encoding="utf-8")
        shape = "<urn:S> a <http://www.w3.org/ns/shacl#NodeShape> .\n"
        (tmp_path / "s.ttl").write_text(shape, encoding="utf-8")
        command = ["validate", "--data", str(tmp_path / "d.ttl"), "--shapes", str(tmp_path / "s.ttl")]
    env = dict(os.environ)
    if command == ["reason"]:  # over sources of a triple each: the project's take seconds to reason over
        ontology = "<urn:o> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
        (tmp_path / "o.ttl").write_text(ontology, encoding="utf-8")
        (tmp_path / "f.ttl").write_text("<urn:a> <urn:p> <urn:b> .\n", encoding="utf-8")
        env |= {"GRAPH_SERVICE_ONTOLOGY_PATH": str(tmp_path / "o.ttl"),
                "GRAPH_SERVICE_DATA_PATH": str(tmp_path / "f.ttl")}
    done = subprocess.run([sys.executable, "-c", "from graph_service.cli import main; main()", *command],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=lambda: os.close(1), env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == ["graph-service: cannot write the output: standard output is closed"]


def test_a_query_past_the_longest_taken_is_refused_as_it_is_read(monkeypatch, tmp_path: Path):
    # `query /dev/zero` and `yes | query -` were read until the memory ran out.
    monkeypatch.setenv("GRAPH_SERVICE_MAX_QUERY_LENGTH", "1000")
    result = run("/dev/zero")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "graph-service: /dev/zero: longer than the longest query taken (GRAPH_SERVICE_MAX_QUERY_LENGTH)"]
    long = tmp_path / "long.rq"
    long.write_text("ASK {}" + " " * 1000, encoding="utf-8")
    for source in (str(long), "--"):
        result = run(source, "ASK {}" + " " * 1000) if source == "--" else run(source)
        assert result.exit_code == 2
        assert "the query has 1,006 characters; the limit is 1,000" in result.stderr, result.stderr
    assert run("--", "ASK {}" + " " * 994).exit_code == 0


def test_a_mistyped_path_or_a_directory_is_named_as_such_not_parsed_as_a_query(tmp_path: Path):
    # `query -- '--format'` was told to put its text after --, which it had.
    nor_query = ("no such file, nor a query (a query begins with SELECT, CONSTRUCT, ASK, DESCRIBE, "
                 "PREFIX or BASE; text that begins with - goes after --)")
    for source, message in ((str(tmp_path / "nothere.txt"), nor_query), ("--format", nor_query),
                            ("SELEC", nor_query), ("./q1", "no such file"),
                            (str(tmp_path), "is a directory")):
        result = run("--", source)
        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert line.startswith(f"graph-service: {source}: ") and message in line, line


def test_a_query_file_that_is_not_utf8_is_placed_at_its_first_bad_byte(tmp_path: Path):
    """As `validate` places one in a data file: "not UTF-8 text" said neither where nor what to do."""
    latin1 = tmp_path / "latin1.rq"
    latin1.write_bytes(b'SELECT * WHERE {\n  ?s ?p "caf\xe9" }\n')
    result = run(str(latin1))
    assert result.exit_code == 2 and result.stderr == (
        f"graph-service: {latin1}: at line 2 column 13: the byte 0xE9 is not UTF-8, which a SPARQL "
        "query is read as (an export from Windows converts with iconv -f windows-1252 -t utf-8)\n")
    utf16 = tmp_path / "utf16.rq"
    utf16.write_bytes("ASK {}".encode("utf-16"))
    assert "iconv -f utf-16 -t utf-8" in run(str(utf16)).stderr
    # UTF-32's little-endian mark begins as UTF-16's does; UTF-8's own mark is no column.
    utf32 = tmp_path / "utf32.rq"
    utf32.write_bytes("ASK {}".encode("utf-32"))
    assert "the file is UTF-32" in run(str(utf32)).stderr and "iconv -f utf-32" in run(str(utf32)).stderr
    marked = tmp_path / "marked.rq"
    marked.write_bytes(b'\xef\xbb\xbfASK { "caf\xe9" }')
    assert ": at line 1 column 11: the byte 0xE9" in run(str(marked)).stderr
    # Query text after --, as a terminal hands over bytes that are not UTF-8 (surrogateescape).
    result = run("--", 'ASK { "caf\udce9" }')
    assert result.exit_code == 2 and result.stderr.startswith(
        "graph-service: the query text: at line 1 column 11: the byte 0xE9 is not UTF-8"), result.stderr


def test_a_byte_order_mark_before_a_query_file_is_not_part_of_it(tmp_path: Path):
    rq = tmp_path / "bom.rq"
    rq.write_bytes(b"\xef\xbb\xbf" + PHOTOS.encode())
    result = run(str(rq))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[3].split("|")[1].strip() == "44"


def test_line_breaks_and_tabs_in_values_stay_in_their_cell():
    result = run("--", 'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a\\nb\\tc" "d|e") } }')
    lines = result.stdout.splitlines()
    assert lines[3] == "| a\\nb\\tc | d|e |" and lines[-1] == "1 row"
    assert run("--", "SELECT * {}").stdout == "(no columns) 1 row\n"
    # a typed backslash and n is not a line break
    assert run("--", 'SELECT ?x WHERE { VALUES ?x { "a\\\\nb" } }').stdout.splitlines()[3] == "| a\\\\nb |"
    # a byte-order mark before query text given after --
    assert run("--", "\ufeffASK {}").stdout == "yes\n"


def test_control_characters_are_escaped_in_the_table_and_refused_in_sparql_xml():
    """A bell or an escape sequence in a value would ring the terminal or colour what follows; in
    SPARQL XML it makes a document no parser reads (the endpoint refuses it: 406)."""
    table = run("--", 'SELECT ?x WHERE { VALUES ?x { "a\\u0007b\\u001B[31mc" } }')
    assert table.stdout.splitlines()[3] == "| a\\u0007b\\u001B[31mc |"
    # A mark that turns the text's direction is written as its escape too; a wide character takes
    # two columns and a combining accent none, so the borders stay in line.
    table = run("--", 'SELECT ?x WHERE { VALUES ?x { "x\\u202Ey" "\\u65E5\\u672C" "e\\u0301" } }')
    assert table.stdout.splitlines()[3:6] == ["| x\\u202Ey |", "| 日本     |", "| e\u0301        |"]
    refused = run("--format", "xml", "--", 'SELECT ?x WHERE { VALUES ?x { "a\\u0007b" } }')
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "SPARQL XML cannot hold this answer: it holds the character U+0007" in refused.stderr
    assert "give another --format: json, csv, tsv, text" in refused.stderr
    # For a CONSTRUCT, the formats that hold triples (csv and tsv were offered, and refused).
    graph = run("--format", "rdfxml", "--", 'CONSTRUCT { <http://e/a> <http://example.org/1> "x" } WHERE {}')
    assert graph.exit_code == 2
    assert graph.stderr.strip().endswith("give another --format: turtle, ntriples, jsonld, trig, nquads")
    kept = run("--format", "xml", "--", 'SELECT ?x WHERE { VALUES ?x { "a\\rb" } }')
    assert kept.exit_code == 0 and "<literal>a&#13;b</literal>" in kept.stdout


def test_a_runaway_stops_at_the_time_limit_and_an_explosive_query_is_refused():
    # Run in this process, pyoxigraph held the terminal until the query ended (hours), Ctrl-C
    # included: it answers signals only between rows.
    product = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(5)) + " }"
    result = run("--query-timeout", "0.5", "--", product)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "graph-service: query stopped after its time limit of 0.5 s (--query-timeout or "
        "GRAPH_SERVICE_QUERY_TIMEOUT sets it)"]
    # A NOT EXISTS is run once for each row by this engine: the line says what may answer at once.
    unmatched = ('SELECT (COUNT(*) AS ?n) WHERE { ?x ?y ?z '
                 'FILTER NOT EXISTS { ?a ?p ?b FILTER(STR(?b) = "no such text") } }')
    result = run("--query-timeout", "0.5", "--", unmatched)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "graph-service: query stopped after its time limit of 0.5 s (--query-timeout or "
        "GRAPH_SERVICE_QUERY_TIMEOUT sets it); this engine evaluates NOT EXISTS and EXISTS once for every "
        "row: MINUS { ... } in place of NOT EXISTS, or the pattern joined in (with DISTINCT) in place of "
        "EXISTS, often answers at once, and answers the same where the pattern shares a variable with the "
        "rest, bound in every row, and its filters name only its own variables"]
    explosive = product.replace("?o4 .", "?o4 . ?s5 ?p5 ?o5 .")
    result = run("--", explosive)
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert re.match(r"graph-service: query stopped after \d+ ms: the query joins 6 parts", line), line
    # Estimated before it runs where the endpoint estimates it so: a query over 4,000 characters.
    result = run("--", explosive + " #" + "-" * 4_000)
    assert result.exit_code == 2
    assert result.stderr.startswith("graph-service: query refused before it ran: the query joins 6 parts")


def test_a_product_that_answers_at_once_is_answered_as_the_endpoint_answers_it(monkeypatch):
    # Six parts that share no variable, each pinned to one capital: over the product limit, and
    # answered within the endpoint's 20 ms; the command refused it outright. (Given 2 s here, so
    # that a busy machine's pause does not count as the query's.)
    monkeypatch.setattr(runner, "ESTIMATE_AFTER", 2.0)
    parts = " ".join(f"<{ID}city/{city}> ?p{i} ?o{i} ." for i, city in enumerate(
        ("paris", "rome", "warsaw", "prague", "berlin", "brussels")))
    result = run("--", f"ASK {{ {parts} }}")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "yes\n", "")


def test_the_estimate_uses_the_services_limit(monkeypatch):
    # The command refuses what the endpoint would, by the same setting.
    three = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    monkeypatch.setenv("GRAPH_SERVICE_QUERY_MAX_PRODUCT", "2")
    result = run("--", three)
    assert result.exit_code == 2
    assert re.search(r"stopped after \d+ ms: the query joins 3 parts", result.stderr), result.stderr
    assert "the limit is 2" in result.stderr


def test_ctrl_c_ends_the_command_as_it_ends_a_program_and_leaves_no_query_running():
    """click ended it "Aborted!" with 1, which `validate` gives for data that does not conform, and
    a shell loop running the command went on to its next round."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import children_of

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?c != ?f) }"
    with subprocess.Popen([sys.executable, "-m", "graph_service.cli", "query", "--query-timeout", "60", "--",
                           runaway], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          preexec_fn=_as_from_a_terminal) as running, _killed_after(running, 90):
        def query_process() -> int | None:
            # A fork of the command that has worked a tenth of a second: the query is under way. An
            # import's program (ldconfig) shows the command's name too while it is being started.
            for pid in children_of(running.pid):
                with contextlib.suppress(OSError):
                    if b"graph_service.cli" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                        continue
                    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[11]) + int(stat[12]) >= os.sysconf("SC_CLK_TCK") // 10:
                        return pid
            return None

        deadline = time.monotonic() + 60
        while (child := query_process()) is None:
            assert time.monotonic() < deadline and running.poll() is None
            time.sleep(0.05)
        running.send_signal(signal.SIGINT)
        out, err = running.communicate(timeout=30)
    assert running.returncode == -signal.SIGINT, (running.returncode, err)
    assert (out, err) == ("", "graph-service: interrupted\n")
    stopped_by = time.monotonic() + 5  # a query process killed as the command ended is let die
    while not _gone(child) and time.monotonic() < stopped_by:
        time.sleep(0.05)
    assert _gone(child)


@pytest.mark.parametrize(("loaded", "args"), [
    ("graph_service.config", ["query", "ASK {}"]),  # most of the project's modules still to come
    ("graph_service.cli.group", ["query", "ASK {}"]),  # all loaded, the command not yet begun
    ("graph_service.cli.options", ["--help"]),  # the help loads every command's module
])
def test_ctrl_c_while_the_command_loads_ends_it_as_during_a_command(loaded, args):
    """The modules load for most of a second before any command runs: a Ctrl-C then printed
    Python's traceback of the imports, or click's "Aborted!" with 1 (`validate`'s exit for data
    that does not conform)."""
    import signal
    import subprocess
    import sys

    # -X importtime writes a line as each module has loaded: the signal goes once `loaded` has.
    with subprocess.Popen([sys.executable, "-X", "importtime", "-m", "graph_service.cli", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          preexec_fn=_as_from_a_terminal) as running, _killed_after(running, 60):
        assert running.stderr is not None
        seen = []
        for line in running.stderr:
            seen.append(line)
            if line.rpartition("|")[2].strip() == loaded:
                running.send_signal(signal.SIGINT)
                break
        out, err = running.communicate(timeout=30)
    said = [line for line in [*seen, *err.splitlines(keepends=True)] if not line.startswith("import time:")]
    assert running.returncode == -signal.SIGINT, (running.returncode, said)
    assert (out, said) == ("", ["graph-service: interrupted\n"])


@contextlib.contextmanager
def _killed_after(process: subprocess.Popen, seconds: float) -> Iterator[None]:
    """`process` killed if it is still running after `seconds`: a test that waits on it fails
    rather than hangs."""
    timer = threading.Timer(seconds, process.kill)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _as_from_a_terminal() -> None:
    """Ctrl-C as a command started from a terminal receives it: a process started in the
    background (`make test &`) ignores SIGINT, and so does every program it starts, whose Ctrl-C
    then went unheard (the command ran on to its end)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _gone(pid: int) -> bool:
    """Exited: no process, or a zombie its new parent has not yet reaped (state Z, after the name)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def test_a_triple_term_is_a_cell_of_the_table_and_a_term_of_every_format():
    # RDF 1.2 triple terms, which the engine answers and rdflib has no term for: the command
    # failed on them ("query failed: unsupported term").
    select = 'SELECT ?t WHERE { BIND(<<( <http://ex.org/a> <http://ex.org/b> "c" )>> AS ?t) }'
    table = run("--", select)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[3] == '| <<( <http://ex.org/a> <http://ex.org/b> "c" )>> |'
    binding = json.loads(run("--format", "json", "--", select).stdout)["results"]["bindings"][0]["t"]
    assert binding["type"] == "triple" and binding["value"]["object"] == {"type": "literal", "value": "c"}
    term = '<<( <http://ex.org/a> <http://ex.org/b> "c" )>>'
    statement = f"<http://ex.org/x> <http://ex.org/y> {term}"
    construct = run("--format", "ntriples", "--", f"CONSTRUCT {{ {statement} }} WHERE {{}}")
    assert construct.stdout == f"{statement} .\n", construct.output
