"""Policy: which rules run, final severities, scoping to the files asked for, ordering.

Rules are pure and know nothing of this: they yield diagnostics; the engine selects, stamps the
slug and severity from rules/ metadata (or the user's override), filters, de-duplicates (a file
included on two hosts is seen twice) and sorts.
"""
from __future__ import annotations

import datetime
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from halint import registry
from halint.diagnostic import Diagnostic, Reported, Severity
from halint import manifest as manifests
from halint import suppress
from halint.discovery import tree_root, walk
from halint.fsview import SourceCache
from halint.gitbase import BaseError, open_base
from halint.inventory.build import build as build_inventory
from halint.manifest import Manifest, ManifestError
from halint.project import Project, load
from halint.rules import REGISTRY
from halint.source import Source


class UsageError(Exception):
    """A mistake in how halint was called: one line on stderr, exit 2."""


@dataclass
class Options:
    paths: list[Path] = field(default_factory=lambda: [Path(".")])
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)  #: per-code overrides
    verbose: bool = False
    exclude: list[str] = field(default_factory=list)  #: globs relative to the checked tree
    base: str | None = None  #: git reference for ZN004 (None: the manifest's, else HEAD)
    config: Path | None = None  #: the manifest to use instead of the one found
    #: files to read from memory instead of the disk (the fix loop's edited versions)
    overlay: dict[Path, Source] = field(default_factory=dict)
    today: datetime.date | None = None  #: the date rules use (ZN004/ZN005); None: read the clock once


@dataclass(repr=False)
class Outcome:
    reported: list[Reported]
    files: int  #: files checked (in scope)
    notes: list[str]  #: --verbose lines
    projects: list[Project]


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides its input: rules stay pure (no clock, no files)."""

    verbose: bool = False
    today: datetime.date = field(default_factory=datetime.date.today)  #: ZN004 / ZN005 dates


#: rules that compare with the git base version
NEEDS_BASE = {"ZN004", "HA013"}


def selected_codes(options: Options, manifest: Manifest | None = None) -> set[str]:
    """Command line --select replaces the manifest's; --ignore adds to it (as in ruff)."""
    select = options.select if options.select else (list(manifest.select) if manifest and manifest.select is not None else None)
    ignore = list(options.ignore) + (list(manifest.ignore) if manifest else [])
    try:
        chosen = registry.expand_selectors(select) if select else set(registry.all_rules())
        ignored = registry.expand_selectors(ignore)
    except ValueError as err:
        raise UsageError(str(err)) from None
    return (chosen - ignored) & (set(REGISTRY) | set(suppress.META))


def load_manifest(options: Options, root: Path) -> Manifest:
    try:
        path = options.config if options.config is not None else manifests.find(root)
        return manifests.load(path, root)
    except ManifestError as err:
        raise UsageError(str(err)) from None


def _ignored_for_file(diag: Diagnostic, manifest: Manifest) -> bool:
    """per-file-ignores: globs relative to the manifest's folder, matched on the primary path."""
    if not manifest.per_file_ignores:
        return False
    try:
        rel = Path(diag.span.source.path).relative_to(manifest.root).as_posix()
    except ValueError:
        return False
    return any(diag.code in codes and fnmatch.fnmatch(rel, glob) for glob, codes in manifest.per_file_ignores.items())


def _in_scope(diag: Diagnostic, only: set[Path] | None) -> bool:
    """Whether a finding concerns the files asked for (all of them when ``only`` is None): its
    primary location or one of its related ones is in one of those files."""
    if only is None:
        return True
    places = [diag.span] + [r.span for r in diag.related]
    return any(Path(s.source.path) in only for s in places)


def _severity(diag: Diagnostic, options: Options, manifest: Manifest) -> Severity:
    if diag.code in options.severity:
        return options.severity[diag.code]
    if diag.code in manifest.severity:
        return manifest.severity[diag.code]
    if diag.severity_hint:
        return Severity.parse(diag.severity_hint)
    return registry.all_rules()[diag.code].severity


@dataclass(repr=False)
class Loaded:
    """One checked tree, loaded: what run() checks and `halint show` displays."""

    root: Path
    manifest: Manifest
    project: Project
    codes: set[str]
    wanted_files: set[Path]  #: files named on the command line (scoping), empty for directories
    dirs: list[Path]
    notes: list[str]


