"""Small helpers shared by the keepalived rules: naming blocks, line ranges, typo notes."""
from __future__ import annotations

from halint.model.keepalived import KaConfig, Typo
from halint.parse.keepalived import Statement
from halint.source import Span


def lines(span: Span) -> str:
    first = span.source.position(span.start)[0]
    last = span.source.position(max(span.start, span.end - 1))[0]
    return f"line {first}" if first == last else f"lines {first}-{last}"


def named(stmt: Statement) -> str:
    """`vrrp_instance VI_1`, or `global_defs`."""
    words = [stmt.keyword.value] + ([stmt.args[0].value] if stmt.args else [])
    return "`" + " ".join(words) + "`"


def context_name(context: str) -> str:
    return "the top level" if context == "top" else f"`{context}`"


def hidden_note(typo: Typo | None) -> str:
    """For what exists only in the intended config: the typo that hides it from keepalived."""
    if typo is None:
        return ""
    return (
        f" (inside `{typo.word.text}` at line {typo.word.span.line}, which keepalived ignores "
        f"until it is corrected to `{typo.intended}`)"
    )


def typo_above(config: KaConfig, stmt: Statement) -> Typo | None:
    """The corrected typo among ``stmt``'s enclosing statements, if any (intended version)."""
    return config.typo_above(stmt)


def whole_line(span: Span) -> Span:
    """The lines holding ``span`` with their line break, when nothing else is on them
    (comments aside); else ``span`` itself. For fixes that remove a statement."""
    text = span.source.text
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    end = len(text) if end == -1 else end + 1
    before = text[start : span.start]
    after = text[span.end : end].rstrip("\r\n")
    after_code = after.split("#", 1)[0].split("!", 1)[0]
    if before.strip() or after_code.strip():
        return span
    return Span(span.source, start, end)
