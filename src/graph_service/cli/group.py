"""The `graph-service` command group: one command per module of this package."""

from __future__ import annotations

import errno
import gc
import io
import os
import sys
from importlib import import_module
from typing import Any

import click

from graph_service.cli.errors import Failure
from graph_service.cli.interrupt import interrupted
from graph_service.config import COLLECTOR_THRESHOLDS, SettingError, settings_defaults, unknown_variables

#: The commands, each in the module of its name. A command's module is imported only when it runs
#: (or `--help` lists it): `build` need not import the web server and the benchmark's peers, which
#: were a third of a full build's wall time.
COMMANDS = ("build", "validate", "reason", "query", "serve", "export", "load", "bench")


def _settings_help() -> str:
    # Click rewraps paragraphs; \b keeps each setting on its own line.
    lines = ["Settings (environment variables; some also options of a command):", "", "\b"]
    defaults = settings_defaults()
    width = max(len(variable) for variable, _ in defaults)
    lines += [f"{variable:<{width}}  {default}" for variable, default in defaults]
    return "\n".join(lines)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = getattr(import_module(f"graph_service.cli.{cmd_name}"), cmd_name)
        assert isinstance(command, click.Command)
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise  # no command given: the help, as click shows it
        except click.UsageError as exc:  # the group's own options (`graph-service --bogus`)
            raise _one_line(exc, info_name or "graph-service") from None
        except KeyboardInterrupt:  # while `--help` loads every command's module to list them
            interrupted()

    def invoke(self, ctx: click.Context) -> object:
        if sys.stdout is None and ctx.invoked_subcommand != "serve":
            # Started with its standard output closed (`>&-`): Python leaves sys.stdout None, and
            # a command writing its answer failed with a traceback (exit 1, which `validate`
            # uses for "does not conform") or, through click, lost it without a word.
            sys.stdout = io.TextIOWrapper(_Closed(), encoding="utf-8", write_through=True)
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # (An option missing its value comes without the command's context: named from ours.)
            path = exc.ctx.command_path if exc.ctx is not None else " ".join(
                filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            raise _one_line(exc, path) from None
        except SettingError as exc:  # a GRAPH_SERVICE_* variable that cannot be used
            click.echo(f"graph-service: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            interrupted()
        except BrokenPipeError:
            raise  # the reader stopped reading (`| head`): nothing to report
        except OSError as exc:
            # Mostly standard output that cannot be written (a full disk): 2, never `validate`'s 1,
            # which would say the data does not conform.
            what = exc.filename or "cannot write the output"
            click.echo(f"graph-service: {what}: {exc.strerror or exc}", err=True)
            ctx.exit(2)


class _Closed(io.RawIOBase):
    """Standard output that was closed before the command began: writing to it is the same error
    as writing to any closed descriptor, which the group reports in one line (exit 2)."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _one_line(exc: click.UsageError, path: str) -> Failure:
    """An option or argument that cannot be used (out of its range, missing, unknown): one line,
    as every other refusal, rather than click's usage block of three."""
    return Failure(f"{exc.format_message().rstrip('.')} ({path} --help says more)")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=_settings_help())
@click.version_option(package_name="graph-service")
def main() -> None:
    """The Liberation Knowledge Graph: build, check, query and serve it."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    for said in unknown_variables(os.environ):
        click.echo(f"graph-service: warning: {said}", err=True)

