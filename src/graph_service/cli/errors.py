"""How a command fails: one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TypeVar

import click

from graph_service.graph import BuildError, RdfSyntaxError, UnsupportedFormat

T = TypeVar("T")


class Failure(click.ClickException):
    """A one-line error on stderr; exit code 2 (bad input) unless `exit_code` says otherwise
    (1: the input was read and found wanting, as `validate` and `build` report)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: IO | None = None) -> None:
        click.echo(f"graph-service: {self.format_message()}", err=True)


def load_or_fail(loader: Callable[[], T]) -> T:
    """Run a loader, turning unreadable or unparseable RDF into a one-line Failure."""
    try:
        return loader()
    except (RdfSyntaxError, UnsupportedFormat, BuildError) as exc:
        raise Failure(str(exc)) from None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
