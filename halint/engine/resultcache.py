"""The result cache: a `halint check` whose inputs have not changed prints its last report
without loading anything.

Content-addressed: the key is a hash of halint's version, the Python version, the options that
shape the report (format, codes, threshold, paths, current folder, colour, date), the PRE_COMMIT
setting, the commit the git base resolves to, every manifest that could govern the tree, and the
path and content hash of every file under each checked tree (hidden files are skipped, as the
walk skips them; a file named on the command line is always in; a symbolic link that leads out of
the tree is never opened, as the walk never opens it: where it leads counts instead). A
different byte anywhere gives a different key, so an entry is never stale; it can only be unused.

Why a whole-run cache rather than a cache of per-file models: loading a pickled model costs
about as much as reading the file again. Measured: the 1,000-instance keepalived.conf of
benchmarks/run.py pickles to 7 MB that takes 2.2 s to load, against 2.3 s to read it (and 300
of the generated tree's keepalived.conf files: 0.78 s to load, 0.48 s to read); a 200,000-record
zone, 0.67 s to load against 1.1 s to read. Half of halint's work is cross-file anyway
(inventory, HA rules), which a per-file cache does not spare. The same measurement is why
files are not parsed in worker processes: a worker's model has to come back pickled.

Entries live in ``$XDG_CACHE_HOME/halint`` (else ``~/.cache/halint``), one JSON file per key,
written to a temporary file and renamed (concurrent runs never see half an entry). An entry is
used only when it parses, names the same key and its checksum matches its content; anything
else is ignored (and overwritten by the next run). ``--no-cache`` or ``HALINT_NO_CACHE=1``
bypass it. Nothing here is executed or trusted beyond the three values an entry holds.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path

from halint import __version__
from halint.core.locate import find_manifest, tree_root

FORMAT = 2  #: bump when an entry's shape changes
KEEP = 400  #: entries kept after a prune
PRUNE_ABOVE = 500


class Result:
    """A cached run: what went to stdout (or --output), the --verbose notes, the exit code, the
    warnings printed on stderr by default.
    (A plain class: dataclasses and typing cost more to import than this whole warm path.)"""

    __slots__ = ("report", "notes", "code", "warnings")

    def __init__(self, report: str, notes: tuple[str, ...], code: int, warnings: tuple[str, ...] = ()):
        self.report, self.notes, self.code, self.warnings = report, notes, code, warnings


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "halint" / "results"


def disabled(no_cache: bool) -> bool:
    return no_cache or os.environ.get("HALINT_NO_CACHE", "") not in ("", "0")


_STAMP: list[str] = []


def _code_stamp() -> str:
    """halint's own files (size and mtime of each module, grammar and rule file): an editable
    install or a source checkout changes them without changing __version__, and a cached result
    must not outlive the code that computed it. About 1 ms (one scandir per folder)."""
    if _STAMP:
        return _STAMP[0]
    package = os.path.dirname(os.path.abspath(__file__))
    parts: list[str] = []

    def stamp(path: str) -> None:
        try:
            info = os.stat(path)
        except OSError:
            return
        parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")

    def rule_files(folder: str) -> None:  # <CODE>/rule.toml, not the example trees beside them
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            stamp(os.path.join(entry.path, "rule.toml") if entry.is_dir() else entry.path)

    folders = [package]
    while folders:  # the package: every module (a wheel also holds its grammars and rule data here)
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name == "ruledata":
                rule_files(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                if entry.name not in ("__pycache__", "examples"):
                    folders.append(entry.path)
            elif entry.name.endswith((".py", ".toml", ".lark")):
                stamp(entry.path)
    source = os.path.dirname(package)
    if os.path.isfile(os.path.join(source, "pyproject.toml")):  # a source tree: the data lives beside
        rule_files(os.path.join(source, "grammars"))
        rule_files(os.path.join(source, "rules"))
    _STAMP.append(hashlib.sha256("\n".join(sorted(parts)).encode("utf-8", "surrogateescape")).hexdigest())
    return _STAMP[0]


def key(settings: dict, paths: list[Path], config: Path | None) -> str | None:
    """The key of a check of ``paths`` with ``settings`` (JSON-able), or None when the inputs
    cannot be fingerprinted (a path missing: the run itself says why)."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)

    add(FORMAT, __version__, sys.version_info[:2], json.dumps(settings, sort_keys=True, default=str))
    add(_code_stamp())
    add(os.getcwd(), os.environ.get("PRE_COMMIT", ""))
    if config is not None:
        if not _add_file(add, Path(os.path.abspath(config))):
            return None
    roots: dict[Path, list[Path]] = {}
    for path in paths:
        if not os.path.lexists(path):
            return None
        roots.setdefault(tree_root(path), []).append(Path(os.path.abspath(path)))
    for root in sorted(roots):
        add("tree", root)
        manifest = find_manifest(root)
        add("manifest", manifest or "")
        if manifest is not None and not _add_file(add, manifest):
            return None
        add("base", _git_commits(root, settings.get("base"), manifest or config))
        files = dict(_walk(root))  # path -> whether it is a symbolic link
        files.update((p, True) for p in roots[root] if not p.is_dir())  # named: perhaps through a linked folder
        real_root = os.path.realpath(root)
        for path in sorted(files):
            add("file", path)
            if files[path] and _leads_out(path, real_root):
                # never opened, as the walk never opens it (HL001): where it leads stands for it
                add("outside", os.path.realpath(path))
                continue
            if not _add_file(add, path):
                add("unreadable")
    return digest.hexdigest()


