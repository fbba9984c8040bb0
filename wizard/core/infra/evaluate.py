"""Evaluating expression ASTs (expr.py) with the values a static read has.

Evaluation never guesses: what cannot be computed (a resource's runtime property, an unknown
function) is an `Unknown` carrying the source text, and any operation on an `Unknown` gives an
`Unknown`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wizard.core.infra.expr import BICEP, ExprError


@dataclass(frozen=True)
class Unknown:
    """A value a static read cannot compute; `text` is what it was written as."""

    text: str = "?"

    def __str__(self) -> str:
        return f"<{self.text}>"


Resolver = Callable[[str], Any]

# Functions called even when an argument is Unknown (union, try, can); all others then give Unknown.
TAKES_UNKNOWN: set[Callable[..., Any]] = set()


def takes_unknown(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a Bicep/HCL function as one that handles Unknown arguments itself."""
    TAKES_UNKNOWN.add(func)
    return func


def is_known(value: Any) -> bool:
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def mapping_at(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """`obj[key]` when it is a map (an object in Bicep or HCL), else an empty one."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def list_at(obj: dict[str, Any], key: str) -> list[Any]:
    """`obj[key]` when it is a list, else an empty one."""
    value = obj.get(key)
    return value if isinstance(value, list) else []


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


class Evaluator:
    """Evaluates ASTs; `resolve(name)` gives a top-level name's value, `functions` the callables."""

    def __init__(self, resolve: Resolver, functions: dict[str, Callable[..., Any]]) -> None:
        self.resolve = resolve
        self.functions = functions
        self.locals: list[dict[str, Any]] = []

    def eval(self, node: tuple) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "unk":
            return Unknown(node[1])
        if kind == "str":
            pieces = [p if isinstance(p, str) else self.eval(p) for p in node[1]]
            if any(isinstance(p, Unknown) for p in pieces):
                return Unknown("".join(p.text if isinstance(p, Unknown) else to_text(p) for p in pieces))
            return "".join(to_text(p) for p in pieces)
        if kind == "ref":
            for scope in reversed(self.locals):
                if node[1] in scope:
                    return scope[node[1]]
            return self.resolve(node[1])
        if kind == "get":
            base = self.eval(node[1])
            if isinstance(base, dict):
                return base.get(node[2], Unknown(f"{node[2]}"))
            if isinstance(base, Unknown):
                return Unknown(f"{base.text}.{node[2]}")
            return Unknown(node[2])
        if kind == "idx":
            base, index = self.eval(node[1]), self.eval(node[2])
            try:
                if isinstance(base, dict) and isinstance(index, str):
                    return base.get(index, Unknown(index))
                if isinstance(base, list) and isinstance(index, int):
                    return base[index]
            except IndexError:
                pass
            return Unknown(f"{getattr(base, 'text', '?')}[{to_text(index) if is_known(index) else '?'}]")
        if kind == "call":
            return self.call(node[1], node[2])
        if kind == "obj":
            out: dict[str, Any] = {}
            for key_node, value_node in node[1]:
                key = self.eval(key_node)
                if isinstance(key, Unknown):
                    return Unknown("object with a computed key")
                out[to_text(key)] = self.eval(value_node)
            return out
        if kind == "arr":
            return [self.eval(n) for n in node[1]]
        if kind == "cond":
            cond = self.eval(node[1])
            if isinstance(cond, Unknown):
                return Unknown(f"{cond.text} ? … : …")
            if isinstance(cond, str) and cond.lower() in ("true", "false"):  # HCL converts "true"/"false"
                cond = cond.lower() == "true"
            return self.eval(node[2] if cond else node[3])
        if kind == "un":
            value = self.eval(node[2])
            if isinstance(value, Unknown):
                return value
            return (not value) if node[1] == "!" else -value
        if kind == "bin":
            return self.binary(node[1], node[2], node[3])
        if kind == "for":
            return self.loop(node)
        raise ExprError(f"cannot evaluate {kind}")

    def binary(self, op: str, left_node: tuple, right_node: tuple) -> Any:
        left = self.eval(left_node)
        if op == "&&" and left is False:
            return False
        if op == "||" and left is True:
            return True
        if op == "??":
            return self.eval(right_node) if left is None else left
        right = self.eval(right_node)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            if op == "&&" and right is False or op == "||" and right is True:
                return right
            return Unknown(f"{getattr(left, 'text', to_text(left))} {op} {getattr(right, 'text', to_text(right))}")
        try:
            if op == "==":
                return _loose(left) == _loose(right)
            if op == "!=":
                return _loose(left) != _loose(right)
            return {
                "&&": lambda: bool(left and right), "||": lambda: bool(left or right),
                "<": lambda: left < right, ">": lambda: left > right, "<=": lambda: left <= right,
                ">=": lambda: left >= right, "+": lambda: left + right, "-": lambda: left - right,
                "*": lambda: left * right, "/": lambda: left // right if isinstance(left, int) else left / right,
                "%": lambda: left % right,
            }[op]()  # fmt: skip
        except (TypeError, ZeroDivisionError):
            return Unknown(op)

    def call(self, name: str, arg_nodes: list[tuple]) -> Any:
        func = self.functions.get(name) or self.functions.get(name.lower())
        args = [self.eval(a) for a in arg_nodes]
        if func is None:
            return Unknown(f"{name}(…)")
        if any(isinstance(a, Unknown) for a in args) and func not in TAKES_UNKNOWN:
            return Unknown(f"{name}(…)")
        try:
            return func(*args)
        except Exception:  # a function given values of the wrong shape: unknown, not a crash
            return Unknown(f"{name}(…)")

    def loop(self, node: tuple) -> Any:
        _, names, iterable_node, body, filt, dialect = node
        iterable = self.eval(iterable_node)
        if isinstance(iterable, Unknown) or not isinstance(iterable, (list, dict)):
            return Unknown(f"for … in {getattr(iterable, 'text', '?')}")
        pairs = list(iterable.items()) if isinstance(iterable, dict) else list(enumerate(iterable))
        results: list[Any] = []
        merged: dict[str, Any] = {}
        for key, item in pairs:
            if len(names) == 1:
                scope = {names[0]: item}
            elif dialect == BICEP:  # (item, index)
                scope = {names[0]: item, names[1]: key}
            else:  # HCL: key, value
                scope = {names[0]: key, names[1]: item}
            self.locals.append(scope)
            try:
                if filt is not None:
                    keep = self.eval(filt)
                    if isinstance(keep, Unknown):
                        return Unknown("for … if <unknown>")
                    if not keep:
                        continue
                if body[0] == "kv":
                    merged[to_text(self.eval(body[1]))] = self.eval(body[2])
                else:
                    results.append(self.eval(body))
            finally:
                self.locals.pop()
        return merged if body[0] == "kv" else results


def _loose(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
