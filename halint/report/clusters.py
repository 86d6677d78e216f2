"""``halint show clusters``: each VRRP cluster's failover matrix, what an engineer reads before a
maintenance window. Per cluster: the peers with their base and healthy effective priorities and
tracked checks, who holds the VIP when everything is healthy, and who holds it when each check
tracked by that holder fails alone on it (keepalived's arithmetic: halint.inventory.failover).

Both versions of the configs are shown when they differ: as intended (typos corrected: the
version clusters are built from) and as keepalived runs it.
"""
from __future__ import annotations

import json
from pathlib import Path

from halint import __version__
from halint.inventory.build import Inventory
from halint.inventory.failover import Matrix, Outcome, effective_priority, elect, matrix
from halint.inventory.model import Cluster
from halint.inventory.peers import PeerView, apart, cluster_mates, cluster_views, hearing_groups

VERSION_TITLE = {"intended": "as intended (misspelt keywords corrected)", "effective": "as keepalived runs it"}


def _weight(weight: int, reverse: bool) -> str:
    text = f"{weight:+d}" if weight else "0 (FAULT)"
    return text + (" reverse" if reverse else "")


def _versions(cluster: Cluster, inventory: Inventory) -> list[tuple[str, list[PeerView], Matrix, tuple]]:
    out = []
    for version in ("intended", "effective"):
        views = cluster_views(cluster, version, inventory)
        mates = cluster_mates(cluster, version, inventory, views) if views else ()
        out.append((version, views, matrix([v.peer for v in views], mates) if views else None, mates))
    intended, effective = out
    if _same(intended[1], effective[1]) and intended[3] == effective[3]:
        return [intended]
    return out


def _same(a: list[PeerView], b: list[PeerView]) -> bool:
    return [v.peer for v in a] == [v.peer for v in b]


def _vrids(cluster: Cluster) -> list[int]:
    return sorted({int(n.instance.vrid.value) for n in cluster.nodes if n.instance.vrid is not None})


def _held(cluster: Cluster) -> str:
    """What the calculus's holder holds: the VIP, or for a cluster without one the MASTER role
    (the MASTER's notify_master moves the address)."""
    return "the VIP" if cluster.vips else "the MASTER role"


def _outcome_json(outcome: Outcome, held: str = "the VIP") -> dict:
    return {
        "holder": outcome.holder,
        "priorities": {name: prio for name, prio in outcome.priorities},
        "undecided": list(outcome.undecided),
        "text": outcome.describe(held),
    }


def _peer_json(view: PeerView) -> dict:
    peer = view.peer
    node = view.node
    return {
        "name": peer.name,
        "host": node.host,
        "instance": view.instance.name.text,
        "path": str(node.unit.path),
        "state": peer.state,
        "base_priority": peer.base_priority,
        "healthy_priority": effective_priority(peer),
        "nopreempt": peer.nopreempt,
        "address": peer.address,
        "weights_ignored": peer.ignored_because,
        "checks": [{"name": c.name, "kind": c.kind, "weight": c.weight, "reverse": c.reverse} for c in peer.checks],
    }


def clusters_json(inventories: list[Inventory], keep=None) -> str:
    """``keep``: which clusters to show (a path inside the tree: the clusters its files are in)."""
    clusters = []
    for inventory in inventories:
        for cluster in inventory.clusters:
            if keep is not None and not keep(cluster):
                continue
            versions = {}
            for version, views, m, mates in _versions(cluster, inventory):
                versions[version] = {
                    "peers": [_peer_json(v) for v in views],
                    "sync_group_mates": [{"vips": mate.label, "peers": sorted(mate.linked)} for mate in mates],
                    "hearing_groups": [[v.peer.name for v in g] for g in hearing_groups(views)],
                    "healthy": _outcome_json(m.healthy, _held(cluster)) if m else None,
                    "failures": [
                        {"check": row.check.name, "on": row.holder, "moves": row.moves, "crossing_weight": row.crossing_weight,
                         **_outcome_json(row.outcome, _held(cluster)), "text": row.describe(_held(cluster))}
                        for row in (m.rows if m else ())
                    ],
                }
            clusters.append({
                "vips": [str(v) for v in sorted(cluster.vips)],
                "segment": str(cluster.segment) if cluster.segment is not None else None,
                "vrids": _vrids(cluster),
                "versions": versions,
            })
    return json.dumps({"tool": "halint", "version": __version__, "clusters": clusters}, indent=2) + "\n"


