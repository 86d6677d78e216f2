"""keepalived.conf: token stream -> generic statement tree.

The grammar (grammars/keepalived.lark) is generic: a statement is words with an optional block.
Brace errors are found first (a stack over the brace tokens) and repaired the way keepalived
itself carries on: a ``{`` that follows no keyword is ignored, an extra ``}`` is ignored, blocks
still open at the end of the file are closed there. So one mistake never hides the rest of the
file, and each becomes a KA001 problem with its position.

The repaired stream always fits the grammar, which needs one token of lookahead: :func:`parse`
builds the tree with a stack in one pass over the tokens. Lark's LALR parser over the same
grammar (:func:`parse_with_lark`, the only place this module imports Lark) is the reference a
property test holds the stack builder to. Measured on the 1,000-instance keepalived.conf of
benchmarks/run.py (78,000 tokens): Lark 0.73 s, the stack builder a small fraction of that.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from halint.core.limits import DEFAULT, Limits
from halint.formats.keepalived.reader import Preprocessed, Problem, Token
from halint.core.source import Span


@dataclass(frozen=True, slots=True)
class Block:
    open: Token
    close: Token | None  #: None when the file ended before the block was closed
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    words: tuple[Token, ...]  #: the keyword, then its arguments
    block: Block | None

    @property
    def keyword(self) -> Token:
        return self.words[0]

    @property
    def args(self) -> tuple[Token, ...]:
        return self.words[1:]

    @property
    def span(self) -> Span:
        """From the keyword to the end of its block (or of its last word)."""
        first = self.words[0].span
        last = self.words[-1].span
        block = self.block
        if block is not None:
            # the closing brace; for a block left open, its last statement (or its `{`)
            end = block.close or (block.statements[-1] if block.statements else block.open)
            last = end.span
        return first.cover(last)

    @property
    def line_span(self) -> Span:
        """The statement's own line: keyword and arguments."""
        return self.words[0].span.cover(self.words[-1].span)


@dataclass
class ParseResult:
    statements: tuple[Statement, ...]
    problems: list[Problem]


def _repair(tokens: list[Token], max_depth: int) -> tuple[list[Token], list[Problem]]:
    """Drop stray braces and close open blocks, as keepalived carries on past them.

    Blocks deeper than ``max_depth`` are dropped with their braces (one problem where the
    first one opens), so that hostile nesting costs neither recursion nor a finding per brace."""
    problems: list[Problem] = []
    too_deep = 0  # braces opened beyond max_depth and not yet closed
    out: list[Token] = []
    stack: list[tuple[Token, Token | None]] = []  # (open brace, keyword of its statement)
    last_word_line: Token | None = None  # keyword of the statement a `{` may attach to
    skip_nl = False
    line_first: Token | None = None
    for tok in tokens:
        kind = tok.kind
        if too_deep:  # inside a dropped block: only its braces count
            if kind == "LBRACE":
                too_deep += 1
            elif kind == "RBRACE":
                too_deep -= 1
                skip_nl = True
            continue
        if kind == "NL":
            if skip_nl:
                skip_nl = False
                continue
            out.append(tok)
            if line_first is not None:
                last_word_line = line_first
            line_first = None
            continue
        skip_nl = False
        if kind == "WORD":
            if line_first is None:
                line_first = tok
            out.append(tok)
            continue
        if kind == "LBRACE":
            if last_word_line is None:
                problems.append(
                    Problem("KA001", tok.span, "`{` follows no keyword: keepalived ignores it (\"Unexpected '{'\")")
                )
                skip_nl = True
                continue
            if len(stack) >= max_depth:
                if not too_deep:
                    problems.append(
                        Problem("KA001", tok.span, f"blocks nested deeper than {max_depth} levels (halint's limit): the block is not read")
                    )
                too_deep += 1
                skip_nl = True
                last_word_line = None
                continue
            stack.append((tok, last_word_line))
            last_word_line = None
            out.append(tok)
            continue
        # RBRACE
        last_word_line = None
        if not stack:
            problems.append(Problem("KA001", tok.span, "extra `}`: no block is open here (keepalived: \"Extra '}' found\")"))
            skip_nl = True
            continue
        stack.pop()
        out.append(tok)
    while stack:
        open_tok, keyword = stack.pop()
        name = keyword.value if keyword is not None else "{"
        problems.append(
            Problem(
                "KA001",
                keyword.span if keyword is not None else open_tok.span,
                f"the block of `{name}` opened at line {open_tok.span.line} is never closed",
            )
        )
        end = out[-1].span if out else open_tok.span
        at = Span(end.source, end.end, end.end)
        if out and out[-1].kind != "NL":
            out.append(Token("NL", "", at))
        out.append(Token("RBRACE", "", at))  # synthetic: empty value marks "missing"
        out.append(Token("NL", "", at))
    return out, problems


