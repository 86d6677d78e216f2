"""IOS001-IOS004 on routers built by the IOS front end: each rule's documented examples
(rules/IOS00N/bad and good, read the way the conventional layout groups router files), the
seed's routers, and the cases each rule must and must not report."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, said

from halint.formats.ios.model import Router
from halint.formats.ios.build import load_router
from halint.formats.ios.reader import ios_sniff, router_name
from halint.rules import REGISTRY
from halint.core.source import Source, read_source
from halint.core.tomlcompat import tomllib

CODES = ("IOS001", "IOS002", "IOS003", "IOS004")


def routers_of(tree: Path) -> list[Router]:
    """Every router of a tree: running-configs and change scripts grouped by router name (the
    ``hostname`` line, else the prompt, else the file stem), scripts in file-name order."""
    groups: dict[str, list] = {}
    for path in sorted(tree.rglob("*")):
        if not path.is_file():
            continue
        kind = ios_sniff(path.name, path.read_bytes()[:8192])
        if kind is None:
            continue
        source = read_source(path)
        name = router_name(source) or path.name.split(".")[0]
        group = groups.setdefault(name, [None, []])
        if kind == "running":
            group[0] = source
        else:
            group[1].append(source)
    return [load_router(name, running, scripts) for name, (running, scripts) in groups.items()]


def findings(routers, codes=CODES):
    out = []
    for r in routers:
        for code in codes:
            out.extend(REGISTRY[code].check(r, None))
    return out


def at(diag) -> tuple:
    line, col = diag.span.source.position(diag.span.start)
    return diag.code, diag.span.source.path.name, line, col


def router(running: str | None, *scripts: str) -> Router:
    return load_router(
        "R1",
        Source(Path("/tmp/R1.ios"), running) if running is not None else None,
        [Source(Path(f"/tmp/R1.{i}.ios"), text) for i, text in enumerate(scripts)],
    )


BASE = """\
hostname R1
interface GigabitEthernet0/0
 ip address 10.0.0.254 255.255.255.0
 ip nat inside
