"""Before / after of ``classify`` reusing what the core enumerated, side by side in one process.

    python -m benchmarks.classify_reuse [--repeats 5]

"Before" reproduces the path of commit 6f07939 by hiding what is now reused: Green's structure's
enumerated monoid (``classify`` then calls ``transition_monoid`` again) and the monoid handed to
the refuting witnesses (they then enumerate the semigroup again, breadth first, with words).
Both paths must give identical classifications (checked). Prints one JSON line per case:
T_5, T_6, T_7 and the S_5 and A_5 word problems.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import sys

from automata.dfa import DFA
from automata.froidure_pin import clear_caches
from automata.languages import get_language
from benchmarks.monoid import _median, _tn

C = importlib.import_module("automata.classify")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.classify_reuse",
                                description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    if args.repeats < 1:
        p.error("--repeats must be >= 1")
    orig_g, orig_r = C.green_structure, C._refutations

    def hidden(*a, **k):
        g = orig_g(*a, **k)
        return (dataclasses.replace(g, enumerated=None, method="enumeration-hidden")
                if g.method == "enumeration" else g)

    def refutations_without_monoid(*a):
        return orig_r(*a[:7], None)

    cases = [(f"T_{n}", DFA(["c", "t", "e"], _tn(n).T, 0, [0])) for n in (5, 6, 7)]
    cases += [(n, get_language(n).dfa) for n in ("word_problem_s5", "word_problem_a5")]
    try:
        for name, dfa in cases:
            d = dfa.minimize()
            C.green_structure, C._refutations = hidden, refutations_without_monoid
            before, cb = _median(lambda: C.classify(d), args.repeats, clear_caches)
            C.green_structure, C._refutations = orig_g, orig_r
            after, ca = _median(lambda: C.classify(d), args.repeats, clear_caches)
            if cb.to_dict() != ca.to_dict():
                raise SystemExit(f"{name}: before and after classify differently")
            print(json.dumps({"case": name, "method": orig_g(d, minimize=False).method,
                              "before_s": round(before, 4), "after_s": round(after, 4),
                              "ratio": round(after / before, 3)}), flush=True)
    finally:
        C.green_structure, C._refutations = orig_g, orig_r
    return 0


if __name__ == "__main__":
    sys.exit(main())
