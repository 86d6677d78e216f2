"""HL004 unclassified-file: a file halint does not recognise (shown with --verbose)."""
from __future__ import annotations

from halint.rules.base import rule
from halint.core.source import Source, Span


@rule("HL004")
def unclassified_file(project, ctx):
    for path in project.unclassified:
        if path in project.included:
            continue
        ctx.report(
            "not recognised as a file halint checks; skipped",
            Span(Source(path, ""), 0, 0),
            note=(
                "halint checks keepalived.conf, named.conf, zone, interfaces, machine-id, IOS running-config and "
                "change script files"
            ),
        )
