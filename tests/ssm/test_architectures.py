"""The architecture registry: families per gate or per option, options, duplicates, choices."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from ssm.architectures import (family_of, gates_of, get_architecture, list_architectures,
                               register_architecture, unregister_architecture)
from ssm.config import ModelConfig
from ssm.errors import ConfigError
from ssm.experiment_config import ExperimentConfig, apply_overrides
from ssm.model import build_model


@pytest.fixture
def householder_like():
    """A gate-less architecture whose family depends on an option, as DeltaNet's beta range."""
    def family(cfg):
        lo, hi = cfg.option("beta_range")
        return "lrnn_householder" if hi > 1 else "lrnn_householder_positive"

    register_architecture("test_delta", lambda cfg: nn.Identity(), family=family,
                          options={"beta_range": (0.0, 2.0)}, overwrite=True)
    yield
    unregister_architecture("test_delta")


def test_builtin_families_follow_the_contract():
    expect = {("mamba", "nonnegative"): "ssm_nonnegative", ("mamba", "signed"): "ssm_signed",
              ("mamba", "complex"): "ssm_complex", ("diagonal", "time_invariant"): "ssm_time_invariant",
              ("lstm", "nonnegative"): "lstm", ("transformer", "nonnegative"): "transformer_soft"}
    for (arch, gate), fam in expect.items():
        assert family_of(ModelConfig(arch=arch, gate=gate)) == fam
    assert list_architectures()[:4] == ["mamba", "diagonal", "lstm", "transformer"]
    assert gates_of("transformer") == ()


def test_every_gate_parameterization_maps_to_its_range_family():
    """A verdict family is about the gate's range, so both parameterizations of one share it."""
    from automata.verdicts import FAMILY_STATEMENTS
    want = {"nonnegative": "ssm_nonnegative", "time_invariant": "ssm_time_invariant",
            "signed": "ssm_signed", "signed_exp": "ssm_signed",
            "complex": "ssm_complex", "complex_coupled": "ssm_complex"}
    step = {"signed_modstep": "ssm_signed", "signed_lru": "ssm_signed",       # Mamba only
            "complex_modstep": "ssm_complex", "complex_lru": "ssm_complex"}
    for arch, gates in (("mamba", {**want, **step}), ("diagonal", want)):
        assert set(gates_of(arch)) == set(gates)
        for gate, fam in gates.items():
            assert family_of(ModelConfig(arch=arch, gate=gate)) == fam
            assert fam in FAMILY_STATEMENTS


def test_family_from_an_option(householder_like):
    cfg = ModelConfig(arch="test_delta")
    assert cfg.options == {"beta_range": [0.0, 2.0]}          # defaults filled, JSON-normalized
    assert family_of(cfg) == "lrnn_householder"
    cfg1 = apply_overrides(ExperimentConfig(model=cfg), ["model.options.beta_range=[0, 1]"])
    assert family_of(cfg1) == family_of(cfg1.to_dict()) == "lrnn_householder_positive"
    assert ExperimentConfig.from_dict(cfg1.to_dict()) == cfg1
    assert hash(cfg1.model) == hash(ModelConfig.from_dict(cfg1.model.to_dict()))
    with pytest.raises(ConfigError, match="has no option 'beta'"):
        ModelConfig(arch="test_delta", options={"beta": 1})


def test_registration_errors_and_duplicates():
    with pytest.raises(ConfigError, match="already registered"):
        register_architecture("mamba", lambda cfg: nn.Identity(), family="lstm")
    with pytest.raises(ConfigError, match="give gates"):
        register_architecture("nofamily", lambda cfg: nn.Identity())
    with pytest.raises(ConfigError, match="no verdict family for gate"):
        register_architecture("nofamily", lambda cfg: nn.Identity(), gates=["a", "b"])
    with pytest.raises(ConfigError, match="builder must be callable"):
        register_architecture("nofamily", None, family="lstm")
    assert "nofamily" not in list_architectures()
    with pytest.raises(ConfigError, match="unknown arch 'nofamily'"):
        get_architecture("nofamily")


def test_gates_mapping_validates_config_and_builds(householder_like):
    register_architecture("test_gated", lambda cfg: nn.Identity(),
                          gates={"a": "ssm_nonnegative", "b": "ssm_signed"}, overwrite=True)
    try:
        assert family_of(ModelConfig(arch="test_gated", gate="b")) == "ssm_signed"
        with pytest.raises(ConfigError, match="unknown gate 'signed' for arch 'test_gated'"):
            ModelConfig(arch="test_gated", gate="signed")
        model = build_model(ModelConfig(arch="test_gated", gate="a", layers=2, width=4,
                                        vocab_size=3, n_outputs=2), device="cpu")
        assert model(torch.tensor([[1, 2]])).shape == (1, 2, 2)
        from analyses.train import build_parser

        assert build_parser().parse_args(["parity", "--model", "test_gated"]).model == "test_gated"
    finally:
        unregister_architecture("test_gated")
