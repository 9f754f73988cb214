"""Query engines behind one interface: pyoxigraph serves, rdflib is the reference.

Both see the same dataset: the named graphs of the store, and as the default graph their union
(an RDF merge: a triple in two graphs is one triple), unless a query's FROM / FROM NAMED or the
protocol's default-graph-uri / named-graph-uri choose graphs of the store instead. Nothing is
ever loaded from elsewhere. Every query is vetted by `graph.query.safety` first (no SERVICE, no
update, FROM only naming graphs of the store), so both engines refuse the same things; running
queries where they can be stopped is the caller's business (`graph.query.runner`).

Relative IRIs in a query resolve against `base_iri` (the endpoint's URL, as the protocol has it).

Two ways to ask: `query()` gives rows of rdflib terms (for the CLI, tests, pages), `answer()`
gives the bytes of a chosen format, written from pyoxigraph terms without converting each one to
rdflib (the endpoint's hot path).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import Any, Literal, Protocol, TypeVar, cast

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.processor import prepareQuery
from rdflib.query import ResultRow
from rdflib.term import Identifier, Node

from graph_service.graph.query import safety
from graph_service.graph.query.store import DiskStore, open_read_only
from graph_service.graph.rdf import (
    formats,
    from_rdflib,
    text_table,
    to_rdflib,
    triple_from_rdflib,
    write_boolean,
    write_solutions,
    write_triples,
    write_within,
    writes_natively,
    xml_text,
)

# rdflib would fetch the document a FROM names when the store lacks that graph; never do that.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

Form = Literal["select", "ask", "graph"]
T = TypeVar("T")


@dataclass(frozen=True)
class QueryDataset:
    """An explicit dataset: the graphs (IRIs) merged into the default graph, and the named graphs
    `GRAPH` may visit. A graph the store does not hold is empty."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Checked here, not when the engine builds its dataset: a graph name that is no IRI is the
        # caller's mistake and must read as one, not surface from deep inside a query run.
        for role, iris in (("default graph", self.default_graphs), ("named graph", self.named_graphs)):
            for iri in iris:
                try:
                    ox.NamedNode(iri)
                except ValueError as exc:
                    raise ValueError(f"{role} {iri!r} is not an absolute IRI ({exc})") from None


#: A term of a `QueryResult`: rdflib's, or pyoxigraph's for a triple term (RDF 1.2: `<<( s p o )>>`),
#: which rdflib cannot hold.
ResultTerm = Identifier | ox.Triple


def result_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ResultTerm:
    return term if isinstance(term, ox.Triple) else to_rdflib(term)


@dataclass
class QueryResult:
    """An engine-neutral answer: rows of terms (`ResultTerm`), a boolean, or triples."""

    form: Form
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, ResultTerm]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node | ox.Triple]] = field(default_factory=list)
    #: True when the result limit cut the answer.
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples)

    def serialize(self, fmt: formats.Format, prefixes: Mapping[str, str] | None = None) -> bytes:
        """The answer in a results format (SELECT/ASK) or an RDF format (CONSTRUCT/DESCRIBE); the
        text table as the endpoint lays it out, IRIs under `prefixes` (the query's own)."""
        check_format(self.form, fmt)
        if self.form == "graph":
            return _graph_answer([triple_from_rdflib(*tr) for tr in self.triples], fmt)
        if fmt.table:
            tsv = formats.by_name("tsv")
            assert tsv is not None
            return text_table(self.serialize(tsv), prefixes)
        if self.form == "ask":
            return write_boolean(bool(self.boolean), _results_format(fmt))
        rows = ([None if r.get(v) is None else from_rdflib(r[v]) for v in self.variables] for r in self.rows)
        body = write_solutions(self.variables, rows, _results_format(fmt))
        # As the endpoint's answer is (`readable`): SPARQL XML that cannot be read back is refused.
        return readable(Answer("select", body, fmt.name, len(self.rows))).body


