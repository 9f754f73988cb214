"""Production serving: the app under gunicorn, threaded workers in front of query slots.

`graph-service serve` binds the listening socket itself (so a port in use is a one-line error,
and port 0 means "any free port"), then hands it to gunicorn, whose workers each create the app:
each worker opens the store and keeps its own query slots (`graph.query.runner`, `graph.query.slots`).

Workers are gthread workers (`ThreadWorker`): connections are kept alive, and every request runs
on a thread of its worker. A query holds a thread while it waits for or occupies a slot; the slots
and the queue are the service's (`graph.SlotBudget`, shared by the workers), and each worker has a
thread for each of them plus a few spares (`application`), so that however busy the slots are, threads remain
for pages, health checks and answers already kept. A stuck query is stopped by its own time limit
long before gunicorn's worker timeout would kill the worker. Where the workers share the CPUs
evenly, each keeps to one CPU with its query processes (`graph.keep_to_one_cpu`): a query's round
trip between them then stays on one CPU's caches.

One module per concern: `application` (gunicorn configured in code, the listening socket),
`worker` (the gthread worker as a public service needs it), `reading` and `sending` (requests read
and answers sent on the worker's poller, without a thread), `shares` (connections shared among
the workers, and clients' shares), `limits` (what one connection may take, and the refusals past
it), `access_log`, and `background` (the real server started for tests and the benchmark).
"""

from graph_service.web.serving.application import GraphServiceApplication, listen, url_of
from graph_service.web.serving.background import BackgroundServer

__all__ = ["BackgroundServer", "GraphServiceApplication", "listen", "url_of"]
