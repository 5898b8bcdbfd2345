"""The whole ``classify`` of this working tree against an earlier commit's, side by side in one
process.

    python -m benchmarks.classify_ab --base REV [--cases random,word_problem_s5,T_5]
        [--mlregtest DIR] [--repeats 3] [--json]

The package ``automata`` of commit ``REV`` (``git archive``) is unpacked once per commit into
a cache folder (``--cache``, default ``<tmp>/ssm-expressivity-ab``) as ``automata_base``, its
absolute imports renamed, and imported beside the working tree's ``automata``. Both classify
the same inputs alternately, input by input, the order swapped every other input: on a machine
whose speed drifts from minute to minute (this one's does, by up to 2×) both are slowed alike,
which timing one commit after the other cannot promise. Each input's time is the best of
``--repeats`` runs, each after clearing both packages' caches. Both ``to_dict()`` outputs are
compared; ``differ`` counts the inputs where they are not equal (a changed verdict shows here).

Cases: ``registry`` (every registered language with a DFA), ``random`` (the random DFAs of
:mod:`benchmarks.monoid`), ``word_problem_s5``, ``word_problem_a5``, ``T_5`` … ``T_8``, and with
``--mlregtest`` its 1,470 acceptors in three rows by monoid size: ``mlregtest_tiny`` (< 100
elements), ``mlregtest_mid`` (100–999), ``mlregtest_big`` (≥ 1,000). The first run on a commit
also compiles its numba kernels into the cache folder (some seconds; not timed).

Rows: ``{case, inputs, base_us, head_us, ratio, median, p10, p90, differ}``: mean microseconds
per input, ``ratio`` = head / base over the totals, and the per-input ratios' quantiles.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASE_NAME = "automata_base"
CASES = ("registry", "random", "word_problem_s5", "word_problem_a5", "T_5", "T_6", "T_7", "T_8")
MLREGTEST_CASES = ("mlregtest_tiny", "mlregtest_mid", "mlregtest_big")
_IMPORT = re.compile(r"^(\s*)(from|import) automata(?=[.\s])", re.MULTILINE)


class ABError(Exception):
    """A one-line reason why the comparison cannot run."""


def resolve(rev: str, root: Path = ROOT) -> str:
    """The full commit hash of ``rev`` in the repository at ``root``."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "-q",
                              f"{rev}^{{commit}}"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ABError(f"git is not usable here: {e}") from None
    if out.returncode != 0 or not out.stdout.strip():
        raise ABError(f"unknown commit {rev!r} in {root}")
    return out.stdout.strip()


def rename_imports(text: str) -> str:
    """``text`` with its absolute imports of ``automata`` made imports of ``automata_base``."""
    return _IMPORT.sub(lambda m: f"{m.group(1)}{m.group(2)} {BASE_NAME}", text)


def unpack(sha: str, cache: Path, root: Path = ROOT) -> Path:
    """The folder holding ``automata_base`` (commit ``sha``'s ``automata``), unpacked into
    ``cache/sha`` on first use (written beside it, then moved into place)."""
    dest = cache / sha
    if (dest / BASE_NAME / "__init__.py").exists():
        return dest
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{sha[:12]}.", dir=cache))
    try:
        archive = tmp / "automata.tar"
        with open(archive, "wb") as fh:
            r = subprocess.run(["git", "-C", str(root), "archive", sha, "automata"], stdout=fh,
                               stderr=subprocess.PIPE, timeout=120)
        if r.returncode != 0:
            raise ABError(f"git archive {sha[:12]} automata failed: "
                          f"{r.stderr.decode(errors='replace').strip()}")
        with tarfile.open(archive) as tar:
            try:
                tar.extractall(tmp, filter="data")
            except TypeError:                # Python without extraction filters (< 3.10.12)
                tar.extractall(tmp)
        archive.unlink()
        (tmp / "automata").rename(tmp / BASE_NAME)
        for f in (tmp / BASE_NAME).rglob("*.py"):
            text = f.read_text(encoding="utf-8")
            new = rename_imports(text)
            if new != text:
                f.write_text(new, encoding="utf-8")
        try:
            os.replace(tmp, dest)
        except OSError:                      # another run put it there first
            if not (dest / BASE_NAME / "__init__.py").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _package(name: str) -> dict:
    """What the comparison needs of one package (``automata`` or ``automata_base``)."""
    mod = lambda sub: importlib.import_module(f"{name}.{sub}")  # noqa: E731
    clear_caches, cls = mod("froidure_pin").clear_caches, mod("classify")

    def clear():
        """Every cache, the classification's witness memo too: commits before 869fdb4 left
        it out of ``clear_caches``, so each is timed on a first classification alike."""
        clear_caches()
        last = getattr(cls, "_LAST", None)
        if isinstance(last, list) and len(last) == 2:
            last[0], last[1] = None, {}

    return {"classify": cls.classify, "clear": clear,
            "DFA": mod("dfa").DFA, "att": mod("att"), "languages": mod("languages")}


