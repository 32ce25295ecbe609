"""A small, safe parser for claim value expressions.

The language is deliberately tiny: numbers, ``+ - * /``, unary minus, parentheses, and
calls whose arguments are names (series ids, country codes, group ids) or integers (years).
Nothing is ever passed to ``eval``/``exec``: a hand-written tokenizer feeds a
recursive-descent parser that builds an immutable tree of four node types
(:class:`Num`, :class:`Neg`, :class:`Chain`, :class:`Call`).

Grammar::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | "+" unary | primary
    primary := NUMBER | NAME "(" [arg ("," arg)*] ")" | "(" expr ")"
    arg     := NAME | INTEGER

Limits keep hostile input cheap to reject: the text length, the nesting depth of
parentheses and unary signs, the number of calls, the length of names and numbers, and the
magnitude of literals. There is no exponent syntax (neither ``**`` nor ``1e9``): numbers
are written out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..errors import InputError

MAX_LENGTH = 4000  # characters of one expression
MAX_DEPTH = 50  # nested parentheses / unary signs
MAX_CALLS = 200  # calls in one expression
MAX_NAME = 64  # characters of one name
MAX_NUMBER_CHARS = 24  # characters of one numeric literal
MAX_LITERAL = 1e15  # largest absolute literal (a quadrillion; world GDP is ~1e14 US$)

# Budgets for a whole claim file, checked claim by claim as the file is bound (before any
# evaluation), so a hostile file is refused in well under a second. An honest file stays far
# inside them: the 109 seed claims make 377 calls, 34 distinct measure computations.
MAX_FILE_LOOKUPS = 20_000  # values read over the file (a call over years Y0..Y1 reads Y1-Y0+1)
MAX_FILE_MEASURES = 64  # distinct (measure, states, year) computations; each costs ~30 ms
MEASURE_FUNCTIONS = frozenset({"agreement", "dependence", "dimension_ratio", "product_share"})
RANGE_FUNCTIONS = frozenset({"sum", "mean", "max", "min"})


class FileBudget:
    """Counts the work a claim file asks for and refuses it, with one line, once it exceeds
    :data:`MAX_FILE_LOOKUPS` or :data:`MAX_FILE_MEASURES`."""

    def __init__(self, label: str):
        self.label = label
        self.lookups = 0
        self.measures: set[tuple] = set()

    def add(self, tree: "Node", bound: dict) -> None:
        for call in iter_calls(tree):  # every occurrence is evaluated, not only distinct ones
            b = bound.get(call)
            if b is None:
                continue
            years = getattr(b, "years", ()) or ()
            if b.func in RANGE_FUNCTIONS and len(years) == 2:
                self.lookups += max(int(years[1]) - int(years[0]) + 1, 1)
            else:
                self.lookups += 1
            if b.func in MEASURE_FUNCTIONS:
                self.measures.add((b.func, tuple(getattr(c, "label", c) for c in b.countries), tuple(years),
                                   getattr(b, "name", None)))
        if self.lookups > MAX_FILE_LOOKUPS:
            raise InputError(f"{self.label}: the claims ask for more than {MAX_FILE_LOOKUPS:,} data values; "
                             f"split the file")
        if len(self.measures) > MAX_FILE_MEASURES:
            raise InputError(f"{self.label}: the claims ask for more than {MAX_FILE_MEASURES} distinct "
                             f"computations of {', '.join(sorted(MEASURE_FUNCTIONS))} (states and year); "
                             f"split the file")


def count_top_items(text: str) -> int:
    """How many items a YAML file's top-level block list has (lines starting ``- ``), counted
    on the text before parsing it; flow-style lists (``[...]``) count as one line each."""
    return len(re.findall(r"(?m)^-(?:[ \t]|$)", text))


# ----------------------------------------------------------------------------- tree

@dataclass(frozen=True)
class Num:
    """A numeric literal."""

    value: float


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: "Node"


@dataclass(frozen=True)
class Chain:
    """A left-associative run of ``+``/``-`` (kind "add") or ``*``/``/`` (kind "mul").

    Kept flat rather than as nested binary nodes so that a long sum (``a + b + ... + z``)
    costs no recursion depth when evaluated.
    """

    kind: str
    first: "Node"
    rest: tuple[tuple[str, "Node"], ...]


@dataclass(frozen=True)
class Name:
    """A bare name used as a call argument (series id, country code, group id)."""

    text: str


@dataclass(frozen=True)
class Int:
    """An integer call argument (a year)."""

    value: int


Arg = Union[Name, Int]


@dataclass(frozen=True)
class Call:
    """A function or series call, e.g. ``gdp_usd(CHN, 2018)``."""

    name: str
    args: tuple[Arg, ...]
    pos: int = 0  # character offset, for error messages


Node = Union[Num, Neg, Chain, Call]


def iter_calls(node: Node):
    """Every :class:`Call` in the tree, left to right (iterative: no recursion limit)."""
    stack = [node]
    out = []
    while stack:
        n = stack.pop()
        if isinstance(n, Call):
            out.append(n)
        elif isinstance(n, Neg):
            stack.append(n.operand)
        elif isinstance(n, Chain):
            stack.extend(reversed([n.first] + [x for _, x in n.rest]))
    return out


def to_text(node: Node) -> str:
    """The expression written back in canonical form (fully parenthesised chains)."""
    if isinstance(node, Num):
        v = node.value
        return str(int(v)) if float(v).is_integer() else repr(v)
    if isinstance(node, Neg):
        return f"-{to_text(node.operand)}"
    if isinstance(node, Call):
        args = ", ".join(a.text if isinstance(a, Name) else str(a.value) for a in node.args)
        return f"{node.name}({args})"
    parts = [to_text(node.first)] + [f"{op} {to_text(x)}" for op, x in node.rest]
    return "(" + " ".join(parts) + ")"


# ----------------------------------------------------------------------------- tokens

@dataclass(frozen=True)
class Token:
    kind: str  # NUM, NAME, OP, LPAREN, RPAREN, COMMA, END
    text: str
    pos: int


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_SPACE = " \t\r\n"


def _fail(where: str, problem: str) -> InputError:
    return InputError(f"{where}: {problem}")


def tokenize(text: str, *, where: str = "expression") -> list[Token]:
    """Split ``text`` into tokens, rejecting anything outside the language."""
    if not isinstance(text, str):
        raise _fail(where, f"the value must be a text expression, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _fail(where, f"expression too long ({len(text)} characters; at most {MAX_LENGTH})")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE:
            i += 1
            continue
        if ch in "+-/":
            tokens.append(Token("OP", ch, i))
            i += 1
            continue
        if ch == "*":
            if text.startswith("**", i):
                raise _fail(where, f"'**' at position {i}: there is no power operator; write the number out")
            tokens.append(Token("OP", ch, i))
            i += 1
            continue
        if ch == "(":
            tokens.append(Token("LPAREN", ch, i))
            i += 1
            continue
        if ch == ")":
            tokens.append(Token("RPAREN", ch, i))
            i += 1
            continue
        if ch == ",":
            tokens.append(Token("COMMA", ch, i))
            i += 1
            continue
        if ch.isascii() and (ch.isdigit() or ch == "."):
            m = _NUMBER.match(text, i)
            if not m:
                if tokens and tokens[-1].kind in ("NAME", "RPAREN"):
                    raise _fail(where, f"'.' at position {i}: attribute access is not allowed")
                raise _fail(where, f"malformed number at position {i}")
            lit = m.group(0)
            j = m.end()
            if j < n and text[j] in "eE" and (j + 1 < n and (text[j + 1].isdigit() or text[j + 1] in "+-")):
                raise _fail(where, f"exponent notation at position {i} ({lit}{text[j]}...) is not supported; "
                                   "write the number out")
            if j < n and (text[j].isalpha() or text[j] == "_" or text[j] == "."):
                raise _fail(where, f"malformed number at position {i}")
            if len(lit) > MAX_NUMBER_CHARS:
                raise _fail(where, f"number at position {i} is too long ({len(lit)} characters)")
            tokens.append(Token("NUM", lit, i))
            i = j
            continue
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            m = _NAME.match(text, i)
            name = m.group(0)
            if len(name) > MAX_NAME:
                raise _fail(where, f"name at position {i} is too long ({len(name)} characters)")
            if name.startswith("__"):
                raise _fail(where, f"name {name[:20]!r} at position {i} is not allowed (names may not start with '__')")
            j = m.end()
            if j < n and text[j] == ".":
                raise _fail(where, f"'.' after {name[:20]!r} at position {j}: attribute access is not allowed")
            tokens.append(Token("NAME", name, i))
            i = j
            continue
        raise _fail(where, _describe_bad_char(ch, i))
    tokens.append(Token("END", "", n))
    return tokens


def _describe_bad_char(ch: str, pos: int) -> str:
    if ch in "'\"`":
        return f"quote at position {pos}: strings are not allowed (write names without quotes)"
    if ch in "[]{}":
        return f"{ch!r} at position {pos}: brackets are not allowed (only parentheses)"
    if ch == "^":
        return f"'^' at position {pos}: there is no power operator"
    if ch in "=<>!":
        return f"{ch!r} at position {pos}: comparisons belong in 'expect', not in the value"
    if ch in "%&|~@;:#\\$?":
        return f"{ch!r} at position {pos}: operator not supported (only + - * / and parentheses)"
    if not ch.isprintable():
        return f"control character {ch!r} at position {pos} is not allowed"
    return f"unexpected character {ch!r} at position {pos}"


# ----------------------------------------------------------------------------- parser

class _Parser:
    def __init__(self, tokens: list[Token], where: str):
        self.tokens = tokens
        self.i = 0
        self.where = where
        self.depth = 0
        self.calls = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def fail(self, problem: str) -> InputError:
        return _fail(self.where, problem)

    def expect(self, kind: str, what: str) -> Token:
        t = self.tok
        if t.kind != kind:
            raise self.fail(f"expected {what} at position {t.pos}, found {_show(t)}")
        return self.advance()

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expression nested too deeply at position {pos} (at most {MAX_DEPTH} levels)")

    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise self.fail("empty expression")
        node = self.expr()
        if self.tok.kind != "END":
            t = self.tok
            if t.kind == "NAME" or t.kind == "NUM" or t.kind == "LPAREN":
                raise self.fail(f"missing operator before {_show(t)} at position {t.pos}")
            raise self.fail(f"unexpected {_show(t)} at position {t.pos}")
        return node

    def expr(self) -> Node:
        first = self.term()
        rest = []
        while self.tok.kind == "OP" and self.tok.text in "+-":
            op = self.advance().text
            rest.append((op, self.term()))
        return Chain("add", first, tuple(rest)) if rest else first

    def term(self) -> Node:
        first = self.unary()
        rest = []
        while self.tok.kind == "OP" and self.tok.text in "*/":
            op = self.advance().text
            rest.append((op, self.unary()))
        return Chain("mul", first, tuple(rest)) if rest else first

    def unary(self) -> Node:
        t = self.tok
        if t.kind == "OP" and t.text in "+-":
            self.advance()
            self.enter(t.pos)
            operand = self.unary()
            self.depth -= 1
            return Neg(operand) if t.text == "-" else operand
        return self.primary()

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "NUM":
            self.advance()
            return Num(_number(t, self.where))
        if t.kind == "LPAREN":
            self.advance()
            self.enter(t.pos)
            node = self.expr()
            self.depth -= 1
            self.expect("RPAREN", "')'")
            return node
        if t.kind == "NAME":
            self.advance()
            if self.tok.kind != "LPAREN":
                raise self.fail(f"{t.text!r} at position {t.pos} is a bare name; values come from calls such "
                                f"as {t.text}(CHN, 2020)")
            return self.call(t)
        if t.kind == "END":
            raise self.fail("expression ends too early")
        raise self.fail(f"unexpected {_show(t)} at position {t.pos}")

    def call(self, name: Token) -> Call:
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise self.fail(f"too many calls (at most {MAX_CALLS})")
        self.expect("LPAREN", "'('")
        args: list[Arg] = []
        if self.tok.kind == "RPAREN":
            self.advance()
            return Call(name.text, (), name.pos)
        while True:
            t = self.tok
            if t.kind == "NAME":
                self.advance()
                if self.tok.kind == "LPAREN":
                    raise self.fail(f"call {t.text}(...) inside the arguments of {name.text} at position {t.pos}: "
                                    "arguments are names and years only")
                args.append(Name(t.text))
            elif t.kind == "NUM":
                self.advance()
                if not t.text.isdigit():
                    raise self.fail(f"argument {t.text} of {name.text} at position {t.pos} must be a whole number "
                                    "(a year) or a name")
                args.append(Int(int(t.text)))
            elif t.kind == "OP" and t.text == "-":
                raise self.fail(f"negative argument in {name.text} at position {t.pos}: arguments are names and "
                                "years only")
            else:
                raise self.fail(f"expected a name or a year as argument of {name.text} at position {t.pos}, "
                                f"found {_show(t)}")
            if self.tok.kind == "COMMA":
                self.advance()
                continue
            if self.tok.kind == "RPAREN":
                self.advance()
                break
            t = self.tok
            if t.kind == "END":
                raise self.fail(f"unclosed call {name.text}( at position {name.pos}")
            raise self.fail(f"arguments of {name.text} are names and years separated by commas; "
                            f"found {_show(t)} at position {t.pos}")
        return Call(name.text, tuple(args), name.pos)


def _show(t: Token) -> str:
    return "the end" if t.kind == "END" else repr(t.text)


def _number(t: Token, where: str) -> float:
    v = float(t.text)
    if abs(v) > MAX_LITERAL:
        raise _fail(where, f"number {t.text} at position {t.pos} is too large (at most {MAX_LITERAL:.0e})")
    return v


def parse(text: str, *, where: str = "expression") -> Node:
    """Parse a claim value expression into a tree.

    Parameters
    ----------
    text
        The expression, e.g. ``"gdp_usd(CHN, 2018) / gdp_usd(RUS, 2018)"``.
    where
        How error messages name the expression (e.g. ``"claims.yaml: claim 'gdp-ratio'"``).

    Raises
    ------
    InputError
        One line naming ``where`` and the problem, for any text outside the language or
        beyond the limits (length, depth, calls, literal size).
    """
    tokens = tokenize(text, where=where)
    return _Parser(tokens, where).parse()
