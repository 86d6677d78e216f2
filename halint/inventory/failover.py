"""The failover calculus of one VRRP cluster: keepalived 2.2.7's priority arithmetic and election,
as a pure function of plain values (no files, no model types).

Who holds the VIP when every check passes, and when one tracked check fails on the holder; for a
failure that does not move the VIP, the smallest weight that would. Every semantic below was read
in keepalived v2.2.7 (keepalived/vrrp/*.c) and ``man keepalived.conf``:

* effective priority (vrrp_track.c ``vrrp_set_effective_priority``): ``total_priority`` clamped to
  1..254; never changed for the address owner (base priority 255).
* a weighted check (vrrp_track.c ``process_script_update_priority``, ``initialise_track_script_state``,
  ``initialise_interface_tracking_priorities``, ``initialise_process_tracking_priorities``;
  vrrp.c ``add_vrrp_to_track_script`` sets ``weight_multiplier = reverse ? -1 : 1``): a positive
  weight adds ``weight * multiplier`` while the check passes, a negative weight adds
  ``weight * multiplier`` while it fails. So ``reverse`` negates the adjustment and keeps the
  state it applies in: ``weight 10 reverse`` lowers the priority by 10 while the check passes,
  ``weight -10 reverse`` raises it by 10 while the check fails.
* weight 0 (the default): the instance goes to FAULT when ``passing != (multiplier == 1)``
  (``process_script_update_priority``: ``down_instance``), i.e. on failure, or with ``reverse``
  while the check passes. A FAULT instance leaves MASTER with a priority-0 advert
  (vrrp.c ``vrrp_state_leave_master``) and never holds the VIP.
* track_file (man page, "track_file"; vrrp_track.c ``initialise_vrrp_file_tracking_priorities``)
  is numeric: status = value * weight * multiplier, FAULT at <= -254, capped at 253; with
  weight 0 a non-zero value is a failure. Here a failing file holds 1, a passing file holds 0.
* weights ignored (vrrp.c ``vrrp_complete_instance``, "In case of VRRP SYNC ..."): on the address
  owner (priority 255, also ``state MASTER`` without a priority: ``base_priority = VRRP_PRIO_OWNER``)
  every weighted script, interface and bfd is dropped, a weighted process stays but cannot move
  the priority, and a track_file with weight 1 becomes weight 0 (FAULT); on a sync group member
  without ``sync_group_tracking_weight`` (or the deprecated ``global_tracking``, which sets it:
  vrrp_parser.c ``vrrp_gglobal_tracking_handler``) a weighted track_script or track_bfd is
  dropped ("ignoring tracked script %s with weights due to SYNC group", as ``keepalived -t``
  prints; tests/test_failover.py checks every kind against it), a weighted track_interface
  becomes weight 0 (FAULT when the interface goes down), a track_file with weight 1 becomes
  weight 0 and any other weighted file is dropped. A weighted track_process is NOT dropped by 2.2.7 (the man page says
  weight 0 "must be set"; the code still applies the weight). The sync group's own track_* blocks
  keep their weights (vrrp.c ``sync_group_tracking_init``) unless a member is the address owner,
  in which case they become weight 0: the caller passes those checks with ``via_group=True`` and
  the weight already cleared for members that are not the owner.
* preemption (vrrp.c ``vrrp_state_backup``): a BACKUP accepts an advert, and so stays BACKUP, when
  it has nopreempt or the advert's priority is >= its own; only a strictly greater priority
  discards the MASTER's adverts and takes over. A MASTER that hears a higher priority, or an equal
  one from a higher primary address, steps down (``vrrp_state_master_rx``, ``vrrp_saddr_cmp``,
  lib/utils.c ``inet_inaddrcmp``: numeric comparison), so ``state MASTER`` does not win against a
  higher priority. ``nopreempt`` is cleared with ``state MASTER`` or priority 255 (vrrp.c, "nopreempt
  will not work with initial state MASTER", "nopreempt is incompatible with priority 255").
* when the holder goes to FAULT, the BACKUPs' down timers are 3 * advert_int + skew, with skew =
  (256 - priority) / 256 of advert_int (vrrp.h ``VRRP_TIMER_SKEW``): the highest priority expires
  first and takes the VIP, nopreempt or not; equal priorities expire together and the higher
  address wins.

Model assumptions: steady state (every script has run; rise/fall reached); the election with no
current holder assumes the peers start together (with nopreempt, a peer that starts first keeps the
VIP); a sync group's FAULT spreading to its other members (vrrp_sync.c ``vrrp_sync_fault``) is the
caller's to express, by giving this instance the weight-0 checks of its group mates.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

OWNER = 255  #: VRRP_PRIO_OWNER
MIN_PRIORITY, MAX_PRIORITY = 1, 254  #: the range of a non-owner's effective priority
MAX_WEIGHT = 253  #: |weight| of a track_script / track_interface / track_bfd entry (254 -> 253)
FAULT_STATUS = -254  #: a track_file status at or below this puts the instance in FAULT
KINDS = ("script", "interface", "process", "bfd", "file")


@dataclass(frozen=True, slots=True)
class Check:
    """One tracked check on one peer, as the caller resolved it."""

    name: str  #: the script (or interface, file, process, bfd) name
    weight: int  #: the entry's weight if given, else the script's; 0 -> FAULT on failure
    reverse: bool = False
    kind: str = "script"  #: one of KINDS
    via_group: bool = False  #: from the vrrp_sync_group's own track_* block (keeps its weight)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown check kind {self.kind!r} (one of {', '.join(KINDS)})")


@dataclass(frozen=True, slots=True)
class Peer:
    """One VRRP instance of the cluster (one host, or host:instance)."""

    name: str
    base_priority: int  #: as keepalived takes it, 1..255 (255 also for ``state MASTER`` with no priority)
    checks: tuple[Check, ...] = ()
    nopreempt: bool = False
    address: str | None = None  #: primary address (tie-breaks); None when unknown
    #: None, or why weighted checks are ignored: "priority 255", "sync group G without
    #: sync_group_tracking_weight". A base priority of 255 implies it; any other value means the
    #: sync group rules (weighted scripts/bfd dropped, weighted interfaces -> FAULT).
    weights_ignored: str | None = None
    state: str = "BACKUP"  #: the configured initial state (MASTER clears nopreempt)

    def __post_init__(self) -> None:
        if not 1 <= self.base_priority <= OWNER:
            raise ValueError(f"{self.name}: base priority {self.base_priority} is outside 1..255")

    @property
    def owner(self) -> bool:
        return self.base_priority == OWNER

    @property
    def preempts(self) -> bool:
        """Whether this peer takes the VIP from a lower holder: nopreempt as keepalived keeps it."""
        return not self.nopreempt or self.owner or self.state.upper() == "MASTER"

    @property
    def ignored_because(self) -> str | None:
        """Why weighted checks do not move this peer's priority, or None."""
        if self.owner:
            return self.weights_ignored or "priority 255"
        return self.weights_ignored


