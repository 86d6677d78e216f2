"""The router fix script (``<router>.fix.ios``): the IOS commands from what a router's files said
to what the fixed files say. The central property: applied after the original change scripts,
the script gives the corrected configuration (NAT rules and interfaces), and halint's own
reader finds no IOS001 in it."""
from __future__ import annotations

from pathlib import Path

from conftest import ROOT, check, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.formats.ios.fixscript import fix_script
from halint.formats.ios.build import load_router
from halint.formats.ios.reader import ios_sniff, read_script, router_name
from halint.core.source import Source, read_source

ROUTERS = ROOT / "examples" / "leidoscope" / "routers"
HA013_LINES = "".join(
    f"Rnet92i(config)#ip nat inside source static tcp 10.51.10.67 {port} 172.18.55.51 {port} extendable\n"
    for port in (80, 21, 443)
)


def src(text: str, name: str) -> Source:
    return Source(Path("/t/routers") / name, text)


def state(router) -> tuple:
    """What the round trip must preserve: the NAT rules and the interfaces of ``after``."""
    cfg = router.after
    rules = sorted((repr(r.key()), tuple(w.lower() for w in r.words)) for r in cfg.nat_rules)
    ifaces = sorted(
        (i.key, tuple(sorted((str(a.network), a.secondary) for a in i.addresses)), i.dynamic_address,
         i.shutdown, i.nat_inside, i.nat_outside, i.nat_enable, i.vrf, i.description)
        for i in cfg.interfaces
    )
    return rules, ifaces


def round_trip(name: str, running: Source | None, scripts: list[Source], corrected: dict[Source, str]):
    """(fix text, state after original + fix, state of the corrected files, IOS001 in the fix)."""
    changes = [(s, corrected[s]) for s in ([running] if running else []) + scripts if s in corrected]
    others = [s for s in ([running] if running else []) + scripts if s not in corrected]
    text = fix_script(name, changes, others)
    def fixed(s: Source) -> Source:
        return Source(s.path, corrected[s]) if s in corrected else s
    want = load_router(name, fixed(running) if running else None, [fixed(s) for s in scripts])
    if text is None:
        got = load_router(name, running, scripts)
        return text, state(got), state(want), []
    fix = Source(Path("/t/routers") / f"{name}.fix.ios", text)
    got = load_router(name, running, [*scripts, fix])
    return text, state(got), state(want), [p.message for p in got.problems if p.span.source is fix]


# -- the seed example ---------------------------------------------------------------------------


def test_ha013_lines_added_to_a_transcript_are_sent_without_prompts():
    running = read_source(ROUTERS / "Rnet92i.ios")
    script = read_source(ROUTERS / "Rnet92i.changes.ios")
    corrected = script.text.replace("Rnet92i(config)#\n", HA013_LINES + "Rnet92i(config)#\n")
    text, got, want, problems = round_trip("Rnet92i", running, [script], {script: corrected})
    assert text == (
        "! halint compile: corrections for Rnet92i (generated; review before pasting)\n"
        "configure terminal\n"
        "ip nat inside source static tcp 10.51.10.67 80 172.18.55.51 80 extendable\n"
        "ip nat inside source static tcp 10.51.10.67 21 172.18.55.51 21 extendable\n"
        "ip nat inside source static tcp 10.51.10.67 443 172.18.55.51 443 extendable\n"
        "end\n"
    )
    assert got == want and problems == []
    assert [r.local_port for r in load_router("Rnet92i", running, [Source(script.path, corrected)]).after.nat_rules] == [80, 21, 443]


def test_the_script_is_a_change_script_of_the_router_for_discovery():
    script = read_source(ROUTERS / "Rnet92i.changes.ios")
    text = fix_script("Rnet92i", [(script, script.text + HA013_LINES)])
    assert ios_sniff("Rnet92i.fix.ios", text.encode()) == "changes"
    fix = src(text, "Rnet92i.fix.ios")
    assert router_name(fix) is None  # no prompt, no hostname: the file stem names the router
    assert not read_script(fix).transcript and not read_script(fix).problems


