"""The fix loop behind `halint fix` and `halint compile`.

Fixes are text edits on the original text of each file (halint.core.edits.apply_edits), never a file
regenerated from the model: everything outside the edits stays byte for byte. Each round checks
the tree (with the files edited so far read from memory), takes every fix that may be applied
(safe ones; unsafe ones with ``unsafe=True``; never in a file with a syntax error, KA001 or
ZN001), skips those that overlap a fix already taken this round (they are tried again next
round, on the new text), applies them, and checks again: a file whose edits add a syntax error
or a new error (one that no safe fix repairs) is rolled back, and those fixes are reported as
such. Rounds repeat until no fix
applies; a fix that comes back after being applied, or more than ``max_rounds`` rounds, is a
:class:`NoConvergence` error naming the rules involved.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from halint.core.diagnostic import Reported, Safety, Severity
from halint.engine.check import Options, Outcome, Scope, run
from halint.formats import formats
from halint.core.edits import apply_edits
from halint.core.fsview import SameFile
from halint.core import registry
from halint.core.source import Source
from halint.fix.writes import write_files

#: rules that say a file cannot be read (``syntax_error`` in their rule.toml): such a file is never fixed
SYNTAX = registry.syntax_error_codes()
MAX_ROUNDS = 10


class NoConvergence(Exception):
    """The fixes do not settle; the message names the rules involved."""


class ChangedOnDisk(Exception):
    """A file changed between halint reading it and writing its fix: nothing is written."""


@dataclass(frozen=True)
class FixRecord:
    code: str
    path: Path
    line: int
    description: str
    safety: str
    reason: str = ""  #: for a skipped fix: why


@dataclass(repr=False)
class FixOutcome:
    originals: dict[Path, Source] = field(default_factory=dict)  #: files as read from disk
    fixed: dict[Path, Source] = field(default_factory=dict)  #: every changed file, final text
    applied: list[FixRecord] = field(default_factory=list)
    skipped: list[FixRecord] = field(default_factory=list)
    final: Outcome | None = None  #: the check of the fixed tree
    rounds: int = 0

    def changed(self) -> dict[Path, tuple[Source, Source]]:
        """path -> (original, fixed) for files whose text changed."""
        return {p: (self.originals[p], s) for p, s in self.fixed.items() if s.text != self.originals[p].text}


def _key(report: Reported, same: SameFile) -> tuple:
    """A fix's identity: the same edits at a symbolic link and at its target are one fix."""
    fix = report.diagnostic.fix
    edits = tuple((str(same(e.span.source.path)), e.span.start, e.span.end, e.new_text) for e in fix.edits)
    return report.code, edits


def _record(report: Reported, same: SameFile, reason: str = "") -> FixRecord:
    d = report.diagnostic
    return FixRecord(d.code, same(d.span.source.path), d.span.line, d.fix.description, d.fix.safety.value, reason)


def _errors(outcome: Outcome, same: SameFile, with_fix: bool = True) -> Counter:
    """(code, path) -> number of error-severity findings there; ``with_fix=False`` leaves out
    the ones that carry a SAFE fix (a serial bump after a changed record is the next round's
    work, not a reason to roll back; an unsafe follow-up, such as a cross-file fix that hands
    the VIP to another peer, is)."""
    def fixable(r: Reported) -> bool:
        fix = r.diagnostic.fix
        return fix is not None and fix.safety is Safety.SAFE and r.code not in SYNTAX

    return Counter(
        (r.code, same(r.diagnostic.span.source.path)) for r in outcome.reported
        if r.severity is Severity.ERROR and (with_fix or not fixable(r))
    )


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    for a, b in spans:
        if start < b and a < end:
            return True
        if start == end == a or (a == b == start):  # two insertions at one point: order is ambiguous
            return True
    return False


