"""keepalived's line reader, with positions: comments, quotes, include, @host, $VAR, ~SEQ/~LST.

keepalived reads its configuration line by line (lib/parser.c, read_line() and its helpers, in
v2.2.7 and v2.4.x): it strips ``#`` / ``!`` comments outside double quotes (``\\#`` and ``\\!``
are literal), drops ``@ID`` lines whose ID is not its config-id (``@^ID``: the reverse), stores
``$NAME=value`` definitions (a trailing ``\\`` continues a definition on the next line),
repeats the rest of a ``~SEQ(var, start, step, end)`` / ``~LST(...)`` line once per value,
replaces ``$NAME`` / ``${NAME}`` (rescanning the replacement, so definitions nest), opens the
files an ``include`` / ``includer`` / ``includem`` / ``includew`` / ``includeb`` / ``includea``
line names (a glob with csh braces, relative to the including file's directory), and finally
puts every ``{`` and ``}`` outside quotes on a line of its own. This module does the same and
keeps, for every character, where it came from, so that a diagnostic points at the original
file and line; text produced by a ``$NAME`` expansion points at the reference.

keepalived opens each file with fopen() and reads it with fgets() (open_conf_file() and
read_line(), v2.2.7 to 2.4.x): a UTF-8 byte-order mark is three bytes of the first line like
any other, so it sticks to the first word (``\ufeffvrrp_script`` is an unknown keyword, and
``\ufeffinclude`` or ``\ufeff$NAME=`` no directive), in the main file and in included ones.
That is how this reader reads it too; with ``skip_bom`` it reads every file from after its mark,
for the configuration as intended (KA008 reports the mark).

The result is a flat stream of :class:`Token` (words, braces, line ends) for the parser.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from halint.core.fsview import GlobResult, SourceCache, TreeView, is_executable
from halint.formats.keepalived.lexer import lex_line
from halint.core.source import Source, SourceError, Span

MAXBUF = 1024  #: keepalived's line buffer (lib/parser.h); longer lines are ignored
BLANKS = " \t"
#: what alloc_strvec() splits words at (WHITE_SPACE in lib/parser.c), where decomment() and the
#: rest of read_line() only know blanks
WHITE_SPACE = " \t\f\n\r\v"
#: characters that need the full reader; anything else on a line is words, blanks and braces
PLAIN_SPECIAL = re.compile(r'["#!\\$@~\x0b\x0c\r]')
PLAIN_TOKEN = re.compile(r"[{}]|[^ \t{}]+")
INCLUDE_RE = re.compile(r"^include([rmwba]?)[ \t\f\n\r\v]")  # is_include(): isspace()
DEF_RE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)=")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  #: "WORD", "LBRACE", "RBRACE" or "NL" (end of a logical line)
    value: str  #: the word without its quotes
    span: Span
    quoted: bool = False
    expanded: Span | None = None  #: the ``$NAME`` reference this word came from, if any


@dataclass(frozen=True)
class Problem:
    """Something the reader found: a syntax error (KA001) or an include problem (KA009)."""

    code: str
    span: Span
    message: str
    severity_hint: str | None = None
    related: tuple[tuple[Span, str], ...] = ()


@dataclass(frozen=True)
class Inclusion:
    """One include line and the files it brought in."""

    span: Span  #: the pattern on the include line
    directive: str  #: include, includer, includem, includew, includeb or includea
    pattern: str
    files: tuple[Path, ...]


@dataclass
class Preprocessed:
    tokens: list[Token] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  #: root first, then included files
    inclusions: list[Inclusion] = field(default_factory=list)
    unreadable: dict[Path, SourceError] = field(default_factory=dict)  #: included, not readable
    conditional_lines: int = 0  #: @ID lines seen (kept or dropped)


class _Text:
    """A line's text and, per character, the source offsets it came from."""

    __slots__ = ("source", "text", "starts", "ends")

    def __init__(self, source: Source, text: str, starts: list[int], ends: list[int]):
        self.source = source
        self.text = text
        self.starts = starts
        self.ends = ends

    @classmethod
    def physical(cls, source: Source, start: int, end: int) -> _Text:
        return cls(source, source.text[start:end], list(range(start, end)), list(range(start + 1, end + 1)))

    def slice(self, i: int, j: int) -> _Text:
        return _Text(self.source, self.text[i:j], self.starts[i:j], self.ends[i:j])

    def span(self, i: int, j: int) -> Span:
        if i >= j:
            at = self.starts[i] if i < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return Span(self.source, at, at)
        return Span(self.source, min(self.starts[i:j]), max(self.ends[i:j]))

    def expanded_in(self, i: int, j: int) -> Span | None:
        for k in range(i, j):
            if self.ends[k] - self.starts[k] != 1:
                return Span(self.source, self.starts[k], self.ends[k])
        return None

    def strip(self) -> _Text:
        i, j = 0, len(self.text)
        while i < j and self.text[i] in BLANKS:
            i += 1
        while j > i and self.text[j - 1] in BLANKS:
            j -= 1
        return self if (i, j) == (0, len(self.text)) else self.slice(i, j)


