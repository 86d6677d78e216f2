"""halint's limits (halint/core/limits.py, `[limits]` in the manifest): each one stops reading with a
diagnostic (the format's syntax code, or HL001 where the format has none) instead of a crash, a
hang or an exhausted memory; each is configurable, and a bad value is exit 2."""
from __future__ import annotations

import os

import pytest
from conftest import check, write

from halint import cli
from halint.core.limits import Limits
from halint.project.manifest import ManifestError, load

ZONE_HEAD = "$ORIGIN example.com.\n$TTL 300\n@ SOA ns hostmaster 1 3600 900 1209600 300\n@ NS ns\nns A 192.0.2.1\n"


def found(tmp_path, limits: str = "", *, select=None):
    if limits:
        write(tmp_path, "halint.toml", "[limits]\n" + limits)
    return [(r.diagnostic.code, r.diagnostic.message) for r in check(tmp_path, select=select)]


def messages(items, code):
    return [m for c, m in items if c == code]


def test_every_limit_is_a_manifest_key(tmp_path):
    write(tmp_path, "halint.toml", "[limits]\n" + "".join(f"{key} = 7\n" for key in Limits.keys()))
    limits = load(tmp_path / "halint.toml", tmp_path).limits
    assert all(getattr(limits, name) == 7 for name in Limits.keys().values())
    assert load(None, tmp_path).limits == Limits()


@pytest.mark.parametrize(
    "text, needle",
    [
        ("[limits]\nfile-sise = 10\n", "limits.'file-sise'"),
        ("[limits]\nfiles = 0\n", "limits.files' must be a positive integer"),
        ("[limits]\nfiles = true\n", "limits.files' must be a positive integer"),
        ("[limits]\nfiles = \"10\"\n", "limits.files' must be a positive integer"),
        ("limits = 3\n", "'limits' must be a table"),
    ],
)
def test_a_bad_limit_is_exit_2(tmp_path, capsys, text, needle):
    write(tmp_path, "halint.toml", text)
    write(tmp_path, "keepalived.conf", "global_defs {\n}\n")
    with pytest.raises(ManifestError, match="halint.toml"):
        load(tmp_path / "halint.toml", tmp_path)
    assert cli.main(["check", str(tmp_path)]) == 2
    assert needle in capsys.readouterr().err


def test_file_size(tmp_path):
    write(tmp_path, "keepalived.conf", "global_defs {\n router_id a\n}\n" + "# padding\n" * 20)
    assert "HL001" not in [c for c, _ in found(tmp_path)]
    hits = messages(found(tmp_path, "file-size = 100\n"), "HL001")
    assert hits and "file too large" in hits[0] and "100" in hits[0]


def test_keepalived_nesting_depth(tmp_path):
    write(tmp_path, "keepalived.conf", "global_defs {\n" + "a {\n" * 5 + "}\n" * 5 + "}\n")
    assert not [m for m in messages(found(tmp_path), "KA001") if "nested deeper" in m]
    hits = [m for m in messages(found(tmp_path, "nesting-depth = 3\n"), "KA001") if "nested deeper" in m]
    assert hits == ["blocks nested deeper than 3 levels (halint's limit): the block is not read"]


def test_deep_keepalived_nesting_is_one_finding_and_no_recursion(tmp_path):
    write(tmp_path, "keepalived.conf", "global_defs {\n" + "a {\n" * 50_000 + "}\n" * 50_000 + "}\n")
    items = found(tmp_path)
    assert len([m for m in messages(items, "KA001") if "nested deeper" in m]) == 1
    assert not [m for m in messages(items, "KA001") if "extra `}`" in m]  # the dropped block's braces match


