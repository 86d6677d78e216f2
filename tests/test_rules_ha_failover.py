"""HA005-HA007 (priority design, failover reachability, asymmetric tracking) beyond their
documented examples: must-report cases with keepalived's numbers, must-not-report cases, the two
versions (a typo hiding an instance), the reference scenario, and that applying a fix removes
the finding."""
from __future__ import annotations

import shutil

from conftest import ROOT, check, write

from halint.fix import apply_edits



def script(name, command, weight=None):
    w = f"    weight {weight}\n" if weight is not None else ""
    return f'vrrp_script {name} {{\n    script "{command}"\n    interval 2\n{w}}}\n'


def instance(state="BACKUP", prio=100, tracks=None, extra="", keyword="vrrp_instance", vip="10.0.0.10/24"):
    block = ""
    if tracks is not None:
        block = "    track_script {\n" + "".join(f"        {t}\n" for t in tracks) + "    }\n"
    p = f"    priority {prio}\n" if prio is not None else ""
    return (f"{keyword} VI_1 {{\n    state {state}\n    interface eth0\n    virtual_router_id 51\n{p}"
            f"{extra}    virtual_ipaddress {{\n        {vip}\n    }}\n{block}}}\n")


def host(tmp_path, name, conf, address):
    write(tmp_path, f"hosts/{name}/etc/keepalived/keepalived.conf", conf)
    write(tmp_path, f"hosts/{name}/etc/network/interfaces", f"auto eth0\niface eth0 inet static\n    address {address}/24\n")


def found(tmp_path, code):
    return [r for r in check(tmp_path, select=[code]) if r.code == code]


def pos(r):
    d = r.diagnostic
    return d.span.source.path.parts[-4], d.span.line


def fix_all(tmp_path, code):
    """Apply every fix of ``code`` to the files."""
    by_file = {}
    for r in found(tmp_path, code):
        if r.diagnostic.fix is not None:
            for edit in r.diagnostic.fix.edits:
                by_file.setdefault(edit.span.source, []).append(edit)
    for source, edits in by_file.items():
        source.path.write_text(apply_edits(source.text, edits), encoding="utf-8")
    return bool(by_file)


NGINX = script("chk_nginx", "/usr/bin/pidof nginx")


# -- HA006 ---------------------------------------------------------------------------------------


