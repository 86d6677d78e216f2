"""IOS001 malformed-nat: an ``ip nat`` line IOS rejects, or a change-script ``no`` line that
removes nothing (the front end finds both while applying the commands)."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.ios.model import Router
from halint.rules.base import rule


@rule("IOS001")
def malformed_nat(router: Router, ctx):
    for problem in router.problems:
        related = tuple(Related(span, message) for span, message in problem.related)
        ctx.report(problem.message, problem.span, related=related)
