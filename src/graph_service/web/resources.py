"""Linked-data dereferencing: resource IRIs answer 303 to their description documents, which
come as an HTML page or as RDF in every format of the registry (the ontology: `ontology`).

    GET /id/<path>            303 See Other -> /doc/<path>.<ext> chosen by Accept (Vary: Accept)
    GET /doc/<path>.<ext>     the description in one format (ETag, Last-Modified, Link alternates)
    GET /doc/<path>           the description, negotiated (Vary: Accept, Content-Location)

An unknown IRI answers 404 in the format the client asked for; a path no IRI can have (dot
segments, encoded slashes, NUL, not UTF-8, too long) answers 400 (see `documents.check_path`).
"""

from __future__ import annotations

import builtins
import calendar
import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, render_template, request
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup, escape
from rdflib.namespace import FOAF, RDF, RDFS, VOID
from werkzeug.exceptions import BadRequest, NotAcceptable, NotFound

from graph_service.graph import (
    Description,
    Format,
    QuadIndex,
    QuadSource,
    Rebase,
    dataset_iri,
    describe,
    exists,
    fold,
    formats,
    has_note,
    is_inferred,
    labels_of,
    layout,
    listed,
    query_prefixes,
    short,
    shown_date,
    sortable,
    spelt_nearly,
    write,
)
from graph_service.web import photo as photo_page
from graph_service.web import source as source_page
from graph_service.web.atlas import coordinates_source
from graph_service.web.description import description_quads, terms_of_use
from graph_service.web.documents import (
    alternates,
    cached,
    link,
    moved,
    not_found,
    quads,
    respond,
    see_document,
    see_other,
    suffix_format,
)
from graph_service.web.errors import problem
from graph_service.web.negotiation import negotiate
from graph_service.web.state import service
from graph_service.web.urls import NEGOTIATED_KINDS, Urls, current

bp = Blueprint("resources", __name__)

#: A web address in the project's prose (the sources a note names), up to a space or a closing
#: bracket, without the sentence's own punctuation after it.
_URL = re.compile(r"https?://[^\s<>\"'()]*[^\s<>\"'().,;:]")


#: A name in the project's shorthand (`event:liberation-of-paris`, `lib:depicts`), as the notes
#: and comments of the data write it: a prefix its source file declares, then a local name.
_SHORTHAND = re.compile(r"(?<![\w/:#.@-])([a-z][\w-]*):([A-Za-z][\w-]*[\w])")