def _replace(line: _Text, i: int, j: int, value: str, ref: Span) -> _Text:
    """``line`` with characters [i, j) replaced by ``value``, which points at ``ref``."""
    n = len(value)
    return _Text(
        line.source,
        line.text[:i] + value + line.text[j:],
        line.starts[:i] + [ref.start] * n + line.starts[j:],
        line.ends[:i] + [ref.end] * n + line.ends[j:],
    )


def decomment(line: _Text, comment_continues: bool = True) -> tuple[_Text, int | None]:
    """keepalived's decomment(): strip the comment, unescape ``\\#`` / ``\\!``, trim, and keep a
    final ``\\`` that continues the line (see halint.formats.keepalived.lexer for the rules).

    Returns the text and, when a double quote is left open, the index of that quote in the
    *input* line (keepalived logs "Unterminated quote").
    """
    text = line.text
    keep: list[int] = []
    open_quote: int | None = None
    cont: int | None = None
    for lexeme in lex_line(text, 0, comment_continues):
        kind = lexeme.kind
        if kind == "COMMENT":
            continue
        if kind == "CONT":
            cont = lexeme.start
            continue
        if kind == "WS" and not keep:
            continue  # leading blanks
        if kind == "OPEN_STRING":
            open_quote = lexeme.start
        if kind == "WORD" and "\\" in text[lexeme.start : lexeme.end]:
            k = lexeme.start
            while k < lexeme.end:
                if text[k] == "\\" and k + 1 < lexeme.end:
                    if text[k + 1] not in "#!":
                        keep.append(k)
                    keep.append(k + 1)
                    k += 2
                else:
                    keep.append(k)
                    k += 1
            continue
        keep.extend(range(lexeme.start, lexeme.end))
    while keep and text[keep[-1]] in BLANKS:
        keep.pop()
    if cont is not None:
        keep.append(cont)
    if len(keep) == len(text):
        return line, open_quote
    out = _Text(
        line.source,
        "".join(text[k] for k in keep),
        [line.starts[k] for k in keep],
        [line.ends[k] for k in keep],
    )
    return out, open_quote


@dataclass
class _Def:
    value: str  #: lines separated by "\n" for a multi-line definition
    multiline: bool
    span: Span | None  #: where it was defined (None: keepalived's own)
    params: int = 0  #: how many parameters a standard definition accepts


class _Frame:
    __slots__ = ("source", "host_dir")

    def __init__(self, source: Source, host_dir: str):
        self.source = source
        self.host_dir = host_dir


