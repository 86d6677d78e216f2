"""What a rule says: a code, a message, where, related places, and an optional fix.

Rules build :class:`Diagnostic`; they never choose the final severity (the engine stamps it from
the rule's metadata and the user's configuration into :class:`Reported`).
"""
from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass

from halint.core.source import Span


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (error, warning or info)") from None


class Safety(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace ``span`` of its source by ``new_text``."""

    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safety: Safety
    description: str  #: what the fix does, for output ("replace `vrp_script` by `vrrp_script`")


@dataclass(frozen=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    #: a rule's own view of this finding's level when it differs from the rule's default
    #: (KA009: a plain ``include`` that matches nothing is a warning); configuration still wins
    severity_hint: str | None = None
    #: the effect, the caveat ("once `vrp_instance` is corrected, ..."), the reasoning: what the
    #: short ``message`` (what is wrong, with the values) leaves out; printed on its own line
    note: str = ""


@dataclass(frozen=True)
class Reported:
    """A diagnostic after policy: its slug and final severity."""

    diagnostic: Diagnostic
    slug: str
    severity: Severity

    @property
    def code(self) -> str:
        return self.diagnostic.code

    def sort_key(self, cwd=None) -> tuple:
        d = self.diagnostic
        return (d.span.source.display(cwd), d.span.start, d.span.end, d.code, d.message)


#: "line 12", "lines 1-5" in a message: a finding keeps its identity when lines move
_LINES = re.compile(r"\blines? [0-9]+(-[0-9]+)?")


def fingerprint(diag: Diagnostic) -> str:
    """What identifies a finding across versions of its file, never its line number: the rule
    and its primary line's text (whitespace-normalised, secrets blanked), or, for a finding
    about a secret or about the whole file, its message with line numbers taken out (every
    redacted line looks alike; a file's first line is not what a file-level finding is about).
    SARIF's ``primaryLocationLineHash`` and ``--new-only`` both match findings by this."""
    from halint.core.secrets import redact

    if "redacted" in diag.message or diag.span.start == diag.span.end == 0:
        # a secret's line, or a finding about the whole file (anchored at its start, whose first
        # line a prepended comment would change): the message says what it is
        material = f"{diag.code}\0message\0{_LINES.sub('line', ' '.join(diag.message.split()))}"
    else:
        line = diag.span.source.line_text(diag.span.line)
        material = f"{diag.code}\0line\0{' '.join(redact(line).split())}"
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:16]
