"""`graph-service export`: what an external triple store loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph_service.cli import main
from graph_service.graph.rdf.namespace import FACTS_GRAPH

FIXTURE = Path(__file__).parent / "fixtures" / "linked_data" / "dataset.trig"


@pytest.fixture()
def run(tmp_path):
    env = {"GRAPH_SERVICE_SERVE_FILES": str(FIXTURE), "GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build")}

    def invoke(*args: str):
        return CliRunner().invoke(main, ["export", *args], env=env)

    return invoke


@pytest.fixture(scope="module")
def expected() -> Dataset:
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


def count(ds: Dataset) -> int:
    return len(list(ds.quads()))


def test_default_is_every_named_graph_in_nquads_on_stdout(run, expected):
    result = run()
    assert result.exit_code == 0, result.output
    got = Dataset().parse(data=result.stdout_bytes, format="nquads")
    assert count(got) == count(expected)
    assert {g.identifier for g in got.graphs()} >= {g.identifier for g in expected.graphs() if len(g)}


def test_an_output_of_dash_is_standard_output_not_a_file_called_dash(run, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("-o", "-")
    assert result.exit_code == 0, result.output
    assert count(Dataset().parse(data=result.stdout_bytes, format="nquads")) == count(expected)
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("fmt, rdflib_name", [("trig", "trig"), ("jsonld", "json-ld"), ("nquads", "nquads")])
def test_dataset_formats_keep_the_named_graphs(run, expected, tmp_path, fmt, rdflib_name):
    out = tmp_path / f"dump.{fmt}"
    result = run("--format", fmt, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.stderr
    got = Dataset().parse(out, format=rdflib_name)
    assert count(got) == count(expected)
    assert len(got.graph(FACTS_GRAPH)) == len(expected.graph(FACTS_GRAPH))


@pytest.mark.parametrize("name, rdflib_name", [("dump.ttl", "turtle"), ("dump.trig", "trig"),
                                               ("dump.jsonld", "json-ld")])
def test_the_format_follows_the_output_files_name(run, tmp_path, name, rdflib_name):
    out = tmp_path / name
    result = run("-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(Dataset().parse(out, format=rdflib_name)) > 0  # N-Quads in a .ttl would not parse


@pytest.mark.parametrize("args, words", [
    (("-o", "dump.csv"), "no export format for '.csv'"),
    (("--format", "turtle", "-o", "dump.nq"), "its extension says N-Quads, --format says Turtle"),
])
def test_a_name_and_a_format_that_disagree_are_exit_2(run, tmp_path, args, words):
    result = run(*(str(tmp_path / a) if a.startswith("dump") else a for a in args))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert words in line
    assert not list(tmp_path.glob("dump*"))


def test_turtle_is_the_asserted_facts(run, expected):
    result = run("--format", "turtle")
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(data=result.stdout_bytes, format="turtle")) == len(expected.graph(FACTS_GRAPH))


def test_export_matches_the_served_dump(run, tmp_path):
    from graph_service.config import Settings
    from graph_service.web import create_app

    app = create_app(Settings(serve_files=(FIXTURE,), snapshot_dir=tmp_path))
    served = Dataset().parse(data=app.test_client().get("/dumps/dataset.trig").data, format="trig")
    exported = Dataset().parse(data=run("--format", "trig").stdout_bytes, format="trig")
    for ours, theirs in zip(sorted(served.graphs(), key=lambda g: str(g.identifier)),
                            sorted(exported.graphs(), key=lambda g: str(g.identifier)), strict=True):
        assert ours.identifier == theirs.identifier
        assert isomorphic(ours, theirs)  # equal up to blank-node names, which each load picks anew


def test_unwritable_output_is_one_line_and_exit_2(run, tmp_path):
    result = run("--output", str(tmp_path / "missing-dir" / "dump.nq"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "missing-dir" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_format_is_exit_2(run):
    result = run("--format", "csv")
    assert result.exit_code == 2


def test_an_exported_file_is_readable_by_others(run, tmp_path):
    """Public data: the export is not left 0600 as a temporary file would be."""
    target = tmp_path / "liberation.nq"
    result = run("--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("args", [("--gzip", "-o", "out.nq"), ("-o", "out.nq.gz")])
def test_gzip_for_a_bulk_loader(run, expected, tmp_path, args):
    import gzip

    target = tmp_path / args[-1]
    result = run(*args[:-1], str(target))
    assert result.exit_code == 0, result.output
    assert "gzip" in result.stderr
    got = Dataset().parse(data=gzip.decompress(target.read_bytes()), format="nquads")
    assert count(got) == count(expected)
