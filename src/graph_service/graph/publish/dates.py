"""How a time-span's date is shown to a person: as its label gives it, at the article's precision
("7 May 1945", "May 1945", "early 1945"), with the article's own words beside it where they say
something else ("the 7th of May", which has no year; "70th Anniversary", which is not a date).

The words alone (`lib:dateText`) were shown before: "may 1945" as the article spells it, "the 7th
of May" with no year on the page of an event in May 1945.
"""

from __future__ import annotations

import re

#: Words that add nothing to a date: "In August 1944" says what "August 1944" says.
_FILLER = frozenset({"in", "on", "of", "the"})


def date_of_label(label: str) -> str:
    """The date a time-span's label names: the label is its date, then what it dates in brackets
    ("7 May 1945 (shooting in Dam Square)"); a label without brackets is all date."""
    cut = label.find(" (")
    return label[:cut] if cut > 0 and label.endswith(")") else label


def shown_date(label: str | None, words: str | None) -> str | None:
    """The date as a page shows it: the label's date, and the article's words in quotation marks
    where they are not the same date written otherwise ("August 25, 1944" is "25 August 1944");
    the words alone for a time-span without a label (a user's data)."""
    if not label:
        return words
    shown = date_of_label(label)
    if words and _tokens(words) != _tokens(shown):
        return f"{shown} (the article: “{words}”)"
    return shown


def _tokens(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.lower()) if word not in _FILLER}