def _dfa(pkg: dict, alphabet, delta, initial, accepting):
    return pkg["DFA"](alphabet, np.asarray(delta), int(initial), list(accepting)).minimize()


def _inputs(pkg: dict, case: str, mlregtest: Path | None) -> list:
    """The minimal DFAs of ``case``, built with ``pkg``'s own classes."""
    from benchmarks.monoid import _random_dfa, _tn

    if case == "registry":
        langs = pkg["languages"]
        return [d.minimize() for d in (langs.get_language(n).dfa for n in langs.list_languages())
                if d is not None]
    if case == "random":
        out = []
        for n in (10, 20, 50, 100, 200):
            r = _random_dfa(n, n)
            out.append(_dfa(pkg, r.alphabet, r.delta, r.initial, np.flatnonzero(r.accepting_mask)))
        return out
    if case in ("word_problem_s5", "word_problem_a5"):
        return [pkg["languages"].get_language(case).dfa.minimize()]
    if case in ("T_5", "T_6", "T_7", "T_8"):
        return [_dfa(pkg, ["c", "t", "e"], _tn(int(case[2:])).T, 0, [0])]
    if case == "mlregtest":
        att = pkg["att"]
        files = sorted((mlregtest / "att").glob("*.att"))
        alph = att.mlregtest_alphabets(files)
        return [att.read_att(f, alph[f.name.split(".")[0]]).minimize() for f in files]
    raise ABError(f"unknown case {case!r}")                 # pragma: no cover - checked first


def _normal(c) -> str:
    return json.dumps(c.to_dict(), sort_keys=True, default=str)


def compare(base: dict, head: dict, base_in: list, head_in: list, repeats: int) -> dict:
    """Best-of-``repeats`` seconds per input for both packages, alternating, whether each
    input's classifications differ (``diff_at``) and the head's monoid sizes (``sizes``)."""
    n = len(head_in)
    best = {"base": [float("inf")] * n, "head": [float("inf")] * n}
    diff_at = [False] * n
    sizes = [0] * n
    for r in range(repeats):
        for i in range(n):
            order = (("base", base, base_in), ("head", head, head_in))
            out = {}
            for tag, pkg, ins in (order if (i + r) % 2 == 0 else order[::-1]):
                pkg["clear"]()
                t0 = time.perf_counter()
                c = pkg["classify"](ins[i])
                best[tag][i] = min(best[tag][i], time.perf_counter() - t0)
                if r == 0:
                    out[tag] = _normal(c)
                    if tag == "head":
                        sizes[i] = c.monoid_size or 0
            if r == 0:
                diff_at[i] = out["base"] != out["head"]
    return {"base": best["base"], "head": best["head"], "diff_at": diff_at, "sizes": sizes}


