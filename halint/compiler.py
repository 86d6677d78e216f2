"""`halint compile PATH -o DIR`: the corrected tree, written to DIR, never touching the input.

Every file of the checked tree is copied byte for byte (``.git`` and other dot-folders are not
part of the tree), then each file a fix changed is written with its new text, in its own
encoding. Routers are different: a router is not corrected by editing a file in git, so their
files are copied unchanged and the corrections go to ``<router>.fix.ios`` beside the
running-config (``routers/`` by default): the IOS commands an engineer pastes into the device.
halint reads that file as the router's last change script, so checking the compiled tree sees
the corrected state.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from halint.engine import Options, tree_root
from halint.fixer import FixOutcome, fix_tree
from halint.source import Source


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
    routers = _router_files(result)
    changed = result.changed()
    try:
        shutil.copytree(root, out, symlinks=True, dirs_exist_ok=True,
                        ignore=lambda folder, names: [n for n in names if n.startswith(".")])
    except OSError as err:
        raise CompileError(f"-o {out}: cannot copy the tree: {err}") from None
    written: list[Path] = []
    router_changes: dict[str, list[tuple[Source, str]]] = {}
    for path, (original, fixed) in sorted(changed.items()):
        if path in routers:
            router_changes.setdefault(routers[path], []).append((original, fixed.text))
            continue
        target = out / Path(os.path.abspath(path)).relative_to(root)
        _write(target, fixed.encode(fixed.text))
        written.append(target)
    for name, changes in sorted(router_changes.items()):
        from halint.fix_ios import fix_script

        touched = {Path(original.path) for original, _ in changes}
        # the router's unchanged files: what its change scripts already remove or add matters
        others = [result.originals.get(p) or _read(p) for p, n in routers.items() if n == name and p not in touched]
        script = fix_script(name, changes, [o for o in others if o is not None])
        if script is None:
            continue
        folder = out / Path(os.path.abspath(changes[0][0].path)).parent.relative_to(root)
        target = folder / f"{name}.fix.ios"
        _write(target, script.encode("utf-8"))
        written.append(target)
    return result, written


def _router_files(result: FixOutcome) -> dict[Path, str]:
    """Every running-config and change script of the checked tree -> its router's name."""
    files: dict[Path, str] = {}
    if result.final is None:
        return files
    for project in result.final.projects:
        for router in project.routers:
            for source in (router.running, *router.scripts):
                if source is not None:
                    files[Path(source.path)] = router.name
    return files


def _read(path: Path) -> Source | None:
    from halint.source import SourceError, read_source

    try:
        return read_source(path)
    except SourceError:
        return None


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.halint-tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise CompileError(f"cannot write {target}: {err.strerror or err}") from None
