"""The build pipeline: load -> validate -> reason -> snapshot, its cache, and what it refuses.

Every test builds from copies of tests/fixtures/reasoning/ in a temporary directory, with the
snapshot written there too (Settings overrides), never into the project's build/.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import threading
import time
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph_service.cli import main
from graph_service.config import Settings
from graph_service.graph import load_store
from graph_service.graph.build import reasoning
from graph_service.graph.build.pipeline import (
    BuildError,
    build_snapshot,
    ensure_snapshot,
    record_path,
    reproducible,
    snapshot_path,
)
from graph_service.graph.build.progress import Progress, wants_progress
from graph_service.graph.rdf.documents import write_atomically
from graph_service.graph.rdf.namespace import NAMED_GRAPHS, PROVENANCE_GRAPH, sparql_prologue

FIXTURES = Path(__file__).parent / "fixtures" / "reasoning"
STEPS = ["load", "validate", "reason", "check", "describe", "write"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    for name in ("ontology.ttl", "facts.ttl", "shapes.ttl"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return Settings.from_env(ontology_path=tmp_path / "ontology.ttl", data_path=tmp_path / "facts.ttl",
                             shapes_path=tmp_path / "shapes.ttl", snapshot_dir=tmp_path / "build")


def _env(settings: Settings) -> dict[str, str]:
    return {"GRAPH_SERVICE_ONTOLOGY_PATH": str(settings.ontology_path),
            "GRAPH_SERVICE_DATA_PATH": str(settings.data_path),
            "GRAPH_SERVICE_SHAPES_PATH": str(settings.shapes_path),
            "GRAPH_SERVICE_SNAPSHOT_DIR": str(settings.snapshot_dir), "CI": "true"}


def _files(settings: Settings) -> dict[str, tuple[bytes, int]]:
    """The snapshot's files: content and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in (snapshot_path(settings), record_path(settings))}


def _append(path: Path, extra: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + extra.read_text(encoding="utf-8"),
                    encoding="utf-8")


def _store(settings: Settings) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(snapshot_path(settings)), format=ox.RdfFormat.N_QUADS)
    return store


def _select(store: ox.Store, query: str) -> set[str]:
    return {row[0].value for row in store.query(sparql_prologue() + query, use_default_graph_as_union=True)}


# --------------------------------------------------------------------------------------------
# The snapshot
# --------------------------------------------------------------------------------------------


def test_build_writes_every_named_graph_with_inferences_kept_apart(settings):
    result = build_snapshot(settings, progress=Progress.quiet())
    assert not result.reused
    assert result.path == snapshot_path(settings)
    store = _store(settings)
    graphs = {g.value for g in store.named_graphs()}
    # (the fixture writes no per-statement sources, so its provenance graph is empty)
    assert graphs == {str(g) for g in NAMED_GRAPHS if g != PROVENANCE_GRAPH}

    event = "https://w3id.org/liberation-kg/id/event/liberation-of-paris"
    # A query for crm:E5_Event or sem:Event finds the event (a lib:Liberation in the facts) ...
    assert _select(store, "SELECT ?e { ?e a crm:E5_Event }") == {event}
    assert _select(store, "SELECT ?e { ?e a sem:Event }") == {event}
    # ... from the inferred graph, and the facts still say only what they said.
    assert _select(store, "SELECT ?e { GRAPH <https://w3id.org/liberation-kg/graph/inferred> "
                          "{ ?e a crm:E5_Event } }") == {event}
    assert _select(store, "SELECT ?e { GRAPH <https://w3id.org/liberation-kg/graph/facts> "
                          "{ ?e a crm:E5_Event } }") == set()
    assert _select(store, "SELECT ?p { ?p lib:partOf* <https://w3id.org/liberation-kg/id/country/france> "
                          "FILTER(isIRI(?p)) }") >= {"https://w3id.org/liberation-kg/id/street/rue-de-rivoli"}


