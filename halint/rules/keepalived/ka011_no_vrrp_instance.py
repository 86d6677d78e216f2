"""KA011 no-vrrp-instance: keepalived would run this configuration and do nothing."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.keepalived.model import KaUnit
from halint.rules.base import rule
from halint.core.source import Span

#: top-level blocks that give keepalived work even without an instance or a virtual server
OTHER_WORK = {"bfd_instance", "static_ipaddress", "static_routes", "static_rules"}


@rule("KA011")
def no_vrrp_instance(unit: KaUnit, ctx):
    effective = unit.effective
    if effective.instances or effective.virtual_servers:
        return
    if any(a.context == "top" and a.spec.name in OTHER_WORK for a in effective.applied):
        return
    hidden = [i for i in unit.intended.instances if i.hidden_by is not None]
    hidden_servers = [s for s in unit.intended.virtual_servers if s.hidden_by is not None]
    # anchored at the file's start: the message is this finding's fingerprint, so it keeps the
    # values (host, instances, include) and the note what keepalived then does
    message = "no effective vrrp_instance and no virtual_server"
    if unit.effective.host:
        message = f"on {unit.effective.host}, " + message
    related = []
    for item in hidden + hidden_servers:
        typo = item.hidden_by
        why = (f"the byte-order mark at the start of the file sticks to `{typo.word.text}`" if typo.bom else
               f"`{typo.word.text}` is not `{typo.intended}`")
        related.append(Related(typo.word.span, f"{why}: keepalived ignores this block"))
    if hidden:
        names = ", ".join(f"`{i.name.text}`" for i in hidden)
        under = ("a keyword that a byte-order mark hides" if all(i.hidden_by.bom for i in hidden) else
                 "a misspelt keyword")
        message += f" (the vrrp_instance {names} is under {under})"
    behind_mark = [i for i in unit.intended.instances if i.hidden_by is None and effective.instance(i.name.text) is None]
    if behind_mark and not hidden and any(s.bom for s in effective.sources):
        # not under a keyword: read through a line that a byte-order mark spoils (an include)
        names = ", ".join(f"`{i.name.text}`" for i in behind_mark)
        message += f" (a byte-order mark at the start of a file hides the vrrp_instance {names}: see KA008)"
    empty = [i for i in effective.inclusions if not i.files]
    if empty and not hidden:
        message += f" (`{empty[0].directive} {empty[0].pattern}` brings in no file here)"
        related.append(Related(empty[0].span, "this include matches no file in the checked tree"))
    ctx.report(message, Span(effective.root, 0, 0), tuple(related),
               note="keepalived runs this configuration and does nothing")
