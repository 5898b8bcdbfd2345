"""Angluin's L* with a trained model as the membership oracle (Angluin 1987).

The membership oracle is :meth:`probing.model_oracle.ModelOracle.accepts` (the model read as
an acceptor of its own next-symbol predictions). There is no exact equivalence oracle for a
network, so equivalence is tested by sampling, as Weiss, Goldberg & Yahav (2018) do in spirit:
the hypothesis and the model are compared on every prefix of a fixed pool of words (member
strings at 1x to 4x the training length and uniformly random words of the same lengths); the
shortest prefix where they disagree is the counterexample. Counterexamples are processed as
Maler & Pnueli (1995) do: every suffix is added to the experiments ``E``, which keeps the rows
of the access strings ``S`` distinct, so the table never needs a consistency check.

Budgets: ``max_states`` (hypothesis size), ``max_rounds`` (equivalence queries) and
``max_queries`` (distinct membership queries); reaching one stops with ``converged = False``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from automata.dfa import DFA, split_word

from .errors import ProbingError
from .model_oracle import ModelOracle

__all__ = ["LStarResult", "lstar"]


@dataclass(frozen=True)
class LStarResult:
    """The last hypothesis and how it was reached."""

    dfa: DFA
    rounds: int
    membership_queries: int
    counterexamples: tuple[tuple[str, ...], ...]
    converged: bool
    stopped: str
    eq_words: int
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"method": "lstar", "states": int(self.dfa.n_states), "rounds": self.rounds,
                "membership_queries": self.membership_queries,
                "counterexamples": [list(c) for c in self.counterexamples],
                "converged": self.converged, "stopped": self.stopped,
                "equivalence_words": self.eq_words}


class _Table:
    def __init__(self, oracle: ModelOracle, max_queries: int):
        self.oracle = oracle
        self.sigma = tuple(oracle.alphabet)
        self.S: list[tuple[str, ...]] = [()]
        self.E: list[tuple[str, ...]] = [()]
        self.known: dict[tuple[str, ...], bool] = {}
        self.max_queries = max_queries

    def _ask(self, words: set[tuple[str, ...]]) -> None:
        todo = [w for w in words if w not in self.known]
        if not todo:
            return
        if len(self.known) + len(todo) > self.max_queries:
            raise _Budget("max_queries")
        for w, m in zip(todo, self.oracle.accepts([list(w) for w in todo])):
            self.known[w] = bool(m)

    def row(self, s: tuple[str, ...]) -> tuple[bool, ...]:
        return tuple(self.known[s + e] for e in self.E)

    def fill(self) -> None:
        need = {s + a + e for s in self.S for a in ((),) + tuple((x,) for x in self.sigma)
                for e in self.E}
        self._ask(need)

    def close(self, max_states: int) -> None:
        while True:
            self.fill()
            rows = {self.row(s) for s in self.S}
            new = next((s + (a,) for s in self.S for a in self.sigma
                        if self.row(s + (a,)) not in rows), None)
            if new is None:
                return
            if len(self.S) >= max_states:
                raise _Budget("max_states")
            self.S.append(new)

    def hypothesis(self) -> DFA:
        index = {self.row(s): i for i, s in enumerate(self.S)}
        delta = [[index[self.row(s + (a,))] for a in self.sigma] for s in self.S]
        accepting = [i for i, s in enumerate(self.S) if self.known[s]]
        return DFA(self.sigma, delta, 0, accepting)


class _Budget(Exception):
    pass


def _prefix_membership_dfa(dfa: DFA, words: list[list[str]]) -> list[np.ndarray]:
    delta = dfa.delta.astype(np.int64)
    acc = dfa.accepting_mask
    idx = {s: i for i, s in enumerate(dfa.alphabet)}
    out = []
    for w in words:
        q, m = int(dfa.initial), np.empty(len(w), dtype=bool)
        for t, s in enumerate(w):
            q = int(delta[q, idx[s]])
            m[t] = acc[q]
        out.append(m)
    return out


def lstar(oracle: ModelOracle, eq_words: Sequence[Any], max_states: int = 64,
          max_rounds: int = 50, max_queries: int = 200_000) -> LStarResult:
    """Learn the model's language with L*; equivalence on every prefix of ``eq_words``."""
    if max_states < 1 or max_rounds < 1 or max_queries < 1:
        raise ProbingError("max_states, max_rounds and max_queries must be at least 1")
    words = [split_word(w, oracle.alphabet) for w in eq_words]
    words = [w for w in words if w]
    if not words:
        raise ProbingError("L* needs at least one non-empty equivalence word")
    model_pm = oracle.prefix_membership(words)      # the model is fixed: ask once
    table = _Table(oracle, max_queries)
    cexs: list[tuple[str, ...]] = []
    rounds, stopped = 0, "equivalent on every sampled prefix"
    hyp = None
    try:
        while True:
            table.close(max_states)
            hyp = table.hypothesis()
            rounds += 1
            best = None
            for w, mm, hm in zip(words, model_pm, _prefix_membership_dfa(hyp, words)):
                bad = np.flatnonzero(mm != hm)
                if len(bad) and (best is None or bad[0] + 1 < len(best)):
                    best = tuple(w[:bad[0] + 1])
            if best is None:
                break
            cexs.append(best)
            if rounds >= max_rounds:
                stopped = "max_rounds"
                break
            for i in range(len(best) + 1):
                suffix = best[i:]
                if suffix not in table.E:
                    table.E.append(suffix)
    except _Budget as e:
        stopped = str(e)
        if hyp is None:                  # no closed table yet: the one-state guess
            eps = bool(oracle.accepts([[]])[0])
            hyp = DFA(table.sigma, [[0] * len(table.sigma)], 0, [0] if eps else [])
    converged = stopped.startswith("equivalent")
    return LStarResult(hyp, rounds, len(table.known), tuple(cexs), converged, stopped,
                       len(words))

