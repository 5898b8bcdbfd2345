"""The chunked scan against the sequential reference: outputs, final state and gradients."""
from __future__ import annotations

import pytest
import torch

from ssm.errors import ShapeError
from ssm.scan.chunked import chunked_scan
from ssm.scan.reference import linear_scan_ref
from tests.ssm.helpers import assert_close

REAL = [torch.float32, torch.float64]
COMPLEX = [torch.complex64, torch.complex128]


def _gates(kind: str, shape, dtype, gen) -> torch.Tensor:
    """Gates of one kind: in (0, 1), in (-1, 1), with exact 0/±1, near ±1, or complex."""
    u = torch.rand(shape, generator=gen, dtype=torch.float64)
    if kind == "nonnegative":
        a = u
    elif kind == "signed":
        a = 2 * u - 1
    elif kind == "exact":              # exactly 0, 1 and -1 mixed with ordinary gates
        choice = torch.randint(0, 4, shape, generator=gen)
        a = torch.where(choice == 0, 0.0, torch.where(choice == 1, 1.0,
                        torch.where(choice == 2, -1.0, 2 * u - 1)))
    elif kind == "near_one":           # |a| within 1e-4 of 1, both signs
        sign = torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0).double()
        a = sign * (1 - 1e-4 * u)
    elif kind == "tiny":               # gates near 0 (products underflow quickly)
        a = 1e-20 * u
    elif kind == "complex":
        angle = 2 * torch.pi * torch.rand(shape, generator=gen, dtype=torch.float64)
        a = torch.polar(u.sqrt(), angle)
    elif kind == "unit_circle":        # pure rotations, |a| = 1 exactly in exact arithmetic
        angle = 2 * torch.pi * u
        a = torch.polar(torch.ones_like(u), angle)
    else:
        raise AssertionError(kind)
    return a.to(dtype)


def _inputs(kind, dtype, batch=3, length=37, state=(4, 2), seed=0, h0=False):
    gen = torch.Generator().manual_seed(seed)
    a = _gates(kind, (batch, length, *state), dtype, gen)
    b = torch.randn(batch, length, *state, generator=gen, dtype=torch.float64)
    if dtype.is_complex:
        b = torch.complex(b, torch.randn(b.shape, generator=gen, dtype=torch.float64))
    b = b.to(dtype)
    init = torch.randn(batch, *state, generator=gen, dtype=torch.float64).to(dtype) if h0 else None
    return a, b, init


CASES = [(k, d) for k in ("nonnegative", "signed", "exact", "near_one", "tiny") for d in REAL] + \
        [(k, d) for k in ("complex", "unit_circle") for d in COMPLEX]


@pytest.mark.parametrize("kind,dtype", CASES)
@pytest.mark.parametrize("chunk", [None, 1, 5, 37, 64])
def test_outputs_match_reference(kind, dtype, chunk):
    a, b, _ = _inputs(kind, dtype)
    expected = linear_scan_ref(a.to(torch.complex128 if dtype.is_complex else torch.float64),
                               b.to(torch.complex128 if dtype.is_complex else torch.float64))
    out = chunked_scan(a, b, chunk_size=chunk)
    assert out.dtype == dtype and out.shape == b.shape
    assert_close(out, expected, dtype=dtype)
    assert_close(out[:, -1], expected[:, -1], dtype=dtype)  # the final state


@pytest.mark.parametrize("kind,dtype", CASES)
@pytest.mark.parametrize("chunk", [None, 4, 1000])
@pytest.mark.parametrize("with_h0", [False, True])
def test_gradients_match_reference(kind, dtype, chunk, with_h0):
    a, b, h0 = _inputs(kind, dtype, length=29, h0=with_h0, seed=1)
    gen = torch.Generator().manual_seed(2)
    weight = torch.randn(b.shape, generator=gen, dtype=torch.float64).to(dtype)

    def grads(scan, **kw):
        leaves = [t.detach().clone().requires_grad_() for t in (a, b) + ((h0,) if with_h0 else ())]
        out = scan(*leaves, **kw)
        # A loss on every state and, separately weighted, on the final state.
        loss = (out * weight).real.sum() + 3 * out[:, -1].abs().pow(2).sum()
        return torch.autograd.grad(loss, leaves)

    expected = grads(linear_scan_ref)
    actual = grads(chunked_scan, chunk_size=chunk)
    for got, want in zip(actual, expected):
        assert_close(got, want, dtype=dtype, scale=10)


