"""Host files: /etc/network/interfaces read as ifupdown 0.8 reads it (stanzas, addresses and
masks, sourced files, mistakes), /etc/machine-id, and never an exception on any input."""
from __future__ import annotations

from pathlib import Path

import netaddr
import pytest
from conftest import ROOT, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.core.fsview import SourceCache, TreeView
from halint.formats.interfaces.reader import Interfaces
from halint.formats.machine_id.reader import MachineId
from halint.formats.interfaces.reader import interfaces_sniff, logical_lines, parse_interfaces
from halint.formats.machine_id.reader import parse_machine_id
from halint.core.source import Source, SourceError, Span, decode, read_source

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def load(tmp_path: Path, files: dict[str, str | bytes], root: str = "etc/network/interfaces") -> Interfaces:
    host_root = tmp_path / "hosts" / "web"
    for rel, text in files.items():
        write(host_root, rel, text)
    cache = SourceCache()
    source = cache.get(host_root / root)
    assert isinstance(source, Source)
    return parse_interfaces(source, TreeView(tmp_path, host_root), cache)


def read(tmp_path: Path, text: str) -> Interfaces:
    return load(tmp_path, {"etc/network/interfaces": text})


def addresses(conf: Interfaces) -> list[tuple[str, str, str]]:
    return [(str(a.network), a.interface, a.mask_from) for a in conf.addresses()]


def errors(conf: Interfaces) -> list[str]:
    return [p.message for p in conf.problems if p.level == "error"]


def notes(conf: Interfaces) -> list[str]:
    return [p.message for p in conf.problems if p.level == "note"]


def position(span: Span) -> tuple[str, int, int]:
    return (span.source.path.name, *span.source.position(span.start))


# -- interfaces ---------------------------------------------------------------------------------


def test_leidoscope_example():
    root = ROOT / "examples" / "leidoscope"
    host = root / "hosts" / "web2"
    conf = parse_interfaces(read_source(host / "etc/network/interfaces"), TreeView(root, host), SourceCache())
    assert conf.problems == ()
    [stanza] = conf.stanzas
    assert (stanza.name, stanza.family, stanza.method) == ("eth0", "inet", "static")
    [address] = conf.addresses()
    assert address.network == netaddr.IPNetwork("10.51.10.12/16")
    assert str(address.network.cidr) == "10.51.0.0/16"
    assert (address.interface, address.device, address.mask_from) == ("eth0", "eth0", "netmask")
    assert address.span.text == "10.51.10.12"
    assert position(address.span) == ("interfaces", 3, 13)
    assert str(stanza.gateway.address) == "10.51.10.254"
    assert [str(s.address) for s in stanza.dns_nameservers] == ["8.8.8.8", "8.8.4.4"]
    assert [w.text for w in conf.autos] == ["eth0"]


def test_address_forms_and_masks(tmp_path):
    conf = read(
        tmp_path,
        "auto lo eth0\n"
        "iface lo inet loopback\n"
        "allow-hotplug eth1\n"
        "iface eth0 inet static\n"
        "    address 192.168.1.2/24\n"
        "iface eth0:1 inet static\n"
        "    address 10.1.2.3/8\n"
        "    netmask 255.255.255.0\n"  # netmask wins over /N (compute_v4_mask =netmask?)
        "iface eth1 inet static\n"
        "    address 172.16.5.4\n"
        "    netmask 20\n"
        "iface eth2 inet static\n"
        "    address 172.16.5.9\n"  # no mask: classful /16, with a note
        "iface eth0 inet6 static\n"
        "    address 2001:db8::1/64\n"
        "iface eth3 inet6 static\n"
        "    address 2001:db8::2\n",  # /128, as ip -6 addr add
    )
    assert errors(conf) == []
    assert addresses(conf) == [
        ("192.168.1.2/24", "eth0", "prefix"),
        ("10.1.2.3/24", "eth0:1", "netmask"),
        ("172.16.5.4/20", "eth1", "netmask"),
        ("172.16.5.9/16", "eth2", "classful"),
        ("2001:db8::1/64", "eth0", "prefix"),
        ("2001:db8::2/128", "eth3", "default"),
    ]
    assert notes(conf) == ["address 172.16.5.9 has no netmask: ifupdown assumes the classful /16"]
    assert conf.addresses()[1].device == "eth0"
    assert [w.text for w in conf.autos] == ["lo", "eth0"]
    assert [w.text for w in conf.hotplug()] == ["eth1"]
    assert [(s.name, s.family) for s in conf.stanzas] == [
        ("lo", "inet"), ("eth0", "inet"), ("eth0:1", "inet"), ("eth1", "inet"), ("eth2", "inet"),
        ("eth0", "inet6"), ("eth3", "inet6"),
    ]


