"""The reference example: examples/leidoscope (the seed document's final state, defects
included). Pins halint's full JSON output (tests/golden/leidoscope.json) and checks the KA items
of RULES.md's reference scenario one by one.

Regenerate the golden file after an intended change with HALINT_UPDATE_GOLDEN=1.
"""
from __future__ import annotations

import json
import os

from conftest import ROOT

from halint.cli import main

GOLDEN = ROOT / "tests" / "golden" / "leidoscope.json"
WEB = "examples/leidoscope/hosts/web/etc/keepalived/keepalived.conf"
WEB2 = "examples/leidoscope/hosts/web2/etc/keepalived/keepalived.conf"


def _json(capsys, monkeypatch) -> dict:
    monkeypatch.chdir(ROOT)
    code = main(["check", "examples/leidoscope", "--format", "json"])
    assert code == 1
    return json.loads(capsys.readouterr().out)


def test_golden_json(capsys, monkeypatch):
    doc = _json(capsys, monkeypatch)
    if os.environ.get("HALINT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert doc == json.loads(GOLDEN.read_text(encoding="utf-8"))


def _said(d) -> str:
    """A JSON finding's message and note (issue 16: the effect and the caveats are in the note)."""
    return f"{d['message']} {d['note']}" if d.get("note") else d["message"]


def test_reference_items_1_2_5_6(capsys, monkeypatch):
    doc = _json(capsys, monkeypatch)
    found = [(d["code"], d["path"], d["line"]) for d in doc["diagnostics"]]
    # 1. four typos on web: three vrp_script and one vrp_instance, each with its fix
    ka002 = [d for d in doc["diagnostics"] if d["code"] == "KA002"]
    assert [(d["path"], d["line"], d["column"]) for d in ka002] == [(WEB, 1, 1), (WEB, 7, 1), (WEB, 13, 1), (WEB, 19, 1)]
    assert [d["fix"]["edits"][0]["new_text"] for d in ka002] == ["vrrp_script"] * 3 + ["vrrp_instance"]
    assert "whole block (lines 19-37)" in _said(ka002[3])
    # 2. web defines no effective vrrp_instance
    ka011 = [d for d in doc["diagnostics"] if d["code"] == "KA011"]
    assert [(d["path"], d["line"]) for d in ka011] == [(WEB, 1)]
    assert "VI_1" in _said(ka011[0])
    # 5. PASS with a 4-digit password on both, never printed
    ka006 = [d for d in doc["diagnostics"] if d["code"] == "KA006"]
    assert sorted((d["path"], d["line"]) for d in ka006) == [(WEB, 27), (WEB2, 9)]
    for d in ka006:
        assert "4 characters, redacted" in _said(d) and "PASS" in _said(d)
    assert "1234" not in json.dumps(doc)
    # 6. scripts without enable_script_security on web
    assert ("KA007", WEB, 2) in found
    # web2 itself is a valid keepalived configuration apart from its weak authentication; its
    # empty track_script is a cluster finding (HA007, item 4)
    assert {d["code"] for d in doc["diagnostics"] if d["path"] == WEB2} == {"KA006", "HA007"}


def _git(cwd, *args):
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(cwd), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_reference_item_7_zone_changed_without_a_serial_bump(tmp_path, capsys, monkeypatch):
    """Seed 6.1 committed, 6.2 in the working tree: the A records moved to the VIP, the serial
    stayed 2025110408 (ZN004, with a fix to the next serial)."""
    import shutil

    if shutil.which("git") is None:
        import pytest

        pytest.skip("git is not installed")
    tree = tmp_path / "leidoscope"
    shutil.copytree(ROOT / "examples" / "leidoscope", tree)
    zone = tree / "hosts" / "web" / "etc" / "bind" / "zones" / "db.leidoscope.com"
    new = zone.read_text(encoding="utf-8")
    old = (tree / "hosts" / "web2" / "etc" / "bind" / "zones" / "db.leidoscope.com").read_text(encoding="utf-8")
    assert "10.51.10.11" in old and "10.51.10.67" in new  # seed 6.1 and 6.2
    zone.write_text(old, encoding="utf-8")
    _git(tree, "init", "-q")
    _git(tree, "add", ".")
    _git(tree, "commit", "-q", "-m", "before HA (seed 6.1)")
    zone.write_text(new, encoding="utf-8")
    monkeypatch.chdir(tree)
    assert main(["check", ".", "--format", "json", "--select", "ZN004"]) == 1
    diags = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(d["code"], d["path"], d["line"]) for d in diags] == [("ZN004", "hosts/web/etc/bind/zones/db.leidoscope.com", 2)]
    assert "2025110408" in _said(diags[0]) and "HEAD" in _said(diags[0])
    assert diags[0]["fix"]["safety"] == "safe"
    # without git history (a plain copy) the comparison is skipped, with a note under --verbose
    shutil.rmtree(tree / ".git")
    assert main(["check", ".", "--select", "ZN004", "--verbose"]) == 0
    assert "not inside a git work tree" in capsys.readouterr().err


