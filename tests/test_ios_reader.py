"""The Cisco IOS front end: sniffing, the running-config and change-script readers, the
``ip nat`` grammar, applying change scripts (the post-change configuration and where each line
came from), and the model's questions (which rules forward to an address, who owns a global)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netaddr import IPAddress

from halint.formats.ios.build import load_router
from halint.formats.ios.build import build
from halint.formats.ios.reader import ios_sniff, read_running, read_script, router_name
from halint.formats.ios.cli import interface_key
from halint.formats.ios.nat import NatError, NatPool, NatRule, NatSetting, parse_nat
from halint.core.source import Source

ROUTERS = ROOT / "examples" / "leidoscope" / "routers"


def src(text: str, name: str = "R1.ios") -> Source:
    return Source(Path("/tmp") / name, text)


def nat(line: str):
    """Parse one global ``ip nat`` line."""
    reading = read_running(src(line + "\n"))
    (cmd,) = reading.commands
    return parse_nat(cmd)


def router(running: str | None, *scripts: str):
    return load_router(
        "R1",
        src(running) if running is not None else None,
        [src(text, f"R1.{i}.ios") for i, text in enumerate(scripts)],
    )


BASE = """\
hostname R1
!
interface GigabitEthernet0/0
 ip address 10.0.0.254 255.255.255.0
 ip nat inside
!
interface GigabitEthernet0/1
 ip address 198.51.100.2 255.255.255.0
 ip address 198.51.100.3 255.255.255.0 secondary
 ip nat outside