def test_a_compiled_tree_has_no_ios001_in_the_fix(tmp_path):
    """Rnet92i: HA008 retargets the running-config's 443 rule, HA013 adds rules to the script;
    the script already removed the old 443 rule, so no ``no`` line is sent for it."""
    for path in ROUTERS.iterdir():
        write(tmp_path, f"routers/{path.name}", path.read_text())
    running = read_source(ROUTERS / "Rnet92i.ios")
    script = read_source(ROUTERS / "Rnet92i.changes.ios")
    corrected = running.text.replace("tcp 10.51.10.11 443 172.18.55.51", "tcp 10.51.10.67 443 172.18.55.51")
    text = fix_script("Rnet92i", [(running, corrected), (script, script.text + HA013_LINES)])
    assert text.splitlines()[2:] == [
        "! already absent after the change scripts, not sent: no ip nat inside source static tcp 10.51.10.11 443 172.18.55.51 443 extendable",
        "! not sent here (not in effect after the change scripts, which remove, refuse or give it again): ip nat inside source static tcp 10.51.10.67 443 172.18.55.51 443 extendable",
        "ip nat inside source static tcp 10.51.10.67 80 172.18.55.51 80 extendable",
        "ip nat inside source static tcp 10.51.10.67 21 172.18.55.51 21 extendable",
        "ip nat inside source static tcp 10.51.10.67 443 172.18.55.51 443 extendable",
        "end",
    ]
    write(tmp_path, "routers/Rnet92i.fix.ios", text)
    found = check(tmp_path / "routers", select=["IOS001"])
    assert [d for d in found if d.diagnostic.span.source.path.name == "Rnet92i.fix.ios"] == []


def test_nothing_is_sent_for_what_the_change_scripts_already_do():
    running = read_source(ROUTERS / "Rnet1.ios")
    script = read_source(ROUTERS / "Rnet1.changes.ios")
    corrected = running.text.replace("tcp 10.51.10.11 80 192.168.4.51", "tcp 10.51.10.67 80 192.168.4.51")
    assert fix_script("Rnet1", [(running, corrected)], [script]) is None
    # without the scripts it cannot know: the running-config change alone is sent
    assert "\nno ip nat inside source static tcp 10.51.10.11 80 192.168.4.51 80 extendable\n" in fix_script("Rnet1", [(running, corrected)])


# -- running-config edits -------------------------------------------------------------------------

RUNNING = """\
hostname R1
!
interface GigabitEthernet0/0
 ip address 10.0.0.1 255.255.255.0
 ip nat inside
!
interface GigabitEthernet0/1
 description WAN
 ip address 192.0.2.1 255.255.255.0
 ip nat outside
!
interface Loopback5
 ip address 10.9.9.9 255.255.255.255
!
no ip http server
ip nat inside source static tcp 10.0.0.11 80 192.0.2.1 80 extendable
ip nat inside source static tcp 10.0.0.11 443 192.0.2.1 443 extendable
end
"""


def test_a_replaced_nat_line_is_no_then_the_new_line():
    running = src(RUNNING, "R1.ios")
    corrected = RUNNING.replace("tcp 10.0.0.11 80", "tcp 10.0.0.67 80")
    text, got, want, problems = round_trip("R1", running, [], {running: corrected})
    assert text.splitlines()[1:] == [
        '! IOS may ask "... in use, do you want to delete ... entries? [no]:" before removing a NAT rule with live translations: answer yes, then paste the lines after it again',
        "configure terminal",
        "no ip nat inside source static tcp 10.0.0.11 80 192.0.2.1 80 extendable",
        "ip nat inside source static tcp 10.0.0.67 80 192.0.2.1 80 extendable",
        "end",
    ]
    assert got == want and problems == []


def test_child_lines_are_sent_under_their_interface():
    running = src(RUNNING, "R1.ios")
    corrected = RUNNING.replace(" description WAN\n", "").replace(
        " ip nat inside\n", " ip nat inside\n ip address 10.0.1.1 255.255.255.0 secondary\n")
    text, got, want, problems = round_trip("R1", running, [], {running: corrected})
    assert text.splitlines()[2:] == [
        "interface GigabitEthernet0/0",
        " ip address 10.0.1.1 255.255.255.0 secondary",
        "exit",
        "interface GigabitEthernet0/1",
        " no description WAN",
        "exit",
        "end",
    ]
    assert got == want and problems == []


