"""ExperimentConfig: documented defaults, type-checked dotted overrides, JSON round trip."""
from __future__ import annotations

import json

import pytest

from ssm.config import ModelConfig
from ssm.errors import ConfigError
from ssm.experiment_config import (DataConfig, ExperimentConfig, TrainConfig, apply_overrides,
                                   load_config, parse_override, parse_value, save_config)


def test_defaults_are_the_documented_ones():
    cfg = ExperimentConfig()
    assert (cfg.train.lr, cfg.train.weight_decay, cfg.train.batch_size) == (1e-3, 0.1, 32)
    assert cfg.train.early_stop is True and cfg.train.max_epochs == 50
    assert (cfg.data.n_train, cfg.data.n_eval) == (10_000, 2_000)
    assert cfg.data.eval_bins == ((1, 50), (51, 100), (101, 150))
    assert (cfg.data.p_ignore, cfg.data.eval_p_ignore, cfg.data.eval_reads) == (0.8, (0.8, 0.98), 10_000)
    assert cfg.model == ModelConfig()


def test_overrides_are_typed_and_nested():
    cfg = apply_overrides(ExperimentConfig(), [
        "train.lr=3e-4", "train.early_stop=false", "data.n_train=12", "model.gate=signed",
        "data.eval_bins=[[1, 5], [6, 9]]", "model.dt_rank=none", "train.weight_decay=0",
        "language=tomita3"])
    assert cfg.train.lr == 3e-4 and cfg.train.early_stop is False and cfg.data.n_train == 12
    assert cfg.model.gate == "signed" and cfg.model.dt_rank is None
    assert cfg.data.eval_bins == ((1, 5), (6, 9))
    assert isinstance(cfg.train.weight_decay, float) and cfg.language == "tomita3"


@pytest.mark.parametrize("item, words", [
    ("train.lr=fast", "train.lr must be a number"),
    ("data.n_train=1.5", "data.n_train must be an integer"),
    ("train.early_stop=maybe", "train.early_stop must be true or false"),
    ("train.learning_rate=1", "unknown config key 'train.learning_rate'"),
    ("optim.lr=1", "unknown config key 'optim.lr'"),
    ("train=3", "is a section"),
    ("train.lr", "must look like key=value"),
    ("model.gate=negative", "unknown gate"),
    ("data.n_train=0", "data.n_train and data.n_eval must be >= 1"),
    ("data.eval_bins=[[5, 1]]", "empty"),
])
def test_bad_overrides_raise_one_line(item, words):
    with pytest.raises(ConfigError) as e:
        apply_overrides(ExperimentConfig(), [item])
    assert words in str(e.value) and "\n" not in str(e.value)


def test_round_trip_and_files(tmp_path):
    cfg = apply_overrides(ExperimentConfig(language="tomita5"), ["data.eval_bins=[[1, 3]]", "model.width=8"])
    d = cfg.to_dict()
    json.dumps(d)  # serializable
    assert ExperimentConfig.from_dict(d) == cfg
    save_config(cfg, tmp_path / "config.json", {"versions": {"torch": "x"}})
    assert load_config(tmp_path / "config.json") == cfg
    assert not list(tmp_path.glob("*.tmp"))
    d["train"]["momentum"] = 0.9
    with pytest.raises(ConfigError, match="unknown config key 'train.momentum'"):
        ExperimentConfig.from_dict(d)


def test_frozen_and_validated():
    cfg = ExperimentConfig()
    with pytest.raises(AttributeError):
        cfg.language = "x"  # type: ignore[misc]
    with pytest.raises(ConfigError):
        TrainConfig(lr=0)
    with pytest.raises(ConfigError):
        DataConfig(p_ignore=1.0)
    with pytest.raises(ConfigError):
        ExperimentConfig(task="sorting")


@pytest.mark.parametrize("name, task", [
    ("flip_flop", "flip_flop"), ("ffl", "flip_flop"), ("flipflop", "flip_flop"), ("FFL", "flip_flop"),
    ("dyck_8_10", "dyck"), ("Dyck_2_3", "dyck"), ("DYCK_3_5", "dyck"), ("dyck1", "char"),
    ("parity", "char"), ("Tomita-3", "char")])
def test_task_is_the_one_the_language_declares(name, task):
    """The bug of issue 11: aliases and other spellings resolved to "char"."""
    assert ExperimentConfig(language=name).resolved_task == task


def test_explicit_task_and_regex_language():
    assert ExperimentConfig(language="dyck_2_3", task="char").resolved_task == "char"
    cfg = ExperimentConfig(language="regex", language_def={"regex": "(ab)*", "alphabet": ["a", "b"]})
    assert cfg.resolved_task == "char" and cfg.resolve_language().accepts("abab")
    assert ExperimentConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize("item, words", [
    ("model.vocab_size=9", "model.vocab_size is derived from the language's alphabet"),
    ("model.n_outputs=9", "model.n_outputs is derived from the task"),
    ("train.seed_data=-1", "train.seed_data must be >= 0"),
    ('model.options={"a": 1, "a": 2}', "duplicate key 'a'"),
    ("model.options.hidden=3", "has no option 'hidden'"),
    ("task=sorting", "unknown task 'sorting'"),
])
def test_strict_overrides(item, words):
    with pytest.raises(ConfigError) as e:
        apply_overrides(ExperimentConfig(), [item])
    assert words in str(e.value) and "\n" not in str(e.value)


def test_values_are_json_with_bare_strings():
    assert parse_value("[1, 2]") == [1, 2] and parse_value("abc") == "abc"
    assert parse_value('"12"') == "12" and parse_value("null") is None
    cfg = apply_overrides(ExperimentConfig(), ['language="tomita3"', "train.device=cpu"])
    assert cfg.language == "tomita3" and cfg.train.device == "cpu"
    with pytest.raises(ConfigError, match="nested too deeply"):
        parse_value("[" * 100_000 + "]" * 100_000)


def test_set_parser_fuzz():
    """Any text either applies or raises a one-line ConfigError; nothing else escapes."""
    from hypothesis import given, settings, strategies as st

    keys = st.sampled_from(["train.lr", "data.n_train", "model.gate", "model.options.x",
                            "data.eval_bins", "train.early_stop", "language", "model.dt_rank",
                            "task", "model", "x.y", "", "model.vocab_size"])
    values = st.one_of(st.text(max_size=30), st.sampled_from(
        ["1", "-1", "0", "1e309", "NaN", "[]", "[[1, 2]]", "{}", "true", "null", '"s"',
         "[[1, 2], [2]]", "{\"a\": 1}", "[" * 50]))

    @settings(max_examples=300, deadline=None, database=None)
    @given(key=keys, value=values, sep=st.sampled_from(["=", "", "=="]))
    def check(key, value, sep):
        try:
            apply_overrides(ExperimentConfig(), [f"{key}{sep}{value}"])
        except ConfigError as e:
            assert "\n" not in str(e).strip()

    check()
