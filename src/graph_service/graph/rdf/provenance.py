"""Per-statement provenance: compact annotations in the sources, standard reification in the store.

The sources write the quote behind each statement as an RDF 1.2 (Turtle 1.2) annotation::

    event:liberation-of-paris lib:hasPlace city:paris {| lib:evidence quote:paris-uprising |} .

which pyoxigraph reads as the statement itself plus a reifier (a blank node) with
``rdf:reifies <<( s p o )>>`` and ``lib:evidence quote:paris-uprising``. `expand` turns every
reifier into a standard RDF reification, which rdflib, pyoxigraph and pySHACL all read::

    id:statement/<hash> a rdf:Statement ;
        rdf:subject event:liberation-of-paris ; rdf:predicate lib:hasPlace ; rdf:object city:paris ;
        lib:evidence quote:paris-uprising .

kept apart from the facts, in the named graph PROVENANCE_GRAPH. The statement's IRI is minted from
a hash of the triple (its N-Triples form), so it is stable across builds and the same for every
annotation of the same triple (their quotes are merged). Which sentence says that X? ::

    SELECT ?text WHERE {
      ?st rdf:subject X_SUBJECT ; rdf:predicate X_PREDICATE ; rdf:object X_OBJECT ;
          lib:evidence/lib:text ?text .
    }

Statements from other sources than the article (the coordinates, from GeoNames) are not held to
a quote each: they live in a graph of their own whose IRI names its source and licence
(`check_attributed`).

`missing_evidence` lists the fact statements without a quote: every statement but the structural
ones (`STRUCTURAL_PREDICATES`) and those about the quotes themselves. A source that writes no
annotation at all (a test fixture, a user's upload) is not held to the rule; a source that
writes one is held to it for every statement.

Pure functions over pyoxigraph quads (and, for large files, `expand_store`: the same expansion
done by an in-memory pyoxigraph store): no files, no rdflib graphs, no settings.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_service.graph.rdf.namespace import ID, LIB, PROVENANCE_GRAPH, RDF_TYPE

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"

Node = ox.NamedNode | ox.BlankNode | ox.Triple
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

REIFIES = ox.NamedNode(_RDF + "reifies")
STATEMENT = ox.NamedNode(_RDF + "Statement")
SUBJECT = ox.NamedNode(_RDF + "subject")
PREDICATE = ox.NamedNode(_RDF + "predicate")
OBJECT = ox.NamedNode(_RDF + "object")
EVIDENCE = ox.NamedNode(str(LIB.evidence))
#: The notes a statement may carry (the project's prose, so tagged @en): why it is a reading, and
#: what other accounts say of the article's claim.
NOTES = (ox.NamedNode(str(LIB.editorialNote)), ox.NamedNode(str(LIB.otherAccounts)))
QUOTE = ox.NamedNode(str(LIB.Quote))
TEXT = ox.NamedNode(str(LIB.text))
OCCURRENCE = ox.NamedNode(str(LIB.occurrence))
BEGIN_INDEX = ox.NamedNode(str(LIB.beginIndex))
END_INDEX = ox.NamedNode(str(LIB.endIndex))
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: Where minted statement IRIs live: <base>id/statement/<hash>.
STATEMENT_NS = str(ID) + "statement/"

#: Statements that need no quote of their own: what a resource is and is called, editorial notes,
#: the resource-level evidence links, a concept's place in its scheme, and the link to a resource's
#: Wikidata item (an identification the project makes; no sentence of the article can support it),
#: and the web address of a document (the article cannot quote its own address).
STRUCTURAL_PREDICATES = frozenset(ox.NamedNode(iri) for iri in (
    _RDF + "type",
    _RDFS + "label",
    _RDFS + "comment",
    str(LIB.evidence),
    str(LIB.wikidata),
    "https://schema.org/url",
    _SKOS + "prefLabel",
    _SKOS + "inScheme",
))


class ProvenanceError(ValueError):
    """The sources' per-statement provenance is incomplete or malformed. `str()` is one line;
    `problems` lists each problem."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class Expansion:
    #: The sources' quads without the reifiers' (what the facts graph holds).
    facts: list[ox.Quad]
    #: One rdf:Statement per annotated triple, in PROVENANCE_GRAPH.
    provenance: list[ox.Quad]
    #: How many distinct triples carry an annotation.
    statements: int = 0
    #: Whether the sources use per-statement provenance at all.
    annotated: bool = field(default=False)
    #: Whether facts or provenance still hold a triple term (one not written as an annotation,
    #: or nested in an annotated triple): found while expanding, so no caller reads them all again.
    triple_terms: bool = field(default=False)


