"""The Host header, checked before anything reads it (RFC 9112 3.2).

The service names itself by the request's host where no `--base-iri` is set: in the service
description, in links and redirects, and as the base that resolves a query's relative IRIs. A
request without one, or with one that is no host (`a b`, `evil.example/x?y`, an empty value),
made the service `<http:///sparql>`. RFC 9112 asks for a 400 for an HTTP/1.1 request without a
Host, or with an invalid one; gunicorn refuses only a Host given twice. Behind `--proxies`, the
host checked is the one the proxy forwards, which the service names itself by.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import request
from werkzeug.exceptions import BadRequest

#: RFC 3986 3.2.2 and 3.2.3: an IP literal in brackets, or a name of unreserved characters,
#: percent-encodings and sub-delimiters (an IPv4 address is such a name); then a port.
_HOST = re.compile(r"(?:\[[0-9A-Za-z:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]*)?")


_FROM_TARGET = "graph_service.host_from_target"


def host_problem(environ: dict[str, Any]) -> str | None:
    """What is wrong with the request's Host, if anything."""
    host = environ.get("HTTP_HOST")
    if host is None:
        # HTTP/1.0 has no Host to require.
        return "the request has no Host header, which HTTP/1.1 requires" \
            if environ.get("SERVER_PROTOCOL") == "HTTP/1.1" else None
    if _HOST.fullmatch(host):
        return None
    named = "the request target's host" if environ.get(_FROM_TARGET) else "the Host header"
    return f"{named} {host!r} is no host (a name or address, and a port)" if host else f"{named} is empty"


def use_target_host(environ: dict[str, Any]) -> None:
    """Make an absolute-form request target's host and scheme the request's (`GET
    http://host/sparql HTTP/1.1`, as a client sends to a proxy): RFC 9112 3.2.2 says the server
    MUST ignore Host's value then, and the service named itself, in redirects and its service
    description, by Host. Not where Host is missing or no host (RFC 9112 3.2 still asks for a
    400: the request is refused as it came), nor behind `--proxies`, whose forwarded host stands
    (a front end that passed the target through would have let a client name any host)."""
    target = environ.get("RAW_URI") or ""
    scheme = target[:8].lower().partition("://")[0]
    if scheme not in ("http", "https") or "werkzeug.proxy_fix.orig" in environ or host_problem(environ):
        return
    environ["HTTP_HOST"], environ[_FROM_TARGET] = urlsplit(target).netloc, True
    environ["wsgi.url_scheme"] = scheme


def check_host() -> None:
    """Refuse a request whose Host is missing (HTTP/1.1) or no host: 400 naming the problem."""
    if problem := host_problem(request.environ):
        raise BadRequest(problem)
