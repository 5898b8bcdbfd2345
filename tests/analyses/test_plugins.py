"""Plugins: a language, a task and an architecture from user files reach every command."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyses import probe, train
from analyses.plugins import ENV_VAR, PluginError, load_plugin, plugin_args

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "tests" / "plugins"
TINY = ["--layers", "1", "--width", "8", "--set", "data.n_train=48", "--set", "data.n_eval=8",
        "--set", "data.train_max_length=8", "--set", "data.eval_bins=[[1,8],[9,12]]",
        "--set", "train.max_epochs=2", "--set", "train.batch_size=16", "--json", "--quiet"]


@pytest.fixture(autouse=True)
def _own_plugin_env(monkeypatch):
    """Plugins loaded here are recorded in the environment; restore it after each test."""
    monkeypatch.delenv(ENV_VAR, raising=False)


def test_plugin_language_and_architecture_train_and_probe(tmp_path, capsys):
    plug = ["--plugin", str(PLUGINS / "toy_language.py"), "--plugin", str(PLUGINS / "toy_arch.py")]
    assert train.main(["no_bb", "--model", "toy_rnn", *plug, "--out", str(tmp_path / "run"), *TINY]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["language"] == "no_bb" and r["family"] == "ssm_nonnegative"
    assert probe.main([str(tmp_path / "run"), *plug, "--out", str(tmp_path / "probe"), "--json",
                       "--quiet", "--n-strings", "30", "--max-positions", "400", "--targets",
                       "state", "--sites", "layers.0.out", "--no-plots", "--no-causal",
                       "--no-controls", "--no-untrained"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["sites"][0]["site"] == "layers.0.out" and 0 <= d["sites"][0]["accuracy"] <= 1


def test_plugins_reach_a_fresh_process_through_the_environment(tmp_path):
    """Workers of reproduce --jobs N (spawned) see what the parent loaded."""
    load_plugin(str(PLUGINS / "toy_language.py"))
    assert str((PLUGINS / "toy_language.py").resolve()) in os.environ[ENV_VAR]
    code = ("from analyses.plugins import load_plugins; load_plugins(); "
            "from automata import get_language; print(get_language('no_bb').accepts('abab'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ}, timeout=120)
    assert out.stdout.strip() == "True", out.stderr


def test_plugin_errors_are_one_line(tmp_path, capsys):
    bad = tmp_path / "bad_plugin.py"
    bad.write_text("raise RuntimeError('broken\\nsecond line')\n")
    with pytest.raises(PluginError, match="cannot load plugin .*RuntimeError: broken$"):
        load_plugin(str(bad))
    assert train.main(["parity", "--plugin", "no_such_module_xyz"]) == 1
    err = capsys.readouterr().err
    assert "cannot load plugin no_such_module_xyz" in err and err.count("\n") == 1
    assert plugin_args(["--plugin=a", "x", "--plugin", "b"]) == ["a", "b"]
