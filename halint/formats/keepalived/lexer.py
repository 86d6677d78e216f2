"""keepalived's physical lines as lexemes: words, quoted strings, braces, comments and trivia.

The lexemes of a text cover it exactly, with no gap and no overlap, so tokens plus trivia give
back the original bytes (a property test holds this). The rules are keepalived's decomment()
(lib/parser.c): ``#`` and ``!`` start a comment outside double quotes; ``\\#`` and ``\\!`` are
literal; a ``\\`` followed by any character is an escape pair; a ``\\`` that ends the line
continues it. Up to keepalived 2.3.x, that last rule applies even at the end of a comment
(the comment is dropped, the continuation kept); keepalived 2.4.0 ends the line at the comment.

Kinds: ``WS`` blanks, ``NL`` a line break (``\\n`` with any ``\\r`` before it), ``WORD``,
``STRING`` (``"..."``, closed), ``OPEN_STRING`` (a ``"`` never closed on its line), ``LBRACE``,
``RBRACE``, ``COMMENT``, ``CONT`` (the ``\\`` that continues a line).
"""
from __future__ import annotations

from dataclasses import dataclass

BLANKS = " \t"
WORD_STOP = set(' \t"{}#!')


@dataclass(frozen=True, slots=True)
class Lexeme:
    kind: str
    start: int
    end: int


def lex_line(text: str, base: int = 0, comment_continues: bool = True) -> list[Lexeme]:
    """Lexemes of one line without its line break (offsets shifted by ``base``)."""
    out: list[Lexeme] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in BLANKS:
            j = i + 1
            while j < n and text[j] in BLANKS:
                j += 1
            out.append(Lexeme("WS", base + i, base + j))
            i = j
        elif ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" and j + 1 < n else 1
            if j < n:
                out.append(Lexeme("STRING", base + i, base + j + 1))
                i = j + 1
            else:
                cont = n - 1 if n - 1 > i and text[n - 1] == "\\" and _lone_backslash(text, i + 1, n) else n
                out.append(Lexeme("OPEN_STRING", base + i, base + cont))
                if cont < n:
                    out.append(Lexeme("CONT", base + cont, base + n))
                i = n
        elif ch == "{":
            out.append(Lexeme("LBRACE", base + i, base + i + 1))
            i += 1
        elif ch == "}":
            out.append(Lexeme("RBRACE", base + i, base + i + 1))
            i += 1
        elif ch in "#!":
            end = n
            if comment_continues and text[n - 1] == "\\" and _lone_backslash(text, i + 1, n):
                end = n - 1
            out.append(Lexeme("COMMENT", base + i, base + end))
            if end < n:
                out.append(Lexeme("CONT", base + end, base + n))
            i = n
        elif ch == "\\" and i + 1 == n:
            out.append(Lexeme("CONT", base + i, base + n))
            i = n
        else:
            j = i
            while j < n:
                c = text[j]
                if c == "\\":
                    if j + 1 == n:
                        break  # a continuation: its own lexeme
                    j += 2
                    continue
                if c in WORD_STOP:
                    break
                j += 1
            out.append(Lexeme("WORD", base + i, base + j))
            i = j
    return out


def _lone_backslash(text: str, start: int, end: int) -> bool:
    """Whether the ``\\`` at ``end - 1`` is not the second half of an escape pair, scanning
    escape pairs from ``start`` as decomment() does."""
    i = start
    while i < end:
        if text[i] == "\\":
            if i + 1 >= end:
                return True
            i += 2
        else:
            i += 1
    return False


def lex(text: str, comment_continues: bool = True) -> list[Lexeme]:
    """Lexemes of a whole file, line breaks included."""
    out: list[Lexeme] = []
    start = 0
    length = len(text)
    while start < length:
        nl = text.find("\n", start)
        end = length if nl == -1 else nl
        content_end = end
        while content_end > start and text[content_end - 1] == "\r":
            content_end -= 1
        out.extend(lex_line(text[start:content_end], start, comment_continues))
        if nl == -1:
            if content_end < end:
                out.append(Lexeme("NL", content_end, end))
            break
        out.append(Lexeme("NL", content_end, nl + 1))
        start = nl + 1
    return out