def fix_tree(options: Options, unsafe: bool = False, only: Scope | None = None, max_rounds: int = MAX_ROUNDS) -> FixOutcome:
    """Run the fix loop on the paths of ``options``; nothing is written. ``only``: the files that may
    be edited (the files named on the command line), None for any file of the tree.

    Files are known by :class:`halint.core.fsview.SameFile`'s name (the keys of ``originals`` and
    ``fixed`` too): a symbolic link in the tree and its target are one file, edited once, and
    written through the link (a fix found at both is one fix)."""
    result = FixOutcome()
    if options.today is None:  # one clock read for every round (a serial bump must not move)
        options = dataclasses.replace(options, today=datetime.date.today())
    overlay: dict[Path, Source] = {}
    applied_keys: set[tuple] = set()
    excluded: set[tuple] = set()
    told: set[tuple] = set()  #: skipped fixes already reported

    def skip(report: Reported, reason: str) -> None:
        key = _key(report, same)
        if key not in told:
            told.add(key)
            result.skipped.append(_record(report, same, reason))

    outcome = run(options)
    same = SameFile(project.tree.root for project in outcome.projects)
    for _ in range(max_rounds + 1):
        for report in outcome.reported:
            for place in [report.diagnostic.span] + [e.span for e in (report.diagnostic.fix.edits if report.diagnostic.fix else ())]:
                path = same(place.source.path)
                if path not in overlay and path not in result.originals and place.source.text is not None:
                    result.originals.setdefault(path, place.source)
        syntax_files = {same(r.diagnostic.span.source.path) for r in outcome.reported if r.code in SYNTAX}
        chosen: list[Reported] = []
        taken: dict[Path, list[tuple[int, int]]] = {}
        candidates = sorted(
            (r for r in outcome.reported if r.diagnostic.fix is not None),
            key=lambda r: (str(r.diagnostic.fix.edits[0].span.source.path), r.diagnostic.fix.edits[0].span.start, r.code),
        )
        for report in candidates:
            fix = report.diagnostic.fix
            key = _key(report, same)
            if key in excluded:
                continue
            if key in applied_keys:
                raise NoConvergence(f"the {report.code} fix ({fix.description}) comes back after being applied: halint stops")
            if fix.safety is Safety.UNSAFE and not unsafe:
                skip(report, "unsafe: applied only with --unsafe-fixes")
                continue
            paths = {same(e.span.source.path) for e in fix.edits}
            if paths & syntax_files:
                skip(report, "the file has a syntax error (KA001/ZN001): halint does not edit it")
                continue
            # a link the paths given cover is edited through, to its target
            if only is not None and not all(only.covers(e.span.source.path) or only.covers(same(e.span.source.path)) for e in fix.edits):
                skip(report, "it edits a file outside the paths given on the command line")
                continue
            if any(_overlaps(taken.get(same(e.span.source.path), []), e.span.start, e.span.end) for e in fix.edits):
                continue  # another fix took this place first: tried again next round on the new text
            for e in fix.edits:
                taken.setdefault(same(e.span.source.path), []).append((e.span.start, e.span.end))
            chosen.append(report)
        if not chosen:
            break
        if result.rounds == max_rounds:
            codes = sorted({r.code for r in chosen})
            raise NoConvergence(f"the fixes do not settle after {max_rounds} rounds (rules: {', '.join(codes)})")
        result.rounds += 1
        trial = dict(overlay)
        by_source: dict[Path, tuple[Source, list]] = {}
        for report in chosen:
            for edit in report.diagnostic.fix.edits:
                path = same(edit.span.source.path)
                by_source.setdefault(path, (edit.span.source, []))[1].append(edit)
        for path, (source, edits) in by_source.items():
            trial[path] = Source(path, apply_edits(source.text, edits), source.encoding)
        checked = run(dataclasses.replace(options, overlay=trial))
        before, after = _errors(outcome, same), _errors(checked, same, with_fix=False)
        broken = {
            path for (code, path), n in after.items()
            if path in by_source and n > before.get((code, path), 0)
        }
        if broken:
            for report in chosen:
                paths = {same(e.span.source.path) for e in report.diagnostic.fix.edits}
                if paths & broken:
                    excluded.add(_key(report, same))
                    new = sorted({code for (code, path), n in after.items() if path in paths and n > before.get((code, path), 0)})
                    skip(report, f"rolled back: the result would add {', '.join(new)}")
            continue  # the same round again, without the rolled-back fixes
        overlay = trial
        for report in chosen:
            applied_keys.add(_key(report, same))
            result.applied.append(_record(report, same))
        outcome = checked
    # each format's follow-up to the edits made (a zone's serial bump after its records changed)
    follow = [item for fmt in formats() if fmt.after_fix is not None
              for item in fmt.after_fix(outcome.projects, result.originals, overlay, options.today, same)]
    if follow:
        for code, path, source, edit, description in follow:
            overlay[path] = Source(path, apply_edits(source.text, [edit]), source.encoding)
            result.applied.append(FixRecord(code, path, edit.span.line, description, Safety.SAFE.value))
        outcome = run(dataclasses.replace(options, overlay=overlay))
    result.fixed = {p: s for p, s in overlay.items()}
    result.final = outcome
    done = {(a.code, a.path, a.line) for a in result.applied}
    seen: set[tuple] = set()
    kept = []
    for record in result.skipped:  # applied in a later round, or the same fix seen at two offsets
        key = (record.code, record.path, record.line, record.description)
        if (record.code, record.path, record.line) not in done and key not in seen:
            seen.add(key)
            kept.append(record)
    result.skipped = kept
    return result


def write_in_place(changed: dict[Path, tuple[Source, Source]]) -> None:
    """Write the fixed files (:func:`write_files`: all or none, owner, group, mode and hard links
    kept, symbolic links written through). Every file is first checked to still hold what was
    read (an editor saving meanwhile): if one does not, nothing is written."""
    for path, (original, _) in changed.items():
        try:
            current = path.read_bytes()
        except OSError as err:
            raise ChangedOnDisk(f"{path}: cannot read it again before writing: {err.strerror or err}") from None
        if current != original.encode(original.text):
            raise ChangedOnDisk(f"{path} changed since halint read it: nothing was written; run halint fix again")
    write_files({path: fixed.encode(fixed.text) for path, (_, fixed) in changed.items()})
