"""GitHub Actions workflow-command annotations, one line per finding:

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE slug::message``

(warning -> ``::warning``, info -> ``::notice``). Lines and columns are 1-based, columns in code
points, ``endColumn`` exclusive as everywhere in halint's output; paths are relative to the
current directory (the workspace in a workflow). Related places follow the message on their own
lines. Escaping is the runner's: in the message ``%``, CR and LF; in properties also ``:`` and
``,``.
"""
from __future__ import annotations

from pathlib import Path

from halint.core.diagnostic import Reported, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(item: Reported, cwd: Path) -> str:
    d = item.diagnostic
    source = d.span.source
    line, col = source.position(d.span.start)
    end_line, end_col = source.position(max(d.span.end, d.span.start))
    props = [
        ("file", source.display(cwd)),
        ("line", str(line)),
        ("col", str(col)),
        ("endLine", str(end_line)),
        ("endColumn", str(end_col)),
        ("title", f"{d.code} {item.slug}"),
    ]
    message = d.message + (f"\n{d.note}" if d.note else "")
    for rel in d.related:
        rline, rcol = rel.span.source.position(rel.span.start)
        message += f"\n  {rel.span.source.display(cwd)}:{rline}:{rcol}: {rel.message}"
    head = ",".join(f"{name}={escape_property(value)}" for name, value in props)
    return f"::{COMMANDS[item.severity]} {head}::{escape_data(message)}"


def render(reported: list[Reported], cwd: Path) -> str:
    return "".join(annotation(item, cwd) + "\n" for item in reported)
