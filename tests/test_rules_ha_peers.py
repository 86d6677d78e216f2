"""HA001-HA004, HA010, HA011, HA014 (peer consistency, addressing, identity) beyond their
documented examples: must-report cases with the concrete values, and must-not-report cases
(keepalived's own comparison rules: 8-character passwords, VRRPv3 intervals, excluded VIPs,
skip_check_adv_addr, different multicast groups, unicast peers that do not overlap)."""
from __future__ import annotations

import textwrap

import pytest
from conftest import check, said, write



def instance(name="VI_1", state="BACKUP", prio=100, vrid=51, vips=("10.0.0.10",), extra="", iface="eth0"):
    body = "\n".join(f"        {v}" for v in vips)
    more = textwrap.indent(textwrap.dedent(extra).strip("\n"), "    ") + "\n" if extra.strip() else ""
    return (
        f"vrrp_instance {name} {{\n    state {state}\n    interface {iface}\n    virtual_router_id {vrid}\n"
        f"    priority {prio}\n    virtual_ipaddress {{\n{body}\n    }}\n{more}}}\n"
    )


def host(tmp_path, name, conf=None, address=None, prefix=24, machine_id=None, head=""):
    if conf is not None:
        write(tmp_path, f"hosts/{name}/etc/keepalived/keepalived.conf", head + conf)
    if address is not None:
        write(tmp_path, f"hosts/{name}/etc/network/interfaces",
              f"auto eth0\niface eth0 inet static\n    address {address}/{prefix}\n")
    if machine_id is not None:
        write(tmp_path, f"hosts/{name}/etc/machine-id", machine_id + "\n")


def found(tmp_path, code):
    return [r for r in check(tmp_path, select=[code]) if r.code == code]


def pos(r):
    d = r.diagnostic
    return d.span.source.path.parts[-4], d.span.line


# -- HA001 ---------------------------------------------------------------------------------------


def test_ha001_reports_the_backup_and_fixes_it_to_the_masters_vrid(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vrid=51), "10.0.0.1")
    host(tmp_path, "b", instance(vrid=52), "10.0.0.2")
    [r] = found(tmp_path, "HA001")
    assert pos(r) == ("b", 4)
    assert "virtual_router_id 52" in said(r) and "51 on a" in said(r)
    assert r.diagnostic.fix.edits[0].new_text == "51"


def test_ha001_follows_the_majority_when_there_is_no_single_master(tmp_path):
    for name, vrid in (("a", 7), ("b", 7), ("c", 8)):
        host(tmp_path, name, instance(vrid=vrid), f"10.0.0.{ord(name) - 96}")
    [r] = found(tmp_path, "HA001")
    assert pos(r) == ("c", 4) and "(the majority)" in said(r)


def test_ha001_says_when_it_holds_only_once_a_typo_is_corrected(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vrid=51).replace("vrrp_instance", "vrp_instance"), "10.0.0.1")
    host(tmp_path, "b", instance(vrid=52), "10.0.0.2")
    [r] = found(tmp_path, "HA001")
    assert r.diagnostic.note.startswith("once `vrp_instance`")
    assert "corrected to `vrrp_instance`" in said(r)


def test_ha001_same_vrid_or_different_vips_is_clean(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vrid=51), "10.0.0.1")
    host(tmp_path, "b", instance(vrid=51), "10.0.0.2")
    host(tmp_path, "c", instance(vrid=60, vips=("10.0.0.20",)), "10.0.0.3")
    assert found(tmp_path, "HA001") == []


# -- HA002 ---------------------------------------------------------------------------------------

AUTH = "authentication {{\n    auth_type {kind}\n    auth_pass {pw}\n}}"


def test_ha002_passwords_differing_only_after_8_characters_do_not_differ(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=AUTH.format(kind="AH", pw="Kq9zTw4mAAAA")), "10.0.0.1")
    host(tmp_path, "b", instance(extra=AUTH.format(kind="AH", pw="Kq9zTw4mBBBB")), "10.0.0.2")
    assert found(tmp_path, "HA002") == []


