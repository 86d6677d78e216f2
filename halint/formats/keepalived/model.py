"""The typed model of one keepalived configuration, evaluated for one host.

Frozen dataclasses; every field that a rule may point at keeps its span. Two versions of each
configuration exist (see :class:`KaConfig.version`): ``effective`` is what keepalived runs (a
block under a misspelt keyword is ignored, a value it rejects falls back to its default) and
``intended`` is what the author meant (every KA002 / KA003 finding with an unambiguous fix
applied). An element that exists only in the intended version knows the typo that hides it
(``hidden_by``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from halint.formats.keepalived.parser import Statement
from halint.formats.keepalived.reader import Inclusion, Problem, Token
from halint.formats.keepalived.schema import KeywordSpec
from halint.core.source import Source, Span


@dataclass(frozen=True, slots=True)
class Word:
    """One argument: its text (unquoted), where it is, and the $NAME it was expanded from."""

    text: str
    span: Span
    expanded: Span | None = None

    @classmethod
    def of(cls, tok: Token) -> Word:
        return cls(tok.value, tok.span, tok.expanded)


@dataclass(frozen=True, slots=True)
class Number:
    value: int | Decimal
    word: Word


@dataclass(frozen=True)
class Setting:
    """A keyword line: the keyword and its arguments."""

    keyword: Word
    args: tuple[Word, ...]

    @property
    def span(self) -> Span:
        last = self.args[-1].span if self.args else self.keyword.span
        return self.keyword.span.cover(last)


@dataclass(frozen=True)
class Typo:
    """A misspelt keyword that keepalived ignores, and the keyword it most likely means; or, with
    ``bom``, a keyword written right but unknown to keepalived because its file's UTF-8
    byte-order mark sticks to it (KA008): ``word`` is then the keyword as intended, without it."""

    word: Word
    intended: str
    bom: bool = False


@dataclass(frozen=True)
class VrrpScript:
    name: Word
    keyword: Word  #: the ``vrrp_script`` keyword (or its typo)
    span: Span  #: the whole block
    script: Setting | None
    interval: Number | None
    timeout: Number | None
    weight: Number | None
    weight_reverse: bool
    rise: Number | None
    fall: Number | None
    user: Setting | None
    init_fail: bool
    hidden_by: Typo | None = None


@dataclass(frozen=True)
class TrackEntry:
    """One line of a track_script / track_interface / track_file / track_process block:
    ``NAME [weight N [reverse]]`` (vrrp_track.c, alloc_track_script() and its siblings)."""

    name: Word
    words: tuple[Word, ...]  #: the whole line
    weight_word: Word | None  #: the N of ``weight N`` as written
    weight: int | None  #: N as keepalived takes it (+/-254 become +/-253), None if absent/invalid
    reverse: bool | None  #: ``reverse`` True, ``noreverse`` False, neither None (inherited)
    kind: str  #: "script", "interface", "file", "process" or "bfd"
    problem: str | None  #: why keepalived ignores the entry or its weight, if it does

    @property
    def ignored(self) -> bool:
        """keepalived drops the whole entry (an unknown option, ``weight`` without a value)."""
        return self.problem is not None and self.problem.startswith("ignored:")


@dataclass(frozen=True)
class Vip:
    """One virtual_ipaddress line: ``ADDRESS[/PREFIX] [dev IFACE] ...``."""

    address: Word  #: the address as written (without prefix)
    prefix: int | None  #: as keepalived takes it (an invalid /LEN becomes /32 or /128); None: none written
    dev: Word | None
    line: Setting
    valid: bool  #: the address parses


@dataclass(frozen=True)
class VrrpInstance:
    name: Word
    keyword: Word
    span: Span
    settings: tuple[Setting, ...]  #: every keyword line directly inside the block
    state: Setting | None
    state_value: str  #: "MASTER" or "BACKUP" as keepalived takes it (default BACKUP)
    interface: Word | None
    vrid: Number | None
    priority: Number | None  #: the configured priority, when valid
    base_priority: int  #: keepalived's: the valid priority; 100 for an invalid one; else 255
    #: for ``state MASTER`` and 100 otherwise (vrrp.c, vrrp_complete_instance())
    advert_int: Number | None
    version: Number | None
    auth_type: Word | None
    auth_pass: Word | None  #: a SECRET: never print ``auth_pass.text``
    auth_pass_setting: Setting | None
    authentication: Setting | None  #: the ``authentication`` keyword line
    vips: tuple[Vip, ...]
    excluded_vips: tuple[Vip, ...]
    unicast_src_ip: Setting | None
    unicast_peers: tuple[Word, ...]
    unicast_peer_block: Setting | None
    track_scripts: tuple[TrackEntry, ...]
    track_interfaces: tuple[TrackEntry, ...]
    track_files: tuple[TrackEntry, ...]
    track_processes: tuple[TrackEntry, ...]
    track_script_block: Setting | None
    nopreempt: Setting | None
    preempt_delay: Setting | None
    skip_check_adv_addr: Setting | None
    hidden_by: Typo | None = None


@dataclass(frozen=True)
class SyncGroup:
    name: Word
    keyword: Word
    span: Span
    members: tuple[Word, ...]
    tracking_weight: Setting | None  #: sync_group_tracking_weight (or the deprecated global_tracking)
    track_scripts: tuple[TrackEntry, ...]
    track_interfaces: tuple[TrackEntry, ...]
    track_files: tuple[TrackEntry, ...]
    track_processes: tuple[TrackEntry, ...]
    hidden_by: Typo | None = None


@dataclass(frozen=True)
class NamedBlock:
    """Any other named top-level definition a reference may point at (vrrp_track_file, …)."""

    kind: str
    name: Word
    keyword: Word
    span: Span
    settings: tuple[Setting, ...]
    hidden_by: Typo | None = None


@dataclass(frozen=True)
class VirtualServer:
    keyword: Word
    args: tuple[Word, ...]  #: IP PORT, ``fwmark N`` or ``group NAME``
    span: Span
    group: Word | None  #: ``virtual_server group NAME``
    real_servers: int
    hidden_by: Typo | None = None


@dataclass(frozen=True)
class GlobalDefs:
    keyword: Word
    settings: tuple[Setting, ...]

    def get(self, name: str) -> Setting | None:
        for setting in self.settings:
            if setting.keyword.text == name:
                return setting
        return None


# -- what the reader found, for KA001 / KA002 / KA003 -------------------------------------------


@dataclass(frozen=True)
class Unknown:
    """A keyword keepalived does not know in its block (KA002)."""

    statement: Statement
    context: str  #: the block it is in, as a schema context name
    parent: Statement | None  #: the statement whose block holds it (None: top level)
    candidates: tuple[str, ...]  #: keywords of this block within edit distance 2, closest first
    elsewhere: tuple[str, ...]  #: contexts where this keyword is valid
    #: the keyword it unambiguously means: the single candidate, valid nowhere else, and of the
    #: same shape as written (a block keyword given a block, a value keyword given none); or, for
    #: a name valid elsewhere only as a deprecated rename, its replacement when valid here
    #: (``nb_get_retry`` in a TCP_CHECK: ``retry``)
    correction: str | None = None


@dataclass(frozen=True)
class Cut:
    """Effective only: a ``}`` that keepalived took as the end of an enclosing block.

    ``culprit`` is the statement whose block that ``}`` closes as written (an unknown keyword,
    or a value keyword given a block); ``owner`` is the block keepalived ended there, and
    ``orphaned`` the statements of ``owner`` after the culprit, which keepalived reads one
    level up (and, at the top level, ignores).
    """

    culprit: Statement
    owner: Statement
    orphaned: tuple[Statement, ...]


@dataclass(frozen=True)
class BlockMisuse:
    """A keyword given a block it does not take, or a block keyword without one (KA001)."""

    statement: Statement
    context: str
    spec: KeywordSpec
    problem: str  #: "unexpected-block" or "missing-block"


@dataclass(frozen=True)
class Applied:
    """A statement that keepalived applies, with the keyword's schema entry (KA003 reads these)."""

    statement: Statement
    context: str
    spec: KeywordSpec
    corrected: Typo | None = None  #: intended only: the keyword was a typo


