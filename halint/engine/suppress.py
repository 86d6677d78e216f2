"""Inline suppressions: ``halint: ignore[CODE, ...]`` and ``halint: ignore-file[CODE, ...]``
written in a file's own comments, and the findings about them (HL002, HL003).

:func:`find` looks for directives in one file's comments, which the file's format says where
they are (its declaration's comment scanner, halint.core.comments).

A directive covers its own line when something else (configuration) stands before it on that
line; alone on its line, it covers the next line that is neither blank nor another lone
directive (so directives can be stacked); ``ignore-file`` covers the whole file. A finding is
suppressed where its PRIMARY location is (a cross-file finding included). Codes or slugs are
required (RULES.md: a slug is accepted wherever a code is); a prefix or a bare ``halint:
ignore`` is HL002.

:func:`apply` takes the engine's findings and every file's suppressions, drops the suppressed
findings and returns the HL002 and HL003 diagnostics, with safe fixes that remove exactly the
offending code, or the whole directive when no code would remain.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from halint.core import registry
from halint.core.comments import Scanner, line_end
from halint.core.diagnostic import Diagnostic, Edit, Fix, Reported, Safety
from halint.core.source import Source, Span

#: codes whose findings apply() itself makes
META = ("HL002", "HL003")

_DIRECTIVE = re.compile(r"halint:[ \t]*(?P<kind>ignore-file|ignore)(?![\w-])(?P<list>[ \t]*\[(?P<codes>[^\]\n]*)(?P<close>\])?)?", re.IGNORECASE)
_QUICK = re.compile(r"halint:", re.IGNORECASE)
_TOKEN = re.compile(r"[^\s,]+")
_PREFIX = re.compile(r"[A-Za-z]{2,3}[0-9]{0,2}")
BLANKS = " \t"


@dataclass(frozen=True)
class Suppression:
    source: Source
    span: Span  #: the directive, ``halint: ignore[...]`` (from ``halint`` to ``]``)
    removal: Span  #: what removing the directive deletes (its whole line when it is alone there)
    codes: tuple[tuple[str, Span], ...]  #: each code or slug as written, with its place
    file_wide: bool
    target_line: int | None  #: 1-based line it covers (None: file-wide, or nothing follows)
    problem: str = ""  #: why the directive as a whole is wrong (no codes, no ``]``), else ""

    def covers(self, line: int) -> bool:
        return self.file_wide or self.target_line == line


# -- directives ---------------------------------------------------------------------------------


def _body(text: str, start: int, end: int) -> tuple[int, int]:
    """The comment's text without its marker(s) and surrounding blanks."""
    block = text.startswith("/*", start)
    if block:
        start += 2
        if end - start >= 2 and text.startswith("*/", end - 2):
            end -= 2
    elif text.startswith("//", start):
        start += 2
    else:
        start += 1
    strip = " \t\r\n*" if block else " \t\r\n"  # `/*\n * ...\n */`: the stars are decoration
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end


def _removal(source: Source, start: int, end: int) -> tuple[tuple[int, int], bool]:
    """What deleting text[start:end] should delete, and whether that text is alone on its line(s):
    then its whole line(s) with the line break, else the text and the blanks before it (after it
    when nothing precedes it on the line)."""
    text = source.text
    line_start = text.rfind("\n", 0, start) + 1
    last_end = line_end(text, end)
    before = text[line_start:start]
    after = text[end:last_end]
    if not before.strip(BLANKS) and not after.strip(BLANKS + "\r"):
        nl = text.find("\n", end)
        return (line_start, len(text) if nl == -1 else nl + 1), True
    a, b = start, end
    if before.strip(BLANKS):
        while a > line_start and text[a - 1] in BLANKS:
            a -= 1
    else:
        while b < last_end and text[b] in BLANKS:
            b += 1
    return (a, b), False


def _parse(source: Source, c_start: int, c_end: int) -> tuple[Suppression, bool, int, int, int] | None:
    """The directive in one comment (the first), with whether the comment stands alone on its
    line(s), the line it covers when it does not, and its first and last lines."""
    text = source.text
    match = _DIRECTIVE.search(text, c_start, c_end)
    if match is None:
        return None
    d_start, d_end = match.start(), match.end()
    codes: list[tuple[str, Span]] = []
    problem = ""
    if match.group("list") is None:
        problem = "names no rule code: codes are required, as in `halint: ignore[KA006]` (there is no blanket ignore)"
    else:
        base = match.start("codes")
        for token in _TOKEN.finditer(match.group("codes")):
            codes.append((token.group(), Span(source, base + token.start(), base + token.end())))
        if match.group("close") is None:
            problem = "has no closing `]`: it suppresses nothing"
        elif not codes:
            problem = "names no rule code: codes are required, as in `halint: ignore[KA006]` (there is no blanket ignore)"
    b_start, b_end = _body(text, c_start, c_end)
    if (b_start, b_end) == (d_start, d_end):
        (r_start, r_end), alone = _removal(source, c_start, c_end)
    else:  # the comment says more than the directive: keep the rest of it
        r_start = d_start
        while r_start > c_start and text[r_start - 1] in BLANKS:
            r_start -= 1
        r_end = d_end
        _, alone = _removal(source, c_start, c_end)
    first = source.position(c_start)[0]
    last = source.position(max(c_start, c_end - 1))[0]
    before = text[text.rfind("\n", 0, c_start) + 1 : c_start]
    own = first if before.strip(BLANKS) else last
    sup = Suppression(
        source=source,
        span=Span(source, d_start, d_end),
        removal=Span(source, r_start, r_end),
        codes=tuple(codes),
        file_wide=match.group("kind").lower() == "ignore-file",
        target_line=None,
        problem=problem,
    )
    return sup, alone, own, first, last


