"""Write a length-binned dataset of a registered language as JSON lines.

    python -m analyses.make_dataset LANGUAGE --out DIR [--seed 0] [--n-train 10000]
        [--n-test 2000] [--train-lengths 1-50] [--bins 51-100,101-150] [--with-nonmembers]
        [--uniform] [--param p_ignore=0.98] [--overwrite] [--max-length N] [--max-positions N]

Writes ``DIR/train.jsonl``, ``DIR/bin_<lo>_<hi>.jsonl`` per bin and ``DIR/meta.json``, all at
once: into a temporary sibling that then replaces ``DIR``, so no file of an earlier dataset
survives. Everything is validated before any work: the arguments, the output directory (a
directory holding a dataset is replaced only with ``--overwrite``; one holding other files is
refused) and the size (longest string ``--max-length``, labelled positions ``--max-positions``).
"""
from __future__ import annotations

import argparse
import sys

from analyses.checks import UsageError, require_numbers
from analyses.cli import add_common_args, add_language_args, language_from_args, run_main
from automata.dataset import check_dataset_budget, check_output_dir, make_dataset
from automata.languages import resolve_language


def parse_range(text: str) -> tuple[int, int]:
    """``"51-100"`` -> ``(51, 100)``; a single number ``"7"`` -> ``(7, 7)``."""
    parts = text.strip().split("-")
    try:
        if any(len(p.strip()) > 12 for p in parts):      # no 5000-digit int() conversions
            raise ValueError
        nums = [int(p) for p in parts]
    except ValueError:
        raise UsageError(f"bad length range {text!r}: expected LO-HI, e.g. 51-100") from None
    if len(nums) == 1:
        nums = nums * 2
    if len(nums) != 2 or nums[0] < 0 or nums[0] > nums[1]:
        raise UsageError(f"bad length range {text!r}: expected LO-HI with 0 <= LO <= HI")
    return nums[0], nums[1]


def parse_param(text: str) -> tuple[str, float]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"bad --param {text!r}: expected NAME=NUMBER")
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"bad --param {text!r}: {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise UsageError(f"bad --param {text!r}: {value!r} is not a finite number")
    return key, number


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.make_dataset",
                                description="Sample a dataset with per-position labels.")
    p.add_argument("language", nargs="?", default=None,
                   help="registered name or alias (python -m analyses.list_languages); or --regex/--dfa")
    add_language_args(p)
    p.add_argument("--out", required=True,
                   help="output directory: new or empty, or a dataset to replace with --overwrite")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the dataset already in --out (never other files)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--n-train", type=int, default=10_000, help="training strings (default 10000)")
    p.add_argument("--n-test", type=int, default=2_000, help="strings per test bin (default 2000)")
    p.add_argument("--max-length", type=int, default=None, metavar="N",
                   help="longest string allowed (default 20000, or $AUTOMATA_MAX_LENGTH)")
    p.add_argument("--max-positions", type=int, default=None, metavar="N",
                   help="labelled positions allowed, strings x length (default 5000000, or "
                        "$AUTOMATA_MAX_DATASET_POSITIONS)")
    p.add_argument("--train-lengths", default="1-50", help="LO-HI (default 1-50)")
    p.add_argument("--bins", default="51-100,101-150",
                   help="comma-separated LO-HI test bins (default 51-100,101-150; '' for none)")
    p.add_argument("--with-nonmembers", action="store_true",
                   help="half of every split are uniformly random non-members")
    p.add_argument("--uniform", action="store_true",
                   help="exact uniform sampling even where the language has its own sampler")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="sampler parameter, e.g. p_ignore=0.98 for flip_flop (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return add_common_args(p)


def main(argv=None) -> int:
    def body(args):
        train = parse_range(args.train_lengths)
        items = args.bins.split(",") if args.bins.strip() else []
        if any(not b.strip() for b in items):
            raise UsageError(f"bad --bins {args.bins!r}: an empty bin (use '' for no bins)")
        bins = [parse_range(b) for b in items]
        require_numbers(args, at_least_1=["max_length", "max_positions", "n_train"],
                        at_least_0=["seed"])
        if args.n_test < 1 and bins:
            raise UsageError(f"--n-test must be at least 1, got {args.n_test} "
                             "(use --bins '' for no test bins)")
        check_dataset_budget(train, bins, args.n_train, args.n_test, max_length=args.max_length,
                             max_positions=args.max_positions,
                             options=("--max-length N", "--max-positions N"))
        check_output_dir(args.out, overwrite=args.overwrite)
        name, definition = language_from_args(args, args.language)
        lang = resolve_language(definition or name)
        params = dict(parse_param(t) for t in args.param)
        unknown = sorted(set(params) - set(lang.sampler_defaults))
        if unknown:
            raise UsageError(f"{lang.name} has no sampler parameter(s) {unknown}; "
                             f"known: {sorted(lang.sampler_defaults) or 'none'}")

        def progress(msg):
            if not args.quiet:
                print(msg, file=sys.stderr, flush=True)

        ds = make_dataset(lang, train_lengths=train, test_bins=bins, n_train=args.n_train,
                          n_test=args.n_test, seed=args.seed, members_only=not args.with_nonmembers,
                          uniform=args.uniform, progress=progress, max_length=args.max_length,
                          max_positions=args.max_positions, **params)
        paths = ds.write_jsonl(args.out, overwrite=args.overwrite)
        sizes = ", ".join(f"{k} {v}" for k, v in ds.sizes().items())
        print(f"wrote {len(ds)} strings of {lang.name} ({sizes}) to {args.out} "
              f"({len(paths)} files)")
        return 0

    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
