"""Prompt templates, one file per purpose and language.

Each ``<purpose>_<lang>.txt`` holds the system message, a line ``---``, then
the user message. Placeholders are ``{named}`` (``str.format`` style; a
literal brace would be written ``{{``). See README.md for each template's
placeholders.
"""
from __future__ import annotations

from importlib.resources import files

SEPARATOR = "\n---\n"


def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.txt``, e.g. ``load_prompt("answer_zh")``."""
    return files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


def load_messages(name: str) -> tuple[str, str]:
    """A template split into its (system, user) parts at the ``---`` line."""
    system, separator, user = load_prompt(name).partition(SEPARATOR)
    if not separator:
        raise ValueError(f"prompts/{name}.txt has no '---' line between its system and user parts")
    return system.strip(), user.strip()