def statement_iri(triple: ox.Triple) -> ox.NamedNode:
    """The stable IRI of the reified statement `triple`."""
    text = f"{triple.subject} {triple.predicate} {triple.object} ."
    return ox.NamedNode(STATEMENT_NS + hashlib.sha256(text.encode("utf-8")).hexdigest()[:20])


def expand(quads: Iterable[ox.Quad], graph: ox.NamedNode | ox.DefaultGraph | None = None, *,
           mint: bool = True) -> Expansion:
    """Split the sources' quads into facts and provenance (see the module docstring).

    Raises `ProvenanceError` when a reifier reifies a triple the sources do not assert (the
    compact form is an annotation of an asserted statement, never a quoted one).
    """
    graph = graph if graph is not None else ox.NamedNode(str(PROVENANCE_GRAPH))
    quads = list(quads)
    # Each read of a quad's term builds a Python object (most of the cost at 10^6 quads): every
    # term is read once, the subjects kept for the passes below.
    subjects = [q.subject for q in quads]
    triple_terms = any(isinstance(s, ox.Triple) for s in subjects)
    reified: dict[ox.NamedNode | ox.BlankNode | ox.Triple, ox.Triple] = {}
    for q in quads:
        o = q.object
        if isinstance(o, ox.Triple):
            if q.predicate == REIFIES:
                reified[q.subject] = o
                if isinstance(o.subject, ox.Triple) or isinstance(o.object, ox.Triple):
                    triple_terms = True
            else:
                triple_terms = True
    if not reified:
        return Expansion(facts=quads, provenance=[], triple_terms=triple_terms)
    facts = [q for q, s in zip(quads, subjects, strict=True) if s not in reified]
    asserted = {q.triple for q in facts}
    problems = [f"{_show(t)} is annotated but not asserted" for t in reified.values() if t not in asserted]
    if problems:
        raise ProvenanceError(f"{len(problems)} annotated statement(s) are not asserted", problems)
    out: dict[ox.Quad, None] = {}

    def node_of(reifier: Node, triple: ox.Triple) -> ox.NamedNode | ox.BlankNode:
        # The project's statements get stable IRIs; a user's keep the reifiers they wrote.
        if mint or isinstance(reifier, ox.Triple):
            return statement_iri(triple)
        return reifier

    for reifier, triple in reified.items():
        node = node_of(reifier, triple)
        for part in (ox.Quad(node, RDF_TYPE, STATEMENT, graph), ox.Quad(node, SUBJECT, triple.subject, graph),
                     ox.Quad(node, PREDICATE, triple.predicate, graph),
                     ox.Quad(node, OBJECT, triple.object, graph)):
            out.setdefault(part, None)
    for q, s in zip(quads, subjects, strict=True):
        if s in reified:
            p = q.predicate
            if p != REIFIES:
                out.setdefault(ox.Quad(node_of(s, reified[s]), p, q.object, graph), None)
    return Expansion(facts=facts, provenance=list(out), statements=len(set(reified.values())), annotated=True,
                     triple_terms=triple_terms)


_PREFIX = f"PREFIX rdf: <{_RDF}>\n"
#: A reifier of the store's default graph (`?r`) and the triple term it reifies (`?t`), split.
_REIFIER = """?r rdf:reifies ?t FILTER(isTRIPLE(?t))
    BIND(SUBJECT(?t) AS ?s) BIND(PREDICATE(?t) AS ?p) BIND(OBJECT(?t) AS ?o)"""
#: As in `expand`: a triple is asserted when a statement of the sources is it and its subject
#: is no reifier (a reifier's own statements become provenance).
_NOT_ASSERTED = _PREFIX + f"""SELECT ?s ?p ?o WHERE {{
    {_REIFIER}
    FILTER(NOT EXISTS {{ ?s ?p ?o }} || EXISTS {{ ?s rdf:reifies ?x FILTER(isTRIPLE(?x)) }})
}}"""
#: A triple term that no annotation wrote: any but the object of rdf:reifies, and any nested in one.
_OTHER_TRIPLE_TERMS = _PREFIX + """ASK {
    { ?s ?p ?o FILTER(isTRIPLE(?o) && ?p != rdf:reifies) }
    UNION { ?r rdf:reifies ?t FILTER(isTRIPLE(?t) && (isTRIPLE(SUBJECT(?t)) || isTRIPLE(OBJECT(?t)))) }
}"""
#: What `expand(..., graph=DefaultGraph(), mint=False)` gives, facts and provenance, in four parts
#: (`%s`: those with or without a blank node): every statement but the rdf:reifies of a triple
#: term (nor any other rdf:reifies of that reifier, as `expand` drops it), and four per reifier
#: naming it an rdf:Statement of its triple's parts.
_FACTS = _PREFIX + """CONSTRUCT { ?s ?p ?o } WHERE {
    ?s ?p ?o
    FILTER((?p != rdf:reifies || (!isTRIPLE(?o) && NOT EXISTS { ?s rdf:reifies ?x FILTER(isTRIPLE(?x)) }))
           && %s(isBLANK(?s) || isBLANK(?o)))
}"""
_STATEMENTS = _PREFIX + f"""CONSTRUCT {{
    ?r a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o
}} WHERE {{
    {_REIFIER}
    FILTER(%s(isBLANK(?r) || isBLANK(?s) || isBLANK(?o)))
}}"""