def test_record_has_hashes_counts_and_timings(settings):
    build_snapshot(settings, progress=Progress.quiet())
    record = json.loads(record_path(settings).read_text())
    for name, path in (("ontology", settings.ontology_path), ("data", settings.data_path),
                       ("shapes", settings.shapes_path)):
        assert record["sources"][name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record["code"]["reasoning-filter"] == reasoning.FILTER_VERSION
    assert record["code"]["graph-service"]
    counts = {}
    for quad in _store(settings):
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    assert {info["iri"]: info["triples"] for info in record["graphs"].values() if info["triples"]} == counts
    assert record["graphs"]["inferred"]["triples"] > 0
    assert record["reasoning"]["asserted"] == record["graphs"]["ontology"]["triples"] + \
        record["graphs"]["facts"]["triples"]
    # (reasonable, the default engine, never materialises owlrl's reflexive axioms to drop them)
    assert record["reasoning"]["engine"] == settings.reasoner == "reasonable"
    assert set(record["reasoning"]["dropped"]) >= {"built-in-vocabulary", "owl-thing"}
    assert record["validation"]["results"] == {"Warning": 1}  # warnings do not stop a build
    assert list(record["timings"]) == STEPS
    assert datetime.fromisoformat(record["created"].replace("Z", "+00:00"))
    assert record["snapshot"]["sha256"] == hashlib.sha256(snapshot_path(settings).read_bytes()).hexdigest()


def test_a_tampered_snapshot_is_rebuilt_never_served(settings):
    build_snapshot(settings, progress=Progress.quiet())
    path = snapshot_path(settings)
    path.write_bytes(path.read_bytes() + b"<urn:x:evil> <urn:x:p> <urn:x:o> .\n")
    store = load_store(settings)  # what `serve` does at start
    assert not any(q.subject.value == "urn:x:evil" for q in store)
    record = json.loads(record_path(settings).read_text())
    assert b"urn:x:evil" not in path.read_bytes()
    assert record["snapshot"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_second_build_reuses_the_snapshot(settings):
    first = build_snapshot(settings, progress=Progress.quiet())
    before = _files(settings)
    second = build_snapshot(settings, progress=Progress.quiet())
    assert second.reused and not first.reused
    assert second.record == first.record
    assert _files(settings) == before
    assert "reused" in second.summary()


def test_force_rebuilds(settings):
    build_snapshot(settings, progress=Progress.quiet())
    assert not build_snapshot(settings, force=True, progress=Progress.quiet()).reused


@pytest.mark.parametrize("source", ["ontology_path", "data_path", "shapes_path"])
def test_a_changed_source_rebuilds(settings, source):
    first = build_snapshot(settings, progress=Progress.quiet())
    path: Path = getattr(settings, source)
    path.write_text(path.read_text() + "\n# edited\n<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    second = build_snapshot(settings, progress=Progress.quiet())
    assert not second.reused
    name = {"ontology_path": "ontology", "data_path": "data", "shapes_path": "shapes"}[source]
    assert second.record["sources"][name]["sha256"] != first.record["sources"][name]["sha256"]
    graph = {"ontology_path": "ontology", "data_path": "facts", "shapes_path": "shapes"}[source]
    assert second.record["graphs"][graph]["triples"] == first.record["graphs"][graph]["triples"] + 1


def test_changed_filter_version_rebuilds(settings, monkeypatch):
    build_snapshot(settings, progress=Progress.quiet())
    monkeypatch.setattr(reasoning, "FILTER_VERSION", "test")
    assert not build_snapshot(settings, progress=Progress.quiet()).reused


def test_damaged_snapshot_is_rebuilt(settings):
    build_snapshot(settings, progress=Progress.quiet())
    snapshot_path(settings).write_bytes(snapshot_path(settings).read_bytes()[:100])
    result = build_snapshot(settings, progress=Progress.quiet())
    assert not result.reused
    assert len(_store(settings)) == sum(g["triples"] for g in result.record["graphs"].values())


def test_concurrent_builders_build_once(settings):
    results = []

    def run():
        results.append(build_snapshot(settings, progress=Progress.quiet()))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.reused for r in results) == [False, True, True]


def test_snapshot_in_a_read_only_place_is_still_served(settings):
    build_snapshot(settings, progress=Progress.quiet())
    lock = settings.snapshot_dir / ".build.lock"
    lock.unlink()
    lock.mkdir()  # the lock file cannot be opened, as in a read-only directory
    assert build_snapshot(settings, progress=Progress.quiet()).reused


def test_serving_store_is_the_snapshot(settings):
    path = ensure_snapshot(settings, progress=Progress.quiet())
    store = load_store(settings)
    assert len(store) == sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    assert not list(settings.snapshot_dir.glob("*.tmp"))


def fill(store: ox.Store) -> None:
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("x")))


