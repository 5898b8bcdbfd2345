"""Whole ``classify`` on inputs whose algebra is large: how long one answer takes.

    python -m benchmarks.large_inputs [--json] [--cases PREFIX,...]

The rule is that every input answers within seconds, or stops at a budget with a note saying
which. These are the inputs where that was hardest: unary cycles (the cyclic group of order n
on n points), the dihedral group of an n-gon (rotation and reflection letters), a torus
Z_m × Z_k (two counters, one letter each), the registry's Dyck-1 of depth 300, 500 and 1,000
(``d300``…: 302-1,002 states, image orbits of n²/2 sets) and ``dyck_10_3`` (1,112 states, 20
letters), and random DFAs of 15-30 states on 2-3 letters,
whose transition monoids have far more than 10^6 elements and more than the 100,000 D-classes
that Green's structure is allowed (seeded: ``numpy.random.default_rng(1)``, 40 DFAs of 3-29
states on 1-3 letters, every second state accepting; the listed ones are those past a second).

Each row: ``case``, ``states`` (minimal DFA), ``seconds`` (one ``classify`` after a warm-up
classification in the same process, caches cleared), ``monoid_size``, ``groups`` (names), and
``budget`` (the first note that names a budget, or null).
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from analyses.cli import add_common_args, run_main

#: the random DFAs (indices into the seeded list) whose classification took over a second
RANDOM_CASES = (5, 6, 12, 14, 21, 22, 24, 27, 30, 32, 34, 38)


def cycle(n: int):
    """One letter, one n-cycle: the cyclic group Z_n on n points."""
    from automata.dfa import DFA

    return DFA("a", np.array([[(i + 1) % n for i in range(n)]]).T, 0, [0])


def dihedral(n: int):
    """A rotation and a reflection of the n-gon: the dihedral group D_n (2n elements)."""
    from automata.dfa import DFA

    rot = [(i + 1) % n for i in range(n)]
    ref = [(-i) % n for i in range(n)]
    return DFA("ab", np.array([rot, ref]).T, 0, [0, 1])


def torus(m: int, k: int):
    """Two counters, mod m and mod k, one letter each: Z_m × Z_k on m·k states."""
    from automata.dfa import DFA

    a = [((i // k + 1) % m) * k + i % k for i in range(m * k)]
    b = [(i // k) * k + (i % k + 1) % k for i in range(m * k)]
    return DFA("ab", np.array([a, b]).T, 0, [0])


def random_dfas(count: int = 40, seed: int = 1) -> list:
    """The seeded random DFAs of the module docstring."""
    from automata.dfa import DFA

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n = int(rng.integers(3, 30))
        k = int(rng.integers(1, 4))
        out.append(DFA("abcd"[:k], rng.integers(0, n, size=(n, k)), 0, list(range(0, n, 2))))
    return out


def cases() -> list[tuple[str, object]]:
    """``(name, build)`` for every case, cheapest families first."""
    out = [(f"cycle_{n}", lambda n=n: cycle(n)) for n in (1000, 4000)]
    out += [(f"dihedral_{n}", lambda n=n: dihedral(n)) for n in (300, 1000, 2000)]
    out += [(f"torus_{m}x{k}", lambda m=m, k=k: torus(m, k)) for m, k in ((8, 12), (40, 60))]
    out += [(name, lambda name=name: _registry(name)) for name in ("d300", "d500", "d1000",
                                                                   "dyck_10_3")]
    out += [(f"random_{i}", lambda i=i: random_dfas()[i]) for i in RANDOM_CASES]
    return out


def _registry(name: str):
    from automata.languages import get_language

    return get_language(name).dfa


def _budget_note(notes) -> str | None:
    return next((n for n in notes if "budget" in n or "exceed" in n), None)


def run(prefixes: list[str] | None = None) -> list[dict]:
    from automata.classify import classify
    from automata.froidure_pin import clear_caches

    classify(cycle(7))                       # imports, kernels loaded, before any timing
    rows = []
    for name, build in cases():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        d = build()
        clear_caches()
        t = time.perf_counter()
        c = classify(d)
        dt = time.perf_counter() - t
        row = {"case": name, "states": c.states, "seconds": round(dt, 3),
               "monoid_size": c.monoid_size, "groups": [g.name for g in c.groups],
               "budget": _budget_note(c.notes)}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.large_inputs",
                                description=__doc__.split("\n")[0])
    p.add_argument("--json", action="store_true", help="print the rows as one JSON list")
    p.add_argument("--cases", metavar="PREFIX,...",
                   help="only the cases whose name starts with one of these (e.g. cycle,random_6)")
    return add_common_args(p)


def main_body(args: argparse.Namespace) -> int:
    prefixes = [c for c in args.cases.split(",") if c] if args.cases else None
    names = [n for n, _ in cases()]
    if prefixes is not None and not any(n.startswith(c) for n in names for c in prefixes):
        raise ValueError(f"--cases {args.cases!r}: no case starts with it; the cases: "
                         f"{', '.join(names)}")
    rows = run(prefixes)
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"{r['case']:14s} {r['states']:>5} states  {r['seconds']:7.2f} s  "
                  f"{','.join(x or '?' for x in r['groups'])[:40]:40s}  {r['budget'] or ''}")
    return 0


def main(argv=None) -> int:
    return run_main(main_body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
