"""Policy: which rules run, final severities, scoping to the files asked for, ordering.

Rules are pure and know nothing of this: they yield diagnostics; the engine selects, stamps the
slug and severity from rules/ metadata (or the user's override), filters, de-duplicates (a file
included on two hosts is seen twice) and sorts.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from halint import registry
from halint.diagnostic import Diagnostic, Reported, Severity
from halint.discovery import walk
from halint.project import Project, load
from halint.rules import REGISTRY


class UsageError(Exception):
    """A mistake in how halint was called: one line on stderr, exit 2."""


@dataclass
class Options:
    paths: list[Path] = field(default_factory=lambda: [Path(".")])
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)  #: per-code overrides
    verbose: bool = False
    exclude: list[str] = field(default_factory=list)


@dataclass(repr=False)
class Outcome:
    reported: list[Reported]
    files: int  #: files checked (in scope)
    notes: list[str]  #: --verbose lines
    projects: list[Project]


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides its input (nothing yet: options come with the manifest)."""

    verbose: bool = False


def tree_root(path: Path) -> Path:
    """The tree a path belongs to: a directory is its own tree; a file belongs to the nearest
    ancestor holding halint.toml, else the git work tree, else its own directory."""
    path = Path(os.path.abspath(path))
    if path.is_dir():
        return path
    for parent in path.parents:
        if (parent / "halint.toml").is_file():
            return parent
    for parent in path.parents:
        if (parent / ".git").exists():
            return parent
    return path.parent


def selected_codes(options: Options) -> set[str]:
    try:
        chosen = registry.expand_selectors(options.select) if options.select else set(registry.all_rules())
        ignored = registry.expand_selectors(options.ignore)
    except ValueError as err:
        raise UsageError(str(err)) from None
    return (chosen - ignored) & set(REGISTRY)


def _in_scope(diag: Diagnostic, only: set[Path] | None) -> bool:
    """Whether a finding concerns the files asked for (all of them when ``only`` is None): its
    primary location or one of its related ones is in one of those files."""
    if only is None:
        return True
    places = [diag.span] + [r.span for r in diag.related]
    return any(Path(s.source.path) in only for s in places)


def _severity(diag: Diagnostic, options: Options) -> Severity:
    if diag.code in options.severity:
        return options.severity[diag.code]
    if diag.severity_hint:
        return Severity.parse(diag.severity_hint)
    return registry.all_rules()[diag.code].severity


def run(options: Options) -> Outcome:
    for path in options.paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    codes = selected_codes(options)
    if not options.verbose:
        codes.discard("HL004")
    ctx = RuleContext(options.verbose)
    groups: dict[Path, list[Path]] = {}
    for path in options.paths:
        groups.setdefault(tree_root(path), []).append(Path(os.path.abspath(path)))
    reported: list[Reported] = []
    notes: list[str] = []
    projects: list[Project] = []
    files = 0
    metas = registry.all_rules()
    for root, paths in groups.items():
        wanted_files = {p for p in paths if not p.is_dir()}
        dirs = [p for p in paths if p.is_dir()]
        tree = walk(root, dirs or [root], options.exclude)
        walked = {f.path for f in tree.files}
        for path in sorted(wanted_files - walked):  # named explicitly, even if hidden or excluded
            tree.files.extend(walk(root, [path]).files)
        project = load(tree)
        projects.append(project)
        notes.extend(project.notes)

        only = wanted_files if wanted_files and not dirs else None
        seen: set[tuple] = set()
        for code in sorted(codes):
            impl = REGISTRY[code]
            inputs = project.keepalived if impl.scope == "keepalived" else [project]
            for item in inputs:
                for diag in impl.check(item, ctx):
                    key = (diag.code, str(diag.span.source.path), diag.span.start, diag.span.end, diag.message)
                    if key in seen or not _in_scope(diag, only):
                        continue
                    seen.add(key)
                    reported.append(Reported(diag, metas[code].slug, _severity(diag, options)))
        checked = {Path(s.path) for s in project.all_sources()} | set(project.unreadable)
        if wanted_files and not dirs:
            checked &= wanted_files
        files += len(checked)
    cwd = Path.cwd()
    reported.sort(key=lambda r: r.sort_key(cwd))
    return Outcome(reported, files, notes, projects)
