"""HTTP for documents: validators and conditional GET, Link headers, odd-path refusal, and a
per-process cache (the store is read-only, so whatever is computed from it stays true).

Shared by the linked-data routes (`resources`) and the dataset routes (`dataset`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote_to_bytes, urljoin

from flask import Response, current_app, redirect, render_template, request
from werkzeug.exceptions import (
    BadRequest,
    NotFound,
    RequestEntityTooLarge,
    RequestURITooLarge,
    UnsupportedMediaType,
)
from werkzeug.exceptions import NotImplemented as NotImplementedHere
from werkzeug.http import generate_etag, parse_range_header
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response as WsgiResponse

from graph_service.graph import Format, QuadSource, VerbatimStore, load_index, snapshot_path, stop_fork_server
from graph_service.web.negotiation import prefers_plain_text
from graph_service.web.state import service
from graph_service.web.urls import DOCUMENT_FORMATS, document_format

#: Longest request path accepted (a resource path is a few dozen characters).
MAX_PATH = 2000

T = TypeVar("T")
R = TypeVar("R", bound=WsgiResponse)


def cached(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per process and key: descriptions of the whole store, dumps, pages. A
    request that needs a value another thread is computing waits for it rather than computing it
    too (on a large dataset that is seconds of work and hundreds of megabytes, per thread)."""
    store = current_app.extensions.setdefault("graph_service.documents", {})
    if key in store:
        return store[key]
    locks = current_app.extensions.setdefault("graph_service.documents.locks", {})
    with _LOCKS_LOCK:
        lock = locks.setdefault(key, threading.Lock())
    with lock:
        if key not in store:
            store[key] = compute()
            _release_freed_memory()
    return store[key]


def cached_for_root(key: str, root: str, compute: Callable[[], T]) -> T:
    """`cached`, for a value whose links start at the request's mount path (`urls.root`): kept for
    the last `_ROOTS` mount paths only, since behind a proxy that passes on a client's
    `X-Forwarded-Prefix` every new one would be kept for good (megabytes each)."""
    roots = current_app.extensions.setdefault("graph_service.documents.roots", {})
    with _LOCKS_LOCK:
        kept = roots.setdefault(key, OrderedDict())
        if root in kept:
            kept.move_to_end(root)
            return kept[root]
    value = compute()  # small pages and drawings: computed twice at worst, not waited for
    with _LOCKS_LOCK:
        kept[root] = value
        while len(kept) > _ROOTS:
            kept.popitem(last=False)
    return value


#: Mount paths a value is kept for at once (one service is reached at one or two).
_ROOTS = 4
_LOCKS_LOCK = threading.Lock()
_LIBC = ctypes.util.find_library("c")
_MALLOC_TRIM = getattr(ctypes.CDLL(_LIBC), "malloc_trim", None) if _LIBC else None


def _release_freed_memory() -> None:
    # What a computation over a large dataset allocated and freed stays with the process under
    # glibc's allocator (tens of megabytes per worker at 10^6 quads) unless it is asked to return it.
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def quads() -> QuadSource:
    """The served dataset's quads as written (the store canonicalises literals: see
    `graph.query.quad_index`): what descriptions, the ontology reference and the dumps are made of;
    in memory, or for large data on disk (`graph.query.verbatim`)."""
    def load() -> QuadSource:
        found = service().loaded.index or load_index(service().settings, service().store)
        if isinstance(found, VerbatimStore):
            stop_fork_server()  # which built it: this process builds nothing more
        return found

    return cached("quads", load)


def data_time() -> datetime:
    """When the served data last changed: the snapshot's time, the served files', when the
    remote store's graphs were fetched, or start-up's."""

    def compute() -> datetime:
        settings = service().settings
        if settings.store:
            fetched = service().served.built.replace("Z", "+00:00")
            return datetime.fromisoformat(fetched).astimezone(UTC)
        paths = [Path(p) for p in settings.serve_files] or [snapshot_path(settings)]
        times = [p.stat().st_mtime for p in paths if p.exists()]
        return datetime.fromtimestamp(int(max(times, default=time.time())), UTC)

    return cached("data_time", compute)


