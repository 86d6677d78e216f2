"""HA005-HA007 (priority design, failover reachability, asymmetric tracking) beyond their
documented examples: must-report cases with keepalived's numbers, must-not-report cases, the two
versions (a typo hiding an instance), the reference scenario, and that applying a fix removes
the finding."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, check, said, write

from halint.core.edits import apply_edits



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
    message = said(r)
    assert "if chk_nginx fails on web, web stays at 100 >= web2's 90: the VIP 10.0.0.10 never moves" in message
    assert "positive" in message and "weight -11" in message
    assert not message.startswith("once")
    assert [rel.span.line for rel in r.diagnostic.related] == [5]  # web2's priority


def test_ha006_a_negative_weight_too_small_for_the_gap_and_its_fix(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -20)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a stays at 130 >= b's 100" in said(r)
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
    assert "if chk_a or chk_b fails on web, web stays at 111 >= web2's 90" in said(r)
    assert "chk_a weight -11 and chk_b weight -11" in r.diagnostic.fix.description
    assert fix_all(tmp_path, "HA006")
    assert found(tmp_path, "HA006") == []


def test_ha006_many_outcomes_say_the_first_and_count_the_rest(tmp_path):
    """Issue 16: a short message; every outcome is in the note."""
    checks = (script("chk_a", "/usr/bin/pidof nginx", 11) + script("chk_b", "/usr/bin/pidof vsftpd", -5)
              + script("chk_c", "/usr/bin/pidof named", 3))
    host(tmp_path, "web", checks + instance("MASTER", 100, ["chk_a", "chk_b", "chk_c"]), "10.0.0.1")
    host(tmp_path, "web2", instance("BACKUP", 90, []), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert r.diagnostic.message == ("if chk_a fails on web, web stays at 103 >= web2's 90: the VIP 10.0.0.10 never moves; "
                                    "and 2 more checks: see the note")
    for part in ("web stays at 109 >= web2's 90", "web stays at 111 >= web2's 90", "chk_a: +11; chk_c: +3"):
        assert part in r.diagnostic.note


def test_ha006_nopreempt_on_the_backup_blocks_a_weighted_failover(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("BACKUP", 150, ["chk_nginx"], "    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"], "    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    message = said(r)
    assert "if chk_nginx fails on a, a drops from 150 to 90 (chk_nginx's weight -60), below b's 100, but b does not take over" in message
    assert "nopreempt is set on a and b" in message
    # the remedies the calculus confirms; a negative weight alone cannot help
    assert "remove chk_nginx's weight (weight 0, the default: a failure puts the holder in FAULT" in message
    assert "or remove nopreempt from a and b (then 90 < 100 hands the VIP to b)" in message
    assert r.diagnostic.fix is None  # no weight can help


def test_ha006_nopreempt_with_positive_weights_is_one_account_with_the_remedies(tmp_path):
    """Issue 15: it said "drops to 101" and "does not lower it" in one sentence and named only one
    peer's nopreempt. The failure does cross the gap; only nopreempt stops the takeover."""
    chk = script("chk_nginx", "/usr/bin/pidof nginx", 2)
    host(tmp_path, "a", chk + instance("BACKUP", 101, ["chk_nginx"], "    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"], "    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    message = said(r)
    assert ("if chk_nginx fails on a, a drops from 103 to 101 (it loses chk_nginx's +2), below b's 102, "
            "but b does not take over: nopreempt is set on a and b, and a BACKUP with nopreempt never "
            "takes the VIP 10.0.0.10 from a MASTER that still sends adverts") in message
    assert "does not lower it" not in message and "positive" not in message
    assert ("to hand the VIP over when chk_nginx fails, remove chk_nginx's weight (weight 0, the default: a failure puts "
            "the holder in FAULT, which hands the VIP over despite nopreempt), or remove nopreempt from a and b "
            "(then 101 < 102 hands the VIP to b)") in message
    assert r.severity.label == "error" and r.diagnostic.fix is None


def test_ha006_nopreempt_remedy_with_a_gap_is_a_negative_weight_too(tmp_path):
    # removing nopreempt alone leaves a at 150 - 20 = 130 >= b's 100: a weight must cross the gap too
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("BACKUP", 150, ["chk_nginx"], "    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 120, [], "    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a drops from 150 to 90 (chk_nginx's weight -60), below b's 120, but b does not take over" in said(r)
    assert "or remove nopreempt from a and b (then 90 < 120 hands the VIP to b)" in said(r)


def test_ha006_a_tie_does_not_hide_a_failure_that_never_moves_the_vip(tmp_path):
    """Equal priorities: whoever starts first holds the VIP; each tied peer is evaluated as the
    holder (halint reported nothing before: the healthy holder was undecided)."""
    chk = script("chk_nginx", "/usr/bin/pidof nginx", 2)
    host(tmp_path, "a", chk + instance("BACKUP", 100, ["chk_nginx"], "    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"], "    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert ("a and b tie at 102, so whichever starts first holds the VIP 10.0.0.10; while a "
            "holds it (and the same while b holds it): if chk_nginx fails on a, a drops from "
            "102 to 100") in said(r)
    assert pos(r) == ("a", 16)  # a's track entry
    # without nopreempt: the sticky design, and the failure moves the VIP (no HA006)
    host(tmp_path, "a", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    assert found(tmp_path, "HA006") == []


# -- HA006: a notify command that stops the service the peer's own check watches -------------------


def test_ha006_notify_backup_stopping_the_checked_service_with_weight_0_is_a_warning(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx")  # weight 0: FAULT on failure
    notify = '    notify_master "/usr/bin/systemctl start nginx"\n    notify_backup "/usr/bin/systemctl stop nginx"\n'
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"], notify), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"], notify), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    message = said(r)
    assert r.severity.label == "warning" and pos(r) == ("b", 11)  # b's notify_backup
    assert ("b's notify_backup runs `systemctl stop nginx`, and b's own chk_nginx watches nginx "
            "(`/usr/bin/pidof nginx`): whenever b enters BACKUP, nginx is stopped, so chk_nginx fails and, "
            "with weight 0, b goes to FAULT and stays there: it can never take over the VIP 10.0.0.10") in message
    assert "if chk_nginx fails on a, every peer is in FAULT: nobody holds the VIP" in message
    assert "remove `systemctl stop nginx` from notify_backup" in message
    # the holder's own notify_backup is named, not reported: at start it races the down timer
    assert [rel.span.source.path.parts[-4] for rel in r.diagnostic.related] == ["b", "a"]


def test_ha006_notify_backup_a_stop_script_and_a_weighted_check(tmp_path):
    chk = script("chk_haproxy", "/usr/bin/killall -0 haproxy", 2)
    notify = "    notify_backup /etc/keepalived/stop_haproxy.sh\n"
    host(tmp_path, "a", chk + instance("MASTER", 101, ["chk_haproxy"], notify), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_haproxy"], notify), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert r.severity.label == "warning"
    assert ("b's notify_backup runs `/etc/keepalived/stop_haproxy.sh` (a script named to stop haproxy), and b's own "
            "chk_haproxy watches haproxy") in said(r)
    assert "b advertises 100 instead of 102; if chk_haproxy fails on a, a keeps the VIP: 101 >= b's 100" in said(r)
    # a gap that the lowered priority does not change: the warning would not be true, no finding
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_haproxy"], notify.replace("notify_backup", "notify_master")), "10.0.0.1")
    host(tmp_path, "b", script("chk_haproxy", "/usr/bin/killall -0 haproxy", -60) + instance("BACKUP", 140, ["chk_haproxy"], notify), "10.0.0.2")
    assert [r.severity.label for r in found(tmp_path, "HA006")] == ["error"]  # the gap itself (152 - 2 >= 140)


def test_ha006_notify_fault_stopping_the_checked_service_keeps_the_peer_in_fault(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx")
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"], '    notify_fault "/usr/sbin/service nginx stop"\n'), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert r.severity.label == "warning" and pos(r) == ("a", 10)  # a's notify_fault
    assert ("once a goes to FAULT (a failing check, its interface down), nginx is stopped, so chk_nginx keeps failing "
            "and, with weight 0, keeps a in FAULT") in said(r)


@pytest.mark.parametrize("check_command, notify", [
    ("/usr/bin/curl -fs http://127.0.0.1/", '"/usr/bin/systemctl stop nginx"'),  # the check names no service
    ("/usr/bin/pidof nginx", "/etc/keepalived/notify.sh"),  # a generic script: its content is unknown
    ("/usr/bin/pidof nginx", '"/usr/bin/pkill -HUP nginx"'),  # a reload, not a stop
    ("/usr/bin/pidof nginx", '"/usr/bin/systemctl stop haproxy"'),  # another service
    ("/usr/bin/pidof nginx", '"/usr/bin/systemctl restart nginx"'),
    # unquoted: keepalived runs /usr/bin/systemctl as user `stop`, group `nginx` (lib/notify.c)
    ("/usr/bin/pidof nginx", "/usr/bin/systemctl stop nginx"),
    ("/usr/bin/pidof nginx", '"/usr/bin/systemctl stop nginx && /bin/true"'),  # no shell: && is an argument
])
def test_ha006_notify_only_where_the_words_make_it_certain(tmp_path, check_command, notify):
    chk = script("chk_nginx", check_command)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"], f"    notify_backup {notify}\n"), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"], f"    notify_backup {notify}\n"), "10.0.0.2")
    assert found(tmp_path, "HA006") == []


def test_ha006_weights_ignored_at_priority_255(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("MASTER", 255, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 200, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "a stays at 255: weights are ignored there (priority 255)" in said(r)
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
    assert "a stays at 100 >= b's 100" in said(r)


def test_ha006_says_once_corrected_when_a_typo_hides_the_master(tmp_path):
    conf = script("chk_nginx", "/usr/bin/pidof nginx", 11) + instance("MASTER", 100, ["chk_nginx"], keyword="vrp_instance")
    host(tmp_path, "web", conf, "10.0.0.1")
    host(tmp_path, "web2", instance("BACKUP", 90, []), "10.0.0.2")
    [r] = found(tmp_path, "HA006")
    assert "once `vrp_instance` (web's keepalived.conf line 6) is corrected to `vrrp_instance`, " in said(r)


# -- HA007 ---------------------------------------------------------------------------------------


def test_ha007_reports_the_peer_with_an_empty_track_script_and_fixes_it(tmp_path):
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -60)
    host(tmp_path, "a", chk + instance("MASTER", 150, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100, []), "10.0.0.2")
    [r] = found(tmp_path, "HA007")
    assert pos(r) == ("b", 9)
    assert "b's track_script block is empty: it does not track chk_nginx (nginx), which a tracks" in said(r)
    assert "10.0.0.10 while its own nginx is down" in said(r)
    assert "bonus" not in said(r)  # a negative weight is no bonus
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
    assert "a's bonus for passing checks (chk_nginx +11) is one b can never match" in said(r)
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
    assert "a and b have the same highest priority 150" in said(r)
    # keepalived 2.2.7: equal timers, a BACKUP accepts an equal advert: the first to fire keeps it
    assert ("the first of them whose down timer fires takes the VIP 10.0.0.10 (a BACKUP never preempts an equal "
            "priority; `state MASTER` does not make a fire sooner), so the start order decides") in said(r)


def test_ha005_two_address_owners(tmp_path):
    host(tmp_path, "a", instance("MASTER", 255), "10.0.0.1")
    host(tmp_path, "b", instance("MASTER", 255), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "each is the address owner of the VIP 10.0.0.10 and takes it at once" in said(r)


def test_ha005_a_sync_group_master_is_not_said_to_fire_late(tmp_path):
    # vrrp_init_state gives a sync group member that wants MASTER a shorter first timer: halint
    # does not claim either way there
    group = "vrrp_sync_group G {\n    group {\n        VI_1\n    }\n}\n"
    host(tmp_path, "a", instance("MASTER", 150) + group, "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 150) + group, "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "fire sooner" not in said(r) and "the start order decides" in said(r)


def test_ha005_two_masters_with_equal_priority(tmp_path):
    host(tmp_path, "a", instance("MASTER", 150), "10.0.0.1")
    host(tmp_path, "b", instance("MASTER", 150), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "a and b say `state MASTER` with the same highest priority 150" in said(r)


def test_ha005_a_backup_above_the_master(tmp_path):
    host(tmp_path, "a", instance("MASTER", 100), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 120), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert pos(r) == ("b", 5)
    assert "b says `state BACKUP` with priority 120, higher than a's 100 with `state MASTER`" in said(r)


def test_ha005_state_master_without_priority_is_255(tmp_path):
    host(tmp_path, "a", instance("MASTER", None), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 254), "10.0.0.2")
    assert found(tmp_path, "HA005") == []


def test_ha005_nopreempt_on_one_peer_only(tmp_path):
    host(tmp_path, "a", instance("BACKUP", 150, extra="    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100), "10.0.0.2")
    hits = found(tmp_path, "HA005")
    assert len(hits) == 1
    assert "nopreempt is set on a but not on b" in said(hits[0])


def test_ha005_nopreempt_cleared_by_state_master_counts_as_not_set(tmp_path):
    host(tmp_path, "a", instance("MASTER", 150, extra="    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100, extra="    nopreempt\n"), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert pos(r) == ("a", 6)
    assert "ignores nopreempt on a because of its `state MASTER`" in said(r)
    # nopreempt everywhere keepalived keeps it, and an equal-priority sticky design: no finding
    host(tmp_path, "a", instance("BACKUP", 150, extra="    nopreempt\n"), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 150, extra="    nopreempt\n"), "10.0.0.2")
    assert found(tmp_path, "HA005") == []


def test_ha005_equal_priorities_on_backups_are_the_sticky_design_as_info(tmp_path):
    """RULES.md HA005 / issue 15: both `state BACKUP` at one priority: whoever holds the VIP keeps
    it, and (checked with the calculus) a failing check still moves it."""
    chk = script("chk_nginx", "/usr/bin/pidof nginx", -20)
    host(tmp_path, "a", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", chk + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    message = said(r)
    assert r.severity.label == "info" and pos(r) == ("b", 10)
    assert "a and b both say `state BACKUP` with the same highest priority 100" in r.diagnostic.message
    assert "a sticky design: whichever of a and b starts first takes the VIP 10.0.0.10 and keeps it" in r.diagnostic.note
    assert ("a failing check still moves it: if chk_nginx fails on a, a drops to 80 < b's 100: the VIP moves to b; "
            "if chk_nginx fails on b, b drops to 80 < a's 100: the VIP moves to a") in message
    # weight 0: FAULT moves it too
    fault = script("chk_nginx", "/usr/bin/pidof nginx")
    host(tmp_path, "a", fault + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", fault + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert r.severity.label == "info" and "if chk_nginx fails on a, a goes to FAULT: the VIP moves to b (100)" in said(r)


def test_ha005_the_sticky_design_says_only_what_is_true(tmp_path):
    # no check tracked: nothing but the holder's stop or FAULT moves the VIP
    host(tmp_path, "a", instance("BACKUP", 100), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "still moves" not in said(r)
    assert "a and b track no check: while one of them holds the VIP, only its stopping or a FAULT moves it" in said(r)
    # a weight that does not cross: said, not "still moves"
    host(tmp_path, "a", script("chk_nginx", "/usr/bin/pidof nginx", 20) + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.1")
    host(tmp_path, "b", script("chk_nginx", "/usr/bin/pidof nginx", 20) + instance("BACKUP", 100, ["chk_nginx"]), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert r.severity.label == "info" and "still moves" in said(r)  # 100 < 120: it does move
    # a positive weight on one peer only breaks the tie: no longer sticky, said as such
    host(tmp_path, "b", instance("BACKUP", 100, []), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert "sticky" not in said(r)
    assert "the weights of their passing checks break the tie: a holds the VIP: 120 > b's 100" in said(r)


def test_ha005_a_tie_where_one_says_state_master_stays_an_error(tmp_path):
    host(tmp_path, "a", instance("MASTER", 100), "10.0.0.1")
    host(tmp_path, "b", instance("BACKUP", 100), "10.0.0.2")
    [r] = found(tmp_path, "HA005")
    assert r.severity.label == "error" and "sticky" not in said(r)


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
    ha006 = said(next(r for r in hits if r.code == "HA006"))
    assert "once `vrp_instance` (web's keepalived.conf line 19) is corrected to `vrrp_instance`, " in ha006
    assert "web stays at 122 >= web2's 90: the VIP 10.51.10.67 never moves" in ha006
    ha007 = said(next(r for r in hits if r.code == "HA007"))
    assert "web2's track_script block is empty" in ha007
    assert "chk_nginx (nginx), chk_vsftpd (vsftpd) or chk_bind (named)" in ha007
