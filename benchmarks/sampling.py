"""Sampling and minimization speed (issue 2's targets).

    python -m benchmarks.sampling [--json] [--repeats 3]

- ``sample_members``: 100,000 exactly uniform members of length 100 of a random 50-state DFA
  over {a, b, c, d} that is already minimal (the path-count table is built inside the timed call).
- ``minimize``: ``DFA.minimize()`` of a random 100,000-state DFA over {a, b}.
- ``make_dataset``: the default dataset (10,000 train strings of lengths 1-50, two bins of
  2,000) for ``dyck1`` and ``tomita3``, labels included.

Each figure is the best of ``--repeats`` runs (seconds, wall clock).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time


def _best(fn, repeats):
    best = float("inf")
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def run(repeats: int = 3, quick: bool = False) -> dict:
    from automata import sampling
    from automata.dataset import make_dataset
    from automata.languages import Language
    from automata.random_dfa import random_dfa

    n_strings = 10_000 if quick else 100_000
    n_min = 10_000 if quick else 100_000
    # the first seed whose random 50-state DFA is already minimal (the sampler uses the minimal DFA)
    seed = next(s for s in range(1000) if random_dfa(50, "abcd", seed=s).minimize().n_states == 50)
    dfa = random_dfa(50, "abcd", seed=seed)
    lang = Language("random50", dfa)

    def sample():
        sampling._PATHS_CACHE.clear()
        return sampling.sample_members_encoded(lang, 100, n_strings, seed=0)

    t_sample, words = _best(sample, repeats)
    assert all(lang.dfa.accepts([lang.alphabet[i] for i in w]) for w in words[:200])
    big = random_dfa(n_min, "ab", seed=2)
    t_min, m = _best(big.minimize, repeats)
    results = {
        "sample_members": {"dfa_seed": seed, "dfa_states": dfa.n_states, "minimal_states": lang.dfa.n_states,
                           "length": 100, "n": n_strings, "seconds": round(t_sample, 4)},
        "minimize": {"states": n_min, "minimal_states": m.n_states, "seconds": round(t_min, 4)},
    }
    if not quick:
        for name in ("tomita3", "dyck1"):
            t, ds = _best(lambda name=name: make_dataset(name, seed=0), 1)
            results[f"make_dataset_{name}"] = {"strings": len(ds), "seconds": round(t, 3)}
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()}
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.sampling", description=__doc__.split("\n")[0])
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="10x smaller sizes (smoke test)")
    args = p.parse_args(argv)
    res = run(args.repeats, args.quick)
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        for k, v in res.items():
            print(k, v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
