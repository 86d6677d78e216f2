"""Discovery: every file is classified by name and content (never by extension alone), hosts and
routers get their identity from the layout or the manifest, and nothing unrecognised is read."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, corpus_dir, write

from halint.project.discovery import classify, walk
from halint.project.manifest import load as load_manifest

LEIDOSCOPE = ROOT / "examples" / "leidoscope"

ZONE = "$TTL 3600\n@ IN SOA ns1.example.com. admin.example.com. (1 3600 900 1209600 300)\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
RUNNING = "!\nhostname R1\n!\ninterface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n ip nat outside\n!\nend\n"
SCRIPT = "R1#conf t\nEnter configuration commands, one per line.  End with CNTL/Z.\nR1(config)#no ip nat inside source static 10.0.0.1 192.0.2.10\nR1(config)#end\n"
NAMED = 'options {\n\tdirectory "/var/cache/bind";\n};\nzone "example.com" {\n\ttype master;\n\tfile "/etc/bind/db.example.com";\n};\n'
INTERFACES = "auto eth0\niface eth0 inet static\n    address 10.0.0.2/24\n    gateway 10.0.0.1\n"


def kinds(tree) -> dict[str, str]:
    return {f.path.relative_to(tree.root).as_posix(): f.kind for f in tree.files}


def test_the_reference_example_is_fully_classified():
    tree = walk(LEIDOSCOPE, [LEIDOSCOPE])
    found = kinds(tree)
    assert found == {
        "README.md": "unclassified",
        "halint.toml": "unclassified",  # the manifest: read as such, never reported as HL004
        "hosts/web/etc/bind/named.conf.local": "named-conf",
        "hosts/web/etc/bind/zones/db.leidoscope.com": "zone",
        "hosts/web/etc/keepalived/keepalived.conf": "keepalived",
        "hosts/web/etc/network/interfaces": "interfaces",
        "hosts/web2/etc/bind/named.conf.local": "named-conf",
        "hosts/web2/etc/bind/zones/db.leidoscope.com": "zone",
        "hosts/web2/etc/keepalived/keepalived.conf": "keepalived",
        "hosts/web2/etc/network/interfaces": "interfaces",
        "routers/Rnet1.changes.ios": "ios-changes",
        "routers/Rnet1.ios": "ios-running",
        "routers/Rnet92i.changes.ios": "ios-changes",
        "routers/Rnet92i.ios": "ios-running",
    }
    hosts = {f.path.relative_to(tree.root).as_posix(): f.host for f in tree.files}
    assert hosts["hosts/web2/etc/bind/zones/db.leidoscope.com"] == "web2"
    assert hosts["routers/Rnet1.ios"] is None


@pytest.mark.parametrize("name, text, kind", [
    # content decides, whatever the name says
    ("notes.zone", "just some notes\n", "unclassified"),
    ("r1.ios", "hello\n", "unclassified"),
    ("example.org", ZONE, "zone"),
    ("db.example.com", ZONE, "zone"),
    ("R1.cfg", RUNNING, "ios-running"),
    ("R1-running", RUNNING, "ios-running"),
    ("R1.changes.ios", SCRIPT, "ios-changes"),
    ("named.conf.options", NAMED, "named-conf"),
    ("bind.conf", NAMED, "named-conf"),
    ("README", "This repository holds our router configs.\n", "unclassified"),
])
def test_content_decides(tmp_path, name, text, kind):
    assert classify(write(tmp_path, name, text)) == kind


def test_host_files_by_place(tmp_path):
    assert classify(write(tmp_path, "hosts/a/etc/network/interfaces", INTERFACES)) == "interfaces"
    assert classify(write(tmp_path, "hosts/a/etc/network/interfaces.d/eth1", INTERFACES)) == "interfaces"
    assert classify(write(tmp_path, "hosts/a/etc/machine-id", "0123456789abcdef0123456789abcdef\n")) == "machine-id"


def test_a_byte_order_mark_does_not_hide_what_a_file_is(tmp_path):
    # the mark is the readers' business (KA008, ZN001): classification looks past it
    assert classify(write(tmp_path, "lb.conf", b"\xef\xbb\xbfvrrp_instance VI_1 {\n}\n")) == "keepalived"
    assert classify(write(tmp_path, "example.org", b"\xef\xbb\xbf" + ZONE.encode())) == "zone"
    assert classify(write(tmp_path, "zones.conf", b'\xef\xbb\xbfzone "x" { type master; file "db.x"; };\n')) == "named-conf"


def test_an_empty_file_is_a_router_file_only_where_routers_live(tmp_path):
    assert classify(write(tmp_path, "routers/R1.ios", "")) == "ios-running"
    assert classify(write(tmp_path, "routers/R1.conf", "\n")) == "ios-running"
    assert classify(write(tmp_path, "routers/R1.changes.ios", "")) == "ios-changes"
    assert classify(write(tmp_path, "routers/README", "")) == "unclassified"
    assert classify(write(tmp_path, "hosts/a/etc/haproxy/haproxy.cfg", "")) == "unclassified"
    assert classify(write(tmp_path, "R1.ios", "")) == "unclassified"


def test_binary_content_is_never_sniffed_only_the_name_counts(tmp_path):
    assert classify(write(tmp_path, "db.example.com", ZONE.encode() + b"\0\x01\x02")) == "zone"
    assert classify(write(tmp_path, "example-data", ZONE.encode() + b"\0\x01\x02")) == "unclassified"


def test_manifest_names_zones_and_hosts_outside_the_layout(tmp_path):
    write(tmp_path, "dns/example-zone-data", "@ IN NS ns1.example.com.\n")  # no SOA: a sniff says no
    write(tmp_path, "web/keepalived.conf", "vrrp_instance A {\n}\n")
    manifest_path = write(tmp_path, "halint.toml", """
