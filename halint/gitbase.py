"""The git base version of files, for the comparisons that need history (ZN004, later HA013).

Which base (INTERFACE.md, ``--base``): the reference given (``--base REF`` or the manifest's
``base``); otherwise HEAD. Inside a pre-commit run (pre-commit exports ``PRE_COMMIT=1`` to its
hooks, pre-commit PR #1467) the checked files are the staged versions, because pre-commit
stashes unstaged changes before running hooks; the comparison is then "the index against HEAD",
and outside it "the working tree against HEAD". No git, no commit yet, or a file that is new in
git: the comparison is skipped and a --verbose note says why.

Only ``git`` itself is run (``rev-parse``, ``cat-file``), never a hook, an alias or anything
named by a config; ``core.fsmonitor`` is switched off for these calls.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from halint.fsview import SourceCache
from halint.limits import DEFAULT, Limits
from halint.source import Source, SourceError, decode

GIT_TIMEOUT = 30


class BaseError(Exception):
    """The base the user named does not exist (a usage error, exit 2)."""


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess | None:
    exe = shutil.which("git")
    if exe is None:
        return None
    # a git hook exports GIT_DIR / GIT_INDEX_FILE relative to its own directory: let git find
    # the repository from ``cwd`` instead
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    try:
        return subprocess.run(
            [exe, "-c", "core.fsmonitor=false", *args],
            cwd=cwd, input=stdin, capture_output=True, timeout=GIT_TIMEOUT, env=env, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None


@dataclass
class GitBase:
    """One resolved base: a commit of one work tree."""

    toplevel: Path
    commit: str  #: full object name
    label: str  #: how messages name it: "HEAD", "origin/main"
    _blobs: dict[Path, bytes | None] = field(default_factory=dict)

    def data(self, path: Path) -> bytes | None:
        """The file's bytes in the base, or None when it does not exist there (new in git)."""
        key = Path(os.path.realpath(path))
        if key not in self._blobs:
            try:
                rel = key.relative_to(self.toplevel).as_posix()
            except ValueError:
                self._blobs[key] = None
                return None
            done = _git(self.toplevel, "cat-file", "blob", f"{self.commit}:{rel}")
            self._blobs[key] = done.stdout if done is not None and done.returncode == 0 else None
        return self._blobs[key]


def open_base(root: Path, ref: str | None) -> GitBase | str:
    """The base for the tree at ``root``, or a sentence saying why there is none.

    Raises :class:`BaseError` when ``ref`` was given explicitly and names no commit."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        if ref:
            raise BaseError(f"--base {ref}: git is not available")
        return "git is not available: comparisons with the previous version (ZN004) are skipped"
    if top.returncode != 0:
        if ref:
            raise BaseError(f"--base {ref}: {root} is not inside a git work tree")
        return f"{root} is not inside a git work tree: comparisons with the previous version (ZN004) are skipped"
    toplevel = Path(os.path.realpath(top.stdout.decode("utf-8", "replace").strip()))
    name = ref or "HEAD"
    resolved = _git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    if resolved is None or resolved.returncode != 0:
        if ref:
            raise BaseError(f"--base {ref}: no such commit in {toplevel}")
        return "the git repository has no commit yet: comparisons with the previous version (ZN004) are skipped"
    label = name
    if ref is None and os.environ.get("PRE_COMMIT") == "1":
        label = "HEAD (pre-commit: the staged version against HEAD)"
    return GitBase(toplevel, resolved.stdout.decode().strip(), label)


class BaseSourceCache(SourceCache):
    """A :class:`SourceCache` that reads every file as it is in the base commit, so that a base
    zone's $INCLUDE files come from the same commit. Files absent there are SourceErrors."""

    def __init__(self, base: GitBase, limits: Limits = DEFAULT):
        super().__init__(limits)
        self.base = base

    def get(self, path: Path) -> Source | SourceError:
        key = Path(os.path.abspath(path))
        if key not in self._cache:
            data = self.base.data(key)
            if data is None:
                self._cache[key] = SourceError(f"not in {self.base.label}")
            elif len(data) > self.limits.file_size:
                self._cache[key] = SourceError(f"file too large in {self.base.label}")
            else:
                try:
                    self._cache[key] = decode(data, key)
                except SourceError as err:
                    self._cache[key] = err
        return self._cache[key]