@dataclass(frozen=True)
class KaConfig:
    """One keepalived.conf evaluated for one host, in one version."""

    root: Source
    host: str | None
    config_id: str | None
    version: str  #: "effective" or "intended"
    sources: tuple[Source, ...]
    global_defs: GlobalDefs | None
    scripts: tuple[VrrpScript, ...]
    instances: tuple[VrrpInstance, ...]
    sync_groups: tuple[SyncGroup, ...]
    virtual_servers: tuple[VirtualServer, ...]
    named_blocks: tuple[NamedBlock, ...]
    unknown: tuple[Unknown, ...]
    misuse: tuple[BlockMisuse, ...]
    applied: tuple[Applied, ...]
    problems: tuple[Problem, ...]  #: from the reader and the parser (KA001, KA009)
    inclusions: tuple[Inclusion, ...]
    cuts: tuple[Cut, ...] = ()
    statements: tuple[Statement, ...] = field(repr=False, default=())

    @cached_property
    def parent_of(self) -> dict[int, Statement]:
        """id(statement) -> the statement whose block holds it."""
        out: dict[int, Statement] = {}
        stack = [(s, None) for s in self.statements]
        while stack:
            stmt, parent = stack.pop()
            if parent is not None:
                out[id(stmt)] = parent
            if stmt.block is not None:
                stack.extend((child, stmt) for child in stmt.block.statements)
        return out

    @cached_property
    def _corrected(self) -> dict[int, Typo]:
        return {id(a.statement): a.corrected for a in self.applied if a.corrected is not None}

    def typo_above(self, stmt: Statement) -> Typo | None:
        """The corrected typo among the statements enclosing ``stmt`` (intended version)."""
        current = self.parent_of.get(id(stmt))
        while current is not None:
            typo = self._corrected.get(id(current))
            if typo is not None:
                return typo
            current = self.parent_of.get(id(current))
        return None

    @cached_property
    def _scripts_by_name(self) -> dict[str, VrrpScript]:
        out: dict[str, VrrpScript] = {}
        for script in self.scripts:
            out.setdefault(script.name.text, script)  # the first, as the lookup always returned
        return out

    @cached_property
    def _instances_by_name(self) -> dict[str, VrrpInstance]:
        out: dict[str, VrrpInstance] = {}
        for instance in self.instances:
            out.setdefault(instance.name.text, instance)
        return out

    def script(self, name: str) -> VrrpScript | None:
        return self._scripts_by_name.get(name)

    def instance(self, name: str) -> VrrpInstance | None:
        return self._instances_by_name.get(name)

    def named(self, kind: str) -> tuple[NamedBlock, ...]:
        return tuple(b for b in self.named_blocks if b.kind == kind)


