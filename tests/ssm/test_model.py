"""LanguageModel: config, building, step() against forward(), padding, seeds, device, errors."""
from __future__ import annotations

import json
import logging

import pytest
import torch

from ssm.config import ModelConfig
from ssm.errors import ConfigError, ShapeError, SSMError
from ssm.model import build_model, resolve_device
from tests.ssm.helpers import assert_close

VARIANTS = [
    dict(arch="mamba", gate="nonnegative"),
    dict(arch="mamba", gate="signed"),
    dict(arch="mamba", gate="complex"),
    dict(arch="mamba", gate="time_invariant"),
    dict(arch="mamba", gate="signed", norm="layernorm", layers=3),
    dict(arch="diagonal", gate="signed"),
    dict(arch="diagonal", gate="complex"),
    dict(arch="diagonal", gate="nonnegative"),
    dict(arch="diagonal", gate="time_invariant"),
    dict(arch="lstm"),
    dict(arch="transformer", positional="none"),
    dict(arch="transformer", positional="learned"),
    dict(arch="transformer", positional="sinusoidal", norm="layernorm"),
]
IDS = ["-".join(str(v) for v in d.values()) for d in VARIANTS]


def _cfg(**kw) -> ModelConfig:
    base = dict(layers=2, width=16, d_state=4, vocab_size=4, n_outputs=5, n_heads=2, max_len=40)
    base.update(kw)
    return ModelConfig(**base)


def _tokens(batch=3, length=13, seed=0, vocab=4):
    return torch.randint(1, vocab, (batch, length), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("variant", VARIANTS, ids=IDS)
def test_step_matches_forward(variant):
    model = build_model(_cfg(**variant), seed=3, device="cpu")
    tokens = _tokens()
    with torch.no_grad():
        full = model(tokens)
        cache = model.init_cache(tokens.shape[0])
        steps = []
        for t in range(tokens.shape[1]):
            logits, new_cache = model.step(tokens[:, t], cache)
            assert new_cache.position == cache.position + 1
            cache = new_cache
            steps.append(logits)
    assert full.shape == (3, 13, 5)
    assert_close(torch.stack(steps, dim=1), full, dtype=torch.float32)


@pytest.mark.parametrize("variant", VARIANTS, ids=IDS)
def test_right_padding_and_batch_do_not_change_real_positions(variant):
    model = build_model(_cfg(**variant), seed=4, device="cpu")
    alone = _tokens(batch=1, length=7, seed=1)
    others = _tokens(batch=2, length=12, seed=2)
    padded = torch.cat([torch.cat([alone, torch.zeros(1, 5, dtype=torch.long)], dim=1), others])
    with torch.no_grad():
        assert_close(model(padded)[:1, :7], model(alone), dtype=torch.float32)


@pytest.mark.parametrize("index", [0, 5, 9, 10], ids=[IDS[i] for i in (0, 5, 9, 10)])
def test_training_step_reduces_loss(index):
    """Gradients flow to every parameter and a few Adam steps fit a small batch."""
    model = build_model(_cfg(**VARIANTS[index]), seed=5, device="cpu")
    tokens = _tokens(batch=4, length=10, seed=3)
    target = (tokens.cumsum(1) % 5)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(15):
        loss = torch.nn.functional.cross_entropy(model(tokens).reshape(-1, 5), target.reshape(-1))
        opt.zero_grad()
        loss.backward()
        if not losses:
            missing = [n for n, p in model.named_parameters() if p.grad is None]
            assert missing == []
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]


def test_seed_makes_weights_reproducible_and_leaves_global_rng_alone():
    cfg = _cfg(arch="mamba", gate="complex")
    before = torch.random.get_rng_state()
    m1, m2, m3 = (build_model(cfg, seed=s, device="cpu") for s in (7, 7, 8))
    assert torch.equal(torch.random.get_rng_state(), before)
    sd1, sd2, sd3 = m1.state_dict(), m2.state_dict(), m3.state_dict()
    assert all(torch.equal(sd1[k], sd2[k]) for k in sd1)
    assert any(not torch.equal(sd1[k], sd3[k]) for k in sd1)


def test_device_auto_resolves_and_logs_once(caplog):
    import ssm.model as model_mod
    model_mod._announced_devices.clear()
    with caplog.at_level(logging.INFO, logger="ssm.model"):
        dev1, dev2 = resolve_device("auto"), resolve_device("auto")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert dev1.type == dev2.type == expected
    assert len([r for r in caplog.records if r.name == "ssm.model"]) == 1
    assert build_model(_cfg(arch="lstm")).device.type == expected
    with pytest.raises(ConfigError, match="unknown device"):
        resolve_device("tpu9")