# -- one peer's priority --------------------------------------------------------------------------


def applied(peer: Peer, check: Check) -> Check | None:
    """The check as keepalived runs it on ``peer``: None when it is dropped (tracks nothing),
    weight 0 when a weight is turned into FAULT tracking (vrrp.c ``vrrp_complete_instance``)."""
    if check.weight == 0:
        return check
    if check.via_group:  # sync_group_tracking_init: group trackers keep their weight ...
        return _replace_weight(check, 0) if peer.owner else check  # ... unless a member is the owner
    if peer.owner:  # a weighted process stays, but the owner's priority never moves anyway
        if check.kind == "file" and check.weight == 1:
            return _replace_weight(check, 0)
        return check if check.kind == "process" else None
    if peer.weights_ignored is None:
        return check
    if check.kind == "interface":
        return _replace_weight(check, 0)
    if check.kind == "file":
        return _replace_weight(check, 0) if check.weight == 1 else None
    if check.kind == "process":
        return check  # 2.2.7 applies it anyway
    return None  # script, bfd


def _replace_weight(check: Check, weight: int) -> Check:
    return Check(check.name, weight, check.reverse, check.kind, check.via_group)


def adjustment(check: Check, failing: bool) -> int | None:
    """What one (applied) check adds to total_priority; None: it puts the instance in FAULT."""
    multiplier = -1 if check.reverse else 1
    if check.kind == "file":  # numeric: a failing file holds 1, a passing one 0
        value = 1 if failing else 0
        if check.weight == 0:
            return None if (value != 0) == (multiplier == 1) else 0
        status = value * check.weight * multiplier
        return None if status <= FAULT_STATUS else min(status, MAX_WEIGHT)
    passing = not failing
    if check.weight == 0:
        return None if passing != (multiplier == 1) else 0
    if passing:
        return check.weight * multiplier if check.weight > 0 else 0
    return check.weight * multiplier if check.weight < 0 else 0


