"""Seeded sampling of members and non-members of a given length.

Exact uniform sampling by path counting (the standard technique, e.g. Hickey & Cohen 1983,
"Uniform random generation of strings in a context-free language"): with ``N(q, m)`` the number
of accepted words of length ``m`` read from state (or configuration) ``q``, choosing the next
symbol ``s`` with probability ``N(q·s, m-1) / N(q, m)`` yields every member of length ``n``
with probability ``1 / N(q0, n)``.

Overflow: the counts are exact Python integers (numpy ``object`` arrays), since they exceed
2^64 well before length 150. Only the ratios are converted to float64, by Python's correctly
rounded integer true division, so each transition probability is within one ulp of its exact
value and the probability of any string deviates from uniform by a relative ``O(n · 2^-52)``.
All strings advance one position at a time with numpy (100,000 strings of length 100 from a
50-state DFA take about a second).

- Regular languages count paths in the minimal DFA (non-members: in its complement).
- Counter languages count over configurations ``(control, *counters)`` reachable within the
  length, pruned by :meth:`~automata.counter.CounterAutomaton.min_remaining`; languages whose
  configurations are too many (Shuffle-k, Dyck(K,h)) bring an exact ``member_count`` and an
  exactly uniform ``member_sampler`` of their own. Non-members of counter languages are drawn
  by rejection from uniform words (exactly uniform over non-members).
- A language-specific sampler that is not uniform (flip-flop's FFL(p)) is used by default;
  ``uniform=True`` forces exact uniform sampling instead.

>>> from automata.languages import get_language
>>> words = sample_members(get_language("tomita2"), 6, 3, seed=0)
>>> words
['101010', '101010', '101010']
>>> count_members(get_language("dyck1"), 10), count_members("parity", 150) == 2 ** 149
(42, True)
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import budgets
from .dfa import DFA
from .errors import AutomatonError, BudgetExceededError, EmptyLengthError
from .languages.resolve import resolve_language

__all__ = ["count_members", "count_nonmembers", "sample_members", "sample_nonmembers",
           "sample_members_encoded", "sample_nonmembers_encoded", "sample_distinct",
           "enumerate_members"]

ENUMERATE_LIMIT = 200_000  # enumerate all strings of a length when there are at most this many
_MAX_ROUNDS = 200          # rejection rounds without progress before giving up on distinctness


def _lang(language):
    return resolve_language(language)


def _check_length(length: int) -> int:
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise AutomatonError(f"length must be a non-negative int, got {length!r}")
    budgets.check(int(length), "max_length", "sampling")
    return int(length)


def _check_count(n: int, length: int) -> int:
    """``n`` strings of ``length`` symbols: a non-negative int within the sampling budget."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise AutomatonError(f"the number of strings must be a non-negative int, got {n!r}")
    budgets.check(int(n) * max(length, 1), "max_sample_symbols",
                  f"sampling {int(n):,} strings of length {length:,}")
    return int(n)


# ---------------------------------------------------------------- path tables
class _DFAPaths:
    """Completion counts ``C[m][q]`` of a DFA for m = 0..max_len (exact ints), time-homogeneous."""

    def __init__(self, dfa: DFA):
        self.dfa = dfa
        self.delta = np.asarray(dfa.delta, dtype=np.int64)
        self.C: list[np.ndarray] = [dfa.accepting_mask.astype(np.int64).astype(object)]
        self._cum: dict[int, np.ndarray] = {}

    def counts(self, m: int) -> np.ndarray:
        have = len(self.C)
        if have <= m:                 # counts of length j have up to j*log2(k) bits per state
            bits = self.delta.shape[0] * (m * m - have * have) / 2 * max(np.log2(self.delta.shape[1]), 1)
            budgets.check(int(bits / 8) + 1, "max_count_bytes",
                          f"exact path counts up to length {m:,} ({self.delta.shape[0]:,} states)")
        while len(self.C) <= m:
            prev = self.C[-1]
            self.C.append(prev[self.delta].sum(axis=1))
        return self.C[m]

    def count(self, length: int) -> int:
        return int(self.counts(length)[self.dfa.initial])

    def cum(self, m: int) -> np.ndarray:
        """float64 (n_states, k): cumulative next-symbol probabilities with ``m`` symbols left."""
        got = self._cum.get(m)
        if got is None:
            got = _cumulative(self.counts(m - 1)[self.delta], self.counts(m))
            self._cum[m] = got
        return got

    # layered interface used by the samplers: layer t of a length-n walk
    def start(self, length: int) -> int:
        return self.dfa.initial

    def layer(self, length: int, t: int):
        return self.delta, self.cum(length - t), self.counts(length - t - 1)


