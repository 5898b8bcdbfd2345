"""DeltaNet / Gated DeltaNet / DeltaProduct layers and models: fla's parameter layout, step =
forward, scans agree, β ranges, capture of the matrix state, config errors."""
from __future__ import annotations

import pytest
import torch

from ssm.capture import capture
from ssm.errors import ConfigError, SSMError
from ssm.layers.deltanet import DeltaNet, ShortConvolution, select_delta_scan
from ssm.architectures import family_of, get_architecture, list_architectures
from ssm.config import ModelConfig
from ssm.layers.deltanet_model import build_deltanet_model, deltanet_config

D, H = 16, 2


def _shapes(layer):
    return {name: tuple(p.shape) for name, p in layer.state_dict().items()}


def test_parameter_layout_of_fla_deltanet():
    # fla.layers.DeltaNet(hidden_size=16, num_heads=2, use_gate=True): key_dim = value_dim = 16
    assert _shapes(DeltaNet(D, num_heads=H)) == {
        "q_proj.weight": (16, 16), "k_proj.weight": (16, 16), "v_proj.weight": (16, 16),
        "b_proj.weight": (2, 16), "q_conv1d.weight": (16, 1, 4), "k_conv1d.weight": (16, 1, 4),
        "v_conv1d.weight": (16, 1, 4), "g_proj.weight": (16, 16), "o_norm.weight": (8,),
        "o_proj.weight": (16, 16)}


def test_parameter_layout_of_fla_gated_deltaproduct():
    # fla.layers.GatedDeltaProduct(hidden_size=16, head_dim=8, num_heads=2, expand_v=2,
    # num_householder=3, use_forget_gate=True, use_output_gate=True)
    got = _shapes(DeltaNet(D, num_heads=H, head_dim=8, expand_v=2, n_householder=3,
                           use_forget_gate=True, beta_range=(0, 2)))
    assert got == {
        "q_proj.weight": (16, 16), "k_proj.weight": (48, 16), "v_proj.weight": (96, 16),
        "b_proj.weight": (6, 16), "a_proj.weight": (2, 16), "A_log": (2,), "dt_bias": (2,),
        "q_conv1d.weight": (16, 1, 4), "k_conv1d.weight": (48, 1, 4),
        "v_conv1d.weight": (96, 1, 4), "g_proj.weight": (32, 16), "o_norm.weight": (16,),
        "o_proj.weight": (16, 32)}
    layer = DeltaNet(D, num_heads=H, use_forget_gate=True)
    assert layer.A_log._no_weight_decay and layer.dt_bias._no_weight_decay


@pytest.mark.parametrize("nh,gate", [(1, False), (1, True), (3, True), (2, False)])
def test_step_equals_forward_and_scans_agree(nh, gate):
    torch.manual_seed(0)
    layer = DeltaNet(D, num_heads=H, n_householder=nh, use_forget_gate=gate, beta_range=(0, 2),
                     scan="chunked", chunk_size=4).double()
    x = torch.randn(2, 9, D, dtype=torch.float64)
    y = layer(x)
    layer.scan = "reference"
    assert torch.allclose(layer(x), y, atol=1e-10)
    state = layer.init_state(2)
    steps = []
    for t in range(9):
        out, state = layer.step(x[:, t], state)
        steps.append(out)
    assert torch.allclose(torch.stack(steps, 1), y, atol=1e-10)


