"""Edit distance for "did you mean" suggestions (KA002)."""
from __future__ import annotations

from typing import Iterable


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours),
    or ``limit + 1`` as soon as it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def close_matches(word: str, candidates: Iterable[str], limit: int) -> list[str]:
    """Candidates within ``limit`` edits of ``word``, closest first, then alphabetical."""
    scored = []
    size = len(word)
    for candidate in candidates:
        if abs(len(candidate) - size) > limit:
            continue
        d = distance(word, candidate, limit)
        if d <= limit and candidate != word:
            scored.append((d, candidate))
    scored.sort()
    return [c for _, c in scored]