@pytest.mark.parametrize(
    "text,message,where",
    [
        ("iface eth0 inet static\n  address 10.0.0.300/24\n", "address 10.0.0.300/24: 10.0.0.300 is not an IPv4 address", (2, 11)),
        ("iface eth0 inet static\n  address 10.0.0.1\n  netmask 255.0.255.0\n", "netmask 255.0.255.0 is not a valid IPv4 mask", (3, 11)),
        ("iface eth0 inet static\n  address 10.0.0.1/33\n", "prefix 33 is not a valid IPv4 mask", (2, 11)),
        ("iface eth0 inet6 static\n  address 10.0.0.1/24\n", "address 10.0.0.1/24: 10.0.0.1 is not an IPv6 address", (2, 11)),
        ("iface eth0 inet static\n  address 10.0.0.1/24\n  gateway 10.0.0.999\n", "gateway 10.0.0.999 is not an IPv4", (3, 11)),
        ("address 10.0.0.1\n", "misplaced option `address`", (1, 1)),
        ("auto eth0\n  address 10.0.0.1\n", "misplaced option `address`", (2, 3)),
        ("iface eth0 inet static\n  address\n", "option `address` with empty value", (2, 3)),
        ("iface eth0 inet fancy\n", "unknown method `fancy` for inet", (1, 17)),
        ("iface eth0 ipv4 static\n", "unknown address family `ipv4`", (1, 12)),
        ("iface\n", "too few parameters for iface line", (1, 1)),
        ("iface eth1 inet static inherits eth9\n", "unknown iface to inherit from: eth9", (1, 1)),
        ("iface eth1 inet static inherits\n", "'inherits' keyword is missing a parameter", (1, 1)),
    ],
)
def test_mistakes_have_a_position(tmp_path, text, message, where):
    conf = read(tmp_path, text)
    found = [p for p in conf.problems if p.level == "error"]
    assert found and found[0].message.startswith(message), conf.problems
    assert found[0].span.source.position(found[0].span.start) == where


def test_comments_continuations_and_crlf(tmp_path):
    conf = read(
        tmp_path,
        "# a comment\r\n"
        "   # an indented comment\r\n"
        "iface eth0 inet static # not a comment: an extra parameter\r\n"
        "\taddress \\\r\n"  # CR before the newline: not a continuation
        "iface eth1 inet \\\n"
        "  static\n"
        "  address 10.9.8.7/\\\n"
        "24\n",
    )
    assert [(s.name, s.method) for s in conf.stanzas] == [("eth0", "static"), ("eth1", "static")]
    assert addresses(conf) == [("10.9.8.7/24", "eth1", "prefix")]
    assert "extra parameter `#` on the iface line is ignored" in notes(conf)
    assert errors(conf) == ["address \\: \\ is not an IPv4 address"]
    assert conf.addresses()[0].span.text == "10.9.8.7/\\\n24"  # the word across the continuation


def test_logical_lines_follow_get_line():
    source = Source(Path("/i"), "  a b  \n#c\\\nd \\\n  e\n\n")
    assert [line.text for line in logical_lines(source)] == ["a b", "d   e"]


def test_methods_that_ignore_address(tmp_path):
    conf = read(tmp_path, "iface eth0 inet dhcp\n  address 10.0.0.5/24\niface eth1 inet manual\n")
    assert conf.addresses() == []
    assert notes(conf) == ["`address` is ignored by ifupdown with inet dhcp (only static and tunnel methods use it)"]


