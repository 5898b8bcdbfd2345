"""Extract the finite automaton a trained model runs and compare it with the minimal DFA.

    python -m analyses.extract RUN_DIR [--site S] [--method cluster|lstar] --out DIR [--json]
        [--seed 0] [--n-strings 300] [--max-positions 8000] [--long-factor 4]
        [--ks 2 3 4 ...] [--max-states 64] [--max-rounds 50] [--no-plot] [--quiet]

RUN_DIR is a directory written by ``python -m analyses.train``. ``cluster`` quantizes the
states of site S (default: the last block's output) with k-means, k chosen on held-out
agreement with the model, transitions by majority, outputs from the model's own predictions,
then minimizes. ``lstar`` runs Angluin's L* with the model as membership oracle and
equivalence by sampling at 1x-4x the training length. The report says whether the result
equals the language's minimal DFA (and if not, a shortest word where they differ), its purity
and its agreement with the model and the language per length bin; ``automata.png`` draws both
automata side by side. With ``--json`` one object is printed: ``{site, method, states,
minimal_states, equals_minimal_dfa, counterexample, purity, agreement: [{min_length,
max_length, with_model, with_language, ...}], ...}``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from analyses.cli import add_common_args, run_main

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.extract",
                                description=__doc__.split("\n")[0])
    p.add_argument("run_dir", help="training run directory (config.json, checkpoint.pt)")
    p.add_argument("--site", help="capture site to quantize (cluster method; default: the "
                                  "last layers.{i}.out)")
    p.add_argument("--method", choices=("cluster", "lstar"), default="cluster",
                   help="cluster (quantize states) or lstar (Angluin's L*); default cluster")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=0, help="sampling, split and k-means seed")
    p.add_argument("--n-strings", type=int, default=300, help="strings per length bin, at most")
    p.add_argument("--max-positions", type=int, default=8000,
                   help="about this many positions per length bin, at most (default 8000)")
    p.add_argument("--long-factor", type=int, default=4,
                   help="longest bin = this times the longest training length (default 4)")
    p.add_argument("--ks", type=int, nargs="+", help="k-means grid (default 2 3 4 6 8 ... 64)")
    p.add_argument("--max-states", type=int, default=64, help="L* hypothesis size budget")
    p.add_argument("--max-rounds", type=int, default=50, help="L* equivalence rounds budget")
    p.add_argument("--max-features", type=int, default=256,
                   help="randomly project wider sites to this many features (default 256)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--no-plot", action="store_true", help="skip automata.png")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    return add_common_args(p)


def body(args: argparse.Namespace) -> int:
    for name in ("n_strings", "max_positions", "long_factor", "max_states", "max_rounds",
                 "max_features", "threads"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
    if args.ks is not None and min(args.ks) < 1:
        raise ValueError("--ks values must be at least 1")
    if args.site is not None and args.method == "lstar":
        raise ValueError("--site applies to the cluster method only (L* treats the model as a "
                         "black box)")
    import torch

    from probing.extraction_report import ExtractionOptions, run_extraction, write_extraction
    from probing.pipeline import load_run

    torch.set_num_threads(args.threads)
    run = load_run(args.run_dir)
    kw = {} if args.ks is None else {"ks": tuple(sorted(set(args.ks)))}
    opts = ExtractionOptions(method=args.method, site=args.site, seed=args.seed,
                             n_strings=args.n_strings, max_positions_per_bin=args.max_positions,
                             long_factor=args.long_factor, max_states=args.max_states,
                             max_rounds=args.max_rounds, max_features=args.max_features, **kw)
    report, automata = run_extraction(run, opts)
    files = write_extraction(report, automata, args.out, plot=not args.no_plot)
    if args.json:
        print(Path(files["extraction.json"]).read_text().strip())
    elif not args.quiet:
        print(Path(files["extraction.md"]).read_text(), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