def _row(case: str, res: dict, idx: list[int] | None = None) -> dict:
    b = np.asarray(res["base"]) if idx is None else np.asarray(res["base"])[idx]
    h = np.asarray(res["head"]) if idx is None else np.asarray(res["head"])[idx]
    q = np.quantile(h / b, [0.1, 0.5, 0.9]) if b.size else [float("nan")] * 3
    return {"case": case, "inputs": int(b.size), "base_us": round(float(b.mean()) * 1e6, 1),
            "head_us": round(float(h.mean()) * 1e6, 1),
            "ratio": round(float(h.sum() / b.sum()), 3) if b.size else None,
            "median": round(float(q[1]), 3), "p10": round(float(q[0]), 3),
            "p90": round(float(q[2]), 3),
            "differ": int(sum(res["diff_at"]) if idx is None
                          else sum(res["diff_at"][i] for i in idx))}


def run(base_rev: str, cases: list[str], repeats: int = 3, mlregtest: str | None = None,
        cache: str | None = None) -> list[dict]:
    sha = resolve(base_rev)
    folder = unpack(sha, Path(cache) if cache else Path(tempfile.gettempdir())
                    / "ssm-expressivity-ab")
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    head, base = _package("automata"), _package(BASE_NAME)
    for pkg in (head, base):                          # imports, kernels compiled or loaded
        pkg["classify"](pkg["languages"].get_language("parity").dfa)
    rows = []
    for case in cases:
        if case.startswith("mlregtest"):
            continue
        res = compare(base, head, _inputs(base, case, None), _inputs(head, case, None), repeats)
        rows.append(_row(case, res))
    wanted = [c for c in cases if c.startswith("mlregtest")]
    if wanted:
        root = Path(mlregtest)
        h_in, b_in = _inputs(head, "mlregtest", root), _inputs(base, "mlregtest", root)
        res = compare(base, head, b_in, h_in, repeats)
        bounds = {"mlregtest_tiny": (0, 100), "mlregtest_mid": (100, 1000),
                  "mlregtest_big": (1000, float("inf"))}
        for case in wanted:
            lo, hi = bounds[case]
            rows.append(_row(case, res, [i for i, s in enumerate(res["sizes"]) if lo <= s < hi]))
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.classify_ab",
                                description=__doc__.split("\n\n")[0].replace("\n", " "))
    p.add_argument("--base", required=True, help="the commit to compare with (any git revision)")
    p.add_argument("--cases", default=",".join(CASES),
                   help=f"comma-separated, of: {', '.join(CASES + MLREGTEST_CASES)} "
                        f"(default: all but the MLRegTest ones)")
    p.add_argument("--mlregtest", metavar="DIR", help="MLRegTest's folder (DIR/att/*.att)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--cache", metavar="DIR", help="where commits are unpacked (default: the "
                   "system's temporary folder)")
    p.add_argument("--json", action="store_true", help="print the rows as one JSON list")
    args = p.parse_args(argv)
    cases = [c for c in args.cases.split(",") if c]
    bad = [c for c in cases if c not in CASES + MLREGTEST_CASES]
    if bad or not cases:
        print(f"classify_ab: unknown case(s) {', '.join(bad) or '(none given)'}; choose from "
              f"{', '.join(CASES + MLREGTEST_CASES)}", file=sys.stderr)
        return 1
    if args.repeats < 1:
        print("classify_ab: --repeats must be >= 1", file=sys.stderr)
        return 1
    if any(c.startswith("mlregtest") for c in cases) and not (
            args.mlregtest and (Path(args.mlregtest) / "att").is_dir()):
        print("classify_ab: the mlregtest cases need --mlregtest DIR with DIR/att/*.att",
              file=sys.stderr)
        return 1
    try:
        rows = run(args.base, cases, args.repeats, args.mlregtest, args.cache)
    except ABError as e:
        print(f"classify_ab: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"{r['case']:18s} n={r['inputs']:5d} base {r['base_us']:9.1f} us  head "
                  f"{r['head_us']:9.1f} us  head/base {r['ratio']}  (median {r['median']}, "
                  f"p10 {r['p10']}, p90 {r['p90']})  differ {r['differ']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