#: How long a cache may keep a document before asking again (with its ETag): the data changes
#: only with a new build, so a few minutes; a dump, the whole dataset, an hour.
MAX_AGE = 300
DUMP_MAX_AGE = 3600


def respond(body: bytes | str, fmt: Format, *, negotiated: bool = False,
            links: Iterable[str] = (), status: int = 200, headers: dict[str, str] | None = None,
            max_age: int = MAX_AGE, compress: str | None = None, modified: datetime | None = None,
            ) -> Response:
    """A document with its validators (ETag of the body, Last-Modified of the data, or `modified`
    for a document that changes apart from it), answering 304 to a matching conditional GET, 412
    to a failed precondition and 206 to a range of its bytes. `negotiated`: the URL serves several
    formats (Vary).
    `compress`: gzip for clients that accept it (`Content-Encoding`, so the file keeps its name),
    the compressed body kept under this key (a dump is megabytes: compressed once, not per request)."""
    content_type = fmt.content_type
    if fmt.name == "ntriples":
        # N-Triples is plain text by its specification's own media-type registration; a client
        # that asks for text/plain gets it labelled so. Either label is chosen by Accept, so both
        # answers say so (a shared cache kept the one without Vary for every client).
        negotiated = True
        if prefers_plain_text(request.headers.get("Accept")):
            content_type = "text/plain; charset=utf-8"
    if compress and request.accept_encodings.quality("gzip") > 0:
        plain = body
        body = cached(f"gzip {compress}", lambda: gzip.compress(
            plain.encode() if isinstance(plain, str) else plain, mtime=0))
        resp = Response(body, status=status, content_type=content_type)
        resp.content_encoding = "gzip"
    else:
        resp = Response(body, status=status, content_type=content_type)
    if compress:
        resp.vary.add("Accept-Encoding")
    if negotiated:
        resp.vary.add("Accept")
    for link in links:
        resp.headers.add("Link", link)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return with_validators(resp, max_age=max_age, modified=modified) if status == 200 else resp


def with_validators(resp: Response, *, max_age: int = MAX_AGE, modified: datetime | None = None,
              weak_etag: str | None = None) -> Response:
    """A 200's caching and validators (ETag of the body, or `weak_etag` for one whose bytes
    differ where its content does not; Last-Modified of the data, or `modified`), answered as
    the request's conditions and range ask: 304, 412 or 206."""
    resp.cache_control.public = True
    resp.cache_control.max_age = max_age
    resp.last_modified = modified or data_time()
    if weak_etag is None:
        # Of the bytes as labelled: two formats may write the same bytes (a graph without named
        # graphs in Turtle and in TriG), and a strong tag names one representation (RFC 9110 8.8.1).
        resp.set_etag(generate_etag(resp.headers.get("Content-Type", "").encode() + b"\n" + resp.get_data()))
    else:
        resp.set_etag(weak_etag, weak=True)
    # The preconditions first (RFC 9110 13.2.2: If-Match 412, If-None-Match 304), which
    # werkzeug weighs after a range; then a range (206), so that an interrupted download of a
    # dump resumes (`curl -C -`, `wget -c`).
    make_conditional(resp, request)
    if resp.status_code == 412:
        resp.set_data(b"")
    elif resp.status_code == 200 and _range_applies(resp.content_length or 0):
        make_conditional(resp, request, accept_ranges=True, complete_length=resp.content_length)
    else:
        resp.accept_ranges = "bytes"
    return resp


