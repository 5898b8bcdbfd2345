"""Our Mamba block: mamba-ssm's parameter names, shapes and init; the four gates; its equations."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from ssm.errors import ConfigError
from ssm.layers.mamba import Mamba, make_gate
from tests.ssm.helpers import assert_close

GATES = ["nonnegative", "signed", "complex", "time_invariant", "signed_exp", "complex_coupled",
         "signed_modstep", "complex_modstep", "signed_lru", "complex_lru"]
STEP = ("signed_modstep", "complex_modstep", "signed_lru", "complex_lru")
PHASED = ("signed", "complex", *STEP)
COMPLEXES = ("complex", "complex_coupled", "complex_modstep", "complex_lru")


def _block(gate="nonnegative", seed=0, d_model=12, scan="reference", **kw) -> Mamba:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Mamba(d_model, d_state=4, d_conv=3, expand=2, gate=gate, scan=scan, **kw)


def _hidden(batch=2, length=9, d_model=12, seed=1):
    return torch.randn(batch, length, d_model, generator=torch.Generator().manual_seed(seed))


def test_parameter_names_and_shapes_mirror_mamba_ssm():
    d_model, d_state, d_conv, expand = 40, 16, 4, 2
    block = Mamba(d_model, d_state=d_state, d_conv=d_conv, expand=expand)
    d_inner, dt_rank = expand * d_model, math.ceil(d_model / 16)
    expected = {  # mamba_ssm.modules.mamba_simple.Mamba (1.x/2.x), bias=False, conv_bias=True
        "in_proj.weight": (2 * d_inner, d_model),
        "conv1d.weight": (d_inner, 1, d_conv),
        "conv1d.bias": (d_inner,),
        "x_proj.weight": (dt_rank + 2 * d_state, d_inner),
        "dt_proj.weight": (d_inner, dt_rank),
        "dt_proj.bias": (d_inner,),
        "A_log": (d_inner, d_state),
        "D": (d_inner,),
        "out_proj.weight": (d_model, d_inner),
    }
    assert {k: tuple(v.shape) for k, v in block.state_dict().items()} == expected
    coupled = Mamba(d_model, gate="complex_coupled")
    assert set(coupled.state_dict()) == set(expected) | {"A_theta"}
    for gate in ("signed", "complex"):      # the phase gates: base angles and their projection
        block = Mamba(d_model, d_state=d_state, gate=gate)
        assert {k: tuple(v.shape) for k, v in block.state_dict().items()} == {
            **expected, "A_theta": (d_inner, d_state), "phase_proj.weight": (d_state, d_inner),
            "phase_proj.bias": (d_state,)}


def test_initialization_follows_mamba_ssm():
    block = _block(d_model=64)
    A = torch.arange(1, 5, dtype=torch.float32).repeat(block.d_inner, 1)
    assert torch.equal(block.A_log, torch.log(A))                      # S4D-real
    assert torch.equal(block.D, torch.ones(block.d_inner))
    dt = F.softplus(block.dt_proj.bias)
    assert dt.min() >= 1e-4 and dt.max() <= 0.1 + 1e-6                 # log-uniform in [1e-3, 0.1]
    assert dt.max() / dt.min() > 5                                      # ... and spread out
    bound = block.dt_rank ** -0.5
    assert block.dt_proj.weight.abs().max() <= bound
    assert block.A_log._no_weight_decay and block.D._no_weight_decay


def test_state_dicts_load_between_blocks():
    src, dst = _block(seed=0), _block(seed=1)
    x = _hidden()
    assert not torch.allclose(src(x), dst(x))
    dst.load_state_dict(src.state_dict(), strict=True)
    assert torch.equal(src(x), dst(x))


def test_gate_ranges():
    delta = torch.logspace(-4, 2, 50)
    A = -torch.rand(4, 3, generator=torch.Generator().manual_seed(0)) - 0.1
    d = delta[:, None]
    nonneg = make_gate("nonnegative", d.expand(50, 4), A)
    signed = make_gate("signed_exp", d.expand(50, 4), A)
    assert (nonneg > 0).all() and (nonneg <= 1).all()
    assert (signed >= -1).all() and (signed <= 1).all()
    assert (signed < -0.5).any() and (signed > 0.5).any()              # both signs are reached
    theta = torch.full((4, 3), 2.0)
    cplx = make_gate("complex_coupled", d.expand(50, 4), A, theta)
    assert cplx.is_complex() and (cplx.abs() <= 1).all()
    assert_close(cplx.abs(), nonneg, dtype=torch.float32)
    assert_close(cplx, torch.polar(nonneg, 2.0 * d.unsqueeze(-1).expand(50, 4, 3)),
                 dtype=torch.complex64)
    with pytest.raises(ConfigError, match="unknown gate"):
        make_gate("negative", d, A)
    with pytest.raises(ConfigError, match="needs a phase"):
        make_gate("signed", d, A)


def test_phase_gates_range_and_reach():
    """signed = exp(ΔA)·cos φ lies in [−exp(ΔA), exp(ΔA)] ⊂ [−1, 1]; complex = exp(ΔA + iφ) has
    modulus exp(ΔA) ≤ 1 whatever the phase; −1 (and every root of unity) is reached exactly."""
    gen = torch.Generator().manual_seed(0)
    delta = torch.logspace(-6, 2, 40)[:, None].expand(40, 4)
    A = -torch.rand(4, 3, generator=gen) - 0.1
    phase = 20 * torch.randn(40, 4, 3, generator=gen)
    nonneg = make_gate("nonnegative", delta, A)
    signed = make_gate("signed", delta, A, phase=phase)
    assert (signed.abs() <= nonneg + 1e-7).all() and (signed < -0.5).any() and (signed > 0.5).any()
    cplx = make_gate("complex", delta, A, phase=phase)
    assert cplx.is_complex()
    assert_close(cplx.abs(), nonneg, dtype=torch.float32)               # modulus from Δ alone
    assert_close(cplx, torch.polar(nonneg, phase), dtype=torch.complex64)  # angle φ
    tiny = torch.full((1, 1), 1e-9, dtype=torch.float64)
    A1 = -torch.ones(1, 1, dtype=torch.float64)
    assert make_gate("signed", tiny, A1, phase=torch.full((1, 1, 1), math.pi, dtype=torch.float64)
                     ).item() == pytest.approx(-1.0, abs=1e-8)
    w = make_gate("complex", tiny, A1, phase=torch.full((1, 1, 1), 2 * math.pi / 3, dtype=torch.float64))
    assert complex(w.item() ** 3) == pytest.approx(1.0, abs=1e-7)   # a cube root of unity


def test_signed_gate_gradient_at_minus_one_does_not_vanish():
    """Why ``signed_exp`` struggles and ``signed`` does not: at a gate of −0.99 the derivative of
    2·exp(ΔA) − 1 in its parameter is a + 1 = 0.01, while exp(ΔA)·cos φ keeps a derivative of
    order sin φ ≈ 0.14 in φ, and reaches −1 itself at φ = π, an interior point of the angle."""
    A = -torch.ones(1, 1, dtype=torch.float64)
    d = torch.tensor([[-math.log((1 - 0.99) / 2)]], dtype=torch.float64, requires_grad=True)
    a_exp = make_gate("signed_exp", d, A)                                  # ΔA = log(0.005)
    assert a_exp.item() == pytest.approx(-0.99)
    (g_exp,) = torch.autograd.grad(a_exp.sum(), d)
    phi = torch.tensor([[[math.acos(-0.99)]]], dtype=torch.float64, requires_grad=True)
    a_cos = make_gate("signed", torch.zeros(1, 1, dtype=torch.float64), A, phase=phi)
    assert a_cos.item() == pytest.approx(-0.99)
    (g_phi,) = torch.autograd.grad(a_cos.sum(), phi)
    assert abs(g_exp.item()) == pytest.approx(0.01, rel=1e-6)              # |∂a/∂Δ| = |A|(a + 1)
    assert abs(g_phi.item()) == pytest.approx(math.sqrt(1 - 0.99 ** 2), rel=1e-6)
    assert abs(g_phi.item()) > 10 * abs(g_exp.item())


def test_phase_gates_ring_init_and_no_weight_decay():
    from ssm.train import make_optimizer
    for gate in ("signed", "complex"):
        block = _block(gate, d_model=64)
        theta = block.A_theta.detach().flatten()
        assert theta.min() >= 0 and theta.max() < 2 * math.pi
        hist = torch.histc(theta, bins=4, min=0, max=2 * math.pi)        # spread over the ring
        assert (hist > 0.15 * theta.numel()).all()
        assert torch.equal(block.phase_proj.bias, torch.zeros_like(block.phase_proj.bias))
        opt = make_optimizer(block, 1e-3, 0.1)
        no_decay = {id(p) for g in opt.param_groups if g["weight_decay"] == 0 for p in g["params"]}
        assert id(block.A_theta) in no_decay and id(block.phase_proj.bias) in no_decay
        assert id(block.phase_proj.weight) not in no_decay


def test_time_invariant_delta_ignores_the_input():
    block = _block("time_invariant")
    d1 = block._delta(torch.randn(5, block.dt_rank))
    d2 = block._delta(torch.randn(5, block.dt_rank))
    assert torch.equal(d1, d2) and torch.equal(d1[0], F.softplus(block.dt_proj.bias))
    selective = _block("nonnegative")
    assert not torch.equal(selective._delta(torch.ones(1, selective.dt_rank)),
                           selective._delta(-torch.ones(1, selective.dt_rank)))


def _equations(block: Mamba, hidden: torch.Tensor) -> torch.Tensor:
    """The block written out step by step from Gu & Dao's equations (an independent oracle)."""
    d_inner, n, length = block.d_inner, block.d_state, hidden.shape[1]
    xz = hidden @ block.in_proj.weight.t()
    x, z = xz[..., :d_inner], xz[..., d_inner:]
    x = F.conv1d(x.transpose(1, 2), block.conv1d.weight, block.conv1d.bias,
                 padding=block.d_conv - 1, groups=d_inner)[..., :length].transpose(1, 2)
    x = x * torch.sigmoid(x)
    proj = x @ block.x_proj.weight.t()
    dt_low = proj[..., :block.dt_rank]
    Bm = proj[..., block.dt_rank:block.dt_rank + n]
    Cm = proj[..., block.dt_rank + n:]
    if block.gate == "time_invariant":
        delta = F.softplus(block.dt_proj.bias).expand(*x.shape)
    else:
        delta = F.softplus(dt_low @ block.dt_proj.weight.t() + block.dt_proj.bias)
    A = -torch.exp(block.A_log)
    h = torch.zeros(hidden.shape[0], d_inner, n, dtype=torch.complex64
                    if block.gate in COMPLEXES else torch.float32)
    if block.gate in PHASED:
        psi = x @ block.phase_proj.weight.t() + block.phase_proj.bias
    # the step gates: the modulus from their own step σ_t, the input from Δ_t
    step = F.softplus(x @ block.mod_proj.weight.t() + block.mod_proj.bias) \
        if block.gate in STEP else delta
    ys = []
    for t in range(length):
        dA = step[:, t, :, None] * A
        if block.gate in PHASED:
            phi = block.A_theta + math.pi * torch.tanh(psi[:, t, None, :])
        if block.gate == "signed_exp":
            gate = 2 * torch.exp(dA) - 1
        elif block.gate in ("signed", "signed_modstep", "signed_lru"):
            gate = torch.exp(dA) * torch.cos(phi)
        elif block.gate in ("complex", "complex_modstep", "complex_lru"):
            gate = torch.exp(dA) * torch.exp(1j * phi)
        elif block.gate == "complex_coupled":
            gate = torch.exp(dA) * torch.exp(1j * delta[:, t, :, None] * block.A_theta)
        else:
            gate = torch.exp(dA)
        h = gate * h + delta[:, t, :, None] * Bm[:, t, None, :] * x[:, t, :, None]
        ys.append((h * Cm[:, t, None, :]).sum(-1).real)
    y = torch.stack(ys, dim=1) + x * block.D
    y = y * (z * torch.sigmoid(z))
    return y @ block.out_proj.weight.t()


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("scan", ["reference", "chunked"])
def test_forward_follows_the_equations(gate, scan):
    block = _block(gate, scan=scan)
    if gate == "complex_coupled":
        with torch.no_grad():
            block.A_theta.mul_(30.0)          # rotations large enough to matter over 9 steps
    x = _hidden()
    assert_close(block(x), _equations(block, x), dtype=torch.float32, scale=10)


