"""`graph-service bench --quick`: every part of the benchmark runs (a CI check, not a timing)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SPARQL_DATASET

from graph_service.cli import main


@pytest.mark.slow
def test_quick_bench_reports_isolation_and_throughput_beside_the_bare_app(tmp_path) -> None:
    output = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["bench", "--quick", "--engine", "oxigraph", "--output", str(output),
                                       str(SPARQL_DATASET)])
    assert result.exit_code == 0, result.output
    report = json.loads(output.read_text())
    isolation = report["concurrency"]["isolation"]
    assert isolation["trivial"]["requests"] > 0 and isolation["trivial"]["failed"] == 0
    assert isolation["runaway_statuses"] == [503]
    join = report["concurrency"]["throughput"]["queries"]["join"]
    for mode in ("distinct", "same"):
        assert join[mode]["bare"]["requests_per_s"] > 0 and join[mode]["service"]["requests_per_s"] > 0
        assert join[mode]["service"]["errors"] == 0
    assert "## Concurrency" in output.with_suffix(".md").read_text()
