"""named.conf: BIND's configuration read as BIND reads it, down to zones and their files.

The only module that imports Lark for named.conf (grammars/named.lark, a generic grammar:
words, strings, ``!`` and blocks ended by ``;``). The records it returns (:class:`NamedConf`,
:class:`ZoneStatement`, ...) are re-exported by :mod:`halint.formats.named.model`; they are built here
because the parse layer may not import the model layer.

Reading follows BIND 9.18/9.20 (lib/isc/lex.c, and the lexer settings of lib/isccfg/parser.c):

* blanks are space, tab, CR and LF; ``#`` and ``//`` comment to the end of the line and
  ``/* */`` is a blank, anywhere outside a quoted string, even in the middle of a word;
* ``{ } ; !`` are tokens of their own; a quoted string may span lines, ``\\"`` is a quote in
  it and any other backslash is kept; keywords are case-insensitive;
* ``include "pattern";`` where a statement may start is replaced by the files the pattern
  names (glob(3), no braces; no match is BIND's "file not found", a fatal error). With several
  matches BIND pushes each file on its lexer's stack, so the *last* match is read first: we do
  the same. Includes are followed through the :class:`~halint.core.fsview.TreeView` (host paths
  mapped into the host's tree, nothing outside the tree read), cycles and depth are bounded.
* relative include paths are relative to named's working directory. BIND changes into
  ``options { directory }`` while it parses (CFG_CLAUSEFLAG_CHDIR), so after that statement
  they are relative to it; before it, to the directory named was started in, which the tree
  does not say: we take the directory of the named.conf being read (what named-checkconf run
  from there does) and say so in a note. (The tree view also expands csh braces ``{a,b}``,
  which BIND's glob(3) call does not; such include paths are rare.)
* zone ``file`` paths that are relative are opened by named after parsing, in ``directory``.
  With no ``directory`` option named uses the directory it was started in: we try the
  named.conf's own directory, then Debian's /etc/bind, take the first where the file exists
  in the tree (else the first) and say so in a note.

Mistakes do not stop the reader: a missing ``;`` (before ``}``, after a ``}`` that ends a
statement, at the end of the file), an extra ``}`` or ``;``, a block never closed, an
unterminated string or comment each become a :class:`Problem` with its position (worded like
named-checkconf's messages) and reading carries on, so one mistake never hides the zones after
it. There is no rule code for these: the lead shows them as notes.
"""
from __future__ import annotations

import functools
import os
import posixpath
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import lark

from halint.core.fsview import SourceCache, TreeView
from halint.core.limits import DEFAULT, Limits
from halint.core.problem import Problem, at
from halint.core.source import Source, SourceError, Span

#: where Debian's named runs from when nothing says otherwise (bind9 package: /etc/bind)
DEBIAN_DIR = "/etc/bind"
#: statements that end with their (first) block: words after that block mean a missing `;`
ENDS_AT_BLOCK = frozenset(
    """zone view options acl key logging controls server masters primaries remote-servers
    parental-agents statistics-channels trusted-keys managed-keys trust-anchors dnssec-policy
    tls http dlz dyndb plugin key-store lwres also-notify allow-query allow-query-on
    allow-transfer allow-update allow-notify allow-recursion allow-update-forwarding
    update-policy forwarders""".split()
)

