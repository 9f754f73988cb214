"""Writing quads in any RDF format of the registry, with the project's prefixes.

Graph formats (Turtle, N-Triples, JSON-LD, RDF/XML) receive the union of the named graphs, each
triple once; dataset formats (TriG, N-Quads) keep every quad in its graph. pyoxigraph writes; it
is fast and needs no conversion from the store's terms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

import pyoxigraph as ox

from graph_service.graph.rdf.formats import Format
from graph_service.graph.rdf.names import project_prefixes, used_prefixes
from graph_service.graph.rdf.namespace import RDF_TYPE, known_bases
from graph_service.graph.rdf.xml import xml_text

# Formats whose syntax has no prefixes: pyoxigraph refuses them there.
_NO_PREFIXES = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
T = TypeVar("T")
_UNWRITTEN_DATATYPES = frozenset({"http://www.w3.org/2001/XMLSchema#string",
                                  "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})
#: Datatypes Turtle and TriG write as bare numbers and booleans (`5193`, `true`): no prefix needed
#: for them (a literal whose form is not one of those is written with the full IRI instead).
_BARE_IN_TURTLE = frozenset("http://www.w3.org/2001/XMLSchema#" + name
                            for name in ("integer", "decimal", "double", "boolean"))
_TURTLE_LIKE = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
_RDF_TYPE = RDF_TYPE.value
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

_PREDICATE_RANK = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": 0,
    "http://www.w3.org/2000/01/rdf-schema#label": 1,
}


def write(quads: Iterable[ox.Quad], fmt: Format, *, named_graphs: bool | None = None) -> bytes:
    """The quads as a document in `fmt` (an RDF graph or dataset format of the registry).

    `named_graphs` keeps the graphs (default: for dataset formats only); JSON-LD can do either.
    """
    if not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise ValueError(f"{fmt.label} is not an RDF format")
    if named_graphs is None:
        named_graphs = fmt.kind == "dataset"
    if named_graphs and not fmt.oxigraph.supports_datasets:
        raise ValueError(f"{fmt.label} cannot hold named graphs")
    quads = _grouped(quads, by_graph=named_graphs)
    if named_graphs:
        items: list[ox.Quad] | list[ox.Triple] = _unique(quads)
    else:
        items = _unique(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    if fmt.oxigraph in _NO_PREFIXES:
        return _document(items, fmt.oxigraph)
    if fmt.oxigraph == ox.RdfFormat.JSON_LD and not named_graphs:
        return _compact_jsonld(items, _used_prefixes(items))  # type: ignore[arg-type]
    return _document(items, fmt.oxigraph, _used_prefixes(items, turtle=fmt.oxigraph in _TURTLE_LIKE))


def stable(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with their blank nodes labelled from the content around them, in a sorted order:
    the same document in every process. A graph parsed with rdflib (the shapes) gets fresh blank
    node labels in each process, so without this each gunicorn worker wrote its own bytes and
    ETag, and a conditional GET answered 304 only from the worker that wrote the client's copy.
    (Oxigraph's canonical labels are stable for one Oxigraph version, which all workers share;
    the cost grows fast with many blank nodes that nothing tells apart, which RDF lists are not.)"""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def _compact_jsonld(items: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """JSON-LD as people read it: an @context of the prefixes the triples use, property names and
    types as compact IRIs (`"lib:liberatedBy"`, `"@type": "lib:City"`), one object per subject.

    pyoxigraph writes expanded JSON-LD; only names are shortened here, values are left as it
    wrote them (literals keep their lexical form and datatype: `"01"^^xsd:integer` stays "01",
    which rdflib's compacting writer turns into the number 1). Subjects' @id stay full IRIs.

    A prefix that is also the scheme of an IRI in the triples (`geo:` beside `<geo:48.85,2.35>`) is
    left out of the context: a reader expands any value that starts with a term and a colon
    (JSON-LD 1.1 API, IRI expansion), so the IRI written in full would be read as `geo:`'s."""
    schemes = {term.value.split(":", 1)[0] for item in items
               for term in (item.subject, item.predicate, item.object, getattr(item.object, "datatype", None))
               if type(term) is ox.NamedNode}
    prefixes = {prefix: ns for prefix, ns in prefixes.items() if prefix not in schemes}
    expanded = json.loads(_document(items, ox.RdfFormat.JSON_LD))
    by_length = sorted(prefixes.items(), key=lambda p: -len(p[1]))

    def compact(iri: str) -> str:
        for prefix, ns in by_length:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def value(v: dict) -> object:
        if set(v) == {"@value"} and isinstance(v["@value"], str):
            return v["@value"]  # a plain string is a JSON string (the context sets no language)
        if v.get("@type") == _XSD_BOOLEAN and v.get("@value") in ("true", "false"):
            # Its canonical form is JSON's own true/false, read back as the same literal (JSON-LD
            # 1.1, 8.6): `"sh:conforms": false`, as pySHACL writes it, not a typed string.
            return v["@value"] == "true"
        return {**v, "@type": compact(v["@type"])} if "@type" in v and "@value" in v else v

    def one_or_all(values: list) -> object:
        return values[0] if len(values) == 1 else values

    nodes = []
    for node in expanded:
        out: dict[str, object] = {"@id": node["@id"]}
        types = node.get(RDF_TYPE.value, [])
        if types and all(not t.get("@id", "_:").startswith("_:") for t in types):
            out["@type"] = one_or_all([compact(t["@id"]) for t in types])
        for key, values in node.items():
            if key.startswith("@") or (key == RDF_TYPE.value and "@type" in out):
                continue
            out[compact(key)] = one_or_all([value(v) for v in values])
        nodes.append(out)
    doc: dict[str, object] = {"@context": dict(prefixes)}
    if len(nodes) == 1:
        doc.update(nodes[0])
    else:
        doc["@graph"] = nodes
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _grouped(quads: Iterable[ox.Quad], by_graph: bool) -> list[ox.Quad]:
    """Quads by graph (if kept), then by subject in order of first appearance, then by predicate
    (type and label first): each subject is written once per graph with its values for one
    predicate together, as a person would write the Turtle, not wherever the input mentioned them."""
    quads = list(quads)
    first: dict[object, int] = {}
    for i, q in enumerate(quads):
        first.setdefault(q.subject, i)

    def key(q: ox.Quad) -> tuple[str, int, int, str]:
        graph = "" if not by_graph or isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        predicate = q.predicate.value
        return graph, first[q.subject], _PREDICATE_RANK.get(predicate, len(_PREDICATE_RANK)), predicate

    return sorted(quads, key=key)


def _unique(items: Iterable[T]) -> list[T]:
    """The items once each, in order."""
    return list(dict.fromkeys(items))


def write_triples(triples: Iterable[ox.Triple], fmt: Format,
                  prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples in the order given (a CONSTRUCT's answer, a validation report) in an RDF graph
    format, or a dataset format with them in the default graph, declaring the `prefixes`
    (default: the project's) that they use."""
    if not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise ValueError(f"{fmt.label} is not an RDF format")
    triples = list(triples)
    if fmt.oxigraph in _NO_PREFIXES:
        return _document(triples, fmt.oxigraph)
    if fmt.oxigraph == ox.RdfFormat.JSON_LD:
        return _compact_jsonld(triples, _used_prefixes(triples, prefixes))
    return _document(triples, fmt.oxigraph,
                     _used_prefixes(triples, prefixes, turtle=fmt.oxigraph in _TURTLE_LIKE))


def _document(items: list[ox.Quad] | list[ox.Triple], fmt: ox.RdfFormat,
              prefixes: dict[str, str] | None = None) -> bytes:
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml_names(item.predicate for item in items)
        items = _xml_blank_nodes(items)
    # Without an `output` pyoxigraph returns the document; its stubs type every call `bytes | None`.
    data = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert data is not None
    return xml_text(data) if fmt == ox.RdfFormat.RDF_XML else data


# What RDF/XML can name a property with: an XML name at the end of its IRI (a letter or "_", then
# letters, digits, "_", "-", "."). pyoxigraph writes invalid XML for an IRI without one.
_XML_NAME = re.compile(r"[^\W\d][\w.-]*$")


def _xml_blank_nodes(items: list[ox.Quad] | list[ox.Triple]) -> list[ox.Quad] | list[ox.Triple]:
    """The items with every blank node whose label is no XML name (`BNODE("1abc")` in a CONSTRUCT)
    relabelled with one: RDF/XML writes the label as `rdf:nodeID`, which must be an XML name, and
    pyoxigraph wrote it as it was, which no parser reads. A blank node's label is not part of the
    graph, so the document says the same."""
    labels = {term.value for item in items for term in (item.subject, item.object)
              if type(term) is ox.BlankNode}
    bad = sorted(label for label in labels if not _XML_NAME.fullmatch(label))
    if not bad:
        return items
    renamed: dict[str, ox.BlankNode] = {}
    for label in bad:
        new = "b" + re.sub(r"[^\w.-]", "_", label)
        while new in labels:
            new += "_"
        labels.add(new)
        renamed[label] = ox.BlankNode(new)

    def term(t: T) -> T:
        return renamed.get(t.value, t) if type(t) is ox.BlankNode else t  # type: ignore[attr-defined,return-value]

    if items and isinstance(items[0], ox.Quad):
        return [ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in items]
    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in items]


def _check_xml_names(predicates: Iterable[ox.NamedNode]) -> None:
    for p in predicates:
        if not _XML_NAME.search(p.value):
            raise ValueError(f"the property <{p.value}> has no XML name at the end of its IRI, which "
                             "RDF/XML needs")


def _used_prefixes(items: Iterable[ox.Quad | ox.Triple], candidates: Mapping[str, str] | None = None,
                   *, turtle: bool = False) -> dict[str, str]:
    unwritten = _UNWRITTEN_DATATYPES | _BARE_IN_TURTLE if turtle else _UNWRITTEN_DATATYPES
    iris: set[str] = set()
    add = iris.add
    # Each term read once, and told apart by its exact type: pyoxigraph makes a new object at
    # every reading, and this loop was a sixth of a CONSTRUCT's answer.
    for item in items:
        subject, predicate, value = item.subject, item.predicate.value, item.object
        if type(subject) is ox.NamedNode:
            add(subject.value)
        # rdf:type is written `a` (`@type` in JSON-LD), and a plain string has no datatype written:
        # neither needs its prefix declared.
        if predicate != _RDF_TYPE:
            add(predicate)
        if type(value) is ox.NamedNode:
            add(value.value)
        elif type(value) is ox.Literal:
            datatype = value.datatype.value
            if datatype not in unwritten:
                add(datatype)
        if type(item) is ox.Quad and type(item.graph_name) is ox.NamedNode:
            add(item.graph_name.value)
    if candidates is not None:
        return used_prefixes(iris, candidates)
    # The project's prefixes under whichever base the document's IRIs use (a store may be served
    # under another base than the canonical one); a prefix goes to the first base that uses it.
    return used_prefixes(iris, *(project_prefixes(base) for base in known_bases()))