@pytest.mark.parametrize("gate", GATES)
def test_scans_agree_on_outputs_and_gradients(gate):
    x = _hidden(length=33)
    results = []
    for scan in ("reference", "chunked"):
        block = _block(gate, scan=scan)
        out = block(x)
        loss = out.pow(2).sum()
        grads = torch.autograd.grad(loss, list(block.parameters()), allow_unused=True)
        results.append((out, grads))
    (o1, g1), (o2, g2) = results
    assert_close(o2, o1, dtype=torch.float32)
    for a, b in zip(g2, g1):
        assert (a is None) == (b is None)
        if a is not None:
            assert_close(a, b, dtype=torch.float32, scale=10)
    unused = [n for (n, _), g in zip(block.named_parameters(), g1) if g is None]
    assert unused == (["dt_proj.weight"] if gate == "time_invariant" else [])


@pytest.mark.parametrize("gate", GATES)
def test_step_matches_forward(gate):
    block = _block(gate, scan="chunked")
    x = _hidden(length=11)
    full = block(x)
    state = block.init_state(x.shape[0])
    outs = []
    for t in range(x.shape[1]):
        y, state = block.step(x[:, t], state)
        outs.append(y)
    assert_close(torch.stack(outs, 1), full, dtype=torch.float32)


def test_signed_gate_has_negative_eigenvalues_after_training_signal():
    """With a large Δ the signed_exp gate reaches −1 (parity needs it); Mamba's never goes below 0."""
    block = _block("signed_exp")
    with torch.no_grad():
        block.dt_proj.bias.fill_(20.0)           # softplus(20) ≈ 20: exp(Δ·A) ≈ 0
    delta = block._delta(torch.zeros(1, block.dt_rank))
    assert torch.allclose(block._gate(delta), torch.full((1, block.d_inner, 4), -1.0), atol=1e-6)
    mamba = _block("nonnegative")
    with torch.no_grad():
        mamba.dt_proj.bias.fill_(20.0)
    assert (mamba._gate(mamba._delta(torch.zeros(1, mamba.dt_rank))) >= 0).all()


