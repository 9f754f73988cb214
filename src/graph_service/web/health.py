"""For load balancers and operators: is the process alive, and has it loaded its graph?

    GET /healthz    200 {"status": "ok"}: the process answers (liveness)
    GET /readyz     200 {"status": "ready", "snapshot": {...}}: the graph is loaded, with the
                    snapshot's sha256, its quad count and when it was built (readiness);
                    with a remote store (`--store`), 503 {"status": "unavailable", "reason": ...}
                    while the store does not answer a trivial query within 2 s

Both read only what the process holds in memory (and, with a remote store, ask it `ASK {}`): no
query of anyone's, no file, nothing that a running query could hold up inside this process.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, current_app, jsonify

from graph_service.graph import RemoteStore
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
    engine = "remote" if s.settings.store else s.settings.engine
    body: dict[str, object] = {"status": "ready", "engine": engine, "snapshot": asdict(s.served)}
    if s.settings.store:
        body["store"] = s.settings.store
        problem = _store_problem(s.settings.store, s.settings.store_connect_timeout)
        if problem is not None:
            resp = jsonify({**body, "status": "unavailable", "reason": problem})
            resp.status_code = 503
            return _uncached(resp)
    return _uncached(jsonify(body))


def _store_problem(url: str, connect_timeout: float) -> str | None:
    store = current_app.extensions.get("graph_service.health_store")
    if store is None:
        store = current_app.extensions["graph_service.health_store"] = RemoteStore(
            url, connect_timeout=connect_timeout)
    return store.ping(timeout=2.0)
