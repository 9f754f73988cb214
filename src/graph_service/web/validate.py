"""PLACEHOLDER blueprint: filled in by its issue."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("validate", __name__)
