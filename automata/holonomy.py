"""Holonomy (cascade) decomposition of a DFA's transformation semigroup.

Eilenberg's holonomy theorem (Eilenberg 1976, *Automata, Languages and Machines* vol. B, ch. II;
Zeiger 1967; the computational form is Egri-Nagy and Nehaniv's SgpDec for GAP, whose papers
describe the skeleton used here — the code is ours): every finite transformation semigroup
``(X, S)`` is emulated by a cascade (a loop-free, top-down product) of *permutation–reset*
components, one per level, whose permutation groups are the holonomy groups of ``(X, S)``.
Each holonomy group divides a subgroup of ``S``, so the components' groups are trivial when
the DFA is aperiodic, 2-groups when every subgroup of ``S`` is, solvable when every one is.

The skeleton
    * **images**: ``X``, every ``X·w`` and every singleton;
    * **subduction**: ``A ≤ B`` iff ``A ⊆ B·s`` for some ``s ∈ S¹``; ``A ≡ B`` iff both ways
      (then ``|A| = |B|``); a representative ``R`` per class and, for every ``A ≡ R``, a
      monoid element mapping ``R`` bijectively onto ``A`` (its inverse on ``A`` is again a
      monoid element's restriction, since ``A ≡ R``);
    * **height**: 0 for singletons, else ``1 +`` the largest height strictly subducted;
      ``L = h(X)`` levels;
    * **tiles** of ``A``: the maximal images properly contained in ``A`` (they cover ``A``).

Coordinates
    A state ``x`` is a chain ``X = A_0 ⊋ A_1 ⊋ … ⊋ A_m = {x}`` of tiles (``A_{i+1}`` a tile of
    ``A_i``); the coordinate at level ``h(A_i)`` is ``A_{i+1}`` carried back into the frame of
    ``A_i``'s representative, i.e. a tile of the representative; skipped levels hold ``None``.

The action of a letter ``s`` (ours, triangular by construction and checked): top-down, keep the
current new set ``B`` (start ``X``) and the deepest old ``A_i`` with ``A_i·s ⊆ B``; advance
``i`` while ``A_{i+1}·s = B``; then if ``A_i·s = B`` with ``s`` injective on ``A_i`` and
``h(A_i) = h(B)``, the new tile is ``A_{i+1}·s`` — a **permutation** of the representative's
tiles (an element of its holonomy group); otherwise a fixed tile of ``B`` containing
``A_{i+1}·s`` (resp. ``A_i·s``) — a **reset**. The instruction at level ``k`` depends only on
the letter and the old coordinates above ``k`` (checked for every reachable cascade state).
:meth:`HolonomyDecomposition.check` verifies that the cascade emulates the DFA: for every
reachable coordinate tuple and letter, applying the per-level instructions gives a tuple that
decodes to ``δ(decode(old), letter)``.

>>> from automata import DFA
>>> d = DFA("ab", [[1, 0], [0, 0]], 0, [0])     # a swaps 0 and 1, b resets to 0
>>> hd = holonomy(d)
>>> hd.levels, [c.group_order for c in hd.components]
(1, [2])
>>> hd.check()
True
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .dfa import DFA
from .errors import AutomatonError, BudgetExceededError

__all__ = ["holonomy", "HolonomyDecomposition", "Component", "MAX_STATES", "MAX_IMAGES",
           "MAX_CASCADE_STATES", "MAX_GROUP_ORDER"]

MAX_STATES = 64
MAX_IMAGES = 5_000
MAX_CASCADE_STATES = 200_000
MAX_GROUP_ORDER = 5_000


def _act(A: frozenset, s: tuple) -> frozenset:
    return frozenset(s[x] for x in A)


def _compose_closure(gens: list[tuple], budget: int, what: str) -> list[tuple]:
    """All products of the permutations ``gens`` (identity first), breadth first."""
    n = len(gens[0]) if gens else 0
    ident = tuple(range(n))
    seen = {ident: 0}
    order = [ident]
    todo = deque([ident])
    while todo:
        f = todo.popleft()
        for g in gens:
            h = tuple(g[f[i]] for i in range(n))       # first f, then g (right action)
            if h not in seen:
                seen[h] = len(order)
                order.append(h)
                todo.append(h)
                if len(order) > budget:
                    raise BudgetExceededError(f"{what}: the group has more than {budget:,} "
                                              f"elements (raise max_group_order=)")
    return order


@dataclass(frozen=True)
class Component:
    """The permutation–reset component of one level.

    ``states``: its points, ``(representative, tile)`` pairs (the tile a sorted tuple of DFA
    states) and ``None`` for a skipped level (always the last point). ``permutations``: the
    distinct non-identity permutations the instructions use, as tuples over ``states``
    indices (right action: point ``p`` goes to ``perm[p]``); ``group``: every element of the
    group they generate (identity first); ``resets``: the points some instruction resets to.
    """

    level: int
    states: tuple
    permutations: tuple
    group: tuple = field(repr=False)
    resets: tuple

    @property
    def group_order(self) -> int:
        return len(self.group)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "points": len(self.states),
                "group_order": self.group_order, "generators": len(self.permutations),
                "resets": len(self.resets)}


@dataclass(frozen=True)
class HolonomyDecomposition:
    """Result of :func:`holonomy`. Coordinates are tuples indexed by ``level - 1`` of point
    indices of that level's component.

    ``instructions[(level, letter_index, upper)]`` with ``upper`` the old coordinates of the
    levels above (tuple, top level first) is ``("perm", element_index_in_group)`` or
    ``("reset", point_index)``; ``decode[coords]`` the DFA state; ``transitions[(coords,
    letter_index)]`` the new coordinates.
    """

    dfa: DFA
    levels: int
    components: tuple
    initial: tuple
    decode: dict = field(repr=False)
    transitions: dict = field(repr=False)
    instructions: dict = field(repr=False)
    n_images: int = 0
    heights: dict = field(default_factory=dict, repr=False)

    @staticmethod
    def upper(coords: tuple, level: int) -> tuple:
        """The coordinates of the levels above ``level``, top level first."""
        return tuple(coords[j - 1] for j in range(len(coords), level, -1))

    def step(self, coords: tuple, letter: int) -> tuple:
        """Apply one letter component-wise, each level reading the old levels above it."""
        new = list(coords)
        for k in range(self.levels, 0, -1):
            kind, v = self.instructions[(k, letter, self.upper(coords, k))]
            comp = self.components[k - 1]
            new[k - 1] = comp.group[v][coords[k - 1]] if kind == "perm" else v
        return tuple(new)

    def check(self) -> bool:
        """The cascade emulates the DFA on every reachable coordinate tuple and letter."""
        for (coords, a), new in self.transitions.items():
            if self.step(coords, a) != new:
                return False
            if self.decode[new] != int(self.dfa.delta[self.decode[coords], a]):
                return False
        return self.decode[self.initial] == self.dfa.initial

    def to_dict(self) -> dict[str, Any]:
        return {"levels": self.levels, "images": self.n_images,
                "cascade_states": len(self.decode),
                "components": [c.to_dict() for c in self.components]}


def holonomy(dfa: DFA, *, max_states: int = MAX_STATES, max_images: int = MAX_IMAGES,
             max_cascade_states: int = MAX_CASCADE_STATES,
             max_group_order: int = MAX_GROUP_ORDER) -> HolonomyDecomposition:
    """The holonomy decomposition of the transformation semigroup of ``dfa`` (minimized here;
    only the part reachable from the initial state). Budgets: DFA states, images, reachable
    cascade states and each component's group order (:class:`BudgetExceededError`)."""
    if not isinstance(dfa, DFA):
        raise AutomatonError(f"holonomy needs an automata.DFA, got {type(dfa).__name__}")
    d = dfa.minimize()
    n = d.n_states
    if n > max_states:
        raise BudgetExceededError(f"holonomy: the minimal DFA has {n} states, above the limit "
                                  f"{max_states} (raise max_states=)")
    letters = [tuple(int(d.delta[q, a]) for q in range(n)) for a in range(d.n_symbols)]
    X = frozenset(range(n))
    # images: X·w, and singletons
    images = {X}
    todo = deque([X])
    while todo:
        A = todo.popleft()
        for s in letters:
            B = _act(A, s)
            if B not in images:
                images.add(B)
                todo.append(B)
                if len(images) > max_images:
                    raise BudgetExceededError(f"holonomy: more than {max_images:,} images "
                                              "(raise max_images=)")
    images |= {frozenset([x]) for x in range(n)}
    key = lambda A: (len(A), tuple(sorted(A)))                       # noqa: E731
    ordered = sorted(images, key=key)
    # orbits with a map from A onto each B (restricted to A, as a dict)
    orbit: dict[frozenset, dict[frozenset, dict]] = {}
    for A in ordered:
        seen = {A: {x: x for x in A}}
        q = deque([A])
        while q:
            B = q.popleft()
            m = seen[B]
            for s in letters:
                C = _act(B, s)
                if C not in seen:
                    seen[C] = {x: s[m[x]] for x in A}
                    q.append(C)
        orbit[A] = seen
    equiv = {A: frozenset(B for B in orbit[A] if A in orbit[B]) for A in ordered}
    rep = {A: min(equiv[A], key=key) for A in ordered}
    # s_A: rep -> A (bijective); images of a class all have the same size
    to_image = {A: orbit[rep[A]][A] for A in ordered}
    # strictly subducted images of each image: C ⊆ A·s for some s, C not ≡ A
    below: dict[frozenset, list] = {}
    for A in ordered:
        if len(A) > 1:
            below[A] = [C for C in ordered if C not in equiv[A] and any(C <= B for B in orbit[A])]
    height = {A: 0 for A in ordered}
    changed = True
    while changed:                       # longest chains in the (acyclic) strict order
        changed = False
        for A in ordered:
            if len(A) > 1:
                h = 1 + max(height[C] for C in below[A])
                if h != height[A]:
                    height[A], changed = h, True
    tiles: dict[frozenset, list] = {}
    for A in ordered:
        if len(A) > 1:
            sub = [C for C in ordered if C < A]
            tiles[A] = sorted((C for C in sub if not any(C < D for D in sub)), key=key)
    L = height[X]
    reps_at = {k: sorted({rep[A] for A in ordered if height[A] == k}, key=key)
               for k in range(1, L + 1)}
    points = {k: [(tuple(sorted(R)), tuple(sorted(t))) for R in reps_at[k] for t in tiles[R]]
              + [None] for k in range(1, L + 1)}
    point_index = {k: {p: i for i, p in enumerate(points[k])} for k in points}

    def tile_point(R, tau) -> int:
        return point_index[height[R]][(tuple(sorted(R)), tuple(sorted(tau)))]

    def decode_chain(coords):
        """[(A, R, mu)] with mu: R -> A; the last A is a singleton."""
        A, R, mu = X, X, {x: x for x in X}
        chain = [(A, R, mu)]
        while len(A) > 1:
            k = height[R]
            p = points[k][coords[k - 1]]
            if p is None or p[0] != tuple(sorted(R)):
                raise AutomatonError("holonomy: inconsistent coordinates (internal error)")
            tau = frozenset(p[1])
            R2 = rep[tau]
            s = to_image[tau]
            mu2 = {y: mu[s[y]] for y in R2}
            A = frozenset(mu2.values())
            R, mu = R2, mu2
            chain.append((A, R, mu))
        return chain

    def encode_sets(sets):
        """Coordinates of a chain of actual sets X = B_0 ⊋ B_1 ⊋ ... ⊋ {y} (tiles)."""
        coords = [len(points[k]) - 1 for k in range(1, L + 1)]          # None everywhere
        R, mu = X, {x: x for x in X}
        frames = []
        for B, B2 in zip(sets, sets[1:]):
            inv = {v: u for u, v in mu.items()}
            tau = frozenset(inv[y] for y in B2)
            coords[height[R] - 1] = tile_point(R, tau)
            frames.append((R, mu))
            R2 = rep[tau]
            s = to_image[tau]
            mu = {y: mu[s[y]] for y in R2}
            R = R2
        frames.append((R, mu))
        return tuple(coords), frames

    def canonical_tile(R, mu, S):
        inv = {v: u for u, v in mu.items()}
        Sp = frozenset(inv[y] for y in S)
        for t in tiles[R]:
            if Sp <= t:
                return frozenset(mu[y] for y in t)
        raise AutomatonError("holonomy: no tile contains an image (internal error)")

    def apply(coords, a):
        s = letters[a]
        old = decode_chain(coords)
        A = [c[0] for c in old]
        m = len(A) - 1
        new_sets = [X]
        B, i = X, 0
        R_B, mu_B = X, {x: x for x in X}
        instr = {}
        while len(B) > 1:
            while i < m and _act(A[i + 1], s) == B:
                i += 1
            k = height[B]
            img = _act(A[i], s)
            if img == B and len(img) == len(A[i]) and height[A[i]] == k:
                # permutation of the representative's tiles
                R_A, mu_A = old[i][1], old[i][2]
                inv_B = {v: u for u, v in mu_B.items()}
                perm = {}
                for t in tiles[R_A]:
                    actual = _act(frozenset(mu_A[y] for y in t), s)
                    perm[tile_point(R_A, t)] = tile_point(R_B, frozenset(inv_B[y] for y in actual))
                instr[k] = ("perm", perm)
                B2 = _act(A[i + 1], s)
                i += 1
            elif img == B:
                B2 = canonical_tile(R_B, mu_B, _act(A[i + 1], s))
                i += 1
                instr[k] = ("reset", None)
            else:
                B2 = canonical_tile(R_B, mu_B, img)
                instr[k] = ("reset", None)
            new_sets.append(B2)
            B = B2
            # frame of the new set
            inv = {v: u for u, v in mu_B.items()}
            tau = frozenset(inv[y] for y in B2)
            R2 = rep[tau]
            sm = to_image[tau]
            mu_B = {y: mu_B[sm[y]] for y in R2}
            R_B = R2
        new, _ = encode_sets(new_sets)
        out = {}
        for k in range(1, L + 1):
            kind, perm = instr.get(k, ("reset", None))
            if kind == "perm":
                full = list(range(len(points[k])))
                for p, q in perm.items():
                    full[p] = q
                out[k] = ("perm", tuple(full))
            else:
                out[k] = ("reset", new[k - 1])
        return new, out

    # initial coordinates: canonical tiles containing the initial state
    sets = [X]
    R0, mu0 = X, {x: x for x in X}
    while len(sets[-1]) > 1:
        B2 = canonical_tile(R0, mu0, frozenset([d.initial]))
        inv = {v: u for u, v in mu0.items()}
        tau = frozenset(inv[y] for y in B2)
        sm = to_image[tau]
        R0 = rep[tau]
        mu0 = {y: mu0[sm[y]] for y in R0}
        sets.append(B2)
    init, _ = encode_sets(sets)
    decode = {init: next(iter(sets[-1]))}
    transitions: dict = {}
    raw_instr: dict = {}
    todo = deque([init])
    while todo:
        c = todo.popleft()
        for a in range(len(letters)):
            new, ins = apply(c, a)
            transitions[(c, a)] = new
            for k, v in ins.items():
                keyk = (k, a, HolonomyDecomposition.upper(c, k))
                prev = raw_instr.setdefault(keyk, v)
                if prev != v:
                    raise AutomatonError(f"holonomy: level {k}'s instruction depends on lower "
                                         "levels (internal error)")
            if new not in decode:
                decode[new] = next(iter(decode_chain(new)[-1][0]))
                todo.append(new)
                if len(decode) > max_cascade_states:
                    raise BudgetExceededError(f"holonomy: more than {max_cascade_states:,} "
                                              "cascade states (raise max_cascade_states=)")
    components = []
    index_of: dict[int, dict] = {}
    for k in range(1, L + 1):
        perms = sorted({v[1] for kk, v in ((key_[0], val) for key_, val in raw_instr.items())
                        if kk == k and v[0] == "perm" and v[1] != tuple(range(len(points[k])))})
        group = _compose_closure(perms, max_group_order, f"holonomy level {k}") if perms else \
            [tuple(range(len(points[k])))]
        index_of[k] = {g: j for j, g in enumerate(group)}
        resets = sorted({v[1] for key_, v in raw_instr.items() if key_[0] == k and v[0] == "reset"})
        components.append(Component(level=k, states=tuple(points[k]), permutations=tuple(perms),
                                    group=tuple(group), resets=tuple(resets)))
    instructions = {key_: (("perm", index_of[key_[0]][v[1]]) if v[0] == "perm" else v)
                    for key_, v in raw_instr.items()}
    return HolonomyDecomposition(dfa=d, levels=L, components=tuple(components), initial=init,
                                 decode=decode, transitions=transitions,
                                 instructions=instructions, n_images=len(images),
                                 heights={tuple(sorted(A)): h for A, h in height.items()})