def select_result(sparql: str, variables: list[str], solutions: Iterable[Iterable[Any]],
                  limit: int | None) -> QueryResult:
    """A SELECT's `QueryResult` from solutions (pyoxigraph's, or rows of its terms read from a
    remote store's answer), cut at `limit`; `SELECT *`'s columns in the query's order."""
    sols, truncated = _take(solutions, limit)
    rows = [{v: result_term(t) for v, t in zip(variables, sol, strict=True) if t is not None} for sol in sols]
    return QueryResult("select", variables=star_order(sparql, variables), rows=rows, truncated=truncated)


def graph_result(triples: Iterable[ox.Triple], limit: int | None) -> QueryResult:
    """A CONSTRUCT's or DESCRIBE's `QueryResult` from pyoxigraph's triples, cut at `limit`."""
    kept, truncated = _take(_each_once(triples), limit)
    return QueryResult("graph", triples=[(to_rdflib(t.subject), to_rdflib(t.predicate), result_term(t.object))
                                         for t in kept], truncated=truncated)


@dataclass(frozen=True)
class Answer:
    """A query's answer, serialised: what the endpoint sends."""

    form: Form
    body: bytes
    #: Name of the format of `body` (a `formats.Format` name).
    format: str
    #: Rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in `body`; -1: not counted (a
    #: SELECT answer pyoxigraph wrote whole, within the query's own LIMIT).
    count: int
    truncated: bool = False
    #: A validator (an HTTP entity tag) of the answer, the same wherever the same query is asked
    #: of the same data (`QueryRunner` sets it); "" for an answer that may change from one run to
    #: the next.
    tag: str = ""


class FormatMismatch(ValueError):
    """The format asked for cannot hold this kind of answer (e.g. CSV for a CONSTRUCT)."""

    def __init__(self, form: Form, label: str | None, reason: str = "", tried: tuple[str, ...] = ()) -> None:
        super().__init__(form, label, reason, tried)  # all in args, so the exception survives pickling
        self.form = form
        self.label = label
        self.reason = reason
        #: Names of the formats the request accepted that could not hold the answer either.
        self.tried = tried

    def __str__(self) -> str:
        what = "the triples of a CONSTRUCT or DESCRIBE" if self.form == "graph" else \
            "the results of a SELECT or ASK"
        if self.label is None:
            return f"none of the formats the request accepts can hold {what}"
        if self.reason:
            these = "these triples" if self.form == "graph" else "this answer"
            return f"{self.label} cannot hold {these}: {self.reason}"
        return f"{self.label} cannot hold {what}"


def readable(answer: Answer) -> Answer:
    """`answer`, made safe to read back when it is SPARQL XML (written by pyoxigraph, by a remote
    store, or row by row here: none of them checks the characters of a literal), or
    `FormatMismatch` naming a character XML cannot hold. RDF/XML is checked where it is written."""
    if answer.format != "xml":
        return answer
    try:
        return replace(answer, body=xml_text(answer.body))
    except ValueError as exc:
        raise FormatMismatch(answer.form, formats.named(answer.format).label, str(exc)) from None


class QueryUnsupported(ValueError):
    """A well-formed query the engine cannot evaluate, e.g. one calling an extension function it
    does not implement; `str()` is the engine's own sentence naming the cause."""


@contextmanager
def _unsupported_as_error() -> Iterator[None]:
    # pyoxigraph raises RuntimeError for what it parsed but cannot evaluate, when asked and also
    # later, while the solutions are iterated (evaluation is lazy).
    try:
        yield
    except RuntimeError as exc:
        raise QueryUnsupported(str(exc)) from None
    except (PermissionError, ConnectionError):
        # The query process may open no socket: a SERVICE that got past the checks (two parsers
        # reading one text two ways) meets the guard here, and is refused, not a 500 (without the
        # guard, `--no-network-guard`, the connection's own failure).
        raise safety.UnsafeQuery("the query tried to reach the network, which queries here may not "
                                 "do (SERVICE is refused)") from None