def test_a_new_store_prunes_stores_unused_for_a_week_beyond_the_last_few(tmp_path):
    from graph_service.graph.query.store import disk_store

    week_and_a_day = time.time() - 8 * 86400
    for i in range(5):  # stores last used over a week ago (pruning goes by the folder's time)
        (tmp_path / f"store-old-{i}").mkdir()
        os.utime(tmp_path / f"store-old-{i}", (week_and_a_day + i, week_and_a_day + i))
    (tmp_path / "store-recent").mkdir()  # used today: kept however many there are
    disk_store(tmp_path / "store-new", fill, "new")
    kept = sorted(p.name for p in tmp_path.glob("store-*"))
    # The new one, and the three used last besides it: the recent one and the two old ones.
    assert kept == ["store-new", "store-old-3", "store-old-4", "store-recent"]
    assert len(ox.Store.read_only(str(tmp_path / "store-new"))) == 1


# --------------------------------------------------------------------------------------------
# What stops a build, leaving the previous snapshot in place
# --------------------------------------------------------------------------------------------

REFUSED = {
    "invalid": ("does not conform", "1 violation"),
    "inconsistent/person-is-unit": ("id:person/patton is both lib:Group and lib:Person",
                                    "id:person/patton rdf:type lib:Person [asserted]"),
    "inconsistent/event-is-place": ("id:event/liberation-of-paris is both lib:Event and lib:Place",
                                    "lib:partOf id:country/france"),
    "inconsistent/nothing": ("id:person/nobody rdf:type owl:Nothing [asserted]",),
    "inconsistent/functional-individuals": (
        "id:participation/paris-commander lib:participant id:person/leclerc [asserted]",
        "id:participation/paris-commander lib:participant id:person/patton [asserted]"),
    "inconsistent/functional-values": ('id:timespan/paris lib:onDate "1944-08-25"^^xsd:date [asserted]',
                                       'id:timespan/paris lib:onDate "1944-08-26"^^xsd:date [asserted]'),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_build_keeps_the_previous_snapshot(settings, name):
    build_snapshot(settings, progress=Progress.quiet())
    before = _files(settings)
    _append(settings.data_path, FIXTURES / f"{name}.ttl")
    with pytest.raises(BuildError) as caught:
        build_snapshot(settings, progress=Progress.quiet())
    for phrase in REFUSED[name]:
        assert phrase in str(caught.value) + caught.value.details
    assert "\n" not in str(caught.value)
    assert _files(settings) == before
    assert not list(settings.snapshot_dir.glob("*.tmp"))


def test_cli_refused_build_exits_1_naming_the_triples(settings):
    build_snapshot(settings, progress=Progress.quiet())
    before = _files(settings)
    _append(settings.data_path, FIXTURES / "inconsistent" / "person-is-unit.ttl")
    result = CliRunner().invoke(main, ["build"], env=_env(settings))
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("graph-service: build failed: inconsistent sources: ")
    assert "id:person/patton rdf:type lib:Person [asserted]" in last
    assert "previous snapshot is unchanged" in last
    assert "Traceback" not in result.output + result.stderr
    assert _files(settings) == before


def test_cli_validation_failure_lists_the_results(settings):
    _append(settings.data_path, FIXTURES / "invalid.ttl")
    result = CliRunner().invoke(main, ["build"], env=_env(settings))
    assert result.exit_code == 1
    assert "id:city/rome" in result.stderr and "A city has a label." in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("; no snapshot")
    assert not snapshot_path(settings).exists()


def test_cli_unparseable_source_exits_2_with_line_and_column(settings):
    settings.data_path.write_text("@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\nlib:a lib:b\n")
    result = CliRunner().invoke(main, ["build"], env=_env(settings))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"graph-service: {settings.data_path}:")
    assert "line 3 column 1" in result.stderr  # the statement lacks its object and its dot
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_file_written_whole_keeps_a_link_its_mode_and_what_is_no_file(tmp_path):
    """`reason -o` and `export -o` write whole files: a symbolic link named stays a link, a file
    keeps its mode, and /dev/null (a device) was replaced by a regular file when run as root."""
    real, link = tmp_path / "real.ttl", tmp_path / "link.ttl"
    real.write_bytes(b"old")
    real.chmod(0o600)
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    if os.geteuid() == 0:  # a device of one's own: mknod needs root
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        write_atomically(device, b"gone")
        assert stat.S_ISCHR(device.stat().st_mode)


