"""Loading a whole tree: every front end fed from discovery, zone origins from named.conf or the
manifest, routers grouped with their change scripts, host files per host, and the whole corpus
read without an internal error."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, SHARED, check, corpus_dir, write

from halint.cli import main
from halint.engine.check import Options, run

LEIDOSCOPE = ROOT / "examples" / "leidoscope"


def project_of(path: Path, verbose: bool = False):
    outcome = run(Options(paths=[path], verbose=verbose))
    [project] = outcome.projects
    return project, outcome


def test_the_reference_example_loads_every_kind_of_file():
    project, outcome = project_of(LEIDOSCOPE)
    # zones: origin from each host's named.conf.local
    zones = {u.zone.source.path.relative_to(LEIDOSCOPE).as_posix(): u.zone for u in project.zones}
    assert sorted(zones) == ["hosts/web/etc/bind/zones/db.leidoscope.com", "hosts/web2/etc/bind/zones/db.leidoscope.com"]
    for zone in zones.values():
        assert zone.origin == "leidoscope.com." and zone.serial == 2025110408
        assert "named.conf.local:9" in zone.origin_from
    # routers: the running-config with its change script applied on top
    routers = {r.name: r for r in project.routers}
    assert sorted(routers) == ["Rnet1", "Rnet92i"]
    rnet92i = routers["Rnet92i"]
    assert [s.path.name for s in rnet92i.scripts] == ["Rnet92i.changes.ios"]
    assert len(rnet92i.before.nat_rules) == 5 and rnet92i.after.nat_rules == ()
    rnet1 = routers["Rnet1"]
    assert sorted(str(r.local_ip) for r in rnet1.after.nat_rules) == ["10.51.10.67", "10.51.10.67"]
    # hosts: addresses from /etc/network/interfaces, zones from named.conf
    addresses = {host: [str(a.network) for i in files.interfaces for a in i.addresses()] for host, files in project.hosts.items()}
    assert addresses == {"web": ["10.51.10.11/16"], "web2": ["10.51.10.12/16"]}
    assert [z.name for n in project.hosts["web"].named for z in n.zones] == ["leidoscope.com"]
    assert outcome.files == 12  # every file but the README


def test_verbose_says_where_each_zone_origin_came_from(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    main(["check", "examples/leidoscope", "--verbose", "--select", "ZN"])
    err = capsys.readouterr().err
    assert ('examples/leidoscope/hosts/web/etc/bind/zones/db.leidoscope.com: zone leidoscope.com. '
            '(origin from examples/leidoscope/hosts/web/etc/bind/named.conf.local:9 zone "leidoscope.com")') in err


def test_origin_order_manifest_then_named_conf_then_the_file(tmp_path):
    zone = "$TTL 300\n@ IN SOA ns1 admin 1 3600 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
    write(tmp_path, "hosts/ns/etc/bind/db.one", zone)
    project, _ = project_of(tmp_path)
    assert [(u.zone.origin, u.zone.origin_from) for u in project.zones] == [("one.", "file name db.one")]
    write(tmp_path, "hosts/ns/etc/bind/named.conf", 'zone "example.org" { type master; file "/etc/bind/db.one"; };\n')
    project, _ = project_of(tmp_path)
    assert [u.zone.origin for u in project.zones] == ["example.org."]
    write(tmp_path, "halint.toml", '[zones."example.net"]\nfiles = ["hosts/ns/etc/bind/db.one"]\n')
    project, _ = project_of(tmp_path)
    assert [(u.zone.origin, u.zone.origin_from) for u in project.zones] == [("example.net.", 'halint.toml [zones."example.net"]')]


def test_a_zone_without_any_origin_is_a_note_not_a_guess(tmp_path):
    write(tmp_path, "data/example-records", "$TTL 300\nwww IN A 192.0.2.1\n")
    project, outcome = project_of(tmp_path, verbose=True)
    assert project.zones == []
    assert any("example-records: not checked" in note for note in outcome.notes)


def test_every_file_a_named_conf_file_clause_names_is_a_zone(tmp_path):
    # discovery cannot recognise these (empty, not zone-like, no zone name): named.conf says
    # they are zones, and BIND refuses to load them (named-checkzone: "has 0 SOA records",
    # "unknown RR type 'world'"): ZN001, not a skipped file
    write(tmp_path, "hosts/ns/etc/bind/named.conf", (
        'zone "example.com" { type master; file "/etc/bind/example.hosts"; };\n'
        'zone "example.net" { type master; file "/etc/bind/net-data"; };\n'
    ))
    write(tmp_path, "hosts/ns/etc/bind/example.hosts", "")
    write(tmp_path, "hosts/ns/etc/bind/net-data", "hello world\n")
    write(tmp_path, "hosts/ns/etc/bind/notes", "hello world\n")  # named by nothing: still unclassified
    project, outcome = project_of(tmp_path, verbose=True)
    assert sorted((u.zone.source.path.name, u.zone.origin) for u in project.zones) == [
        ("example.hosts", "example.com."), ("net-data", "example.net.")]
    assert [p.name for p in project.unclassified] == ["notes"]
    found = [(r.code, Path(r.diagnostic.span.source.path).name, r.diagnostic.message) for r in outcome.reported]
    assert ("ZN001", "example.hosts", 'the file is empty, so the zone has no SOA record at its origin example.com. '
            '(BIND: "has 0 SOA records")') in found
    assert ("ZN001", "net-data", "unknown record type `world`") in found
    assert not any(code == "HL004" and name != "notes" for code, name, _ in found)
    assert any("example.hosts: read as a zone file because" in note for note in outcome.notes)


def test_an_empty_router_file_is_reported_not_skipped(tmp_path):
    write(tmp_path, "routers/R1.ios", "")
    write(tmp_path, "routers/R2.cfg", "\ufeff\n\n")
    write(tmp_path, "routers/R3.ios", "hostname R3\nip nat inside source static 10.0.0.5 192.0.2.5\nend\n")
    write(tmp_path, "routers/R3.changes.ios", "")
    write(tmp_path, "hosts/lb/etc/haproxy/haproxy.cfg", "")  # not a router: nothing to say
    project, outcome = project_of(tmp_path, verbose=True)
    found = sorted((r.code, r.severity.label, Path(r.diagnostic.span.source.path).name) for r in outcome.reported
                   if r.code.startswith("HL"))
    assert found == [("HL001", "error", "R1.ios"), ("HL001", "error", "R2.cfg"), ("HL004", "info", "haproxy.cfg")]
    [r1] = [r for r in outcome.reported if r.diagnostic.span.source.path.name == "R1.ios"]
    assert r1.diagnostic.message.startswith("cannot read this file: it is empty: a router's running-config holds")
    assert [(r.name, len(r.scripts)) for r in project.routers] == [("R3", 0)]
    assert any(note.endswith("R3.changes.ios: an empty change script: nothing to apply") for note in outcome.notes)


def test_a_change_script_without_its_running_config_still_applies(tmp_path):
    write(tmp_path, "routers/R9.changes.ios", "R9(config)#ip nat inside source static 10.0.0.5 192.0.2.5\n")
    project, outcome = project_of(tmp_path, verbose=True)
    [router] = project.routers
    assert router.name == "R9" and router.running is None and len(router.after.nat_rules) == 1


def test_included_fragments_are_not_checked_on_their_own(tmp_path):
    write(tmp_path, "hosts/ns/etc/bind/db.example.com",
          "$TTL 300\n@ IN SOA ns1 admin 1 3600 900 1209600 300\n$INCLUDE /etc/bind/ns.inc\n")
    write(tmp_path, "hosts/ns/etc/bind/ns.inc", "$TTL 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n")
    project, _ = project_of(tmp_path)
    assert [u.zone.source.path.name for u in project.zones] == ["db.example.com"]
    assert [r.code for r in check(tmp_path, verbose=True) if r.severity.label != "info"] == []


def test_the_whole_shared_corpus_is_read_without_an_internal_error(capsys, monkeypatch):
    """`halint check ../shared/corpus` (the issue's "done when"): exit 0 or 1, a JSON report,
    nothing on stderr but notes."""
    corpus = corpus_dir("zones").parent
    monkeypatch.chdir(SHARED)
    code = main(["check", str(corpus), "--format", "json"])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert "internal error" not in captured.err and "Traceback" not in captured.err
    doc = json.loads(captured.out)
    assert doc["summary"]["files"] > 240
    families = {d["code"].rstrip("0123456789") for d in doc["diagnostics"]}
    assert {"KA", "ZN", "IOS"} <= families


def test_routers_changed_in_git_keep_their_base_version(tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        import pytest

        pytest.skip("git is not installed")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    old = (LEIDOSCOPE / "routers" / "Rnet92i.ios").read_text(encoding="utf-8")
    write(tmp_path, "routers/Rnet92i.ios", old)
    write(tmp_path, "routers/Rnet1.ios", (LEIDOSCOPE / "routers" / "Rnet1.ios").read_text(encoding="utf-8"))
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=env)
    # the NAT lines edited in place, no change script
    write(tmp_path, "routers/Rnet92i.ios", old.replace("10.51.10.11 21 ", "10.51.10.67 21 "))
    [project] = run(Options(paths=[tmp_path], select=["ZN004"])).projects  # a rule that needs the base
    assert sorted(project.router_bases) == ["Rnet92i"]
    before = project.router_bases["Rnet92i"].after
    assert any(str(r.local_ip) == "10.51.10.11" and r.local_port == 21 for r in before.nat_rules)