def test_up_commands_add_addresses(tmp_path):
    conf = read(
        tmp_path,
        "iface eth0 inet static\n"
        "  address 10.0.0.2/24\n"
        "  up ip addr add 10.0.0.100/24 dev $IFACE label $IFACE:vip\n"
        "  post-up /sbin/ip -4 address add 192.0.2.1 dev eth1; ip route add default via 10.0.0.1\n"
        "  pre-up ip -6 a add 2001:db8::5/64 dev eth0 nodad || true\n"
        "  down ip addr del 10.0.0.100/24 dev eth0\n"
        "  up ip link set eth0 up\n",
    )
    assert addresses(conf) == [
        ("10.0.0.2/24", "eth0", "prefix"),
        ("10.0.0.100/24", "eth0:vip", "prefix"),
        ("192.0.2.1/32", "eth1", "default"),
        ("2001:db8::5/64", "eth0", "prefix"),
    ]
    assert [a.command for a in conf.addresses()] == [False, True, True, True]
    assert conf.stanzas[0].option("up").value.startswith("ip addr add")


def test_repeated_stanzas_inherits_and_ifupdown2_syntax(tmp_path):
    conf = read(
        tmp_path,
        "iface base inet static\n  netmask 255.255.255.0\n  gateway 10.0.0.1\n"
        "iface eth0 inet static inherits base\n  address 10.0.0.7\n"
        "iface eth0 inet static\n  address 10.0.1.7/24\n  address 10.0.2.7/24\n"
        "iface bond0\n  address 10.0.3.7/24\n",
    )
    assert addresses(conf) == [
        ("10.0.0.7/24", "eth0", "netmask"),
        ("10.0.1.7/24", "eth0", "prefix"),
        ("10.0.2.7/24", "eth0", "prefix"),
        ("10.0.3.7/24", "bond0", "prefix"),
    ]
    assert str(conf.stanzas[1].gateway.address) == "10.0.0.1"
    assert conf.stanzas[1].inherits == "base"
    assert any("a second `address` in iface eth0" in n for n in notes(conf))
    assert any("iface bond0 has no address family" in n for n in notes(conf))
    assert errors(conf) == []


def test_source_and_source_directory(tmp_path):
    conf = load(
        tmp_path,
        {
            "etc/network/interfaces": (
                "auto lo\niface lo inet loopback\n"
                "source interfaces.d/*.cfg\n"  # relative to this file's folder
                "source-directory /etc/network/interfaces.d\n"
                "source /etc/network/missing\n"
                "source /etc/network/interfaces\n"  # itself: skipped
            ),
            "etc/network/interfaces.d/a.cfg": "iface eth1 inet static\n  address 10.1.0.1/24\n",
            "etc/network/interfaces.d/eth2": "iface eth2 inet static\n  address 10.2.0.1/24\n",
            "etc/network/interfaces.d/eth-3_x": "iface eth3 inet static\n  address 10.3.0.1/24\n",
        },
    )
    assert addresses(conf) == [
        ("10.1.0.1/24", "eth1", "prefix"),  # source: a.cfg
        ("10.3.0.1/24", "eth3", "prefix"),  # source-directory: byte order, a.cfg not read
        ("10.2.0.1/24", "eth2", "prefix"),
    ]
    assert [Path(s.path).name for s in conf.sources] == ["interfaces", "a.cfg", "eth-3_x", "eth2"]
    assert position(conf.stanzas[1].span) == ("a.cfg", 1, 1)
    assert errors(conf) == []
    messages = notes(conf)
    assert any("not read: a.cfg" in m for m in messages)
    assert any("source /etc/network/missing: no such file" in m for m in messages)
    assert any("source cycle" in m for m in messages)


def test_source_outside_the_tree_and_options_do_not_cross_files(tmp_path):
    conf = load(
        tmp_path,
        {
            "etc/network/interfaces": "iface eth0 inet static\nsource ../../../../../../x\nsource part\n  address 10.0.0.1\n",
            "etc/network/part": "  netmask 24\n",
        },
    )
    assert any("outside the checked tree" in n for n in notes(conf))
    assert [m for m in errors(conf)] == [
        "misplaced option `netmask`: no iface stanza is open here (ifupdown stops reading here)",
        "misplaced option `address`: no iface stanza is open here (ifupdown stops reading here)",
    ]


@pytest.mark.parametrize(
    "name,head,expected",
    [
        ("hosts/web/etc/network/interfaces", b"", True),
        ("etc/network/interfaces.d/eth1", b"auto eth1\niface eth1 inet dhcp\n", True),
        ("etc/network/interfaces.d/README", b"Put files here.\n", False),
        ("net.conf", b"# x\niface eth0 inet static\n  address 10.0.0.1\n", True),
        ("keepalived.conf", b"vrrp_instance VI_1 {\n  interface eth0\n}\n", False),
        ("r1.ios", b"interface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n", False),
    ],
)
def test_interfaces_sniff(name, head, expected):
    assert interfaces_sniff(name, head) is expected


