"""The git base version of files, for the comparisons that need history (ZN004, HA013, --new-only).

Which base (INTERFACE.md, ``--base``), first found wins:

1. the reference given: ``--base REF``, else the manifest's ``base``;
2. inside a pre-commit run (pre-commit exports ``PRE_COMMIT=1`` to its hooks, pre-commit PR
   #1467): HEAD. The checked files are then the staged versions, because pre-commit stashes
   unstaged changes before running hooks: the comparison is "the index against HEAD";
3. GitHub Actions on a pull request (``GITHUB_BASE_REF`` names the target branch): the
   merge-base of HEAD and ``origin/<GITHUB_BASE_REF>``. On a ``pull_request`` event HEAD is
   GitHub's merge of the branch into its target; the merge-base is the target as it was merged,
   so a target that moved since is not counted as the change;
4. GitLab merge-request pipelines: ``CI_MERGE_REQUEST_DIFF_BASE_SHA`` (GitLab's own merge-base
   of the source and target branches);
5. HEAD.

A comparison that cannot run (no git, no commit yet, a base that a shallow clone lacks) is
skipped with a sentence saying why, which the engine prints on stderr by default; a base equal
to the work tree (nothing to compare) is said the same way. A reference named explicitly that
does not exist is a usage error instead: the user asked for that comparison.

Only ``git`` itself is run (``rev-parse``, ``merge-base``, ``diff --quiet``, ``ls-files``,
``ls-tree``, ``cat-file``), never a hook, an alias, an external diff or textconv driver, or
anything named by a config; ``core.fsmonitor`` is switched off for these calls.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from halint.core.fsview import SourceCache
from halint.core.limits import DEFAULT, Limits
from halint.core.source import Source, SourceError, decode, display_path

GIT_TIMEOUT = 30

#: how a skipped comparison names the history a shallow clone lacks, per CI
GITHUB_DEPTH = "set `fetch-depth: 0` on actions/checkout"
GITLAB_DEPTH = 'set `GIT_DEPTH: "0"` in the job\'s variables'


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
    #: the work tree under the checked root holds exactly the base's files: every comparison
    #: with it finds nothing (said on stderr: a CI job that compares with itself checks nothing)
    unchanged: bool = False
    #: (a tree, the folder it stands for): files under the first are looked up as the same
    #: files under the second (`halint compile` checks DIR against the source tree's base)
    alias: tuple[Path, Path] | None = None
    _blobs: dict[Path, bytes | None] = field(default_factory=dict)

    def relative(self, path: Path) -> str | None:
        """``path`` as a path of the repository (posix, from the top level), or None."""
        key = Path(os.path.abspath(path))
        if self.alias is not None:
            tree, stands_for = self.alias
            if key == tree or tree in key.parents:
                key = stands_for / key.relative_to(tree)
        try:
            return Path(os.path.realpath(key)).relative_to(self.toplevel).as_posix()
        except ValueError:
            return None

    def data(self, path: Path) -> bytes | None:
        """The file's bytes in the base, or None when it does not exist there (new in git)."""
        key = Path(os.path.abspath(path))
        if key not in self._blobs:
            rel = self.relative(key)
            if rel is None:
                self._blobs[key] = None
                return None
            done = _git(self.toplevel, "cat-file", "blob", f"{self.commit}:{rel}")
            self._blobs[key] = done.stdout if done is not None and done.returncode == 0 else None
        return self._blobs[key]

    def entries(self, root: Path) -> list[tuple[str, str, int, str]] | None:
        """(mode, object name, size, path from the top level) of every file under ``root`` in
        the base commit, or None when git cannot list them."""
        rel = self.relative(root)
        if rel is None:
            return None
        spec = [] if rel == "." else ["--", rel]
        done = _git(self.toplevel, "ls-tree", "-r", "-z", "-l", "--full-tree", self.commit, *spec)
        if done is None or done.returncode != 0:
            return None
        out = []
        for item in done.stdout.split(b"\0"):
            head, tab, name = item.partition(b"\t")
            fields = head.decode("ascii", "replace").split()
            if not tab or len(fields) != 4 or fields[1] != "blob":
                continue  # a submodule (commit) has no content here
            out.append((fields[0], fields[2], int(fields[3]), os.fsdecode(name)))
        return out

    def blobs(self, names: list[str]) -> list[bytes | None]:
        """The contents of these objects, read by one ``git cat-file --batch``."""
        if not names:
            return []
        done = _git(self.toplevel, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode())
        if done is None or done.returncode != 0:
            return [None] * len(names)
        out: list[bytes | None] = []
        data, pos = done.stdout, 0
        for _ in names:
            eol = data.find(b"\n", pos)
            header = data[pos:eol].split() if eol >= 0 else []
            if len(header) != 3:  # "<name> missing", or output cut short
                out.append(None)
                pos = eol + 1 if eol >= 0 else len(data)
                continue
            size = int(header[2])
            out.append(data[eol + 1 : eol + 1 + size])
            pos = eol + 1 + size + 1
        return out


