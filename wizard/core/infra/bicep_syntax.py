"""Bicep files as declarations: params, vars, resources, modules, outputs (expressions left as ASTs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.infra.expr import BICEP, ExprError, Parser, Tok, tokenize

KEYWORDS = ("param", "var", "resource", "module", "output", "targetScope", "metadata", "type", "func",
            "import", "using", "extension", "provider", "existing")  # fmt: skip


@dataclass
class Decl:
    kind: str  # param var resource module output
    name: str
    line: int
    end_line: int
    target: str = ""  # resource 'Type@version' / module 'path'
    type_text: str = ""  # param / output type
    value: tuple | None = None  # default / expression / body (with condition and loop)
    existing: bool = False
    nested: list[Decl] = field(default_factory=list)  # child resources declared in the body


@dataclass
class BicepFile:
    path: Path
    decls: list[Decl] = field(default_factory=list)
    scope: str = "resourceGroup"
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what)
    lines: list[str] = field(default_factory=list)

    def get(self, kind: str, name: str) -> Decl | None:
        return next((d for d in self.decls if d.kind == kind and d.name == name), None)

    def of(self, kind: str) -> list[Decl]:
        return [d for d in self.decls if d.kind == kind]


class _Reader(Parser):
    def __init__(self, toks: list[Tok], text: str) -> None:
        super().__init__(toks, BICEP, text)
        self.nested_stack: list[list[Decl]] = []
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line(self, tok: Tok) -> int:
        import bisect

        return bisect.bisect_right(self._line_starts, tok.pos)

    def object(self) -> tuple:
        """An object literal; a nested `resource child 'type' = {...}` in a resource body is a child."""
        self.skip_nl()
        saved, self.paren = self.paren, 0
        items = []
        while True:
            self.skip_nl()
            if self.is_op("}"):
                self.next()
                break
            tok = self.peek()
            nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else tok
            if tok.kind == "id" and tok.value == "resource" and nxt.kind == "id" and self.nested_stack:
                self.nested_stack[-1].append(self.declaration())
                continue
            if tok.kind == "op" and tok.value == "@":
                self.next()
                self.postfix(self.primary())
                continue
            self.next()
            if tok.kind == "id":
                key: tuple = ("lit", tok.value)
            elif tok.kind == "str":
                key = self.string(tok.value)
            else:
                raise ExprError(f"bad object key {tok.value!r}")
            self.expect(":")
            items.append((key, self.expression()))
            if self.is_op(","):
                self.next()
        self.paren = saved
        return ("obj", items)

    def body(self) -> tuple:
        """`if (c) {…}`, `[for … : {…}]` or `{…}`."""
        tok = self.peek()
        if tok.kind == "id" and tok.value == "if":
            self.next()
            self.expect("(")
            self.paren += 1
            cond = self.expression()
            self.expect(")")
            self.paren -= 1
            return ("if", cond, self.primary())
        return self.primary()

    def skip_statement(self) -> None:
        depth = 0
        while True:
            tok = self.toks[self.i]
            if tok.kind == "eof":
                return
            if tok.kind == "op" and tok.value in "([{":
                depth += 1
            elif tok.kind == "op" and tok.value in ")]}":
                depth -= 1
            elif tok.kind == "nl" and depth <= 0:
                return
            self.i += 1

    def declaration(self) -> Decl:
        start = self.next()
        kind = start.value
        line = self.line(start)
        if kind in ("param", "output"):
            name = str(self.next().value)
            type_start = self.i
            self.skip_type()
            type_text = " ".join(str(t.value) for t in self.toks[type_start : self.i] if t.kind != "nl")
            value = None
            if self.is_op("=", False):
                self.next()
                value = self.expression()
            return Decl(kind, name, line, self.line(self.toks[self.i]), type_text=type_text, value=value)
        if kind == "var":
            name = str(self.next().value)
            self.expect("=")
            value = self.expression()
            return Decl(kind, name, line, self.line(self.toks[self.i]), value=value)
        if kind in ("resource", "module"):
            name = str(self.next().value)
            target_tok = self.next()
            target = "".join(p for p in target_tok.value if isinstance(p, str)) if target_tok.kind == "str" else ""
            existing = self.peek().kind == "id" and self.peek().value == "existing"
            if existing:
                self.next()
            self.expect("=")
            self.skip_nl()
            nested: list[Decl] = []
            self.nested_stack.append(nested)
            try:
                value = self.body()
            finally:
                self.nested_stack.pop()
            return Decl(kind, name, line, self.line(self.toks[max(self.i - 1, 0)]), target=target, value=value,
                        existing=existing, nested=nested)
        raise ExprError(f"unexpected {kind!r}")

    def skip_type(self) -> None:
        """A param/output type: `string`, `string[]`, `'a' | 'b'`, `{…}`, `resource 'T@v'`."""
        depth = 0
        while True:
            tok = self.toks[self.i]
            if tok.kind == "eof" or (depth == 0 and (tok.kind == "nl" or (tok.kind == "op" and tok.value == "="))):
                return
            if tok.kind == "op" and tok.value in "([{":
                depth += 1
            elif tok.kind == "op" and tok.value in ")]}":
                depth -= 1
            self.i += 1


def parse_bicep(path: Path) -> BicepFile:
    text = path.read_text(encoding="utf-8", errors="replace")
    result = BicepFile(path, lines=text.splitlines())
    try:
        toks, _ = tokenize(text, BICEP)
    except ExprError as exc:
        result.problems.append((1, f"cannot read the file ({exc})"))
        return result
    reader = _Reader(toks, text)
    while True:
        reader.skip_nl()
        tok = reader.peek(False)
        if tok.kind == "eof":
            break
        line = reader.line(tok)
        try:
            if tok.kind == "op" and tok.value == "@":
                reader.next()
                reader.postfix(reader.primary())
                continue
            if tok.kind == "id" and tok.value == "targetScope":
                reader.next()
                reader.expect("=")
                scope = reader.expression()
                result.scope = scope[1] if scope[0] == "lit" else result.scope
                continue
            if tok.kind == "id" and tok.value in ("param", "var", "resource", "module", "output"):
                result.decls.append(reader.declaration())
                continue
            if tok.kind == "id" and tok.value in ("func", "import", "extension", "provider"):
                result.problems.append((line, f"`{tok.value}` declarations are not modelled"))
            reader.skip_statement()
        except (ExprError, IndexError) as exc:
            result.problems.append((line, f"statement not understood ({exc})"))
            reader.skip_statement()
    return result
