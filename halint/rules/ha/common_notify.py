"""A notify_backup / notify_fault that stops the very service the peer's own check watches (HA006).

keepalived 2.2.7 runs an instance's notify_backup each time it enters BACKUP and notify_fault
each time it enters FAULT (vrrp.c vrrp_state_leave_master, vrrp_state_leave_fault and the start-up
transitions call send_instance_notifies; vrrp_notify.c get_iscript picks script_backup or
script_fault). When that command stops the service the peer's own vrrp_script checks, the check
fails on that peer from then on:

* notify_backup, check weight 0: the peer goes to FAULT as soon as it is BACKUP and stays there
  (nothing starts the service while it is in FAULT): it can never take over;
* notify_backup, weighted check: the peer advertises the priority of a failing check while it
  is BACKUP; reported only where the failover calculus shows a takeover it then loses;
* notify_fault, check weight 0: once the peer goes to FAULT (any cause), the check keeps it there.

Reported only where the words make both halves certain, never from a name alone:

* the notify command stops service X: ``systemctl [options] stop X...``, ``service X stop``,
  ``/etc/init.d/X stop``, ``killall X`` / ``pkill X`` without a signal option, or a script whose
  file is named ``stop_X`` / ``stop-X`` (``.sh`` or not); also inside ``sh -c "..."``;
* the check's command watches X (halint.inventory.services.recognise: ``pidof X``, ``pgrep X``,
  ``killall -0 X``, ``systemctl is-active X``, ``service X status``, ``/etc/init.d/X status``, a
  check script named after X), not merely a vrrp_script called ``chk_X``.

X is compared as services.canonical names (``bind9`` is ``named``, ``nginx.service`` is nginx).
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from halint.formats.keepalived.model import Setting
from halint.inventory.failover import Peer, applied, elect
from halint.inventory.peers import PeerView
from halint.inventory.services import canonical, recognise

KEYWORDS = ("notify_backup", "notify_fault")
_SHELLS = ("sh", "bash", "dash")
_OPERATORS = ("&&", "||", ";", "|", "&")
_EXACT = ("-x", "-e", "--exact")  #: killall / pkill options that do not change the signal
_STOP_SCRIPT = re.compile(r"stop[_-]([a-z0-9][a-z0-9_.+-]*)")


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _pieces(words: list[str]) -> list[list[str]]:
    """The simple commands of a command line (``sh -c "a; b"`` split on ; & |)."""
    if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in _SHELLS and words[1] == "-c":
        return [_words(part) for part in re.split(r"[|;&]+", words[2]) if part.strip()]
    return [words]


def _stops(piece: list[str]) -> list[tuple[str, str]]:
    """(service, the command) for each service one simple command certainly stops; a stop_X
    script's command is marked with a leading "script:". A word that is a shell operator outside
    ``sh -c`` is passed to the command as an argument (keepalived runs no shell): not certain."""
    if not piece or any(w in _OPERATORS or w[:1] in "<>" for w in piece):
        return []
    exe = piece[0].rsplit("/", 1)[-1]
    args = piece[1:]
    plain = [a for a in args if not a.startswith("-")]
    if exe == "systemctl" and plain[:1] == ["stop"]:
        return [(canonical(u), f"systemctl stop {u}") for u in plain[1:]]
    if exe == "service" and len(args) >= 2 and args[1] == "stop":
        return [(canonical(args[0]), f"service {args[0]} stop")]
    if piece[0].startswith("/etc/init.d/") and args[:1] == ["stop"]:
        return [(canonical(exe), f"{piece[0]} stop")]
    if exe in ("killall", "pkill") and plain and all(a in _EXACT for a in args if a.startswith("-")):
        return [(canonical(plain[0].rsplit("/", 1)[-1]), f"{exe} {plain[0]}")]
    stem = exe.lower().removesuffix(".sh")
    match = _STOP_SCRIPT.fullmatch(stem)
    if match:
        return [(canonical(match.group(1)), "script:" + " ".join(piece))]
    return []


def stopped_services(command: str) -> dict[str, str]:
    """service -> the simple command that stops it ("systemctl stop nginx", "/etc/keepalived/stop_nginx.sh")."""
    out: dict[str, str] = {}
    for piece in _pieces(_words(command)):
        for name, how in _stops(piece):
            out.setdefault(name, how)
    return out


def _starts(command: str, service: str) -> bool:
    """Whether a command certainly (re)starts ``service`` (systemctl start/restart, service X
    start/restart, /etc/init.d/X start/restart)."""
    for piece in _pieces(_words(command)):
        if not piece:
            continue
        exe = piece[0].rsplit("/", 1)[-1]
        plain = [a for a in piece[1:] if not a.startswith("-")]
        verbs = ("start", "restart")
        if exe == "systemctl" and plain[:1] and plain[0] in verbs and service in {canonical(u) for u in plain[1:]}:
            return True
        if exe == "service" and len(plain) >= 2 and plain[1] in verbs and canonical(plain[0]) == service:
            return True
        if piece[0].startswith("/etc/init.d/") and plain[:1] and plain[0] in verbs and canonical(exe) == service:
            return True
    return False


def command_text(setting: Setting) -> str:
    """The command keepalived runs: the first argument only (lib/notify.c notify_script_init and
    set_script_params_array split slot 1; further words are a user and group, so an unquoted
    ``notify_backup /usr/bin/systemctl stop nginx`` runs systemctl as user `stop`)."""
    return setting.args[0].text if setting.args else ""


@dataclass(frozen=True)
class SelfStop:
    """A peer whose notify command stops the service its own check watches."""

    view: PeerView
    keyword: str  #: notify_backup or notify_fault
    setting: Setting
    service: str
    stop_how: str  #: the simple command that stops it: "systemctl stop nginx", "/etc/keepalived/stop_nginx.sh"
    by_name: bool  #: a script named stop_X (its file is not read), not a stop command
    check: str  #: the vrrp_script name
    check_how: str  #: the check's command: "/usr/bin/pidof nginx"
    weight: int  #: the check's weight as keepalived applies it on this peer (0: FAULT)


def _notify(view: PeerView, keyword: str) -> Setting | None:
    """The instance's notify command; keepalived keeps the first (vrrp_parser.c: "notify_backup
    script already specified - ignoring")."""
    return next((s for s in view.instance.settings if s.keyword.text == keyword and s.args), None)


