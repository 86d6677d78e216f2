"""KA010 unused-script: a vrrp_script that no track_script entry names: keepalived discards it
at startup without ever running it ("Warning - script X is not used", vrrp.c, v2.2.7)."""
from __future__ import annotations

from halint.formats.keepalived.model import KaUnit
from halint.rules.base import rule
from halint.rules.keepalived.common import with_hidden


@rule("KA010")
def unused_script(unit: KaUnit, ctx):
    config = unit.intended
    tracked = set()
    for owner in list(config.instances) + list(config.sync_groups):
        tracked.update(e.name.text for e in owner.track_scripts if not e.ignored)
    for script in config.scripts:
        if script.name.text not in tracked:
            ctx.report(
                f"vrrp_script `{script.name.text}` is tracked by no vrrp_instance or vrrp_sync_group",
                script.name.span,
                note=with_hidden("its result changes nothing", script.hidden_by),
            )