def test_reference_items_3_4_8_9_10_11(capsys, monkeypatch):
    """The cross-file items of RULES.md's reference scenario, with their numbers."""
    doc = _json(capsys, monkeypatch)
    diags = doc["diagnostics"]
    at = lambda code: [(d["path"], d["line"]) for d in diags if d["code"] == code]  # noqa: E731
    said = lambda code: next(d["message"] + " " + (d["note"] or "") for d in diags if d["code"] == code)  # noqa: E731
    zone2 = "examples/leidoscope/hosts/web2/etc/bind/zones/db.leidoscope.com"
    # 3. HA006, as if the typos were fixed: +11 weights on web only, 122 >= 90
    assert at("HA006") == [(WEB, 33)]
    assert "once `vrp_instance`" in said("HA006") and "web stays at 122 >= web2's 90" in said("HA006")
    # 4. HA007: web2's track_script block is empty
    assert at("HA007") == [(WEB2, 14)] and "track_script block is empty" in said("HA007")
    # 8 and 9. HA013 on Rnet92i's change: every rule to 10.51.10.11 removed, none to the VIP; FTP lost
    assert at("HA013") == [("examples/leidoscope/routers/Rnet92i.changes.ios", 3)]
    for part in ("tcp/80", "tcp/21", "tcp/443", "1:1 static", "10.51.10.67",
                 "FTP tcp/21, tracked by chk_vsftpd, is no longer reachable through any router"):
        assert part in said("HA013"), part
    assert "53" not in said("HA013")  # DNS was never exposed through NAT
    # 10. HA012: web2's stale copy of the zone, same serial
    assert at("HA012") == [(zone2, 4)] and "2025110408" in said("HA012")
    # 11. HA009 on web2's records on web's own address; no HA008 once the change scripts apply
    assert at("HA009") == [(zone2, 4), (zone2, 5), (zone2, 6)]
    assert at("HA008") == []


def test_reference_item_11_routers_without_their_change_scripts(tmp_path, capsys, monkeypatch):
    """HA008 on each router's running-config when it is checked without its change script."""
    import shutil

    tree = tmp_path / "leidoscope"
    shutil.copytree(ROOT / "examples" / "leidoscope", tree)
    for script in (tree / "routers").glob("*.changes.ios"):
        script.unlink()
    monkeypatch.chdir(tree)
    main(["check", ".", "--format", "json", "--select", "HA008"])
    found = [(d["path"], d["line"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]]
    assert found == [("routers/Rnet1.ios", 35), ("routers/Rnet1.ios", 36)] + [("routers/Rnet92i.ios", n) for n in range(35, 40)]


COMPILED = ROOT / "tests" / "golden" / "leidoscope-compiled"


def test_compile_with_unsafe_fixes_gives_a_tree_to_deploy(tmp_path):
    """`halint compile --unsafe-fixes`: every KA002 (and so KA011) resolved, web2's zone on the
    VIP with its serial bumped, weights that make each check move the VIP, web2 tracking the same
    checks, and Rnet92i.fix.ios re-creating the NAT rules against the VIP (FTP exposed again).
    The compiled files are pinned in tests/golden/leidoscope-compiled (HALINT_UPDATE_GOLDEN=1)."""
    import datetime
    import shutil

    from halint.fix.compile import compile_tree
    from halint.engine.check import Options, run

    tree = tmp_path / "leidoscope"
    shutil.copytree(ROOT / "examples" / "leidoscope", tree)  # outside git: no base, same result
    out = tmp_path / "out"
    today = datetime.date(2025, 11, 25)
    result, written = compile_tree(Options(paths=[tree], today=today), out, unsafe=True)
    names = sorted(p.relative_to(out).as_posix() for p in written)
    assert names == [
        "hosts/web/etc/keepalived/keepalived.conf",
        "hosts/web2/etc/bind/zones/db.leidoscope.com",
        "hosts/web2/etc/keepalived/keepalived.conf",
        "routers/Rnet92i.fix.ios",
    ]
    if os.environ.get("HALINT_UPDATE_GOLDEN"):
        shutil.rmtree(COMPILED, ignore_errors=True)
        for name in names:
            (COMPILED / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(out / name, COMPILED / name)
    for name in names:
        assert (out / name).read_bytes() == (COMPILED / name).read_bytes(), name
    fix_ios = (out / "routers" / "Rnet92i.fix.ios").read_text(encoding="utf-8")
    assert "ip nat inside source static tcp 10.51.10.67 21 172.18.55.51 21 extendable" in fix_ios
    assert fix_ios.splitlines()[1] == "configure terminal" and fix_ios.splitlines()[-1] == "end"
    # every other file is copied byte for byte
    for path in tree.rglob("*"):
        rel = path.relative_to(tree).as_posix()
        if path.is_file() and rel not in names:
            assert (out / rel).read_bytes() == path.read_bytes(), rel
    left = {r.code for r in run(Options(paths=[out], today=today)).reported}
    assert not left & {"KA002", "KA011", "HA006", "HA007", "HA009", "HA012", "HA013", "ZN004"}, left