def make_conditional(resp: R, req: Request, **ranges: Any) -> R:
    """werkzeug's `make_conditional` with what it leaves out of RFC 9110 (13.2.2): without
    If-Match, If-Unmodified-Since is weighed (412 once the representation changed after it: a
    resumed download of an older dump must not be completed from a newer one), before
    If-None-Match; and If-Match: * holds for any current representation (werkzeug compares "*"
    as a tag and fails it). `ranges`: werkzeug's for a range request."""
    since = req.if_unmodified_since
    if (since is not None and "If-Match" not in req.headers and resp.last_modified is not None
            and resp.last_modified > since):
        resp.status_code = 412
        return resp
    environ = req.environ
    if req.if_match.star_tag:
        environ = {k: v for k, v in environ.items() if k != "HTTP_IF_MATCH"}
    resp.make_conditional(environ, **ranges)
    return resp


def _range_applies(length: int) -> bool:
    """One well-formed Range of bytes, unless If-Range holds a weak validator (which never
    matches there, RFC 9110 13.1.5). A range in another unit is ignored (14.2), not refused, and
    so are several ranges (werkzeug writes no multipart/byteranges, and refused satisfiable ones
    with 416) and a malformed one (`bytes=5-2`, `bytes=abc`), as a server may (14.2); a suffix
    longer than the body asks for all of it (14.1.3), which werkzeug refused: the whole body."""
    header = request.headers.get("Range", "").strip()
    if not header.lower().startswith("bytes=") or "," in header:
        return False
    ranges = parse_range_header(header)
    if ranges is None or ranges.ranges[0][0] < -length:
        return False
    return not request.headers.get("If-Range", "").strip().startswith("W/")


def public(url: str) -> str:
    """A root-relative URL as the client addresses this service: behind a reverse proxy (see
    `Settings.proxies`) its scheme, host and path prefix."""
    return urljoin(request.host_url, url)


def see_other(target: str) -> Response:
    """303 to the document chosen for this client (so the answer varies with Accept), cacheable
    as the document is: a 303 without a lifetime is never kept (RFC 9110 15.4.4), and a client
    dereferencing many IRIs would ask each one twice every time."""
    resp = redirect(public(target), code=303)
    # In a request the app's own response class answers; flask types `redirect` as werkzeug's.
    assert isinstance(resp, Response)
    resp.vary.add("Accept")
    resp.cache_control.public = True
    resp.cache_control.max_age = MAX_AGE
    return resp


def see_document(target: str, fmt: Format) -> Response:
    """`see_other` to the document in `fmt` that describes what the request named, saying so
    (`Link: rel="describedby"`): a resource's IRI, a named graph's, the ontology's version IRI."""
    resp = see_other(target)
    resp.headers.add("Link", link(target, "describedby", fmt.media_type))
    return resp


def moved(target: str) -> Response:
    """308 to where this URL's resource lives, with the request's query string (a client follows
    it with the same method and body)."""
    if request.query_string:
        # As sent, bytes beyond ASCII (curl sends a query's UTF-8 unescaped) %-escaped: decoded
        # as text, they would come back as other characters.
        target += "?" + quote(request.query_string, safe="!$&'()*+,/:;=?@-._~%")
    resp = redirect(public(target), code=308)
    assert isinstance(resp, Response)  # as in see_other
    return resp


def link(url: str, rel: str, media_type: str | None = None) -> str:
    """One Link header value (RFC 8288), naming the public address."""
    value = f'<{public(url)}>; rel="{rel}"'
    return value + (f'; type="{media_type}"' if media_type else "")


def alternates(documents: Iterable[tuple[Format, str]], current: Format | None) -> list[str]:
    return [link(url, "alternate", f.media_type) for f, url in documents if f != current]


#: A % not followed by two hexadecimal digits: no IRI has one (RFC 3987 2.2).
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_EMPTY_SEGMENTS = re.compile(r"/{2,}")


