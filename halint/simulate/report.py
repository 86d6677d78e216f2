"""The simulation's report: per cluster and version, each scenario's predicted holder (the
failover calculus, as ``halint show clusters`` prints it) beside the one the daemons chose."""
from __future__ import annotations

from halint.simulate.run import Result

VERSION_TITLE = {"intended": "as intended (misspelt keywords corrected)", "effective": "as keepalived runs it"}


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _verdict(step) -> str:
    return "agree" if step.agree else "DISAGREE"


def render(results: list[Result]) -> str:
    lines: list[str] = []
    for result in results:
        plan = result.plan
        peers = ", ".join(f"{p.name} {p.address}" for p in plan.peers) or "no peer"
        lines.append(f"cluster {plan.number}: {plan.label}, {VERSION_TITLE[plan.version]} ({peers})")
        for note in result.notes:
            lines.append(f"  note: {note}")
        if result.steps:
            rows = [["scenario", "predicted", "observed", ""]]
            rows += [[s.scenario, s.predicted, s.observed, _verdict(s)] for s in result.steps]
            lines.extend(_table(rows))
            for step in result.steps:
                if not step.agree and step.why:
                    lines.append(f"  calculus for `{step.scenario}`: {step.why}")
        if result.error:
            lines.append(f"  {result.error}")
        lines.append(f"  ({result.seconds:.1f} s)")
        lines.append("")
    total = sum(len(r.steps) for r in results)
    wrong = sum(1 for r in results for s in r.steps if not s.agree)
    failed = sum(1 for r in results if r.error and not r.error.startswith("not simulated"))
    skipped = sum(1 for r in results if r.error and r.error.startswith("not simulated"))
    summary = f"{total} scenario{'s' if total != 1 else ''}: {total - wrong} agree, {wrong} disagree"
    if failed:
        summary += f"; {failed} simulation{'s' if failed != 1 else ''} failed"
    if skipped:
        summary += f"; {skipped} not simulated"
    if not results:
        summary = "no VRRP cluster to simulate"
    lines.append(summary)
    return "\n".join(lines) + "\n"