def _leads_out(path: Path, real_root: str) -> bool:
    """Whether a path resolves outside the checked tree (discovery.walk's test)."""
    real = os.path.realpath(path)
    return not (real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep))


def _add_file(add, path: Path) -> bool:
    """The content hash of a regular file (in pieces: a big file costs no memory); a FIFO or a
    device is never opened for reading (it could block or never end): only its kind counts."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            add("special", stat.S_IFMT(info.st_mode))
            return True
        digest = hashlib.blake2b(digest_size=20)
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        add(digest.digest())
        return True
    except OSError as err:
        add("error", err.errno)
        return False


def _walk(root: Path):
    """Every file halint's walk could read under ``root`` (a superset: no exclusions), with
    whether it is a symbolic link (known from the folder listing, without a stat of each file:
    a link that leads out of the tree must not be opened). Linked folders are not entered, as
    the walk does not enter them."""
    folders = [str(root)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                link, folder = entry.is_symlink(), entry.is_dir()
            except OSError:
                continue
            if folder:
                if not link:
                    folders.append(entry.path)
                continue
            yield Path(entry.path), link


def _git_commits(root: Path, base: str | None, manifest: Path | None) -> str:
    """The commits the git base can be: HEAD's and the --base or manifest ref's."""
    folder = root
    while not (folder / ".git").exists():
        if folder.parent == folder:
            return "no git"
        folder = folder.parent
    refs = ["HEAD"] + ([base] if base else [])
    named = _manifest_base(manifest) if manifest is not None and not base else None
    if named:
        refs.append(named)  # a branch such as origin/main moves without any file changing
    github = os.environ.get("GITHUB_BASE_REF", "").strip()
    if github and not base and not named:  # the default base in a pull request (halint/project/gitbase.py)
        refs.append(f"refs/remotes/origin/{github}")
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        done = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "rev-parse", *refs],
            cwd=root, capture_output=True, text=True, env=env, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "git unavailable"
    return f"{done.returncode}:{done.stdout}"


def _manifest_base(path: Path) -> str | None:
    from halint.core.tomlcompat import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("halint", {}) if isinstance(data.get("tool"), dict) else {}
    base = data.get("base") if isinstance(data, dict) else None
    return base if isinstance(base, str) and base.strip() and not base.startswith("-") else None


def get(cache_key: str) -> Result | None:
    path = directory() / f"{cache_key}.json"
    try:
        with open(path, encoding="utf-8") as handle:
            entry = json.load(handle)
        body = entry["body"]
        if entry.get("key") != cache_key or entry.get("check") != _checksum(body):
            return None
        report, notes, code, warnings = body["report"], body["notes"], body["code"], body["warnings"]
        if not isinstance(report, str) or not isinstance(notes, list) or not isinstance(warnings, list) or code not in (0, 1):
            return None
        if not all(isinstance(n, str) for n in notes + warnings):
            return None
        return Result(report, tuple(notes), code, tuple(warnings))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def put(cache_key: str, result: Result) -> None:
    """Store an entry; a cache that cannot be written is skipped silently."""
    import tempfile

    folder = directory()
    body = {"report": result.report, "notes": list(result.notes), "code": result.code, "warnings": list(result.warnings)}
    entry = {"key": cache_key, "halint": __version__, "check": _checksum(body), "body": body}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle)
            os.replace(tmp, folder / f"{cache_key}.json")
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder)
    except OSError:
        return


def _checksum(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8", "surrogateescape")).hexdigest()


def _prune(folder: Path) -> None:
    entries = [e for e in os.scandir(folder) if e.name.endswith(".json")]
    if len(entries) <= PRUNE_ABOVE:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for entry in entries[: len(entries) - KEEP]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