@pytest.mark.parametrize("kind,dtype", [("near_one", torch.float32), ("signed", torch.float32),
                                        ("unit_circle", torch.complex64),
                                        ("exact", torch.float64)])
def test_long_sequences_stay_accurate(kind, dtype):
    """A few thousand steps with gates at or near ±1: no drift beyond float rounding."""
    a, b, _ = _inputs(kind, dtype, batch=2, length=3000, state=(3,), seed=3)
    wide = torch.complex128 if dtype.is_complex else torch.float64
    expected = linear_scan_ref(a.to(wide), b.to(wide))
    for chunk in (None, 55):
        out = chunked_scan(a, b, chunk_size=chunk)
        scale = float(expected.abs().max()) / 10 + 1    # errors grow with the states' size
        assert_close(out, expected, dtype=dtype, scale=scale)
        assert torch.isfinite(out.abs()).all()


def test_long_sequence_gradients():
    a, b, _ = _inputs("near_one", torch.float64, batch=2, length=1500, state=(2,), seed=4)
    a.requires_grad_(), b.requires_grad_()
    ga, gb = torch.autograd.grad(chunked_scan(a, b, chunk_size=40)[:, -1].sum(), (a, b))
    # Closed form for the final state's gradient: dh_T/db_t = prod_{k>t} a_k.
    suffix = torch.cumprod(a.detach().flip(1), dim=1).flip(1)
    expected_gb = torch.cat([suffix[:, 1:], torch.ones_like(suffix[:, :1])], dim=1)
    assert_close(gb, expected_gb, dtype=torch.float64)
    assert torch.isfinite(ga).all()


def test_zero_gate_cuts_the_past():
    a = torch.tensor([[[0.9], [0.0], [0.5]]])
    b = torch.tensor([[[5.0], [1.0], [1.0]]])
    for chunk in (None, 1, 2):
        assert chunked_scan(a, b, chunk_size=chunk).squeeze().tolist() == [5.0, 1.0, 1.5]


def test_parity_with_gate_minus_one_is_exact():
    """Gate -1 on every 1 and +1 on every 0 keeps the sign of the parity, at any length."""
    gen = torch.Generator().manual_seed(5)
    bits = torch.randint(0, 2, (4, 5000), generator=gen)
    a = (1 - 2 * bits).float().unsqueeze(-1)
    h0 = torch.ones(4, 1)
    out = chunked_scan(a, torch.zeros_like(a), h0)
    parity = bits.cumsum(1) % 2
    assert torch.equal(out.squeeze(-1), (1 - 2 * parity).float())


def test_broadcast_gates_and_h0():
    gen = torch.Generator().manual_seed(6)
    a = torch.rand(1, 20, 3, generator=gen, dtype=torch.float64).requires_grad_()   # shared
    b = torch.randn(4, 20, 3, generator=gen, dtype=torch.float64).requires_grad_()
    h0 = torch.randn(4, 3, generator=gen, dtype=torch.float64).requires_grad_()
    for chunk in (None, 3):
        out = chunked_scan(a, b, h0, chunk_size=chunk)
        ref = linear_scan_ref(a, b, h0)
        assert_close(out, ref, dtype=torch.float64)
        g1 = torch.autograd.grad(out.sum(), (a, b, h0))
        g2 = torch.autograd.grad(ref.sum(), (a, b, h0))
        for x, y in zip(g1, g2):
            assert x.shape == y.shape
            assert_close(x, y, dtype=torch.float64)


def test_real_gates_with_complex_inputs_promote():
    a = torch.rand(2, 6, 2, generator=torch.Generator().manual_seed(7))
    b = torch.randn(2, 6, 2, dtype=torch.complex64, generator=torch.Generator().manual_seed(8))
    out = chunked_scan(a, b)
    assert out.dtype == torch.complex64
    assert_close(out, linear_scan_ref(a, b), dtype=torch.complex64)


def test_empty_sequence():
    out = chunked_scan(torch.ones(2, 0, 3), torch.ones(2, 0, 3))
    assert out.shape == (2, 0, 3)


@pytest.mark.parametrize("a_shape,b_shape,h0_shape", [((2, 5, 3), (2, 4, 3), None),
                                                      ((5,), (5,), None),
                                                      ((2, 5, 3), (2, 5, 3), (2, 4))])