[hosts.web]
files = ["web/keepalived.conf"]
[zones."example.com"]
files = ["dns/example-zone-data"]
""")
    manifest = load_manifest(manifest_path, tmp_path)
    tree = walk(tmp_path, [tmp_path], manifest=manifest)
    by = {f.path.relative_to(tmp_path).as_posix(): f for f in tree.files}
    assert by["dns/example-zone-data"].kind == "zone"
    assert by["web/keepalived.conf"].host == "web"


def test_every_corpus_file_classifies_to_its_folder_kind_or_is_a_fragment():
    """Each corpus file is claimed by the front end of its folder, except include fragments
    (zone pieces without SOA or directive) which are read through their includer."""
    expected = {"zones": {"zone"}, "ios": {"ios-running", "ios-changes"}, "keepalived": {"keepalived", "keepalived-fragment"}}
    wrong = []
    for folder, allowed in expected.items():
        for path in sorted(corpus_dir(folder).iterdir()):
            kind = classify(path)
            if kind not in allowed:
                wrong.append(f"{folder}/{path.name}: {kind}")
    assert wrong == [] or all(": unclassified" in w for w in wrong), wrong
    # the unclassified ones are fragments: say which, so a regression shows up here
    assert sorted(w.split(":")[0] for w in wrong) == sorted(EXPECTED_UNCLASSIFIED)


#: corpus files that no classifier claims on their own, and why
EXPECTED_UNCLASSIFIED = [
    # single records without SOA or directive: test inputs for a record parser, not zones
    "zones/NLnetLabs__ldns__test_26-loc-centimetre.tpkg_26-loc-centimetre.db",
    "zones/NLnetLabs__ldns__test_28-tab-instead-of-space.tpkg_28-tab-instead-of-space.db",
    "zones/NLnetLabs__ldns__test_29-generic-rdata-tab.tpkg_29-generic-rdata-tab.db",
    "zones/isc-projects__bind9__bin_tests_system_checkzone_zones_inherit.db",
    "zones/isc-projects__bind9__bin_tests_system_unknown_ns1_large.db",
    # $INCLUDE fragments, read through the zone that includes them
    "zones/NLnetLabs__nsd__tpkg_include_rel.tdir_m_common_ns.cf",
    "zones/NLnetLabs__nsd__tpkg_include_rel.tdir_m_common_stats.cf",
    "zones/NLnetLabs__nsd__tpkg_zonec_tests.tdir_zonec_tests.class",
    "zones/NLnetLabs__nsd__tpkg_zonec_tests.tdir_zonec_tests.data",
    "zones/hickory-dns__hickory-dns__tests_test-data_test_configs_include.example.com.zone",
]


@pytest.mark.parametrize("rel", ["routers/R1.changes.ios", "routers/R1.ios", "hosts/a/etc/bind/db.example.com",
                                 "hosts/a/etc/bind/named.conf", "hosts/a/etc/network/interfaces", "hosts/a/etc/machine-id"])
def test_a_binary_file_named_as_a_config_is_hl001_not_skipped(tmp_path, rel):
    from conftest import check

    write(tmp_path, rel, b"\x89PNG\r\n\x1a\n\0\0\0")
    write(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0")
    found = [(r.code, Path(r.diagnostic.span.source.path).name) for r in check(tmp_path, verbose=True)]
    assert ("HL001", Path(rel).name) in found
    assert ("HL004", "logo.png") in found and ("HL001", "logo.png") not in found


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_a_link_out_of_the_tree_is_never_classified_nor_listed(tmp_path, monkeypatch):
    """The walk never opens it (classification sniffs a file's first bytes): it is reported
    unreadable, saying it leads out of the tree, whether found or named; a link inside the tree
    is a file like any other; a link to a folder outside is not followed."""
    from halint.project import discovery

    secret = write(tmp_path, "home/.git-credentials", "https://user:token@example.com\n")
    root = tmp_path / "repo"
    write(root, "hosts/web/etc/keepalived/keepalived.conf", "global_defs {\n}\n")
    os.symlink(secret, root / "hosts/web/etc/keepalived/keepalived.conf.local")  # absolute
    os.symlink("../../../../../home/.git-credentials", root / "hosts/web/etc/keepalived/creds.conf")  # relative
    os.symlink(tmp_path / "home/nowhere", root / "hosts/web/etc/keepalived/gone.conf")  # dangling, outside
    os.symlink("keepalived.conf", root / "hosts/web/etc/keepalived/same.conf")  # inside
    os.symlink(tmp_path / "home", root / "hosts/web/etc/home")  # a folder outside
    opened = []
    real_classify = discovery.classify
    monkeypatch.setattr(discovery, "classify", lambda path, forced=None: opened.append(path) or real_classify(path, forced))
    tree = walk(root, [root])
    assert kinds(tree) == {"hosts/web/etc/keepalived/keepalived.conf": "keepalived",
                           "hosts/web/etc/keepalived/same.conf": "keepalived"}
    outside = {p.relative_to(root).as_posix(): why for p, why in tree.unreadable.items()}
    assert outside == {f"hosts/web/etc/keepalived/{name}": discovery.OUTSIDE
                       for name in ("keepalived.conf.local", "creds.conf", "gone.conf")}
    assert all(Path(os.path.realpath(p)) != secret for p in opened)
    named = walk(root, [root / "hosts/web/etc/keepalived/creds.conf", root / "hosts/web/etc/home/.git-credentials"])
    assert named.files == [] and set(named.unreadable.values()) == {discovery.OUTSIDE} and len(named.unreadable) == 2
