"""Small deterministic counter automata, for the counter languages no DFA can hold.

A :class:`CounterAutomaton` has finitely many control states and ``k`` non-negative integer
counters. A transition fires on ``(control state, symbol, zero-test of every counter)`` and
moves to a control state while adding a fixed increment to each counter. A word is accepted
when it ends in an accepting control state whose counter condition holds. A missing
transition, or one that would make a counter negative, leads to an explicit ``dead``
configuration that absorbs the rest of the word.

Configurations are tuples ``(control_state, *counter_values)`` with ``control_state`` the
integer index of the state (``n_states`` itself denotes the dead state, whose counters read 0).

Liveness (can this configuration still be completed to a member?) is what the per-prefix labels
("which symbol may come next") need. A counter automaton is called *trim* when every
configuration other than the dead one can still reach acceptance; all the automata this
package registers are trim (:meth:`CounterAutomaton.check_trim` verifies it on every
configuration reachable up to a length, and the tests run it), and for them liveness is simply
"not dead". Automata that are not trim must pass an exact ``live`` predicate.

>>> dyck = CounterAutomaton("()", ["q"], "q", 1,
...                         [("q", "(", "*", "q", (1,)), ("q", ")", "+", "q", (-1,))],
...                         accepting={"q": "0"})
>>> dyck.accepts("(()())"), dyck.accepts("())(")
(True, False)
>>> dyck.trace("(()")         # (control state, counter) after every prefix, empty prefix first
[(0, 0), (0, 1), (0, 2), (0, 1)]
>>> dyck.trace(")(")[-1] == dyck.dead
True
"""
from __future__ import annotations

import itertools
from operator import add as _add
from collections import deque
from typing import Any, Callable, Iterable, Mapping, Sequence


from .dfa import SymbolEncoding
from .errors import BudgetExceededError, InvalidAutomatonError, UnknownStateError, UnknownSymbolError

__all__ = ["CounterAutomaton", "Config"]

Config = tuple  # (control_state, *counters)

_TEST_CHARS = {"0": (True,), "+": (False,), "*": (True, False)}


def _parse_tests(tests: str | Sequence[str], k: int, where: str) -> list[tuple[bool, ...]]:
    """Expand a test string such as ``"0+*"`` into every matching zero-mask."""
    tests = "".join(tests)
    if len(tests) != k:
        raise InvalidAutomatonError(f"{where}: counter test {tests!r} must have {k} characters")
    options = []
    for ch in tests:
        if ch not in _TEST_CHARS:
            raise InvalidAutomatonError(
                f"{where}: counter test character {ch!r} must be '0' (zero), '+' (positive) or '*'"
            )
        options.append(_TEST_CHARS[ch])
    return list(itertools.product(*options))


