"""What the timeline and the map share: building SVG with ElementTree (so every text and
attribute is escaped), writing it standalone or for inline use in a page, and the colours of the
kinds of reception."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

#: A colour per kind of reception (the ontology's lib:ReceptionScheme, by its name without
#: `reception-`): greens for a welcome, blue for relief, oranges and reds for a welcome spoilt or
#: refused, brown for dread of a conquest.
RECEPTION_COLOURS: dict[str, str] = {
    "jubilant": "#1a9850",
    "warm-welcome": "#91cf60",
    "relieved": "#4393c3",
    "seen-as-liberation": "#b8e186",
    "mixed": "#8073ac",
    "muted": "#fdb863",
    "marred-by-violence": "#d73027",
    "no-welcome": "#4d4d4d",
    "seen-as-conquest": "#bf812d",
    "feared-as-conquest": "#8c510a",
}
UNKNOWN_COLOUR = "#9e9e9e"


def colour(slug: str) -> str:
    return RECEPTION_COLOURS.get(slug, UNKNOWN_COLOUR)


def el(parent: ET.Element | None, tag: str, text: str | None = None, /, **attrs: object) -> ET.Element:
    """A child element (or a root); attribute names take `_` for `-` and drop a trailing `_`
    (`class_`, `text_anchor`)."""
    values = {k.rstrip("_").replace("_", "-"): _number(v) for k, v in attrs.items() if v is not None}
    node = ET.Element(tag, values) if parent is None else ET.SubElement(parent, tag, values)
    if text is not None:
        node.text = text
    return node


def link(parent: ET.Element, href: str | None, **attrs: object) -> ET.Element:
    """An `<a>` (SVG 2's `href`, and SVG 1.1's `xlink:href` for older viewers)."""
    node = el(parent, "a", **attrs)
    if href:
        node.set("href", href)
        node.set("xlink:href", href)
    return node


def root(width: float, height: float, title: str, description: str, *, id_: str, css: str) -> ET.Element:
    svg = el(None, "svg", xmlns=SVG_NS, viewBox=f"0 0 {_number(width)} {_number(height)}",
             width=width, height=height, id=id_)
    svg.set("xmlns:xlink", XLINK_NS)
    # No role="img": it would hide the links inside from assistive technology.
    svg.set("aria-labelledby", f"{id_}-title {id_}-desc")
    el(svg, "title", title, id=f"{id_}-title")
    el(svg, "desc", description, id=f"{id_}-desc")
    el(svg, "style", css)
    return svg


def standalone(svg: ET.Element) -> bytes:
    """A standalone SVG document (image/svg+xml)."""
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(svg, encoding="utf-8",
                                                                      xml_declaration=False) + b"\n"


def inline(svg: ET.Element) -> str:
    """The same drawing for a page's HTML: without the XML declaration, scaled to the page."""
    saved: dict[str, str] = {k: svg.attrib.pop(k) for k in ("width", "height") if k in svg.attrib}
    try:
        return ET.tostring(svg, encoding="unicode")
    finally:
        svg.attrib.update(saved)


def _number(value: object) -> str:
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return str(value)
