"""Expressions of Bicep and HCL (Terraform): one tokenizer and one parser (evaluation: evaluate.py).

Both languages share the shape that matters for reading a template statically: literals, string
interpolation (`'${x}'` / `"${x}"`), objects, arrays, references (`a.b[0]`), function calls, the
ternary and the usual operators. The two dialects differ only in quotes, comments, object
separators (`:` / `=`) and identifiers (HCL allows `-` inside them). The AST is plain tuples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BICEP = "bicep"
HCL = "hcl"


class ExprError(ValueError):
    """Text that is not an expression of the dialect."""


@dataclass(frozen=True)
class Tok:
    kind: str  # num, str, id, op, nl, eof
    value: Any
    pos: int


_NUM = re.compile(r"\d+(?:\.\d+)?")
_ID = {BICEP: re.compile(r"[A-Za-z_][A-Za-z0-9_]*"), HCL: re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")}
_OPS = ("...", "==", "!=", "<=", ">=", "&&", "||", "??", "=>", "::", ".?", "?.",
        "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}", "=", "+", "-", "*", "/", "%", "<", ">", "@", "|", "&")  # fmt: skip


def tokenize(text: str, dialect: str, pos: int = 0, *, until_brace: bool = False) -> tuple[list[Tok], int]:
    """Tokens of `text` from `pos`; with `until_brace`, stop at the `}` closing an interpolation."""
    toks: list[Tok] = []
    depth = 0
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in " \t\r":
            pos += 1
        elif ch == "\n":
            toks.append(Tok("nl", "\n", pos))
            pos += 1
        elif text.startswith("//", pos) or ch == "#":  # Bicep: `#disable-next-line` pragmas
            end = text.find("\n", pos)
            pos = n if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            chunk = text[pos : n if end < 0 else end + 2]
            toks.extend(Tok("nl", "\n", pos) for _ in range(chunk.count("\n")))
            pos = n if end < 0 else end + 2
        elif dialect == BICEP and text.startswith("'''", pos):
            end = text.find("'''", pos + 3)
            end = n if end < 0 else end
            toks.append(Tok("str", [text[pos + 3 : end]], pos))
            pos = end + 3
        elif (dialect == BICEP and ch == "'") or (dialect == HCL and ch == '"'):
            parts, pos = _string(text, pos + 1, ch, dialect)
            toks.append(Tok("str", parts, pos))
        elif dialect == HCL and text.startswith("<<", pos):
            parts, pos = _heredoc(text, pos, dialect)
            toks.append(Tok("str", parts, pos))
        elif ch.isdigit():
            m = _NUM.match(text, pos)
            assert m
            value = m.group(0)
            toks.append(Tok("num", float(value) if "." in value else int(value), pos))
            pos = m.end()
        elif m := _ID[dialect].match(text, pos):
            toks.append(Tok("id", m.group(0), pos))
            pos = m.end()
        else:
            op = next((o for o in _OPS if text.startswith(o, pos)), None)
            if op is None:
                raise ExprError(f"unexpected character {ch!r}")
            if until_brace:
                if op == "{":
                    depth += 1
                elif op == "}":
                    if depth == 0:
                        toks.append(Tok("eof", None, pos))
                        return toks, pos + 1
                    depth -= 1
            toks.append(Tok("op", op, pos))
            pos += len(op)
    if until_brace:
        raise ExprError("unterminated interpolation")
    toks.append(Tok("eof", None, pos))
    return toks, pos


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "$": "$"}


def _string(text: str, pos: int, quote: str, dialect: str) -> tuple[list[Any], int]:
    """Parts of a string literal (str pieces and token lists of `${...}`), and the end position."""
    parts: list[Any] = []
    buf: list[str] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\" and pos + 1 < n:
            buf.append(_ESCAPES.get(text[pos + 1], text[pos + 1]))
            pos += 2
        elif ch == quote:
            break
        elif text.startswith("${", pos):
            if buf:
                parts.append("".join(buf))
                buf = []
            toks, pos = tokenize(text, dialect, pos + 2, until_brace=True)
            parts.append(toks)
        elif dialect == HCL and text.startswith("%{", pos):
            raise ExprError("template directives (%{...}) are not modelled")
        else:
            buf.append(ch)
            pos += 1
    if buf or not parts:
        parts.append("".join(buf))
    return parts, pos + 1


def _heredoc(text: str, pos: int, dialect: str) -> tuple[list[Any], int]:
    m = re.compile(r"<<-?([A-Za-z_]\w*)\n").match(text, pos)
    if not m:
        raise ExprError("bad heredoc")
    end = re.compile(rf"^\s*{m.group(1)}\s*$", re.MULTILINE).search(text, m.end())
    body = text[m.end() : end.start() if end else len(text)]
    return [body], end.end() if end else len(text)


# -- parser ----------------------------------------------------------------------------------------
# AST: tuples. ("lit", v) ("str", [str | node]) ("ref", name) ("get", node, name) ("idx", node, node)
# ("call", name, [args]) ("obj", [(key node, value node)]) ("arr", [nodes]) ("cond", c, a, b)
# ("bin", op, a, b) ("un", op, a) ("for", names, iterable, body, filter) ("unk", text)
_BINARY = [("??",), ("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]


class Parser:
    def __init__(self, toks: list[Tok], dialect: str, text: str = "") -> None:
        self.toks = toks
        self.i = 0
        self.dialect = dialect
        self.text = text
        self.paren = 0  # inside (), newlines are whitespace

    # -- token helpers
    def peek(self, skip_nl: bool | None = None) -> Tok:
        skip = self.paren > 0 if skip_nl is None else skip_nl
        j = self.i
        while skip and self.toks[j].kind == "nl":
            j += 1
        return self.toks[j]

    def next(self, skip_nl: bool | None = None) -> Tok:
        skip = self.paren > 0 if skip_nl is None else skip_nl
        while skip and self.toks[self.i].kind == "nl":
            self.i += 1
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_op(self, value: str, skip_nl: bool | None = None) -> bool:
        tok = self.peek(skip_nl)
        return tok.kind == "op" and tok.value == value

    def expect(self, value: str, skip_nl: bool | None = None) -> None:
        tok = self.next(skip_nl)
        if tok.kind != "op" or tok.value != value:
            raise ExprError(f"expected {value!r}, found {tok.value!r}")

    def skip_nl(self) -> None:
        while self.toks[self.i].kind == "nl":
            self.i += 1

    # -- grammar
    def expression(self) -> tuple:
        cond = self.binary(0)
        if self.is_op("?", True):  # a ternary may continue on the next line
            self.next(True)
            self.paren += 1
            yes = self.expression()
            self.expect(":")
            self.paren -= 1
            no = self.expression()
            return ("cond", cond, yes, no)
        return cond

    def binary(self, level: int) -> tuple:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while (tok := self._binary_op(level)) is not None:
            op = tok
            left = ("bin", op, left, self.binary(level + 1))
        return left

    def _binary_op(self, level: int) -> str | None:
        tok = self.peek()
        if tok.kind != "op" or tok.value not in _BINARY[level]:
            across = self.peek(True)  # `&&`, `||`, `??` may start a continuation line
            if across.kind == "op" and across.value in ("&&", "||", "??") and across.value in _BINARY[level]:
                tok = across
            else:
                return None
        return str(self.next(True).value)

    def unary(self) -> tuple:
        if self.is_op("!") or self.is_op("-"):
            op = self.next().value
            return ("un", op, self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: tuple) -> tuple:
        while True:
            if self.is_op(".") or self.is_op(".?") or self.is_op("?."):
                self.next()
                tok = self.next()
                if tok.kind == "op" and tok.value == "*":  # HCL splat: a.*.b
                    node = ("unk", "splat")
                    continue
                node = ("get", node, str(tok.value))
                if self.is_op("(", False):  # method-style call: az.resourceGroup(), sys.concat()
                    node = ("call", tok.value, self.arguments())
            elif self.is_op("::"):
                self.next()
                node = ("get", node, str(self.next().value))
            elif self.is_op("[", False):
                self.next()
                self.paren += 1
                if self.is_op("*"):
                    self.next()
                    index: tuple = ("unk", "splat")
                else:
                    self.is_op("?") and self.next()
                    index = self.expression()
                self.expect("]")
                self.paren -= 1
                node = ("idx", node, index)
            elif self.is_op("!", False) and self.dialect == BICEP and not self._starts_operand(1):
                self.next()  # null-forgiving `x!`
            else:
                return node

    def _starts_operand(self, ahead: int) -> bool:
        tok = self.toks[self.i + ahead] if self.i + ahead < len(self.toks) else None
        return tok is not None and (tok.kind in ("id", "num", "str") or (tok.kind == "op" and tok.value in "([{!"))

    def arguments(self) -> list[tuple]:
        self.expect("(")
        self.paren += 1
        args = []
        while not self.is_op(")"):
            args.append(self.expression())
            if self.is_op(","):
                self.next()
            if self.is_op("..."):
                self.next()
        self.expect(")")
        self.paren -= 1
        return args

    def primary(self) -> tuple:
        tok = self.next()
        if tok.kind == "num":
            return ("lit", tok.value)
        if tok.kind == "str":
            return self.string(tok.value)
        if tok.kind == "id":
            if tok.value in ("true", "false"):
                return ("lit", tok.value == "true")
            if tok.value == "null":
                return ("lit", None)
            if self.is_op("(", False):
                return ("call", tok.value, self.arguments())
            if self.is_op("=>", False):  # lambda: x => body
                self.next()
                self.expression()
                return ("unk", "lambda")
            return ("ref", tok.value)
        if tok.kind == "op":
            if tok.value == "(" and self._lambda_ahead():
                while not self.is_op("=>"):
                    self.next()
                self.next()
                self.expression()
                return ("unk", "lambda")
            if tok.value == "(":
                self.paren += 1
                inner = self.expression()
                self.expect(")")
                self.paren -= 1
                return inner
            if tok.value == "[":
                return self.array()
            if tok.value == "{":
                return self.object()
        raise ExprError(f"unexpected {tok.value!r}")

    def _lambda_ahead(self) -> bool:
        """After `(`: is this `(a, b) => …`?"""
        j = self.i
        while j < len(self.toks) and (self.toks[j].kind in ("id", "nl") or self.toks[j].value == ","):
            j += 1
        return j + 1 < len(self.toks) and self.toks[j].value == ")" and self.toks[j + 1].value == "=>"

    def string(self, parts: list[Any]) -> tuple:
        out: list[Any] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(Parser(part, self.dialect).whole())
        return ("lit", out[0]) if len(out) == 1 and isinstance(out[0], str) else ("str", out)

    def _for(self, close: str) -> tuple:
        """After `for`: `x in xs: body`, `(x, i) in xs: if (c) body` (Bicep) or `x in xs : body if c` (HCL)."""
        names: list[str] = []
        saved, self.paren = self.paren, self.paren + 1
        if self.is_op("("):
            self.next()
            while not self.is_op(")"):
                tok = self.next()
                if tok.kind == "id":
                    names.append(tok.value)
            self.next()
        else:
            names.append(str(self.next().value))
            while self.is_op(","):
                self.next()
                names.append(str(self.next().value))
        tok = self.next()
        if tok.value != "in":
            raise ExprError("expected `in`")
        iterable = self.expression()
        self.expect(":")
        filt = None
        if self.dialect == BICEP and self.peek().kind == "id" and self.peek().value == "if":
            self.next()
            filt = self.expression()
        body = self.expression()
        if self.dialect == HCL and self.is_op("=>"):
            self.next()
            body = ("kv", body, self.expression())  # map for: key => value
        if self.dialect == HCL and self.peek().kind == "id" and self.peek().value == "if":
            self.next()
            filt = self.expression()
        self.paren = saved
        self.skip_nl()
        self.expect(close)
        return ("for", names, iterable, body, filt, self.dialect)

    def array(self) -> tuple:
        self.skip_nl()
        if self.peek(True).kind == "id" and self.peek(True).value == "for":
            self.next(True)
            return self._for("]")
        saved, self.paren = self.paren, 0
        items = []
        while True:
            self.skip_nl()
            if self.is_op("]"):
                self.next()
                break
            items.append(self.expression())
            if self.is_op(","):
                self.next()
        self.paren = saved
        return ("arr", items)

    def object(self) -> tuple:
        self.skip_nl()
        if self.dialect == HCL and self.peek(True).kind == "id" and self.peek(True).value == "for":
            self.next(True)
            return self._for("}")
        saved, self.paren = self.paren, 0
        items = []
        while True:
            self.skip_nl()
            if self.is_op("}"):
                self.next()
                break
            tok = self.next()
            if tok.kind == "id":
                key: tuple = ("lit", tok.value)
            elif tok.kind == "str":
                key = self.string(tok.value)
            elif tok.kind == "op" and tok.value == "(":  # HCL `(expr) = value`
                self.paren += 1
                key = self.expression()
                self.expect(")")
                self.paren -= 1
            elif tok.kind == "op" and tok.value == "@":  # decorator on a property: skip it
                self.next()
                self.arguments() if self.is_op("(", False) else None
                continue
            else:
                raise ExprError(f"bad object key {tok.value!r}")
            sep = self.next()
            if sep.kind != "op" or sep.value not in (":", "="):
                raise ExprError(f"expected ':' after key, found {sep.value!r}")
            items.append((key, self.expression()))
            if self.is_op(","):
                self.next()
        self.paren = saved
        return ("obj", items)

    def whole(self) -> tuple:
        self.paren = 1
        node = self.expression()
        if self.peek(True).kind != "eof":
            raise ExprError(f"unexpected {self.peek(True).value!r} after the expression")
        return node


def parse(text: str, dialect: str) -> tuple:
    toks, _ = tokenize(text, dialect)
    return Parser(toks, dialect, text).whole()