def test_a_removed_block_is_one_no_and_an_added_block_comes_with_its_children():
    running = src(RUNNING, "R1.ios")
    corrected = RUNNING.replace("interface Loopback5\n ip address 10.9.9.9 255.255.255.255\n", "").replace(
        "no ip http server\n", "no ip http server\ninterface Loopback6\n ip address 10.9.9.6 255.255.255.255\n")
    text, got, want, problems = round_trip("R1", running, [], {running: corrected})
    assert text.splitlines()[2:] == [
        "no interface Loopback5",
        "interface Loopback6",
        " ip address 10.9.9.6 255.255.255.255",
        "exit",
        "end",
    ]
    assert got == want and problems == []


def test_a_removed_no_line_restores_the_default_and_banners_keep_their_text():
    running = src(RUNNING, "R1.ios")
    corrected = RUNNING.replace("no ip http server\n", "banner motd ^C\nAuthorized access only\n^C\n")
    text = fix_script("R1", [(running, corrected)])
    assert text.splitlines()[2:] == [
        "default ip http server", "banner motd ^C", "Authorized access only", "^C", "end",
    ]
    assert read_script(src(text, "R1.fix.ios")).problems == []


def test_nothing_to_send_is_none():
    running = src(RUNNING, "R1.ios")
    assert fix_script("R1", []) is None
    assert fix_script("R1", [(running, RUNNING)]) is None
    assert fix_script("R1", [(running, RUNNING.replace("!\n", "! a comment\n", 1))]) is None
    assert fix_script("R1", [(running, RUNNING.replace("\n", "\r\n"))]) is None


# -- change-script edits ---------------------------------------------------------------------------

SCRIPT = """\
R1#conf t
R1(config)#interface GigabitEthernet0/2
R1(config-if)#description new LAN
R1(config-if)#exit
R1(config)#no ip nat inside source static tcp 10.0.0.11 443 192.0.2.1 443 extendable
R1(config)#end
"""


def test_a_sub_mode_line_added_to_a_script_gets_the_header_the_script_gave():
    running, script = src(RUNNING, "R1.ios"), src(SCRIPT, "R1.changes.ios")
    corrected = SCRIPT.replace("R1(config-if)#description new LAN\n",
                               "R1(config-if)#description new LAN\nR1(config-if)#ip nat inside\n")
    text, got, want, problems = round_trip("R1", running, [script], {script: corrected})
    assert text.splitlines()[2:] == ["interface GigabitEthernet0/2", " ip nat inside", "exit", "end"]
    assert got == want and problems == []


def test_a_line_removed_from_a_script_is_a_comment_never_a_no():
    script = src(SCRIPT, "R1.changes.ios")
    corrected = SCRIPT.replace("R1(config)#no ip nat inside source static tcp 10.0.0.11 443 192.0.2.1 443 extendable\n", "")
    text = fix_script("R1", [(script, corrected)], [src(RUNNING, "R1.ios")])
    body = text.splitlines()[2:]
    assert body[0].startswith("! review: the fix removed `no ip nat inside source static tcp 10.0.0.11 443")
    assert "R1.changes.ios line 5" in body[0]
    assert body[1:] == ["end"]
    assert all(line.startswith("!") for line in text.splitlines() if line.lstrip().startswith("no"))


def test_plain_scripts_and_files_fixed_together():
    running = src(RUNNING, "R1.ios")
    script = src("interface Gi0/1\n ip nat outside\nip nat inside source static tcp 10.0.0.12 25 192.0.2.1 25\n", "R1.changes.ios")
    fixed_running = RUNNING.replace("tcp 10.0.0.11 443", "tcp 10.0.0.67 443")
    fixed_script = script.text.replace("10.0.0.12 25", "10.0.0.67 25") + "ip nat inside source static tcp 10.0.0.67 443 192.0.2.1 443 extendable\n"
    text, got, want, problems = round_trip("R1", running, [script], {running: fixed_running, script: fixed_script})
    sent = [line for line in text.splitlines() if not line.startswith("!")]
    assert sent.count("ip nat inside source static tcp 10.0.0.67 443 192.0.2.1 443 extendable") == 1
    assert problems == [] and got[1] == want[1]
    # the script's removed line is left to the engineer: only that rule differs
    assert [r for r in got[0] if r not in want[0]] == [r for r in state(load_router("R1", running, [script]))[0] if "10.0.0.12" in r[0]]
    assert "! review: the fix removed `ip nat inside source static tcp 10.0.0.12 25 192.0.2.1 25`" in text