class CounterAutomaton(SymbolEncoding):
    """A deterministic automaton with ``k`` non-negative counters and zero tests.

    Parameters
    ----------
    alphabet : sequence of str
        Distinct non-empty symbols.
    states : sequence of str
        Names of the control states.
    initial : str
        Initial control state.
    n_counters : int
        Number of counters ``k`` (at least 1).
    rules : iterable of (state, symbol, tests, next_state, increments)
        ``tests`` is a string of ``k`` characters, one per counter: ``'0'`` the counter is zero,
        ``'+'`` it is positive, ``'*'`` either. ``increments`` is a length-``k`` tuple of ints.
        At most one rule may apply to any ``(state, symbol, zero-mask)``.
    accepting : mapping state -> tests
        Accepting control states with the counter condition acceptance needs (same syntax).
    initial_counters : sequence of int, optional
        Counter values at the start (default all 0).
    live : callable(config) -> bool, optional
        Exact liveness predicate; default "not dead", valid for trim automata (see module doc).
    """

    def __init__(
        self,
        alphabet: Sequence[str],
        states: Sequence[str],
        initial: str,
        n_counters: int,
        rules: Iterable[tuple[str, str, str, str, Sequence[int]]],
        accepting: Mapping[str, str],
        initial_counters: Sequence[int] | None = None,
        live: Callable[[Config], bool] | None = None,
    ):
        alphabet = tuple(alphabet)
        if not alphabet:
            raise InvalidAutomatonError("the alphabet is empty")
        if len(set(alphabet)) != len(alphabet) or not all(isinstance(s, str) and s for s in alphabet):
            raise InvalidAutomatonError(f"alphabet symbols must be distinct non-empty strings: {alphabet}")
        states = tuple(str(q) for q in states)
        if not states or len(set(states)) != len(states):
            raise InvalidAutomatonError("control states must be a non-empty list of distinct names")
        k = int(n_counters)
        if k < 1:
            raise InvalidAutomatonError("a counter automaton needs at least one counter")
        index = {q: i for i, q in enumerate(states)}
        sym = {s: i for i, s in enumerate(alphabet)}
        if initial not in index:
            raise UnknownStateError(f"initial state {initial!r} is not among the states {list(states)}")
        table: dict[tuple[int, int, tuple[bool, ...]], tuple[int, tuple[int, ...]]] = {}
        for rule in rules:
            if len(rule) != 5:
                raise InvalidAutomatonError(f"a rule has 5 fields (state, symbol, tests, next, increments): {rule!r}")
            q, a, tests, q2, inc = rule
            where = f"rule {q!r} --{a}-->"
            if q not in index or q2 not in index:
                raise UnknownStateError(f"{where} {q2!r} names an unknown state")
            if a not in sym:
                raise UnknownSymbolError(f"{where} uses symbol {a!r} not in the alphabet {list(alphabet)}")
            inc = tuple(int(x) for x in inc)
            if len(inc) != k:
                raise InvalidAutomatonError(f"{where} needs {k} increments, got {len(inc)}")
            for mask in _parse_tests(tests, k, where):
                key = (index[q], sym[a], mask)
                if key in table:
                    raise InvalidAutomatonError(f"{where} overlaps another rule (not deterministic)")
                table[key] = (index[q2], inc)
        acc: dict[int, set[tuple[bool, ...]]] = {}
        for q, tests in accepting.items():
            if q not in index:
                raise UnknownStateError(f"accepting state {q!r} is not among the states")
            acc[index[q]] = set(_parse_tests(tests, k, f"accepting state {q!r}"))
        init_c = tuple(int(c) for c in (initial_counters or (0,) * k))
        if len(init_c) != k or min(init_c) < 0:
            raise InvalidAutomatonError(f"initial counters must be {k} non-negative ints")
        self.alphabet = alphabet
        self.states = states
        self.n_counters = k
        self.initial = index[initial]
        self.initial_counters = init_c
        self._table = table
        self._accepting = acc
        self._sym = sym
        self._live = live
        self.dead: Config = (len(states),) + (0,) * k
        # lower-bound data for min_remaining: counters every accepting mask needs at zero, and
        # the largest decrement any rule applies to each counter
        self._must_zero = [j for j in range(k)
                           if acc and all(m[j] for ms in acc.values() for m in ms)]
        self._max_dec = [max([-inc[j] for _, inc in table.values()] + [0]) for j in range(k)]

    # ------------------------------------------------------------------ basics
    @property
    def n_states(self) -> int:
        """Number of control states, the dead state excluded."""
        return len(self.states)

    @property
    def initial_config(self) -> Config:
        return (self.initial,) + self.initial_counters

    def step(self, config: Config, a: int) -> Config:
        """Configuration after reading the symbol with index ``a``."""
        q = config[0]
        if q == len(self.states):
            return self.dead
        counters = config[1:]
        rule = self._table.get((q, int(a), tuple([c == 0 for c in counters])))
        if rule is None:
            return self.dead
        q2, inc = rule
        new = tuple(map(_add, counters, inc))
        if min(new) < 0:
            return self.dead
        return (q2,) + new

    def is_accepting(self, config: Config) -> bool:
        masks = self._accepting.get(config[0])
        return masks is not None and tuple(c == 0 for c in config[1:]) in masks

    def is_live(self, config: Config) -> bool:
        """Can ``config`` still be completed to a member? (see the module doc on trimness)."""
        if config[0] == len(self.states):
            return False
        return True if self._live is None else bool(self._live(config))

    def min_remaining(self, config: Config) -> float:
        """A lower bound on the number of symbols needed to reach acceptance from ``config``
        (``inf`` for the dead configuration): every counter that acceptance needs at zero
        falls by at most its largest decrement per symbol."""
        if config[0] == len(self.states):
            return float("inf")
        best = 0
        for j in self._must_zero:
            c = config[1 + j]
            if c:
                dec = self._max_dec[j]
                if dec == 0:
                    return float("inf")
                best = max(best, -(-c // dec))
        return best

    def __repr__(self) -> str:
        return (f"CounterAutomaton(states={list(self.states)}, counters={self.n_counters}, "
                f"alphabet={list(self.alphabet)})")

    # -------------------------------------------------------------- checking
    def check_trim(self, max_length: int, extra_steps: int | None = None,
                   max_configs: int = 200_000) -> None:
        """Verify that every live configuration ``c`` reachable within ``max_length`` symbols can
        reach acceptance within ``min_remaining(c) + extra_steps`` further symbols (breadth-first).

        Raises :class:`~automata.errors.InvalidAutomatonError` naming a counterexample, or
        :class:`~automata.errors.BudgetExceededError` past ``max_configs`` configurations.
        """
        extra = 2 * max_length + 2 if extra_steps is None else extra_steps
        k = len(self.alphabet)
        seen = {self.initial_config}
        frontier = [self.initial_config]
        reachable = [self.initial_config]
        for _ in range(max_length):
            nxt = []
            for c in frontier:
                for a in range(k):
                    d = self.step(c, a)
                    if d not in seen:
                        seen.add(d)
                        nxt.append(d)
            frontier = nxt
            reachable.extend(nxt)
            if len(seen) > max_configs:
                raise BudgetExceededError(f"more than {max_configs} reachable configurations")
        for c in reachable:
            if not self.is_live(c):
                continue
            lb = self.min_remaining(c)
            if lb == float("inf") or not self._reaches_acceptance(c, int(lb) + extra, max_configs):
                raise InvalidAutomatonError(
                    f"configuration {c} is not dead but cannot reach acceptance: the automaton "
                    "is not trim, pass an exact `live` predicate"
                )

    def _reaches_acceptance(self, start: Config, depth: int, max_configs: int) -> bool:
        seen = {start}
        dq = deque([(start, 0)])
        while dq:
            c, d = dq.popleft()
            if self.is_accepting(c):
                return True
            if d == depth:
                continue
            for a in range(len(self.alphabet)):
                e = self.step(c, a)
                if e not in seen and e != self.dead:
                    seen.add(e)
                    if len(seen) > max_configs:
                        raise BudgetExceededError(f"more than {max_configs} configurations searched")
                    dq.append((e, d + 1))
        return False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable description (rules expanded per zero-mask)."""
        def tests(mask):
            return "".join("0" if z else "+" for z in mask)

        return {
            "alphabet": list(self.alphabet),
            "states": list(self.states),
            "initial": self.states[self.initial],
            "n_counters": self.n_counters,
            "initial_counters": list(self.initial_counters),
            "rules": [
                [self.states[q], self.alphabet[a], tests(m), self.states[q2], list(inc)]
                for (q, a, m), (q2, inc) in sorted(self._table.items())
            ],
            "accepting": {self.states[q]: sorted(tests(m) for m in ms)
                          for q, ms in sorted(self._accepting.items())},
        }
