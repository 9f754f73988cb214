"""For load balancers and operators: is the process alive, and has it loaded its graph?

    GET /healthz    200 {"status": "ok"}: the process answers (liveness)
    GET /readyz     200 {"status": "ready", "snapshot": {...}}: the graph is loaded, with the
                    snapshot's sha256, its quad count and when it was built (readiness)

Both read only what the process holds in memory: no query, no file, nothing that a running query
could hold up inside this process.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify

from graph_service.web.state import service

bp = Blueprint("health", __name__)


def _uncached(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/healthz")
def healthz() -> Response:
    return _uncached(jsonify({"status": "ok"}))


@bp.get("/readyz")
def readyz() -> Response:
    s = service()
    return _uncached(jsonify({"status": "ready", "engine": s.settings.engine, "snapshot": asdict(s.served)}))