def _graph_answer(triples: list[ox.Triple], fmt: formats.Format) -> bytes:
    """The triples in `fmt`, or `FormatMismatch` saying why that format cannot hold them (JSON-LD
    and RDF 1.2 triple terms, RDF/XML and a predicate with no XML name)."""
    try:
        return write_triples(_grouped(triples), fmt)
    except (OSError, ValueError) as exc:
        raise FormatMismatch("graph", fmt.label, str(exc)) from None


def _grouped(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples of each subject together, and of each of its predicates, in the order each
    first came: Turtle then writes a subject once, its predicates after `;` and their objects
    after `,` (a DESCRIBE of Paris named it in four blocks, `a` in each)."""
    # Buckets in the order they are first met (dicts keep it): one pass, no sort.
    by_subject: dict[object, dict[object, list[ox.Triple]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t)
    return [t for by_predicate in by_subject.values() for same in by_predicate.values() for t in same]


#: A variable renamed in GROUP BY, `(?x AS ?z)`, in a clause that ends where the next one begins.
#: (A variable named like a keyword, ?limit, ends no clause; `AS?z` needs no space; `((?x) AS ?z)`
#: is the same renaming.)
_GROUP_CLAUSE = re.compile(r"group\s+by\b(.*?)(?=(?<![?$\w])(?:having|order\s+by|limit|offset|values)\b|"
                           r"[{}]|\Z)", re.DOTALL)
_RENAMED_VARIABLE = re.compile(r"\((?:\s*\()*\s*[?$][\w\u00B7\u00C0-\uFFFF]+(?:\s*\))*\s*as\s*[?$]")
#: A group condition of the clause: the text from each parenthesis that opens at its top level.
_TOP_PARENTHESIS = re.compile(r"[()]")


def _refuse_renamed_group_key(sparql: str) -> None:
    """`QueryUnsupported` for `GROUP BY (?x AS ?z)`: SPARQL allows a variable as the expression,
    but pyoxigraph 0.5.13 takes ?z for unbound in SELECT (a parse error whose advice misled a
    probe) and answers a HAVING on it with no rows, silently. rdflib answers it."""
    # On every query: each "group" of the text is looked at (a few µs; a case-blind regex over
    # the whole text took 40-110 µs for an example query), and only a likely GROUP BY (?x AS ?z)
    # costs stripping the text's strings and comments (90-140 µs).
    if not _renamed_in_group_by(sparql.lower()):
        return
    if _renamed_in_group_by(safety.strip_iris_strings_and_comments(sparql).lower()):
        raise QueryUnsupported(
            "GROUP BY (?x AS ?z) renames a grouped variable, which SPARQL allows but this engine "
            "(pyoxigraph 0.5.13) answers wrongly: it takes ?z for unbound, and a HAVING on ?z matches "
            "nothing. Group by the variable and name it in SELECT: SELECT (?x AS ?z) ... GROUP BY ?x")


def _renamed_in_group_by(lowered: str) -> bool:
    at = lowered.find("group")
    while at >= 0:
        clause = _GROUP_CLAUSE.match(lowered, at)
        if clause is not None and "(" in clause[1]:
            # Only a condition's own parenthesis: in (STR(?x) AS ?z) the (?x) is a call's.
            depth, text = 0, clause[1]
            for bracket in _TOP_PARENTHESIS.finditer(text):
                if bracket[0] == "(" and depth == 0 and _RENAMED_VARIABLE.match(text, bracket.start()):
                    return True
                depth = max(0, depth + (1 if bracket[0] == "(" else -1))
        at = lowered.find("group", at + 5)
    return False


_SELECT_STAR = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")


def star_order(sparql: str, variables: list[str]) -> list[str]:
    """The columns of a `SELECT *` in the order their variables first appear in the query, as a
    person reads it (and as Jena does); the engines' own orders differ (alphabetical, or by
    algebra). Any other SELECT names its columns itself: `variables` as they are."""
    if "*" not in sparql or not _SELECT_STAR.search(sparql):  # `in` first: far cheaper than the search
        return variables
    first: dict[str, int] = {}
    for m in _VARIABLE.finditer(sparql):
        first.setdefault(m.group(1), m.start())
    return sorted(variables, key=lambda v: first.get(v, len(sparql)))


# A LIMIT that ends the query (comments aside) is the query's own: a subquery's is followed by "}".
_FINAL_LIMIT = re.compile(r"LIMIT\s+(\d+)(?:\s+OFFSET\s+\d+)?\s*(?:#[^\n]*\s*)*\Z", re.IGNORECASE)


def _bounded(sparql: str, limit: int | None) -> bool:
    """Whether the query's own LIMIT keeps its answer within `limit` rows (False when unsure)."""
    if limit is None:
        return True
    # Only the last "limit" can be the final LIMIT, and matching there costs a fraction of a search.
    at = sparql.lower().rfind("limit")
    if at < 0 or (at > 0 and (sparql[at - 1].isalnum() or sparql[at - 1] == "_")):
        return False
    final = _FINAL_LIMIT.match(sparql, at)
    if final is None or int(final.group(1)) > limit:
        return False
    # Not in a comment: the LIMIT survives blanking its line's comments (an IRI's "#", such as
    # rdfs:label's on a query written on one line, starts none).
    line_start = sparql.rfind("\n", 0, final.start()) + 1
    line = safety.strip_iris_strings_and_comments(sparql[line_start:final.start() + len("LIMIT")])
    return line.rstrip().upper().endswith("LIMIT")