def test_bad_shapes_raise(a_shape, b_shape, h0_shape):
    h0 = torch.zeros(h0_shape) if h0_shape else None
    with pytest.raises(ShapeError):
        chunked_scan(torch.ones(a_shape), torch.ones(b_shape), h0)


def test_bad_chunk_size_raises():
    with pytest.raises(ShapeError, match="chunk_size"):
        chunked_scan(torch.ones(1, 3, 1), torch.ones(1, 3, 1), chunk_size=0)


# --- the fused chunked selective scan (Mamba's CPU path) -------------------------------------

def _selective_inputs(gate, length, seed=0, dtype=torch.float64):
    from ssm.layers.mamba import make_gate  # noqa: F401 - the oracle below uses it
    gen = torch.Generator().manual_seed(seed)
    batch, d_inner, n = 2, 3, 4
    x = torch.randn(batch, length, d_inner, generator=gen, dtype=dtype)
    delta = 3 * torch.rand(batch, length, d_inner, generator=gen, dtype=dtype)
    if gate == "time_invariant":
        delta = delta[:1, :1].expand(batch, length, d_inner)
    A = -torch.rand(d_inner, n, generator=gen, dtype=dtype) - 0.05
    theta = 3 * torch.randn(d_inner, n, generator=gen, dtype=dtype) \
        if gate in ("complex", "complex_coupled", "signed") else None
    Bm = torch.randn(batch, length, n, generator=gen, dtype=dtype)
    Cm = torch.randn(batch, length, n, generator=gen, dtype=dtype)
    shift = 3 * torch.randn(batch, length, n, generator=gen, dtype=dtype) \
        if gate in ("complex", "signed") else None
    return x, delta, A, theta, shift, Bm, Cm


def _selective_oracle(x, delta, A, theta, shift, Bm, Cm, gate, gate_step=None):
    from ssm.layers.mamba import make_gate
    phase = None if shift is None else theta + shift.unsqueeze(-2)
    coupled = theta if gate == "complex_coupled" else None
    step = delta if gate_step is None else gate_step
    h = linear_scan_ref(make_gate(gate, step, A, coupled, phase),
                        (delta * x).unsqueeze(-1) * Bm.unsqueeze(-2))
    hr = h.real if h.is_complex() else h
    return (hr * Cm.unsqueeze(-2)).sum(-1), h


@pytest.mark.parametrize("gate", ["nonnegative", "signed", "complex", "time_invariant",
                                  "signed_exp", "complex_coupled"])