def parse(pre: Preprocessed, limits: Limits = DEFAULT) -> ParseResult:
    tokens, problems = _repair(pre.tokens, limits.nesting_depth)
    if not tokens:
        return ParseResult((), problems)
    return ParseResult(_build(tokens), problems)


class GrammarError(ValueError):
    """The stream does not fit grammars/keepalived.lark (never after :func:`_repair`)."""


def _build(tokens: list[Token]) -> tuple[Statement, ...]:
    """``start: statement*``, ``statement: WORD+ NL block?``,
    ``block: LBRACE NL statement* RBRACE NL``, with a stack instead of recursion."""
    top: list[Statement] = []
    # one frame per open block: its `{`, the words of the statement it belongs to, and the
    # list of statements the block is in
    frames: list[tuple[Token, tuple[Token, ...], list[Statement]]] = []
    current = top
    words: list[Token] = []
    pending: tuple[Token, ...] | None = None  # a statement whose block may follow
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.kind
        if kind == "WORD":
            if pending is not None:
                current.append(Statement(pending, None))
                pending = None
            words.append(tok)
        elif kind == "NL":
            if not words:
                raise GrammarError(f"unexpected NL at offset {tok.span.start}")
            pending = tuple(words)
            words = []
        elif kind == "LBRACE":
            if pending is None or words or i + 1 >= n or tokens[i + 1].kind != "NL":
                raise GrammarError(f"unexpected `{{` at offset {tok.span.start}")
            frames.append((tok, pending, current))
            current = []
            pending = None
            i += 1  # its NL
        else:  # RBRACE
            if not frames or words or i + 1 >= n or tokens[i + 1].kind != "NL":
                raise GrammarError(f"unexpected `}}` at offset {tok.span.start}")
            if pending is not None:
                current.append(Statement(pending, None))
                pending = None
            open_tok, owner, outer = frames.pop()
            block = Block(open_tok, None if tok.value == "" else tok, tuple(current))
            current = outer
            current.append(Statement(owner, block))
            i += 1  # its NL
        i += 1
    if frames or words:
        raise GrammarError("the stream ends inside a statement or block")
    if pending is not None:
        current.append(Statement(pending, None))
    return tuple(top)


@functools.lru_cache(maxsize=1)
def _lark_parser():
    import lark

    class _LarkToken(lark.Token):
        """A Lark token that carries the preprocessor's token (and so its span)."""

    class _StreamLexer(lark.lexer.Lexer):
        """Hands Lark the tokens the preprocessor made."""

        def __init__(self, conf):  # Lark's signature
            pass

        def lex(self, data):
            for tok in data:
                lark_tok = _LarkToken(tok.kind, tok.value)
                lark_tok.tok = tok
                yield lark_tok

    class _Builder(lark.Transformer):
        """Inline transformer: builds :class:`Statement` while parsing (no intermediate tree)."""

        def start(self, children):
            return tuple(children)

        def statement(self, children):
            words = []
            block = None
            for child in children:
                if isinstance(child, lark.Token):
                    if child.type == "WORD":
                        words.append(child.tok)
                else:
                    block = child
            return Statement(tuple(words), block)

        def block(self, children):
            open_tok = close_tok = None
            statements = []
            for child in children:
                if isinstance(child, lark.Token):
                    if child.type == "LBRACE":
                        open_tok = child.tok
                    elif child.type == "RBRACE":
                        close_tok = None if child.tok.value == "" else child.tok
                else:
                    statements.append(child)
            return Block(open_tok, close_tok, tuple(statements))

    grammar = resources.files("halint.grammars").joinpath("keepalived.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", lexer=_StreamLexer, transformer=_Builder())


def parse_with_lark(pre: Preprocessed, limits: Limits = DEFAULT) -> ParseResult:
    """The same tree as :func:`parse`, built by Lark's LALR parser from the grammar."""
    tokens, problems = _repair(pre.tokens, limits.nesting_depth)
    if not tokens:
        return ParseResult((), problems)
    return ParseResult(_lark_parser().parse(tokens), problems)
