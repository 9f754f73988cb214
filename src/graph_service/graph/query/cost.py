"""A static estimate of a query's cost, to refuse the obviously explosive before anything runs.

Two shapes make a query explode before any limit applies, and both are visible in its text:

- a cartesian product: a group pattern joining parts that share no variable, so every row of one
  meets every row of the others (nine `?s ?p ?o` patterns: |triples|^9 rows). Parts are counted
  per group pattern; a part whose path closure (`*`, `+`) has variables at both ends (every pair
  of connected nodes) counts twice, a part with a single variable (a lookup) not at all;
- deep nesting of collections and blank-node brackets in triple patterns (`( ( ( ... ) ) )`):
  pyoxigraph's parser takes time that grows with the cube of their depth (0.5.13, collections:
  80 levels in 0.3 s, 320 levels, a 660-character query, in 22 s); and of reified triples
  (`<< << ... >> ?p ?o >>`, SPARQL 1.2), faster still (50 levels 0.15 s, 100 levels 2.3 s).
  Nesting elsewhere (groups, expressions) is cheap and not counted.

The estimate is one pass over the tokens (linear in the text, no parse; `max_query_length`
bounds it). The endpoint makes it in the query process before the engine parses anything, or for
a short query only if it is still running after 20 ms (`runner.LATE_ESTIMATE_CHARS`): a query the
estimate would refuse but the engine answers at once is then answered. It reads only what
decides the two measures; anything it cannot read (a malformed text) counts as connected and
shallow, left to the engine's own parser. Joins that FILTER, BIND or VALUES make are not counted
as connections (the engine still enumerates the product before filtering). No example query of
the project comes near either limit (`tests/test_attack_runaways.py` checks every one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph_service.graph.query.safety import UnsafeQuery, strip_iris_strings_and_comments

#: Unconnected parts (weighted as above) one group pattern may join; one more is refused.
MAX_PRODUCT = 5
#: Collections, blank-node brackets and reified triples nested in a triple pattern; one more is refused.
MAX_NESTING = 16
#: Brackets of any kind ({ ( [) open at once; one more is refused. The engine's parser recurses
#: on each: 40,000 unclosed { (80,000 unclosed parentheses) crashed the query process (SIGSEGV),
#: a 500 for a malformed query, where 35,000 (60,000) were a syntax error and balanced nesting
#: 33,000 deep was answered. Constructs nested 10,000 deep are answered (tests/attacks.py).
MAX_DEPTH = 20_000


class TooCostly(UnsafeQuery):
    """A query refused by the estimate, before it ran or soon after; `str()` names the cause."""


_TOKEN = re.compile(r"""
    (?P<skip>\#[^\n\r]*|<[^<>"{}|^`\\\x00-\x20]*>
      |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\-.\u00B7\u00C0-\uFFFF]*(?::[^\s{}()\[\],;#"'<>]*)?
      |:[^\s{}()\[\],;#"'<>]*)
  | (?P<punct><<(?![^<>"{}|^`\\\x00-\x20]*>)|>>|[{}()\[\].;,*+/|^])
""", re.VERBOSE)
#: Words after which a "(" opens an expression (or VALUES's variables), not a collection.
_CONSTRAINT = frozenset({"filter", "bind", "having", "values"})
#: Keywords that end a block of triples inside a group pattern.
_BLOCK_ENDS = frozenset({"filter", "bind", "values", "optional", "minus", "graph", "service", "union"})


@dataclass(frozen=True)
class Cost:
    #: The largest weighted count of unconnected parts joined in one group pattern.
    product: int
    #: The deepest nesting of collections and blank-node brackets in a triple pattern.
    nesting: int


@dataclass(slots=True)
class _Group:
    """A group pattern being read: its finished parts (each a set of variables, with a weight),
    and the block of triples being read."""

    #: VALUES data or MINUS: rows that do not multiply the enclosing group's.
    ignored: bool = False
    parts: list[tuple[set[str], int]] = field(default_factory=list)
    current: set[str] = field(default_factory=set)
    #: The block has a path closure; its first and last terms are variables.
    closure: bool = False
    first_var: bool | None = None
    last_var: bool = False
    #: Variables anywhere in the group, nested groups included.
    seen: set[str] = field(default_factory=set)
    #: After UNION: the next group is an alternative of the last part, not a part of its own.
    merge: bool = False

    def term(self, variable: str | None) -> None:
        if variable is not None:
            self.current.add(variable)
            self.seen.add(variable)
        if self.first_var is None:
            self.first_var = variable is not None
        self.last_var = variable is not None

    def end_part(self) -> None:
        if self.current:
            # A closure between two variables: every pair of connected nodes. A part with one
            # variable (`<paris> rdfs:label ?l`) is a lookup: a product of lookups is small.
            if self.closure and self.first_var and self.last_var:
                weight = 2
            else:
                weight = 1 if len(self.current) > 1 or self.closure else 0
            self.parts.append((self.current, weight))
        self.current, self.closure, self.first_var, self.last_var = set(), False, None, False

    def add_group(self, inner: _Group) -> None:
        """A nested group closed: one part with the triples just before it (GRAPH ?g {...})."""
        names = self.current | inner.seen
        self.seen |= inner.seen
        self.current, self.closure, self.first_var, self.last_var = set(), False, None, False
        if self.merge and self.parts:
            names |= self.parts.pop()[0]
        self.merge = False
        if names:
            self.parts.append((names, 1))

    def product(self) -> int:
        self.end_part()
        # Connected components over shared variables (union-find: comparing each part with every
        # component took time quadratic in the parts, 6.5 ms for 4,000 characters of them); a
        # component weighs what its heaviest part does.
        parent = list(range(len(self.parts)))
        heaviest = [weight for _, weight in self.parts]
        holder: dict[str, int] = {}  # a part each variable was first seen in

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, (names, _) in enumerate(self.parts):
            for name in names:
                a, b = root(i), root(holder.setdefault(name, i))
                if a != b:
                    parent[b] = a
                    heaviest[a] = max(heaviest[a], heaviest[b])
        return sum(heaviest[i] for i in range(len(parent)) if parent[i] == i)


def estimate(sparql: str) -> Cost:
    """The query's cost measures (see the module's description)."""
    groups: list[_Group] = []
    # What each open bracket is: "group", "expr" (an expression, VALUES data), "term" (a
    # collection or a blank-node bracket in a triple pattern) or "path" (a path's parentheses),
    # and beside it where a triple pattern there is: 0 subject, 1 verb, 2 object, 3 list item.
    stack = _Brackets()
    where: list[int] = []
    product = nesting = depth = 0
    previous = ""  # the previous token, lowercased ("<term>" for an IRI or a literal)
    expect_expression = False  # after FILTER: the "(" of its function call is an expression
    values = False  # after VALUES: the next "{" opens data

    def advance() -> None:  # a term is complete: subject -> verb -> object
        if where and where[-1] in (0, 1):
            where[-1] += 1

    # The tokens as tuples made in C (each has one group non-empty): the estimate's own loop is
    # what it costs, about a microsecond a token.
    in_pattern = stack.in_pattern_flags
    for skip, variable, word, text in _TOKEN.findall(sparql):
        group = groups[-1] if groups and in_pattern and in_pattern[-1] else None
        if skip:
            if skip[0] == "#":
                continue
            if group is not None:
                group.term(None)
                advance()
            previous = "<term>"
            continue
        if variable:
            low = variable.lower()
            if group is not None:
                group.term(low)
                advance()
            elif groups:
                groups[-1].seen.add(low)
            previous = low
            continue
        if word:
            low = word.lower()
            if group is not None:
                if low in _BLOCK_ENDS:
                    group.end_part()
                    group.merge = low == "union"
                    where[-1] = 0
                elif ":" in low or low[:1].isdigit() or low in ("true", "false", "a"):
                    group.term(None)
                    advance()
            expect_expression = low == "filter" or (expect_expression and word[-1:] != ")")
            values = low == "values" or (values and low != "{")
            previous = low
            continue
        if text == "{":
            if values:
                stack.push("expr")
                values = False
            else:
                stack.push("group")
                groups.append(_Group(ignored=previous == "minus"))
            where.append(0)
        elif text == "}":
            opened = stack.pop() if stack else ""
            if where:
                where.pop()
            if opened == "group" and groups:
                inner = groups.pop()
                product = max(product, inner.product())
                if groups and not inner.ignored and stack.in_pattern():
                    groups[-1].add_group(inner)
                    if where:
                        where[-1] = 0
                elif groups:
                    groups[-1].seen |= inner.seen
        elif text == "<<":  # a reified triple (SPARQL 1.2), nested as a collection is
            stack.push("term")
            where.append(0)
            depth += 1
            nesting = max(nesting, depth)
        elif text == ">>":
            if stack and stack.top() == "term":
                stack.pop()
                where.pop()
                depth -= 1
                advance()
        elif text == "(" and previous == "<<":  # a triple term's <<( ... )>>: counted at its <<
            stack.push("triple")
            where.append(0)
        elif text in "([":
            if group is None or expect_expression or previous in _CONSTRAINT:
                stack.push("expr")
                where.append(9)
            elif stack.top() == "path" or (text == "(" and (where[-1] == 1 or previous in "/|^")):
                stack.push("path")  # a path's grouping: cheap to parse, however deep
                where.append(9)
            else:
                stack.push("term")
                where.append(1 if text == "[" else 3)
                depth += 1
                nesting = max(nesting, depth)
            expect_expression = False
        elif text in ")]":
            if stack and stack.top() != "group":
                opened = stack.pop()
                where.pop()
                if opened == "term":
                    depth -= 1
                if opened != "expr":
                    advance()
        elif text in ".;,":
            if group is not None and where:
                if text == ".":
                    group.end_part()
                where[-1] = {".": 0, ";": 1, ",": 2}[text] if where[-1] != 3 else 3
        elif text in "*+":
            # A closure follows a path element: an IRI, a prefixed name, `a` or a ")".
            if group is not None and (previous in ("<term>", ")", "a") or ":" in previous):
                group.closure = True
        previous = text
    while groups:
        product = max(product, groups.pop().product())
    return Cost(product, nesting)


class _Brackets:
    """The open brackets, innermost last, each with whether it lies within a group pattern and
    outside any expression (as far as the innermost group). That is settled as each opens:
    looking for it by walking outwards on every token took time quadratic in the depth (1.6 s
    for 10,000 nested parentheses of a property path)."""

    def __init__(self) -> None:
        self._kinds: list[str] = []
        #: For each open bracket, whether it lies in a pattern (the list itself stays the same
        #: object, for a loop that reads its last item on every token).
        self.in_pattern_flags: list[bool] = []

    def push(self, kind: str) -> None:
        inherited = self.in_pattern_flags[-1] if self.in_pattern_flags else False
        self._kinds.append(kind)
        self.in_pattern_flags.append(kind == "group" or (kind != "expr" and inherited))

    def pop(self) -> str:
        self.in_pattern_flags.pop()
        return self._kinds.pop()

    def top(self) -> str:
        return self._kinds[-1] if self._kinds else ""

    def in_pattern(self) -> bool:
        return bool(self.in_pattern_flags) and self.in_pattern_flags[-1]

    def __bool__(self) -> bool:
        return bool(self._kinds)


def check_cost(sparql: str, *, max_product: int = MAX_PRODUCT, max_nesting: int = MAX_NESTING,
               verdict: str = "refused before it ran") -> Cost:
    """The estimate; `TooCostly`, naming the cause after `verdict`, when it is over either limit
    (or the brackets nest deeper than `MAX_DEPTH`)."""
    if sparql.count("{") + sparql.count("(") + sparql.count("[") > MAX_DEPTH:
        deepest = _depth(sparql)
        if deepest > MAX_DEPTH:
            raise TooCostly(f"{verdict}: brackets nested {deepest:,} deep (the limit is {MAX_DEPTH:,})")
    # Cheap gates first: a product needs a variable per part, nesting a bracket per level.
    if sparql.count("?") + sparql.count("$") <= max_product \
            and sparql.count("(") + sparql.count("[") + sparql.count("<<") <= max_nesting:
        return Cost(0, 0)
    cost = estimate(sparql)
    if cost.product > max_product:
        raise TooCostly(
            f"{verdict}: the query joins {cost.product} parts that share no variable "
            f"(a cartesian product; the limit is {max_product}, a path closure with variables at "
            "both ends counting as two); connect them through shared variables or run them apart")
    if cost.nesting > max_nesting:
        raise TooCostly(
            f"{verdict}: collections, blank-node brackets or reified triples nested {cost.nesting} deep "
            f"in a triple pattern (the limit is {max_nesting}); the parser's time grows "
            "steeply with their depth")
    return cost


def slow_shape_advice(sparql: str) -> str | None:
    """What may answer faster, for a query that ran out of time on the embedded engine, from a
    shape pyoxigraph (0.5.13) evaluates slowly; None where the text shows none.

    It evaluates a FILTER (NOT) EXISTS once for each row, and a path closure inside one is walked
    again for every row: photographs placed in no capital, `FILTER NOT EXISTS { ?photo
    lib:hasPlace/lib:partOf*/lib:inArea? ?c . ?c a lib:CapitalCity }`, took 2.9 s (and 10 s on a
    busy machine) where the same with MINUS took 3 ms."""
    if not any(word.lower() == "exists" for _, _, word, _ in _TOKEN.findall(sparql)):
        return None
    # MINUS and a join answer the same only under the conditions said: an outer variable in the
    # pattern's FILTER, a shared one left unbound by an OPTIONAL, or no variable shared (MINUS then
    # removes nothing) changes the answer.
    return ("this engine evaluates NOT EXISTS and EXISTS once for every row: MINUS { ... } in place "
            "of NOT EXISTS, or the pattern joined in (with DISTINCT) in place of EXISTS, often answers "
            "at once, and answers the same where the pattern shares a variable with the rest, bound in "
            "every row, and its filters name only its own variables")


def _depth(sparql: str) -> int:
    """How deep the query's brackets nest at most (those in strings, IRIs and comments aside; a
    bracket closing nothing opens the count again from 0). One loop over the brackets alone: a
    loop over every token took 0.12 s for 85,000 of them, a third of a short time limit."""
    depth = deepest = 0
    for c in _BRACKET.findall(strip_iris_strings_and_comments(sparql)):
        if c in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


_BRACKET = re.compile(r"[{}()\[\]]")
