"""Every setting in one place.

A value comes from its default, then its `GRAPH_SERVICE_<NAME>` environment variable, then the
command line (which the CLI passes as overrides); it is read once, here, and passed down. The one
definition below also writes the settings table of the README (`settings_table`) and the help
of the command-line options (`Setting.help`), so neither can drift from the code.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from difflib import get_close_matches
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

#: The project's checkout: ontology/, data/, shapes/, queries/ live here.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: The base IRI the sources are written under. Every resource IRI's path is served by the service
#: at the same path.
DEFAULT_BASE = "https://w3id.org/liberation-kg/"

ENV_PREFIX = "GRAPH_SERVICE_"

#: The garbage collector's thresholds for every command and what `serve` forks (its workers and
#: query processes inherit them; the sandbox's fork-server children are given them), for the test
#: workers, and for the benchmark's bare app. Python's (700, 10, 10) collects the youngest
#: generation every 700 new containers: parsing, validating and reasoning make millions, nearly all
#: of them kept, so the collector walked them again and again for nothing (perf: 8% of the test
#: run's CPU). At 10,000 a build took 2.8 s of CPU instead of 3.2 s and a validation 1.5 s instead
#: of 1.6 s, with 5% more memory; larger thresholds saved no more.
COLLECTOR_THRESHOLDS = (10_000, 10, 10)


@dataclass(frozen=True)
class Bounds:
    """The values a setting may take: a number from `low` (excluded when `low_open`) to `high`, or
    one of `choices`. The command-line options are made from it too (`cli.options`)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()

    def problem(self, value: object) -> str | None:
        """Why `value` is out of bounds, or None."""
        if self.choices and value not in self.choices:
            return "must be one of " + ", ".join(self.choices)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        if not math.isfinite(value):  # nan compares false with every bound, and would pass them
            return "must be a finite number"
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return f"must be {'more than' if self.low_open else 'at least'} {shown_number(self.low)}"
        if self.high is not None and value > self.high:
            return f"must be at most {shown_number(self.high)}"
        return None

    def shown(self) -> str:
        """The bounds as the README's table, the messages and `--help` write them: "0.1 to 86,400"."""
        if self.choices:
            return ", ".join(self.choices)
        if self.low is not None and self.high is not None and not self.low_open:
            return f"{shown_number(self.low)} to {shown_number(self.high)}"
        low = "" if self.low is None else f"{'>' if self.low_open else '≥'} {shown_number(self.low)}"
        high = "" if self.high is None else f"≤ {shown_number(self.high)}"
        return ", ".join(part for part in (low, high) if part)


