"""KA007 script-security: scripts that keepalived runs without its script security checks, and
commands given without an absolute path while nothing lowers their privileges.

Without ``enable_script_security`` in global_defs, keepalived -t reports "SECURITY VIOLATION -
scripts are being executed but script_security not enabled." (v2.2.7); scripts run as root
unless ``script_user`` (global_defs) or ``user`` (vrrp_script) says otherwise.
"""
from __future__ import annotations

import shlex

from halint.diagnostic import Diagnostic
from halint.model.keepalived import KaUnit
from halint.rules.base import rule
from halint.rules.keepalived.common import hidden_note, typo_above

#: keywords whose value keepalived executes as a command
SCRIPT_KEYWORDS = {
    "script", "notify", "notify_master", "notify_backup", "notify_fault", "notify_stop",
    "notify_deleted", "notify_master_rx_lower_pri", "notify_up", "notify_down", "quorum_up",
    "quorum_down", "misc_path", "notify_fifo_script", "vrrp_notify_fifo_script",
    "lvs_notify_fifo_script",
}


def command_of(text: str) -> str:
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    return parts[0] if parts else ""


@rule("KA007", "keepalived")
def script_security(unit: KaUnit, ctx):
    config = unit.intended
    runs = [a for a in config.applied if a.spec.name in SCRIPT_KEYWORDS and a.statement.args]
    if not runs:
        return
    defs = config.global_defs
    secure = defs is not None and defs.get("enable_script_security") is not None
    script_user = defs is not None and defs.get("script_user") is not None
    if not secure:
        first = runs[0].statement
        count = len(runs)
        yield Diagnostic(
            "KA007",
            f"{count} script{'s' if count > 1 else ''} (first: `{first.keyword.value} {first.args[0].value}`) "
            "run without keepalived's script security: enable_script_security is not set in global_defs "
            "(keepalived -t: \"SECURITY VIOLATION - scripts are being executed but script_security not "
            "enabled\"); they run as root unless script_user says otherwise"
            + hidden_note(typo_above(config, first)),
            first.keyword.span,
        )
    users = {s.name.text for s in config.scripts if s.user is not None}
    for applied in runs:
        stmt = applied.statement
        command = command_of(stmt.args[0].value)
        if not command or command.startswith("/"):
            continue
        owner_has_user = applied.spec.name == "script" and any(
            s.script is not None and s.script.keyword.span == stmt.keyword.span and s.name.text in users
            for s in config.scripts
        )
        if script_user or owner_has_user:
            continue
        kind = "a relative path" if "/" in command else "a bare command name found through PATH"
        yield Diagnostic(
            "KA007",
            f"`{stmt.keyword.value}` runs `{command}`, {kind}, as root (no script_user in global_defs, "
            f"no user in the vrrp_script): give its absolute path and an unprivileged script_user"
            + hidden_note(typo_above(config, stmt)),
            stmt.args[0].span,
        )
