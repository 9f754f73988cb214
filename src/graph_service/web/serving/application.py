"""gunicorn configured in code, and the listening socket `serve` binds before it starts."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import resource
import socket
from collections import Counter
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from graph_service.config import Settings
from graph_service.graph import Loaded, keep_to_one_cpu, load_serving, slot_budget, stop_fork_server
from graph_service.web.app import create_app
from graph_service.web.serving.access_log import JsonAccessLog
from graph_service.web.serving.shares import ConnectionShares
from graph_service.web.serving.worker import ThreadWorker

log = logging.getLogger("gunicorn.error")

#: Seconds gunicorn allows a worker beyond the longest time limit of a request before killing it.
_WORKER_SLACK = 30
#: Seconds a stopping worker allows beyond the longest time limit of a request before it stops.
_STOP_SLACK = 5
#: Threads of a worker beyond those its query slots and queue may hold.
_SPARE_THREADS = 8
#: Seconds an idle kept-alive connection stays open.
_KEEPALIVE = 5
#: Rows for workers beyond `--workers` (a worker being replaced while its successor starts).
_SPARE_ROWS = 4

def threads_per_worker(settings: Settings) -> int:
    """Enough threads for every slot and queue place (a worker may get all of them), and spares."""
    return settings.query_slots + settings.query_queue + _SPARE_THREADS


def _all_open_files() -> None:
    """As many open files as the system lets the process have (workers inherit it): a worker
    holds up to gunicorn's 1,000 connections, over a common soft limit of 1,024 with its pipes,
    store and query processes, and a full worker must still accept (to close an idle one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


class GraphServiceApplication(BaseApplication):
    """gunicorn configured in code: no config file, no command line of its own."""

    def __init__(self, settings: Settings, listener: socket.socket, loaded: Loaded) -> None:
        """`loaded`: the data every worker serves, loaded once here in the master (a worker
        replaced after a crash starts in a fraction of a second, on the same data as the others)."""
        self.settings = settings
        self.loaded = loaded
        # gunicorn adopts (and closes) the descriptor; our socket object must let go of it.
        self.fd = listener.detach()
        # Made here, in gunicorn's master, so that every worker forked from it shares the counts.
        self.budget = slot_budget(settings)
        self.connection_shares = ConnectionShares(settings.workers + _SPARE_ROWS)
        # Frozen, so that the workers' collectors do not write to the pages of what the master
        # loaded, which would unshare them.
        gc.freeze()
        _all_open_files()
        super().__init__()

    def load_config(self) -> None:
        longest = max(self.settings.query_timeout, self.settings.validation_timeout)
        options = {
            "bind": [f"fd://{self.fd}"],
            "workers": self.settings.workers,
            "worker_class": ThreadWorker,
            "threads": threads_per_worker(self.settings),
            "keepalive": _KEEPALIVE,
            "timeout": int(longest + _WORKER_SLACK),
            # A stop (TERM) lets the requests under way finish: the longest may run its whole limit.
            "graceful_timeout": int(longest + _STOP_SLACK),
            # No limit of gunicorn's own (at most 8 KB: a longer GET query was its HTML 414, which
            # a browser's script cannot read); the poller bounds the whole head (`HEAD_BYTES`).
            "limit_request_line": 0,
            "accesslog": "-",
            "logger_class": JsonAccessLog,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "graph-service",
            # gunicorn's runtime control (worker counts, reload, stop) over a socket at a path
            # shared by every gunicorn of the user: nothing this service offers.
            "control_socket_disable": True,
            # Static files too are written through `ClientSocket`, not sent by the kernel from the
            # file on a thread that waits for the client.
            "sendfile": False,
            # Forwarded headers are trusted by the app alone, from `--proxies` proxies: gunicorn's
            # own trust of loopback peers let any client behind a local proxy set its mount
            # path (a `SCRIPT_NAME` header: pages cached per mount path, links wherever it said).
            "forwarded_allow_ips": "",
            "forwarder_headers": "",
            "preload_app": False,
            "pre_fork": self._before_forking,
            # Each worker and its query processes on a CPU of their own (`keep_to_one_cpu`).
            "post_fork": lambda arbiter, worker: keep_to_one_cpu(worker.cpu_index, arbiter.num_workers),
            "child_exit": self._worker_exited,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def reload(self) -> None:
        """On HUP, in the master, before gunicorn replaces the workers: the data again (a new
        snapshot after `graph-service build`), which the new workers serve and /readyz names.
        Data that cannot be loaded leaves the service as it was, and says why in the log."""
        try:
            loaded = load_serving(self.settings)
        except Exception as exc:  # a bad file, a failed build: the workers go on with what they have
            log.error("reload: the data could not be loaded, the service goes on serving snapshot %s: %s",
                      self.loaded.served.sha256[:12], exc)
        else:
            self.loaded = loaded
            gc.freeze()
            log.info("reload: serving snapshot %s (%s quads)", loaded.served.sha256[:12], loaded.served.quads)
        finally:
            stop_fork_server()  # which a rebuilt snapshot started, as `serve` does after its build
        super().reload()

    def _before_forking(self, arbiter: Any, worker: Any) -> None:
        # In the master. The CPU the fewest live workers keep to: a replacement takes the CPU of
        # the worker it replaces, also after a reload, while the old workers still ran.
        others = list(arbiter.WORKERS.values())  # not yet `worker`: it is added once forked
        self.connection_shares.assign(worker, others)
        held = Counter(getattr(w, "cpu_index", None) for w in others)
        worker.cpu_index = min(range(len(os.sched_getaffinity(0))), key=lambda cpu: (held[cpu], cpu))

    def _worker_exited(self, arbiter: Any, worker: Any) -> None:
        # In the master, as it reaps a worker, before it forks the replacement.
        self.connection_shares.withdraw(worker)
        freed = self.budget.release(worker.pid)
        if freed:
            arbiter.log.warning("worker %s ended with %s queries running or waiting: their query "
                                "slots are free again", worker.pid, freed)

    def load(self) -> Flask:
        # Runs in each worker after the fork: every worker has its own app, store and query child.
        app = create_app(self.settings, self.budget, self.loaded)
        # What the app has built lives as long as the worker. Left to the collector, a full
        # collection walked all of it (80 ms of CPU) at the worker's first requests, and again
        # every so often under load: the worker then neither answered nor accepted. (Collected
        # first, it freed none of its 282,000 objects: the collection is not worth its time.)
        gc.freeze()
        return app


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free port); OSError if that is impossible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


def url_of(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