def _total(peer: Peer, failing: frozenset[str], skip: str | None = None) -> int | None:
    """base + every applied check's adjustment (``skip`` left out); None when one is FAULT."""
    total = peer.base_priority
    for check in peer.checks:
        if check.name == skip:
            continue
        effective = applied(peer, check)
        if effective is None:
            continue
        delta = adjustment(effective, check.name in failing)
        if delta is None:
            return None
        total += delta
    return total


def _clamp(total: int) -> int:
    return max(MIN_PRIORITY, min(MAX_PRIORITY, total))


def effective_priority(peer: Peer, failing: frozenset[str] = frozenset()) -> int | None:
    """The priority ``peer`` advertises when the checks named in ``failing`` fail and the others
    pass; None when it is in FAULT. 255 for the address owner, else within 1..254."""
    total = _total(peer, frozenset(failing))
    if total is None:
        return None
    return OWNER if peer.owner else _clamp(total)


# -- the election ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """Who holds the VIP in one scenario."""

    holder: str | None  #: None: every peer is in FAULT, or the winner is undecided
    priorities: tuple[tuple[str, int | None], ...]  #: every peer's effective priority (None = FAULT)
    previous: str | None = None  #: the holder before (elect's ``holder``), None for an election
    undecided: tuple[str, ...] = ()  #: peers tied at the top whose addresses cannot decide
    by_address: bool = False  #: the winner won a tie by its higher primary address
    blocked: tuple[str, ...] = ()  #: higher peers that did not take over because of nopreempt

    def priority(self, name: str | None) -> int | None:
        return dict(self.priorities).get(name) if name is not None else None

    @property
    def moved(self) -> bool:
        """The VIP leaves the previous holder (to another peer, to an undecided one, or nowhere)."""
        return self.previous is not None and self.holder != self.previous

    @property
    def lost(self) -> bool:
        """Nobody holds the VIP: every peer is in FAULT."""
        return self.holder is None and not self.undecided

    def _fmt(self, name: str) -> str:
        prio = self.priority(name)
        return f"{name} (FAULT)" if prio is None else f"{name} ({prio})"

    def describe(self) -> str:
        if self.lost:
            return "every peer is in FAULT: nobody holds the VIP"
        if self.undecided:
            prio = self.priority(self.undecided[0])
            tied = " and ".join(self.undecided)
            return f"{tied} tie at {prio} and their addresses cannot break the tie: the holder is undecided"
        holder = self.holder
        prio = self.priority(holder)
        others = [(n, p) for n, p in self.priorities if n != holder]
        live = [(n, p) for n, p in others if p is not None]
        best = max(live, key=lambda item: item[1], default=None)
        if self.previous is None:
            if best is None:
                return f"{holder} holds the VIP at {prio}: no other peer can"
            if self.by_address:
                return f"{holder} holds the VIP: it ties with {best[0]} at {prio} and has the higher address"
            return f"{holder} holds the VIP: {prio} > {best[0]}'s {best[1]}"
        if not self.moved:
            if self.blocked:
                names = ", ".join(self._fmt(n) for n in self.blocked)
                return f"{holder} keeps the VIP at {prio}: {names} has nopreempt"
            if best is None:
                return f"{holder} keeps the VIP at {prio}: no other peer can take it"
            return f"{holder} keeps the VIP: {prio} >= {best[0]}'s {best[1]}"
        before = self.priority(self.previous)
        if before is None:
            return f"{self.previous} goes to FAULT: the VIP moves to {self._fmt(holder)}"
        tie = " (a tie it wins on its higher address)" if self.by_address else ""
        return f"the VIP moves from {self.previous} ({before}) to {holder} ({prio}){tie}"


def _address(text: str | None):
    try:
        return ipaddress.ip_address(text) if text is not None else None
    except ValueError:
        return None


