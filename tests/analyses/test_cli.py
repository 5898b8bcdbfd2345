"""analyses.cli: bad input is one line on stderr and exit 1; bugs keep their traceback."""
from __future__ import annotations

import argparse

import pytest

from analyses.cli import add_common_args, run_main
from automata.errors import UnknownLanguageError


def _parser():
    return add_common_args(argparse.ArgumentParser(prog="prog"))


def test_domain_error_is_one_line_exit_1(capsys):
    def body(args):
        raise UnknownLanguageError("unknown language 'partiy'; close matches: parity\nsecond line")

    assert run_main(body, _parser(), []) == 1
    err = capsys.readouterr().err
    assert err == "prog: error: unknown language 'partiy'; close matches: parity\n"


def test_missing_file_is_a_domain_error(capsys, tmp_path):
    def body(args):
        open(tmp_path / "nope.json").close()

    assert run_main(body, _parser(), []) == 1
    assert "No such file" in capsys.readouterr().err


def test_debug_reraises_and_bugs_are_not_swallowed():
    def domain(args):
        raise UnknownLanguageError("x")

    with pytest.raises(UnknownLanguageError):
        run_main(domain, _parser(), ["--debug"])

    def bug(args):
        return {}["missing"]

    with pytest.raises(KeyError):
        run_main(bug, _parser(), [])


def test_return_code_passes_through():
    assert run_main(lambda a: None, _parser(), []) == 0
    assert run_main(lambda a: 3, _parser(), []) == 3
