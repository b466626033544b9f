"""What the benchmark scripts share: timing a call and printing a two-column table."""
from __future__ import annotations

import time


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """Seconds taken by ``fn(*args, **kwargs)`` and its result."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def print_table(rows: list[tuple[str, str]]) -> None:
    """Two aligned columns."""
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 20}")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
