"""Settings: one definition (`config.Settings`) gives the defaults, the environment variables, the
command-line options and their bounds; a value that cannot be used stops the command with one line."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from graph_service.cli import main
from graph_service.config import PROJECT_ROOT, SettingError, Settings


@pytest.mark.parametrize("variable, value, words", [
    ("GRAPH_SERVICE_PORT", "abc", "GRAPH_SERVICE_PORT='abc': not a whole number"),
    ("GRAPH_SERVICE_PORT", "99999", "GRAPH_SERVICE_PORT='99999': must be at most 65,535"),
    # Numbers too large for where they end up (a clock, an allocation, a resource limit) were an
    # OverflowError's traceback, or a 500 on every query.
    ("GRAPH_SERVICE_VALIDATION_TIMEOUT", "1e300",
     "GRAPH_SERVICE_VALIDATION_TIMEOUT='1e300': must be at most 86,400"),
    ("GRAPH_SERVICE_QUERY_MEMORY_MB", "99999999999999999999",
     "GRAPH_SERVICE_QUERY_MEMORY_MB='99999999999999999999': must be at most 2,147,483,647"),
    ("GRAPH_SERVICE_WORKERS", "99999999999999999999",
     "GRAPH_SERVICE_WORKERS='99999999999999999999': must be at most 1,024"),
    ("GRAPH_SERVICE_WORKERS", "0", "GRAPH_SERVICE_WORKERS='0': must be at least 1"),
    ("GRAPH_SERVICE_QUERY_TIMEOUT", "ten", "GRAPH_SERVICE_QUERY_TIMEOUT='ten': not a number"),
    ("GRAPH_SERVICE_CLIENT_SHARE", "0", "GRAPH_SERVICE_CLIENT_SHARE='0': must be more than 0"),
    ("GRAPH_SERVICE_ENGINE", "jena", "GRAPH_SERVICE_ENGINE='jena': must be one of oxigraph, rdflib"),
    # nan compares false with every bound: it must not pass them
    ("GRAPH_SERVICE_CLIENT_SHARE", "nan", "GRAPH_SERVICE_CLIENT_SHARE='nan': must be a finite number"),
    ("GRAPH_SERVICE_QUERY_TIMEOUT", "inf", "GRAPH_SERVICE_QUERY_TIMEOUT='inf': must be a finite number"),
    # The guard against queries reaching the network must not be switched off by a typo.
    ("GRAPH_SERVICE_NETWORK_GUARD", "ture", "GRAPH_SERVICE_NETWORK_GUARD='ture': say true or false"),
    ("GRAPH_SERVICE_NETWORK_GUARD", "", "GRAPH_SERVICE_NETWORK_GUARD='': say true or false"),
])
def test_an_unusable_environment_value_stops_serve_with_one_line(variable, value, words):
    result = CliRunner().invoke(main, ["serve", "--port", "0"], env={variable: value})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"graph-service: {words}"]


@pytest.mark.parametrize("value, guard", [("false", False), ("0", False), ("Off", False), ("yes", True),
                                          (" true ", True)])
def test_the_network_guard_takes_true_or_false_words(monkeypatch, value, guard):
    monkeypatch.setenv("GRAPH_SERVICE_NETWORK_GUARD", value)
    assert Settings.from_env().network_guard is guard


def test_options_and_variables_share_their_bounds_and_their_words(monkeypatch):
    # The option refuses what the variable refuses, from the same definition, in the same words.
    result = CliRunner().invoke(main, ["serve", "--query-slots", "0"])
    assert result.exit_code == 2 and "--query-slots': '0': must be at least 1 (" in result.stderr
    with pytest.raises(SettingError, match="query_slots 0: must be at least 1"):
        Settings(query_slots=0)
    result = CliRunner().invoke(main, ["serve", "--port", "99999"])
    assert "'--port': '99999': must be at most 65,535 (" in result.stderr
    monkeypatch.setenv("GRAPH_SERVICE_PORT", "99999")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert result.stderr == "graph-service: GRAPH_SERVICE_PORT='99999': must be at most 65,535\n"


def test_help_shows_each_options_bounds_as_the_readme_writes_them():
    # click wrote "[0.1<=x<=86400]" where the README and the messages write "0.1 to 86,400".
    text = " ".join(CliRunner().invoke(main, ["serve", "--help"], terminal_width=400).stdout.split())
    assert "<=" not in text and "x<" not in text
    assert "env GRAPH_SERVICE_QUERY_TIMEOUT] [0.1 to 86,400]" in text
    assert "env GRAPH_SERVICE_CLIENT_SHARE] [> 0, ≤ 1]" in text
    assert "env GRAPH_SERVICE_PORT] [0 to 65,535]" in text


@pytest.mark.parametrize("value", ["nan"])
def test_an_option_that_is_no_finite_number_is_one_line_too(value):
    # (inf is past the option's range, which click refuses: the test below)
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--query-timeout", value])
    assert result.exit_code == 2
    said = f"graph-service: Invalid value for '--query-timeout': '{value}': must be a finite number"
    assert result.stderr.splitlines() == [said + " (main serve --help says more)"]


@pytest.mark.parametrize("option, value", [("--workers", "99999999999999999999"),
                                           ("--query-timeout", "1e+300"), ("--query-timeout", "inf"),
                                           ("--result-limit", "99999999999999999999")])
def test_an_option_too_large_for_its_use_is_refused_before_anything_starts(option, value):
    result = CliRunner().invoke(main, ["serve", "--port", "0", option, value])
    assert result.exit_code == 2 and "serving" not in result.output
    # One line, as every refusal (it was click's usage block of three).
    [line] = result.stderr.splitlines()
    problem = "must be a finite number" if value == "inf" else "must be at most"
    assert f"'{value}': {problem}" in line and line.endswith("(main serve --help says more)")


@pytest.mark.parametrize("args, said", [
    (["--bogus"], "No such option '--bogus' (main --help says more)"),
    (["nosuch"], "No such command 'nosuch' (main --help says more)"),
    (["export", "-o"], "Option '-o' requires an argument (main export --help says more)"),
])
def test_every_usage_error_is_one_line(args, said):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and result.stderr.splitlines() == [f"graph-service: {said}"]


def test_no_command_at_all_shows_the_help():
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 2 and "Usage:" in result.output and "serve" in result.output


def test_a_variable_that_names_no_setting_is_said_with_the_one_meant() -> None:
    # A typo was ignored without a word: the service then ran with the default.
    result = CliRunner().invoke(main, ["query", "ASK {}"], env={"GRAPH_SERVICE_QUERYTIMEOUT": "3",
                                                                "GRAPH_SERVICE_FOO": "1"})
    assert result.exit_code == 0
    assert ("graph-service: warning: GRAPH_SERVICE_QUERYTIMEOUT is no setting of this service "
            "(did you mean GRAPH_SERVICE_QUERY_TIMEOUT?)") in result.stderr
    assert "graph-service: warning: GRAPH_SERVICE_FOO is no setting of this service\n" in result.stderr
    assert "warning" not in CliRunner().invoke(main, ["query", "ASK {}"],
                                               env={"GRAPH_SERVICE_QUERY_TIMEOUT": "3"}).stderr


def test_the_helps_table_of_settings_keeps_its_values_in_one_column():
    """The longest variable's name ran into its value's column."""
    lines = CliRunner().invoke(main, ["--help"]).output.splitlines()
    rows = [line for line in lines if line.strip().startswith("GRAPH_SERVICE_")]
    assert len(rows) > 20
    columns = {re.match(r"\s*\S+\s+", line).end() for line in rows}  # where each value begins
    assert len(columns) == 1, rows


def test_a_default_path_is_shown_in_the_projects_folder():
    # Shown bare (`shapes/liberation.ttl`), it read as a path from the working directory, which a
    # path given is: set to its shown default from elsewhere, it failed.
    lines = CliRunner().invoke(main, ["--help"]).output.splitlines()
    [shapes] = [line.split() for line in lines if line.strip().startswith("GRAPH_SERVICE_SHAPES_PATH")]
    assert shapes[1] == "<project>/shapes/liberation.ttl"
    assert (PROJECT_ROOT / shapes[1].removeprefix("<project>/")).is_file()