def test_named_nesting_depth_is_hl001_at_the_brace(tmp_path):
    text = "options {\n" + "a {\n" * 50_000 + "};\n" * 50_000 + "};\n"
    write(tmp_path, "hosts/ns/etc/bind/named.conf", text)
    reported = check(tmp_path)
    hl = [r.diagnostic for r in reported if r.diagnostic.code == "HL001"]
    assert len(hl) == 1 and "nested deeper than 100 levels" in hl[0].message
    assert hl[0].span.source.position(hl[0].span.start) == (101, 3)


def test_include_depth(tmp_path):
    for i in range(5):
        write(tmp_path, f"hosts/web/etc/keepalived/k{i}.conf", f"include k{i + 1}.conf\n")
        write(tmp_path, f"hosts/ns/etc/bind/n{i}.conf", f'include "/etc/bind/n{i + 1}.conf";\n')
        write(tmp_path, f"hosts/web/etc/network/i{i}", f"source /etc/network/i{i + 1}\n")
        write(tmp_path, f"zones/z{i}.inc", f"$INCLUDE z{i + 1}.inc\n")
    write(tmp_path, "hosts/web/etc/keepalived/k5.conf", "global_defs {\n}\n")
    write(tmp_path, "hosts/web/etc/keepalived/keepalived.conf", "include k0.conf\n")
    write(tmp_path, "hosts/ns/etc/bind/n5.conf", "options { };\n")
    write(tmp_path, "hosts/ns/etc/bind/named.conf", 'include "/etc/bind/n0.conf";\n')
    write(tmp_path, "hosts/web/etc/network/i5", "auto lo\n")
    write(tmp_path, "hosts/web/etc/network/interfaces", "source /etc/network/i0\n")
    write(tmp_path, "zones/z5.inc", "www A 192.0.2.2\n")
    write(tmp_path, "zones/db.example.com", ZONE_HEAD + "$INCLUDE z0.inc\n")
    assert not [m for c, m in found(tmp_path) if "nested" in m]
    items = found(tmp_path, "include-depth = 3\n")
    assert [m for m in messages(items, "KA009") if "nested deeper than 3 files" in m]
    assert [m for m in messages(items, "ZN001") if "more than 3 nested includes" in m]
    hl = messages(items, "HL001")
    assert [m for m in hl if "includes nested deeper than 3 files" in m]  # named.conf
    assert [m for m in hl if "sourced files nested deeper than 3" in m]  # interfaces


def test_a_doubling_definition_stops_with_ka001(tmp_path):
    lines = ["$A0=xx"] + [f"$A{i + 1}=${{A{i}}}${{A{i}}}" for i in range(40)]
    write(tmp_path, "keepalived.conf", "\n".join(lines) + "\nglobal_defs {\n router_id $A40\n}\n")
    hits = messages(found(tmp_path, "line-expansions = 50\n"), "KA001")
    assert [m for m in hits if "expand again more than 50 times" in m]


def test_a_line_of_braces_and_definitions_needs_no_recursion(tmp_path):
    write(tmp_path, "keepalived.conf", "$B={\nglobal_defs {\n" + "$B " * 300 + "{" * 600 + "\n}\n")
    assert messages(found(tmp_path), "KA001")  # diagnostics, not a RecursionError


def test_sequence_values(tmp_path):
    write(tmp_path, "keepalived.conf", "global_defs {\n~SEQ(i, 1, 20) router_id r$i\n}\n")
    assert not [m for m in messages(found(tmp_path), "KA001") if "~SEQ" in m]
    hits = messages(found(tmp_path, "sequence-values = 10\n"), "KA001")
    assert hits == ["invalid ~SEQ: 20 values (halint stops at 10)"]


def test_generate_records_counts_every_line_of_the_zone(tmp_path):
    write(tmp_path, "zones/db.example.com", ZONE_HEAD + "$GENERATE 1-30 h$ A 192.0.2.$\n" * 2)
    assert not messages(found(tmp_path), "ZN001")
    hits = messages(found(tmp_path, "generate-records = 40\n"), "ZN001")
    assert len(hits) == 1 and "$GENERATE 1-30: 30 records would take" in hits[0] and "first 10" in hits[0]
    # the zone is incomplete: ZN003 (no NS, glue) stays silent rather than guessing
    assert all(c != "ZN003" for c, _ in found(tmp_path, "generate-records = 40\n"))


