"""Small helpers shared by the keepalived rules: naming blocks, line ranges, typo notes."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.keepalived.model import Cut, KaConfig, Typo, vrrp_version  # noqa: F401  (vrrp_version re-exported)
from halint.formats.keepalived.parser import Statement
from halint.core.source import Span
from halint.rules.phrases import file_line


def lines(span: Span) -> str:
    first = span.source.position(span.start)[0]
    last = span.source.position(max(span.start, span.end - 1))[0]
    return f"line {first}" if first == last else f"lines {first}-{last}"


def line_of(span: Span, at: Span) -> str:
    """"line 11", or "scripts.conf line 11" when ``span`` is in another file than ``at`` (a file's
    name, never a path relative to the current directory)."""
    return f"line {span.line}" if span.source is at.source else file_line(span, None)


def are(text: str) -> str:
    """The verb for a :func:`lines` phrase: "line 7 is", "lines 7-9 are"."""
    return "are" if text.startswith("lines") else "is"


def _applied_below(config: KaConfig, statements) -> bool:
    applied = {id(a.statement) for a in config.applied}
    stack = list(statements)
    while stack:
        stmt = stack.pop()
        if id(stmt) in applied:
            return True
        if stmt.block is not None:
            stack.extend(stmt.block.statements)
    return False


def _place(stmt: Statement) -> tuple[int, int]:
    span = stmt.keyword.span
    return id(span.source), span.start


def cut_chain(effective: KaConfig, culprit: Statement) -> list[Cut]:
    """The blocks keepalived ends early because of ``culprit``'s ``}``: the first is the block
    holding ``culprit``; when that block's own ``}`` then ends *its* parent, that cut follows
    (an unknown block inside ``authentication`` ends ``authentication``, whose ``}`` then ends
    the ``vrrp_instance``), and so on up to the top level. ``culprit`` may come from the
    intended config read apart (past a byte-order mark): it is then found by its place."""
    if id(culprit) in effective.parent_of:
        key, by_culprit = id, {id(c.culprit): c for c in effective.cuts}
    else:
        key, by_culprit = _place, {_place(c.culprit): c for c in effective.cuts}
    chain: list[Cut] = []
    cut = by_culprit.get(key(culprit))
    while cut is not None and all(c is not cut for c in chain):
        chain.append(cut)
        cut = by_culprit.get(key(cut.owner))
    return chain


def ignored_effect(effective: KaConfig, stmt: Statement, nested: bool) -> tuple[str, tuple[Related, ...]]:
    """What keepalived does with the block of ``stmt``, a keyword it does not know (``nested``:
    inside another block), in words, and the lines it then reads outside that block."""
    if stmt.block is None:
        return "keepalived ignores this line", ()
    if not nested:
        return f"keepalived ignores its whole block ({lines(stmt.span)})", ()
    chain = cut_chain(effective, stmt)
    if not chain:
        return f"keepalived ignores its block ({lines(stmt.span)})", ()
    what, related = cut_effect(effective, chain)
    return f"keepalived ignores it, reads its block's lines as part of {named(chain[0].owner)}, and {what}", related


def cut_effect(effective: KaConfig, chain: list[Cut]) -> tuple[str, tuple[Related, ...]]:
    """What the cuts of :func:`cut_chain` do, in words, and the lines read outside each block."""
    parts: list[str] = []
    related: list[Related] = []
    for i, cut in enumerate(chain):
        owner = named(cut.owner)
        text = f"its `}}` ends {owner} early" if i == 0 else f"the `}}` of {named(cut.culprit)} then ends {owner} early"
        if cut.orphaned:
            span = cut.orphaned[0].span.cover(cut.orphaned[-1].span)
            where = lines(span)
            fate = "one level up" if _applied_below(effective, cut.orphaned) else "outside it and ignored"
            text += f": {where} {are(where)} then read {fate}"
            related.append(Related(span, f"read outside {owner}"))
        parts.append(text)
    return "; ".join(parts), tuple(related)


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
    if typo.bom:
        return (
            f" (inside `{typo.word.text}` at line {typo.word.span.line}, which keepalived ignores "
            f"until the byte-order mark at the start of {typo.word.span.source.path.name} is removed)"
        )
    return (
        f" (inside `{typo.word.text}` at line {typo.word.span.line}, which keepalived ignores "
        f"until it is corrected to `{typo.intended}`)"
    )


def with_hidden(note: str, typo: Typo | None) -> str:
    """A finding's note followed by :func:`hidden_note` (in parentheses), or the typo's words alone
    when the note is empty."""
    hidden = hidden_note(typo).strip()
    if not hidden:
        return note
    return f"{note} {hidden}" if note else hidden[1:-1]


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
