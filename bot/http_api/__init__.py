"""`govqa serve`: the HTTP front end (JSON API, uploads, OpenAI-compatible chat)."""
from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
