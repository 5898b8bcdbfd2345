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


def test_broken_pipe_exits_quietly(capsys):
    def body(args):
        raise BrokenPipeError(32, "Broken pipe")

    assert run_main(body, _parser(), []) == 141
    assert capsys.readouterr().err == ""


def test_interrupts_exit_128_plus_signal(capsys):
    from ssm.train import Interrupted

    def sigterm(args):
        raise Interrupted(15)

    assert run_main(sigterm, _parser(), []) == 143
    assert run_main(lambda a: (_ for _ in ()).throw(KeyboardInterrupt()), _parser(), []) == 130


def test_deep_input_is_one_line(capsys):
    def body(args):
        raise RecursionError("maximum recursion depth exceeded")

    assert run_main(body, _parser(), []) == 1
    assert capsys.readouterr().err == "prog: error: input is nested too deeply\n"


def test_parser_factory_is_built_after_plugins(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SSM_EXPRESSIVITY_PLUGINS", raising=False)
    plugin = tmp_path / "arch_plugin_for_cli.py"
    plugin.write_text("from torch import nn\n"
                      "from ssm.architectures import register_architecture\n"
                      "register_architecture('cli_identity', lambda cfg: nn.Identity(), "
                      "family='lstm', overwrite=True)\n")
    seen = []

    def factory():
        from ssm.architectures import list_architectures

        seen.append("cli_identity" in list_architectures())
        return _parser()

    assert run_main(lambda a: 0, factory, ["--plugin", str(plugin)]) == 0
    assert seen == [True]
    from ssm.architectures import unregister_architecture

    unregister_architecture("cli_identity")


def test_sigterm_checkpoints_exits_143_and_resumes(tmp_path):
    """A real SIGTERM during training: checkpoint, exit 143; the rerun says where it resumes."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "analyses.train", "parity", "--layers", "1", "--width", "8",
           "--set", "model.d_state=2", "--set", "data.n_train=64", "--set", "data.n_eval=4",
           "--set", "data.train_max_length=8", "--set", "data.eval_bins=[[1,8]]",
           "--set", "train.max_epochs=100000", "--set", "train.early_stop=false",
           "--set", "train.batch_size=8", "--set", "train.checkpoint_every=10000",
           "--out", str(out), "--quiet"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("SSM_EXPRESSIVITY_PLUGINS", None)
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (out / "checkpoint.pt").exists() and time.time() < deadline:  # after epoch 1
            time.sleep(0.2)
        assert (out / "checkpoint.pt").exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 143
    finally:
        if proc.poll() is None:
            proc.kill()
    proc2 = subprocess.run([*cmd[:-3], "--set", "train.max_epochs=1", *cmd[-3:]], cwd=root, env=env,
                           capture_output=True, text=True, timeout=120)
    # another max_epochs is another config: refused, naming the key
    assert proc2.returncode == 1 and "differs in: train.max_epochs" in proc2.stderr
    with subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True) as proc3:
        try:
            line = proc3.stderr.readline()
            assert line.startswith("resuming from step ") and int(line.split()[-1]) > 0
        finally:
            proc3.terminate()
            assert proc3.wait(timeout=60) in (143, -15)  # -15: before the handler was set
