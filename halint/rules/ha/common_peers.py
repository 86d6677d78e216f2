"""Helpers shared by the peer-consistency and addressing rules (HA001-HA004, HA010, HA011,
HA014): naming nodes and lines, choosing the peer the others should align with, and saying
when a finding holds only once a typo is corrected (RULES.md, HA preamble: two versions)."""
from __future__ import annotations

from collections import Counter
from typing import Callable

from halint.inventory.model import Node
from halint.formats.keepalived.model import KaConfig, Setting, VrrpInstance, family  # noqa: F401  (family re-exported)
from halint.rules.keepalived.common import vrrp_version
from halint.core.source import Span
from halint.rules.phrases import and_list, file_line

#: keepalived's check_true_false() (lib/parser.c): the words that mean "off"
FALSE_WORDS = {"false", "off", "no", "0"}




def host_name(node: Node) -> str:
    """``web2``; a file with no host gets its file name."""
    return node.host or node.unit.path.name




def setting(instance: VrrpInstance, keyword: str) -> Setting | None:
    """The last line of ``keyword`` directly inside the instance (keepalived keeps the last)."""
    found = None
    for item in instance.settings:
        if item.keyword.text == keyword:
            found = item
    return found


def instance_anchor(node: Node) -> Span:
    """Where to say something about an instance as a whole: its name."""
    return node.instance.name.span


def design_master(nodes: list[Node]) -> Node | None:
    """The MASTER by design: the only node with the highest base priority among those with
    ``state MASTER`` (among all nodes when none says MASTER); None when that is not one node."""
    masters = [n for n in nodes if n.instance.state_value == "MASTER"] or list(nodes)
    if not masters:
        return None
    top = max(n.instance.base_priority for n in masters)
    best = [n for n in masters if n.instance.base_priority == top]
    return best[0] if len(best) == 1 else None


def reference(nodes: list[Node], value: Callable[[Node], object]) -> tuple[Node | None, str]:
    """The node whose value the others should align with, and why: the MASTER by design; else
    the value most nodes share; else the first node (by host name)."""
    valued = [n for n in nodes if value(n) is not None]
    if not valued:
        return None, ""
    master = design_master(nodes)
    if master is not None and value(master) is not None:
        return master, "the MASTER by design"
    counts = Counter(value(n) for n in valued)
    (top, count), *rest = counts.most_common()
    if not rest or rest[0][1] < count:
        return next(n for n in valued if value(n) == top), "the majority"
    return valued[0], "the first peer"


def typo_phrase(node: Node) -> str | None:
    """For a node keepalived does not run (its instance sits under a misspelt keyword)."""
    if node.effective is not None:
        return None
    typo = node.instance.hidden_by
    if typo is None:
        return f"the instance on {host_name(node)} is corrected"
    if typo.bom:
        return f"the byte-order mark before `{typo.word.text}` ({file_line(typo.word.span, node.host)}) is removed"
    return f"`{typo.word.text}` ({file_line(typo.word.span, node.host)}) is corrected to `{typo.intended}`"


def once_prefix(nodes: list[Node], holds_effective: bool) -> str:
    """"once `vrp_instance` (web's keepalived.conf line 19) is corrected to `vrrp_instance`, "
    when the finding holds only as intended; "" when it also holds as keepalived runs it."""
    if holds_effective:
        return ""
    phrases = [p for p in (typo_phrase(n) for n in nodes) if p]
    if phrases:
        return "once " + and_list(phrases) + ", "
    files = sorted({f"{host_name(n)}'s {n.unit.path.name}" for n in nodes})
    return f"once the misspelt keywords in {and_list(files)} are corrected (KA002/KA003), "






def version_of(config: KaConfig, instance: VrrpInstance) -> int:
    return vrrp_version(config, instance)


def truthy(item: Setting | None) -> bool:
    """A keepalived flag keyword (``skip_check_adv_addr [on|off]``): present and not turned off."""
    if item is None:
        return False
    return not (item.args and item.args[0].text.lower() in FALSE_WORDS)


def global_flag(config: KaConfig, name: str) -> Setting | None:
    defs = config.global_defs
    return defs.get(name) if defs is not None else None


def line_indent(span: Span) -> str:
    text = span.source.text
    start = text.rfind("\n", 0, span.start) + 1
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def end_of_line(span: Span) -> int:
    text = span.source.text
    end = text.find("\n", span.end)
    return len(text) if end == -1 else end + 1