def test_padding_embedding_is_zero():
    model = build_model(_cfg(arch="mamba"), device="cpu")
    assert torch.equal(model.embed.weight[0], torch.zeros(16))


def test_capture_sites_are_stable():
    assert build_model(_cfg(arch="mamba"), device="cpu").capture_sites() == [
        "embed", "layers.0.state", "layers.0.out", "layers.1.state", "layers.1.out"]
    assert build_model(_cfg(arch="lstm"), device="cpu").capture_sites() == [
        "embed", "layers.0.h", "layers.0.c", "layers.0.out", "layers.1.h", "layers.1.c",
        "layers.1.out"]
    assert build_model(_cfg(arch="diagonal"), device="cpu").capture_sites() == [
        "embed", "layers.0.state", "layers.0.out", "layers.1.state", "layers.1.out"]
    assert build_model(_cfg(arch="transformer"), device="cpu").capture_sites() == [
        "embed", "layers.0.out", "layers.1.out"]


@pytest.mark.parametrize("bad,match", [
    (torch.tensor([[1.0, 2.0]]), "integer"),
    (torch.tensor([1, 2]), r"\(batch, length\)"),
    (torch.tensor([[1, 4]]), r"\[0, 4\)"),
    (torch.tensor([[-1, 2]]), r"\[0, 4\)"),
])
def test_bad_tokens_raise_one_line_errors(bad, match):
    model = build_model(_cfg(arch="lstm"), device="cpu")
    with pytest.raises(ShapeError, match=match) as info:
        model(bad)
    assert "\n" not in str(info.value)


def test_step_rejects_sequences():
    model = build_model(_cfg(arch="lstm"), device="cpu")
    with pytest.raises(ShapeError, match=r"\(batch,\)"):
        model.step(torch.tensor([[1, 2]]), model.init_cache(1))


def test_learned_positions_stop_at_max_len():
    model = build_model(_cfg(arch="transformer", positional="learned", max_len=5), device="cpu")
    model(_tokens(length=5))
    with pytest.raises(ShapeError, match="max_len 5"):
        model(_tokens(length=6))


def test_config_round_trip_and_json():
    cfg = _cfg(arch="transformer", positional="sinusoidal", norm="layernorm", dt_rank=3)
    data = json.loads(json.dumps(cfg.to_dict()))
    assert ModelConfig.from_dict(data) == cfg
    assert cfg.replace(layers=5).layers == 5
    assert ModelConfig().d_inner == 128 and ModelConfig(width=40).resolved_dt_rank == 3


@pytest.mark.parametrize("kw,match", [
    (dict(arch="gru"), "unknown arch 'gru'"),
    (dict(gate="negative"), "unknown gate 'negative'"),
    (dict(positional="rotary"), "unknown positional 'rotary'"),
    (dict(scan="cuda"), "unknown scan 'cuda'"),
    (dict(norm="batchnorm"), "unknown norm"),
    (dict(layers=0), "layers must be an integer >= 1"),
    (dict(width=2.5), "width must be an integer"),
    (dict(vocab_size=1), "vocab_size must be an integer >= 2"),
    (dict(layers=True), "layers must be an integer"),
    (dict(arch="transformer", width=10, n_heads=4), "not divisible"),
    (dict(arch="mamba", positional="learned"), "transformer only"),
])
def test_config_rejects_bad_values(kw, match):
    with pytest.raises(ConfigError, match=match) as info:
        ModelConfig(**kw)
    assert isinstance(info.value, SSMError) and isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


def test_config_rejects_unknown_keys():
    with pytest.raises(ConfigError, match="unknown model config key"):
        ModelConfig.from_dict({"arch": "mamba", "depth": 3})
    with pytest.raises(ConfigError, match="unknown model config key"):
        ModelConfig().replace(depth=3)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU error")
def test_missing_backend_fails_at_build_time():
    from ssm.errors import BackendUnavailableError
    with pytest.raises(BackendUnavailableError, match="pip install"):
        build_model(_cfg(arch="mamba", scan="mamba_ssm"), device="cpu")
    build_model(_cfg(arch="lstm", scan="mamba_ssm"), device="cpu")     # scan unused: fine


def test_build_model_needs_a_config():
    with pytest.raises(ConfigError, match="needs a ModelConfig"):
        build_model({"arch": "mamba"})


def test_docs_example_runs():
    """The example in docs/models.md runs as written."""
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "docs" / "models.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/models.md", "exec"), {"__name__": "docs_example"})
