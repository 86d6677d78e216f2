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
  discards the MASTER's adverts and takes over. A MASTER that hears a higher priority steps down
  (``vrrp_state_master_rx``), so ``state MASTER`` does not win against a higher priority.
  ``nopreempt`` is cleared with ``state MASTER`` or priority 255 (vrrp.c, "nopreempt will not work
  with initial state MASTER", "nopreempt is incompatible with priority 255").
* the down timer (vrrp.h ``VRRP_MS_DOWN_TIMER``, ``VRRP_TIMER_SKEW``): 3 * advert_int + skew, with
  skew = (256 - priority) / 256 of advert_int; after the holder's priority-0 advert (it went to
  FAULT) only the skew. The highest priority expires first and takes the VIP, nopreempt or not; a
  non-owner's ``state MASTER`` does not shorten it in 2.2.7 (vrrp_scheduler.c ``vrrp_init_state``,
  ``try_up_instance``: only a sync group waiting to be MASTER, or the owner, gets a shorter one).
* ties: equal priorities expire at the same time, and a BACKUP accepts an advert of EQUAL priority,
  so whichever peer fires first (start order, timing) becomes MASTER and keeps the VIP. The higher
  primary address decides only between two MASTERs that hear each other (``vrrp_state_master_rx``,
  ``vrrp_saddr_cmp``), and two address owners resolve by "reducing local priority" in whichever
  hears the other first. The calculus calls every tie at the top undecided (``Outcome.undecided``);
  ``halint simulate`` saw both outcomes of the same tie from one run to the next.

