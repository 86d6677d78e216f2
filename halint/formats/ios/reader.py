"""Cisco IOS text, read into commands: running-configs and change scripts.

IOS reads a configuration as a sequence of commands, each given in a mode: global
configuration, or the sub-mode a command such as ``interface Gi0/1`` opens. A command that is
not valid in the current sub-mode is tried in global mode (and leaves the sub-mode). A
running-config shows the sub-mode by indentation (``show running-config`` indents the children
of ``interface``); a change script shows it by its prompts (``R1(config-if)#``), or, as a plain
list of commands, by indentation and by the commands themselves. Both become one list of
:class:`Command`, in the order IOS applies them, each knowing the sub-mode header it was given
under (:attr:`Command.block`) and where its words are in its file. ``halint.formats.ios.model`` applies
them.

What is not a command is skipped here: ``!`` comments, banner text (``banner motd ^C`` up to
the next ``^C``), and, in a transcript, every line without a prompt (IOS output such as
``Enter configuration commands...``, ``% Invalid input``, syslog lines), exec commands
(``show``, ``write``) and ``configure terminal`` / ``end`` / ``exit``.

ciscoconfparse2 is not used: it reads indentation only (a transcript has none, and IOS itself
accepts interface commands without it), takes 0.5-1.7 s to import and 2.7 s on the corpus's
716 kB sample_06.ios, which this reader reads in 0.3 s; tests/test_ios_corpus.py checks this
reader's sub-mode structure against ciscoconfparse2's on the corpus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from halint.formats.ios.cli import (  # noqa: F401  (Command: re-exported, the reader's unit)
    WORD_RE,
    Command,
    banner_delimiter,
    is_interface_header,
    is_negated,
    is_pool_header,
    keyword,
    opens_submode,
    scope,
)
from halint.core.source import Source, Span

# -- sniffing -----------------------------------------------------------------------------------

#: a configuration-mode prompt: ``R1(config)#``, ``R1(config-if)#``
PROMPT_CONFIG_RE = re.compile(rb"^[A-Za-z0-9][\w.\-]*\(config[\w\-]*\)#", re.MULTILINE)
#: an exec prompt followed by ``conf t`` / ``configure terminal``
PROMPT_CONF_T_RE = re.compile(rb"^[A-Za-z0-9][\w.\-]*#[ \t]*conf(?:i(?:g(?:u(?:r(?:e)?)?)?)?)?\b", re.MULTILINE)
#: lines only an IOS configuration has, at the start of a line
RUNNING_STRONG_RE = re.compile(
    rb"^(?:hostname [^\s{};]+[ \t]*\r?$|version \d+\.\d+[ \t]*\r?$|Current configuration : \d+ bytes"
    rb"|ip nat (?:inside|outside|pool) |ip route \d|interface \S+\r?\n[ \t]+(?:ip address|description|no ip address|shutdown|switchport|ip nat)\b"
    rb"|route-map \S+ (?:permit|deny)\b|vrf definition \S|ip vrf \S|access-list \d+ (?:permit|deny)\b"
    rb"|router (?:ospf|bgp|eigrp|rip)\b|boot-start-marker|line vty \d|ip access-list (?:standard|extended) \S"
    rb"|vlan \d+\r?\n[ \t]+name )",
    re.MULTILINE,
)
#: plain change-script commands (a file named NAME.LABEL.ios)
SCRIPT_COMMAND_RE = re.compile(
    rb"^[ \t]*(?:no[ \t]+)?(?:ip nat |interface \S|conf(?:igure)?(?: t|$)|ip route |hostname \S|ip address \S)",
    re.MULTILINE,
)
#: formats that are not IOS, for the sniffer to stay away from
NOT_IOS_RE = re.compile(
    rb"^[ \t]*(?:vrrp_instance|vrrp_script|global_defs|virtual_server|vrrp_sync_group)\b"
    rb"|^[ \t]*(?:options|zone|acl|view|logging|controls|key)\b[^\n]*\{"
    rb"|^\$(?:ORIGIN|TTL|INCLUDE)\b|\bIN[ \t]+SOA\b|^[ \t]*iface[ \t]+\S+[ \t]+inet",
    re.MULTILINE,
)
SCRIPT_NAME_RE = re.compile(r"^[^.]+\.[^.]+\.ios$", re.IGNORECASE)


def ios_sniff(path_name: str, head: bytes) -> str | None:
    """``"changes"`` for a change script, ``"running"`` for a running-config, None otherwise.

    ``head`` is the start of the file (8 KiB). A change script has configuration prompts
    (``R1(config)#``, or ``R1#conf t``), or is named ``NAME.LABEL.ios`` and holds IOS
    commands; a running-config has lines only IOS writes (``hostname X``, ``version 15.7``,
    ``interface`` with indented ``ip address``, ``ip nat inside source``...). keepalived,
    named.conf, zone files and Debian interfaces files are never claimed.
    """
    if NOT_IOS_RE.search(head):
        return None
    if PROMPT_CONFIG_RE.search(head) or PROMPT_CONF_T_RE.search(head):
        return "changes"
    name = path_name.replace("\\", "/").rsplit("/", 1)[-1]
    if SCRIPT_NAME_RE.match(name) and SCRIPT_COMMAND_RE.search(head) and not re.search(
        rb"^(?:version \d|Current configuration|Building configuration)", head, re.MULTILINE
    ):
        return "changes"
    if RUNNING_STRONG_RE.search(head):
        return "running"
    return None


HOSTNAME_RE = re.compile(r"^hostname[ \t]+(\S+)[ \t]*\r?$", re.MULTILINE)
PROMPT_NAME_RE = re.compile(r"^([A-Za-z0-9][\w.\-]*)(?:\(config[\w\-]*\))?#", re.MULTILINE)


def router_name(source: Source) -> str | None:
    """The router a file belongs to: the name in its first prompt (a transcript, whose
    ``hostname`` line would rename the router), else its ``hostname`` line."""
    text = source.text[source.content_start :]
    match = PROMPT_NAME_RE.search(text)
    if match:
        return match.group(1)
    match = HOSTNAME_RE.search(text)
    return match.group(1).strip("\"'") if match else None


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """An IOS001 candidate: a line IOS rejects, or a ``no`` line that removes nothing."""

    span: Span
    message: str
    related: tuple[tuple[Span, str], ...] = ()




@dataclass
class Reading:
    """One file read into commands."""

    source: Source
    kind: str  #: "running" or "changes"
    commands: list[Command] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    prompt_name: str | None = None  #: the router named by the first prompt (scripts)
    transcript: bool = False  #: the script has prompts


# -- readers ------------------------------------------------------------------------------------


def _lines(text: str, start: int = 0):
    """(start offset, line text without its line break) for every line from ``start`` (after a
    byte-order mark, which the IOS reader skips: see :func:`read_running`)."""
    n = len(text)
    while start <= n:
        end = text.find("\n", start)
        if end == -1:
            end = n
        line = text[start:end]
        if line.endswith("\r"):
            line = line[:-1]
        yield start, line
        if end == n:
            break
        start = end + 1


def _command(source: Source, base: int, text: str, block: Command | None, script: bool, indent: int) -> Command | None:
    """``text`` (a line without its indentation) starting at offset ``base``."""
    words = text.split()
    if not words:
        return None
    stripped = text.rstrip()
    return Command(tuple(words), base, base + len(stripped), source, block, script, indent)


def _lineno(source: Source, offset: int) -> int:
    return source.position(offset)[0]


class _Nesting:
    """Sub-modes by indentation, as ``show running-config`` prints them, plus IOS's rule for
    lines written without indentation: after ``interface X``, an interface-only command belongs
    to X, a global command leaves it."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, Command]] = []
        self.open: Command | None = None  #: an unindented sub-mode header still open
        self.open_indented = False

    def parent(self, indent: int, words: tuple[str, ...]) -> Command | None:
        while self.stack and self.stack[-1][0] >= indent:
            self.stack.pop()
        if indent > 0:
            if self.stack:
                parent = self.stack[-1][1]
                if self.open is not None and parent is self.open:
                    self.open_indented = True
                return parent
            return self.open  # an indented first line under an unindented header
        if self.open is not None and not self.open_indented:
            where = scope(words, self.open)
            if where == "interface" or (where == "unknown" and not opens_submode(words)):
                return self.open
        self.open = None
        return None

    def push(self, indent: int, cmd: Command) -> None:
        self.stack.append((indent, cmd))
        if indent == 0 and cmd.block is None and (is_interface_header(cmd.words) or is_pool_header(cmd.words)):
            self.open = cmd  # a sub-mode whose commands may come unindented (see :func:`scope`)
            self.open_indented = False

    def close(self) -> None:
        self.stack.clear()
        self.open = None


def read_running(source: Source) -> Reading:
    """A running-config (or startup-config, or ``show running-config`` capture) as commands.

    A UTF-8 byte-order mark at the start of a file is skipped (change scripts too): IOS writes
    none, and no source says what ``copy tftp: running-config`` or ``configure replace`` make of
    one, so halint does not guess that the first command fails."""
    reading = Reading(source, "running")
    nesting = _Nesting()
    banner: tuple[str, int] | None = None
    for start, line in _lines(source.text, source.content_start):
        if banner is not None:
            if banner[0] in line:
                banner = None
            continue
        content = line.lstrip(" \t")
        if not content or content.startswith("!"):
            continue
        indent = len(line) - len(content)
        cmd = _command(source, start + indent, content, None, False, indent)
        if cmd is None:
            continue
        parent = nesting.parent(indent, cmd.words)
        if parent is not None:
            cmd = cmd.under(parent)
        reading.commands.append(cmd)
        nesting.push(indent, cmd)
        if cmd.words[0].lower() == "banner":
            delim = banner_delimiter(content)
            if delim is not None and not delim[1]:
                banner = (delim[0], _lineno(source, start))
    if banner is not None:
        reading.notes.append(f"{source.display()}: the banner at line {banner[1]} never ends (no closing {banner[0]}); "
                             "IOS takes every line after it as banner text")
    return reading


PROMPT_RE = re.compile(r"^(?P<name>[A-Za-z0-9][\w.\-]*)(?:\((?P<mode>[A-Za-z][\w\-]*)\))?(?P<sym>[#>])(?P<rest>.*)$")
#: what IOS prints in a transcript (skipped without a note)
OUTPUT_RE = re.compile(
    r"^\s*(?:%|\^\s*$|\*?[A-Z][a-z]{2}\s+\d+\s+[\d:.]+|\d+:\s|Enter configuration commands|Enter TEXT message"
    r"|Building configuration|\[OK\]|Destination filename|Current configuration"
    r"|.*\[(?:confirm|yes/no|no|yes)\]\s*:?.*$|Proceed with|Translating\s|Static entry in use)"
)
CONF_T = ("configure",)
#: any prompt (``R1#``, ``R1(config-if)#``): the script is a transcript
TEXT_PROMPT_ANY_RE = re.compile(r"^[A-Za-z0-9][\w.\-]*(?:\([A-Za-z][\w\-]*\))?#", re.MULTILINE)


def _is_configure(words: tuple[str, ...]) -> bool:
    if keyword(words[0], CONF_T, 4) != "configure":
        return False
    return len(words) == 1 or keyword(words[1], ("terminal",), 1) == "terminal"


def _is_nat_line(words: tuple[str, ...]) -> bool:
    body = words[1:] if is_negated(words) else words
    return len(body) >= 2 and body[0].lower() == "ip" and body[1].lower() == "nat"


class _Script:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.reading = Reading(source, "changes")
        self.config = True  #: in configuration mode
        self.nesting = _Nesting()

    def exec_command(self, cmd: Command, how: str) -> None:
        """A command given outside configuration mode: ``configure terminal`` enters it; an
        ``ip nat`` line there is rejected by IOS; anything else is an exec command."""
        if _is_configure(cmd.words):
            self.config = True
            self.nesting.close()
        elif _is_nat_line(cmd.words):
            self.reading.problems.append(Problem(
                cmd.span,
                f"`{cmd.text}` is given {how}, not in configuration mode: IOS rejects it "
                "(`configure terminal` comes first)",
            ))

    def control(self, cmd: Command) -> bool:
        """Mode changes that are not configuration: ``end``, ``exit``, ``do ...``."""
        first = cmd.words[0].lower()
        if _is_configure(cmd.words):
            return True  # a plain script's opening ``configure terminal``
        if first == "end" and len(cmd.words) == 1:
            self.config = False
            self.nesting.close()
            return True
        if first == "exit" and len(cmd.words) == 1:
            if self.nesting.open is None and not self.nesting.stack:
                self.config = False
            self.nesting.close()
            return True
        if first == "do" or first.startswith("exit-"):
            return True
        return False

    def plain(self) -> None:
        banner = None
        for start, line in _lines(self.source.text, self.source.content_start):
            if banner is not None:
                if banner in line:
                    banner = None
                continue
            content = line.lstrip(" \t")
            if not content or content.startswith("!"):
                continue
            indent = len(line) - len(content)
            cmd = _command(self.source, start + indent, content, None, True, indent)
            if cmd is None:
                continue
            if not self.config:
                self.exec_command(cmd, "after `end` (in exec mode)")
                continue
            if self.control(cmd):
                continue
            parent = self.nesting.parent(indent, cmd.words)
            if parent is not None:
                cmd = cmd.under(parent)
            self.reading.commands.append(cmd)
            self.nesting.push(indent, cmd)
            banner = self._banner(cmd, content)

    def transcript(self) -> None:
        self.config = False
        block: Command | None = None
        banner = None
        for start, line in _lines(self.source.text, self.source.content_start):
            if banner is not None:
                if banner in line:
                    banner = None
                continue
            match = PROMPT_RE.match(line)
            if match is None:
                if line.strip() and not OUTPUT_RE.match(line):
                    self.reading.notes.append(
                        f"{self.source.display()}:{_lineno(self.source, start)}: no prompt, taken as IOS output: {line.strip()[:80]}"
                    )
                continue
            if self.reading.prompt_name is None:
                self.reading.prompt_name = match.group("name")
            rest = match.group("rest")
            content = rest.lstrip(" \t")
            base = start + match.start("rest") + (len(rest) - len(content))
            cmd = _command(self.source, base, content, None, True, 0)
            mode = (match.group("mode") or "").lower()
            if not mode or match.group("sym") == ">":
                self.config = False
                block = None
                if cmd is not None:
                    prompt = line[: match.start("rest")]
                    self.exec_command(cmd, f"at the exec prompt `{prompt}`")
                continue
            self.config = True
            if mode == "config":
                block = None
            if cmd is None or self.control(cmd):
                if cmd is not None:
                    block = None
                continue
            if mode != "config":
                if block is None and _is_nat_line(cmd.words) and scope(cmd.words, None) == "interface":
                    self.reading.problems.append(Problem(
                        cmd.span,
                        f"`{cmd.text}` is given in sub-mode ({mode}) but the script never says which "
                        "(no `interface ...` line before it): halint cannot tell what it changes",
                    ))
                    continue
                if scope(cmd.words, block) == "global":
                    block = None  # IOS leaves the sub-mode for a global command
                else:
                    cmd = cmd.under(block)
            self.reading.commands.append(cmd)
            if cmd.block is None and opens_submode(cmd.words):
                block = cmd
            banner = self._banner(cmd, content)

    def _banner(self, cmd: Command, content: str) -> str | None:
        if cmd.words[0].lower() != "banner":
            return None
        delim = banner_delimiter(content)
        return delim[0] if delim is not None and not delim[1] else None


def read_script(source: Source) -> Reading:
    """A change script: a CLI transcript (``R1(config)#ip nat ...``) or a plain command list."""
    script = _Script(source)
    transcript = TEXT_PROMPT_ANY_RE.search(source.text[source.content_start :]) is not None
    script.reading.transcript = transcript
    if transcript:
        script.transcript()
    else:
        script.plain()
    return script.reading
