"""Probe a trained model's hidden states for the automaton's state (docs/probing.md).

    python -m analyses.probe RUN_DIR [--sites S ...] [--targets T ...] --out DIR [--json]
        [--seed 0] [--n-strings 1000] [--long-factor 4] [--no-controls] [--no-untrained]
        [--no-causal] [--no-interchange] [--interchange-pairs 100] [--mdl] [--inlp] [--mlp]
        [--max-features 256] [--threads 1] [--quiet] [--debug]
    python -m analyses.probe --runs RUN_DIR RUN_DIR ... --out DIR [--overwrite] [options above]
    python -m analyses.probe --calibrate LANGUAGE --out DIR [--json] [--seed 0]
    python -m analyses.probe --compare REPORT_DIR [REPORT_DIR ...] --out DIR [--targets state]

RUN_DIR is a directory written by ``python -m analyses.train`` (``config.json``,
``checkpoint.pt``). Probing strings are sampled afresh (seed ``--seed``) from the run's training
distribution, in its training length range and in doubling bins up to ``--long-factor`` times
its longest training length. Every capture site (default: all) and target (default: all that
apply) is probed with the protocol, beside the majority / position / k-gram baselines, the same
architecture untrained, and the control task, random-DFA and shuffled-label controls; the
causal checks are interchange interventions on every layer's recurrent state (the headline)
and the mean-ablation of the ``state`` probe's subspace at every ``layers.{i}.out`` site;
``--mdl`` adds online-code MDL and ``--inlp`` iterative nullspace projection. ``--runs``
probes several seeds of one setup (or a reproduce directory holding them) and aggregates
mean and 95 % interval over seeds into ``OUT/seeds.md`` / ``seeds.json``. The
report (markdown, JSON, plots, weights, predictions, splits) goes to ``--out``; the same
command reproduces the same ``report.json`` on CPU.

With ``--json`` one object is printed: ``{"language", "model", "out", "sites": [{"site",
"layer", "target", "accuracy", "nonlocal_accuracy", "unseen_prefix_accuracy",
"untrained_accuracy", "control_accuracy", "selectivity", "by_bin", ...}], "baselines",
"causal", "interchange", "mdl", "inlp"}``. ``--calibrate LANGUAGE`` runs the model-free pipeline calibration instead;
``--compare`` puts existing reports side by side (best site per run, e.g. a star-free and a
non-star-free language for each architecture).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from analyses.checks import require_numbers
from analyses.cli import add_common_args, run_main

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.probe", description=__doc__.split("\n")[0])
    p.add_argument("run_dir", nargs="?", help="training run directory (config.json, checkpoint.pt)")
    p.add_argument("--runs", nargs="+", metavar="RUN_DIR",
                   help="probe several runs of one setup (seeds; or a reproduce directory "
                        "holding them) into OUT/<run name>/ and aggregate mean and interval "
                        "over seeds into OUT/seeds.md and seeds.json")
    p.add_argument("--overwrite", action="store_true",
                   help="with --runs: probe a run again even if OUT/<run name>/report.json exists")
    p.add_argument("--calibrate", metavar="LANGUAGE",
                   help="run the model-free pipeline calibration on LANGUAGE instead")
    p.add_argument("--compare", nargs="+", metavar="REPORT_DIR",
                   help="write a side-by-side comparison of existing report directories instead")
    p.add_argument("--out", required=True, help="output directory for the report")
    p.add_argument("--sites", nargs="+", help="capture sites (default: all the model offers)")
    p.add_argument("--targets", nargs="+",
                   help="targets: state monoid membership next bit counterN (default: all that apply)")
    p.add_argument("--seed", type=int, default=0, help="probe, split and sampling seed (default 0)")
    p.add_argument("--n-strings", type=int, default=1000,
                   help="strings per length bin, at most (default 1000)")
    p.add_argument("--max-positions", type=int, default=60_000,
                   help="about this many positions per length bin, at most (default 60000)")
    p.add_argument("--long-factor", type=int, default=4,
                   help="longest bin = this times the longest training length (default 4)")
    p.add_argument("--control-k", type=int, default=3, help="control task context (default 3)")
    p.add_argument("--no-controls", action="store_true", help="skip the three controls")
    p.add_argument("--no-untrained", action="store_true", help="skip the untrained-model baseline")
    p.add_argument("--no-causal", action="store_true", help="skip the causal ablation check")
    p.add_argument("--no-interchange", action="store_true",
                   help="skip the interchange interventions (the headline causal check)")
    p.add_argument("--interchange-pairs", type=int, default=100,
                   help="interchange base/source pairs per length bin and layer (default 100)")
    p.add_argument("--mdl", action="store_true",
                   help="also compute online-code MDL of the state target (Voita & Titov 2020)")
    p.add_argument("--inlp", action="store_true",
                   help="also run iterative nullspace projection at layers.{i}.out sites "
                        "(Ravfogel et al. 2020), with the model's accuracy along the way")
    p.add_argument("--mlp", action="store_true", help="also fit the MLP probe (secondary check)")
    p.add_argument("--max-features", type=int, default=256,
                   help="randomly project wider sites to this many features (default 256)")
    p.add_argument("--backend", choices=("auto", "sklearn", "torch"), default="auto",
                   help="linear probe solver (default: scikit-learn up to 1e5 rows, torch above)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return add_common_args(p)


def _calibrate(args: argparse.Namespace) -> int:
    from automata.languages import get_language
    from probing.calibration import calibrate
    from probing.report import write_calibration

    lang = get_language(args.calibrate)
    res = calibrate(lang, seed=args.seed, long_factor=args.long_factor)
    files = write_calibration(res, args.out)
    d = res.to_dict()
    if args.json:
        print(json.dumps({**d, "out": args.out}))
    elif not args.quiet:
        print(Path(files["calibration.md"]).read_text(), end="")
    return 0 if all(d["passed"].values()) else 1


def body(args: argparse.Namespace) -> int:
    import torch

    require_numbers(args, at_least_1=["n_strings", "max_positions", "long_factor", "max_features",
                                      "control_k", "threads", "interchange_pairs"],
                    at_least_0=["seed"])
    torch.set_num_threads(args.threads)
    if args.compare:
        if args.run_dir or args.calibrate:
            raise ValueError("--compare takes report directories only, no RUN_DIR or --calibrate")
        from probing.report import write_comparison

        target = args.targets[0] if args.targets else "state"
        files = write_comparison(args.compare, args.out, target)
        if args.json:
            print(Path(files["comparison.json"]).read_text().strip())
        elif not args.quiet:
            print(Path(files["comparison.md"]).read_text(), end="")
        return 0
    if args.calibrate:
        if args.run_dir:
            raise ValueError("give either RUN_DIR or --calibrate LANGUAGE, not both")
        return _calibrate(args)
    if args.runs and args.run_dir:
        raise ValueError("give either RUN_DIR or --runs, not both")
    if not args.run_dir and not args.runs:
        raise ValueError("RUN_DIR is required (or --runs, --calibrate LANGUAGE)")
    if args.runs:
        return _over_seeds(args)
    report = _probe_one(args, args.run_dir, args.out)
    if args.json:
        keep = ("site", "layer", "target", "accuracy", "accuracy_ci", "nonlocal_accuracy",
                "nonlocal_accuracy_ci", "far_accuracy",
                "unseen_prefix_accuracy", "untrained_accuracy", "untrained_nonlocal_accuracy",
                "untrained_far_accuracy",
                "control_accuracy", "selectivity", "random_dfa_accuracy", "shuffled_accuracy",
                "by_bin")
        from probing.report import dumps

        print(json.dumps(json.loads(dumps({
            "language": report["language"], "model": report["model"], "out": args.out,
            "sites": [{k: r[k] for k in keep} for r in report["sites"]],
            "baselines": {t: {n: {"accuracy": b["accuracy"], "nonlocal_accuracy": b["nonlocal_accuracy"]}
                              for n, b in bs.items()} for t, bs in report["baselines"].items()},
            "causal": report["causal"], "interchange": report.get("interchange", []),
            "mdl": report.get("mdl", []), "inlp": report.get("inlp", [])}))))
    elif not args.quiet:
        print(f"report written to {args.out}/report.md")
    return 0


def _over_seeds(args: argparse.Namespace) -> int:
    from probing.seeds import expand_runs, write_aggregate

    runs = expand_runs(args.runs)
    names = [r.name for r in runs]
    if len(set(names)) != len(names):
        names = [f"run{i}_{n}" for i, n in enumerate(names)]
    dirs = []
    for run_dir, name in zip(runs, names):
        out = Path(args.out) / name
        if args.overwrite or not (out / "report.json").is_file():
            _probe_one(args, run_dir, out)
        dirs.append(out)
    agg = write_aggregate(dirs, args.out)
    if args.json:
        from probing.report import dumps

        print(dumps(agg))
    elif not args.quiet:
        print(f"{agg['n_seeds']} runs aggregated into {args.out}/seeds.md")
    return 0


def _probe_one(args: argparse.Namespace, run_dir, out) -> dict:
    from probing.pipeline import ProbeOptions, load_run, run_probing
    from probing.report import write_report

    t0 = time.perf_counter()
    run = load_run(run_dir)
    opts = ProbeOptions(sites=tuple(args.sites) if args.sites else None,
                        targets=tuple(args.targets) if args.targets else None, seed=args.seed,
                        n_strings=args.n_strings, max_positions_per_bin=args.max_positions,
                        long_factor=args.long_factor, controls=not args.no_controls,
                        control_k=args.control_k, untrained=not args.no_untrained,
                        mlp=args.mlp, causal=not args.no_causal, max_features=args.max_features,
                        backend=args.backend, interchange=not args.no_interchange,
                        interchange_pairs=args.interchange_pairs, mdl=args.mdl, inlp=args.inlp)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        n_sites = len(opts.sites) if opts.sites else len(run.model.capture_sites())
        from probing.targets import available_targets

        n_t = len(opts.targets) if opts.targets else len(available_targets(run.language))
        bar = tqdm(total=n_sites * n_t, desc="probing", unit="probe", file=sys.stderr,
                   disable=None)

    def progress(msg: str) -> None:
        if bar is not None:
            bar.set_postfix_str(msg)
            bar.update(1)

    try:
        report, saved = run_probing(run, opts, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    write_report(report, saved, out, timing={"seconds": round(time.perf_counter() - t0, 2)},
                 plots=not args.no_plots)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
