"""`halint compile PATH -o DIR`: the corrected tree, written to DIR, never touching the input.

Every file of the checked tree is copied byte for byte (``.git`` and other dot-folders are not
part of the tree), then each file a fix changed is written with its new text, in its own
encoding, except where the file's format writes its corrections itself (its declaration's
``compile`` hook: a router is not corrected by editing a file in git, so its files are copied
unchanged and the corrections go to ``<router>.fix.ios``, the IOS commands an engineer pastes
into the device; halint reads that file as the router's last change script, so checking the
compiled tree sees the corrected state).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from halint.engine.check import Options, tree_root
from halint.formats import formats
from halint.fix.loop import FixOutcome, fix_tree
from halint.core.fsview import SameFile
from halint.core.source import display_path
from halint.fix.writes import CannotWrite, write_files


class CompileError(Exception):
    """DIR cannot be used (inside the input, not empty without --force, not writable)."""


def _inside(path: Path, root: Path) -> bool:
    path, root = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    return path == root or root in path.parents


def _check_out(out: Path, root: Path, force: bool) -> None:
    if _inside(out, root):
        raise CompileError(f"-o {out}: the output folder is inside the checked tree {root}")
    if _inside(root, out):
        raise CompileError(f"-o {out}: the checked tree {root} is inside the output folder")
    if out.exists() and not out.is_dir():
        raise CompileError(f"-o {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise CompileError(f"-o {out}: the folder is not empty (use --force to write into it)")


def compile_tree(options: Options, out: Path, unsafe: bool = False, force: bool = False) -> tuple[FixOutcome, list[Path]]:
    """Fix the tree in memory, then write it to ``out``. Returns the fix outcome and the files
    written with new content (router fix scripts included)."""
    roots = {tree_root(p) for p in options.paths}
    if len(roots) != 1:
        raise CompileError("compile takes the paths of one tree (one folder with halint.toml, one git work tree, or one folder)")
    [root] = roots
    out = Path(os.path.abspath(out))
    _check_out(out, root, force)
    result = fix_tree(Options(**{**options.__dict__, "paths": [root]}), unsafe=unsafe)
    changed = result.changed()
    projects = result.final.projects if result.final is not None else []
    same = SameFile(project.tree.root for project in projects) if projects else SameFile([root])
    outputs: dict[Path, bytes] = {}  #: what DIR gets besides the copy, in the order reported
    handled: set[Path] = set()
    extra: dict[Path, bytes] = {}
    for fmt in formats():
        if fmt.compile is not None:
            theirs, files = fmt.compile(projects, changed, result.originals, same)
            handled |= theirs
            extra.update(files)
    for path, (_, fixed) in sorted(changed.items()):
        if path not in handled:
            outputs[out / Path(os.path.abspath(path)).relative_to(root)] = fixed.encode(fixed.text)
    for path, data in extra.items():
        outputs[out / Path(os.path.abspath(path)).relative_to(root)] = data
    _write_out(root, out, outputs)
    written = list(outputs)
    return result, written


class _CopyFailed(Exception):
    """A file of the tree could not be copied into DIR (not an OSError: copytree would collect
    it and go on copying)."""

    def __init__(self, path: str, err: OSError, verb: str):
        super().__init__(path)
        self.path, self.err, self.verb = path, err, verb


def _copy(source: str, target: str) -> None:
    """copytree's copy of one file; a link already in DIR (a --force run) is replaced, never
    written through."""
    try:
        if os.path.islink(target):
            os.unlink(target)
        shutil.copy2(source, target)
    except OSError as err:
        reading = err.filename is not None and os.path.abspath(err.filename) == os.path.abspath(source)
        raise _CopyFailed(source if reading else target, err, "read" if reading else "write") from None


def _write_out(root: Path, out: Path, outputs: dict[Path, bytes]) -> None:
    """The copy of the tree, then ``outputs`` over it (halint.fix.writes: all or none). When a file
    cannot be copied or written, a DIR that was empty is emptied again (nothing half compiled is
    left to be mistaken for the result) and the message names the file."""
    created = not out.exists()
    was_empty = created or not any(out.iterdir())

    def fail(verb: str, path, why: str) -> CompileError:
        if was_empty:
            _empty(out, created)
        left = "nothing was written" if was_empty else f"{display_path(out)} may hold part of the compiled tree"
        return CompileError(f"cannot {verb} {display_path(path)}: {why}; {left}")

    try:
        shutil.copytree(root, out, symlinks=True, dirs_exist_ok=True, copy_function=_copy,
                        ignore=lambda folder, names: [n for n in names if n.startswith(".")])
    except _CopyFailed as failed:
        raise fail(failed.verb, failed.path, _why(failed.err)) from None
    except shutil.Error as err:  # what copytree collected: links, folders' modes and times
        _, target, why = err.args[0][0]
        raise fail("write", target, str(why)) from None
    except OSError as err:
        raise fail("write", err.filename or out, _why(err)) from None
    try:
        for target in outputs:
            target.parent.mkdir(parents=True, exist_ok=True)
        write_files(outputs, own_copies=True)
    except CannotWrite as err:
        raise fail("write", err.path or out, err.why) from None
    except OSError as err:
        raise fail("write", err.filename or out, _why(err)) from None


def _empty(out: Path, created: bool) -> None:
    """Remove what a failed compile put into ``out`` (a folder it found empty, or made)."""
    try:
        for folder, _, _ in os.walk(out):  # a read-only folder copied from the tree
            if folder != str(out):
                os.chmod(folder, 0o700)
        if created:
            shutil.rmtree(out, ignore_errors=True)
            return
        for entry in os.scandir(out):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
    except OSError:
        pass


def _why(err: OSError) -> str:
    why = err.strerror or str(err)
    return why[:1].lower() + why[1:]