def test_ha002_password_difference_is_reported_without_the_password(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=AUTH.format(kind="AH", pw="Kq9zTw4m")), "10.0.0.1")
    host(tmp_path, "b", instance(extra=AUTH.format(kind="AH", pw="Kq9zTw4n")), "10.0.0.2")
    [r] = found(tmp_path, "HA002")
    assert pos(r) == ("b", 11)
    text = said(r) + " ".join(x.message for x in r.diagnostic.related)
    assert "Kq9z" not in text and "8 characters, redacted" in text
    assert r.diagnostic.fix is None


def test_ha002_auth_type_difference_has_a_fix(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=AUTH.format(kind="AH", pw="Kq9zTw4m")), "10.0.0.1")
    host(tmp_path, "b", instance(extra=AUTH.format(kind="PASS", pw="Kq9zTw4m")), "10.0.0.2")
    [r] = found(tmp_path, "HA002")
    assert "auth_type PASS" in said(r) and "auth_type AH" in said(r)
    assert r.diagnostic.fix.edits[0].new_text == "AH"


def test_ha002_no_authentication_against_pass(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=AUTH.format(kind="PASS", pw="Kq9zTw4m")), "10.0.0.1")
    host(tmp_path, "b", instance(), "10.0.0.2")
    [r] = found(tmp_path, "HA002")
    assert "no authentication" in said(r) and pos(r) == ("b", 1)


def test_ha002_vrrpv3_peers_are_not_compared(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra="version 3\n" + AUTH.format(kind="AH", pw="Kq9zTw4m")), "10.0.0.1")
    host(tmp_path, "b", instance(extra="version 3"), "10.0.0.2")
    assert found(tmp_path, "HA002") == []


def test_ha002_strict_mode_peers_send_no_authentication(tmp_path):
    """vrrp_strict drops the authentication block ("Strict mode does not support authentication"):
    two strict peers with different AH passwords agree (neither sends any); a strict peer and a
    PASS peer do not (the PASS peer rejects adverts with no authentication)."""
    strict = "global_defs {\n    vrrp_strict\n}\n"
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=AUTH.format(kind="AH", pw="Kq9zTw4m")), "10.0.0.1", head=strict)
    host(tmp_path, "b", instance(extra=AUTH.format(kind="AH", pw="Zp4mwd7L")), "10.0.0.2", head=strict)
    assert found(tmp_path, "HA002") == []
    host(tmp_path, "b", instance(extra=AUTH.format(kind="PASS", pw="Kq9zTw4m")), "10.0.0.2")
    [r] = found(tmp_path, "HA002")
    assert "no authentication (keepalived drops its authentication block: strict mode)" in said(r)


# -- HA003 ---------------------------------------------------------------------------------------


def test_ha003_version_mismatch_through_global_defs(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150), "10.0.0.1", head="global_defs {\n    vrrp_version 3\n}\n")
    host(tmp_path, "b", instance(), "10.0.0.2")
    [r] = found(tmp_path, "HA003")
    assert pos(r) == ("b", 1) and "VRRPv2" in said(r) and "VRRPv3" in said(r)


def test_ha003_advert_int_default_against_explicit(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra="advert_int 2"), "10.0.0.1")
    host(tmp_path, "b", instance(), "10.0.0.2")
    [r] = found(tmp_path, "HA003")
    assert "default advert_int 1" in said(r) and r.diagnostic.fix is None


def test_ha003_vrrpv3_interval_difference_is_not_reported(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra="version 3\nadvert_int 2"), "10.0.0.1")
    host(tmp_path, "b", instance(extra="version 3\nadvert_int 1"), "10.0.0.2")
    assert found(tmp_path, "HA003") == []


