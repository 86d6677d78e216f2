"""The inventory: one model of the whole tree (hosts, clusters, node addresses, zone records,
services), built from a loaded project."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, write
from netaddr import IPAddress, IPNetwork

from halint.engine.check import Options, run
from halint.inventory.build import build
from halint.inventory.services import recognise

LEIDOSCOPE = ROOT / "examples" / "leidoscope"


def inventory_of(path: Path):
    [project] = run(Options(paths=[path], select=["HL001"])).projects
    return build(project)


def test_the_reference_example():
    inv = inventory_of(LEIDOSCOPE)
    [cluster] = inv.clusters
    assert cluster.vips == {IPAddress("10.51.10.67")}
    assert cluster.segment == IPNetwork("10.51.0.0/16")
    web, web2 = cluster.nodes
    # web's instance exists only once `vrp_instance` is corrected; web2's is real
    assert (web.host, web.hidden, web.instance.base_priority) == ("web", True, 100)
    assert (web2.host, web2.hidden, web2.instance.base_priority) == ("web2", False, 90)
    assert [(t.name, t.weight, t.service.name, t.service.ports) for t in web.tracked] == [
        ("chk_nginx", 11, "nginx", (("tcp", 80), ("tcp", 443))),
        ("chk_vsftpd", 11, "vsftpd", (("tcp", 21),)),
        ("chk_bind", 11, "named", (("udp", 53), ("tcp", 53))),
    ]
    assert web2.tracked == ()
    # node addresses come from the interfaces files; the VIP is never one
    assert {str(a): [h for h, _ in v] for a, v in inv.node_addresses.items()} == {"10.51.10.11": ["web"], "10.51.10.12": ["web2"]}
    assert inv.cluster_serving(IPAddress("10.51.10.11"))[1].host == "web"
    assert inv.cluster_serving(IPAddress("10.51.10.67")) is None
    # every A record at a VIP or a node address, with the host whose copy of the zone holds it
    hosts_pointing = {str(a): sorted({h for h, _, _ in v}) for a, v in inv.records.items()}
    assert hosts_pointing == {"10.51.10.67": ["web"], "10.51.10.11": ["web2"]}
    assert sorted(r.name for r in inv.routers) == ["Rnet1", "Rnet92i"]


KA = """\
vrrp_instance VI_{n} {{
    state {state}
    interface eth0
    virtual_router_id {vrid}
    priority {prio}
    virtual_ipaddress {{
        {vips}
    }}
}}
"""


def _host(tmp_path, name, vips, vrid=51, prio=100, state="BACKUP", n=1, address=None):
    write(tmp_path, f"hosts/{name}/etc/keepalived/keepalived.conf", KA.format(n=n, state=state, vrid=vrid, prio=prio, vips=vips))
    if address:
        write(tmp_path, f"hosts/{name}/etc/network/interfaces", f"auto eth0\niface eth0 inet static\n    address {address}\n")


def test_clusters_are_instances_that_share_a_vip(tmp_path):
    _host(tmp_path, "a", "10.0.0.100/24\n        10.0.0.101/24", address="10.0.0.1/24")
    _host(tmp_path, "b", "10.0.0.101/24", address="10.0.0.2/24")
    _host(tmp_path, "c", "10.0.0.102/24", address="10.0.0.3/24")
    _host(tmp_path, "d", "2001:db8::100/64", vrid=52)
    inv = inventory_of(tmp_path)
    groups = sorted(sorted(c.hosts) for c in inv.clusters)
    assert groups == [["a", "b"], ["c"], ["d"]]
    ab = next(c for c in inv.clusters if "a" in c.hosts)
    assert ab.vips == {IPAddress("10.0.0.100"), IPAddress("10.0.0.101")} and ab.segment == IPNetwork("10.0.0.0/24")
    assert next(c for c in inv.clusters if "d" in c.hosts).segment is None  # no interfaces file


@pytest.mark.parametrize("command, name, expected", [
    ("pidof nginx", "chk_web", "nginx"),
    ("/usr/bin/pgrep -x haproxy", "chk", "haproxy"),
    ("killall -0 vsftpd", "x", "vsftpd"),
    ("systemctl is-active --quiet bind9.service", "x", "named"),
    ("service apache2 status", "x", "apache2"),
    ("/etc/init.d/postgresql status", "x", "postgres"),
    ("/usr/local/bin/check_nginx.sh", "x", "nginx"),
    ("sh -c 'pidof mysqld || exit 1'", "x", "mysqld"),
    ("/usr/local/bin/health", "chk_haproxy", "haproxy"),
    ("/usr/local/bin/health", "chk_something", None),
])
def test_services_are_read_from_the_check_command(command, name, expected):
    service = recognise(command, name)
    assert (service.name if service else None) == expected


def test_manifest_services_override_the_table():
    assert recognise("pidof vsftpd", "x", {"vsftpd": (("tcp", 2121),)}).ports == (("tcp", 2121),)
    assert recognise("pidof myapp", "x", {"myapp": (("tcp", 8080),)}).ports == (("tcp", 8080),)
    assert recognise("pidof myapp", "x").ports == ()


def test_indexes_by_vrid_name_and_nat_target():
    inv = inventory_of(LEIDOSCOPE)
    [cluster] = inv.clusters
    assert cluster.vrids == (51,) and inv.by_vrid == {51: [cluster]}
    assert cluster.master_by_design.host == "web"
    assert sorted(h for h, _, _ in inv.records_by_name["www.leidoscope.com."]) == ["web", "web2"]
    # after the change scripts: Rnet1 forwards 80 and 443 to the VIP, Rnet92i nothing
    targets = sorted((router.name, rule.local_port, node is None) for router, rule, c, node in inv.nat_targets)
    assert targets == [("Rnet1", 80, True), ("Rnet1", 443, True)]
    web = inv.hosts["web"]
    assert web.services(inv.nodes) == {"nginx", "vsftpd", "named"}
    assert inv.hosts["web2"].services(inv.nodes) == {"named"}  # tracks nothing, holds the zone


def test_nat_to_a_node_address_targets_its_cluster(tmp_path):
    import shutil

    shutil.copytree(LEIDOSCOPE, tmp_path / "l")
    for script in (tmp_path / "l" / "routers").glob("*.changes.ios"):
        script.unlink()
    inv = inventory_of(tmp_path / "l")
    targets = {(router.name, str(rule.local_ip), node.host if node else None) for router, rule, c, node in inv.nat_targets}
    assert ("Rnet92i", "10.51.10.11", "web") in targets