@bp.app_template_filter("linked_urls")
def linked_urls(text: str) -> Markup:
    """`text` escaped, its http(s) addresses made links: a note's sources can be followed; and
    the names it gives in the data's shorthand (`event:liberation-of-paris`: the data file's own
    prefixes, declared in no document served) linked to what they name, where the dataset has it,
    a resource by its label, the shorthand on hover (a reader met "rec:liberation-of-brussels"
    mid-sentence), a term of a vocabulary by its shorthand, its label on hover."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [_linked_names(text[last:m.start()]),
                Markup('<a href="{0}" rel="nofollow noopener">{0}</a>').format(m.group(0))]
        last = m.end()
    out.append(_linked_names(text[last:]))
    return Markup("").join(out)


def _linked_names(text: str) -> Markup:
    out, last = [], 0
    for m in _SHORTHAND.finditer(text):
        namespace = _source_prefixes().get(m[1])
        if namespace is None or not exists(quads(), iri := namespace + m[2]):
            continue
        href = current().href(iri)
        if href is None:
            continue
        node = ox.NamedNode(iri)
        label = labels_of(quads(), [node]).get(node, m[0])
        shown, hover = (label, m[0]) if iri.startswith(str(service().names.id)) else (m[0], label)
        out += [escape(text[last:m.start()]),
                Markup('<a href="{0}" title="{1}">{2}</a>').format(href, hover, shown)]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _source_prefixes() -> dict[str, str]:
    """prefix -> namespace as the served data's source files declare them at their head (the
    project's data file, or a user's files), under the base the dataset is served with; once per
    process."""
    def read() -> dict[str, str]:
        settings = service().settings
        found: dict[str, str] = {}
        for path in settings.serve_files or (settings.data_path,):
            # Declarations open a document: its head is read, not a file of gigabytes.
            with contextlib.suppress(OSError), open(path, "rb") as source:
                head = source.read(_HEAD_BYTES).decode("utf-8", errors="ignore")
                for prefix, namespace in query_prefixes(head).items():
                    found.setdefault(prefix, namespace)
        rebase = Rebase(settings.base_iri)  # as the build moved the data's IRIs
        return {p: rebase.iri(ns) for p, ns in found.items()}
    return cached("source prefixes", read)


_HEAD_BYTES = 1 << 16


_HTML = formats.by_name("html")
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))
_IN_DATASET = ox.NamedNode(str(VOID.inDataset))


@bp.record_once
def _load_quads(state: BlueprintSetupState) -> None:
    # At start-up, so the first request does not wait for the dataset's quads. Data too large to
    # hold in memory has none loaded (`graph.load_serving`): pages read a store on disk instead,
    # prepared on the first page, so that queries alone (answered from the query store) never
    # prepare it.
    app = state.app
    assert isinstance(app, Flask)  # flask types it as its sansio base, which has no app context
    if app.extensions["graph_service"].loaded.index is None:
        return
    with app.app_context():
        quads()


# --- Resources and their documents ------------------------------------------------------------------


#: Resources listed on one page of a kind's listing (`/id/<kind>/`).
PAGE_SIZE = 100


@bp.get("/" + layout.RESOURCE + "<path:rest>")
def resource(rest: str) -> Response:
    urls = current()
    if rest.endswith("/") and "/" not in rest[:-1]:
        return browse(rest[:-1])
    fmt = _negotiate()
    iri = _known_iri(urls, rest)
    if iri is None:
        return _kind_or_not_found(urls, rest, fmt)
    return see_document(urls.document(iri, fmt), fmt)


@bp.get("/" + layout.DOCUMENT + "<path:rest>")
def document(rest: str) -> Response:
    urls = current()
    path, fmt = urls.split_document(rest)
    negotiated = fmt is None
    if fmt is None:
        fmt = _negotiate()
    iri = _known_iri(urls, path)
    if iri is None:
        head, dot, extension = path.rpartition(".")
        if negotiated and dot and extension and "/" not in extension and _known_iri(urls, head) is not None:
            # `paris.xyz`, `paris.TTL`: the resource is there, its document has no such suffix.
            try:
                suffix_format(extension, f"document of <{urls.resource_iris(head)[0]}>")
            except NotFound as exc:
                return not_found(str(exc.description), fmt)
        # What it may have meant is offered as the document asked for (`paris.ttl/` -> `paris.ttl`).
        asked = None if negotiated else fmt
        return _kind_or_not_found(urls, path, fmt, document=asked or urls.split_document(path.rstrip("/"))[1])
    # A description is the same in every format: made once per resource and process (only IRIs
    # the dataset has get here, so the cache is bounded by the dataset).
    d = cached(f"describe {iri}", lambda: describe(quads(), iri))
    try:
        body = render_page(d, urls) if fmt == _HTML else _rdf(d, fmt, urls)
    except ValueError as exc:  # a format that cannot hold these triples (RDF/XML, an odd IRI)
        return problem(406, str(exc))
    links = alternates(urls.documents(iri), fmt) + [link(iri, "describes")]
    # The document names itself by its persistent IRI (as `_rdf` writes it), which a client that
    # fetched it from this host's address would not otherwise know it by (RFC 6596).
    links.append(f'<{urls.persistent_document(iri, fmt)}>; rel="canonical"')
    headers = {"Content-Location": urls.document(iri, fmt)} if negotiated else None
    return respond(body, fmt, negotiated=negotiated, links=links, headers=headers)


def kind_counts() -> list[tuple[str, int]]:
    """The kinds of resource (`id/<kind>/`) and how many of each, for the browse pages; found
    once per process."""
    def count() -> list[tuple[str, int]]:
        urls = current()
        found: dict[str, set[str]] = {}
        for subject in quads().subjects():
            parts = urls.kind_and_slug(subject.value) if isinstance(subject, ox.NamedNode) else None
            if parts is not None:
                found.setdefault(parts[0], set()).add(parts[1])
        return sorted((kind, len(slugs)) for kind, slugs in found.items())

    return cached("kinds", count)


def _is_kind(kind: str) -> bool:
    # Asked before a kind's list is made and kept: a request for a kind the data lacks must not
    # add an entry to the cache (any number of them would).
    return any(kind == k for k, _ in kind_counts())


def _kind_or_not_found(urls: Urls, rest: str, fmt: Format, document: Format | None = None) -> Response:
    """For a path that names no resource: a kind's name without its slash (`/id/city`, a URL cut
    back from a resource's) is 308 to the kind's list, whatever the client takes (an RDF client
    was answered 404 here), unless a document's suffix named a format (`/doc/city.ttl`: no
    document of that name); anything else 404, naming what it may have meant: its document in
    the format `document` where a document was asked for in one."""
    kind = rest.removesuffix("/")
    if document is None and "/" not in kind and _is_kind(kind):
        return moved(urls.kind(kind))
    near = _meant(urls, rest)
    href = (urls.document(near, document) if document else urls.href(near) or near) if near else None
    label = labels_of(quads(), [ox.NamedNode(near)]).get(ox.NamedNode(near)) if near and href else None
    return not_found(f"no resource <{urls.resource_iris(rest)[0]}> in this dataset", fmt,
                     see=(near, href) if near and href else None, see_label=label)


def _meant(urls: Urls, rest: str) -> str | None:
    """The resource a path that names none may have meant: itself without a trailing slash or a
    document's suffix (`/id/city/paris.ttl`, `/doc/city/paris.ttl/`), in other capitals or accents
    (`/id/city/Paris`), its name under the one kind that has it (`/id/person/paris`), the one name
    of its kind that holds it as whole words (`/id/person/de-gaulle`), or its words but the small
    ones, or that it begins with, or a name of its kind spelt nearly as it is (`/id/city/pariss`)."""
    trimmed = rest.removesuffix("/")
    head, dot, suffix = trimmed.rpartition(".")
    paths = [p for p in (rest, trimmed, head if dot and formats.by_extension(suffix) else None) if p]
    for tried in [*paths[1:], *(p.lower() for p in paths)]:
        if tried != rest and (found := _known_iri(urls, tried)):
            return found
    if not isinstance(quads(), QuadIndex):
        # Large data, read from disk: no map of every IRI is kept for the sake of a 404.
        return None
    names = cached("resource paths", lambda: _resource_paths(urls))
    if (found := next((names.by_path[fold(p)] for p in paths if fold(p) in names.by_path), None)) is not None:
        return found
    slugs = names.by_slug.get(fold(rest.rstrip("/").rpartition("/")[2]), [])
    if len(slugs) == 1:
        return slugs[0]
    kind, slash, slug = fold(paths[-1]).rpartition("/")
    if not slash or not slug:
        return None
    of_kind = names.by_kind.get(kind, {})
    near = _named_in_part(slug, kind, of_kind) or spelt_nearly(slug, of_kind)
    return names.by_path[of_kind[near]] if near is not None else None


#: Words too common in names to point to one (`/id/place/of`, `/id/person/de`).
_COMMON_WORDS = frozenset({"a", "an", "and", "at", "de", "der", "des", "di", "du", "in", "la", "le", "of",
                           "on", "the", "van", "von"})


def _named_in_part(slug: str, kind: str, of_kind: dict[str, str]) -> str | None:
    """The one name of a kind's (`of_kind`: its folded names) that holds `slug` as whole words
    (`/id/person/de-gaulle`: charles-de-gaulle), if only one does; never for a single letter, a
    common word or the kind's own name (`/id/city/city`)."""
    if len(slug) < 3 or slug in _COMMON_WORDS or slug == kind:
        return None
    words = f"-{slug}-"
    found = [name for name in of_kind if words in f"-{name}-"]
    if not found:
        # Its words but the small ones (`/id/event/liberation-brussels`), or a name with more after
        # it (`/id/event/warsaw-uprising-1944`).
        wanted = set(slug.split("-")) - _COMMON_WORDS
        found = [name for name in of_kind if set(name.split("-")) - _COMMON_WORDS == wanted] or [
            name for name in of_kind
            if f"{slug}-".startswith(f"{name}-") and len(name) >= 3 and name not in _COMMON_WORDS]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class _Names:
    """Each resource IRI by its folded path after `id/`, by its folded slug, and the folded paths
    of each kind by their slugs: a 404 looks among one kind's names, not all of them (20 ms per
    404 at 200,000 resources)."""

    by_path: dict[str, str]
    by_slug: dict[str, list[str]]
    by_kind: dict[str, dict[str, str]]


def _resource_paths(urls: Urls) -> _Names:
    by_path: dict[str, str] = {}
    by_slug: dict[str, list[str]] = {}
    by_kind: dict[str, dict[str, str]] = {}
    for subject in quads().subjects():
        if isinstance(subject, ox.NamedNode) and (named := urls.kind_and_slug(subject.value)):
            kind, slug = named
            path = fold(f"{kind}/{slug}")
            by_path.setdefault(path, subject.value)
            by_slug.setdefault(fold(slug), []).append(subject.value)
            folded_kind, _, folded_slug = path.rpartition("/")
            by_kind.setdefault(folded_kind, {}).setdefault(folded_slug, path)
    return _Names(by_path, by_slug, by_kind)