def test_ha003_same_interval_written_differently_is_clean(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra="advert_int 1"), "10.0.0.1")
    host(tmp_path, "b", instance(), "10.0.0.2")
    assert found(tmp_path, "HA003") == []


# -- HA004 ---------------------------------------------------------------------------------------


def test_ha004_extra_vip_is_listed_and_the_fix_removes_it(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150), "10.0.0.1")
    host(tmp_path, "b", instance(vips=("10.0.0.10", "10.0.0.11")), "10.0.0.2")
    [r] = found(tmp_path, "HA004")
    assert "has 10.0.0.11 that a does not" in said(r)
    [edit] = r.diagnostic.fix.edits
    assert edit.new_text == "" and "10.0.0.11" in edit.span.text


def test_ha004_prefix_and_dev_do_not_count(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("10.0.0.10/24 dev eth0",)), "10.0.0.1")
    host(tmp_path, "b", instance(vips=("10.0.0.10",)), "10.0.0.2")
    assert found(tmp_path, "HA004") == []


def test_ha004_excluded_vips_are_not_in_adverts(tmp_path):
    excluded = "virtual_ipaddress_excluded {\n    10.0.0.99\n}"
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=excluded), "10.0.0.1")
    host(tmp_path, "b", instance(), "10.0.0.2")
    assert found(tmp_path, "HA004") == []


@pytest.mark.parametrize("where", ["instance", "global"])
def test_ha004_skip_check_adv_addr_everywhere_does_not_help(tmp_path, where):
    """keepalived checks the first advert of a master it does not know and learns a master only
    from an advert that passed (vrrp.c, vrrp_state_backup()): the mismatch still breaks VRRP."""
    extra = "skip_check_adv_addr" if where == "instance" else ""
    head = "global_defs {\n    vrrp_skip_check_adv_addr\n}\n" if where == "global" else ""
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=extra), "10.0.0.1", head=head)
    host(tmp_path, "b", instance(vips=("10.0.0.10", "10.0.0.11"), extra=extra), "10.0.0.2", head=head)
    [d] = found(tmp_path, "HA004")
    assert "skip_check_adv_addr does not prevent this" in said(d)


def test_ha004_skip_on_one_side_only_is_still_reported(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra="skip_check_adv_addr"), "10.0.0.1")
    host(tmp_path, "b", instance(vips=("10.0.0.10", "10.0.0.11")), "10.0.0.2")
    assert len(found(tmp_path, "HA004")) == 1


# -- HA010 ---------------------------------------------------------------------------------------


def test_ha010_vip_equal_to_another_hosts_address(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("10.0.0.2",)), "10.0.0.1")
    host(tmp_path, "b", None, "10.0.0.2")
    [r] = found(tmp_path, "HA010")
    assert "b's own address" in said(r) and pos(r) == ("a", 7)


def test_ha010_unknown_interface(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("10.0.0.10 dev eth1",)), "10.0.0.1")
    [r] = found(tmp_path, "HA010")
    assert "eth1" in said(r) and "keepalived drops this VIP line" in said(r)


def test_ha010_unknown_instance_interface_stops_vrrp(tmp_path):
    """vrrp.c vrrp_complete_instance(): no interface and no unicast_src_ip fails the whole
    VRRP configuration; with dynamic_interfaces the instance waits in FAULT."""
    conf = instance(state="MASTER", prio=150).replace("interface eth0", "interface eth3")
    host(tmp_path, "a", conf, "10.0.0.1")
    [r] = found(tmp_path, "HA010")
    assert "eth3" in said(r) and "VRRP process stops" in said(r)
    host(tmp_path, "a", conf, "10.0.0.1", head="global_defs {\n    dynamic_interfaces\n}\n")
    [r] = found(tmp_path, "HA010")
    assert "stays in FAULT" in said(r)


