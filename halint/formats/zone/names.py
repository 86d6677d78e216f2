"""Domain names and TTLs in zone-file text, as BIND's master-file loader reads them.

Names are kept as *canonical text*: absolute, ASCII letters lowercased (DNS compares names
without regard to ASCII case, RFC 4343), one fixed escaping (printable ASCII kept as is except
``.`` and ``\\``, which are escaped; every other octet as ``\\DDD``). Two spellings of one name
(``WWW``, ``www``, ``\\119ww``, ``www.example.com.`` under ``$ORIGIN example.com.``) give the same
canonical text, so names compare as plain strings. The common case (printable ASCII without
escapes) is one ``lower()`` and a few length checks; no dnspython object is built.

Limits (RFC 1035 2.3.4, BIND lib/dns/name.c dns_name_fromtext): a label holds 1-63 octets, a
name at most 255 octets in wire form; ``\\DDD`` must be three digits at most 255; ``@`` alone is
the current origin.
"""
from __future__ import annotations

import re

MAX_LABEL = 63
MAX_WIRE = 255
MAX_TTL = 0xFFFFFFFF
#: BIND (master.c limit_ttl): a TTL over 2^31-1 is loaded as 0, with a warning (RFC 2181 8)
MAX_SANE_TTL = 0x7FFFFFFF


class NameError_(ValueError):
    """A name BIND rejects; the message is for the user."""


def _wire_length(body: str) -> int:
    """Wire length of the canonical text of an absolute name without escapes."""
    return len(body) + 1 if body != "." else 1


def absolute_name(text: str, origin: str | None, encoding: str = "utf-8") -> str:
    """Canonical text of the name ``text`` written in a zone file under ``origin`` (itself
    canonical), or :class:`NameError_`."""
    if text == "@":
        if origin is None:
            raise NameError_("`@` with no origin")
        return origin
    if "\\" in text or not (text.isascii() and text.isprintable()):
        return _slow(text, origin, encoding)
    lowered = text.lower()
    if lowered.endswith("."):
        if lowered == ".":
            return "."
        body = lowered[:-1]
        full = lowered
    else:
        if origin is None:
            raise NameError_(f"relative name `{text}` with no origin")
        body = lowered
        full = lowered + "." + origin if origin != "." else lowered + "."
    if not body or body[0] == "." or body[-1] == "." or ".." in body:
        raise NameError_(f"empty label in `{text}`")
    if len(body) > MAX_LABEL and max(len(label) for label in body.split(".")) > MAX_LABEL:
        raise NameError_(f"label longer than 63 octets in `{text}`")
    if len(full) + 1 > MAX_WIRE and wire_length(full) > MAX_WIRE:
        raise NameError_(f"name `{text}` is longer than 255 octets")
    return full


def _slow(text: str, origin: str | None, encoding: str) -> str:
    labels: list[bytearray] = [bytearray()]
    absolute = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n:
                raise NameError_(f"`{text}` ends with a lone backslash")
            nxt = text[i + 1]
            if nxt.isdigit():
                digits = text[i + 1 : i + 4]
                if len(digits) < 3 or not digits.isdigit() or not digits.isascii():
                    raise NameError_(f"bad escape in `{text}` (\\DDD needs three digits)")
                value = int(digits)
                if value > 255:
                    raise NameError_(f"bad escape \\{digits} in `{text}` (more than 255)")
                labels[-1].append(value)
                i += 4
                continue
            labels[-1].extend(_octets(nxt, encoding))
            i += 2
            continue
        if ch == ".":
            if i == n - 1:
                absolute = True
                if not labels[-1]:
                    if len(labels) == 1:  # "." alone: the root
                        return "."
                    raise NameError_(f"empty label in `{text}`")
                break
            if not labels[-1]:
                raise NameError_(f"empty label in `{text}`")
            labels.append(bytearray())
            i += 1
            continue
        labels[-1].extend(_octets(ch, encoding))
        i += 1
    if not labels[-1]:
        raise NameError_(f"empty label in `{text}`")
    for label in labels:
        if len(label) > MAX_LABEL:
            raise NameError_(f"label longer than 63 octets in `{text}`")
    parts = [_present(bytes(label).lower()) for label in labels]
    body = ".".join(parts)
    if absolute:
        full = body + "."
        wire = sum(len(label) + 1 for label in labels) + 1
    else:
        if origin is None:
            raise NameError_(f"relative name `{text}` with no origin")
        full = body + "." + origin if origin != "." else body + "."
        wire = sum(len(label) + 1 for label in labels) + wire_length(origin)
    if wire > MAX_WIRE:
        raise NameError_(f"name `{text}` is longer than 255 octets")
    return full


