"""The graph layer: sources, validation, reasoning, build and query engines. No Flask here."""