def load_trees(options: Options, need_base: bool | None = None) -> list[Loaded]:
    """Group the paths by tree root, read each tree's manifest and load it.

    ``need_base``: whether to open the git base (default: when a selected rule compares with it)."""
    for path in options.paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    if options.config is not None and not Path(options.config).is_file():
        raise UsageError(f"--config {options.config}: no such file")
    groups: dict[Path, list[Path]] = {}
    for path in options.paths:
        groups.setdefault(tree_root(path), []).append(Path(os.path.abspath(path)))
    out = []
    for root, paths in groups.items():
        manifest = load_manifest(options, root)
        notes = [f"configuration: {manifest.path}"] if manifest.path is not None else []
        codes = selected_codes(options, manifest)
        if not options.verbose:
            codes.discard("HL004")
        wanted_files = {p for p in paths if not p.is_dir()}
        dirs = [p for p in paths if p.is_dir()]
        if manifest.path is not None and manifest.path in wanted_files:
            # a changed manifest changes what every file reports: check the whole tree
            wanted_files.discard(manifest.path)
            dirs.append(root)
        exclude = [(root, p) for p in options.exclude] + [(manifest.root, p) for p in manifest.exclude]
        tree = walk(root, dirs or [root], exclude, manifest, manifest.limits.files)
        walked = {f.path for f in tree.files}
        for path in sorted(wanted_files - walked):  # named explicitly, even if hidden or excluded
            tree.files.extend(walk(root, [path], manifest=manifest).files)
        base = None
        if need_base if need_base is not None else bool(codes & NEEDS_BASE):
            try:
                base = open_base(root, options.base or manifest.base)
            except BaseError as err:
                raise UsageError(str(err)) from None
        cache = SourceCache(manifest.limits)
        for source in options.overlay.values():
            cache.put(source)
        project = load(tree, cache, manifest=manifest, base=base)
        notes.extend(project.notes)
        out.append(Loaded(root, manifest, project, codes, wanted_files, dirs, notes))
    return out


def run(options: Options) -> Outcome:
    ctx = RuleContext(options.verbose, options.today or datetime.date.today())
    reported: list[Reported] = []
    notes: list[str] = []
    projects: list[Project] = []
    files = 0
    metas = registry.all_rules()
    for loaded in load_trees(options):
        project, manifest, codes = loaded.project, loaded.manifest, loaded.codes
        wanted_files, dirs = loaded.wanted_files, loaded.dirs
        projects.append(project)
        notes.extend(loaded.notes)

        only = wanted_files if wanted_files and not dirs else None
        seen: set[tuple] = set()
        inventory = None
        found: list[Reported] = []
        for code in sorted(codes):
            impl = REGISTRY.get(code)
            if impl is None:
                continue  # HL002 / HL003: made by the suppressions below
            if impl.scope == "inventory":
                inventory = inventory or build_inventory(project)
                items = [inventory]
            else:
                items = project.units(impl.scope)
            for item in items:
                for diag in impl.check(item, ctx):
                    key = (diag.code, str(diag.span.source.path), diag.span.start, diag.span.end, diag.message)
                    if key in seen:
                        continue
                    seen.add(key)
                    found.append(Reported(diag, metas[code].slug, _severity(diag, options, manifest)))
        # inline suppressions act where a finding's primary location is, before any scoping, so
        # that a directive is "unused" (HL003) only when nothing at all matched it
        directives = {p: suppress.find(src, syntax) for p, (src, syntax) in project.comment_syntax().items()}
        kept, meta = suppress.apply(found, directives, None, codes)
        kept += [Reported(d, metas[d.code].slug, _severity(d, options, manifest)) for d in meta]
        reported.extend(r for r in kept if _in_scope(r.diagnostic, only) and not _ignored_for_file(r.diagnostic, manifest))
        checked = {Path(s.path) for s in project.all_sources()} | set(project.unreadable)
        if wanted_files and not dirs:
            checked &= wanted_files
        files += len(checked)
    cwd = Path.cwd()
    unique: dict[tuple, Reported] = {}  # overlapping paths (`halint check hosts/web .`) load a file twice
    for r in reported:
        d = r.diagnostic
        unique.setdefault((d.code, str(d.span.source.path), d.span.start, d.span.end, d.message), r)
    reported = sorted(unique.values(), key=lambda r: r.sort_key(cwd))
    return Outcome(reported, files, notes, projects)
