"""Policy: which rules run, final severities, scoping to the files asked for, ordering.

Rules are pure and know nothing of this: they yield diagnostics; the engine selects, stamps the
slug and severity from rules/ metadata (or the user's override), filters, de-duplicates (a file
included on two hosts is seen twice) and sorts.
"""
from __future__ import annotations

import dataclasses
import datetime
import fnmatch
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from halint.core import registry
from halint.core.diagnostic import Diagnostic, Reported, Severity, fingerprint
from halint.project import manifest as manifests
from halint.engine import suppress
from halint.project.discovery import is_excluded, tree_root, walk
from halint.core.fsview import SameFile, SourceCache
from halint.project.gitbase import BaseError, GitBase, materialize, open_base
from halint.inventory.build import build as build_inventory
from halint.project.manifest import Manifest, ManifestError
from halint.project.loader import Project, load
from halint.rules import REGISTRY
from halint.core.source import Source, display_path


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
    #: a file named on the command line that the excludes match is left out too (ruff's
    #: --force-exclude: pre-commit passes every staged file, excluded or not)
    force_exclude: bool = False
    new_only: bool = False  #: report only findings the git base version of the tree does not have
    #: where the git base is looked up instead of the tree's root, and the tree mapped onto it:
    #: (the checked tree, where its files are in git). `halint compile` checks DIR against the
    #: source tree's base.
    base_root: Path | None = None
    base_alias: tuple[Path, Path] | None = None
    #: the tree's root when the caller knows it (the git base's version of a tree, written to a
    #: temporary folder by --new-only); its manifest is then looked for there only
    root: Path | None = None
    compare_base: bool = True  #: False: no git base at all (the base version's own check)
    threshold: Severity | None = None  #: --severity-threshold (None: the manifest's, else info)


