"""KA002 unknown-keyword: a keyword keepalived does not know in its block, reported once at its
root (its block's lines are not reported again), with what keepalived does instead."""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Safety
from halint.formats.keepalived.model import KaUnit, Unknown
from halint.formats.keepalived.evaluate import correction_for
from halint.formats.keepalived.schema import load_schema
from halint.rules.base import rule
from halint.rules.keepalived.common import (
    context_name,
    ignored_effect,
    typo_above,
    with_hidden,
)


def _or(names) -> str:
    quoted = [context_name(n) if n == "top" else f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


#: blocks whose lines may hold secrets: an unknown word there may be a password on its own line
SECRET_CONTEXTS = ("vrrp_authentication", "vrrp_auth_hmac")


def _head(unknown: Unknown) -> tuple[str, str, str]:
    """What is wrong (the message); for the note, why keepalived reads it so (said before what
    keepalived does) and keepalived's own words (after it)."""
    keyword = unknown.statement.keyword.value
    if unknown.context in SECRET_CONTEXTS and not unknown.candidates and not unknown.elsewhere:
        return (
            f"a word that is no keyword of `{unknown.context}` ({len(keyword)} characters, redacted)",
            "in this block it may be a password written on a line of its own", "",
        )
    if keyword == "\\":
        return (
            "a line that holds only `\\`",
            (
                "a `\\` at the end of the line before it (even inside a comment, up to keepalived 2.3) continues "
                "that line, which keepalived then reads as the unknown keyword `\\`"
            ),
            "",
        )
    if unknown.elsewhere:
        places = list(unknown.elsewhere)
        schema = load_schema()
        current = [c for c in places if schema.lookup(c, keyword).deprecated is None]
        if not current:  # valid elsewhere only under a name keepalived calls deprecated
            said = schema.lookup(places[0], keyword).deprecated
            quote = f"(where it is valid, keepalived says \"{said.said()}\")"
            if unknown.correction is not None:
                return f"`{keyword}` is not a keyword of `{unknown.context}`: use `{unknown.correction}`", "", quote
            head = f"`{keyword}` is not valid in {context_name(unknown.context)}"
            homes = [c for c in schema.contexts_having(said.use) if schema.lookup(c, said.use).deprecated is None]
            if said.rename and homes:
                return f"{head}: its current name `{said.use}` belongs in {_or(homes[:3])}", "", quote
            return f"{head}: it is a deprecated keyword of {_or(places[:3])}", "", quote
        places = current
        more = f" and {len(places) - 3} other blocks" if len(places) > 3 else ""
        return f"`{keyword}` is not valid in {context_name(unknown.context)}: it belongs in {_or(places[:3])}{more}", "", ""
    head = f"`{keyword}` is not a keepalived keyword"
    if unknown.context != "top":
        head += f" of `{unknown.context}`"
    if unknown.candidates:
        head += f" (did you mean {_or(unknown.candidates[:3])}?)"
    return head, "", ""


@rule("KA002")
def unknown_keyword(unit: KaUnit, ctx):
    for unknown in unit.intended.unknown:
        stmt = unknown.statement
        effect, related = ignored_effect(unit.effective, stmt, unknown.parent is not None)
        message, why, said = _head(unknown)
        effect = f"{effect} {said}" if said else effect
        note = with_hidden("; ".join(p for p in (why, effect) if p), typo_above(unit.intended, stmt))
        fix = None
        intended = correction_for(unknown)
        if intended is not None and stmt.keyword.expanded is None:
            fix = Fix(
                (Edit(stmt.keyword.span, intended),),
                Safety.SAFE,
                f"replace `{stmt.keyword.value}` by `{intended}`",
            )
        ctx.report(message, stmt.keyword.span, related, fix, note=note)