@dataclass(frozen=True)
class KaUnit:
    """Both versions of one keepalived.conf for one host: what KA rules look at."""

    effective: KaConfig
    intended: KaConfig
    path: Path

    @property
    def root(self) -> Source:
        return self.effective.root


def vrrp_version(config: KaConfig, instance: VrrpInstance) -> int:
    """The VRRP version keepalived gives an instance (vrrp.c, vrrp_complete_instance()): its
    ``version``; else 3 for an IPv6 instance; else global_defs ``vrrp_version`` (default 2)."""
    if instance.version is not None:
        return int(instance.version.value)
    if family(instance) == 6:
        return 3
    defs = config.global_defs
    setting = defs.get("vrrp_version") if defs is not None else None
    if setting is not None and setting.args and setting.args[0].text == "3":
        return 3
    return 2


def family(instance: VrrpInstance) -> int:
    """The instance's address family as keepalived sets it: that of its first valid VIP."""
    for vip in instance.vips:
        if vip.valid:
            return 6 if ":" in vip.address.text else 4
    return 4


def strict_mode(config: KaConfig, instance: VrrpInstance) -> bool:
    """vrrp_parser.c: the instance's ``strict_mode`` (no argument: on), else global_defs
    ``vrrp_strict`` (2.2.x reads no argument: present is on)."""
    for setting in instance.settings:
        if setting.keyword.text == "strict_mode":
            if not setting.args:
                return True
            word = setting.args[0].text.lower()
            if word in ("on", "true", "yes"):
                return True
            if word in ("off", "false", "no"):
                return False
            break  # "invalid strict_mode": left unset
    defs = config.global_defs
    return defs is not None and defs.get("vrrp_strict") is not None


def ah_in_force(config: KaConfig, instance: VrrpInstance) -> bool:
    """AH authentication as keepalived keeps it: auth_type AH with a password, VRRPv2, IPv4, not
    strict mode (vrrp_complete_instance() drops it otherwise)."""
    return (
        instance.auth_type is not None and instance.auth_type.text == "AH"
        and instance.auth_pass is not None and instance.auth_pass.text != ""
        and not strict_mode(config, instance) and vrrp_version(config, instance) == 2
        and family(instance) == 4
    )


def initial_state(config: KaConfig, instance: VrrpInstance) -> tuple[str, str | None]:
    """The state keepalived starts the instance in, and why it differs from the one written.

    vrrp.c, vrrp_complete_instance() (v2.2.7), in this order: in strict mode the state must
    match being the address owner ("State MASTER must match being address owner"); with AH
    authentication an instance below 255 does not start as MASTER ("Initial state master is
    incompatible with AH authentication - clearing": it needs an advert's AH sequence number)."""
    state = instance.state_value
    owner = instance.base_priority == 255
    if strict_mode(config, instance):
        if (state == "MASTER") != owner:
            return ("MASTER" if owner else "BACKUP"), "strict"
        return state, None
    if state == "MASTER" and not owner and ah_in_force(config, instance):
        return "BACKUP", "ah"
    return state, None
