"""Regular expressions with complement and intersection, compiled to minimal DFAs.

Syntax (every symbol is one character of the alphabet)
------------------------------------------------------
=====================  ==================================================================
``a``                  the symbol ``a``; ``\\x`` is the symbol ``x`` even if ``x`` is a
                       metacharacter (``| & ~ * + ? ( ) [ ] { } . \\``)
``.``                  any symbol of the alphabet
``[abc]`` ``[a-c]``    one of the listed symbols; a range takes the alphabet's symbols whose
                       code points lie between its ends; ``[^ab]`` is the alphabet minus them
``()``                 the empty string
``(r)``                grouping
``r*`` ``r+`` ``r?``   zero or more, one or more, zero or one
``r{m}`` ``r{m,}``     exactly ``m``, at least ``m``, between ``m`` and ``n`` (``{,n}`` is
``r{m,n}``             ``{0,n}``); counts are at most 1000, and the whole pattern may expand
                       to at most ``max_nfa_states`` NFA states (see *Budgets*)
``~r``                 complement relative to all words over the alphabet; it binds like the
                       postfix operators and takes the repeated atom after it, so ``~a*`` is
                       ``~(a*)``; write ``(~a)*`` for the other reading
``rs``                 concatenation
``r&s``                intersection: looser than concatenation, tighter than ``|``
``r|s``                union
=====================  ==================================================================

Empty operands are errors (write ``()`` for the empty string), as are an empty pattern and
unbalanced brackets; :class:`~automata.errors.RegexSyntaxError` carries the 1-based column.

Compilation
-----------
The parse tree (recursive descent) is compiled to an epsilon-NFA by Thompson's construction
(K. Thompson, "Regular expression search algorithm", CACM 11(6), 1968), determinized by the
subset construction (M. O. Rabin & D. Scott, "Finite automata and their decision problems",
IBM J. Res. Dev. 3(2), 1959) over the NFA states that read a symbol, and minimized with
Hopcroft's algorithm (:mod:`automata.minimize`). A complement or intersection subterm is first
compiled to a minimal DFA of its own, complemented or intersected (product construction) there,
trimmed to its useful states and spliced back into the surrounding NFA as a fragment.

Budgets
-------
Sizes are estimated before the work they bound and refused with a
:class:`~automata.errors.BudgetExceededError` naming the limit (:mod:`automata.budgets`): the
NFA a pattern expands to is sized from the parse tree before it is built (``(a{1000}){1000}``
is refused at once), the subset construction stops at ``max_states`` DFA states
(``~(.*a(a|b){20})`` needs 2^21) and checks a time budget (``max_seconds``) as it goes. DFA
states are sets of NFA states, so the cost is linear in the pattern for long literals.

>>> d = regex_to_dfa("~(.*aa.*)", "ab")          # no two a's in a row
>>> d.accepts("abab"), d.accepts("baab"), d.n_states
(True, False, 3)
>>> regex_to_dfa("(ab)*&~()", "ab").accepts("")   # (ab)+ written with & and ~
False
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

import automata.budgets as budgets
from .dfa import DFA
from .errors import InvalidAutomatonError, RegexSyntaxError, UnknownSymbolError

__all__ = ["regex_to_dfa", "parse_regex", "Sym", "Eps", "Cat", "Alt", "And", "Not", "Repeat",
           "METACHARACTERS", "MAX_COUNT", "nfa_size", "compile_node", "parse_alphabet"]

METACHARACTERS = frozenset("|&~*+?()[]{}.\\")
MAX_COUNT = 1000          # largest m or n in {m,n}
MAX_DEPTH = 100           # deepest nesting of groups, complements or repetitions


# ---------------------------------------------------------------- parse tree
@dataclass(frozen=True)
class Sym:
    """One symbol out of a set (a literal, a class or ``.``): alphabet indices."""
    symbols: frozenset[int]


@dataclass(frozen=True)
class Eps:
    """The empty string ``()``."""


@dataclass(frozen=True)
class Cat:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Alt:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class And:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    inner: "Node"


@dataclass(frozen=True)
class Repeat:
    """``inner{low,high}``; ``high=None`` is unbounded (``*`` is ``{0,}``, ``+`` is ``{1,}``)."""
    inner: "Node"
    low: int
    high: int | None


Node = Union[Sym, Eps, Cat, Alt, And, Not, Repeat]


def _alphabet(alphabet: Sequence[str] | str) -> tuple[str, ...]:
    try:
        symbols = tuple(alphabet)
    except TypeError:
        raise InvalidAutomatonError(f"the alphabet must be a str or a sequence, got {alphabet!r}") \
            from None
    if not symbols:
        raise InvalidAutomatonError("the alphabet is empty")
    for s in symbols:
        if not isinstance(s, str) or len(s) != 1:
            raise InvalidAutomatonError(
                f"regular expressions need one-character symbols, got {s!r}")
    if len(set(symbols)) != len(symbols):
        raise InvalidAutomatonError(f"the alphabet repeats symbols: {list(symbols)}")
    return symbols


def parse_alphabet(text: str, option: str = "--alphabet") -> tuple[str, ...]:
    """A command-line alphabet: comma-separated symbols, or (without a comma) one symbol per
    character. Empty symbols (``'a,,b'``, a trailing comma), repeats and an empty text are
    errors, never silently dropped.

    >>> parse_alphabet("ab"), parse_alphabet("x,y")
    (('a', 'b'), ('x', 'y'))
    >>> parse_alphabet("a,,b")
    Traceback (most recent call last):
    ...
    automata.errors.InvalidAutomatonError: --alphabet 'a,,b': symbol 2 is empty
    """
    if not isinstance(text, str) or not text:
        raise InvalidAutomatonError(f"{option} is empty")
    symbols = text.split(",") if "," in text else list(text)
    for i, sym in enumerate(symbols, 1):
        if not sym.strip():
            raise InvalidAutomatonError(f"{option} {text!r}: symbol {i} is empty")
    if len(set(symbols)) != len(symbols):
        dup = sorted({x for x in symbols if symbols.count(x) > 1})
        raise InvalidAutomatonError(f"{option} {text!r} repeats symbol(s) {dup}")
    return tuple(symbols)


class _Parser:
    """Recursive descent over ``pattern``; ``self.i`` is the 0-based position."""

    def __init__(self, pattern: str, alphabet: tuple[str, ...]):
        self.p = pattern
        self.i = 0
        self.alphabet = alphabet
        self.index = {s: k for k, s in enumerate(alphabet)}
        self.depth = 0

    # helpers
    def error(self, message: str, at: int | None = None) -> RegexSyntaxError:
        return RegexSyntaxError(message, self.p, (self.i if at is None else at) + 1)

    def peek(self) -> str | None:
        return self.p[self.i] if self.i < len(self.p) else None

    def symbol(self, ch: str, at: int) -> int:
        k = self.index.get(ch)
        if k is None:
            raise UnknownSymbolError(
                f"symbol {ch!r} at column {at + 1} of {self.p!r} is not in the alphabet "
                f"{list(self.alphabet)}")
        return k

    def enter(self, at: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH}", at)

    # grammar
    def parse(self) -> Node:
        if not self.p:
            raise RegexSyntaxError("empty pattern; write () for the empty string", self.p, 1)
        node = self.alternation()
        if self.i < len(self.p):                      # only a stray closer can stop us early
            raise self.error(f"unmatched {self.p[self.i]!r}")
        return node

    def alternation(self) -> Node:
        parts = [self.intersection()]
        while self.peek() == "|":
            self.i += 1
            parts.append(self.intersection())
        return parts[0] if len(parts) == 1 else Alt(tuple(parts))

    def intersection(self) -> Node:
        parts = [self.concatenation("|")]
        while self.peek() == "&":
            self.i += 1
            parts.append(self.concatenation("&"))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def concatenation(self, after: str) -> Node:
        """A run of unary terms; ``after`` is what preceded it: ``'|'`` or ``'&'``."""
        parts = []
        while self.peek() is not None and self.peek() not in "|&)":
            parts.append(self.unary())
        if not parts:
            if after == "&" or self.peek() == "&":
                raise self.error("'&' needs an operand on both sides")
            raise self.error("empty alternative; write () for the empty string")
        return parts[0] if len(parts) == 1 else Cat(tuple(parts))

    def unary(self) -> Node:
        if self.peek() == "~":
            at = self.i
            self.i += 1
            if self.peek() is None or self.peek() in "|&)":
                raise self.error("'~' needs an operand")
            self.enter(at)
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.postfix(self.atom())

    def postfix(self, node: Node) -> Node:
        stacked = 0
        while True:
            c = self.peek()
            if c is not None and c in "*+?{":
                stacked += 1
                if stacked > MAX_DEPTH:
                    raise self.error(f"more than {MAX_DEPTH} repetition operators in a row")
            if c == "*":
                node = Repeat(node, 0, None)
            elif c == "+":
                node = Repeat(node, 1, None)
            elif c == "?":
                node = Repeat(node, 0, 1)
            elif c == "{":
                node = self.braces(node)
                continue
            else:
                return node
            self.i += 1

    def braces(self, node: Node) -> Node:
        at = self.i
        end = self.p.find("}", at)
        if end < 0:
            raise self.error("'{' without a closing '}'", at)
        body = self.p[at + 1:end]
        low_s, comma, high_s = body.partition(",")
        ok = body.isascii() and (
            low_s.isdigit() or (not low_s and comma and high_s.isdigit())) and (
            not high_s or high_s.isdigit())
        if ok and max(len(low_s), len(high_s)) > 8:
            raise self.error(f"repetition count above {MAX_COUNT}", at)
        if not ok:
            raise self.error(f"bad repetition {{{body}}}; use {{m}}, {{m,}} or {{m,n}}", at)
        low = int(low_s) if low_s else 0
        high = None if comma and not high_s else int(high_s) if comma else low
        if max(low, high or 0) > MAX_COUNT:
            raise self.error(f"repetition count above {MAX_COUNT}", at)
        if high is not None and high < low:
            raise self.error(f"repetition {{{body}}} has its maximum below its minimum", at)
        self.i = end + 1
        return Repeat(node, low, high)

    def atom(self) -> Node:
        at = self.i
        c = self.p[at]
        if c == "(":
            self.i += 1
            if self.peek() is None:
                raise self.error("'(' is never closed", at)
            if self.peek() == ")":
                self.i += 1
                return Eps()
            self.enter(at)
            node = self.alternation()
            self.depth -= 1
            if self.peek() != ")":
                raise self.error("'(' is never closed", at)
            self.i += 1
            return node
        if c == "[":
            return self.char_class()
        if c == ".":
            self.i += 1
            return Sym(frozenset(range(len(self.alphabet))))
        if c == "\\":
            if at + 1 >= len(self.p):
                raise self.error("'\\' at the end of the pattern", at)
            self.i += 2
            return Sym(frozenset([self.symbol(self.p[at + 1], at + 1)]))
        if c in "*+?{":
            raise self.error(f"{c!r} has nothing to repeat")
        if c in "]}":
            raise self.error(f"unmatched {c!r}")
        self.i += 1
        return Sym(frozenset([self.symbol(c, at)]))

    def char_class(self) -> Node:
        start = self.i
        self.i += 1
        negate = self.peek() == "^"
        if negate:
            self.i += 1
        members: set[int] = set()
        empty = True
        while True:
            c = self.peek()
            if c is None:
                raise self.error("'[' is never closed", start)
            if c == "]":
                break
            lo_at = self.i
            lo = self.class_char()
            if self.peek() == "-" and self.i + 1 < len(self.p) and self.p[self.i + 1] != "]":
                self.i += 1
                hi = self.class_char()
                if ord(hi) < ord(lo):
                    raise self.error(f"range {lo}-{hi} is reversed", lo_at)
                members.update(k for k, s in enumerate(self.alphabet) if lo <= s <= hi)
            else:
                members.add(self.symbol(lo, lo_at))
            empty = False
        if empty:
            raise self.error("empty character class", start)
        self.i += 1
        if negate:
            members = set(range(len(self.alphabet))) - members
        return Sym(frozenset(members))

    def class_char(self) -> str:
        c = self.p[self.i]
        if c == "\\":
            if self.i + 1 >= len(self.p):
                raise self.error("'\\' at the end of the pattern")
            self.i += 2
            return self.p[self.i - 1]
        self.i += 1
        return c


def parse_regex(pattern: str, alphabet: Sequence[str] | str) -> Node:
    """Parse ``pattern`` into a tree of :class:`Sym`, :class:`Eps`, :class:`Cat`, :class:`Alt`,
    :class:`And`, :class:`Not` and :class:`Repeat` nodes.

    >>> parse_regex("a|b*", "ab")
    Alt(parts=(Sym(symbols=frozenset({0})), Repeat(inner=Sym(symbols=frozenset({1})), low=0, high=None)))
    """
    if not isinstance(pattern, str):
        raise RegexSyntaxError(f"a pattern must be a str, got {type(pattern).__name__}")
    return _Parser(pattern, _alphabet(alphabet)).parse()


class _Limits:
    """The budgets of one compilation, shared by the subterms compiled on their own."""

    def __init__(self, max_nfa_states: int | None, max_states: int | None,
                 max_seconds: float | None):
        self.nfa = int(budgets.limit("max_regex_nfa_states", max_nfa_states))
        self.dfa = int(budgets.limit("max_dfa_states", max_states))
        self.deadline = budgets.Deadline("compiling the regular expression", max_seconds,
                                         param="max_seconds=S")


def nfa_size(node: Node) -> int:
    """Number of NFA states Thompson's construction makes for ``node`` (``~`` and ``&``
    subterms counted as 2: their size is known only once they are compiled).

    >>> nfa_size(parse_regex("(a{1000}){1000}", "a"))
    2002002
    """
    if isinstance(node, Sym):
        return 2
    if isinstance(node, Eps):
        return 1
    if isinstance(node, Cat):
        return sum(nfa_size(p) for p in node.parts)
    if isinstance(node, Alt):
        return 2 + sum(nfa_size(p) for p in node.parts)
    if isinstance(node, Repeat):
        inner = nfa_size(node.inner)
        rest = inner + 1 if node.high is None else 1 + (node.high - node.low) * inner
        return 1 + node.low * inner + rest
    return 2


# ----------------------------------------------------------------- Thompson NFA
class _NFA:
    """Epsilon-NFA under construction: ``moves[s]`` lists ``(symbol, target)``."""

    def __init__(self, k: int, limits: _Limits):
        self.k = k
        self.limits = limits
        self.moves: list[list[tuple[int, int]]] = []
        self.eps: list[list[int]] = []
        self.dfa_cache: dict[int, DFA] = {}

    def state(self) -> int:
        if len(self.moves) >= self.limits.nfa:              # ~ and & subterms, spliced in
            budgets.check(len(self.moves) + 1, "max_regex_nfa_states",
                          "the regular expression", self.limits.nfa, "max_nfa_states=N")
        self.moves.append([])
        self.eps.append([])
        return len(self.moves) - 1

    def build(self, node: Node, alphabet: tuple[str, ...]) -> tuple[int, int]:
        """Add a fragment for ``node``; returns its (start, end) states."""
        if isinstance(node, Sym):
            s, e = self.state(), self.state()
            self.moves[s].extend((a, e) for a in sorted(node.symbols))
            return s, e
        if isinstance(node, Eps):
            s = self.state()
            return s, s
        if isinstance(node, Cat):
            s, e = self.build(node.parts[0], alphabet)
            for part in node.parts[1:]:
                s2, e2 = self.build(part, alphabet)
                self.eps[e].append(s2)
                e = e2
            return s, e
        if isinstance(node, Alt):
            s, e = self.state(), self.state()
            for part in node.parts:
                s2, e2 = self.build(part, alphabet)
                self.eps[s].append(s2)
                self.eps[e2].append(e)
            return s, e
        if isinstance(node, Repeat):
            return self.repeat(node, alphabet)
        # Not / And: through a DFA of their own
        key = id(node)
        if key not in self.dfa_cache:
            lim = self.limits
            if isinstance(node, Not):
                d = ~_compile(node.inner, alphabet, lim)
            else:
                d = _compile(node.parts[0], alphabet, lim)
                for part in node.parts[1:]:
                    other = _compile(part, alphabet, lim)
                    d = d.product(other, "and", max_states=lim.dfa).minimize()
            self.dfa_cache[key] = d.minimize()
        return self.splice(self.dfa_cache[key])

    def repeat(self, node: Repeat, alphabet: tuple[str, ...]) -> tuple[int, int]:
        s = e = self.state()
        for _ in range(node.low):                       # the mandatory copies
            s2, e2 = self.build(node.inner, alphabet)
            self.eps[e].append(s2)
            e = e2
        if node.high is None:                           # then a Thompson star
            s2, e2 = self.build(node.inner, alphabet)
            end = self.state()
            self.eps[e] += [s2, end]
            self.eps[e2] += [s2, end]
            return s, end
        end = self.state()
        for _ in range(node.high - node.low):           # then optional copies, each may stop
            self.eps[e].append(end)
            s2, e2 = self.build(node.inner, alphabet)
            self.eps[e].append(s2)
            e = e2
        self.eps[e].append(end)
        return s, end

    def splice(self, d: DFA) -> tuple[int, int]:
        """Copy the useful states of ``d`` into the NFA; accepting states go by epsilon to the end."""
        live = d.coreachable_mask()
        base = len(self.moves)
        for _ in range(d.n_states):
            self.state()
        end = self.state()
        rows = d.delta.tolist()
        for q in range(d.n_states):
            if live[q]:
                self.moves[base + q] = [(a, base + t) for a, t in enumerate(rows[q]) if live[t]]
        for q in d.accepting:
            self.eps[base + q].append(end)
        return base + d.initial, end


#: Up to this many reading states, sets of NFA states are int bitmasks (compact and fast);
#: beyond it frozensets, whose cost follows the sets' sizes rather than the NFA's (linear time
#: for long literals, where bitmasks of 200,000 bits made every union cost the whole NFA).
BITMASK_MAX = 2048


def _determinize(nfa: _NFA, start: int, end: int, alphabet: tuple[str, ...],
                 limits: _Limits) -> DFA:
    """Subset construction over the NFA states that read a symbol (plus acceptance)."""
    n, k = len(nfa.moves), nfa.k
    reading = [s for s, m in enumerate(nfa.moves) if m or s == end]
    use_masks = len(reading) <= BITMASK_MAX
    rank = {s: i for i, s in enumerate(reading)}        # compact numbering of the masks' bits
    closure: list = [None] * n

    def close(s0: int):
        c = closure[s0]
        if c is not None:
            return c
        found, seen, stack = [], {s0}, [s0]
        while stack:
            s = stack.pop()
            if s in rank:
                found.append(rank[s])
            for t in nfa.eps[s]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        if use_masks:
            c = 0
            for r in found:
                c |= 1 << r
        else:
            c = frozenset(found)
        closure[s0] = c
        return c

    empty = 0 if use_masks else frozenset()
    step: dict[int, list] = {}                          # per reading state: set per symbol

    def steps(r: int) -> list:
        row = step.get(r)
        if row is None:
            row = [empty] * k
            for a, t in nfa.moves[reading[r]]:
                row[a] = row[a] | close(t)
            step[r] = row
        return row

    def members(subset):
        if not use_masks:
            return subset
        out, m = [], subset
        while m:
            low = m & -m
            out.append(low.bit_length() - 1)
            m ^= low
        return out

    first = close(start)
    ids = {first: 0}
    order = [first]
    table: list[list[int]] = []
    for subset in order:                                # ``order`` grows while we walk it
        if not len(table) & 255:
            limits.deadline.check()
        rows = [steps(r) for r in members(subset)]
        if len(rows) == 1:
            succ = rows[0]
        elif use_masks:
            succ = [empty] * k
            for row in rows:
                for a in range(k):
                    succ[a] |= row[a]
        else:
            succ = [frozenset().union(*[row[a] for row in rows]) for a in range(k)]
        out = []
        for t in succ:
            j = ids.get(t)
            if j is None:
                if len(order) >= limits.dfa:
                    budgets.check(len(order) + 1, "max_dfa_states",
                                  "the subset construction of the regular expression",
                                  limits.dfa, "max_states=N")
                j = ids[t] = len(order)
                order.append(t)
            out.append(j)
        table.append(out)
    fin = rank[end]
    if use_masks:
        accepting = [i for i, mask in enumerate(order) if mask >> fin & 1]
    else:
        accepting = [i for i, sub in enumerate(order) if fin in sub]
    return DFA(alphabet, np.array(table, dtype=np.int64).reshape(len(order), k), 0, accepting)


def _compile(node: Node, alphabet: tuple[str, ...], limits: _Limits) -> DFA:
    budgets.check(nfa_size(node), "max_regex_nfa_states", "the regular expression", limits.nfa,
                  "max_nfa_states=N")
    nfa = _NFA(len(alphabet), limits)
    s, e = nfa.build(node, alphabet)
    return _determinize(nfa, s, e, alphabet, limits).minimize()


def compile_node(node: Node, alphabet: tuple[str, ...], *, max_nfa_states: int | None = None,
                 max_states: int | None = None, max_seconds: float | None = None) -> DFA:
    """Minimal DFA of a parse tree over ``alphabet`` (a tuple of one-character symbols); the
    budgets as in :func:`regex_to_dfa`."""
    return _compile(node, alphabet, _Limits(max_nfa_states, max_states, max_seconds))


def regex_to_dfa(pattern: str, alphabet: Sequence[str] | str, *,
                 max_nfa_states: int | None = None, max_states: int | None = None,
                 max_seconds: float | None = None) -> DFA:
    """Compile ``pattern`` (syntax in the module docstring) to its minimal, canonical DFA.

    Parameters
    ----------
    pattern : str
    alphabet : str or sequence of one-character str
        The symbols, in the column order of the resulting ``delta``.
    max_nfa_states, max_states, max_seconds : optional
        Budgets (default: :mod:`automata.budgets`, ``$AUTOMATA_MAX_REGEX_NFA_STATES``,
        ``$AUTOMATA_MAX_DFA_STATES``, ``$AUTOMATA_MAX_SECONDS``): the size of the NFA the
        pattern expands to (estimated before it is built), the states of every subset
        construction, and the seconds of the whole compilation.

    Returns
    -------
    DFA
        Minimal, BFS-numbered; ``delta`` has shape ``(n_states, len(alphabet))``.

    Raises
    ------
    RegexSyntaxError
        With ``column`` (1-based) set.
    UnknownSymbolError
        A symbol of the pattern is not in the alphabet.
    InvalidAutomatonError
        The alphabet is empty, repeats a symbol or has a symbol longer than one character.
    BudgetExceededError
        A budget is exceeded; the message names it.

    >>> regex_to_dfa("a{2,3}", "a").n_states   # states for 0, 1, 2, 3 a's, and the sink
    5
    >>> regex_to_dfa("~(.*a(a|b){20})", "ab")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    automata.errors.BudgetExceededError: the subset construction of the regular expression needs 200,001 DFA states, above the limit 200,000 (limit max_dfa_states: raise it with max_states=N or $AUTOMATA_MAX_DFA_STATES)
    """
    symbols = _alphabet(alphabet)
    return compile_node(parse_regex(pattern, symbols), symbols, max_nfa_states=max_nfa_states,
                        max_states=max_states, max_seconds=max_seconds)