def test_ha006_a_positive_weight_on_the_master_only_never_moves_the_vip(tmp_path):
    host(tmp_path, "web", script("chk_nginx", "/usr/bin/pidof nginx", 11) + instance("MASTER", 100, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "web2", instance("BACKUP", 90, []), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert pos(r) == ("web", 15)
    message = r.diagnostic.message
    assert "if chk_nginx fails on web, web stays at 100 >= web2's 90: the VIP 10.0.0.10 never moves" in message
    assert "positive" in message and "weight -11" in message
    assert not message.startswith("once")
    assert [rel.span.line for rel in r.diagnostic.related] == [5]  # web2's priority


def test_ha006_a_negative_weight_too_small_for_the_gap_and_its_fix(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -20)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a stays at 130 >= b's 100" in r.diagnostic.message
    assert "weight -51" in r.diagnostic.fix.description
    assert fix_all(tmp_path, "HA006")
    assert "chk_nginx weight -51" in (tmp_path / "hosts/a/etc/keepalived/keepalived.conf").read_text()
    assert found(tmp_path, "HA006") == []


def test_ha006_an_entry_weight_overrides_the_scripts_and_is_replaced_by_the_fix(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -80)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx weight 5 reverse"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert fix_all(tmp_path, "HA006")
    text = (tmp_path / "hosts/a/etc/keepalived/keepalived.conf").read_text()
    assert "chk_nginx weight -51\n" in text
    assert found(tmp_path, "HA006") == []


def test_ha006_several_checks_get_one_finding_and_balanced_weights(tmp_path):
    checks = "".join(script(n, f"/usr/bin/pidof {p}", 11) for n, p in (("chk_a", "nginx"), ("chk_b", "vsftpd")))
    host(tmp_path, "web", checks + instance("MASTER", 100, ["chk_a", "chk_b"]), "10.0.0.1")
    host(tmp_path, "web2", instance("BACKUP", 90, []), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "if chk_a or chk_b fails on web, web stays at 111 >= web2's 90" in r.diagnostic.message
    assert "chk_a weight -11 and chk_b weight -11" in r.diagnostic.fix.description
    assert fix_all(tmp_path, "HA006")
    assert found(tmp_path, "HA006") == []


def test_ha006_nopreempt_on_the_backup_blocks_a_weighted_failover(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("BACKUP", 150, ["chk_nginx"], "    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"], "    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a drops to 90 < b's 100, but b has nopreempt" in r.diagnostic.message
    assert r.diagnostic.fix is None  # no weight can help


def test_ha006_weights_ignored_at_priority_255(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("MASTER", 255, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 200, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a stays at 255: weights are ignored there (priority 255)" in r.diagnostic.message
    assert r.diagnostic.fix is None


def test_ha006_no_finding_when_every_failure_moves_the_vip(tmp_path):
    fault = script("chk_nginx", "/usr/bin/pidof nginx")  # weight 0: FAULT
    host(tmp_path, "a", fault + instance("MASTER", 200, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", fault + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    assert found(tmp_path, "HA006") == []
    for name, prio, w in (("a", 110, 20), ("b", 100, 20)):  # symmetric positive weights inside the gap
        host(tmp_path, name, script("chk_nginx", "/usr/bin/pidof nginx", w) + instance("MASTER" if name == "a" else "BACKUP", prio, ["chk_nginx"]), f"10.0.0.{1 if name == 'a' else 2}")
    assert found(tmp_path, "HA006") == []
    neg = script("chk_nginx", "/usr/bin/pidof nginx", -51)  # exactly crossing: 99 < 100
    host(tmp_path, "a", neg + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", neg + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    assert found(tmp_path, "HA006") == []


def test_ha006_a_gap_of_exactly_the_weight_does_not_move_the_vip(tmp_path):
    neg = script("chk_nginx", "/usr/bin/pidof nginx", -50)  # 100 = 100: the BACKUP needs strictly more
    host(tmp_path, "a", neg + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", neg + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a stays at 100 >= b's 100" in r.diagnostic.message


def test_ha006_says_once_corrected_when_a_typo_hides_the_master(tmp_path):
    conf = script("chk_nginx", "/usr/bin/pidof nginx", 11) + instance("MASTER", 100, ["chk_nginx"], keyword="vrp_instance")
    host(tmp_path, "web", conf, "10.0.0.1")
    host(tmp_path, "web2", instance("BACKUP", 90, []), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert r.diagnostic.message.startswith("once `vrp_instance` (web's keepalived.conf line 6) is corrected to `vrrp_instance`, ")


# -- HA007 ---------------------------------------------------------------------------------------


def test_ha007_reports_the_peer_with_an_empty_track_script_and_fixes_it(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100, []), "10.0.0.2")
    [r] = found(tmp_path, "HA007")
    assert pos(r) == ("b", 9)
    assert "b's track_script block is empty: it does not track chk_nginx (nginx), which a tracks" in r.diagnostic.message
    assert "10.0.0.10 while its own nginx is down" in r.diagnostic.message
    assert "bonus" not in r.diagnostic.message  # a negative weight is no bonus
    assert fix_all(tmp_path, "HA007")
    text = (tmp_path / "hosts/b/etc/keepalived/keepalived.conf").read_text()
    assert text.startswith(chk) and "    track_script {\n        chk_nginx\n    }\n" in text
    assert found(tmp_path, "HA007") == []
    assert [r for r in check(tmp_path) if r.code in ("KA002", "KA004", "KA001")] == []


def test_ha007_without_a_track_script_block_the_fix_creates_one(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", 11)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100), "10.0.0.2")
    [r] = found(tmp_path, "HA007")
    assert pos(r) == ("b", 1)
    assert "a's bonus for passing checks (chk_nginx +11) is one b can never match" in r.diagnostic.message
    assert fix_all(tmp_path, "HA007")
    assert found(tmp_path, "HA007") == []


def test_ha007_the_same_service_under_another_name_is_the_same_check(tmp_path):
    host(tmp_path, "a", NGINX + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    other = script("check_web", "/usr/bin/pgrep -x nginx")
    host(tmp_path, "b", other + instance("BACKUP", 100, ["check_web"]), "10.0.0.2")
    assert found(tmp_path, "HA007") == []


def test_ha007_three_peers_only_the_odd_one_is_reported(tmp_path):
    for name, prio in (("a", 150), ("b", 120)):
        host(tmp_path, name, NGINX + instance("MASTER" if name == "a" else "BACKUP", prio, ["chk_nginx"]), f"10.0.0.{prio - 100}")
    host(tmp_path, "c", instance("BACKUP", 100, []), "10.0.0.3")
    [r] = found(tmp_path, "HA007")
    assert pos(r)[0] == "c"


# -- HA005 ---------------------------------------------------------------------------------------


def test_ha005_two_peers_with_the_same_highest_priority(tmp_path):
    host(tmp_path, "a", instance("MASTER", 150), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 150), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert pos(r) == ("b", 5)
    assert "a and b have the same highest priority 150" in r.diagnostic.message
    # keepalived 2.2.7: equal timers, a BACKUP accepts an equal advert: the first to fire keeps it
    assert ("the first of them whose down timer fires takes the VIP 10.0.0.10 (a BACKUP never preempts an equal "
            "priority; `state MASTER` does not make a fire sooner), so the start order decides") in r.diagnostic.message


def test_ha005_two_address_owners(tmp_path):
    host(tmp_path, "a", instance("MASTER", 255), "10.0.0.1")
    host(tmp_path, "b", instance("MASTER", 255), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "each is the address owner of the VIP 10.0.0.10 and takes it at once" in r.diagnostic.message


def test_ha005_a_sync_group_master_is_not_said_to_fire_late(tmp_path):
    # vrrp_init_state gives a sync group member that wants MASTER a shorter first timer: halint
    # does not claim either way there
    group = "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n}\n"
    host(tmp_path, "a", instance("MASTER", 150) + group, "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 150) + group, "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "fire sooner" not in r.diagnostic.message and "the start order decides" in r.diagnostic.message


def test_ha005_two_masters_with_equal_priority(tmp_path):
    host(tmp_path, "a", instance("MASTER", 150), "10.0.0.1")
    host(tmp_path, "b", instance("MASTER", 150), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "a and b say `state MASTER` with the same highest priority 150" in r.diagnostic.message


def test_ha005_a_backup_above_the_master(tmp_path):
    host(tmp_path, "a", instance("MASTER", 100), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 120), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert pos(r) == ("b", 5)
    assert "b says `state BACKUP` with priority 120, higher than a's 100 with `state MASTER`" in r.diagnostic.message


def test_ha005_state_master_without_priority_is_255(tmp_path):
    host(tmp_path, "a", instance("MASTER", None), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 254), "10.0.0.2")
    assert found(tmp_path, "HA005") == []


def test_ha005_nopreempt_on_one_peer_only(tmp_path):
    host(tmp_path, "a", instance("BACKUP", 150, extra="    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100), "10.0.0.2")
    hits = found(tmp_path, "HA005")
    assert len(hits) == 1
    assert "nopreempt is set on a but not on b" in hits[0].diagnostic.message


def test_ha005_nopreempt_cleared_by_state_master_counts_as_not_set(tmp_path):
    host(tmp_path, "a", instance("MASTER", 150, extra="    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100, extra="    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert pos(r) == ("a", 6)
    assert "ignores nopreempt on a because of its `state MASTER`" in r.diagnostic.message
    # nopreempt everywhere keepalived keeps it, and an equal-priority sticky design: no finding
    host(tmp_path, "a", instance("BACKUP", 150, extra="    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 150, extra="    nopreempt\n"), "10.0.0.2")
    assert found(tmp_path, "HA005") == []


def test_ha005_a_clean_design_is_not_reported(tmp_path):
    host(tmp_path, "a", instance("MASTER", 150), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100), "10.0.0.2")
    host(tmp_path, "c", instance("BACKUP", 90), "10.0.0.3")
    assert found(tmp_path, "HA005") == []


# -- the reference scenario ----------------------------------------------------------------------


def test_leidoscope_items_3_and_4_and_nothing_else_from_these_rules(tmp_path):
    tree = tmp_path / "leidoscope"
    shutil.copytree(ROOT / "examples" / "leidoscope", tree)
    hits = [r for r in check(tree, select=["HA005", "HA006", "HA007"])]
    assert sorted((r.code, pos(r)) for r in hits) == [("HA006", ("web", 33)), ("HA007", ("web2", 14))]
    ha006 = next(r for r in hits if r.code == "HA006").diagnostic.message
    assert ha006.startswith("once `vrp_instance` (web's keepalived.conf line 19) is corrected to `vrrp_instance`, ")
    assert "web stays at 122 >= web2's 90: the VIP 10.51.10.67 never moves" in ha006
    ha007 = next(r for r in hits if r.code == "HA007").diagnostic.message
    assert "web2's track_script block is empty" in ha007
    assert "chk_nginx (nginx), chk_vsftpd (vsftpd) or chk_bind (named)" in ha007