def _cumulative(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Row-wise cumulative probabilities num/den (object ints) as float64, the last positive
    entry of every row set to exactly 1.0 (so a uniform u in [0, 1) never picks a zero entry)."""
    n, k = num.shape
    pos = den > 0
    safe = np.where(pos, den, 1)
    p = (num / safe[:, None]).astype(np.float64) if n else np.zeros((0, k))
    p[~pos] = 0.0
    cum = np.cumsum(p, axis=1)
    nz = num > 0
    has = nz.any(axis=1)
    last = k - 1 - np.argmax(nz[:, ::-1], axis=1)
    cols = np.arange(k)[None, :]
    cum[(cols >= last[:, None]) & has[:, None]] = 1.0
    return cum


class _MachinePaths:
    """Completion counts over configurations of a counter/stack machine, up to ``max_len``."""

    def __init__(self, machine, max_len: int, budget: int = 3_000_000):
        self.machine = machine
        self.k = len(machine.alphabet)
        self.max_len = max_len
        lb = getattr(machine, "min_remaining", lambda c: 0)
        init = machine.initial_config
        depth = {init: 0}
        succ: dict[Any, list] = {}
        frontier = [init]
        for t in range(max_len):
            nxt = []
            for c in frontier:
                row = []
                for a in range(self.k):
                    d = machine.step(c, a)
                    if not machine.is_live(d) or t + 1 + lb(d) > max_len:
                        row.append(None)
                        continue
                    row.append(d)
                    if d not in depth:
                        depth[d] = t + 1
                        nxt.append(d)
                succ[c] = row
            frontier = nxt
            if len(depth) * self.k > budget:
                raise BudgetExceededError(
                    f"more than {budget // self.k} configurations within length {max_len}; "
                    "this language needs its own member_count/member_sampler"
                )
        for c in frontier:
            succ.setdefault(c, [None] * self.k)
        budgets.check(len(depth) * (max_len + 1), "max_count_entries",
                      f"path counts over {len(depth):,} configurations up to length {max_len:,}")
        self.depth, self.succ, self.lb = depth, succ, lb
        # N[m]: dict config -> completions of exactly m symbols (only configs that may need it)
        self.N: list[dict] = []
        for m in range(max_len + 1):
            cur = {}
            prev = self.N[m - 1] if m else None
            for c, d0 in depth.items():
                if d0 + m > max_len or lb(c) > m:
                    continue
                if m == 0:
                    v = 1 if machine.is_accepting(c) else 0
                else:
                    v = 0
                    for e in succ[c]:
                        if e is not None:
                            v += prev.get(e, 0)
                if v:
                    cur[c] = v
            self.N.append(cur)
        self._layers: dict[int, list] = {}

    def count(self, length: int) -> int:
        if length > self.max_len:
            raise AutomatonError(f"length {length} beyond the table's {self.max_len}")
        return self.N[length].get(self.machine.initial_config, 0)

    def start(self, length: int) -> int:
        return 0

    def layer(self, length: int, t: int):
        """(next-id table (n_t, k) with -1 for impossible, cum probs (n_t, k), counts of layer t+1)."""
        layers = self._layers.get(length)
        if layers is None:
            layers = self._build_layers(length)
            self._layers[length] = layers
        return layers[t]

    def _build_layers(self, length: int) -> list:
        cur = [self.machine.initial_config]
        out = []
        for t in range(length):
            m = length - t
            Nn = self.N[m - 1]
            ids: dict = {}
            nxt = []
            tab = np.full((len(cur), self.k), -1, dtype=np.int64)
            num = np.zeros((len(cur), self.k), dtype=object)
            for i, c in enumerate(cur):
                for a, e in enumerate(self.succ[c]):
                    if e is None or e not in Nn:
                        continue
                    j = ids.get(e)
                    if j is None:
                        j = ids[e] = len(nxt)
                        nxt.append(e)
                    tab[i, a] = j
                    num[i, a] = Nn[e]
            den = np.array([self.N[m].get(c, 0) for c in cur] + [], dtype=object)
            out.append((tab, _cumulative(num, den), None))
            cur = nxt
        return out


_PATHS_CACHE: dict[tuple, tuple[Any, Any]] = {}


def _paths(lang, length: int, complement: bool = False, max_len: int | None = None):
    """Path tables able to count/sample members (or non-members, regular only) of ``length``.

    Machine tables are built up to ``max(length, max_len)`` and reused for shorter lengths.
    """
    obj = lang.dfa if lang.dfa is not None else lang.automaton
    key = (id(obj), complement)
    entry = _PATHS_CACHE.get(key)
    if entry is not None and entry[0] is obj:
        p = entry[1]
        if lang.dfa is not None or p.max_len >= length:
            return p
    if lang.dfa is not None:
        p = _DFAPaths(lang.dfa.complement() if complement else lang.dfa)
    else:
        p = _MachinePaths(lang.automaton, max(length, max_len or 0))
    if len(_PATHS_CACHE) > 256:
        _PATHS_CACHE.clear()
    _PATHS_CACHE[key] = (obj, p)
    return p


# ---------------------------------------------------------------- counting
def count_members(language, length: int) -> int:
    """Exact number of members of ``language`` with ``length`` symbols."""
    lang = _lang(language)
    length = _check_length(length)
    if lang.dfa is None and lang.member_count is not None:
        return int(lang.member_count(length))
    return _paths(lang, length).count(length)


def count_nonmembers(language, length: int) -> int:
    """Exact number of words of ``length`` symbols outside ``language``."""
    lang = _lang(language)
    length = _check_length(length)
    return len(lang.alphabet) ** length - count_members(lang, length)


# ---------------------------------------------------------------- sampling
def _walk(paths, length: int, n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((n, length), dtype=np.int64)
    ids = np.full(n, paths.start(length), dtype=np.int64)
    for t in range(length):
        tab, cum, _ = paths.layer(length, t)
        u = rng.random(n)
        s = (u[:, None] >= cum[ids]).sum(axis=1)
        out[:, t] = s
        ids = tab[ids, s]
    return out


def sample_members_encoded(language, length: int, n: int, seed: int | np.random.Generator = 0, *,
                           uniform: bool = False, **params) -> np.ndarray:
    """``n`` members of ``length`` symbols as symbol indices, int array (n, length).

    Sampled with replacement; exactly uniform unless the language's own non-uniform sampler is
    used (``uniform=False`` and e.g. flip-flop, where ``params`` such as ``p_ignore`` apply).

    Raises
    ------
    EmptyLengthError
        When no member has this length.
    """
    lang = _lang(language)
    length = _check_length(length)
    n = _check_count(n, length)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if count_members(lang, length) == 0:
        raise EmptyLengthError(f"{lang.name} has no member of length {length}")
    use_own = lang.member_sampler is not None and not (uniform and not lang.member_sampler_uniform)
    unknown = sorted(set(params) - set(lang.sampler_defaults))
    if unknown:
        raise AutomatonError(f"unexpected sampler parameter(s) {unknown} for {lang.name}")
    if use_own:
        kw = {**lang.sampler_defaults, **params}
        return np.asarray(lang.member_sampler(length, n, rng, **kw), dtype=np.int64).reshape(n, length)
    return _walk(_paths(lang, length), length, n, rng)


def sample_nonmembers_encoded(language, length: int, n: int,
                              seed: int | np.random.Generator = 0) -> np.ndarray:
    """``n`` uniformly random non-members of ``length`` symbols, int array (n, length)."""
    lang = _lang(language)
    length = _check_length(length)
    n = _check_count(n, length)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if count_nonmembers(lang, length) == 0:
        raise EmptyLengthError(f"{lang.name} has no non-member of length {length}")
    if lang.dfa is not None:
        return _walk(_paths(lang, length, complement=True), length, n, rng)
    k = len(lang.alphabet)
    out = np.empty((0, length), dtype=np.int64)
    while len(out) < n:
        cand = rng.integers(0, k, size=(max(2 * (n - len(out)), 16), length))
        keep = np.array([not _accepts_encoded(lang, row) for row in cand], dtype=bool)
        out = np.concatenate([out, cand[keep]])
    return out[:n]


def _accepts_encoded(lang, row) -> bool:
    m = lang.automaton
    c = m.initial_config
    for a in row:
        c = m.step(c, a)
    return m.is_accepting(c)


def _decode_all(lang, arr: np.ndarray) -> list:
    return [lang.decode(row) for row in arr]


def sample_members(language, length: int, n: int, seed: int | np.random.Generator = 0, *,
                   uniform: bool = False, **params) -> list:
    """Like :func:`sample_members_encoded` but returns words (``str`` or lists of symbols)."""
    lang = _lang(language)
    return _decode_all(lang, sample_members_encoded(lang, length, n, seed, uniform=uniform, **params))


def sample_nonmembers(language, length: int, n: int, seed: int | np.random.Generator = 0) -> list:
    """Like :func:`sample_nonmembers_encoded` but returns words."""
    lang = _lang(language)
    return _decode_all(lang, sample_nonmembers_encoded(lang, length, n, seed))


# ---------------------------------------------------------------- distinct sets
def enumerate_members(language, length: int, members: bool = True,
                      limit: int = ENUMERATE_LIMIT) -> np.ndarray:
    """All members (or non-members) of ``length`` symbols, int array (count, length).

    Raises :class:`~automata.errors.BudgetExceededError` when there are more than ``limit``.
    """
    lang = _lang(language)
    length = _check_length(length)
    total = count_members(lang, length) if members else count_nonmembers(lang, length)
    if total > limit:
        raise BudgetExceededError(f"{total} strings of length {length}, more than {limit}")
    k = len(lang.alphabet)
    if lang.dfa is None and not members:
        if k ** length > 4 * limit:
            raise BudgetExceededError(f"{k ** length} words of length {length} to filter")
        allw = np.array(list(itertools.product(range(k), repeat=length)),
                        dtype=np.int64).reshape(-1, length)
        keep = np.array([not _accepts_encoded(lang, r) for r in allw], dtype=bool)
        return allw[keep]
    paths = _paths(lang, length, complement=not members)
    prefixes = np.zeros((1, 0), dtype=np.int64)
    ids = np.array([paths.start(length)], dtype=np.int64)
    for t in range(length):
        tab, cum, _ = paths.layer(length, t)
        prob = np.diff(np.concatenate([np.zeros((cum.shape[0], 1)), cum], axis=1), axis=1)
        new_p, new_i = [], []
        for s in range(k):
            ok = prob[ids, s] > 0
            if ok.any():
                new_p.append(np.column_stack([prefixes[ok], np.full(ok.sum(), s)]))
                new_i.append(tab[ids[ok], s])
        prefixes = np.concatenate(new_p) if new_p else np.zeros((0, t + 1), dtype=np.int64)
        ids = np.concatenate(new_i) if new_i else np.zeros(0, dtype=np.int64)
    return prefixes


def sample_distinct(language, length: int, n: int, rng: np.random.Generator, *,
                    members: bool = True, exclude: set | None = None, uniform: bool = False,
                    **params) -> np.ndarray:
    """Up to ``n`` distinct strings of ``length`` (members or non-members), int (m, length).

    Returns fewer than ``n`` only when fewer distinct strings exist (outside ``exclude``, a set
    of ``row.tobytes()`` keys), or when a non-uniform sampler stops producing new strings.
    Small languages are enumerated and a uniform subset is drawn.
    """
    lang = _lang(language)
    length = _check_length(length)
    n = _check_count(n, length)
    exclude = exclude if exclude is not None else set()
    total = count_members(lang, length) if members else count_nonmembers(lang, length)
    if total == 0 or n <= 0:
        return np.zeros((0, length), dtype=np.int64)
    if total <= ENUMERATE_LIMIT and (n >= total // 2 or total <= 4 * n):
        allw = enumerate_members(lang, length, members=members)
        keep = np.array([r.tobytes() not in exclude for r in allw], dtype=bool)
        allw = allw[keep] if len(allw) else allw
        idx = rng.permutation(len(allw))[:n]
        return allw[idx]
    got: list[np.ndarray] = []
    seen = set(exclude)
    stale = 0
    while len(got) < n and stale < _MAX_ROUNDS:
        need = n - len(got)
        batch = max(2 * need, 32)
        if members:
            cand = sample_members_encoded(lang, length, batch, rng, uniform=uniform, **params)
        else:
            cand = sample_nonmembers_encoded(lang, length, batch, rng)
        before = len(got)
        for row in cand:
            key = row.tobytes()
            if key not in seen:
                seen.add(key)
                got.append(row)
                if len(got) == n:
                    break
        stale = stale + 1 if len(got) == before else 0
    return np.array(got, dtype=np.int64).reshape(len(got), length)
