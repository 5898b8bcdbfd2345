"""CPU seconds of one run per cell of a reproduce preset (the table behind its time estimate).

    python -m benchmarks.grid_cost --preset cpu_grid --language tomita3 [--cells a,b] [--steps N]
        [--set KEY=VALUE ...] [--json]

Trains one job per cell (seed 0) with early stopping off, so every run takes the preset's whole
budget (an upper bound on a real run, which stops once the training set is solved), and reports
the process CPU time it took. With ``--steps N`` each run stops after N optimizer steps and the
full run is projected as ``cpu × full steps / N`` (the final evaluation is scaled too, so this
overestimates a little). CPU time rather than wall time: on a machine shared with other
jobs, wall time measures the neighbours; one torch thread per run, so CPU seconds are what one
free core would take. ``ssm.experiments.estimate.MEASURED_SECONDS`` holds the numbers.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

import torch

from analyses.cli import run_main
from ssm.experiments import build_jobs, get_preset
from ssm.experiments.estimate import key_of
from ssm.train import train


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.grid_cost", description=__doc__.split("\n")[0])
    p.add_argument("--preset", default="cpu_grid")
    p.add_argument("--language", default="tomita3")
    p.add_argument("--cells", default=None, help="comma-separated cells (default: the preset's)")
    p.add_argument("--steps", type=int, default=0, help="stop each run after N steps and project")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="config override for every job (repeatable)")
    p.add_argument("--json", action="store_true")
    return p


def body(args: argparse.Namespace) -> int:
    torch.set_num_threads(1)
    preset = get_preset("paper", False, args.preset)
    cells = args.cells.split(",") if args.cells else None
    if args.steps < 0:
        raise ValueError(f"--steps must be >= 0, got {args.steps}")
    extra = ("train.early_stop=false",) + ((f"train.max_steps={args.steps}",) if args.steps else ())
    jobs = build_jobs(preset, languages=[args.language], cells=cells,
                      overrides=(*args.overrides, *extra))
    out = {}
    for job in jobs:
        with tempfile.TemporaryDirectory() as d:
            t0, w0 = time.process_time(), time.perf_counter()
            res = train(job.config(), d, progress=False)
            cpu, wall = time.process_time() - t0, time.perf_counter() - w0
        cfg = job.config()
        full = -(-cfg.data.n_train // cfg.train.batch_size) * cfg.train.max_epochs
        proj = cpu * full / max(1, res.steps)
        out[job.cell.name] = {"key": list(key_of(job)), "cpu_s": round(cpu, 1),
                              "wall_s": round(wall, 1), "steps": res.steps,
                              "full_steps": full, "projected_cpu_s": round(proj, 1)}
        if not args.json:
            print(f"{job.cell.name}: {cpu:.1f} CPU s ({wall:.1f} s wall), {res.steps} steps; "
                  f"full run ({full} steps) ≈ {proj:.1f} CPU s", flush=True)
    if args.json:
        print(json.dumps(out, indent=1))
    return 0


def main(argv=None) -> int:
    return run_main(body, build_parser, list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
