"""KA001 syntax-error: braces, quotes, and blocks where keepalived expects none (or one)."""
from __future__ import annotations

from halint.formats.keepalived.model import KaUnit
from halint.rules.base import rule
from halint.rules.keepalived.common import cut_chain, cut_effect, named


@rule("KA001")
def syntax_error(unit: KaUnit, ctx):
    for problem in unit.effective.problems:
        if problem.code == "KA001":
            ctx.report(problem.message, problem.span)
    for misuse in unit.intended.misuse:
        stmt = misuse.statement
        keyword = stmt.keyword.value
        if misuse.problem == "unexpected-block":
            spec = misuse.spec
            takes = "takes a value, not a block" if spec.args is None or spec.args else "takes no block"
            message = f"`{keyword}` {takes}"
            note = "keepalived ignores the `{`"
            related = ()
            stops = not stmt.args and bool(spec.args) and not spec.args[0].optional
            if stops:
                # keepalived puts the `{` on a line of its own: the keyword's line has no value
                # and strvec_slot() calls null_strvec(), which exits (lib/parser.c, v2.2.7)
                message = f"`{keyword}` takes a value, not a block"
                note = (
                    f"keepalived puts the `{{` on a line of its own, which leaves `{keyword}` with no value; "
                    f"keepalived then usually stops (\"Configuration line starting `{keyword}` is missing a "
                    f"parameter\", exit code 2) and the node does not start"
                )
            chain = cut_chain(unit.effective, stmt)
            if chain:
                what, related = cut_effect(unit.effective, chain)
                lead = "; where it carries on, it" if stops else ","
                note += f"{lead} reads the block's lines as part of {named(chain[0].owner)}, and {what}"
            ctx.report(message, stmt.keyword.span, related, note=note)
        elif misuse.problem == "missing-block":
            what = "values" if misuse.spec.kind == "list" else "keywords"
            ctx.report(
                f"`{keyword}` needs a block `{{ ... }}` of {what} on its line or the next",
                stmt.keyword.span,
                note="keepalived reports \"Missing '{'\" and takes the following lines as its content",
            )
        elif misuse.problem == "block-in-list":
            ctx.report(
                f"a block inside the values of `{misuse.spec.name}`",
                stmt.keyword.span,
                note=f"keepalived takes `{{` as a value and the first `}}` as the end of `{misuse.spec.name}`",
            )
