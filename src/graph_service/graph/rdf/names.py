"""Terms as people read them: prefixed names, and the prefixes a document actually uses.

Messages, tables, pages and serialisations all shorten IRIs the same way, here: the longest
known namespace wins, and a local name must be one a reader can type back (letters, digits and
`-_./`), else the IRI is shown whole in angle brackets.
"""

from __future__ import annotations

import difflib
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph_service.graph.rdf.namespace import PREFIXES, known_bases, names

_NAMESPACES = Graph().namespace_manager
for _prefix, _ns in PREFIXES.items():
    _NAMESPACES.bind(_prefix, URIRef(str(_ns)), override=True, replace=True)


@cache
def _by_length(bases: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The project's prefixes under every base in use, longest namespace first (the most
    specific wins): a store served under another base reads as `lib:` and `id:` too."""
    pairs = {(p, str(ns)) for base in bases for p, ns in names(base).prefixes.items()}
    return tuple(sorted(pairs, key=lambda pn: (-len(pn[1]), pn)))


def prefixed(iri: str, prefixes: Iterable[tuple[str, str]] | None = None) -> str | None:
    """`lib:Liberation` for an IRI in a known namespace, else None. `prefixes` are
    (prefix, namespace) pairs, tried in order (default: the project's, under every base)."""
    for prefix, ns in (prefixes if prefixes is not None else _by_length(known_bases())):
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "-_./" for c in local):
                return f"{prefix}:{local}"
    return None


def short(term: Node | ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as a person reads it in a table or a message: a prefixed name or `<iri>` for an IRI,
    `_:id` for a blank node, the text of a literal; a triple term as `<<( s p o )>>`, its
    literal in quotes."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        inner = (f'"{t.value}"' if isinstance(t, ox.Literal) else short(t)
                 for t in (term.subject, term.predicate, term.object))
        return f"<<( {' '.join(inner)} )>>"
    if isinstance(term, URIRef | ox.NamedNode):
        iri = str(term) if isinstance(term, URIRef) else term.value
        return prefixed(iri) or f"<{iri}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def turtle(term: Node) -> str:
    """A term in Turtle notation with the project's prefixes (`"1944-08-25"^^xsd:date`), for
    messages that must show a literal's datatype."""
    if isinstance(term, URIRef):
        return short(term)
    if isinstance(term, Literal):
        return term.n3(_NAMESPACES)
    return term.n3()


def used_prefixes(iris: Iterable[str], *candidates: Mapping[str, str]) -> dict[str, str]:
    """The `candidates` (prefix -> namespace) that the IRIs use, one prefix per namespace, so a
    small document is not mostly declarations; with several maps, a prefix goes to the first map
    whose namespace the IRIs use. A namespace is left out when one of its local names holds a
    "/": writers would escape it (`id:city\\/paris`), and the full IRI reads better."""
    # Sorted once: the IRIs under a namespace are then found by bisection. A look at every IRI
    # (then at every IRI's stem) for each namespace took a CONSTRUCT's answer longer than its query.
    ordered = sorted(set(iris))
    used: dict[str, str] = {}
    for choices in candidates:
        chosen: dict[str, str] = {}
        for prefix, ns in choices.items():
            if not prefix or ns in chosen.values():
                continue
            local_names = [i[len(ns):] for i in _starting_with(ordered, ns) if i != ns]
            if local_names and not any("/" in name for name in local_names):
                chosen[prefix] = ns
        for prefix, ns in chosen.items():
            used.setdefault(prefix, ns)
    return used


def _starting_with(ordered: list[str], start: str) -> list[str]:
    """The strings of `ordered` (sorted) that begin with `start`."""
    low = bisect_left(ordered, start)
    if start and ord(start[-1]) < 0x10FFFF:
        # Every string that begins with `start` sorts between it and `start` with its last
        # character raised by one.
        return ordered[low:bisect_left(ordered, start[:-1] + chr(ord(start[-1]) + 1), low)]
    return [text for text in ordered[low:] if text.startswith(start)]


def project_prefixes(base: str | None = None) -> dict[str, str]:
    """The project's prefixes under `base` (default: the canonical), prefix -> namespace."""
    return {p: str(ns) for p, ns in (names(base) if base else names()).prefixes.items()}


def fold(text: str) -> str:
    """A name as people type and sort it: without case and accents (ł, ø, đ and ß, which do not
    decompose, too), so "zoska" finds "Zośka" and "Łódź" sorts among the Ls."""
    text = text.casefold().replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def sortable(text: str) -> str:
    """A name as people sort it: `fold`ed, and without what opens it before its first letter or
    digit (“Zośka” Battalion among the Zs, not after them: a quotation mark sorts after every letter)."""
    folded = fold(text)
    return folded.lstrip("".join(c for c in set(folded) if not c.isalnum())) or folded


def listed(names: list[str]) -> str:
    """Names as a sentence lists them: "A", "A and B", "A, B and C"."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def spelt_nearly(word: str, pool: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The word of `pool` spelt most nearly as `word` (difflib's ratio at least `cutoff`), among
    those that begin with its letter and are about as long: a misspelling keeps both, and
    comparing with every word took 20 ms for some searches (and grows with the dataset)."""
    alike = [w for w in pool if w[:1] == word[:1] and abs(len(w) - len(word)) <= 2]
    close = difflib.get_close_matches(word, alike, n=1, cutoff=cutoff)
    return close[0] if close else None
