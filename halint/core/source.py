"""A file's text, its line index, and spans as character offsets.

Everything inside halint speaks in offsets (code points into ``Source.text``, end exclusive);
only :meth:`Source.position` turns an offset into a 1-based line and column, at the edge
(report, fix). Nothing else computes lines or columns.

A UTF-8 byte-order mark is text like any other: ``Source.text`` starts with U+FEFF (one code
point, so it counts as column 1 of line 1), because the daemons read it as text too (keepalived
and BIND make it part of the first word) and because a fix must be able to remove it with an
ordinary edit. A reader for a format whose program ignores the mark starts at
:attr:`Source.content_start`.
"""
from __future__ import annotations

import bisect
import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

#: the UTF-8 byte-order mark (bytes EF BB BF) as the code point that starts ``Source.text``
BOM = "\ufeff"

#: Larger files are HL001 (a keepalived.conf of 7,400 lines is 190 kB; zones get the same cap).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class SourceError(Exception):
    """A file that cannot be turned into text; the message is for the user (HL001)."""


@dataclass(eq=False)
class Source:
    """One file's text. Identity is the object: two reads of one path are two sources."""

    path: Path  #: absolute path on disk
    text: str
    encoding: str = "utf-8"  #: how the bytes decode: "utf-8" or "latin-1" (byte-transparent)
    _line_starts: list[int] | None = field(default=None, repr=False)

    @property
    def bom(self) -> bool:
        """The file starts with a UTF-8 byte-order mark (``text[0]`` is U+FEFF)."""
        return self.text.startswith(BOM)

    @property
    def content_start(self) -> int:
        """Where a reader that ignores a byte-order mark starts: 1 after one, else 0."""
        return 1 if self.text.startswith(BOM) else 0

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset; columns count code points."""
        offset = max(0, min(offset, len(self.text)))
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of 1-based ``line`` without its line break."""
        starts = self.line_starts
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    def line_text(self, line: int) -> str:
        start, end = self.line_span(line)
        return self.text[start:end]

    def encode(self, text: str) -> bytes:
        """Bytes for ``text`` in this file's own encoding (fixes write back what they read). A
        byte-order mark at its start is the three bytes EF BB BF whatever that encoding."""
        if self.encoding != "utf-8" and text.startswith(BOM):
            return b"\xef\xbb\xbf" + text[1:].encode(self.encoding)
        return text.encode(self.encoding)

    def display(self, cwd: Path | None = None) -> str:
        """The path as users see it: relative to ``cwd``, with ``/``."""
        return _display(str(self.path), str(cwd or Path.cwd()))


@functools.lru_cache(maxsize=4096)
def _display(path: str, cwd: str) -> str:
    """display_path, remembered: every finding of a file sorts and prints by it."""
    return display_path(path, Path(cwd))


def display_path(path, cwd: Path | None = None) -> str:
    """A path as users see it in every output: relative to ``cwd`` (default: the current
    directory), with ``/``."""
    base = cwd or Path.cwd()
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive (Windows)
        rel = str(path)
    return rel.replace(os.sep, "/")


@dataclass(frozen=True)
class Span:
    """A range of one source: ``source.text[start:end]``."""

    source: Source
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    def cover(self, other: Span) -> Span:
        """The smallest span of this source holding both (``other`` from the same source)."""
        if other.source is not self.source:
            return self
        return Span(self.source, min(self.start, other.start), max(self.end, other.end))

    @property
    def line(self) -> int:
        return self.source.position(self.start)[0]


def decode(data: bytes, path: Path) -> Source:
    """Text of a file's bytes, or :class:`SourceError` for what is not text.

    UTF-8 first; other bytes decode as Latin-1, which maps every byte to one code point, because
    keepalived, BIND and IOS read bytes and a Latin-1 comment is valid for them. A NUL byte means
    the file is binary (keepalived itself ignores such lines). A byte-order mark stays in the
    text as U+FEFF, also before Latin-1 bytes.
    """
    if b"\0" in data:
        nul = data.index(b"\0")
        raise SourceError(f"binary file (NUL byte at offset {nul})")
    try:
        return Source(path, data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        if data.startswith(b"\xef\xbb\xbf"):
            return Source(path, BOM + data[3:].decode("latin-1"), "latin-1")
        return Source(path, data.decode("latin-1"), "latin-1")


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one file; every failure is a :class:`SourceError` with a user message."""
    try:
        # O_NONBLOCK: a FIFO opens at once instead of waiting for a writer; then anything but a
        # regular file (a FIFO, a device such as /dev/zero, a socket) is refused unread
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb", closefd=True) as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise SourceError("is a directory")
            if not stat.S_ISREG(info.st_mode):
                raise SourceError("not a regular file (a FIFO, a device or a socket): not read")
            if info.st_size > max_bytes:
                raise SourceError(f"file too large ({info.st_size} bytes; the limit is {max_bytes})")
            data = handle.read(max_bytes + 1)
    except SourceError:
        raise
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except FileNotFoundError:
        raise SourceError("no such file") from None
    except OSError as err:
        raise SourceError(err.strerror or str(err)) from None
    if len(data) > max_bytes:
        raise SourceError(f"file too large (over {max_bytes} bytes)")
    return decode(data, path.absolute())
