"""The keepalived.conf one simulated peer runs: a minimal equivalent of its instance, generated
from the parsed model (the version being simulated).

Kept as keepalived reads them: state, priority (only when written), virtual_router_id,
advert_int, version, nopreempt, preempt_delay, authentication, unicast_src_ip / unicast_peer,
the VIPs (address/prefix), every track_script / track_interface entry with its options as written,
each tracked vrrp_script's weight, rise, fall and init_fail, and the vrrp_sync_group with
sync_group_tracking_weight and its own track_* blocks, with every member the plan links (each
member instance is written the same way). Changed: the interface is the namespace's
veth end; each script runs ``/usr/bin/test -f STATEFILE`` (passes while the file exists) every
second (rise/fall count runs, so a shorter interval changes when, not whether, the VIP moves);
a tracked interface is a veth end inside the namespace that halint sets down; notify scripts,
virtual servers and everything else are left out. global_defs carries enable_script_security,
script_user root and a unique router_id.

Nothing the config names is ever run, and nothing it says can add to the generated config: names
and track options must be plain words (:data:`SAFE`, else a stable stand-in or left out),
addresses are re-printed from their parsed value, and auth_pass becomes a digest of the part
keepalived compares (equal passwords stay equal, the secret is not written).
"""
from __future__ import annotations

import hashlib
import ipaddress
import re
from pathlib import Path

from halint.inventory.model import sync_group_of
from halint.formats.keepalived.model import KaConfig, TrackEntry, VrrpInstance, initial_state
from halint.simulate.plan import IFACE, PeerPlan

TEST = "/usr/bin/test"


def statefile(statedir: Path, peer: PeerPlan, check: str) -> Path:
    """The file whose existence makes ``check`` pass on ``peer``."""
    index = next(i for i, c in enumerate(peer.checks) if c.name == check)
    return statedir / f"p{peer.index}-c{index}"


#: what a name or an option may look like in the generated config: nothing a config says can
#: add a line, a block or a command to it (anything else is replaced or left out)
SAFE = re.compile(r"[A-Za-z0-9_.:@+-]{1,64}")


def safe_name(text: str) -> str:
    """``text`` when it is a plain name, else a stable stand-in (the same text, the same name)."""
    return text if SAFE.fullmatch(text) else "hl_" + hashlib.sha256(text.encode()).hexdigest()[:12]


def auth_pass(text: str) -> str:
    """A stand-in for the password: equal where keepalived's are equal (it keeps the first 8
    characters), different where they differ, and never the secret itself."""
    return hashlib.sha256(text[:8].encode()).hexdigest()[:8]


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(number) -> str:
    return str(number.value)


def _scripts(config: KaConfig, entries: list[TrackEntry]) -> list[str]:
    names = []
    for entry in entries:
        if entry.ignored or config.script(entry.name.text) is None:
            continue
        if entry.name.text not in names:
            names.append(entry.name.text)
    return names


def _track_block(keyword: str, lines: list[str], indent: str) -> list[str]:
    if not lines:
        return []
    return [f"{indent}{keyword} {{", *(f"{indent}    {line}" for line in lines), f"{indent}}}"]


def _options(entry: TrackEntry) -> str:
    """``weight N [reverse|noreverse]`` as written: keepalived resolves it (a weight without
    ``reverse`` keeps the vrrp_script's reverse in 2.2.7), not halint's reading of it."""
    return "".join(" " + w.text for w in entry.words[1:])


def _plain(entry: TrackEntry) -> bool:
    return not entry.ignored and all(SAFE.fullmatch(w.text) for w in entry.words[1:])


def _script_lines(config: KaConfig, entries) -> list[str]:
    return [safe_name(entry.name.text) + _options(entry)
            for entry in entries if _plain(entry) and config.script(entry.name.text) is not None]


def _interface_lines(peer: PeerPlan, entries) -> list[str]:
    out = []
    for entry in entries:
        check = peer.check(entry.name.text)
        if not _plain(entry) or check is None or not check.device:
            continue
        device = check.device
        out.append(device + _options(entry))
    return out