class Preprocessor:
    """Reads one keepalived configuration for one host (config-id)."""

    def __init__(self, view: TreeView, sources: SourceCache, config_id: str | None, skip_bom: bool = False):
        self.view = view
        self.sources = sources
        self.config_id = config_id
        self.skip_bom = skip_bom  #: read each file from after its byte-order mark (as intended)
        self.limits = sources.limits
        self.include_reads = 0  #: files read through includes so far (limits.includes)
        self.out = Preprocessed()
        self.defs: dict[str, _Def] = {
            "_HASH": _Def("#", False, None),
            "_BANG": _Def("!", False, None),
            "_INSTANCE": _Def(config_id or "", False, None),
            "_RANDOM": _Def("1", False, None, params=2),
            "_ENV": _Def("", False, None, params=1),
        }
        self.stack: list[_Frame] = []
        self.pending_def: _Def | None = None
        self.seq_lines = 0
        self.open_quote_lines: set[tuple[int, int]] = set()  #: (id(source), line) reported

    # -- entry point -------------------------------------------------------------------------

    def run(self, root: Source) -> Preprocessed:
        self._read_file(root, include_span=None)
        self._emit_nl()
        return self.out

    # -- files -------------------------------------------------------------------------------

    def _read_file(self, source: Source, include_span: Span | None) -> None:
        self.out.sources.append(source)
        self.stack.append(_Frame(source, _dirname(self.view.host_path(source.path))))
        try:
            text = source.text
            start = source.content_start if self.skip_bom else 0
            length = len(text)
            while start <= length:
                nl = text.find("\n", start)
                end = length if nl == -1 else nl
                line_end = end
                while line_end > start and text[line_end - 1] in "\r\n":
                    line_end -= 1
                if start < line_end or nl != -1 or start < length:
                    self._fgets(source, start, end, nl != -1)
                if nl == -1:
                    break
                start = nl + 1
        finally:
            self.stack.pop()
            self.pending_def = None if not self.stack else self.pending_def

    def _fgets(self, source: Source, start: int, end: int, newline: bool) -> None:
        """One line of the file, ``[start, end)`` without its ``\\n``, read as keepalived's
        fgets(buf, MAXBUF) reads it: at most MAXBUF - 1 bytes at a time, so a longer line
        comes in pieces that keepalived handles as lines of their own; each piece loses the
        ``\\r`` / ``\\n`` at its end."""
        text = source.text
        limit = MAXBUF - 1
        if (end - start) * 4 + 1 <= limit or len(text[start:end].encode(source.encoding, "replace")) + newline <= limit:
            self._physical(source, start, _rstrip_eol(text, start, end))
            return
        pieces: list[tuple[int, int]] = []
        piece, used = start, 0
        for k in range(start, end):
            size = len(text[k].encode(source.encoding, "replace"))
            if used + size > limit:
                pieces.append((piece, k))
                piece, used = k, 0
            used += size
        pieces.append((piece, end))
        if newline and used == limit:
            pieces.append((end, end))  # the `\n` alone: an empty line for keepalived
        content = [p for p in pieces if p[0] < _rstrip_eol(text, p[0], p[1])]
        if len(content) > 1:
            size = len(text[start:end].encode(source.encoding, "replace"))
            self._problem(
                "KA001",
                Span(source, start, _rstrip_eol(text, start, end)),
                f"line of {size} bytes: keepalived reads at most {limit} bytes of a line at a time "
                f"and reads the rest as {len(pieces) - 1} further line(s)",
            )
        for first, last in pieces:
            self._physical(source, first, _rstrip_eol(text, first, last))

    def _physical(self, source: Source, start: int, end: int) -> None:
        if start == end:
            if self.pending_def is not None:  # an empty line ends a multi-line definition
                self._end_definition()
            return
        if self.pending_def is None and self._plain(source, start, end):
            return
        line, open_quote = decomment(_Text.physical(source, start, end))
        if open_quote is not None:
            at = start + open_quote
            self.open_quote_lines.add((id(source), source.position(at)[0]))
            self._problem("KA001", Span(source, at, at + 1), "unterminated quote: this `\"` is never closed on its line")
        if not line.text:
            return
        if self.pending_def is not None:
            self._continue_definition(line.text)
            return
        self._logical(line)

    def _plain(self, source: Source, start: int, end: int) -> bool:
        """The fast path for the common line with only words and braces: no quote, comment,
        escape, ``$``, ``@``, ``~`` or include, so the reader's rules reduce to splitting at
        blanks and braces. Emits the tokens and returns True, or returns False."""
        text = source.text
        if PLAIN_SPECIAL.search(text, start, end) or "include" in text[start:end]:
            return False
        tokens = self.out.tokens
        for match in PLAIN_TOKEN.finditer(text, start, end):
            value = match.group()
            span = Span(source, match.start(), match.end())
            if value == "{" or value == "}":  # a brace is a line of its own
                self._emit_nl()
                tokens.append(Token("LBRACE" if value == "{" else "RBRACE", value, span))
                self._emit_nl()
            else:
                tokens.append(Token("WORD", value, span))
        self._emit_nl()
        return True

    def _continue_definition(self, text: str) -> None:
        pending = self.pending_def
        assert pending is not None
        if text.endswith("\\"):
            body = text[:-1].rstrip(BLANKS)
            if body:
                pending.value += body + "\n"
        else:
            self._end_definition()
            pending.value += text

    def _end_definition(self) -> None:
        """read_line(): a multi-line definition that got no text before its last line is a
        plain one (keepalived clears ``multiline`` when ``value_len`` is 0)."""
        pending = self.pending_def
        assert pending is not None
        if not pending.value:
            pending.multiline = False
        self.pending_def = None

    # -- one logical line ----------------------------------------------------------------------

    def _logical(self, line: _Text, allow_at: bool = True) -> None:
        """Read one logical line to the end: what keepalived reads again (the rest after a
        brace, an expanded line that starts with @ or still holds a $, the further lines of a
        multi-line definition) waits on a stack, so no input nests Python calls."""
        work: list[tuple[_Text, bool]] = [(line, allow_at)]
        expansions = 0
        while work:
            line, allow_at = work.pop()
            if self._logical_step(line, allow_at, work):
                expansions += 1
                if expansions > self.limits.line_expansions:
                    self._problem(
                        "KA001",
                        line.span(0, len(line.text)),
                        f"the definitions on this line expand again more than {self.limits.line_expansions} "
                        "times (a definition that doubles itself, or brings itself back): keepalived never "
                        "finishes reading it; halint stops here",
                    )
                    return

    def _logical_step(self, line: _Text, allow_at: bool, work: list[tuple[_Text, bool]]) -> bool:
        """One pass of read_line() over ``line``; what is left to read goes on ``work`` (a
        stack: pushed last, read first). True when definitions were expanded in it."""
        text = line.text
        if allow_at and text.startswith("@"):
            self.out.conditional_lines += 1
            reverse = text.startswith("@^")
            ofs = 2 if reverse else 1
            cut = _find_blank(text, ofs)
            if cut == -1:
                return
            ident = text[ofs:cut]
            mismatch = self.config_id is None or ident != self.config_id
            if mismatch != reverse:
                return
            rest = cut
            while rest < len(text) and text[rest] in BLANKS:
                rest += 1
            line = line.slice(rest, len(text))
            text = line.text
            if not text:
                return False
        if text.startswith("$"):
            match = DEF_RE.match(text)
            if match:
                self._define(line, match)
                return False
        if text.startswith("~SEQ") or text.startswith("~LST"):
            self._sequence(line)
            return False
        if text.startswith("~"):
            self._split_braces(line, work)
            return False
        expanded = False
        if "$" in text:
            line, extra, changed, complete = self._expand(line)
            # the other lines of a multi-line definition come after this one
            work.extend((more, True) for more in reversed(extra))
            if complete and changed and line.text and (line.text.startswith("@") or "$" in line.text):
                # keepalived 2.2.7 re-reads an expanded line that starts with @ or still has a $
                work.append((line, True))
                return True
            expanded = changed or not complete
        if line.text:
            match = INCLUDE_RE.match(line.text)
            if match:
                self._include(line, match)
            else:
                self._split_braces(line, work)
        return expanded

    def _define(self, line: _Text, match: re.Match) -> None:
        name = match.group(1)
        value = line.text[match.end() :].lstrip(BLANKS)
        span = line.span(0, len(line.text))
        if value.endswith("\\"):
            first = value[:-1].rstrip(BLANKS)
            definition = _Def(first + "\n" if first else "", True, span)
            self.pending_def = definition
        else:
            definition = _Def(value, False, span)
        self.defs[name] = definition

    def _expand(self, line: _Text) -> tuple[_Text, list[_Text], bool, bool]:
        """Replace every ``$NAME`` / ``${NAME}`` (replace_param()).

        Returns the line, for a multi-line definition its further lines (which point at the
        reference), whether anything was replaced, and whether replace_param() finished: when a
        replacement would make the line MAXBUF bytes or more, keepalived stops there and reads
        the line as it stands (not decommented again, not rescanned, without further lines).
        """
        pos = 0
        count = 0
        extra: list[_Text] = []
        changed = False
        while True:
            pos = line.text.find("$", pos)
            if pos == -1 or pos + 1 >= len(line.text):
                break
            found = self._find_reference(line.text, pos)
            if found is None:
                pos += 1
                continue
            name, end, definition = found
            count += 1
            value = definition.value
            if definition.multiline:
                value, _, rest = value.partition("\n")
            if count > self.limits.line_expansions:
                self._problem(
                    "KA001",
                    line.span(pos, end),
                    f"`${name}` keeps expanding without end (a definition that refers to itself): "
                    "keepalived never finishes reading this line",
                )
                return line, [], changed, False
            if len(line.text) - (end - pos) + len(value) >= MAXBUF:
                self._problem(
                    "KA001",
                    line.span(pos, end),
                    f"replacing `${name}` would make this line longer than {MAXBUF - 1} characters (a "
                    "definition that refers to itself?): keepalived stops replacing here and reads "
                    "the line as it stands",
                )
                return line, [], changed, False
            ref = line.span(pos, end)
            if definition.multiline:
                extra = [
                    _Text(line.source, more, [ref.start] * len(more), [ref.end] * len(more))
                    for more in rest.split("\n")
                    if more
                ]
            line = _replace(line, pos, end, value, ref)
            changed = True
            if value.lstrip(BLANKS).startswith("~"):
                break
        if not changed:
            return line, [], False, True
        line, _ = decomment(line)
        return line, extra, True, True

    def _find_reference(self, text: str, pos: int) -> tuple[str, int, _Def] | None:
        """keepalived's find_definition() for a ``$`` at ``pos``: (name, end, definition)."""
        i = pos + 1
        braces = text[i] == "{"
        if braces:
            i += 1
        if i >= len(text) or not (_c_isalpha(text[i]) or text[i] == "_"):
            return None
        j = i + 1
        while j < len(text) and (_c_isalpha(text[j]) or text[j] in DIGITS or text[j] == "_"):
            j += 1
        name = text[i:j]
        params = False
        if braces:
            # only spaces and decimal digits (the parameters of ${_RANDOM min max}) may stand
            # between the name and the `}`, and the parameters may not end with a space
            k = j
            param_end = -1
            while k < len(text) and (text[k] == " " or text[k] in DIGITS):
                if text[k] != " ":
                    param_end = k
                k += 1
            params = param_end != -1
            if params and param_end + 1 != k:
                return None
            if k >= len(text) or text[k] != "}":
                return None
            # replace_param() replaces through the `}` after parameters; without them it
            # replaces len(NAME) + 3 characters, so `${X }` leaves its `}` behind
            end = k + 1 if params else j + 1
            alone = j + 1 == len(text)
        else:
            if j < len(text) and text[j] not in " \t,)":
                return None
            end = j
            alone = j == len(text)
        if name == "_PWD" and "_PWD" not in self.defs:
            definition = _Def(self.stack[-1].host_dir if self.stack else "/", False, None)
        else:
            definition = self.defs.get(name)
        if definition is None:
            return None
        if definition.multiline and not alone:
            return None
        if params and definition.params == 0:
            return None
        return name, end, definition

    def _sequence(self, line: _Text) -> None:
        text = line.text
        if text.startswith("~SEQ") and "$" in text[: text.find(")") + 1]:
            # add_seq() replaces definitions in the parameters (not in the repeated text)
            close = text.find(")")
            params = _Text(line.source, text[: close + 1], line.starts[: close + 1], line.ends[: close + 1])
            head = self._expand(params)[0]
            line = _Text(
                line.source,
                head.text + text[close + 1 :],
                head.starts + line.starts[close + 1 :],
                head.ends + line.ends[close + 1 :],
            )
            text = line.text
        most = self.limits.sequence_values
        parsed = _parse_seq(text, most) if text.startswith("~SEQ") else _parse_lst(text)
        kind = text[:4]
        if isinstance(parsed, str):
            self._problem("KA001", line.span(0, len(text)), f"invalid {kind}: {parsed}")
            return
        assignments, template_at = parsed
        template = line.slice(template_at, len(text))
        if len(assignments) > most:
            self._problem("KA001", line.span(0, template_at), f"{kind} would produce {len(assignments)} lines (halint's limit: {most})")
            return
        for values in assignments:
            self.seq_lines += 1
            if self.seq_lines > most:
                self._problem("KA001", line.span(0, template_at), f"{kind} lines exceed {most} in this file (halint's limit)")
                return
            for name, value in values:
                self.defs[name] = _Def(value, False, line.span(0, template_at))
            if template.text:
                self._logical(template)

    def _include(self, line: _Text, match: re.Match) -> None:
        directive = "include" + match.group(1)
        rest = match.end()
        while rest < len(line.text) and line.text[rest] in BLANKS:
            rest += 1
        pattern = line.text[rest:]
        span = line.span(rest, len(line.text)) if pattern else line.span(0, len(line.text))
        shown = span.text.strip() or pattern  # as written, before any $NAME expansion
        strict = directive != "include"
        hint = "error" if strict else "warning"
        frame = self.stack[-1]
        if not pattern:
            self._problem("KA009", span, f"`{directive}` names no file", hint)
            return
        quoted = pattern.startswith('"') or pattern.startswith("'")
        result: GlobResult = self.view.glob(pattern, frame.host_dir)
        for host_path in result.outside:
            self._problem(
                "KA009",
                span,
                f"`{directive} {shown}` resolves to {host_path}, outside the checked tree: "
                "halint does not read it",
                "error",
            )
        for host_path in result.directories:
            self._problem("KA009", span, f"`{directive} {shown}` matches the directory {host_path}: keepalived skips it", hint)
        opened: list[Path] = []
        for path in result.matches:
            host_path = self.view.host_path(path)
            if any(f.source.path == path for f in self.stack):
                self._problem(
                    "KA009",
                    span,
                    f"include cycle: {host_path} includes itself (through `{directive} {shown}`)",
                    "error",
                )
                continue
            if len(self.stack) >= self.limits.include_depth:
                self._problem("KA009", span, f"includes nested deeper than {self.limits.include_depth} files (halint's limit)", "error")
                continue
            if self.include_reads >= self.limits.includes:
                if self.include_reads == self.limits.includes:  # said once
                    self._problem(
                        "KA009", span,
                        f"more than {self.limits.includes} files read through includes, re-reads counted "
                        "(halint's limit, [limits] includes: files that include each other many times over); "
                        "not read from here on",
                        "error",
                    )
                    self.include_reads += 1
                continue
            self.include_reads += 1
            if is_executable(path):
                self._problem(
                    "KA009",
                    span,
                    f"{host_path} is executable: keepalived skips executable configuration files",
                    hint,
                )
                continue
            loaded = self.sources.get(path)
            if isinstance(loaded, SourceError):
                self.out.unreadable[path] = loaded
                self._problem("KA009", span, f"{host_path} cannot be read ({loaded}): keepalived skips it", hint)
                continue
            opened.append(path)
            self._read_file(loaded, span)
        if not result.matches and not result.outside and not result.directories:
            why = "no file matches" if result.wildcards and not result.missing else "the file does not exist"
            note = " (keepalived does not remove quotes from include paths)" if quoted else ""
            effect = "keepalived silently skips it" if not strict else f"keepalived reports an error for `{directive}`"
            self._problem("KA009", span, f"`{directive} {shown}`: {why}{note}; {effect}", hint)
        self.out.inclusions.append(Inclusion(span, directive, shown, tuple(opened)))

    # -- braces and words -----------------------------------------------------------------------

    def _split_braces(self, line: _Text, work: list[tuple[_Text, bool]]) -> None:
        """Put each ``{`` / ``}`` outside double quotes on a line of its own (read_line());
        keepalived runs the rest after a brace through read_line() again: it goes on ``work``."""
        text = line.text
        if not text:
            return
        if text[0] in "{}":
            self._emit_brace(line, 0)
            rest = 1
            while rest < len(text) and text[rest] in BLANKS:
                rest += 1
            if rest < len(text):
                residue = line.slice(rest, len(text)).strip()
                if residue.text:
                    work.append((residue, True))
            return
        cut = _find_brace(text)
        if cut == -1:
            self._emit_words(line)
            return
        head = line.slice(0, cut).strip()
        if head.text:
            self._emit_words(head)
        residue = line.slice(cut, len(text)).strip()
        if residue.text:
            work.append((residue, True))

    def _emit_brace(self, line: _Text, i: int) -> None:
        kind = "LBRACE" if line.text[i] == "{" else "RBRACE"
        self._emit_nl()
        self.out.tokens.append(Token(kind, line.text[i], line.span(i, i + 1), expanded=line.expanded_in(i, i + 1)))
        self._emit_nl()

    def _emit_words(self, line: _Text) -> None:
        """keepalived's alloc_strvec(): words split at blanks and ``"``; ``"..."`` is one word."""
        text = line.text
        n = len(text)
        i = 0
        emitted = False
        tokens = self.out.tokens
        while i < n:
            while i < n and text[i] in WHITE_SPACE:
                i += 1
            if i >= n:
                break
            if text[i] == '"':
                close = text.find('"', i + 1)
                if close == -1:
                    # keepalived: "Unmatched quote"; the words from here on are lost. decomment()
                    # may have reported this line already ("Unterminated quote"); it is not
                    # when an expansion opened the quote, or when a `\\"` closed it for
                    # decomment(), which skips escape pairs, but not for alloc_strvec(), which
                    # does not
                    span = line.span(i, i + 1)
                    if (id(span.source), span.line) not in self.open_quote_lines:
                        why = "after $ expansion" if line.expanded_in(i, i + 1) is not None else (
                            "when keepalived splits the line into words (`\\\"` does not escape a quote there)"
                        )
                        self._problem("KA001", span, f"unterminated quote {why}: keepalived ignores the rest of the line")
                    break
                tokens.append(Token("WORD", text[i + 1 : close], line.span(i, close + 1), True, line.expanded_in(i, close + 1)))
                emitted = True
                i = close + 1
            else:
                j = i
                while j < n and text[j] not in WHITE_SPACE and text[j] != '"':
                    j += 1
                tokens.append(Token("WORD", text[i:j], line.span(i, j), False, line.expanded_in(i, j)))
                emitted = True
                i = j
        if emitted:
            self._emit_nl()

    def _emit_nl(self) -> None:
        tokens = self.out.tokens
        if tokens and tokens[-1].kind != "NL":
            last = tokens[-1].span
            tokens.append(Token("NL", "", Span(last.source, last.end, last.end)))

    def _problem(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        self.out.problems.append(Problem(code, span, message, hint))


DIGITS = "0123456789"


def _c_isalpha(ch: str) -> bool:
    """isalpha() in the C locale keepalived runs in: ASCII letters only."""
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _rstrip_eol(text: str, start: int, end: int) -> int:
    """read_line() drops every ``\\r`` and ``\\n`` at the end of what fgets() read."""
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    return end


def _find_blank(text: str, start: int) -> int:
    for k in range(start, len(text)):
        if text[k] in BLANKS:
            return k
    return -1


def _find_brace(text: str) -> int:
    """First ``{`` or ``}`` outside double quotes, or -1 (an open quote hides the rest)."""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "{}":
            return i
        if ch == '"':
            close = text.find('"', i + 1)
            if close == -1:
                return -1
            i = close + 1
            continue
        i += 1
    return -1


def _dirname(host_path: str) -> str:
    head, _, _ = host_path.rpartition("/")
    return head or "/"


def _c_long(text: str, i: int) -> tuple[int | None, int]:
    """strtol(text + i, &end, 0): leading blanks, sign, 0x hex / 0 octal / decimal."""
    m = re.compile(r"[ \t]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)").match(text, i)
    if not m:
        return None, i
    sign, digits = m.group(1), m.group(2)
    if digits.lower().startswith("0x"):
        value = int(digits, 16)
    elif digits.startswith("0") and len(digits) > 1:
        value = int(digits, 8)
    else:
        value = int(digits)
    return (-value if sign == "-" else value), m.end()


def _parse_seq(text: str, most: int) -> tuple[list[list[tuple[str, str]]], int] | str:
    """~SEQ(var, start, step, end) / ~SEQ(var, start, end) / ~SEQ(var, end); ~SEQx: hex."""
    i = 4
    hexa = text.startswith("~SEQx")
    if hexa:
        i += 1
    while i < len(text) and text[i] in BLANKS:
        i += 1
    if i >= len(text) or text[i] != "(":
        return "expected `(`"
    i += 1
    while i < len(text) and text[i] in BLANKS:
        i += 1
    var_start = i
    while i < len(text) and text[i] not in " \t,)":
        i += 1
    var = text[var_start:i]
    while i < len(text) and text[i] in BLANKS:
        i += 1
    if not var or var.startswith("{") or i >= len(text) or text[i] == ")":
        return "expected a variable name and numbers"
    close = text.find(")", i)
    if close == -1:
        return "missing `)`"
    numbers: list[int] = []
    j = i + 1
    while True:
        value, j2 = _c_long(text, j)
        if value is None:
            return "expected a number"
        numbers.append(value)
        j = j2
        while j < len(text) and text[j] in BLANKS:
            j += 1
        if j < len(text) and text[j] == ")":
            break
        if j >= len(text) or text[j] != "," or len(numbers) == 3:
            return "expected `,` or `)`"
        j += 1
    if len(numbers) == 1:
        end = numbers[0]
        step = -1 if end < 1 else 1
        start = -1 if end < 0 else 1
    elif len(numbers) == 2:
        start, end = numbers
        step = 1 if start <= end else -1
    else:
        start, step, end = numbers
        if step == 0 or (start < end and step < 0) or (start > end and step > 0):
            return f"step {step} never goes from {start} to {end}"
    if hexa and (start < 0 or end < 0):
        return "~SEQx takes positive numbers only"
    count = (end - start) // step + 1 if (end - start) * step >= 0 else 0
    if count > most:
        return f"{count} values (halint stops at {most})"
    values = []
    current = start
    for _ in range(count):
        values.append([(var, format(current, "x") if hexa else str(current))])
        current += step
    k = j + 1
    while k < len(text) and text[k] in BLANKS:
        k += 1
    return values, k


def _parse_lst(text: str) -> tuple[list[list[tuple[str, str]]], int] | str:
    """~LST(var, v1, v2, ...) or ~LST({a, b}, {1, 2}, {3, 4}), exactly as add_lst() reads it:
    names and values end at blanks, ``,``, ``}`` (and ``)`` for values); a set with fewer values
    than names leaves the rest blank; anything else is invalid."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    def blanks(k: int) -> int:
        while k < n and text[k] in BLANKS:
            k += 1
        return k

    def upto(k: int, stops: str) -> int:
        while k < n and text[k] not in stops:
            k += 1
        return k

    p = blanks(4)
    if at(p) != "(":
        return "expected `(`"
    p = blanks(p + 1)
    end_char = ","
    if at(p) == "{":
        end_char = "}"
        p = blanks(p + 1)
    names: list[str] = []
    while True:
        q = upto(p, " \t,}")
        names.append(text[p:q])
        p = blanks(q)
        if at(p) == end_char:
            break
        if at(p) != ",":
            return "expected `,` between the variable names"
        p = blanks(p + 1)
    if at(p) == "}":
        p = blanks(p + 1)
    if at(p) != ",":
        return "expected `,` after the variable names"
    p = blanks(p + 1)
    value_sets: list[list[tuple[str, str]]] = []
    while True:
        end_char = ","
        if at(p) == "{":
            end_char = "}"
            p = blanks(p + 1)
        values: list[str] = []
        while True:
            q = upto(p, " \t,})")
            values.append(text[p:q])
            p = blanks(q)
            if at(p) == end_char or (at(p) == ")" and end_char == ","):
                break
            if at(p) != ",":
                return "expected `,` between the values"
            p = blanks(p + 1)
            if len(values) > len(names) - 1:
                return "too many values in a set"
        values += [""] * (len(names) - len(values))
        value_sets.append(list(zip(names, values)))
        if at(p) == "}" and end_char == "}":
            p = blanks(p + 1)
        if at(p) == ")":
            break
        if at(p) != ",":
            return "expected `,` or `)` after a set of values"
        p = blanks(p + 1)
    return value_sets, blanks(p + 1)


def preprocess(root: Source, view: TreeView, sources: SourceCache, config_id: str | None,
               skip_bom: bool = False) -> Preprocessed:
    """The token stream of ``root`` (and what it includes) as keepalived reads it on one host;
    with ``skip_bom``, as it would read it if no file started with a byte-order mark."""
    return Preprocessor(view, sources, config_id, skip_bom).run(root)