!
ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80 extendable
ip nat inside source static 10.0.0.12 198.51.100.12
end
"""


# -- import cost ----------------------------------------------------------------------------------


def test_importing_the_front_end_does_not_import_ciscoconfparse2():
    code = (
        "import sys, halint.formats.ios.reader, halint.formats.ios.cli, halint.formats.ios.nat, halint.formats.ios.model, halint.formats.ios.build, "
        "halint.rules.ios; print('ciscoconfparse2' in sys.modules, 'loguru' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# -- sniffing -------------------------------------------------------------------------------------


def test_sniff_the_seed_routers():
    for name in ("Rnet1", "Rnet92i"):
        assert ios_sniff(f"{name}.ios", (ROUTERS / f"{name}.ios").read_bytes()) == "running"
        assert ios_sniff(f"{name}.changes.ios", (ROUTERS / f"{name}.changes.ios").read_bytes()) == "changes"


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("x.ios", b"R1(config)#ip nat inside source static 1.1.1.1 2.2.2.2\n", "changes"),
        ("x.txt", b"R1#conf t\nR1(config)#end\n", "changes"),
        ("R1.changes.ios", b"interface Gi0/1\n ip nat outside\n", "changes"),
        ("R1.fix.ios", b"configure terminal\nno ip nat inside source static 1.1.1.1 2.2.2.2\nend\n", "changes"),
        ("R1.ios", b"!\nhostname R1\n!\n", "running"),
        ("R1.cfg", b"version 15.2\n!\n", "running"),
        ("R1", b"interface Ethernet0\n ip address 10.0.0.1 255.0.0.0\n", "running"),
        ("keepalived.conf", b"! Configuration\nglobal_defs {\n router_id web\n}\nvrrp_instance VI_1 {\n}\n", None),
        ("named.conf", b'options {\n directory "/var/cache/bind";\n};\nzone "x" {\n};\n', None),
        ("db.example", b"$TTL 3600\n@ IN SOA ns1 hostmaster 1 2 3 4 5\n", None),
        ("interfaces", b"auto eth0\niface eth0 inet static\n    address 10.0.0.1\n", None),
        ("machine-id", b"0123456789abcdef0123456789abcdef\n", None),
        ("README.md", b"# Routers\n\nhostname and interface are documented here.\n", None),
    ],
)
def test_sniff(name, text, kind):
    assert ios_sniff(name, text) == kind


def test_router_name_from_hostname_or_prompt():
    assert router_name(src(BASE)) == "R1"
    assert router_name(src("Rnet92i#conf t\nRnet92i(config)#end\n")) == "Rnet92i"
    assert router_name(src("ip nat inside source static 1.1.1.1 2.2.2.2\n")) is None
    # a transcript that renames the router belongs to the router it was typed on
    assert router_name(src("R1(config)#hostname R2\nR2(config)#end\n")) == "R1"
    assert router_name(src("R1#show running-config\nhostname R1\n")) == "R1"


def test_a_byte_order_mark_is_skipped_in_a_running_config_and_a_script():
    # no source says what IOS makes of a UTF-8 byte-order mark (copy tftp: running-config,
    # configure replace): halint reads the file as if it were not there, and says nothing
    marked = src("\ufeff" + BASE)
    assert router_name(marked) == "R1"
    plain = read_running(src(BASE))
    reading = read_running(marked)
    assert [(c.line, c.text) for c in reading.commands] == [(c.line, c.text) for c in plain.commands]
    assert reading.commands[0].text == "hostname R1" and reading.commands[0].source.position(reading.commands[0].start) == (1, 2)
    script = read_script(src("\ufeffR1#conf t\nR1(config)#no ip nat inside source static 10.0.0.12 198.51.100.12\nR1(config)#end\n", "R1.changes.ios"))
    assert script.transcript and script.prompt_name == "R1"
    assert [(c.line, c.text) for c in script.commands] == [(2, "no ip nat inside source static 10.0.0.12 198.51.100.12")]
    r = load_router("R1", marked, [src("\ufeffip nat inside source static 10.0.0.13 198.51.100.13\n", "R1.changes.ios")])
    assert r.problems == () and len(r.after.nat_rules) == len(r.before.nat_rules) + 1


# -- running-config reader ------------------------------------------------------------------------


def test_commands_keep_their_sub_mode_and_1_based_lines():
    reading = read_running(src(BASE))
    by_line = {c.line: c for c in reading.commands}
    assert by_line[5].words == ("ip", "nat", "inside")
    assert by_line[5].block is by_line[3]
    assert by_line[12].block is None and by_line[12].span.text.startswith("ip nat inside source static tcp")
    assert by_line[12].source.position(by_line[12].start) == (12, 1)


def test_crlf_and_banner_text_are_not_commands():
    text = "hostname R1\r\nbanner motd ^C\r\nip nat inside source list 1 pool X\r\n^C\r\nip nat pool X 1.1.1.1 1.1.1.2 prefix-length 24\r\n"
    reading = read_running(src(text))
    assert [c.line for c in reading.commands] == [1, 2, 5]
    assert reading.commands[-1].span.text.endswith("24")  # no \r in the span


def test_banner_closed_at_the_end_of_a_text_line_and_one_line_banners():
    text = "banner exec ^C\n**** ip nat outside ****^C\nbanner login #hello#\nip nat inside source list 1 pool X\n"
    assert [c.line for c in read_running(src(text)).commands] == [1, 3, 4]


def test_unindented_interface_commands_belong_to_the_interface():
    # Margrave's configs: interface sub-commands written without indentation, as IOS accepts them
    text = "interface in_lan\nip access-group 102 in\nip address 192.168.1.1 255.255.0.0\nip nat inside\n!\naccess-list 102 deny any\nip nat outside\n"
    r = router(text)
    (iface,) = r.after.interfaces
    assert iface.nat_inside and not iface.nat_outside
    assert str(iface.primary.network) == "192.168.1.1/16"
    # the last line is outside any interface: IOS rejects it as incomplete
    assert [p.span.line for p in r.problems] == [7]
    assert "interface command" in r.problems[0].message


def test_indented_global_nat_line_under_an_interface_is_global():
    # ccat's example: a global command indented after an interface (IOS leaves the sub-mode)
    text = "interface dialer 1\n ip address negotiated\n!\n ip nat inside source list 1 interface dialer 1 overload\n"
    r = router(text)
    (rule,) = r.after.nat_rules
    assert rule.interface == "dialer1" and rule.overload
    assert r.after.interfaces[0].dynamic_address == "negotiated"


# -- change scripts --------------------------------------------------------------------------------


def test_transcript_prompts_banner_lines_and_sub_modes():
    script = """\
