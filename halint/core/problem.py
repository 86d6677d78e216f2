"""What a host-file reader (named.conf, interfaces) says about its input, and a short "where"."""
from __future__ import annotations

from dataclasses import dataclass

from halint.core.source import Span


def at(span: Span) -> str:
    """``file:line:col`` of a span's start, for reprs."""
    line, col = span.source.position(span.start)
    return f"{span.source.path.name}:{line}:{col}"


@dataclass(frozen=True, slots=True, repr=False)
class Problem:
    """Something a reader found. ``level`` "error": the daemon refuses the file (BIND) or fails
    on it (ifupdown); "note": it goes on silently, or the reader made an assumption worth saying;
    "limit": the reader stopped at one of halint's limits (:mod:`halint.core.limits`), HL001."""

    span: Span
    message: str
    level: str = "error"

    def __repr__(self) -> str:
        return f"Problem({self.level} at {at(self.span)}: {self.message})"