def _native_cap(limit: int | None) -> int:
    """Bytes of an answer pyoxigraph may write whole before it is written row by row instead (an
    answer that large is most likely cut at the limit anyway)."""
    return max(limit or 0, 1000) * 1024


def check_format(form: Form, fmt: formats.Format | None) -> formats.Format:
    """`fmt` if it can hold an answer of `form`, else `FormatMismatch`."""
    kinds = formats.TRIPLES_KINDS if form == "graph" else ("results",)
    if fmt is None or fmt.kind not in kinds or fmt.oxigraph is None:
        raise FormatMismatch(form, fmt.label if fmt else None)
    return fmt


def _results_format(fmt: formats.Format) -> ox.QueryResultsFormat:
    """The pyoxigraph format of a results format that `check_format` accepted."""
    assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
    return fmt.oxigraph


class Engine(Protocol):
    name: str
    #: IRIs of the store's named graphs (what FROM and the protocol's parameters may name).
    graph_names: frozenset[str]

    def query(self, sparql: str, *, dataset: QueryDataset | None = None,
              limit: int | None = None, base_iri: str | None = None) -> QueryResult: ...

    def answer(self, sparql: str, *, results_format: formats.Format | None,
               graph_format: formats.Format | None, dataset: QueryDataset | None = None,
               limit: int | None = None, base_iri: str | None = None) -> Answer: ...


def _effective_dataset(sparql: str, dataset: QueryDataset | None,
                       graph_names: frozenset[str]) -> QueryDataset | None:
    """Vet the query; the dataset to use (None: the union default graph and every named graph).

    The protocol's dataset replaces the query's FROM clauses (SPARQL 1.1 Protocol 2.1.4), so
    then FROM may name anything: it is ignored.
    """
    shape = safety.vet_query(sparql, allowed_graphs=None if dataset else graph_names)
    if dataset is None and shape.has_dataset:
        return QueryDataset(shape.from_graphs, shape.from_named)
    return dataset


