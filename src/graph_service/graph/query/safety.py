"""What a user's SPARQL may do here: read the store, nothing else.

Refused before anything runs: SPARQL Update (the service is read-only), SERVICE (a query must not
reach the network) and FROM / FROM NAMED naming a graph that is not in the store (a query must not
read documents). Decisions come from rdflib's SPARQL parser, so a keyword in a comment, a string or
an IRI neither triggers nor hides a refusal.

rdflib's parser costs 10-30 ms, far more than pyoxigraph takes to answer most queries, so
`vet_query` first looks for the words themselves: a text in which neither "service" nor "from"
occurs outside comments (after SPARQL's \\u escapes are expanded) cannot hold either clause and
needs no parse. Updates need no such check on that path because the engines only ever run the
*query* grammar, in which an update is a syntax error; `explain_syntax_error` then says it was an
update.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph_service.graph.query.syntax import misused_aggregate, offset
from graph_service.graph.rdf import PREFIXES

#: rdflib's SPARQL parser (pyparsing, with its packrat cache) is not safe on several threads at
#: once: under gthread workers, two concurrent parses failed with spurious syntax errors. Parses
#: are short and mostly skipped (`vet_query`), so one at a time per process costs little.
PARSER_LOCK = threading.Lock()

UPDATES_REFUSED = "updates are not offered by this read-only endpoint"


class UnsafeQuery(ValueError):
    """A query this service will not run; `str()` says why, for the person who wrote it."""


@dataclass(frozen=True)
class QueryShape:
    """What the safety checks learnt about a query."""

    #: IRIs of FROM clauses (the query's own default graph), in order.
    from_graphs: tuple[str, ...] = ()
    #: IRIs of FROM NAMED clauses.
    from_named: tuple[str, ...] = ()
    #: "select", "ask", "construct" or "describe" ("" when the text was not parsed).
    form: str = ""
    #: IRIs of the functions the query calls by IRI (XSD casts, extension functions).
    functions: tuple[str, ...] = ()
    #: The names of the variables a SELECT projects (`SELECT *`: those in scope), in order.
    projected: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def check_query(sparql: str, *, allowed_graphs: Iterable[str] | None = None) -> None:
    """Raise `UnsafeQuery` for an update, a SERVICE anywhere (subqueries, EXISTS, ...), or a
    FROM / FROM NAMED naming a graph outside `allowed_graphs` (when given); `SyntaxError`, with the
    line and column, for text that is not SPARQL or holds an aggregate where SPARQL allows none."""
    refuse_misused_aggregates(sparql)
    _check_dataset(inspect_query(sparql), allowed_graphs)


def vet_query(sparql: str, *, allowed_graphs: Iterable[str] | None = None) -> QueryShape:
    """`check_query` for the serving path: skips the parse when the text cannot hold SERVICE or
    FROM, and leaves syntax errors (and updates) to the engine's own parser. Returns the FROM
    clauses the engine must honour."""
    refuse_misused_aggregates(sparql)
    lowered = sparql.lower()
    # Plain `in` tests first (a regex search costs ten times more): most texts hold neither word
    # nor any escape (\\u, \\U) that could spell one.
    if "service" not in lowered and "from" not in lowered and "\\u" not in lowered:
        return QueryShape()
    if "\\u" not in lowered and _only_in_plain_comments(sparql, lowered, ("service", "from")):
        return QueryShape()  # "from" in a comment: a few searches, not a pass over every line
    refuse_delimiting_escapes(sparql)
    code = without_plain_comments(expand_escapes(sparql)).lower()
    # Names first: `prov:wasDerivedFrom` or `?service` cost a full parse of each text (25 ms for
    # example 28, a quarter of its answer), and the parse is cached only per text.
    if not spells_keyword(code, "service") and not spells_keyword(code, "from"):
        return QueryShape()
    shape = inspect_query(sparql)
    _check_dataset(shape, allowed_graphs)
    return shape


@lru_cache(maxsize=512)
def inspect_query(sparql: str) -> QueryShape:
    """Parse a query (cached: the same text is vetted once per process) and check its clauses."""
    refuse_delimiting_escapes(sparql)
    try:
        with PARSER_LOCK:
            tree = parseQuery(lines_as_the_grammar_ends_them(sparql))
    except Exception as exc:  # rdflib raises plain exceptions for some malformed input
        written = _service_written(sparql)
        if written is not None:
            raise _service_refused(written) from None
        message = (position_message(sparql, exc) if isinstance(exc, ParseException)
                   else " ".join(str(exc).split()))
        raise explain_syntax_error(sparql, message) from None
    query = tree[1]
    # Walk the parse tree before translating it: translation rewrites parts of it in place.
    for node in _walk(query):
        if node.name == "ServiceGraphPattern":
            target = dict.get(node, "term")  # CompValue.get returns the key itself when absent
            raise _service_refused(_as_written(target))
    form = query.name.removesuffix("Query").lower()
    try:
        # The algebra resolves prefixes and checks scoping, which the grammar alone does not.
        with PARSER_LOCK:
            algebra = translateQuery(tree).algebra
    except Exception as exc:  # e.g. "Unknown namespace prefix : x"
        raise explain_syntax_error(sparql, " ".join(str(exc).split())) from None
    defaults, named = [], []
    # Read after the translation, which resolved their prefixed names (`FROM ex:g`) in place.
    for clause in dict.get(query, "datasetClause") or ():
        if dict.get(clause, "default") is not None:
            defaults.append(str(clause["default"]))
        elif dict.get(clause, "named") is not None:
            named.append(str(clause["named"]))
    functions = tuple(dict.fromkeys(str(node["iri"]) for node in _walk(algebra)
                                    if node.name == "Function" and dict.get(node, "iri") is not None))
    projected = tuple(str(v) for v in dict.get(algebra, "PV") or ()) if form == "select" else ()
    return QueryShape(tuple(defaults), tuple(named), form, functions, projected)


def _as_written(term: object) -> str:
    """A term of the parse tree as the query wrote it: `<iri>`, `?var`, or a prefixed name that
    is not resolved yet (`ex:x`)."""
    if isinstance(term, CompValue) and term.name == "pname":
        return f"{dict.get(term, 'prefix') or ''}:{dict.get(term, 'localname') or ''}"
    n3 = getattr(term, "n3", None)
    return n3() if callable(n3) else ""


#: Functions a query sent to another store may call by IRI: the XSD casts. A store's own
#: extensions (Virtuoso's bif: and sql: functions reach its SQL engine, files and network) are not
#: SPARQL's to offer here.
PORTABLE_FUNCTIONS = "http://www.w3.org/2001/XMLSchema#"


def check_for_remote(sparql: str, *, allowed_graphs: Iterable[str]) -> QueryShape:
    """The checks for a query this service passes on to another store, where only a full parse
    will do: a text that is not standard SPARQL (a store's own syntax, such as Virtuoso's DEFINE
    pragmas) is a `SyntaxError`, not something to forward; SERVICE and updates are refused; FROM
    and FROM NAMED must name graphs of this dataset (whatever the protocol's parameters say, as
    stores differ in which wins); only XSD casts may be called by IRI."""
    shape = inspect_query(sparql)
    _check_dataset(shape, allowed_graphs)
    for iri in shape.functions:
        if not iri.startswith(PORTABLE_FUNCTIONS):
            raise UnsafeQuery(f"the function <{iri}> is refused: queries here may call SPARQL's "
                              "built-in functions and XSD casts only")
    return shape


def _service_refused(target: str) -> UnsafeQuery:
    return UnsafeQuery(f"SERVICE{' ' + target if target else ''} is refused: "
                       "queries here may not reach other endpoints or the network")


_SERVICE_KEYWORD = re.compile(r"(?<![\w:?$.\-])service(?:\s+silent)?\b", re.IGNORECASE)
# The clause's target and the brace that opens its pattern: `PREFIX service: <...>` is no clause.
_SERVICE_TARGET = re.compile(r"\s*(<[^<>\s]*>|[?$]\w+|(?:[A-Za-z][\w.\-]*)?:[\w.\-]*)\s*\{")


def _service_written(sparql: str) -> str | None:
    """The target of the first SERVICE keyword in the query's code, where rdflib could not parse
    it: rdflib 7.6 finds a SERVICE clause again by searching the whole text with "#" as a comment,
    so a "#" in an IRI or a string earlier on the line (`PREFIX lib: <...ontology#>`) made a
    well-formed federated query "malformed"."""
    text = expand_escapes(sparql)
    code = strip_iris_strings_and_comments(text)
    for keyword in _SERVICE_KEYWORD.finditer(code):
        target = _SERVICE_TARGET.match(text, keyword.end())
        if target is not None:
            return target.group(1)
    return None


_AGGREGATES = ("count", "sum", "min", "max", "avg", "sample", "group_concat")
_AGGREGATE_CALL = re.compile(r"(?<![\w:?$])(?:" + "|".join(_AGGREGATES) + r")(?:\s|#[^\n]*\n)*\(")
_GROUP_BY = re.compile(r"group\s+by")


def refuse_misused_aggregates(sparql: str) -> None:
    """`SyntaxError` for an aggregate where SPARQL allows none (`syntax.misused_aggregate`), which
    the engine would answer with a made-up value. The text is read token by token (0.2 ms for the
    benchmark's aggregate) only where the words allow a misuse: two aggregate calls (one may hold
    the other), or one with FILTER or BIND in the text, or after GROUP BY."""
    lowered = sparql.lower()
    if not any(word in lowered for word in _AGGREGATES):
        return
    calls = [m.start() for m in _AGGREGATE_CALL.finditer(lowered)]
    if not calls:
        return
    if len(calls) == 1 and "filter" not in lowered and "bind" not in lowered:
        grouped = _GROUP_BY.search(lowered)
        if grouped is None or grouped.start() > calls[0]:
            return
    message = misused_aggregate(sparql)
    if message is not None and not is_update(sparql):  # an update is refused as one by the engine's path
        raise SyntaxError(message)


def explain_syntax_error(sparql: str, message: str) -> Exception:
    """The error for text the query grammar rejected: `UnsafeQuery` when it is a well-formed
    SPARQL Update, else `SyntaxError(message)`."""
    if is_update(sparql):
        return UnsafeQuery(f"this is a SPARQL Update: {UPDATES_REFUSED}")
    return SyntaxError(_undeclared_prefix(sparql, message) or message)


_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE)
# A prefixed name's prefix (empty for ":name"), not part of a variable, a blank node or a word.
_PREFIX_USE = re.compile(r"(?<![\w.\-?$:])([A-Za-z][\w.\-]*)?:")


def _undeclared_prefix(sparql: str, message: str) -> str | None:
    """A sentence naming an undeclared prefix, the commonest mistake in a hand-written query.

    Oxigraph's message for it varies with the context (a list of expected characters, or only
    "expected OPTIONAL"), so the text is read here: the first prefix used and not declared, at
    or before where the parser stopped (an earlier mistake is the one to report). rdflib's
    parser cannot say: it knows rdfs:, xsd:, schema:, sh: and others undeclared."""
    if "IRI parsing failed" in message:  # an IRI holding a space: its scheme is no prefix
        return None
    if 'expected one of ">"' in message:  # an IRI never closed (`<http://x ?o }`): nor is its scheme
        return None
    text = strip_iris_strings_and_comments(sparql)
    declared = {m[1] or "" for m in _PREFIX_DECLARATION.finditer(text)}
    position = _POSITION.match(message)
    stop = offset(text, int(position[1]), int(position[2])) if position else len(text)
    for use in _PREFIX_USE.finditer(text, 0, stop + 1):
        prefix = use[1] or ""
        if prefix not in declared:
            hint = f"PREFIX {prefix}: <{PREFIXES.get(prefix, '...')}>"
            where = f"error at {position[1]}:{position[2]}: " if position else ""
            return f"{where}the prefix {prefix}: is not declared; add {hint}"
    return None


def is_update(sparql: str) -> bool:
    """Whether the text is a SPARQL Update with at least one operation: the grammar's update may
    have none (rule [29]), so PREFIX lines or a comment alone parse as one."""
    try:
        with PARSER_LOCK:
            return "request" in parseUpdate(lines_as_the_grammar_ends_them(sparql))
    except Exception:  # any failure means: not an update we could have run
        return False


def expand_escapes(sparql: str) -> str:
    """The text with SPARQL's codepoint escapes (\\u0053 for S, ...) expanded, which the
    SPARQL grammar allows anywhere in a query."""
    def char(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):  # beyond U+10FFFF (past 0x7FFFFFFF: OverflowError)
            return m.group(0)

    return _ESCAPE.sub(char, sparql)


def lines_as_the_grammar_ends_them(sparql: str) -> str:
    """The text with each carriage return not followed by a line feed made one (the same length,
    so positions hold). The grammar ends a comment at either (SPARQL 1.1, 19.6), and so does Oxigraph;
    rdflib's comment runs to a line feed: in `?s ?p ?o # x⏎SERVICE <...> {...}` with a lone
    carriage return for ⏎, rdflib parsed no SERVICE and Oxigraph ran one."""
    return re.sub(r"\r(?!\n)", "\n", sparql) if "\r" in sparql else sparql


#: What a codepoint escape may not stand for, with how a string says it instead. rdflib expands
#: \u and \U escapes throughout the text before parsing (and so do the checks here), Oxigraph only
#: inside strings and IRIs, as their content: in `BIND("\u0022 # " AS ?x) SERVICE <...>` the checks
#: read a string `""` and a comment, Oxigraph a string `" # ` and then a SERVICE, which it ran.
#: Only these characters end a string, or escape the next, for one and not the other (Oxigraph
#: refuses an IRI holding any character that would end it for rdflib).
_DELIMITING = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r"}


def refuse_delimiting_escapes(sparql: str) -> None:
    """`UnsafeQuery` for a codepoint escape standing for a quote, a backslash or a line break."""
    for m in _ESCAPE.finditer(sparql):
        code = int(m.group(1) or m.group(2), 16)
        instead = _DELIMITING.get(chr(code)) if code < 0x110000 else None
        if instead is not None:
            raise UnsafeQuery(f"the escape {m.group(0)} is refused: parsers differ on whether it ends a "
                              f"string; in a string, write {instead} instead")


# The tokens in which "#" does not start a comment (IRIs, the four kinds of string), and comments.
_IRI_STRING_OR_COMMENT = re.compile(
    r'<[^<>"{}|^`\\\x00-\x20]*>'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|#[^\n\r]*",
    re.DOTALL,
)


def strip_comments(sparql: str) -> str:
    """The text without its comments (a "#" outside IRIs and strings, to the end of the line), so
    that "from" or "service" in a comment costs no parse. Only comments go: what remains is what
    any SPARQL parser reads as code."""
    return _IRI_STRING_OR_COMMENT.sub(lambda m: "" if m.group(0).startswith("#") else m.group(0), sparql)


#: Where a line begins, any SPARQL parser is between tokens (unless a long string spans the line
#: break: no other token holds one), and only an IRI (<), a string (' or ") or an escaped name
#: character (\) holds a "#": a "#" with none of them before it on its line starts a comment.
_LINE_END = re.compile(r"([\r\n])")
_HOLDS_A_HASH = re.compile(r"[<'\"\\]")


def without_plain_comments(sparql: str) -> str:
    """The text without the comments that no token before them on their line could hold, for
    deciding that a text cannot hold a word (SERVICE, FROM) outside comments. Not
    `strip_comments`: a regex reading tokens out of context falls out of step with the parser,
    and then takes code for a comment. Oxigraph reads `ex:a\\#b` as one name (an escaped "#"),
    and `?x<'a>b'` as a comparison with a string (the regex: an IRI `<'a>`, then a string opening
    at `b'`); either way the regex read the rest of the line, `SERVICE <...> {...}`, as a comment,
    and the check was skipped. With a long string in the text, nothing is stripped."""
    if "'''" in sparql or '"""' in sparql or "#" not in sparql:
        return sparql
    # Line by line: a third of the time one regex over the text took.
    parts = _LINE_END.split(sparql)  # lines, and between them their ends
    for n in range(0, len(parts), 2):
        at = _plain_comment(parts[n], 0, len(parts[n]))
        if at >= 0:
            parts[n] = parts[n][:at]
    return "".join(parts)


