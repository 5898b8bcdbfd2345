"""Train one model on one language and evaluate length generalization.

    python -m analyses.train LANGUAGE [--model mamba] [--gate nonnegative] [--layers 2]
        [--width 64] [--seed 0] [--task auto] [--out runs/NAME] [--set key=value ...]
        [--rerun] [--json] [--quiet] [--debug] [--plugin MODULE_OR_PATH.py]
    python -m analyses.train --regex PATTERN --alphabet SYMBOLS ...   (or --dfa FILE.json)

Defaults: Mamba with non-negative gates (the paper's model), 2 layers, width 64, seed 0 (used for
both ``train.seed_data`` and ``train.seed_init``), the task the language declares (flip-flop
and Dyck(K, h) declare theirs, everything else is character prediction; ``--task`` takes any
registered task), output directory ``runs/<language>-<model>-<gate>-L<layers>-W<width>-s<seed>``.
Every other setting is a field of :class:`ssm.experiment_config.ExperimentConfig` and can be
changed with ``--set`` (e.g. ``--set train.lr=3e-4 --set data.n_train=2000``); see
docs/training.md for the defaults. Re-running the same command resumes an interrupted run from
its last checkpoint, and returns the stored result of a finished one; a directory holding a run
of another configuration is refused with the keys that differ, unless ``--rerun``, which trains
into ``<out>-<hash>`` instead. Nothing is written before the whole configuration is valid.

With ``--json`` one JSON object is printed at the end::

    {"language", "model", "gate", "family", "layers", "width", "task", "train_string_accuracy",
     "bins": [{"split", "min_length", "max_length", "string_accuracy", "n_strings", ...}],
     "steps", "epochs", "seconds", "stopped", "out"}
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

import torch

from analyses.cli import add_common_args, add_language_args, language_from_args, run_main
from ssm.architectures import gates_of, get_architecture, list_architectures
from ssm.config import ModelConfig
from ssm.experiment_config import ExperimentConfig, TrainConfig, apply_overrides
from ssm.run_dir import fresh_run_dir
from ssm.tasks import list_tasks
from ssm.train import resolve_config, summarize, train

__all__ = ["build_parser", "config_from_args", "main"]



def build_parser() -> argparse.ArgumentParser:
    """The parser; ``--model``, ``--gate`` and ``--task`` choices come from the registries."""
    models = list_architectures()
    gates = list(dict.fromkeys(g for m in models for g in gates_of(m)))
    p = argparse.ArgumentParser(prog="python -m analyses.train", description=__doc__.split("\n")[0])
    p.add_argument("language", nargs="?", default=None,
                   help="registry name (see python -m analyses.list_languages); or use --regex/--dfa")
    p.add_argument("--model", choices=models, default="mamba",
                   help="registered architecture (default: mamba)")
    p.add_argument("--gate", choices=gates, default="nonnegative",
                   help="gate of the recurrence; ignored by gate-less architectures such as "
                        "lstm/transformer (default: nonnegative)")
    p.add_argument("--layers", type=int, default=2, help="number of blocks (default: 2)")
    p.add_argument("--width", type=int, default=64, help="model width d_model (default: 64)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed for both the data and the initialization (default: 0)")
    p.add_argument("--task", choices=["auto", *list_tasks()], default="auto",
                   help="registered task (default: auto, the one the language declares)")
    p.add_argument("--out", default=None,
                   help="run directory (default: runs/<language>-<model>-<gate>-L<layers>-W<width>-s<seed>)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config field, e.g. train.lr=3e-4; values are JSON, bare "
                        "strings allowed (repeatable)")
    p.add_argument("--rerun", action="store_true",
                   help="if --out holds a run of another config, train into <out>-<hash> instead")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return add_common_args(add_language_args(p))


def default_out(args: argparse.Namespace) -> Path:
    gate = args.gate if gates_of(args.model) else "na"
    return Path("runs") / f"{language_from_args(args, args.language)[0]}-{args.model}-{gate}-L{args.layers}-W{args.width}-s{args.seed}"


def config_from_args(args: argparse.Namespace):
    """The :class:`ExperimentConfig` an argument namespace describes (overrides applied last)."""
    name, definition = language_from_args(args, args.language)
    model = ModelConfig(arch=args.model, gate=args.gate, layers=args.layers, width=args.width,
                        positional="sinusoidal" if get_architecture(args.model).positional else "none")
    cfg = ExperimentConfig(language=name, language_def=definition, task=args.task, model=model,
                           train=TrainConfig(seed_data=args.seed, seed_init=args.seed))
    return apply_overrides(cfg, args.overrides)


def _fmt(x: float | None) -> str:
    return "n/a (empty split)" if x is None else f"{x:.4f}"


def _print_table(summary: dict[str, Any]) -> None:
    print(f"{summary['language']}  {summary['model']}/{summary['gate']}  layers={summary['layers']} "
          f"width={summary['width']}  steps={summary['steps']}  {summary['seconds']:.1f}s  "
          f"({summary['stopped']})")
    print(f"  train                string accuracy {_fmt(summary['train_string_accuracy'])}")
    for b in summary["bins"]:
        extra = f"  errors {b['n_errors']}/{b['n_positions']}"
        print(f"  {b['split']:<20} string accuracy {_fmt(b['string_accuracy'])}{extra}")
    print(f"  run directory: {summary['out']}")


def body(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    out = Path(args.out) if args.out else default_out(args)
    if args.rerun:
        out = fresh_run_dir(out, resolve_config(cfg, cfg.resolve_language()).to_dict())
    torch.set_num_threads(cfg.train.threads)
    result = train(cfg, out, progress=None if not args.quiet else False)
    summary = summarize(result, out)
    if args.json:
        print(json.dumps(summary))
    elif not args.quiet:
        _print_table(summary)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(body, build_parser, argv)


if __name__ == "__main__":
    sys.exit(main())