def test_beta_ranges_give_householder_eigenvalues():
    torch.manual_seed(0)
    for hi in (1.0, 2.0):
        layer = DeltaNet(D, num_heads=H, beta_range=(0, hi))
        with torch.no_grad():
            layer.b_proj.weight.mul_(100.0)       # push sigmoid to its ends
        x = torch.randn(4, 50, D)
        with torch.no_grad():
            q, k, v, beta, g = layer._qkv(layer.q_conv1d(layer.q_proj(x)),
                                          layer.k_conv1d(layer.k_proj(x)),
                                          layer.v_conv1d(layer.v_proj(x)), x)
        assert 0 <= float(beta.min()) and float(beta.max()) <= hi
        assert float(beta.max()) > 0.99 * hi              # the range is reached
        kk = k[0, 0, 0, 0].double()
        M = torch.eye(len(kk), dtype=torch.float64) - float(beta.max()) * torch.outer(kk, kk)
        ev = torch.linalg.eigvalsh(M)
        assert float(ev.min()) >= -1 - 1e-6 and float(ev.max()) <= 1 + 1e-6
        assert (float(ev.min()) < -0.9) == (hi == 2.0)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    layer = DeltaNet(D, num_heads=H, n_householder=2, use_forget_gate=True, beta_range=(0, 2))
    layer(torch.randn(2, 70, D)).square().sum().backward()
    for name, p in layer.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_model_capture_sites_and_states():
    cfg = deltanet_config("deltaproduct", layers=2, width=D, heads=H, n_householder=2,
                          beta_range=(0, 2), vocab_size=4, n_outputs=3, scan="chunked")
    model = build_deltanet_model(cfg, seed=1, device="cpu")
    tokens = torch.tensor([[1, 2, 3, 1, 1, 2], [3, 3, 2, 1, 0, 0]])
    assert model.capture_sites() == ["embed", "layers.0.state", "layers.0.out",
                                     "layers.1.state", "layers.1.out"]
    with capture(model, ["layers.1.state", "layers.0.out"]) as cache:
        logits = model(tokens)
    assert cache["layers.1.state"].shape == (2, 6, H * 8 * 8)
    assert cache["layers.0.out"].shape == (2, 6, D)
    assert torch.allclose(model(tokens), logits)           # hooks do not change the output
    # the captured state is the state of the delta rule run step by step
    cache_step = model.init_cache(2)
    for t in range(6):
        _, cache_step = model.step(tokens[:, t], cache_step)
    S = cache_step.layers[1].S.reshape(2, -1)
    assert torch.allclose(cache["layers.1.state"][:, -1], S, atol=1e-5)


def test_registered_architectures_and_families():
    assert {"deltanet", "deltaproduct"} <= set(list_architectures())
    assert get_architecture("deltaproduct").options["n_householder"] == 2
    for arch in ("deltanet", "deltaproduct"):
        for beta, fam in (([0, 1], "lrnn_householder_positive"), ([0, 2], "lrnn_householder")):
            cfg = ModelConfig(arch=arch, width=8, n_heads=2, options={"beta_range": beta})
            assert family_of(cfg) == fam
            assert family_of(cfg.to_dict()) == fam
            assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    gated = deltanet_config("deltanet", use_gate=True, width=8, heads=2)
    assert build_deltanet_model(gated, device="cpu").layers[0].mixer.use_forget_gate


def test_build_is_seeded_and_leaves_global_rng():
    cfg = deltanet_config(layers=1, width=8, heads=2, vocab_size=3, n_outputs=2)
    before = torch.random.get_rng_state()
    a, b = build_deltanet_model(cfg, seed=5, device="cpu"), build_deltanet_model(cfg, seed=5, device="cpu")
    assert torch.equal(torch.random.get_rng_state(), before)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


@pytest.mark.parametrize("bad", [
    {"beta_range": (0, 3)}, {"beta_range": "wide"}, {"arch": "deltanet", "n_householder": 2},
    {"arch": "mamba"}, {"scan": "triton"}, {"width": 10, "heads": 4}, {"layers": 0},
    {"unknown_key": 1}, {"n_householder": 0, "arch": "deltaproduct"}, {"delta_scan": "fast"}])
def test_config_errors_are_ssm_errors(bad):
    with pytest.raises(SSMError):
        deltanet_config(**bad)


def test_layer_and_scan_errors():
    with pytest.raises(ConfigError):
        DeltaNet(16, num_heads=3)
    with pytest.raises(ConfigError):
        select_delta_scan("fastest", "cpu")
    with pytest.raises(SSMError):
        build_deltanet_model(deltanet_config(delta_scan="fla"), device="cpu")
    with pytest.raises(SSMError):
        build_deltanet_model(ModelConfig(arch="lstm"), device="cpu")


def test_short_convolution_is_a_causal_depthwise_conv1d():
    torch.manual_seed(0)
    conv = ShortConvolution(6, 4, bias=True, activation=None)
    x = torch.randn(2, 9, 6)
    want = torch.nn.functional.conv1d(x.transpose(1, 2), conv.weight, conv.bias, padding=3,
                                      groups=6)[..., :9].transpose(1, 2)
    assert torch.allclose(conv(x), want, atol=1e-6)
    c2 = ShortConvolution(6, 4)
    assert torch.allclose(c2(x)[:, :5], c2(x[:, :5]), atol=1e-6)          # no look-ahead


def test_importing_the_layers_does_not_import_fla():
    import subprocess
    import sys
    code = ("import sys, ssm.layers.deltanet, ssm.layers.deltanet_model, ssm.scan.fla_backend; "
            "print('fla' in sys.modules, 'triton' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
