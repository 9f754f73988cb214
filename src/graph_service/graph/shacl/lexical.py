"""Lexical forms of the XSD datatypes that rdflib takes as they come.

SHACL's `sh:datatype` (4.1.2) makes a result of a literal that is ill-formed for its datatype: its
lexical form is not in the datatype's lexical space. pySHACL asks rdflib, which reads integers,
dates, booleans and a few more with Python's conversions (more lenient than XML Schema: "5_000"
is an integer there) and takes "20a4"^^xsd:gYear, "2024-01-01"^^xsd:dateTime, "1e3"^^xsd:decimal
or "99999999999999999999"^^xsd:long as they come.
This module holds the lexical spaces of XML Schema 1.1 Part 2 for those, as written there. A
datatype not listed is left to rdflib: anyURI, whose lexical space takes nearly any string, and
normalizedString and token, whose whitespace rdflib normalises as it makes the literal. A form is
checked as it stands, without the whitespace an XML processor would strip first: the lexical
spaces hold no leading or trailing spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import Literal

_XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ_REQUIRED = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_TZ = _TZ_REQUIRED + "?"
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_DATE = f"(?P<year>{_YEAR})-(?P<month>{_MONTH})-(?P<day>{_DAY})"
# A duration's parts, each optional, at least one after P and after T (the lookaheads).
_DURATION_TIME = r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?"
_BASE64 = r"(?:[A-Za-z0-9+/] ?)"
# XML 1.0's NameStartChar and NameChar, the colon aside (an NCName has none).
_NAME_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NCNAME = f"[{_NAME_START}][{_NAME_CHAR}]*"
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: some year has it


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda form: compiled.fullmatch(form) is not None


def _integer(low: int | None, high: int | None) -> Callable[[str], bool]:
    def check(form: str) -> bool:
        if re.fullmatch(r"[+-]?[0-9]+", form) is None:
            return False
        value = int(form)
        return (low is None or value >= low) and (high is None or value <= high)
    return check


def _dated(regex: str) -> Callable[[str], bool]:
    """A form with a month and a day: the day must be one the month has, in the form's year where
    it has one (XSD 1.1's day-of-month constraint: 29 February of a leap year only, year 0 one),
    else in some year (`--02-29`)."""
    compiled = re.compile(regex)

    def check(form: str) -> bool:
        m = compiled.fullmatch(form)
        if m is None:
            return False
        month, day = int(m["month"]), int(m["day"])
        if month == 2 and day == 29 and "year" in compiled.groupindex:
            year = int(m["year"])
            return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= _DAYS_IN_MONTH[month - 1]
    return check


_FLOAT = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN"

_RULES: dict[str, Callable[[str], bool]] = {
    # rdflib checks these by Python's conversions, which take more: "5_000" and " 5" as integers,
    # "1_0.5" and "inf" as doubles, "20240101" as a date, "P1W" as a duration.
    "integer": _integer(None, None),
    "double": _pattern(_FLOAT),
    "float": _pattern(_FLOAT),
    "boolean": _pattern("true|false|1|0"),
    "date": _dated(_DATE + _TZ),
    "time": _pattern(_TIME + _TZ),
    "duration": _pattern(r"-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?" + _DURATION_TIME),
    "gYear": _pattern(_YEAR + _TZ),
    "gYearMonth": _pattern(f"{_YEAR}-{_MONTH}{_TZ}"),
    "gMonth": _pattern(f"--{_MONTH}{_TZ}"),
    "gDay": _pattern(f"---{_DAY}{_TZ}"),
    "gMonthDay": _dated(f"--(?P<month>{_MONTH})-(?P<day>{_DAY}){_TZ}"),
    "dateTime": _dated(f"{_DATE}T{_TIME}{_TZ}"),
    "dateTimeStamp": _dated(f"{_DATE}T{_TIME}{_TZ_REQUIRED}"),
    "yearMonthDuration": _pattern(r"-?P(?=[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?"),
    "dayTimeDuration": _pattern(r"-?P(?=[0-9T])(?:[0-9]+D)?" + _DURATION_TIME),
    "decimal": _pattern(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    "long": _integer(-(2**63), 2**63 - 1),
    "int": _integer(-(2**31), 2**31 - 1),
    "short": _integer(-(2**15), 2**15 - 1),
    "byte": _integer(-(2**7), 2**7 - 1),
    "unsignedLong": _integer(0, 2**64 - 1),
    "unsignedInt": _integer(0, 2**32 - 1),
    "unsignedShort": _integer(0, 2**16 - 1),
    "unsignedByte": _integer(0, 2**8 - 1),
    "nonNegativeInteger": _integer(0, None),
    "positiveInteger": _integer(1, None),
    "nonPositiveInteger": _integer(None, 0),
    "negativeInteger": _integer(None, -1),
    "base64Binary": _pattern(
        rf"(?:{_BASE64}{{4}})*(?:{_BASE64}{{3}}[A-Za-z0-9+/]|{_BASE64}{{2}}[AEIMQUYcgkosw048] ?="
        r"|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?"),
    "language": _pattern(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*"),
    "NMTOKEN": _pattern(f"[{_NAME_CHAR}:]+"),
    "Name": _pattern(f"[{_NAME_START}:][{_NAME_CHAR}:]*"),
    "NCName": _pattern(_NCNAME),
    "ID": _pattern(_NCNAME),
    "IDREF": _pattern(_NCNAME),
    "ENTITY": _pattern(_NCNAME),
}


def holds(datatype: object) -> bool:
    """Whether this module holds the lexical space of `datatype` (an IRI)."""
    name = str(datatype)
    return name.startswith(_XSD) and name[len(_XSD):] in _RULES


def well_formed(literal: Literal) -> bool:
    """Whether the literal's form is in its datatype's lexical space, for the datatypes of
    `_RULES`; True for every other (rdflib's own checks and `ill_typed` cover those)."""
    datatype = str(literal.datatype or "")
    if not datatype.startswith(_XSD):
        return True
    rule = _RULES.get(datatype[len(_XSD):])
    return rule is None or rule(str(literal))