def _best(peers: list[Peer], prios: Mapping[str, int | None]) -> tuple[str | None, tuple[str, ...], bool]:
    """The highest-priority peer: (winner, undecided tie, won by address)."""
    top = max(prios[p.name] for p in peers)
    tied = [p for p in peers if prios[p.name] == top]
    if len(tied) == 1:
        return tied[0].name, (), False
    addresses = [_address(p.address) for p in tied]
    if any(a is None for a in addresses) or len({a.version for a in addresses}) > 1 or len(set(addresses)) < len(addresses):
        return None, tuple(p.name for p in tied), False
    winner = max(zip(addresses, tied), key=lambda item: item[0])[1]
    return winner.name, (), True


def _index(peers: Iterable[Peer]) -> dict[str, Peer]:
    index: dict[str, Peer] = {}
    for peer in peers:
        if peer.name in index:
            raise ValueError(f"two peers are named {peer.name!r}")
        index[peer.name] = peer
    return index


def elect(peers: Iterable[Peer], failing: Mapping[str, frozenset[str]] | None = None,
          holder: str | None = None) -> Outcome:
    """Who holds the VIP when the checks in ``failing[peer name]`` fail (others pass).

    ``holder`` is the current holder: a BACKUP then takes over only with a strictly greater
    priority and no nopreempt; without one (or when it is in FAULT) the highest priority wins,
    ties going to the higher primary address."""
    index = _index(peers)
    if holder is not None and holder not in index:
        raise ValueError(f"the holder {holder!r} is not one of the peers")
    failing = failing or {}
    prios = {name: effective_priority(peer, frozenset(failing.get(name, frozenset()))) for name, peer in index.items()}
    table = tuple(prios.items())
    live = [p for p in index.values() if prios[p.name] is not None]
    if not live:
        return Outcome(None, table, holder)
    if holder is None or prios[holder] is None:
        winner, undecided, by_address = _best(live, prios)
        return Outcome(winner, table, holder, undecided, by_address)
    held = prios[holder]
    higher = [p for p in live if p.name != holder and prios[p.name] > held]
    challengers = [p for p in higher if p.preempts]
    blocked = tuple(p.name for p in higher if not p.preempts)
    if not challengers:
        return Outcome(holder, table, holder, blocked=blocked)
    winner, undecided, by_address = _best(challengers, prios)
    return Outcome(winner, table, holder, undecided, by_address)


# -- the failure matrix ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One check failing alone on the healthy holder (every other check passing everywhere)."""

    check: Check  #: as the holder tracks it
    holder: str  #: the healthy holder, where the check fails
    outcome: Outcome  #: the election with ``previous`` = holder
    challenger: str | None  #: the new holder, else the highest other non-FAULT peer
    ignored: str | None = None  #: why the check cannot change the holder's priority
    #: for a failure that does not move the VIP: the weight (no reverse) on the holder's entry whose
    #: failure would, the smallest in magnitude; None when no weight in -253..253 can (weight 0,
    #: FAULT, still moves it whenever another peer can hold the VIP)
    crossing_weight: int | None = None

    @property
    def moves(self) -> bool:
        return self.outcome.moved

    @property
    def holder_priority(self) -> int | None:
        return self.outcome.priority(self.holder)

    @property
    def challenger_priority(self) -> int | None:
        return self.outcome.priority(self.challenger)

    def describe(self) -> str:
        """"if chk_nginx fails on web, web stays at 122 >= web2's 90: the VIP never moves"."""
        name, holder, out = self.check.name, self.holder, self.outcome
        lead = f"if {name} fails on {holder}, "
        mine, theirs = self.holder_priority, self.challenger_priority
        if self.ignored and not self.moves and mine is not None:
            return lead + f"{holder} stays at {mine}: weights are ignored there ({self.ignored}): the VIP never moves"
        if out.lost:
            return lead + f"{holder} goes to FAULT and no other peer can hold the VIP: the VIP is lost"
        if out.undecided:
            what = "goes to FAULT" if mine is None else f"drops to {mine}"
            tied = " and ".join(out.undecided)
            return lead + f"{holder} {what}; {tied} tie at {out.priority(out.undecided[0])}: the new holder is undecided"
        if self.moves:
            if mine is None:
                return lead + f"{holder} goes to FAULT: the VIP moves to {self.challenger} ({theirs})"
            tie = " (a tie it wins on its higher address)" if out.by_address else ""
            return lead + f"{holder} drops to {mine} < {self.challenger}'s {theirs}: the VIP moves to {self.challenger}{tie}"
        if self.challenger is None:
            return lead + f"{holder} stays at {mine}: no other peer can hold the VIP"
        if out.blocked and mine is not None and theirs is not None and theirs > mine:
            return lead + f"{holder} drops to {mine} < {self.challenger}'s {theirs}, but {self.challenger} has nopreempt: the VIP never moves"
        return lead + f"{holder} stays at {mine} >= {self.challenger}'s {theirs}: the VIP never moves"

    def fix_hint(self) -> str | None:
        """"weight -33 would cross the gap", for a failure that does not move the VIP."""
        if self.moves or self.crossing_weight is None:
            return None
        reverse = " without reverse" if self.check.reverse else ""
        return f"weight {self.crossing_weight}{reverse} on {self.holder}'s {self.check.name} would cross the gap"


