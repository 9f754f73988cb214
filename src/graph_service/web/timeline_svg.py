"""The timeline of the liberations as SVG: one row per capital, each date at the article's
precision (a day a dot, a month a bar, an interval such as "early 1945" a dashed span, a contested
date both its dots), the undated apart below, each coloured by the reception it met and linking to
its event.

Each row is `<a class="timeline-item precision-… reception-…" href="…">` with the capital's name
as its text and a `<title>` saying event, date and reception: what browser tests and readers use.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta

from graph_service.graph import Liberation
from graph_service.web.svg import colour, el, link, root

WIDTH = 960
LEFT = 150  # capital names
RIGHT = 24
TOP = 52  # title line and month axis
ROW = 34
CHAR = 6.6  # average width of a character at 12px, to keep labels inside the drawing
SMALL = 6.4  # at 11px

CSS = """
#timeline text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #222; }
#timeline .heading { font-size: 15px; font-weight: 600; }
#timeline .axis text { font-size: 11px; fill: #555; }
#timeline .axis line { stroke: #ddd; }
#timeline .axis line.year { stroke: #aaa; }
#timeline .name { font-size: 13px; font-weight: 600; text-anchor: end; }
#timeline .date { font-size: 12px; fill: #333; }
#timeline .section { font-size: 12px; font-style: italic; fill: #555; }
#timeline a.timeline-item:hover .name, #timeline a.timeline-item:focus .name { text-decoration: underline; }
#timeline a.timeline-item:hover .row, #timeline a.timeline-item:focus .row { fill: #f3f1ea; }
#timeline .row { fill: transparent; }
#timeline .mark { stroke-width: 3; }
#timeline .precision-interval .mark { fill-opacity: 0.45; stroke-dasharray: 5 3; }
#timeline .contest { stroke: #555; stroke-width: 1.5; stroke-dasharray: 2 2; }
#timeline .undated-mark { fill: #fff; stroke-dasharray: 3 2; }
#timeline .legend text { font-size: 11px; fill: #333; }
#timeline .source { font-size: 10px; fill: #666; }
"""


def render(liberations: list[Liberation], href: Callable[[str], str | None], *,
           source: str = "") -> ET.Element:
    dated = [lib for lib in liberations if lib.dates]
    undated = [lib for lib in liberations if not lib.dates]
    first = min((lib.start for lib in dated if lib.start), default=date(1944, 6, 1))
    last = max((lib.end for lib in dated if lib.end), default=date(1945, 5, 31))
    t0 = first.replace(day=1)
    t1 = _next_month(last.replace(day=1))
    span = (t1 - t0).days or 1

    def x(d: date) -> float:
        return LEFT + (d - t0).days / span * (WIDTH - LEFT - RIGHT)

    kinds = list(dict.fromkeys(r.slug for lib in liberations for r in lib.receptions))
    labels = {r.slug: r.label for lib in liberations for r in lib.receptions}
    rows_height = ROW * len(dated) + (30 + ROW * len(undated) if undated else 0)
    legend_top = TOP + rows_height + 16
    legend_rows = _legend_rows(kinds, labels)
    # The note on the sources, in lines the drawing's width holds (10 px type).
    notes = textwrap.wrap(source, 150)
    height = legend_top + 22 * (legend_rows + 1) + (10 + 13 * (len(notes) - 1) if notes else 0)
    svg = root(WIDTH, height, "The liberations (and Berlin's conquest) of Europe's capitals, 1944-1945",
               "Each capital at the date the article gives for its liberation or conquest, at the article's "
               "precision, coloured by the reception it met; undated ones apart.",
               id_="timeline", css=CSS)
    latest = max((lib.start for lib in dated if lib.start), default=last)
    el(svg, "text", f"From {_month(first)} to {_month(latest)}: the capitals at the dates the article gives",
       x=0, y=16, class_="heading")
    _axis(svg, t0, t1, x, TOP + rows_height)

    y = TOP
    for lib in dated:
        _item(svg, lib, href(lib.event), y, x)
        y += ROW
    if undated:
        el(svg, "text", "Undated in the article", x=LEFT, y=y + 20, class_="section")
        y += 30
        for lib in undated:
            _item(svg, lib, href(lib.event), y, x)
            y += ROW
    _legend(svg, kinds, labels, legend_top)
    for i, line in enumerate(notes):
        el(svg, "text", line, x=0, y=height - 4 - 13 * (len(notes) - 1 - i), class_="source")
    return svg


def _item(svg: ET.Element, lib: Liberation, href: str | None, y: float, x: Callable[[date], float]) -> None:
    receptions = lib.receptions
    slugs = [r.slug for r in receptions] or ["unknown"]
    classes = ["timeline-item", f"precision-{lib.precision}"] + [f"reception-{s}" for s in slugs]
    fill, stroke = colour(slugs[0]), colour(slugs[-1])
    said = ", ".join(r.said for r in receptions) or "reception not recorded"
    a = link(svg, href, class_=" ".join(classes), data_capital=lib.capital_label)
    el(a, "title", f"{lib.event_label}: {lib.date_text}. Reception: {said}.")
    el(a, "rect", x=0, y=y, width=WIDTH, height=ROW, class_="row")
    middle = y + ROW / 2
    el(a, "text", lib.capital_label, x=LEFT - 12, y=middle + 4.5, class_="name")
    if not lib.dates:
        el(a, "circle", cx=LEFT + 8, cy=middle, r=6, stroke=fill, class_="mark undated-mark")
        el(a, "text", f"no date given · {said}", x=LEFT + 22, y=middle + 4, class_="date")
        return
    ends: list[float] = []
    dots: list[float] = []
    for claim in lib.dates:
        if claim.precision == "day":
            cx = x(claim.start) + (x(claim.start + timedelta(days=1)) - x(claim.start)) / 2
            dots.append(cx)
            ends.append(cx + 7)
        else:
            left, right = x(claim.start), x(claim.end + timedelta(days=1))
            el(a, "rect", x=left, y=middle - 7, width=max(right - left, 4), height=14, rx=3,
               fill=fill, stroke=stroke, class_="mark")
            ends.append(right)
    if len(dots) > 1 and max(dots) - min(dots) < 14 * (len(dots) - 1):
        # Days a day apart are a pixel or two apart: spread so each claim shows as its own dot.
        mean = sum(dots) / len(dots)
        dots = [mean + 14 * (i - (len(dots) - 1) / 2) for i in range(len(dots))]
        ends.append(max(dots) + 7)
    if len(dots) > 1:
        el(a, "line", x1=min(dots), y1=middle, x2=max(dots), y2=middle, class_="contest")
    for cx in dots:
        el(a, "circle", cx=cx, cy=middle, r=6, fill=fill, stroke=stroke, class_="mark")
    label = f"{lib.date_text} · {said}"
    start = max(ends) + 8
    if start + len(label) * CHAR > WIDTH:  # no room on the right: the label goes left of the mark
        left_edge = min(x(d.start) for d in lib.dates) - 8
        el(a, "text", label, x=left_edge, y=middle + 4, class_="date", text_anchor="end")
    else:
        el(a, "text", label, x=start, y=middle + 4, class_="date")


def _axis(svg: ET.Element, t0: date, t1: date, x: Callable[[date], float], bottom: float) -> None:
    axis = el(svg, "g", class_="axis")
    month = t0
    while month <= t1:
        year_start = month.month == 1
        el(axis, "line", x1=x(month), y1=TOP - 14, x2=x(month), y2=bottom,
           class_="year" if year_start else None)
        if month < t1:
            text = month.strftime("%b") + (f" {month.year}" if year_start or month == t0 else "")
            el(axis, "text", text, x=x(month) + 3, y=TOP - 4)
        month = _next_month(month)


def _legend_positions(kinds: list[str], labels: dict[str, str]) -> list[tuple[float, int]]:
    """(x, row) of each reception's swatch, wrapping at the drawing's width."""
    x, row, found = 70.0, 0, []
    for slug in kinds:
        width = 16 + len(labels[slug]) * SMALL + 12
        if x + width > WIDTH and x > 70:
            x, row = 70.0, row + 1
        found.append((x, row))
        x += width
    return found


def _legend_rows(kinds: list[str], labels: dict[str, str]) -> int:
    return 1 + max((row for _, row in _legend_positions(kinds, labels)), default=0)


def _legend(svg: ET.Element, kinds: list[str], labels: dict[str, str], top: float) -> None:
    legend = el(svg, "g", class_="legend")
    el(legend, "text", "Reception:", x=0, y=top + 4)
    for slug, (x, row) in zip(kinds, _legend_positions(kinds, labels), strict=True):
        y = top + 22 * row
        el(legend, "rect", x=x, y=y - 6, width=12, height=12, rx=2, fill=colour(slug))
        el(legend, "text", labels[slug], x=x + 16, y=y + 4)
    y = top + 22 * _legend_rows(kinds, labels)
    x = 0.0
    el(legend, "text", "Date:", x=x, y=y + 4)
    x = 70
    shapes = (("dot", "a day"), ("bar", "a month"), ("span", "an interval (\u201cearly 1945\u201d)"),
              ("pair", "two dates the article gives"), ("hollow", "no date"))
    for shape, text in shapes:
        if shape == "dot":
            el(legend, "circle", cx=x + 6, cy=y, r=5, fill="#777")
        elif shape == "bar":
            el(legend, "rect", x=x, y=y - 5, width=18, height=10, rx=2, fill="#777")
        elif shape == "span":
            el(legend, "rect", x=x, y=y - 5, width=18, height=10, rx=2, fill="#777", fill_opacity=0.45,
               stroke="#777", stroke_dasharray="4 2")
        elif shape == "pair":
            el(legend, "line", x1=x + 4, y1=y, x2=x + 16, y2=y, stroke="#555", stroke_dasharray="2 2")
            el(legend, "circle", cx=x + 4, cy=y, r=4, fill="#777")
            el(legend, "circle", cx=x + 16, cy=y, r=4, fill="#777")
        else:
            el(legend, "circle", cx=x + 6, cy=y, r=5, fill="#fff", stroke="#777", stroke_dasharray="3 2")
        el(legend, "text", text, x=x + 24, y=y + 4)
        x += 24 + len(text) * SMALL + 14


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _month(d: date) -> str:
    return d.strftime("%B %Y")