@dataclass(repr=False)
class Outcome:
    reported: list[Reported]
    files: int  #: files checked (in scope)
    notes: list[str]  #: --verbose lines
    projects: list[Project]
    #: lines for stderr by default (not only with --verbose): a comparison that could not run,
    #: a path with nothing to check. A silent "0 errors" must never hide them.
    warnings: list[str] = field(default_factory=list)
    #: the lowest severity that fails the run: --severity-threshold, else the manifests' (the
    #: strictest of them when several trees were checked), else info
    threshold: Severity = Severity.INFO

    def failed(self) -> bool:
        """Whether the exit code is 1. HL004 (unrecognised files) is shown only with --verbose,
        and --verbose never changes the exit code."""
        return any(r.severity >= self.threshold and r.code != "HL004" for r in self.reported)


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides its input: rules stay pure (no clock, no files)."""

    verbose: bool = False
    today: datetime.date = field(default_factory=datetime.date.today)  #: ZN004 / ZN005 dates


#: rules that compare with the git base version (``needs_base`` in their rule.toml)
NEEDS_BASE = registry.needs_base_codes()


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
        if options.config is not None:
            path = options.config
        elif options.root is not None:
            path = manifests.find_at(root)
        else:
            path = manifests.find(root)
        return manifests.load(path, root, found=options.config is None)
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


@dataclass(frozen=True)
class Scope:
    """What a run reports when it was given paths inside a larger tree (INTERFACE.md "Files
    versus directories"): the tree is read whole for context, and a finding is reported when its
    primary or one of its related locations is one of ``files`` or lies under one of ``dirs``."""

    files: frozenset = frozenset()  #: absolute paths of files named
    dirs: tuple = ()  #: absolute paths of directories named

    @classmethod
    def of(cls, paths) -> Scope:
        absolute = [Path(os.path.abspath(p)) for p in paths]
        return cls(frozenset(p for p in absolute if not p.is_dir()), tuple(p for p in absolute if p.is_dir()))

    def covers(self, path) -> bool:
        path = Path(path)
        if path in self.files:
            return True
        parents = path.parents
        return any(folder == path or folder in parents for folder in self.dirs)


def _in_scope(diag: Diagnostic, scope: Scope | None) -> bool:
    """Whether a finding concerns the paths asked for (everything when ``scope`` is None): its
    primary location or one of its related ones is covered."""
    if scope is None:
        return True
    places = [diag.span] + [r.span for r in diag.related]
    return any(scope.covers(s.source.path) for s in places)


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
    paths: list[Path]  #: the paths asked for in this tree (absolute)
    scope: Scope | None  #: what they cover inside the tree; None: the whole tree
    notes: list[str]
    base: object = None  #: the GitBase opened for the comparisons, or why there is none (str), or None
    excluded: frozenset = frozenset()  #: files named that --force-exclude left out


def load_trees(options: Options, need_base: bool | None = None) -> list[Loaded]:
    """Group the paths by tree root, read each tree's manifest and load the whole tree.

    A path inside a larger tree (a file, or a directory below the folder holding halint.toml or
    below the git work tree's root) is a scope: the tree is read whole, so that a peer's
    configuration is always there, and only what concerns the path is reported.
    ``need_base``: whether to open the git base (default: when a selected rule compares with it)."""
    for path in options.paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    if options.config is not None and not Path(options.config).is_file():
        raise UsageError(f"--config {options.config}: no such file")
    groups: dict[Path, list[Path]] = {}
    for path in options.paths:
        root = Path(os.path.abspath(options.root)) if options.root is not None else tree_root(path)
        groups.setdefault(root, []).append(Path(os.path.abspath(path)))
    out = []
    todo = list(groups.items())
    while todo:
        root, paths = todo.pop(0)
        manifest = load_manifest(options, root)
        notes = [f"configuration: {manifest.path}"] if manifest.path is not None else []
        codes = selected_codes(options, manifest)
        if not options.verbose:
            codes.discard("HL004")
        scope = Scope.of(paths)
        if root in scope.dirs or (manifest.path is not None and manifest.path in scope.files):
            # the tree itself, or its manifest (which changes what every file reports)
            scope = None
        exclude = [(root, p) for p in options.exclude] + [(manifest.root, p) for p in manifest.exclude]
        tree = walk(root, [root], exclude, manifest, manifest.limits.files)
        for nested in tree.nested:  # a tree of its own below this one: checked as such when asked for
            if (scope is None or scope.covers(nested)) and nested not in groups and options.root is None:
                groups[nested] = [nested]
                todo.append((nested, [nested]))
        excluded = set()
        if scope is not None:
            walked = {f.path for f in tree.files} | set(tree.unreadable)
            for path in sorted(scope.files - walked):  # named explicitly: taken even if hidden or excluded
                if options.force_exclude and is_excluded(path, exclude):
                    excluded.add(path)
                    continue
                named = walk(root, [path], manifest=manifest)
                tree.files.extend(named.files)
                tree.unreadable.update(named.unreadable)  # a link out of the tree: HL001, never read
        base = None
        if need_base is None:
            need_base = options.compare_base and (bool(codes & NEEDS_BASE) or options.new_only)
        if need_base:
            try:
                base = open_base(options.base_root or root, options.base or manifest.base, alias=options.base_alias)
            except BaseError as err:
                raise UsageError(str(err)) from None
        cache = SourceCache(manifest.limits)
        for source in options.overlay.values():
            cache.put(source)
        project = load(tree, cache, manifest=manifest, base=base)
        notes.extend(project.notes)
        out.append(Loaded(root, manifest, project, codes, paths, scope, notes, base, frozenset(excluded)))
    return out


def run(options: Options) -> Outcome:
    ctx = RuleContext(options.verbose, options.today or datetime.date.today())
    reported: list[Reported] = []
    notes: list[str] = []
    warnings: list[str] = []
    thresholds: list[Severity] = []
    projects: list[Project] = []
    files = 0
    metas = registry.all_rules()
    for loaded in load_trees(options):
        project, manifest, codes = loaded.project, loaded.manifest, loaded.codes
        projects.append(project)
        notes.extend(loaded.notes)
        if manifest.severity_threshold is not None:
            thresholds.append(manifest.severity_threshold)
        seen: set[tuple] = set()
        inventory = None
        found: list[Reported] = []
        for code in sorted(codes):
            impl = REGISTRY.get(code)
            if impl is None:
                continue  # HL002 / HL003: made by the suppressions below
            if impl.scope == "tree":
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
        directives = {p: suppress.find(src, comments) for p, (src, comments) in project.comment_syntax().items()}
        kept, meta = suppress.apply(found, directives, None, codes)
        kept += [Reported(d, metas[d.code].slug, _severity(d, options, manifest)) for d in meta]
        mine = [r for r in kept if _in_scope(r.diagnostic, loaded.scope) and not _ignored_for_file(r.diagnostic, manifest)]
        warnings.extend(_base_warnings(loaded, options))
        if options.new_only:
            # the base's findings are counted once per file: so are these, before matching
            mine = _only_new(_unique(mine, SameFile([project.tree.root])), loaded, options, warnings)
        reported.extend(mine)
        read = {Path(s.path) for s in project.all_sources()} | set(project.unreadable)
        read.update(Path(span.source.path) for span, _ in project.cut_short)
        checked = read if loaded.scope is None else {p for p in read if loaded.scope.covers(p)}
        files += len(checked)
        warnings.extend(_nothing_under(loaded, read))
    # overlapping paths (`halint check hosts/web .`) load a file twice
    reported = sorted(_unique(reported, SameFile(p.tree.root for p in projects)), key=lambda r: r.sort_key(Path.cwd()))
    threshold = options.threshold or min(thresholds, default=Severity.INFO)
    return Outcome(reported, files, notes, projects, warnings, threshold)


def _unique(reported: list[Reported], same: SameFile) -> list[Reported]:
    """Each finding once. A symbolic link in the tree and its target are one file: a finding
    seen at both (same code, place and message) is kept once, at the target; one that names its
    host is not the same finding."""
    unique: dict[tuple, Reported] = {}
    for r in reported:
        d = r.diagnostic
        path = Path(os.path.abspath(d.span.source.path))
        key = (d.code, str(same(path)), d.span.start, d.span.end, d.message)
        kept = unique.get(key)
        if kept is None or (path == same(path) and Path(os.path.abspath(kept.diagnostic.span.source.path)) != path):
            unique[key] = r
    return list(unique.values())


def _and(codes) -> str:
    codes = sorted(codes)
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def _base_warnings(loaded: Loaded, options: Options) -> list[str]:
    """What the comparisons with the git base could not do, said by default: a CI job whose
    checkout is its own base (or has no history) would otherwise pass every zone change."""
    compared = loaded.codes & NEEDS_BASE
    base = loaded.base
    out = []
    if isinstance(base, str):
        if compared:
            out.append(f"{_and(compared)} skipped the comparison with the git base: {base}")
        if options.new_only:
            out.append(f"--new-only: no git base to compare with ({base}): every finding is reported")
    elif isinstance(base, GitBase) and base.unchanged and (compared or options.new_only):
        what = _and(compared | ({"--new-only"} if options.new_only else set()))
        out.append(
            f"{what}: nothing to compare: the files under {display_path(loaded.root)} are those of {base.label}"
            " (name the version to compare with: --base REF)"
        )
    return out


def _nothing_under(loaded: Loaded, read: set[Path]) -> list[str]:
    """A path given that holds nothing halint checks (a typo'd folder, the wrong checkout)."""
    out = []
    for path in loaded.paths:
        if path == loaded.manifest.path or path in loaded.excluded:
            continue
        if path.is_dir():
            if not any(p == path or path in p.parents for p in read):
                out.append(f"no configuration files found under {display_path(path)}")
        elif path not in read:
            out.append(f"{display_path(path)}: not a configuration file halint reads")
    return out


def _identity(report: Reported, root: Path) -> tuple[str, str, str]:
    """How --new-only matches a finding with the base's: the file (relative to its tree), the
    code and the fingerprint (never the line number)."""
    d = report.diagnostic
    try:
        rel = Path(os.path.abspath(d.span.source.path)).relative_to(root).as_posix()
    except ValueError:
        rel = str(d.span.source.path)
    return rel, d.code, fingerprint(d)


def _only_new(mine: list[Reported], loaded: Loaded, options: Options, warnings: list[str]) -> list[Reported]:
    """The findings that the git base's version of the tree does not have: each base finding
    matches one current finding with the same identity (so a second copy of an old defect is
    new), in file order."""
    base = loaded.base
    if not isinstance(base, GitBase):
        return mine
    if base.unchanged:
        return []
    old = _base_findings(loaded, options, base)
    if old is None:
        warnings.append(f"--new-only: the tree could not be read from {base.label}: every finding is reported")
        return mine
    left = Counter(old)
    out = []
    cwd = Path.cwd()
    for report in sorted(mine, key=lambda r: r.sort_key(cwd)):
        key = _identity(report, loaded.root)
        if left[key] > 0:
            left[key] -= 1
            continue
        out.append(report)
    return out


def _base_findings(loaded: Loaded, options: Options, base: GitBase) -> list[tuple] | None:
    """Every finding of the base's version of the tree (the same options, its own manifest),
    by identity; None when git cannot give the files."""
    with tempfile.TemporaryDirectory(prefix="halint-base-") as tmp:
        tree = Path(tmp) / "tree"
        if not materialize(base, loaded.root, tree, loaded.manifest.limits):
            return None
        config = options.config
        outcome = run(dataclasses.replace(
            options, paths=[tree], root=tree, config=config, new_only=False, overlay={}, compare_base=False,
            force_exclude=False, base_root=None, base_alias=None,
        ))
        return [_identity(r, tree) for r in outcome.reported]
