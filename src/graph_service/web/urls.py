"""The one mapping between the dataset's IRIs and the service's URLs.

Every IRI under the base is served at its own path (`<base>id/city/paris` at `/id/city/paris`), as
the W3C's "Cool URIs for the Semantic Web" recommend; the data is authored under
`config.DEFAULT_BASE`, and a deployment may configure another base, so IRIs under either map
to local paths. Links in pages are root-relative (`/doc/city/paris.html`, behind any proxy
prefix the WSGI server reports) so the same pages work on any host and port. IRIs outside the
dataset are external links, left as they are.

    resource     <base>id/<kind>/<slug>       303 -> /doc/<kind>/<slug>.<extension>
    document     /doc/<kind>/<slug>.<ext>      html, ttl, jsonld, nt, rdf (graph); trig, nq (graphs kept)
    ontology     <base>ontology#Term           /ontology#Term (hash IRIs: the document answers)
    shapes       <base>shapes#Name             /shapes#Name
    SPARQL       <base>sparql                  /sparql?query=...
    dumps        <base>dumps/liberation.<ext>  /dumps/liberation.<ext>

Everything here is plain string work; `current()` binds a `Urls` to the running request. Pages
link through it to everything that has an IRI (and to the endpoint, the validation form and the
home page); Flask's `url_for` is left the routes that name nothing of the dataset (the search,
the timeline and map drawings, static files) and absolute URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import request
from werkzeug.routing import PathConverter

from graph_service.config import answered_bases
from graph_service.graph import Dump, Format, dumps, formats, layout
from graph_service.web.state import service

#: The formats a description document comes in, in the order pages list them.
DOCUMENT_FORMATS: tuple[Format, ...] = tuple(
    f for f in (formats.by_name(n) for n in ("html", "turtle", "jsonld", "ntriples", "rdfxml", "trig",
                                             "nquads"))
    if f is not None
)
#: What a resource IRI, the ontology and /void negotiate among (HTML for browsers, then data).
NEGOTIATED_KINDS: tuple[formats.Kind, ...] = ("page", "graph", "dataset")
# Characters left as they are in a path (RFC 3986 pchar, plus "/" and existing %-escapes).
_SAFE = "/:@!$&'()*+,;=-._~%"


@dataclass(frozen=True)
class Urls:
    #: The configured base IRI (`Settings.base_iri`).
    base_iri: str
    #: Where the application is mounted ("" at the root; a proxy prefix otherwise).
    root: str = ""
    #: What the dataset's dumps are called (`dumps.dataset_stem`).
    dump_stem: str = layout.DUMP_STEM

    # --- IRIs -> URLs --------------------------------------------------------------------------

    @property
    def bases(self) -> tuple[str, ...]:
        return answered_bases(self.base_iri)

    def local_path(self, iri: str) -> str | None:
        """The path (and #fragment) where the service answers for an IRI under a base, else None."""
        for base in self.bases:
            if iri.startswith(base):
                return "/" + iri[len(base):]
        return None

    def href(self, iri: str) -> str | None:
        """Where a link to an IRI points: the IRI's own path here (a resource's answers 303 to
        its page, so a copied link is still the resource's identity), the IRI itself when it is an
        external web address, else None: a `javascript:` or `data:` IRI in the data is no link."""
        path = self.local_path(iri)
        if path is not None:
            return self.root + quote(path, safe=_SAFE + "?#")
        return iri if iri.lower().startswith(("http://", "https://")) else None

    def document(self, iri: str, fmt: Format | None = None) -> str:
        """The URL of a resource's description document; without `fmt`, the negotiated one."""
        path = self.local_path(iri)
        if path is None or not path.startswith("/" + layout.RESOURCE):
            raise ValueError(f"{iri} is not a resource IRI of this dataset")
        rest = quote(path[len("/" + layout.RESOURCE):], safe=_SAFE)
        suffix = f".{fmt.extension}" if fmt is not None else ""
        return f"{self.root}/{layout.DOCUMENT}{rest}{suffix}"

    def persistent_document(self, iri: str, fmt: Format | None = None) -> str:
        """The IRI of that document under the base the graph is published under (what the
        document calls itself), not its URL at this host."""
        return self.base_iri + self.document(iri, fmt)[len(self.root) + 1:]

    def documents(self, iri: str) -> list[tuple[Format, str]]:
        return [(f, self.document(iri, f)) for f in DOCUMENT_FORMATS]

    def kind(self, kind: str) -> str:
        """The list of one kind of resource (`/id/city/`)."""
        return f"{self.root}/{layout.RESOURCE}{quote(kind, safe=_SAFE)}/"

    def kinds(self) -> str:
        """The list of the kinds (`/id/`)."""
        return f"{self.root}/{layout.RESOURCE}"

    def ontology(self, fmt: Format | None = None) -> str:
        suffix = f".{fmt.extension}" if fmt is not None else ""
        return f"{self.root}/{layout.ONTOLOGY}{suffix}"

    def ontology_version(self, version: str, fmt: Format | None = None) -> str:
        """An earlier version of the ontology, as kept (its version IRI without a format)."""
        suffix = f".{fmt.extension}" if fmt is not None else ""
        return f"{self.root}/{layout.ONTOLOGY}/{version}{suffix}"

    def shapes(self, fmt: Format | None = None) -> str:
        suffix = f".{fmt.extension}" if fmt is not None else ""
        return f"{self.root}/{layout.SHAPES}{suffix}"

    def sparql(self, query: str | None = None, fmt: str | None = None) -> str:
        """The endpoint; with `query`, that query's answer (in the format named `fmt`, else the
        editor, for a browser)."""
        url = f"{self.root}/{layout.SPARQL}"
        params = {"query": query, **({"format": fmt} if fmt else {})} if query else {}
        return f"{url}?{urlencode(params)}" if params else url

    def describe_query(self, iri: str) -> str:
        """A SPARQL query that shows a resource's triples and the graph each comes from."""
        return ("SELECT ?property ?value ?graph WHERE {\n"
                f"  GRAPH ?graph {{ <{iri}> ?property ?value }}\n"
                "}\nORDER BY ?graph ?property")

    def void(self, fmt: Format | None = None) -> str:
        suffix = f".{fmt.extension}" if fmt is not None else ""
        return f"{self.root}/{layout.VOID}{suffix}"

    def validate(self) -> str:
        return f"{self.root}/{layout.VALIDATE}"

    def validate_project(self) -> str:
        """The report on the project's own data against its shapes."""
        return f"{self.root}/{layout.VALIDATE}/project"

    def home(self) -> str:
        return f"{self.root}/"

    def dump(self, dump: Dump) -> str:
        return f"{self.root}/{dump.path}"

    def dumps(self, *, project: bool = True) -> list[tuple[Dump, str]]:
        """The dumps and their URLs; described as the project's graph's unless not `project`."""
        return [(d, self.dump(d)) for d in dumps.dumps_for(self.dump_stem, project=project)]

    # --- URLs -> IRIs --------------------------------------------------------------------------

    def kind_and_slug(self, iri: str) -> tuple[str, str] | None:
        """`(kind, slug)` of a resource IRI (`<base>id/<kind>/<slug>`), else None."""
        for base in self.bases:
            prefix = base + layout.RESOURCE
            if iri.startswith(prefix):
                kind, _, slug = iri[len(prefix):].partition("/")
                return (kind, slug) if kind and slug and "/" not in slug else None
        return None

    def resource_iris(self, rest: str) -> list[str]:
        """The IRIs a resource path (after `/id/` or `/doc/`) may stand for, the configured base first."""
        return [f"{base}{layout.RESOURCE}{rest}" for base in self.bases]

    def split_document(self, rest: str) -> tuple[str, Format | None]:
        """`city/paris.ttl` -> (`city/paris`, Turtle); a path without a known suffix has no format."""
        head, dot, ext = rest.rpartition(".")
        fmt = document_format(ext) if dot and "/" not in ext else None
        return (head, fmt) if fmt is not None else (rest, None)


def document_format(extension: str) -> Format | None:
    """The document format a URL suffix names: exactly a registry extension, so each document has
    one URL (no `.TTL`, no `.turtle`)."""
    return next((f for f in DOCUMENT_FORMATS if f.extension == extension), None)


def current() -> Urls:
    """The URL builder for the request being answered."""
    settings = service().settings
    return Urls(settings.base_iri, request.script_root, dumps.dataset_stem(settings))


class AnyPath(PathConverter):
    """werkzeug's `path`, newlines included: its pattern's "." stops at one, so a resource path
    with an encoded newline (`%0A`) matched no route and got the generic 404 rather than the
    route's own answer (a path no IRI can have is a 400 saying so)."""

    regex = r"[^/](?s:.)*?"