def _plain_comment(text: str, line: int, end: int) -> int:
    """Where a plain comment begins on the line that starts at `line`, before `end`; -1 if none."""
    at = text.find("#", line, end)
    return at if at >= 0 and not _HOLDS_A_HASH.search(text, line, at) else -1


def _only_in_plain_comments(sparql: str, lowered: str, words: tuple[str, ...]) -> bool:
    """Whether every occurrence of `words` in `lowered` (the text lowercased) lies in a comment
    that `without_plain_comments` would cut; False when unsure."""
    if len(lowered) != len(sparql) or "'''" in sparql or '"""' in sparql:
        return False  # positions differ (a few letters lowercase to two), or a long string
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            line = max(sparql.rfind("\n", 0, at), sparql.rfind("\r", 0, at)) + 1
            if _plain_comment(sparql, line, at) < 0:
                return False
            at = lowered.find(word, at + len(word))
    return True


# Variables, prefixed names and blank nodes, whose letters may spell a keyword (lib:Photograph,
# prov:wasDerivedFrom, ?service) without being it. SPARQL's name characters, and `%`/`\\` of a
# local name's escapes.
_NAME = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+"
                   r"|[\w.\-\u00b7]*:[\w.\-:%\\\u00b7\u0300-\u036f\u203f\u2040]*")