_TOKEN = re.compile(
    r"""(?P<blank>[ \t\r\n]+)
    |(?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
    |(?P<open_comment>/\*)
    |(?P<string>"(?:[^"\\]|\\.)*")
    |(?P<open_string>"(?:[^"\\]|\\.)*\\?)
    |(?P<special>[{};!])
    |(?P<word>(?:[^ \t\r\n{};"!\#/]|/(?![/*]))+)
    """,
    re.VERBOSE | re.DOTALL,
)
_KIND = {"{": "LBRACE", "}": "RBRACE", ";": "SEMI", "!": "BANG"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
#: a cheap look at a file's start: a named.conf statement with its block
_SNIFF = re.compile(
    rb'^[ \t]*(?:options[ \t\r\n]*\{|(?:zone|view)[ \t]+"[^"\n]*"(?:[ \t]+[A-Za-z]+)?[ \t\r\n]*\{)',
    re.MULTILINE | re.IGNORECASE,
)


# -- records ------------------------------------------------------------------------------------



@dataclass(frozen=True, slots=True, repr=False)
class Token:
    kind: str  #: WORD, STRING, BANG, LBRACE, RBRACE or SEMI
    value: str  #: a string without its quotes (``\\"`` unescaped); "" for a repaired token
    span: Span  #: a string's span includes its quotes

    def __repr__(self) -> str:
        return f"Token({self.kind} {self.value!r} at {at(self.span)})"

    @property
    def synthetic(self) -> bool:
        """Inserted by the repair (a missing ``;`` or ``}``): zero width, no text."""
        return self.value == "" and self.kind in ("SEMI", "RBRACE")



@dataclass(frozen=True, slots=True, repr=False)
class Block:
    open: Token
    statements: tuple[Statement, ...]
    close: Token  #: synthetic (empty, zero width) when the block is never closed

    def __repr__(self) -> str:
        return f"Block({len(self.statements)} statements at {at(self.open.span)})"

    @property
    def span(self) -> Span:
        return self.open.span.cover(self.close.span)


@dataclass(frozen=True, slots=True, repr=False)
class Statement:
    """Words, strings, ``!`` and blocks up to a ``;``. Kept for every statement, known or not."""

    parts: tuple[Token | Block, ...]
    end: Token  #: the ``;`` (synthetic when missing)

    def __repr__(self) -> str:
        words = " ".join(t.value for t in self.words)
        return f"Statement({words!r}{' {...}' if self.block else ''} at {at(self.span)})"

    @property
    def keyword(self) -> str | None:
        """The first word, lower-cased (BIND's keywords are case-insensitive)."""
        first = self.parts[0] if self.parts else None
        return first.value.lower() if isinstance(first, Token) and first.kind == "WORD" else None

    @property
    def words(self) -> tuple[Token, ...]:
        """The tokens before the first block (keyword first)."""
        out = []
        for part in self.parts:
            if isinstance(part, Block):
                break
            out.append(part)
        return tuple(out)

    @property
    def args(self) -> tuple[Token, ...]:
        return self.words[1:]

    @property
    def block(self) -> Block | None:
        for part in self.parts:
            if isinstance(part, Block):
                return part
        return None

    @property
    def span(self) -> Span:
        first = self.parts[0]
        start = first.span if isinstance(first, Token) else first.open.span
        end = self.end.span if not self.end.synthetic else self.parts[-1].span
        return start.cover(end)


@dataclass(frozen=True, slots=True, repr=False)
class Inclusion:
    span: Span  #: the include statement
    pattern: str
    files: tuple[Path, ...]  #: in the order BIND reads them

    def __repr__(self) -> str:
        return f"Inclusion({self.pattern!r} -> {len(self.files)} files at {at(self.span)})"


@dataclass(frozen=True, slots=True, repr=False)
class ZoneStatement:
    name: str  #: as written, without quotes
    name_span: Span
    rdclass: str  #: IN unless the statement names another class
    type: str | None  #: lower-cased (primary, master, secondary, slave, hint, forward, ...)
    type_span: Span | None
    file: str | None  #: as written
    file_span: Span | None
    path: str | None  #: absolute host path of the file (see the module doc for relative ones)
    masters: tuple[Token, ...]  #: first token of each masters / primaries entry
    view: str | None
    span: Span  #: the whole statement
    statement: Statement

    @property
    def origin(self) -> str:
        """The zone name as an absolute domain name ("example.com."; the root stays ".")."""
        name = self.name
        if name.endswith(".") and not name.endswith("\\."):
            return name
        return name + "."

    def __repr__(self) -> str:
        where = f" view {self.view!r}" if self.view else ""
        return f"ZoneStatement({self.name!r} {self.type} file={self.path!r}{where} at {at(self.span)})"


@dataclass(frozen=True, slots=True, repr=False)
class ViewStatement:
    name: str
    name_span: Span
    rdclass: str
    span: Span

    def __repr__(self) -> str:
        return f"ViewStatement({self.name!r} at {at(self.span)})"


@dataclass(frozen=True, repr=False)
class NamedConf:
    source: Source  #: the file read
    sources: tuple[Source, ...]  #: that file, then every file it includes, in reading order
    directory: str | None  #: options { directory }, absolute host path (None: not set)
    directory_span: Span | None
    zones: tuple[ZoneStatement, ...]
    views: tuple[ViewStatement, ...]
    statements: tuple[Statement, ...]  #: every top-level statement, includes expanded
    includes: tuple[Inclusion, ...]
    problems: tuple[Problem, ...]

    def zone_files(self) -> list[tuple[str, ZoneStatement]]:
        """(absolute host path of the zone's file, zone) for each zone with a file, in order."""
        return [(zone.path, zone) for zone in self.zones if zone.path is not None]

    def __repr__(self) -> str:
        return f"NamedConf({self.source.path}, {len(self.zones)} zones, {len(self.problems)} problems)"


# -- sniffing -----------------------------------------------------------------------------------


def named_sniff(path_name: str, head: bytes) -> bool:
    """A named.conf by name (named.conf, named.conf.local, ...) or by an ``options {`` /
    ``zone "..." {`` / ``view "..." {`` statement at a line start (keepalived has none)."""
    name = path_name.replace("\\", "/").rsplit("/", 1)[-1]
    if name.startswith("named.conf"):
        return True
    if name.startswith("keepalived"):
        return False
    return bool(_SNIFF.search(head))


# -- the lexer ----------------------------------------------------------------------------------


def lex(source: Source) -> tuple[list[Token], list[Problem]]:
    """The tokens of one file (comments dropped) and its lexical problems.

    A UTF-8 byte-order mark is not stripped by BIND: isc_lex reads it as the start of the first
    word, which is then no statement (named-checkconf 9.18: "unknown option '\ufeffoptions'",
    for the root file and for an included one alike), and named refuses the configuration. That
    is one problem at the mark; the rest is read without it, so that the zones behind it are
    still found."""
    text = source.text
    tokens: list[Token] = []
    problems: list[Problem] = []
    match = _TOKEN.match
    pos, end = source.content_start, len(text)
    if pos:
        m = match(text, pos)
        what = (f"which named reads as part of the first word, so `{m.group()}` is an unknown option"
                if m is not None and m.lastgroup == "word" else "which named reads as an unknown option of its own")
        problems.append(Problem(
            Span(source, 0, 1),
            f"the file starts with a UTF-8 byte-order mark (bytes EF BB BF), {what} (named-checkconf: "
            "\"unknown option\"): named refuses the configuration; remove the mark",
        ))
    while pos < end:
        m = match(text, pos)
        if m is None:  # cannot happen: every character starts some alternative
            problems.append(Problem(Span(source, pos, pos + 1), f"unexpected character {text[pos]!r}"))
            pos += 1
            continue
        kind = m.lastgroup
        stop = m.end()
        if kind == "word":
            tokens.append(Token("WORD", m.group(), Span(source, pos, stop)))
        elif kind == "special":
            tokens.append(Token(_KIND[m.group()], m.group(), Span(source, pos, stop)))
        elif kind == "string":
            tokens.append(Token("STRING", _unescape(m.group()[1:-1]), Span(source, pos, stop)))
        elif kind == "open_string":
            problems.append(Problem(Span(source, pos, pos + 1), "unterminated quoted string: unexpected end of input"))
            tokens.append(Token("STRING", _unescape(m.group()[1:]), Span(source, pos, stop)))
        elif kind == "open_comment":
            problems.append(Problem(Span(source, pos, stop), "unterminated /* comment: unexpected end of input"))
            stop = end
        pos = stop
    return tokens, problems


def _unescape(inner: str) -> str:
    if "\\" not in inner:
        return inner
    return _ESCAPE.sub(lambda m: '"' if m.group(1) == '"' else m.group(0), inner)


# -- includes -----------------------------------------------------------------------------------


class _Reader:
    """Lexes a file and the files it includes into one token stream, as BIND's lexer does."""

    def __init__(self, root: Source, view: TreeView, cache: SourceCache):
        self.view = view
        self.cache = cache
        self.include_reads = 0  #: files read through includes so far (limits.includes)
        self.root_dir = posixpath.dirname(view.host_path(root.path)) or "/"
        self.cwd = self.root_dir  #: named's working directory while parsing
        self.cwd_known = False  #: a `directory` option has been read
        self.out: list[Token] = []
        self.problems: list[Problem] = []
        self.sources: list[Source] = [root]
        self.includes: list[Inclusion] = []
        self.stack: list[Path] = []
        self.at_start = True  #: the next token starts a statement
        self.blocks: list[str | None] = []  #: keyword of each open block
        self.first: str | None = None  #: keyword of the statement being read
        self.firsts: list[str | None] = []

    def read(self, source: Source) -> None:
        self.stack.append(Path(os.path.abspath(source.path)))
        tokens, problems = lex(source)
        self.problems.extend(problems)
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            if self.at_start and tok.kind == "WORD":
                word = tok.value.lower()
                shape = i + 2 < n and tokens[i + 1].kind in ("STRING", "WORD") and tokens[i + 2].kind == "SEMI"
                if word == "include":
                    if shape:
                        self.include(tokens[i + 1], tok.span.cover(tokens[i + 2].span))
                        i += 3
                        continue
                    self.problems.append(Problem(tok.span, 'include takes one quoted file name: include "file";'))
                elif word == "directory" and shape and self.blocks == ["options"]:
                    self.chdir(tokens[i + 1].value)
            self.emit(tok)
            i += 1
        self.stack.pop()

    def emit(self, tok: Token) -> None:
        kind = tok.kind
        self.out.append(tok)
        if kind == "SEMI":
            self.at_start, self.first = True, None
        elif kind == "LBRACE":
            self.blocks.append(self.first)
            self.firsts.append(self.first)
            self.at_start, self.first = True, None
        elif kind == "RBRACE":
            if self.blocks:
                self.blocks.pop()
                self.first = self.firsts.pop()
            self.at_start = False
        else:
            if self.at_start:
                self.first = tok.value.lower() if kind == "WORD" else None
            self.at_start = False

    def chdir(self, directory: str) -> None:
        self.cwd = posixpath.normpath(posixpath.join(self.cwd, directory))
        self.cwd_known = True

    def include(self, name: Token, span: Span) -> None:
        pattern = name.value
        if pattern == "":
            self.problems.append(Problem(span, 'include "": file not found'))
            return
        if not pattern.startswith("/") and not self.cwd_known:
            self.problems.append(
                Problem(
                    span,
                    f'relative include "{pattern}" before any `directory` option: named opens it from the '
                    f"directory it was started in; assuming {self.cwd}",
                    "note",
                )
            )
        found = self.view.glob(pattern, self.cwd)
        for host in found.outside:
            message = f'include "{pattern}": {host} is outside the checked tree; not read'
            self.problems.append(Problem(span, message, "note"))
        for host in found.directories:
            self.problems.append(Problem(span, f'include "{pattern}": {host} is a directory'))
        if not found.matches and not found.outside and not found.directories:
            where = posixpath.join(self.cwd, pattern) if not pattern.startswith("/") else pattern
            self.problems.append(
                Problem(span, f'include "{pattern}": file not found ({where}); named refuses to load the configuration')
            )
        files: list[Path] = []
        index = len(self.includes)
        self.includes.append(Inclusion(span, pattern, ()))  # in statement order, before nested ones
        for path in reversed(found.matches):  # BIND stacks the matches: the last is read first
            path = Path(os.path.abspath(path))
            host = self.view.host_path(path)
            if path in self.stack:
                self.problems.append(Problem(span, f'include "{pattern}": include cycle ({host} includes itself)'))
                continue
            if len(self.stack) >= self.cache.limits.include_depth:
                most = self.cache.limits.include_depth
                message = f'include "{pattern}": includes nested deeper than {most} files (halint\'s limit); not read'
                self.problems.append(Problem(span, message, "limit"))
                continue
            if self.include_reads >= self.cache.limits.includes:
                if self.include_reads == self.cache.limits.includes:  # said once
                    message = (f'include "{pattern}": more than {self.cache.limits.includes} files read through '
                               "includes, re-reads counted (halint's limit); not read from here on")
                    self.problems.append(Problem(span, message, "limit"))
                    self.include_reads += 1
                continue
            self.include_reads += 1
            loaded = self.cache.get(path)
            if isinstance(loaded, SourceError):
                self.problems.append(Problem(span, f'include "{pattern}": cannot read {host}: {loaded}'))
                continue
            files.append(path)
            if all(loaded is not s for s in self.sources):
                self.sources.append(loaded)
            self.read(loaded)
        self.includes[index] = Inclusion(span, pattern, tuple(files))


# -- repair and parse ---------------------------------------------------------------------------


def _repair(tokens: list[Token], root: Source, max_depth: int) -> tuple[list[Token], list[Problem]]:
    """Make the stream fit the grammar: every statement ends with `;`, every `{` is closed."""
    problems: list[Problem] = []
    out: list[Token] = []
    stack: list[Token] = []
    last: Token | None = None  #: last token of the statement being read (None: none yet)
    skipping = 0  #: depth inside a block nested too deep (dropped)
    after_stray = False

    def at_end(tok: Token) -> Span:
        return Span(tok.span.source, tok.span.end, tok.span.end)

    for tok in tokens:
        kind = tok.kind
        if skipping:
            skipping += {"LBRACE": 1, "RBRACE": -1}.get(kind, 0)
            if not skipping:
                last = Token("WORD", "", tok.span)  # the dropped block stands as one part
            continue
        if kind == "SEMI":
            if last is None:
                if not after_stray:
                    problems.append(Problem(tok.span, "syntax error near ';' (a `;` that ends no statement)"))
                after_stray = False
                continue
            out.append(tok)
            last = None
            continue
        after_stray = False
        if kind == "LBRACE":
            if len(stack) >= max_depth:
                message = f"blocks nested deeper than {max_depth} levels (halint's limit); the block is not read"
                problems.append(Problem(tok.span, message, "limit"))
                skipping = 1
                continue
            stack.append(tok)
            out.append(tok)
            last = None
        elif kind == "RBRACE":
            if not stack:
                problems.append(Problem(tok.span, "syntax error near '}' (no block is open here)"))
                after_stray = True
                continue
            if last is not None:
                problems.append(Problem(at_end(last), "missing ';' before '}'"))
                out.append(Token("SEMI", "", at_end(last)))
            stack.pop()
            out.append(tok)
            last = tok
        else:
            out.append(tok)
            last = tok
    if stack:
        for open_tok in stack:
            problems.append(
                Problem(open_tok.span, f"the block opened at line {open_tok.span.line} is never closed (missing '}}')")
            )
    elif last is not None:
        problems.append(Problem(at_end(last), "missing ';' before end of file"))
    end_tok = out[-1] if out else None
    at = at_end(end_tok) if end_tok is not None else Span(root, len(root.text), len(root.text))
    for _ in stack:
        if last is not None:
            out.append(Token("SEMI", "", at))
        out.append(Token("RBRACE", "", at))
        last = out[-1]
    if last is not None:
        out.append(Token("SEMI", "", at))
    return out, problems


class _LarkToken(lark.Token):
    """A Lark token that carries ours (and so its span)."""


class _StreamLexer(lark.lexer.Lexer):
    """Hands Lark our tokens; a run of words, strings and `!` goes as one WORDS token."""

    def __init__(self, conf):  # Lark's signature
        pass

    def lex(self, data):
        run: list[Token] = []
        for tok in data:
            if tok.kind in ("WORD", "STRING", "BANG"):
                run.append(tok)
                continue
            if run:
                yield self._token("WORDS", tuple(run))
                run = []
            yield self._token(tok.kind, tok)
        if run:
            yield self._token("WORDS", tuple(run))

    @staticmethod
    def _token(kind: str, tok) -> _LarkToken:
        lark_tok = _LarkToken(kind, kind)
        lark_tok.tok = tok
        return lark_tok


class _Builder(lark.Transformer):
    """Inline transformer: builds :class:`Statement` and :class:`Block` while parsing."""

    def start(self, children):
        return tuple(children)

    def statement(self, children):
        parts: list[Token | Block] = []
        for child in children[:-1]:
            if isinstance(child, lark.Token):
                parts.extend(child.tok)
            else:
                parts.append(child)
        return Statement(tuple(parts), children[-1].tok)

    def block(self, children):
        return Block(children[0].tok, tuple(children[1:-1]), children[-1].tok)


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    grammar = resources.files("halint.grammars").joinpath("named.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", lexer=_StreamLexer, transformer=_Builder())


def _split(statements: tuple[Statement, ...], problems: list[Problem], level: str = "top") -> tuple[Statement, ...]:
    """``zone "a" { ... }`` followed by more words: a `;` is missing after the ``}``.

    Only where every statement of :data:`ENDS_AT_BLOCK` does end with its block: at the top,
    in a view and in a zone (inside ``catalog-zones``, a ``zone`` has words after its block).
    Also, there and in ``options``, a statement starts with a keyword (BIND: "syntax error
    near '{'", "'}' expected near '\"'"); lists such as ``allow-query { ... }`` need not.
    """
    out: list[Statement] = []
    splits = level in ("top", "view", "zone")
    for st in statements:
        while True:
            first = st.parts[0]
            if level != "other" and not (isinstance(first, Token) and first.kind == "WORD"):
                near = first.span.text[:1] if isinstance(first, Token) else "{"
                span = first.span if isinstance(first, Token) else first.open.span
                problems.append(Problem(span, f"syntax error near '{near}' (a statement here starts with a keyword)"))
            index = next((i for i, p in enumerate(st.parts) if isinstance(p, Block)), None)
            if not splits or st.keyword not in ENDS_AT_BLOCK or index is None or index == len(st.parts) - 1:
                out.append(_inner(st, problems, level))
                break
            block = st.parts[index]
            nxt = st.parts[index + 1]
            near = nxt.value if isinstance(nxt, Token) else "{"
            problems.append(Problem(block.close.span, f"missing ';' before '{near}' (after this '}}')"))
            at = Span(block.close.span.source, block.close.span.end, block.close.span.end)
            out.append(_inner(Statement(st.parts[: index + 1], Token("SEMI", "", at)), problems, level))
            st = Statement(st.parts[index + 1 :], st.end)
    return tuple(out)


def _inner(st: Statement, problems: list[Problem], level: str) -> Statement:
    if not any(isinstance(p, Block) for p in st.parts):
        return st
    keyword = st.keyword
    if level == "top" and keyword == "view":
        inner = "view"
    elif level in ("top", "view") and keyword == "zone":
        inner = "zone"
    elif level == "top" and keyword == "options":
        inner = "options"
    else:
        inner = "other"
    parts = tuple(
        Block(p.open, _split(p.statements, problems, inner), p.close) if isinstance(p, Block) else p for p in st.parts
    )
    return Statement(parts, st.end)


def parse_statements(tokens: list[Token], root: Source, limits: Limits = DEFAULT) -> tuple[tuple[Statement, ...], list[Problem]]:
    """The statement tree of a token stream, after repairs (each repair a problem)."""
    repaired, problems = _repair(tokens, root, limits.nesting_depth)
    if not repaired:
        return (), problems
    try:
        tree = _parser().parse(repaired)
    except lark.exceptions.LarkError as err:  # the repair makes this unreachable; never a traceback
        problems.append(Problem(Span(root, 0, 0), f"cannot parse: {err}"))
        return (), problems
    return _split(tree, problems), problems


# -- meaning ------------------------------------------------------------------------------------


def _value(tok: Token | None) -> str | None:
    return tok.value if tok is not None and tok.kind in ("WORD", "STRING") else None


def _setting(block: Block | None, keyword: str) -> Statement | None:
    if block is None:
        return None
    for st in block.statements:
        if st.keyword == keyword:
            return st
    return None


class _Meaning:
    """Options, views and zones out of the statement tree."""

    def __init__(self, reader: _Reader, view: TreeView):
        self.reader = reader
        self.view = view
        self.problems: list[Problem] = []
        self.directory: str | None = None
        self.directory_span: Span | None = None
        self.zones: list[ZoneStatement] = []
        self.views: list[ViewStatement] = []
        self.seen: dict[tuple[str | None, str, str], ZoneStatement] = {}

    def run(self, statements: tuple[Statement, ...]) -> None:
        options: Statement | None = None
        for st in statements:
            if st.keyword == "options":
                if options is not None:
                    self.problems.append(
                        Problem(st.parts[0].span, f"'options' redefined (first at line {options.parts[0].span.line})")
                    )
                    continue
                options = st
                self.options(st)
        for st in statements:
            kw = st.keyword
            if kw == "zone":
                self.zone(st, None)
            elif kw == "view":
                self.view_statement(st)

    def options(self, st: Statement) -> None:
        found = _setting(st.block, "directory")
        if found is None:
            return
        value = _value(found.args[0]) if found.args else None
        if value is None:
            self.problems.append(Problem(found.span, "directory needs a quoted path"))
            return
        base = self.reader.root_dir
        if not value.startswith("/"):
            self.problems.append(
                Problem(
                    found.args[0].span,
                    f'relative directory "{value}": named resolves it against the directory it was started in; '
                    f"assuming {base}",
                    "note",
                )
            )
        self.directory = posixpath.normpath(posixpath.join(base, value))
        self.directory_span = found.args[0].span

    def view_statement(self, st: Statement) -> None:
        args = st.args
        name = _value(args[0]) if args else None
        if name is None or st.block is None:
            self.problems.append(Problem(st.parts[0].span, 'view needs a name and a block: view "name" { ... };'))
            return
        rdclass = (_value(args[1]) or "IN").upper() if len(args) > 1 else "IN"
        self.views.append(ViewStatement(name, args[0].span, rdclass, st.span))
        for inner in st.block.statements:
            if inner.keyword == "zone":
                self.zone(inner, name)
            elif inner.keyword == "view":
                self.problems.append(Problem(inner.parts[0].span, f'a view inside view "{name}": views do not nest'))

    def zone(self, st: Statement, view_name: str | None) -> None:
        args = st.args
        name = _value(args[0]) if args else None
        if name is None:
            self.problems.append(Problem(st.parts[0].span, 'zone needs a name: zone "example.com" { ... };'))
            return
        block = st.block
        if block is None:
            self.problems.append(Problem(args[0].span, f'zone "{name}" has no {{ ... }} block'))
            return
        rdclass = (_value(args[1]) or "IN").upper() if len(args) > 1 else "IN"
        type_st = _setting(block, "type")
        type_tok = type_st.args[0] if type_st is not None and type_st.args else None
        file_st = _setting(block, "file")
        file_tok = file_st.args[0] if file_st is not None and file_st.args else None
        file_value = _value(file_tok)
        masters: list[Token] = []
        for keyword in ("primaries", "masters"):
            listing = _setting(block, keyword)
            if listing is not None and listing.block is not None:
                masters.extend(s.parts[0] for s in listing.block.statements if isinstance(s.parts[0], Token))
        zone = ZoneStatement(
            name=name,
            name_span=args[0].span,
            rdclass=rdclass,
            type=type_tok.value.lower() if type_tok is not None else None,
            type_span=type_tok.span if type_tok is not None else None,
            file=file_value,
            file_span=file_tok.span if file_value is not None else None,
            path=self.zone_path(file_value, file_tok) if file_value else None,
            masters=tuple(masters),
            view=view_name,
            span=st.span,
            statement=st,
        )
        key = (view_name, rdclass, zone.origin.lower())
        if key in self.seen:
            first = self.seen[key]
            self.problems.append(
                Problem(args[0].span, f"zone '{name}': already exists (first at line {first.name_span.line})")
            )
        else:
            self.seen[key] = zone
        self.zones.append(zone)

    def zone_path(self, file: str, tok: Token) -> str:
        if file.startswith("/"):
            return posixpath.normpath(file)
        if self.directory is not None:
            return posixpath.normpath(posixpath.join(self.directory, file))
        candidates = list(dict.fromkeys([self.reader.root_dir, DEBIAN_DIR]))
        chosen = None
        for base in candidates:
            host = posixpath.normpath(posixpath.join(base, file))
            real = self.view.real_path(host, "/")
            if self.view.inside(real) and real.is_file():
                chosen = host
                break
        if chosen is None:
            chosen = posixpath.normpath(posixpath.join(candidates[0], file))
        self.problems.append(
            Problem(
                tok.span,
                f'relative zone file "{file}" and no `directory` option: named opens it in the directory it was '
                f"started in; assuming {chosen}",
                "note",
            )
        )
        return chosen


def parse_named(source: Source, view: TreeView, cache: SourceCache) -> NamedConf:
    """Read one named.conf (and what it includes) into zones, views, options and problems."""
    reader = _Reader(source, view, cache)
    reader.read(source)
    statements, repairs = parse_statements(reader.out, source, cache.limits)
    meaning = _Meaning(reader, view)
    meaning.run(statements)
    problems = reader.problems + repairs + meaning.problems
    return NamedConf(
        source=source,
        sources=tuple(reader.sources),
        directory=meaning.directory,
        directory_span=meaning.directory_span,
        zones=tuple(meaning.zones),
        views=tuple(meaning.views),
        statements=statements,
        includes=tuple(reader.includes),
        problems=tuple(problems),
    )


__all__ = [
    "Block", "Inclusion", "NamedConf", "Problem", "Statement", "Token", "ViewStatement", "ZoneStatement",
    "lex", "named_sniff", "parse_named", "parse_statements",
]