def check_path() -> Response | None:
    """Refuse request paths no IRI of ours can have, before any lookup: 400 naming the problem;
    send a path with empty segments ("//") to the one without them.

    Werkzeug has already percent-decoded the path, so what the client sent is read from the raw
    request URI where the server provides it (gunicorn and werkzeug both do).
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    raw_path = raw.split("?", 1)[0]
    path = request.path
    if len(raw_path) > MAX_PATH or len(path) > MAX_PATH:
        raise RequestURITooLarge(f"the path is longer than {MAX_PATH} characters")
    if "\x00" in path or "%00" in raw_path:
        raise BadRequest("the path contains a NUL character")
    if _STRAY_PERCENT.search(raw_path):
        raise BadRequest("the path holds a % that begins no percent-encoding (%XX; a % itself is %25)")
    if "%2f" in raw_path.lower() or "%5c" in raw_path.lower() or "\\" in path:
        raise BadRequest("the path contains an encoded slash or a backslash")
    if any(seg in {".", ".."} for seg in path.split("/")) or any(
            seg.lower() in {"%2e", "%2e%2e", ".%2e", "%2e."} for seg in raw_path.split("/")):
        raise BadRequest("the path contains a '.' or '..' segment")
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the path is not UTF-8 once percent-decoded") from None
    if "\ufffd" in path:  # werkzeug's replacement for bytes that were not UTF-8
        raise BadRequest("the path is not UTF-8 once percent-decoded")
    # One resource, one URL. werkzeug merges "//" in a route's fixed parts with a 308, answers a
    # leading one in place (it strips it) and one inside a slug not at all (404): all three alike,
    # for what a link is followed by. A POST (urllib follows no 308 with one) and a CORS preflight
    # (never redirected) to "//sparql", a base URL and "/sparql" joined, are answered where sent.
    given = request.environ.get("PATH_INFO") or ""
    if "//" in given and request.method in ("GET", "HEAD"):
        merged = _EMPTY_SEGMENTS.sub("/", given).encode("latin-1")  # WSGI's bytes as text
        return moved(request.script_root + quote(merged, safe="/:@!$&'()*+,;=-._~"))
    return None


_HIGH_ESCAPE = re.compile(rb"%[89A-Fa-f]")


def require_utf8_escapes(encoded: bytes, where: str, names: frozenset[bytes]) -> None:
    """400 when the %-escapes of the parameters `names` in `encoded` (a query string or a form)
    do not spell UTF-8; other parameters (a tracker's, a form's own) are not ours to judge.
    werkzeug keeps such an escape as its three characters ("%FF"): the request would be answered
    for other text than the client meant."""
    # Only an escape of a byte over 0x7F (%80 to %FF) can spell something other than UTF-8: an
    # ASCII query's text is checked at no cost (decoding every escape was 16 µs of a lookup's
    # 220 in the worker).
    if encoded.isascii() and _HIGH_ESCAPE.search(encoded) is None:
        return
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        if unquote_to_bytes(name.replace(b"+", b" ")) not in names:
            continue
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"{where}: its {name.decode('ascii', 'replace')}= is not UTF-8 once its "
                             f"%-escapes are decoded (byte 0x{exc.object[exc.start]:02X}); percent-encode "
                             "its UTF-8 bytes") from None


class EncodedBody(UnsupportedMediaType):
    """A body sent compressed (`Content-Encoding`): 415, saying which coding is read (RFC 9110
    15.5.16)."""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Accept-Encoding", "identity")]


def readable_body(req: Request, limit: int) -> None:
    """A body this service can read: sent as it is (a gzip query was read as one that is not
    UTF-8, a gzip form as one with no query: messages about the wrong cause), and whole within
    the limit (`whole_body_within_limit`)."""
    codings = [c.strip() for c in req.headers.get("Content-Encoding", "").lower().split(",")]
    coding = ", ".join(c for c in codings if c not in ("", "identity"))
    # Only a body can be encoded: a stray header on a GET (a client library's default) is no cause.
    if coding and (req.content_length or req.method in ("POST", "PUT", "PATCH")):
        raise EncodedBody(f"Content-Encoding: {coding} is not read here; send the body uncompressed")
    # gunicorn undoes chunked, the one transfer coding HTTP/1.1 requires, and hands over the rest
    # still coded: a gzip-coded query was answered "not valid UTF-8". RFC 9112 6.1: 501.
    transfer = [c.strip() for c in req.headers.get("Transfer-Encoding", "").lower().split(",")]
    coded = ", ".join(c for c in transfer if c not in ("", "chunked", "identity"))
    if coded:
        raise NotImplementedHere(f"Transfer-Encoding: {coded} is not read here; send the body as it "
                                 "is (chunked, or with a Content-Length)")
    whole_body_within_limit(req, limit)


def whole_body_within_limit(req: Request, limit: int) -> None:
    """A body of unknown length (sent in chunks) is read here, whole, and refused (413) if it
    goes on past the limit, as one whose declared length is over it is before it is read.

    werkzeug reads such a body up to the limit and stops there without a word: the first 2 MB
    of a longer form or upload were answered as if they were all of it (a dataset parameter
    past the cut dropped, a data file's later lines never validated)."""
    if req.content_length is not None or req.method not in ("POST", "PUT", "PATCH"):
        return
    body = req.get_data(cache=True)  # what the views read afterwards, forms included
    if len(body) >= limit and req.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def suffix_format(extension: str, what: str = "document") -> Format:
    """The format a URL suffix names, or 404 listing the suffixes there are."""
    fmt = document_format(extension)
    if fmt is None:
        raise NotFound(f"no {what} with the extension .{extension}; use one of "
                       + ", ".join(f".{f.extension}" for f in DOCUMENT_FORMATS))
    return fmt


def not_found(message: str, fmt: Format, see: tuple[str, str] | None = None,
              see_label: str | None = None) -> Response:
    """404 in the negotiated format: an HTML page, or an RDF document with no triples that says
    why in a comment (where the syntax has comments), so an RDF client's parser still succeeds.
    `see`: (IRI, its URL here) of what the path may have meant, said after the message (a link on
    the page, named by `see_label` where it has one: "Rome (/id/city/rome)", not its IRI)."""
    if fmt.kind == "page":
        page = render_template("error.html", status=404, title="Not Found", message=message,
                               see={"label": f"{see_label} ({see[1]})" if see_label else see[0],
                                    "href": see[1]} if see else None)
        resp = Response(page, status=404, mimetype="text/html")
    else:
        if see is not None:
            message += f"; did you mean <{see[0]}>?"
        resp = Response(_empty_document(fmt, f"404 Not Found: {message}"), status=404,
                        content_type=fmt.content_type)
    # A 404 may be cached (RFC 9110 15.1): the HTML one must not be given to an RDF client.
    resp.vary.add("Accept")
    return resp


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _empty_document(fmt: Format, message: str) -> bytes:
    # One line, and no character XML 1.0 has none of (a path's %01).
    text = _NOT_XML.sub("\ufffd", " ".join(message.split()))
    if fmt.name == "jsonld":
        # A key no context maps is dropped by every JSON-LD processor: an empty graph that says why.
        return (json.dumps({"@graph": [], "message": message}, ensure_ascii=False) + "\n").encode()
    if fmt.name == "rdfxml":
        # No "--" in an XML comment, nor a "-" before its end: the second hyphen of each pair as
        # %2D, which an IRI may hold for it (RFC 3986, 2.3), so that a suggested IRI
        # (participations' hold "--") still leads to its resource when copied. Not as "- -", which
        # was wrong in every format, Turtle's comments included. A comment's text is not markup:
        # no entity in it is read ("&lt;" was shown as such).
        text = re.sub(r"(?<=-)-", "%2D", text).removesuffix("-")
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {text} -->\n'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n').encode()
    return f"# {text}\n".encode()
