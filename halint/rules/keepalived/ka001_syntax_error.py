"""KA001 syntax-error: braces, quotes, and blocks where keepalived expects none (or one)."""
from __future__ import annotations

from halint.diagnostic import Diagnostic, Related
from halint.model.keepalived import KaUnit
from halint.rules.base import rule
from halint.rules.keepalived.common import lines, named


@rule("KA001", "keepalived")
def syntax_error(unit: KaUnit, ctx):
    for problem in unit.effective.problems:
        if problem.code == "KA001":
            yield Diagnostic("KA001", problem.message, problem.span)
    cuts = {id(c.culprit): c for c in unit.effective.cuts}
    for misuse in unit.intended.misuse:
        stmt = misuse.statement
        keyword = stmt.keyword.value
        if misuse.problem == "unexpected-block":
            message = f"`{keyword}` takes a value, not a block: keepalived ignores the `{{`"
            related = ()
            cut = cuts.get(id(stmt))
            if cut is not None:
                message += (
                    f", reads the block's lines as part of {named(cut.owner)}, and its `}}` ends "
                    f"{named(cut.owner)} early"
                )
                if cut.orphaned:
                    span = cut.orphaned[0].span.cover(cut.orphaned[-1].span)
                    message += f" ({lines(span)} are then read one level up)"
                    related = (Related(span, f"read outside {named(cut.owner)}"),)
            yield Diagnostic("KA001", message, stmt.keyword.span, related)
        elif misuse.problem == "missing-block":
            what = "values" if misuse.spec.kind == "list" else "keywords"
            yield Diagnostic(
                "KA001",
                f"`{keyword}` needs a block `{{ ... }}` of {what} on its line or the next: keepalived "
                f"reports \"Missing '{{'\" and takes the following lines as its content",
                stmt.keyword.span,
            )
        elif misuse.problem == "block-in-list":
            yield Diagnostic(
                "KA001",
                f"a block inside the values of `{misuse.spec.name}`: keepalived takes `{{` as a value "
                f"and the first `}}` as the end of `{misuse.spec.name}`",
                stmt.keyword.span,
            )
