"""ruff-style text: ``path:line:col: CODE [severity] message``, its note, related places and fix
indented below, then a summary line; and the concise form, one line per finding
(``path:line:col: CODE message``, ruff's ``--output-format concise``)."""
from __future__ import annotations

from pathlib import Path

from halint.core.diagnostic import Reported, Severity

COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
BOLD = "\033[1m"
RESET = "\033[0m"


def location(span, cwd: Path) -> str:
    line, col = span.source.position(span.start)
    return f"{span.source.display(cwd)}:{line}:{col}"


def summary(reported: list[Reported], files: int) -> str:
    counts = {s: 0 for s in Severity}
    for item in reported:
        counts[item.severity] += 1
    fixable = sum(1 for r in reported if r.diagnostic.fix is not None and r.diagnostic.fix.safety == "safe")

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    text = (
        f"{plural(counts[Severity.ERROR], 'error')}, {plural(counts[Severity.WARNING], 'warning')}, "
        f"{plural(counts[Severity.INFO], 'info')} in {plural(files, 'file')}"
    )
    if fixable:
        text += f" ({fixable} fixable with halint fix)"
    return text


def render(reported: list[Reported], files: int, cwd: Path, color: bool = False) -> str:
    out = []
    for item in reported:
        d = item.diagnostic
        code = f"{BOLD}{d.code}{RESET}" if color else d.code
        sev = f"{COLORS[item.severity]}[{item.severity.label}]{RESET}" if color else f"[{item.severity.label}]"
        out.append(f"{location(d.span, cwd)}: {code} {sev} {d.message}")
        if d.note:
            out.append(f"    note: {d.note}")
        for rel in d.related:
            out.append(f"    {location(rel.span, cwd)}: {rel.message}")
        if d.fix is not None:
            out.append(f"    fix ({d.fix.safety.value}): {d.fix.description}")
    out.append(summary(reported, files))
    return "\n".join(out) + "\n"


def concise(reported: list[Reported], files: int, cwd: Path) -> str:
    """One line per finding, ``path:line:col: CODE message``, then the summary line."""
    out = [f"{location(item.diagnostic.span, cwd)}: {item.code} {item.diagnostic.message}" for item in reported]
    out.append(summary(reported, files))
    return "\n".join(out) + "\n"
