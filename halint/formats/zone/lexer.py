"""Zone-file text as logical lines of words, with offsets: BIND's lexer (lib/isc/lex.c) for
master files.

Words are separated by spaces and tabs; ``;`` starts a comment (outside quotes, unless
escaped); ``(`` and ``)`` are delimiters that join physical lines into one logical line (a
newline inside them is a blank); ``"..."`` is one word (a newline inside it is an error unless
escaped); ``\\X`` makes any character part of a word. A logical line that starts with a blank
continues the previous owner (ISC_LEXOPT_INITIALWS).

Most lines of a real zone are plain (ASCII, no quote, backslash or parenthesis): they are split
with ``str.split`` and no per-word offsets are computed (:func:`word_offsets` recovers them on
demand). Everything else goes through a regular-expression scanner that records where each
word starts.
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

#: a line that needs the full scanner (str.split() would treat \v \f \x1c-\x1f as blanks)
_SLOW = re.compile(r'["\\()\x0b\x0c\x1c-\x1f]')
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<comment>;[^\n]*)
  | (?P<q>"(?:[^"\\\n]|\\[^\n]|\\\n)*")
  | (?P<badq>"(?:[^"\\\n]|\\[^\n]|\\\n)*)
  | (?P<lp>\()
  | (?P<rp>\))
  | (?P<word>(?:[^ \t\r\n;"()\\]|\\[^\n\r]|\\(?=[\r\n]|\Z))+)
    """,
    re.VERBOSE,
)


class Entry(NamedTuple):
    """One logical line. ``words`` keep their quotes and escapes as written."""

    line_start: int  #: offset of the physical line it begins on
    start: int  #: offset of the first word (the line start when there is none)
    end: int  #: end offset of the last word
    initial_ws: bool  #: the line starts with a blank: the owner is the previous one
    words: list[str]
    offsets: list[int] | None  #: start offset of each word (None: not computed)
    error: tuple[int, int, str] | None  #: (start, end, message) of a lexical error


def entries(text: str, pos: int = 0) -> Iterator[Entry]:
    """Every logical line of ``text`` from ``pos`` (a line start) that has words or an error."""
    size = len(text)
    find = text.find
    slow = _SLOW.search
    while pos < size:
        nl = find("\n", pos)
        stop = size if nl == -1 else nl
        line = text[pos:stop]
        if line.isascii() and not slow(line):
            cut = line.find(";")
            part = line if cut == -1 else line[:cut]
            words = part.split()
            if words:
                lead = len(part) - len(part.lstrip())
                yield Entry(pos, pos + lead, pos + len(part.rstrip()), lead > 0 and part[0] in " \t", words, None, None)
            pos = stop + 1
            continue
        entry, pos = _scan(text, pos)
        if entry is not None:
            yield entry


def _scan(text: str, pos: int) -> tuple[Entry | None, int]:
    """The logical line starting at ``pos`` (a physical line start), and where the next begins."""
    line_start = pos
    initial_ws = text[pos : pos + 1] in (" ", "\t")
    depth = 0
    open_at: list[int] = []
    words: list[str] = []
    offsets: list[int] = []
    error = None
    match = _TOKEN.match
    size = len(text)
    while pos < size:
        m = match(text, pos)
        if m is None:  # cannot happen: every character starts some token
            pos += 1
            continue
        kind = m.lastgroup
        end = m.end()
        if kind == "nl":
            pos = end
            if depth == 0:
                break
            continue
        if kind in ("ws", "comment"):
            pos = end
            continue
        if kind == "lp":
            depth += 1
            open_at.append(pos)
        elif kind == "rp":
            if depth == 0:
                error = error or (pos, end, "`)` without a matching `(`")
            else:
                depth -= 1
                open_at.pop()
        elif kind == "badq":
            error = error or (pos, end, "unterminated quoted string (a newline inside quotes must be escaped)")
            # BIND gives up on the line; skip to its end
            nl = text.find("\n", end)
            pos = size if nl == -1 else nl + 1
            depth = 0
            break
        else:
            words.append(m.group())
            offsets.append(pos)
        pos = end
    else:
        if depth:
            error = error or (open_at[0], open_at[0] + 1, "`(` is never closed (unbalanced parentheses)")
    if not words and error is None:
        return None, pos
    start = offsets[0] if offsets else (error[0] if error else line_start)
    last = offsets[-1] + len(words[-1]) if words else (error[1] if error else line_start)
    return Entry(line_start, start, last, initial_ws, words, offsets, error), pos


def word_offsets(text: str, entry: Entry) -> list[int]:
    """Start offsets of an entry's words (scanning again when the fast path skipped them)."""
    if entry.offsets is not None:
        return entry.offsets
    again, _ = _scan(text, entry.line_start)
    return again.offsets if again is not None and again.offsets else []


def joined(entry: Entry, index: int) -> str:
    """The words of ``entry`` from ``index`` on, joined by one space, except where two words
    touch in the file (``key="value"``: the quote is a delimiter, yet SVCB tells the two
    apart from ``key= "value"``)."""
    words = entry.words
    if index + 1 == len(words):
        return words[index]
    offsets = entry.offsets
    if offsets is None:
        return " ".join(words[index:])
    parts = [words[index]]
    for k in range(index + 1, len(words)):
        if offsets[k] != offsets[k - 1] + len(words[k - 1]):
            parts.append(" ")
        parts.append(words[k])
    return "".join(parts)


def unquote(word: str) -> str:
    """A quoted word's content as BIND's qstring keeps it (``\\"`` becomes ``"``)."""
    if len(word) >= 2 and word[0] == '"' and word[-1] == '"':
        return re.sub(r'\\"', '"', word[1:-1])
    return word