#: bytes of file content fetched by one ``git cat-file --batch`` when writing a base tree out
BATCH_BYTES = 64 * 1024 * 1024


def materialize(base: GitBase, root: Path, dest: Path, limits: Limits = DEFAULT) -> bool:
    """Write the files under ``root`` as they are in ``base`` into the new folder ``dest``
    (modes and symbolic links as committed; hidden files and folders left out, as the walk
    leaves them), so that the base version can be checked like any tree (``--new-only``).
    A file larger than the size limit is written as a sparse file of its size: the check says
    it is too large, as it does for the work tree's. False when git cannot list the files."""
    entries = base.entries(root)
    prefix = base.relative(root)
    if entries is None or prefix is None:
        return False
    strip = "" if prefix == "." else prefix + "/"
    wanted = []
    for mode, obj, size, name in entries:
        if strip and not name.startswith(strip):
            continue
        rel = name[len(strip):]
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        wanted.append((mode, obj, size, rel))
    dest.mkdir(parents=True)
    batch: list[tuple[str, str, str]] = []
    batch_bytes = 0

    real_root = os.path.realpath(root)

    def flush() -> None:
        nonlocal batch_bytes
        for (mode, rel, _), data in zip(batch, base.blobs([obj for _, _, obj in batch])):
            _write_entry(dest, rel, mode, data if data is not None else b"", real_root)
        batch.clear()
        batch_bytes = 0

    for count, (mode, obj, size, rel) in enumerate(wanted):
        if count > limits.files:
            break  # the walk of the base stops at the same limit (and says so)
        if size > limits.file_size:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.truncate(size)
            continue
        batch.append((mode, rel, obj))
        batch_bytes += size
        if batch_bytes >= BATCH_BYTES:
            flush()
    flush()
    return True


def _write_entry(dest: Path, rel: str, mode: str, data: bytes, real_root: str) -> None:
    target = dest / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":  # a symbolic link: its blob is the target's path
        link = os.fsdecode(data)
        if os.path.isabs(link) and (link == real_root or link.startswith(real_root.rstrip("/") + "/")):
            # an absolute link into the tree: into the same file of the copy (else the copy's
            # link would lead out of it, and its findings would not match the work tree's)
            link = str(dest / os.path.relpath(link, real_root))
        try:
            os.symlink(link, target)
        except OSError:
            pass
        return
    with open(target, "wb") as handle:
        handle.write(data)
    os.chmod(target, 0o755 if mode == "100755" else 0o644)


def _shallow(root: Path) -> bool:
    done = _git(root, "rev-parse", "--is-shallow-repository")
    return done is not None and done.returncode == 0 and done.stdout.strip() == b"true"


def _commit(root: Path, rev: str) -> str | None:
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if done is None or done.returncode != 0:
        return None
    return done.stdout.decode().strip()