class OxigraphEngine:
    """pyoxigraph over an in-memory store."""

    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        # The dataset's default graph is the RDF merge of its graphs: each triple once, as in
        # Jena's union graph. pyoxigraph's own union mode yields a triple once per graph holding
        # it, so it is that merge only where no triple is in two graphs (the project's graph:
        # each statement is said in one). There it answers every example query as fast as the
        # bare app, and 5-40% faster than a default graph filled with the merge beside the named
        # graphs (06: 1.76 -> 1.11 ms, 26: 3.17 -> 1.90 ms; 01: 0.40 -> 0.34 ms).
        self._union = _each_triple_once(store)
        if self._union:
            self._store = store
        else:
            default = ox.DefaultGraph()
            named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
            # The default graph first: pyoxigraph's in-memory store answers by the order it was
            # filled in (example 28 took 99 ms with the named graphs first, 81 ms this way).
            self._store = ox.Store()
            self._store.extend([*store.quads_for_pattern(None, None, None, default),
                                *(ox.Quad(q.subject, q.predicate, q.object, default) for q in named)])
            self._store.extend(named)
        self.graph_names = frozenset(g.value for g in self._store.named_graphs())

    @property
    def store(self) -> ox.Store:
        return self._store

    def warm(self) -> None:
        """Get ready to answer in this process (open what must be opened per process)."""
        self.store.query("ASK {}")

    def _run(self, sparql: str, dataset: QueryDataset | None,
             base_iri: str | None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """pyoxigraph's answer, for a query vetted already (`_effective_dataset`)."""
        _refuse_renamed_group_key(sparql)
        try:
            if dataset is None:  # the store's own dataset
                return self.store.query(sparql, base_iri=base_iri, use_default_graph_as_union=self._union)
            return self.store.query(
                sparql, base_iri=base_iri,
                default_graph=[ox.NamedNode(g) for g in dict.fromkeys(dataset.default_graphs)],
                named_graphs=[ox.NamedNode(g) for g in dict.fromkeys(dataset.named_graphs)])
        except SyntaxError as exc:
            raise safety.explain_syntax_error(sparql, str(exc)) from None

    def query(self, sparql: str, *, dataset: QueryDataset | None = None,
              limit: int | None = None, base_iri: str | None = None) -> QueryResult:
        # Vetted before the answer exists, not below the frame that will hold it: rdflib's parser
        # leaves reference cycles holding its callers' frames, and pyoxigraph's answers (bound
        # to the thread that made them) in such a frame were freed by whichever request thread
        # collected the cycle next: pyo3 then refuses, leaks the answer and prints an error.
        dataset = _effective_dataset(sparql, dataset, self.graph_names)
        with _unsupported_as_error():
            return self._query(sparql, dataset, limit, base_iri)

    def _query(self, sparql: str, dataset: QueryDataset | None, limit: int | None,
               base_iri: str | None) -> QueryResult:
        answer = self._run(sparql, dataset, base_iri)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            return select_result(sparql, [v.value for v in answer.variables], answer, limit)
        return graph_result(answer, limit)

    def answer(self, sparql: str, *, results_format: formats.Format | None,
               graph_format: formats.Format | None, dataset: QueryDataset | None = None,
               limit: int | None = None, base_iri: str | None = None) -> Answer:
        dataset = _effective_dataset(sparql, dataset, self.graph_names)  # first, as in `query`
        with _unsupported_as_error():
            return self._answer(sparql, results_format, graph_format, dataset, limit, base_iri)

    def _answer(self, sparql: str, results_format: formats.Format | None,
                graph_format: formats.Format | None, dataset: QueryDataset | None,
                limit: int | None, base_iri: str | None) -> Answer:
        answer = self._run(sparql, dataset, base_iri)
        if isinstance(answer, ox.QueryBoolean):
            fmt = check_format("ask", results_format)
            return Answer("ask", write_boolean(bool(answer), _results_format(fmt)), fmt.name, 1)
        if isinstance(answer, ox.QuerySolutions):
            fmt = check_format("select", results_format)
            variables = [v.value for v in answer.variables]
            columns = star_order(sparql, variables)
            if writes_natively(_results_format(fmt), columns, variables):
                # pyoxigraph writes the whole answer itself (in Rust) when it is within the limit;
                # otherwise the query is asked again and its rows written here, up to the limit.
                body = write_within(answer, _results_format(fmt), columns, limit,
                                    bounded=_bounded(sparql, limit), cap=_native_cap(limit))
                if body is not None:
                    return Answer("select", body, fmt.name, -1)
                answer = self._run(sparql, dataset, base_iri)
                assert isinstance(answer, ox.QuerySolutions)  # the same query, asked again
            return _select_answer(variables, columns, *_take(answer, limit), fmt)
        fmt = check_format("graph", graph_format)
        rest = iter(answer)
        triples = list(islice(rest, limit))
        beyond = [] if limit is None else list(islice(rest, 1))  # read, not lost: is there more?
        body = _graph_answer(triples, fmt)
        truncated = bool(beyond)
        # pyoxigraph gives a triple more than once only where it holds a blank node (one of the
        # data's, or BNODE()'s, met in several solutions) or a triple term: only an answer that
        # writes one is looked at again (looking at every triple cost 6% of a CONSTRUCT of 225),
        # and read on past its repeats for as many as the limit takes, and whether more follow.
        if any(mark in body for mark in _REPEATABLE_WRITTEN):
            once, truncated = _take(_each_once(chain(triples, beyond, rest)), limit)
            if once != triples:
                triples, body = once, _graph_answer(once, fmt)
        return Answer("graph", body, fmt.name, len(triples), truncated)


def _select_answer(variables: list[str], columns: list[str], solutions: list, truncated: bool,
                   fmt: formats.Format) -> Answer:
    """A SELECT answer written in `fmt`: each solution's terms (in `variables` order) in the
    query's column order."""
    index = [variables.index(v) for v in columns]
    body = write_solutions(columns, (tuple(s[i] for i in index) for s in solutions), _results_format(fmt))
    return Answer("select", body, fmt.name, len(solutions), truncated)


def _each_triple_once(store: ox.Store) -> bool:
    """Whether no triple of `store` is in two of its graphs (its default graph counted as one)."""
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    solutions = cast("ox.QuerySolutions", store.query(distinct, use_default_graph_as_union=True))
    return int(next(solutions)["n"].value) == len(store)


class DiskOxigraphEngine(OxigraphEngine):
    """The same engine over a prepared store on disk (`store.disk_store`: the union already in
    its default graph), opened read-only by each process on its first query: a RocksDB handle
    must not cross a fork, and the processes share the data through the page cache instead."""

    def __init__(self, disk: DiskStore) -> None:
        self.path = disk.path
        self.graph_names = disk.graph_names
        self._opened: tuple[int, ox.Store] | None = None
        # On disk, pyoxigraph's union mode was 10-30% slower than the merge stored in the default
        # graph (the example queries, 2026-12-05).
        self._union = False

    @property
    def store(self) -> ox.Store:
        if self._opened is None or self._opened[0] != os.getpid():
            self._opened = (os.getpid(), open_read_only(self.path))
        return self._opened[1]

    def warm(self) -> None:
        self.store.query("ASK {}")


class RdflibEngine:
    """rdflib's own SPARQL engine over the same quads: slow, but the reference."""

    name = "rdflib"

    def __init__(self, store: ox.Store) -> None:
        self.dataset = Dataset(default_union=True)
        for q in store:
            g = to_rdflib(q.graph_name)
            ctx = self.dataset.graph(g) if g is not None else self.dataset.default_graph
            ctx.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        self.graph_names = frozenset(g.value for g in store.named_graphs())

    def warm(self) -> None:
        pass

    def query(self, sparql: str, *, dataset: QueryDataset | None = None,
              limit: int | None = None, base_iri: str | None = None) -> QueryResult:
        dataset = _effective_dataset(sparql, dataset, self.graph_names)
        try:
            with safety.PARSER_LOCK:
                prepared = prepareQuery(sparql, base=base_iri)
        except ParseException as exc:
            raise safety.explain_syntax_error(sparql, safety.position_message(sparql, exc)) from None
        except Exception as exc:  # rdflib raises plain exceptions for e.g. undeclared prefixes
            raise safety.explain_syntax_error(sparql, " ".join(str(exc).split())) from None
        # The dataset is decided above (FROM included), so rdflib must not apply FROM again.
        prepared.algebra["datasetClause"] = None
        res = self._target(dataset).query(prepared)
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            assert res.vars is not None  # rdflib sets them for every SELECT
            variables = star_order(sparql, [str(v) for v in res.vars])
            # A SELECT's result iterates over rows (an ASK's over a bool, a graph's over triples).
            rows, truncated = _take(cast("Iterable[ResultRow]", res), limit)
            return QueryResult("select", variables=variables, truncated=truncated,
                               rows=[{str(k): v for k, v in row.asdict().items() if v is not None}
                                     for row in rows])
        triples, truncated = _take(res.graph if res.graph is not None else (), limit)
        return QueryResult("graph", triples=list(triples), truncated=truncated)

    def answer(self, sparql: str, *, results_format: formats.Format | None,
               graph_format: formats.Format | None, dataset: QueryDataset | None = None,
               limit: int | None = None, base_iri: str | None = None) -> Answer:
        result = self.query(sparql, dataset=dataset, limit=limit, base_iri=base_iri)
        fmt = check_format(result.form, graph_format if result.form == "graph" else results_format)
        count = 1 if result.form == "ask" else len(result)
        return Answer(result.form, result.serialize(fmt), fmt.name, count, result.truncated)

    def _target(self, dataset: QueryDataset | None) -> Dataset:
        if dataset is None:
            return self.dataset
        chosen = Dataset(default_union=False)
        for g in dict.fromkeys(dataset.default_graphs):
            for triple in self.dataset.graph(URIRef(g)):
                chosen.default_graph.add(triple)
        for g in dict.fromkeys(dataset.named_graphs):
            named: Graph = chosen.graph(URIRef(g))
            for triple in self.dataset.graph(URIRef(g)):
                named.add(triple)
        return chosen


#: How every graph format writes a blank node (`_:b`; RDF/XML: rdf:nodeID="b") and a triple term
#: (`<<( s p o )>>`; RDF/XML: rdf:parseType="Triple"); a literal holding the same text only costs
#: a second look.
_REPEATABLE_WRITTEN = (b"_:", b"nodeID", b"<<(", b'parseType="Triple"')


def _each_once(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """Each triple once: a CONSTRUCT's answer is one graph, the set union of its template's triples
    for every solution (SPARQL 1.1 Query 16.2). pyoxigraph drops a repeat only where it holds no
    blank node and no triple term: one bound to a variable (`BNODE()` in a sub-select) repeats in
    every solution; a template's own `[]` is a new node in each, and stays so."""
    seen: set[ox.Triple] = set()
    for triple in triples:
        if triple not in seen:
            seen.add(triple)
            yield triple


def _take(items: Iterable[T], limit: int | None) -> tuple[list[T], bool]:
    """At most `limit` items, and whether there were more."""
    out: list[T] = []
    for item in items:
        if limit is not None and len(out) >= limit:
            return out, True
        out.append(item)
    return out, False


ENGINES: dict[str, type] = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}


def make_engine(name: str, store: ox.Store | DiskStore) -> Engine:
    """The engine `name` over an in-memory store, or over a prepared store on disk."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    if isinstance(store, DiskStore):
        if name == "oxigraph":
            return DiskOxigraphEngine(store)
        # The reference engine copies everything into rdflib; the union default graph of the
        # prepared store is what rdflib's union would give anyway.
        return RdflibEngine(open_read_only(store.path))
    return ENGINES[name](store)