def find(source: Source, comments: Scanner) -> list[Suppression]:
    """Every suppression directive in ``source``'s comments (``comments``: its format's comment
    scanner), in order (one per comment)."""
    text = source.text
    if _QUICK.search(text) is None:
        return []
    found = [p for c in comments(text) if (p := _parse(source, *c)) is not None]
    lone_lines = set()
    for _, alone, _, first, last in found:
        if alone:
            lone_lines.update(range(first, last + 1))
    count = len(source.line_starts)
    out = []
    for sup, alone, own, _, last in found:
        target: int | None = own
        if sup.file_wide:
            target = None
        elif alone:
            line = last + 1
            target = None
            while line <= count:
                if line not in lone_lines and source.line_text(line).strip():
                    target = line
                    break
                line += 1
        out.append(Suppression(sup.source, sup.span, sup.removal, sup.codes, sup.file_wide, target, sup.problem))
    return out


# -- applying -----------------------------------------------------------------------------------


def _resolve(written: str, known: set[str]) -> str | None:
    meta = registry.resolve(written)
    if meta is not None and meta.code in known:
        return meta.code
    return None


def _token_removal(sup: Suppression, index: int) -> Span:
    """The span deleting code ``index`` and one separator next to it from the list."""
    codes = sup.codes
    span = codes[index][1]
    if index + 1 < len(codes):
        return Span(sup.source, span.start, codes[index + 1][1].start)
    if index > 0:
        return Span(sup.source, codes[index - 1][1].end, span.end)
    return span


def _fix(sup: Suppression, drop: set[int], index: int | None) -> Fix:
    """Remove code ``index`` (None: the whole directive); the whole directive when every code
    is in ``drop``."""
    if index is None or len(drop) >= len(sup.codes):
        return Fix((Edit(sup.removal, ""),), Safety.SAFE, "remove the suppression comment")
    written = sup.codes[index][0]
    return Fix((Edit(_token_removal(sup, index), ""),), Safety.SAFE, f"remove `{written}` from the suppression")


def _named(written: str, code: str) -> str:
    return f"`{written}`" if written == code else f"`{written}` ({code})"


def apply(
    reported: list[Reported],
    suppressions: Mapping[Path, list[Suppression]],
    known_codes: Iterable[str] | None,
    selected_codes: Iterable[str],
) -> tuple[list[Reported], list[Diagnostic]]:
    """Drop the findings a suppression covers; return (kept findings, new HL002/HL003).

    ``suppressions``: each file's directives (keys: ``Path(source.path)``, as :func:`find`
    returns them); ``known_codes``: every rule code that exists (None: every rule of rules/);
    ``selected_codes``: the codes that ran. HL002 and HL003 are made only when selected; a code
    that did not run is never "unused" (a suppression for a rule switched off by --select,
    --ignore or the configuration is still needed when it is switched on again).
    """
    known = set(registry.all_rules() if known_codes is None else known_codes)
    selected = set(selected_codes)
    resolved: dict[int, list[str | None]] = {}
    used: dict[int, set[int]] = {}
    by_path: dict[Path, list[Suppression]] = {}
    for path, sups in suppressions.items():
        by_path[Path(path)] = list(sups)
        for sup in sups:
            resolved[id(sup)] = [_resolve(w, known) for w, _ in sup.codes]
            used[id(sup)] = set()

    def suppressed(code: str, span: Span) -> bool:
        sups = by_path.get(Path(span.source.path))
        if not sups:
            return False
        line = span.source.position(span.start)[0]
        hit = False
        for sup in sups:
            if sup.problem or not sup.covers(line):
                continue
            for i, c in enumerate(resolved[id(sup)]):
                if c == code:
                    used[id(sup)].add(i)
                    hit = True
        return hit

    kept = [r for r in reported if not suppressed(r.code, r.diagnostic.span)]

    new: list[Diagnostic] = []
    for sups in by_path.values():
        for sup in sups:
            codes = resolved[id(sup)]
            if sup.problem:
                if "HL002" in selected:
                    # no codes: removing it changes nothing; a missing `]`: the intent is unclear
                    fix = None if sup.codes else _fix(sup, set(), None)
                    what, _, why = sup.problem.partition(": ")
                    new.append(Diagnostic("HL002", f"suppression `{sup.span.text}` {what}", sup.span, fix=fix, note=why))
                continue
            unknown = {i for i, c in enumerate(codes) if c is None}
            unused = {
                i for i, c in enumerate(codes)
                if c is not None and c in selected and c not in META and i not in used[id(sup)]
            }
            drop = (unknown if "HL002" in selected else set()) | (unused if "HL003" in selected else set())
            if "HL002" in selected:
                for i in sorted(unknown):
                    written, span = sup.codes[i]
                    why = (
                        "is a prefix, not a rule code: name each code"
                        if _PREFIX.fullmatch(written) and any(k.startswith(written.upper()) for k in known)
                        else "is no halint rule code or slug"
                    )
                    new.append(Diagnostic("HL002", f"`{written}` in this suppression {why}", span, fix=_fix(sup, drop, i),
                                          note="it suppresses nothing"))
            if "HL003" in selected:
                for i in sorted(unused):
                    written, span = sup.codes[i]
                    where = "in this file" if sup.file_wide else (
                        f"on line {sup.target_line}" if sup.target_line is not None else "after it (no line follows)"
                    )
                    new.append(Diagnostic(
                        "HL003", f"suppression of {_named(written, codes[i])} suppressed nothing: no {codes[i]} finding {where}",
                        span, fix=_fix(sup, drop, i),
                    ))
    # a directive may silence HL002/HL003 themselves (never reported as unused: no paradox)
    final = [d for d in new if not suppressed(d.code, d.span)]
    return kept, final