R1#conf t
Enter configuration commands, one per line.  End with CNTL/Z.
R1(config)#interface Gi0/1
R1(config-if)#no ip nat outside
R1(config-if)#shut
R1(config-if)#exit
R1(config)#ip nat inside source static tcp 10.0.0.10 80 198.51.100.2 80
R1(config)#
*Jan 21 14:14:51.999: %SYS-5-CONFIG_I: Configured from console by console
R1(config)#end
R1#write memory
Building configuration...
[OK]
"""
    reading = read_script(src(script, "R1.changes.ios"))
    assert reading.transcript and reading.prompt_name == "R1"
    assert [(c.line, c.text) for c in reading.commands] == [
        (3, "interface Gi0/1"),
        (4, "no ip nat outside"),
        (5, "shut"),
        (7, "ip nat inside source static tcp 10.0.0.10 80 198.51.100.2 80"),
    ]
    assert reading.commands[1].block is reading.commands[0]
    assert reading.commands[3].block is None
    assert reading.commands[1].span.source.position(reading.commands[1].start) == (4, 15)
    r = router(BASE, script)
    gi1 = r.after.interface("GigabitEthernet0/1")
    assert gi1.shutdown and not gi1.nat_outside
    assert r.before.interface("gi0/1").nat_outside and not r.before.interface("gi0/1").shutdown
    assert r.problems == ()


def test_plain_script_with_conf_t_exit_and_end():
    script = "configure terminal\ninterface GigabitEthernet0/1\n ip nat inside\nexit\nno ip nat inside source static 10.0.0.12 198.51.100.12\nend\n"
    reading = read_script(src(script, "R1.changes.ios"))
    assert not reading.transcript
    assert [c.text for c in reading.commands] == [
        "interface GigabitEthernet0/1", "ip nat inside", "no ip nat inside source static 10.0.0.12 198.51.100.12",
    ]
    r = router(BASE, script)
    assert r.after.interface("GigabitEthernet0/1").nat_inside
    assert [x.describe() for x in r.after.nat_rules] == ["tcp 10.0.0.11:80 -> 198.51.100.2:80"]


def test_plain_script_interface_commands_without_indentation():
    r = router(BASE, "interface GigabitEthernet0/1\nno ip nat outside\nip nat inside source static 10.0.0.13 198.51.100.13\n")
    assert not r.after.interface("GigabitEthernet0/1").nat_outside
    assert "10.0.0.13 -> 198.51.100.13" in [x.describe() for x in r.after.nat_rules]


def test_nat_line_at_the_exec_prompt_or_after_end_is_rejected():
    r = router(BASE, "R1#ip nat inside source static 10.0.0.20 198.51.100.20\n")
    assert [p.span.line for p in r.problems] == [1]
    assert "exec prompt" in r.problems[0].message and "configure terminal" in r.problems[0].message
    r = router(BASE, "end\nip nat inside source static 10.0.0.20 198.51.100.20\n")
    assert [p.span.line for p in r.problems] == [2]
    assert "after `end`" in r.problems[0].message
    assert len(r.after.nat_rules) == 2


def test_sub_mode_prompt_without_its_interface_line():
    r = router(BASE, "R1(config-if)#ip nat outside\n")
    assert len(r.problems) == 1 and "which" in r.problems[0].message


def test_script_applies_to_an_empty_configuration_without_running_config():
    r = router(None, "R1(config)#ip nat inside source static 10.0.0.20 198.51.100.20\n")
    assert r.before is None and r.running is None
    assert [x.describe() for x in r.after.nat_rules] == ["10.0.0.20 -> 198.51.100.20"]
    assert any("empty configuration" in n for n in r.notes)


def test_scripts_apply_in_order_and_lines_remember_their_file():
    first = "R1(config)#no ip nat inside source static 10.0.0.12 198.51.100.12\n"
    second = "R1(config)#ip nat inside source static 10.0.0.10 198.51.100.12\n"
    r = router(BASE, first, second)
    assert r.problems == () and r.after.rejected == ()
    rule = r.after.nat_rules[-1]
    assert rule.span.source.path.name == "R1.1.ios" and rule.span.line == 1
    lines = {line.text: line.span for line in r.after.lines}
    assert lines["ip nat inside source static 10.0.0.10 198.51.100.12"].source.path.name == "R1.1.ios"
    assert lines["hostname R1"].source.path.name == "R1.ios"
    assert "ip nat inside source static 10.0.0.12 198.51.100.12" not in lines
    gi1 = next(line for line in r.after.lines if line.text == "interface GigabitEthernet0/1")
    assert [c.text for c in gi1.children][-1] == "ip nat outside"


# -- the seed's transcripts ----------------------------------------------------------------------


def _seed(name: str):
    from halint.core.source import read_source

    return load_router(name, read_source(ROUTERS / f"{name}.ios"), [read_source(ROUTERS / f"{name}.changes.ios")])


def test_seed_rnet92i_change_removes_every_rule_to_the_node():
    r = _seed("Rnet92i")
    assert r.problems == ()
    assert len(r.before.nat_to("10.51.10.11")) == 5
    assert [x.global_port for x in r.before.nat_to("10.51.10.11", 80, "tcp")] == [51, 80, None]
    assert r.after.nat_rules == () and r.after.nat_to("10.51.10.67") == ()
    assert r.before.rejected == () and r.before.removed == ()
    assert [(x.rule.describe(), x.span.line) for x in r.after.removed] == [
        ("tcp 10.51.10.11:80 -> 172.18.55.51:51", 3), ("tcp 10.51.10.11:80 -> 172.18.55.51:80", 4),
        ("tcp 10.51.10.11:21 -> 172.18.55.51:21", 5), ("tcp 10.51.10.11:443 -> 172.18.55.51:443", 6),
        ("10.51.10.11 -> 172.18.55.51", 7),
    ]
    assert r.before.exposures("10.51.10.11") == {("tcp", 80), ("tcp", 21), ("tcp", 443), (None, None)}


def test_seed_rnet1_change_moves_80_and_443_to_the_vip():
    r = _seed("Rnet1")
    assert r.problems == () and r.after.rejected == ()
    assert sorted(x.local_port for x in r.before.nat_to("10.51.10.11")) == [80, 443]
    assert sorted(x.local_port for x in r.after.nat_to("10.51.10.67", protocol="tcp")) == [80, 443]
    assert r.after.nat_to("10.51.10.11") == ()
    for x in r.after.nat_rules:
        assert r.after.outside_owner(x.global_ip).name == "GigabitEthernet0/1"
        assert x.span.source.path.name == "Rnet1.changes.ios"


# -- the ip nat grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("ip nat inside source static 10.0.0.1 203.0.113.1",
         dict(direction="inside", kind="static", local_ip="10.0.0.1", global_ip="203.0.113.1", protocol=None)),
        ("ip nat inside source static tcp 10.0.0.1 8080 203.0.113.1 80 extendable",
         dict(protocol="tcp", local_port=8080, global_port=80, extendable=True)),
        ("ip nat inside source static udp 10.0.0.1 53 interface Dialer1 53",
         dict(protocol="udp", interface="Dialer1", global_ip=None, global_port=53)),
        ("ip nat inside source static tcp 172.16.1.5 22 interface Dialer1 1415",
         dict(local_port=22, interface="Dialer1", global_port=1415)),
        ("ip nat inside source static network 10.1.0.0 203.0.113.0 /24", dict(kind="network", prefix=24)),
        ("ip nat inside source static network 10.1.0.0 203.0.113.0 255.255.255.0 no-alias",
         dict(kind="network", prefix=24, no_alias=True)),
        ("ip nat inside source static 1.1.1.1 2.2.2.2 vrf v1 route-map rm redundancy rg no-payload",
         dict(vrf="v1", route_map="rm", redundancy="rg", no_payload=True)),
        ("ip nat inside source static 15.0.0.2 16.0.0.2 vrf CUST_A match-in-vrf", dict(vrf="CUST_A", match_in_vrf=True)),
        ("ip nat outside source static 6.6.6.6 7.7.7.7 add-route no-alias",
         dict(direction="outside", global_ip="6.6.6.6", local_ip="7.7.7.7", add_route=True, no_alias=True)),
        ("ip nat inside source list 10 pool p1 overload", dict(kind="dynamic", list="10", pool="p1", overload=True)),
        ("ip nat inside source list INTERNAL interface dialer 0 overload", dict(interface="dialer0", overload=True)),
        ("ip nat inside source route-map rm interface GigabitEthernet0/0 vrf v1 overload",
         dict(kind="dynamic", route_map="rm", interface="GigabitEthernet0/0", vrf="v1")),
        ("ip nat outside source list 22 pool out add-route", dict(direction="outside", pool="out", add_route=True)),
        ("ip nat inside destination list 11 pool rot", dict(target="destination", list="11", pool="rot")),
        ("ip nat source static 10.0.0.1 203.0.113.1", dict(direction="nvi")),
        ("ip nat inside source list global-list pool np overload egress-interface GigabitEthernet1",
         dict(options=("egress-interface", "GigabitEthernet1"))),
        ("ip nat ins so stat tcp 10.0.0.1 www 203.0.113.1 www ext",
         dict(local_port=80, global_port=80, extendable=True)),
        ("IP NAT INSIDE SOURCE STATIC 10.0.0.1 203.0.113.1", dict(kind="static")),
    ],
)
def test_nat_rule_forms(line, expect):
    rule = nat(line)
    assert isinstance(rule, NatRule), rule
    for field, value in expect.items():
        got = getattr(rule, field)
        assert (str(got) if isinstance(got, IPAddress) else got) == value, field


@pytest.mark.parametrize(
    ("line", "word", "part"),
    [
        ("ip nat inside source list 1interface dialer 0 overload", "1interface", "a space is missing"),
        ("ip nat inside source static 10.0.0.1", None, "missing"),
        ("ip nat inside source static 10.0.0.300 203.0.113.1", "10.0.0.300", "not an IPv4 address"),
        ("ip nat inside source static tcp 10.0.0.1 0 203.0.113.1 80", "0", "1-65535"),
        ("ip nat inside source static tcp 10.0.0.1 80 203.0.113.1 70000", "70000", "1-65535"),
        ("ip nat inside source static 10.0.0.1 203.0.113.1 extendible", "extendible", "not an option"),
        ("ip nat insdie source static 10.0.0.1 203.0.113.1", "insdie", "not valid here"),
        ("ip nat inside source list 1 dialer 0 overload", "dialer", "pool NAME"),
        ("ip nat inside", None, "interface command"),
        ("ip nat outside source destination list 1 pool p", "destination", "not valid here"),
        ("ip nat pool P 10.1.1.10 10.1.1.5 netmask 255.255.255.0", "10.1.1.5", "lower than the first"),
        ("ip nat pool P 10.1.1.1 10.1.1.5 netmask 255.0.255.0", "255.0.255.0", "not contiguous"),
        ("ip nat pool P 10.1.1.1 10.1.1.5", None, "netmask"),
        ("ip nat inside source static network 10.1.0.0 203.0.113.0 /40", "/40", "network mask"),
    ],
)
def test_nat_lines_ios_rejects(line, word, part):
    r = router(line + "\n")
    (problem,) = r.problems
    assert part in problem.message
    assert f"`{line}`" in problem.message
    if word is None:
        assert problem.span.start == problem.span.end == len(line)
    else:
        assert problem.span.text == word


def test_pools_and_settings():
    text = (
        "ip nat pool P1 192.168.0.128 192.168.0.254 prefix-length 24\n"
        "ip nat pool P2 192.168.1.1 192.168.1.254 netmask 255.255.255.128 type rotary\n"
        "ip nat pool P3 prefix-length 24\n address 10.1.2.3 10.1.2.4\n address 10.1.2.10 10.1.2.20\n"
        "ip nat translation timeout 300\nip nat settings central-policy\nno ip nat service sip udp port 5060\n"
    )
    r = router(text)
    assert r.problems == ()
    p1, p2, p3 = r.after.pools
    assert (str(p1.start), str(p1.end), p1.prefix) == ("192.168.0.128", "192.168.0.254", 24)
    assert p2.prefix == 25 and p2.type == "rotary"  # a range may span several subnets of the mask
    assert p3.contains("10.1.2.15") and not p3.contains("10.1.2.5")
    assert [" ".join(s.words) for s in r.after.nat_settings] == [
        "ip nat translation timeout 300", "ip nat settings central-policy", "no ip nat service sip udp port 5060",
    ]
    assert isinstance(nat("ip nat pool X 1.1.1.1 1.1.1.2 prefix-length 24"), NatPool)
    assert isinstance(nat("ip nat log translations syslog"), NatSetting)


# -- applying: what `no` matches ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "no ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80 extendable",
        "no ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80",  # extendable may be left out
        "no ip nat ins source stat tcp 10.0.0.11 80 198.51.100.2 80 no-alias",  # modifiers are not compared
    ],
)
def test_no_matches_the_mapping_whatever_its_modifiers(line):
    r = router(BASE, f"R1(config)#{line}\n")
    assert r.problems == ()
    assert [x.describe() for x in r.after.nat_rules] == ["10.0.0.12 -> 198.51.100.12"]


@pytest.mark.parametrize(
    "line",
    [
        "no ip nat inside source static tcp 10.0.0.11 8080 198.51.100.2 80",
        "no ip nat inside source static udp 10.0.0.11 80 198.51.100.2 80",
        "no ip nat outside source static tcp 10.0.0.11 80 198.51.100.2 80",
        "no ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80 vrf v1",
        "no ip nat inside source static 10.0.0.11 198.51.100.2",
        "no ip nat inside source list 1 pool P",
        "no ip nat pool P",
    ],
)
def test_no_that_removes_nothing(line):
    r = router(BASE, f"R1(config)#{line}\n")
    (problem,) = r.problems
    assert "removes nothing" in problem.message and problem.span.line == 1
    assert len(r.after.nat_rules) == 2


def test_no_on_an_interface_that_lacks_the_marker():
    r = router(BASE, "R1(config)#interface GigabitEthernet0/0\nR1(config-if)#no ip nat outside\n")
    (problem,) = r.problems
    assert "GigabitEthernet0/0 has no `ip nat outside`" in problem.message


def test_pool_in_use_cannot_be_removed():
    base = BASE.replace("end\n", "ip nat pool P 198.51.100.10 198.51.100.20 prefix-length 24\nip nat inside source list 1 pool P overload\n")
    r = router(base, "R1(config)#no ip nat pool P\n")
    (problem,) = r.problems
    assert "in use" in problem.message and r.after.pool("P") is not None
    r = router(base, "R1(config)#no ip nat inside source list 1 pool P\nR1(config)#no ip nat pool P\n")
    assert r.problems == () and r.after.pool("P") is None


def test_rejected_rules_do_not_take_effect():
    script = "R1(config)#ip nat inside source static tcp 10.0.0.10 80 198.51.100.2 80 extendable\n"
    r = router(BASE, script)
    (rejected,) = r.after.rejected
    assert rejected.reason == "global" and rejected.conflicts_with.local_ip == IPAddress("10.0.0.11")
    assert r.after.nat_to("10.0.0.10") == ()


def test_interface_addresses_shutdown_and_vrf():
    text = """\
