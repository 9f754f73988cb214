"""The access log: one JSON object a line, for what a log collector reads."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring  # C, where built
from typing import Any

from gunicorn import glogging


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _json_number(value: float | None) -> str:
    return "null" if value is None else repr(value)  # what json writes for a number


#: How gunicorn begins its line about a request it could not parse.
_INVALID_REQUEST = "Invalid request from ip="


class JsonAccessLog(glogging.Logger):
    """gunicorn's logger, writing one JSON object per request: when, the method and route (the path,
    without the query string, which may hold a query), the status, the duration and the size of
    the answer. No request body and no query is ever logged."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # Read once: gunicorn's settings are looked up anew at each reading.
        self._on = bool(cfg.accesslog or cfg.logconfig or cfg.logconfig_dict or cfg.syslog)

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        # gunicorn names a malformed request with its text ("Invalid HTTP Version: '* WHERE {...}
        # HTTP/1.1'"): a query typed into the URL unescaped. The kind of mistake is kept, not the text.
        if isinstance(msg, str) and msg.startswith(_INVALID_REQUEST):
            sender, _, error = msg.partition(": ")  # an IPv6 address holds no ": "
            msg = f"{sender}: {error.split(': ', 1)[0]}"
        super().warning(msg, *args, **kwargs)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self._on:
            return
        method, route = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        # As json.dumps writes the same object ({"time": ..., "method": ..., "route": ...,
        # "status": ..., "duration_ms": ..., "bytes": ...}), at a third of its cost.
        text = (f'{{"time": "{datetime.now(UTC).isoformat(timespec="milliseconds")[:-6]}Z", '
                f'"method": {_json_text(method)}, "route": {_json_text(route)}, '
                f'"status": {int(str(resp.status).split()[0])}, '
                f'"duration_ms": {_json_number(round(request_time.total_seconds() * 1000, 3))}, '
                f'"bytes": {_json_number(getattr(resp, "sent", None))}}}')
        # A stream's handler is written to directly: logging's record (its caller lookup, its
        # time and thread fields, none of which the line uses) was an eighth of a worker's
        # Python time per request in a profile under load.
        for handler in self.access_log.handlers:
            if isinstance(handler, logging.StreamHandler):
                # As logging's own handler would, a closed or broken stream loses the line
                # rather than the answer.
                with handler.lock or contextlib.nullcontext(), contextlib.suppress(OSError, ValueError):
                    handler.stream.write(text + handler.terminator)
                    handler.flush()
            else:
                handler.handle(self.access_log.makeRecord(
                    self.access_log.name, logging.INFO, "", 0, text, (), None))
