"""The literal substrings a regular expression cannot match without.

`required_needles(pattern)` reads the pattern's syntax tree (the standard library's own parser)
and returns a set of lower-cased strings such that every match contains at least one of them, or
None when no such set of useful strings exists. A secret rule runs only on text holding one of
its needles: this is how a maintained rule set that carries no trigger words of its own (the
detect-secrets plugins) gets the same gating as one that does (gitleaks' `keywords`).

The derivation is conservative by construction: alternatives union their needles, optional or
unbounded parts break a run of literals, and lookarounds and anchors add nothing.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as sre_constants  # the stdlib's regex parser (private, stable names)
from re import _parser as sre_parse
from typing import Any

MIN_NEEDLE = 3  # shorter needles open the gate on nearly every line
_MAX_SET = 64  # exact sets larger than this stop growing (a class of digits, say)
_MAX_CLASS = 6  # character classes up to this size expand into alternatives

_LITERAL = sre_constants.LITERAL
_IN = sre_constants.IN
_BRANCH = sre_constants.BRANCH
_SUBPATTERN = sre_constants.SUBPATTERN
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)

# (exact, required, lead): `exact` is the finite set of strings the piece matches (or None),
# `required` a set of which every match of the piece contains one, `lead` a set of which every
# match starts with one (None when nothing is known).
_Set = frozenset[str] | None
_Info = tuple[_Set, _Set, _Set]
_EMPTY: _Info = (frozenset({""}), None, frozenset({""}))
_UNKNOWN: _Info = (None, None, None)


def required_needles(pattern: re.Pattern[str] | str) -> frozenset[str] | None:
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    try:
        tree = sre_parse.parse(text, flags)
    except Exception:  # an unparsable pattern simply has no gate
        return None
    exact, required, _ = _sequence(list(tree))
    best = _better(required, _solid(exact))
    if best is None or min(map(len, best)) < MIN_NEEDLE:
        return None
    lowered = {s.lower() for s in best}
    # a needle holding another needle adds nothing: the shorter one is found wherever it is
    return frozenset(s for s in lowered if not any(o != s and o in s for o in lowered))


def _score(candidates: _Set) -> tuple[int, int]:
    if not candidates:
        return (-1, 0)
    return (min(map(len, candidates)), -len(candidates))


def _better(a: _Set, b: _Set) -> _Set:
    return a if _score(a) >= _score(b) else b


def _join(a: _Set, b: _Set) -> _Set:
    if a is None or b is None:
        return None
    joined = frozenset(x + y for x, y in product(a, b))
    return joined if len(joined) <= _MAX_SET else None


def _sequence(items: list[tuple[Any, Any]]) -> _Info:
    run: frozenset[str] = frozenset({""})  # exact strings of the current run of known pieces
    whole = True  # the run still covers the whole sequence
    lead: _Set = None  # set once the first run ends
    best: _Set = None
    for op, av in items:
        exact, required, piece_lead = _item(op, av)
        if exact is not None:
            joined = _join(run, exact)
            if joined is not None:
                run = joined
                continue
            if whole:
                lead = run
            best, run, whole = _better(best, _solid(run)), exact, False
            continue
        reaching = _join(run, piece_lead)  # the run, then how this piece starts
        if whole:
            lead = reaching if reaching is not None else run
        best = _better(_better(_better(best, _solid(run)), required), _solid(reaching) if reaching else None)
        run, whole = frozenset({""}), False
    if whole:
        return run, _solid(run), run
    return None, _better(best, _solid(run)), lead


def _solid(strings: _Set) -> _Set:
    """`strings` as needles, unless one of them is empty (then they prove nothing)."""
    return strings if strings and "" not in strings else None


def _item(op: Any, av: Any) -> _Info:
    if op is _LITERAL:
        char = frozenset({chr(av).lower()})
        return char, char, char
    if op is _IN:
        chars = _class_chars(av)
        return (chars, chars, chars) if chars is not None else _UNKNOWN
    if op is _SUBPATTERN:
        return _sequence(list(av[-1]))
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(list(av))
    if op is _BRANCH:
        return _branch([list(alt) for alt in av[1]])
    if op in _REPEATS and op is not None:
        low, high, sub = av
        exact, required, lead = _sequence(list(sub))
        if low == 0:
            if high == 1 and exact is not None:
                return exact | {""}, None, exact | {""}
            return (frozenset({""}), None, frozenset({""})) if high == 0 else _UNKNOWN
        if low == high == 1:
            return exact, required, lead
        return None, _better(required, _solid(exact)), lead
    if op in _ZERO_WIDTH:
        return _EMPTY
    return _UNKNOWN


def _branch(alternatives: list[list[tuple[Any, Any]]]) -> _Info:
    infos = [_sequence(alt) for alt in alternatives]
    exacts = [exact for exact, _, _ in infos if exact is not None]
    if len(exacts) == len(infos):
        union = frozenset[str]().union(*exacts)
        if len(union) <= _MAX_SET:
            return union, _solid(union), union
    required: set[str] | None = set()
    leads: set[str] | None = set()
    for exact, req, lead in infos:
        own = _better(req, _solid(exact))
        required = required | own if (required is not None and own) else None
        leads = leads | lead if (leads is not None and lead is not None) else None
    return None, frozenset(required) if required else None, frozenset(leads) if leads is not None else None


def _class_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _LITERAL:
            chars.add(chr(av).lower())
        elif op is sre_constants.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        else:
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)