def browse(kind: str) -> Response:
    """`/id/<kind>/`: the resources of one kind (the cities, the people...) by name, a page at a
    time (`?page=N`). A kind the dataset has none of is 404."""
    urls = current()
    members = cached(f"browse {kind}", lambda: _members(urls, kind)) if _is_kind(kind) else []
    if not members:
        missing = f"no resources under <{urls.resource_iris(kind + '/')[0]}> in this dataset"
        try:
            return not_found(missing, negotiate(("page",)))
        except NotAcceptable:  # what is not there is not there, in any form: 404 before 406
            raise NotFound(missing) from None
    fmt = negotiate(NEGOTIATED_KINDS)
    pages = (len(members) + PAGE_SIZE - 1) // PAGE_SIZE
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        raise BadRequest("page= is a page number, from 1") from None
    if not 1 <= page <= pages:
        raise NotFound(f"there {'is' if pages == 1 else 'are'} {pages} page{'' if pages == 1 else 's'} "
                       f"of {kind} resources")
    if fmt != _HTML:
        # The list as data is a query's answer, whole (a page of it as well): the endpoint writes
        # it in the format asked for.
        return see_other(urls.sparql(members_query(urls.resource_iris(kind + "/")), fmt.name))
    shown = [(label, urls.href(iri) or iri, what) for label, iri, what in
             members[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
    body = render_template("browse.html", kind=kind, total=len(members), members=shown, page=page,
                           pages=pages, first=(page - 1) * PAGE_SIZE + 1)
    return respond(body, fmt, negotiated=True)


def members_query(prefixes: list[str]) -> str:
    """A CONSTRUCT of the resources named by one of `prefixes` and a slug (a kind's, under each
    base the service answers for: `.../id/city/`), with their kinds and names: what the kind's
    list shows, as data."""
    under = " || ".join(f"(STRSTARTS(STR(?resource), {lit}) && "
                        f"!CONTAINS(STRAFTER(STR(?resource), {lit}), \"/\"))"
                        for lit in (str(ox.Literal(p)) for p in prefixes))
    return ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "CONSTRUCT { ?resource a ?class ; rdfs:label ?label }\nWHERE {\n"
            "  { SELECT DISTINCT ?resource WHERE {\n"
            f"    ?resource ?p ?o FILTER({under}) }} }}\n"
            "  OPTIONAL { ?resource a ?class }\n  OPTIONAL { ?resource rdfs:label ?label }\n}")


def _members(urls: Urls, kind: str) -> list[tuple[str, str, str]]:
    """(label, IRI, kind of thing) of every resource under `id/<kind>/`, by label as people sort
    (case and accents aside: "Zośka" among the Zs). IRIs, not links: links carry the request's
    proxy prefix, and this is kept for every request."""
    index = quads()
    iris = {s for s in index.subjects() if isinstance(s, ox.NamedNode)
            and (urls.kind_and_slug(s.value) or ("",))[0] == kind}
    labels = labels_of(index, iris)
    rows = []
    for iri in iris:
        label = labels.get(iri) or iri.value.rsplit("/", 1)[-1]
        types = [q.object for q in index.quads_for_pattern(iri, _TYPE, None, None)
                 if not is_inferred(q) and isinstance(q.object, ox.NamedNode)]
        what = ", ".join(sorted({labels_of(index, [t]).get(t) or short(t) for t in types}))
        rows.append((label, iri.value, what))
    # Time-spans in time, their labels' "2 August", "20 August", "3 August" being no order.
    earliest = {row[1]: _earliest(index, ox.NamedNode(row[1])) for row in rows}
    return sorted(rows, key=lambda row: (earliest[row[1]] is None, earliest[row[1]] or "", sortable(row[0]),
                                         row[1]))


def _earliest(index: QuadSource, span: ox.NamedNode) -> str | None:
    """The first day a time-span may be (its day, its month's first, its lower bound, else its
    upper), as an ISO date; None for what has no date."""
    for name in ("onDate", "inMonth", "notBefore", "notAfter"):
        found = sorted(str(o.value) for o in _objects(index, span, name) if isinstance(o, ox.Literal))
        if found:
            return found[0]
    return None


def _rdf(d: Description, fmt: Format, urls: Urls) -> bytes:
    """The description with Pubby's document triples: the document's primary topic is the resource."""
    settings = service().settings
    doc = ox.NamedNode(urls.persistent_document(str(d.iri.value), fmt))
    dataset = ox.NamedNode(str(dataset_iri(settings.base_iri)))
    meta = [
        ox.Quad(doc, _TYPE, ox.NamedNode(str(FOAF.Document))),
        ox.Quad(doc, ox.NamedNode(str(FOAF.primaryTopic)), d.iri),
        ox.Quad(doc, _LABEL, ox.Literal(f"Description of {d.label(d.iri)}", language="en")),
        ox.Quad(doc, _IN_DATASET, dataset),
        # Labelled, as every other IRI the document mentions is (from the dataset description).
        *(ox.Quad(dataset, _LABEL, q.object) for q in description_quads()
          if q.subject == dataset and q.predicate == _LABEL),
        # Its quotes are the article's text: the licence, and what it does not cover, go with it.
        *(ox.Quad(doc, predicate, value) for predicate, value in terms_of_use()),
    ]
    # A graph format merges the graphs whatever they are: only a dataset's quads are moved.
    return write(meta + (_where_clients_look(d.quads) if fmt.kind == "dataset" else d.quads), fmt)


#: Graphs a description keeps apart in its dataset formats: what the reasoner adds, and the
#: statements behind the facts. Everything else is asserted and goes to the default graph.
def _where_clients_look(quads: list[ox.Quad]) -> list[ox.Quad]:
    """A linked-data client reading a quad document (Comunica asks for N-Quads first) looks in its
    default graph: the asserted statements go there, inferred ones and per-statement sources stay
    in their named graphs, so the two remain apart. Graph formats merge all of them anyway."""
    own = service().names
    apart = {ox.NamedNode(str(g)) for g in (own.inferred_graph, own.provenance_graph)}
    return [q if q.graph_name in apart else ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
            for q in quads]


def _known_iri(urls: Urls, rest: str) -> str | None:
    """The IRI a resource path stands for, if the dataset has it (the configured base first)."""
    return next((iri for iri in urls.resource_iris(rest) if exists(quads(), iri)), None)


def _negotiate() -> Format:
    return negotiate(NEGOTIATED_KINDS)


# --- The HTML page --------------------------------------------------------------------------------


@dataclass
class Value:
    text: str
    href: str | None = None
    inferred: bool = False
    #: For literals: the language tag or the datatype's short name.
    note: str | None = None
    #: A qualified node (time-span, participation...) is shown as a nested table of its facts.
    facts: list[Fact] = field(default_factory=list)
    kind: str | None = None
    quote: str | None = None
    #: A literal's language, so the page can say so (`<span lang="pl">`).
    lang: str | None = None
    #: The sentences of the article behind this statement.
    evidence: list[Evidence] = field(default_factory=list)
    #: Where a statement that is not the article's comes from (the citation of the coordinates
    #: graph: GeoNames), for the page to say so beside the value.
    source: str | None = None
    #: Whether the value is the project's identification of the resource elsewhere (a Wikidata
    #: item: "General Patton" as George S. Patton), which no sentence of the article can make.
    identification: bool = False
    #: Why the statement is made, where it is the project's reading rather than what its quotes say.
    editorial: tuple[str, ...] = ()
    #: What other accounts say, where the statement is the article's claim and they differ.
    other_accounts: tuple[str, ...] = ()
    #: The pages of the statements behind the value (its quotes, notes, what it is derived from).
    statements: list[str] = field(default_factory=list)
    #: Its notes that its table shows more than once, by their kind ("editorial", "other accounts")
    #: and text (`_number_repeats`).
    note_refs: dict[tuple[str, str], Ref] = field(default_factory=dict)
    #: Its quotes are those of the value before it, which shows them: said so rather than shown.
    same_evidence: bool = False


@dataclass(frozen=True)
class Evidence:
    """A quote behind one statement, in its paragraph of the article (when the text is at hand)."""

    text: str
    href: str | None
    #: The paragraph around the quote, when the article's text is at hand.
    before: str = ""
    after: str = ""
    in_context: bool = False
    #: Where its table shows it more than once (`_number_repeats`).
    ref: Ref | None = None


@dataclass(frozen=True)
class Ref:
    """A quote or note that one table shows more than once: in full the first time, with its
    number, then as a link to that. The Liberation of Paris's facts rest on 13 quotes, which its
    page showed 130 times, each in full (a nested table per participation and reception)."""

    number: int
    #: The id of its first showing.
    anchor: str
    first: bool


@dataclass
class Fact:
    property: str
    property_href: str | None
    values: list[Value]
    #: In a nested table: the properties the reasoner infers to hold these same values (SEM's
    #: `rdf:value` and `sem:roleType` beside a participation's participant and role), named here
    #: rather than given rows of their own that repeat the values.
    also_inferred: list[tuple[str, str | None]] = field(default_factory=list)

    @builtins.property  # the builtin: the field above shadows its name here (for the type checker)
    def inferred(self) -> bool:
        return all(v.inferred for v in self.values)


def render_page(d: Description, urls: Urls) -> str:
    """The resource's page: what matters first (`highlights`), then the asserted facts, what the
    reasoner adds behind a toggle, links, sources, photographs, formats, a query."""
    iri = d.iri.value
    photos = [(urls.href(p.value), d.label(p), d.caption(p), _relations(d, p)) for p in d.photos]
    # Photographs have their own section; here, every other link.
    # By who links, then how: the store's order put one event's links rows apart.
    incoming = sorted(((_linking(d, q, urls), d.label(q.predicate), urls.href(q.predicate.value))
                       for q in d.incoming() if q.subject not in d.photos),
                      key=lambda i: (sortable(i[0].text), i[0].href or "", i[1]))
    facts = _facts(d, d.iri, urls, depth=0)
    # The quotes the resource rests on as a whole have their own section ("Sources").
    evidence = urls.href(str(service().names.lib.evidence))
    shown = [f for f in facts if f.property_href != evidence or not d.quotes]
    quotes = [(d.quote_text(q), urls.href(q.value) if isinstance(q, ox.NamedNode) else None,
               _cited(d, q, urls)) for q in d.quotes]
    resting = sorted((r for r in (_resting(d, st, urls) for st in d.resting) if r is not None),
                     key=lambda r: (sortable(r.subject.text), r.predicate, sortable(r.object.text)))
    asserted = [f for f in (_asserted(f) for f in shown) if f is not None]
    inferred = [f for f in (_inferred(f) for f in shown) if f is not None]
    links = [i for i in incoming if not i[0].inferred]
    inferred_links = [i for i in incoming if i[0].inferred]
    _number_repeats([[([f.values for f in asserted], "facts", True),
                      ([[i[0]] for i in links], "links", False)],
                     [([f.values for f in inferred], "inferred", True)],
                     [([[i[0]] for i in inferred_links], "inferred-links", False)]])
    return render_template(
        "resource.html",
        iri=iri,
        label=_title(d),
        kinds=[d.label(t) for t in d.asserted_types()] or [d.label(t) for t in d.types()[:1]],
        highlights=highlights(quads(), d.iri, urls),
        facts=asserted,
        inferred_facts=inferred,
        incoming=links,
        inferred_incoming=inferred_links,
        quotes=[q for q in quotes if q[0]],
        resting=resting,
        photos=photos,
        documents=urls.documents(iri),
        query_url=urls.sparql(urls.describe_query(iri)),
        any_inferred=any(is_inferred(q) for q in d.quads),
        photo=photo_page.summary(d, quads(), urls, service().names)
        if photo_page.is_photograph(d, service().names) else None,
        # The article's text is the project's: a user's files have none at hand.
        text=(source_page.paragraphs(quads(), d.iri, article_paragraphs(), urls)
              if service().project_graph else []),
    )


def _number_repeats(parts: list[list[tuple[list[list[Value]], str, bool]]]) -> None:
    """Number the quotes and notes a page shows more than once: in full the first time, then as a
    link to that. `parts`: the page's parts, each its tables as (rows, scope, whether a table of
    facts), rows holding each row's values in the order the page shows them (a table of links
    shows a value's quotes only where its facts are nested). A part's tables share their first
    showings (What links here pointed again, under a new number, to a quote the facts above had
    shown); a part behind a toggle (what the reasoner adds) is read on its own, so it shows its
    quotes itself. Numbers go on from part to part, so that no number stands for two texts."""
    numbers: dict[str, int] = {}
    for part in parts:
        shown = []
        for rows, scope, table in part:
            for values in rows:
                _mark_same_evidence(values, table=table)
            shown += [(scope, *showing) for values in rows for showing in _showings(values, table=table)]
        counts = Counter((kind, key) for _, kind, key, _, _ in shown)
        given: dict[tuple[str, object], tuple[int, str]] = {}
        for scope, kind, key, value, index in shown:
            if counts[(kind, key)] < 2:
                continue
            first = (kind, key) not in given
            if first:
                numbers[kind] = numbers.get(kind, 0) + 1
                given[(kind, key)] = (numbers[kind], f"{scope}-{kind}-{numbers[kind]}")
            number, anchor = given[(kind, key)]
            ref = Ref(number, anchor, first)
            if kind == "quote":
                value.evidence[index] = replace(value.evidence[index], ref=ref)
            else:
                assert isinstance(key, tuple)
                value.note_refs[key] = ref


def _mark_same_evidence(values: list[Value], *, table: bool) -> None:
    """Say of a value in a table of facts whose quotes are those of the value before it (neither
    nesting facts, which show theirs above their table) that they are the same, rather than show
    them again; and so in the tables nested in `values`."""
    before: Value | None = None
    for v in values:
        v.same_evidence = bool(table and before is not None and not before.facts and not v.facts
                               and v.evidence and before.evidence == v.evidence)
        for fact in v.facts:
            _mark_same_evidence(fact.values, table=True)
        before = v


def _showings(values: list[Value], *, table: bool) -> Iterator[tuple[str, object, Value, int]]:
    """The quotes and notes of `values` as the page shows them, in order: (kind, what tells it from
    the others, value, index of the quote). A quote is told by all it is, not by its words: the
    article prints two captions twice, each time a quote of its own."""
    for v in values:
        quotes = [("quote", e, v, i) for i, e in enumerate(v.evidence)]
        if v.facts:
            yield from quotes  # the sentence behind the link, then the nested table
            for fact in v.facts:
                yield from _showings(fact.values, table=True)
        yield from (("note", ("editorial", note), v, 0) for note in v.editorial)
        yield from (("note", ("other accounts", note), v, 0) for note in v.other_accounts)
        if table and not v.facts and not v.same_evidence:
            yield from quotes


def _asserted(fact: Fact) -> Fact | None:
    values = [v for v in fact.values if not v.inferred]
    return Fact(fact.property, fact.property_href, values) if values else None


def _inferred(fact: Fact) -> Fact | None:
    values = [v for v in fact.values if v.inferred]
    return Fact(fact.property, fact.property_href, values) if values else None


# --- What matters first -------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    """One line of a page's opening summary: "Liberated: 25 or 26 August 1944, by ..."."""

    label: str
    values: list[tuple[str, str | None]]
    note: str = ""


def _n(name: str) -> ox.NamedNode:
    """A term of the ontology, under the served base."""
    return ox.NamedNode(str(service().names.lib[name]))


def _objects(index: QuadSource, subject: ox.NamedNode | ox.BlankNode, name: str) -> list:
    """The values the source states, else (a shortcut only the build or the reasoner makes) all."""
    found = list(index.quads_for_pattern(subject, _n(name), None, None))
    stated = [q for q in found if not is_inferred(q)] or found
    return list(dict.fromkeys(q.object for q in stated))


def _subjects(index: QuadSource, name: str, obj: ox.NamedNode) -> list:
    return list(dict.fromkeys(q.subject for q in index.quads_for_pattern(None, _n(name), obj, None)))


def _linked(index: QuadSource, terms: list, urls: Urls) -> list[tuple[str, str | None]]:
    nodes = [t for t in terms if isinstance(t, ox.NamedNode)]
    labels = labels_of(index, nodes)
    return sorted(((labels.get(t) or short(t), urls.href(t.value)) for t in nodes),
                  key=lambda v: sortable(v[0]))


def _dates(index: QuadSource, event: ox.NamedNode, prop: str = "hasTimeSpan") -> list[tuple[str, str | None]]:
    """An event's dates, earliest first, each as its time-span's label gives it with the article's
    words beside it where they differ (`shown_date`); a span without a label in the article's words,
    or, bounded on one side only, by that bound: Wiltz's liberation is "by December 25, 1944",
    where its words ("shortly after its liberation by the American 4th Armoured Division,
    December 25, 1944") date the photograph, and read as the liberation's day."""
    spans = sorted(_objects(index, event, prop), key=lambda t: str(t.value))
    return [(w, None) for w in dict.fromkeys(w for w in (_span_words(index, s) for s in spans) if w)]


def _span_words(index: QuadSource, span: Any) -> str | None:
    words = next((o.value for o in _objects(index, span, "dateText") if isinstance(o, ox.Literal)), None)
    label = labels_of(index, [span]).get(span) if isinstance(span, ox.NamedNode) else None
    if label:
        return shown_date(label, words)
    if _objects(index, span, "onDate") or _objects(index, span, "inMonth"):
        return words
    before, after = _objects(index, span, "notAfter"), _objects(index, span, "notBefore")
    if bool(before) == bool(after):  # an interval the words name ("early 1945"), or no bound
        return words
    bound = date.fromisoformat(str((before or after)[0].value)[:10])
    said = f"{'by' if before else 'from'} {calendar.month_name[bound.month]} {bound.day}, {bound.year}"
    return f"{said} (the article: “{words}”)" if words else said


def highlights(index: QuadSource, iri: ox.NamedNode, urls: Urls) -> list[Highlight]:
    """What a reader of the article wants first: for a place, when, by whom and how it was
    liberated or taken; for an event, when and where it happened and who commanded. The facts
    table below has the rest."""
    out: list[Highlight] = []
    freed, taken = _subjects(index, "liberationOf", iri), _subjects(index, "conquestOf", iri)
    for event in dict.fromkeys(freed + taken):
        # Warsaw's: a liberation and a conquest, as the article has it ("supposed liberators,
        # really conquerors").
        verb = ("Liberated and taken" if event in freed and event in taken
                else "Taken" if event in taken else "Liberated")
        # Wiltz's liberation is "its liberation" in a caption, read as Wiltz's. Of Warsaw's two,
        # only the conquest is a reading: the note names which (it read as if the liberation were).
        read = [word for name, word in (("liberationOf", "liberated"), ("conquestOf", "taken"))
                if _is_reading(index, event, name, iri)]
        which = f"{read[0]}: " if len(read) == 1 and verb == "Liberated and taken" else ""
        note = which + _reading_words("on the event's page") if read else ""
        out.append(Highlight(verb, _linked(index, [event], urls), note))
        out.append(_when(index, event, urls, "on the event's page"))
        # Warsaw's liberators are its conquerors too: named once. The build's shortcuts say who
        # freed the place; those who took part in this event say which of them freed it this time.
        actors = _actors(index, event)
        by = {force: name for name in ("capturedBy", "liberatedBy") for force in _objects(index, iri, name)
              if force in actors}
        if by:
            read_forces = [force for force, name in by.items() if _is_reading(index, iri, name, force)]
            disputed = [force for force, name in by.items() if _is_disputed(index, iri, name, force)]
            # In its roles, as the event's page names them: Paris's "By" put the Americans, a
            # supporting force, beside its liberators with nothing to tell them apart.
            forces = [(_in_roles(label, _names(index, list(actors[force]), urls)), href)
                      for force in by for label, href in _linked(index, [force], urls)]
            out.append(Highlight("By", sorted(forces, key=lambda v: sortable(v[0])), _joined(
                _reading_note(index, urls, read_forces, derived=True),
                _disputed_note(_names(index, disputed, urls), derived=True))))
        else:
            out.append(Highlight("By", [], "the article names no force"))
        out += _receptions(index, event, urls, "on the event's page")
    # A liberation or conquest says when even where the article does not (Berlin's), as the
    # capital's page does: a reader of it looks for the date first.
    if any(_objects(index, iri, name) for name in ("hasTimeSpan", "liberationOf", "conquestOf")):
        out.append(_when(index, iri, urls, "below"))
    else:
        # The Warsaw Uprising has no date of its own (the article does not say when it was
        # crushed), but its outbreak has one: a reader of its page looked for "When" in vain.
        for start in _objects(index, iri, "beganWith"):
            if _objects(index, start, "hasTimeSpan"):
                began = _when(index, start, urls, "on its page")
                start_name = ", ".join(text for text, _ in _linked(index, [start], urls))
                out.append(Highlight("Began", began.values,
                                     _joined(f"the date of “{start_name}”, with which it began", began.note)))
    # Shown going on, its beginning and end untold (the Soviet advance "In August 1944"): a time
    # it was under way, which a reader must not take for its date.
    if _objects(index, iri, "underwayDuring"):
        under = _when(index, iri, urls, "below", prop="underwayDuring")
        untold = ("" if _objects(index, iri, "hasTimeSpan")
                  else "the article gives neither its beginning nor its end")
        out.append(Highlight("Under way", under.values, _joined("going on then", untold, under.note)))
    for name, label in (("hasPlace", "Where"), ("liberationOf", "Liberation of"),
                        ("conquestOf", "Conquest of"), ("commandedBy", "Commanded by"), ("depicts", "Shows")):
        objects = _objects(index, iri, name)
        values = _linked(index, objects, urls)
        if name == "hasPlace":
            # The state after the place in it ("Prague, Czechoslovakia"), not in the order of names.
            states = [o for o in objects if any(index.quads_for_pattern(o, _TYPE, _n("Country"), None))]
            places = [o for o in objects if o not in states]
            values = _linked(index, places, urls) + _linked(index, states, urls)
        if values:
            readings = [o for o in objects if _is_reading(index, iri, name, o)]
            disputed = [o for o in objects if _is_disputed(index, iri, name, o)]
            derived = name == "commandedBy"
            out.append(Highlight(label, values, _joined(
                _reading_note(index, urls, readings, derived=derived),
                _disputed_note(_names(index, disputed, urls), derived=derived))))
        if name == "commandedBy":
            out += _taking_part(index, iri, urls, "Taking part")
            # Paris's Allied forces are in its approach: its parts, by name.
            # Its parts as the source states them, from either end: the Warsaw Uprising's rising is
            # stated as a part of it (subEventOf), and its summary left it out.
            stated_parts = [q.subject for q in index.quads_for_pattern(None, _n("subEventOf"), iri, None)
                            if not is_inferred(q)]
            parts = {part: _linked(index, [part], urls)
                     for part in dict.fromkeys([*_objects(index, iri, "hasSubEvent"), *stated_parts])}
            for part, named in sorted(parts.items(), key=lambda p: sortable(p[1][0][0]) if p[1] else ""):
                # Its notes are on the part's page, not below (a reader looked for them in vain).
                # Quoted, as a title: a label may be a sentence ("In The Russians reach Prague").
                out += _taking_part(index, part, urls, f"In “{named[0][0]}”" if named else "In a part",
                                    where="on its page")
    out += _receptions(index, iri, urls, "below")
    # Dam Square's 22 dead were only in the facts table, far down a long page.
    casualties = _objects(index, iri, "hasCasualties")
    if casualties:
        read = [c for c in casualties if _is_reading(index, iri, "hasCasualties", c)
                or _is_reading(index, c, "casualtiesOf", iri)]
        # Whose they are is what may be read (died in the shooting, or only on that day).
        note = (f"that they are this event's is {_reading_words('below')}" if read == casualties
                else _reading_note(index, urls, read))
        out.append(Highlight("Casualties", _linked(index, casualties, urls), note))
    purposes = [str(o.value) for o in _objects(index, iri, "purpose") if isinstance(o, ox.Literal)]
    if purposes:
        # The project's paraphrase, as a reception's reason is: the article's words are the quote.
        out.append(Highlight("Purpose", [(text, None) for text in purposes],
                             "in the project's words; the article's are with the statement below"))
    out += _took_part(index, iri, urls)
    out += _where_it_stands(index, iri, urls)
    return out


def _where_it_stands(index: QuadSource, quote: ox.NamedNode, urls: Urls) -> list[Highlight]:
    """A quote's place in the article's text, on the article's page (the project's graph only: a
    user's files have no text at hand): the quote's page gave only character positions ("begin
    index 3638")."""
    if not service().project_graph:
        return []
    places: list[tuple[str, str | None]] = []
    for source in source_page.quoted_from(index, quote):
        # Every quote's page asks for all its source's marks: worked out once.
        marks = cached(f"quote marks {source.value}",
                       partial(source_page.anchors, index, source, article_paragraphs()))
        marked = marks.get(quote)
        href = urls.href(source.value)
        if marked is not None and href is not None:
            places += [(label, f"{href}#{marked[1]}") for label, _ in _linked(index, [source], urls)]
    if not places:
        return []
    # The quote itself first: its page opened with where it stands, its words only in a row below.
    words = [f"“{o.value}”" for o in _objects(index, quote, "text") if isinstance(o, ox.Literal)]
    return [*([Highlight("The article's words", [(text, None) for text in words])] if words else []),
            Highlight("Where it stands", places, "the passage marked in the article's text")]


def _took_part(index: QuadSource, actor: ox.NamedNode, urls: Urls) -> list[Highlight]:
    """For a person, force or group: the events it took part in, each in its role ("Liberation of
    Paris (political leader)"). De Gaulle's part in the liberation was a table nested under "What
    links here", the last thing on his page."""
    values: dict[str, str | None] = {}
    when: dict[str, str | None] = {}  # the first day each may be, to list them in time
    readings, disputed = [], []
    for part in _subjects(index, "participant", actor):
        roles = _objects(index, part, "role")
        named = _names(index, roles, urls)
        events = _objects(index, part, "inEvent")
        for event in events:
            days = [d for span in _objects(index, event, "hasTimeSpan") if (d := _earliest(index, span))]
            for name, href in _linked(index, [event], urls):
                values.setdefault(_in_roles(name, named), href)
                when.setdefault(_in_roles(name, named), min(days, default=None))
        # Said as what is read: Clark's rush for Rome is the article's, his role in it, commander,
        # the reading ("Liberation of Rome and Mark Clark's rush for Rome: the project's reading"
        # said the events were).
        read_roles = _names(index, [r for r in roles if _is_reading(index, part, "role", r)], urls)
        part_read = (_is_reading(index, part, "participant", actor)
                     or any(_is_reading(index, part, "inEvent", e) for e in events))
        for name in _names(index, events, urls):
            if part_read:  # who took part, or where (the Soviets read as the Red Army)
                readings.append(name)
            elif read_roles:
                readings.append(f"{listed(read_roles)} in {name}")
        if _is_disputed(index, part, "participant", actor) or any(
                _is_disputed(index, part, name, o) for name, objects in (("role", roles), ("inEvent", events))
                for o in objects):
            disputed += _names(index, events, urls)
    if not values:
        return []
    # In time (the German forces' fifteen events were in the order of their names, Luxembourg's
    # before the Warsaw Uprising), the undated after, by name.
    shown = sorted(values.items(),
                   key=lambda v: (when.get(v[0]) is None, when.get(v[0]) or "", sortable(v[0])))
    return [Highlight("Took part in", shown, _joined(
        f"{listed(sorted(set(readings), key=sortable))}: {_reading_words('below')}" if readings else "",
        _disputed_note(list(dict.fromkeys(disputed)))))]


def _taking_part(index: QuadSource, event: ox.NamedNode, urls: Urls, label: str,
                 where: str = "below") -> list[Highlight]:
    """Who took part in the event, each in its role ("Red Army (conquering force)"): the capital's
    page named its liberators, the event's own page only its commander. `where` the notes are: a
    part's, on the part's page."""
    values: list[tuple[int, str, str | None]] = []
    readings, disputed = [], []
    for part in _objects(index, event, "hasParticipation"):
        roles = _objects(index, part, "role")
        named = _names(index, roles, urls)
        rank = min((_ROLE_ORDER.get(str(r.value).rsplit("#role-", 1)[-1], len(_ROLE_ORDER)) for r in roles),
                   default=len(_ROLE_ORDER))
        actors = _objects(index, part, "participant")
        for actor, href in _linked(index, actors, urls):
            values.append((rank, _in_roles(actor, named), href))
        # Who took part, or in what role (the Free French as Paris's liberating force).
        if (_is_reading(index, event, "hasParticipation", part)
                or any(_is_reading(index, part, "participant", a) for a in actors)
                or any(_is_reading(index, part, "role", r) for r in roles)):
            readings += [a for a in actors if isinstance(a, ox.NamedNode)]
        # Patton's army in Luxembourg City; Prince Felix, there, but as its ruler.
        if any(_is_disputed(index, part, "participant", a) for a in actors):
            disputed += _names(index, actors, urls)
        else:
            disputed += [f"{actor} as {role}" for actor in _names(index, actors, urls)
                         for role in _names(index, [r for r in roles if _is_disputed(index, part, "role", r)],
                                            urls)]
    if not values:
        return []
    ordered = sorted(set(values), key=lambda v: (v[0], sortable(v[1])))
    return [Highlight(label, [(text, href) for _, text, href in ordered],
                      _joined(_reading_note(index, urls, list(dict.fromkeys(readings)), where=where),
                              _disputed_note(list(dict.fromkeys(disputed)), where=where)))]


#: Who a reader looks for first among those taking part: who freed or took the place, then who
#: led, then who supported; the rest by name.
_ROLE_ORDER = {"liberating-force": 0, "conquering-force": 0, "captor": 1, "commander": 2,
               "supporting-force": 3}


def _when(index: QuadSource, event: ox.NamedNode, urls: Urls, where: str,
          prop: str = "hasTimeSpan") -> Highlight:
    """The event's dates in the article's words, and whether they are the project's reading:
    Amsterdam's "May 1945" is the month the article gives for the Germans' surrender. `prop`
    "underwayDuring": the times it was going on, with the same notes."""
    dates = _dates(index, event, prop)
    # Two times it was under way are two sightings, not two claims of one date.
    notes = ["the article gives both dates" if len(dates) > 1 and prop == "hasTimeSpan" else
             "" if dates else "the article gives no date"]
    spans = _objects(index, event, prop)

    def read(names: tuple[str, ...]) -> bool:
        return any(_is_reading(index, span, name, value) for span in spans for name in names
                   for value in _objects(index, span, name))

    if any(_is_reading(index, event, prop, span) for span in spans) or read(
            ("dateText", "onDate", "inMonth")):
        notes.append(_reading_words(where))
    elif read(("notBefore", "notAfter")):  # Warsaw's "early 1945", the article's, ends where the project says
        notes.append(f"its bounds are the project's reading of the article, which says why {where}")
    # Brussels' 4 September, where other accounts have 3 September; of two dates, the one they
    # dispute (Paris's 26 August: the German commander surrendered on the 25th).
    bounds = ("onDate", "inMonth", "notBefore", "notAfter")
    disputed = [span for span in spans if any(_is_disputed(index, span, name, value) for name in bounds
                                              for value in _objects(index, span, name))]
    if disputed:
        which = ([w for w in dict.fromkeys(_span_words(index, s) for s in disputed) if w]
                 if len(dates) > 1 else [])
        what = f"the date {' and '.join(which)}" if which else "this date"
        notes.append(f"other accounts dispute {what}, as the note {where} says")
    return Highlight("When", dates, "; ".join(n for n in notes if n))


def _actors(index: QuadSource, event: ox.NamedNode) -> dict[Any, set]:
    """Who takes part in the event or in one of its parts (the reasoner closes lib:hasSubEvent),
    each with the roles it has there."""
    events = [event, *_objects_all(index, event, "hasSubEvent")]
    roles: dict[Any, set] = {}
    for p in (p for e in events for p in _objects_all(index, e, "hasParticipation")):
        for actor in _objects_all(index, p, "participant"):
            roles.setdefault(actor, set()).update(_objects(index, p, "role"))
    return roles


def _objects_all(index: QuadSource, subject: Any, name: str) -> list[ox.NamedNode | ox.BlankNode]:
    """The resources the subject links to by `name`, stated or inferred."""
    return [q.object for q in index.quads_for_pattern(subject, _n(name), None, None)
            if isinstance(q.object, ox.NamedNode | ox.BlankNode)]


def _receptions(index: QuadSource, event: ox.NamedNode, urls: Urls, where: str) -> list[Highlight]:
    """How the event was received, each reception by whom (Rome's two, "warm welcome" and
    "jubilant", are the Italians' and the Romans'), and which kinds are the project's reading."""
    out = []
    receptions = _objects(index, event, "hasReception")
    givers_of = {r: sorted(_objects(index, r, "receivedBy"), key=str) for r in receptions}
    for reception in receptions:
        kinds = _objects(index, reception, "receptionKind")
        by = givers_of[reception]
        givers = [text for text, _ in _linked(index, by, urls)]
        readings = [k for k in kinds if _is_reading(index, reception, "receptionKind", k)] + [
            g for g in by if _is_reading(index, reception, "receivedBy", g)]
        # Whose it is in the line's name: "marred by violence (by Amsterdammers)" read as if they
        # had done the violence. Two receptions by the same people (German citizens: liberation for
        # "some", conquest for "many more") are told apart by their own labels, which say how many.
        shared = bool(by) and any(givers_of[other] == by for other in receptions if other != reception)
        values = (_linked(index, [reception], urls) if shared
                  else _linked(index, kinds, urls) or _linked(index, [reception], urls))
        label = f"Received by {', '.join(givers)}" if givers and not shared else "Received"
        out.append(Highlight(label, values, _reading_note(index, urls, readings, where=where)))
    return out


def _is_reading(index: QuadSource, subject: ox.NamedNode, name: str, obj: Any) -> bool:
    """Whether the statement is the project's reading of the article (its `rdf:Statement`, a
    derived shortcut's too, carries a `lib:editorialNote`)."""
    return has_note(index, subject, _n(name), obj, _n("editorialNote"))


def _reading_note(index: QuadSource, urls: Urls, readings: list, *, derived: bool = False,
                  where: str = "below") -> str:
    """What the opening summary says of values that are the project's reading, not the article's
    words (Rome's liberators, which the article does not name), and where the page says why: a
    derived link's why is in the section the reasoner's links are in, closed until opened."""
    if not readings:
        return ""
    return f"{listed(_names(index, readings, urls))}: " + _reading_words(
        "under “What the reasoner adds” below" if derived else where)


def _reading_words(where: str) -> str:
    return f"the project's reading of the article, which says why {where}"


def _is_disputed(index: QuadSource, subject: ox.NamedNode | ox.BlankNode, name: str, obj: Any) -> bool:
    """Whether the statement is the article's claim where other accounts differ (its
    `rdf:Statement`, a derived shortcut's too, carries a `lib:otherAccounts`)."""
    return has_note(index, subject, _n(name), obj, _n("otherAccounts"))


def _disputed_note(names: list[str], *, derived: bool = False, where: str = "below") -> str:
    """What the opening summary says of values that rest on a claim of the article other accounts
    dispute (Patton's army as Luxembourg City's liberator), and where the page says what they say."""
    if not names:
        return ""
    where = "under “What the reasoner adds” below" if derived else where
    return f"{listed(names)}: other accounts dispute the article here, as the note {where} says"


def _names(index: QuadSource, terms: list, urls: Urls) -> list[str]:
    return [text for text, _ in _linked(index, terms, urls)]


def _in_roles(name: str, roles: list[str]) -> str:
    """"Red Army (conquering force, liberating force)"; the name alone where it has no role. A
    name that ends in its own parenthesis ("Home Army soldier ... (unnamed)") takes the roles in
    it, not in a second one beside it."""
    if not roles:
        return name
    if name.endswith(")") and "(" in name:
        return f"{name[:-1]}; {', '.join(roles)})"
    return f"{name} ({', '.join(roles)})"


def _joined(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


_FIRST = (str(RDF.type), str(RDFS.label))
_STATEMENT = ox.NamedNode(str(RDF.Statement))
_REIFIED = tuple(ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate, RDF.object))
_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


@dataclass(frozen=True)
class Resting:
    """A statement that rests on a quote: what the passage is the source of."""

    statement_href: str | None
    subject: Value
    predicate: str
    predicate_href: str | None
    object: Value
    #: Why the statement is the project's reading, when it is (`lib:editorialNote`).
    editorial: tuple[str, ...]
    #: A shortcut the build derived from other statements (`prov:wasDerivedFrom` them).
    derived: bool = False
    #: What other accounts say of the article's claim, where they differ (`lib:otherAccounts`).
    other_accounts: tuple[str, ...] = ()


def _resting(d: Description, statement: ox.NamedNode | ox.BlankNode, urls: Urls) -> Resting | None:
    facts = {q.predicate: q.object for q in d.outgoing(statement)}
    subject, predicate, obj = (facts.get(p) for p in _REIFIED)
    if subject is None or not isinstance(predicate, ox.NamedNode) or obj is None:
        return None
    def notes(name: str) -> tuple[str, ...]:
        return tuple(sorted(q.object.value for q in d.outgoing(statement)
                            if q.predicate == _n(name) and isinstance(q.object, ox.Literal)))

    derived = any(q.predicate == _DERIVED_FROM for q in d.outgoing(statement))
    if derived and not predicate.value.startswith(str(service().names.lib)):
        # The same link in CIDOC CRM, SEM, Dublin Core...: its statement in the project's own
        # terms is listed (a place's quote listed each link four times over).
        return None
    return Resting(urls.href(statement.value) if isinstance(statement, ox.NamedNode) else None,
                   _plain_value(d, subject, urls, inferred=False), d.label(predicate),
                   urls.href(predicate.value), _plain_value(d, obj, urls, inferred=False),
                   notes("editorialNote"), derived, notes("otherAccounts"))


def _title(d: Description) -> str:
    """The page's heading: the resource's label; for a reified statement, the statement itself."""
    if _STATEMENT in d.types():
        parts = [next((q.object for q in d.outgoing(d.iri) if q.predicate == p), None) for p in _REIFIED]
        if all(parts):
            # A value in quotes, where it would run on into the words before it; the parts apart by
            # arrows, as the statement's name in lists and links (`_statement_label`) has them.
            return "Statement: " + " → ".join(f"“{t.value}”" if isinstance(t, ox.Literal) else d.label(t)
                                             for t in parts if not isinstance(t, ox.Triple | None))
    return d.label(d.iri)


def _relations(d: Description, photo: ox.NamedNode) -> list[str]:
    """How a photograph relates to the resource: the asserted links, else the inferred ones in the
    ontology's own terms (`has place`, not also its CIDOC-CRM, SEM and Dublin Core aliases), said
    in a reader's words where there are some ("taken here")."""
    links = [q for q in d.quads if q.subject == photo and q.object == d.iri]
    asserted = [q for q in links if not is_inferred(q)]
    if not asserted:
        lib = str(service().names.lib)
        asserted = [q for q in links if q.predicate.value.startswith(lib)] or links
    if not asserted:  # listed for a place in the resource's area (St Peter's Square, Rome's)
        places = {q.object for q in d.quads if q.subject == photo and isinstance(q.object, ox.NamedNode)}
        return [f"at {d.label(p)}, in its area" for p in sorted(places, key=d.label)
                if any(q.subject == p and q.object == d.iri for q in d.quads)]
    lib = str(service().names.lib)
    # A link that rests on the project's reading says so, as the facts' tables do: paris-04 is
    # taken on the Champs-Élysées, which the caption does not place in Paris.
    def said(q: ox.Quad) -> str:
        words = _PHOTO_RELATIONS.get(q.predicate.value.removeprefix(lib)) or d.label(q.predicate)
        read = d.editorial.get(ox.Triple(q.subject, q.predicate, q.object))
        return words + ", by the project's reading" if read else words
    return sorted({said(q) for q in asserted})


#: How a photograph relates to what it is listed under, in a reader's words, not the property's.
_PHOTO_RELATIONS = {"hasPlace": "taken here", "depicts": "shows it", "depictsInstanceOf": "shows one"}


def _cited(d: Description, quote: ox.NamedNode | ox.BlankNode,
           urls: Urls) -> list[tuple[str, str | None]]:
    """What a quote is quoted from: the documents it links to (the article)."""
    return [(d.label(q.object), urls.href(q.object.value)) for q in d.outgoing(quote)
            if isinstance(q.object, ox.NamedNode) and q.predicate != _TYPE]


def _facts(d: Description, node: ox.NamedNode | ox.BlankNode, urls: Urls, depth: int) -> list[Fact]:
    # The coordinates rest on GeoNames, not on a sentence: each says so where it is shown.
    coordinates = ox.NamedNode(str(service().names.coordinates_graph))
    grouped: dict[ox.NamedNode, list[ox.Quad]] = {}
    for q in d.outgoing(node):
        if depth > 0 and (q.object == d.iri or q.predicate == _TYPE):
            continue  # inside a nested table: the way back to the resource, and the kind, shown above
        grouped.setdefault(q.predicate, []).append(q)
    wikidata = _n("wikidata")
    facts: list[tuple[int, Fact]] = []
    objects: dict[int, set[object]] = {}  # by id of the fact
    for predicate, group in grouped.items():
        by_object: dict[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, bool] = {}
        located: set[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = set()
        for q in group:  # one value per object, inferred only when no graph asserts it
            by_object[q.object] = by_object.get(q.object, True) and is_inferred(q)
            if q.graph_name == coordinates:
                located.add(q.object)
        values = [_value(d, o, urls, inferred=inf, depth=depth,
                         evidence=d.evidence.get(ox.Triple(node, predicate, o), []))
                  for o, inf in by_object.items()]
        for o, v in zip(by_object, values, strict=True):
            if o in located:
                v.source = coordinates_source()
            v.identification = predicate == wikidata
            triple = ox.Triple(node, predicate, o)
            v.editorial = d.editorial.get(triple, ())
            v.other_accounts = d.other_accounts.get(triple, ())
            v.statements = [href for st in d.statement_of.get(triple, []) if isinstance(st, ox.NamedNode)
                            if (href := urls.href(st.value)) is not None]
        values.sort(key=lambda v: (v.inferred, v.text.lower()))
        rank = _FIRST.index(predicate.value) if predicate.value in _FIRST else len(_FIRST)
        fact = Fact(d.label(predicate), urls.href(predicate.value), values)
        objects[id(fact)] = set(by_object)
        facts.append((rank, fact))
    facts.sort(key=lambda rf: (rf[0], rf[1].inferred, rf[1].property.lower()))
    shown = [f for _, f in facts]
    return _folded(shown, objects) if depth > 0 else shown


def _folded(facts: list[Fact], objects: dict[int, set[object]]) -> list[Fact]:
    """A nested table's facts, each inferred one that holds exactly the values of a stated one
    named beside it instead of shown as a row: every participation of the Liberation of Paris
    had its participant and role twice more, as `rdf:value` and `sem:roleType`. (The node's own
    page shows those rows, with the rest of what the reasoner adds.)"""
    stated = [f for f in facts if not f.inferred]
    kept = []
    for fact in facts:
        same = fact.inferred and next((s for s in stated if objects[id(fact)] == objects[id(s)]), None)
        if same:
            same.also_inferred.append((fact.property, fact.property_href))
        else:
            kept.append(fact)
    return kept


def _linking(d: Description, q: ox.Quad, urls: Urls) -> Value:
    """The resource that links here by `q`, with the notes on that link: Patton's page says that
    other accounts dispute his part in taking Luxembourg City, which only the participation states."""
    v = _value(d, q.subject, urls, inferred=is_inferred(q))
    link = ox.Triple(q.subject, q.predicate, q.object)
    v.editorial, v.other_accounts = d.editorial.get(link, ()), d.other_accounts.get(link, ())
    return v


def _value(d: Description, term: object, urls: Urls, *, inferred: bool, depth: int = 0,
           evidence: list[ox.NamedNode | ox.BlankNode] | None = None) -> Value:
    value = _plain_value(d, term, urls, inferred=inferred, depth=depth)
    value.evidence = [_evidence(d, quote, urls) for quote in evidence or ()]
    return value


def _evidence(d: Description, quote: ox.NamedNode | ox.BlankNode, urls: Urls) -> Evidence:
    text = d.quote_text(quote) or d.label(quote)
    href = urls.href(quote.value) if isinstance(quote, ox.NamedNode) else None
    # Where the build placed the quote, else its text's first occurrence: the same words may
    # stand in several paragraphs (a caption printed twice, or opening other captions).
    span = d.quote_span(quote)
    for start, paragraph in article_paragraphs():
        at = span[0] - start if span is not None else paragraph.find(text)
        if at >= 0 and paragraph[at:at + len(text)] == text:
            return Evidence(text, href, paragraph[:at], paragraph[at + len(text):], in_context=True)
    return Evidence(text, href)


def article_paragraphs() -> list[tuple[int, str]]:
    """The article's paragraphs (its non-empty lines, stripped), each with where it starts in the
    text, to show a quote where it stands; none when its file cannot be read. It is the project's
    article whatever is served: pages of a user's files do not show it as their source's text."""
    def read() -> list[tuple[int, str]]:
        try:
            text = Path(service().settings.article_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        paragraphs, start = [], 0
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            if stripped:
                paragraphs.append((start + line.index(stripped), stripped))
            start += len(line)
        return paragraphs

    return cached("article paragraphs", read)


def _plain_value(d: Description, term: object, urls: Urls, *, inferred: bool, depth: int = 0) -> Value:
    if isinstance(term, ox.Literal):
        note = term.language or (None if term.datatype.value.endswith("#string")
                                 else short(term.datatype))
        return Value(term.value, inferred=inferred, note=note, lang=term.language)
    assert isinstance(term, ox.NamedNode | ox.BlankNode)
    href = urls.href(term.value) if isinstance(term, ox.NamedNode) else None
    if term in d.quotes:
        return Value(d.label(term), href, inferred, quote=d.quote_text(term))
    # An inferred link to a qualified node (sem:hasTime beside lib:hasTimeSpan) names it; its facts
    # are shown once, under the asserted link.
    if term in d.parts and depth < 3 and not inferred:
        kinds = [d.label(t) for t in d.asserted_types(term)]
        return Value(d.label(term), href, inferred, kind=", ".join(kinds) or None,
                     facts=_facts(d, term, urls, depth + 1))
    return Value(d.label(term), href, inferred)