def spells_keyword(code: str, keyword: str) -> bool:
    """Whether `keyword` (lowercase) may stand as a keyword in `code`, a query's text lowercased
    (escapes expanded, comments cut): anywhere but within a variable or a prefixed name, whose
    letters are no keyword. A name whose prefix holds it counts: pyoxigraph reads `GRAPH:g` as
    the keyword and `:g`. Strings and IRIs may be left in: a word there only costs a parse."""
    if keyword not in code:
        return False

    def blank(match: re.Match[str]) -> str:
        name = match.group()
        return name if name[0] not in "?$" and keyword in name.partition(":")[0] else " "

    return keyword in _NAME.sub(blank, code)


def strip_iris_strings_and_comments(sparql: str) -> str:
    """The text with its IRIs, strings and comments blanked out: keywords, names and variables
    remain (a word found there is no part of a string or an IRI), each where it was (blanks of
    the same length, line breaks kept, so offsets, lines and columns hold)."""
    return _IRI_STRING_OR_COMMENT.sub(_blanked, sparql)


def _blanked(match: re.Match[str]) -> str:
    text = match[0]
    # Only a long string can hold a line break: the rest (most) need no second pass.
    if "\n" not in text and "\r" not in text:
        return " " * len(text)
    return _NOT_LINE_END.sub(" ", text)