interface GigabitEthernet0/2
 description uplink
 vrf forwarding RED
 ip address 192.0.2.1 255.255.255.0
 ip address 192.0.2.129 255.255.255.128 secondary
 shutdown
interface Dialer1
 ip address negotiated
 ip nat outside
"""
    r = router(text)
    gi, dialer = r.after.interfaces
    assert gi.vrf == "RED" and gi.shutdown and gi.description == "uplink"
    assert [(str(a.network), a.secondary) for a in gi.addresses] == [("192.0.2.1/24", False), ("192.0.2.129/25", True)]
    assert gi.primary.span.line == 4
    assert dialer.dynamic_address == "negotiated" and dialer.nat_outside_span.line == 9
    changed = router(text, "interface Gi0/2\n ip vrf forwarding BLUE\n ip address 192.0.2.1 255.255.255.0\n no shutdown\n")
    gi = changed.after.interface("GigabitEthernet0/2")
    assert gi.vrf == "BLUE" and not gi.shutdown and [a.secondary for a in gi.addresses] == [False]


def test_interface_range_applies_to_each_interface():
    running = "interface Gi0/1\n ip address 10.0.0.1 255.255.255.0\ninterface Gi0/2\ninterface Gi0/3\n"
    r = router(running, "R1(config)#interface range Gi0/1 - 2 , Gi0/3\nR1(config-if-range)#ip nat inside\n")
    assert r.problems == ()
    assert [(i.name, i.nat_inside) for i in r.after.interfaces] == [("Gi0/1", True), ("Gi0/2", True), ("Gi0/3", True)]
    assert [line.text for line in r.after.lines] == ["interface Gi0/1", "interface Gi0/2", "interface Gi0/3"]


def test_interface_names():
    assert interface_key("Gi0/1") == interface_key("GigabitEthernet0/1") == "gigabitethernet0/1"
    assert interface_key("gig 0/1") == "gigabitethernet0/1"
    assert interface_key("Fa0/0") == "fastethernet0/0"
    assert interface_key("Dialer1") == interface_key("di1")
    assert interface_key("Port-channel10") == interface_key("po10")


def test_questions_for_later_rules():
    r = router(BASE)
    cfg = r.after
    assert [x.describe() for x in cfg.nat_to("10.0.0.11", 80, "tcp")] == ["tcp 10.0.0.11:80 -> 198.51.100.2:80"]
    assert cfg.nat_to("10.0.0.11", 443, "tcp") == ()
    assert [x.describe() for x in cfg.nat_to("10.0.0.12", 443, "tcp")] == ["10.0.0.12 -> 198.51.100.12"]
    assert cfg.outside_owner("198.51.100.3").name == "GigabitEthernet0/1"  # a secondary address
    assert cfg.outside_owner("198.51.100.12") is None
    assert cfg.outside_subnet("198.51.100.12").name == "GigabitEthernet0/1"
    assert cfg.outside_subnet("203.0.113.1") is None
    assert [i.name for i in cfg.inside_interfaces] == ["GigabitEthernet0/0"]
    assert cfg.exposures("10.0.0.11") == {("tcp", 80)}
    assert cfg.exposures("10.0.0.12") == {(None, None)}
    assert cfg.exposures("10.0.0.13") == frozenset()
    assert str(cfg.global_address(cfg.nat_rules[0])) == "198.51.100.2"


# -- properties -----------------------------------------------------------------------------------

PIECES = [
    "ip nat ", "inside ", "outside ", "source ", "static ", "tcp ", "udp ", "network ", "list ", "pool ",
    "interface ", "overload ", "extendable ", "vrf ", "route-map ", "no ", "10.0.0.1 ", "203.0.113.1 ",
    "80 ", "/24 ", "255.255.255.0 ", "prefix-length ", "24 ", "Gi0/1 ", "dialer 0 ", "1interface ",
    "hostname R1", "interface Gi0/1", " ip address 10.0.0.1 255.255.255.0", " shutdown", "banner motd ^C",
    "^C", "#", "R1(config)#", "R1(config-if)#", "R1#", "conf t", "end", "exit", "!", "\n", "\r\n", " ", "\t",
    "address 1.1.1.1 1.1.1.2", "ip nat pool P prefix-length 24",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=50).map("".join),
)
BOUNDED = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@BOUNDED
@given(running=texts, script=texts)
def test_any_input_gives_a_router_and_spans_inside_their_file(running, script):
    r = load_router("R1", src(running), [src(script, "R1.changes.ios")])
    for problem in r.problems:
        text = problem.span.source.text
        assert 0 <= problem.span.start <= problem.span.end <= len(text)
        assert problem.message
    for rule in r.after.nat_rules:
        assert rule.span.text.split() == list(rule.words)
    assert ios_sniff("x", running.encode("utf-8", "replace")) in (None, "running", "changes")


@BOUNDED
@given(text=texts)
def test_every_nat_command_is_modelled_or_a_problem(text):
    reading = read_running(src(text))
    builder = build(reading.commands)
    logged = {id(cmd) for cmd, _ in builder.nat_log}
    for cmd in reading.commands:
        body = cmd.words[1:] if cmd.words[0].lower() == "no" and len(cmd.words) > 1 else cmd.words
        if len(body) >= 2 and body[0].lower() == "ip" and body[1].lower() == "nat":
            assert id(cmd) in logged, cmd.text


def test_nat_error_type():
    assert isinstance(nat("ip nat inside source static"), NatError)
