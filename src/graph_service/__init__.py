"""The Liberation Knowledge Graph: sources, validation, reasoning and a read-only linked-data service."""

__version__ = "0.1.0"
