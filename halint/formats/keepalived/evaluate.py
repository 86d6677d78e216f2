"""Apply keepalived's vocabulary to the statement tree: the effective and the intended config.

*Effective* replays keepalived's own reading (lib/parser.c, process_stream() and
alloc_value_block(), v2.2.7 to 2.4.x) over the statement lines and braces in file order. The
replay matters because keepalived does not skip the block of a keyword it does not know: it logs
"Unknown keyword", then "Unexpected '{' - ignoring", reads the body's lines as keywords of the
enclosing block, and the body's ``}`` closes the *enclosing* block early; the rest of that block
is then read one level up. A value keyword given a block (``priority { 100 }``) has the same
effect. A keyword that takes a keyword block needs its ``{`` next; one that takes a block of
values (virtual_ipaddress, track_script, ...) reads lines until the first ``}``.

*Intended* follows the braces as written: a misspelt keyword with exactly one candidate at edit
distance <= 2 in its block counts as that keyword, and an unknown keyword's block is skipped
whole. Both versions then become the same typed model (halint.formats.keepalived.model).

A file that starts with a UTF-8 byte-order mark is read twice: as keepalived reads it (the mark
sticks to the first word, which is then unknown, no include, no definition) for the effective
config, and without the mark for the intended one, whose statement behind the mark is marked
like a corrected typo (:class:`~halint.formats.keepalived.model.Typo` with ``bom``), so that what keepalived
does not run says why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from halint.formats.keepalived.model import (
    Applied,
    BlockMisuse,
    Cut,
    GlobalDefs,
    KaConfig,
    NamedBlock,
    Number,
    Setting,
    SyncGroup,
    TrackEntry,
    Typo,
    Unknown,
    VirtualServer,
    Vip,
    VrrpInstance,
    VrrpScript,
    Word,
)
from halint.formats.keepalived.parser import ParseResult, Statement
from halint.formats.keepalived.reader import Preprocessed, Token
from halint.formats.keepalived.schema import KeywordSpec, Schema
from halint.core.source import Source
from halint.core.textdist import close_matches

TRACK_KINDS = {
    "track_script": "script",
    "track_interface": "interface",
    "track_file": "file",
    "track_process": "process",
    "track_bfd": "bfd",
}


@dataclass
class Node:
    """A statement that keepalived applies, in the context it is applied in."""

    statement: Statement
    spec: KeywordSpec
    context: str
    children: list[Node] = field(default_factory=list)  #: kind "block": its keywords
    values: list[Statement] = field(default_factory=list)  #: kind "list": its value lines
    corrected: Typo | None = None


@dataclass
class _Walk:
    nodes: list[Node] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    misuse: list[BlockMisuse] = field(default_factory=list)
    applied: list[Applied] = field(default_factory=list)
    cuts: list[Cut] = field(default_factory=list)
    behind_bom: set[int] = field(default_factory=set)  #: ids of statements a byte-order mark hides


# -- intended: the braces as written ------------------------------------------------------------


#: (unknown keyword, context) -> its suggestions, while one configuration is evaluated; past
#: MAX_SUGGESTED distinct unknown keywords (a file that is not keepalived's at all, 2 ms each),
#: the rest get none
_SUGGESTED: dict[tuple[str, str], tuple[str, ...]] = {}
MAX_SUGGESTED = 1_000


def _suggest(keyword: str, context: str, keywords) -> tuple[str, ...]:
    found = _SUGGESTED.get((keyword, context))
    if found is None:
        if len(_SUGGESTED) >= MAX_SUGGESTED:
            return ()
        found = _SUGGESTED[(keyword, context)] = tuple(close_matches(keyword, keywords, 2))
    return found


def _unknown(schema: Schema, stmt: Statement, context: str, parent: Statement | None) -> Unknown:
    keyword = stmt.keyword.value
    ctx = schema.contexts[context]
    candidates = _suggest(keyword, context, ctx.keywords)
    elsewhere = tuple(c for c in schema.contexts_having(keyword) if c != context)
    correction = None
    if not elsewhere and len(candidates) == 1:
        # `auth_typo { ... }` is no typo of the value keyword auth_type: correcting it would
        # only trade the unknown keyword for a block where a value is expected
        if ctx.keywords[candidates[0]].opens_block == (stmt.block is not None):
            correction = candidates[0]
    elif elsewhere:
        correction = renamed_here(schema, keyword, context, stmt.block is not None)
    return Unknown(stmt, context, parent, candidates, elsewhere, correction)


def renamed_here(schema: Schema, keyword: str, context: str, has_block: bool) -> str | None:
    """The keyword of ``context`` that keepalived names as the replacement of ``keyword`` when
    ``keyword`` is valid only elsewhere and only as a deprecated rename (``nb_get_retry`` in a
    TCP_CHECK: `retry`), of the shape written; else None."""
    specs = [schema.lookup(c, keyword) for c in schema.contexts_having(keyword) if c != context]
    uses = {s.deprecated.use for s in specs if s.deprecated is not None and s.deprecated.rename}
    if not specs or len(uses) != 1 or any(s.deprecated is None or not s.deprecated.rename for s in specs):
        return None
    target = schema.lookup(context, next(iter(uses)))
    if target is None or target.deprecated is not None or target.opens_block != has_block:
        return None
    return target.name


def correction_for(unknown: Unknown) -> str | None:
    """The keyword a typo unambiguously means: the single candidate within distance 2, when
    it has the shape written (block or not)."""
    return unknown.correction


def _intended(schema: Schema, statements, context: str, parent: Statement | None, walk: _Walk) -> list[Node]:
    nodes: list[Node] = []
    for stmt in statements:
        keyword = stmt.keyword.value
        spec = schema.lookup(context, keyword)
        corrected = None
        if spec is None:
            unknown = _unknown(schema, stmt, context, parent)
            walk.unknown.append(unknown)
            fix = correction_for(unknown)
            if fix is None:
                continue
            spec = schema.lookup(context, fix)
            corrected = Typo(_word(stmt.keyword), fix)
        elif id(stmt) in walk.behind_bom:
            corrected = Typo(_word(stmt.keyword), keyword, bom=True)
        node = Node(stmt, spec, context, corrected=corrected)
        walk.applied.append(Applied(stmt, context, spec, corrected))
        if spec.kind == "block":
            if stmt.block is None:
                walk.misuse.append(BlockMisuse(stmt, context, spec, "missing-block"))
            else:
                node.children = _intended(schema, stmt.block.statements, spec.body, stmt, walk)
        elif spec.kind == "list":
            if stmt.block is None:
                walk.misuse.append(BlockMisuse(stmt, context, spec, "missing-block"))
            else:
                for value in stmt.block.statements:
                    if value.block is not None:
                        walk.misuse.append(BlockMisuse(value, context, spec, "block-in-list"))
                    node.values.append(value)
        elif stmt.block is not None:
            walk.misuse.append(BlockMisuse(stmt, context, spec, "unexpected-block"))
        nodes.append(node)
    return nodes


# -- effective: keepalived's reading, line by line ---------------------------------------------


@dataclass(frozen=True)
class _Item:
    kind: str  #: "line", "{" or "}"
    statement: Statement | None  #: the line's statement, or the statement owning the brace
    token: Token | None


def _flatten(statements, out: list[_Item]) -> None:
    stack = [iter(statements)]
    owners: list[Statement] = []
    while stack:
        stmt = next(stack[-1], None)
        if stmt is None:
            stack.pop()
            if owners:
                owner = owners.pop()
                out.append(_Item("}", owner, owner.block.close))
            continue
        out.append(_Item("line", stmt, None))
        if stmt.block is not None:
            out.append(_Item("{", stmt, stmt.block.open))
            owners.append(stmt)
            stack.append(iter(stmt.block.statements))


class _Replay:
    def __init__(self, schema: Schema, statements):
        self.schema = schema
        self.items: list[_Item] = []
        _flatten(statements, self.items)
        self.pos = 0
        self.walk = _Walk()

    def run(self) -> _Walk:
        self.walk.nodes = self._level("top", 0, None, need_bob=False)
        return self.walk

    def _level(self, context: str, depth: int, owner: Statement | None, need_bob: bool) -> list[Node]:
        nodes: list[Node] = []
        items = self.items
        while self.pos < len(items):
            item = items[self.pos]
            self.pos += 1
            if need_bob:
                need_bob = False
                if item.kind == "{" and depth > 0:
                    continue
            elif item.kind == "{":
                continue  # "Unexpected '{' - ignoring"
            if item.kind == "}":
                if depth > 0:
                    self._closed(owner, item)
                    return nodes
                continue  # "Unknown keyword '}'" at the top level
            stmt = item.statement
            spec = self.schema.lookup(context, stmt.keyword.value)
            if spec is None:
                self.walk.unknown.append(_unknown(self.schema, stmt, context, owner))
                continue
            node = Node(stmt, spec, context)
            self.walk.applied.append(Applied(stmt, context, spec))
            if spec.kind == "block":
                node.children = self._level(spec.body, depth + 1, stmt, need_bob=True)
            elif spec.kind == "list":
                node.values = self._values()
            elif stmt.block is not None:
                self.walk.misuse.append(BlockMisuse(stmt, context, spec, "unexpected-block"))
            nodes.append(node)
        return nodes

    def _values(self) -> list[Statement]:
        """alloc_value_block(): skip the ``{``, then value lines up to the first ``}``."""
        items = self.items
        values: list[Statement] = []
        if self.pos < len(items) and items[self.pos].kind == "{":
            self.pos += 1
        while self.pos < len(items):
            item = items[self.pos]
            self.pos += 1
            if item.kind == "}":
                return values
            if item.kind == "line":
                values.append(item.statement)
        return values

    def _closed(self, owner: Statement | None, item: _Item) -> None:
        """A ``}`` ended ``owner``'s block: note it when it is not ``owner``'s own brace."""
        if owner is None or owner.block is None or item.statement is owner:
            return
        culprit = item.statement
        # statements of owner's block that come after the culprit are read one level up
        rest: list[Statement] = []
        seen = False
        for stmt in owner.block.statements:
            if seen:
                rest.append(stmt)
            elif _contains(stmt, culprit):
                seen = True
        self.walk.cuts.append(Cut(culprit, owner, tuple(rest)))


def _contains(stmt: Statement, target: Statement) -> bool:
    stack = [stmt]
    while stack:
        current = stack.pop()
        if current is target:
            return True
        if current.block is not None:
            stack.extend(current.block.statements)
    return False


# -- the typed model ----------------------------------------------------------------------------


#: token (by identity) -> its Word, while one configuration is evaluated: the effective and the
#: intended models share them (a third of the time went into building the same Words twice)
_WORDS: dict[int, Word] = {}


def _word(tok: Token) -> Word:
    word = _WORDS.get(id(tok))
    if word is None:
        word = _WORDS[id(tok)] = Word(tok.value, tok.span, tok.expanded)
    return word


def _words(stmt: Statement) -> tuple[Word, ...]:
    return tuple(map(_word, stmt.args))


def _value_setting(stmt: Statement) -> Setting:
    return Setting(_word(stmt.keyword), _words(stmt))


def _setting(node: Node) -> Setting:
    return _value_setting(node.statement)


def _int(word: Word | None, lo: int, hi: int) -> Number | None:
    if word is None:
        return None
    text = word.text.strip()
    try:
        value = int(text, 10)
    except ValueError:
        return None
    return Number(value, word) if lo <= value <= hi else None


def _dec(word: Word | None, lo: Decimal, hi: Decimal) -> Number | None:
    if word is None:
        return None
    try:
        value = Decimal(word.text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return Number(value, word) if lo <= value <= hi else None


def _arg(setting: Setting | None, index: int = 0) -> Word | None:
    if setting is None or len(setting.args) <= index:
        return None
    return setting.args[index]


class _Fields:
    """The keyword lines directly inside one block, by keyword (last one wins, as in keepalived)."""

    def __init__(self, node: Node):
        self.by_keyword: dict[str, Node] = {}
        self.all: dict[str, list[Node]] = {}
        for child in node.children:
            name = child.spec.name
            self.by_keyword[name] = child
            self.all.setdefault(name, []).append(child)

    def setting(self, name: str) -> Setting | None:
        child = self.by_keyword.get(name)
        return _setting(child) if child is not None else None

    def node(self, name: str) -> Node | None:
        return self.by_keyword.get(name)

    def nodes(self, name: str) -> list[Node]:
        return self.all.get(name, [])


def _track_entries(nodes: list[Node], kind: str) -> tuple[TrackEntry, ...]:
    entries: list[TrackEntry] = []
    limit = 253 if kind == "script" else 254
    for node in nodes:
        for value in node.values:
            words = (_word(value.keyword),) + _words(value)
            weight_word = None
            weight = None
            reverse = None
            problem = None
            if len(words) >= 2:
                if words[1].text != "weight":
                    problem = f"ignored: unknown option `{words[1].text}` (only `weight N` is allowed)"
                elif len(words) == 2:
                    problem = "ignored: `weight` without a value"
                else:
                    weight_word = words[2]
                    parsed = _int(weight_word, -254, 254)
                    if parsed is None:
                        problem = f"weight: `{weight_word.text}` is not an integer from -{limit} to {limit}"
                    else:
                        weight = int(parsed.value)
                        if abs(weight) > limit:
                            problem = f"weight: {weight} is out of range; keepalived uses {253 if weight > 0 else -253}"
                            weight = 253 if weight > 0 else -253
                    # vrrp_track.c: `reverse` / `noreverse` after the weight; neither keeps the
                    # tracked object's own (a vrrp_script's `weight N reverse`)
                    option = words[3].text if len(words) >= 4 else None
                    reverse = True if option == "reverse" else False if option == "noreverse" else None
            entries.append(TrackEntry(words[0], words, weight_word, weight, reverse, kind, problem))
    return tuple(entries)


def _vips(nodes: list[Node]) -> tuple[Vip, ...]:
    import ipaddress

    out: list[Vip] = []
    for node in nodes:
        for value in node.values:
            line = _value_setting(value)
            text = line.keyword.text
            addr, slash, plen = text.partition("/")
            valid = True
            prefix = None
            try:
                ip = ipaddress.ip_address(addr)
                if slash:
                    # parse_ipaddress(): an invalid prefix length is reported and replaced by the
                    # full length ("Invalid address prefix len 33 ... - using 32"): the address stays
                    # read_unsigned() is strtoul(): "032" is 32, and an empty length is 0
                    limit = 32 if ip.version == 4 else 128
                    number = 0 if plen == "" else int(plen) if re.fullmatch(r"\+?[0-9]+", plen) else None
                    prefix = number if number is not None and number <= limit else limit
            except ValueError:
                valid = False  # "VRRP parsed invalid IP ... skipping IP..."
            dev = None
            args = line.args
            for i, word in enumerate(args[:-1]):
                if word.text == "dev":
                    dev = args[i + 1]
            address = Word(addr, line.keyword.span, line.keyword.expanded)
            out.append(Vip(address, prefix, dev, line, valid))
    return tuple(out)


def _name(node: Node) -> Word:
    stmt = node.statement
    return _word(stmt.args[0]) if stmt.args else Word("", stmt.keyword.span)


def _build_script(node: Node) -> VrrpScript:
    f = _Fields(node)
    weight_setting = f.setting("weight")
    weight = _int(_arg(weight_setting), -253, 253)
    return VrrpScript(
        name=_name(node),
        keyword=_word(node.statement.keyword),
        span=node.statement.span,
        script=f.setting("script"),
        interval=_dec(_arg(f.setting("interval")), Decimal(0), Decimal(10**9)),
        timeout=_dec(_arg(f.setting("timeout")), Decimal(0), Decimal(10**9)),
        weight=weight,
        weight_reverse=_arg(weight_setting, 1) is not None and _arg(weight_setting, 1).text == "reverse",
        rise=_int(_arg(f.setting("rise")), 1, 2**31 - 1),
        fall=_int(_arg(f.setting("fall")), 1, 2**31 - 1),
        user=f.setting("user"),
        init_fail=f.node("init_fail") is not None,
        hidden_by=node.corrected,
    )


def _state(f: _Fields, intended: bool) -> tuple[Setting | None, str | None]:
    """keepalived's vrrp_state_handler(): MASTER, BACKUP; anything else is BACKUP; a BACKUP
    after a MASTER is ignored. Intended: a case error (``Master``) means MASTER."""
    value = None
    last = None
    for node in f.nodes("state"):
        setting = _setting(node)
        last = setting
        word = _arg(setting)
        text = word.text if word is not None else ""
        if intended and text.upper() in ("MASTER", "BACKUP"):
            text = text.upper()
        if text == "MASTER":
            value = "MASTER"
        elif value != "MASTER":
            value = "BACKUP"
    return last, value


def _build_instance(node: Node, intended: bool) -> VrrpInstance:
    f = _Fields(node)
    state, state_value = _state(f, intended)
    auth = f.node("authentication")
    auth_type = auth_pass = auth_pass_setting = None
    if auth is not None:
        af = _Fields(auth)
        auth_type = _arg(af.setting("auth_type"))
        auth_pass_setting = af.setting("auth_pass")
        auth_pass = _arg(auth_pass_setting)
        if intended and auth_type is not None and auth_type.text.upper() in ("PASS", "AH"):
            auth_type = Word(auth_type.text.upper(), auth_type.span, auth_type.expanded)
    priority_setting = f.setting("priority")
    priority = _int(_arg(priority_setting), 1, 255)
    if priority is not None:
        base = int(priority.value)
    elif priority_setting is not None:
        base = 100  # "Priority not valid! ... Using default 100"
    else:
        base = 255 if state_value == "MASTER" else 100
    unicast_nodes = f.nodes("unicast_peer")
    peers = tuple(_word(v.keyword) for n in unicast_nodes for v in n.values)
    return VrrpInstance(
        name=_name(node),
        keyword=_word(node.statement.keyword),
        span=node.statement.span,
        settings=tuple(_setting(c) for c in node.children),
        state=state,
        state_value=state_value or ("MASTER" if base == 255 else "BACKUP"),
        interface=_arg(f.setting("interface")),
        vrid=_int(_arg(f.setting("virtual_router_id")), 1, 255),
        priority=priority,
        base_priority=base,
        advert_int=_dec(_arg(f.setting("advert_int")), Decimal("0.01"), Decimal(255)),
        version=_int(_arg(f.setting("version")), 2, 3),
        auth_type=auth_type,
        auth_pass=auth_pass,
        auth_pass_setting=auth_pass_setting,
        authentication=_setting(auth) if auth is not None else None,
        vips=_vips(f.nodes("virtual_ipaddress")),
        excluded_vips=_vips(f.nodes("virtual_ipaddress_excluded")),
        unicast_src_ip=f.setting("unicast_src_ip"),
        unicast_peers=peers,
        unicast_peer_block=_setting(unicast_nodes[-1]) if unicast_nodes else None,
        track_scripts=_track_entries(f.nodes("track_script"), "script"),
        track_interfaces=_track_entries(f.nodes("track_interface"), "interface"),
        track_files=_track_entries(f.nodes("track_file"), "file"),
        track_processes=_track_entries(f.nodes("track_process"), "process"),
        track_script_block=f.setting("track_script"),
        nopreempt=f.setting("nopreempt"),
        preempt_delay=f.setting("preempt_delay"),
        skip_check_adv_addr=f.setting("skip_check_adv_addr"),
        hidden_by=node.corrected,
    )


def _build_sync_group(node: Node) -> SyncGroup:
    f = _Fields(node)
    members = tuple(_word(v.keyword) for n in f.nodes("group") for v in n.values)
    members += tuple(_word(a) for n in f.nodes("group") for v in n.values for a in v.args)
    return SyncGroup(
        name=_name(node),
        keyword=_word(node.statement.keyword),
        span=node.statement.span,
        members=members,
        # the deprecated global_tracking sets the same flag (vrrp_parser.c, vrrp_gglobal_tracking_handler)
        tracking_weight=f.setting("sync_group_tracking_weight") or f.setting("global_tracking"),
        track_scripts=_track_entries(f.nodes("track_script"), "script"),
        track_interfaces=_track_entries(f.nodes("track_interface"), "interface"),
        track_files=_track_entries(f.nodes("track_file"), "file"),
        track_processes=_track_entries(f.nodes("track_process"), "process"),
        hidden_by=node.corrected,
    )


def _build_virtual_server(node: Node) -> VirtualServer:
    args = _words(node.statement)
    group = args[1] if len(args) >= 2 and args[0].text == "group" else None
    real = sum(1 for c in node.children if c.spec.name == "real_server")
    return VirtualServer(_word(node.statement.keyword), args, node.statement.span, group, real, node.corrected)


def _model(
    nodes: list[Node],
    walk: _Walk,
    version: str,
    root: Source,
    host: str | None,
    config_id: str | None,
    pre: Preprocessed,
    parsed: ParseResult,
) -> KaConfig:
    global_defs = None
    scripts, instances, groups, servers, named = [], [], [], [], []
    for node in nodes:
        name = node.spec.name
        if name == "global_defs":
            settings = tuple(_setting(c) for c in node.children)
            global_defs = GlobalDefs(_word(node.statement.keyword), settings)
        elif name == "vrrp_script":
            scripts.append(_build_script(node))
        elif name == "vrrp_instance":
            instances.append(_build_instance(node, version == "intended"))
        elif name == "vrrp_sync_group":
            groups.append(_build_sync_group(node))
        elif name == "virtual_server":
            servers.append(_build_virtual_server(node))
        elif node.spec.opens_block and node.statement.args:
            settings = tuple(_setting(c) for c in node.children) + tuple(_value_setting(v) for v in node.values)
            named.append(NamedBlock(name, _name(node), _word(node.statement.keyword), node.statement.span, settings, node.corrected))
    return KaConfig(
        root=root,
        host=host,
        config_id=config_id,
        version=version,
        sources=tuple(pre.sources),
        global_defs=global_defs,
        scripts=tuple(scripts),
        instances=tuple(instances),
        sync_groups=tuple(groups),
        virtual_servers=tuple(servers),
        named_blocks=tuple(named),
        unknown=tuple(walk.unknown),
        misuse=tuple(walk.misuse),
        applied=tuple(walk.applied),
        problems=tuple(pre.problems) + tuple(parsed.problems),
        cuts=tuple(walk.cuts),
        inclusions=tuple(pre.inclusions),
        statements=parsed.statements,
    )


def _behind_bom(statements) -> set[int]:
    """ids of the statements that a byte-order mark hides from keepalived: in each file that
    starts with one, the first statement read from it, when its keyword is on the mark's line
    (keepalived reads the mark as part of that line's first word)."""
    out: set[int] = set()
    seen: set[int] = set()
    stack = list(reversed(statements))
    while stack:
        stmt = stack.pop()
        span = stmt.keyword.span
        if id(span.source) not in seen:
            seen.add(id(span.source))
            if span.source.bom and span.line == 1:
                out.add(id(stmt))
        if stmt.block is not None:
            stack.extend(reversed(stmt.block.statements))
    return out


def evaluate(
    schema: Schema,
    pre: Preprocessed,
    parsed: ParseResult,
    root: Source,
    host: str | None,
    config_id: str | None,
    without_bom: tuple[Preprocessed, ParseResult] | None = None,
) -> tuple[KaConfig, KaConfig]:
    """(effective, intended) models of one parsed configuration. ``without_bom``: the same
    configuration read without byte-order marks (when a file has one), for the intended model."""
    try:
        replay = _Replay(schema, parsed.statements).run()
        effective = _model(replay.nodes, replay, "effective", root, host, config_id, pre, parsed)
        walk = _Walk()
        if without_bom is not None:
            pre, parsed = without_bom
            walk.behind_bom = _behind_bom(parsed.statements)
        walk.nodes = _intended(schema, parsed.statements, "top", None, walk)
        intended = _model(walk.nodes, walk, "intended", root, host, config_id, pre, parsed)
        return effective, intended
    finally:
        _WORDS.clear()  # the tokens may go: their ids can be reused
        _SUGGESTED.clear()
