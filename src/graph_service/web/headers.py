"""Headers every response carries: the security headers, and what a script of another origin may
read (CORS, granted by flask-cors in the app and by the protocol's front, `protocol`, alike)."""

from __future__ import annotations

from re import Pattern
from typing import Any, TypeVar

from werkzeug.wrappers import Response

#: Response headers saying that the result limit cut an answer, and what the limit is.
TRUNCATED_HEADER = "X-Result-Truncated"
LIMIT_HEADER = "X-Result-Limit"
#: A validation's verdict, the shapes it used (in words) and how many focus nodes they checked.
CONFORMS_HEADER, SHAPES_HEADER, FOCUS_NODES_HEADER = "X-Conforms", "X-Shapes", "X-Focus-Nodes"

#: What the pages need and nothing more: their own scripts, styles and images, no framing, no
#: plugins. YASGUI sets inline styles, hence 'unsafe-inline' for styles (not for scripts).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

#: What a script of any origin may read (flask-cors): the linked data, the dataset's description
#: and dumps, the shapes, the project's own validation report, the search and the SPARQL endpoint
#: (which alone takes POST). Not the validation service, the health checks or the pictures. No
#: credentials (no cookies are used anyway); preflights answered for a day.
OPEN_TO_SCRIPTS: dict[str | Pattern[str], dict[str, Any]] = {
    r"/sparql/?$": {"methods": ["GET", "POST", "OPTIONS"]},
    r"/(id|doc|graph|ontology|dumps)/.*$": {"methods": ["GET", "HEAD", "OPTIONS"]},
    r"/((ontology|void|shapes)(\.[a-z]+)?|\.well-known/void|search|favicon\.ico)?$": {
        "methods": ["GET", "HEAD", "OPTIONS"]},
    r"/validate/project$": {"methods": ["GET", "HEAD", "OPTIONS"]},
}
#: Beyond the safelisted response headers, what a script may read: the answer's ETag (to
#: revalidate it), Retry-After (after a 503 or 429), the result limit's two, the linked data's
#: Link (alternates, the described resource) and Content-Location (the negotiated document), and
#: a dump's Accept-Ranges, Content-Range and Content-Disposition (to resume its download, and name
#: it), and the project's validation report's verdict (a script could not read X-Conforms).
EXPOSED_HEADERS = [TRUNCATED_HEADER, LIMIT_HEADER, "ETag", "Retry-After", "Link", "Content-Location",
                   "Accept-Ranges", "Content-Range", "Content-Disposition", CONFORMS_HEADER, SHAPES_HEADER,
                   FOCUS_NODES_HEADER]

#: What flask-cors adds to an answer of a route open to scripts (a request, not a preflight):
#: any origin, and the exposed headers in its order (sorted).
OPEN_ANSWER_HEADERS = (("Access-Control-Allow-Origin", "*"),
                       ("Access-Control-Expose-Headers", ", ".join(sorted(EXPOSED_HEADERS))))


R = TypeVar("R", bound=Response)


#: On every response; on pages, `PAGE_SECURITY_HEADERS` too.
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "strict-origin-when-cross-origin"))
PAGE_SECURITY_HEADERS = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Frame-Options", "DENY"))


def secure(resp: R) -> R:
    """The security headers, on every response (a page's policy on pages only), where the view
    has not set its own."""
    for name, value in SECURITY_HEADERS + (PAGE_SECURITY_HEADERS if resp.mimetype == "text/html" else ()):
        resp.headers.setdefault(name, value)
    return resp
