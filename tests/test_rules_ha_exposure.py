"""HA008, HA009, HA012, HA013: NAT rules, DNS records and services against the VRRP cluster
(must-report and must-not-report cases, and the reference scenario's items 8-11)."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, check, said, where, write


LEIDOSCOPE = ROOT / "examples" / "leidoscope"
CODES = ["HA008", "HA009", "HA012", "HA013"]

KA = """\
vrrp_script chk_{svc} {{
    script "/usr/bin/pgrep -x {svc}"
    interval 2
    weight -60
}}

vrrp_instance VI_1 {{
    state {state}
    interface eth0
    virtual_router_id 51
    priority {prio}
    virtual_ipaddress {{
        10.0.10.100/24
    }}
    track_script {{
        chk_{svc}
    }}
}}
"""

ROUTER = """\
hostname R1
interface GigabitEthernet0/0
 ip address 10.0.10.1 255.255.255.0
 ip nat inside
interface GigabitEthernet0/1
 ip address 203.0.113.10 255.255.255.0
 ip nat outside
{rules}
end
"""


def cluster(tmp_path, svc="nginx", third=False):
    hosts = [("lb1", "MASTER", 150, "10.0.10.11"), ("lb2", "BACKUP", 100, "10.0.10.12")]
    if third:
        hosts.append(("lb3", "BACKUP", 90, "10.0.10.13"))
    for name, state, prio, address in hosts:
        write(tmp_path, f"hosts/{name}/etc/keepalived/keepalived.conf", KA.format(svc=svc, state=state, prio=prio))
        write(tmp_path, f"hosts/{name}/etc/network/interfaces",
              f"auto eth0\niface eth0 inet static\n    address {address}/24\n")


def router(tmp_path, *rules, name="R1.ios"):
    write(tmp_path, f"routers/{name}", ROUTER.format(rules="\n".join(rules)))


def found(tmp_path, code):
    return [r for r in check(tmp_path, select=[code])]


# -- HA008 ------------------------------------------------------------------------------------


def test_ha008_port_rule_to_node_address(tmp_path):
    cluster(tmp_path)
    router(tmp_path, "ip nat inside source static tcp 10.0.10.11 80 203.0.113.10 80 extendable")
    [r] = found(tmp_path, "HA008")
    assert where(r) == ("HA008", 8, 1)
    d = r.diagnostic
    assert "10.0.10.11" in said(d) and "VIP 10.0.10.100" in said(d) and "chk_nginx" in said(d)
    assert d.fix is not None and d.fix.safety.value == "safe"
    [edit] = d.fix.edits
    assert (edit.span.text, edit.new_text) == ("10.0.10.11", "10.0.10.100")
    assert any("interfaces" in str(rel.span.source.path) for rel in d.related)


def test_ha008_one_to_one_static_to_node_address(tmp_path):
    cluster(tmp_path)
    router(tmp_path, "ip nat inside source static 10.0.10.12 203.0.113.20")
    [r] = found(tmp_path, "HA008")
    assert "every port" in said(r) and "lb2's own address" in said(r)


def test_ha008_not_reported_for_vip_management_port_or_untracked_port(tmp_path):
    cluster(tmp_path)
    router(
        tmp_path,
        "ip nat inside source static tcp 10.0.10.100 80 203.0.113.10 80 extendable",
        "ip nat inside source static tcp 10.0.10.11 22 203.0.113.10 2211 extendable",  # ssh to one machine
        "ip nat inside source static tcp 10.0.10.12 8443 203.0.113.10 8443",  # not a tracked service port
        "ip nat inside source static tcp 10.0.10.50 80 203.0.113.11 80",  # not a node
    )
    assert found(tmp_path, "HA008") == []


def test_ha008_untracked_cluster_any_port_but_management(tmp_path):
    cluster(tmp_path, svc="myapp")  # a service halint does not know: no ports
    router(
        tmp_path,
        "ip nat inside source static tcp 10.0.10.11 8080 203.0.113.10 8080",
        "ip nat inside source static tcp 10.0.10.11 22 203.0.113.10 22",
    )
    assert [where(r)[1] for r in found(tmp_path, "HA008")] == [8]


def test_ha008_checks_the_configuration_after_the_change(tmp_path):
    cluster(tmp_path)
    router(tmp_path, "ip nat inside source static tcp 10.0.10.11 80 203.0.113.10 80")
    write(tmp_path, "routers/R1.changes.ios",
          "no ip nat inside source static tcp 10.0.10.11 80 203.0.113.10 80\n"
          "ip nat inside source static tcp 10.0.10.100 80 203.0.113.10 80\n")
    assert found(tmp_path, "HA008") == []


def test_ha008_no_fix_when_the_vip_rule_exists(tmp_path):
    cluster(tmp_path)
    router(tmp_path,
           "ip nat inside source static tcp 10.0.10.11 80 203.0.113.10 80 extendable",
           "ip nat inside source static tcp 10.0.10.100 80 203.0.113.10 80 extendable")
    [r] = found(tmp_path, "HA008")
    assert r.diagnostic.fix is None


# -- HA009 ------------------------------------------------------------------------------------

ZONE = """\
$TTL 3600
@ IN SOA ns1.example.com. hostmaster.example.com. (1 3600 900 1209600 300)
@ IN NS ns1.example.com.
{records}
"""


def zone(tmp_path, host, records, name="example.com"):
    write(tmp_path, f"hosts/{host}/etc/bind/named.conf.local",
          f'zone "{name}" {{ type master; file "/etc/bind/db.{name}"; }};\n')
    write(tmp_path, f"hosts/{host}/etc/bind/db.{name}", ZONE.format(records="\n".join(records)).replace("example.com", name))


def test_ha009_service_names_on_a_node_address(tmp_path):
    cluster(tmp_path, svc="named")
    zone(tmp_path, "lb1", ["ns1 IN A 10.0.10.11", "@ IN A 10.0.10.11", "www IN A 10.0.10.12", "mx1 IN A 10.0.10.100"])
    got = found(tmp_path, "HA009")
    assert [where(r)[1:] for r in got] == [(4, 10), (5, 8), (6, 10)]
    assert "lb2's own address" in said(got[2])
    assert all(r.diagnostic.fix.edits[0].new_text == "10.0.10.100" for r in got)


def test_ha009_host_names_and_other_names_are_not_reported(tmp_path):
    cluster(tmp_path, svc="named")
    zone(tmp_path, "lb1", ["ns1 IN A 10.0.10.100", "lb1 IN A 10.0.10.11", "lb2-mgmt IN A 10.0.10.12", "node7 IN A 10.0.10.11"])
    assert found(tmp_path, "HA009") == []


def test_ha009_a_name_another_copy_points_at_the_vip(tmp_path):
    cluster(tmp_path, svc="named")
    zone(tmp_path, "lb1", ["ns1 IN A 10.0.10.100", "portal2 IN A 10.0.10.100"])
    zone(tmp_path, "lb2", ["ns1 IN A 10.0.10.100", "portal2 IN A 10.0.10.11"])
    [r] = found(tmp_path, "HA009")
    assert "lb2" in str(r.diagnostic.span.source.path) and "portal2.example.com" in said(r)
    assert any("lb1's copy" in rel.message for rel in r.diagnostic.related)


# -- HA012 ------------------------------------------------------------------------------------


def test_ha012_zone_missing_on_a_peer(tmp_path):
    cluster(tmp_path, svc="named")
    zone(tmp_path, "lb1", ["ns1 IN A 10.0.10.100"])
    [r] = found(tmp_path, "HA012")
    assert "only by lb1" in said(r) and "lb2" in said(r)
    assert "lb2" in str(r.diagnostic.span.source.path)


def test_ha012_secondary_on_the_peer_is_enough(tmp_path):
    cluster(tmp_path, svc="named")
    zone(tmp_path, "lb1", ["ns1 IN A 10.0.10.100"])
    write(tmp_path, "hosts/lb2/etc/bind/named.conf.local",
          'zone "example.com" { type slave; masters { 10.0.10.11; }; file "/var/cache/bind/db.example.com"; };\n')
    assert found(tmp_path, "HA012") == []


def test_ha012_no_dns_service_no_finding(tmp_path):
    cluster(tmp_path, svc="nginx")  # zone data on lb1 only, but the cluster does not serve DNS
    zone(tmp_path, "lb1", ["ns1 IN A 192.0.2.53", "www IN A 10.0.10.100"])
    assert found(tmp_path, "HA012") == []


def test_ha012_stale_copy_is_the_one_reported(tmp_path):
    cluster(tmp_path, svc="named")
    # the MASTER (lb1) has the stale copy: the reference is the copy pointing at the VIP
    zone(tmp_path, "lb1", ["ns1 IN A 10.0.10.11", "www IN A 10.0.10.11"])
    zone(tmp_path, "lb2", ["ns1 IN A 10.0.10.100", "www IN A 10.0.10.100"])
    [r] = found(tmp_path, "HA012")
    assert "lb1's copy of example.com differs from lb2's with the same serial 1" in said(r)
    assert where(r) == ("HA012", 4, 1) and "lb1" in str(r.diagnostic.span.source.path)


def test_ha012_identical_copies_are_fine(tmp_path):
    cluster(tmp_path, svc="named", third=True)
    for host in ("lb1", "lb2", "lb3"):
        zone(tmp_path, host, ["ns1 IN A 10.0.10.100"])
    assert found(tmp_path, "HA012") == []


# -- HA013 ------------------------------------------------------------------------------------


def test_ha013_removed_and_not_recreated(tmp_path):
    cluster(tmp_path, svc="vsftpd")
    router(tmp_path, "ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21")
    write(tmp_path, "routers/R1.changes.ios", "no ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21\n")
    [r] = found(tmp_path, "HA013")
    d = r.diagnostic
    assert where(r) == ("HA013", 1, 1) and d.span.source.path.name == "R1.changes.ios"
    assert "FTP tcp/21, tracked by chk_vsftpd, is no longer reachable through any router" in said(d)
    assert "203.0.113.10 no longer forwards anything to the cluster" in said(d)
    assert d.fix.safety.value == "unsafe"
    assert d.fix.edits[0].new_text == "ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21\n"


def test_ha013_another_router_still_forwards_the_port(tmp_path):
    cluster(tmp_path, svc="vsftpd")
    router(tmp_path, "ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21")
    write(tmp_path, "routers/R1.changes.ios", "no ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21\n")
    write(tmp_path, "routers/R2.ios", ROUTER.replace("R1", "R2").format(
        rules="ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21"))
    [r] = found(tmp_path, "HA013")
    assert "no longer reachable" not in said(r)


def test_ha013_moved_to_the_vip_is_fine(tmp_path):
    cluster(tmp_path, svc="vsftpd")
    router(tmp_path, "ip nat inside source static tcp 10.0.10.11 21 203.0.113.10 21")
    write(tmp_path, "routers/R1.changes.ios",
          "no ip nat inside source static tcp 10.0.10.11 21 203.0.113.10 21\n"
          "ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 21\n")
    assert found(tmp_path, "HA013") == []


def test_ha013_unrelated_rules_and_no_change_script(tmp_path):
    cluster(tmp_path, svc="vsftpd")
    router(tmp_path, "ip nat inside source static tcp 10.0.10.50 21 203.0.113.10 21",
           "ip nat inside source static tcp 10.0.10.100 21 203.0.113.10 2121")
    write(tmp_path, "routers/R1.changes.ios", "no ip nat inside source static tcp 10.0.10.50 21 203.0.113.10 21\n")
    assert found(tmp_path, "HA013") == []


# -- the reference scenario (items 8-11) ----------------------------------------------------------


def _report(tree):
    return [(where(r), r.diagnostic.span.source.path.relative_to(tree.resolve()).as_posix(), said(r))
            for r in check(tree, select=CODES)]


def test_leidoscope_items_8_to_11():
    got = _report(LEIDOSCOPE)
    ha013 = [m for (code, *_), path, m in got if code == "HA013"]
    assert len(ha013) == 1 and "Rnet92i" in ha013[0]
    for part in ("tcp/80", "tcp/443", "tcp/21", "the 1:1 static 10.51.10.11 -> 172.18.55.51", "VIP 10.51.10.67",
                 "FTP tcp/21, tracked by chk_vsftpd, is no longer reachable through any router"):
        assert part in ha013[0]
    assert "DNS" not in ha013[0] and "53" not in ha013[0]
    [(_, path12, m12)] = [g for g in got if g[0][0] == "HA012"]
    assert path12 == "hosts/web2/etc/bind/zones/db.leidoscope.com" and "same serial 2025110408" in m12
    ha009 = sorted(line for (code, line, _), path, _ in got if code == "HA009" and "web2" in path)
    assert ha009 == [4, 5, 6]
    assert not [g for g in got if g[0][0] == "HA009" and "web/" in g[1]]
    assert not [g for g in got if g[0][0] == "HA008"]  # after the change scripts, no rule targets 10.51.10.11


def test_leidoscope_routers_without_their_change_scripts(tmp_path):
    tree = tmp_path / "leidoscope"
    shutil.copytree(LEIDOSCOPE, tree)
    for script in (tree / "routers").glob("*.changes.ios"):
        script.unlink()
    got = _report(tree)
    ha008 = sorted((path, line) for (code, line, _), path, _ in got if code == "HA008")
    assert ha008 == [("routers/Rnet1.ios", 35), ("routers/Rnet1.ios", 36)] + [("routers/Rnet92i.ios", n) for n in range(35, 40)]
    assert not [g for g in got if g[0][0] == "HA013"]


def test_exposure_rules_on_the_corpus_do_not_crash():
    from conftest import SHARED
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        import pytest
        pytest.skip(f"{corpus} is absent: the shared corpus lives beside the project (../shared)")
    check(corpus, select=CODES)


def test_ha013_compares_a_router_changed_in_git_without_a_change_script(tmp_path):
    """No change script: the running-config edited in place, compared with HEAD."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    leidoscope = ROOT / "examples" / "leidoscope"
    shutil.copytree(leidoscope / "hosts", tmp_path / "hosts")
    (tmp_path / "routers").mkdir()
    shutil.copy(leidoscope / "routers" / "Rnet92i.ios", tmp_path / "routers" / "Rnet92i.ios")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=env)
    config = tmp_path / "routers" / "Rnet92i.ios"
    text = config.read_text(encoding="utf-8")
    # the FTP forward and the 1:1 static deleted, one web forward added on the VIP
    kept = [line for line in text.splitlines(keepends=True) if " 21 " not in line and not line.startswith("ip nat inside source static 10.51")]
    kept.insert(kept.index("ip route 0.0.0.0 0.0.0.0 172.18.55.254\n"), "ip nat inside source static tcp 10.51.10.67 80 172.18.55.51 80 extendable\n")
    config.write_text("".join(kept), encoding="utf-8")
    found = [r for r in check(tmp_path, select=["HA013"])]
    assert [(r.code, r.diagnostic.span.source.path.name) for r in found] == [("HA013", "Rnet92i.ios")]
    message = said(found[0])
    assert "the change since HEAD removes" in message and "tcp/21" in message and "1:1 static" in message
    assert "tcp/443" not in message  # still forwarded (to web's own address: HA008's business)
    assert "as numbered in HEAD's Rnet92i.ios: 37, 39" in message
    assert "FTP tcp/21, tracked by chk_vsftpd, is no longer reachable through any router" in message
