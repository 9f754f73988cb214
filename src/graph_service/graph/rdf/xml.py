"""XML 1.0 documents as the serialisers write them, made safe to read back.

pyoxigraph's writers (and `xml.sax.saxutils.escape`) put a literal's characters into XML as they
are. Two kinds do not survive that: the control characters other than tab, line feed and carriage
return (and U+FFFE, U+FFFF), which XML 1.0 cannot hold at all, not even as character references,
so the document is not well-formed; and the carriage return, which every XML parser reads back as
a line feed (XML's end-of-line handling) unless it is written as a reference.
"""

from __future__ import annotations

import re

# In UTF-8 a byte below 0x20 is always that ASCII character, never part of a longer sequence.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def xml_text(body: bytes) -> bytes:
    """`body`, an XML document in UTF-8, with each carriage return written as `&#13;`; raises
    `ValueError` naming the first character XML 1.0 cannot hold."""
    found = _NOT_XML.search(body)
    if found is not None:
        char = found.group().decode("utf-8")
        raise ValueError(f"it holds the character U+{ord(char):04X}, which XML 1.0 cannot hold")
    return body.replace(b"\r", b"&#13;") if b"\r" in body else body
