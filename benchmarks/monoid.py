"""Speed and memory of the algebra (issue 3's targets), side by side with libsemigroups.

    python -m benchmarks.monoid [--json] [--repeats 3] [--big]
    python -m benchmarks.monoid --against libsemigroups [--json] [--repeats 5] [--big]
        [--mlregtest DIR] [--sweep-step 1] [--cases PREFIX,...]

``--against libsemigroups`` prints (with ``--json``) a list of ``{case, ours_s,
libsemigroups_s, ratio, ...}``, ratio = ours / libsemigroups (below 1: we are faster), each time
the median of ``--repeats`` runs side by side in this one process. *Ours* is the whole
:func:`automata.classify.classify` of a built DFA (monoid, Green's structure, named groups,
varieties, witnesses, verdicts), its caches cleared before every run. *The peer* is the faster
of two libsemigroups routes to the same algebra: Konieczny (size, D-classes, idempotents and the
H-class size of every regular D-class) and Froidure-Pin (size, idempotents, the right and left
Cayley graphs and their strongly connected components, Gabow). Cases: T_5 ... T_9 (T_10 with
``--big``: the peer takes minutes), S_5 and A_5 (the registry's word problems), random DFAs of
10 to 200 states whose letters have small rank (the monoid stays enumerable), and, with
``--mlregtest DIR`` (MLRegTest's ``att/*.att`` and ``counts.tsv``), the three 64-letter acceptors
with the largest monoids and a sweep over all of them (total times; peer: Froidure-Pin, one run),
twice: ``mlregtest_sweep_N`` interleaves the core's and the numpy path's timings with each
acceptor's, and ``mlregtest_batch_N`` times each acceptor best of 3, ours then the peer, nothing
else in between.
libsemigroups' Konieczny takes transformations of degree at most 64, so cases with more states
(S_5's 120-state Cayley DFA, the random DFAs of 100 and 200 states) are compared with
Froidure-Pin alone, the row saying why under ``skipped``. ``--cases T_5,word_problem`` runs only
the cases whose names start so.

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

Each ``--against`` row also has the like-for-like *core*: ``core_s``, the median of
:func:`automata.froidure_pin.froidure_pin` on the minimal DFA's letters (size, idempotents,
Green's R, L, D and H, which is what the peer computes; monoids up to 1,000,000 elements), with
``core_ratio`` = core / peer. When numba is installed (:mod:`automata.jit_core`) and not turned
off, ``ours_nojit_s`` and ``core_nojit_s`` (with ``core_nojit_ratio``) time the same with
``AUTOMATA_JIT=0``, the numpy path, in the same process.

``malloc_retained`` says whether importing :mod:`automata` set glibc to keep freed memory
mapped (:mod:`automata.heap`; both tools share the process, so both run with it);
``AUTOMATA_MALLOC=system`` runs the benchmark with glibc's defaults instead.
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


def _best(fn, repeats, setup=None):
    best, out = float("inf"), None
    for _ in range(repeats):
        if setup is not None:
            setup()
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
import automata  # noqa: F401  (glibc keeps freed memory mapped, as in the parent: automata.heap)
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


def _median(fn, repeats, setup=None):
    ts, out = [], None
    for _ in range(repeats):
        if setup is not None:
            setup()
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2], out


#: libsemigroups' Konieczny takes transformations of degree at most 64 (1.4: "expected a
#: transformation of degree at most 64"); above it only Froidure-Pin runs.
KONIECZNY_MAX_DEGREE = 64


def _peer_routes(ls, gens: np.ndarray, repeats: int, konieczny: bool = True,
                 froidure: bool = True, skipped: list | None = None) -> tuple[float, str]:
    """Median seconds of the faster libsemigroups route to size, Green's structure and the
    group H-classes of the monoid generated by ``gens`` (identity added). A route that cannot
    run is left out, its reason appended to ``skipped``."""
    n = gens.shape[1]
    if konieczny and n > KONIECZNY_MAX_DEGREE:
        konieczny = False
        if skipped is not None:
            skipped.append(f"konieczny: degree {n} > {KONIECZNY_MAX_DEGREE}, which "
                           f"libsemigroups' Konieczny does not take")
    if not (konieczny or froidure):
        raise ValueError(f"no libsemigroups route for degree {n} (Froidure-Pin left out)")
    guard = ls.ReportGuard(False)  # noqa: F841
    tg = [ls.Transf(list(range(n)))] + [ls.Transf([int(v) for v in g]) for g in gens]

    def fp():
        S = ls.FroidurePin(tg)
        S.size()
        S.number_of_idempotents()
        r = ls.Gabow(S.right_cayley_graph()).number_of_components()
        l_ = ls.Gabow(S.left_cayley_graph()).number_of_components()
        return r, l_

    def kon():
        K = ls.Konieczny(tg)
        K.size()
        K.number_of_idempotents()
        return K.number_of_D_classes(), [D.size_H_class() for D in K.D_classes()
                                         if D.is_regular_D_class()]

    best = (_median(fp, repeats)[0], "froidure_pin") if froidure else (float("inf"), "")
    if konieczny:
        k = _median(kon, repeats)[0]
        if k < best[0]:
            best = (k, "konieczny")
    return best


def _random_dfa(n: int, seed: int):
    """Three letters: two maps of rank <= 4 and a transposition (monoid enumerable)."""
    from automata.dfa import DFA

    rng = np.random.default_rng(seed)
    gens = []
    for _ in range(2):
        img = rng.choice(n, size=min(n, 4), replace=False)
        gens.append(img[rng.integers(0, img.size, size=n)])
    t = np.arange(n)
    i, j = rng.choice(n, size=2, replace=False)
    t[i], t[j] = j, i
    gens.append(t)
    return DFA("abc", np.array(gens).T, 0, list(range(0, n, 3)))


#: the core (``froidure_pin`` alone: what the peer computes) is timed up to this monoid size
CORE_MAX_SIZE = 1_000_000


def _with_jit(flag: str, fn):
    """``fn()`` with ``AUTOMATA_JIT`` set to ``flag`` (then restored)."""
    old = os.environ.get("AUTOMATA_JIT")
    os.environ["AUTOMATA_JIT"] = flag
    try:
        return fn()
    finally:
        if old is None:
            del os.environ["AUTOMATA_JIT"]
        else:
            os.environ["AUTOMATA_JIT"] = old


def _jit_columns(d, reps: int, monoid_size: int, jit: bool) -> dict:
    """Medians, in seconds: ``core_s`` = :func:`automata.froidure_pin.froidure_pin` of the
    letters (size, idempotents, Green's R, L, D, H: like for like with the peer) under the
    environment's ``AUTOMATA_JIT``; with ``jit`` also ``core_nojit_s`` and ``ours_nojit_s``
    (the whole classification) with ``AUTOMATA_JIT=0``. The core is left out above
    :data:`CORE_MAX_SIZE` elements (``monoid_size`` 0: unknown, tried with that budget)."""
    from automata.classify import classify
    from automata.errors import BudgetExceededError
    from automata.froidure_pin import clear_caches, froidure_pin
    from automata.monoid import generators_of

    g = generators_of(d)
    out: dict[str, float] = {}

    def core():
        return froidure_pin(g, max_size=CORE_MAX_SIZE, max_seconds=60.0)

    if monoid_size <= CORE_MAX_SIZE:
        try:
            out["core_s"] = _median(core, reps)[0]
            if jit:
                out["core_nojit_s"] = _with_jit("0", lambda: _median(core, reps)[0])
        except BudgetExceededError:
            out = {}
    if jit:
        out["ours_nojit_s"] = _with_jit("0", lambda: _median(lambda: classify(d), reps,
                                                             clear_caches)[0])
    return out


def against_libsemigroups(repeats: int = 5, big: bool = False, mlregtest: str | None = None,
                          sweep_step: int = 1, cases: list[str] | None = None,
                          jit: bool = True) -> list[dict]:
    """Rows ``{case, ours_s, libsemigroups_s, ratio, ...}``; see the module docstring.
    ``cases``: run only the cases whose name starts with one of these prefixes. ``jit``: also
    time both ours and the core with ``AUTOMATA_JIT=0`` (the numpy path) when numba is used."""
    import libsemigroups_pybind11 as ls

    from automata.classify import classify
    from automata.dfa import DFA
    from automata.froidure_pin import clear_caches
    from automata.languages import get_language
    from automata.monoid import generators_of

    from automata.jit_core import enabled

    jit = jit and enabled()
    rows: list[dict] = []
    # first calls (imports; with numba, loading or compiling the kernels) before any timing
    t = time.perf_counter()
    classify(get_language("parity").dfa)
    # importing automata keeps freed memory mapped (glibc; AUTOMATA_MALLOC=system: not), for
    # both tools alike: they share this process
    from automata.heap import retain_freed_memory

    retained = retain_freed_memory()
    print(json.dumps({"warm_up_s": round(time.perf_counter() - t, 3), "jit": jit,
                      "malloc_retained": retained}), file=sys.stderr, flush=True)

    def wanted(name: str) -> bool:
        return cases is None or any(name.startswith(c) for c in cases)

    def case(name: str, dfa, reps: int = repeats, konieczny: bool = True, extra=None):
        if not wanted(name):
            return
        d = dfa.minimize()
        ours, c = _median(lambda: classify(d), reps, clear_caches)
        cols = _jit_columns(d, reps, c.monoid_size or 0, jit)
        # Froidure-Pin enumerates (and stores both Cayley graphs of) the whole monoid: only
        # where that is the faster route (small monoids); Konieczny always
        skipped: list[str] = []
        peer, route = _peer_routes(ls, generators_of(d), reps, konieczny,
                                   froidure=(c.monoid_size or 0) <= 2_000_000, skipped=skipped)
        row = {"case": name, "ours_s": round(ours, 5), "libsemigroups_s": round(peer, 5),
               "ratio": round(ours / peer, 3), "peer": route, "monoid_size": c.monoid_size,
               "states": d.n_states, "letters": d.n_symbols, "repeats": reps,
               "malloc_retained": retained}
        row.update({key: round(v, 5) for key, v in cols.items()})
        row.update({f"{key[:-2]}_ratio": round(v / peer, 3) for key, v in cols.items()
                    if key.startswith("core")})
        if skipped:
            row["skipped"] = skipped
        row.update(extra or {})
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    for n in range(5, 11 if big else 10):
        case(f"T_{n}", DFA(["c", "t", "e"], _tn(n).T, 0, [0]), repeats if n < 9 else 1)
    for name in ("word_problem_s5", "word_problem_a5"):
        case(name, get_language(name).dfa)
    for n in (10, 20, 50, 100, 200):
        case(f"random_dfa_{n}", _random_dfa(n, n))
    if mlregtest:
        import csv
        from pathlib import Path

        from automata.att import mlregtest_alphabets, read_att

        root = Path(mlregtest)
        files = sorted((root / "att").glob("*.att"))
        alph = mlregtest_alphabets(files)
        with open(root / "counts.tsv", newline="") as fh:
            table = list(csv.DictReader(fh, delimiter="\t"))
        key = lambda r: ".".join(r[k] for k in ("Alph", "Tier", "Class", "k", "j", "i"))  # noqa: E731
        have = {f.name[:-4] for f in files}
        big64 = sorted((r for r in table if r["Alph"] == "64" and key(r) in have),
                       key=lambda r: -int(r["Monoid"]))[:3]
        for r in big64:
            k = key(r)
            case(f"mlregtest_{k}", read_att(root / "att" / f"{k}.att", alph["64"]))
        ours = peer = 0.0
        totals: dict[str, float] = {}
        sel = files[::sweep_step]
        dfas = [read_att(f, alph[f.name.split(".")[0]]).minimize() for f in sel] \
            if wanted("mlregtest_sweep") or wanted("mlregtest_batch") else []
        for d in dfas if wanted("mlregtest_sweep") else ():
            clear_caches()
            t = time.perf_counter()
            classify(d)
            ours += time.perf_counter() - t
            for key, v in _jit_columns(d, 1, 0, jit).items():
                totals[key] = totals.get(key, 0.0) + v
            peer += _peer_routes(ls, generators_of(d), 1, konieczny=False)[0]
        if wanted("mlregtest_sweep"):
            row = {"case": f"mlregtest_sweep_{len(sel)}", "ours_s": round(ours, 3),
                   "libsemigroups_s": round(peer, 3), "ratio": round(ours / peer, 3),
                   "peer": "froidure_pin", "acceptors": len(sel), "repeats": 1,
                   "malloc_retained": retained}
            row.update({key: round(v, 3) for key, v in totals.items()})
            row.update({f"{key[:-2]}_ratio": round(v / peer, 3) for key, v in totals.items()
                        if key.startswith("core")})
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        if wanted("mlregtest_batch"):
            row = _batch_sweep(ls, dfas, SWEEP_BATCH_REPEATS)
            row["malloc_retained"] = retained
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


#: best of this many runs per acceptor in the batch sweep
SWEEP_BATCH_REPEATS = 3


def _batch_sweep(ls, dfas: list, repeats: int) -> dict:
    """The sweep timed as a batch: for each acceptor, the best of ``repeats`` runs of ours
    (caches cleared before each) and then the best of ``repeats`` runs of the peer's
    Froidure-Pin route, nothing else timed in between (the sweep row interleaves five
    timings per acceptor, so each tool starts every acceptor with its caches cold from the
    others')."""
    from automata.classify import classify
    from automata.froidure_pin import clear_caches
    from automata.monoid import generators_of

    ours = peer = 0.0
    for d in dfas:
        ours += _best(lambda d=d: classify(d), repeats, clear_caches)[0]
        gens = generators_of(d)
        peer += min(_peer_routes(ls, gens, 1, konieczny=False)[0] for _ in range(repeats))
    return {"case": f"mlregtest_batch_{len(dfas)}", "ours_s": round(ours, 6),
            "libsemigroups_s": round(peer, 6), "ratio": round(ours / peer, 3),
            "peer": "froidure_pin", "acceptors": len(dfas), "repeats": repeats,
            "timing": "per acceptor: best of repeats, ours then the peer"}


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
    p.add_argument("--big", action="store_true", help="also enumerate T_8 (16.8M elements); "
                   "with --against, also T_10")
    p.add_argument("--against", choices=["libsemigroups"], default=None,
                   help="case by case against libsemigroups: a list of {case, ours_s, "
                        "libsemigroups_s, ratio}")
    p.add_argument("--mlregtest", default=None, metavar="DIR",
                   help="with --against: MLRegTest's acceptors (DIR/att/*.att, DIR/counts.tsv)")
    p.add_argument("--sweep-step", type=int, default=1,
                   help="with --mlregtest: sweep every N-th acceptor (default all)")
    p.add_argument("--cases", default=None, metavar="PREFIX,...",
                   help="with --against: only the cases whose name starts with one of these "
                        "(e.g. T_5,T_6,word_problem)")
    args = p.parse_args(argv)
    cases = [c.strip() for c in args.cases.split(",")] if args.cases is not None else None
    if cases is not None and not all(cases):
        p.error(f"--cases expects comma-separated name prefixes, got {args.cases!r}")
    if args.repeats < 1 or args.sweep_step < 1:
        p.error("--repeats and --sweep-step must be >= 1")
    if args.against:
        import os as _os

        rows = against_libsemigroups(args.repeats, args.big, args.mlregtest, args.sweep_step,
                                     cases)
        if args.json:
            print(json.dumps(rows))
        else:
            print(f"# load average {_os.getloadavg()[0]:.2f} on {_os.cpu_count()} CPUs")
            for r in rows:
                core = f"  core {r['core_s']:9.4f} s ratio {r['core_ratio']}" if "core_s" in r else ""
                print(f"{r['case']:32s} ours {r['ours_s']:9.4f} s  libsemigroups {r['libsemigroups_s']:9.4f} s "
                      f"({r['peer']})  ratio {r['ratio']}{core}")
        return 0
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
