"""The phrases messages and notes are built from, written once: lists, a place in a file, a
capital letter. A place is named by host, file name and line ("web2's keepalived.conf line 9"),
never by a path relative to the current directory: a message reads the same wherever halint ran
(its location, printed before it, carries the path)."""
from __future__ import annotations

from halint.core.source import Span


def and_list(items) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def or_list(items) -> str:
    """"a", "a or b", "a, b or c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def file_line(span: Span, host: str | None) -> str:
    """``web2's keepalived.conf line 9``: stable whatever the current directory."""
    name = span.source.path.name
    line = span.line
    return f"{host}'s {name} line {line}" if host else f"{name} line {line}"


def plural(count: int, word: str, words: str | None = None) -> str:
    """"1 check", "2 checks" (``words``: an irregular plural)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"
