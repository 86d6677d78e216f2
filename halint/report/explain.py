"""A rule's documentation as text: ``halint explain CODE``, from rules/<CODE>/."""
from __future__ import annotations

import textwrap

from halint.core.registry import RuleMeta


def _section(title: str, body: str) -> list[str]:
    return [f"## {title}", "", body.strip(), ""]


def _examples(meta: RuleMeta, kind: str, title: str) -> list[str]:
    files = meta.example_files(kind)
    if not files:
        return []
    out = [f"## {title}", ""]
    for path, text in files:
        out.append(f"{path}:")
        out.append("")  # Markdown: an indented block right after a paragraph line is not code
        if "\0" in text:
            text = text.replace("\0", "\\0")
        if text.startswith("\ufeff"):  # a byte-order mark (KA008) is invisible: show it
            text = "\\ufeff" + text[1:]
        out.append(textwrap.indent(text.rstrip("\n") or "(empty)", "    "))
        out.append("")
    return out


def render(meta: RuleMeta) -> str:
    fix = meta.fix if not meta.fix_when else f"{meta.fix}, {meta.fix_when}"
    flags = ""
    if meta.needs_base:
        flags += "  Compares with the git base (`--base`)."
    if meta.syntax_error:
        flags += "  A file with this finding is never fixed."
    lines = [
        f"# {meta.code} {meta.slug}",
        "",
        meta.summary,
        "",
        f"Severity: {meta.severity.label}.  Fix: {fix}.  Scope: {meta.scope}.{flags}",
        "",
    ]
    lines += _section("What it does", meta.what)
    lines += _section("Why it matters", meta.why)
    lines += _examples(meta, "bad", "Example (reported)")
    lines += _examples(meta, "good", "Instead (not reported)")
    if meta.fix != "none":
        lines += _section("Fix", meta.fix_text)
        lines += _examples(meta, "fixed", "After the fix")
    if meta.options:
        lines += _section("Options", meta.options)
    lines += _section("Source of the semantics", meta.source)
    return "\n".join(lines).rstrip("\n") + "\n"