def test_files(tmp_path):
    for i in range(6):
        write(tmp_path, f"notes/n{i}.txt", "x\n")
    write(tmp_path, "keepalived.conf", "global_defs {\n}\n")
    assert not messages(found(tmp_path), "HL001")
    hits = messages(found(tmp_path, "files = 4\n"), "HL001")
    assert len(hits) == 1 and "more than 4 files" in hits[0]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_symlink_loops_are_neither_followed_nor_fatal(tmp_path):
    write(tmp_path, "hosts/web/etc/keepalived/keepalived.conf", "include /etc/keepalived/conf.d/*.conf\n")
    (tmp_path / "hosts/web/etc/keepalived/conf.d").mkdir()
    os.symlink("..", tmp_path / "hosts/web/etc/keepalived/conf.d/up")  # directory loop
    os.symlink("b.conf", tmp_path / "hosts/web/etc/keepalived/conf.d/a.conf")  # file loop
    os.symlink("a.conf", tmp_path / "hosts/web/etc/keepalived/conf.d/b.conf")
    items = found(tmp_path)
    assert "KA009" in [c for c, _ in items] or "HL001" in [c for c, _ in items]
    assert cli.main(["check", str(tmp_path)]) == 1


def test_includes_that_include_each_other_many_times_over_stop(tmp_path):
    """No cycle, yet exponential: each level includes the next one three times."""
    for i in range(12):
        write(tmp_path, f"hosts/lb/etc/keepalived/l{i}.conf", f"include l{i + 1}.conf\n" * 3)
        write(tmp_path, f"zones/z{i}.inc", f"$INCLUDE z{i + 1}.inc\n" * 3)
        write(tmp_path, f"hosts/ns/etc/bind/n{i}.conf", f'include "/etc/bind/n{i + 1}.conf";\n' * 3)
    write(tmp_path, "hosts/lb/etc/keepalived/l12.conf", "global_defs {\n}\n")
    write(tmp_path, "hosts/lb/etc/keepalived/keepalived.conf", "include l0.conf\n")
    write(tmp_path, "zones/z12.inc", "www A 192.0.2.2\n")
    write(tmp_path, "zones/db.example.com", ZONE_HEAD + "$INCLUDE z0.inc\n")
    write(tmp_path, "hosts/ns/etc/bind/n12.conf", "options { };\n")
    write(tmp_path, "hosts/ns/etc/bind/named.conf", 'include "/etc/bind/n0.conf";\n')
    items = found(tmp_path, "includes = 500\n")
    assert len([m for m in messages(items, "KA009") if "more than 500 files read through includes" in m]) == 1
    assert len([m for m in messages(items, "ZN001") if "more than 500 files read through $INCLUDE" in m]) == 1
    assert len([m for m in messages(items, "HL001") if "more than 500 files read through includes" in m]) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_device_is_never_read(tmp_path):
    (tmp_path / "hosts/lb/etc/keepalived").mkdir(parents=True)
    os.mkfifo(tmp_path / "hosts/lb/etc/keepalived/pipe.conf")
    os.symlink("/dev/zero", tmp_path / "hosts/lb/etc/keepalived/zero.conf")
    write(tmp_path, "hosts/lb/etc/keepalived/keepalived.conf", "include pipe.conf\ninclude zero.conf\n")
    items = found(tmp_path)
    hits = messages(items, "KA009")
    assert len([m for m in hits if "pipe.conf cannot be read (not a regular file" in m]) == 1
    assert len([m for m in hits if "resolves to /etc/keepalived/zero.conf, outside the checked tree" in m]) == 1
    assert [m for m in messages(items, "HL001") if "not a regular file" in m]