_NOT_LINE_END = re.compile(r"[^\r\n]")


def _check_dataset(shape: QueryShape, allowed_graphs: Iterable[str] | None) -> None:
    if allowed_graphs is None:
        return
    allowed = set(allowed_graphs)
    for keyword, iris in (("FROM", shape.from_graphs), ("FROM NAMED", shape.from_named)):
        for iri in iris:
            if iri not in allowed:
                meant = _graph_meant(iri, allowed)
                raise UnsafeQuery(
                    f"{keyword} <{iri}> names no graph of this store"
                    + (f" (did you mean <{meant}>?)" if meant else "")
                    + "; FROM and FROM NAMED select graphs of the store and never load documents"
                )


def _graph_meant(iri: str, graphs: set[str]) -> str | None:
    """The store's graph a misspelt name may mean (`graph/fact` for `graph/facts`): its last
    segment close to theirs, under the same path (the shared base alone makes any two alike)."""
    head, _, name = iri.rpartition("/")
    near = {g.rpartition("/")[2]: g for g in graphs if g.rpartition("/")[0] == head}
    meant = get_close_matches(name, sorted(near), 1, 0.75)
    return near[meant[0]] if meant else None


def _walk(node: object) -> Iterator[CompValue]:
    """Every parse-tree node under `node`, depth first (subqueries and filters included)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        # pyparsing ParseResults (iterable, as the type checker must be told)
        elif hasattr(item, "asList") and isinstance(item, Iterable) and not isinstance(item, str):
            stack.extend(list(item))


def position_message(sparql: str, exc: ParseException) -> str:
    """rdflib's message as 'error at LINE:COLUMN: ...' like pyoxigraph's, with the offending line."""
    line = sparql.splitlines()[exc.lineno - 1] if sparql.splitlines() else ""
    return f"error at {exc.lineno}:{exc.col}: {exc.msg} (near {line.strip()[:80]!r})"
