"""Answering SPARQL: engines behind one interface, the safety checks every query passes, and
the sandboxed processes queries run in."""

from graph_service.graph.query import safety
from graph_service.graph.query.cost import Cost, TooCostly, check_cost, slow_shape_advice
from graph_service.graph.query.engine import (
    ENGINES,
    Answer,
    Engine,
    FormatMismatch,
    QueryDataset,
    QueryResult,
    QueryUnsupported,
    ResultTerm,
    make_engine,
)
from graph_service.graph.query.examples import Example, load_examples
from graph_service.graph.query.graph_store import GraphStore
from graph_service.graph.query.quad_index import Object, QuadIndex, QuadSource, Subject
from graph_service.graph.query.remote import (
    BadStoreAddress,
    RemoteEngine,
    RemoteStore,
    StoreRefused,
    StoreUnavailable,
)
from graph_service.graph.query.runner import AnswerTooLarge, QueryRunner, late_cost_check, slot_budget
from graph_service.graph.query.safety import UPDATES_REFUSED, UnsafeQuery, check_query, inspect_query
from graph_service.graph.query.sandbox import (
    IsolatedError,
    IsolatedPool,
    IsolatedWorker,
    OverMemory,
    QueryTimeout,
    die_with_parent,
    keep_to_one_cpu,
    network_guard_problem,
    run_isolated,
    stop_fork_server,
)
from graph_service.graph.query.slots import Busy, ClientGone, OverShare, QuerySlots, QueueFull, SlotBudget
from graph_service.graph.query.store import (
    DISK_FORMAT,
    DiskStore,
    ParallelLoad,
    bulk_load,
    content_hash,
    disk_store,
    graph_counts,
    open_store,
)
from graph_service.graph.query.syntax import SyntaxProblem, explain_syntax
from graph_service.graph.query.verbatim import VerbatimStore, graph_view, wrap_lines, wrap_quad

__all__ = [
    "ENGINES", "UPDATES_REFUSED", "Answer", "content_hash", "die_with_parent", "Engine", "Example",
    "FormatMismatch", "graph_counts", "IsolatedError", "IsolatedPool", "IsolatedWorker", "load_examples",
    "OverMemory",
    "keep_to_one_cpu", "make_engine",
    "network_guard_problem", "open_store", "QuadIndex", "QuadSource", "QueryDataset", "QueryResult",
    "ResultTerm",
    "AnswerTooLarge", "late_cost_check", "QueryRunner", "QueryTimeout", "RemoteEngine", "RemoteStore",
    "run_isolated", "safety",
    "BadStoreAddress", "StoreRefused", "StoreUnavailable", "SyntaxProblem", "UnsafeQuery", "explain_syntax",
    "QueryUnsupported", "Busy", "ClientGone", "OverShare", "QuerySlots", "QueueFull", "SlotBudget",
    "slot_budget", "DiskStore", "Cost", "TooCostly", "check_cost", "slow_shape_advice", "VerbatimStore",
    "graph_view", "stop_fork_server",
    # for the build (graph.build)
    "DISK_FORMAT", "GraphStore", "Object", "ParallelLoad", "Subject", "bulk_load", "check_query",
    "disk_store", "inspect_query", "wrap_lines", "wrap_quad",
]
