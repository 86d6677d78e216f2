"""KA013 deprecated-keyword: what keepalived accepts but itself reports as deprecated.

Two causes, each from keepalived's own words (the data is the ``deprecated`` table of
grammars/keepalived-keywords.toml, with its sources):

* a keyword whose handler reports it as deprecated, where ``keepalived -t`` prints it (the ones
  keepalived only logs at run time are left out: -t never says them);
* a vrrp_sync_group that ends up with one member (keepalived/vrrp/vrrp_sync.c,
  vrrp_sync_set_group, since 1.4.0: "Sync group %s has only 1 virtual router(s) - this probably
  isn't what you want").

Only what keepalived runs (the effective configuration): a keyword under a misspelt block is not
read by keepalived, and KA002 reports the misspelling first.
"""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.formats.keepalived.model import KaUnit
from halint.rules.base import rule

#: the blocks whose name keepalived puts in front of its message ("(VI_1) ...")
NAMED_BLOCKS = ("vrrp_instance", "vrrp_sync_group")


@rule("KA013")
def deprecated_keyword(unit: KaUnit, ctx):
    config = unit.effective
    for applied in config.applied:
        said = applied.spec.deprecated
        if said is None or not said.config_test:
            continue
        stmt = applied.statement
        keyword = stmt.keyword.value
        parent = config.parent_of.get(id(stmt))
        name = parent.args[0].value if parent is not None and parent.args and parent.keyword.value in NAMED_BLOCKS else ""
        if said.rename:
            advice = f"use `{said.use}`, which does the same"
        else:
            advice = f"use {said.use}"
        message = f"`{keyword}` is deprecated since keepalived {said.since}: {advice}"
        fix = None
        if said.rename and stmt.keyword.expanded is None:
            fix = Fix((Edit(stmt.keyword.span, said.use),), Safety.SAFE, f"replace `{keyword}` by `{said.use}`")
        ctx.report(message, stmt.keyword.span, fix=fix, note=f"keepalived accepts it but warns (keepalived -t: \"{said.said(name)}\")")
    _single_member_groups(config, ctx)


def _single_member_groups(config, ctx):
    """keepalived takes each group's members in order, skipping a name that is no instance
    ("doesn't exist - ignoring": KA004's finding, so such a group is left to it) and an instance
    that an earlier group already holds ("cannot exist in more than one sync group")."""
    held: dict[str, str] = {}  #: instance -> the group that holds it
    for group in config.sync_groups:
        if group.hidden_by is not None:
            continue
        names = [m.text for m in group.members]
        if any(config.instance(n) is None for n in names):
            for n in names:
                held.setdefault(n, group.name.text)
            continue
        mine = [n for n in dict.fromkeys(names) if n not in held]
        taken = [n for n in dict.fromkeys(names) if n in held]
        for n in mine:
            held[n] = group.name.text
        if len(mine) != 1:
            continue
        gname = group.name.text
        message = f"vrrp_sync_group `{gname}` has one member, `{mine[0]}`: it syncs nothing"
        note = (
            f"a sync group moves its members between states together (keepalived -t: \"Sync group "
            f"{gname} has only 1 virtual router(s) - this probably isn't what you want\")"
        )
        related = []
        if taken:
            others = ", ".join(f"`{n}`" for n in taken)
            note += f"; keepalived ignores {others} here: an instance can be in one sync group only"
            member_words = {m.text: m for m in group.members}
            related = [Related(member_words[n].span, f"`{n}` is already in `{held[n]}`") for n in taken]
        ctx.report(message, group.name.span, tuple(related), note=note)