def expand_store(store: ox.Store, whole: Callable[[bytes], object],
                 by_line: Callable[[bytes], object]) -> bool:
    """`expand(quads, graph=DefaultGraph(), mint=False)` of the quads of `store`'s default graph,
    done by the store on every core (five times faster than reading every quad into Python,
    which matters at a million statements), handed over as N-Triples in parts as each is ready,
    for a bulk loader to start on: `whole(data)` what holds a blank node (a loader names the
    blank nodes of each load anew, so it must load this in one piece), `by_line(data)` the rest.
    Raises `ProvenanceError` as `expand` does, and `TripleTermError` where `expand` finds
    `triple_terms`, once every part is handed over (the loader's work is then thrown away).
    Returns whether the sources use per-statement provenance at all."""
    def triples(query: str) -> bytes:
        answer = store.query(query)
        assert isinstance(answer, ox.QueryTriples)
        return answer.serialize(format=ox.RdfFormat.N_TRIPLES) or b""

    def not_asserted() -> list[str]:
        answer = store.query(_NOT_ASSERTED)
        assert isinstance(answer, ox.QuerySolutions)
        return [f"{_show(ox.Triple(row['s'], row['p'], row['o']))} is annotated but not asserted"
                for row in answer]

    # Side by side (pyoxigraph lets go of the GIL while it queries), the parts with blank nodes
    # first: loaded in one piece, they take the longest.
    with ThreadPoolExecutor(len(os.sched_getaffinity(0))) as pool:
        blank = [pool.submit(triples, query % "") for query in (_FACTS, _STATEMENTS)]
        problems = pool.submit(not_asserted)
        other_terms = pool.submit(lambda: bool(store.query(_OTHER_TRIPLE_TERMS)))
        ground = [pool.submit(triples, query % "!") for query in (_FACTS, _STATEMENTS)]
        whole(b"".join(part.result() for part in blank))
        by_line(b"".join(part.result() for part in ground))
        if problems.result():
            raise ProvenanceError(f"{len(problems.result())} annotated statement(s) are not asserted",
                                  problems.result())
        if other_terms.result():
            raise TripleTermError("a triple term that is not an annotation")
        return bool(blank[1].result() or ground[1].result())


class TripleTermError(ValueError):
    """The sources hold an RDF 1.2 triple term that no annotation wrote (what `expand` reports as
    `triple_terms`)."""