def _from_environment(root: Path) -> tuple[str, str] | str:
    """(commit, label) of the default base, or why there is none (CI variables, pre-commit)."""
    if os.environ.get("PRE_COMMIT") == "1":
        commit = _commit(root, "HEAD")
        if commit is None:
            return "the git repository has no commit yet"
        return commit, "HEAD (pre-commit: the staged version against HEAD)"
    github = os.environ.get("GITHUB_BASE_REF", "").strip()
    if github:
        target = f"origin/{github}"
        tip = _commit(root, f"refs/remotes/{target}")
        if tip is None:
            shallow = "a shallow clone: " if _shallow(root) else "fetch it: "
            return f"GITHUB_BASE_REF is {github}, but {target} is not in this clone ({shallow}{GITHUB_DEPTH})"
        done = _git(root, "merge-base", "HEAD", tip)
        if done is None or done.returncode != 0:
            hint = f" (a shallow clone: {GITHUB_DEPTH})" if _shallow(root) else ""
            return f"HEAD and {target} have no common commit in this clone{hint}"
        commit = done.stdout.decode().strip()
        return commit, f"the merge-base of HEAD and {target} ({commit[:12]})"
    gitlab = os.environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", "").strip()
    if gitlab:
        commit = _commit(root, gitlab)
        if commit is None:
            hint = f" (a shallow clone: {GITLAB_DEPTH})" if _shallow(root) else ""
            return f"CI_MERGE_REQUEST_DIFF_BASE_SHA {gitlab[:12]} is not in this clone{hint}"
        return commit, f"the merge request's base {commit[:12]}"
    commit = _commit(root, "HEAD")
    if commit is None:
        return "the git repository has no commit yet"
    return commit, "HEAD"


def _unchanged(root: Path, toplevel: Path, commit: str) -> bool:
    """Whether the files under ``root`` are exactly the base's: no tracked file differs in the
    work tree or the index, and no new file is there."""
    try:
        rel = Path(os.path.realpath(root)).relative_to(toplevel).as_posix()
    except ValueError:
        return False
    spec = ["--", rel]
    quiet = ["--quiet", "--no-ext-diff", "--no-textconv", "--ignore-submodules"]
    for cached in ([], ["--cached"]):
        done = _git(toplevel, "diff", *quiet, *cached, commit, *spec)
        if done is None or done.returncode != 0:
            return False
    new = _git(toplevel, "ls-files", "-z", "--others", "--exclude-standard", *spec)
    return new is not None and new.returncode == 0 and not new.stdout


def open_base(root: Path, ref: str | None, alias: tuple[Path, Path] | None = None) -> GitBase | str:
    """The base for the tree at ``root``, or a sentence saying why there is none.

    Raises :class:`BaseError` when ``ref`` was given explicitly and names no commit."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        if ref:
            raise BaseError(f"--base {ref}: git is not available")
        return "git is not available"
    if top.returncode != 0:
        if ref:
            raise BaseError(f"--base {ref}: {root} is not inside a git work tree")
        return f"{display_path(root)} is not inside a git work tree"
    toplevel = Path(os.path.realpath(top.stdout.decode("utf-8", "replace").strip()))
    if ref and set(ref.strip()) == {"0"} and len(ref.strip()) in (40, 64):
        # CI's "before" of a branch's first push (GitHub's github.event.before, GitLab's
        # CI_COMMIT_BEFORE_SHA): there is no previous version, which is not a mistake
        return f"the base {ref.strip()[:12]} is git's null commit (a branch's first push): there is no previous version"
    if ref:
        commit = _commit(root, ref)
        if commit is None:
            hint = f" (this clone is shallow: fetch its history, e.g. {GITHUB_DEPTH})" if _shallow(root) else ""
            raise BaseError(f"--base {ref}: no such commit in {toplevel}{hint}")
        label = ref
    else:
        found = _from_environment(root)
        if isinstance(found, str):
            return found
        commit, label = found
    unchanged = alias is None and _unchanged(root, toplevel, commit)
    return GitBase(toplevel, commit, label, unchanged, alias)


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
