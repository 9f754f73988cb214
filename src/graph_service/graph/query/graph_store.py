"""A client of the SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/),
graphs named indirectly (`?graph=IRI`), and of SPARQL 1.1 Update for what that protocol lacks
(moving a graph). Authentication as the store asks for it: Digest (Virtuoso) or Basic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from graph_service.graph.query.remote import BadStoreAddress, StoreRefused, StoreUnavailable, unanswered

_NTRIPLES = "application/n-triples"
#: Triples per request: a large graph goes up in parts (PUT the first, POST the rest), so no
#: request body is larger than a few megabytes.
CHUNK_TRIPLES = 50_000


class GraphStore:
    def __init__(self, url: str, *, user: str = "", password: str = "",
                 timeout: tuple[float, float] = (5.0, 600.0)) -> None:
        if not url.startswith(("http://", "https://")):
            raise BadStoreAddress(f"the store {url!r} is not an http(s) URL")
        self.url = url
        self.timeout = timeout
        self._user, self._password = user, password
        self._session = requests.Session()
        self._session.trust_env = False

    def put(self, graph: str, triples: Iterable[ox.Triple]) -> int:
        """Replace `graph` with `triples`; how many were sent."""
        sent = 0
        for i, chunk in enumerate(_chunks(triples, CHUNK_TRIPLES)):
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
            self._call("PUT" if i == 0 else "POST", graph, data=body,
                       headers={"Content-Type": _NTRIPLES})
            sent += len(chunk)
        if sent == 0:
            self.delete(graph)
        return sent

    def get(self, graph: str) -> list[ox.Triple]:
        """The triples of `graph` (none when the store has no such graph)."""
        resp = self._call("GET", graph, headers={"Accept": _NTRIPLES}, missing_ok=True)
        if resp.status_code == 404:
            return []
        try:
            return [ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as exc:
            raise StoreRefused(f"the store's copy of <{graph}> could not be read: {exc}") from None

    def delete(self, graph: str) -> None:
        self._call("DELETE", graph, missing_ok=True)

    def update(self, endpoint: str, sparql_update: str) -> None:
        """Run a SPARQL Update at `endpoint` (the store runs one request as one transaction,
        where it has them), with the same credentials."""
        self._request("POST", endpoint, data={"update": sparql_update})

    def close(self) -> None:
        self._session.close()

    def _call(self, method: str, graph: str, *, missing_ok: bool = False,
              **kwargs: object) -> requests.Response:
        return self._request(method, self.url, params={"graph": graph}, missing_ok=missing_ok, **kwargs)

    def _request(self, method: str, url: str, *, missing_ok: bool = False,
                 **kwargs: object) -> requests.Response:
        try:
            resp = self._session.request(method, url, timeout=self.timeout, **kwargs)  # type: ignore[arg-type]
            if resp.status_code == 401 and self._session.auth is None:
                self._session.auth = self._auth_for(resp)
                resp = self._session.request(method, url, timeout=self.timeout, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as exc:
            raise StoreUnavailable(unanswered(url, exc)) from None
        if resp.status_code == 401:
            who = f"as {self._user!r}" if self._user else "without credentials"
            raise StoreRefused(f"the store at {url} refused access {who}; set GRAPH_SERVICE_STORE_USER "
                               "and GRAPH_SERVICE_STORE_PASSWORD")
        if resp.status_code == 404 and missing_ok:
            return resp
        if resp.status_code >= 400:
            text = " ".join(resp.text.split())[:300]
            error = StoreUnavailable if resp.status_code >= 500 else StoreRefused
            raise error(f"the store at {url} answered {method} with {resp.status_code}: {text}")
        return resp

    def _auth_for(self, challenge: requests.Response) -> AuthBase:
        scheme = challenge.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if not self._user:
            raise StoreRefused(f"the store at {challenge.url} asks for credentials; set "
                               "GRAPH_SERVICE_STORE_USER and GRAPH_SERVICE_STORE_PASSWORD")
        if scheme == "digest":
            return HTTPDigestAuth(self._user, self._password)
        return HTTPBasicAuth(self._user, self._password)


def _chunks(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for triple in triples:
        chunk.append(triple)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
