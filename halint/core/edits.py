"""Fixes are text edits on the original text of a file (never a reprint from a model)."""
from __future__ import annotations

from halint.core.diagnostic import Edit


class OverlapError(ValueError):
    pass


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit applied; edits must not overlap (offsets refer to ``text``)."""
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    out = []
    pos = 0
    for edit in ordered:
        if edit.span.start < pos:
            raise OverlapError(f"overlapping edits at offset {edit.span.start}")
        out.append(text[pos : edit.span.start])
        out.append(edit.new_text)
        pos = edit.span.end
    out.append(text[pos:])
    return "".join(out)
