"""Syntax errors a historian can act on: where the query went wrong (line, column, the line
itself for a caret under the spot) and what to do, in words, beside the parser's own message.

The parser (Oxigraph's PEG grammar) reports the furthest position it reached and every token it
could have accepted there: "error at 1:25: expected one of LATERAL, SERVICE, [_]" for
`SELECT * WHERE { ?s ?p }`. That position is often one past the real mistake, and the expected
tokens are grammar alternatives, not advice. So the text is scanned here (strings, IRIs,
brackets, triple patterns, the prologue) and the commonest mistakes are named in plain words;
the parser's message is shown, shortened, for the rest, and where it states a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches

#: Query forms, and what may follow a query's pattern.
_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
_MODIFIERS = frozenset({"GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "VALUES"})
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
# Rust character classes in the expected set (['A' ..= 'Z' | ...], [_]): grammar noise to a reader.
_CHAR_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]", re.DOTALL)
# A word runs into what follows it (SELECT*, VALUES?a), but not into an IRI: its # would be taken
# for a comment (^^<...XMLSchema#integer>), and a prefix's name would lose the colon that ends it
# (PREFIX x:<...>). A < before a variable compares (FILTER(?a<?b)). ^^ is a token of its own, a
# lone ^ inverts a path (^lib:p); an escaped character is one, its # no comment (ex:a\#b).
_WORD_CHAR = r"""(?:
    [^\s{}()\[\].;,#'"<^\\]
  | <(?![^?$<>"{}|^`\\\s][^<>"{}|^`\\\s]*>)
  | \^(?!\^)
  | \\[-_~.!$&'()*+,;=/?\#@%]
)"""
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''|\"\"\"|'|")
  | (?P<iri><(?:[^<>"{}|^`\\\s]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<punct>[.;,](?![0-9]))
  | (?P<datatype>\^\^)
  | (?P<word>""" + _WORD_CHAR + r"+(?:\." + _WORD_CHAR + r"""+)*)
  | (?P<other>\S)
""", re.VERBOSE)
_PAIRS = {"{": "}", "(": ")", "[": "]"}
_PARSER_POSITION = re.compile(r"^error at \d+:\d+:\s*")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    at: int  # offset in the query


@dataclass(frozen=True)
class SyntaxProblem:
    """A malformed query explained: 1-based line and column, the line's text, advice and the
    parser's own (shortened) message."""

    line: int
    column: int
    text: str
    advice: str
    parser: str
    #: The line before, shown above the one in question (a missing term is often at its end).
    previous: str = ""
    #: Whether the advice names the mistake (one of the checks here knew it), not only the spot.
    named: bool = True
    #: Whether the query is SPARQL 1.1 after all, in a form the engine's parser does not take.
    well_formed: bool = False

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: {self.advice}"
        note = self.parser_note
        return f"{where} (parser: {note})" if note else where

    @property
    def parser_note(self) -> str:
        """The parser's words worth showing beside the advice, without their position (one past
        ours; past a last line break, the next line: a second position in one message is one too
        many); "" where they add nothing. `parser` keeps them whole.

        Beside advice that names the mistake, the tokens the parser lists are left out: they are
        the few grammar alternatives it tried last, and mislead ("expected one of LATERAL,
        SERVICE" for a triple without its object, "expected CONSTRUCT" for SELEC)."""
        # The parser's message may be the advice already (an undeclared prefix, said by the checks).
        if self.advice in self.parser:
            return ""
        said = _PARSER_POSITION.sub("", self.parser)
        # "the prefix x: is not declared" is the service's own reading (`safety`), which the advice
        # says better where it differs (bif:, which no declaration gives this endpoint).
        if self.named and said.startswith(("expected ", "the prefix ")):
            return ""
        return said

    @property
    def caret(self) -> str:
        """Spaces (tabs kept, so it lines up) and a ^ under the column, for a monospaced block."""
        lead = self.text[: self.column - 1]
        return "".join(c if c == "\t" else " " for c in lead) + "^"


def explain_syntax(query: str, message: str) -> SyntaxProblem:
    """Explain the parser's `message` ("error at L:C: ...", or any message) about `query`."""
    found = _POSITION.match(message)
    raw = message[found.end():] if found else message
    # A rule the parser states in a sentence is its message; the tokens it lists beside it are noise.
    stated = _SENTENCE.search(raw)
    parser = (found[0] if found else "") + (stated[1] if stated else _shorten(raw))
    tokens, unclosed = _tokens(query)
    if found:
        at = offset(query, int(found[1]), int(found[2]))
    else:
        at = len(query)
    at = _back_to_token(query, at)
    advice: tuple[int, str] | None = None
    if unclosed is not None:
        # A quote inside an IRI opens no string: the IRI is the mistake.
        advice = _iri_character(query, raw, at) or (
            unclosed.at, f"this string is not closed: it needs a closing {unclosed.text}")
    advice = advice or _control(tokens, at)
    advice = advice or _aggregate_before(tokens, at)
    advice = advice or _triple_term_predicate(tokens, at)
    advice = advice or _iri_character(query, raw, at)
    advice = advice or _second_query(tokens, at)
    advice = advice or _projection_comma(tokens, at)
    advice = advice or _bare_filter(tokens, at)
    advice = advice or _bad_escape(tokens, at)
    advice = advice or _bad_language_tag(tokens, at)
    advice = advice or _clause_order(tokens, at)
    advice = advice or _codepoint_escape(query, tokens, at)
    advice = advice or _opening(tokens, at)
    advice = advice or _prologue_end(tokens)[1]
    advice = advice or _word_operator(tokens, at)
    advice = advice or _triple_syntax(tokens, at)
    advice = advice or _unclosed_iri(query, raw, at)
    advice = advice or _repetition(query, at)
    advice = advice or _undeclared(tokens, raw)
    advice = advice or _brackets(tokens)
    advice = advice or _unknown_function(tokens, at)
    advice = advice or _misspelt_keyword(tokens, at)
    advice = advice or _missing_operand(tokens, at)
    grouped_form = None if advice else _grouped_form(tokens, at)
    advice = advice or grouped_form
    advice = advice or _star_grouped(tokens, raw)
    advice = advice or _ungrouped(tokens, raw)
    advice = advice or _overridden(tokens, raw)
    advice = advice or _duplicated(tokens, raw)
    advice = advice or _stated(raw, at)
    advice = advice or _describe(tokens)
    advice = advice or _bad_iri(query, raw, at)
    advice = advice or _distinct_and_reduced(tokens)
    advice = advice or _short_construct(tokens)
    advice = advice or _graph_in_template(tokens, at)
    advice = advice or _unnamed_graph(tokens, at)
    advice = advice or _rebound(tokens, at)
    advice = advice or _order_condition(tokens, at)
    advice = advice or _after_pattern(tokens, at)
    advice = advice or _by_expectation(tokens, raw, at)
    advice = advice or _short_pattern(tokens, at)
    # Last: each looks along the whole text, and a mistake before them is the one to name.
    advice = advice or _double_equals(tokens, at)
    advice = advice or _bracketed_in(tokens, at)
    advice = advice or _union_after_where(tokens, at)
    named = advice is not None
    spot, words = advice or (at, "the query cannot be read from here on")
    line, column = _line_column(query, spot)
    lines = query.splitlines()
    text = lines[line - 1] if lines[line - 1:line] else ""
    previous = lines[line - 2] if line > 1 and lines[line - 2:line - 1] else ""
    return SyntaxProblem(line, column, text, words, parser, previous, named, grouped_form is not None)


def _control(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A control character before where the parser stopped, outside strings and comments (a %00
    in a URL): named, where the words of whatever rule it broke would not say it is there."""
    for t in tokens:
        if t.at > at + 1:
            break
        if t.kind == "string":
            continue
        for i, c in enumerate(t.text):
            if ord(c) < 0x20 and c not in "\t\r\n" or ord(c) == 0x7F:
                url = " (a %00 in a URL is one)" if c == "\x00" else ""
                return t.at + i, (f"a control character (U+{ord(c):04X}) stands here, which SPARQL reads "
                                  f"nowhere outside a string: remove it{url}")
    return None


_CODEPOINT = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")


def _codepoint_escape(query: str, tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A \\u or \\U escape before where the parser stopped, outside strings, IRIs and comments
    (where a backslash is a token of its own): SPARQL 1.1 reads them anywhere (19.2), Oxigraph
    only in strings and IRIs, and its words then name whatever came next."""
    for t in tokens:
        if t.at > at + 1:
            break
        if t.kind == "other" and t.text == "\\" and (m := _CODEPOINT.match(query, t.at)):
            code = int(m[0][2:], 16)
            char = chr(code) if code <= 0x10FFFF else "?"
            return t.at, (f"{m[0]} (U+{code:04X}, {char!r}) stands outside a string or an IRI: SPARQL "
                          f"1.1 allows such escapes anywhere, but this endpoint's parser (Oxigraph) reads "
                          f"them only in strings and IRIs: write {char!r} itself")
    return None


def _shorten(raw: str) -> str:
    text = _CHAR_CLASS.sub("", raw)
    text = re.sub(r"(,\s*)+(?=,|$)", "", re.sub(r"\s+", " ", text)).strip(" ,")
    text = re.sub(r"one of\s*,\s*", "one of ", text)
    if text.endswith(("expected", "expected one of")):
        text = "unexpected character"
    return text


def _tokens(query: str) -> tuple[list[Token], Token | None]:
    """The query's tokens (comments left out), and an unterminated string's opening quote."""
    out: list[Token] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN.search(query, pos)
        if m is None:
            break
        kind = m.lastgroup or "other"
        if kind == "string":
            quote = m.group()
            end = _string_end(query, m.end(), quote)
            if end < 0:
                return out, Token("string", quote, m.start())
            out.append(Token("string", query[m.start():end], m.start()))
            pos = end
            continue
        if kind != "comment":
            out.append(Token(kind, m.group(), m.start()))
        pos = m.end()
    return out, None


def _string_end(query: str, start: int, quote: str) -> int:
    i = start
    while i < len(query):
        if query[i] == "\\":
            i += 2
            continue
        if query.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and query[i] == "\n":
            return -1
        i += 1
    return -1


def offset(query: str, line: int, column: int) -> int:
    """The index in `query` of a 1-based line and column (a parser's position)."""
    lines = query.split("\n")
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _line_column(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _back_to_token(query: str, at: int) -> int:
    """The parser points past the end, or at the blank after a token: the last character read."""
    at = min(at, len(query))
    while at > 0 and (at == len(query) or query[at].isspace()):
        at -= 1
    return at


def _unclosed_iri(query: str, raw: str, at: int) -> tuple[int, str] | None:
    if '">"' not in raw:
        return None
    start = query.rfind("<", 0, at + 1)
    return (start if start >= 0 else at), "this IRI is not closed: it needs a > at its end (no spaces inside)"


def _iri_around(query: str, at: int) -> tuple[int, int]:
    """Where the IRI the parser stopped in begins (its <, or -1) and ends (its >, or -1)."""
    start = query.rfind("<", 0, at + 1)
    return start, (query.find(">", start + 1) if start >= 0 else -1)


def _bad_iri(query: str, raw: str, at: int) -> tuple[int, str] | None:
    """An IRI the parser could not read: most often one holding a space."""
    if "IRI parsing failed" not in raw:
        return None
    start, end = _iri_around(query, at)
    if start < 0:
        return None
    iri = query[start:end + 1] if end >= 0 else query[start:]
    if any(c.isspace() for c in iri):
        return start, "this IRI holds a space, which IRIs cannot have: write it as %20"
    return start, ("this IRI is malformed: an IRI in <...> has a scheme (https:) or resolves against "
                   "the base, and no space, <, > or " + ", ".join(_NOT_IN_IRI))


def _undeclared(tokens: list[Token], raw: str) -> tuple[int, str] | None:
    m = re.search(r"the prefix (\S*): is not declared", raw)
    if m is None:
        return None
    name = m[1] + ":"
    if name == "bif:":  # DBpedia's and Wikidata-on-Virtuoso users' habit
        at = next((t.at for t in tokens if t.kind == "word" and t.text.startswith(name)), 0)
        return at, ("bif: names Virtuoso's built-in functions (bif:contains is its full-text search), "
                    "which this endpoint does not have: use CONTAINS(?label, \"Warsaw\") or REGEX(...)")
    declared = False
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text.startswith(name):
            declared = declared or (i > 0 and tokens[i - 1].text.upper() == "PREFIX")
            if not declared:
                return t.at, raw[raw.index("the prefix"):]
    return None


def _brackets(tokens: list[Token]) -> tuple[int, str] | None:
    stack: list[Token] = []
    for t in tokens:
        if t.kind == "open":
            stack.append(t)
        elif t.kind == "close":
            if not stack:
                return t.at, f"this {t.text} closes nothing: there is no matching opening bracket before it"
            opener = stack.pop()
            if _PAIRS[opener.text] != t.text:
                return t.at, (f"this {t.text} does not match the {opener.text} it closes; "
                              f"expected {_PAIRS[opener.text]}")
    if stack:
        t = stack[-1]
        return t.at, f"this {t.text} is never closed: add a {_PAIRS[t.text]} where it ends"
    return None


#: SPARQL's built-in functions (1.1, and 1.2's that the engine knows), by the names it spells them.
_FUNCTIONS = (
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND", "ABS", "CEIL",
    "FLOOR", "ROUND", "CONCAT", "SUBSTR", "STRLEN", "REPLACE", "UCASE", "LCASE", "ENCODE_FOR_URI",
    "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY", "HOURS",
    "MINUTES", "SECONDS", "TIMEZONE", "TZ", "NOW", "UUID", "STRUUID", "MD5", "SHA1", "SHA256",
    "SHA384", "SHA512", "COALESCE", "IF", "STRLANG", "STRDT", "sameTerm", "isIRI", "isURI",
    "isBLANK", "isLITERAL", "isNUMERIC", "REGEX", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE",
    "GROUP_CONCAT", "LANGDIR", "STRLANGDIR", "hasLang", "hasLangDir", "isTRIPLE", "TRIPLE",
    "SUBJECT", "PREDICATE", "OBJECT", "ADJUST",
)
#: Keywords a "(" follows: they open an expression or a list.
_BRACKET_KEYWORDS = ("FILTER", "BIND", "VALUES", "HAVING", "ASC", "DESC", "IN", "EXISTS")
#: Other words a "(" may follow: a keyword before an expression, `a` or a boolean before a
#: collection (`?s a (...)`, `(true (1))`).
_BEFORE_BRACKET = frozenset({"SELECT", "DISTINCT", "REDUCED", "BY", "A", "AS", "NOT", "WHERE", "GROUP",
                             "ORDER", "DESCRIBE", "CONSTRUCT", "ASK", "UNION", "OPTIONAL", "MINUS", "GRAPH",
                             "TRUE", "FALSE"})
_CALLED = (*_FUNCTIONS, *_BRACKET_KEYWORDS)
_CALLABLE = frozenset(f.upper() for f in _CALLED) | _BEFORE_BRACKET
#: A name, after the operator characters the tokenizer joins to it (`!contans(`).
_NAME = re.compile(r"[-!&|=<>+*/]*([A-Za-z_][A-Za-z0-9_]*)")


def _unknown_function(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A bare name called as a function that SPARQL does not define (`strlenn(?o)`, `FILTR(...)`)
    before where the parser stopped: it reads on past the name and stops further along."""
    for word, after in zip(tokens, tokens[1:], strict=False):
        if word.at > at:
            break
        name = _NAME.fullmatch(word.text) if word.kind == "word" and after.text == "(" else None
        if name is not None and name[1].upper() not in _CALLABLE:
            close = get_close_matches(name[1].upper(), [f.upper() for f in _CALLED], n=1)
            hint = f"; did you mean {next(f for f in _CALLED if f.upper() == close[0])}?" if close else ""
            return word.at + name.start(1), (
                f"{name[1]} is neither a function nor a keyword of SPARQL{hint} (a function of another "
                "vocabulary is named by its IRI or a prefixed name)")
    return None


#: Words some query languages (SQL, Cypher) use as operators, and what SPARQL writes.
_WORD_OPERATORS = {"AND": "&&", "OR": "||"}


def _word_operator(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """AND or OR between two conditions (`FILTER(?a = 1 AND ?b = 2)`) up to where the parser
    stopped: it read the word as the start of a function's name and asked for one."""
    depth = 0
    for t in tokens:
        if t.at > at:
            break
        depth += 1 if t.text == "(" else -1 if t.text == ")" else 0
        if depth > 0 and t.kind == "word" and (operator := _WORD_OPERATORS.get(t.text.upper())):
            return t.at, f"{t.text} is no operator in SPARQL: write {operator} between two conditions"
    return None


#: SPARQL's keywords (1.1), for a misspelt one.
_KEYWORDS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "FROM", "NAMED", "PREFIX", "BASE",
             "DISTINCT", "REDUCED", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "SILENT", "BIND",
             "VALUES", "UNDEF", "FILTER", "EXISTS", "NOT", "IN", "AS", "GROUP", "BY", "HAVING", "ORDER",
             "ASC", "DESC", "LIMIT", "OFFSET", "LATERAL")
_KNOWN_WORDS = frozenset(_KEYWORDS) | _CALLABLE | {"A", "TRUE", "FALSE"}


def _misspelt_keyword(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A bare word just before where the parser stopped that is no keyword of SPARQL but close
    to one (`FILTER NOT EXIST {`): the parser names what it expected instead (`ENCODE_FOR_URI`)."""
    read = [t for t in tokens if t.at <= at][-3:]
    for t in reversed(read):
        if t.kind != "word" or not t.text.isalpha() or t.text.upper() in _KNOWN_WORDS:
            continue
        close = get_close_matches(t.text.upper(), _KEYWORDS, n=1, cutoff=0.75)
        if close:
            return t.at, f"{t.text} is no keyword of SPARQL; did you mean {close[0]}?"
    return None


_OPERATORS = frozenset({"=", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/", "!"})


def _missing_operand(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """An operator with nothing after it (`FILTER(?o > )`) before where the parser stopped: it
    reads the ")" as the start of something else and stops further along."""
    for before, operator, after in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if operator.at > at:
            break
        if operator.kind == "word" and operator.text in _OPERATORS and after.text in {")", "}", ","}:
            if operator.text == "*" and (before.text == "(" or before.text.upper() == "DISTINCT"):
                continue  # COUNT(*), COUNT(DISTINCT *)
            if operator.text in {"*", "+"} and (before.kind == "iri" or before.text in {")", "a"}):
                continue  # a path's repetition: (<p>*), (e:p/(e:q)+)
            return operator.at, f"{operator.text} needs a value after it, before this {after.text}"
    return None


# Rules of the grammar that the parser states in a sentence among its expected tokens.
_SENTENCE = re.compile(r"(?:(?<=expected one of )|(?<=expected )|(?<=, ))"
                       r"([A-Z][a-z]+(?: [\w?$]+){2,})(?=,|$)")
_STATED = (
    ("contains a variable that is unbound",
     "a variable in SELECT is not bound here: with GROUP BY or an aggregate such as COUNT, select "
     "only the grouped variables and aggregates, e.g. SELECT ?city (COUNT(?e) AS ?n) ... GROUP BY ?city"),
    ("limit should be a non negative integer",
     "this LIMIT is larger than the engine can count: give a smaller whole number"),
    ("offset should be a non negative integer",
     "this OFFSET is larger than the engine can count: give a smaller whole number"),
    ("Duplicated variable name in SELECT",
     "a variable is named twice in SELECT: each column needs a name of its own"),
)


def _stated(raw: str, at: int) -> tuple[int, str] | None:
    found = _SENTENCE.search(raw)
    if found is None:
        return None
    sentence = found[1]
    words = next((advice for key, advice in _STATED if key.lower() in sentence.lower()), None)
    return at, words or sentence[0].lower() + sentence[1:]


def _projected(tokens: list[Token]) -> list[Token]:
    """The tokens of the outermost SELECT's projection, up to its WHERE, FROM or pattern."""
    words = [t.text.upper() for t in tokens]
    if "SELECT" not in words:
        return []
    projected: list[Token] = []
    depth = 0
    for t in tokens[words.index("SELECT") + 1:]:
        if depth == 0 and (t.text == "{" or t.text.upper() in ("WHERE", "FROM")):
            break
        projected.append(t)
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
    return projected


def _grouped(tokens: list[Token]) -> set[str]:
    """The names of the variables GROUP BY mentions."""
    words = [t.text.upper() for t in tokens]
    grouped: set[str] = set()
    for i in range(len(tokens) - 1):
        if words[i] == "GROUP" and words[i + 1] == "BY":
            for t in tokens[i + 2:]:
                if t.text.upper() in ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "}"):
                    break
                if t.text[:1] in "?$":
                    grouped.add(t.text[1:])
    return grouped


#: Functions whose arguments are a group's values, not one row's.
_AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})


def _ungrouped(tokens: list[Token], raw: str) -> tuple[int, str] | None:
    """A variable SELECT names that GROUP BY does not, as a column or in an expression outside
    an aggregate (the parser points at the query's end): the first such, in the outermost SELECT,
    as Fuseki names it."""
    plain = "contains a variable that is unbound" in raw
    if not plain and "contains an expression with a variable that is unbound" not in raw:
        return None
    grouped = _grouped(tokens)
    depth = 0
    aggregated: list[bool] = []  # for each open bracket of the projection: in an aggregate's call
    previous: Token | None = None
    aliases: set[str] = set()  # what (... AS ?n) named before: a later expression may use ?n
    for t in _projected(tokens):
        if previous is not None and previous.text.upper() == "AS":
            aliases.update(name[1] for name in _VARIABLE.finditer(t.text))
        if t.kind == "open":
            aggregated.append(bool(aggregated and aggregated[-1])
                              or (previous is not None and _keyword(previous) in _AGGREGATES))
        elif t.kind == "close" and aggregated:
            aggregated.pop()
        in_expression = bool(aggregated) and not aggregated[-1] and (
            previous is None or previous.text.upper() != "AS")
        if t.text[:1] in "?$" and (depth == 0 if plain else in_expression):
            for name in _VARIABLE.finditer(t.text):
                if name[1] in grouped or name[1] in aliases:
                    continue
                if plain:
                    return t.at, (f"{name[0]} is selected but not grouped: with GROUP BY or an aggregate "
                                  f"such as COUNT, select only the grouped variables and aggregates (add "
                                  f"{name[0]} to GROUP BY, or select (SAMPLE({name[0]}) AS {name[0]}_))")
                return t.at + name.start(), (
                    f"{name[0]} is used in a SELECT expression but not grouped: with GROUP BY or an "
                    f"aggregate such as COUNT, an expression may use only the grouped variables and "
                    f"aggregates (add {name[0]} to GROUP BY, or use SAMPLE({name[0]}) in its place)")
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        previous = t
    return None


_SUBSELECT = "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1)"
_GROUPED_EXAMPLES = {"ASK": f"ASK {{ {_SUBSELECT} }}",
                     "CONSTRUCT": f"CONSTRUCT {{ ?s a <https://example.org/Busy> }} WHERE {{ {_SUBSELECT} }}",
                     "DESCRIBE": f"DESCRIBE ?s WHERE {{ {_SUBSELECT} }}"}


def _grouped_form(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """GROUP BY or HAVING after an ASK's, a CONSTRUCT's or a DESCRIBE's pattern: SPARQL 1.1 gives
    every form a solution modifier (grammar rules 10-12), Oxigraph's parser takes it only in a
    SELECT and fails somewhere after it, in words about SELECT * or about functions."""
    end, _ = _prologue_end(tokens)
    if end >= len(tokens) or _keyword(tokens[end]) not in ("ASK", "CONSTRUCT", "DESCRIBE"):
        return None
    depth = 0
    for t in tokens[end + 1:]:
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        # The parser fails past the keyword (on a pattern it could not read, at the keyword).
        if depth == 0 and _keyword(t) in ("GROUP", "HAVING") and t.at + len(t.text) < at:
            if _short_pattern(tokens, t.at) is not None:  # the pattern before it is malformed
                return None
            form, clause = _keyword(tokens[end]), "GROUP BY" if _keyword(t) == "GROUP" else "HAVING"
            return t.at, (f"{clause} in {'an' if form == 'ASK' else 'a'} {form} query is SPARQL 1.1, but "
                          "this service's engine (Oxigraph) takes grouping only in a SELECT: group in a "
                          f"subquery, e.g. {_GROUPED_EXAMPLES[form]}")
    return None


def _star_grouped(tokens: list[Token], raw: str) -> tuple[int, str] | None:
    """SELECT * with GROUP BY (the parser points at the query's end)."""
    if "SELECT * is not authorized with GROUP BY" not in raw:
        return None
    star = next((t for t in tokens if t.text == "*" or _keyword(t) == "SELECT" and "*" in t.text), None)
    if star is None:
        return None
    return star.at + star.text.find("*"), (
        "SELECT * cannot be used with GROUP BY: select the grouped variables and aggregates, "
        "e.g. SELECT ?city (COUNT(?e) AS ?n) ... GROUP BY ?city")


def _bracketed(tokens: list[Token]) -> tuple[list[Token], bool]:
    """The tokens from the bracket `tokens` open with to the one that closes it, and whether one
    does (else all of them)."""
    depth, group = 0, []
    for t in tokens:
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        group.append(t)
        if depth == 0:
            return group, True
    return group, False


def _overridden(tokens: list[Token], raw: str) -> tuple[int, str] | None:
    """(expression AS ?v) where the pattern binds ?v already (the parser points at the query's
    end and names no variable): the first such AS."""
    if "SELECT overrides an existing variable" not in raw:
        return None
    projection = _projected(tokens)
    # The pattern's variables: its group's, not ORDER BY's or GROUP BY's after it.
    after = tokens[tokens.index(projection[-1]) + 1:] if projection else []
    start = next((i for i, t in enumerate(after) if t.text == "{"), len(after))
    group, _ = _bracketed(after[start:])
    # And a VALUES block after it, which binds its variables as the pattern's do.
    tail = after[start + len(group):]
    values = next((i for i, t in enumerate(tail) if _keyword(t) == "VALUES"), len(tail))
    group += tail[values:]
    used = {name[1] for t in group if t.text[:1] in "?$" for name in _VARIABLE.finditer(t.text)}
    for previous, t in zip(projection, projection[1:], strict=False):
        if previous.text.upper() == "AS" and t.text[:1] in "?$":
            name = _VARIABLE.match(t.text)
            if name and name[1] in used:
                return t.at, (f"{name[0]} is already bound by the query's pattern: (... AS {name[0]}) "
                              f"must name a new variable, e.g. AS {name[0]}_")
    return None


#: A path's repetition in braces, {2} or {1,3}: in drafts of SPARQL 1.1 and in some engines
#: (Jena's ARQ), not in the Recommendation; after what ends a path step: an IRI, a prefixed
#: name, `a`, or a bracketed path (not a variable, `VALUES ?n {3}`, nor a number, `LIMIT 10 {1}`).
_REPETITION = re.compile(r"(?:>|\)|(?<![\w.?$:-])(?:[A-Za-z][\w.-]*)?:[\w.-]*|(?<![\w?$:])a)"
                         r"\s*(\{\s*(?:\d+\s*(?:,\s*\d*\s*)?|,\s*\d+\s*)\})")
#: A VALUES list of variables, whose rows a brace opens (`VALUES (?o) {1}`): no path.
_VALUES_LIST = re.compile(r"VALUES\s*\([^()]*\)\s*$", re.IGNORECASE)


def _repetition(query: str, at: int) -> tuple[int, str] | None:
    for found in _REPETITION.finditer(query):
        if found.start(1) <= at <= found.end(1) + 1 and not _VALUES_LIST.search(query, 0, found.start(1)):
            return found.start(1), (
                f"a path repeated in braces ({found[1]}) is not SPARQL 1.1, only an extension of some "
                "engines: write the repetition out, e.g. p/p for p{2}, or (p|p/p) for p{1,2}")
    return None


def _duplicated(tokens: list[Token], raw: str) -> tuple[int, str] | None:
    """A variable SELECT names twice, as a column or after AS: the second naming (the parser
    points past the projection, often at the query's end)."""
    if "Duplicated variable name in SELECT" not in raw:
        return None
    start = _prologue_end(tokens)[0]
    form = _keyword(tokens[start]) if start < len(tokens) else ""
    if form not in ("SELECT", "DESCRIBE"):  # the parser says SELECT of DESCRIBE ?s ?s too
        return None
    why = "each column needs a name of its own" if form == "SELECT" else "name each once"
    named: set[str] = set()
    depth, after_as = 0, False
    for t in tokens[start:]:
        keyword = _keyword(t)
        if depth == 0 and (t.text == "{" or keyword in ("WHERE", "FROM")):
            break
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        # In (... AS ?x) only what follows AS names a column; a token may run a keyword or a
        # variable into one (SELECT?x, AS?x, ?x?y), and ?x and $x are one variable.
        if t.kind == "word" and (depth == 0 or after_as or keyword == "AS"):
            for name in _VARIABLE.finditer(t.text):
                if name[1] in named:
                    return t.at + name.start(), f"{name[0]} is named twice in {form}: {why}"
                named.add(name[1])
        after_as = t.text.upper() == "AS"
    return None


_VARIABLE = re.compile(r"[?$]([^?$]+)")


def _rebound(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A BIND to a variable its group has already used (the parser says only "expected [_]").

    One pass, keeping the variables met so far in each open group (a nested group's count for the
    group around it once it closes): this runs in the web worker, and looking back from every BIND
    to its group's start took 15 s of its CPU for a 100 KB query of 6,000 BINDs (red team)."""
    groups: list[set[str]] = [set()]  # the variables of each open { ... }, outermost first
    for i, t in enumerate(tokens):
        if t.at > at:
            break
        if t.text == "{":
            groups.append(set())
        elif t.text == "}":
            if len(groups) > 1:
                inner = groups.pop()
                groups[-1] |= inner
        elif t.text[:1] in "?$":
            groups[-1].add(t.text[1:])
        if t.text.upper() != "BIND" or i + 1 >= len(tokens) or tokens[i + 1].text != "(":
            continue
        depth, target = 0, None
        for j in range(i + 1, len(tokens) - 1):  # the variable after AS, within BIND's ( ... )
            depth += 1 if tokens[j].kind == "open" else -1 if tokens[j].kind == "close" else 0
            if depth == 0:
                break
            if depth == 1 and tokens[j].text.upper() == "AS":
                target = tokens[j + 1]
                break
        if target is not None and target.text[1:] in groups[-1]:
            return target.at, (f"{target.text} is already in use in this group before the BIND: BIND "
                               "must give a new variable (rename it, or put the BIND first)")
    return None


def _order_condition(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A condition of ORDER BY written without the parentheses it needs (`DESC ?n`, `!BOUND(?x)`),
    where the parser stopped in it: its expected tokens name functions, not the parentheses."""
    start = next((i + 2 for i in range(len(tokens) - 2, -1, -1) if tokens[i].at < at
                  and tokens[i].text.upper() == "ORDER" and tokens[i + 1].text.upper() == "BY"), None)
    if start is None:
        return None
    for i in range(start, len(tokens)):
        t = tokens[i]
        if t.at > at:
            break
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.text.upper() in ("ASC", "DESC") and (following is None or following.text != "("):
            word = t.text.upper()
            return t.at, f"{word} takes its expression in parentheses, e.g. {word}(?n)"
        if t.kind == "word" and t.text[:1] in "!+-" and t.text[1:2] not in ("", "?", "$") or t.text == "!":
            return t.at, ("a condition of ORDER BY other than a variable or a function call goes in "
                          "parentheses, e.g. ORDER BY (!BOUND(?x))")
    return None


def _after_pattern(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A mistake after the query's pattern, among its modifiers (GROUP BY, ORDER BY, LIMIT ...)."""
    depth, end = 0, None
    for t in tokens:
        depth += 1 if t.text == "{" else -1 if t.text == "}" else 0
        if t.text == "}" and depth == 0:
            end = t.at
    if end is None:
        # A DESCRIBE of named resources has no pattern: its modifiers follow what it describes.
        first = _first_modifier(tokens)
        return _modifiers(tokens) if first is not None and at >= tokens[first].at else None
    if at <= end or not tokens:
        return None
    if tokens[-1].text.upper() == "BY" and len(tokens) > 1:
        clause = tokens[-2].text.upper()
        return at, f"{clause} BY needs a variable or an expression after it, e.g. {clause} BY ?date"
    return _modifiers(tokens)


def _by_expectation(tokens: list[Token], raw: str, at: int) -> tuple[int, str] | None:
    expected = set(re.findall(r"\b[A-Za-z]+\b", _CHAR_CLASS.sub("", raw))) - {"expected", "one", "of"}
    index = next((i for i, t in enumerate(tokens) if t.at <= at < t.at + max(len(t.text), 1)), len(tokens))
    read = [t for t in tokens if t.at <= at]
    if read and read[-1].text.upper() in ("SELECT", "DISTINCT", "REDUCED"):
        return _projection(tokens)  # `SELECT` and nothing after it
    if "UNDEF" in expected:
        return _values(tokens, read, at)
    if "CONSTRUCT" in expected:
        return _prologue(tokens)
    if '"{"' in raw and expected <= {"DISTINCT"}:
        return at, "a group { ... } is expected here (WHERE, OPTIONAL, MINUS, GRAPH and UNION take one)"
    if "DISTINCT" in expected:
        return _projection(tokens)
    if expected & {"HAVING", "OFFSET"}:
        return _modifiers(tokens)
    if expected & {"LATERAL", "SERVICE", "BIND", "OPTIONAL", "MINUS", "FILTER", "GRAPH"} or not expected:
        triple = _triple(tokens, index)
        if triple:
            return triple
    if expected & {"ABS", "COALESCE", "STR", "isLITERAL", "sameTerm"}:
        bare = next((tokens[i + 1] for i, t in enumerate(tokens[:index]) if t.text.upper() == "FILTER"
                     and i + 1 < len(tokens) and tokens[i + 1].text != "(" and tokens[i + 1].kind == "word"
                     and not re.fullmatch(r"[A-Za-z_]+", tokens[i + 1].text)), None)
        if bare is not None:
            return bare.at, "FILTER takes its condition in parentheses, e.g. FILTER(?year < 1945)"
        return at, "an expression is expected here: a variable, a value, or a function such as STR(?x)"
    if '"{"' in raw and not expected:
        return at, "a group { ... } is expected here (WHERE, OPTIONAL, MINUS, GRAPH and UNION take one)"
    if '"?"' in raw and '"$"' in raw:
        return at, "a variable or an expression is expected here, e.g. ORDER BY ?date"
    return None


#: What to say of a text of PREFIX and BASE lines or comments only (a selection of the editor's
#: first lines, a template left empty).
_NO_QUERY = ("there is no query here, only declarations or comments: a query starts with SELECT, "
             "CONSTRUCT, ASK or DESCRIBE (after its PREFIX lines)")


def _opening(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A text of declarations only, or a first word after them that is no query form (`SELEC`),
    wherever the parser stopped reading it."""
    end, malformed = _prologue_end(tokens)
    if malformed is not None:
        return None
    if end >= len(tokens):
        return at, _NO_QUERY
    if tokens[end].kind != "word":
        return None
    word = _keyword(tokens[end])
    if word in _FORMS or word in ("PREFIX", "BASE"):
        return None
    if word in _UPDATES:  # a malformed one (a well-formed one is refused before it is parsed)
        return tokens[end].at, ("this endpoint answers queries (SELECT, CONSTRUCT, ASK, DESCRIBE); it "
                                "offers no updates")
    meant = get_close_matches(word, sorted(_FORMS), 1)
    return tokens[end].at, ("a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE (after its PREFIX lines)"
                            + (f": did you mean {meant[0]}?" if meant else ""))


def _keyword(token: Token) -> str:
    """The word a token opens with, upper case: the tokens run a keyword into a variable, a star
    or an IRI they cannot read that follows it with no space (`SELECT*`, `VALUES?a`, `DESCRIBE<a b>`)."""
    return _RUN_ON.split(token.text, maxsplit=1)[0].upper()


_RUN_ON = re.compile(r"[*?$<]")


#: What SPARQL 1.1 Update operations open with.
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


def _graph_in_template(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """GRAPH in a CONSTRUCT template (SPARQL 1.1 templates hold triples only)."""
    start = _prologue_end(tokens)[0]
    if start + 1 >= len(tokens) or tokens[start].text.upper() != "CONSTRUCT" or tokens[start + 1].text != "{":
        return None
    depth = 0
    for t in tokens[start + 1:]:
        if t.at > at:
            break
        depth += 1 if t.text == "{" else -1 if t.text == "}" else 0
        if depth == 0:
            return None  # the template closed before the parser stopped
        if t.text.upper() == "GRAPH":
            return t.at, ("a CONSTRUCT template holds triples only: GRAPH is not allowed in it "
                          "(SPARQL 1.1); the answer is one graph")
    return None


def _unnamed_graph(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """GRAPH (or SERVICE) straight before its group, with no name: the parser, stopped at the
    group, lists what may follow a pattern ("expected OPTIONAL")."""
    for word, following in zip(tokens, tokens[1:], strict=False):
        if word.at > at:
            break
        if following.text == "{" and word.text.upper() in _UNNAMED:
            return following.at, _UNNAMED[word.text.upper()]
    return None


_UNNAMED = {
    "GRAPH": "GRAPH needs the graph's name before its {: an IRI, a prefixed name or a variable "
             "(GRAPH ?g { ... } for every named graph)",
    "SERVICE": "SERVICE needs the service's IRI before its {",
}


def _triple_syntax(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """The last triple term (`<<( s p o )>>`) or reified triple (`<< s p o >>`, SPARQL 1.2) begun
    before where the parser stopped: one of other than three terms, or a reified triple in an
    expression, where only a triple term may stand. Oxigraph's parser says "expected IRI parsing
    failed" or "expected ENCODE_FOR_URI" of them."""
    found = None
    for i, t in enumerate(tokens):
        if t.at > at:
            break
        if t.text == "<<":
            found = i
    if found is None:
        return None
    term = found + 1 < len(tokens) and tokens[found + 1].text == "("
    count, _ = _triple_terms(tokens, found + (2 if term else 1))
    opener = tokens[found]
    if count != 3:
        what = "a triple term <<( s p o )>>" if term else "a reified triple << s p o >>"
        return opener.at, (f"{what} holds three terms, a subject, a predicate and an object; "
                           f"this one has {count}")
    if not term and _in_parentheses(tokens, found):
        return opener.at, ("<< s p o >> (a reified triple) may stand only in a triple pattern; in an "
                           "expression, a triple term is written <<( s p o )>>")
    return None


def _triple_term_predicate(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """`?s <<( ?a ?b ?c )>> ?o`: a triple term as a predicate, after a triple's subject or its `;`,
    which the parser read as an IRI ("this IRI holds a space" was the advice)."""
    for i in range(1, len(tokens) - 1):
        t = tokens[i]
        if t.at > at:
            return None
        if t.text != "<<" or tokens[i + 1].text != "(":
            continue
        before = tokens[i - 1]
        subject = (i > 1 and tokens[i - 2].text in ("{", ".", "}") and before.kind in ("word", "iri")
                   and (before.text[:1] in "?$<_" or ":" in before.text))
        if before.text == ";" or subject:
            return t.at, ("a triple term <<( s p o )>> may stand only as an object (RDF 1.2): a "
                          "predicate is an IRI or a variable")
    return None


def _triple_terms(tokens: list[Token], start: int) -> tuple[int, int]:
    """How many terms stand from `start` to the end of a triple (its `>>` or `)>>`, its reifier's
    `~`, or the end of the group), and where that end is. A datatype or language tag is part of
    its literal, a nested triple one term (followed without recursion: a text may nest thousands)."""
    count, depth, i = 0, 0, start
    while i < len(tokens):
        t = tokens[i]
        if t.text in ("}", ".", ";", ","):
            return count, i
        if t.text == ">>" or (t.text == ")" and tokens[i + 1:i + 2] and tokens[i + 1].text == ">>"):
            if depth == 0:
                return count, i
            depth -= 1
            i += 2 if t.text == ")" else 1
            continue
        if t.text == "<<":
            count += depth == 0
            depth += 1
            i += 2 if tokens[i + 1:i + 2] and tokens[i + 1].text == "(" else 1
            continue
        if depth == 0:
            if t.text.startswith("~"):  # the reifier's name follows (<< s p o ~ ?r >>)
                return count, i
            if t.kind == "datatype":
                i += 1  # and the datatype's IRI, below
            elif not t.text.startswith("@"):
                count += 1
        i += 1
    return count, i


def _in_parentheses(tokens: list[Token], index: int) -> bool:
    """Whether the innermost bracket open around `tokens[index]` is a parenthesis."""
    depth = 0
    for t in reversed(tokens[:index]):
        if t.kind == "close":
            depth += 1
        elif t.kind == "open":
            if depth == 0:
                return t.text == "("
            depth -= 1
    return False


def _prologue(tokens: list[Token]) -> tuple[int, str]:
    end, malformed = _prologue_end(tokens)
    if malformed is not None:
        return malformed
    if end >= len(tokens):
        return (tokens[-1].at if tokens else 0), _NO_QUERY
    return tokens[end].at, "a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE (after its PREFIX lines)"


def _prologue_end(tokens: list[Token]) -> tuple[int, tuple[int, str] | None]:
    """Where the PREFIX and BASE declarations end, and advice on the first malformed one."""
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper()
        if word == "PREFIX":
            name = tokens[i + 1] if i + 1 < len(tokens) else None
            if name is None or name.kind != "word" or not name.text.endswith(":"):
                # Where the colon belongs: after a name given without one.
                where = name.at + len(name.text) if name is not None and name.kind == "word" else (
                    name or tokens[i]).at
                return i, (where, "a prefix is declared as PREFIX name: <IRI>, with a colon after the name")
            iri = tokens[i + 2] if i + 2 < len(tokens) else None
            if iri is None or iri.kind != "iri":
                return i, ((iri or name).at, "a prefix is declared as PREFIX name: <IRI>, the IRI in angle "
                                             "brackets")
            i += 3
        elif word == "BASE":
            i += 2
        else:
            break
    return i, None


def _describe(tokens: list[Token]) -> tuple[int, str] | None:
    """A DESCRIBE that names nothing to describe (the parser expects a term, and says so in
    words about triple patterns)."""
    end, _ = _prologue_end(tokens)
    if end >= len(tokens) or tokens[end].text.upper() != "DESCRIBE":
        return None
    after = tokens[end + 1] if end + 1 < len(tokens) else None
    if after is not None and after.text != "{" and after.text.upper() not in ("WHERE", "FROM"):
        return None
    at = after.at if after is not None else tokens[end].at + len(tokens[end].text)
    return at, ("DESCRIBE needs what to describe: IRIs, variables or *, e.g. DESCRIBE <https://...> or "
                "DESCRIBE ?x WHERE { ... }")


def _distinct_and_reduced(tokens: list[Token]) -> tuple[int, str] | None:
    for i, t in enumerate(tokens[:-2]):
        if t.text.upper() == "SELECT" and {tokens[i + 1].text.upper(), tokens[i + 2].text.upper()} == {
                "DISTINCT", "REDUCED"}:
            return tokens[i + 2].at, "SELECT takes DISTINCT or REDUCED, not both"
    return None


#: What a group may hold besides triple patterns, which CONSTRUCT WHERE's short form does not take.
_NOT_TRIPLES = frozenset({"FILTER", "OPTIONAL", "BIND", "UNION", "MINUS", "GRAPH", "VALUES", "SERVICE"})


def _short_construct(tokens: list[Token]) -> tuple[int, str] | None:
    """CONSTRUCT WHERE { ... } (its template is its pattern) holding more than triple patterns."""
    start, _ = _prologue_end(tokens)
    if start >= len(tokens) or tokens[start].text.upper() != "CONSTRUCT":
        return None
    # The short form's first { follows WHERE (the full form's first { opens its template).
    i = next((k for k in range(start + 1, len(tokens)) if tokens[k].text == "{"), None)
    if i is None or tokens[i - 1].text.upper() != "WHERE":
        return None
    depth = 0
    for t in tokens[i:]:
        depth += 1 if t.text == "{" else -1 if t.text == "}" else 0
        if depth == 0:
            return None
        if (depth == 1 and t.text.upper() in _NOT_TRIPLES) or (depth == 2 and t.text == "{"):
            what = "a nested group" if t.text == "{" else t.text.upper()
            example = "{ ... }" if t.text == "{" else f"{t.text.upper()} ..."
            return t.at, ("CONSTRUCT WHERE { ... }, the short form, takes triple patterns only: for "
                          f"{what}, write the template apart, e.g. CONSTRUCT {{ ?s ?p ?o }} WHERE "
                          f"{{ ?s ?p ?o {example} }}")
    return None


def _projection(tokens: list[Token]) -> tuple[int, str]:
    start = next((i for i, t in enumerate(tokens) if t.text.upper() == "SELECT"), 0)
    clause = []
    for t in tokens[start + 1:]:
        if t.text.upper() in ("WHERE", "FROM") or t.text == "{":
            break
        clause.append(t)
    opener = next((t for t in clause if t.text == "("), None)
    if opener is not None:
        return opener.at, "an expression in SELECT is written (expression AS ?name), e.g. (COUNT(?x) AS ?n)"
    where = clause[0] if clause else tokens[min(start + 1, len(tokens) - 1)]
    return where.at, "SELECT needs * or the variables to return, e.g. SELECT ?city ?date"


#: The terms a triple pattern needs after each separator: after `;` a predicate and an object, after
#: `,` an object, else all three.
_TERMS_AFTER = {"{": 3, "}": 3, ".": 3, ";": 2, ",": 1}


#: Keywords that take a group next (GRAPH and SERVICE after a name).
_GROUP_KEYWORDS = frozenset({"OPTIONAL", "MINUS", "UNION"})


def _triple(tokens: list[Token], index: int) -> tuple[int, str] | None:
    """Count the terms of the triple pattern the parser stopped in."""
    start = index
    while start > 0 and tokens[start - 1].text not in ("{", "}", ".", ";", ","):
        start -= 1
    sep = tokens[start - 1].text if start > 0 else "{"
    terms: list[Token] = []
    end = start - 1  # the last token read of the pattern's terms
    depth = 0
    for k in range(start, len(tokens)):
        t = tokens[k]
        if depth == 0 and t.text in ("}", ".", "{"):
            break
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        # A literal's datatype and language tag are of its term; so is what a path runs on to from
        # an IRI, whose token ends before it (<...>/lib:p, ^<...>, <...>*, !(...)).
        before = tokens[k - 1] if k > start else None
        joined = before is not None and (before.kind == "datatype"
                                         or (before.kind == "word" and before.text.endswith(_PATH)))
        of_another = joined or t.kind == "datatype" or t.text.startswith(("@", "/", "|")) \
            or t.text in ("*", "+", "?")
        if depth == 0 or (depth == 1 and t.kind == "open"):
            end = k
            if not of_another:
                terms.append(t)
    needed = _TERMS_AFTER[sep]
    if 0 < len(terms) < needed or (not terms and sep in (";", ",")):
        where = tokens[min(end + 1, len(tokens) - 1)]
        return where.at, "a triple pattern needs a subject, a predicate and an object"
    if len(terms) > needed and _keyword(terms[needed]) in _GROUP_KEYWORDS:
        # `?s ?p ?o MINUS ?s a ?x`: the keyword ends the pattern; what it takes is missing.
        keyword = terms[needed]
        return keyword.at + len(keyword.text), (f"{keyword.text} takes a group: {keyword.text.upper()} "
                                                "{ ... }")
    if len(terms) > needed:
        return terms[needed].at, ("a triple pattern has three terms (subject, predicate, object): end it "
                                  "with . before the next one, or use ; to give the same subject another")
    return None


def _short_pattern(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """A triple pattern short of a term in a group before where the parser stopped: it reads
    `OPTIONAL { ?d ?e }` on past the brace and stops further on (at a FILTER, expecting OPTIONAL),
    where `_triple` finds nothing. Only patterns of plain terms are judged (no paths, lists or
    brackets), in groups of patterns (not a VALUES block, not a subquery's modifiers). One pass,
    each pattern counted once: the query may be 100,000 characters of object lists."""
    groups: list[bool] = []  # for each open brace: whether its group holds triple patterns
    nested = 0  # open parentheses and square brackets
    begins = 0  # where the pattern after the last separator begins
    for k, t in enumerate(tokens):
        if t.at >= at:
            break
        if t.kind == "open":
            if t.text == "{":
                groups.append(not _opens_values(tokens, k))
            else:
                nested += 1
        elif t.kind == "close" and t.text != "}":
            nested = max(0, nested - 1)
        # `.5` is a number, not a separator (the tokenizer says so by its kind).
        if t.kind not in ("punct", "open", "close") or t.text not in ("{", "}", ".", ";", ",") or nested:
            continue
        judged = bool(groups) and groups[-1] and t.text != "{"
        if t.text == "}" and groups:
            groups.pop()
        pattern, after = tokens[begins:k], tokens[begins - 1].text if begins > 0 else "{"
        begins = k + 1
        if not judged:
            continue
        if t.text == "," and after == "," and not pattern:
            return t.at, "a comma goes between two objects of one subject and predicate: one is missing here"
        if not pattern or not all(_plain_term(x) for x in pattern):
            continue  # nothing after a ";" is allowed (`?s ?p ?o ; .`)
        terms = sum(1 for i, x in enumerate(pattern)
                    if x.kind != "datatype" and not x.text.startswith("@")
                    and not (i > 0 and pattern[i - 1].kind == "datatype"))
        if terms < _TERMS_AFTER.get(after, 3):
            return t.at, "a triple pattern needs a subject, a predicate and an object"
    return None


def _opens_values(tokens: list[Token], k: int) -> bool:
    """Whether the brace at `k` opens a VALUES block: `VALUES ?x {` or `VALUES (?x ?y) {`."""
    j = k - 1
    if j >= 0 and tokens[j].text == ")":
        while j >= 0 and tokens[j].text != "(":
            j -= 1
    if j >= 0 and tokens[j].text == "(":
        j -= 1
    if j >= 0 and tokens[j].text.startswith(("?", "$")):
        j -= 1
    return j >= 0 and tokens[j].text.upper() == "VALUES"


def _plain_term(t: Token) -> bool:
    """A variable, an IRI, a prefixed name, `a`, a literal (with its tag or datatype), a blank node."""
    if t.kind in ("iri", "string", "datatype"):
        return True
    text = t.text
    return t.kind == "word" and (text.startswith(("?", "$", "_:", "@")) or ":" in text
                                 or text in ("a", "true", "false") or _NUMBER.fullmatch(text) is not None)


_NUMBER = re.compile(r"[+-]?[\d.]+(e[+-]?\d+)?", re.I)


#: What a property path's next step follows: sequence, alternative, inverse, negation.
_PATH = ("/", "|", "^", "!")


def _values(tokens: list[Token], read: list[Token], at: int) -> tuple[int, str]:
    """Where the parser wanted a value of a VALUES block: a variable or blank node among the
    block's values, a word that is no value, or a row short of (or over) the variables' count is
    named where it is; a modifier after a closed VALUES block at the query's end, which comes last."""
    start = next((i for i in range(len(read) - 1, -1, -1) if _keyword(read[i]) == "VALUES"), 0)
    opened = next((i for i in range(start, len(tokens)) if tokens[i].text == "{"), len(tokens))
    block, closed = _bracketed(tokens[opened:])
    inside = [t for t in block[1:] if t.at < at] if block else []
    term = next((t for t in reversed(inside) if t.text.startswith(("_:", "?", "$", "["))), None)
    if term is not None:
        return term.at, "VALUES holds IRIs, literals and UNDEF only: no variables or blank nodes"
    after = tokens[opened + len(block)] if closed and opened + len(block) < len(tokens) else None
    if after is not None and after.at <= at and (clause := _keyword(after)) in _MODIFIERS - {"VALUES"}:
        clause += " BY" if clause in ("ORDER", "GROUP") else ""
        return after.at, (f"{clause} comes before the VALUES block after the query's pattern, which comes "
                          "last: move it there")
    named = [t for t in tokens[start + 1:opened] if t.text.startswith(("?", "$"))]
    rows: list[list[Token]] = []  # each row's opening parenthesis, then its values
    body = block[1:-1] if closed else block[1:]
    for i, t in enumerate(body):
        if t.kind == "open":
            rows.append([t])
        elif t.kind == "close" or t.kind == "datatype" or t.text.startswith("@") or (
                i > 0 and body[i - 1].kind == "datatype"):
            continue  # a row's end, or a literal's datatype or language tag
        elif not _plain_term(t) and t.text.upper() != "UNDEF":
            return t.at, f"{t.text} is no value: VALUES holds IRIs, literals and UNDEF only"
        elif rows:
            rows[-1].append(t)
    if start + 1 < opened and tokens[start + 1].text == "(":
        for row in rows:
            if len(row) - 1 != len(named):
                return row[0].at, (f"this row holds {len(row) - 1} value{'s' * (len(row) != 2)} where VALUES "
                                   f"names {len(named)} variable{'s' * (len(named) != 1)}: give each row one "
                                   "value (or UNDEF) per variable")
    where = read[start].at if read and _keyword(read[start]) == "VALUES" else at
    return where, ("in this VALUES block a value is an IRI, a literal or UNDEF, and each row holds as many "
                   "values as VALUES names variables")


def _first_modifier(tokens: list[Token]) -> int | None:
    return next((i for i, t in enumerate(tokens) if t.kind == "word" and t.text.upper() in _MODIFIERS), None)


def _modifiers(tokens: list[Token]) -> tuple[int, str] | None:
    depth, end = 0, -1
    for i, t in enumerate(tokens):
        if t.text == "{":
            depth += 1
        elif t.text == "}":
            depth -= 1
            if depth == 0:
                end = i
    if end < 0:  # no pattern (a DESCRIBE of named resources): from its first modifier
        first = _first_modifier(tokens)
        if first is None:
            return None
        end = first - 1
    previous = ""
    for t in tokens[end + 1:]:
        word = t.text.upper()
        if previous in ("LIMIT", "OFFSET") and not t.text.isdigit():
            return t.at, f"{previous} takes a whole number, e.g. {previous} 10"
        if t.kind == "word" and word not in _MODIFIERS and not t.text.startswith(("?", "$")) \
                and not t.text.isdigit() and ":" not in t.text:
            return t.at, ("after the query's pattern only GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET "
                          "or VALUES may follow")
        previous = word
    if previous in ("LIMIT", "OFFSET") and end + 1 < len(tokens):  # the query ends on it
        last = tokens[-1]
        return last.at + len(last.text), f"{previous} takes a whole number, e.g. {previous} 10"
    return None


def misused_aggregate(query: str) -> str | None:
    """The first aggregate where SPARQL allows none, as a parser's message ("error at L:C: ..."),
    or None: in FILTER, BIND or GROUP BY, or inside another aggregate (SPARQL 1.1 Query 19.8,
    note 9: only SELECT, HAVING and ORDER BY hold them; SPARQL 1.2's test
    nested-aggregate-functions). pyoxigraph 0.5.13 runs such a query and answers as if the
    aggregate were 0 or unbound, rather than refusing it."""
    tokens, unclosed = _tokens(query)
    found = None if unclosed is not None else _misplaced_aggregate(tokens)
    if found is None:
        return None  # (an unclosed string: the engine's parser says so)
    line, column = _line_column(query, found[0])
    return f"error at {line}:{column}: {found[1]}"


def _aggregate_before(tokens: list[Token], at: int) -> tuple[int, str] | None:
    found = _misplaced_aggregate(tokens)
    return found if found is not None and found[0] <= at else None


#: What to write in place of an aggregate where none is allowed ({} is the aggregate's name).
_INSTEAD = {
    "FILTER": "to keep the groups whose aggregate passes a test, use HAVING, e.g. GROUP BY ?s "
              "HAVING ({}(?o) > 1)",
    "BIND": "compute it in a subquery and use its variable, e.g. {{ SELECT ?s ({}(?o) AS ?n) "
            "WHERE {{ ?s ?p ?o }} GROUP BY ?s }}",
    "GROUP BY": "group by variables or expressions of one solution, e.g. GROUP BY ?s, and select the "
                "aggregate, e.g. SELECT ?s ({}(?o) AS ?n)",
}
#: Clauses that end a GROUP BY.
_AFTER_GROUPING = frozenset({"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


#: The name a call ends a token with: the tokens run an operator into the word after it (`1<COUNT`).
_CALL_NAME = re.compile(r"(?:^|[^\w:?$.])([A-Za-z_]+)$")


def _called(token: Token) -> str:
    found = _CALL_NAME.search(token.text) if token.kind == "word" else None
    return found[1].upper() if found else ""


def _misplaced_aggregate(tokens: list[Token]) -> tuple[int, str] | None:
    # What each open bracket is the argument of: FILTER, BIND, GROUP BY, an aggregate's name,
    # "{" for a group pattern (a subquery's SELECT in it may aggregate), or "" for anything else.
    opened: list[str] = []
    group_by: int | None = None  # the bracket depth of a GROUP BY being read
    for i, t in enumerate(tokens):
        word = _keyword(t) if t.kind == "word" else ""
        before = _called(tokens[i - 1]) if i else ""
        if group_by is not None and len(opened) == group_by and word in _AFTER_GROUPING:
            group_by = None
        if word == "BY" and i and _keyword(tokens[i - 1]) == "GROUP":
            group_by = len(opened)
        elif t.kind == "open":
            inherited = opened[-1] if opened and opened[-1] != "{" else ""
            if t.text == "{":
                opened.append("{")
            elif t.text == "(" and before in _AGGREGATES | {"FILTER", "BIND"}:
                opened.append(before)
            elif t.text == "(" and i > 1 and _keyword(tokens[i - 2]) == "FILTER":
                opened.append("FILTER")  # FILTER regex(...): a call is the constraint
            elif group_by is not None and len(opened) == group_by:
                opened.append("GROUP BY")
            else:
                opened.append(inherited)
        elif t.kind == "close":
            if opened:
                opened.pop()
            if group_by is not None and len(opened) < group_by:
                group_by = None
        elif _called(t) in _AGGREGATES and i + 1 < len(tokens) and tokens[i + 1].text == "(":
            word = _called(t)
            within = ("FILTER" if before == "FILTER" and t.text.upper() == word
                      else "GROUP BY" if group_by is not None and len(opened) == group_by
                      else opened[-1] if opened else "")
            at = t.at + len(t.text) - len(word)
            if within in _AGGREGATES:
                return at, (f"{word}(...) inside {within}(...): an aggregate cannot take another's value; "
                            f"aggregate in a subquery first, e.g. SELECT ({within}(?n) AS ?m) "
                            f"WHERE {{ SELECT ?s ({word}(?o) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?s }}")
            if within in _INSTEAD:
                return at, (f"{word}(...) is an aggregate, which SPARQL allows only in SELECT expressions, "
                            f"HAVING and ORDER BY, not in {within}: " + _INSTEAD[within].format(word))
    return None


# Mistakes seen in the text itself, wherever the parser stopped after them (a SPARQL user's probe:
# each was "the query cannot be read from here on", at the parser's position, with its tokens).

#: What the parser says of an IRI it could not read.
_IRI_FAILED = ("IRI parsing failed", "IRIs are only allowed to contain escape sequences")
#: Characters an IRI in <...> cannot hold (SPARQL 1.1, IRIREF), each with its percent-encoding.
_NOT_IN_IRI = {c: f"%{ord(c):02X}" for c in '"{}|^`\\'}


def _iri_character(query: str, raw: str, at: int) -> tuple[int, str] | None:
    """<http://example.org/a{b>: the character that makes the IRI unreadable, where the parser's
    words (or the brackets' count) named another mistake."""
    if not any(words in raw for words in _IRI_FAILED):
        return None
    start, end = _iri_around(query, at)
    if start < 0 or end < 0 or any(c.isspace() or c == "<" for c in query[start + 1:end]):
        return None  # no IRI there, or one with a space (`_bad_iri` says so)
    for i in range(start + 1, end):
        c = query[i]
        if c == "\\" and _CODEPOINT.match(query, i):
            continue
        if c in _NOT_IN_IRI:
            return i, (f"this IRI holds {c}, which an IRI cannot: write it {_NOT_IN_IRI[c]}"
                       + (" (a backslash is read only in \\u and \\U escapes)" if c == "\\" else ""))
    return None


#: The words that begin a query.
_QUERY_FORMS = _FORMS | {"PREFIX", "BASE"}


def _second_query(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """`... LIMIT 1 ; SELECT ...`: two queries in one request, where SPARQL takes one (updates,
    not queries, are joined by a semicolon); or the second written after the first with no
    semicolon (two examples pasted from one block), which was blamed on the first's SELECT."""
    depth, begun = 0, False
    for i, t in enumerate(tokens):  # the last token too ("... } SELECT")
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.at > at:
            return None
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        if begun and depth == 0 and t.kind == "word" and _keyword(t) in _QUERY_FORMS:
            return t.at, (f"one request holds one query: this {_keyword(t)} begins a second one; "
                          "send each query on its own")
        begun = begun or (depth == 0 and _keyword(t) in _FORMS)  # a ; after PREFIX is a stray one
        if begun and depth == 0 and t.text == ";" and after is not None and after.kind == "word" \
                and _keyword(after) in _QUERY_FORMS:
            return t.at, ("one request holds one query: this ; begins a second one (SPARQL joins "
                          "updates with ;, not queries); send each query on its own")
    return None


def _projection_comma(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """SELECT ?x, ?y: the variables to return separated by commas, as SQL separates columns."""
    for i, t in enumerate(tokens):
        if t.at > at:
            return None
        if _keyword(t) != "SELECT":
            continue
        depth = 0  # in a call's brackets a comma parts its arguments: SUM(?x, ?y) is another mistake
        for before, comma in zip(tokens[i:], tokens[i + 1:], strict=False):
            if comma.at > at + 1 or comma.text == "{" or _keyword(comma) in ("WHERE", "FROM"):
                break
            depth += 1 if comma.text == "(" else -1 if comma.text == ")" else 0
            if depth == 0 and comma.text == "," and before.text == "*":
                return before.at, "SELECT * returns every variable: it takes no others beside it"
            if depth == 0 and comma.text == "," and (before.text[:1] in "?$" or before.text == ")"):
                return comma.at, ("SPARQL separates the variables to return with spaces, not commas: "
                                  "SELECT ?x ?y")
    return None


def _double_equals(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """`FILTER(?o == 1)`: a programming language's equality, where SPARQL's is one `=`."""
    for t in tokens:
        if t.at > at:
            return None
        if t.text in ("==", "===", "!=="):
            return t.at, (f"SPARQL compares with one = (and != for unequal), not {t.text}: "
                          "FILTER(?o = 1)")
    return None


def _bracketed_in(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """`?o IN [1, 2]`: a list in brackets, where IN takes its values in parentheses."""
    for t, after in zip(tokens, tokens[1:], strict=False):
        if t.at > at:
            return None
        if _keyword(t) == "IN" and after.text == "[":
            return after.at, f"{t.text} takes its values in parentheses, not brackets: ?o IN (1, 2)"
    return None


def _union_after_where(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """`WHERE { ... } UNION { ... }`: the UNION outside the braces of WHERE, whose group it joins
    groups within."""
    depth, begun, template = 0, False, False
    for t, after in zip(tokens, tokens[1:], strict=False):
        if t.at > at:
            return None
        if depth == 0 and _keyword(t) in _FORMS:
            # CONSTRUCT's first group is its template, unless WHERE follows the word at once.
            begun, template = True, _keyword(t) == "CONSTRUCT" and _keyword(after) != "WHERE"
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        if template and depth == 0 and t.text == "}":
            template = False
            continue
        if begun and depth == 0 and t.text == "}" and _keyword(after) in ("UNION", "MINUS", "OPTIONAL"):
            word = _keyword(after)
            where = ("WHERE { { ... } UNION { ... } }" if word == "UNION" else
                     f"WHERE {{ ... {word} {{ ... }} }}")
            return after.at, f"this {word} is outside the braces of WHERE, where it goes: {where}"
    return None


def _bare_filter(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """FILTER ?o > 3: a variable or a literal after FILTER, where a bracket or a call must be."""
    for t, after in zip(tokens, tokens[1:], strict=False):
        if after.at > at:
            return None
        if _keyword(t) == "FILTER" and (after.kind == "string" or after.text[:1] in "?$"
                                        or re.fullmatch(r"[-+]?[\d.]+(?:[eE][-+]?\d+)?", after.text)):
            return after.at, "FILTER takes its condition in parentheses, e.g. FILTER(?year < 1945)"
    return None


#: What may follow a backslash in a SPARQL string (19.7, ECHAR; and \u, \U).
_ESCAPE = re.compile(r"\\(?:[tbnrf\"'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|\\(.?)", re.DOTALL)


def _no_character(escape: str) -> str | None:
    """What is wrong with a well-formed \\u or \\U escape that names no character, or None."""
    code = int(escape[2:], 16)
    if 0xD800 <= code <= 0xDFFF:
        return (f"{escape} is half of a UTF-16 surrogate pair, which is no character: write the "
                "character itself, or one escape for it (\\U0001F600 for U+1F600)")
    if code > 0x10FFFF:
        return f"{escape} is beyond U+10FFFF, the last code point of Unicode: it names no character"
    return None


def _bad_escape(tokens: list[Token], at: int) -> tuple[int, str] | None:
    for t in tokens:
        if t.at > at:
            return None
        # In an IRI too (a probe's <http://a/\\uD800> was answered "the prefix http: is not declared").
        if t.kind == "iri" and "\\" in t.text:
            for found in _CODEPOINT.finditer(t.text):
                if problem := _no_character(found[0]):
                    return t.at + found.start(), problem
        if t.kind == "string" and "\\" in t.text:
            for found in _ESCAPE.finditer(t.text):
                after = found.group(1)
                if after is None:
                    if found[0][1] in "uU" and (problem := _no_character(found[0])):
                        return t.at + found.start(), problem
                    continue
                if after in ("u", "U"):
                    digits = "00E9" if after == "u" else "000000E9"
                    return t.at + found.start(), (f"\\{after} needs {len(digits)} hexadecimal digits after "
                                                  f"it, e.g. \\{after}{digits} for é")
                what = f"\\{after} is" if after.isprintable() and after else "a backslash ending a line is"
                return t.at + found.start(), (
                    f"{what} no escape in a SPARQL string: a backslash begins \\t, \\n, \\r, \\b, "
                    "\\f, \\\", \\' or \\u; write \\\\ for a backslash itself")
    return None


_LANGUAGE_TAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?")
#: What a tag was meant to be: up to an operator the tokens run into it (`"x"@en=?l`).
_TAG_WRITTEN = re.compile(r"@[^=!<>&|+*/?$]*")


def _bad_language_tag(tokens: list[Token], at: int) -> tuple[int, str] | None:
    for t, after in zip(tokens, tokens[1:], strict=False):
        if after.at > at:
            return None
        tag = _TAG_WRITTEN.match(after.text)
        if t.kind == "string" and after.at == t.at + len(t.text) and tag \
                and not _LANGUAGE_TAG.fullmatch(tag[0]):
            fixed = re.sub(r"[^A-Za-z0-9]+", "-", tag[0][1:]).strip("-")
            if not fixed[:1].isalpha():
                return after.at, "@ needs a language tag after it, beginning with a letter, e.g. \"Paris\"@en"
            return after.at, (f"{tag[0]} is no language tag: a tag is letters, then parts of "
                              f"letters and digits joined by hyphens, e.g. @{fixed}")
    return None


#: The clauses after a query's pattern, in the order SPARQL takes them (rules 18-25: LIMIT and
#: OFFSET either way round).
_CLAUSE_RANK = {"GROUP": 0, "HAVING": 1, "ORDER": 2, "LIMIT": 3, "OFFSET": 3}
_CLAUSE_NAME = {"GROUP": "GROUP BY", "ORDER": "ORDER BY"}


def _clause_order(tokens: list[Token], at: int) -> tuple[int, str] | None:
    """ORDER BY ?s GROUP BY ?s: a clause after one it must come before, at the query's own level
    (one after VALUES: `_values`)."""
    depth, latest = 0, None
    for t in tokens:
        if t.at > at:
            return None
        depth += 1 if t.kind == "open" else -1 if t.kind == "close" else 0
        word = _keyword(t) if t.kind == "word" else ""
        if depth != 0 or word not in _CLAUSE_RANK:
            continue
        if latest is not None and _CLAUSE_RANK[word] < _CLAUSE_RANK[latest]:
            return t.at, (f"{_CLAUSE_NAME.get(word, word)} comes before {_CLAUSE_NAME.get(latest, latest)}: "
                          "after the pattern the clauses go GROUP BY, HAVING, ORDER BY, then LIMIT and "
                          "OFFSET")
        latest = word
    return None
