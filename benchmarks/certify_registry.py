"""Certify every registered regular language × family whose verdict is yes, at length 10,000.

    python -m benchmarks.certify_registry [--check-length 10000] [--strings 100] [--seed 0]
        [--dtype float32] [--languages a,b,...] [--out results.jsonl] [--markdown]
    python -m benchmarks.certify_registry --drift [--max-length 100000000]

One JSON line per (language, family): the certificate (:func:`ssm.constructions.certify`), or
the refusal (verdict, no model). The test strings are sampled once per language and shared by
its families. ``--markdown`` prints the table of depth built vs the classifier's ``min_layers``
(docs/constructions.md). ``--drift`` measures, for the rotation channel ``h ↦ e^{2πi/m} h``
run on one letter repeated (the worst case: no reset ever re-exacts the state), the first
length at which the rounded angle is wrong, in float32 and float64.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import torch

from automata import get_language, list_languages
from automata.atomic_io import atomic_open
from automata.classify import classify
from ssm.constructions.certify import (CERTIFIED_FAMILIES, CertificationRefused, NotCertified,
                                       certify, sample_check_words)


def rotation_first_failure(m: int, dtype, max_length: int, chunk: int = 1 << 22,
                           seed: int | None = None) -> int | None:
    """First ``t`` at which ``round(arg(h_t) · m / 2π)`` is wrong, ``h_t`` the sequential product
    of the gates ``e^{2πi k_s/m}``: ``k_s = 1`` (one letter repeated), or uniformly random
    ``k_s`` in ``1..m-1`` when ``seed`` is given (the word problem of ``Z_m``, random letters)."""
    cdt = np.complex64 if dtype == "float32" else np.complex128
    rng = np.random.default_rng(seed)
    table = np.exp(2j * np.pi * np.arange(m) / m).astype(cdt)
    h = np.array(1, dtype=cdt)
    t0, count = 0, 0
    while t0 < max_length:
        n = min(chunk, max_length - t0)
        ks = np.ones(n, dtype=np.int64) if seed is None else rng.integers(1, m, size=n)
        seq = np.empty(n + 1, dtype=cdt)
        seq[0] = h
        seq[1:] = table[ks]
        acc = np.multiply.accumulate(seq)[1:]
        k = np.mod(np.rint(np.angle(acc) * (m / (2 * np.pi))).astype(np.int64), m)
        want = np.mod(count + np.cumsum(ks), m)
        count = int(want[-1])
        bad = np.flatnonzero(k != want)
        if len(bad):
            return int(t0 + bad[0] + 1)
        h = acc[-1]
        t0 += n
    return None


def _row(lang: str, fam: str, res) -> dict:
    if isinstance(res, Exception):
        return {"language": lang, "family": fam, "certified": False,
                "verdict": getattr(res, "verdict", "yes"), "reason": str(res)[:300]}
    d = res.to_dict()
    d["certified"] = res.accuracy == 1.0
    return d


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.certify_registry")
    p.add_argument("--check-length", type=int, default=10_000)
    p.add_argument("--strings", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--languages", help="comma-separated registry names (default: every regular one)")
    p.add_argument("--out", help="write the JSON lines here (atomically, at the end)")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--sampler", choices=["walks", "members"], default="walks")
    p.add_argument("--drift", action="store_true")
    p.add_argument("--max-length", type=int, default=100_000_000)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    if args.drift:
        for seed in (None, 0):
            for m in (3, 7, 12):
                for dt in ("float32", "float64"):
                    t = time.perf_counter()
                    f = rotation_first_failure(m, dt, args.max_length, seed=seed)
                    print(json.dumps({"m": m, "dtype": dt, "first_failing_length": f,
                                      "letters": "one letter" if seed is None else "random",
                                      "searched_up_to": args.max_length,
                                      "seconds": round(time.perf_counter() - t, 1)}), flush=True)
        return 0
    names = args.languages.split(",") if args.languages else \
        [n for n in list_languages() if get_language(n).kind == "regular"]
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    rows = []
    for name in names:
        lang = get_language(name)
        cl = classify(lang)
        words = None
        for fam in CERTIFIED_FAMILIES:
            if cl.prediction(fam).expressible == "yes" and words is None:
                words, how = sample_check_words(lang, lang.dfa, args.check_length, args.strings,
                                                args.seed, args.sampler)
            try:
                res = certify(lang, fam, args.check_length, args.strings, dtype, args.seed,
                              words=words, classification=cl)
            except (CertificationRefused, NotCertified, ValueError) as e:
                res = e
            row = _row(name, fam, res)
            if "sampler" in row:
                row["sampler"] = how
            rows.append(row)
            print(json.dumps(row, default=str), flush=True)
    if args.out:
        with atomic_open(args.out) as f:
            for r in rows:
                f.write(json.dumps(r, default=str) + "\n")
    if args.markdown:
        sys.stdout.write(markdown(rows))
    return 0


def markdown(rows: list) -> str:
    """The docs table: per language, ``layers/min_layers`` per family (``no``/``unknown``: the
    verdict; ``✗``: built but the check failed; ``—``: not built)."""
    fams = list(CERTIFIED_FAMILIES)
    by = {}
    for r in rows:
        by.setdefault(r["language"], {})[r["family"]] = r
    out = ["| language | " + " | ".join(fams) + " |", "|---|" + "---|" * len(fams)]
    for lang, cells in by.items():
        txt = []
        for f in fams:
            r = cells.get(f)
            if r is None:
                txt.append("")
            elif "layers" in r:
                mark = "" if r["accuracy"] == 1.0 else f" ✗ {100 * r['accuracy']:.0f}%"
                txt.append(f"{r['layers']} / {r['min_layers']} (w {r['width']}){mark}")
            else:
                txt.append(r["verdict"] if r["verdict"] != "yes" else "— (not built)")
        out.append(f"| {lang} | " + " | ".join(txt) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
