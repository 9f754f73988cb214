"""Every setting in one place. Values come from defaults, then `GRAPH_SERVICE_*` environment
variables, then command-line options (which the CLI passes as overrides)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .namespace import DEFAULT_BASE

#: The project's checkout: ontology/, data/, shapes/, queries/ live here.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    base_iri: str = DEFAULT_BASE
    ontology_path: Path = PROJECT_ROOT / "ontology" / "liberation.ttl"
    data_path: Path = PROJECT_ROOT / "data" / "liberation.ttl"
    shapes_path: Path = PROJECT_ROOT / "shapes" / "liberation.ttl"
    queries_dir: Path = PROJECT_ROOT / "queries"
    #: Where `build` writes the snapshot (N-Quads + JSON record).
    snapshot_dir: Path = PROJECT_ROOT / "build"
    #: Files to serve instead of the project's graph (`graph-service serve FILE ...`).
    serve_files: tuple[Path, ...] = ()
    engine: str = "oxigraph"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    #: Seconds a query may run before it is stopped.
    query_timeout: float = 10.0
    #: MiB a query may allocate beyond the serving process's size (0: no cap).
    query_memory_mb: int = 2048
    #: Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) at most in one answer.
    result_limit: int = 10_000
    max_query_length: int = 100_000
    #: Bytes at most in a request body (queries, validation uploads).
    max_request_bytes: int = 2_000_000
    #: Seconds a user-supplied validation may run.
    validation_timeout: float = 20.0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then GRAPH_SERVICE_<NAME> variables, then the given overrides (None is ignored)."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(f"GRAPH_SERVICE_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)


def _coerce(name: str, raw: str) -> object:
    default = getattr(Settings, name, None)
    if name == "serve_files":
        return tuple(Path(p) for p in raw.split(os.pathsep) if p)
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    return raw
