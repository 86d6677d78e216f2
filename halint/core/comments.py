"""Where a file's comments are: the scanners every format's declaration picks its comment syntax
from (halint.formats.*.FORMAT.comments). A cheap scan of the text, never a parser: it only has
to know where comments are (outside quoted strings), for inline suppressions.

* :func:`anywhere` (keepalived.conf(5): ``#`` and ``!`` start a comment anywhere outside double
  quotes, ``\\#`` and ``\\!`` are literal, lib/parser.c decomment(); RFC 1035 section 5.1: ``;``
  in a zone file, ``\\;`` literal);
* :func:`whole_lines` (interfaces(5): a line whose first non-blank character is ``#``, no
  end-of-line comments, and a line after one ending in a backslash continues it; IOS: a line
  whose first non-blank character is ``!``);
* :func:`c_style` (named.conf(5): ``#`` and ``//`` to the end of the line, ``/* ... */``
  anywhere, outside double-quoted strings).

Each returns a function of the text giving (start, end) of every comment, marker included.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

#: a comment scanner: the text -> (start, end) of each comment
Scanner = Callable[[str], Iterable[tuple[int, int]]]

BLANKS = " \t"
_C_SPECIAL = re.compile(r'["#/]')


def line_end(text: str, pos: int) -> int:
    """End of the line holding ``pos``, without its line break."""
    nl = text.find("\n", pos)
    end = len(text) if nl == -1 else nl
    while end > pos and text[end - 1] == "\r":
        end -= 1
    return end


def _skip_string(text: str, i: int, multiline: bool) -> int:
    """Offset after the double-quoted string opening at ``i`` (backslash escapes a character);
    an unclosed string ends at its line's end (or the text's end when ``multiline``)."""
    n = len(text)
    j = i + 1
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == '"':
            return j + 1
        if c == "\n" and not multiline:
            return j
        j += 1
    return n


def anywhere(markers: str) -> Scanner:
    """Comments starting at any of ``markers`` outside double quotes, to the end of their line;
    a backslash makes the next character literal."""
    special = re.compile("[" + re.escape('"\\' + markers) + "]")

    def scan(text: str) -> Iterable[tuple[int, int]]:
        i, n = 0, len(text)
        while i < n:
            match = special.search(text, i)
            if match is None:
                return
            i = match.start()
            c = text[i]
            if c == '"':
                i = _skip_string(text, i, multiline=False)
            elif c == "\\":
                i += 1 if i + 1 < n and text[i + 1] == "\n" else 2
            else:
                end = line_end(text, i)
                yield i, end
                i = end

    return scan


def whole_lines(marker: str, continuation: bool) -> Scanner:
    """Lines whose first non-blank character is ``marker`` (``continuation``: a line after one
    ending in a backslash belongs to that one and is never a comment, as in ifupdown)."""

    def scan(text: str) -> Iterable[tuple[int, int]]:
        pos, n = 0, len(text)
        continued = False
        while pos < n:
            end = line_end(text, pos)
            nl = text.find("\n", pos)
            nxt = n if nl == -1 else nl + 1
            first = pos
            while first < end and text[first] in BLANKS:
                first += 1
            is_comment = first < end and text[first] == marker and not continued
            if is_comment:
                yield first, end
            continued = continuation and not is_comment and end > pos and text[end - 1] == "\\"
            pos = nxt

    return scan


def c_style(text: str) -> Iterable[tuple[int, int]]:
    """``#`` and ``//`` to the end of the line, ``/* ... */`` anywhere, outside double quotes
    (a string may span lines)."""
    i, n = 0, len(text)
    while i < n:
        match = _C_SPECIAL.search(text, i)
        if match is None:
            return
        i = match.start()
        c = text[i]
        if c == '"':
            i = _skip_string(text, i, multiline=True)
        elif c == "#" or text.startswith("//", i):
            end = line_end(text, i)
            yield i, end
            i = end
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            end = n if close == -1 else close + 2
            yield i, end
            i = end
        else:
            i += 1
