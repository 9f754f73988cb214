"""The example queries (`queries/*.rq`): each file's leading `#` comment lines are its title."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graph_service.config import DEFAULT_BASE
from graph_service.graph.rdf import rebase_text


@dataclass(frozen=True)
class Example:
    #: The file's stem, e.g. "liberations-by-date".
    name: str
    #: The first comment line without a "Question:" label (or the name when there is no comment).
    title: str
    #: Further leading comment lines.
    description: str
    text: str
    path: Path


def load_examples(*dirs: Path, base: str = DEFAULT_BASE) -> list[Example]:
    """Every `.rq` file in `dirs` (missing folders are skipped), sorted by file name per folder,
    naming the graph's IRIs under `base` (the files are written under the canonical one)."""
    return [read_example(p, base) for d in dirs if Path(d).is_dir() for p in sorted(Path(d).glob("*.rq"))]


def read_example(path: Path, base: str = DEFAULT_BASE) -> Example:
    text = rebase_text(path.read_text(encoding="utf-8"), base)
    comments = list(_leading_comments(text.splitlines()))
    title = comments[0] if comments else path.stem.replace("-", " ").replace("_", " ")
    # The project's files open with "# Question: ..."; the question itself is the title.
    title = title.removeprefix("Question:").strip()
    return Example(path.stem, title, " ".join(comments[1:]), text, path)


def _leading_comments(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("#"):
            return
        comment = stripped.lstrip("#").strip()
        if comment:
            yield comment
