"""How a command fails: one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TypeVar

import click

from graph_service.graph import BuildError, RdfSyntaxError, UnsupportedFormat

T = TypeVar("T")


class Failure(click.ClickException):
    """A one-line error on stderr; exit code 2 (bad input)."""

    # click declares `exit_code` a class variable (and reads it from the exception): a code per
    # class, not per instance.
    exit_code = 2

    def show(self, file: IO | None = None) -> None:
        click.echo(f"graph-service: {self.format_message()}", err=True)


class Rejected(Failure):
    """A Failure with exit code 1: the input was read and found wanting (an inconsistent
    ontology, a failed build), as `validate` reports non-conforming data."""

    exit_code = 1


def load_or_fail(loader: Callable[[], T]) -> T:
    """Run a loader, turning unreadable or unparseable RDF into a one-line Failure."""
    try:
        return loader()
    except (RdfSyntaxError, UnsupportedFormat, BuildError) as exc:
        raise Failure(str(exc)) from None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