interface GigabitEthernet0/1
 ip address 198.51.100.2 255.255.255.0
 ip nat outside
ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80 extendable
"""


# -- the documented examples ------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_bad_example_gives_the_documented_findings(code):
    meta = tomllib.loads((ROOT / "rules" / code / "rule.toml").read_text(encoding="utf-8"))
    tree = ROOT / "rules" / code / "bad"
    found = findings(routers_of(tree), [code])
    assert found, f"{code}: nothing found in its bad example"
    for expect in meta["expect"]:
        path = (tree / expect["path"]).resolve()
        where = (expect["line"], expect["column"])
        hits = [d for d in found if Path(d.span.source.path).resolve() == path
                and d.span.source.position(d.span.start) == where]
        assert hits, f"{code}: nothing at {expect['path']}:{where}; got {[at(d) for d in found]}"
        for part in expect["message_contains"]:
            assert part in said(hits[0])
    assert len(found) == len(meta["expect"]), [d.message for d in found]


@pytest.mark.parametrize("code", CODES)
def test_good_example_is_clean_for_every_ios_rule(code):
    found = findings(routers_of(ROOT / "rules" / code / "good"))
    assert found == [], [d.message for d in found]


# -- the seed -----------------------------------------------------------------------------------------


def test_seed_routers_give_no_ios_finding():
    routers = routers_of(ROOT / "examples" / "leidoscope" / "routers")
    assert sorted(r.name for r in routers) == ["Rnet1", "Rnet92i"]
    assert all(len(r.scripts) == 1 and r.running is not None for r in routers)
    assert findings(routers) == []


def test_seed_routers_without_their_scripts_give_no_ios_finding():
    seed = ROOT / "examples" / "leidoscope" / "routers"
    routers = [load_router(n, read_source(seed / f"{n}.ios"), []) for n in ("Rnet1", "Rnet92i")]
    assert findings(routers) == []


# -- IOS001 -------------------------------------------------------------------------------------------


def test_ios001_the_ccat_copy_paste_error():
    r = router(BASE + "ip nat inside source list 1interface dialer 0 overload\n")
    (d,) = findings([r], ["IOS001"])
    assert at(d) == ("IOS001", "R1.ios", 9, 27)
    assert "`1interface`" in said(d) and "space is missing" in said(d)


def test_ios001_no_that_removes_nothing_names_the_nearest_rules():
    r = router(BASE, "R1(config)#no ip nat inside source static tcp 10.0.0.11 8080 198.51.100.2 80 extendable\n")
    (d,) = findings([r], ["IOS001"])
    assert at(d) == ("IOS001", "R1.0.ios", 1, 12)
    assert "10.0.0.11:8080 -> 198.51.100.2:80" in said(d)
    assert [rel.span.line for rel in d.related] == [8]
    assert "tcp 10.0.0.11:80 -> 198.51.100.2:80" in d.related[0].message


def test_ios001_running_config_no_lines_are_not_findings():
    # a running-config states what is off; only a change script's `no` must remove something
    r = router(BASE + "no ip nat service sip udp port 5060\ninterface GigabitEthernet0/2\n no ip nat inside\n")
    assert findings([r], ["IOS001"]) == []


# -- IOS002 -------------------------------------------------------------------------------------------


def test_ios002_vip_rule_added_before_the_node_rule_is_removed():
    script = (
        "R1(config)#ip nat inside source static tcp 10.0.0.10 80 198.51.100.2 80 extendable\n"
        "R1(config)#no ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80 extendable\n"
    )
    r = router(BASE, script)
    (d,) = findings([r], ["IOS002"])
    assert at(d) == ("IOS002", "R1.0.ios", 1, 12)
    assert "198.51.100.2 tcp/80" in said(d) and "10.0.0.11" in said(d)
    assert d.related[0].span.source.path.name == "R1.ios"
    assert r.after.nat_to("10.0.0.10") == () and r.after.nat_to("10.0.0.11") == ()


@pytest.mark.parametrize(
    "lines",
    [
        # several ports of one local/global pair (IOS writes `extendable` itself)
        ["ip nat inside source static tcp 10.0.0.11 443 198.51.100.2 443",
         "ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 8080"],
        # one local to two globals, both extendable (two providers)
        ["ip nat inside source static 10.0.0.20 198.51.100.20 extendable",
         "ip nat inside source static 10.0.0.20 198.51.100.21 extendable"],
        # the same addresses in two VRFs with match-in-vrf (a real device's configuration)
        ["ip nat inside source static 15.0.0.2 16.0.0.2 vrf CUST_A match-in-vrf",
         "ip nat inside source static 15.0.0.2 16.0.0.2 vrf CUST_B match-in-vrf"],
        # the seed's Rnet92i: port rules and a 1:1 rule for one node on the interface address
        ["ip nat inside source static tcp 10.0.0.30 21 198.51.100.2 21 extendable",
         "ip nat inside source static 10.0.0.30 198.51.100.2"],
        # the same rule given twice: its modifiers change, nothing is refused
        ["ip nat inside source static tcp 10.0.0.11 80 198.51.100.2 80 extendable no-alias"],
        # dynamic rules are not static mappings
        ["ip nat inside source list 1 interface GigabitEthernet0/1 overload",
         "ip nat inside source list 2 interface GigabitEthernet0/1 overload"],
    ],
)
def test_ios002_accepted_by_ios(lines):
    r = router(BASE + "".join(line + "\n" for line in lines))
    assert findings([r], ["IOS002"]) == []


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["ip nat inside source static tcp 10.0.0.12 80 198.51.100.2 80"], "global"),
        (["ip nat inside source static 10.0.0.20 198.51.100.20",
          "ip nat inside source static 10.0.0.21 198.51.100.20 extendable"], "global"),
        (["ip nat inside source static 10.0.0.20 198.51.100.20 extendable",
          "ip nat inside source static 10.0.0.20 198.51.100.21"], "local"),
        (["ip nat inside source static tcp 10.0.0.11 80 203.0.113.9 80"], "local"),
        # outside source static OUTSIDE-GLOBAL OUTSIDE-LOCAL: one outside local for two outside hosts
        (["ip nat outside source static 203.0.113.5 10.0.0.5", "ip nat outside source static 203.0.113.6 10.0.0.5"],
         "local"),
    ],
)
def test_ios002_rejected_by_ios(lines, reason):
    r = router(BASE + "".join(line + "\n" for line in lines))
    (d,) = findings([r], ["IOS002"])
    assert d.span.line == 8 + len(lines)
    assert r.after.rejected[0].reason == reason
    assert "IOS rejects this rule" in said(d)


# -- IOS003 -------------------------------------------------------------------------------------------


def test_ios003_change_script_removes_the_outside_marker():
    r = router(BASE, "R1(config)#interface GigabitEthernet0/1\nR1(config-if)#no ip nat outside\n")
    (d,) = findings([r], ["IOS003"])
    assert at(d) == ("IOS003", "R1.ios", 8, 1)
    assert "`ip nat outside`" in said(d) and "1 NAT rule " in said(d)
    assert [rel.span.line for rel in d.related] == [4]


def test_ios003_neither_marker_and_nvi():
    r = router("ip nat inside source static 10.0.0.1 198.51.100.1\nip nat source static 10.0.0.2 198.51.100.2\n"
               "interface Gi0/0\n ip address 10.0.0.254 255.255.255.0\n")
    messages = [said(d) for d in findings([r], ["IOS003"])]
    assert len(messages) == 2
    assert "`ip nat inside` nor `ip nat outside`" in messages[0]
    assert "`ip nat enable`" in messages[1]


def test_ios003_not_for_pools_and_settings_alone_nor_without_running_config():
    assert findings([router("ip nat pool P 1.1.1.1 1.1.1.2 prefix-length 24\nip nat translation timeout 300\n")],
                    ["IOS003"]) == []
    assert findings([router(None, "ip nat inside source static 10.0.0.1 198.51.100.1\n")], ["IOS003", "IOS004"]) == []


# -- IOS004 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "ip nat inside source static 10.0.0.20 198.51.100.2",  # the interface address
        "ip nat inside source static 10.0.0.20 198.51.100.77",  # on the outside subnet
        "ip nat inside source static tcp 10.0.0.20 25 interface GigabitEthernet0/1 25",
        "ip nat inside source static network 10.0.1.0 198.51.100.128 /25",
        "ip nat outside source static 203.0.113.5 10.0.0.5",  # the outside host's own address
        "ip nat inside source list 1 pool P overload",
    ],
)
def test_ios004_owned_globals(line):
    assert findings([router(BASE + line + "\n")], ["IOS004"]) == []


def test_ios004_secondary_subnet_counts():
    text = BASE.replace(" ip nat outside\n", " ip address 192.0.2.1 255.255.255.0 secondary\n ip nat outside\n")
    assert findings([router(text + "ip nat inside source static 10.0.0.20 192.0.2.20\n")], ["IOS004"]) == []


@pytest.mark.parametrize(
    "line",
    [
        "ip nat inside source static 10.0.0.20 203.0.113.20",
        "ip nat inside source static network 10.0.1.0 198.51.100.0 /23",  # wider than the subnet
    ],
)
def test_ios004_not_owned(line):
    (d,) = findings([router(BASE + line + "\n")], ["IOS004"])
    assert d.span.line == 9 and "(outside: GigabitEthernet0/1 198.51.100.2/24)" in said(d)
    assert d.related[0].span.line == 6


@pytest.mark.parametrize("address", [" ip address dhcp\n", " ip address negotiated\n", " ip unnumbered Loopback0\n", ""])
def test_ios004_skipped_when_the_outside_address_is_unknown(address):
    text = BASE.replace(" ip address 198.51.100.2 255.255.255.0\n", address)
    assert findings([router(text + "ip nat inside source static 10.0.0.20 203.0.113.20\n")], ["IOS004"]) == []


def test_ios004_after_the_change_script():
    r = router(BASE, "R1(config)#ip nat inside source static 10.0.0.20 203.0.113.20\n")
    (d,) = findings([r], ["IOS004"])
    assert at(d) == ("IOS004", "R1.0.ios", 1, 12)
