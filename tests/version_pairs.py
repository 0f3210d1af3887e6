"""Random (VERSION, REQUIREMENT) pairs for the version-math differential.

Numbers and pre-release identifiers come from small pools so that versions
land on, next to and between the requirement's own bounds, where mistakes
live: 0.x and 0.0.x carets, wildcards, pre-releases (numeric, alphanumeric,
dotted, with digits inside, with hyphens), build metadata, several
comparators, odd spacing, and a share of malformed text to compare what
each side accepts.
"""

from __future__ import annotations

import random
from typing import Iterator, List, Optional, Tuple

NUMBERS = (0, 0, 0, 1, 1, 2, 3, 10)
PRE_IDS = ("alpha", "beta", "rc", "0", "1", "2", "10", "alpha1", "rc2", "rc10", "a-b", "x", "Z", "pre-1", "01a")
OPS = ("", "", "^", "~", "=", ">", ">=", "<", "<=")
WILDCARDS = ("*", "x", "X")
NOISE = " ,.-+*^~<>=0123456789abxX_v"


def _pre(rng: random.Random) -> str:
    return ".".join(rng.choice(PRE_IDS) for _ in range(rng.choice((1, 1, 2, 3))))


def version(rng: random.Random, near: Optional[Tuple[int, int, int]] = None) -> str:
    if near and rng.random() < 0.7:
        parts = list(near)
        if rng.random() < 0.5:
            at = rng.randrange(3)
            parts[at] = max(0, parts[at] + rng.choice((-1, 1)))
            if rng.random() < 0.5:
                parts[at + 1:] = [0] * (2 - at)
    else:
        parts = [rng.choice(NUMBERS) for _ in range(3)]
    text = ".".join(map(str, parts))
    if rng.random() < 0.45:
        text += "-" + _pre(rng)
    if rng.random() < 0.05:
        text += "+build." + str(rng.randrange(10))
    return text


def comparator(rng: random.Random) -> Tuple[str, Tuple[int, int, int]]:
    numbers = [rng.choice(NUMBERS) for _ in range(3)]
    op = rng.choice(OPS)
    length = rng.choice((1, 2, 3, 3, 3))
    shown: List[str] = [str(n) for n in numbers[:length]]
    if length < 3 and rng.random() < 0.3:
        shown.append(rng.choice(WILDCARDS))
    text = ".".join(shown)
    if length == 3 and rng.random() < 0.35:
        text += "-" + _pre(rng)
    if length == 3 and rng.random() < 0.03:
        text += "+meta"
    space = rng.choice(("", "", "", " "))
    return f"{op}{space}{text}", (numbers[0], numbers[1], numbers[2])


def requirement(rng: random.Random) -> Tuple[str, Tuple[int, int, int]]:
    if rng.random() < 0.02:
        return rng.choice(WILDCARDS), (0, 0, 0)
    count = rng.choice((1, 1, 1, 2, 2, 3)) if rng.random() > 0.002 else rng.choice((32, 33))
    pieces = [comparator(rng) for _ in range(count)]
    sep = rng.choice((", ", ",", " , "))
    return sep.join(p[0] for p in pieces), rng.choice(pieces)[1]


def mutate(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    if rng.random() < 0.5 or not text:
        return text[:at] + rng.choice(NOISE) + text[at:]
    return text[:at] + text[at + 1:]


def pairs(seed: int, count: int) -> Iterator[Tuple[str, str]]:
    rng = random.Random(seed)
    for _ in range(count):
        req, near = requirement(rng)
        ver = version(rng, near)
        if rng.random() < 0.03:
            req = mutate(rng, req)
        if rng.random() < 0.01:
            ver = mutate(rng, ver)
        yield ver, req
