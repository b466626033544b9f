"""Conversations: the last few answers of each session, bounded in length and count."""
from __future__ import annotations

import threading
from collections import OrderedDict, deque

from .types import Answer


class SessionStore:
    """In-memory sessions; the least recently used is dropped past ``max_sessions``."""

    def __init__(self, *, max_turns: int, max_sessions: int) -> None:
        self._max_turns = max_turns
        self._max_sessions = max_sessions
        self._sessions: OrderedDict[str, deque[Answer]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, session_id: str) -> list[Answer]:
        """Earlier answers of this session, oldest first."""
        with self._lock:
            turns = self._sessions.get(session_id)
            if turns is None:
                return []
            self._sessions.move_to_end(session_id)
            return list(turns)

    def record(self, session_id: str, answer: Answer) -> None:
        """Append an answer to its session."""
        with self._lock:
            turns = self._sessions.setdefault(session_id, deque(maxlen=self._max_turns))
            turns.append(answer)
            self._sessions.move_to_end(session_id)
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)

    def reset(self, session_id: str) -> None:
        """Forget one session."""
        with self._lock:
            self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._sessions)