def _instance(peer: PeerPlan, config: KaConfig, instance: VrrpInstance) -> list[str]:
    lines = [f"vrrp_instance {safe_name(instance.name.text)} {{"]
    state, _why = initial_state(config, instance)
    if instance.state is not None or state != instance.state_value:
        lines.append(f"    state {state}")
    lines.append(f"    interface {IFACE}")
    if instance.vrid is not None:
        lines.append(f"    virtual_router_id {_num(instance.vrid)}")
    if any(s.keyword.text == "priority" for s in instance.settings):
        lines.append(f"    priority {instance.base_priority}")
    if instance.advert_int is not None:
        lines.append(f"    advert_int {_num(instance.advert_int)}")
    if instance.version is not None:
        lines.append(f"    version {_num(instance.version)}")
    if instance.nopreempt is not None:
        lines.append("    nopreempt")
    delay = instance.preempt_delay.args[0].text if instance.preempt_delay is not None and instance.preempt_delay.args else None
    if delay is not None and re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6})?", delay):
        lines.append(f"    preempt_delay {delay}")
    if instance.auth_type is not None and instance.auth_type.text in ("PASS", "AH"):
        lines.append("    authentication {")
        lines.append(f"        auth_type {instance.auth_type.text}")
        if instance.auth_pass is not None:
            lines.append(f"        auth_pass {auth_pass(instance.auth_pass.text)}")
        lines.append("    }")
    if instance.unicast_src_ip is not None and instance.unicast_src_ip.args:
        lines.append(f"    unicast_src_ip {peer.address.ip}")
    if instance.unicast_peers:
        lines.append("    unicast_peer {")
        lines.extend(f"        {ip}" for word in instance.unicast_peers for ip in [_ip(word.text)] if ip is not None)
        lines.append("    }")
    vips = [vip for vip in instance.vips if vip.valid and _ip(vip.address.text) is not None]
    lines.append("    virtual_ipaddress {")
    lines.extend(f"        {_ip(vip.address.text)}" + (f"/{vip.prefix}" if vip.prefix is not None else "") for vip in vips)
    if not vips and peer.witness is not None:  # a cluster without a VIP: the MASTER shows by it
        lines.append(f"        {peer.witness}")
    lines.append("    }")
    lines += _track_block("track_script", _script_lines(config, instance.track_scripts), "    ")
    lines += _track_block("track_interface", _interface_lines(peer, instance.track_interfaces), "    ")
    lines.append("}")
    return lines


def render(peer: PeerPlan, statedir: Path, router_id: str) -> str:
    """The whole keepalived.conf of ``peer``: its instance and its sync group mates' (run beside
    it when the plan links clusters), each on the namespace's interface."""
    view = peer.view
    config, instance = view.config, view.instance
    group = sync_group_of(config, instance)
    entries = [e for v in peer.views for e in v.instance.track_scripts]
    entries += list(group.track_scripts) if group is not None else []
    lines = ["# generated by halint simulate", "global_defs {", f"    router_id {router_id}",
             "    enable_script_security", "    script_user root"]
    defs = config.global_defs
    version = defs.get("vrrp_version") if defs is not None else None
    if version is not None and version.args and version.args[0].text in ("2", "3"):
        lines.append(f"    vrrp_version {version.args[0].text}")
    lines.append("}")
    for name in _scripts(config, entries):
        script = config.script(name)
        lines += ["", f"vrrp_script {safe_name(name)} {{", f"    script {_quote(f'{TEST} -f {statefile(statedir, peer, name)}')}",
                  "    interval 1"]
        if script.weight is not None:
            lines.append(f"    weight {_num(script.weight)}" + (" reverse" if script.weight_reverse else ""))
        if script.rise is not None:
            lines.append(f"    rise {_num(script.rise)}")
        if script.fall is not None:
            lines.append(f"    fall {_num(script.fall)}")
        if script.init_fail:
            lines.append("    init_fail")
        lines.append("}")
    if group is not None:
        lines += ["", f"vrrp_sync_group {safe_name(group.name.text)} {{", "    group {",
                  *(f"        {safe_name(v.instance.name.text)}" for v in peer.views), "    }"]
        if group.tracking_weight is not None:
            lines.append("    sync_group_tracking_weight")
        lines += _track_block("track_script", _script_lines(config, group.track_scripts), "    ")
        lines += _track_block("track_interface", _interface_lines(peer, group.track_interfaces), "    ")
        lines.append("}")
    for member in peer.views:
        lines.append("")
        lines += _instance(peer, member.config, member.instance)
    return "\n".join(lines) + "\n"