def test_a_snapshot_that_cannot_be_written_is_named_in_one_line(settings, tmp_path):
    # The file meant, not the temporary one beside it (".snapshot.nq.x1y2.tmp") the user never named.
    with pytest.raises(OSError) as caught:
        write_atomically(tmp_path / "gone" / "snapshot.nq", b"")
    assert caught.value.filename == str(tmp_path / "gone" / "snapshot.nq")
    # `serve` with nowhere to build its snapshot: one line naming it, exit 2, no traceback.
    (tmp_path / "file").write_text("")
    env = {**_env(settings), "GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "file" / "snapshots")}
    result = CliRunner().invoke(main, ["serve", "--port", "0"], env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith("graph-service: cannot write the snapshot: ")
    assert str(tmp_path / "file") in result.stderr and result.stderr.count("\n") == 1
    # What stands in the way, and which setting to change (the system's "Not a directory" said neither).
    assert f"lies in {tmp_path / 'file'}, which is a file, not a folder (GRAPH_SERVICE_SNAPSHOT_DIR " \
        "names a folder)" in result.stderr
    for command in (["build"], ["query", "--", "ASK {}"]):
        env = {**_env(settings), "GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "file")}
        result = CliRunner().invoke(main, command, env=env)
        assert result.exit_code == 2 and result.stderr == (
            f"graph-service: {tmp_path / 'file'}: is a file, not a folder "
            "(GRAPH_SERVICE_SNAPSHOT_DIR names a folder)\n"), command


def test_cli_missing_source_exits_2(settings):
    settings.shapes_path.unlink()
    result = CliRunner().invoke(main, ["build"], env=_env(settings))
    assert result.exit_code == 2
    assert str(settings.shapes_path) in result.stderr and "No such file" in result.stderr


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_cli_build_prints_counts_and_timings_then_reuses(settings):
    runner = CliRunner()
    first = runner.invoke(main, ["build"], env=_env(settings))
    assert first.exit_code == 0, first.stderr
    assert "rebuilt" in first.stdout
    record = json.loads(record_path(settings).read_text())
    for name, info in record["graphs"].items():
        assert f"{name}" in first.stdout and f"{info['triples']:,} triples" in first.stdout
    assert all(step in first.stdout.split("timings:")[1] for step in STEPS)
    # quiet in CI: no progress lines on stderr
    assert first.stderr == ""

    second = runner.invoke(main, ["build"], env=_env(settings))
    assert second.exit_code == 0 and "reused" in second.stdout

    forced = runner.invoke(main, ["build", "--force"], env=_env(settings))
    assert forced.exit_code == 0 and "rebuilt" in forced.stdout


def test_cli_reason_prints_the_inferred_graph(settings):
    result = CliRunner().invoke(main, ["reason"], env=_env(settings))
    assert result.exit_code == 0, result.stderr
    inferred = ox.parse(result.stdout_bytes, format=ox.RdfFormat.TURTLE)
    liberated = ox.Triple(ox.NamedNode("https://w3id.org/liberation-kg/id/force/2e-db"),
                          ox.NamedNode("https://w3id.org/liberation-kg/ontology#liberated"),
                          ox.NamedNode("https://w3id.org/liberation-kg/id/city/paris"))
    assert liberated in {ox.Triple(q.subject, q.predicate, q.object) for q in inferred}
    assert result.stderr.startswith("asserted: 141 triples (ontology 115, facts 26); inferred: ")
    # The engine that reasoned is named: the default, reasonable (it once always said owlrl).
    assert re.search(r"; reasonable \d+\.\d\d s$", result.stderr.strip()), result.stderr
    # Under the base the graph is published under, as build, query and export give it (it was
    # printed under the canonical one whatever GRAPH_SERVICE_BASE_IRI said).
    base = "https://data.example.net/kg/"
    for args, env in ((["--base-iri", base], {}), ([], {"GRAPH_SERVICE_BASE_IRI": base})):
        moved = CliRunner().invoke(main, ["reason", "--format", "ntriples", *args],
                                   env={**_env(settings), **env})
        assert moved.exit_code == 0, moved.stderr
        rebased = {ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(moved.stdout_bytes, format=ox.RdfFormat.N_TRIPLES)}
        assert ox.Triple(*(ox.NamedNode(t.value.replace("https://w3id.org/liberation-kg/", base))
                           for t in (liberated.subject, liberated.predicate, liberated.object))) in rebased
        assert "w3id.org/liberation-kg" not in moved.stdout


def test_cli_reason_output_format_from_extension(settings, tmp_path):
    out = tmp_path / "inferred.nt"
    result = CliRunner().invoke(main, ["reason", "--output", str(out)], env=_env(settings))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))
    assert str(len(triples)) in result.stderr


def test_cli_reason_refuses_a_format_its_file_name_contradicts_and_a_folder_that_is_not_there(
        settings, tmp_path):
    """As `export` does: Turtle written into a .nt file read as broken N-Triples; and a folder
    that is not there was found only after the closure's seconds."""
    mismatch = tmp_path / "inferred.nt"
    result = CliRunner().invoke(main, ["reason", "--format", "turtle", "-o", str(mismatch)],
                                env=_env(settings))
    assert (result.exit_code, result.stderr) == (2, f"graph-service: {mismatch}: its extension says "
                                                    "N-Triples, --format says Turtle; make them agree\n")
    assert not mismatch.exists()
    nowhere = tmp_path / "nowhere" / "inferred.ttl"
    result = CliRunner().invoke(main, ["reason", "-o", str(nowhere)], env=_env(settings))
    assert (result.exit_code, result.stderr) == (
        2, f"graph-service: {nowhere}: {nowhere.parent} no such directory\n")
    # A file where its folder should be; and a .gz, which reason does not write.
    (tmp_path / "file.ttl").write_text("")
    inside_a_file = tmp_path / "file.ttl" / "x.ttl"
    result = CliRunner().invoke(main, ["reason", "-o", str(inside_a_file)], env=_env(settings))
    assert result.exit_code == 2 and result.stderr.endswith("file.ttl is not a directory\n")
    result = CliRunner().invoke(main, ["reason", "-o", str(tmp_path / "x.ttl.gz")], env=_env(settings))
    assert result.exit_code == 2 and "reason writes no gzip" in result.stderr


def test_cli_reason_refuses_inconsistent_sources(settings):
    _append(settings.data_path, FIXTURES / "inconsistent" / "functional-values.ttl")
    result = CliRunner().invoke(main, ["reason"], env=_env(settings))
    assert result.exit_code == 1
    assert 'id:timespan/paris lib:onDate "1944-08-26"^^xsd:date [asserted]' in result.stderr
    assert result.stdout == ""


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_steps_on_a_terminal(settings, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    progress = Progress(terminal)
    assert progress.enabled
    build_snapshot(settings, progress=progress)
    shown = terminal.getvalue()
    for step in STEPS:
        assert f"{step} " in shown
    assert "round 1" in shown  # the reasoner's rounds as it goes


def test_progress_is_quiet_in_ci_and_when_redirected(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert not wants_progress(_Terminal())
    monkeypatch.delenv("CI")
    assert wants_progress(_Terminal())
    assert not wants_progress(io.StringIO())


# --------------------------------------------------------------------------------------------
# The project itself
# --------------------------------------------------------------------------------------------


def test_the_project_sources_build(project_app):
    """What `graph-service build` gives on a fresh clone (the session's app built the snapshot, or
    found it current, as `serve` does)."""
    settings = Settings.from_env()
    result = build_snapshot(settings, progress=Progress.quiet())
    graphs = result.record["graphs"]
    assert list(graphs) == ["ontology", "facts", "inferred", "shapes", "provenance", "coordinates", "void"]
    assert all(info["triples"] > 0 for info in graphs.values())
    assert result.record["validation"]["results"].get("Violation", 0) == 0
    assert result.record["validation"]["results"] == {}  # not even a warning
    assert build_snapshot(settings, progress=Progress.quiet()).reused


def test_cli_an_article_that_is_not_utf8_exits_2_with_one_line(tmp_path):
    # The project's own sources (their quotes are placed in the article): the build stops as it
    # loads them, before any reasoning.
    article = tmp_path / "article.txt"
    article.write_bytes(b"\xff\xfe not UTF-8")
    env = {"GRAPH_SERVICE_ARTICLE_PATH": str(article), "GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build"),
           "CI": "true"}
    result = CliRunner().invoke(main, ["build"], env=env)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (f"graph-service: {article}: the article's text, where every "
                                              "quote is placed, is not UTF-8 (byte 0)")
    assert not any((tmp_path / "build").glob("snapshot*"))


def test_load_of_data_outside_any_named_graph_is_bad_input_before_any_store_is_asked(tmp_path):
    # Exit 2 (bad input), not 1 (a store's copy that failed its check); port 1 listens nowhere, so
    # an answer at all shows no connection was tried first.
    plain = tmp_path / "plain.ttl"
    plain.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["load", "--into", "http://127.0.0.1:1/store", "--file", str(plain)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "graph-service: the data has triples outside any named graph; only named graphs are loaded"]


def test_load_into_a_store_that_does_not_answer_says_why_in_words():
    """requests named only its exception's class: "does not answer (ConnectionError)"."""
    result = CliRunner().invoke(main, ["load", "--into", "http://127.0.0.1:1/store"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "graph-service: the store at http://127.0.0.1:1/store does not answer (connection refused): is it "
        "running, and is --into its Graph Store address?")


def test_the_same_graph_is_written_in_the_same_bytes_whatever_its_blank_nodes_are_called():
    """Each build named the blank nodes anew and wrote the quads in another order: an unchanged
    graph had new bytes and ETags in every document after a rebuild."""
    text = Settings().ontology_path.read_text(encoding="utf-8")  # RDF lists: chains of blank nodes
    written = []
    for order in (1, -1):
        quads = list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri="https://x/"))[::order]
        written.append(ox.serialize(reproducible([ox.Quad(q.subject, q.predicate, q.object) for q in quads]),
                                    format=ox.RdfFormat.N_QUADS))
    assert written[0] == written[1] and b"_:" in written[0]
    # No two blank nodes made one: as many as the document has, and the lists as they were.
    again = ox.Dataset(ox.parse(written[0], format=ox.RdfFormat.N_QUADS))
    original = ox.Dataset(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri="https://x/"))
    assert len(again) == len(original)
    assert len({t for q in again for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}) == len(
        {t for q in original for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)})
    for d in (again, original):
        d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert sorted(map(str, again)) == sorted(map(str, original))