def shown_number(x: float) -> str:
    """`x` as the README and messages write it: whole numbers in full, with thousands separated."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def setting(default: T, help: str, *, cli: bool = True, bounds: Bounds | None = None) -> T:
    """A field of `Settings` with its help text; `cli=False`: environment only."""
    return field(default=default, metadata={"help": help, "cli": cli, "bounds": bounds})


#: The largest count or size a setting may give: what a C int holds, where the numbers end up
#: (slicing, allocation, resource limits); far beyond any use, and a huge one is refused here
#: in one line rather than by an OverflowError deep in a request.
_MOST = 2**31 - 1
_POSITIVE = Bounds(low=1, high=_MOST)
_COUNT = Bounds(low=0, high=_MOST)
#: The least time limit: less stops nearly every query and costs a query process each time.
MIN_SECONDS = 0.1
#: A day: a longer time limit is no limit, and past about 3e8 s the clocks' arithmetic overflows.
_SECONDS = Bounds(low=MIN_SECONDS, high=86_400)


@dataclass(frozen=True)
class Settings:
    base_iri: str = setting(DEFAULT_BASE, "Base IRI every IRI of the graph is published under (resources, "
                            "ontology, shapes, named graphs); the build rebases the canonical one. "
                            "An http(s) IRI ending in /.")
    ontology_path: Path = setting(PROJECT_ROOT / "ontology" / "liberation.ttl",
                                  "The OWL ontology (Turtle).", cli=False)
    data_path: Path = setting(PROJECT_ROOT / "data" / "liberation.ttl",
                              "The article's facts (Turtle).", cli=False)
    coordinates_path: Path = setting(PROJECT_ROOT / "data" / "coordinates.ttl",
                                     "Coordinates of the capitals (Turtle, from GeoNames; "
                                     "`make coordinates` writes it), kept in their own graph.",
                                     cli=False)
    shapes_path: Path = setting(PROJECT_ROOT / "shapes" / "liberation.ttl",
                                "The SHACL shapes (Turtle).", cli=False)
    article_path: Path = setting(PROJECT_ROOT / "data" / "article.txt",
                                 "The article's text: the build places every quote in it, pages show "
                                 "each quote in its paragraph.", cli=False)
    queries_dir: Path = setting(PROJECT_ROOT / "queries",
                                "Folder of example queries (*.rq) shown in the query editor.", cli=False)
    snapshot_dir: Path = setting(PROJECT_ROOT / "build",
                                 "Where `build` writes the snapshot (N-Quads and its record).", cli=False)
    serve_files: tuple[Path, ...] = setting((), "RDF files to serve instead of the project's graph "
                                            "(`serve FILE ...`; in the environment, separated by ':').",
                                            cli=False)
    reasoner: str = setting("reasonable", "OWL 2 RL engine of the build: reasonable (Rust, tens of times "
                            "faster; its closure completed with property chains, checked equal to owlrl's "
                            "on the project's graph), or owlrl (the reference). reasonable is used only "
                            "where it computes owlrl's closure: on an ontology or facts using what it does "
                            "not apply, and on inconsistent sources, the build says so and uses owlrl.",
                            cli=False, bounds=Bounds(choices=("reasonable", "owlrl")))
    engine: str = setting("oxigraph", "Query engine: oxigraph, or rdflib (the slow reference).",
                          bounds=Bounds(choices=("oxigraph", "rdflib")))
    store: str = setting("", "URL of a SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB ...) holding the "
                         "dataset (`load --into` fills it): queries go there instead of to an embedded "
                         "store. Empty: the embedded store.")
    store_connect_timeout: float = setting(3.0, "Seconds to wait for the remote store to accept a "
                                           "connection.", cli=False, bounds=_SECONDS)
    store_user: str = setting("", "User name `load --into` gives the store.", cli=False)
    store_password: str = setting("", "Password `load --into` gives the store (environment only, never "
                                  "on a command line).", cli=False)
    host: str = setting("127.0.0.1", "Address to listen on.")
    port: int = setting(8000, "Port to listen on (0: any free port).", bounds=Bounds(low=0, high=65535))
    workers: int = setting(2, "gunicorn worker processes (each answers requests on threads).",
                           bounds=Bounds(low=1, high=1024))
    query_timeout: float = setting(10.0, "Seconds a query may run before it is stopped.", bounds=_SECONDS)
    query_slots: int = setting(16, "Queries that may run at once in the whole service, each in its "
                               "own sandboxed query process.", bounds=Bounds(low=1, high=1024))
    # Slots and queue places up to 1,024 each: a worker keeps a thread for every one of them.
    query_queue: int = setting(16, "Queries that may wait for a slot; beyond it, 503 with Retry-After.",
                               bounds=Bounds(low=0, high=1024))
    client_share: float = setting(0.5, "Fraction of the query slots one client (remote address) "
                                  "may hold or wait for; beyond it, 429 with Retry-After.",
                                  bounds=Bounds(low=0, high=1, low_open=True))
    query_memory_mb: int = setting(2048, "MiB a query or a user's validation may allocate beyond "
                                   "the serving process's size (0: no cap).", cli=False, bounds=_COUNT)
    query_max_product: int = setting(5, "Parts sharing no variable that one group pattern of a query "
                                     "may join (a cartesian product); a query over it is refused "
                                     "(400) before it runs, or if at most 4,000 characters long, "
                                     "once it has run for 20 ms.", cli=False, bounds=_POSITIVE)
    query_max_nesting: int = setting(16, "Collections and blank-node brackets a triple pattern may "
                                     "nest; a query over it is refused as one over query_max_product "
                                     "is.", cli=False, bounds=_POSITIVE)
    result_limit: int = setting(10_000, "Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) at most "
                                "in one answer.", bounds=_POSITIVE)
    max_query_length: int = setting(100_000, "Characters at most in a query.", cli=False, bounds=_POSITIVE)
    max_answer_bytes: int = setting(16_000_000, "Bytes at most in one answer of the endpoint (a query "
                                    "whose answer is larger is refused, 400).", cli=False,
                                    bounds=_POSITIVE)
    max_request_bytes: int = setting(2_000_000, "Bytes at most in a request body (queries, "
                                     "validation uploads).", cli=False, bounds=_POSITIVE)
    validation_timeout: float = setting(20.0, "Seconds a user's validation may run.", bounds=_SECONDS)
    validation_result_limit: int = setting(1_000, "Results at most in the report of a validation "
                                           "posted to the service (the rest are counted, not "
                                           "reported).", bounds=_POSITIVE)
    proxies: int = setting(0, "Reverse proxies in front whose X-Forwarded-For, -Proto, -Host and "
                           "-Prefix headers are trusted (0: none; 1 behind one nginx).", bounds=_COUNT)
    network_guard: bool = setting(True, "Run queries and users' validations where no Internet "
                                  "socket can be opened (seccomp); false runs without it, for "
                                  "machines that cannot install the filter.")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then GRAPH_SERVICE_<NAME> variables, then the given overrides (None is ignored)."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(env_name(f.name))
            if raw is not None:
                values[f.name] = _coerce(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        check_base_iri(self.base_iri)
        for f in fields(self):
            bounds = f.metadata["bounds"]
            problem = bounds.problem(getattr(self, f.name)) if bounds else None
            if problem:
                raise SettingError(f"{f.name} {getattr(self, f.name)!r}: {problem}")

    @property
    def query_memory_bytes(self) -> int | None:
        return self.query_memory_mb * 2**20 if self.query_memory_mb else None


class SettingError(ValueError):
    """A setting's value that cannot be used; the message names the setting."""