# -- machine-id ---------------------------------------------------------------------------------

GOOD_ID = "4b9f2ab5c0e14f2d8e8e3f7a9d6c1b20"


@pytest.mark.parametrize(
    "text,value,problem",
    [
        (GOOD_ID + "\n", GOOD_ID, None),
        (GOOD_ID, GOOD_ID, "no newline after the ID"),
        (GOOD_ID.upper() + "\n", GOOD_ID, "has capital letters"),
        ("\n" + GOOD_ID + "\n\n", GOOD_ID, "blanks or lines around the ID"),
        ("", None, "the file is empty"),
        ("uninitialized\n", None, '"uninitialized"'),
        ("0" * 32 + "\n", None, "all zeros"),
        (GOOD_ID[:31] + "\n", None, "is not a machine ID"),
        (GOOD_ID + "0\n", None, "is not a machine ID"),
        ("4b9f2ab5-c0e1-4f2d-8e8e-3f7a9d6c1b20\n", None, "is not a machine ID"),
    ],
)
def test_machine_id(text, value, problem):
    mid = parse_machine_id(Source(Path("/etc/machine-id"), text))
    assert isinstance(mid, MachineId)
    assert mid.value == value
    if problem is None:
        assert mid.problem is None
    else:
        assert problem in mid.problem
    if value is not None:
        assert mid.span.text.lower() == value


# -- never an exception -------------------------------------------------------------------------

PIECES = [
    "iface eth0 inet static", "iface eth0:1 inet6 static", "iface bond0", "iface x inet dhcp", "auto eth0",
    "allow-hotplug eth0", "mapping eth*", "script /bin/x", "address 10.0.0.1", "address 10.0.0.1/24",
    "address 2001:db8::1/64", "netmask 255.255.0.0", "netmask 24", "gateway 10.0.0.254", "dns-nameservers 1.1.1.1 x",
    "up ip addr add 10.0.0.9/24 dev eth0 label eth0:9", "up ip a add", "inherits eth0", "source loop", "source *",
    "source-directory .", "source-directory /etc/network/d", "#", "\\", "\n", "\r\n", " ", "\t", "/", "x" * 20,
]
texts = st.one_of(
    st.text(alphabet=st.one_of(st.sampled_from(list("#\\/ \n\t\r:.aei0129")), st.characters(blacklist_categories=("Cs",))), max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=50).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=30).map("\n".join),
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("host")
    net = root / "etc" / "network"
    (net / "d").mkdir(parents=True)
    (net / "loop").write_text("source loop\nsource interfaces\niface l inet static\n address 10.9.9.9/8\n")
    (net / "d" / "eth5").write_text("iface eth5 inet static\n address 10.5.5.5/24\n")
    (net / "d" / "bin").write_bytes(b"\0\1")
    return root


def _valid(span: Span) -> None:
    assert 0 <= span.start <= span.end <= len(span.source.text), span
    span.source.position(span.start)


def _check_model(conf: Interfaces) -> None:
    for problem in conf.problems:
        assert problem.level in ("error", "note")
        _valid(problem.span)
    for stanza in conf.stanzas:
        _valid(stanza.span)
        _valid(stanza.name_span)
    for address in conf.addresses():
        _valid(address.span)
        assert isinstance(address.network, netaddr.IPNetwork)
        written = address.span.text.replace("\\\n", "").partition("/")[0]
        assert netaddr.IPAddress(written) == address.network.ip


@BOUNDED
@given(text=texts)
def test_any_text_gives_a_model(tree, text):
    source = Source(tree / "etc" / "network" / "interfaces", text)
    _check_model(parse_interfaces(source, TreeView(tree, tree), SourceCache()))


@BOUNDED
@given(data=st.binary(max_size=200))
def test_any_bytes_give_a_model_or_a_source_error(tree, data):
    try:
        source = decode(data, tree / "etc" / "network" / "interfaces")
    except SourceError:
        return
    _check_model(parse_interfaces(source, TreeView(tree, tree), SourceCache()))
    mid = parse_machine_id(source)
    assert mid.value is not None or mid.problem is not None  # an ID, a problem, or both
    _valid(mid.span)
    if mid.value is not None:
        assert len(mid.value) == 32 and mid.value == mid.value.lower()
