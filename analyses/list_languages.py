"""List the registered languages: one name per line, or ``--json`` for details.

    python -m analyses.list_languages [--json] [--group star-free|non-star-free|counter]
"""
from __future__ import annotations

import argparse
import json
import sys

from analyses.cli import add_common_args, run_main
from automata.languages import get_language, list_languages


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analyses.list_languages",
                                description="List the registered languages.")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of objects (name, alphabet, kind, paper group, ...)")
    p.add_argument("--group", choices=["star-free", "non-star-free", "counter"],
                   help="only the paper's languages of this group")
    return add_common_args(p)


def main(argv=None) -> int:
    def body(args):
        names = list_languages(group=args.group)
        if args.json:
            json.dump([get_language(n).to_dict() for n in names], sys.stdout, indent=1)
            sys.stdout.write("\n")
        else:
            sys.stdout.write("".join(n + "\n" for n in names))
        return 0

    return run_main(body, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
