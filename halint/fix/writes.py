"""Writing files: every file of a run, or none, each as it was (owner, group, mode, links).

`halint fix` writes the fixed files of a tree, `halint compile` the files of DIR, `--output` one
report. A run that could write one file and not the next would leave a tree half fixed (two
peers that no longer agree, a zone edited without its serial bump): every file is made ready
first, and the first that cannot be stops the run before anything is changed, with one line
naming it. Only the standard library is imported: a `halint check --output FILE` answered from
the result cache comes through here too.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class CannotWrite(Exception):
    """A file of the run cannot be written; the message names it and says what was written."""

    def __init__(self, message: str, path: Path | None = None, why: str = ""):
        super().__init__(message)
        self.path = path  #: the file that could not be written, as it was given
        self.why = why  #: "permission denied"


class _Ready:
    """One file made ready: its new bytes in ``tmp`` (renamed over it), or, when ``tmp`` is
    None, to be written into the file itself."""

    __slots__ = ("data", "name", "path", "tmp", "truncate")

    def __init__(self, path: Path, data: bytes, name: Path, tmp: str | None = None, truncate: bool = True):
        self.path = path  #: the file written (a symbolic link's target)
        self.data = data
        self.name = name  #: the path as it was given (messages)
        self.tmp = tmp
        self.truncate = truncate  #: False for a device or a FIFO (``--output /dev/stdout``)


def write_files(files: dict[Path, bytes], own_copies: bool = False) -> None:
    """Write every file, or none: each one is made ready first, and a file that cannot be
    written stops the run (:class:`CannotWrite`) before anything is changed.

    A file is replaced by a rename (a reader never sees half a file): its new bytes go to a
    temporary file beside it that takes the original's owner, group and mode first (root
    running `halint fix` on someone else's file must not leave a root-owned one). It is
    rewritten in place instead, keeping its inode, when a rename would do harm: it has hard
    links (the other names would keep the old text), or the temporary file cannot take its
    owner (a user allowed to write the file but not to chown it), or its folder may not be
    written. A symbolic link is written through (its target is the file; the link stays). A file
    the process may not write (tried by opening it for writing, which changes nothing) is not
    written by a rename in a writable folder either: a read-only file keeps its content and its
    owner. ``own_copies``: the files are halint's own copies (compile's DIR), replaced whatever
    their mode, and a link among them replaced rather than followed. A path that does not exist
    yet is created (its folder must exist), with the umask's mode."""
    ready: list[_Ready] = []
    try:
        for path, data in files.items():
            ready.append(_make_ready(Path(path), data, own_copies))
    except CannotWrite:
        _discard(ready)
        raise
    done: list[Path] = []
    for index, item in enumerate(ready):
        try:
            if item.tmp is not None:
                os.replace(item.tmp, item.path)
            else:
                _write_into(item)
        except OSError as err:  # after every file was made ready: a full disk, a file system gone
            _discard(ready[index:])
            written = f"{len(done)} other file(s) were written ({', '.join(_shown(p) for p in done)})" if done else "nothing was written"
            raise CannotWrite(f"cannot write {_shown(item.name)}: {_why(err)}; {written}", item.name, _why(err)) from None
        done.append(item.name)


def _make_ready(path: Path, data: bytes, own_copies: bool) -> _Ready:
    # a link is written through; among halint's own copies it is replaced (it may lead anywhere)
    real = Path(os.path.abspath(path)) if own_copies else Path(os.path.realpath(path))
    try:
        try:
            info = os.lstat(real) if own_copies else os.stat(path)
        except FileNotFoundError:
            return _Ready(real, data, path, tmp=_temporary(real, data, None))
        if own_copies and stat.S_ISLNK(info.st_mode):
            return _Ready(real, data, path, tmp=_temporary(real, data, None))
        if not stat.S_ISREG(info.st_mode):
            # a device or a FIFO (``--output /dev/stdout``, a link to /proc/self/fd/1 that
            # realpath cannot follow): written into by the name given, never replaced
            if not stat.S_ISFIFO(info.st_mode):  # (opening a FIFO waits for its reader)
                os.close(os.open(path, os.O_WRONLY | _CLOEXEC))
            return _Ready(Path(path), data, path, truncate=False)
        if not own_copies:
            os.close(os.open(real, os.O_WRONLY | _CLOEXEC))
            if info.st_nlink > 1:
                return _Ready(real, data, path)
        try:
            return _Ready(real, data, path, tmp=_temporary(real, data, info))
        except PermissionError:
            if own_copies:
                raise
            return _Ready(real, data, path)  # the folder, or the owner: in place
    except OSError as err:
        raise CannotWrite(f"cannot write {_shown(path)}: {_why(err)}; nothing was written", path, _why(err)) from None


def _temporary(path: Path, data: bytes, info: os.stat_result | None) -> str:
    """A new file beside ``path`` holding ``data``, with ``info``'s owner, group and mode (the
    owner first: a chown clears the set-user-ID bit), else the umask's mode."""
    for _ in range(100):
        tmp = str(path.with_name(f".{path.name}.{secrets.token_hex(4)}.halint-tmp"))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o600 if info else 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name beside {path}")
    try:
        with open(fd, "wb", closefd=True) as handle:
            handle.write(data)
            handle.flush()
            if info is not None:
                mine = os.fstat(fd)
                if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
                    os.fchown(fd, info.st_uid, info.st_gid)
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _write_into(item: _Ready) -> None:
    """The file's own inode rewritten: hard links, owner and mode stay as they are."""
    fd = os.open(item.path, os.O_WRONLY | _CLOEXEC)
    try:
        view = memoryview(item.data)
        while view:
            view = view[os.write(fd, view):]
        if item.truncate:
            os.ftruncate(fd, len(item.data))
    finally:
        os.close(fd)


def _discard(ready: list[_Ready]) -> None:
    for item in ready:
        if item.tmp is not None:
            try:
                os.unlink(item.tmp)
            except OSError:
                pass


def _why(err: OSError) -> str:
    """An OSError as the end of a sentence: "permission denied", "read-only file system"."""
    why = err.strerror or str(err)
    return why[:1].lower() + why[1:]


def _shown(path: Path) -> str:
    """A path as every output shows it: relative to the current folder (halint.core.source's
    display_path, which this module does not import)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = str(path)
    return rel.replace(os.sep, "/")


def check_writable(path: Path) -> None:
    """Raise :class:`CannotWrite` when ``path`` could not be written now: the same checks as
    :func:`write_files`, with nothing left behind (a run that writes other files first, such as
    `halint fix --output FILE`, checks its FILE before them)."""
    _discard([_make_ready(Path(path), b"", False)])