def answered_bases(base_iri: str) -> tuple[str, ...]:
    """The bases whose IRIs the service answers for under `base_iri`: it, and the canonical base
    the sources are written under (a graph exported under one is still looked up by the other)."""
    return tuple(dict.fromkeys((base_iri, DEFAULT_BASE)))


def check_base_iri(value: str) -> str:
    """`value` if it can name the graph's IRIs (they are made by appending `id/...`), else
    `SettingError` saying why."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(f"base IRI {value!r}: not an absolute http(s) IRI")
    if not value.endswith("/") or parts.query or parts.fragment:
        raise SettingError(f"base IRI {value!r}: must end with '/' (IRIs are made by appending id/...)")
    if any(c in value for c in ' <>"{}|\\^`') or any(ord(c) < 0x21 for c in value):
        raise SettingError(f"base IRI {value!r}: holds a character IRIs may not")
    return value


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


#: Not a setting: how the benchmark tells its bare app (`bench.bare`, run by gunicorn, not by
#: this command) which file to serve (gunicorn's app factory takes no path).
BARE_DATA_ENV = ENV_PREFIX + "BARE_DATA"


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """What to say of each GRAPH_SERVICE_* variable of `environ` that names no setting (a typo,
    `GRAPH_SERVICE_QUERYTIMEOUT`, would otherwise be ignored without a word), with the one it may
    mean."""
    known = sorted(f.name.upper() for f in fields(Settings))
    said = []
    for name in sorted(n for n in environ if n.startswith(ENV_PREFIX)):
        rest = name.removeprefix(ENV_PREFIX)
        if rest in known or name == BARE_DATA_ENV:
            continue
        meant = get_close_matches(rest, known, 1, 0.75)  # after the prefix, which all share
        said.append(f"{name} is no setting of this service"
                    + (f" (did you mean {ENV_PREFIX}{meant[0]}?)" if meant else ""))
    return said


def help_text(name: str) -> str:
    """The option help for a setting: its description, default and environment variable."""
    f = _field(name)
    return f"{f.metadata['help']}  [default: {_shown_default(f)}; env {env_name(name)}]"


def settings_defaults() -> list[tuple[str, str]]:
    """Each setting's environment variable and its default as shown, for the command's help."""
    return [(env_name(f.name), _shown_default(f)) for f in fields(Settings)]


def settings_table() -> str:
    """The README's table of settings (Markdown), generated from `Settings`."""
    rows = ["| Setting | Environment variable | Option of `serve` | Default | Meaning | Values |",
            "|---|---|---|---|---|---|"]
    for f in fields(Settings):
        option = f"`--{f.name.replace('_', '-')}`" if f.metadata["cli"] else ""
        rows.append(f"| {f.name} | `{env_name(f.name)}` | {option} | `{_shown_default(f)}` | "
                    f"{f.metadata['help']} | {_shown_bounds(f)} |")
    return "\n".join(rows) + "\n"


