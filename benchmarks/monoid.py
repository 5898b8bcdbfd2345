"""Speed and memory of the algebra (issue 3's targets), side by side with libsemigroups.

    python -m benchmarks.monoid [--json] [--repeats 3] [--big]

- ``classify``: :func:`automata.classify.classify` of every registry language (best of
  ``--repeats``; target < 0.5 s each, the S5 word problem included);
- ``t8_green``: the DFA whose letters generate the full transformation monoid T_8 (the cycle
  (0 1 ... 7), the transposition (0 1), the map 0 -> 1): Green's structure without enumeration,
  aperiodicity and every maximal subgroup named (target < 1 s); libsemigroups' Konieczny on the
  same generators;
- ``enumerate_t7``: full enumeration of T_7 (823,543 elements): elements per second and bytes
  per element (tracemalloc peak, in a separate run); libsemigroups' Froidure–Pin on the same
  generators (its memory as the growth of the resident set, measured in a child process);
- ``--big`` adds the full enumeration of T_8 (16,777,216 elements; about 0.6 GB).

Ratios are ours / libsemigroups for times (below 1: we are faster).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import tracemalloc

import numpy as np


def _tn(n: int) -> np.ndarray:
    c = [(i + 1) % n for i in range(n)]
    t = [1, 0] + list(range(2, n))
    e = [1] + list(range(1, n))
    return np.array([c, t, e])


def _best(fn, repeats):
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _lib():
    try:
        import libsemigroups_pybind11 as ls
    except ImportError:
        return None
    return ls


_LIB_ENUM = r"""
import sys, time
import libsemigroups_pybind11 as ls
n = int(sys.argv[1])
def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
g = ls.ReportGuard(False)
c = [(i + 1) % n for i in range(n)]; t = [1, 0] + list(range(2, n)); e = [1] + list(range(1, n))
gens = [ls.Transf(c), ls.Transf(t), ls.Transf(e)]
r0 = rss(); t0 = time.perf_counter()
S = ls.FroidurePin(gens); size = S.size()
dt = time.perf_counter() - t0
print(size, dt, rss() - r0)
"""


def run(repeats: int = 3, big: bool = False) -> dict:
    from automata.classify import classify
    from automata.dfa import DFA
    from automata.green import green_structure
    from automata.groups import group_info
    from automata.languages import list_languages
    from automata.monoid import transition_monoid

    ls = _lib()
    out: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "libsemigroups": getattr(ls, "__version__", None) if ls else None}}
    # 1. every registry language
    rows = []
    for name in list_languages():
        dt, c = _best(lambda: classify(name), repeats)
        rows.append({"language": name, "seconds": round(dt, 4), "label": c.label,
                     "states": c.states, "monoid_size": c.monoid_size})
    out["classify"] = {"rows": rows, "max_seconds": max(r["seconds"] for r in rows),
                       "slowest": max(rows, key=lambda r: r["seconds"])["language"],
                       "target_seconds": 0.5}
    # 2. T_8 without enumeration
    d8 = DFA(["c", "t", "e"], _tn(8).T, 0, [0])

    def t8():
        g = green_structure(d8, minimize=False)
        return g, [group_info(G).name for G in g.maximal_subgroups()]

    dt, (g, names) = _best(t8, repeats)
    dt_ap, g_img = _best(lambda: green_structure(d8, minimize=False, d_classes=False), repeats)
    t8r = {"seconds": round(dt, 4), "aperiodicity_only_seconds": round(dt_ap, 4),
           "monoid_size": g.monoid_size, "d_classes": g.n_d_classes,
           "aperiodic": g.is_aperiodic, "maximal_subgroups": names, "target_seconds": 1.0}
    if ls is not None:
        guard = ls.ReportGuard(False)  # noqa: F841

        def kon():
            k = ls.Konieczny([ls.Transf([int(v) for v in r]) for r in _tn(8)])
            return k.size(), k.number_of_D_classes()

        kdt, (ksize, kd) = _best(kon, repeats)
        t8r.update({"libsemigroups_konieczny_seconds": round(kdt, 4),
                    "libsemigroups_size": ksize, "libsemigroups_d_classes": kd,
                    "ratio_ours_over_libsemigroups": round(dt / kdt, 3)})
    out["t8_green"] = t8r
    # 3. full enumeration
    sizes = [(7, "enumerate_t7")] + ([(8, "enumerate_t8")] if big else [])
    for n, key in sizes:
        dn = DFA(["c", "t", "e"], _tn(n).T, 0, [0])
        reps = repeats if n < 8 else 1
        dt, m = _best(lambda: transition_monoid(dn, minimize=False, max_size=20_000_000,
                                                max_seconds=600), reps)
        size = m.size
        del m
        tracemalloc.start()
        m = transition_monoid(dn, minimize=False, max_size=20_000_000, max_seconds=600)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        row = {"elements": size, "seconds": round(dt, 4),
               "elements_per_second": round(size / dt), "peak_bytes_per_element": round(peak / size, 1),
               "stored_bytes_per_element": round(m.nbytes / size, 1),
               "targets": {"elements_per_second": 1_000_000, "bytes_per_element": 50}}
        del m
        if ls is not None:
            res = subprocess.run([sys.executable, "-c", _LIB_ENUM, str(n)], capture_output=True,
                                 text=True, timeout=900)
            if res.returncode == 0:
                lsize, ldt, lrss = res.stdout.split()
                row.update({"libsemigroups_seconds": round(float(ldt), 4),
                            "libsemigroups_elements_per_second": round(int(lsize) / float(ldt)),
                            "libsemigroups_rss_bytes_per_element": round(int(lrss) / int(lsize), 1),
                            "ratio_ours_over_libsemigroups": round(dt / float(ldt), 3)})
        out[key] = row
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.monoid", description=__doc__.split("\n")[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--big", action="store_true", help="also enumerate T_8 (16.8M elements)")
    args = p.parse_args(argv)
    res = run(args.repeats, args.big)
    if args.json:
        print(json.dumps(res))
        return 0
    c = res["classify"]
    print(f"classify: {len(c['rows'])} registry languages, slowest {c['slowest']} "
          f"{c['max_seconds']:.3f} s (target {c['target_seconds']} s)")
    for r in c["rows"]:
        print(f"  {r['language']:20s} {r['seconds']:.4f} s  {r['label']:14s} |M| = {r['monoid_size']}")
    t = res["t8_green"]
    print(f"T_8 via Green: {t['seconds']:.4f} s (aperiodicity only {t['aperiodicity_only_seconds']:.4f} s), "
          f"|M| = {t['monoid_size']:,}, {t['d_classes']} D-classes, groups {t['maximal_subgroups']}")
    if "libsemigroups_konieczny_seconds" in t:
        print(f"  libsemigroups Konieczny {t['libsemigroups_konieczny_seconds']:.4f} s; "
              f"ratio ours/theirs {t['ratio_ours_over_libsemigroups']}")
    for key in ("enumerate_t7", "enumerate_t8"):
        if key in res:
            e = res[key]
            print(f"{key}: {e['elements']:,} elements in {e['seconds']:.3f} s = "
                  f"{e['elements_per_second']:,}/s; peak {e['peak_bytes_per_element']} B/element "
                  f"(stored {e['stored_bytes_per_element']})")
            if "libsemigroups_seconds" in e:
                print(f"  libsemigroups Froidure-Pin {e['libsemigroups_seconds']:.3f} s = "
                      f"{e['libsemigroups_elements_per_second']:,}/s, "
                      f"{e['libsemigroups_rss_bytes_per_element']} B/element (RSS); "
                      f"ratio ours/theirs {e['ratio_ours_over_libsemigroups']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
