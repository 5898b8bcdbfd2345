"""The paper's experiments: a model grid over the language suite, predicted vs observed.

    python -m analyses.reproduce --suite paper [--quick] [--preset flip_flop|dyck]
        [--languages a,b,...] [--cells c1,c2,...] [--seeds 1] [--jobs 1] [--threads 1]
        [--executor local|ray] [--ray-address ADDR] [--set key=value ...] [--rerun]
        [--estimate] --out DIR [--quiet] [--plugin MODULE_OR_PATH.py]

Every (language, cell, width, lr, seed) is an independent job (:mod:`ssm.experiments`) that
trains with :func:`ssm.train.train` in ``DIR/runs/<language>/<cell>-W<width>-lr<lr>-s<seed>``,
in a local process pool (``--jobs N``) or on a Ray cluster (``--executor ray``). Each job is
resumable and a finished job is not run again, so re-running the same command after an
interruption continues where it stopped. A job directory holding a run of another configuration
(a changed ``--set``) is refused naming what differs; ``--rerun`` trains such jobs into fresh
directories instead. As in the paper, the best run of the grid is reported per cell, picked by
in-distribution accuracy (held-out bin 1), then training accuracy. Outputs in ``DIR``:
``runs.csv`` (every run), ``table.md`` (verdict vs observed per language and cell, the paper's
numbers, the agreement rate: a cell agrees when the verdict is yes and bin-2 accuracy >= 90 %, or
no and < 90 %), ``figure.png`` and ``summary.json``. Presets: docs/training.md.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

from analyses.cli import add_common_args, run_main
from analyses.plugins import ENV_VAR, load_plugins
from analyses.reproduce_report import MATRIX_ABOVE, write_outputs  # noqa: F401 (re-exported)

__all__ = ["write_outputs", "build_parser", "main"]


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {n}")
    return n


def _names(text: str) -> list[str]:
    names = [x.strip() for x in text.split(",")]
    if not any(names) or not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got {text!r}")
    return names


def build_parser() -> argparse.ArgumentParser:
    from ssm.experiments import CELLS, EXECUTORS, PRESETS

    p = argparse.ArgumentParser(prog="python -m analyses.reproduce", description=__doc__.split("\n")[0])
    p.add_argument("--suite", default="paper", help="language suite (default: paper)")
    p.add_argument("--quick", action="store_true", help="CPU-sized preset (see docs/training.md)")
    p.add_argument("--preset", choices=PRESETS, default=None,
                   help="flip-flop, Dyck(8, 10), or cpu_grid (every family on the whole suite at "
                        "one CPU budget) instead of the suite's default grid (default: none)")
    p.add_argument("--languages", type=_names, default=None,
                   help="comma-separated subset of the languages (default: the preset's)")
    p.add_argument("--cells", type=_names, default=None,
                   help=f"comma-separated cells: {', '.join(CELLS)}, or ARCH[-GATE]-L<layers> for "
                        "any registered architecture (default: the preset's)")
    p.add_argument("--seeds", type=_positive, default=1, help="seeds per grid point (default: 1)")
    p.add_argument("--jobs", type=_positive, default=1, help="parallel local jobs (default: 1)")
    p.add_argument("--threads", type=_positive, default=1, help="torch threads per job (default: 1)")
    p.add_argument("--executor", choices=EXECUTORS, default="local", help="default: local")
    p.add_argument("--ray-address", default=None, help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="config override applied to every job; JSON values, bare strings "
                        "allowed (repeatable)")
    p.add_argument("--rerun", action="store_true",
                   help="train jobs whose directory holds another config into fresh directories")
    p.add_argument("--estimate", action="store_true",
                   help="print how long the grid would take (from measured per-run times) and exit")
    p.add_argument("--check-disagreements", action="store_true",
                   help="after the sweep, rerun every disagreeing yes cell's best run at width 64 "
                        "and with 3x the epochs (under OUT/checks/) and report what they show")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--quiet", action="store_true", help="no per-run log lines")
    return add_common_args(p)


def body(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import os

    from ssm.experiments import build_jobs, estimate_grid, format_estimate, get_preset, run_jobs

    preset = get_preset(args.suite, args.quick, args.preset)
    jobs = build_jobs(preset, languages=args.languages, cells=args.cells, seeds=args.seeds,
                      overrides=args.overrides)
    out = Path(args.out)
    if args.estimate:
        print(format_estimate(estimate_grid(jobs, out, args.jobs if args.executor == "local" else 1)))
        return 0
    log = (lambda s: None) if args.quiet else (lambda s: print(s, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    env = {ENV_VAR: os.environ[ENV_VAR]} if os.environ.get(ENV_VAR) else {}
    rows = run_jobs(jobs, out, n_jobs=args.jobs, threads=args.threads, executor=args.executor,
                    ray_address=args.ray_address, log=log, rerun=args.rerun,
                    initializer=load_plugins, env=env)
    out.mkdir(parents=True, exist_ok=True)
    checks = None
    if args.check_disagreements:
        from ssm.experiments.followup import run_checks

        checks = run_checks(rows, jobs, out, log=log, n_jobs=args.jobs, threads=args.threads,
                            executor=args.executor, ray_address=args.ray_address,
                            rerun=args.rerun, initializer=load_plugins, env=env)
    summary = write_outputs(rows, out, preset, "python -m analyses.reproduce " + " ".join(argv),
                            checks=checks)
    a = summary["agreement"]
    rate = "n/a" if a["rate"] is None else f"{100 * a['rate']:.1f}%"
    m = summary["agreement_majority"]
    mrate = "n/a" if m["rate"] is None else f"{100 * m['rate']:.1f}%"
    print(f"{len(rows)} runs ({summary['n_failed']} failed) in {time.perf_counter() - t0:.0f}s; "
          f"agreement {a['agree']}/{a['agree'] + a['disagree']} ({rate}), {a['undecided']} undecided; "
          + (f"by majority of {args.seeds} seeds {m['agree']}/{m['agree'] + m['disagree']} ({mrate}); "
             if args.seeds > 1 else "")
          + f"wrote {out}/runs.csv, table.md, figure.png")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_main(lambda args: body(args, argv), build_parser, argv)


if __name__ == "__main__":
    sys.exit(main())
