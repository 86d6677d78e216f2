"""Nodes as the failover calculus sees them, in both versions of the configs."""
from __future__ import annotations

from conftest import ROOT, write

from halint.engine.check import Options, run
from halint.inventory.build import build
from halint.inventory.failover import matrix
from halint.inventory.peers import apart, cluster_mates, cluster_views, hearing_groups


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
    from halint.core.edits import apply_edits
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


def _instance(vrid=51, prio=100, vips=("10.0.0.10",), extra=""):
    body = "".join(f"        {v}\n" for v in vips)
    return (f"vrrp_instance VI_{vrid} {{\n    interface eth0\n    virtual_router_id {vrid}\n    priority {prio}\n"
            f"{extra}    virtual_ipaddress {{\n{body}    }}\n}}\n")


HEARING = [
    # (id, b's instance, apart)
    ("same", _instance(prio=90), None),
    ("vrid", _instance(52), "virtual_router_id 51 vs 52"),
    ("vip list", _instance(vips=("10.0.0.10", "10.0.0.11")), "the virtual_ipaddress lists differ"),
    ("auth", _instance(extra="    authentication {\n        auth_type PASS\n        auth_pass other\n    }\n"),
     "the authentication differs"),
    ("advert_int", _instance(extra="    advert_int 2\n"), "advert_int 1 vs 2"),
    ("advert_int written as 1.0", _instance(extra="    advert_int 1.0\n"), None),
    ("advert_int in VRRPv3", _instance(extra="    version 3\n    advert_int 2\n").replace("VI_51", "VI_51"), "VRRP version 2 vs 3"),
    # keepalived compares the first 8 characters of auth_pass
    ("auth past 8 characters", None, None),
]


def test_peers_that_reject_each_others_adverts_are_apart(tmp_path):
    """vrrp.c vrrp_check_packet (2.2.7): adverts of another VRID, VRRP version, VIP list,
    authentication or (VRRPv2) advert_int are discarded; each side elects its own MASTER (a split
    brain, verified with halint simulate)."""
    for n, (case, conf_b, expected) in enumerate(HEARING):
        root = tmp_path / str(n)
        conf_a = _instance()
        if conf_b is None:  # auth_pass longer than 8 characters, equal in the first 8
            auth = "    authentication {{\n        auth_type PASS\n        auth_pass 12345678{}\n    }}\n"
            conf_a, conf_b = _instance(extra=auth.format("a")), _instance(prio=90, extra=auth.format("b"))
        write(root, "hosts/a/etc/keepalived/keepalived.conf", conf_a)
        write(root, "hosts/b/etc/keepalived/keepalived.conf", conf_b)
        inv = inventory_of(root)
        [cluster] = [c for c in inv.clusters if len(c.nodes) == 2]
        groups = hearing_groups(cluster_views(cluster, "intended", inv))
        if expected is None:
            assert len(groups) == 1, case
        else:
            assert [[v.peer.name for v in g] for g in groups] == [["a"], ["b"]], case
            assert apart(groups) == expected, case
            assert "other" not in apart(groups)  # never a password


def test_sync_group_mates_are_the_linked_clusters(tmp_path):
    group = "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
    for host, prio in (("a", 150), ("b", 100)):
        write(tmp_path, f"hosts/{host}/etc/keepalived/keepalived.conf",
              group + _instance(1, prio, ("10.0.0.1",)) .replace("VI_1 {", "VI_1 {") + _instance(2, prio, ("10.0.0.2",)))
    inv = inventory_of(tmp_path)
    first, second = sorted(inv.clusters, key=lambda c: str(min(c.vips)))
    [mate] = cluster_mates(first, "intended", inv)
    assert mate.label == "VIP 10.0.0.2" and mate.linked == {"a", "b"}
    assert [p.name for p in mate.peers] == ["a", "b"]
    [back] = cluster_mates(second, "intended", inv)
    assert back.label == "VIP 10.0.0.1"


def test_vip_lists_are_compared_as_addresses(tmp_path):
    # keepalived compares the advert's VIPs in binary: 2001:DB8::10 is 2001:db8::10
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", _instance(vips=("2001:db8::10",)))
    write(tmp_path, "hosts/b/etc/keepalived/keepalived.conf", _instance(prio=90, vips=("2001:DB8:0::10",)))
    inv = inventory_of(tmp_path)
    [cluster] = inv.clusters
    assert len(hearing_groups(cluster_views(cluster, "intended", inv))) == 1