def _group_master(group: list[PeerView]) -> str:
    """"lb1 (150)", "a or b (tie at 100)", "nobody (FAULT)": one hearing group's MASTER."""
    out = elect([v.peer for v in group])
    if out.holder is not None:
        return f"{out.holder} ({out.priority(out.holder)})"
    if out.undecided:
        return f"{' or '.join(out.undecided)} (tie at {out.priority(out.undecided[0])})"
    return "nobody (" + ", ".join(v.peer.name for v in group) + " in FAULT)"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def clusters_text(inventories: list[Inventory], cwd: Path | None = None, keep=None) -> str:
    lines: list[str] = []
    count = 0
    for inventory in inventories:
        for cluster in inventory.clusters:
            if keep is not None and not keep(cluster):
                continue
            count += 1
            segment = f" on {cluster.segment}" if cluster.segment is not None else ""
            vrids = ", ".join(str(v) for v in _vrids(cluster)) or "none"
            held = _held(cluster)
            if cluster.vips:
                lines.append(f"cluster {count}: {cluster.label()}{segment} (VRID {vrids})")
            else:
                lines.append(f"cluster {count}: VRID {vrids}{segment}, no virtual_ipaddress (the MASTER's notify "
                             "scripts move the address)")
            versions = _versions(cluster, inventory)
            for version, views, m, mates in versions:
                if len(versions) > 1:
                    lines.append(f" {VERSION_TITLE[version]}:")
                missing = [n.name for n in cluster.nodes if n.name not in {v.node.name for v in views}]
                if not views:
                    lines.append(f"  no peer has an effective vrrp_instance: nobody holds {held}")
                    continue
                table = [["peer", "state", "base", "healthy", "checks"]]
                for view in views:
                    peer = view.peer
                    checks = ", ".join(f"{c.name} {_weight(c.weight, c.reverse)}" for c in peer.checks) or "-"
                    if peer.ignored_because and any(c.weight for c in peer.checks):  # weight 0 (FAULT) still counts
                        checks += f" (weights ignored: {peer.ignored_because})"
                    healthy = effective_priority(peer)
                    flags = " nopreempt" if peer.nopreempt else ""
                    table.append([peer.name, peer.state + flags, str(peer.base_priority),
                                  "FAULT" if healthy is None else str(healthy), checks])
                lines.extend(_table(table))
                if missing:
                    lines.append(f"  (no vrrp_instance here: {', '.join(missing)})")
                for mate in mates:
                    lines.append(f"  sync group: moves with {mate.label} on {', '.join(sorted(mate.linked))}")
                groups = hearing_groups(views)
                if len(groups) > 1:
                    names = " | ".join(", ".join(v.peer.name for v in g) for g in groups)
                    lines.append(f"  split brain: the peers hear only their own group ({names}): {apart(groups)}")
                    said = ", ".join(_group_master(g) for g in groups)
                    if cluster.vips:
                        lines.append(f"  all checks pass, each group's MASTER holds the VIPs it lists: {said}")
                    else:
                        lines.append(f"  all checks pass, each group elects a MASTER that runs notify_master: {said}")
                    continue
                lines.append(f"  all checks pass: {m.healthy.describe(held)}")
                for row in m.rows:
                    hint = row.fix_hint()
                    lines.append(f"  {row.describe(held)}" + (f" ({hint})" if hint else ""))
            lines.append("")
    if not count:
        lines.append("no VRRP cluster (no instances that share a VIP or exchange adverts) in the checked paths")
    return "\n".join(lines).rstrip("\n") + "\n"
