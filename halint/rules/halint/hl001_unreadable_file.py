"""HL001 unreadable-file: a file halint cannot read as text (binary, too large, permission), or
a part of one it stopped reading at one of its limits (halint.core.limits) where the format has no
syntax code of its own (named.conf, interfaces)."""
from __future__ import annotations

from halint.rules.base import rule
from halint.core.source import Source, Span


@rule("HL001")
def unreadable_file(project, ctx):
    for path, why in sorted(project.unreadable.items()):
        where = Source(path, "")
        ctx.report(f"cannot read this file: {why}", Span(where, 0, 0))
    for span, why in project.cut_short:
        ctx.report(f"not read past here: {why}", span)
