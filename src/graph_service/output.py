"""Text output for terminals: query results as a readable table."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from .graph.engine import QueryResult
from .namespace import PREFIXES


def short(term: Identifier | None) -> str:
    """A term as a person reads it: prefixed names for IRIs, plain text for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in PREFIXES.items():
            if iri.startswith(str(ns)) and iri != str(ns):
                local = iri[len(str(ns)):]
                if local and all(c.isalnum() or c in "-_./" for c in local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    return str(term)


def table(result: QueryResult) -> str:
    if result.form == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    if result.form == "graph":
        rows = [[short(s), short(p), short(o)] for s, p, o in result.triples]
        header = ["subject", "predicate", "object"]
    else:
        header = result.variables
        rows = [[short(r.get(v)) for v in header] for r in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    out.append(line)
    noun = "row" if result.form == "select" else "triple"
    out.append(f"{len(rows)} {noun}{'' if len(rows) == 1 else 's'}")
    return "\n".join(out) + "\n"