def self_stops(view: PeerView) -> list[SelfStop]:
    """Every (notify command, own check) pair of ``view`` that the words make certain."""
    out = []
    peer = view.peer
    fault_cmd = _notify(view, "notify_fault")
    for keyword in KEYWORDS:
        setting = _notify(view, keyword)
        if setting is None:
            continue
        stopped = stopped_services(command_text(setting))
        if not stopped:
            continue
        seen: set[str] = set()
        for check in peer.checks:
            if check.kind != "script" or check.name in seen:
                continue
            seen.add(check.name)
            kept = applied(peer, check)
            if kept is None:
                continue  # keepalived drops it here: it moves nothing
            script = view.config.script(check.name)
            if script is None or script.script is None or not script.script.args:
                continue
            command = command_text(script.script)
            service = recognise(command, check.name)
            if service is None or service.how.startswith("script name") or service.name not in stopped:
                continue
            if kept.weight == 0 and kept.reverse:
                continue  # FAULT while the check passes: a stopped service is not a failure there
            if keyword == "notify_fault" and kept.weight != 0:
                continue  # leaving FAULT runs notify_backup, which may start it again: not certain
            if kept.weight == 0 and fault_cmd is not None and _starts(command_text(fault_cmd), service.name):
                continue  # the FAULT it causes starts the service again: it flaps, not stuck
            how = stopped[service.name]
            out.append(SelfStop(view, keyword, setting, service.name, how.removeprefix("script:"), how.startswith("script:"),
                                check.name, command, kept.weight))
    return out


def lost_takeover(peers: list[Peer], holders: list[str], stop: SelfStop, mates=(), held: str = "the VIP") -> tuple[str, str, str] | None:
    """For a weighted check stopped by notify_backup: the first scenario (a check of a holder
    failing on it, or the holder stopping) in which ``stop``'s peer would take the VIP over, but
    not with its own check failing: (scenario, what the calculus gives without it, with it)."""
    name = stop.view.peer.name
    own = frozenset({stop.check})
    for holder in holders:
        if holder == name:
            continue
        index = {p.name: p for p in peers}
        scenarios = [(f"if {c.name} fails on {holder}", {holder: frozenset({c.name})}) for c in index[holder].checks]
        for label, failing in scenarios:
            plain = elect(peers, failing, holder=holder, mates=mates)
            if plain.holder != name or plain.undecided:
                continue
            worse = elect(peers, {**failing, name: own}, holder=holder, mates=mates)
            if worse.holder != name:
                return label, plain.describe(held), worse.describe(held)
        if not mates:  # the holder stops advertising: an election among the others
            rest = [p for p in peers if p.name != holder]
            plain = elect(rest)
            if plain.holder == name and not plain.undecided:
                worse = elect(rest, {name: own})
                if worse.holder != name:
                    return f"if {holder} stops", plain.describe(held), worse.describe(held)
    return None