@dataclass(frozen=True, slots=True)
class Matrix:
    """The healthy election, then each check of the healthy holder failing alone on it."""

    healthy: Outcome
    rows: tuple[Row, ...] = field(default=())

    @property
    def holder(self) -> str | None:
        return self.healthy.holder

    @property
    def unreachable(self) -> tuple[Row, ...]:
        """The rows whose failure does NOT move the VIP (HA006)."""
        return tuple(row for row in self.rows if not row.moves)

    def describe(self) -> str:
        return "\n".join([self.healthy.describe(), *(row.describe() for row in self.rows)])


def _challenger(outcome: Outcome, holder: str) -> str | None:
    if outcome.moved and outcome.holder is not None:
        return outcome.holder
    live = [(n, p) for n, p in outcome.priorities if n != holder and p is not None]
    return max(live, key=lambda item: item[1])[0] if live else None


def _crossing_weight(index: Mapping[str, Peer], holder: Peer, check: Check, outcome: Outcome) -> int | None:
    """The negative weight of least magnitude that, on the holder's entry for ``check`` (without
    reverse), makes its failure hand the VIP to a preempting peer; None when none in -253..-1 can
    (the holder ignores weights, no other peer preempts, or the gap is wider than 253)."""
    if holder.owner:
        return None  # vrrp_set_effective_priority never changes the owner's priority
    rest = _total(holder, frozenset(), skip=check.name)  # every other check passing
    targets = [p for n, p in outcome.priorities if n != holder.name and p is not None and index[n].preempts]
    if rest is None or not targets:
        return None
    need = rest - max(targets) + 1  # rest - need = best challenger - 1: strictly below it
    if not 1 <= need <= MAX_WEIGHT:
        return None
    candidate = Check(check.name, -need, False, check.kind, check.via_group)
    if applied(holder, candidate) != candidate:
        return None  # the weight would be dropped or turned into FAULT tracking there
    changed = Peer(holder.name, holder.base_priority,
                   tuple(candidate if c.name == check.name else c for c in holder.checks),
                   holder.nopreempt, holder.address, holder.weights_ignored, holder.state)
    peers = [changed if name == holder.name else peer for name, peer in index.items()]
    moved = elect(peers, {holder.name: frozenset({check.name})}, holder=holder.name).moved
    return -need if moved else None


def matrix(peers: Iterable[Peer]) -> Matrix:
    """The healthy holder, then for each check it tracks: the outcome when only that check fails
    on it, and for a failure that does not move the VIP, the weight that would."""
    index = _index(peers)
    healthy = elect(index.values())
    name = healthy.holder
    if name is None:
        return Matrix(healthy)
    holder = index[name]
    rows = []
    seen: set[str] = set()
    for check in holder.checks:
        if check.name in seen:
            continue
        seen.add(check.name)
        outcome = elect(index.values(), {name: frozenset({check.name})}, holder=name)
        kept = applied(holder, check)
        ignored = holder.ignored_because if kept is None or (holder.owner and kept.weight) else None
        crossing = None if outcome.moved else _crossing_weight(index, holder, check, outcome)
        rows.append(Row(check, name, outcome, _challenger(outcome, name), ignored, crossing))
    return Matrix(healthy, tuple(rows))