@pytest.mark.parametrize("length,chunk", [(1, 8), (13, 4), (16, 16), (21, 1), (40, 8)])
def test_selective_scan_matches_the_expanded_recurrence(gate, length, chunk):
    from ssm.scan.selective import selective_scan_chunked
    inputs = _selective_inputs(gate, length)
    leaves = [t.clone().requires_grad_() if t is not None else None for t in inputs]
    x, delta, A, theta, shift, Bm, Cm = leaves
    weight = torch.randn(2, length, 3, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    params = [t for t in leaves if t is not None]
    y_ref, h_ref = _selective_oracle(*leaves, gate)
    y, h = selective_scan_chunked(x, delta, A, Bm, Cm, gate=gate, theta=theta, shift=shift,
                                  chunk=chunk)
    assert_close(y, y_ref, dtype=torch.float64)
    assert_close(h, h_ref, dtype=torch.float64)
    g_ref = torch.autograd.grad((y_ref * weight).sum(), params)
    g = torch.autograd.grad((y * weight).sum(), params)
    for got, want in zip(g, g_ref):
        assert_close(got, want, dtype=torch.float64)


@pytest.mark.parametrize("gate", ["nonnegative", "signed", "complex", "signed_exp", "complex_coupled"])
@pytest.mark.parametrize("length,chunk", [(1, 8), (13, 4), (21, 1), (40, 8)])
def test_selective_scan_with_its_own_gate_step(gate, length, chunk):
    """``gate_step`` σ replaces Δ in the gate only (b = Δ·x·B): outputs, states and every
    gradient, σ's included, against autograd through the expanded recurrence (fp64)."""
    from ssm.scan.selective import selective_scan_chunked
    inputs = _selective_inputs(gate, length, seed=5)
    sigma = 0.5 * torch.rand(2, length, 3, generator=torch.Generator().manual_seed(6),
                             dtype=torch.float64)
    leaves = [t.clone().requires_grad_() if t is not None else None for t in (*inputs, sigma)]
    x, delta, A, theta, shift, Bm, Cm, step = leaves
    weight = torch.randn(2, length, 3, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    params = [t for t in leaves if t is not None]
    y_ref, h_ref = _selective_oracle(x, delta, A, theta, shift, Bm, Cm, gate, gate_step=step)
    y, h = selective_scan_chunked(x, delta, A, Bm, Cm, gate=gate, theta=theta, shift=shift,
                                  gate_step=step, chunk=chunk)
    assert_close(y, y_ref, dtype=torch.float64)
    assert_close(h, h_ref, dtype=torch.float64)
    g_ref = torch.autograd.grad((y_ref * weight).sum(), params)
    g = torch.autograd.grad((y * weight).sum(), params)
    for got, want in zip(g, g_ref):
        assert_close(got, want, dtype=torch.float64)
    if length == 13:       # and the hand-written backward passes torch's finite-difference check
        small = [t.detach()[:, :5].clone().requires_grad_() if t is not None and t.dim() == 3
                 else t for t in leaves]
        xs, ds, As, ts, ss, Bs, Cs, sts = small

        def f(xs, ds, sts, Bs, Cs):
            return selective_scan_chunked(xs, ds, As, Bs, Cs, gate=gate, theta=ts,
                                          shift=None if ss is None else ss.detach(),
                                          gate_step=sts, chunk=2)[0]
        assert torch.autograd.gradcheck(f, (xs, ds, sts, Bs, Cs))
    with pytest.raises(ShapeError, match="gate_step"):
        selective_scan_chunked(x, delta, A, Bm, Cm, gate=gate, theta=theta, shift=shift,
                               gate_step=step[..., :1])


def test_selective_scan_long_signed_sequence_float32():
    from ssm.scan.selective import selective_scan_chunked
    x, delta, A, _, _, Bm, Cm = _selective_inputs("signed_exp", 2000, seed=3, dtype=torch.float32)
    delta = delta * 20                                        # gates close to -1
    y_ref, _ = _selective_oracle(*(t.double() for t in (x, delta, A)), None, None,
                                 *(t.double() for t in (Bm, Cm)), "signed_exp")
    y, _ = selective_scan_chunked(x, delta, A, Bm, Cm, gate="signed_exp")
    assert_close(y, y_ref, dtype=torch.float32, scale=float(y_ref.abs().max()) / 10 + 1)


@pytest.mark.parametrize("gate", ["signed", "complex", "signed_exp", "complex_coupled"])
def test_selective_scan_without_states_in_inference(gate):
    from ssm.scan.selective import selective_scan_chunked
    x, delta, A, theta, shift, Bm, Cm = _selective_inputs(gate, 29, seed=4)
    y_ref, _ = _selective_oracle(x, delta, A, theta, shift, Bm, Cm, gate)
    with torch.no_grad():
        y, h = selective_scan_chunked(x, delta, A, Bm, Cm, gate=gate, theta=theta, shift=shift,
                                      chunk=4, return_states=False)
    assert h is None
    assert_close(y, y_ref, dtype=torch.float64)


def test_selective_scan_rejects_bad_input():
    from ssm.errors import ConfigError
    from ssm.scan.selective import selective_scan_chunked
    x, delta, A, _, _, Bm, Cm = _selective_inputs("nonnegative", 5)
    with pytest.raises(ConfigError, match="unknown gate"):
        selective_scan_chunked(x, delta, A, Bm, Cm, gate="negative")
    with pytest.raises(ConfigError, match="needs theta"):
        selective_scan_chunked(x, delta, A, Bm, Cm, gate="complex")
    with pytest.raises(ShapeError, match="needs a phase shift"):
        selective_scan_chunked(x, delta, A, Bm, Cm, gate="signed", theta=A.clone())
    with pytest.raises(ShapeError, match="shapes do not fit"):
        selective_scan_chunked(x, delta, A, Bm[:, :4], Cm, gate="signed_exp")


# ---------------------------------------------------------------- thread split of the loops
@pytest.fixture
def two_threads():
    old = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(old)


def test_width_parts_split_only_big_steps_with_threads(two_threads):
    from ssm.scan.chunked import _GRAIN, _width_parts

    cpu = torch.device("cpu")
    assert _width_parts(2, 8, cpu) == [[(0, 8)]]                   # small step: plain loop
    groups = _width_parts(32, 2048, cpu)
    assert len(groups) == 2
    ranges = sorted(r for g in groups for r in g)
    assert ranges[0][0] == 0 and ranges[-1][1] == 2048
    assert all(lo2 == hi1 for (_, hi1), (lo2, _) in zip(ranges, ranges[1:]))
    assert all(32 * (hi - lo) <= _GRAIN for lo, hi in ranges)
    torch.set_num_threads(1)
    assert _width_parts(32, 2048, cpu) == [[(0, 2048)]]


@pytest.mark.parametrize("kind,dtype", [("signed", torch.float64), ("complex", torch.complex128)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_split_loops_match_reference(two_threads, kind, dtype, with_h0):
    # batch x state = 4 x 8500 > _GRAIN: the one-chunk loops run on two worker threads
    a, b, h0 = _inputs(kind, dtype, batch=4, length=9, state=(8500,), seed=3, h0=with_h0)
    a.requires_grad_(), b.requires_grad_()
    if h0 is not None:
        h0.requires_grad_()
    got = chunked_scan(a, b, h0)
    want = linear_scan_ref(a, b, h0)
    assert_close(got, want, dtype=dtype)
    g = torch.randn(got.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    g = g.to(dtype)
    grads = torch.autograd.grad(got, [a, b] + ([h0] if h0 is not None else []), g)
    ref = torch.autograd.grad(want, [a, b] + ([h0] if h0 is not None else []), g)
    for x, y in zip(grads, ref):
        assert_close(x, y, dtype=dtype, scale=10)


def test_step_updates_in_pieces_are_the_same_update():
    """The per-step update cut into batch-row pieces (several torch threads) is the same
    element-wise update, bit for bit; the rule picks pieces only for mid-sized steps."""
    from ssm.scan.selective import _ATEN_GRAIN, _step_pieces, _step_update
    gen = torch.Generator().manual_seed(0)
    out, a, h = (torch.randn(7, 5, 3, generator=gen) for _ in range(3))
    whole = out.clone()
    _step_update(whole, a, h, None)
    for rows in (1, 2, 3, 7, 10):
        cut = out.clone()
        _step_update(cut, a, h, rows)
        assert torch.equal(cut, whole)
    torch.testing.assert_close(whole, out + a * h)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert _step_pieces(32, 2048) is None             # one thread: always whole
        torch.set_num_threads(2)
        rows = _step_pieces(32, 2048)                     # (32, 128, 16): 2 pieces of a grain
        assert rows == 16 and rows * 2048 == _ATEN_GRAIN
        assert _step_pieces(16, 2048) is None             # one grain: serial already
        assert _step_pieces(64, 4 * 2048) is None         # large: worth the threads
        assert _step_pieces(2, _ATEN_GRAIN) == 1          # rows of one grain each
        assert _step_pieces(2, _ATEN_GRAIN + 1) is None   # a row over the grain: whole
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("gate", ["nonnegative", "complex"])
def test_selective_scan_same_on_one_and_two_threads_with_step_pieces(gate):
    """A shape whose steps are cut into pieces on 2 threads (12 × 256 × 16 elements a step):
    the outputs, states and gradients agree with 1 thread's."""
    from ssm.scan.selective import _step_pieces, selective_scan_chunked
    gen = torch.Generator().manual_seed(3)
    B, T, D, N = 12, 12, 256, 16
    x = torch.randn(B, T, D, generator=gen)
    delta = 0.5 * torch.rand(B, T, D, generator=gen) + 0.05
    A = -torch.rand(D, N, generator=gen) - 0.1
    Bm, Cm, shift = (torch.randn(B, T, N, generator=gen) for _ in range(3))
    theta = torch.randn(D, N, generator=gen)
    before = torch.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            if threads == 2:
                assert _step_pieces(B, D * N * (2 if gate == "complex" else 1)) is not None
            leaves = [t.clone().requires_grad_() for t in (x, delta, A, Bm, Cm)]
            y, h = selective_scan_chunked(*leaves, gate=gate, theta=theta,
                                          shift=shift if gate == "complex" else None, chunk=5)
            y.pow(2).sum().backward()
            results.append([y.detach(), h] + [t.grad for t in leaves])
    finally:
        torch.set_num_threads(before)
    for one, two in zip(*results):
        torch.testing.assert_close(one, two, rtol=1e-5, atol=1e-5)
    assert results[0][1].shape == (B, T, D, N)            # states: batch first, as documented