def test_ha010_a_vip_outside_the_subnet_is_a_warning_that_says_what_keepalived_does(tmp_path):
    """keepalived 2.2.7 (vrrp_ipaddress.c parse_ipaddress) adds a VIP without a prefix as a /32 and
    one with a prefix as written; it works where an upstream router routes it to the link
    (verified with keepalived in network namespaces), so it is a warning, not "unreachable"."""
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("192.168.9.9",)), "10.0.0.1")
    [r] = found(tmp_path, "HA010")
    message = said(r)
    assert r.severity.label == "warning" and pos(r) == ("a", 7)
    # what is wrong in the message, what keepalived does in the note
    assert "is outside every subnet of eth0 (10.0.0.0/24)" in r.diagnostic.message
    assert "keepalived adds it as 192.168.9.9/32 (no prefix is written)" in r.diagnostic.note
    assert "reachable only where an upstream router routes it to this link" in message
    assert "neighbours on eth0's subnets do not ARP for it" in message
    assert "nothing reaches" not in message
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("192.168.9.9/24",)), "10.0.0.1")
    [r] = found(tmp_path, "HA010")
    assert "keepalived adds it as 192.168.9.9/24, which makes 192.168.9.0/24 on-link on the holder" in said(r)
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("2001:db8:99::11",)), None)
    write(tmp_path, "hosts/a/etc/network/interfaces", "auto eth0\niface eth0 inet6 static\n    address 2001:db8:10::1/64\n")
    [r] = found(tmp_path, "HA010")
    assert "keepalived adds it as 2001:db8:99::11/128" in said(r)
    assert "unsolicited neighbour advertisements" in said(r) and r.severity.label == "warning"


def test_ha010_a_node_address_or_a_missing_interface_stays_an_error(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("10.0.0.2",)), "10.0.0.1")
    host(tmp_path, "b", None, "10.0.0.2")
    assert [r.severity.label for r in found(tmp_path, "HA010")] == ["error"]
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("10.0.0.10 dev eth1",)), "10.0.0.1")
    assert [r.severity.label for r in found(tmp_path, "HA010")] == ["error"]


def test_ha010_without_interfaces_file_nothing_is_known(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("192.168.9.9 dev eth7",)))
    assert found(tmp_path, "HA010") == []


def test_ha010_dhcp_interface_has_no_known_subnet(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("192.168.9.9",)))
    write(tmp_path, "hosts/a/etc/network/interfaces", "auto eth0\niface eth0 inet dhcp\n")
    assert found(tmp_path, "HA010") == []


def test_ha010_vip_in_an_alias_subnet_is_clean(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150, vips=("192.168.9.9",)))
    write(tmp_path, "hosts/a/etc/network/interfaces",
          "auto eth0\niface eth0 inet static\n    address 10.0.0.1/24\n\nauto eth0:1\niface eth0:1 inet static\n"
          "    address 192.168.9.1/24\n")
    assert found(tmp_path, "HA010") == []


# -- HA011 ---------------------------------------------------------------------------------------


def test_ha011_shared_vip_is_not_a_duplicate_address(tmp_path):
    host(tmp_path, "a", instance(state="MASTER", prio=150), "10.0.0.1", machine_id="0123456789abcdef0123456789abcdef")
    host(tmp_path, "b", instance(), "10.0.0.2", machine_id="fedcba9876543210fedcba9876543210")
    assert found(tmp_path, "HA011") == []


def test_ha011_cloned_unicast_src_ip(tmp_path):
    uni = "unicast_src_ip 10.0.0.1\nunicast_peer {\n    10.0.0.2\n}"
    host(tmp_path, "a", instance(state="MASTER", prio=150, extra=uni))
    host(tmp_path, "b", instance(extra=uni))
    [r] = found(tmp_path, "HA011")
    assert pos(r) == ("b", 9) and "unicast_src_ip" in said(r)


