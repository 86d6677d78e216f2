"""KA007 script-security: scripts that keepalived runs without its script security checks, and
commands given without an absolute path while nothing lowers their privileges.

One finding per cause: the missing ``enable_script_security`` once per configuration (at the
top-level block that holds the first script), and each command given by a bare name or a relative
path, at its own line, when it runs as root (no enable_script_security, no script_user, no user of
its own). With enable_script_security and no script_user keepalived 2.2.7 runs scripts as
keepalived_script or, without that account, removes them ("Unable to set default user
keepalived_script for script"): never as root.

What keepalived 2.2.7 checks, and so counts as a script (it prints one "SECURITY VIOLATION" line
per process that found one): the VRRP process, when there is a vrrp_instance, every vrrp_script
(tracked or not), the notify scripts of instances and sync groups and the notify FIFO scripts
(keepalived/vrrp/vrrp.c, check_vrrp_script_security); the checker process, when there is a
virtual_server, MISC_CHECK scripts, notify_up/notify_down, quorum_up/quorum_down and the notify
FIFO scripts (keepalived/check/check_data.c, check_check_script_security); the parent,
startup_script and shutdown_script (keepalived/core/main.c). A command whose first word is ``<``
followed by an absolute path only tests that a file opens, and is no script (lib/notify.c,
check_script_secure: SC_SYSTEM).
"""
from __future__ import annotations

import shlex

from halint.core.diagnostic import Related
from halint.formats.keepalived.model import KaUnit
from halint.rules.base import rule
from halint.rules.keepalived.common import hidden_note, typo_above, with_hidden

#: (block, keyword) of what each keepalived process checks as a script, and what -t then prints
VRRP = {
    ("vrrp_script", "script"),
    *(("vrrp_instance", k) for k in ("notify", "notify_master", "notify_backup", "notify_fault", "notify_stop",
                                     "notify_deleted", "notify_master_rx_lower_pri")),
    *(("vrrp_sync_group", k) for k in ("notify", "notify_master", "notify_backup", "notify_fault", "notify_stop")),
    ("global_defs", "notify_fifo_script"), ("global_defs", "vrrp_notify_fifo_script"),
}
CHECKER = {
    ("misc_check", "misc_path"), ("real_server", "notify_up"), ("real_server", "notify_down"),
    ("virtual_server", "quorum_up"), ("virtual_server", "quorum_down"),
    ("global_defs", "notify_fifo_script"), ("global_defs", "lvs_notify_fifo_script"),
}
START_STOP = {("global_defs", "startup_script"), ("global_defs", "shutdown_script")}
VIOLATION = "SECURITY VIOLATION - {}scripts are being executed but script_security not enabled."
#: keywords whose script takes its user from a `user` line of its block; the others take it
#: from the words after the command (lib/notify.c, notify_script_init)
USER_IN_BLOCK = {"script", "misc_path"}


def command_of(text: str) -> str:
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    return parts[0] if parts else ""


def _is_script(text: str) -> bool:
    first = text.split()[0] if text.split() else ""
    return bool(first) and not (first.startswith("<") and first[1:].lstrip(" \t").startswith("/"))


@rule("KA007")
def script_security(unit: KaUnit, ctx):
    config = unit.intended
    runs = [a for a in config.applied
            if (a.context, a.spec.name) in VRRP | CHECKER | START_STOP and a.statement.args]
    if not runs:
        return
    defs = config.global_defs
    secure = defs is not None and defs.get("enable_script_security") is not None
    script_user = defs is not None and defs.get("script_user") is not None
    if not secure:
        _not_secure(config, runs, ctx)
    for applied in runs:
        stmt = applied.statement
        command = command_of(stmt.args[0].value)
        if not command or command.startswith("/") or not _is_script(stmt.args[0].value):
            continue
        if secure or script_user or _has_user(config, applied):
            # with a user (given, or keepalived_script under enable_script_security) it does not
            # run as root; keepalived 2.2.7 cannot resolve a bare name as a non-root user: KA012
            continue
        kind = "a relative path" if "/" in command else "a bare command name that keepalived looks up in PATH"
        ctx.report(
            f"`{stmt.keyword.value}` runs `{command}`, {kind}, as root",
            stmt.args[0].span,
            note=with_hidden("unless a keepalived_script account exists: give its absolute path", typo_above(config, stmt)),
        )


def _has_user(config, applied) -> bool:
    stmt = applied.statement
    if applied.spec.name not in USER_IN_BLOCK:
        return len(stmt.args) > 1  # notify_master "/path/x.sh" USER [GROUP]
    parent = config.parent_of.get(id(stmt))
    return parent is not None and parent.block is not None and any(
        s.keyword.value == "user" and s.args for s in parent.block.statements)


def _not_secure(config, runs, ctx):
    """The missing enable_script_security, once: the scripts keepalived would check, by the
    process that checks them (the VRRP process only with a vrrp_instance, the checker only with
    a virtual_server)."""
    checked, said = [], []
    for group, kind, present in ((VRRP, "", bool(config.instances)), (CHECKER, "check ", bool(config.virtual_servers)),
                                 (START_STOP, "start/shutdown ", True)):
        mine = [a for a in runs if (a.context, a.spec.name) in group and _is_script(a.statement.args[0].value)]
        if present and mine:
            said.append(VIOLATION.format(kind))
            checked.extend(a for a in mine if all(a is not b for b in checked))
    if not checked:
        return
    count = len(checked)
    quoted = "; ".join(f'"{s}"' for s in said)
    message = (
        f"{count} script{'s run' if count > 1 else ' runs'} without keepalived's script security: global_defs has no "
        "enable_script_security"
    )
    note = (
        f"{'they run' if count > 1 else 'it runs'} as root unless a user is set for {'them' if count > 1 else 'it'} "
        f"or a keepalived_script account exists (keepalived -t: {quoted})"
    )
    related = tuple(
        Related(a.statement.keyword.span,
                f"`{a.statement.keyword.value}` runs `{a.statement.args[0].value}`"
                + hidden_note(typo_above(config, a.statement)))
        for a in sorted(checked, key=lambda a: (str(a.statement.keyword.span.source.path), a.statement.keyword.span.start))
    )
    # at the top-level block of the first script: a line of its own (not the script's line, which
    # may have a finding of its own), which moves with the text around it (its fingerprint stays)
    top = next(a for a in runs if any(a is b for b in checked)).statement
    while id(top) in config.parent_of:
        top = config.parent_of[id(top)]
    ctx.report(message, top.keyword.span, related, note=note)
