"""KA009 include-problem: include targets that match nothing, cycles, files outside the tree,
executable or unreadable targets (lib/parser.c, check_include() / open_glob_file())."""
from __future__ import annotations

from halint.formats.keepalived.model import KaUnit
from halint.rules.base import rule


@rule("KA009")
def include_problem(unit: KaUnit, ctx):
    for problem in unit.effective.problems:
        if problem.code == "KA009":
            ctx.report(problem.message, problem.span, severity_hint=problem.severity_hint)
