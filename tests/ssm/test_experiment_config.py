"""ExperimentConfig: documented defaults, type-checked dotted overrides, JSON round trip."""
from __future__ import annotations

import json

import pytest

from ssm.config import ModelConfig
from ssm.errors import ConfigError
from automata.languages import get_language
from ssm.train import resolve_config
from ssm.experiment_config import (DataConfig, ExperimentConfig, TrainConfig, apply_overrides,
                                   load_config, parse_override, parse_value, save_config)


def test_defaults_are_the_documented_ones():
    cfg = ExperimentConfig()
    assert (cfg.train.lr, cfg.train.weight_decay, cfg.train.batch_size) == (1e-3, 0.1, 32)
    assert cfg.train.early_stop is True and cfg.train.max_epochs == 50
    assert (cfg.data.n_train, cfg.data.n_eval) == (10_000, 2_000)
    assert cfg.data.eval_bins == ((1, 50), (51, 100), (101, 150))
    assert cfg.data.task_options == {}
    ff = resolve_config(ExperimentConfig(language="flip_flop"), get_language("flip_flop"))
    assert ff.data.task_options == {"length": 512, "p_ignore": 0.8, "eval_p_ignore": [0.8, 0.98],
                                    "eval_reads": 10_000}
    assert ff.model.max_len >= 512 and ff.task == "flip_flop"
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
    with pytest.raises(ConfigError, match="p_ignore must lie in"):
        ExperimentConfig(task="flip_flop", data=DataConfig(task_options={"p_ignore": 1.0}))
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


def test_set_parser_fuzz(request):
    """Any text either applies or raises a one-line ConfigError; nothing else escapes
    (300 examples, a few seconds; 5,000 under --runslow)."""
    from hypothesis import given, settings, strategies as st

    keys = st.sampled_from(["train.lr", "data.n_train", "model.gate", "model.options.x",
                            "data.eval_bins", "train.early_stop", "language", "model.dt_rank",
                            "task", "model", "x.y", "", "model.vocab_size"])
    values = st.one_of(st.text(max_size=30), st.sampled_from(
        ["1", "-1", "0", "1e309", "NaN", "[]", "[[1, 2]]", "{}", "true", "null", '"s"',
         "[[1, 2], [2]]", "{\"a\": 1}", "[" * 50]))

    n = 5000 if request.config.getoption("--runslow") else 300

    @settings(max_examples=n, deadline=None, database=None)
    @given(key=keys, value=values, sep=st.sampled_from(["=", "", "=="]))
    def check(key, value, sep):
        try:
            apply_overrides(ExperimentConfig(), [f"{key}{sep}{value}"])
        except ConfigError as e:
            assert "\n" not in str(e).strip()

    check()


@pytest.mark.parametrize("old, new", [("flip_flop_length", "length"), ("p_ignore", "p_ignore"),
                                      ("eval_p_ignore", "eval_p_ignore"),
                                      ("eval_reads", "eval_reads")])
def test_flip_flop_fields_moved_to_task_options(old, new):
    """The flip-flop parameters are the flip_flop task's options; the old keys say where they went."""
    want = f"config key 'data.{old}' moved to 'data.task_options.{new}'"
    with pytest.raises(ConfigError, match=want):
        apply_overrides(ExperimentConfig(language="flip_flop"), [f"data.{old}=64"])
    d = ExperimentConfig(language="flip_flop").to_dict()
    d["data"][old] = 64
    with pytest.raises(ConfigError, match=want):
        ExperimentConfig.from_dict(d)


def test_task_options_are_checked_against_the_task():
    cfg = apply_overrides(ExperimentConfig(language="flip_flop"), ["data.task_options.length=32"])
    assert resolve_config(cfg, get_language("flip_flop")).data.task_options["length"] == 32
    for item, words in (("data.task_options.lenght=32", "task 'flip_flop' has no option 'lenght'"),
                        ("data.task_options.length=31", "must be an even integer >= 2"),
                        ("data.task_options.eval_p_ignore=[]", "must be a non-empty list")):
        bad = apply_overrides(ExperimentConfig(language="flip_flop"), [item])  # task "auto"
        with pytest.raises(ConfigError, match=words):
            resolve_config(bad, get_language("flip_flop"))
        with pytest.raises(ConfigError, match=words):        # an explicit task checks at once
            apply_overrides(ExperimentConfig(language="flip_flop", task="flip_flop"), [item])
    with pytest.raises(ConfigError, match="task 'char' has no option 'length'"):
        resolve_config(apply_overrides(ExperimentConfig(), ["data.task_options.length=32"]),
                       get_language("parity"))
