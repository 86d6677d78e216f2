"""JSON output, exactly the shape of INTERFACE.md (1-based lines and columns, end exclusive,
columns in code points, paths with ``/`` relative to the current directory)."""
from __future__ import annotations

import json
from pathlib import Path

from halint import __version__
from halint.core.diagnostic import Reported, Severity
from halint.core.source import Span


def _region(span: Span, cwd: Path) -> dict:
    line, column = span.source.position(span.start)
    end_line, end_column = span.source.position(span.end)
    return {
        "path": span.source.display(cwd),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    }


def diagnostic_dict(item: Reported, cwd: Path) -> dict:
    d = item.diagnostic
    region = _region(d.span, cwd)
    out = {
        "code": d.code,
        "slug": item.slug,
        "severity": item.severity.label,
        "message": d.message,
        "note": d.note or None,
        **region,
        "related": [
            {
                "path": r.span.source.display(cwd),
                "line": r.span.source.position(r.span.start)[0],
                "column": r.span.source.position(r.span.start)[1],
                "message": r.message,
            }
            for r in d.related
        ],
        "fix": None,
    }
    if d.fix is not None:
        out["fix"] = {
            "safety": d.fix.safety.value,
            "edits": [{**_region(e.span, cwd), "new_text": e.new_text} for e in d.fix.edits],
        }
    return out


def render(reported: list[Reported], files: int, cwd: Path, fixes: dict | None = None) -> str:
    """The INTERFACE.md document; ``fixes`` (halint fix / compile) adds what was applied and
    skipped, under "fixes"."""
    counts = {s: 0 for s in Severity}
    for item in reported:
        counts[item.severity] += 1
    document = {
        "tool": "halint",
        "version": __version__,
        "diagnostics": [diagnostic_dict(r, cwd) for r in reported],
        "summary": {
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "infos": counts[Severity.INFO],
            "files": files,
        },
    }
    if fixes is not None:
        document["fixes"] = fixes
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