def _floating_pair(tmp_path, b_address="10.0.0.2"):
    """A cloud pair without a VIP (unicast, notify_master), each host configuring the floating
    address 203.0.113.10 on eth0:1 as the provider's guide says."""
    for name, me, peer, prio in (("a", "10.0.0.1", "10.0.0.2", 150), ("b", b_address, "10.0.0.1", 100)):
        uni = f"unicast_src_ip {me}\nunicast_peer {{\n    {peer}\n}}\nnotify_master /etc/keepalived/claim.sh"
        host(tmp_path, name, instance(state="MASTER" if name == "a" else "BACKUP", prio=prio, vips=(), extra=uni))
        write(tmp_path, f"hosts/{name}/etc/network/interfaces",
              f"auto eth0\niface eth0 inet static\n    address {me}/24\n\n"
              "auto eth0:1\niface eth0:1 inet static\n    address 203.0.113.10\n    netmask 255.255.255.255\n")


def test_ha011_the_floating_address_of_a_cluster_without_a_vip_is_not_a_clone(tmp_path):
    _floating_pair(tmp_path)
    write(tmp_path, "hosts/a/etc/bind/db.example.com",
          "$TTL 3600\n@ IN SOA ns1 admin 1 3600 900 1209600 300\n@ IN NS ns1\nns1 IN A 203.0.113.10\n")
    assert found(tmp_path, "HA011") == []
    assert found(tmp_path, "HA009") == []  # a record on the floating address is on the cluster, not a node


def test_ha011_a_cloned_source_address_in_a_cluster_without_a_vip_is_reported(tmp_path):
    _floating_pair(tmp_path, b_address="10.0.0.1")  # b cloned from a: a's own address too
    reported = {r.diagnostic.message.split(" ", 1)[0] for r in found(tmp_path, "HA011")}
    assert reported == {"10.0.0.1"}


# -- HA014 ---------------------------------------------------------------------------------------


def _two_clusters(tmp_path, extra_web="", extra_db="", db_prefix=24):
    host(tmp_path, "web1", instance(state="MASTER", prio=150, extra=extra_web), "10.0.0.1")
    host(tmp_path, "web2", instance(extra=extra_web), "10.0.0.2")
    host(tmp_path, "db1", instance(state="MASTER", prio=150, vips=("10.0.0.30",), extra=extra_db), "10.0.0.3", db_prefix)
    host(tmp_path, "db2", instance(vips=("10.0.0.30",), extra=extra_db), "10.0.0.4", db_prefix)


def test_ha014_same_vrid_same_segment(tmp_path):
    _two_clusters(tmp_path)
    [r] = found(tmp_path, "HA014")
    assert pos(r) == ("db1", 4) and "10.0.0.0/24" in said(r)
    assert len(r.diagnostic.related) == 2


def test_ha014_different_multicast_groups_do_not_collide(tmp_path):
    _two_clusters(tmp_path, extra_db="mcast_dst_ip 224.0.0.100")
    assert found(tmp_path, "HA014") == []


def test_ha014_unicast_clusters_with_separate_peers_do_not_collide(tmp_path):
    _two_clusters(tmp_path, extra_web="unicast_peer {\n    10.0.0.1\n    10.0.0.2\n}",
                  extra_db="unicast_peer {\n    10.0.0.3\n    10.0.0.4\n}")
    assert found(tmp_path, "HA014") == []


def test_ha014_different_subnets_do_not_collide(tmp_path):
    host(tmp_path, "web1", instance(state="MASTER", prio=150), "10.0.0.1")
    host(tmp_path, "db1", instance(state="MASTER", prio=150, vips=("10.0.1.30",)), "10.0.1.3")
    assert found(tmp_path, "HA014") == []


def test_ha014_unknown_segments_are_not_compared(tmp_path):
    host(tmp_path, "web1", instance(state="MASTER", prio=150))
    host(tmp_path, "db1", instance(state="MASTER", prio=150, vips=("10.0.0.30",)))
    assert found(tmp_path, "HA014") == []
