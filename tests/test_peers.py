"""Nodes as the failover calculus sees them, in both versions of the configs."""
from __future__ import annotations

from conftest import ROOT, write

from halint.engine import Options, run
from halint.inventory.build import build
from halint.inventory.failover import matrix
from halint.inventory.peers import cluster_views


def inventory_of(path):
    [project] = run(Options(paths=[path], select=["HL001"])).projects
    return build(project)


def test_the_reference_example_in_both_versions():
    inv = inventory_of(ROOT / "examples" / "leidoscope")
    [cluster] = inv.clusters
    intended = cluster_views(cluster, "intended", inv)
    assert [(v.peer.name, v.peer.base_priority, v.peer.address, [(c.name, c.weight) for c in v.peer.checks]) for v in intended] == [
        ("web", 100, "10.51.10.11", [("chk_nginx", 11), ("chk_vsftpd", 11), ("chk_bind", 11)]),
        ("web2", 90, "10.51.10.12", []),
    ]
    m = matrix([v.peer for v in intended])
    assert m.holder == "web" and [r.moves for r in m.rows] == [False, False, False]
    # as keepalived runs it, web has no instance at all: web2 is the whole cluster
    assert [v.peer.name for v in cluster_views(cluster, "effective", inv)] == ["web2"]


KA = """\
vrrp_script chk {{
    script "/usr/bin/pidof nginx"
    weight {weight}
}}
vrrp_sync_group G {{
    group {{
        VI_1
    }}
    {tracking}
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {{
        10.0.0.100/24
    }}
    track_script {{
        chk
        {undefined}
    }}
}}
"""


def test_sync_groups_undefined_scripts_and_tracking_weight(tmp_path):
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA.format(weight=-20, tracking="", undefined="chk_missing"))
    [view] = cluster_views(inventory_of(tmp_path).clusters[0], "intended")
    assert [c.name for c in view.peer.checks] == ["chk"]  # chk_missing names no vrrp_script
    assert view.peer.weights_ignored == "sync group G without sync_group_tracking_weight"
    for keyword in ("sync_group_tracking_weight", "global_tracking"):
        write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA.format(weight=-20, tracking=keyword, undefined=""))
        [view] = cluster_views(inventory_of(tmp_path).clusters[0], "intended")
        assert view.peer.weights_ignored is None, keyword


REVERSED = """\
vrrp_script chk {{
    script "/usr/bin/pidof nginx"
    weight 10 reverse
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {{
        10.0.0.100/24
    }}
    track_script {{
        chk {entry}
    }}
}}
"""


def test_an_entry_weight_keeps_the_scripts_reverse_unless_it_says_noreverse(tmp_path):
    """vrrp_track.c, alloc_track_script(): the script's weight_reverse stays unless the entry
    says reverse / noreverse (found by halint simulate against keepalived 2.2.7)."""
    seen = {}
    for entry in ("", "weight 30", "weight 30 noreverse", "weight 30 reverse"):
        folder = tmp_path / str(len(seen))
        write(folder, "hosts/a/etc/keepalived/keepalived.conf", REVERSED.format(entry=entry))
        [view] = cluster_views(inventory_of(folder).clusters[0], "intended")
        [check] = view.peer.checks
        seen[entry] = (check.weight, check.reverse)
    assert seen == {"": (10, True), "weight 30": (30, True), "weight 30 noreverse": (30, False), "weight 30 reverse": (30, True)}


def test_a_weight_fix_on_a_reversed_script_says_noreverse(tmp_path):
    from halint.fix import apply_edits
    from halint.rules.ha.common_failover import weight_edits

    cases = {"": "chk weight -20 noreverse", "weight 5": "chk weight -20 noreverse",
             "weight 5 reverse": "chk weight -20 noreverse", "weight 5 noreverse": "chk weight -20 noreverse"}
    for i, (entry, expected) in enumerate(cases.items()):
        folder = tmp_path / str(i)
        write(folder, "hosts/a/etc/keepalived/keepalived.conf", REVERSED.format(entry=entry))
        [view] = cluster_views(inventory_of(folder).clusters[0], "intended")
        [track] = view.instance.track_scripts
        text = track.name.span.source.text
        fixed = apply_edits(text, list(weight_edits(track, -20, inherited_reverse=True)))
        assert expected in fixed, (entry, fixed)
        plain = apply_edits(text, list(weight_edits(track, -20, inherited_reverse=False)))
        line = next(l.strip() for l in plain.splitlines() if l.strip().startswith("chk"))
        assert line == ("chk weight -20 noreverse" if "noreverse" in entry else "chk weight -20"), (entry, line)


OWN = """\
vrrp_instance VI_1 {{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    {extra}
    virtual_ipaddress {{
        10.0.0.100/24
    }}
    track_interface {{
        eth0 weight -10
        eth1 weight -10
    }}
}}
"""


def test_tracking_the_own_interface_is_fault_whatever_the_weight(tmp_path):
    """vrrp.c: "Ignoring track_interface eth0 since own interface"; the instance tracks it anyway
    (FAULT when down) unless dont_track_primary (found by halint simulate against 2.2.7)."""
    write(tmp_path / "a", "hosts/a/etc/keepalived/keepalived.conf", OWN.format(extra=""))
    [view] = cluster_views(inventory_of(tmp_path / "a").clusters[0], "intended")
    assert [(c.name, c.weight) for c in view.peer.checks] == [("eth0", 0), ("eth1", -10)]
    write(tmp_path / "b", "hosts/a/etc/keepalived/keepalived.conf", OWN.format(extra="dont_track_primary"))
    [view] = cluster_views(inventory_of(tmp_path / "b").clusters[0], "intended")
    assert [(c.name, c.weight) for c in view.peer.checks] == [("eth1", -10)]