def test_unknown_gate_and_dt_init():
    with pytest.raises(ConfigError, match="unknown gate 'sigmoid'"):
        Mamba(8, gate="sigmoid")
    with pytest.raises(ConfigError, match="unknown dt_init"):
        Mamba(8, dt_init="zeros")


def test_step_gates_parameters_and_initialization():
    """The step gates add ``mod_proj`` (d_inner → d_inner); ``*_modstep`` keeps Mamba's A and a
    σ bias like Δ's, ``*_lru`` starts every |λ| = exp(−exp(A_log)·σ) on the ring [0.9, 0.999]."""
    for gate in STEP:
        block = _block(gate, d_model=64)
        d = block.d_inner
        shapes = {k: tuple(v.shape) for k, v in block.state_dict().items()}
        assert shapes["mod_proj.weight"] == (d, d) and shapes["mod_proj.bias"] == (d,)
        assert block.mod_proj.bias._no_weight_decay and block.A_log._no_weight_decay
        sigma = F.softplus(block.mod_proj.bias)
        if gate.endswith("_modstep"):
            A = torch.arange(1, 5, dtype=torch.float32).repeat(d, 1)
            assert torch.equal(block.A_log, torch.log(A))
            assert sigma.min() >= 1e-4 and sigma.max() <= 0.1 + 1e-6 and sigma.max() / sigma.min() > 5
        else:
            assert torch.allclose(sigma, torch.ones(d))
            modulus = torch.exp(-torch.exp(block.A_log))
            assert modulus.min() >= 0.9 - 1e-6 and modulus.max() <= 0.999 + 1e-6
            assert modulus.max() - modulus.min() > 0.05                 # spread over the ring
    with pytest.raises(ConfigError, match="unknown gate"):
        make_gate("complex_free", torch.ones(1), -torch.ones(1, 1))


def test_step_gate_holds_unit_modulus_with_a_full_write():
    """The point of the step gates: σ → 0 gives |a| = 1 while the write Δ·B·x stays full size;
    with Mamba's coupled Δ the same |a| forces Δ, hence the write, down by the same factor."""
    block = _block("complex_modstep")
    with torch.no_grad():
        block.mod_proj.weight.zero_()
        block.mod_proj.bias.fill_(-30.0)                  # σ = softplus(−30) ≈ 1e-13
        block.dt_proj.bias.fill_(2.0)                     # Δ ≈ 2.1
    x = torch.randn(3, block.d_inner)
    delta = block._delta(torch.zeros(3, block.dt_rank))
    a = block._gate(block._gate_step(x, delta), block._shift(x))
    assert torch.allclose(a.abs(), torch.ones_like(a.abs()), atol=1e-6)
    assert delta.min() > 2.0
    coupled = _block("complex")
    with torch.no_grad():
        coupled.dt_proj.bias.fill_(2.0)
    d2 = coupled._delta(torch.zeros(3, coupled.dt_rank))
    assert coupled._gate(d2, coupled._shift(x)).abs().max() < 0.2   # exp(−2.1): the hold is lost