def fact_statements(facts: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The statements that need a quote of their own: all but the structural ones and those
    about quotes (a quote's text, label and source are the quote itself)."""
    facts = list(facts)
    quotes = {q.subject for q in facts if q.predicate == RDF_TYPE and q.object == QUOTE}
    return [ox.Triple(q.subject, q.predicate, q.object) for q in facts
            if q.predicate not in STRUCTURAL_PREDICATES and q.subject not in quotes]


def missing_evidence(expansion: Expansion) -> list[str]:
    """Problems with the per-statement provenance, one line each (empty when it is complete):
    a fact statement without a quote, a statement's evidence that is not a lib:Quote of the
    sources, or a note on a statement that is not a string tagged @en. Empty when the sources
    write no annotation at all."""
    if not expansion.annotated:
        return []
    quotes = {q.subject for q in expansion.facts if q.predicate == RDF_TYPE and q.object == QUOTE}
    subject: dict[Node, ox.NamedNode | ox.BlankNode | ox.Triple] = {}
    predicate: dict[Node, ox.NamedNode] = {}
    obj: dict[Node, Term] = {}
    evidence: dict[Node, list[Term]] = {}
    for q in expansion.provenance:
        if q.predicate == SUBJECT and not isinstance(q.object, ox.Literal):
            subject[q.subject] = q.object
        elif q.predicate == PREDICATE and isinstance(q.object, ox.NamedNode):
            predicate[q.subject] = q.object
        elif q.predicate == OBJECT:
            obj[q.subject] = q.object
        elif q.predicate == EVIDENCE:
            evidence.setdefault(q.subject, []).append(q.object)
    problems = []
    for q in expansion.provenance:
        if q.predicate in NOTES and not (isinstance(q.object, ox.Literal) and q.object.language == "en"):
            triple = ox.Triple(subject[q.subject], predicate[q.subject], obj[q.subject])
            problems.append(f"{_show(triple)}: its {q.predicate.value.rsplit('#', 1)[-1]} {q.object} "
                            "is not a string tagged @en (the project's prose is)")
    quoted = set()
    for node, quotes_of in sorted(evidence.items(), key=lambda kv: str(kv[0])):
        triple = ox.Triple(subject[node], predicate[node], obj[node])
        good = [e for e in quotes_of if e in quotes]
        for e in quotes_of:
            if e not in quotes:
                problems.append(f"{_show(triple)}: its evidence {e} is not a lib:Quote")
        if good:
            quoted.add(triple)
    for triple in fact_statements(expansion.facts):
        if triple not in quoted:
            problems.append(f"{_show(triple)} has no quote (annotate it with {{| lib:evidence quote:... |}})")
    return problems


def check(expansion: Expansion) -> None:
    """Raise `ProvenanceError` unless every fact statement has its quote and every note is
    well-formed (`missing_evidence`)."""
    problems = missing_evidence(expansion)
    if problems:
        raise ProvenanceError(f"{len(problems)} problem(s) with the statements' quotes and notes, "
                              f"e.g. {problems[0]}", problems)


_DCTERMS = "http://purl.org/dc/terms/"
SOURCE = ox.NamedNode(_DCTERMS + "source")
LICENSE = ox.NamedNode(_DCTERMS + "license")


def check_attributed(quads: Iterable[ox.Quad], graph: ox.NamedNode) -> None:
    """Raise `ProvenanceError` unless a source whose statements do not come from the article (the
    coordinates) names, on its graph's IRI, where they come from (dcterms:source) and under which
    licence (dcterms:license), as IRIs. Its statements need no quote: their source is the graph's."""
    quads = list(quads)
    problems = [f"<{graph.value}> has no {p.value} (an IRI)" for p in (SOURCE, LICENSE)
                if not any(q.subject == graph and q.predicate == p and isinstance(q.object, ox.NamedNode)
                           for q in quads)]
    if problems:
        raise ProvenanceError(f"the graph does not say where it comes from: {'; '.join(problems)}", problems)


def locate_quotes(facts: Iterable[ox.Quad], source: str,
                  graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Where each quote of `facts` stands in `source` (the article's text): lib:beginIndex and
    lib:endIndex, counted in characters as NIF counts, in `graph` (the provenance graph). A quote
    is its text's only occurrence, or the lib:occurrence-th (from 1) where the text occurs more
    than once (overlapping occurrences count).

    Raises `ProvenanceError` listing the quotes it cannot place: a text the source does not hold,
    one it holds more than once with no lib:occurrence, or an occurrence past its last."""
    graph = graph if graph is not None else ox.NamedNode(str(PROVENANCE_GRAPH))
    texts: dict[ox.NamedNode | ox.BlankNode | ox.Triple, str] = {}
    wanted: dict[ox.NamedNode | ox.BlankNode | ox.Triple, int] = {}
    for q in facts:
        o = q.object
        if q.predicate == TEXT and isinstance(o, ox.Literal):
            texts[q.subject] = o.value
        elif q.predicate == OCCURRENCE and isinstance(o, ox.Literal):
            try:
                wanted[q.subject] = int(o.value)
            except ValueError:  # not a whole number (the shapes say so): as if none were stated
                pass
    out: list[ox.Quad] = []
    problems: list[str] = []
    for quote, text in texts.items():
        starts = _occurrences(source, text)
        n = wanted.get(quote)
        if not starts:
            problems.append(f"{quote}: its text is not in the article")
        elif n is None and len(starts) > 1:
            problems.append(f"{quote}: its text occurs {len(starts)} times in the article; say which "
                            "with lib:occurrence")
        elif n is not None and not 1 <= n <= len(starts):
            problems.append(f"{quote}: lib:occurrence {n}, but its text occurs {len(starts)} "
                            f"time{'s' if len(starts) != 1 else ''} in the article")
        else:
            begin = starts[(n or 1) - 1]
            out += [ox.Quad(quote, BEGIN_INDEX, ox.Literal(str(begin), datatype=_INTEGER), graph),
                    ox.Quad(quote, END_INDEX, ox.Literal(str(begin + len(text)), datatype=_INTEGER), graph)]
    if problems:
        plural = "s" if len(problems) != 1 else ""
        raise ProvenanceError(f"{len(problems)} quote{plural} cannot be placed in the article: {problems[0]}",
                              problems)
    return out


def _occurrences(source: str, text: str) -> list[int]:
    starts: list[int] = []
    at = source.find(text)
    while at >= 0 and text:
        starts.append(at)
        at = source.find(text, at + 1)
    return starts


def _show(triple: ox.Triple) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object}"
