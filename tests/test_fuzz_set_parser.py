"""Fuzzing the ``--set KEY=VALUE`` parser (issue 17): any override text is applied or raises
the package's own :class:`~ssm.errors.ConfigError` (one line), and an accepted configuration
survives its JSON round trip.

Fixed budget (well under a minute); ``--runslow`` runs ten times more examples.
"""
from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm.errors import ConfigError
from ssm.experiment_config import ExperimentConfig, apply_overrides, parse_value

SCALE = 10 if "--runslow" in sys.argv else 1
FUZZ = settings(max_examples=300 * SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

KEYS = st.sampled_from([
    "train.lr", "train.seed_data", "train.early_stop", "train.device", "data.n_train",
    "data.eval_bins", "data.task_options", "data.task_options.length", "data.flip_flop_length",
    "model.width", "model.gate", "model.arch", "model.options", "model.options.hidden",
    "model.dt_rank", "model.vocab_size", "language", "task", "language_def", "train",
    "train.lr.x", "", ".", "model..width", "optim.lr"])
VALUES = st.one_of(
    st.sampled_from(["1", "0", "-1", "3e-4", "nan", "Infinity", "-inf", "1e999", "true", "none",
                     "[]", "[[1, 5], [6, 9]]", "[[5, 1]]", '{"a": 1, "a": 2}', '{"regex": "a*"}',
                     "signed", "lstm", "flip_flop", "cpu", "tpu", '"x y"', "[1,", "9" * 5000,
                     "[" * 3000 + "]" * 3000, "\x00", "é", " "]),
    st.text(max_size=20))


def _apply(items):
    try:
        return apply_overrides(ExperimentConfig(), items)
    except ConfigError as e:
        assert "\n" not in str(e) and str(e)
        return None


@FUZZ
@given(st.lists(st.tuples(KEYS, VALUES), max_size=4))
def test_any_override_applies_or_raises_config_error(pairs):
    cfg = _apply([f"{k}={v}" for k, v in pairs])
    if cfg is not None:
        assert ExperimentConfig.from_dict(cfg.to_dict()) == cfg


@FUZZ
@given(st.text(max_size=40))
def test_any_text_is_an_override_or_a_config_error(text):
    _apply([text])


@FUZZ
@given(VALUES)
def test_parse_value_returns_json_or_raises_config_error(text):
    try:
        parse_value(text)
    except ConfigError:
        pass


def test_found_by_fuzzing():
    """Escapes the fuzzer found: a 5,000-digit integer (ValueError from int()), an overflowing
    float (inf passed ``lr > 0``) and NaN."""
    import pytest

    for item, words in (("train.lr=" + "9" * 5000, "Exceeds the limit"),
                        ("train.lr=1e999", "train.lr must be a finite number"),
                        ("train.lr=NaN", "NaN is not a finite number"),
                        ("data.task_options.length=Infinity", "Infinity is not a finite number")):
        with pytest.raises(ConfigError, match=words):
            apply_overrides(ExperimentConfig(), [item])
