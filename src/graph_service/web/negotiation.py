"""Content negotiation: pick a format from the one registry (`graph.formats`).

A `format=` parameter wins over the Accept header; otherwise werkzeug's Accept parsing (q-values,
wildcards, specificity) chooses among the formats the route offers, in the route's order of
preference for ties.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from werkzeug.exceptions import NotAcceptable

from ..graph import formats
from ..graph.formats import Format, Kind


def offered(kinds: Sequence[Kind]) -> list[Format]:
    """The formats of these kinds, the first kind's first format being the default."""
    return [f for kind in kinds for f in formats.FORMATS if f.kind == kind]


def negotiate(kinds: Sequence[Kind], default: Format | None = None) -> Format:
    """The best format of `kinds` for the current request, or 406 Not Acceptable.

    `default` (else the first offered format) answers a request without Accept or with `*/*`.
    """
    choices = offered(kinds)
    if default is None:
        default = choices[0]
    name = request.args.get("format") or (
        request.form.get("format") if request.mimetype == "application/x-www-form-urlencoded" else None
    )
    if name:
        fmt = formats.by_name(name, tuple(kinds))
        if fmt is None:
            raise NotAcceptable(
                f"format={name!r} is not offered here; use one of "
                + ", ".join(f.name for f in choices)
            )
        return fmt
    accept = request.accept_mimetypes
    if not accept or accept.best in (None, "*/*") and accept["*/*"] >= max((q for _, q in accept), default=0):
        # No Accept header, or one that prefers nothing in particular: the route's default.
        if not accept or accept.quality(default.media_type) > 0:
            return default
    by_type: dict[str, Format] = {}
    ordered = [default] + [f for f in choices if f is not default]
    # Main media types before aliases, so that a wildcard (text/*) picks a format whose own
    # type matches it (text/csv), not one that merely has a matching alias (text/xml).
    for f in ordered:
        by_type.setdefault(f.media_type, f)
    for f in ordered:
        for mt in f.aliases:
            by_type.setdefault(mt, f)
    best = accept.best_match(list(by_type))
    if best is None:
        raise NotAcceptable(
            "none of the media types in Accept is offered here; offered: "
            + ", ".join(f.media_type for f in choices)
        )
    return by_type[best]


def wants_html() -> bool:
    """True when the client asked for HTML (a browser), not for data."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/xhtml+xml", "application/json", "text/turtle"])
    return best in {"text/html", "application/xhtml+xml"} and accept.quality("text/html") > 0
