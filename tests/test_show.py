"""`halint show clusters`: the failover matrix per cluster, in text and JSON."""
from __future__ import annotations

import json

from conftest import ROOT

from halint.cli import main


def test_the_reference_example_as_text(capsys, monkeypatch):
    monkeypatch.chdir(ROOT / "examples" / "leidoscope")
    assert main(["show", "clusters"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cluster 1: VIP 10.51.10.67 on 10.51.0.0/16 (VRID 51)\n")
    assert " as intended (misspelt keywords corrected):" in out and " as keepalived runs it:" in out
    assert "  web   MASTER  100   133      chk_nginx +11, chk_vsftpd +11, chk_bind +11" in out
    assert ("  if chk_nginx fails on web, web stays at 122 >= web2's 90: the VIP never moves "
            "(weight -33 on web's chk_nginx would cross the gap)") in out
    assert "  (no vrrp_instance here: web)\n  all checks pass: web2 holds the VIP at 90: no other peer can" in out


def test_the_reference_example_as_json(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["show", "clusters", "examples/leidoscope", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [cluster] = doc["clusters"]
    assert cluster["vips"] == ["10.51.10.67"] and cluster["vrids"] == [51]
    intended = cluster["versions"]["intended"]
    assert intended["healthy"]["holder"] == "web" and intended["healthy"]["priorities"] == {"web": 133, "web2": 90}
    assert [(f["check"], f["moves"], f["crossing_weight"], f["priorities"]["web"]) for f in intended["failures"]] == [
        ("chk_nginx", False, -33, 122), ("chk_vsftpd", False, -33, 122), ("chk_bind", False, -33, 122)]
    assert [p["name"] for p in cluster["versions"]["effective"]["peers"]] == ["web2"]


def test_a_clean_cluster_shows_one_version_and_the_moves(capsys):
    assert main(["show", "clusters", str(ROOT / "tests" / "scenarios" / "nopreempt" / "good")]) == 0
    out = capsys.readouterr().out
    assert "as keepalived runs it" not in out
    assert "if chk_nginx fails on web1, web1 goes to FAULT: the VIP moves to web2 (140)" in out


def test_no_cluster_is_said(capsys, tmp_path):
    assert main(["show", "clusters", str(tmp_path)]) == 0
    assert "no VRRP cluster" in capsys.readouterr().out


def test_bad_usage_is_exit_2(capsys, tmp_path):
    assert main(["show", "routers", str(tmp_path)]) == 2
    assert main(["show", "clusters", str(tmp_path / "missing")]) == 2


def test_a_split_brain_shows_each_groups_master(capsys):
    # lb2's @lb2 line gives it VRID 52: lb1 and lb2 never hear each other, both hold 10.60.0.10
    assert main(["show", "clusters", str(ROOT / "tests" / "scenarios" / "at-host-shared-config" / "bad")]) == 0
    out = capsys.readouterr().out
    assert "  split brain: the peers hear only their own group (lb1 | lb2): virtual_router_id 51 vs 52\n" in out
    assert "  all checks pass, each group's MASTER holds the VIPs it lists: lb1 (150), lb2 (100)\n" in out
    assert "if " not in out  # no failure rows: there is no one holder to fail checks on
    assert main(["show", "clusters", "--format", "json", str(ROOT / "tests" / "scenarios" / "at-host-shared-config" / "bad")]) == 0
    [cluster] = json.loads(capsys.readouterr().out)["clusters"]
    assert cluster["versions"]["intended"]["hearing_groups"] == [["lb1"], ["lb2"]]


def test_a_sync_group_names_the_vips_it_moves_with(capsys):
    assert main(["show", "clusters", str(ROOT / "tests" / "scenarios" / "sync-group-tracking-weight" / "good")]) == 0
    out = capsys.readouterr().out
    assert "  sync group: moves with VIP 203.0.113.10 on fw1, fw2\n" in out
    assert "  sync group: moves with VIP 10.30.0.1 on fw1, fw2\n" in out