#: The settings table stands between these lines of the README.
README_MARKERS = ("<!-- settings table: written by `make readme` from config.Settings -->",
                  "<!-- end of settings table -->")


def update_readme(path: Path = PROJECT_ROOT / "README.md") -> bool:
    """Write the settings table into the README between its markers; True when it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = README_MARKERS
    head, _, rest = text.partition(start + "\n")
    _, _, tail = rest.partition(end)
    new = f"{head}{start}\n{settings_table()}{end}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def _field(name: str) -> Field:
    for f in fields(Settings):
        if f.name == name:
            return f
    raise KeyError(name)


def _shown_default(f: Field) -> str:
    value = f.default if f.default is not MISSING else None
    if isinstance(value, Path):
        # In the project's folder, wherever the command runs; a path given is read from the working
        # directory (`shapes/liberation.ttl` shown bare read as the latter, and set so it failed).
        try:
            return f"<project>/{value.relative_to(PROJECT_ROOT)}"
        except ValueError:
            return str(value)
    if isinstance(value, tuple):
        return "(none)" if not value else ":".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "(empty)" if value == "" else str(value)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _shown_bounds(f: Field) -> str:
    bounds: Bounds | None = f.metadata["bounds"]
    if isinstance(f.default, bool):
        return "true or false (1/0, yes/no, on/off)"
    return "" if bounds is None else bounds.shown()


def _coerce(f: Field, raw: str) -> object:
    """The value of `f`'s environment variable, or `SettingError` naming the variable: a typo must
    not pass for a value (an unknown word for the network guard turned it off, once)."""
    default, name = f.default, env_name(f.name)
    if f.name == "serve_files":
        return tuple(Path(p) for p in raw.split(os.pathsep) if p)
    if isinstance(default, Path):
        return Path(raw)
    if isinstance(default, bool):
        word = raw.strip().lower()
        if word not in _TRUE | _FALSE:
            raise SettingError(f"{name}={raw!r}: say true or false")
        return word in _TRUE
    value: object = raw
    if isinstance(default, int | float):
        try:
            value = type(default)(raw)
        except ValueError:
            kind = "a whole number" if isinstance(default, int) else "a number"
            raise SettingError(f"{name}={raw!r}: not {kind}") from None
    bounds = f.metadata["bounds"]
    problem = bounds.problem(value) if bounds else None
    if problem:
        raise SettingError(f"{name}={raw!r}: {problem}")
    return value