# -- the property ---------------------------------------------------------------------------------

EDITS = st.sampled_from(["keep", "keep", "delete", "local", "port", "extendable", "insert"])


def _edit(line: str, how: str, octet: int, port: int) -> str:
    words = line.split()
    if how == "delete":
        return ""
    if how == "local":
        words[-4 if words[4] in ("tcp", "udp") else -2] = f"10.51.10.{octet}"
    elif how == "port" and words[4] in ("tcp", "udp"):
        words[6] = str(port)
    elif how == "extendable":
        words = words[:-1] if words[-1] == "extendable" else [*words, "extendable"]
    elif how == "insert":
        return f"{line}\n{' '.join(words[:5])} tcp 10.51.10.{octet} {port} {words[-3] if words[4] == 'tcp' else words[-1]} {port} extendable\n"
    return " ".join(words) + "\n"


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["Rnet1", "Rnet92i"]), edits=st.lists(st.tuples(EDITS, st.integers(2, 99), st.integers(1, 9000)), min_size=6, max_size=6),
       iface=st.sampled_from(["keep", "drop inside", "drop outside", "secondary"]), with_script=st.booleans())
def test_round_trip_over_nat_edits_of_the_seed_routers(name, edits, iface, with_script):
    """With its change script (which removes every running-config NAT rule of the seed routers,
    so most ``no`` lines are not sent) and without (every ``no`` line is sent)."""
    running = read_source(ROUTERS / f"{name}.ios")
    scripts = [read_source(ROUTERS / f"{name}.changes.ios")] if with_script else []
    lines = running.text.splitlines(keepends=True)
    nat = [i for i, line in enumerate(lines) if line.startswith("ip nat inside source static")]
    for i, (how, octet, port) in zip(nat, edits):
        lines[i] = _edit(lines[i], how, octet, port)
    corrected = "".join(lines)
    if iface == "drop inside":
        corrected = corrected.replace(" ip nat inside\n", "")
    elif iface == "drop outside":
        corrected = corrected.replace(" ip nat outside\n", "")
    elif iface == "secondary":
        corrected = corrected.replace(" ip nat outside\n", " ip nat outside\n ip address 198.51.100.9 255.255.255.0 secondary\n")
    changes = [(running, corrected)]
    text = fix_script(name, changes, scripts)
    want = load_router(name, Source(running.path, corrected), scripts)
    if text is None:
        assert state(load_router(name, running, scripts)) == state(want)
        return
    fix = Source(running.path.with_name(f"{name}.fix.ios"), text)
    got = load_router(name, running, [*scripts, fix])
    assert state(got) == state(want)
    assert [p.message for p in got.problems if p.span.source is fix] == []


@settings(max_examples=80, derandomize=True, deadline=None)
@given(garbage=st.lists(st.sampled_from(list("ab#() \t\n!^C") + [
    "interface Gi0/1\n", "R1(config-if)#", "no ", "ip nat inside source static 10.0.0.1 192.0.2.1\n", "banner motd ^C", "\r\n",
]), max_size=40).map("".join),
       running=st.booleans())
def test_any_corrected_text_gives_a_script_that_reads_back_or_none(garbage, running):
    original = src(RUNNING if running else SCRIPT, "R1.ios" if running else "R1.changes.ios")
    text = fix_script("R1", [(original, original.text + garbage)])
    if text is not None:
        assert text.startswith("! halint compile: corrections for R1") and text.endswith("end\n")
        reading = read_script(src(text, "R1.fix.ios"))
        assert not reading.transcript
