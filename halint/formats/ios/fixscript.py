"""The router fix script: the IOS commands that take a router from what its files said to what
the fixed files say (``<router>.fix.ios``, written by ``halint compile``).

A router is not fixed by editing a file in git: an engineer pastes commands into it. For each of
the router's files a fix changed, both versions are read into commands (the same readers as the
model: :func:`halint.formats.ios.reader.read_running`, :func:`halint.formats.ios.reader.read_script`) and compared
command by command, each keyed by its words and the sub-mode headers it was given under:

- a running-config command that the fix removed or replaced becomes ``no <command>`` (a removed
  ``no X`` becomes ``default X``; a removed sub-mode header becomes ``no <header>``, which takes
  its children with it), then the new command;
- a command a fix added (to a running-config or a change script) is sent as it is, without its
  prompt;
- a command a fix removed from a change script becomes a ``!`` comment: if that script was
  already pasted, the command is on the device and only the engineer knows whether to undo it.

A command given in a sub-mode is sent under its header (``interface Gi0/1``, the command indented,
``exit``). The script is plain commands between ``configure terminal`` and ``end``; it reads
back through :func:`halint.formats.ios.reader.read_script`, and applied after the router's change scripts
(``<router>.fix.ios`` sorts after ``<router>.changes.ios``) it gives the corrected
configuration. A running-config line comes before the change scripts, the fix script after
them: so both versions of the router are built with the model's own rules
(:func:`halint.formats.ios.model.load_router`), and a ``no`` is sent only for a line still in effect
after the change scripts (else IOS001: it would remove nothing), a new line only when the change
scripts do not take it back; the others become comments.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from halint.formats.ios.build import load_router
from halint.formats.ios.reader import SCRIPT_NAME_RE, TEXT_PROMPT_ANY_RE, Command, ios_sniff, read_running, read_script
from halint.formats.ios.cli import BANNER_TYPES, banner_delimiter, is_negated, opens_submode
from halint.core.source import Source

#: the first line of every fix script
TITLE = "! halint compile: corrections for {name} (generated; review before pasting)"
#: IOS asks before it removes a NAT rule that live translations use ("Dynamic mapping in use, do
#: you want to delete all entries? [no]:", "Static entry in use, ..."; Cisco tech note 13779,
#: "NAT: Dynamic mapping in use"), and a pasted next line would be taken as the answer
IN_USE_NOTE = ("! IOS may ask \"... in use, do you want to delete ... entries? [no]:\" before removing a NAT rule "
               "with live translations: answer yes, then paste the lines after it again")
ALREADY_GONE = "! already absent after the change scripts, not sent: "
OVERRIDDEN = "! not sent here (not in effect after the change scripts, which remove, refuse or give it again): "


@dataclass(frozen=True, slots=True)
class _Action:
    """One line of the fix script: a command (``text``) given under ``chain`` (the sub-mode
    headers, outermost first), or a comment about a command given there."""

    chain: tuple[tuple[str, ...], ...]
    text: str
    comment: bool = False
    opens: bool = False  #: the command opens a sub-mode (the commands after it may be its children)
    raw: tuple[str, ...] = ()  #: more lines sent verbatim after the command (banner text)
    review: bool = False  #: a comment the engineer must act on


def fix_script(router_name: str, changes: list[tuple[Source, str]], others: Sequence[Source] = ()) -> str | None:
    """The text of ``<router_name>.fix.ios``, or None when there is nothing to send.

    ``changes``: for each of the router's files that a fix changed, the original Source and the
    corrected full text (running-config and change scripts, in any order). ``others``: the
    router's files that no fix changed (optional, but without them a running-config line that a
    change script removes or replaces later is not known to be gone).
    """
    files = [(source, Source(source.path, text, source.encoding), _kind(source))
             for source, text in changes if source.text != text]
    if not files:
        return None
    files.sort(key=lambda item: (item[2] != "running", item[0].path.name))
    unchanged = [(s, _kind(s)) for s in others]
    was = _alive(_load(router_name, [(old, kind) for old, _, kind in files] + unchanged))
    now = _alive(_load(router_name, [(new, kind) for _, new, kind in files] + unchanged))
    actions: list[_Action] = []
    for old, new, kind in files:
        actions.extend(_actions(old, new, kind, was, now))
    actions = _dedupe(actions)
    if not any(not a.comment or a.review for a in actions):
        return None
    return _render(router_name, actions)


# -- which file is which ----------------------------------------------------------------------------


def _kind(source: Source) -> str:
    """``"running"`` or ``"changes"``, as discovery tells them apart."""
    head = source.text[:8192].encode(source.encoding, "replace")
    kind = ios_sniff(source.path.name, head)
    if kind is not None:
        return kind
    return "changes" if SCRIPT_NAME_RE.match(source.path.name) else "running"


# -- comparing two versions of a file -----------------------------------------------------------------


def _chain(cmd: Command) -> tuple[tuple[str, ...], ...]:
    """The sub-mode headers ``cmd`` was given under, outermost first."""
    headers = []
    block = cmd.block
    while block is not None:
        headers.append(block.words)
        block = block.block
    return tuple(reversed(headers))


def _key(cmd: Command) -> tuple:
    return (_chain(cmd), cmd.words)


def _diff(old: list[Command], new: list[Command]):
    """(removed, added) command runs, in file order: one pair per changed region."""
    matcher = SequenceMatcher(None, [_key(c) for c in old], [_key(c) for c in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            yield old[i1:i2], new[j1:j2]


def _headers(commands: Iterable[Command]) -> set[int]:
    """ids of the commands that are a sub-mode header of another one."""
    return {id(c.block) for c in commands if c.block is not None}


def _actions(old_source: Source, new_source: Source, kind: str, was: set, now: set) -> list[_Action]:
    """What to send for one file: ``was`` and ``now`` say which commands are still in effect
    after the change scripts, before and after the fix (see :func:`_alive`)."""
    read = read_running if kind == "running" else read_script
    old = read(old_source).commands
    new = read(new_source).commands
    new_headers = _headers(new)
    actions: list[_Action] = []
    for removed, added in _diff(old, new):
        gone = {id(c) for c in removed}
        for cmd in removed:
            if kind != "running":
                actions.append(_Action((), (
                    f"! review: the fix removed `{_shown(cmd)}` from {old_source.path.name} line {cmd.line}; if that "
                    "script was already pasted, the command is on the device: undo it by hand if it should go"
                ), comment=True, review=True))
            elif _inside(cmd, gone):
                continue  # ``no <header>`` removes its children
            elif (id(cmd.source), cmd.start) in was:
                actions.append(_Action(_chain(cmd), _undo(cmd)))
            else:
                actions.append(_Action(_chain(cmd), f"{ALREADY_GONE}{_undo(cmd)}", comment=True))
        for cmd in added:
            if (id(cmd.source), cmd.start) in now:
                actions.append(_added(cmd, new_headers))
            else:
                actions.append(_Action(_chain(cmd), f"{OVERRIDDEN}{_shown(cmd)}", comment=True))
    return actions


def _inside(cmd: Command, gone: set[int]) -> bool:
    block = cmd.block
    while block is not None:
        if id(block) in gone:
            return True
        block = block.block
    return False


def _undo(cmd: Command) -> str:
    """The command that takes ``cmd`` off a running router."""
    words = cmd.words
    if is_negated(words):
        return "default " + " ".join(words[1:])
    if words[0].lower() == "banner" and len(words) > 1:
        kind = words[1].lower()
        return "no banner " + (kind if kind in BANNER_TYPES else "motd")
    return "no " + " ".join(words)


def _added(cmd: Command, headers: set[int]) -> _Action:
    opens = id(cmd) in headers or (cmd.block is None and opens_submode(cmd.words))
    return _Action(_chain(cmd), cmd.text, opens=opens, raw=_banner_text(cmd))


def _banner_text(cmd: Command) -> tuple[str, ...]:
    """The text lines of a multi-line banner, up to the line with its closing delimiter."""
    if cmd.words[0].lower() != "banner":
        return ()
    text = cmd.source.text
    eol = text.find("\n", cmd.start)
    eol = len(text) if eol == -1 else eol
    delim = banner_delimiter(text[cmd.start:eol].rstrip("\r"))
    if delim is None or delim[1]:
        return ()
    lines = []
    for line in text[eol + 1:].split("\n"):
        line = line.rstrip("\r")
        lines.append(line)
        if delim[0] in line:
            break
    return tuple(lines)


def _shown(cmd: Command) -> str:
    return cmd.text.replace("`", "'")


def _is_no_nat_rule(text: str) -> bool:
    """``no ip nat inside|outside source|destination ...`` or ``no ip nat source ...`` (NVI)."""
    low = text.lower().split()
    return low[:3] == ["no", "ip", "nat"] and any(w in ("source", "destination") for w in low[3:5])


# -- writing the script ---------------------------------------------------------------------------------


def _render(name: str, actions: list[_Action]) -> str:
    """The script: ``configure terminal``, each command under its sub-mode headers, ``end``."""
    lines = [TITLE.format(name=name)]
    if any(not a.comment and _is_no_nat_rule(a.text) for a in actions):
        lines.append(IN_USE_NOTE)
    lines.append("configure terminal")
    mode: tuple[tuple[str, ...], ...] = ()  #: the sub-mode the script is in
    for action in actions:
        if action.comment:
            if mode and action.chain[: len(mode)] != mode:
                lines.append("exit")  # a note about a global command is not written inside a sub-mode
                mode = ()
            lines.append(" " * len(mode) + action.text)
            continue
        if action.chain != mode:
            if mode:
                lines.append("exit")
            for depth, header in enumerate(action.chain):
                lines.append(" " * depth + " ".join(header))
            mode = action.chain
        depth = len(action.chain)
        line = " " * depth + action.text
        if depth == 0 and TEXT_PROMPT_ANY_RE.match(line):
            line = " " + line  # a command that looks like a prompt would make the file a transcript
        lines.append(line)
        lines.extend(action.raw)
        if action.opens:
            mode = action.chain + (tuple(action.text.split()),)
    if mode:
        lines.append("exit")
    lines.append("end")
    return "\n".join(lines) + "\n"


# -- what is in effect after the change scripts ------------------------------------------------------------


def _load(name: str, files: list[tuple[Source, str]]):
    """The router from these files: the first running-config, then the scripts by file name."""
    running = next((s for s, kind in files if kind == "running"), None)
    scripts = sorted((s for s, kind in files if kind == "changes"), key=lambda s: s.path.name)
    return load_router(name, running, scripts)


def _alive(router) -> set[tuple[int, int]]:
    """(id of the source, start offset) of every command whose line is in the configuration
    after all change scripts: a NAT rule a script removed, a line it replaced, is not."""
    found: set[tuple[int, int]] = set()
    stack = list(router.after.lines)
    while stack:
        line = stack.pop()
        found.add((id(line.span.source), line.span.start))
        stack.extend(line.children)
    for iface in router.after.interfaces:
        found.add((id(iface.span.source), iface.span.start))
    return found


def _dedupe(actions: list[_Action]) -> list[_Action]:
    """Without a command that an earlier one already sent (two fixed files adding one rule),
    unless something in between took it back."""
    kept: list[_Action] = []
    sent: set[tuple] = set()
    for action in actions:
        if action.comment:
            kept.append(action)
            continue
        key = (action.chain, action.text.lower())
        if key in sent:
            continue
        if NO_RE.match(action.text) or action.text.lower().startswith("default "):
            sent.clear()
        else:
            sent.add(key)
        kept.append(action)
    return kept


NO_RE = re.compile(r"no\s", re.IGNORECASE)
