"""A client of the app in this process (Flask's test client), spoken to as `requests` is.

Protocol and page tests read like a client's requests to a server; through this they run on the
app without a network or a server process, so each costs what the app costs. What a real server
adds (gunicorn's handling of requests, concurrency, real client libraries) is tested against
`conftest.serve_files` servers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.datastructures import Headers

Params = Mapping[str, Any] | Sequence[tuple[str, Any]] | None


class Reply:
    """The parts of `requests.Response` the tests read."""

    def __init__(self, status_code: int, headers: Headers, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class InProcess:
    """`.url`, `.sparql` like a `BackgroundServer`; `.get(url, ...)`, `.post(...)` like `requests`."""

    def __init__(self, app: Flask, url: str = "http://localhost/") -> None:
        self.app = app
        self.client = app.test_client()
        self.url = url
        self.sparql = url + "sparql"

    def request(self, method: str, url: str, *, params: Params = None, data: Any = None,
                headers: Mapping[str, str] | None = None, timeout: float | None = None,
                allow_redirects: bool = False) -> Reply:
        parts = urlsplit(url)
        resp = self.client.open(parts.path, method=method, query_string=params or parts.query or None,
                                data=data, headers=dict(headers or {}), follow_redirects=allow_redirects)
        return Reply(resp.status_code, resp.headers, b"" if method == "HEAD" else resp.get_data())

    def get(self, url: str, **kwargs: Any) -> Reply:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Reply:
        return self.request("POST", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> Reply:
        return self.request("HEAD", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> Reply:
        return self.request("OPTIONS", url, **kwargs)
