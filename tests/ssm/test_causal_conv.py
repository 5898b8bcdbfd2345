"""The depthwise causal convolution against ``nn.Conv1d`` (values and all three gradients)."""
import pytest
import torch
import torch.nn.functional as F

from ssm.layers.causal_conv import depthwise_causal_conv


def _reference(x, weight, bias):
    width, length = weight.shape[-1], x.shape[1]
    return F.conv1d(x.transpose(1, 2), weight, bias, padding=width - 1,
                    groups=x.shape[-1])[..., :length].transpose(1, 2)


@pytest.mark.parametrize("length", [1, 2, 3, 4, 9, 40])
@pytest.mark.parametrize("width", [1, 2, 4])
@pytest.mark.parametrize("with_bias", [True, False])
def test_matches_grouped_conv1d_with_gradients(length, width, with_bias):
    gen = torch.Generator().manual_seed(length * 10 + width)
    x = torch.randn(3, length, 5, generator=gen, dtype=torch.float64)
    weight = torch.randn(5, 1, width, generator=gen, dtype=torch.float64)
    bias = torch.randn(5, generator=gen, dtype=torch.float64) if with_bias else None
    gy = torch.randn(3, length, 5, generator=gen, dtype=torch.float64)
    grads = []
    for fn in (_reference, depthwise_causal_conv):
        leaves = [t.clone().requires_grad_() for t in (x, weight) + ((bias,) if with_bias else ())]
        y = fn(leaves[0], leaves[1], leaves[2] if with_bias else None)
        y.backward(gy)
        grads.append([y.detach()] + [t.grad for t in leaves])
    for ours, ref in zip(grads[1], grads[0]):
        torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)


def test_gradcheck_and_non_contiguous_input():
    gen = torch.Generator().manual_seed(0)
    both = torch.randn(2, 6, 8, generator=gen, dtype=torch.float64)
    x = both[..., :4]                             # a view, as after Mamba's in_proj.chunk
    assert not x.is_contiguous()
    weight = torch.randn(4, 1, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(4, generator=gen, dtype=torch.float64, requires_grad=True)
    xg = x.clone().requires_grad_()
    assert torch.autograd.gradcheck(depthwise_causal_conv, (xg, weight, bias))
    torch.testing.assert_close(depthwise_causal_conv(x, weight, bias), _reference(x, weight, bias))


def test_two_threads_give_the_same_values():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(4, 64, 32, generator=gen)
    weight = torch.randn(32, 1, 4, generator=gen)
    before = torch.get_num_threads()
    try:
        outs = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            outs.append(depthwise_causal_conv(x, weight))
    finally:
        torch.set_num_threads(before)
    torch.testing.assert_close(outs[0], outs[1])
    torch.testing.assert_close(outs[0], _reference(x, weight, None), rtol=1e-5, atol=1e-5)
