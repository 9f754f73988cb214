"""`sh:pattern` as SHACL reads it: an XPath regular expression with SPARQL REGEX's flags (SHACL
4.7.1; XPath and XQuery Functions 7.6), compiled for Python's `re`, which pySHACL uses as it is.

Where the two read the same text differently, the XPath reading is written out for `re`:
- `$` without the `m` flag matches at the very end of the text only; `re`'s also matches before a
  final line break, so "2024\\n" matched "^[0-9]{4}$";
- the `s` flag (`.` matches a line break too) and the `x` flag (white space outside character
  classes is removed) were ignored; `re`'s own verbose mode would also read `#` as a comment;
- a flag SPARQL 1.1 does not have (any but s, m, i and x) is an error, not ignored;
- a class subtracting a class (`[a-z-[aeiou]]`), which `re` reads as another class, is refused
  (`UnsupportedPattern`) rather than misread.
"""

from __future__ import annotations

import re

_FLAGS = {"s": re.S, "m": re.M, "i": re.I, "x": 0}
_WHITE = frozenset(" \t\n\r")


class UnsupportedPattern(re.error):
    """A pattern or flags that XPath refuses, or that `re` would read otherwise; `msg` says which,
    to follow "an sh:pattern"."""


def python_regex(pattern: str, flags: str = "") -> re.Pattern[str]:
    """`pattern` with `flags`, as XPath reads them, compiled by Python's `re`; `UnsupportedPattern`
    (or `re.error`, for what `re` cannot compile) otherwise."""
    unknown = sorted(set(flags) - set(_FLAGS))
    if unknown:
        raise UnsupportedPattern(
            f"has the flag{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (sh:flags "
            f"\"{flags}\"): SPARQL REGEX's flags, which sh:flags holds, are s, m, i and x", pattern)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "[" and pattern[i - 1] == "-":
                raise UnsupportedPattern(
                    "subtracts a character class (as in [a-z-[aeiou]]), which XPath allows and Python's "
                    "re, which this validator (pySHACL) compiles with, reads as another class: list the "
                    "characters left instead (such as [b-df-hj-np-tv-z])", pattern)
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif "x" in flags and c in _WHITE:
            i += 1
            continue
        elif c == "$" and "m" not in flags:
            c = r"\Z"
        out.append(c)
        i += 1
    compiled = 0
    for flag in flags:
        compiled |= _FLAGS[flag]
    return re.compile("".join(out), compiled)