def _octets(ch: str, encoding: str) -> bytes:
    try:
        return ch.encode(encoding)
    except UnicodeEncodeError:
        return ch.encode("utf-8")


def _present(label: bytes) -> str:
    out = []
    for b in label:
        if b == 0x2E:
            out.append("\\.")
        elif b == 0x5C:
            out.append("\\\\")
        elif 0x21 <= b <= 0x7E:
            out.append(chr(b))
        else:
            out.append(f"\\{b:03d}")
    return "".join(out)


def labels(name: str) -> list[str]:
    """The labels of a canonical name, most specific first; the root has none."""
    if name == ".":
        return []
    if "\\" not in name:
        return name[:-1].split(".")
    parts: list[str] = []
    current = []
    i = 0
    while i < len(name):
        ch = name[i]
        if ch == "\\":
            current.append(name[i : i + 2] if not name[i + 1 : i + 2].isdigit() else name[i : i + 4])
            i += len(current[-1])
            continue
        if ch == ".":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    return parts


def wire_length(name: str) -> int:
    """Octets of a canonical name in wire form."""
    if "\\" not in name:
        return _wire_length(name)
    total = 1
    for label in labels(name):
        total += 1 + len(re.sub(r"\\(\d{3}|.)", "x", label))
    return total


def is_subdomain(name: str, origin: str) -> bool:
    """``name`` is ``origin`` or below it (canonical names)."""
    if origin == "." or name == origin:
        return True
    if not name.endswith(origin) or name[-len(origin) - 1] != ".":
        return False
    if "\\" not in name:
        return True
    # the dot before the origin must not be an escaped one (a\.example.com. is one label)
    cut = len(name) - len(origin) - 1
    backslashes = 0
    while cut - 1 - backslashes >= 0 and name[cut - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 0


def parent_names(name: str, stop: str) -> list[str]:
    """``name`` and each ancestor down to (and including) ``stop``, most specific first."""
    out = [name]
    if name == stop:
        return out
    parts = labels(name)
    for k in range(1, len(parts) + 1):
        rest = parts[k:]
        parent = ".".join(rest) + "." if rest else "."
        out.append(parent)
        if parent == stop:
            break
    return out


_TTL_PART = re.compile(r"(\d+)([wdhmsWDHMS])")


def parse_ttl(text: str) -> int | None:
    """A TTL as BIND's dns_ttl_fromtext() reads it (a number, or number-unit pairs such as
    ``1w2d3h4m5s``, units in either case), or None when ``text`` is not one (then BIND reads
    the word as a class or type). Values over 2^32-1 are not TTLs."""
    if text.isdigit() and text.isascii():
        value = int(text)
        return value if value <= MAX_TTL else None
    if not text or len(text) > 63 or not text.isascii():
        return None
    pos = 0
    total = 0
    for match in _TTL_PART.finditer(text):
        if match.start() != pos:
            return None
        number = int(match.group(1))
        if number > MAX_TTL:
            return None
        total += number * _UNIT[match.group(2).lower()]
        pos = match.end()
    if pos != len(text) or total > MAX_TTL:
        return None
    return total


_UNIT = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}

#: class mnemonics BIND's dns_rdataclass_fromtext() knows (and CLASSnnn)
_CLASSES = {"IN": 1, "CH": 3, "CHAOS": 3, "HS": 4, "HESIOD": 4, "NONE": 254, "ANY": 255, "RESERVED0": 0}
_CLASS_NUM = re.compile(r"^CLASS(\d{1,5})$", re.IGNORECASE)


def parse_class(text: str) -> int | None:
    """The class number of ``text`` (IN, CH, HS, NONE, ANY, CLASSnnn), or None."""
    value = _CLASSES.get(text.upper())
    if value is not None:
        return value
    match = _CLASS_NUM.match(text)
    if match and int(match.group(1)) <= 0xFFFF:
        return int(match.group(1))
    return None


CLASS_NAMES = {1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY"}


def class_name(value: int) -> str:
    return CLASS_NAMES.get(value, f"CLASS{value}")