* sync groups (vrrp_sync.c; ``Mate``): the other clusters whose instances share a
  vrrp_sync_group with this one's, peer by peer. A member in FAULT takes its group mates on that
  host to FAULT (``vrrp_sync_fault``); a BACKUP member whose timer runs out goes MASTER only when
  every member of its group wants to (``vrrp_sync_can_goto_master``: "Only sync to master if
  everyone wants to"), and a member that becomes BACKUP takes the others with it
  (``vrrp_sync_backup``). So a challenger takes over only when it would in every linked cluster
  (else it is ``held``), and among those that can, the group whose last member's timer runs out
  first goes MASTER: the peer whose lowest member priority is the highest (equal: undecided), not
  always the highest priority of one cluster. Verified with ``halint simulate`` (a check tracked
  by one member only, crossed priorities).

Model assumptions: steady state (every script has run; rise/fall reached); the election with no
current holder assumes the peers start together (a peer that starts a skew earlier fires first: with
nopreempt on the others, it keeps the VIP); in a linked cluster where the holder has no member, the
election there is taken as one without a holder.
"""
from __future__ import annotations

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
    address: str | None = None  #: primary address (shown; never breaks a tie, see "ties"); None when unknown
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
    undecided: tuple[str, ...] = ()  #: peers tied at the top: the first whose timer fires wins
    blocked: tuple[str, ...] = ()  #: higher peers that did not take over because of nopreempt
    #: higher peers that did not take over because a sync group mate of theirs would not (the
    #: linked cluster's label, for the message)
    held: tuple[tuple[str, str], ...] = ()
    grouped: str | None = None  #: why a sync group's timing, not this cluster's top priority, decided

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

    def held_text(self) -> str:
        """"b (110) would take over, but its sync group would not move VIP 10.30.0.1"."""
        parts = [f"{self._fmt(name)} would take over, but its sync group would not move {label}" for name, label in self.held]
        return "; ".join(parts)

    def _fmt(self, name: str) -> str:
        prio = self.priority(name)
        return f"{name} (FAULT)" if prio is None else f"{name} ({prio})"

    def describe(self, vip: str = "the VIP") -> str:
        """The election in words; ``vip``: what the holder holds ("the MASTER role" for a
        cluster without a VIP)."""
        if self.lost:
            return f"every peer is in FAULT: nobody holds {vip}"
        if self.undecided:
            prio = self.priority(self.undecided[0])
            tied = " and ".join(self.undecided)
            lead = "" if self.previous is None else f"{vip} leaves {self._fmt(self.previous)}; "
            new = "" if self.previous is None else "new "
            return (f"{lead}{tied} tie at {prio}: the {new}holder is undecided (the first whose down timer "
                    f"fires takes {vip}, and a BACKUP never preempts an equal priority)")
        holder = self.holder
        prio = self.priority(holder)
        others = [(n, p) for n, p in self.priorities if n != holder]
        live = [(n, p) for n, p in others if p is not None]
        best = max(live, key=lambda item: item[1], default=None)
        if self.previous is None:
            if self.grouped:
                return f"{holder} holds {vip} at {prio}: {self.grouped}"
            if best is None:
                return f"{holder} holds {vip} at {prio}: no other peer can"
            return f"{holder} holds {vip}: {prio} > {best[0]}'s {best[1]}"
        if not self.moved:
            if self.held:
                return f"{holder} keeps {vip} at {prio}: {self.held_text()}"
            if self.blocked:
                names = ", ".join(self._fmt(n) for n in self.blocked)
                return f"{holder} keeps {vip} at {prio}: {names} has nopreempt"
            if best is None:
                return f"{holder} keeps {vip} at {prio}: no other peer can take it"
            return f"{holder} keeps {vip}: {prio} >= {best[0]}'s {best[1]}"
        before = self.priority(self.previous)
        why = f": {holder}'s {self.grouped.removeprefix('its ')}" if self.grouped else ""
        if before is None:
            return f"{self.previous} goes to FAULT: {vip} moves to {self._fmt(holder)}{why}"
        return f"{vip} moves from {self.previous} ({before}) to {holder} ({prio}){why}"


def _best(peers: list[Peer], prios: Mapping[str, int | None]) -> tuple[str | None, tuple[str, ...]]:
    """The highest-priority peer, or (None, the peers tied at the top): see "ties" above."""
    top = max(prios[p.name] for p in peers)
    tied = [p for p in peers if prios[p.name] == top]
    if len(tied) == 1:
        return tied[0].name, ()
    return None, tuple(p.name for p in tied)


def _index(peers: Iterable[Peer]) -> dict[str, Peer]:
    index: dict[str, Peer] = {}
    for peer in peers:
        if peer.name in index:
            raise ValueError(f"two peers are named {peer.name!r}")
        index[peer.name] = peer
    return index


@dataclass(frozen=True, slots=True)
class Mate:
    """Another cluster whose instances share a vrrp_sync_group with this one's (see "sync groups")."""

    label: str  #: "VIP 10.30.0.1", for messages
    peers: tuple[Peer, ...]  #: every peer of that cluster
    linked: frozenset[str]  #: the peers whose instance there is in one sync group with theirs here


def _priorities(index: Mapping[str, Peer], failing: Mapping[str, frozenset[str]]) -> dict[str, int | None]:
    return {name: effective_priority(peer, frozenset(failing.get(name, frozenset()))) for name, peer in index.items()}


def _candidates(index: Mapping[str, Peer], prios: Mapping[str, int | None], holder: str | None) -> tuple[list[Peer], tuple[str, ...]]:
    """(who can take the VIP, higher peers held back by nopreempt): every live peer when there is
    no live holder, else the preempting peers strictly above it."""
    live = [p for p in index.values() if prios[p.name] is not None]
    if holder is None or prios.get(holder) is None:
        return live, ()
    floor = prios[holder]
    higher = [p for p in live if p.name != holder and prios[p.name] > floor]
    return [p for p in higher if p.preempts], tuple(p.name for p in higher if not p.preempts)


def elect(peers: Iterable[Peer], failing: Mapping[str, frozenset[str]] | None = None,
          holder: str | None = None, mates: Iterable[Mate] = ()) -> Outcome:
    """Who holds the VIP when the checks in ``failing[peer name]`` fail (others pass).

    ``holder`` is the current holder: a BACKUP then takes over only with a strictly greater
    priority and no nopreempt; without one (or when it is in FAULT) the highest priority wins; a
    tie at the top is undecided. ``mates``: the clusters linked to this one by sync groups."""
    index = _index(peers)
    if holder is not None and holder not in index:
        raise ValueError(f"the holder {holder!r} is not one of the peers")
    failing = failing or {}
    mates = tuple(mates)
    prios = _priorities(index, failing)
    linked = [(mate, _index(mate.peers)) for mate in mates]
    mate_prios = [_priorities(mindex, failing) for _, mindex in linked]
    # vrrp_sync_fault: a member in FAULT takes the whole group on that host to FAULT
    down = {name for (mate, _), mprios in zip(linked, mate_prios) for name in mate.linked
            if name in prios and name in mprios and (prios[name] is None or mprios[name] is None)}
    for name in down:
        prios[name] = None
        for (mate, _), mprios in zip(linked, mate_prios):
            if name in mate.linked and name in mprios:
                mprios[name] = None
    table = tuple(prios.items())
    if not any(prio is not None for prio in prios.values()):
        return Outcome(None, table, holder)
    candidates, blocked = _candidates(index, prios, holder)
    mate_candidates = []
    for (mate, mindex), mprios in zip(linked, mate_prios):
        mholder = holder if holder is not None and holder in mate.linked and holder in mindex else None
        mate_candidates.append({p.name for p in _candidates(mindex, mprios, mholder)[0]})
    # vrrp_sync_can_goto_master: a linked peer goes MASTER only if it would in every linked cluster
    held = tuple((p.name, mate.label) for p in candidates for (mate, _), names in zip(linked, mate_candidates)
                 if p.name in mate.linked and p.name not in names)
    stopped = {name for name, _ in held}
    candidates = [p for p in candidates if p.name not in stopped]
    if not candidates:  # (with no live holder every live peer is a candidate everywhere)
        return Outcome(holder, table, holder, blocked=blocked, held=_first(held))
    keys = _group_keys(candidates, prios, linked, mate_prios)
    winner, undecided = _best(candidates, keys)
    plain, _ = _best(candidates, prios)
    grouped = None
    if winner is not None and winner != plain:
        grouped = (f"its sync group goes MASTER first, as the lowest priority among its members ({keys[winner]}) "
                   "is the highest of any peer's")
    return Outcome(winner, table, holder, undecided, blocked, grouped=grouped)


def _group_keys(candidates: list[Peer], prios: Mapping[str, int | None], linked, mate_prios) -> dict[str, int]:
    """When each candidate's group is ready to go MASTER, as a priority: a member's down timer
    runs out after a skew of (256 - priority), and the group goes MASTER when its last member's
    does, so the lowest priority among a peer's linked members ranks it (unlinked: its own)."""
    keys = {}
    for peer in candidates:
        values = [prios[peer.name]]
        values += [mprios[peer.name] for (mate, _), mprios in zip(linked, mate_prios)
                   if peer.name in mate.linked and mprios.get(peer.name) is not None]
        keys[peer.name] = min(values)
    return keys


def _first(held: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """One entry per peer (its first linked cluster that holds it back)."""
    seen: dict[str, str] = {}
    for name, label in held:
        seen.setdefault(name, label)
    return tuple(seen.items())


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

    def describe(self, vip: str = "the VIP") -> str:
        """"if chk_nginx fails on web, web stays at 122 >= web2's 90: the VIP never moves"; ``vip``:
        what the holder holds ("the MASTER role" for a cluster without a VIP)."""
        name, holder, out = self.check.name, self.holder, self.outcome
        lead = f"if {name} fails on {holder}, "
        mine, theirs = self.holder_priority, self.challenger_priority
        if self.ignored and not self.moves and mine is not None:
            return lead + f"{holder} stays at {mine}: weights are ignored there ({self.ignored}): {vip} never moves"
        if out.lost:
            return lead + f"{holder} goes to FAULT and no other peer can hold {vip}: {vip} is lost"
        if out.undecided:
            what = "goes to FAULT" if mine is None else f"drops to {mine}"
            tied = " and ".join(out.undecided)
            return lead + f"{holder} {what}; {tied} tie at {out.priority(out.undecided[0])}: the new holder is undecided"
        if self.moves:
            why = f" ({self.challenger}'s {out.grouped.removeprefix('its ')})" if out.grouped else ""
            if mine is None:
                return lead + f"{holder} goes to FAULT: {vip} moves to {self.challenger} ({theirs}){why}"
            return lead + f"{holder} drops to {mine} < {self.challenger}'s {theirs}: {vip} moves to {self.challenger}{why}"
        if out.held:
            return lead + f"{holder} drops to {mine}; {out.held_text()}: {vip} never moves"
        if self.challenger is None:
            return lead + f"{holder} stays at {mine}: no other peer can hold {vip}"
        if out.blocked and mine is not None and theirs is not None and theirs > mine:
            return lead + f"{holder} drops to {mine} < {self.challenger}'s {theirs}, but {self.challenger} has nopreempt: {vip} never moves"
        return lead + f"{holder} stays at {mine} >= {self.challenger}'s {theirs}: {vip} never moves"

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


def _crossing_weight(index: Mapping[str, Peer], holder: Peer, check: Check, outcome: Outcome,
                     mates: tuple[Mate, ...] = ()) -> int | None:
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
    moved = elect(peers, {holder.name: frozenset({check.name})}, holder=holder.name, mates=mates).moved
    return -need if moved else None


def matrix(peers: Iterable[Peer], mates: Iterable[Mate] = ()) -> Matrix:
    """The healthy holder, then for each check it tracks: the outcome when only that check fails
    on it (on every instance of that host that tracks it, as a vrrp_script is the host's), and for
    a failure that does not move the VIP, the weight that would. ``mates``: see ``elect``."""
    index = _index(peers)
    mates = tuple(mates)
    healthy = elect(index.values(), mates=mates)
    if healthy.holder is None:
        return Matrix(healthy)
    return Matrix(healthy, rows(index.values(), healthy.holder, mates))


def rows(peers: Iterable[Peer], name: str, mates: Iterable[Mate] = (), crossing: bool = True) -> tuple[Row, ...]:
    """Each check of ``name`` failing alone on it while it holds the VIP, every other check
    passing everywhere (``matrix``'s rows, also for a holder the healthy election does not decide:
    a peer tied at the top). ``crossing``: compute the weight that would move a stuck failure
    (no sense for a tied holder, where a weight changes who holds the VIP in the first place)."""
    index = _index(peers)
    mates = tuple(mates)
    holder = index[name]
    out = []
    seen: set[str] = set()
    for check in holder.checks:
        if check.name in seen:
            continue
        seen.add(check.name)
        outcome = elect(index.values(), {name: frozenset({check.name})}, holder=name, mates=mates)
        kept = applied(holder, check)
        ignored = holder.ignored_because if kept is None or (holder.owner and kept.weight) else None
        weight = None if outcome.moved or not crossing else _crossing_weight(index, holder, check, outcome, mates)
        out.append(Row(check, name, outcome, _challenger(outcome, name), ignored, weight))
    return tuple(out)
