"""/etc/machine-id: the host's identity, or why the file gives none.

machine-id(5): "a single newline-terminated, hexadecimal, 32-character, lowercase ID ... This
ID may not be all zeros." An empty file or the word ``uninitialized`` is legitimate in an image
(systemd then makes an ID at boot, see "First Boot Semantics"), but then the file does not
identify the host: for halint each of these is a problem.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from halint.core.source import Source, Span

_ID = re.compile(r"[0-9a-fA-F]{32}")
_WANTED = "machine-id(5) wants the 32 digits and a newline"
_AT_BOOT = "systemd makes a new machine ID at boot"


@dataclass(frozen=True, slots=True, repr=False)
class MachineId:
    source: Source
    value: str | None  #: the 32 lowercase hex digits, when the file holds a usable ID
    span: Span  #: the ID, or the whole file when there is none
    problem: str | None  #: what is wrong with the file, if anything

    def __repr__(self) -> str:
        return f"MachineId({self.value or self.problem!r} in {self.source.path})"


def parse_machine_id(source: Source) -> MachineId:
    """The ID, or a problem. A well-formed ID that breaks a rule of the format (no final
    newline, capitals) keeps its value (lower-cased, as systemd reads it) beside the problem."""
    skip = source.content_start  # a byte-order mark: ignored, as halint always did (systemd unverified)
    text = source.text[skip:]
    whole = Span(source, 0, len(source.text))
    stripped = text.strip()
    if stripped == "":
        return MachineId(source, None, whole, f"the file is empty: {_AT_BOOT}; it does not identify the host")
    if stripped == "uninitialized":
        return MachineId(
            source, None, whole,
            f'"uninitialized": {_AT_BOOT} (first boot semantics); it does not identify the host',
        )
    start = skip + len(text) - len(text.lstrip())
    m = _ID.fullmatch(stripped)
    if m is None:
        shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
        message = f"{shown!r} is not a machine ID (32 lowercase hexadecimal digits and a newline)"
        return MachineId(source, None, whole, message)
    value = stripped.lower()
    span = Span(source, start, start + 32)
    if set(value) == {"0"}:
        return MachineId(source, None, span, "the machine ID is all zeros, which machine-id(5) forbids")
    if stripped != value:
        return MachineId(source, value, span, f"{stripped} has capital letters: machine-id(5) wants lowercase")
    if text == stripped:
        return MachineId(source, value, span, f"no newline after the ID: {_WANTED}")
    if text != stripped + "\n":
        return MachineId(source, value, span, f"blanks or lines around the ID: {_WANTED}")
    return MachineId(source, value, span, None)


__all__ = ["MachineId", "parse_machine_id"]
